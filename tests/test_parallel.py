"""Loading on several connections: results in order, bounded memory, errors raised, counts exact."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from etl import load
from etl.harvest import steps
from etl.harvest.plan import Job
from etl.parallel import in_parallel
from etl.windows import Window
from testing.synthetic import to_search_item
from tests.helpers import add_user_and_search, audit, count
from tests.helpers import vacancies as make_vacancies


def test_results_come_in_order_from_several_threads() -> None:
    threads: set[str] = set()

    def work(n: int) -> int:
        threads.add(threading.current_thread().name)
        time.sleep(0.01 * (n % 3))  # later units finish first
        return n * n

    assert list(in_parallel(work, range(20), workers=3)) == [n * n for n in range(20)]
    assert len(threads) > 1


def test_one_worker_runs_in_the_calling_thread() -> None:
    caller = threading.current_thread().name
    assert list(in_parallel(lambda _: threading.current_thread().name, range(3), workers=1)) == [caller] * 3


def test_units_are_read_only_a_little_ahead_of_the_results() -> None:
    read = 0

    def units():
        nonlocal read
        for n in range(100):
            read += 1
            yield n

    results = in_parallel(lambda n: n, units(), workers=2)
    assert next(results) == 0
    assert read <= 2 * 2  # not the whole stream


def test_the_first_error_is_raised_and_no_further_unit_starts() -> None:
    started: list[int] = []

    def work(n: int) -> int:
        started.append(n)
        if n == 3:
            raise ValueError("unit 3 is bad")
        time.sleep(0.01)
        return n

    with pytest.raises(ValueError, match="unit 3 is bad"):
        list(in_parallel(work, range(100), workers=2))
    assert max(started) < 3 + 2 * 2


def _land(engine, run_id: str, search_id: int, items: list[dict], per_page: int = 100) -> None:
    with engine.begin() as conn:
        answers = [
            (f"page{i}", {"items": items[i : i + per_page], "found": len(items)})
            for i in range(0, len(items), per_page)
        ]
        load.land_raw(
            conn, run_id=run_id, search_id=search_id, source="hh", kind="search_page", answers=answers
        )


@pytest.mark.parametrize("workers", [1, 3])
def test_a_load_on_several_connections_counts_exactly(engine, settings_factory, now, workers) -> None:
    """Batches merged at once give the counts one connection gives, also when a vacancy was
    landed twice (on two pages) and when the step runs again for the same run."""
    start, end = now - timedelta(days=1), now
    items = [to_search_item(v) for v in make_vacancies(1_250, start, end, seed=31)]
    items += items[:50]  # the list shifted while paging: the same vacancies on a later page
    user_id, search_id = add_user_and_search(engine)
    window = Window.aligned(start, end)
    settings = settings_factory()

    def job(run_id: str) -> Job:
        return Job(run_id, search_id, "hh", "backfill", window.start.isoformat(), window.end.isoformat())

    for run_id in ("run-1", "run-2"):
        with steps.working(engine, settings, job(run_id), opening=True):
            _land(engine, run_id, search_id, items)

    def step(run_id: str) -> dict:
        return steps.load_landed(engine, settings, job(run_id), workers=workers, batch_size=100)

    first = step("run-1")
    # one board only: nothing to group across boards
    assert first == {
        "received": 1_250,
        "new": 1_250,
        "updated": 0,
        "unchanged": 0,
        "linked": 1_250,
        "grouped": 0,
    }
    # A cleared task run again: the same figures (its vacancies are no longer new to the user).
    assert step("run-1") == first | {"linked": 0}
    again = {"received": 1_250, "new": 0, "updated": 0, "unchanged": 1_250, "linked": 0, "grouped": 0}
    assert step("run-2") == again
    assert count(engine, "t01_jh_vacancies") == 1_250
    assert count(engine, "t08_jh_user_vacancies", f"user_id = {user_id}") == 1_250
    [row] = audit(engine, "run-2")
    assert (row["received"], row["new"], row["unchanged"]) == (1_250, 0, 1_250)
