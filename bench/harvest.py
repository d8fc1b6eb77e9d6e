"""Harvest benchmark: requests against the minimum, wall time against its floor, load throughput.

    .venv/bin/python bench/harvest.py [--quick]

Needs nothing but PostgreSQL: ``JH_BENCH_DATABASE_URL``, else ``JH_TEST_DATABASE_URL``, else a
throw-away embedded server. Everything happens in a fresh schema that is dropped at the end;
hh.ru is the local fake (``testing/fakes/hh.py``) with injected latency. A measurement tool: it
prints figures and targets side by side and asserts nothing about time.

1. harvest N new vacancies through ``etl.harvest.local.run`` (`jobhunter etl run`) at 50 ms per
   request, 4 in flight, the rate limit raised so that it never binds (what the code adds over the
   latency floor);
2. run the same window again (nothing may be fetched or changed);
2b. harvest again once at the default settings (rate limit, concurrency, retries as shipped):
   what a user gets. The floor is the larger of requests × latency ÷ concurrency and
   requests ÷ rate limit, so at the default 5 requests/s no code beats ~5 vacancies/s;
3. time ``etl.load.upsert_vacancies`` alone, as the load step runs it (a transaction per batch
   of 1,000 on ``JH_LOAD_WORKERS`` connections): insert, unchanged, seen again, 10 % changed;
   then where the time goes (one connection, no secondary indexes, no free room on the pages);
   and ``etl.harvest.steps.load_landed`` end to end from the landing table;
4. every board (Trudvsem, SuperJob, hh.ru) past its cap against its fake, at its shipped settings
   with time scaled down: requests against the minimum, found against landed, wall time against
   the board's floor (:mod:`bench.sources`, also runnable alone).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import inspect
import itertools
import math
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/harvest.py` puts bench/ first, not the repo root
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.progress import (  # noqa: E402
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table  # noqa: E402
from sqlalchemy import Engine, literal, select, text  # noqa: E402
from sqlalchemy.dialects.postgresql import insert  # noqa: E402

from bench.common import database, throwaway_schema  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.schema import metadata, raw, vacancies  # noqa: E402
from core.searches import SavedSearch, list_searches  # noqa: E402
from core.settings import Settings, load_settings  # noqa: E402
from domain.matching import store as matching  # noqa: E402
from domain.resume import store as resume_store  # noqa: E402
from domain.resume.model import Profile  # noqa: E402
from etl import dictionaries, load  # noqa: E402
from etl.demo_profile import DEMO_PROFILE  # noqa: E402
from etl.harvest import local, steps  # noqa: E402
from etl.harvest.plan import Job, RunRequest  # noqa: E402
from etl.parallel import in_parallel  # noqa: E402
from etl.sources.hh import source as hh_source  # noqa: E402
from etl.transform import currency_rates, vacancy_row  # noqa: E402
from etl.windows import Window  # noqa: E402
from testing.fakes.hh import DICTIONARIES, FakeHH  # noqa: E402
from testing.synthetic import generate_vacancies, to_search_item  # noqa: E402
from tests.helpers import add_user_and_search, audit, snapshot  # noqa: E402

USER_AGENT = "JobHunterBench/1.0 (bench@example.com)"
LATENCY = 0.050  # seconds the fake waits before answering each request
CONCURRENCY = 4
RATE_LIMIT = 1000  # requests per second: high enough never to bind
PER_PAGE = 100
BATCH = steps.LOAD_BATCH  # rows per transaction, as the load step does
CHANGED_SHARE = 0.10

TARGET_REQUEST_OVERHEAD = 0.05
TARGET_WALL_OVER_FLOOR = 1.3
TARGET_LOAD_ROWS_PER_S = 20_000


@dataclass(frozen=True)
class Sizes:
    harvest: int
    defaults: int  # vacancies of the run at the default settings (~1 s per 5 at 5 requests/s)
    loads: tuple[int, ...]
    step_load: int


FULL = Sizes(harvest=5_000, defaults=1_000, loads=(10_000, 100_000), step_load=100_000)
QUICK = Sizes(harvest=600, defaults=40, loads=(10_000,), step_load=5_000)


# -- formatting ------------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _s(seconds: float) -> str:
    return f"{seconds:,.2f} s"


def _met(ok: bool) -> str:
    return "[green]yes[/]" if ok else "[red]NO[/]"


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _table(title: str, *columns: str, left: int = 1) -> Table:
    """A table whose first ``left`` columns are text and the rest figures."""
    table = Table(title=title, title_justify="left", title_style="bold")
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i < left else "right")
    return table


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


# -- environment -----------------------------------------------------------------------------------


def empty_tables(engine: Engine, settings: Settings) -> None:
    tables = ", ".join(f'"{settings.db_schema}"."{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def empty_vacancies(engine: Engine, settings: Settings) -> None:
    with engine.begin() as conn:
        conn.execute(text(f'TRUNCATE "{settings.db_schema}"."{vacancies.name}" CASCADE'))


def vacuum(engine: Engine, settings: Settings) -> None:
    """VACUUM ANALYZE the vacancies table (outside a transaction), so passes start alike."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'VACUUM ANALYZE "{settings.db_schema}"."{vacancies.name}"'))


# -- 1 and 2: the harvest --------------------------------------------------------------------------


@dataclass(frozen=True)
class UI:
    """Tables go to ``out`` (stdout), progress bars to ``bars`` (stderr)."""

    out: Console
    bars: Console


@dataclass
class StepTimes:
    """Wall time per function, measured by wrapping module attributes for a while."""

    seconds: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @contextlib.contextmanager
    def wrapped(self, targets: list[tuple[Any, str, str]]) -> Iterator[None]:
        """Time ``module.attr`` under ``label`` for each ``(module, attr, label)``."""
        originals = [(module, attr, getattr(module, attr)) for module, attr, _ in targets]
        for (module, attr, label), (_, _, original) in zip(targets, originals, strict=True):
            setattr(module, attr, self._timed(label, original))
        try:
            yield
        finally:
            for module, attr, original in originals:
                setattr(module, attr, original)

    def _timed(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def add(started: float) -> None:
            with self.lock:  # timed functions may run on several threads
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                add(started)

        def timed_generator(*args: Any, **kwargs: Any) -> Iterator[Any]:
            items = function(*args, **kwargs)
            while True:  # time each step of the generator, not the consumer's work in between
                started = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    add(started)
                yield item

        return timed_generator if inspect.isgeneratorfunction(function) else timed


PIPELINE_STEPS: list[tuple[Any, str, str]] = [
    (dictionaries, "refresh", "dictionaries"),
    (steps, "_open", "start"),
    (steps, "extract", "extract"),
    (steps, "load_landed", "load"),
    (steps, "details", "details"),
    (steps, "finish", "finish"),
]
LOAD_PARTS: list[tuple[Any, str, str]] = [
    (load, "landed_items", "read landed items (load.landed_items)"),
    (hh_source, "vacancy_row", "transform (vacancy_row)"),
    (load, "upsert_vacancies", "load.upsert_vacancies"),
    (load, "link_to_user", "load.link_to_user"),
    (matching, "score_loaded", "match scores (matching.score_loaded)"),
]
STEP_THREAD_PARTS = {label for _, _, label in LOAD_PARTS[:2]}


def run_harvest(
    engine: Engine, settings: Settings, window: Window, ui: UI, label: str
) -> tuple[str, float, StepTimes]:
    times = StepTimes()
    with _progress(ui.bars) as bar:
        tasks: dict[str, Any] = {}

        def progress(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                name = "search items" if what == "items" else "full vacancies"
                tasks[what] = bar.add_task(f"{label}: {name}", total=total)
            if total is not None:
                bar.update(tasks[what], total=total)
            bar.advance(tasks[what], done)

        with times.wrapped(PIPELINE_STEPS):
            started = time.perf_counter()
            now = datetime.now(UTC)
            req = RunRequest(run_id=local.new_run_id(now), trigger="backfill", now=now, window=window)
            run_id = local.run(engine, settings, req, progress=progress)
            wall = time.perf_counter() - started
    return run_id, wall, times


def floor_seconds(requests: int, *, latency: float, concurrency: int, rate_limit: float) -> float:
    """The least wall time ``requests`` can take: bound by latency over the requests in flight,
    or by the rate limit, whichever is slower."""
    return max(requests * latency / concurrency, requests / rate_limit)


def changed_rows(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> int:
    changed = 0
    for name in before.keys() | after.keys():
        old, new = before.get(name, []), after.get(name, [])
        changed += abs(len(old) - len(new)) + sum(1 for a, b in zip(old, new, strict=False) if a != b)
    return changed


def harvest_scenarios(engine: Engine, settings: Settings, fake: FakeHH, n: int, ui: UI) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = now - timedelta(days=2), now - timedelta(minutes=30)
    fake.add(generate_vacancies(n, seed=7, start=start, end=end, first_id=100_000_000))
    fake.latency = LATENCY
    add_user_and_search(engine, "bench", name="Все вакансии", text="")
    window = Window.aligned(start - timedelta(hours=1), now - timedelta(minutes=10))

    fake.reset_log()
    run_id, wall, times = run_harvest(engine, settings, window, ui, "run 1")
    [row] = audit(engine, run_id)
    fake_all, fake_search, fake_vacancy = fake.count(), fake.count("search"), fake.count("vacancy")

    found = row["found"]
    minimum = math.ceil(found / PER_PAGE) + row["new"]
    overhead = row["http_requests"] / minimum - 1 if minimum else 0.0
    floor = floor_seconds(minimum, latency=LATENCY, concurrency=CONCURRENCY, rate_limit=RATE_LIMIT)
    ratio = wall / floor if floor else float("nan")

    first = _table(
        f"1. Harvest of {_n(n)} new vacancies at {LATENCY * 1000:.0f} ms per request, "
        f"concurrency {CONCURRENCY}, rate limit {RATE_LIMIT}/s",
        "figure",
        "value",
        "target",
        "met",
    )
    first.add_row("status", row["status"], "success", _met(row["status"] == "success"))
    first.add_row(
        "found / new / details fetched", f"{found} / {row['new']} / {row['details_fetched']}", "", ""
    )
    first.add_row("requests made (audit: pages + full vacancies)", _n(row["http_requests"]), "", "")
    first.add_row(
        "  requests seen by the fake: search / vacancy / all",
        f"{fake_search} / {fake_vacancy} / {fake_all}",
        "",
        "",
    )
    first.add_row("  pages landed / retries", f"{row['pages']} / {row['retries']}", "", "")
    first.add_row(
        "requests minimum (⌈found/100⌉ pages + 1 per new)",
        f"{math.ceil(found / PER_PAGE)} + {row['new']} = {_n(minimum)}",
        "",
        "",
    )
    first.add_row(
        "overhead vs minimum",
        f"{overhead:.2%}",
        f"≤ {TARGET_REQUEST_OVERHEAD:.0%}",
        _met(overhead <= TARGET_REQUEST_OVERHEAD),
    )
    first.add_row("wall time (etl.harvest.local.run)", _s(wall), "", "")
    first.add_row(
        f"floor = max(minimum × {LATENCY * 1000:.0f} ms ÷ {CONCURRENCY}, minimum ÷ {RATE_LIMIT}/s)",
        _s(floor),
        "",
        "",
    )
    first.add_row(
        "wall / floor",
        f"{ratio:.2f}×",
        f"≤ {TARGET_WALL_OVER_FLOOR}×",
        _met(ratio <= TARGET_WALL_OVER_FLOOR),
    )
    first.add_row("vacancies per second", f"{row['new'] / wall:,.1f}", "", "")
    ui.out.print(first)

    steps = _table("1b. Where run 1's wall time goes (per harvest step)", "step", "wall", "share", "floor")
    step_floor = {
        "extract": row["pages"] * LATENCY / CONCURRENCY,
        "details": row["details_fetched"] * LATENCY / CONCURRENCY,
    }
    for name in ("dictionaries", "start", "extract", "load", "details", "finish"):
        seconds = times.seconds.get(name, 0.0)
        shown_floor = _s(step_floor[name]) if name in step_floor else ""
        steps.add_row(name, _s(seconds), f"{seconds / wall:.1%}", shown_floor)
    other = wall - sum(times.seconds.values())
    steps.add_row("other (select searches, client)", _s(other), f"{other / wall:.1%}", "")
    ui.out.print(steps)

    before = snapshot(engine)
    fake.reset_log()
    run_id2, wall2, _ = run_harvest(engine, settings, window, ui, "run 2")
    [row2] = audit(engine, run_id2)
    diff = changed_rows(before, snapshot(engine))

    second = _table("2. Second run over the same window", "figure", "value", "target", "met")
    second.add_row("status", row2["status"], "success", _met(row2["status"] == "success"))
    second.add_row(
        "requests made (audit) / seen by the fake",
        f"{row2['http_requests']} / {fake.count()}",
        f"{math.ceil(found / PER_PAGE)} + 0",
        "",
    )
    second.add_row(
        "full vacancies fetched (audit / fake)",
        f"{row2['details_fetched']} / {fake.count('vacancy')}",
        "0",
        _met(row2["details_fetched"] == 0 and fake.count("vacancy") == 0),
    )
    second.add_row(
        "new / updated / unchanged",
        f"{row2['new']} / {row2['updated']} / {row2['unchanged']}",
        f"0 / 0 / {found}",
        _met((row2["new"], row2["updated"], row2["unchanged"]) == (0, 0, found)),
    )
    second.add_row("rows changed (snapshot of product tables)", str(diff), "0", _met(diff == 0))
    second.add_row("wall time", _s(wall2), "", "")
    ui.out.print(second)
    fake.latency = 0.0
    return {"ratio": ratio, "overhead": overhead}


def default_settings_scenario(
    engine: Engine, settings: Settings, fake: FakeHH, n: int, ui: UI
) -> dict[str, float]:
    """One harvest of ``n`` new vacancies with the shipped defaults for hh.ru (``settings``)."""
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = now - timedelta(days=6), now - timedelta(days=5)
    fake.add(generate_vacancies(n, seed=11, start=start, end=end, first_id=150_000_000))
    fake.latency = LATENCY
    window = Window.aligned(start - timedelta(hours=1), end + timedelta(hours=1))
    fake.reset_log()
    run_id, wall, _ = run_harvest(engine, settings, window, ui, "defaults")
    fake.latency = 0.0
    [row] = audit(engine, run_id)
    minimum = math.ceil(row["found"] / PER_PAGE) + row["new"]
    rate, concurrency = settings.hh_rate_limit, settings.hh_concurrency
    latency_floor = minimum * LATENCY / concurrency
    rate_floor = minimum / rate
    floor = floor_seconds(minimum, latency=LATENCY, concurrency=concurrency, rate_limit=rate)
    table = _table(
        f"2b. Harvest of {_n(n)} new vacancies at the default settings: rate limit {rate:g}/s, "
        f"concurrency {concurrency}, {settings.hh_max_retries} retries, {LATENCY * 1000:.0f} ms per request",
        "figure",
        "value",
        "target",
        "met",
    )
    table.add_row("status", row["status"], "success", _met(row["status"] == "success"))
    table.add_row(
        "found / new / details fetched", f"{row['found']} / {row['new']} / {row['details_fetched']}", "", ""
    )
    table.add_row("requests made (audit) / minimum", f"{_n(row['http_requests'])} / {_n(minimum)}", "", "")
    table.add_row(
        f"  latency floor = minimum × {LATENCY * 1000:.0f} ms ÷ {concurrency}", _s(latency_floor), "", ""
    )
    table.add_row(f"  rate floor = minimum ÷ {rate:g}/s", _s(rate_floor), "", "")
    table.add_row("floor = the larger of the two", _s(floor), "", "")
    ratio = wall / floor if floor else float("nan")
    table.add_row("wall time (etl.harvest.local.run)", _s(wall), "", "")
    table.add_row(
        "wall / floor", f"{ratio:.2f}×", f"≤ {TARGET_WALL_OVER_FLOOR}×", _met(ratio <= TARGET_WALL_OVER_FLOOR)
    )
    table.add_row("vacancies per second (what a user gets)", f"{row['new'] / wall:,.1f}", "", "")
    table.add_row("vacancies per second at the floor", f"{row['new'] / floor:,.1f}", "", "")
    ui.out.print(table)
    return {"ratio": ratio}


# -- 3: the load -----------------------------------------------------------------------------------


def build_rows(
    n: int, rates: dict[str, float], bar: Progress, *, first_id: int = 200_000_000
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]], float, float]:
    """Rows for ``n`` vacancies and changed rows for every tenth; (rows, changed, generate_s, transform_s)."""
    now = datetime.now(UTC).replace(microsecond=0)
    source = generate_vacancies(n, seed=23, start=now - timedelta(days=7), end=now, first_id=first_id)
    rows: list[dict[str, Any]] = []
    changed: dict[int, dict[str, Any]] = {}
    every = round(1 / CHANGED_SHARE)
    generate_s = transform_s = 0.0
    task = bar.add_task(f"build {_n(n)} rows", total=n)
    while True:
        started = time.perf_counter()
        items = [to_search_item(v) for v in itertools.islice(source, BATCH)]
        generate_s += time.perf_counter() - started
        if not items:
            break
        started = time.perf_counter()
        for item in items:
            rows.append(hh_row(item, rates))
        transform_s += time.perf_counter() - started
        for i, item in enumerate(items, start=len(rows) - len(items)):
            if i % every == 0:
                changed[i] = hh_row({**item, "name": item["name"] + " (обновлено)"}, rates)
        # The rows kept here would make every later garbage collection (in the transform and
        # in the timed loads) walk them all; the load step keeps one batch at a time.
        gc.freeze()
        bar.advance(task, len(items))
    bar.remove_task(task)
    return rows, changed, generate_s, transform_s


def hh_row(item: dict[str, Any], rates: dict[str, float]) -> dict[str, Any]:
    """The ``t01_jh_vacancies`` values of an hh.ru search item, as the hh.ru adapter stores them."""
    row = vacancy_row(item, rates)
    row["source"], row["source_id"] = "hh", str(row.pop("id"))
    return row


def timed_upsert(
    engine: Engine, rows: list[dict[str, Any]], observed_at: datetime, bar: Progress, label: str, workers: int
) -> tuple[float, load.LoadCounts]:
    """Load ``rows`` as the load step does: a transaction per batch, on ``workers`` connections."""
    total = load.LoadCounts()
    task = bar.add_task(label, total=len(rows))

    def upsert(batch: list[dict[str, Any]]) -> load.LoadCounts:
        with load.batch_transaction(engine) as conn:
            return load.upsert_vacancies(conn, batch, observed_at)

    started = time.perf_counter()
    chunks = (rows[i : i + BATCH] for i in range(0, len(rows), BATCH))
    for counts in in_parallel(upsert, chunks, workers=workers):
        total.new += counts.new
        total.updated += counts.updated
        total.unchanged += counts.unchanged
        bar.advance(task, len(counts.new) + len(counts.updated) + counts.unchanged)
    seconds = time.perf_counter() - started
    bar.remove_task(task)
    return seconds, total


def vacancy_indexes(engine: Engine, settings: Settings) -> list[tuple[str, str, bool]]:
    """``(name, definition, is_key)`` of every index on the vacancies table (a key's index, the
    primary key's or the (source, source_id) constraint's the merge needs, is never dropped)."""
    query = text(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid),"
        " x.indisprimary OR EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        " FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = :schema AND t.relname = :table"
        " ORDER BY i.relname"
    )
    with engine.connect() as conn:
        found = conn.execute(query, {"schema": settings.db_schema, "table": vacancies.name})
        return [(name, definition, primary) for name, definition, primary in found]


@contextlib.contextmanager
def without_secondary_indexes(engine: Engine, settings: Settings) -> Iterator[int]:
    """Empty the vacancies table and drop its secondary indexes; recreate them afterwards."""
    dropped = [
        (name, definition) for name, definition, primary in vacancy_indexes(engine, settings) if not primary
    ]
    empty_vacancies(engine, settings)
    with engine.begin() as conn:
        for name, _ in dropped:
            conn.execute(text(f'DROP INDEX "{settings.db_schema}"."{name}"'))
    try:
        yield len(dropped)
    finally:
        empty_vacancies(engine, settings)
        with engine.begin() as conn:
            for _, definition in dropped:
                conn.execute(text(definition))


@contextlib.contextmanager
def fillfactor(engine: Engine, settings: Settings, percent: int) -> Iterator[None]:
    """Empty the vacancies table and leave ``100 - percent`` % of each new page free for updates
    (the migrations' setting is restored afterwards)."""
    name = f'"{settings.db_schema}"."{vacancies.name}"'
    with engine.connect() as conn:
        query = text("SELECT reloptions FROM pg_class WHERE oid = CAST(:name AS regclass)")
        options = conn.execute(query, {"name": name})
        before = dict(option.split("=", 1) for option in options.scalar_one() or [])
    empty_vacancies(engine, settings)
    with engine.begin() as conn:
        conn.execute(text(f"ALTER TABLE {name} SET (fillfactor = {int(percent)})"))
    try:
        yield
    finally:
        empty_vacancies(engine, settings)
        with engine.begin() as conn:
            if "fillfactor" in before:
                conn.execute(text(f"ALTER TABLE {name} SET (fillfactor = {int(before['fillfactor'])})"))
            else:
                conn.execute(text(f"ALTER TABLE {name} RESET (fillfactor)"))


def load_scenarios(engine: Engine, settings: Settings, sizes: Sizes, ui: UI) -> list[float]:
    rates = currency_rates(DICTIONARIES)
    indexes = vacancy_indexes(engine, settings)
    gin = sum(" USING gin " in definition for _, definition, _ in indexes)
    workers = settings.load_workers
    table = _table(
        f"3. Database load: etl.load.upsert_vacancies, {BATCH:,} rows per transaction, on {workers} "
        f"connections as the load step uses (JH_LOAD_WORKERS) unless said "
        f"({vacancies.name} has {len(indexes)} indexes, {gin} of them GIN)",
        "rows",
        "pass",
        "new / updated / unchanged",
        "seconds",
        "rows/s",
        "target",
        "met",
        left=2,
    )
    insert_rates: list[float] = []
    t0 = datetime.now(UTC).replace(microsecond=0)

    def measure(
        bar: Progress, n: int, label: str, data: list[dict[str, Any]], observed: datetime, on: int = workers
    ) -> float:
        vacuum(engine, settings)
        seconds, counts = timed_upsert(engine, data, observed, bar, f"{_n(n)}: {label}", on)
        rate = n / seconds
        table.add_row(
            "",
            label,
            f"{len(counts.new)} / {len(counts.updated)} / {counts.unchanged}",
            _s(seconds),
            _n(rate),
            f"≥ {_n(TARGET_LOAD_ROWS_PER_S)}",
            _met(rate >= TARGET_LOAD_ROWS_PER_S),
        )
        return rate

    for n in sizes.loads:
        empty_vacancies(engine, settings)
        with _progress(ui.bars) as bar:
            rows, changed, generate_s, transform_s = build_rows(n, rates, bar)
            table.add_row(_n(n), "generate search items (not timed below)", "", _s(generate_s), "", "", "")
            table.add_row("", "transform: vacancy_row", "", _s(transform_s), _n(n / transform_s), "", "")
            mutated = [changed.get(i, row) for i, row in enumerate(rows)]
            insert_rates.append(measure(bar, n, "insert into an empty table", rows, t0))
            measure(bar, n, "again, unchanged, same observed_at (no write)", rows, t0)
            measure(bar, n, "again, unchanged, seen later (seen columns)", rows, t0 + timedelta(hours=1))
            measure(
                bar, n, f"again, {CHANGED_SHARE:.0%} changed, seen later", mutated, t0 + timedelta(hours=2)
            )
            if n == max(sizes.loads):
                # Where the time goes: one connection, the secondary indexes, the table's fillfactor.
                if workers > 1:
                    empty_vacancies(engine, settings)
                    table.add_row("", "diagnosis, on 1 connection:", "", "", "", "", "")
                    measure(bar, n, "  insert into an empty table", rows, t0, 1)
                    measure(bar, n, "  again, unchanged, seen later", rows, t0 + timedelta(hours=1), 1)
                with without_secondary_indexes(engine, settings) as dropped:
                    label = f"diagnosis, without the {dropped} secondary indexes:"
                    table.add_row("", label, "", "", "", "", "")
                    measure(bar, n, "  insert into an empty table", rows, t0)
                    measure(bar, n, "  again, unchanged, seen later", rows, t0 + timedelta(hours=1))
                with fillfactor(engine, settings, 100):
                    label = "diagnosis, table fillfactor 100 (no room for HOT updates):"
                    table.add_row("", label, "", "", "", "", "")
                    measure(bar, n, "  insert into an empty table", rows, t0)
                    measure(bar, n, "  again, unchanged, seen later", rows, t0 + timedelta(hours=1))
                    later = t0 + timedelta(hours=2)
                    measure(bar, n, f"  again, {CHANGED_SHARE:.0%} changed, seen later", mutated, later)
        del rows, changed, mutated
    table.add_row("", f"peak RSS so far: {_maxrss_mib():,.0f} MiB", "", "", "", "", "")
    ui.out.print(table)
    return insert_rates


def land_pages(
    engine: Engine, *, run_id: str, search_id: int, n: int, bar: Progress
) -> tuple[float, float, int]:
    """Land ``n`` search items as 100-item pages; (generate_s, land_s, pages)."""
    now = datetime.now(UTC).replace(microsecond=0)
    source = generate_vacancies(n, seed=29, start=now - timedelta(days=7), end=now, first_id=300_000_000)
    generate_s = land_s = 0.0
    pages = 0
    task = bar.add_task(f"land {_n(n)} search items", total=n)
    while True:
        started = time.perf_counter()
        answers = []
        for _ in range(20):
            items = [to_search_item(v) for v in itertools.islice(source, PER_PAGE)]
            if not items:
                break
            answers.append(
                (f"bench#{pages}", {"found": n, "page": pages, "per_page": PER_PAGE, "items": items})
            )
            pages += 1
        generate_s += time.perf_counter() - started
        if not answers:
            break
        started = time.perf_counter()
        with engine.begin() as conn:
            load.land_raw(
                conn, run_id=run_id, search_id=search_id, source="hh", kind="search_page", answers=answers
            )
        land_s += time.perf_counter() - started
        bar.advance(task, sum(len(a[1]["items"]) for a in answers))
    bar.remove_task(task)
    return generate_s, land_s, pages


def step_load_scenario(engine: Engine, settings: Settings, n: int, ui: UI) -> None:
    empty_tables(engine, settings)
    user_id, search_id = add_user_and_search(engine, "loader", name="Загрузка", text="")
    with engine.connect() as conn:
        # A user with a profile: every new link is scored in the load step, as in production.
        resume_store.save_profile(conn, user_id, Profile.model_validate(DEMO_PROFILE))
        [search] = list_searches(conn, ids=[search_id])
        dictionaries.store(conn, "dictionaries", DICTIONARIES)
        conn.commit()
    runs = ("bench__step_load_1", "bench__step_load_2")
    now = datetime.now(UTC).replace(microsecond=0)
    window = Window.aligned(now - timedelta(days=7, hours=1), now)
    table = _table(
        f"3b. etl.harvest.steps.load_landed end to end from the landing table, {_n(n)} vacancies "
        "for a user with a profile (each new link scored), "
        f"merged on {settings.load_workers} connections (JH_LOAD_WORKERS)",
        "pass",
        "received / new / unchanged / linked",
        "seconds",
        "rows/s",
        "Python CPU",
    )
    with _progress(ui.bars) as bar:
        generate_s, land_s, pages = land_pages(engine, run_id=runs[0], search_id=search.id, n=n, bar=bar)
    table.add_row("generate search items (not part of step_load)", "", _s(generate_s), "", "")
    table.add_row(f"land {pages:,} pages with load.land_raw", "", _s(land_s), _n(n / land_s), "")
    with engine.begin() as conn:  # the second run landed the same answers
        landed = [raw.c.search_id, raw.c.source, raw.c.kind, raw.c.request_key, raw.c.payload]
        copy = select(literal(runs[1]), *landed).where(raw.c.run_id == runs[0])
        conn.execute(insert(raw).from_select(["run_id", *(c.name for c in landed)], copy))
    for run_id in runs:
        with steps.working(engine, settings, _job(run_id, search, window), opening=True):
            pass
    vacuum(engine, settings)
    passes = ("first run: every vacancy new", "next run, same items: every vacancy unchanged")
    for label, run_id in zip(passes, runs, strict=True):
        times = StepTimes()
        with ui.bars.status(f"step_load: {label}"), times.wrapped(LOAD_PARTS):
            started, cpu = time.perf_counter(), time.process_time()
            stats = steps.load_landed(engine, settings, _job(run_id, search, window))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        table.add_row(
            label,
            f"{stats['received']} / {stats['new']} / {stats['unchanged']} / {stats['linked']}",
            _s(seconds),
            _n(stats["received"] / seconds),
            f"{_s(cpu)} ({cpu / seconds:.0%} of a core)",
        )
        # Reading and transforming run in the step's thread while the loader threads merge
        # earlier batches, so only the step thread's parts are shares of the wall time.
        for _, _, part in LOAD_PARTS:
            part_s = times.seconds.get(part, 0.0)
            own = part in STEP_THREAD_PARTS
            share = f"{part_s / seconds:.0%}" if own else "summed over threads"
            where = "step thread" if own else "loader threads"
            table.add_row(f"  {part}, {where}", share, _s(part_s), "", "")
    table.add_row(f"peak RSS of the process: {_maxrss_mib():,.0f} MiB", "", "", "", "")
    ui.out.print(table)
    ui.out.print(
        "The load target (section 3) is PostgreSQL's part. step_load also decodes every landed "
        "JSON item and transforms it in Python; that work holds the interpreter lock, so one core "
        "bounds the step (the Python CPU column), whatever the number of loader connections."
    )


def _job(run_id: str, search: SavedSearch, window: Window) -> Job:
    return Job(run_id, search.id, "hh", "backfill", window.start.isoformat(), window.end.isoformat())


# -- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL

    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 130
    console = Console(width=width, highlight=False)
    ui = UI(out=console, bars=Console(stderr=True))
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        url, where = stack.enter_context(database())
        schema = stack.enter_context(throwaway_schema(url, "jh_bench"))
        fake = stack.enter_context(FakeHH())
        settings = load_settings(
            database_url=url,
            db_schema=schema,
            var_dir=Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jh-bench-"))) / "var",
            hh_base_url=fake.url,
            hh_user_agent=USER_AGENT,
            hh_rate_limit=RATE_LIMIT,
            hh_concurrency=CONCURRENCY,
            hh_timeout=30,
            hh_max_retries=3,
            hh_backoff_base=0.05,
            hh_backoff_max=0.5,
            sources="hh",  # unset, every board that can run would: Trudvsem against the real one
            _env_file=None,
        )
        # The same installation with hh.ru settings as shipped (section 2b).
        shipped = load_settings(
            database_url=url,
            db_schema=schema,
            var_dir=settings.var_dir,
            hh_base_url=fake.url,
            hh_user_agent=USER_AGENT,
            sources="hh",
            _env_file=None,
        )
        engine = make_engine(settings)
        stack.callback(engine.dispose)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar_one()
        console.print(
            f"Job Hunter harvest benchmark{' (--quick)' if args.quick else ''}: "
            f"PostgreSQL {version} from {where}, schema {schema}, Python {sys.version.split()[0]}, "
            f"{os.cpu_count()} CPUs"
        )
        harvest_scenarios(engine, settings, fake, sizes.harvest, ui)
        default_settings_scenario(engine, shipped, fake, sizes.defaults, ui)
        load_scenarios(engine, settings, sizes, ui)
        step_load_scenario(engine, settings, sizes.step_load, ui)
        from bench.sources import sources_scenarios  # it imports this module's helpers

        shared = {k: getattr(settings, k) for k in ("database_url", "db_schema", "var_dir", "hh_base_url")}
        sources_scenarios(engine, shared | {"hh_user_agent": USER_AGENT}, args.quick, ui)
    console.print(f"total {_s(time.perf_counter() - started)}, peak RSS {_maxrss_mib():,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
