"""The rollup's key index carries the counts and labels, so a chart reads the index alone

A chart of a month reads a few hundred thousand rows of ``t26_jh_market_rollup`` by (user,
dimension, search, day); through the old index each row cost a visit to its heap page, scattered
over the table (a skill chart: 640,000 page reads, 2.9 s on the 2-core bench machine). With ``n``
and ``label`` in the index (``INCLUDE``, not part of the key) PostgreSQL answers the same read by
an index-only scan of the index's few thousand pages in key order (0.5 s there). The price: a
changed count is no longer a HOT update, so each upsert also writes an index entry.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLE = "t26_jh_market_rollup"
INDEX = "ux_t26_jh_market_rollup"
KEY = ["user_id", "dim", "search_id", "day", "source", "key", "gross", "value", "open"]


def _create(include: list[str]) -> None:
    op.create_index(
        INDEX,
        TABLE,
        KEY,
        unique=True,
        schema="jh",
        postgresql_nulls_not_distinct=True,
        postgresql_include=include,
    )


def upgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE, schema="jh")
    _create(["n", "label"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE, schema="jh")
    _create([])
