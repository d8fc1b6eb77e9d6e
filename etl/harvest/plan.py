"""The one window policy: a run request becomes jobs, one per saved search and board, each with
its window.

Airflow (``dags/hh_vacancies.py``) builds a :class:`RunRequest` from the task context and the CLI
(:mod:`etl.harvest.local`) from its arguments; both then call :func:`plan` and run the same
steps (:mod:`etl.harvest.steps`). How far a run reaches is decided here and nowhere else:

* an explicit window (a backfill, or a trigger form's ``date_from``/``date_to``) is harvested
  exactly;
* an Airflow backfill run harvests its data interval;
* every other run (scheduled, manual, CLI) is incremental: each search on each board from that
  board's cursor (``t19_jh_search_cursors``) minus the overlap (a first run:
  ``JH_HH_INITIAL_LOOKBACK_DAYS``, default all 30 days hh.ru keeps searchable) up to the
  request's ``now`` — the trigger time for a manual run, the end of the data interval for a scheduled one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from core.errors import UserInputError
from core.searches import SavedSearch, list_searches
from core.settings import Settings
from domain.sources import sources_of
from etl import dictionaries
from etl.sources.base import Criteria, SearchResult, SourceError
from etl.sources.hh.client import HHClient
from etl.sources.registry import open_source
from etl.windows import STEP, Window, floor_step, incremental_window, utc

_log = logging.getLogger(__name__)

TRIGGERS = ("scheduled", "manual", "backfill")
RUNNERS = ("cli", "airflow")


@dataclass(frozen=True)
class RunRequest:
    """What one run was asked to do, whoever asked.

    ``now`` is the request's clock: the moment the run stands for (injected, never read from the
    wall clock here). ``window`` is an explicit publication window; ``None`` means incremental.
    """

    run_id: str
    trigger: str
    now: datetime
    runner: str = "cli"
    window: Window | None = None
    search_ids: tuple[int, ...] = ()
    dry_run: bool = False

    def __post_init__(self) -> None:
        if self.trigger not in TRIGGERS:
            raise ValueError(f"unknown trigger {self.trigger!r}")
        if self.runner not in RUNNERS:
            raise ValueError(f"unknown runner {self.runner!r}")
        object.__setattr__(self, "now", utc(self.now))

    @classmethod
    def from_airflow(
        cls,
        *,
        run_id: str,
        run_type: str,
        run_after: datetime,
        data_interval: tuple[datetime | None, datetime | None] = (None, None),
        search_ids: Sequence[int] = (),
        date_from: str | None = None,
        date_to: str | None = None,
        dry_run: bool = False,
    ) -> RunRequest:
        """A request from an Airflow DAG run (any trigger: schedule, UI, REST API, backfill).

        A manual run's data interval is the last *completed* schedule slot (16:00 for a trigger
        at 22:00), so it is not the run's reach: a manual run harvests up to its trigger time
        (``run_after``). A scheduled run stands for the end of its interval; a backfill run for
        the interval itself.
        """
        start, end = data_interval
        now = utc(run_after)
        window = explicit_window(date_from, date_to, now=now)
        if run_type == "scheduled" and end is not None:
            now = utc(end)
        if run_type == "backfill":
            if window is None:
                if start is None or end is None or end <= start:
                    raise ValueError("a backfill run needs a data interval")
                window = Window.aligned(start, end)
            trigger = "backfill"
        else:
            trigger = "scheduled" if run_type == "scheduled" else "manual"
        return cls(
            run_id=run_id,
            trigger=trigger,
            now=now,
            runner="airflow",
            window=window,
            search_ids=tuple(search_ids),
            dry_run=dry_run,
        )


@dataclass(frozen=True)
class Job:
    """One saved search on one board in one run: small and JSON-able, so it can travel as an XCom."""

    run_id: str
    search_id: int
    source: str
    trigger: str
    window_from: str
    window_to: str
    runner: str = "cli"
    now: str = field(default="")

    @property
    def window(self) -> Window:
        return Window(datetime.fromisoformat(self.window_from), datetime.fromisoformat(self.window_to))

    @property
    def observed_at(self) -> datetime:
        """When the job's vacancies count as seen: the window's end, never later than the run."""
        moment = datetime.fromisoformat(self.now) if self.now else self.window.end
        return min(self.window.end, moment)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, job: dict[str, Any] | Job) -> Job:
        if isinstance(job, Job):
            return job
        return cls(**{k: job[k] for k in cls.__dataclass_fields__ if k in job})


def parse_moment(value: str, name: str, *, end: bool = False) -> datetime:
    """An ISO date or time from a person (naive means UTC; a bare date's end is the next midnight)."""
    try:
        if len(value.strip()) == 10:
            day = datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
            return day + timedelta(days=1) if end else day
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UserInputError(
            f"{name} {value!r} is not an ISO date or time (e.g. 2026-11-20 or 2026-11-20T08:00+03:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def explicit_window(
    date_from: str | None,
    date_to: str | None,
    *,
    now: datetime,
    names: tuple[str, str] = ("date_from", "date_to"),
) -> Window | None:
    """The window a person asked for, checked: each bound parses, they go together, the end is
    after the start, and the window does not lie in the future (an end past ``now`` is cut to now).
    """
    if not date_from and not date_to:
        return None
    start = parse_moment(date_from, names[0]) if date_from else None
    end = parse_moment(date_to, names[1], end=True) if date_to else None
    if start is None or end is None:
        raise UserInputError(f"{names[0]} and {names[1]} go together")
    if end <= start:
        raise UserInputError(f"{names[1]} must be later than {names[0]}")
    latest = floor_step(now)
    if floor_step(start) >= latest:
        raise UserInputError(
            f"{names[0]} {date_from} is in the future (now is {now:%Y-%m-%d %H:%M} UTC): "
            "nothing has been published there yet"
        )
    end = min(end, latest)
    if end - floor_step(start) < STEP:  # only possible within the last 5 minutes
        raise UserInputError(f"the window {date_from} – {date_to} is shorter than hh.ru's 5 minutes")
    return Window.aligned(start, end)


def window_for(search: SavedSearch, source: str, request: RunRequest, settings: Settings) -> Window:
    """The publication window this request harvests for ``search`` on board ``source``."""
    if request.window is not None:
        return request.window
    return incremental_window(
        search.watermarks.get(source),
        request.now,
        overlap=timedelta(minutes=settings.hh_overlap_minutes),
        lookback=timedelta(days=settings.hh_initial_lookback_days),
    )


def select_searches(engine: Engine, ids: Sequence[int] = ()) -> list[SavedSearch]:
    """The saved searches to harvest: the given ids (each must exist), or every active one."""
    with engine.connect() as conn:
        if ids:
            found = list_searches(conn, ids=list(ids))
            missing = sorted(set(ids) - {s.id for s in found})
            if missing:
                raise UserInputError(f"no saved search with id {', '.join(map(str, missing))}")
            return found
        return list_searches(conn, active_only=True)


@contextmanager
def hh_client(settings: Settings, client: HHClient | None = None) -> Iterator[HHClient]:
    """The given client, or one of our own for the block (closed after it)."""
    if client is not None:
        yield client
        return
    with HHClient.from_settings(settings) as own:
        yield own


def plan(
    engine: Engine, settings: Settings, request: RunRequest, client: HHClient | None = None
) -> list[Job]:
    """The jobs of one run: each selected saved search on each of its boards (refreshing stale
    hh.ru dictionaries first, the one vocabulary every board maps onto).

    A dry run logs each job's window and how many vacancies its board finds there, and plans
    nothing.
    """
    chosen = select_searches(engine, request.search_ids)
    if not request.dry_run:
        with hh_client(settings, client) as hh:
            dictionaries.refresh(engine, hh, max_age=timedelta(hours=settings.dictionaries_max_age_hours))
    jobs = []
    for search in chosen:
        for source in sources_of(search.sources, settings):
            window = window_for(search, source, request, settings)
            if request.dry_run:
                _log.info(
                    "dry run: search %s %r on %s, window %s: it finds %s",
                    search.id,
                    search.name,
                    source,
                    window,
                    _found(settings, source, search, window),
                )
                continue
            jobs.append(
                Job(
                    run_id=request.run_id,
                    search_id=search.id,
                    source=source,
                    trigger=request.trigger,
                    window_from=window.start.isoformat(),
                    window_to=window.end.isoformat(),
                    runner=request.runner,
                    now=request.now.isoformat(),
                )
            )
    return jobs


def _found(settings: Settings, source: str, search: SavedSearch, window: Window) -> int | str:
    result = SearchResult()
    try:
        with open_source(source, settings) as board:  # type: ignore[attr-defined]
            next(iter(board.search(Criteria.of(search), window, result)), None)
    except SourceError as error:
        return f"unknown ({error})"
    return result.found
