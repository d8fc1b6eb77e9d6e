"""web app: user preferences, banned employers, login throttling, search indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00

pg_trgm is created in ``public`` (one extension per database, whatever ``JH_DB_SCHEMA`` is; a
schema of its own would take the extension with it when dropped). When it already exists in
another schema, that one is used.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SEARCH_DOCUMENT = (
    "to_tsvector('russian'::regconfig, (((((coalesce(name, '') || ' ') || coalesce(employer_name, ''))"
    " || ' ') || coalesce(snippet_requirement, '')) || ' ') || coalesce(snippet_responsibility, ''))"
)


def _trgm_schema() -> str:
    bind = op.get_bind()
    bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    return bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar_one()


def _schema() -> str:
    # ALTER TABLE ... ADD/DROP COLUMN is rendered without schema_translate_map: name the real schema.
    return context.config.attributes.get("schema", "jh")


def upgrade() -> None:
    trgm = _trgm_schema()
    op.add_column(
        "t05_jh_users",
        sa.Column(
            "preferences",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
            comment="web app settings of this user: theme, language, grid column layout",
        ),
        schema=_schema(),
    )
    op.create_index(
        "ix_t01_jh_vacancies_search_document",
        "t01_jh_vacancies",
        [sa.text(_SEARCH_DOCUMENT)],
        unique=False,
        schema="jh",
        postgresql_using="gin",
    )
    for column in ("name", "employer_name"):
        op.create_index(
            f"ix_t01_jh_vacancies_{column}_trgm",
            "t01_jh_vacancies",
            [sa.text(f'{column} "{trgm}".gin_trgm_ops')],
            unique=False,
            schema="jh",
            postgresql_using="gin",
        )
    for column in ("salary_from_rub", "salary_to_rub"):
        op.create_index(
            f"ix_t01_jh_vacancies_{column}",
            "t01_jh_vacancies",
            [sa.text(f"{column} DESC NULLS LAST")],
            unique=False,
            schema="jh",
        )
    op.create_index(
        "ix_t01_jh_vacancies_first_seen_at", "t01_jh_vacancies", ["first_seen_at"], unique=False, schema="jh"
    )
    op.create_table(
        "t11_jh_banned_employers",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("employer_id", sa.Text(), nullable=False, comment="hh.ru employer id"),
        sa.Column(
            "employer_name", sa.Text(), nullable=True, comment="as it was when banned, for the list of bans"
        ),
        sa.Column("banned_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["jh.t05_jh_users.id"],
            name=op.f("fk_t11_jh_banned_employers_user_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "employer_id", name=op.f("pk_t11_jh_banned_employers")),
        schema="jh",
        comment="Employers a user never wants to see: every vacancy of theirs is hidden for that user.",
    )
    op.create_table(
        "t12_jh_login_failures",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("login", sa.Text(), nullable=False, comment="as typed, lower-cased; may name no user"),
        sa.Column("ip", sa.Text(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t12_jh_login_failures")),
        schema="jh",
        comment="Failed web logins, for throttling (see webapp.auth); pruned after a day.",
    )
    op.create_index(
        op.f("ix_t12_jh_login_failures_login_ip_failed_at"),
        "t12_jh_login_failures",
        ["login", "ip", "failed_at"],
        unique=False,
        schema="jh",
    )
    op.create_index(
        op.f("ix_t12_jh_login_failures_failed_at"),
        "t12_jh_login_failures",
        ["failed_at"],
        unique=False,
        schema="jh",
    )


def downgrade() -> None:
    op.drop_table("t12_jh_login_failures", schema="jh")
    op.drop_table("t11_jh_banned_employers", schema="jh")
    for name in (
        "first_seen_at",
        "salary_to_rub",
        "salary_from_rub",
        "employer_name_trgm",
        "name_trgm",
        "search_document",
    ):
        op.drop_index(f"ix_t01_jh_vacancies_{name}", table_name="t01_jh_vacancies", schema="jh")
    op.drop_column("t05_jh_users", "preferences", schema=_schema())
    # pg_trgm stays: other schemas of this database may use it
