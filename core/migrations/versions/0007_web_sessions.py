"""Server-side web sessions: a cookie is valid only while its row exists

Logout, "log out everywhere", a new password and disabling a user delete the rows, so a copied
or replayed cookie stops working at once (see webapp.sessions).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# A new table only: CREATE TABLE / CREATE INDEX go through schema_translate_map ("jh" is right).


def upgrade() -> None:
    op.create_table(
        "t18_jh_web_sessions",
        sa.Column(
            "token_hash",
            sa.Text(),
            nullable=False,
            comment="sha256 of the session token; the token is not kept",
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.Text(), nullable=True, comment="the address the session logged in from"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["jh.t05_jh_users.id"], name="fk_t18_jh_web_sessions_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_t18_jh_web_sessions"),
        schema="jh",
        comment="Web logins that are still valid: logout, a new password or disabling the user deletes them.",
    )
    op.create_index("ix_t18_jh_web_sessions_user_id", "t18_jh_web_sessions", ["user_id"], schema="jh")


def downgrade() -> None:
    op.drop_index("ix_t18_jh_web_sessions_user_id", table_name="t18_jh_web_sessions", schema="jh")
    op.drop_table("t18_jh_web_sessions", schema="jh")
