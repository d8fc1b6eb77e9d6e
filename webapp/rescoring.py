"""The web app's background rescoring: after a profile is saved, every link of that user is scored
again (:func:`domain.matching.store.rescore`) on a small thread pool, while the profile page
shows how far it got (:func:`domain.matching.store.pending`).

One job per user at a time: a save while that user's job runs asks it to go round once more
(``rescore`` reads the profile's revision in every batch anyway, so this only covers a save that
lands just as the job finishes). The database's advisory lock keeps two processes (two web
workers, or the CLI) from scoring the same user twice. If the process dies mid-way, the stale
links stay stale; :meth:`Rescoring.resume` starts the job again when a page asks and none runs.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import Engine

from domain.matching import store

log = logging.getLogger(__name__)

#: Rescoring is CPU work in Python: two threads keep the web app answering on a small machine.
WORKERS = 2
_KEY = "jobhunter_rescoring"
_RUNNERS: weakref.WeakSet[Rescoring] = weakref.WeakSet()


class Rescoring:
    """The pool and which users' jobs are queued or running in this process."""

    def __init__(self, engine: Engine, workers: int = WORKERS) -> None:
        self._engine = engine
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jh-rescore")
        self._lock = threading.Lock()
        self._jobs: dict[int, Future[None]] = {}
        self._again: set[int] = set()
        _RUNNERS.add(self)

    def start(self, user_id: int) -> bool:
        """Rescore the user's links in the background; False when their job is already on (it is
        then asked to go round once more)."""
        with self._lock:
            job = self._jobs.get(user_id)
            if job is not None and not job.done():
                self._again.add(user_id)
                return False
            self._jobs[user_id] = self._pool.submit(self._run, user_id)
            return True

    def running(self, user_id: int) -> bool:
        with self._lock:
            job = self._jobs.get(user_id)
            return job is not None and not job.done()

    def resume(self, user_id: int) -> bool:
        """Start the user's job when links are stale and none runs here (a process that died
        mid-way left them); one cheap count otherwise. Whether a job runs now."""
        if self.running(user_id):
            return True
        with self._engine.connect() as conn:
            stale, _ = store.pending(conn, user_id)
        if stale:
            self.start(user_id)
        return bool(stale)

    def wait(self, user_id: int, timeout: float | None = None) -> None:
        """Until the user's job is over (for the CLI-less callers and tests)."""
        with self._lock:
            job = self._jobs.get(user_id)
        if job is not None:
            job.result(timeout=timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Until no job runs here (False if some still does after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                jobs = [job for job in self._jobs.values() if not job.done()]
            if not jobs:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            wait_futures(jobs, timeout=left)

    def _run(self, user_id: int) -> None:
        while True:
            try:
                done = store.rescore(self._engine, user_id, today=datetime.now(UTC).date())
            except Exception:  # logged; the links stay stale and the next page load starts again
                log.exception("rescoring the links of user %s failed", user_id)
                done = 0
            with self._lock:
                if user_id not in self._again:
                    log.info("rescored %s links of user %s", done, user_id)
                    return
                self._again.discard(user_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def of(server: Flask, engine: Engine) -> Rescoring:
    """The app's runner (made on first use)."""
    runner = server.extensions.get(_KEY)
    if runner is None:
        runner = server.extensions.setdefault(_KEY, Rescoring(engine))
    return runner


def wait_all(timeout: float = 120) -> bool:
    """Until every runner of this process is idle (a test empties the tables only then)."""
    return all(runner.wait_idle(timeout) for runner in list(_RUNNERS))
