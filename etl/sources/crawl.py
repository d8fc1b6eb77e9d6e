"""Requests in flight for one search: tasks in, answers out as they complete, more tasks added.

A search learns what to ask next from what it got (the total of a first page says how many
pages, or that the window must be split), so the sources drive a small pool rather than a fixed
list. Answers come back in the calling thread; so do errors, next to the task that raised them.
Leaving the loop early cancels what has not started.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Crawl(Generic[T, R]):
    """``fetch(task)`` on up to ``workers`` threads; iterate for ``(task, answer, error)``."""

    def __init__(self, fetch: Callable[[T], R], *, workers: int, name: str = "source") -> None:
        self._fetch = fetch
        self._pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix=f"jh-{name}")
        self._pending: dict[Future[R], T] = {}

    def add(self, task: T) -> None:
        self._pending[self._pool.submit(self._fetch, task)] = task

    def __iter__(self) -> Iterator[tuple[T, R | None, Exception | None]]:
        try:
            while self._pending:
                done, _ = wait(list(self._pending), return_when=FIRST_COMPLETED)
                for future in done:
                    task = self._pending.pop(future)
                    error = future.exception()
                    if isinstance(error, Exception):
                        yield task, None, error
                    elif error is not None:
                        raise error
                    else:
                        yield task, future.result(), None
        finally:
            for future in self._pending:
                future.cancel()
            self._pool.shutdown(wait=True, cancel_futures=True)
