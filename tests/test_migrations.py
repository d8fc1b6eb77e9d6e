"""Migrations: the migrated database matches core.schema, and upgrade is repeatable."""

from __future__ import annotations

import uuid

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, text

from core.migrate import current_revision, head_revision, upgrade
from core.schema import metadata


def test_migrations_create_exactly_the_schema_in_code(database_url) -> None:
    name = f"jh_mig_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    try:
        upgrade(engine, name)
        upgrade(engine, name)  # a second upgrade is a no-op
        assert current_revision(engine, name) == head_revision()
        expected = MetaData()
        for table in metadata.sorted_tables:
            table.to_metadata(expected, schema=name)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "include_schemas": True,
                    "include_name": lambda n, t, p: t != "schema" or n == name,
                    "compare_server_default": True,
                },
            )
            diff = [d for d in compare_metadata(context, expected) if "alembic_version" not in str(d)]
        assert diff == []
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        engine.dispose()
