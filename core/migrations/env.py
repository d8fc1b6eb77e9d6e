"""Alembic environment: run by :func:`core.migrate.upgrade` with a live connection.

Migrations name the schema ``jh``; ``schema_translate_map`` sends it to the configured one.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from core.schema import SCHEMA, metadata

connection = context.config.attributes["connection"]
target_schema: str = context.config.attributes.get("schema", SCHEMA)

connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{target_schema}"'))
connection = connection.execution_options(schema_translate_map={SCHEMA: target_schema})
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table_schema=target_schema,
    include_schemas=False,
    compare_server_default=True,
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
