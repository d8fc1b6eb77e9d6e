"""A harvest of one saved search, as idempotent steps: extract → load → details → notify → finish.

Each step reads what the previous one left in the database (the landing table and the audit
row), so Airflow can run them as separate tasks, and the CLI runs them one after another.
Clearing and re-running any step with the same run id leaves the same database state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Engine, func, update

from core.schema import searches as searches_table
from core.searches import SavedSearch, list_searches
from core.settings import Settings
from etl import audit, dictionaries, housekeeping, load
from etl.extract import extract, search_params
from etl.hh_client import HHAuthError, HHCaptchaRequired, HHClient, HHError, HHNotFound
from etl.parallel import in_parallel
from etl.transform import details_row, vacancy_row
from etl.windows import Window, incremental_window

LOAD_BATCH = 1000
DETAILS_BATCH = 200

Row = dict[str, Any]

Progress = Callable[[str, int, int | None], None]
"""``progress(what, done, total)``: ``done`` more search items ("items") or full vacancies
("details"); ``total`` is given (else None) once it is known."""

_log = logging.getLogger(__name__)


def new_run_id(now: datetime | None = None) -> str:
    """A run id for runs started outside Airflow."""
    return "cli__" + (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f")


def plan_window(
    search: SavedSearch, settings: Settings, now: datetime, explicit: Window | None = None
) -> Window:
    """The explicit (backfill) window, else the incremental one from the search's watermark."""
    if explicit is not None:
        return explicit
    return incremental_window(
        search.watermark,
        now,
        overlap=timedelta(minutes=settings.hh_overlap_minutes),
        lookback=timedelta(days=settings.hh_initial_lookback_days),
    )


def _failure(error: Exception) -> dict[str, Any]:
    if isinstance(error, HHCaptchaRequired):
        return {"status": "captcha", "error": str(error)}
    if isinstance(error, HHAuthError):
        return {"status": "auth", "error": str(error)}
    return {"status": "failed", "error": f"{type(error).__name__}: {error}"}


# -- steps ---------------------------------------------------------------------------------------


def step_start(engine: Engine, *, run_id: str, search: SavedSearch, trigger: str, window: Window) -> None:
    with engine.begin() as conn:
        audit.start(conn, run_id=run_id, search=search, trigger=trigger, window=window)


def step_extract(
    engine: Engine,
    client: HHClient,
    *,
    run_id: str,
    search: SavedSearch,
    window: Window,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Page through hh.ru and land every answer; a captcha or token problem stops this search."""
    before = (client.stats.requests, client.stats.retries)

    def land(key: str, payload: dict[str, Any]) -> None:
        with engine.begin() as conn:
            answers = [(key, payload)]
            load.land_raw(conn, run_id=run_id, search_id=search.id, kind="search_page", answers=answers)

    stats: dict[str, Any] = {}
    try:
        result = extract(
            client,
            search_params(search),
            window,
            land,
            progress=(lambda n, total: progress("items", n, total)) if progress else None,
        )
        stats = {"pages": result.pages, "found": result.found}
        if result.truncated:
            stats |= {
                "status": "partial",
                "error": f"more than 2000 vacancies in 5 minutes, some skipped: {result.truncated[:3]}",
            }
    except HHError as error:
        stats = _failure(error)
    stats |= {"http_requests": client.stats.requests - before[0], "retries": client.stats.retries - before[1]}
    record(engine, run_id, search.id, "extract", stats)
    return stats


def step_load(
    engine: Engine,
    *,
    run_id: str,
    search: SavedSearch,
    observed_at: datetime,
    workers: int = 1,
    batch_size: int = LOAD_BATCH,
) -> dict[str, Any]:
    """Transform the landed search items and upsert them, one transaction per batch.

    The batches are merged on up to ``workers`` connections at once (``JH_LOAD_WORKERS``); a
    vacancy landed twice is loaded once, so the batches never touch the same row.
    """
    seen: set[int] = set()

    def transformed(items: Iterator[dict[str, Any]], rates: dict[str, float]) -> Iterator[list[Row]]:
        for batch in batches(items, batch_size):
            rows = []
            for item in batch:
                row = vacancy_row(item, rates)
                if row["id"] not in seen:
                    seen.add(row["id"])
                    rows.append(row)
            if rows:
                yield rows

    def upsert(rows: list[Row]) -> tuple[load.LoadCounts, int]:
        with load.batch_transaction(engine) as conn:
            counts = load.upsert_vacancies(conn, rows, observed_at, run_id)
            ids = [r["id"] for r in rows]
            linked = load.link_to_user(
                conn, user_id=search.user_id, search_id=search.id, run_id=run_id, vacancy_ids=ids
            )
        return counts, linked

    new = updated = unchanged = linked = 0
    with engine.connect() as reader:
        rates = dictionaries.rates(reader)
        items = load.landed_items(reader, run_id=run_id, search_id=search.id)
        for counts, n_linked in in_parallel(upsert, transformed(items, rates), workers=workers):
            new, updated = new + len(counts.new), updated + len(counts.updated)
            unchanged, linked = unchanged + counts.unchanged, linked + n_linked
    stats = {"received": len(seen), "new": new, "updated": updated, "unchanged": unchanged, "linked": linked}
    record(engine, run_id, search.id, "load", stats)  # a durable commit: the batches' are on disk too
    return stats


def step_details(
    engine: Engine, client: HHClient, *, run_id: str, search: SavedSearch, progress: Progress | None = None
) -> dict[str, Any]:
    """Fetch the full vacancy for every new or changed one, concurrently within the rate limit."""
    with engine.connect() as conn:
        if audit.overall_status(audit.step_stats(conn, run_id=run_id, search_id=search.id)) in (
            "captcha",
            "auth",
        ):
            return {}
        todo = load.pending_details(conn, run_id=run_id, search_id=search.id)
    before = (client.stats.requests, client.stats.retries)
    if progress:
        progress("details", 0, len(todo))
    fetched = failed = closed = 0
    stop: HHError | None = None
    rows: list[dict[str, Any]] = []
    landed: list[dict[str, Any]] = []
    gone: list[int] = []

    def flush() -> None:
        with engine.begin() as conn:
            answers = [(str(payload["id"]), payload) for payload in landed]
            load.land_raw(conn, run_id=run_id, search_id=search.id, kind="vacancy", answers=answers)
            load.upsert_details(conn, rows, run_id=run_id, search_id=search.id)
            load.mark_closed(conn, gone, when=datetime.now(UTC))
        rows.clear(), landed.clear(), gone.clear()

    with ThreadPoolExecutor(client.concurrency, thread_name_prefix="hh-details") as pool:
        futures = {pool.submit(client.vacancy, vid): (vid, source_hash) for vid, source_hash in todo}
        for future in as_completed(futures):
            vid, source_hash = futures[future]
            try:
                payload = future.result()
            except HHNotFound:
                gone.append(vid)
                closed += 1
            except (HHCaptchaRequired, HHAuthError) as error:
                stop = stop or error
                for other in futures:
                    other.cancel()
            except HHError as error:
                failed += 1
                _log.warning("vacancy %s not fetched: %s", vid, error)
            else:
                fetched += 1
                landed.append(payload)
                rows.append(details_row(payload, source_hash))
                if payload.get("archived"):
                    gone.append(vid)
            if progress:
                progress("details", 1, None)
            if len(rows) + len(gone) >= DETAILS_BATCH:
                flush()
        flush()
    with engine.connect() as conn:  # exact also when a cleared task runs again
        total = load.fetched_count(conn, run_id=run_id, search_id=search.id)
    _log.info("search %s: %d full vacancies fetched now, %d in this run", search.id, fetched, total)
    stats: dict[str, Any] = {
        "details_fetched": total,
        "closed": closed,
        "details_failed": failed,
        "http_requests": client.stats.requests - before[0],
        "retries": client.stats.retries - before[1],
    }
    if stop is not None:
        stats |= _failure(stop)
    elif failed:
        stats |= {
            "status": "partial",
            "error": f"{failed} full vacancies could not be fetched; next run retries",
        }
    record(engine, run_id, search.id, "details", stats)
    return stats


def step_finish(engine: Engine, *, run_id: str, search: SavedSearch, window_end: datetime) -> str:
    """Close the audit row; a complete harvest moves the search's watermark to the window's end."""
    with engine.begin() as conn:
        status = audit.finish(conn, run_id=run_id, search_id=search.id)
        if status == "success":
            conn.execute(
                update(searches_table)
                .where(searches_table.c.id == search.id)
                .values(watermark=func.greatest(searches_table.c.watermark, window_end))
            )
    return status


def record(engine: Engine, run_id: str, search_id: int, step: str, stats: dict[str, Any]) -> None:
    """Store a step's figures in the run's audit row."""
    with engine.begin() as conn:
        audit.record_step(conn, run_id=run_id, search_id=search_id, step=step, stats=stats)


def guarded(
    engine: Engine, run_id: str, search_id: int, step: str, work: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run a step; an unexpected error is recorded as the step's failure, then raised (to be retried).

    A successful retry records the step again, replacing the failure.
    """
    try:
        return work()
    except Exception as error:
        record(engine, run_id, search_id, step, _failure(error))
        raise


def batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    while batch := list(islice(items, size)):
        yield batch


# -- whole runs ----------------------------------------------------------------------------------


def harvest_search(
    engine: Engine,
    client: HHClient,
    settings: Settings,
    search: SavedSearch,
    *,
    run_id: str,
    trigger: str,
    window: Window,
    now: datetime,
    progress: Progress | None = None,
) -> str:
    """Run every step for one saved search (extract, load, details, notify, finish); returns its status."""
    step_start(engine, run_id=run_id, search=search, trigger=trigger, window=window)
    try:
        step_extract(engine, client, run_id=run_id, search=search, window=window, progress=progress)
        observed_at, workers = min(window.end, now), settings.load_workers
        step_load(engine, run_id=run_id, search=search, observed_at=observed_at, workers=workers)
        step_details(engine, client, run_id=run_id, search=search, progress=progress)
        step_notify(engine, settings, run_id=run_id, search=search)
    except Exception as error:  # recorded, then the next search goes on
        _log.exception("harvest of search %s failed", search.id)
        record(engine, run_id, search.id, "error", _failure(error))
    return step_finish(engine, run_id=run_id, search=search, window_end=window.end)


def select_searches(engine: Engine, ids: list[int] | None = None) -> list[SavedSearch]:
    """The saved searches to harvest: the given ids, or every active one."""
    with engine.connect() as conn:
        if ids:
            found = list_searches(conn, ids=ids)
            missing = sorted(set(ids) - {s.id for s in found})
            if missing:
                raise LookupError(f"no saved search with id {', '.join(map(str, missing))}")
            return found
        return list_searches(conn, active_only=True)


def run(
    engine: Engine,
    settings: Settings,
    *,
    search_ids: list[int] | None = None,
    window: Window | None = None,
    trigger: str = "manual",
    run_id: str | None = None,
    progress: Progress | None = None,
    client: HHClient | None = None,
) -> str:
    """Harvest the selected searches one after another; returns the run id (see the audit log)."""
    now = datetime.now(UTC)
    run_id = run_id or new_run_id(now)
    chosen = select_searches(engine, search_ids)
    own_client = client is None
    client = client or HHClient.from_settings(settings)
    try:
        dictionaries.refresh(engine, client, max_age=timedelta(hours=settings.dictionaries_max_age_hours))
        with engine.begin() as conn:
            housekeeping.prune_raw(conn, retention=timedelta(days=settings.raw_retention_days))
        for search in chosen:
            harvest_search(
                engine,
                client,
                settings,
                search,
                run_id=run_id,
                trigger=trigger,
                window=plan_window(search, settings, now, window),
                now=now,
                progress=progress,
            )
        deliver(engine, settings)
    finally:
        if own_client:
            client.close()
    return run_id


def step_notify(engine: Engine, settings: Settings, *, run_id: str, search: SavedSearch) -> dict[str, Any]:
    """Queue what this search found new for its owner's Telegram (sent once, by :func:`deliver`)."""
    from etl.telegram.sender import enqueue_job

    stats = enqueue_job(engine, settings, run_id=run_id, search_id=search.id)
    record(engine, run_id, search.id, "notify", stats)
    return stats


def deliver(engine: Engine, settings: Settings) -> dict[str, Any]:
    """Send every user with something queued one Telegram message (a failure is recorded, not raised)."""
    from etl.telegram.sender import deliver_pending

    try:
        return deliver_pending(engine, settings)
    except Exception as error:  # the harvest itself succeeded; the outbox keeps the rows for next time
        _log.warning("Telegram delivery failed, will retry next run: %s", error)
        return {"sent": 0, "error": str(error)}


def replay(engine: Engine, run_id: str, *, workers: int = 1) -> list[dict[str, Any]]:
    """Transform and load a run again from its landed answers, without asking hh.ru anything.

    Useful after a fix to the transform: vacancies whose stored columns change are updated,
    and the full texts are rebuilt from the landed full vacancies.
    """
    rows = audit_rows(engine, run_id)
    if not rows:
        raise LookupError(f"no harvest run with id {run_id!r} (see `jobhunter etl runs`)")
    for row in rows:
        [search] = select_searches(engine, [row["search_id"]])
        step_load(engine, run_id=run_id, search=search, observed_at=row["window_to"], workers=workers)
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
