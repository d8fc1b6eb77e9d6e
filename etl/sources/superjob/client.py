"""HTTP to SuperJob API 2.0: every request carries ``X-Api-App-Id``; every path ends in ``/``.

Errors come as ``{"error": {"code": 403, "message": "…", "errors": [{"reason": "…"}]}}``, mapped
onto the kinds of :mod:`etl.sources.base`.
"""

from __future__ import annotations

from typing import Any

import requests

from core.settings import Settings
from etl.sources.base import AuthError, LimitError, NotFoundError, SourceError
from etl.sources.http import JsonClient, Params, Retryable, json_or_none, retry_after_header, retry_options

MAX_COUNT = 100


class SuperJobClient(JsonClient):
    """Thread-safe SuperJob client: ``vacancies`` (search) and ``vacancy`` (one)."""

    name = "superjob"

    def __init__(self, base_url: str, app_key: str, **options: Any) -> None:
        super().__init__(base_url, headers={"X-Api-App-Id": app_key, **options.pop("headers", {})}, **options)

    @classmethod
    def from_settings(cls, settings: Settings) -> SuperJobClient:
        if not settings.superjob_key:
            raise AuthError("SuperJob needs an application key: set JH_SUPERJOB_APP_KEY", source=cls.name)
        return cls(
            settings.superjob_base_url,
            settings.superjob_key,
            headers={"User-Agent": settings.hh_user_agent},
            timeout=settings.superjob_timeout,
            rate_limit=settings.superjob_rate_limit,
            concurrency=settings.superjob_concurrency,
            **retry_options(settings),
        )

    def get(self, path: str, params: Params | None = None) -> Any:
        # SuperJob answers a path without its trailing slash with an error, never with the data
        return super().get(path if path.endswith("/") else path + "/", params)

    def vacancies(self, params: Params) -> dict[str, Any]:
        """One page of ``GET /vacancies/``."""
        return self.get("/vacancies/", params)

    def vacancy(self, vacancy_id: str | int) -> dict[str, Any]:
        """``GET /vacancies/{id}/``; :class:`NotFoundError` when it is gone."""
        return self.get(f"/vacancies/{int(vacancy_id)}/")

    def decode(self, path: str, response: requests.Response) -> Any:
        body = json_or_none(response)
        error = body.get("error") if isinstance(body, dict) else None
        http = response.status_code
        if http == 200 and body is not None and not isinstance(error, dict):
            return body
        if http == 200 and body is None:
            raise Retryable(f"SuperJob answered 200 with a body that is not JSON for {path}", status=200)
        error = error if isinstance(error, dict) else {}
        code = http if http != 200 else _int(error.get("code")) or 500
        message = str(error.get("message") or "")
        reasons = [e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)]
        described = (
            f"HTTP {code}"
            + (f": {message}" if message else "")
            + (f" ({', '.join(map(str, reasons))})" if reasons else "")
        )
        details = {"status": code, "source": self.name, "reason": message}
        if code == 429 or code >= 500:
            raise Retryable(described, status=code, retry_after=retry_after_header(response))
        if code in (401, 403):
            raise AuthError(
                f"SuperJob refuses the application key (JH_SUPERJOB_APP_KEY): {described}", **details
            )
        if code == 404:
            raise NotFoundError(f"not found on SuperJob: {path}", **details)
        if code in (400, 416, 422):
            raise LimitError(f"SuperJob rejected {path}: {described}", **details)
        raise SourceError(f"unexpected answer from SuperJob for {path}: {described}", **details)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
