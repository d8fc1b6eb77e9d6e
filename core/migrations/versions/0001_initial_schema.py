"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 08:41:54.133026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "t01_jh_vacancies",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False, comment="hh.ru vacancy id"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("employer_id", sa.Text(), nullable=True),
        sa.Column("employer_name", sa.Text(), nullable=True),
        sa.Column("employer_logo_url", sa.Text(), nullable=True),
        sa.Column("employer_url", sa.Text(), nullable=True),
        sa.Column("employer_trusted", sa.Boolean(), nullable=True),
        sa.Column("area_id", sa.Text(), nullable=True),
        sa.Column("area_name", sa.Text(), nullable=True),
        sa.Column("salary_from", sa.Integer(), nullable=True),
        sa.Column("salary_to", sa.Integer(), nullable=True),
        sa.Column("salary_currency", sa.Text(), nullable=True),
        sa.Column("salary_gross", sa.Boolean(), nullable=True),
        sa.Column("salary_mode", sa.Text(), nullable=True),
        sa.Column("salary_frequency", sa.Text(), nullable=True),
        sa.Column(
            "salary_from_rub",
            sa.Integer(),
            nullable=True,
            comment="monthly roubles, see etl.transform.monthly_roubles",
        ),
        sa.Column("salary_to_rub", sa.Integer(), nullable=True),
        sa.Column("experience_id", sa.Text(), nullable=True),
        sa.Column("experience_name", sa.Text(), nullable=True),
        sa.Column("schedule_id", sa.Text(), nullable=True),
        sa.Column("schedule_name", sa.Text(), nullable=True),
        sa.Column("employment_id", sa.Text(), nullable=True),
        sa.Column("employment_name", sa.Text(), nullable=True),
        sa.Column(
            "work_format_ids",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "work_format_names",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "professional_role_ids",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "professional_role_names",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("snippet_requirement", sa.Text(), nullable=True),
        sa.Column("snippet_responsibility", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("vacancy_type", sa.Text(), nullable=True),
        sa.Column("has_test", sa.Boolean(), nullable=True),
        sa.Column("premium", sa.Boolean(), nullable=True),
        sa.Column("archived", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "closed_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="when hh.ru reported it archived or removed",
        ),
        sa.Column("url", sa.Text(), nullable=False, comment="the vacancy's page on hh.ru"),
        sa.Column("api_url", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at_hh", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "first_seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "last_seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("times_seen", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "content_hash", sa.Text(), nullable=False, comment="hash of the search item's stored fields"
        ),
        sa.Column("first_run_id", sa.Text(), nullable=True, comment="the harvest run that stored it first"),
        sa.Column(
            "changed_run_id",
            sa.Text(),
            nullable=True,
            comment="the harvest run that last changed its content",
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t01_jh_vacancies")),
        schema="jh",
        comment="One row per hh.ru vacancy, shared by every user whose searches match it.",
    )
    op.create_index(
        op.f("ix_t01_jh_vacancies_area_id"), "t01_jh_vacancies", ["area_id"], unique=False, schema="jh"
    )
    op.create_index(
        op.f("ix_t01_jh_vacancies_employer_id"),
        "t01_jh_vacancies",
        ["employer_id"],
        unique=False,
        schema="jh",
    )
    op.create_index(
        op.f("ix_t01_jh_vacancies_published_at"),
        "t01_jh_vacancies",
        ["published_at"],
        unique=False,
        schema="jh",
    )
    op.create_table(
        "t05_jh_users",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("login", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), server_default="user", nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'user')", name=op.f("ck_t05_jh_users_role")),
        sa.CheckConstraint(
            "login = lower(login) AND length(login) BETWEEN 1 AND 64", name=op.f("ck_t05_jh_users_login")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t05_jh_users")),
        sa.UniqueConstraint("login", name=op.f("uq_t05_jh_users_login")),
        sa.UniqueConstraint("telegram_chat_id", name=op.f("uq_t05_jh_users_telegram_chat_id")),
        schema="jh",
        comment="People who log in; passwords are stored as argon2 hashes only.",
    )
    op.create_table(
        "t09_jh_raw",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("search_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("request_key", sa.Text(), nullable=False, comment="window and page, or the vacancy id"),
        sa.Column(
            "payload",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="the exact JSON hh.ru answered",
        ),
        sa.Column("fetched_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('search_page', 'vacancy')", name=op.f("ck_t09_jh_raw_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t09_jh_raw")),
        sa.UniqueConstraint(
            "run_id",
            "search_id",
            "kind",
            "request_key",
            name=op.f("uq_t09_jh_raw_run_id_search_id_kind_request_key"),
        ),
        schema="jh",
        comment="Landing zone: hh.ru answers kept verbatim so a transform can be replayed; pruned by age.",
    )
    op.create_index(op.f("ix_t09_jh_raw_fetched_at"), "t09_jh_raw", ["fetched_at"], unique=False, schema="jh")
    op.create_table(
        "t10_jh_dictionaries",
        sa.Column("name", sa.Text(), nullable=False, comment="dictionaries, areas or professional_roles"),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_t10_jh_dictionaries")),
        schema="jh",
        comment="hh.ru reference data cached for a day: currency rates, areas, professional roles.",
    )
    op.create_table(
        "t06_jh_details",
        sa.Column("vacancy_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column(
            "description_html", sa.Text(), nullable=False, comment="as received from hh.ru; never rendered"
        ),
        sa.Column("description_safe", sa.Text(), nullable=False, comment="sanitised HTML for display"),
        sa.Column("description_text", sa.Text(), nullable=False),
        sa.Column(
            "key_skills", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'::text[]"), nullable=False
        ),
        sa.Column("source_hash", sa.Text(), nullable=False, comment="content_hash of the item when fetched"),
        sa.Column("fetched_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("fetched_run_id", sa.Text(), nullable=True, comment="the harvest run that fetched it"),
        sa.Column(
            "fetched_search_id",
            sa.BigInteger(),
            nullable=True,
            comment="the saved search that run fetched it for",
        ),
        sa.Column(
            "search_tsv",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('russian'::regconfig, description_text)", persisted=True),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["jh.t01_jh_vacancies.id"],
            name=op.f("fk_t06_jh_details_vacancy_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vacancy_id", name=op.f("pk_t06_jh_details")),
        schema="jh",
        comment="The full vacancy: description, skills and a Russian full-text column.",
    )
    op.create_index(
        "ix_t06_jh_details_search_tsv",
        "t06_jh_details",
        ["search_tsv"],
        unique=False,
        schema="jh",
        postgresql_using="gin",
    )
    op.create_table(
        "t07_jh_hhparsers",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "search_fields",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "areas", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'::text[]"), nullable=False
        ),
        sa.Column(
            "professional_roles",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "experience", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'::text[]"), nullable=False
        ),
        sa.Column(
            "work_formats",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "employment_forms",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column(
            "schedules", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'::text[]"), nullable=False
        ),
        sa.Column("salary", sa.Integer(), nullable=True),
        sa.Column("currency", sa.Text(), server_default="RUR", nullable=False),
        sa.Column("only_with_salary", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "watermark",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="publication time harvested up to (end of the last complete window)",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("salary IS NULL OR salary > 0", name=op.f("ck_t07_jh_hhparsers_salary")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["jh.t05_jh_users.id"], name=op.f("fk_t07_jh_hhparsers_user_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t07_jh_hhparsers")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_t07_jh_hhparsers_user_id_name")),
        schema="jh",
        comment="Saved hh.ru searches, each owned by one user.",
    )
    op.create_table(
        "t08_jh_user_vacancies",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("vacancy_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "search_ids",
            postgresql.ARRAY(sa.BigInteger()),
            nullable=False,
            comment="the user's searches that matched",
        ),
        sa.Column("matched_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=True, comment="the harvest run that first matched it"),
        sa.Column("is_favourite", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_banned", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["jh.t05_jh_users.id"],
            name=op.f("fk_t08_jh_user_vacancies_user_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["jh.t01_jh_vacancies.id"],
            name=op.f("fk_t08_jh_user_vacancies_vacancy_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "vacancy_id", name=op.f("pk_t08_jh_user_vacancies")),
        schema="jh",
        comment="Which vacancies each user's searches found, with that user's own marks.",
    )
    op.create_index(
        op.f("ix_t08_jh_user_vacancies_user_id_matched_at"),
        "t08_jh_user_vacancies",
        ["user_id", "matched_at"],
        unique=False,
        schema="jh",
    )
    op.create_index(
        op.f("ix_t08_jh_user_vacancies_vacancy_id"),
        "t08_jh_user_vacancies",
        ["vacancy_id"],
        unique=False,
        schema="jh",
    )
    op.create_table(
        "t02_jh_etl",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False, comment="Airflow run id, or cli__<timestamp>"),
        sa.Column("search_id", sa.BigInteger(), nullable=True),
        sa.Column("search_name", sa.Text(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("window_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), server_default="running", nullable=False),
        sa.Column("http_requests", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("pages", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("found", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("received", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("new", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("updated", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("unchanged", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("details_fetched", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("retries", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "step_stats",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
            comment="per-step figures (extract, load, details), so a re-run step replaces its own",
        ),
        sa.CheckConstraint(
            "status IN ('running', 'success', 'partial', 'failed', 'captcha', 'auth')",
            name=op.f("ck_t02_jh_etl_status"),
        ),
        sa.CheckConstraint(
            "trigger IN ('scheduled', 'manual', 'backfill')", name=op.f("ck_t02_jh_etl_trigger")
        ),
        sa.ForeignKeyConstraint(
            ["search_id"],
            ["jh.t07_jh_hhparsers.id"],
            name=op.f("fk_t02_jh_etl_search_id"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["jh.t05_jh_users.id"], name=op.f("fk_t02_jh_etl_user_id"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t02_jh_etl")),
        sa.UniqueConstraint("run_id", "search_id", name=op.f("uq_t02_jh_etl_run_id_search_id")),
        schema="jh",
        comment="Audit log: one row per harvest run per saved search.",
    )
    op.create_index(op.f("ix_t02_jh_etl_started_at"), "t02_jh_etl", ["started_at"], unique=False, schema="jh")


def downgrade() -> None:
    op.drop_index(op.f("ix_t02_jh_etl_started_at"), table_name="t02_jh_etl", schema="jh")
    op.drop_table("t02_jh_etl", schema="jh")
    op.drop_index(
        op.f("ix_t08_jh_user_vacancies_vacancy_id"), table_name="t08_jh_user_vacancies", schema="jh"
    )
    op.drop_index(
        op.f("ix_t08_jh_user_vacancies_user_id_matched_at"), table_name="t08_jh_user_vacancies", schema="jh"
    )
    op.drop_table("t08_jh_user_vacancies", schema="jh")
    op.drop_table("t07_jh_hhparsers", schema="jh")
    op.drop_index(
        "ix_t06_jh_details_search_tsv", table_name="t06_jh_details", schema="jh", postgresql_using="gin"
    )
    op.drop_table("t06_jh_details", schema="jh")
    op.drop_table("t10_jh_dictionaries", schema="jh")
    op.drop_index(op.f("ix_t09_jh_raw_fetched_at"), table_name="t09_jh_raw", schema="jh")
    op.drop_table("t09_jh_raw", schema="jh")
    op.drop_table("t05_jh_users", schema="jh")
    op.drop_index(op.f("ix_t01_jh_vacancies_published_at"), table_name="t01_jh_vacancies", schema="jh")
    op.drop_index(op.f("ix_t01_jh_vacancies_employer_id"), table_name="t01_jh_vacancies", schema="jh")
    op.drop_index(op.f("ix_t01_jh_vacancies_area_id"), table_name="t01_jh_vacancies", schema="jh")
    op.drop_table("t01_jh_vacancies", schema="jh")
