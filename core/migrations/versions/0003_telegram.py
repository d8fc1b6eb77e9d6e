"""Telegram: chat links, outbox, deliveries, per-user quiet hours

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _schema() -> str:
    # ALTER TABLE ... ADD/DROP COLUMN / CONSTRAINT is rendered without schema_translate_map.
    return context.config.attributes.get("schema", "jh")


def _user_columns() -> tuple[sa.Column, ...]:
    return (
        sa.Column(
            "telegram_linked_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="when telegram_chat_id was bound through a one-time link",
        ),
        sa.Column(
            "telegram_blocked_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="when Telegram answered 403 (the user blocked the bot); cleared on their next /start",
        ),
        sa.Column(
            "time_zone",
            sa.Text(),
            nullable=True,
            comment="IANA time zone for quiet hours; NULL: JH_TELEGRAM_TIME_ZONE",
        ),
        sa.Column(
            "quiet_from",
            sa.Time(),
            nullable=True,
            comment="local start of quiet hours; NULL: JH_TELEGRAM_QUIET_HOURS",
        ),
        sa.Column(
            "quiet_to",
            sa.Time(),
            nullable=True,
            comment="local end of quiet hours; equal to quiet_from: none",
        ),
    )


def upgrade() -> None:
    for column in _user_columns():
        op.add_column("t05_jh_users", column, schema=_schema())
    op.create_check_constraint(
        op.f("ck_t05_jh_users_quiet_hours"),
        "t05_jh_users",
        "(quiet_from IS NULL) = (quiet_to IS NULL)",
        schema=_schema(),
    )
    op.create_table(
        "t13_jh_telegram_links",
        sa.Column(
            "token_hash",
            sa.Text(),
            nullable=False,
            comment="sha256 of the one-time token; the token is not kept",
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True, comment="the chat that used it"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["jh.t05_jh_users.id"],
            name=op.f("fk_t13_jh_telegram_links_user_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_t13_jh_telegram_links")),
        schema="jh",
        comment="One-time deep-link tokens (https://t.me/<bot>?start=<token>) that bind a chat to a user.",
    )
    op.create_index(
        op.f("ix_t13_jh_telegram_links_user_id"),
        "t13_jh_telegram_links",
        ["user_id"],
        unique=False,
        schema="jh",
    )
    op.create_table(
        "t15_jh_telegram_deliveries",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "run_ids", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'::text[]"), nullable=False
        ),
        sa.Column("vacancy_count", sa.Integer(), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger(), nullable=False, comment="the summary message Telegram accepted"
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column(
            "document_needed",
            sa.Boolean(),
            nullable=False,
            comment="more vacancies than listed: a CSV follows",
        ),
        sa.Column("document_message_id", sa.BigInteger(), nullable=True),
        sa.Column("document_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("document_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["jh.t05_jh_users.id"],
            name=op.f("fk_t15_jh_telegram_deliveries_user_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t15_jh_telegram_deliveries")),
        schema="jh",
        comment="Messages sent to users in Telegram: one per user per run (or digest), with its CSV.",
    )
    op.create_index(
        op.f("ix_t15_jh_telegram_deliveries_user_id_sent_at"),
        "t15_jh_telegram_deliveries",
        ["user_id", "sent_at"],
        unique=False,
        schema="jh",
    )
    op.create_table(
        "t14_jh_telegram_outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("vacancy_id", sa.BigInteger(), nullable=False),
        sa.Column("search_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "run_id", sa.Text(), nullable=False, comment="the harvest run that found it new for the user"
        ),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivery_id", sa.BigInteger(), nullable=True, comment="once sent"),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'skipped')", name=op.f("ck_t14_jh_telegram_outbox_status")
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["jh.t15_jh_telegram_deliveries.id"],
            name=op.f("fk_t14_jh_telegram_outbox_delivery_id"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["search_id"],
            ["jh.t07_jh_hhparsers.id"],
            name=op.f("fk_t14_jh_telegram_outbox_search_id"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["jh.t05_jh_users.id"],
            name=op.f("fk_t14_jh_telegram_outbox_user_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["jh.t01_jh_vacancies.id"],
            name=op.f("fk_t14_jh_telegram_outbox_vacancy_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_t14_jh_telegram_outbox")),
        sa.UniqueConstraint(
            "user_id", "vacancy_id", name=op.f("uq_t14_jh_telegram_outbox_user_id_vacancy_id")
        ),
        schema="jh",
        comment="Telegram outbox: each vacancy told to a user once, pending until Telegram accepts it.",
    )
    op.create_index(
        op.f("ix_t14_jh_telegram_outbox_status_user_id"),
        "t14_jh_telegram_outbox",
        ["status", "user_id"],
        unique=False,
        schema="jh",
    )
    op.create_index(
        op.f("ix_t14_jh_telegram_outbox_delivery_id"),
        "t14_jh_telegram_outbox",
        ["delivery_id"],
        unique=False,
        schema="jh",
    )


def downgrade() -> None:
    op.drop_table("t14_jh_telegram_outbox", schema="jh")
    op.drop_table("t15_jh_telegram_deliveries", schema="jh")
    op.drop_table("t13_jh_telegram_links", schema="jh")
    op.drop_constraint(op.f("ck_t05_jh_users_quiet_hours"), "t05_jh_users", type_="check", schema=_schema())
    for column in reversed(_user_columns()):
        op.drop_column("t05_jh_users", column.name, schema=_schema())
