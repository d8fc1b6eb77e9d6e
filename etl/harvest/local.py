"""The harvest in one process (``jobhunter etl run``, the demo, tests): plan, then every job's steps.

The same plan and steps as the Airflow DAG, in the same order, one job after another, sharing one
adapter per board (so one rate limit each). The process holds each job's liveness lock while it works, so a
killed run is recognised as abandoned at once (:mod:`etl.harvest.liveness`).
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from core.settings import Settings
from etl import audit, housekeeping, load
from etl.harvest import steps
from etl.harvest.plan import Job, RunRequest, explicit_window, plan, select_searches
from etl.harvest.steps import Board, Progress
from etl.sources.base import Source, SourceError
from etl.sources.hh.client import HHClient

_log = logging.getLogger(__name__)


def new_run_id(now: datetime) -> str:
    """A run id for runs started outside Airflow."""
    return "cli__" + now.strftime("%Y-%m-%dT%H:%M:%S.%f")


def request(
    *,
    now: datetime | None = None,
    search_ids: list[int] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    run_id: str | None = None,
) -> RunRequest:
    """A CLI run request: incremental up to ``now``, or the explicit window ``date_from``–``date_to``
    (checked: see :func:`etl.harvest.plan.explicit_window`)."""
    now = now or datetime.now(UTC)
    window = explicit_window(date_from, date_to, now=now, names=("--from", "--to"))
    return RunRequest(
        run_id=run_id or new_run_id(now),
        trigger="backfill" if window else "manual",
        now=now,
        runner="cli",
        window=window,
        search_ids=tuple(search_ids or ()),
    )


def run_job(
    engine: Engine,
    settings: Settings,
    job: Job,
    client: Board | None = None,
    progress: Progress | None = None,
) -> str:
    """Every step of one job; returns its status. An unexpected error is recorded, then the next goes on."""
    with steps.working(engine, settings, job, opening=True):
        try:
            steps.extract(engine, settings, job, client=client, progress=progress)
            steps.load_landed(engine, settings, job)
            steps.details(engine, settings, job, client=client, progress=progress)
            steps.notify(engine, settings, job)
        except Exception:  # each step has recorded its failure with its figures
            _log.exception("harvest of search %s on %s failed", job.search_id, job.source)
        return steps.finish(engine, settings, job)


def run(
    engine: Engine,
    settings: Settings,
    req: RunRequest,
    *,
    progress: Progress | None = None,
    client: HHClient | None = None,
) -> str:
    """Harvest the request's jobs one after another, then deliver Telegram; returns the run id.

    ``client`` is the hh.ru client to use (tests, benches); every other board is opened from the
    settings, once for the run.
    """
    with ExitStack() as stack:
        hh = client or stack.enter_context(HHClient.from_settings(settings))
        jobs = plan(engine, settings, req, hh)
        with engine.begin() as conn:
            housekeeping.prune_raw(conn, retention=timedelta(days=settings.raw_retention_days))
        boards: dict[str, Source | None] = {}
        for job in jobs:
            if job.source not in boards:
                given = hh if job.source == "hh" else None
                try:
                    boards[job.source] = stack.enter_context(steps.board(engine, settings, job.source, given))
                except SourceError:  # e.g. no key: each job of that board records it as its failure
                    boards[job.source] = None
            run_job(engine, settings, job, boards[job.source], progress)
        steps.deliver(engine, settings)
    return req.run_id


def replay(engine: Engine, settings: Settings, run_id: str) -> list[dict[str, Any]]:
    """Transform and load a run again from its landed answers, without asking any board anything.

    Useful after a fix to the transform: vacancies whose stored columns change are updated,
    and the full texts are rebuilt from the landed full vacancies.
    """
    rows = audit_rows(engine, run_id)
    if not rows:
        raise LookupError(f"no harvest run with id {run_id!r} (see `jobhunter etl runs`)")
    for row in rows:
        [search] = select_searches(engine, [row["search_id"]])
        job = Job(
            run_id=run_id,
            search_id=search.id,
            source=row["source"],
            trigger=row["trigger"],
            window_from=row["window_from"].isoformat(),
            window_to=row["window_to"].isoformat(),
            runner=row.get("runner", "cli"),
        )
        steps.load_landed(engine, settings, job)
        with steps.board(engine, settings, job.source) as src, engine.begin() as conn:
            if src.details_in_items:
                continue
            pending = load.pending_details(
                conn, run_id=run_id, search_id=search.id, source=job.source, include_fresh=True
            )
            known = {sid: (vid, source_hash) for vid, sid, source_hash in pending}
            landed = load.landed_payloads(
                conn, run_id=run_id, search_id=search.id, source=job.source, kind="vacancy"
            )
            texts = []
            for payload in landed:
                sid = src.rows(payload).vacancy["source_id"]
                if sid in known:
                    vid, source_hash = known[sid]
                    texts.append(src.detail_row(payload, source_hash) | {"vacancy_id": vid})
            load.upsert_details(conn, texts, run_id=run_id, search_id=search.id, force=True)
    return audit_rows(engine, run_id)


def audit_rows(engine: Engine, run_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return audit.runs(conn, run_id=run_id, limit=10_000)
