"""Versioned schema migrations (Alembic), applied by ``jobhunter db upgrade``.

An upgrade holds a PostgreSQL advisory lock for its schema until it commits, and reading the
revision waits for that lock: a command started while ``make run`` (or another process) is
still migrating waits a moment instead of saying the schema is out of date.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

_HERE = Path(__file__).parent / "migrations"


def _config(connection: object, schema: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.attributes["connection"] = connection
    config.attributes["schema"] = schema
    return config


_LOCK = "SELECT pg_advisory_xact_lock{shared}(hashtext('jobhunter.migrate'), hashtext(:schema))"


def _lock(connection: Connection, schema: str, *, shared: bool) -> None:
    """Until the transaction ends: exclusive for an upgrade, shared for a reader."""
    connection.execute(text(_LOCK.format(shared="_shared" if shared else "")), {"schema": schema})


def upgrade(engine: Engine, schema: str, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (idempotent)."""
    with engine.begin() as connection:
        _lock(connection, schema, shared=False)
        command.upgrade(_config(connection, schema), revision)


def current_revision(engine: Engine, schema: str) -> str | None:
    """The revision the database is at, or None when it was never migrated (after any
    upgrade in progress has committed)."""
    with engine.begin() as connection:
        _lock(connection, schema, shared=True)
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
