"""The weekly market digest in Telegram: who asked for it, and one row per user per week sent

``t05.market_digest_since`` (NULL: off) is when the user turned «Рынок за неделю» on; each week's
digest is a row of ``t25_jh_market_digests`` (user × Monday), so it is sent once. See
``etl.telegram.digest``.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0013"
down_revision = "0011"  # MERGE: 0012
branch_labels = None
depends_on = None


def _schema() -> str:
    # ALTER TABLE is rendered without schema_translate_map: name the configured schema.
    return context.config.attributes.get("schema", "jh")


def upgrade() -> None:
    schema = _schema()
    op.add_column(
        "t05_jh_users",
        sa.Column(
            "market_digest_since",
            sa.DateTime(timezone=True),
            comment="when the user asked for «Рынок за неделю» in Telegram (etl.telegram.digest); NULL: off",
        ),
        schema=schema,
    )
    op.create_table(
        "t25_jh_market_digests",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "week", sa.Date(), nullable=False, comment="the Monday it is sent on; it tells of the week before"
        ),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text(), comment="why it failed, or why it was skipped"),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'skipped')", name="ck_t25_jh_market_digests_status"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["jh.t05_jh_users.id"],
            name="fk_t25_jh_market_digests_user_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "week", name="pk_t25_jh_market_digests"),
        schema="jh",
        comment="The weekly market digests in Telegram: one per user per week, sent once.",
    )


def downgrade() -> None:
    op.drop_table("t25_jh_market_digests", schema="jh")
    op.drop_column("t05_jh_users", "market_digest_since", schema=_schema())
