"""Application tracking: each user's link carries the stage of their application, and every
change is an event in ``t21_jh_application_events`` (appended to, never overwritten)

``t08.stage`` (NULL: not tracked), ``stage_at``, ``next_step_at`` and ``next_step_note`` are the
current state, kept beside the link so the grid filters and sorts by it; the events are the
history. See ``domain.applications`` for the stages and the rules between them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

STAGES = (
    "stage IN ('interested', 'applied', 'test_task', 'interview', 'offer', 'hired', "
    "'rejected', 'no_answer', 'withdrawn')"
)


def _schema() -> str:
    # ALTER TABLE is rendered without schema_translate_map: name the configured schema.
    return context.config.attributes.get("schema", "jh")


def upgrade() -> None:
    schema = _schema()
    links = "t08_jh_user_vacancies"
    columns = (
        sa.Column(
            "stage",
            sa.Text(),
            comment="where the user's application stands (domain.applications); NULL: untracked",
        ),
        sa.Column("stage_at", sa.DateTime(timezone=True), comment="when the stage last changed"),
        sa.Column(
            "next_step_at",
            sa.DateTime(timezone=True),
            comment="the next step the user planned (an interview, a call), if any",
        ),
        sa.Column("next_step_note", sa.Text(), comment="what that next step is, as the user wrote it"),
    )
    for column in columns:
        op.add_column(links, column, schema=schema)
    op.create_check_constraint(op.f(f"ck_{links}_stage"), links, STAGES, schema=schema)
    op.create_index(
        "ix_t08_jh_user_vacancies_stage",
        links,
        ["user_id", "stage"],
        schema="jh",
        postgresql_where=sa.text("stage IS NOT NULL"),
    )
    op.create_table(
        "t21_jh_application_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("vacancy_id", sa.BigInteger(), nullable=False),
        sa.Column("stage_from", sa.Text(), comment="NULL: the vacancy was not tracked before"),
        sa.Column("stage_to", sa.Text(), comment="NULL: only the note or the next step changed"),
        sa.Column("note", sa.Text(), comment="plain text as the user wrote it; always rendered escaped"),
        sa.Column("next_step_at", sa.DateTime(timezone=True)),
        sa.Column("next_step_note", sa.Text()),
        sa.Column("via", sa.Text(), nullable=False, comment="web, telegram or cli"),
        sa.Column(
            "generation_id", sa.BigInteger(), comment="the tailored resume and letter the user applied with"
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("via IN ('web', 'telegram', 'cli')", name="ck_t21_jh_application_events_via"),
        sa.CheckConstraint("length(note) <= 2000", name="ck_t21_jh_application_events_note"),
        sa.ForeignKeyConstraint(
            ["user_id", "vacancy_id"],
            ["jh.t08_jh_user_vacancies.user_id", "jh.t08_jh_user_vacancies.vacancy_id"],
            name="fk_t21_jh_application_events_user_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["generation_id"],
            ["jh.t17_jh_resume_generations.id"],
            name="fk_t21_jh_application_events_generation_id",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_t21_jh_application_events"),
        schema="jh",
        comment="Every change of an application: the history is appended to, never overwritten.",
    )
    op.create_index(
        "ix_t21_jh_application_events_user_id_vacancy_id_id",
        "t21_jh_application_events",
        ["user_id", "vacancy_id", "id"],
        schema="jh",
    )
    op.create_index(
        "ix_t21_jh_application_events_user_id_created_at",
        "t21_jh_application_events",
        ["user_id", "created_at"],
        schema="jh",
    )
    op.create_table(
        "t22_jh_application_reminders",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("vacancy_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Text(),
            nullable=False,
            comment="morning (of the next step's day), hour_before, follow_up",
        ),
        sa.Column(
            "due_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="when it is due; a moved next step makes new reminders",
        ),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('morning', 'hour_before', 'follow_up')", name="ck_t22_jh_application_reminders_kind"
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'skipped')", name="ck_t22_jh_application_reminders_status"
        ),
        sa.ForeignKeyConstraint(
            ["user_id", "vacancy_id"],
            ["jh.t08_jh_user_vacancies.user_id", "jh.t08_jh_user_vacancies.vacancy_id"],
            name="fk_t22_jh_application_reminders_user_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_t22_jh_application_reminders"),
        sa.UniqueConstraint(
            "user_id",
            "vacancy_id",
            "kind",
            "due_at",
            name="uq_t22_jh_application_reminders_user_id_vacancy_id_kind_due_at",
        ),
        schema="jh",
        comment="Telegram reminders of next steps and follow-ups: each sent once, through quiet hours.",
    )
    op.create_index(
        "ix_t22_jh_application_reminders_status_due_at",
        "t22_jh_application_reminders",
        ["status", "due_at"],
        schema="jh",
    )


def downgrade() -> None:
    schema = _schema()
    op.drop_table("t22_jh_application_reminders", schema="jh")
    op.drop_table("t21_jh_application_events", schema="jh")
    op.drop_index("ix_t08_jh_user_vacancies_stage", table_name="t08_jh_user_vacancies", schema="jh")
    op.drop_constraint(
        op.f("ck_t08_jh_user_vacancies_stage"), "t08_jh_user_vacancies", type_="check", schema=schema
    )
    for name in ("next_step_note", "next_step_at", "stage_at", "stage"):
        op.drop_column("t08_jh_user_vacancies", name, schema=schema)
