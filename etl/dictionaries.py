"""hh.ru reference data (currency rates, areas, professional roles), cached in the database."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.dialects.postgresql import insert

from core.schema import dictionaries
from etl.hh_client import HHClient, HHError
from etl.transform import currency_rates

NAMES = ("dictionaries", "areas", "professional_roles")

_log = logging.getLogger(__name__)


def stale(conn: Connection, max_age: timedelta) -> list[str]:
    """Names of dictionaries that are missing or older than ``max_age``."""
    fresh = set(
        conn.execute(
            select(dictionaries.c.name).where(dictionaries.c.fetched_at > func.now() - max_age)
        ).scalars()
    )
    return [name for name in NAMES if name not in fresh]


def store(conn: Connection, name: str, payload: Any) -> None:
    stmt = insert(dictionaries).values(name=name, payload=payload)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["name"], set_={"payload": stmt.excluded.payload, "fetched_at": func.now()}
        )
    )


def refresh(engine: Engine, client: HHClient, *, max_age: timedelta, force: bool = False) -> list[str]:
    """Fetch the stale dictionaries; returns those refreshed. A failure keeps the cached copy."""
    with engine.connect() as conn:
        names = list(NAMES) if force else stale(conn, max_age)
    refreshed = []
    for name in names:
        try:
            payload = client.dictionary(name)
        except HHError as error:
            _log.warning("could not refresh hh.ru %s, keeping the cached copy: %s", name, error)
            continue
        with engine.begin() as conn:
            store(conn, name, payload)
        refreshed.append(name)
    return refreshed


def load(conn: Connection, name: str) -> Any:
    return conn.execute(select(dictionaries.c.payload).where(dictionaries.c.name == name)).scalar()


def rates(conn: Connection) -> dict[str, float]:
    """Currency rates from the cached ``/dictionaries`` (only RUR when nothing is cached yet)."""
    return currency_rates(load(conn, "dictionaries"))
