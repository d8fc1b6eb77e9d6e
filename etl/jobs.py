"""The harvest as orchestrator-friendly jobs: small JSON-able dicts in, small dicts out.

Airflow tasks (``dags/hh_vacancies.py``) call these functions; nothing here imports Airflow.
A *job* is one saved search in one run: ``{"run_id", "search_id", "trigger", "window_from",
"window_to"}``. Every function is idempotent for the same job.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from core.settings import Settings
from etl import dictionaries, housekeeping, pipeline
from etl.extract import search_params
from etl.hh_client import HHClient, HHError
from etl.windows import Window

_log = logging.getLogger(__name__)

TRIGGERS = {"scheduled": "scheduled", "backfill": "backfill", "manual": "manual"}


@dataclass(frozen=True)
class Job:
    run_id: str
    search_id: int
    trigger: str
    window_from: str
    window_to: str

    @property
    def window(self) -> Window:
        return Window(datetime.fromisoformat(self.window_from), datetime.fromisoformat(self.window_to))

    @classmethod
    def of(cls, job: dict[str, Any]) -> Job:
        return cls(**{k: job[k] for k in cls.__dataclass_fields__})


def explicit_window(date_from: str | None, date_to: str | None) -> Window | None:
    """A window from trigger-form strings (ISO dates or times; naive means UTC)."""
    if not date_from and not date_to:
        return None
    if not (date_from and date_to):
        raise ValueError("date_from and date_to go together")

    def parse(value: str) -> datetime:
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    start, end = parse(date_from), parse(date_to)
    if end <= start:
        raise ValueError("date_to must be later than date_from")
    return Window.aligned(start, end)


def choose_windows(
    run_type: str,
    *,
    params_window: Window | None,
    data_interval: tuple[datetime, datetime] | None,
) -> tuple[str, Window | None]:
    """The audit trigger and the window every search of this run harvests.

    ``None`` means "incremental": each search from its own watermark. Backfill runs harvest
    the publication window of the interval being backfilled; a window in the trigger form wins.
    """
    if params_window is not None:
        return ("backfill" if run_type == "backfill" else "manual"), params_window
    if run_type == "backfill":
        if not data_interval or data_interval[1] <= data_interval[0]:
            raise ValueError("a backfill run needs a data interval")
        return "backfill", Window.aligned(*data_interval)
    return TRIGGERS.get(run_type, "manual"), None


def plan(
    engine: Engine,
    settings: Settings,
    *,
    run_id: str,
    run_type: str,
    now: datetime,
    data_interval: tuple[datetime, datetime] | None = None,
    search_ids: Sequence[int] = (),
    date_from: str | None = None,
    date_to: str | None = None,
    dry_run: bool = False,
) -> list[dict[str, Any]]:
    """The jobs of one run, one per selected saved search (refreshing stale dictionaries first).

    A dry run logs each search's window and how many vacancies hh.ru finds, and plans nothing.
    """
    trigger, window = choose_windows(
        run_type, params_window=explicit_window(date_from, date_to), data_interval=data_interval
    )
    chosen = pipeline.select_searches(engine, list(search_ids) or None)
    jobs = []
    with HHClient.from_settings(settings) as client:
        if not dry_run:
            dictionaries.refresh(engine, client, max_age=timedelta(hours=settings.dictionaries_max_age_hours))
        for search in chosen:
            job_window = pipeline.plan_window(search, settings, now, window)
            if dry_run:
                try:
                    page = client.search([*search_params(search), *job_window.params(), ("page", "0")])
                    found = page.get("found")
                except HHError as error:
                    found = f"unknown ({error})"
                _log.info(
                    "dry run: search %s %r, window %s: hh.ru finds %s",
                    search.id,
                    search.name,
                    job_window,
                    found,
                )
                continue
            jobs.append(
                asdict(
                    Job(run_id, search.id, trigger, job_window.start.isoformat(), job_window.end.isoformat())
                )
            )
    return jobs


def _search(engine: Engine, job: Job):
    [search] = pipeline.select_searches(engine, [job.search_id])
    return search


def extract(engine: Engine, settings: Settings, job: dict[str, Any]) -> dict[str, Any]:
    """Open the audit row and land every search page of the job's window."""
    j = Job.of(job)
    search = _search(engine, j)
    pipeline.step_start(engine, run_id=j.run_id, search=search, trigger=j.trigger, window=j.window)

    def work() -> dict[str, Any]:
        with HHClient.from_settings(settings) as client:
            return pipeline.step_extract(engine, client, run_id=j.run_id, search=search, window=j.window)

    return job | {"extract": pipeline.guarded(engine, j.run_id, j.search_id, "extract", work)}


def load(engine: Engine, settings: Settings, job: dict[str, Any]) -> dict[str, Any]:
    """Transform and upsert what the job landed."""
    j = Job.of(job)

    def work() -> dict[str, Any]:
        observed = min(j.window.end, datetime.now(UTC))
        return pipeline.step_load(
            engine,
            run_id=j.run_id,
            search=_search(engine, j),
            observed_at=observed,
            workers=settings.load_workers,
        )

    return job | {"load": pipeline.guarded(engine, j.run_id, j.search_id, "load", work)}


def details(engine: Engine, settings: Settings, job: dict[str, Any]) -> dict[str, Any]:
    """Fetch the full text of new or changed vacancies."""
    j = Job.of(job)

    def work() -> dict[str, Any]:
        with HHClient.from_settings(settings) as client:
            return pipeline.step_details(engine, client, run_id=j.run_id, search=_search(engine, j))

    return job | {"details": pipeline.guarded(engine, j.run_id, j.search_id, "details", work)}


def notify(engine: Engine, settings: Settings, job: dict[str, Any]) -> dict[str, Any]:
    """Tell the search's owner in Telegram what is new (see :mod:`etl.telegram.sender`).

    Queues the vacancies this search found new for its owner in the outbox (once per user and
    vacancy, whatever is re-run), and sends the owner one message for the run when this is their
    last search of the run to get here. Delivery failures are recorded and retried, not raised.
    Without a bot token, records that nothing was sent.
    """
    from etl.telegram.sender import notify_job  # telebot is loaded only where notify runs

    j = Job.of(job)
    stats = notify_job(engine, settings, run_id=j.run_id, search_id=j.search_id)
    pipeline.record(engine, j.run_id, j.search_id, "notify", stats)
    return job | {"notify": stats}


def finish(engine: Engine, settings: Settings, job: dict[str, Any]) -> str:
    """Close the job's audit row (also after a failed step) and move the watermark when complete."""
    j = Job.of(job)
    return pipeline.step_finish(
        engine, run_id=j.run_id, search=_search(engine, j), window_end=datetime.fromisoformat(j.window_to)
    )


# -- housekeeping -------------------------------------------------------------------------------


def refresh_dictionaries(engine: Engine, settings: Settings) -> list[str]:
    """Fetch currency rates, areas and professional roles again."""
    with HHClient.from_settings(settings) as client:
        return dictionaries.refresh(engine, client, max_age=timedelta(0), force=True)


def recheck_vacancies(engine: Engine, settings: Settings, *, run_id: str) -> dict[str, Any]:
    """Close the vacancies hh.ru reports archived or removed among those not seen lately."""
    with HHClient.from_settings(settings) as client:
        return housekeeping.recheck(
            engine,
            client,
            run_id=run_id,
            unseen_for=timedelta(days=settings.recheck_after_days),
            limit=settings.recheck_limit,
        )


def deliver_telegram(engine: Engine, settings: Settings) -> dict[str, Any]:
    """Send what is due in Telegram (morning digests after quiet hours, retries of earlier failures)."""
    return pipeline.deliver(engine, settings)


def prune(engine: Engine, settings: Settings) -> int:
    """Drop landed hh.ru answers older than the retention period."""
    with engine.begin() as conn:
        return housekeeping.prune_raw(conn, retention=timedelta(days=settings.raw_retention_days))
