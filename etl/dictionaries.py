"""hh.ru reference data (currency rates, areas, professional roles), cached in the database.

A failed fetch is remembered in the same table (a row ``failed:<name>`` holding the error) so
that the runs after it do not spend the client's whole retry budget (tens of seconds) on it
again before their searches start: the name is tried again only after :data:`RETRY_AFTER`
(or by the daily forced refresh), and a run goes on with the cached copy, or without one.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from core.schema import dictionaries
from etl.sources.hh.client import HHClient, HHError
from etl.transform import currency_rates

NAMES = ("dictionaries", "areas", "professional_roles")
FAILED = "failed:"  # prefix of the rows that remember a failed fetch
RETRY_AFTER = timedelta(hours=3)  # reference data changes rarely; a harvest must not wait on it

_log = logging.getLogger(__name__)


def stale(conn: Connection, max_age: timedelta, *, retry_after: timedelta = RETRY_AFTER) -> list[str]:
    """Names of dictionaries that are missing or older than ``max_age``, except those whose
    fetch failed less than ``retry_after`` ago."""
    fresh = set(
        conn.execute(
            select(dictionaries.c.name).where(dictionaries.c.fetched_at > func.now() - max_age)
        ).scalars()
    )
    backing_off = set(
        conn.execute(
            select(dictionaries.c.name).where(
                dictionaries.c.name.startswith(FAILED),
                dictionaries.c.fetched_at > func.now() - retry_after,
            )
        ).scalars()
    )
    return [name for name in NAMES if name not in fresh and FAILED + name not in backing_off]


def store(conn: Connection, name: str, payload: Any) -> None:
    stmt = insert(dictionaries).values(name=name, payload=payload)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["name"], set_={"payload": stmt.excluded.payload, "fetched_at": func.now()}
        )
    )


def last_failure(conn: Connection, name: str) -> str | None:
    """The error of the last failed fetch of ``name`` that no later fetch has cleared."""
    payload = load(conn, FAILED + name)
    return payload.get("error") if payload else None


def refresh(engine: Engine, client: HHClient, *, max_age: timedelta, force: bool = False) -> list[str]:
    """Fetch the stale dictionaries; returns those refreshed. A failure keeps the cached copy
    (when there is one) and is remembered, so the next runs do not try again at once."""
    with engine.connect() as conn:
        names = list(NAMES) if force else stale(conn, max_age)
    refreshed = []
    for name in names:
        try:
            payload = client.dictionary(name)
        except HHError as error:
            _record_failure(engine, name, error)
            continue
        with engine.begin() as conn:
            store(conn, name, payload)
            conn.execute(delete(dictionaries).where(dictionaries.c.name == FAILED + name))
        refreshed.append(name)
    return refreshed


def _record_failure(engine: Engine, name: str, error: HHError) -> None:
    with engine.begin() as conn:
        cached = conn.execute(select(dictionaries.c.fetched_at).where(dictionaries.c.name == name)).scalar()
        store(conn, FAILED + name, {"error": str(error)})
    if cached:
        _log.warning(
            "could not refresh hh.ru /%s, keeping the cached copy of %s UTC; next try in %s: %s",
            name,
            f"{cached.astimezone(UTC):%Y-%m-%d %H:%M}",
            RETRY_AFTER,
            error,
        )
    else:
        _log.warning(
            "could not fetch hh.ru /%s and there is no cached copy yet; harvests go on without it, "
            "next try in %s: %s",
            name,
            RETRY_AFTER,
            error,
        )


def load(conn: Connection, name: str) -> Any:
    return conn.execute(select(dictionaries.c.payload).where(dictionaries.c.name == name)).scalar()


def rates(conn: Connection) -> dict[str, float]:
    """Currency rates from the cached ``/dictionaries`` (only RUR when nothing is cached yet)."""
    return currency_rates(load(conn, "dictionaries"))
