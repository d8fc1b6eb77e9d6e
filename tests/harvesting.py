"""Harvests for the tests, through the product's own entry points.

``harvest`` is `jobhunter etl run` (the local runner); ``plan_jobs`` and ``task`` are what the
Airflow DAG calls for each task, so a test can run a DAG's tasks one by one, clear and re-run them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from core.settings import Settings
from etl.harvest import local, steps
from etl.harvest.plan import Job, RunRequest, plan
from etl.sources.hh.client import HHClient
from etl.windows import Window


def harvest(
    engine: Engine,
    settings: Settings,
    *,
    window: Window | None = None,
    trigger: str | None = None,
    search_ids: Sequence[int] = (),
    now: datetime | None = None,
    run_id: str | None = None,
    client: HHClient | None = None,
) -> str:
    """One CLI-style run (every step of every job, then Telegram delivery); returns the run id."""
    now = now or datetime.now(UTC)
    req = RunRequest(
        run_id=run_id or local.new_run_id(now),
        trigger=trigger or "manual",
        now=now,
        window=window,
        search_ids=tuple(search_ids),
    )
    return local.run(engine, settings, req, client=client)


def plan_jobs(
    engine: Engine,
    settings: Settings,
    run_id: str,
    *,
    run_type: str = "scheduled",
    now: datetime | None = None,
    **params: Any,
) -> list[dict[str, Any]]:
    """The DAG's plan task for a run of ``run_type`` at ``now``."""
    now = now or datetime.now(UTC)
    req = RunRequest.from_airflow(
        run_id=run_id, run_type=run_type, run_after=now, data_interval=(None, now), **params
    )
    return [j.as_dict() for j in plan(engine, settings, req)]


def task(name: str) -> Callable[[Engine, Settings, dict[str, Any]], dict[str, Any]]:
    """The DAG's task for one step: ``task("load")(engine, settings, job)``."""
    return lambda engine, settings, job: steps.run_task(engine, settings, name, job)


extract, load, details, notify = (task(n) for n in ("extract", "load", "details", "notify"))


def finish(engine: Engine, settings: Settings, job: dict[str, Any]) -> str:
    return steps.finish(engine, settings, Job.of(job))
