"""The harvest in one process (``jobhunter etl run``, the demo, tests): plan, then every job's steps.

The same plan and steps as the Airflow DAG, in the same order, one job after another, sharing one
hh.ru client (so one rate limit). The process holds each job's liveness lock while it works, so a
killed run is recognised as abandoned at once (:mod:`etl.harvest.liveness`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from core.settings import Settings
from etl import audit, housekeeping, load
from etl.harvest import steps
from etl.harvest.plan import Job, RunRequest, explicit_window, plan, select_searches
from etl.harvest.steps import Progress
from etl.hh_client import HHClient
from etl.transform import details_row

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
    engine: Engine, settings: Settings, job: Job, client: HHClient, progress: Progress | None = None
) -> str:
    """Every step of one job; returns its status. An unexpected error is recorded, then the next goes on."""
    with steps.working(engine, settings, job, opening=True):
        try:
            steps.extract(engine, settings, job, client=client, progress=progress)
            steps.load_landed(engine, settings, job)
            steps.details(engine, settings, job, client=client, progress=progress)
            steps.notify(engine, settings, job)
        except Exception:  # each step has recorded its failure with its figures
            _log.exception("harvest of search %s failed", job.search_id)
        return steps.finish(engine, settings, job)


def run(
    engine: Engine,
    settings: Settings,
    req: RunRequest,
    *,
    progress: Progress | None = None,
    client: HHClient | None = None,
) -> str:
    """Harvest the request's searches one after another, then deliver Telegram; returns the run id."""
    own_client = client is None
    client = client or HHClient.from_settings(settings)
    try:
        jobs = plan(engine, settings, req, client)
        with engine.begin() as conn:
            housekeeping.prune_raw(conn, retention=timedelta(days=settings.raw_retention_days))
        for job in jobs:
            run_job(engine, settings, job, client, progress)
        steps.deliver(engine, settings)
    finally:
        if own_client:
            client.close()
    return req.run_id


def replay(engine: Engine, settings: Settings, run_id: str) -> list[dict[str, Any]]:
    """Transform and load a run again from its landed answers, without asking hh.ru anything.

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
            trigger=row["trigger"],
            window_from=row["window_from"].isoformat(),
            window_to=row["window_to"].isoformat(),
            runner=row.get("runner", "cli"),
        )
        steps.load_landed(engine, settings, job)
        with engine.begin() as conn:
            hashes = dict(load.pending_details(conn, run_id=run_id, search_id=search.id, include_fresh=True))
            landed = load.landed_payloads(conn, run_id=run_id, search_id=search.id, kind="vacancy")
            load.upsert_details(
                conn,
                [details_row(p, hashes[int(p["id"])]) for p in landed if int(p["id"]) in hashes],
                run_id=run_id,
                search_id=search.id,
                force=True,
            )
    return audit_rows(engine, run_id)


def audit_rows(engine: Engine, run_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return audit.runs(conn, run_id=run_id, limit=10_000)
