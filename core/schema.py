"""Every table of Job Hunter, as SQLAlchemy Core.

The table names keep the reference system's ``tNN_jh_*`` names so its users recognise
them. Tables live in the PostgreSQL schema ``jh`` (``JH_DB_SCHEMA`` renames it at run
time through ``schema_translate_map``). Migrations in ``core/migrations`` create them;
``tests/test_migrations.py`` checks the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    Table,
    Text,
    Time,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.sql.elements import ColumnElement

SCHEMA = "jh"

metadata = MetaData(
    schema=SCHEMA,
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    },
)

NOW = text("now()")
EMPTY_TEXT_ARRAY = text("'{}'::text[]")


def _ts(name: str, **kwargs: object) -> Column:
    return Column(name, DateTime(timezone=True), **kwargs)


users = Table(
    "t05_jh_users",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("login", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False, server_default="user"),
    Column("display_name", Text),
    Column("telegram_chat_id", BigInteger, unique=True),
    Column("is_active", Boolean, nullable=False, server_default=text("true")),
    _ts("created_at", nullable=False, server_default=NOW),
    _ts("last_login_at"),
    Column(
        "notify_min_score",
        SmallInteger,
        comment="Telegram tells only of vacancies scored at least this (0-100); NULL: of every new one",
    ),
    Column(
        "preferences",
        JSONB,
        nullable=False,
        server_default=text("'{}'::jsonb"),
        comment="web app settings of this user: theme, language, grid column layout",
    ),
    CheckConstraint("role IN ('admin', 'user')", name="role"),
    CheckConstraint("notify_min_score BETWEEN 0 AND 100", name="notify_min_score"),
    CheckConstraint("login = lower(login) AND length(login) BETWEEN 1 AND 64", name="login"),
    comment="People who log in; passwords are stored as argon2 hashes only.",
)

searches = Table(
    "t07_jh_hhparsers",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("text", Text, nullable=False, server_default=""),
    Column("search_fields", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("areas", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("professional_roles", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("experience", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("work_formats", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("employment_forms", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("schedules", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("salary", Integer),
    Column("currency", Text, nullable=False, server_default="RUR"),
    Column("only_with_salary", Boolean, nullable=False, server_default=text("false")),
    Column(
        "sources",
        ARRAY(Text),
        nullable=False,
        server_default=EMPTY_TEXT_ARRAY,
        comment="the boards it runs on (domain.sources.SOURCES); empty: every enabled source",
    ),
    Column("is_active", Boolean, nullable=False, server_default=text("true")),
    _ts("created_at", nullable=False, server_default=NOW),
    _ts("updated_at", nullable=False, server_default=NOW),
    UniqueConstraint("user_id", "name"),
    CheckConstraint("salary IS NULL OR salary > 0", name="salary"),
    comment="Saved searches (hh.ru's vocabulary, mapped onto each board), each owned by one user.",
)

vacancies = Table(
    "t01_jh_vacancies",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True, comment="surrogate key; see source_id"),
    Column("source", Text, nullable=False, comment="the board: hh, trudvsem or superjob"),
    Column("source_id", Text, nullable=False, comment="the board's own id of the vacancy"),
    Column("name", Text, nullable=False),
    Column("employer_id", Text, comment="the board's employer id (source-prefixed but for hh.ru)"),
    Column("employer_name", Text),
    Column("employer_inn", Text, comment="the employer's INN where the board publishes it"),
    Column("employer_logo_url", Text),
    Column("employer_url", Text),
    Column("employer_trusted", Boolean),
    Column("area_id", Text),
    Column("area_name", Text),
    Column("salary_from", Integer),
    Column("salary_to", Integer),
    Column("salary_currency", Text),
    Column("salary_gross", Boolean),
    Column("salary_mode", Text),
    Column("salary_frequency", Text),
    Column("salary_from_rub", Integer, comment="monthly roubles, see etl.transform.monthly_roubles"),
    Column("salary_to_rub", Integer),
    Column("experience_id", Text),
    Column("experience_name", Text),
    Column("schedule_id", Text),
    Column("schedule_name", Text),
    Column("employment_id", Text),
    Column("employment_name", Text),
    Column("work_format_ids", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("work_format_names", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("professional_role_ids", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("professional_role_names", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("snippet_requirement", Text),
    Column("snippet_responsibility", Text),
    Column("address", Text),
    Column("vacancy_type", Text),
    Column("has_test", Boolean),
    Column("premium", Boolean),
    Column("archived", Boolean, nullable=False, server_default=text("false")),
    _ts("closed_at", comment="when its board reported it archived, closed or removed"),
    Column("url", Text, nullable=False, comment="the vacancy's page on its board"),
    Column("api_url", Text),
    _ts("published_at", nullable=False),
    _ts("created_at_hh"),
    _ts("first_seen_at", nullable=False, server_default=NOW),
    _ts("last_seen_at", nullable=False, server_default=NOW),
    Column("times_seen", Integer, nullable=False, server_default=text("1")),
    Column("content_hash", Text, nullable=False, comment="hash of the search item's stored fields"),
    Column("first_run_id", Text, comment="the harvest run that stored it first"),
    Column("changed_run_id", Text, comment="the harvest run that last changed its content"),
    _ts("updated_at", nullable=False, server_default=NOW),
    Column(
        "group_id",
        BigInteger,
        comment="likely the same job on several boards: the id of the group's first vacancy; NULL: alone",
    ),
    UniqueConstraint("source", "source_id"),
    CheckConstraint("source IN ('hh', 'trudvsem', 'superjob')", name="source"),
    Index(None, "published_at", "id"),
    Index(None, "employer_id"),
    Index(None, "area_id"),
    Index(None, "group_id"),
    comment="One row per vacancy per board, shared by every user whose searches match it.",
    # Room on each page for the hourly "seen again" updates to stay heap-only (migration 0006).
    postgresql_with={"fillfactor": 70},
)

details = Table(
    "t06_jh_details",
    metadata,
    Column(
        "vacancy_id",
        BigInteger,
        ForeignKey(vacancies.c.id, ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("description_html", Text, nullable=False, comment="as received from hh.ru; never rendered"),
    Column("description_safe", Text, nullable=False, comment="sanitised HTML for display"),
    Column("description_text", Text, nullable=False),
    Column("key_skills", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("source_hash", Text, nullable=False, comment="content_hash of the item when fetched"),
    Column(
        "match_terms",
        ARRAY(Text),
        comment="stemmed words of name, skills and text (domain.skills.terms); NULL: made when scored",
    ),
    _ts("fetched_at", nullable=False, server_default=NOW),
    Column("fetched_run_id", Text, comment="the harvest run that fetched it"),
    Column("fetched_search_id", BigInteger, comment="the saved search that run fetched it for"),
    Column(
        "search_tsv",
        TSVECTOR,
        Computed("to_tsvector('russian'::regconfig, description_text)", persisted=True),
    ),
    Index("ix_t06_jh_details_search_tsv", "search_tsv", postgresql_using="gin"),
    Index("ix_t06_jh_details_key_skills", "key_skills", postgresql_using="gin"),
    comment="The full vacancy: description, skills and a Russian full-text column.",
)

user_vacancies = Table(
    "t08_jh_user_vacancies",
    metadata,
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), primary_key=True),
    Column(
        "vacancy_id",
        BigInteger,
        ForeignKey(vacancies.c.id, ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("search_ids", ARRAY(BigInteger), nullable=False, comment="the user's searches that matched"),
    _ts("matched_at", nullable=False, server_default=NOW),
    Column("run_id", Text, comment="the harvest run that first matched it"),
    Column("is_favourite", Boolean, nullable=False, server_default=text("false")),
    Column("is_banned", Boolean, nullable=False, server_default=text("false")),
    _ts("seen_at"),
    _ts("updated_at", nullable=False, server_default=NOW),
    Column("score", SmallInteger, comment="how well it fits the user's profile, 0-100 (domain.matching)"),
    Column("score_parts", JSONB, comment="the score's components: points, matched and missing skills"),
    Column("scored_rev", Integer, comment="the profile revision it was scored against; NULL: not yet"),
    Column(
        "stage", Text, comment="where the user's application stands (domain.applications); NULL: untracked"
    ),
    _ts("stage_at", comment="when the stage last changed"),
    _ts("next_step_at", comment="the next step the user planned (an interview, a call), if any"),
    Column("next_step_note", Text, comment="what that next step is, as the user wrote it"),
    CheckConstraint(
        "stage IN ('interested', 'applied', 'test_task', 'interview', 'offer', 'hired', "
        "'rejected', 'no_answer', 'withdrawn')",
        name="stage",
    ),
    Index(None, "user_id", "matched_at"),
    Index("ix_t08_jh_user_vacancies_stage", "user_id", "stage", postgresql_where=text("stage IS NOT NULL")),
    Index("ix_t08_jh_user_vacancies_banned", "user_id", "vacancy_id", postgresql_where=text("is_banned")),
    Index(
        "ix_t08_jh_user_vacancies_score", "user_id", text("score DESC NULLS LAST"), text("vacancy_id DESC")
    ),
    Index(None, "vacancy_id"),
    comment="Which vacancies each user's searches found, with that user's own marks.",
)

etl_runs = Table(
    "t02_jh_etl",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("run_id", Text, nullable=False, comment="Airflow run id, or cli__<timestamp>"),
    Column("search_id", BigInteger, ForeignKey(searches.c.id, ondelete="SET NULL")),
    Column("search_name", Text, nullable=False),
    Column("source", Text, nullable=False, comment="the board this row harvested"),
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="SET NULL")),
    Column("trigger", Text, nullable=False),
    _ts("window_from"),
    _ts("window_to"),
    _ts("started_at", nullable=False, server_default=NOW),
    _ts("finished_at"),
    Column("status", Text, nullable=False, server_default="running"),
    Column("http_requests", Integer, nullable=False, server_default=text("0")),
    Column("pages", Integer, nullable=False, server_default=text("0")),
    Column("found", Integer, nullable=False, server_default=text("0")),
    Column("received", Integer, nullable=False, server_default=text("0")),
    Column("new", Integer, nullable=False, server_default=text("0")),
    Column("updated", Integer, nullable=False, server_default=text("0")),
    Column("unchanged", Integer, nullable=False, server_default=text("0")),
    Column("details_fetched", Integer, nullable=False, server_default=text("0")),
    Column("retries", Integer, nullable=False, server_default=text("0")),
    Column("error", Text),
    Column(
        "step_stats",
        JSONB,
        nullable=False,
        server_default=text("'{}'::jsonb"),
        comment="per-step figures (extract, load, details), so a re-run step replaces its own",
    ),
    Column(
        "runner",
        Text,
        nullable=False,
        server_default="airflow",
        comment="cli: one process runs every step; airflow: each step is a task",
    ),
    _ts("heartbeat_at", nullable=False, server_default=NOW, comment="when a step last reported progress"),
    UniqueConstraint("run_id", "search_id", "source"),
    CheckConstraint("trigger IN ('scheduled', 'manual', 'backfill')", name="trigger"),
    CheckConstraint("runner IN ('cli', 'airflow')", name="runner"),
    CheckConstraint(
        "status IN ('running', 'success', 'partial', 'failed', 'captcha', 'auth')", name="status"
    ),
    Index(None, "started_at"),
    Index("ix_t02_jh_etl_running", "search_id", postgresql_where=text("status = 'running'")),
    comment="Audit log: one row per harvest run per saved search per board.",
)

raw = Table(
    "t09_jh_raw",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("run_id", Text, nullable=False),
    Column("search_id", BigInteger, nullable=False),
    Column("source", Text, nullable=False, comment="the board that answered"),
    Column("kind", Text, nullable=False),
    Column("request_key", Text, nullable=False, comment="window and page, or the vacancy id"),
    Column("payload", JSONB, nullable=False, comment="the exact JSON the board answered"),
    _ts("fetched_at", nullable=False, server_default=NOW),
    UniqueConstraint("run_id", "search_id", "source", "kind", "request_key"),
    CheckConstraint("kind IN ('search_page', 'vacancy')", name="kind"),
    Index(None, "fetched_at"),
    comment="Landing zone: boards' answers kept verbatim so a transform can be replayed; pruned by age.",
)

dictionaries = Table(
    "t10_jh_dictionaries",
    metadata,
    Column("name", Text, primary_key=True, comment="dictionaries, areas or professional_roles"),
    Column("payload", JSONB, nullable=False),
    _ts("fetched_at", nullable=False, server_default=NOW),
    comment="hh.ru reference data cached for a day: currency rates, areas, professional roles.",
)


# -- web app (migration 0002) ---------------------------------------------------------------------


def vacancy_search_document(table: Table = vacancies) -> ColumnElement:
    """The Russian full-text document of a vacancy's search item: title, employer and snippets.

    ``ix_t01_jh_vacancies_search_document`` indexes exactly this expression, so a query must
    build it with this function (constants are literal SQL, not parameters) to use the index.
    """
    space = literal_column("' '")
    empty = literal_column("''")
    parts = [
        func.coalesce(table.c[name], empty)
        for name in ("name", "employer_name", "snippet_requirement", "snippet_responsibility")
    ]
    document = parts[0]
    for part in parts[1:]:
        document = document.op("||")(space).op("||")(part)
    return func.to_tsvector(literal_column("'russian'::regconfig"), document)


Index(
    "ix_t01_jh_vacancies_search_document",
    vacancy_search_document(),
    postgresql_using="gin",
    _table=vacancies,
)
Index(
    "ix_t01_jh_vacancies_name_trgm",
    vacancies.c.name,
    postgresql_using="gin",
    postgresql_ops={"name": "gin_trgm_ops"},
)
Index(
    "ix_t01_jh_vacancies_employer_name_trgm",
    vacancies.c.employer_name,
    postgresql_using="gin",
    postgresql_ops={"employer_name": "gin_trgm_ops"},
)
# The grid's sort columns, each ending in the id (its tie-break): one index range per block, both
# directions (a nullable column DESC NULLS LAST, read backwards for low to high; migration 0014).
Index("ix_t01_jh_vacancies_name_id", vacancies.c.name, vacancies.c.id)
Index(
    "ix_t01_jh_vacancies_employer_name_id",
    vacancies.c.employer_name.desc().nulls_last(),
    vacancies.c.id.desc(),
)
Index(
    "ix_t01_jh_vacancies_salary_from_rub",
    vacancies.c.salary_from_rub.desc().nulls_last(),
    vacancies.c.id.desc(),
)
Index(
    "ix_t01_jh_vacancies_salary_to_rub", vacancies.c.salary_to_rub.desc().nulls_last(), vacancies.c.id.desc()
)
Index("ix_t01_jh_vacancies_first_seen_at_id", vacancies.c.first_seen_at, vacancies.c.id)

banned_employers = Table(
    "t11_jh_banned_employers",
    metadata,
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), primary_key=True),
    Column("employer_id", Text, primary_key=True, comment="hh.ru employer id"),
    Column("employer_name", Text, comment="as it was when banned, for the list of bans"),
    _ts("banned_at", nullable=False, server_default=NOW),
    comment="Employers a user never wants to see: every vacancy of theirs is hidden for that user.",
)

login_failures = Table(
    "t12_jh_login_failures",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("login", Text, nullable=False, comment="as typed, lower-cased; may name no user"),
    Column("ip", Text, nullable=False),
    _ts("failed_at", nullable=False, server_default=NOW),
    Index(None, "login", "ip", "failed_at"),
    Index(None, "failed_at"),
    comment="Failed web logins, for throttling (see webapp.auth); pruned after a day.",
)


# -- Telegram (migration 0003) --------------------------------------------------------------------

for _column in (
    _ts("telegram_linked_at", comment="when telegram_chat_id was bound through a one-time link"),
    _ts(
        "telegram_blocked_at",
        comment="when Telegram answered 403 (the user blocked the bot); cleared on their next /start",
    ),
    Column("time_zone", Text, comment="IANA time zone for quiet hours; NULL: JH_TELEGRAM_TIME_ZONE"),
    Column("quiet_from", Time, comment="local start of quiet hours; NULL: JH_TELEGRAM_QUIET_HOURS"),
    Column("quiet_to", Time, comment="local end of quiet hours; equal to quiet_from: none"),
    _ts(
        "market_digest_since",
        comment="when the user asked for «Рынок за неделю» in Telegram (etl.telegram.digest); NULL: off",
    ),
):
    users.append_column(_column)
users.append_constraint(
    CheckConstraint("(quiet_from IS NULL) = (quiet_to IS NULL)", name="quiet_hours"),
)

telegram_links = Table(
    "t13_jh_telegram_links",
    metadata,
    Column(
        "token_hash", Text, primary_key=True, comment="sha256 of the one-time token; the token is not kept"
    ),
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    _ts("created_at", nullable=False, server_default=NOW),
    _ts("expires_at", nullable=False),
    _ts("used_at"),
    Column("chat_id", BigInteger, comment="the chat that used it"),
    Index(None, "user_id"),
    comment="One-time deep-link tokens (https://t.me/<bot>?start=<token>) that bind a chat to a user.",
)

telegram_deliveries = Table(
    "t15_jh_telegram_deliveries",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("run_ids", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("vacancy_count", Integer, nullable=False),
    Column("message_id", BigInteger, nullable=False, comment="the summary message Telegram accepted"),
    _ts("sent_at", nullable=False, server_default=NOW),
    Column("document_needed", Boolean, nullable=False, comment="more vacancies than listed: a CSV follows"),
    Column("document_message_id", BigInteger),
    Column("document_attempts", Integer, nullable=False, server_default=text("0")),
    Column("document_error", Text),
    Index(None, "user_id", "sent_at"),
    comment="Messages sent to users in Telegram: one per user per run (or digest), with its CSV.",
)

telegram_outbox = Table(
    "t14_jh_telegram_outbox",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    Column("vacancy_id", BigInteger, ForeignKey(vacancies.c.id, ondelete="CASCADE"), nullable=False),
    Column("search_id", BigInteger, ForeignKey(searches.c.id, ondelete="SET NULL")),
    Column("run_id", Text, nullable=False, comment="the harvest run that found it new for the user"),
    Column("status", Text, nullable=False, server_default="pending"),
    _ts("enqueued_at", nullable=False, server_default=NOW),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    _ts("last_attempt_at"),
    Column("last_error", Text),
    Column(
        "delivery_id",
        BigInteger,
        ForeignKey(telegram_deliveries.c.id, ondelete="SET NULL"),
        comment="once sent",
    ),
    _ts("sent_at"),
    UniqueConstraint("user_id", "vacancy_id"),
    CheckConstraint("status IN ('pending', 'sent', 'skipped')", name="status"),
    Index(None, "status", "user_id"),
    Index(None, "delivery_id"),
    comment="Telegram outbox: each vacancy told to a user once, pending until Telegram accepts it.",
)


# -- demo data (migration 0004) -------------------------------------------------------------------

DEMO_COMMENT = "generated by `jobhunter demo load`; removed by `jobhunter demo clear`"
for _demo_table in (users, searches, vacancies, etl_runs):
    _demo_table.append_column(
        Column("is_demo", Boolean, nullable=False, server_default=text("false"), comment=DEMO_COMMENT)
    )
Index("ix_t01_jh_vacancies_is_demo", vacancies.c.is_demo, postgresql_where=vacancies.c.is_demo)


# -- tailored resume and cover letter (migration 0005) --------------------------------------------

resume_profiles = Table(
    "t16_jh_resume_profiles",
    metadata,
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), primary_key=True),
    Column(
        "document",
        JSONB,
        nullable=False,
        server_default=text("'{}'::jsonb"),
        comment="the master resume, validated by domain.resume.model.Profile",
    ),
    Column(
        "gigachat_key",
        LargeBinary,
        comment="the user's own GigaChat authorization key, Fernet-encrypted (core.secrets); never shown",
    ),
    Column(
        "gigachat_options",
        JSONB,
        nullable=False,
        server_default=text("'{}'::jsonb"),
        comment="the user's scope, model and temperature; a missing one: JH_GIGACHAT_*",
    ),
    Column(
        "revision",
        Integer,
        nullable=False,
        server_default=text("0"),
        comment="grows with every change of the document; links scored against an older one are stale",
    ),
    _ts("created_at", nullable=False, server_default=NOW),
    _ts("updated_at", nullable=False, server_default=NOW),
    comment="Each user's master resume for tailored documents, and their own GigaChat key.",
)

resume_generations = Table(
    "t17_jh_resume_generations",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    Column("vacancy_id", BigInteger, ForeignKey(vacancies.c.id, ondelete="CASCADE"), nullable=False),
    Column("status", Text, nullable=False, server_default="running"),
    Column("provider", Text, nullable=False, comment="gigachat or offline (the deterministic template)"),
    Column("model", Text, comment="the GigaChat model asked; NULL for the offline template"),
    Column("lang", Text, nullable=False, server_default="ru", comment="language of the documents"),
    Column("vacancy_name", Text, nullable=False, comment="as it was then, for the file names"),
    Column("employer_name", Text),
    Column(
        "output",
        JSONB,
        comment="the checked resume and cover letter as structure; every download renders DOCX from it",
    ),
    Column("report", JSONB, comment="what the truthfulness check removed or corrected; matched skills"),
    Column("error_kind", Text, comment="auth, rate_limit, timeout, server, network, tls, malformed, ..."),
    Column("error_detail", JSONB, comment="parameters of the error message (status, retry_after); no secret"),
    _ts("created_at", nullable=False, server_default=NOW),
    _ts("finished_at"),
    CheckConstraint("status IN ('running', 'done', 'failed')", name="status"),
    CheckConstraint("provider IN ('gigachat', 'offline')", name="provider"),
    Index(None, "user_id", "vacancy_id", "created_at"),
    Index(None, "vacancy_id"),
    comment="Every tailored resume and cover letter, per user and vacancy, kept for downloading again.",
)
Index(
    "ux_t17_jh_resume_generations_running",
    resume_generations.c.user_id,
    resume_generations.c.vacancy_id,
    unique=True,
    postgresql_where=text("status = 'running'"),
)


# -- web sessions (migration 0007) ------------------------------------------------------------------

web_sessions = Table(
    "t18_jh_web_sessions",
    metadata,
    Column(
        "token_hash", Text, primary_key=True, comment="sha256 of the session token; the token is not kept"
    ),
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    _ts("created_at", nullable=False, server_default=NOW),
    _ts("expires_at", nullable=False),
    Column("ip", Text, comment="the address the session logged in from"),
    Index(None, "user_id"),
    comment="Web logins that are still valid: logout, a new password or disabling the user deletes them.",
)


# -- vacancy sources (migration 0009) -------------------------------------------------------------

search_cursors = Table(
    "t19_jh_search_cursors",
    metadata,
    Column("search_id", BigInteger, ForeignKey(searches.c.id, ondelete="CASCADE"), primary_key=True),
    Column("source", Text, primary_key=True),
    _ts("watermark", nullable=False, comment="publication time harvested up to on this board"),
    comment="How far each saved search has been harvested completely on each board.",
)

group_splits = Table(
    "t20_jh_group_splits",
    metadata,
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), primary_key=True),
    Column(
        "vacancy_id",
        BigInteger,
        ForeignKey(vacancies.c.id, ondelete="CASCADE"),
        primary_key=True,
    ),
    _ts("split_at", nullable=False, server_default=NOW),
    Index(None, "vacancy_id"),
    comment="Vacancies a user took out of their duplicate group: a row of their own for that user.",
)


# -- application tracking (migration 0011) ---------------------------------------------------------

application_events = Table(
    "t21_jh_application_events",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", BigInteger, nullable=False),
    Column("vacancy_id", BigInteger, nullable=False),
    Column("stage_from", Text, comment="NULL: the vacancy was not tracked before"),
    Column("stage_to", Text, comment="NULL: only the note or the next step changed"),
    Column("note", Text, comment="plain text as the user wrote it; always rendered escaped"),
    _ts("next_step_at"),
    Column("next_step_note", Text),
    Column("via", Text, nullable=False, comment="web, telegram or cli"),
    Column(
        "generation_id",
        BigInteger,
        ForeignKey(resume_generations.c.id, ondelete="SET NULL"),
        comment="the tailored resume and letter the user applied with",
    ),
    _ts("created_at", nullable=False, server_default=NOW),
    ForeignKeyConstraint(
        ["user_id", "vacancy_id"],
        [user_vacancies.c.user_id, user_vacancies.c.vacancy_id],
        ondelete="CASCADE",
    ),
    CheckConstraint("via IN ('web', 'telegram', 'cli')", name="via"),
    CheckConstraint("length(note) <= 2000", name="note"),
    Index(None, "user_id", "vacancy_id", "id"),
    Index(None, "user_id", "created_at"),
    comment="Every change of an application: the history is appended to, never overwritten.",
)

application_reminders = Table(
    "t22_jh_application_reminders",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", BigInteger, nullable=False),
    Column("vacancy_id", BigInteger, nullable=False),
    Column("kind", Text, nullable=False, comment="morning (of the next step's day), hour_before, follow_up"),
    _ts("due_at", nullable=False, comment="when it is due; a moved next step makes new reminders"),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    _ts("last_attempt_at"),
    Column("last_error", Text),
    _ts("sent_at"),
    _ts("created_at", nullable=False, server_default=NOW),
    ForeignKeyConstraint(
        ["user_id", "vacancy_id"],
        [user_vacancies.c.user_id, user_vacancies.c.vacancy_id],
        ondelete="CASCADE",
    ),
    UniqueConstraint("user_id", "vacancy_id", "kind", "due_at"),
    CheckConstraint("kind IN ('morning', 'hour_before', 'follow_up')", name="kind"),
    CheckConstraint("status IN ('pending', 'sent', 'skipped')", name="status"),
    Index(None, "status", "due_at"),
    comment="Telegram reminders of next steps and follow-ups: each sent once, through quiet hours.",
)

market_facts = Table(
    "t23_jh_market_facts",
    metadata,
    Column("user_id", BigInteger, primary_key=True),
    Column("vacancy_id", BigInteger, primary_key=True),
    Column("search_ids", ARRAY(BigInteger), nullable=False),
    Column("source", Text, nullable=False),
    Column("first_day", Date, nullable=False, comment="UTC day the vacancy was first seen"),
    Column("last_day", Date, nullable=False, comment="UTC day it was last seen"),
    Column("closed_day", Date, comment="UTC day its board reported it closed"),
    Column("grade", Text, comment="experience_id"),
    Column("area_id", Text),
    Column("area_name", Text),
    Column("formats", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("format_names", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    Column("employer_id", Text),
    Column("employer_name", Text),
    Column("salary", Float, comment="monthly roubles: the middle of the range, or its one end"),
    Column("gross", Boolean, comment="the salary is before tax; NULL: not said"),
    Column("skills", ARRAY(Text), nullable=False, server_default=EMPTY_TEXT_ARRAY),
    ForeignKeyConstraint(
        ["user_id", "vacancy_id"],
        [user_vacancies.c.user_id, user_vacancies.c.vacancy_id],
        ondelete="CASCADE",
    ),
    Index(None, "user_id", "last_day"),
    # the facts of a banned employer, of a period (the figures subtract them live)
    Index("ix_t23_jh_market_facts_employer", "user_id", "employer_id", "first_day"),
    Index(
        "ix_t23_jh_market_facts_closed",
        "user_id",
        "closed_day",
        postgresql_where=text("closed_day IS NOT NULL"),
    ),
    comment="What the market figures read of each user's vacancy, one narrow row per link "
    "(domain.market.store: refreshed with every harvest batch; bans are read live).",
)

market_days = Table(
    "t24_jh_market_days",
    metadata,
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), primary_key=True),
    Column("search_id", BigInteger, primary_key=True, comment="one of the user's searches; 0: any of them"),
    Column("source", Text, primary_key=True),
    Column("day", Date, primary_key=True, comment="the UTC day the vacancies were first seen"),
    Column(
        "skill",
        Text,
        primary_key=True,
        comment="a key skill; '*': every vacancy; '': the vacancies whose key skills are known",
    ),
    Column("vacancies", Integer, nullable=False),
    comment="How many of a user's vacancies first seen on a day name each key skill, hidden ones "
    "included (domain.market.store keeps it with t23; the figures subtract the hidden live).",
)

market_rollup = Table(
    "t26_jh_market_rollup",
    metadata,
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    Column("dim", Text, nullable=False, comment="what the row counts (domain.market.rollup.DIMS)"),
    Column("search_id", BigInteger, nullable=False, comment="one of the user's searches; 0: any of them"),
    Column("day", Date, nullable=False, comment="the UTC day: first seen (closed: the closing day)"),
    Column("source", Text, nullable=False),
    Column("key", Text, nullable=False, comment="the group: grade, city, work format, employer, skill"),
    Column("label", Text, comment="the group's name (a city's, an employer's)"),
    Column("gross", Boolean, comment="the salary is before tax; NULL: not said"),
    Column("value", Float, comment="monthly roubles (lifetime days for 'closed'); NULL: no salary"),
    Column("open", Boolean, nullable=False, comment="not closed (only 'employer' tells it)"),
    Column("n", Integer, nullable=False, comment="how many vacancies, hidden ones included"),
    Index(
        "ux_t26_jh_market_rollup",
        "user_id",
        "dim",
        "search_id",
        "day",
        "source",
        "key",
        "gross",
        "value",
        "open",
        unique=True,
        postgresql_nulls_not_distinct=True,
        postgresql_include=["n", "label"],  # a chart reads the index alone (migration 0016)
    ),
    comment="How many of a user's vacancies of a day have each salary, by group (domain.market.rollup "
    "keeps it with t23; the figures subtract the hidden live and read percentiles off the counts).",
)

market_digests = Table(
    "t25_jh_market_digests",
    metadata,
    Column("user_id", BigInteger, ForeignKey(users.c.id, ondelete="CASCADE"), primary_key=True),
    Column("week", Date, primary_key=True, comment="the Monday it is sent on; it tells of the week before"),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    _ts("last_attempt_at"),
    Column("last_error", Text, comment="why it failed, or why it was skipped"),
    _ts("sent_at"),
    _ts("created_at", nullable=False, server_default=NOW),
    CheckConstraint("status IN ('pending', 'sent', 'skipped')", name="status"),
    comment="The weekly market digests in Telegram: one per user per week, sent once.",
)
