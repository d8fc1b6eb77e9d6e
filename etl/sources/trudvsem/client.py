"""HTTP to Trudvsem («Работа России» open data, ``opendata.trudvsem.ru/api/v1``): no key.

The envelope is ``{"status": "200", "meta": {"total", "limit"}, "results": {"vacancies": [...]}}``
with ``status`` a *string*; a failure may come as HTTP 200 with another status and
``meta.error``. Unknown parameters are silently ignored (the whole country comes back), so the
client only ever sends the names in :data:`PARAMS`.
"""

from __future__ import annotations

from typing import Any

import requests

from core.settings import Settings
from etl.sources.base import AuthError, LimitError, NotFoundError, SourceError
from etl.sources.http import JsonClient, Params, Retryable, json_or_none, retry_after_header, retry_options

PARAMS = frozenset({"text", "offset", "limit", "modifiedFrom", "modifiedTo"})
MAX_LIMIT = 100


class TrudvsemClient(JsonClient):
    """Thread-safe Trudvsem client: ``vacancies``, ``region``, ``vacancy``."""

    name = "trudvsem"

    @classmethod
    def from_settings(cls, settings: Settings) -> TrudvsemClient:
        return cls(
            settings.trudvsem_base_url,
            headers={"User-Agent": settings.hh_user_agent},
            timeout=settings.trudvsem_timeout,
            rate_limit=settings.trudvsem_rate_limit,
            concurrency=settings.trudvsem_concurrency,
            **retry_options(settings),
        )

    def vacancies(self, params: Params, region: str | None = None) -> dict[str, Any]:
        """One page of ``GET vacancies`` (or ``vacancies/region/{code}``)."""
        checked = list(params.items()) if isinstance(params, dict) else list(params)
        unknown = sorted({name for name, _ in checked} - PARAMS)
        if unknown:  # Trudvsem would ignore them silently and answer for the whole country
            raise ValueError(f"Trudvsem does not know the parameter(s) {', '.join(unknown)}")
        path = f"/vacancies/region/{region}" if region else "/vacancies"
        return self.get(path, checked)

    def vacancy(self, company_code: str, vacancy_id: str) -> dict[str, Any]:
        """``GET vacancies/vacancy/{companycode}/{id}``: the vacancy item, :class:`NotFoundError` if gone."""
        body = self.get(f"/vacancies/vacancy/{company_code}/{vacancy_id}")
        found = vacancies_of(body)
        if not found:  # an empty answer is how some gone vacancies look
            raise NotFoundError(
                f"no Trudvsem vacancy {company_code}/{vacancy_id}", status=200, source=self.name
            )
        return found[0]

    def decode(self, path: str, response: requests.Response) -> Any:
        body = json_or_none(response)
        http = response.status_code
        envelope = str(body.get("status", "200")) if isinstance(body, dict) else None
        status = http if http != 200 else int(envelope) if envelope and envelope.isdigit() else http
        if http == 200 and body is None:
            raise Retryable(f"Trudvsem answered 200 with a body that is not JSON for {path}", status=200)
        if status == 200:
            return body
        meta = body.get("meta") if isinstance(body, dict) else None
        reason = meta.get("error") if isinstance(meta, dict) else None
        described = f"status {status}" + (f": {reason}" if reason else "")
        if status == 429 or status >= 500:
            raise Retryable(described, status=status, retry_after=retry_after_header(response))
        if status == 404:
            raise NotFoundError(f"not found on Trudvsem: {path}", status=status, source=self.name)
        if status in (401, 403):
            raise AuthError(f"Trudvsem refused {path} ({described})", status=status, source=self.name)
        if status == 400:
            raise LimitError(f"Trudvsem rejected {path} ({described})", status=status, source=self.name)
        raise SourceError(f"unexpected answer from Trudvsem for {path} ({described})", status=status)


def vacancies_of(body: Any) -> list[dict[str, Any]]:
    """The vacancy objects of an envelope (``results.vacancies[*].vacancy``); none when absent."""
    results = body.get("results") if isinstance(body, dict) else None
    wrapped = results.get("vacancies") if isinstance(results, dict) else None
    items = []
    for entry in wrapped or []:
        if isinstance(entry, dict):
            inner = entry.get("vacancy", entry)
            if isinstance(inner, dict):
                items.append(inner)
    return items


def total_of(body: Any) -> int:
    meta = body.get("meta") if isinstance(body, dict) else None
    try:
        return int((meta or {}).get("total") or 0)
    except (TypeError, ValueError):
        return 0
