"""Audit: one ``t02_jh_etl`` row per run per saved search per board, kept accurate across re-runs.

Each step stores its own figures under ``step_stats[step]``; the total columns are derived
from them, so clearing and re-running a step replaces its figures instead of adding to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert

from core.schema import etl_runs
from core.searches import SavedSearch
from etl.windows import Window

TOTALS = (
    "http_requests",
    "pages",
    "found",
    "received",
    "new",
    "updated",
    "unchanged",
    "details_fetched",
    "retries",
)
# Worst first: the run's status is the worst any step reported.
STATUSES = ("captcha", "auth", "failed", "partial", "success")


def start(
    conn: Connection,
    *,
    run_id: str,
    search: SavedSearch,
    source: str,
    trigger: str,
    window: Window,
    runner: str = "cli",
) -> int:
    """Open (or reopen, for a re-run) the audit row of this run, search and board; returns its id."""
    values: dict[str, Any] = {
        "run_id": run_id,
        "search_id": search.id,
        "source": source,
        "search_name": search.name,
        "user_id": search.user_id,
        "trigger": trigger,
        "window_from": window.start,
        "window_to": window.end,
        "started_at": func.now(),
        "finished_at": None,
        "status": "running",
        "error": None,
        "step_stats": {},
        "runner": runner,
        "heartbeat_at": func.now(),
        **dict.fromkeys(TOTALS, 0),
    }
    stmt = insert(etl_runs).values(**values)
    return conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["run_id", "search_id", "source"],
            set_={k: getattr(stmt.excluded, k) for k in values if k not in ("run_id", "search_id", "source")},
        ).returning(etl_runs.c.id)
    ).scalar_one()


def _row(run_id: str, search_id: int, source: str) -> list[Any]:
    return [etl_runs.c.run_id == run_id, etl_runs.c.search_id == search_id, etl_runs.c.source == source]


def row_id(conn: Connection, *, run_id: str, search_id: int, source: str) -> int | None:
    return conn.execute(select(etl_runs.c.id).where(*_row(run_id, search_id, source))).scalar()


def record_step(
    conn: Connection, *, run_id: str, search_id: int, source: str, step: str, stats: Mapping[str, Any]
) -> None:
    """Store one step's figures and recompute the row's totals from all steps."""
    current = conn.execute(
        select(etl_runs.c.step_stats).where(*_row(run_id, search_id, source)).with_for_update()
    ).scalar_one()
    steps = {**current, step: dict(stats)}
    totals = {name: sum(int(s.get(name, 0) or 0) for s in steps.values()) for name in TOTALS}
    errors = [s["error"] for s in steps.values() if s.get("error")]
    conn.execute(
        update(etl_runs)
        .where(*_row(run_id, search_id, source))
        .values(step_stats=steps, error="; ".join(errors) or None, heartbeat_at=func.now(), **totals)
    )


def step_stats(conn: Connection, *, run_id: str, search_id: int, source: str) -> dict[str, dict[str, Any]]:
    return conn.execute(select(etl_runs.c.step_stats).where(*_row(run_id, search_id, source))).scalar_one()


def overall_status(steps: Mapping[str, Mapping[str, Any]]) -> str:
    """The worst status any step reported (a step that reported none counts as success)."""
    reported = [s.get("status", "success") for s in steps.values()] or ["success"]
    return min(reported, key=STATUSES.index)


def finish(
    conn: Connection, *, run_id: str, search_id: int, source: str, finished_at: datetime | None = None
) -> str:
    """Close the audit row with the overall status; returns it."""
    status = overall_status(step_stats(conn, run_id=run_id, search_id=search_id, source=source))
    conn.execute(
        update(etl_runs)
        .where(*_row(run_id, search_id, source))
        .values(status=status, finished_at=finished_at or func.now(), heartbeat_at=func.now())
    )
    return status


def statuses(conn: Connection, run_id: str) -> dict[tuple[int, str], tuple[str, str | None]]:
    """Every (search, board) of a run: its status and error."""
    rows = conn.execute(
        select(etl_runs.c.search_id, etl_runs.c.source, etl_runs.c.status, etl_runs.c.error).where(
            etl_runs.c.run_id == run_id
        )
    )
    return {(r.search_id, r.source): (r.status, r.error) for r in rows}


def runs(conn: Connection, *, run_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Audit rows, newest first (optionally of one run)."""
    query = select(etl_runs).order_by(etl_runs.c.id.desc()).limit(limit)
    if run_id is not None:
        query = query.where(etl_runs.c.run_id == run_id).order_by(etl_runs.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]
