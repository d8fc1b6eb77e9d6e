"""Housekeeping that keeps the data honest and the database lean (run daily by Airflow)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, func, select

from core.schema import raw, vacancies
from core.settings import Settings
from etl import load
from etl.hh_client import HHClient, HHError, HHNotFound

HOUSEKEEPING_SEARCH_ID = 0  # landing rows written by housekeeping belong to no saved search

_log = logging.getLogger(__name__)


def prune_raw(conn: Connection, *, retention: timedelta) -> int:
    """Delete landed hh.ru answers older than ``retention``; returns how many went.

    Replaying a transform needs the raw answers only for recent runs; the vacancies
    themselves are never deleted.
    """
    result = conn.execute(delete(raw).where(raw.c.fetched_at < func.now() - retention))
    return result.rowcount


def recheck_candidates(conn: Connection, *, unseen_for: timedelta, limit: int) -> list[int]:
    """Open vacancies no harvest has seen for ``unseen_for`` and nobody looked up as long, oldest first."""
    recently_fetched = exists().where(
        raw.c.kind == "vacancy",
        raw.c.request_key == func.cast(vacancies.c.id, raw.c.request_key.type),
        raw.c.fetched_at > func.now() - unseen_for,
    )
    query = (
        select(vacancies.c.id)
        .where(vacancies.c.closed_at.is_(None), vacancies.c.last_seen_at < func.now() - unseen_for)
        .where(~recently_fetched)
        .order_by(vacancies.c.last_seen_at)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def recheck(
    engine: Engine, client: HHClient, *, run_id: str, unseen_for: timedelta, limit: int
) -> dict[str, Any]:
    """Ask hh.ru about vacancies not seen lately; close the removed (404) and archived ones."""
    with engine.connect() as conn:
        ids = recheck_candidates(conn, unseen_for=unseen_for, limit=limit)
    closed: list[int] = []
    answers: list[tuple[str, dict[str, Any]]] = []
    failed = 0
    with ThreadPoolExecutor(client.concurrency, thread_name_prefix="hh-recheck") as pool:
        futures = {pool.submit(client.vacancy, vid): vid for vid in ids}
        for future in as_completed(futures):
            vid = futures[future]
            try:
                payload = future.result()
            except HHNotFound:
                closed.append(vid)
                answers.append((str(vid), {"id": str(vid), "removed": True}))
                continue
            except HHError as error:
                failed += 1
                _log.warning("could not recheck vacancy %s: %s", vid, error)
                continue
            answers.append((str(vid), payload))
            if payload.get("archived"):
                closed.append(vid)
    with engine.begin() as conn:
        load.land_raw(conn, run_id=run_id, search_id=HOUSEKEEPING_SEARCH_ID, kind="vacancy", answers=answers)
        load.mark_closed(conn, closed, when=datetime.now(UTC))
    return {"checked": len(ids), "closed": len(closed), "failed": failed}


# -- entry points with settings (the housekeeping DAG) --------------------------------------------


def refresh_dictionaries(engine: Engine, settings: Settings) -> list[str]:
    """Fetch currency rates, areas and professional roles again."""
    from etl import dictionaries

    with HHClient.from_settings(settings) as client:
        return dictionaries.refresh(engine, client, max_age=timedelta(0), force=True)


def recheck_vacancies(engine: Engine, settings: Settings, *, run_id: str) -> dict[str, Any]:
    """Close the vacancies hh.ru reports archived or removed among those not seen lately."""
    with HHClient.from_settings(settings) as client:
        return recheck(
            engine,
            client,
            run_id=run_id,
            unseen_for=timedelta(days=settings.recheck_after_days),
            limit=settings.recheck_limit,
        )


def prune(engine: Engine, settings: Settings) -> int:
    """Drop landed hh.ru answers older than the retention period."""
    with engine.begin() as conn:
        return prune_raw(conn, retention=timedelta(days=settings.raw_retention_days))
