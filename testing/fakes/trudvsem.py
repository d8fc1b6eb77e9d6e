"""A faithful fake of Trudvsem's open data API (``/api/v1``) over real HTTP on 127.0.0.1.

Quirks reproduced (``/work/shared/reference/sources.md``):

* the envelope with a *string* ``status`` (``"200"``), ``meta.total``, ``results.vacancies[].vacancy``,
  no ``vacancies`` key on an empty page; failures as another status string with ``meta.error``;
* ``offset`` is a page index, ``limit`` is clamped to 100 silently, unknown parameters are ignored;
* ``vacancies/region/{code}`` and ``vacancies/vacancy/{companycode}/{id}`` (404 once removed, or
  an empty 200 with :attr:`FakeTrudvsem.missing_as_empty`);
* hyphenated keys (:attr:`underscore_keys` answers the underscore variants instead);
* the unreliable deep pages of 2026, switchable: :attr:`deep_from` with :attr:`deep_mode`
  ``"error"`` (HTTP 500 from that page on) or ``"empty"`` (200 with no records), and
  :attr:`modified_fails` (HTTP 500 whenever ``modifiedFrom`` is sent);
* latency and injected faults (:meth:`BoardFake.fault`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from random import Random
from typing import Any

from .boards import EMPLOYERS, TITLES, BoardFake, moments

PREFIX = "/api/v1"
MAX_LIMIT = 100
MOSCOW = timezone(timedelta(hours=3))
REGION_NAMES = {
    "7700000000000": "г. Москва",
    "7800000000000": "г. Санкт-Петербург",
    "6600000000000": "Свердловская область",
    "1600000000000": "Республика Татарстан",
    "5400000000000": "Новосибирская область",
    "0100000000000": "Республика Адыгея",
    "8900000000000": "Ямало-Ненецкий автономный округ",
}
_REGION_WEIGHTS = (40, 15, 10, 10, 10, 5, 10)
_EMPLOYMENT = (
    ("Полная занятость", "Полный рабочий день"),
    ("Частичная занятость", "Гибкий график"),
    ("Временная", "Сменный график"),
    ("Полная занятость", "Вахтовый метод"),
    ("Удаленная", "Полный рабочий день"),
)


def trudvsem_vacancies(n: int, start: datetime, end: datetime, *, seed: int = 13) -> list[dict[str, Any]]:
    """``n`` Trudvsem-shaped vacancies modified in [start, end), newest last."""
    rnd = Random(seed)
    out = []
    for i, ts in enumerate(moments(rnd, n, start, end)):
        code = rnd.choices(list(REGION_NAMES), _REGION_WEIGHTS)[0]
        name, inn = rnd.choice(EMPLOYERS)
        modified = datetime.fromtimestamp(ts, MOSCOW)
        low = rnd.choice((0, 0, 30000, 45000, 60000, 90000))
        high = rnd.choice((0, low, low + 20000)) if low else rnd.choice((0, 50000))
        employment, schedule = rnd.choice(_EMPLOYMENT)
        company = f"1{inn}{i % 7}"
        vid = str(uuid.UUID(int=rnd.getrandbits(128)))
        out.append(
            {
                "id": vid,
                "source": "Работа России",
                "region": {"region_code": code, "name": REGION_NAMES[code]},
                "company": {
                    "companycode": company,
                    "inn": inn,
                    "ogrn": "1" + inn[:12],
                    "name": name,
                    "hr-agency": False,
                    "url": f"https://trudvsem.ru/company/{company}",
                },
                "creation-date": modified.date().isoformat(),
                "date_modify": modified.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "salary": (f"от {low}" if high in (0, low) else f"{low}–{high}") if low else "",
                "salary_min": low,
                "salary_max": high,
                "currency": "руб.",
                "job-name": f"{rnd.choice(TITLES)} №{i}",
                "vac_url": f"https://trudvsem.ru/vacancy/card/{company}/{vid}",
                "employment": employment,
                "schedule": schedule,
                "duty": f"<p>Обязанности {i}</p><script>alert({i})</script>",
                "requirement": {
                    "education": "Среднее профессиональное",
                    "qualification": "Ответственность",
                    "experience": rnd.choice((0, 1, 3, 6)),
                },
                "category": {"specialisation": "Прочее"},
                "skills": rnd.choice(([], [], [], ["Excel", "1С"])),
            }
        )
    return out


def _underscored(value: Any) -> Any:
    if isinstance(value, dict):
        return {k.replace("-", "_"): _underscored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_underscored(v) for v in value]
    return value


def _moment(raw: str) -> float | None:
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class FakeTrudvsem(BoardFake):
    """Knobs (change at any time): :attr:`deep_from`, :attr:`deep_mode`, :attr:`modified_fails`,
    :attr:`underscore_keys`, :attr:`missing_as_empty`, :attr:`latency`."""

    prefix = PREFIX
    _thread_name = "FakeTrudvsem"

    def __init__(self, vacancies: Iterable[dict[str, Any]] = (), **options: Any) -> None:
        super().__init__(vacancies, **options)
        self.deep_from: int | None = None
        self.deep_mode = "error"
        self.modified_fails = False
        self.underscore_keys = False
        self.missing_as_empty = False

    # -- answers -------------------------------------------------------------------------------

    def _envelope(self, total: int, limit: int, items: list[dict[str, Any]]) -> dict[str, Any]:
        shown = [_underscored(v) if self.underscore_keys else v for v in items]
        results = {"vacancies": [{"vacancy": v} for v in shown]} if shown else {}
        return {
            "status": "200",
            "request": {"api": "v1"},
            "meta": {"total": total, "limit": limit},
            "results": results,
        }

    @staticmethod
    def _failure(status: int, error: str) -> dict[str, Any]:
        return {"status": str(status), "request": {"api": "v1"}, "meta": {"error": error}}

    def _answer(self, path: str, query: dict[str, list[str]], headers: dict[str, str]):
        if not path.startswith(PREFIX + "/vacancies"):
            return 404, self._failure(404, "Not Found"), {}
        rest = path[len(PREFIX) + len("/vacancies") :].strip("/").split("/")
        if rest[0] == "vacancy" and len(rest) == 3:
            return self._one(rest[1], rest[2])
        region = rest[1] if rest[0] == "region" and len(rest) == 2 else None
        if rest != [""] and region is None:
            return 404, self._failure(404, "Not Found"), {}
        return self._search(query, region)

    def _one(self, company: str, vacancy_id: str):
        with self._lock:
            v = self._vacancies.get(vacancy_id)
        if v is None or v["company"]["companycode"] != company:
            if self.missing_as_empty:
                return 200, self._envelope(0, 1, []), {}
            return 404, self._failure(404, "Vacancy not found"), {}
        return 200, self._envelope(1, 1, [v]), {}

    def _search(self, query: dict[str, list[str]], region: str | None):
        def one(name: str, default: str = "") -> str:
            return (query.get(name) or [default])[0]

        try:
            offset, limit = int(one("offset", "0")), int(one("limit", "100"))
        except ValueError:
            return 400, self._failure(400, "Bad request"), {}
        limit = max(1, min(limit, MAX_LIMIT))  # clamped silently
        lo = _moment(one("modifiedFrom")) if one("modifiedFrom") else None
        hi = _moment(one("modifiedTo")) if one("modifiedTo") else None
        if self.modified_fails and "modifiedFrom" in query:
            return 500, b"<html><body>500 Internal Server Error</body></html>", {}
        if self.deep_from is not None and offset >= self.deep_from:
            if self.deep_mode == "error":
                return 500, b"<html><body>500 Internal Server Error</body></html>", {}
            return 200, self._envelope(0, limit, []), {}
        words = one("text").casefold().split()
        with self._lock:
            candidates = list(self._vacancies.values())
        matching = []
        for v in candidates:
            ts = datetime.fromisoformat(v["date_modify"]).timestamp()
            if (lo is not None and ts < lo) or (hi is not None and ts >= hi):
                continue
            if region and v["region"]["region_code"] != region:
                continue
            if words and not all(w in v["job-name"].casefold() for w in words):
                continue
            matching.append((ts, v["id"], v))
        matching.sort(reverse=True)
        page = [v for _, _, v in matching[offset * limit : (offset + 1) * limit]]
        return 200, self._envelope(len(matching), limit, page), {}
