"""Vacancies keep 30 % of each page free, so seeing a vacancy again is a HOT update

Every harvest run re-reads the last hour and writes ``last_seen_at``/``times_seen`` of every
vacancy it sees again. Neither column is indexed, so with room on the row's page PostgreSQL
updates it in place (a heap-only tuple) instead of adding an entry to each of the table's eleven
indexes. bench/harvest.py measures the difference (section 3, "fillfactor 100").

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 11:30:00
"""

from __future__ import annotations

from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _table() -> str:
    # ALTER TABLE is rendered without schema_translate_map: name the configured schema.
    schema = context.config.attributes.get("schema", "jh")
    return f'"{schema}".t01_jh_vacancies'


def upgrade() -> None:
    # Applies to pages written from now on; existing pages fill up as rows are updated.
    op.execute(f"ALTER TABLE {_table()} SET (fillfactor = 70)")


def downgrade() -> None:
    op.execute(f"ALTER TABLE {_table()} RESET (fillfactor)")
