"""The market's salary counts by day and group, so a chart reads counts instead of a million rows

``t26_jh_market_rollup`` counts, per user, search (0: any), board, dimension, day and group, the
vacancies with each salary (``domain.market.rollup``); the percentiles are read off the counts.
Created empty: ``domain.market.store.fill_missing`` fills it (``jobhunter db upgrade``, ``jobhunter
run`` and the hourly housekeeping), as it does the facts of 0012. Also an index of the facts by
employer and first-seen day, through which the figures find a banned employer's vacancies.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLE = "t26_jh_market_rollup"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "dim", sa.Text(), nullable=False, comment="what the row counts (domain.market.rollup.DIMS)"
        ),
        sa.Column(
            "search_id", sa.BigInteger(), nullable=False, comment="one of the user's searches; 0: any of them"
        ),
        sa.Column(
            "day",
            sa.Date(),
            nullable=False,
            comment="the UTC day: first seen (closed: the closing day)",
        ),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column(
            "key", sa.Text(), nullable=False, comment="the group: grade, city, work format, employer, skill"
        ),
        sa.Column("label", sa.Text(), comment="the group's name (a city's, an employer's)"),
        sa.Column("gross", sa.Boolean(), comment="the salary is before tax; NULL: not said"),
        sa.Column(
            "value", sa.Float(), comment="monthly roubles (lifetime days for 'closed'); NULL: no salary"
        ),
        sa.Column("open", sa.Boolean(), nullable=False, comment="not closed (only 'employer' tells it)"),
        sa.Column("n", sa.Integer(), nullable=False, comment="how many vacancies, hidden ones included"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["jh.t05_jh_users.id"], name="fk_t26_jh_market_rollup_user_id", ondelete="CASCADE"
        ),
        schema="jh",
        comment="How many of a user's vacancies of a day have each salary, by group (domain.market.rollup "
        "keeps it with t23; the figures subtract the hidden live and read percentiles off the counts).",
    )
    op.create_index(
        "ux_t26_jh_market_rollup",
        TABLE,
        ["user_id", "dim", "search_id", "day", "source", "key", "gross", "value", "open"],
        unique=True,
        schema="jh",
        postgresql_nulls_not_distinct=True,
    )

    op.create_index(
        "ix_t23_jh_market_facts_employer",
        "t23_jh_market_facts",
        ["user_id", "employer_id", "first_day"],
        schema="jh",
    )


def downgrade() -> None:
    op.drop_index("ix_t23_jh_market_facts_employer", table_name="t23_jh_market_facts", schema="jh")
    op.drop_table(TABLE, schema="jh")
