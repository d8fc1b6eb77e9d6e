"""The one way Job Hunter talks JSON over HTTP to a vacancy board: retries, rate limit, counters.

Every request passes a shared rate limiter (pyrate-limiter) and a concurrency cap, carries a
timeout, and is retried with exponential backoff and jitter (tenacity) when the board's decoder
raises :class:`Retryable` (429 honouring ``Retry-After``, 5xx, network errors, garbled bodies).
What each board's answers *mean* stays with the board: a subclass implements :meth:`decode` and
:meth:`unavailable`, so hh.ru keeps its typed errors and the other sources map theirs onto the
kinds in :mod:`etl.sources.base`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from pyrate_limiter import Duration, Limiter, Rate
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from etl.sources.errors import UnavailableError

_log = logging.getLogger(__name__)

Params = Mapping[str, Any] | Sequence[tuple[str, Any]]


class Retryable(Exception):
    """A transient failure: the request may succeed if sent again (after ``retry_after`` seconds)."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, status: int | None = None, **details: Any
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status
        self.details = details


@dataclass
class ClientStats:
    """Counters for the audit log; safe to update from several threads."""

    requests: int = 0
    retries: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def add(self, *, requests: int = 0, retries: int = 0) -> None:
        with self._lock:
            self.requests += requests
            self.retries += retries


def rate(per_second: float) -> Rate:
    """A pyrate-limiter rate for ``per_second`` requests (below 1/s: one per interval)."""
    if per_second >= 1:
        return Rate(round(per_second), Duration.SECOND)
    return Rate(1, int(1000 / per_second))


def json_or_none(response: requests.Response) -> Any:
    """The decoded body, or None when it is not JSON (a proxy's error page, a cut answer)."""
    try:
        return response.json()
    except ValueError:
        return None


def retry_options(settings: Any) -> dict[str, Any]:
    """The one retry policy (``JH_HH_MAX_RETRIES``, ``JH_HH_BACKOFF_*``) as client keyword arguments."""
    return {
        "max_retries": settings.hh_max_retries,
        "backoff_base": settings.hh_backoff_base,
        "backoff_max": settings.hh_backoff_max,
    }


def retry_after_header(response: requests.Response) -> float | None:
    """``Retry-After`` in seconds when the board sent a number."""
    header = response.headers.get("Retry-After", "")
    return float(header) if header.replace(".", "", 1).isdigit() else None


class JsonClient:
    """A thread-safe JSON client over one ``requests.Session``; subclasses decode the answers."""

    name = "board"  # for log lines and messages

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 15.0,
        rate_limit: float = 5.0,
        concurrency: int = 4,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.rate_limit = rate_limit
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.stats = ClientStats()
        self._wait = wait_exponential_jitter(multiplier=backoff_base, max=backoff_max, jitter=backoff_base)
        self._backoff_max = backoff_max
        self._limiter = Limiter(rate(rate_limit))
        self._slots = threading.BoundedSemaphore(concurrency)
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=concurrency, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"Accept": "application/json", **(headers or {})})

    # -- what a board means ------------------------------------------------------------------

    def decode(self, path: str, response: requests.Response) -> Any:
        """The decoded body of a good answer; raise :class:`Retryable` or the board's own error."""
        raise NotImplementedError

    def unavailable(self, path: str, error: Retryable) -> Exception:
        """The error to raise once every retry of ``path`` failed."""
        return UnavailableError(
            f"{self.name} kept failing for {path} after {self.max_retries + 1} attempts: {error}",
            status=error.status,
            source=self.name,
        )

    # -- plumbing ------------------------------------------------------------------------------

    def get(self, path: str, params: Params | None = None) -> Any:
        """GET ``path`` with retries; returns the decoded JSON body."""
        retrying = Retrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait_for,
            retry=retry_if_exception_type(Retryable),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    if attempt.retry_state.attempt_number > 1:
                        self.stats.add(retries=1)
                    return self._once(path, params)
        except Retryable as error:
            raise self.unavailable(path, error) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_for(self, state: RetryCallState) -> float:
        delay = self._wait(state)
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            delay = max(delay, min(float(retry_after), max(self._backoff_max, 1.0)))
        _log.info("%s: %s; retrying in %.1fs", self.name, error, delay)
        return delay

    def _once(self, path: str, params: Params | None) -> Any:
        self._limiter.try_acquire(self.name)
        with self._slots:
            self.stats.add(requests=1)
            try:
                response = self.session.get(self.base_url + path, params=params, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                raise Retryable(f"network error: {type(error).__name__}") from None
        return self.decode(path, response)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> JsonClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
