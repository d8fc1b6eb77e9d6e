"""Audit rows know who runs them and when they last moved, so a killed run can be closed

``runner`` is ``cli`` for a run that lives in one process (``jobhunter etl run``) and ``airflow``
for a run whose steps are separate tasks. ``heartbeat_at`` moves with every step and page. A
``running`` row whose process lock is free is abandoned at once when its runner was the CLI,
and after ``JH_ABANDONED_AFTER_MINUTES`` without a heartbeat when it was Airflow (its tasks may
wait in a pool between steps).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _schema() -> str:
    # ALTER TABLE is rendered without schema_translate_map: name the configured schema.
    return context.config.attributes.get("schema", "jh")


def upgrade() -> None:
    op.add_column(
        "t02_jh_etl",
        sa.Column(
            "runner",
            sa.Text(),
            nullable=False,
            server_default="airflow",
            comment="cli: one process runs every step; airflow: each step is a task",
        ),
        schema=_schema(),
    )
    op.add_column(
        "t02_jh_etl",
        sa.Column(
            "heartbeat_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("now()"),
            comment="when a step last reported progress",
        ),
        schema=_schema(),
    )
    op.create_check_constraint(
        op.f("ck_t02_jh_etl_runner"), "t02_jh_etl", "runner IN ('cli', 'airflow')", schema=_schema()
    )
    op.create_index(
        op.f("ix_t02_jh_etl_running"),
        "t02_jh_etl",
        ["search_id"],
        schema="jh",
        postgresql_where=sa.text("status = 'running'"),
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_t02_jh_etl_running"), table_name="t02_jh_etl", schema="jh")
    op.drop_constraint(op.f("ck_t02_jh_etl_runner"), "t02_jh_etl", type_="check", schema=_schema())
    op.drop_column("t02_jh_etl", "heartbeat_at", schema=_schema())
    op.drop_column("t02_jh_etl", "runner", schema=_schema())
