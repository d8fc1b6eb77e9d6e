"""Versioned schema migrations (Alembic), applied by ``jobhunter db upgrade``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

_HERE = Path(__file__).parent / "migrations"


def _config(connection: object, schema: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.attributes["connection"] = connection
    config.attributes["schema"] = schema
    return config


def upgrade(engine: Engine, schema: str, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (idempotent)."""
    with engine.begin() as connection:
        command.upgrade(_config(connection, schema), revision)


def current_revision(engine: Engine, schema: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table_schema": schema})
        return context.get_current_revision()


def head_revision() -> str:
    """The newest revision shipped with this code."""
    script = ScriptDirectory.from_config(_config(None, ""))
    head = script.get_current_head()
    assert head is not None
    return head


def autogenerate(engine: Engine, schema: str, message: str) -> None:
    """Developer helper: write a new revision from the difference to ``core.schema``."""
    with engine.begin() as connection:
        command.revision(_config(connection, schema), message=message, autogenerate=True)
