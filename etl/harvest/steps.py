"""The harvest of one job (a saved search in a run) as idempotent steps.

extract → load → details → notify → finish. Each step reads what the previous one left in the
database (the landing table and the audit row), so Airflow runs them as separate tasks and the
CLI one after another — the same functions either way. Clearing and re-running any step with the
same job leaves the same database. A step that fails keeps the figures it had reached and the
figures of the steps before it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, func, update

from core.schema import searches as searches_table
from core.searches import SavedSearch, list_searches
from core.settings import Settings
from etl import audit, dictionaries, load
from etl.extract import ExtractResult, search_params
from etl.extract import extract as extract_pages
from etl.harvest import liveness
from etl.harvest.plan import Job, hh_client, select_searches
from etl.hh_client import HHAuthError, HHCaptchaRequired, HHClient, HHError, HHNotFound
from etl.parallel import in_parallel
from etl.transform import details_row, vacancy_row

LOAD_BATCH = 1000
DETAILS_BATCH = 200

Row = dict[str, Any]
Stats = dict[str, Any]

Progress = Callable[[str, int, int | None], None]
"""``progress(what, done, total)``: ``done`` more search items ("items") or full vacancies
("details"); ``total`` is given (else None) once it is known."""

_log = logging.getLogger(__name__)


def failure(error: BaseException) -> Stats:
    """A step's status and error sentence for an exception (hh.ru's own kinds keep their sentence)."""
    if isinstance(error, HHCaptchaRequired):
        return {"status": "captcha", "error": str(error)}
    if isinstance(error, HHAuthError):
        return {"status": "auth", "error": str(error)}
    return {"status": "failed", "error": f"{type(error).__name__}: {error}"}


def record(engine: Engine, job: Job, step: str, stats: Stats) -> None:
    """Store a step's figures in the job's audit row (replacing that step's earlier figures)."""
    with engine.begin() as conn:
        audit.record_step(conn, run_id=job.run_id, search_id=job.search_id, step=step, stats=stats)


def _search(engine: Engine, job: Job) -> SavedSearch:
    [search] = select_searches(engine, [job.search_id])
    return search


def batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    while batch := list(islice(items, size)):
        yield batch


# -- steps ---------------------------------------------------------------------------------------


def _open(conn: Connection, settings: Settings, job: Job) -> int:
    """Open the job's audit row; first close this search's abandoned runs and take over their work."""
    [search] = list_searches(conn, ids=[job.search_id])
    liveness.close_abandoned(
        conn,
        grace=timedelta(minutes=settings.abandoned_after_minutes),
        search_id=search.id,
        except_run=job.run_id,
    )
    row = audit.start(
        conn, run_id=job.run_id, search=search, trigger=job.trigger, window=job.window, runner=job.runner
    )
    taken = liveness.adopt(conn, search_id=search.id, user_id=search.user_id, run_id=job.run_id)
    if any(taken.values()):
        audit.record_step(
            conn, run_id=job.run_id, search_id=search.id, step="adopted", stats={"adopted": taken}
        )
    return row


@contextmanager
def working(engine: Engine, settings: Settings, job: Job, *, opening: bool = False) -> Iterator[None]:
    """Work on a job while holding its liveness lock (see :mod:`etl.harvest.liveness`).

    ``opening`` first opens (or reopens) the job's audit row, in the transaction that takes the
    lock: no other process ever sees the row open and unlocked.
    """
    with engine.connect() as conn:
        row = (
            _open(conn, settings, job)
            if opening
            else audit.row_id(conn, run_id=job.run_id, search_id=job.search_id)
        )
        if row is not None:
            liveness.hold(conn, row)
        conn.commit()
        try:
            yield
        finally:
            if row is not None:
                liveness.release(conn, row)
                conn.commit()


def extract(
    engine: Engine,
    settings: Settings,
    job: Job,
    *,
    client: HHClient | None = None,
    progress: Progress | None = None,
) -> Stats:
    """Page through hh.ru and land every answer; a captcha or token problem stops this search.

    Whatever happens, the figures reached so far (pages landed, found) are recorded.
    """
    search = _search(engine, job)

    def land(key: str, payload: dict[str, Any]) -> None:
        with engine.begin() as conn:
            answers = [(key, payload)]
            load.land_raw(conn, run_id=job.run_id, search_id=search.id, kind="search_page", answers=answers)

    result = ExtractResult()
    stats: Stats = {}
    with hh_client(settings, client) as hh:
        before = (hh.stats.requests, hh.stats.retries)
        try:
            extract_pages(
                hh,
                search_params(search),
                job.window,
                land,
                progress=(lambda n, total: progress("items", n, total)) if progress else None,
                result=result,
            )
            if result.truncated:
                stats = {
                    "status": "partial",
                    "error": f"more than 2000 vacancies in 5 minutes, some skipped: {result.truncated[:3]}",
                }
        except HHError as error:
            stats = failure(error)
        except Exception as error:  # recorded with what was reached, then raised (to be retried)
            record(engine, job, "extract", _figures(result, hh, before) | failure(error))
            raise
        stats = _figures(result, hh, before) | stats
    record(engine, job, "extract", stats)
    return stats


def _figures(result: ExtractResult, hh: HHClient, before: tuple[int, int]) -> Stats:
    return {
        "pages": result.pages,
        "found": result.found,
        "http_requests": hh.stats.requests - before[0],
        "retries": hh.stats.retries - before[1],
    }


def load_landed(
    engine: Engine, settings: Settings, job: Job, *, batch_size: int = LOAD_BATCH, workers: int | None = None
) -> Stats:
    """Transform the landed search items and upsert them, one transaction per batch.

    The batches are merged on up to ``JH_LOAD_WORKERS`` connections at once; a vacancy landed twice
    is loaded once, so the batches never touch the same row.
    """
    search = _search(engine, job)
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
            counts = load.upsert_vacancies(conn, rows, job.observed_at, job.run_id)
            ids = [r["id"] for r in rows]
            linked = load.link_to_user(
                conn, user_id=search.user_id, search_id=search.id, run_id=job.run_id, vacancy_ids=ids
            )
        return counts, linked

    new = updated = unchanged = linked = 0
    try:
        with engine.connect() as reader:
            rates = dictionaries.rates(reader)
            items = load.landed_items(reader, run_id=job.run_id, search_id=search.id)
            parallel = in_parallel(
                upsert, transformed(items, rates), workers=workers or settings.load_workers
            )
            for counts, n_linked in parallel:
                new, updated = new + len(counts.new), updated + len(counts.updated)
                unchanged, linked = unchanged + counts.unchanged, linked + n_linked
    except Exception as error:
        record(engine, job, "load", {"received": len(seen), "new": new, "updated": updated} | failure(error))
        raise
    stats = {"received": len(seen), "new": new, "updated": updated, "unchanged": unchanged, "linked": linked}
    record(engine, job, "load", stats)  # a durable commit: the batches' are on disk too
    return stats


def details(
    engine: Engine,
    settings: Settings,
    job: Job,
    *,
    client: HHClient | None = None,
    progress: Progress | None = None,
) -> Stats:
    """Fetch the full vacancy for every new or changed one, concurrently within the rate limit.

    A captcha or token refusal stops the fetching, but every full text fetched before it is kept.
    """
    search = _search(engine, job)
    with engine.connect() as conn:
        earlier = audit.step_stats(conn, run_id=job.run_id, search_id=search.id)
        if audit.overall_status({k: v for k, v in earlier.items() if k != "details"}) in ("captcha", "auth"):
            return {}
        todo = load.pending_details(conn, run_id=job.run_id, search_id=search.id)
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
            load.land_raw(conn, run_id=job.run_id, search_id=search.id, kind="vacancy", answers=answers)
            load.upsert_details(conn, rows, run_id=job.run_id, search_id=search.id)
            load.mark_closed(conn, gone, when=datetime.now(UTC))
        rows.clear(), landed.clear(), gone.clear()

    with hh_client(settings, client) as hh:
        before = (hh.stats.requests, hh.stats.retries)
        try:
            with ThreadPoolExecutor(hh.concurrency, thread_name_prefix="hh-details") as pool:
                futures = {pool.submit(hh.vacancy, vid): (vid, source_hash) for vid, source_hash in todo}
                for future in as_completed(futures):
                    if future.cancelled():  # after a captcha: never asked
                        continue
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
        finally:
            flush()  # keep what was fetched, whatever stopped the loop
        with engine.connect() as conn:  # exact also when a cleared task runs again
            total = load.fetched_count(conn, run_id=job.run_id, search_id=search.id)
        _log.info("search %s: %d full vacancies fetched now, %d in this run", search.id, fetched, total)
        stats: Stats = {
            "details_fetched": total,
            "closed": closed,
            "details_failed": failed,
            "http_requests": hh.stats.requests - before[0],
            "retries": hh.stats.retries - before[1],
        }
    if stop is not None:
        stats |= failure(stop)
        stats["details_skipped"] = len(todo) - fetched - closed - failed
    elif failed:
        stats |= {
            "status": "partial",
            "error": f"{failed} full vacancies could not be fetched; next run retries",
        }
    record(engine, job, "details", stats)
    return stats


def notify(engine: Engine, settings: Settings, job: Job) -> Stats:
    """Tell the search's owner in Telegram what is new (see :mod:`etl.telegram.sender`).

    Queues the vacancies this search found new for its owner in the outbox (once per user and
    vacancy, whatever is re-run), and sends the owner one message for the run when this is their
    last search of the run to get here. Delivery failures are recorded and retried, not raised.
    """
    from etl.telegram.sender import notify_job  # telebot is loaded only where notify runs

    stats = notify_job(engine, settings, run_id=job.run_id, search_id=job.search_id)
    record(engine, job, "notify", stats)
    return stats


def finish(engine: Engine, settings: Settings, job: Job) -> str:
    """Close the audit row (also after a failed step); a complete harvest moves the watermark."""
    with engine.begin() as conn:
        status = audit.finish(conn, run_id=job.run_id, search_id=job.search_id)
        if status == "success":
            conn.execute(
                update(searches_table)
                .where(searches_table.c.id == job.search_id)
                .values(watermark=func.greatest(searches_table.c.watermark, job.window.end))
            )
    return status


def deliver(engine: Engine, settings: Settings) -> Stats:
    """Close abandoned runs (they would hold their users' messages back), then send every user with
    something queued one Telegram message. A delivery failure is recorded, not raised."""
    from etl.telegram.sender import deliver_pending

    with engine.begin() as conn:
        closed = liveness.close_abandoned(conn, grace=timedelta(minutes=settings.abandoned_after_minutes))
    try:
        stats = deliver_pending(engine, settings)
    except Exception as error:  # the harvest itself succeeded; the outbox keeps the rows for next time
        _log.warning("Telegram delivery failed, will retry next run: %s", error)
        stats = {"sent": 0, "error": str(error)}
    return stats | ({"abandoned_closed": len(closed)} if closed else {})


STEPS: dict[str, Callable[..., Stats]] = {
    "extract": extract,
    "load": load_landed,
    "details": details,
    "notify": notify,
}


def run_task(engine: Engine, settings: Settings, name: str, job: dict[str, Any]) -> dict[str, Any]:
    """One step as an orchestrator task: a job dict in, the same dict with the step's figures out.

    Holds the job's liveness lock while it works; ``extract`` first opens the job's audit row.
    """
    j = Job.of(job)
    with working(engine, settings, j, opening=name == "extract"):
        return job | {name: STEPS[name](engine, settings, j)}


def run_outcome(engine: Engine, run_id: str) -> tuple[bool, str]:
    """Whether every search of a run harvested completely, and a one-line summary for the operator."""
    with engine.connect() as conn:
        rows = audit.statuses(conn, run_id)
    bad = {sid: (status, error) for sid, (status, error) in rows.items() if status != "success"}
    if not rows:
        return True, "no saved search was harvested"
    if not bad:
        return True, f"{len(rows)} searches harvested completely"
    first = next(iter(bad.items()))
    return False, (
        f"{len(bad)} of {len(rows)} searches did not harvest completely "
        f"(search {first[0]}: {first[1][0]}: {first[1][1] or 'no reason recorded'})"
    )
