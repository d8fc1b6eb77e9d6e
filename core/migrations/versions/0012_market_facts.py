"""Market analytics: what the figures read of each user's vacancy, in one narrow row per link

``t23_jh_market_facts`` copies, per link, the days a vacancy was first seen, last seen and
closed, its grade, city, formats, employer, one monthly-rouble salary, gross or net, its key
skills and the searches that found it, so a figure over a million vacancies reads one narrow
table (``domain.market.store``); ``t24_jh_market_days`` counts, per user, search, board and
day, the vacancies first seen that day naming each key skill. Both are created empty (a
migration does not import the domain): ``domain.market.store.fill_missing`` fills them for the
vacancies stored before, run by ``jobhunter db upgrade``, ``make run`` and hourly housekeeping;
from then on every harvest batch keeps them.
``ix_t08_jh_user_vacancies_banned`` lets the figures read bans live from the links.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 19:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

EMPTY = sa.text("'{}'::text[]")


def upgrade() -> None:
    op.create_table(
        "t23_jh_market_facts",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("vacancy_id", sa.BigInteger(), nullable=False),
        sa.Column("search_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False, comment="UTC day the vacancy was first seen"),
        sa.Column("last_day", sa.Date(), nullable=False, comment="UTC day it was last seen"),
        sa.Column("closed_day", sa.Date(), comment="UTC day its board reported it closed"),
        sa.Column("grade", sa.Text(), comment="experience_id"),
        sa.Column("area_id", sa.Text()),
        sa.Column("area_name", sa.Text()),
        sa.Column("formats", postgresql.ARRAY(sa.Text()), server_default=EMPTY, nullable=False),
        sa.Column("format_names", postgresql.ARRAY(sa.Text()), server_default=EMPTY, nullable=False),
        sa.Column("employer_id", sa.Text()),
        sa.Column("employer_name", sa.Text()),
        sa.Column("salary", sa.Float(), comment="monthly roubles: the middle of the range, or its one end"),
        sa.Column("gross", sa.Boolean(), comment="the salary is before tax; NULL: not said"),
        sa.Column("skills", postgresql.ARRAY(sa.Text()), server_default=EMPTY, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id", "vacancy_id"],
            ["jh.t08_jh_user_vacancies.user_id", "jh.t08_jh_user_vacancies.vacancy_id"],
            name="fk_t23_jh_market_facts_user_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "vacancy_id", name="pk_t23_jh_market_facts"),
        schema="jh",
        comment="What the market figures read of each user's vacancy, one narrow row per link "
        "(domain.market.store: refreshed with every harvest batch; bans are read live).",
    )
    op.create_index(
        "ix_t23_jh_market_facts_user_id_last_day", "t23_jh_market_facts", ["user_id", "last_day"], schema="jh"
    )
    op.create_index(
        "ix_t23_jh_market_facts_closed",
        "t23_jh_market_facts",
        ["user_id", "closed_day"],
        schema="jh",
        postgresql_where=sa.text("closed_day IS NOT NULL"),
    )
    op.create_index(
        "ix_t08_jh_user_vacancies_banned",
        "t08_jh_user_vacancies",
        ["user_id", "vacancy_id"],
        schema="jh",
        postgresql_where=sa.text("is_banned"),
    )
    op.create_table(
        "t24_jh_market_days",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "search_id", sa.BigInteger(), nullable=False, comment="one of the user's searches; 0: any of them"
        ),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False, comment="the UTC day the vacancies were first seen"),
        sa.Column(
            "skill",
            sa.Text(),
            nullable=False,
            comment="a key skill; '*': every vacancy; '': the vacancies whose key skills are known",
        ),
        sa.Column("vacancies", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["jh.t05_jh_users.id"], name="fk_t24_jh_market_days_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "search_id", "source", "day", "skill", name="pk_t24_jh_market_days"
        ),
        schema="jh",
        comment="How many of a user's vacancies first seen on a day name each key skill, hidden ones "
        "included (domain.market.store keeps it with t23; the figures subtract the hidden live).",
    )


def downgrade() -> None:
    op.drop_index("ix_t08_jh_user_vacancies_banned", table_name="t08_jh_user_vacancies", schema="jh")
    op.drop_table("t24_jh_market_days", schema="jh")
    op.drop_table("t23_jh_market_facts", schema="jh")
