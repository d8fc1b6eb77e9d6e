"""Killed runs: tell a live harvest from a dead one, close the dead, and hand its work on.

A process working on a job holds a shared advisory lock on the job's audit row (:func:`hold`);
PostgreSQL drops it when the process dies, however it dies. A ``running`` row is *abandoned* when
nobody holds that lock and either its runner was the CLI (one process did every step, so a free
lock means it is gone) or, for Airflow, no step has moved it for ``JH_ABANDONED_AFTER_MINUTES``
(between two tasks nobody holds the lock: the next task may be waiting for a pool slot).

Closing marks the row ``failed`` with the reason. The next run of the same search then *adopts*
what the dead run stored: the vacancies it inserted or changed, the matches it linked and the
full texts it fetched count for the new run, so the new run reports its true new count and every
new vacancy still reaches Telegram (the outbox keeps that to exactly once).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, literal, or_, select, text, update

from core.schema import details, etl_runs, user_vacancies, vacancies

_log = logging.getLogger(__name__)

LOCK_SPACE = 0x4A48  # "JH": the first key of our two-key advisory locks
_INT4 = 2**31 - 1
ABANDONED = (
    "abandoned: the harvest stopped without finishing (its process was killed or crashed); "
    "the next run of this search takes over what it stored"
)


def _key(row_id: int) -> int:
    return row_id % _INT4


def hold(conn: Connection, row_id: int) -> None:
    """Take the row's liveness lock for the session of ``conn`` (until :func:`release` or its end)."""
    conn.execute(
        text("SELECT pg_advisory_lock_shared(:space, :key)"), {"space": LOCK_SPACE, "key": _key(row_id)}
    )


def release(conn: Connection, row_id: int) -> None:
    conn.execute(
        text("SELECT pg_advisory_unlock_shared(:space, :key)"), {"space": LOCK_SPACE, "key": _key(row_id)}
    )


def close_abandoned(
    conn: Connection, *, grace: timedelta, search_id: int | None = None, except_run: str | None = None
) -> list[dict[str, Any]]:
    """Close every abandoned row (of one search, when given) as ``failed``; returns the rows closed."""
    r = etl_runs.c
    candidates = (
        select(r.id, r.run_id, r.search_id)
        .where(
            r.status == "running",
            r.finished_at.is_(None),
            or_(r.runner == "cli", r.heartbeat_at < func.now() - grace),
            *([r.search_id == search_id] if search_id is not None else []),
            *([r.run_id != except_run] if except_run is not None else []),
        )
        .with_for_update(skip_locked=True)
    )
    closed = []
    for row in conn.execute(candidates).all():
        free = conn.execute(
            text("SELECT pg_try_advisory_xact_lock(:space, :key)"), {"space": LOCK_SPACE, "key": _key(row.id)}
        ).scalar_one()
        if not free:
            continue
        conn.execute(
            update(etl_runs)
            .where(r.id == row.id)
            .values(
                status="failed",
                finished_at=func.now(),
                error=func.concat_ws("; ", r.error, literal(ABANDONED)),
                step_stats=r.step_stats.op("||")(
                    func.jsonb_build_object("abandoned", func.jsonb_build_object("at", func.now()))
                ),
            )
        )
        _log.warning("closed abandoned harvest %s of search %s", row.run_id, row.search_id)
        closed.append(dict(row._mapping))
    return closed


def adopt(conn: Connection, *, search_id: int, source: str, user_id: int, run_id: str) -> dict[str, int]:
    """Let ``run_id`` take over what abandoned runs of this search on this board stored (see the
    module doc)."""
    r = etl_runs.c
    dead = [
        row.run_id
        for row in conn.execute(
            select(r.run_id)
            .where(
                r.search_id == search_id,
                r.source == source,
                r.run_id != run_id,
                r.step_stats.has_key("abandoned"),
                ~r.step_stats["abandoned"].has_key("adopted_by"),
            )
            .with_for_update()
        )
    ]
    taken = {"vacancies": 0, "matches": 0, "details": 0}
    if not dead:
        return taken
    uv, v = user_vacancies.c, vacancies.c
    board = vacancies.alias("board")  # not the vacancies an UPDATE below correlates with
    matched = (
        select(uv.vacancy_id)
        .join(board, board.c.id == uv.vacancy_id)
        .where(
            uv.user_id == user_id,
            uv.run_id.in_(dead),
            literal(search_id) == uv.search_ids.any_(),
            board.c.source == source,
        )
    )
    for column in (v.first_run_id, v.changed_run_id):
        result = conn.execute(
            update(vacancies).where(column.in_(dead), v.id.in_(matched)).values({column.name: run_id})
        )
        taken["vacancies"] += result.rowcount
    of_board = select(board.c.id).where(board.c.source == source)
    taken["details"] = conn.execute(
        update(details)
        .where(
            details.c.fetched_run_id.in_(dead),
            details.c.fetched_search_id == search_id,
            details.c.vacancy_id.in_(of_board),
        )
        .values(fetched_run_id=run_id)
    ).rowcount
    taken["matches"] = conn.execute(
        update(user_vacancies)
        .where(and_(uv.user_id == user_id, uv.run_id.in_(dead), uv.vacancy_id.in_(matched)))
        .values(run_id=run_id)
    ).rowcount
    conn.execute(
        update(etl_runs)
        .where(r.search_id == search_id, r.source == source, r.run_id.in_(dead))
        .values(
            step_stats=func.jsonb_set(
                r.step_stats, text("'{abandoned,adopted_by}'"), func.to_jsonb(literal(run_id))
            )
        )
    )
    _log.info(
        "run %s took over %s from abandoned runs %s of search %s on %s",
        run_id,
        taken,
        dead,
        search_id,
        source,
    )
    return taken
