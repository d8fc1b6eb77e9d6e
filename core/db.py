"""The database engine: one place that turns settings into a SQLAlchemy engine."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine

from core.schema import SCHEMA
from core.settings import Settings, get_settings


def sqlalchemy_url(url: str) -> str:
    """Normalise a PostgreSQL URL to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url(settings: Settings) -> str:
    """The configured URL, or the embedded server's (started on demand)."""
    if settings.database_url:
        return sqlalchemy_url(settings.database_url)
    from core import embedded

    return embedded.start(settings.var_dir)


def make_engine(settings: Settings, url: str | URL | None = None) -> Engine:
    """An engine whose tables land in ``settings.db_schema`` (the schema in code is ``jh``).

    ``url`` overrides the settings: a string, or a ``URL`` (e.g. from an Airflow connection,
    whose host may be a Unix-socket directory).
    """
    if isinstance(url, URL):
        target: str | URL = url.set(drivername="postgresql+psycopg")
    else:
        target = sqlalchemy_url(url) if url else database_url(settings)
    engine = create_engine(
        target,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
    )
    if settings.db_schema != SCHEMA:
        engine = engine.execution_options(schema_translate_map={SCHEMA: settings.db_schema})
    return engine


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine for the process-wide settings."""
    return make_engine(get_settings())


def unprepared(conn: Connection, statement: Any, params: dict[str, Any]) -> list[Any]:
    """Run ``statement`` with a plan made for these parameters, never a cached generic one.

    psycopg prepares a statement run five times, and PostgreSQL then keeps a generic plan until
    the table's statistics change. That plan is the wrong one twice over here: a first load grows
    the vacancies table from empty (statistics say 0 rows: a sequential scan) to 100,000s of rows
    within minutes, and the duplicate candidate lookup (arrays of unknown length, trigram
    searches) ran four times slower on it than on the plan for the values at hand.
    """
    driver = conn.connection.driver_connection
    threshold = getattr(driver, "prepare_threshold", None)
    if driver is not None:
        driver.prepare_threshold = None
    try:
        return list(conn.execute(statement, params))
    finally:
        if driver is not None:
            driver.prepare_threshold = threshold
