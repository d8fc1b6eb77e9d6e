"""The Telegram outbox: what each user is to be told, and what they were told.

``t14_jh_telegram_outbox`` holds one row per (user, vacancy) — unique — so a re-run, a retried
task or a second matching search never tells a user about a vacancy twice. A row is ``pending``
until Telegram accepts the message that lists it (``sent``, with the delivery), or it stops being
worth sending (``skipped``: banned, employer banned, closed, chat unlinked, or scored below the
user's threshold ``t05.notify_min_score`` when a message goes out). Failed attempts are
counted on the rows and retried by the next delivery. ``t15_jh_telegram_deliveries`` holds each
message sent and whether its CSV still has to follow.

Every function takes a connection inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    and_,
    any_,
    bindparam,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert

from core.schema import (
    banned_employers,
    etl_runs,
    searches,
    telegram_deliveries,
    telegram_outbox,
    user_vacancies,
    users,
    vacancies,
)
from core.settings import Settings
from core.telegram_links import QuietHours, is_quiet, parse_quiet_hours
from etl.telegram.messages import Item

LOCK_NAMESPACE = 0x4A485447  # "JHTG": advisory locks of Telegram deliveries, one per user
DELETED_SEARCH = "удалённый поиск"
_IDS = bindparam("ids", type_=ARRAY(BigInteger))


@dataclass(frozen=True)
class Recipient:
    """A user as delivery sees them, with time zone and quiet hours resolved against the defaults."""

    id: int
    login: str
    chat_id: int | None
    blocked_at: datetime | None
    time_zone: str
    quiet: QuietHours
    min_score: int | None = None  # the threshold of ``/min N``: None tells of every new vacancy
    lang: str = "ru"  # the web app's language of the user (``preferences.lang``): "ru" or "en"

    def quiet_at(self, moment: datetime) -> bool:
        return is_quiet(moment, self.time_zone, self.quiet)


#: The user's language as the web app stores it; the bot speaks Russian unless it is "en".
LANG = users.c.preferences["lang"].astext


def language(value: str | None) -> str:
    """``"en"`` for a user who switched the web app to English, else ``"ru"``."""
    return "en" if value == "en" else "ru"


def language_of(conn: Connection, user_id: int) -> str:
    return language(conn.execute(select(LANG).where(users.c.id == user_id)).scalar())


def quiet_hours(quiet_from: time | None, quiet_to: time | None, settings: Settings) -> QuietHours:
    """A user's quiet hours: their own, none (equal ends), or the installation's default (NULL)."""
    if quiet_from is None or quiet_to is None:
        return parse_quiet_hours(settings.telegram_quiet_hours)
    return None if quiet_from == quiet_to else (quiet_from, quiet_to)


def recipient(conn: Connection, user_id: int, settings: Settings) -> Recipient | None:
    row = conn.execute(
        select(
            users.c.id,
            users.c.login,
            users.c.telegram_chat_id,
            users.c.telegram_blocked_at,
            users.c.time_zone,
            users.c.quiet_from,
            users.c.quiet_to,
            users.c.notify_min_score,
            LANG.label("lang"),
        ).where(users.c.id == user_id, users.c.is_active)
    ).one_or_none()
    if row is None:
        return None
    return Recipient(
        row.id,
        row.login,
        row.telegram_chat_id,
        row.telegram_blocked_at,
        row.time_zone or settings.telegram_time_zone,
        quiet_hours(row.quiet_from, row.quiet_to, settings),
        row.notify_min_score or None,  # 0 holds nothing back
        language(row.lang),
    )


def lock_user(conn: Connection, user_id: int) -> None:
    """Wait for, then hold until the transaction ends, the right to deliver to this user."""
    conn.execute(
        text("SELECT pg_advisory_xact_lock(CAST(:ns AS integer), CAST(:key AS integer))"),
        {"ns": LOCK_NAMESPACE, "key": user_id % 2_147_483_647},
    )


# -- enqueue ---------------------------------------------------------------------------------------


def enqueue(conn: Connection, *, run_id: str, search_id: int, user_id: int) -> int:
    """Queue the vacancies this search found new for its owner in this run; returns how many were queued.

    "New for the user in this run" is ``t08_jh_user_vacancies.run_id`` = the run. Banned vacancies,
    vacancies of banned employers and closed ones are left out; anything already queued (by this
    job before, or by another search of the same user) is left alone.
    """
    uv, v = user_vacancies, vacancies
    source = (
        select(uv.c.user_id, uv.c.vacancy_id, literal(search_id, BigInteger), literal(run_id))
        .join(v, v.c.id == uv.c.vacancy_id)
        .where(
            uv.c.user_id == user_id,
            uv.c.run_id == run_id,
            literal(search_id, BigInteger) == uv.c.search_ids.any_(),
            ~uv.c.is_banned,
            v.c.closed_at.is_(None),
            ~_employer_banned(uv.c.user_id, v.c.employer_id),
        )
        .order_by(uv.c.vacancy_id)
    )
    stmt = (
        pg_insert(telegram_outbox)
        .from_select(["user_id", "vacancy_id", "search_id", "run_id"], source)
        .on_conflict_do_nothing(index_elements=["user_id", "vacancy_id"])
        .returning(telegram_outbox.c.id)
    )
    return len(conn.execute(stmt).all())


def _employer_banned(user_id: Any, employer_id: Any) -> Any:
    return exists().where(
        banned_employers.c.user_id == user_id, banned_employers.c.employer_id == employer_id
    )


# -- is the user's run finished with? -----------------------------------------------------------------


def runs_in_progress(conn: Connection, *, since: datetime) -> list[str]:
    """Runs with a job still open (not finished, not past notify) that started after ``since``."""
    query = (
        select(etl_runs.c.run_id)
        .where(
            etl_runs.c.finished_at.is_(None),
            ~etl_runs.c.step_stats.has_key("notify"),
            etl_runs.c.started_at > since,
        )
        .distinct()
    )
    return list(conn.execute(query).scalars())


def open_jobs(
    conn: Connection, user_id: int, run_ids: Sequence[str], *, exclude_search_id: int | None = None
) -> int:
    """How many of the user's jobs in these runs have not reached notify yet.

    A job is open when its audit row is neither finished nor past notify — or when it has no audit
    row yet although the search is active and older than the run (it is waiting for a free slot:
    every active search is planned into a scheduled run).
    """
    if not run_ids:
        return 0
    runs = list(run_ids)
    started = conn.execute(
        select(func.count())
        .select_from(etl_runs)
        .where(
            etl_runs.c.run_id.in_(runs),
            etl_runs.c.user_id == user_id,
            etl_runs.c.finished_at.is_(None),
            # the calling job has recorded its notify entry already; its other boards' jobs count
            ~etl_runs.c.step_stats.has_key("notify"),
        )
    ).scalar_one()
    starts = (
        select(etl_runs.c.run_id, func.min(etl_runs.c.started_at).label("start"))
        .where(etl_runs.c.run_id.in_(runs))
        .group_by(etl_runs.c.run_id)
        .subquery()
    )
    row = etl_runs.alias("row")
    candidates = [
        searches.c.user_id == user_id,
        searches.c.is_active,
        searches.c.created_at <= starts.c.start,
    ]
    if exclude_search_id is not None:
        candidates.append(searches.c.id != exclude_search_id)
    waiting = conn.execute(
        select(func.count())
        .select_from(starts)
        .join(searches, and_(*candidates))
        .where(~exists().where(row.c.run_id == starts.c.run_id, row.c.search_id == searches.c.id))
    ).scalar_one()
    return started + waiting


# -- what to send -----------------------------------------------------------------------------------------


def skip_unwanted(conn: Connection, user_id: int) -> int:
    """Pending rows the user no longer wants (banned since, employer banned, vacancy closed) → skipped."""
    o, uv, v = telegram_outbox, user_vacancies, vacancies
    unwanted = (
        select(o.c.id)
        .join(v, v.c.id == o.c.vacancy_id)
        .outerjoin(uv, and_(uv.c.user_id == o.c.user_id, uv.c.vacancy_id == o.c.vacancy_id))
        .where(
            o.c.user_id == user_id,
            o.c.status == "pending",
            or_(
                uv.c.is_banned.is_(True),
                v.c.closed_at.is_not(None),
                _employer_banned(o.c.user_id, v.c.employer_id),
            ),
        )
    )
    result = conn.execute(
        update(o)
        .where(o.c.id.in_(unwanted))
        .values(status="skipped", last_error="banned or closed before it was sent")
    )
    return result.rowcount


def skip_below_threshold(conn: Connection, ids: Sequence[int]) -> None:
    """These pending rows scored below the user's threshold: never sent (the message counts them)."""
    if ids:
        conn.execute(
            update(telegram_outbox)
            .where(telegram_outbox.c.id == any_(_IDS), telegram_outbox.c.status == "pending")
            .values(status="skipped", last_error="scored below the user's threshold"),
            {"ids": list(ids)},
        )


def _items_query() -> Any:
    o, v, uv = telegram_outbox, vacancies, user_vacancies
    return (
        select(
            o.c.id.label("outbox_id"),
            v.c.id,
            v.c.name,
            v.c.employer_name,
            v.c.salary_from_rub,
            v.c.salary_to_rub,
            v.c.salary_currency,
            v.c.area_name,
            v.c.experience_name,
            v.c.work_format_names,
            v.c.published_at,
            v.c.url,
            v.c.source,
            func.coalesce(searches.c.name, DELETED_SEARCH).label("search_name"),
            o.c.run_id,
            uv.c.score,
        )
        .join(v, v.c.id == o.c.vacancy_id)
        .outerjoin(uv, and_(uv.c.user_id == o.c.user_id, uv.c.vacancy_id == o.c.vacancy_id))
        .outerjoin(searches, searches.c.id == o.c.search_id)
        .order_by(v.c.published_at.desc(), v.c.id.desc())
    )


def _item(row: Any) -> Item:
    return Item(
        vacancy_id=row.id,
        name=row.name,
        employer_name=row.employer_name,
        salary_from_rub=row.salary_from_rub,
        salary_to_rub=row.salary_to_rub,
        salary_currency=row.salary_currency,
        area_name=row.area_name,
        experience_name=row.experience_name,
        work_format_names=list(row.work_format_names or ()),
        published_at=row.published_at,
        url=row.url,
        search_name=row.search_name,
        run_id=row.run_id,
        source=row.source,
        score=row.score,
    )


def pending(conn: Connection, user_id: int) -> list[tuple[int, Item]]:
    """The user's pending rows, newest vacancy first, as ``(outbox id, item)``."""
    query = _items_query().where(telegram_outbox.c.user_id == user_id, telegram_outbox.c.status == "pending")
    return [(row.outbox_id, _item(row)) for row in conn.execute(query)]


def pending_count(conn: Connection, user_id: int) -> int:
    return conn.execute(
        select(func.count())
        .select_from(telegram_outbox)
        .where(telegram_outbox.c.user_id == user_id, telegram_outbox.c.status == "pending")
    ).scalar_one()


def record_failure(conn: Connection, ids: Sequence[int], error: str) -> None:
    """An attempt to send these rows failed; they stay pending for the next delivery."""
    conn.execute(
        update(telegram_outbox)
        .where(telegram_outbox.c.id == any_(_IDS))
        .values(
            attempts=telegram_outbox.c.attempts + 1,
            last_attempt_at=func.now(),
            last_error=error[:1000],
        ),
        {"ids": list(ids)},
    )


def record_sent(
    conn: Connection,
    *,
    user_id: int,
    chat_id: int,
    ids: Sequence[int],
    run_ids: Sequence[str],
    message_id: int,
    document_needed: bool,
) -> int:
    """Telegram accepted the message listing these rows: they are sent. Returns the delivery id."""
    delivery_id = conn.execute(
        insert(telegram_deliveries)
        .values(
            user_id=user_id,
            chat_id=chat_id,
            run_ids=sorted(set(run_ids)),
            vacancy_count=len(ids),
            message_id=message_id,
            document_needed=document_needed,
        )
        .returning(telegram_deliveries.c.id)
    ).scalar_one()
    conn.execute(
        update(telegram_outbox)
        .where(telegram_outbox.c.id == any_(_IDS))
        .values(
            status="sent",
            delivery_id=delivery_id,
            sent_at=func.now(),
            attempts=telegram_outbox.c.attempts + 1,
            last_attempt_at=func.now(),
            last_error=None,
        ),
        {"ids": list(ids)},
    )
    return delivery_id


# -- the CSV that follows a message -------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    id: int
    chat_id: int
    vacancy_count: int
    sent_at: datetime


def unfinished_documents(conn: Connection, user_id: int) -> list[Delivery]:
    """Deliveries whose CSV has not been accepted yet, oldest first."""
    d = telegram_deliveries
    query = (
        select(d.c.id, d.c.chat_id, d.c.vacancy_count, d.c.sent_at)
        .where(d.c.user_id == user_id, d.c.document_needed, d.c.document_message_id.is_(None))
        .order_by(d.c.id)
    )
    return [Delivery(*row) for row in conn.execute(query)]


def delivery_items(conn: Connection, delivery_id: int) -> list[Item]:
    query = _items_query().where(telegram_outbox.c.delivery_id == delivery_id)
    return [_item(row) for row in conn.execute(query)]


def record_document(
    conn: Connection, delivery_id: int, *, message_id: int | None = None, error: str | None = None
) -> None:
    d = telegram_deliveries
    values: dict[str, Any] = {"document_attempts": d.c.document_attempts + 1}
    if message_id is not None:
        values |= {"document_message_id": message_id, "document_error": None}
    else:
        values["document_error"] = (error or "")[:1000]
    conn.execute(update(d).where(d.c.id == delivery_id).values(**values))


# -- who has something waiting ----------------------------------------------------------------------------


def users_with_work(conn: Connection) -> list[int]:
    """Linked, active users with pending rows or a CSV still to send."""
    o, d = telegram_outbox, telegram_deliveries
    has_rows = exists().where(o.c.user_id == users.c.id, o.c.status == "pending")
    has_document = exists().where(
        d.c.user_id == users.c.id, d.c.document_needed, d.c.document_message_id.is_(None)
    )
    query = (
        select(users.c.id)
        .where(users.c.is_active, users.c.telegram_chat_id.is_not(None), or_(has_rows, has_document))
        .order_by(users.c.id)
    )
    return list(conn.execute(query).scalars())
