"""The one place that talks HTTP to hh.ru.

Every request carries the configured User-Agent (and ``HH-User-Agent``), the optional
application token, a timeout, passes a shared rate limiter and a concurrency cap, and is
retried with exponential backoff and jitter on 429 (honouring ``Retry-After``), 5xx and
connection errors. Answers hh.ru gives on purpose (400, 403, 404) are raised as typed
errors carrying hh.ru's error type and value, and are never retried.
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

from core.settings import Settings

_log = logging.getLogger(__name__)

Params = Mapping[str, Any] | Sequence[tuple[str, Any]]


class HHError(Exception):
    """hh.ru answered with an error (or could not be reached)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        value: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.value = value
        self.request_id = request_id


class HHBadRequest(HHError):
    """400: hh.ru rejected a parameter (``value`` names it) or the User-Agent."""


class HHCaptchaRequired(HHError):
    """403 captcha_required: retrying does not help; stop the search and tell the operator."""

    def __init__(self, message: str, *, captcha_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.captcha_url = captcha_url


class HHAuthError(HHError):
    """403 oauth / forbidden: the application token is missing, wrong or revoked."""


class HHNotFound(HHError):
    """404: the vacancy was removed or is hidden."""


class HHUnavailable(HHError):
    """hh.ru kept failing (429, 5xx, network) after every retry."""


class _Retryable(HHError):
    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


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


def _rate(per_second: float) -> Rate:
    if per_second >= 1:
        return Rate(round(per_second), Duration.SECOND)
    return Rate(1, int(1000 / per_second))


def _first_error(body: Any) -> dict[str, Any]:
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0]
        return first if isinstance(first, dict) else {}
    return {}


class HHClient:
    """A small, thread-safe hh.ru API client over one ``requests.Session``."""

    def __init__(
        self,
        base_url: str,
        user_agent: str,
        token: str | None = None,
        *,
        timeout: float = 15.0,
        rate_limit: float = 5.0,
        concurrency: int = 4,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.stats = ClientStats()
        self._wait = wait_exponential_jitter(multiplier=backoff_base, max=backoff_max, jitter=backoff_base)
        self._backoff_max = backoff_max
        self._limiter = Limiter(_rate(rate_limit))
        self._slots = threading.BoundedSemaphore(concurrency)
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=concurrency, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(
            {"User-Agent": user_agent, "HH-User-Agent": user_agent, "Accept": "application/json"}
        )
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    @classmethod
    def from_settings(cls, settings: Settings) -> HHClient:
        return cls(
            settings.hh_base_url,
            settings.hh_user_agent,
            settings.hh_token,
            timeout=settings.hh_timeout,
            rate_limit=settings.hh_rate_limit,
            concurrency=settings.hh_concurrency,
            max_retries=settings.hh_max_retries,
            backoff_base=settings.hh_backoff_base,
            backoff_max=settings.hh_backoff_max,
        )

    # -- endpoints -------------------------------------------------------------------------

    def search(self, params: Params) -> dict[str, Any]:
        """One page of ``GET /vacancies``."""
        return self.get("/vacancies", params)

    def vacancy(self, vacancy_id: str | int) -> dict[str, Any]:
        """The full vacancy, ``GET /vacancies/{id}``; :class:`HHNotFound` when removed."""
        return self.get(f"/vacancies/{int(vacancy_id)}")

    def dictionary(self, name: str) -> Any:
        """``/dictionaries``, ``/areas`` or ``/professional_roles``."""
        if name not in ("dictionaries", "areas", "professional_roles"):
            raise ValueError(f"unknown hh.ru dictionary {name!r}")
        return self.get(f"/{name}")

    def me(self) -> dict[str, Any]:
        return self.get("/me")

    # -- plumbing --------------------------------------------------------------------------

    def get(self, path: str, params: Params | None = None) -> Any:
        """GET ``path`` with retries; returns the decoded JSON body."""
        retrying = Retrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait_for,
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    if attempt.retry_state.attempt_number > 1:
                        self.stats.add(retries=1)
                    return self._once(path, params)
        except _Retryable as error:
            raise HHUnavailable(
                f"hh.ru kept failing for {path} after {self.max_retries + 1} attempts: {error}",
                status=error.status,
                error_type=error.error_type,
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_for(self, state: RetryCallState) -> float:
        delay = self._wait(state)
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            delay = max(delay, min(float(retry_after), max(self._backoff_max, 1.0)))
        _log.info("hh.ru: %s; retrying in %.1fs", error, delay)
        return delay

    def _once(self, path: str, params: Params | None) -> Any:
        self._limiter.try_acquire("hh")
        with self._slots:
            self.stats.add(requests=1)
            try:
                response = self.session.get(self.base_url + path, params=params, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                raise _Retryable(f"network error: {type(error).__name__}") from None
        return self._decode(path, response)

    @staticmethod
    def _decode(path: str, response: requests.Response) -> Any:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if status == 200:
            if body is None:
                raise _Retryable(f"hh.ru answered 200 with a body that is not JSON for {path}", status=200)
            return body
        first = _first_error(body)
        kind, value = first.get("type"), first.get("value")
        request_id = body.get("request_id") if isinstance(body, dict) else None
        described = f"HTTP {status}" + (f" {kind}" if kind else "") + (f"/{value}" if value else "")
        details = {"status": status, "error_type": kind, "value": value, "request_id": request_id}
        if status == 429 or status >= 500:
            header = response.headers.get("Retry-After", "")
            retry_after = float(header) if header.replace(".", "", 1).isdigit() else None
            raise _Retryable(described, retry_after=retry_after, **details)
        if status == 403 and kind == "captcha_required":
            raise HHCaptchaRequired(
                "hh.ru demands a captcha: configure an application token (JH_HH_APP_TOKEN)",
                captcha_url=first.get("captcha_url"),
                **details,
            )
        if status in (401, 403):
            if kind == "oauth" and value == "token_revoked":
                advice = "hh.ru revoked the application token: run `jobhunter hh login` again"
            elif kind == "oauth":
                advice = "hh.ru does not accept the application token: run `jobhunter hh login` again"
            else:
                advice = (
                    "hh.ru requires an application token for vacancy search: run "
                    "`jobhunter hh login --client-id ID` (README, 'Getting an hh.ru token')"
                )
            raise HHAuthError(f"{advice} ({described})", **details)
        if status == 404:
            raise HHNotFound(f"not found on hh.ru: {path}", **details)
        if status == 400:
            raise HHBadRequest(f"hh.ru rejected the request for {path}: {described}", **details)
        raise HHError(f"unexpected answer from hh.ru for {path}: {described}", **details)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HHClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
