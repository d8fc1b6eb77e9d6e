"""Units of database work on a few connections at once, results in order, memory bounded.

PostgreSQL runs each statement on one core. A load that merges batch after batch on one
connection leaves the machine's other cores idle while the index maintenance of one batch
(most of a load's cost) runs; two or three connections merging different batches use them.
Each unit is still its own transaction: one that fails is rolled back alone and raised, and
the ones committed before it stay (re-running the step is idempotent).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def in_parallel(work: Callable[[T], R], units: Iterable[T], *, workers: int) -> Iterator[R]:
    """``work(unit)`` for every unit on up to ``workers`` threads, yielding the results in order.

    ``units`` is consumed in the calling thread (it may read from a connection of its own), at
    most ``2 × workers`` ahead of the oldest result, so a long stream never sits in memory. With
    one worker everything runs in the calling thread. The first error stops the submission of
    further units, waits for those already running, and is raised.
    """
    if workers <= 1:
        yield from map(work, units)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="jh-load") as pool:
        pending: deque[Future[R]] = deque()
        try:
            for unit in units:
                pending.append(pool.submit(work, unit))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
