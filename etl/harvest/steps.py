"""The harvest of one job (a saved search on one board in a run) as idempotent steps.

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
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, func
from sqlalchemy.dialects.postgresql import insert

from core.schema import search_cursors
from core.searches import SavedSearch, list_searches
from core.settings import Settings
from domain import duplicates
from domain.market import store as market
from domain.matching import store as matching
from etl import audit, dictionaries, load
from etl.harvest import liveness
from etl.harvest.plan import Job, select_searches
from etl.parallel import in_parallel
from etl.sources.base import Criteria, SearchResult, Source, SourceError, VacancyRows
from etl.sources.hh.client import HHClient
from etl.sources.hh.source import HH
from etl.sources.registry import open_source
from etl.sources.vocab import area_index

LOAD_BATCH = 1000
DETAILS_BATCH = 200

Row = dict[str, Any]
Stats = dict[str, Any]
Board = Source | HHClient
"""What a caller may hand a step instead of the board the settings name: an adapter, or (for
hh.ru jobs) an :class:`HHClient`."""

Progress = Callable[[str, int, int | None], None]
"""``progress(what, done, total)``: ``done`` more search items ("items") or full vacancies
("details"); ``total`` is given (else None) once it is known."""

_log = logging.getLogger(__name__)


def failure(error: BaseException) -> Stats:
    """A step's status and error sentence for an exception (a board's own kinds keep their sentence)."""
    kind = getattr(error, "kind", None)
    if kind in ("captcha", "auth"):
        return {"status": kind, "error": str(error)}
    return {"status": "failed", "error": f"{type(error).__name__}: {error}"}


def record(engine: Engine, job: Job, step: str, stats: Stats) -> None:
    """Store a step's figures in the job's audit row (replacing that step's earlier figures)."""
    with engine.begin() as conn:
        audit.record_step(
            conn, run_id=job.run_id, search_id=job.search_id, source=job.source, step=step, stats=stats
        )


def _search(engine: Engine, job: Job) -> SavedSearch:
    [search] = select_searches(engine, [job.search_id])
    return search


def batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    while batch := list(islice(items, size)):
        yield batch


@contextmanager
def board(engine: Engine, settings: Settings, name: str, given: Board | None = None) -> Iterator[Source]:
    """The adapter of board ``name`` for a block: the one given, or one of our own (closed after it),
    mapping onto the cached hh.ru vocabularies (currency rates, areas)."""
    if given is not None and getattr(given, "name", None) == name and not isinstance(given, HHClient):
        yield given  # type: ignore[misc]
        return
    with engine.connect() as conn:
        rates = dictionaries.rates(conn)
        areas = area_index(dictionaries.load(conn, "areas")) if name != "hh" else None
    if isinstance(given, HHClient) and name == "hh":
        yield HH(given, rates=rates)
        return
    own = open_source(name, settings, rates=rates, area_names=areas)
    try:
        yield own
    finally:
        own.close()


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
        conn,
        run_id=job.run_id,
        search=search,
        source=job.source,
        trigger=job.trigger,
        window=job.window,
        runner=job.runner,
    )
    taken = liveness.adopt(
        conn, search_id=search.id, source=job.source, user_id=search.user_id, run_id=job.run_id
    )
    if any(taken.values()):
        audit.record_step(
            conn,
            run_id=job.run_id,
            search_id=search.id,
            source=job.source,
            step="adopted",
            stats={"adopted": taken},
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
            else audit.row_id(conn, run_id=job.run_id, search_id=job.search_id, source=job.source)
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
    client: Board | None = None,
    progress: Progress | None = None,
) -> Stats:
    """Page through the job's board and land every answer; a captcha or key problem stops this job
    (the search's other boards go on).

    Whatever happens, the figures reached so far (pages landed, found) are recorded.
    """
    search = _search(engine, job)
    criteria = Criteria.of(search)
    result = SearchResult()
    stats: Stats = {}
    with ExitStack() as opened:
        try:
            src = opened.enter_context(board(engine, settings, job.source, client))
        except SourceError as error:  # the board cannot even be opened (SuperJob without its key)
            stats = failure(error)
            record(engine, job, "extract", stats)
            return stats
        before = (src.stats.requests, src.stats.retries)
        try:
            told, counted = False, 0
            for page in src.search(criteria, job.window, result):
                with engine.begin() as conn:
                    load.land_raw(
                        conn,
                        run_id=job.run_id,
                        search_id=search.id,
                        source=job.source,
                        kind="search_page",
                        answers=[(page.key, page.payload)],
                    )
                if progress:  # distinct vacancies: a board's fallback reads some twice
                    if not told:
                        progress("items", 0, result.found)
                        told = True
                    progress("items", result.received - counted, None)
                    counted = result.received
            if result.truncated:
                stats = {
                    "status": "partial",
                    "error": f"more than {src.depth} vacancies in a slice {job.source} cannot split "
                    f"further, some skipped: {result.truncated[:3]}",
                }
        except SourceError as error:
            stats = failure(error)
        except Exception as error:  # recorded with what was reached, then raised (to be retried)
            record(engine, job, "extract", _figures(result, src, before) | failure(error))
            raise
        stats = _figures(result, src, before) | stats
        if unfiltered := src.unsupported(criteria):
            stats["unfiltered"] = unfiltered
    record(engine, job, "extract", stats)
    return stats


def _figures(result: SearchResult, src: Source, before: tuple[int, int]) -> Stats:
    figures: Stats = {
        "pages": result.pages,
        "found": result.found,
        "http_requests": src.stats.requests - before[0],
        "retries": src.stats.retries - before[1],
    }
    if result.notes:
        figures["notes"] = result.notes
    return figures


def load_landed(
    engine: Engine, settings: Settings, job: Job, *, batch_size: int = LOAD_BATCH, workers: int | None = None
) -> Stats:
    """Transform the landed search items and upsert them, one transaction per batch.

    The batches are merged on up to ``JH_LOAD_WORKERS`` connections at once; a vacancy landed twice
    is loaded once, so the batches never touch the same row. A board whose items carry the whole
    vacancy stores its full text here too; one that says an item is closed has it closed.
    """
    search = _search(engine, job)
    with engine.connect() as conn:
        earlier = audit.step_stats(conn, run_id=job.run_id, search_id=search.id, source=job.source)
    if (extracted := earlier.get("extract", {})).get("status") == "auth" and not extracted.get(
        "http_requests"
    ):
        return {}  # the board could not be opened (no key): nothing was asked, nothing landed
    seen: set[str] = set()

    def transformed(items: Iterator[dict[str, Any]], src: Source) -> Iterator[list[VacancyRows]]:
        for batch in batches(items, batch_size):
            rows = []
            for item in batch:
                row = src.rows(item)
                if row.vacancy["source_id"] not in seen:
                    seen.add(row.vacancy["source_id"])
                    rows.append(row)
            if rows:
                yield rows

    def upsert(rows: list[VacancyRows]) -> tuple[load.LoadCounts, int, int]:
        with load.batch_transaction(engine) as conn:
            counts = load.upsert_vacancies(conn, [r.vacancy for r in rows], job.observed_at, job.run_id)
            ids = counts.ids
            texts = [r.details | {"vacancy_id": ids[r.vacancy["source_id"]]} for r in rows if r.details]
            load.upsert_details(conn, texts, run_id=job.run_id, search_id=search.id)
            closed = [ids[r.vacancy["source_id"]] for r in rows if r.closed]
            load.mark_closed(conn, closed, when=job.observed_at)
            open_ids = [ids[r.vacancy["source_id"]] for r in rows if not r.closed]
            linked = load.link_to_user(
                conn, user_id=search.user_id, search_id=search.id, run_id=job.run_id, vacancy_ids=open_ids
            )
            matching.score_loaded(
                conn,
                user_id=search.user_id,
                linked=open_ids,
                changed=counts.new + counts.updated,
                today=job.observed_at.date(),
            )
            market.refresh(conn, list(ids.values()))  # seen again, changed, closed or linked
        return counts, linked, len(closed)

    new = updated = unchanged = linked = closed = 0
    loaded: list[int] = []
    try:
        with board(engine, settings, job.source) as src, engine.connect() as reader:
            items = load.landed_items(
                reader, run_id=job.run_id, search_id=search.id, source=job.source, items_path=src.items_path
            )
            parallel = in_parallel(upsert, transformed(items, src), workers=workers or settings.load_workers)
            for counts, n_linked, n_closed in parallel:
                new, updated = new + len(counts.new), updated + len(counts.updated)
                unchanged, linked = unchanged + counts.unchanged, linked + n_linked
                closed += n_closed
                loaded += counts.new + counts.updated  # an unchanged one keeps its group
        with engine.begin() as conn:  # duplicates across boards, once every batch is in
            grouped = duplicates.regroup(conn, loaded)
    except Exception as error:
        record(engine, job, "load", {"received": len(seen), "new": new, "updated": updated} | failure(error))
        raise
    stats = {"received": len(seen), "new": new, "updated": updated, "unchanged": unchanged, "linked": linked}
    stats["grouped"] = grouped
    if closed:
        stats["closed"] = closed
    if src.details_in_items:  # their full texts came with the items (exact across re-runs)
        with engine.connect() as conn:
            stats["details_fetched"] = load.fetched_count(
                conn, run_id=job.run_id, search_id=search.id, source=job.source
            )
    record(engine, job, "load", stats)  # a durable commit: the batches' are on disk too
    return stats


def details(
    engine: Engine,
    settings: Settings,
    job: Job,
    *,
    client: Board | None = None,
    progress: Progress | None = None,
) -> Stats:
    """Fetch the full vacancy for every new or changed one, concurrently within the rate limit
    (boards whose search items carry the full text have nothing to fetch).

    A captcha or key refusal stops the fetching, but every full text fetched before it is kept.
    """
    search = _search(engine, job)
    with engine.connect() as conn:
        earlier = audit.step_stats(conn, run_id=job.run_id, search_id=search.id, source=job.source)
        if audit.overall_status({k: v for k, v in earlier.items() if k != "details"}) in ("captcha", "auth"):
            return {}
    with board(engine, settings, job.source, client) as src:
        if src.details_in_items:
            return {}
        with engine.connect() as conn:
            todo = load.pending_details(conn, run_id=job.run_id, search_id=search.id, source=job.source)
        return _fetch_details(engine, job, src, todo, progress)


def _fetch_details(
    engine: Engine, job: Job, src: Source, todo: list[tuple[int, str, str]], progress: Progress | None
) -> Stats:
    if progress:
        progress("details", 0, len(todo))
    fetched = failed = closed = 0
    stop: SourceError | None = None
    rows: list[dict[str, Any]] = []
    landed: list[tuple[str, dict[str, Any]]] = []
    gone: list[int] = []

    def flush() -> None:
        with engine.begin() as conn:
            load.land_raw(
                conn,
                run_id=job.run_id,
                search_id=job.search_id,
                source=job.source,
                kind="vacancy",
                answers=landed,
            )
            load.upsert_details(conn, rows, run_id=job.run_id, search_id=job.search_id)
            load.mark_closed(conn, gone, when=datetime.now(UTC))
            matching.score_vacancies(
                conn, [row["vacancy_id"] for row in rows], today=datetime.now(UTC).date()
            )
            market.refresh(conn, [row["vacancy_id"] for row in rows] + gone)
        rows.clear(), landed.clear(), gone.clear()

    before = (src.stats.requests, src.stats.retries)
    try:
        with ThreadPoolExecutor(src.concurrency, thread_name_prefix=f"{job.source}-details") as pool:
            futures = {
                pool.submit(src.vacancy, sid): (vid, sid, source_hash) for vid, sid, source_hash in todo
            }
            for future in as_completed(futures):
                if future.cancelled():  # after a captcha: never asked
                    continue
                vid, sid, source_hash = futures[future]
                try:
                    payload = future.result()
                except SourceError as error:
                    if error.kind == "not_found":
                        gone.append(vid)
                        closed += 1
                    elif error.kind in ("captcha", "auth"):
                        stop = stop or error
                        for other in futures:
                            other.cancel()
                    else:
                        failed += 1
                        _log.warning("vacancy %s %s not fetched: %s", job.source, sid, error)
                else:
                    fetched += 1
                    landed.append((sid, payload))
                    rows.append(src.detail_row(payload, source_hash) | {"vacancy_id": vid})
                    if src.rows(payload).closed:
                        gone.append(vid)
                if progress:
                    progress("details", 1, None)
                if len(rows) + len(gone) >= DETAILS_BATCH:
                    flush()
    finally:
        flush()  # keep what was fetched, whatever stopped the loop
    with engine.connect() as conn:  # exact also when a cleared task runs again
        total = load.fetched_count(conn, run_id=job.run_id, search_id=job.search_id, source=job.source)
    _log.info(
        "search %s on %s: %d full vacancies fetched now, %d in this run",
        job.search_id,
        job.source,
        fetched,
        total,
    )
    stats: Stats = {
        "details_fetched": total,
        "closed": closed,
        "details_failed": failed,
        "http_requests": src.stats.requests - before[0],
        "retries": src.stats.retries - before[1],
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
    last job of the run to get here. Delivery failures are recorded and retried, not raised.
    """
    from etl.telegram.sender import notify_job  # telebot is loaded only where notify runs

    stats = notify_job(engine, settings, run_id=job.run_id, search_id=job.search_id, source=job.source)
    record(engine, job, "notify", stats)
    return stats


def finish(engine: Engine, settings: Settings, job: Job) -> str:
    """Close the audit row (also after a failed step); a complete harvest moves the board's cursor."""
    with engine.begin() as conn:
        status = audit.finish(conn, run_id=job.run_id, search_id=job.search_id, source=job.source)
        if status == "success":
            stmt = insert(search_cursors).values(
                search_id=job.search_id, source=job.source, watermark=job.window.end
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["search_id", "source"],
                    set_={"watermark": func.greatest(search_cursors.c.watermark, stmt.excluded.watermark)},
                )
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
    """Whether every (search, board) of a run harvested completely, and a one-line summary."""
    with engine.connect() as conn:
        rows = audit.statuses(conn, run_id)
    bad = {key: (status, error) for key, (status, error) in rows.items() if status != "success"}
    if not rows:
        return True, "no saved search was harvested"
    if not bad:
        return True, f"{len(rows)} searches harvested completely"
    (search_id, source), (status, error) = next(iter(bad.items()))
    return False, (
        f"{len(bad)} of {len(rows)} searches did not harvest completely "
        f"(search {search_id} on {source}: {status}: {error or 'no reason recorded'})"
    )
