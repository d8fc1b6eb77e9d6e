"""Match score: each user's links carry a score against their profile, and its components

``t08.score`` (0-100), ``score_parts`` (points per component, matched and missing skills) and
``scored_rev``: the profile ``revision`` (``t16``) the link was scored against. A link whose
``scored_rev`` differs from its owner's revision is stale and is rescored in the background; a
kill mid-way leaves only stale links behind, which the next rescoring picks up.

``t06.match_terms`` keeps each vacancy's stemmed words, made once when its text is stored, so a
rescoring reads a short array instead of the whole description. Existing rows stay NULL and get
their terms the first time they are scored. ``t05.notify_min_score`` is the Telegram threshold.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _schema() -> str:
    # ALTER TABLE is rendered without schema_translate_map: name the configured schema.
    return context.config.attributes.get("schema", "jh")


def upgrade() -> None:
    schema = _schema()
    op.add_column(
        "t08_jh_user_vacancies",
        sa.Column(
            "score", sa.SmallInteger(), comment="how well it fits the user's profile, 0-100 (domain.matching)"
        ),
        schema=schema,
    )
    op.add_column(
        "t08_jh_user_vacancies",
        sa.Column(
            "score_parts",
            postgresql.JSONB(),
            comment="the score's components: points, matched and missing skills",
        ),
        schema=schema,
    )
    op.add_column(
        "t08_jh_user_vacancies",
        sa.Column(
            "scored_rev", sa.Integer(), comment="the profile revision it was scored against; NULL: not yet"
        ),
        schema=schema,
    )
    op.create_index(
        "ix_t08_jh_user_vacancies_score",
        "t08_jh_user_vacancies",
        ["user_id", sa.text("score DESC NULLS LAST"), sa.text("vacancy_id DESC")],
        schema="jh",
    )
    op.add_column(
        "t06_jh_details",
        sa.Column(
            "match_terms",
            postgresql.ARRAY(sa.Text()),
            comment="stemmed words of name, skills and text (domain.skills.terms); NULL: made when scored",
        ),
        schema=schema,
    )
    op.add_column(
        "t16_jh_resume_profiles",
        sa.Column(
            "revision",
            sa.Integer(),
            nullable=False,
            server_default=sa.text("0"),
            comment="grows with every change of the document; links scored against an older one are stale",
        ),
        schema=schema,
    )
    op.add_column(
        "t05_jh_users",
        sa.Column(
            "notify_min_score",
            sa.SmallInteger(),
            comment="Telegram tells only of vacancies scored at least this (0-100); NULL: of every new one",
        ),
        schema=schema,
    )
    op.create_check_constraint(
        op.f("ck_t05_jh_users_notify_min_score"),
        "t05_jh_users",
        "notify_min_score BETWEEN 0 AND 100",
        schema=schema,
    )


def downgrade() -> None:
    schema = _schema()
    op.drop_constraint(op.f("ck_t05_jh_users_notify_min_score"), "t05_jh_users", type_="check", schema=schema)
    op.drop_column("t05_jh_users", "notify_min_score", schema=schema)
    op.drop_column("t16_jh_resume_profiles", "revision", schema=schema)
    op.drop_column("t06_jh_details", "match_terms", schema=schema)
    op.drop_index("ix_t08_jh_user_vacancies_score", table_name="t08_jh_user_vacancies", schema="jh")
    for name in ("scored_rev", "score_parts", "score"):
        op.drop_column("t08_jh_user_vacancies", name, schema=schema)
