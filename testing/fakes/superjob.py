"""A faithful fake of SuperJob API 2.0 (``/2.0``) over real HTTP on 127.0.0.1.

Quirks reproduced (``/work/shared/reference/sources.md``):

* ``X-Api-App-Id`` checked on every request: missing or wrong → 403 with SuperJob's error body
  ``{"error": {"code": 403, "message": …, "errors": [{"reason": …}]}}``;
* the mandatory trailing slash: ``/2.0/vacancies`` answers **404** with the error body (this fake's
  choice; :attr:`FakeSuperJob.slashless` = ``"redirect"`` answers 301 to the slashed path instead);
* ``GET /2.0/vacancies/``: ``keyword``, ``t[]`` / ``town``, ``payment_from``, ``no_agreement``,
  ``date_published_from`` / ``_to`` (Unix seconds; ``to`` exclusive unless :attr:`to_inclusive`;
  :attr:`ignore_dates` ignores both), ``count`` (1–100, default 20), ``page``; unknown ones ignored;
  newest first; ``{"objects", "total", "more", "subscription_id", "subscription_active"}``;
* the depth cap: nothing past item 500 (``(page + 1) × count > 500`` → 400 error body, or an empty
  page with :attr:`past_depth` = ``"empty"``);
* ``GET /2.0/vacancies/{id}/``: 404 error body once removed; archived ones answer with
  ``is_archive``; searches leave closed and archived ones out unless :attr:`closed_in_search`
  (they come with ``is_closed`` / ``is_archive`` set, as SuperJob's items may);
* latency and injected faults (:meth:`BoardFake.fault`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from random import Random
from typing import Any

from .boards import EMPLOYERS, TITLES, BoardFake, moments

PREFIX = "/2.0"
DEPTH = 500
TOWNS = ((4, "Москва"), (14, "Санкт-Петербург"), (33, "Екатеринбург"), (99, "Казань"), (1057, "Тамбов"))
_TOWN_WEIGHTS = (45, 20, 15, 10, 10)
_TYPES = (
    (6, "Полный рабочий день"),
    (10, "Неполный рабочий день"),
    (12, "Сменный график"),
    (9, "Вахтовый метод"),
)
_PLACES = ((1, "На территории работодателя"), (2, "Удалённо (на дому)"), (3, "Разъездного характера"))
_EXPERIENCE = ((1, "Без опыта"), (2, "От 1 года"), (3, "От 3 лет"), (4, "От 6 лет"))


def superjob_vacancies(
    n: int, start: datetime, end: datetime, *, seed: int = 17, first_id: int = 40_000_000
) -> list[dict[str, Any]]:
    """``n`` SuperJob-shaped vacancies published in [start, end)."""
    rnd = Random(seed)
    out = []
    for i, ts in enumerate(moments(rnd, n, start, end)):
        town_id, town = rnd.choices(TOWNS, _TOWN_WEIGHTS)[0]
        firm, _ = rnd.choice(EMPLOYERS)
        low = rnd.choice((0, 0, 40000, 70000, 120000))
        high = rnd.choice((0, low + 30000)) if low else rnd.choice((0, 60000))
        vid = first_id + i
        out.append(
            {
                "id": vid,
                "profession": f"{rnd.choice(TITLES)} №{i}",
                "payment_from": low,
                "payment_to": high,
                "currency": rnd.choice(("rub",) * 9 + ("usd",)),
                "agreement": not (low or high),
                "date_published": int(ts),
                "date_pub_to": int(ts) + 30 * 86400,
                "is_archive": False,
                "is_closed": False,
                "date_archived": 0,
                "firm_name": firm,
                "client": {
                    "id": 1000 + i % 50,
                    "title": firm,
                    "link": f"https://www.superjob.ru/clients/{i % 50}.html",
                },
                "town": {"id": town_id, "title": town},
                "candidat": "Опыт работы от года",
                "work": "Работа с клиентами",
                "compensation": "Оформление по ТК",
                "vacancyRichText": f"<p>Обязанности {i}</p><img src=x onerror=alert({i})>",
                "link": f"https://www.superjob.ru/vakansii/{vid}.html",
                "experience": dict(zip(("id", "title"), rnd.choice(_EXPERIENCE), strict=True)),
                "type_of_work": dict(zip(("id", "title"), rnd.choice(_TYPES), strict=True)),
                "place_of_work": dict(zip(("id", "title"), rnd.choice(_PLACES), strict=True)),
                "education": {"id": 2, "title": "Высшее"},
                "catalogues": [{"id": 33, "title": "IT, Интернет, связь, телеком", "positions": []}],
            }
        )
    return out


def error_body(code: int, message: str, reason: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if reason:
        body["errors"] = [{"reason": reason}]
    return {"error": body}


class FakeSuperJob(BoardFake):
    """Knobs (change at any time): :attr:`app_key`, :attr:`slashless`, :attr:`to_inclusive`,
    :attr:`ignore_dates`, :attr:`past_depth`, :attr:`closed_in_search`, :attr:`latency`."""

    prefix = PREFIX
    _thread_name = "FakeSuperJob"

    def __init__(
        self, vacancies: Iterable[dict[str, Any]] = (), *, app_key: str = "v3.r.test-key", **options: Any
    ) -> None:
        super().__init__(vacancies, **options)
        self.app_key = app_key
        self.slashless = "404"
        self.to_inclusive = False
        self.ignore_dates = False
        self.past_depth = "error"
        self.closed_in_search = False

    def _answer(self, path: str, query: dict[str, list[str]], headers: dict[str, str]):
        if headers.get("X-Api-App-Id") != self.app_key:
            return 403, error_body(403, "Приложение не найдено или заблокировано", "appNotFound"), {}
        if not path.endswith("/"):
            if self.slashless == "redirect":
                return 301, b"", {"Location": path + "/"}
            return 404, error_body(404, "Метод не найден"), {}
        parts = path[len(PREFIX) :].strip("/").split("/") if path.startswith(PREFIX) else []
        if parts == ["vacancies"]:
            return self._search(query)
        if len(parts) == 2 and parts[0] == "vacancies" and parts[1].isdigit():
            with self._lock:
                v = self._vacancies.get(str(int(parts[1])))
            if v is None:
                return 404, error_body(404, "Вакансия не найдена"), {}
            return 200, v, {}
        return 404, error_body(404, "Метод не найден"), {}

    def _search(self, query: dict[str, list[str]]):
        def one(name: str, default: str = "") -> str:
            return (query.get(name) or [default])[0]

        try:
            count, page = int(one("count", "20")), int(one("page", "0"))
            lo = int(one("date_published_from")) if one("date_published_from") else None
            hi = int(one("date_published_to")) if one("date_published_to") else None
            payment = int(one("payment_from")) if one("payment_from") else None
        except ValueError:
            return 400, error_body(400, "Неверный параметр"), {}
        if not 1 <= count <= 100:
            return 400, error_body(400, "count должен быть от 1 до 100", "count"), {}
        if self.ignore_dates:
            lo = hi = None
        towns = {int(t) for t in query.get("t[]", []) + query.get("town", []) if t.isdigit()}
        words = one("keyword").casefold().split()
        with self._lock:
            candidates = list(self._vacancies.values())
        matching = []
        for v in candidates:
            ts = v["date_published"]
            if (v["is_archive"] or v["is_closed"]) and not self.closed_in_search:
                continue
            if lo is not None and ts < lo:
                continue
            if hi is not None and (ts > hi if self.to_inclusive else ts >= hi):
                continue
            if towns and v["town"]["id"] not in towns:
                continue
            if words and not all(w in v["profession"].casefold() for w in words):
                continue
            if one("no_agreement") == "1" and not (v["payment_from"] or v["payment_to"]):
                continue
            if payment is not None and max(v["payment_from"], v["payment_to"]) < payment:
                continue
            matching.append(v)
        matching.sort(key=lambda v: (v["date_published"], v["id"]), reverse=True)
        total = len(matching)
        if (page + 1) * count > DEPTH:
            if self.past_depth == "error":
                return 400, error_body(400, "Нельзя получить больше 500 результатов", "depth"), {}
            objects: list[dict[str, Any]] = []
        else:
            objects = matching[page * count : (page + 1) * count]
        more = (page + 1) * count < min(total, DEPTH)
        body = {
            "objects": objects,
            "total": total,
            "more": more,
            "subscription_id": 0,
            "subscription_active": False,
        }
        return 200, body, {}
