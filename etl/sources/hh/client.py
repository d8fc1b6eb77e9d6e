"""The one place that talks HTTP to hh.ru.

Every request carries the configured User-Agent (and ``HH-User-Agent``), the optional
application token, a timeout, passes a shared rate limiter and a concurrency cap, and is
retried with exponential backoff and jitter on 429 (honouring ``Retry-After``), 5xx and
connection errors (the plumbing every source shares: :mod:`etl.sources.http`). Answers hh.ru
gives on purpose (400, 403, 404) are raised as typed errors carrying hh.ru's error type and
value, and are never retried; each is also one of the source-neutral kinds of
:mod:`etl.sources.base`.
"""

from __future__ import annotations

from typing import Any

import requests

from core.settings import Settings
from etl.sources.base import (
    AuthError,
    CaptchaError,
    LimitError,
    NotFoundError,
    SourceError,
    UnavailableError,
)
from etl.sources.http import ClientStats, JsonClient, Params, Retryable, retry_after_header

__all__ = [
    "ClientStats",
    "HHAuthError",
    "HHBadRequest",
    "HHCaptchaRequired",
    "HHClient",
    "HHError",
    "HHNotFound",
    "HHUnavailable",
    "Params",
]


class HHError(SourceError):
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
        super().__init__(message, status=status, source="hh")
        self.status = status
        self.error_type = error_type
        self.value = value
        self.request_id = request_id


class HHBadRequest(HHError, LimitError):
    """400: hh.ru rejected a parameter (``value`` names it) or the User-Agent."""


class HHCaptchaRequired(HHError, CaptchaError):
    """403 captcha_required: retrying does not help; stop the search and tell the operator."""

    def __init__(self, message: str, *, captcha_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.captcha_url = captcha_url


class HHAuthError(HHError, AuthError):
    """403 oauth / forbidden: the application token is missing, wrong or revoked."""


class HHNotFound(HHError, NotFoundError):
    """404: the vacancy was removed or is hidden."""


class HHUnavailable(HHError, UnavailableError):
    """hh.ru kept failing (429, 5xx, network) after every retry."""


def _first_error(body: Any) -> dict[str, Any]:
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0]
        return first if isinstance(first, dict) else {}
    return {}


class HHClient(JsonClient):
    """A small, thread-safe hh.ru API client over one ``requests.Session``."""

    name = "hh.ru"

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
        headers = {"User-Agent": user_agent, "HH-User-Agent": user_agent}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        super().__init__(
            base_url,
            headers=headers,
            timeout=timeout,
            rate_limit=rate_limit,
            concurrency=concurrency,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
        )

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

    # -- what hh.ru's answers mean ------------------------------------------------------------

    def unavailable(self, path: str, error: Retryable) -> Exception:
        return HHUnavailable(
            f"hh.ru kept failing for {path} after {self.max_retries + 1} attempts: {error}",
            status=error.status,
            error_type=error.details.get("error_type"),
        )

    def decode(self, path: str, response: requests.Response) -> Any:
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
                raise Retryable(f"hh.ru answered 200 with a body that is not JSON for {path}", status=200)
            return body
        first = _first_error(body)
        kind, value = first.get("type"), first.get("value")
        request_id = body.get("request_id") if isinstance(body, dict) else None
        described = f"HTTP {status}" + (f" {kind}" if kind else "") + (f"/{value}" if value else "")
        details = {"status": status, "error_type": kind, "value": value, "request_id": request_id}
        if status == 429 or status >= 500:
            raise Retryable(described, retry_after=retry_after_header(response), **details)
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

    def __enter__(self) -> HHClient:
        return self
