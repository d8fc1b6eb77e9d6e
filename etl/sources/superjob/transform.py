"""A SuperJob vacancy as a canonical vacancy (pure; no I/O).

* ``payment_from`` / ``payment_to`` are monthly amounts in ``currency`` ("rub", "usd", "uah",
  "uzs"); 0 means not given, and ``agreement`` with no figures is "by agreement" (no salary).
  Other currencies are converted with hh.ru's rates (units per rouble, ``/dictionaries``).
* ``date_published`` is Unix seconds; ``is_closed`` or ``is_archive`` mean closed.
* ``experience.id`` 1–4 are «без опыта», «от 1 года», «от 3 лет», «от 6 лет».
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from etl.sources.superjob.towns import HH_AREAS
from etl.sources.vocab import (
    area_key,
    employment_from_titles,
    experience_from_title,
    finish,
    positive,
    roubles,
    work_formats_from_titles,
)

CURRENCIES = {
    "rub": "RUR",
    "usd": "USD",
    "eur": "EUR",
    "uah": "UAH",
    "uzs": "UZS",
    "kzt": "KZT",
    "byr": "BYR",
}
EXPERIENCE = {1: "noExperience", 2: "between1And3", 3: "between3And6", 4: "moreThan6"}


def _title(value: Any) -> str | None:
    return value.get("title") if isinstance(value, dict) else None


def _description(item: dict[str, Any]) -> str:
    rich = item.get("vacancyRichText")
    if rich:
        return str(rich)
    parts = []
    for label, key in (("Обязанности", "work"), ("Требования", "candidat"), ("Условия", "compensation")):
        if item.get(key):
            text = html.escape(str(item[key])).replace("\n", "<br>")
            parts.append(f"<p><strong>{label}</strong></p><p>{text}</p>")
    return "".join(parts)


def transform(
    item: dict[str, Any], rates: dict[str, float] | None = None, area_names: dict[str, str] | None = None
) -> dict[str, Any]:
    """The canonical vacancy of a SuperJob item; ``rates`` as :func:`etl.transform.currency_rates`."""
    rates = {"RUR": 1.0} | (rates or {})
    town = item.get("town") or {}
    town_id = town.get("id")
    area_id = HH_AREAS.get(town_id) if isinstance(town_id, int) else None
    area_id = area_id or (area_names or {}).get(area_key(town.get("title")))
    low, high = positive(item.get("payment_from")), positive(item.get("payment_to"))
    currency = item.get("currency")
    rate = rates.get(CURRENCIES.get(str(currency or "rub").casefold(), ""))
    experience = item.get("experience") or {}
    type_of_work, place_of_work = _title(item.get("type_of_work")), _title(item.get("place_of_work"))
    published = item.get("date_published")
    client = item.get("client") or {}
    row: dict[str, Any] = {
        "source": "superjob",
        "source_id": str(item["id"]),
        "title": str(item.get("profession") or ""),
        "employer_id": str(item.get("id_client") or client.get("id") or "") or None,
        "employer_name": item.get("firm_name") or client.get("title"),
        "employer_inn": None,  # SuperJob does not publish it
        "area_id": area_id,
        "area_name": town.get("title"),
        "salary_from": low,
        "salary_to": high,
        "salary_currency": currency,
        "salary_from_rub": roubles(low, rate),
        "salary_to_rub": roubles(high, rate),
        "experience_id": EXPERIENCE.get(experience.get("id"))
        or experience_from_title(experience.get("title")),
        "employment_id": employment_from_titles(type_of_work),
        "work_format_ids": work_formats_from_titles(place_of_work, type_of_work),
        "published_at": datetime.fromtimestamp(int(published), UTC) if published else None,
        "url": item.get("link") or f"https://www.superjob.ru/vakansii/{item['id']}.html",
        "skills": [],  # SuperJob publishes no key skills
        "closed": bool(item.get("is_closed") or item.get("is_archive")),
    }
    return finish(row, _description(item))
