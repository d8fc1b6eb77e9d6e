"""Housekeeping that keeps the data honest and the database lean (run by Airflow: most of it daily,
the rescoring of stale match scores hourly)."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, func, or_, select

from core.schema import raw, resume_profiles, user_vacancies, vacancies
from core.settings import Settings
from domain.market import store as market
from domain.matching import store as matching
from domain.sources import enabled
from etl import load
from etl.sources.base import Source, SourceError
from etl.sources.hh.client import HHClient

HOUSEKEEPING_SEARCH_ID = 0  # landing rows written by housekeeping belong to no saved search

_log = logging.getLogger(__name__)


def prune_raw(conn: Connection, *, retention: timedelta) -> int:
    """Delete landed answers older than ``retention``; returns how many went.

    Replaying a transform needs the raw answers only for recent runs; the vacancies
    themselves are never deleted.
    """
    result = conn.execute(delete(raw).where(raw.c.fetched_at < func.now() - retention))
    return result.rowcount


def recheck_candidates(
    conn: Connection, *, source: str, unseen_for: timedelta, limit: int
) -> list[tuple[int, str]]:
    """Open vacancies of a board no harvest has seen for ``unseen_for`` and nobody looked up as long,
    oldest first: their ids and the board's ids."""
    recently_fetched = exists().where(
        raw.c.source == source,
        raw.c.kind == "vacancy",
        raw.c.request_key == vacancies.c.source_id,
        raw.c.fetched_at > func.now() - unseen_for,
    )
    query = (
        select(vacancies.c.id, vacancies.c.source_id)
        .where(
            vacancies.c.source == source,
            vacancies.c.closed_at.is_(None),
            vacancies.c.last_seen_at < func.now() - unseen_for,
        )
        .where(~recently_fetched)
        .order_by(vacancies.c.last_seen_at)
        .limit(limit)
    )
    return [(row.id, row.source_id) for row in conn.execute(query)]


def recheck(engine: Engine, src: Source, *, run_id: str, unseen_for: timedelta, limit: int) -> dict[str, Any]:
    """Ask a board about its vacancies not seen lately; close the removed (404) and closed ones."""
    with engine.connect() as conn:
        todo = recheck_candidates(conn, source=src.name, unseen_for=unseen_for, limit=limit)
    closed: list[int] = []
    answers: list[tuple[str, Any]] = []
    failed = 0
    with ThreadPoolExecutor(src.concurrency, thread_name_prefix=f"{src.name}-recheck") as pool:
        futures = {pool.submit(src.vacancy, sid): (vid, sid) for vid, sid in todo}
        for future in as_completed(futures):
            vid, sid = futures[future]
            try:
                payload = future.result()
            except SourceError as error:
                if error.kind == "not_found":
                    closed.append(vid)
                    answers.append((sid, {"id": sid, "removed": True}))
                else:
                    failed += 1
                    _log.warning("could not recheck vacancy %s %s: %s", src.name, sid, error)
                continue
            answers.append((sid, payload))
            if src.rows(payload).closed:
                closed.append(vid)
    with engine.begin() as conn:
        load.land_raw(
            conn,
            run_id=run_id,
            search_id=HOUSEKEEPING_SEARCH_ID,
            source=src.name,
            kind="vacancy",
            answers=answers,
        )
        load.mark_closed(conn, closed, when=datetime.now(UTC))
        market.refresh(conn, closed)
    return {"checked": len(todo), "closed": len(closed), "failed": failed}


# -- entry points with settings (the housekeeping DAG) --------------------------------------------


def refresh_dictionaries(engine: Engine, settings: Settings) -> list[str]:
    """Fetch currency rates, areas and professional roles again."""
    from etl import dictionaries

    with HHClient.from_settings(settings) as client:
        return dictionaries.refresh(engine, client, max_age=timedelta(0), force=True)


def recheck_vacancies(engine: Engine, settings: Settings, *, run_id: str) -> dict[str, Any]:
    """Close the vacancies their boards report closed or removed among those not seen lately, on
    every enabled board (figures per board)."""
    from etl.harvest.steps import board

    figures: dict[str, Any] = {}
    for name in enabled(settings):
        with board(engine, settings, name) as src:
            figures[name] = recheck(
                engine,
                src,
                run_id=run_id,
                unseen_for=timedelta(days=settings.recheck_after_days),
                limit=settings.recheck_limit,
            )
    return figures


def prune(engine: Engine, settings: Settings) -> int:
    """Drop landed answers older than the retention period."""
    with engine.begin() as conn:
        return prune_raw(conn, retention=timedelta(days=settings.raw_retention_days))


def stale_users(conn: Connection) -> list[int]:
    """Users with a profile whose links are scored against an older revision (or not yet)."""
    uv, profile = user_vacancies.c, resume_profiles.c
    stale = (
        select(uv.user_id)
        .where(
            uv.user_id == profile.user_id,
            or_(uv.scored_rev.is_(None), uv.scored_rev != profile.revision),
        )
        .limit(1)
    )
    return list(
        conn.execute(select(profile.user_id).where(exists(stale)).order_by(profile.user_id)).scalars()
    )


def rescore_stale(engine: Engine, *, now: datetime | None = None) -> dict[str, int]:
    """Finish every rescoring a web process did not (it was killed, or restarted mid-way); a user
    whose rescoring runs elsewhere right now is skipped (it holds their lock)."""
    today = (now or datetime.now(UTC)).date()
    with engine.connect() as conn:
        users = stale_users(conn)
    figures = {"users": 0, "links": 0, "busy": 0}
    for user_id in users:
        done = matching.rescore(engine, user_id, today=today)
        if done is None:
            figures["busy"] += 1
        else:
            figures["users"] += 1
            figures["links"] += done
    if figures["links"]:
        _log.info("rescored %(links)s stale links of %(users)s users", figures)
    return figures


def fill_market(engine: Engine) -> int:
    """The market's tables for users whose vacancies were stored before them (migration 0012)."""
    with engine.begin() as conn:
        return market.fill_missing(conn)
