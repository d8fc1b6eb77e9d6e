"""A Trudvsem vacancy as a canonical vacancy (pure; no I/O).

* Keys are hyphenated (``job-name``, ``creation-date``); some exports use underscores
  (``job_name``, ``creation_date``, ``vacancy_url``): both are read.
* ``salary_min`` / ``salary_max`` are monthly roubles; 0 means not given, and equal figures mean
  «от N» (Trudvsem writes an open-ended salary as min = max), so the upper bound is dropped.
* ``source_id`` is ``{companycode}/{id}``: the single-vacancy endpoint needs both.
* ``creation-date`` is a day; it is taken as midnight in Moscow.
* ``requirement.experience`` is read as the minimum years (an hh.ru experience id is kept as is).
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta, timezone
from typing import Any

from core.searches import EXPERIENCE
from domain.skills import normalise_skills
from etl.sources.trudvsem.regions import HH_AREAS, region_code
from etl.sources.vocab import (
    area_key,
    employment_from_titles,
    experience_from_title,
    experience_from_years,
    finish,
    positive,
    work_formats_from_titles,
)

MOSCOW = timezone(timedelta(hours=3))
CARD_URL = "https://trudvsem.ru/vacancy/card/{company}/{id}"
ROUBLES = {"руб.", "руб", "rub", "rur", "₽", ""}
_ALIASES = {
    "vac_url": ("vacancy_url", "vac-url"),
    "date_modify": ("modify-date", "modify_date", "date-modify"),
}


def field(item: dict[str, Any], name: str) -> Any:
    """``item[name]`` under its hyphenated or underscored spelling (and known aliases)."""
    names = (name, name.replace("-", "_"), name.replace("_", "-"), *_ALIASES.get(name, ()))
    for candidate in names:
        if candidate in item and item[candidate] not in (None, ""):
            return item[candidate]
    return None


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    text = str(value).strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), MOSCOW)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=MOSCOW)


def salary(item: dict[str, Any]) -> tuple[int | None, int | None]:
    """(from, to) by the rules in the module docstring."""
    low, high = positive(field(item, "salary_min")), positive(field(item, "salary_max"))
    if low is not None and high is not None and low == high:
        return low, None
    return low, high


def experience(requirement: dict[str, Any]) -> str | None:
    value = field(requirement, "experience")
    if isinstance(value, str) and value in EXPERIENCE:
        return value
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return experience_from_years(int(value))
    return experience_from_title(value if isinstance(value, str) else None)


def _description(item: dict[str, Any], requirement: dict[str, Any]) -> str:
    parts = [str(field(item, "duty") or "")]
    for label, key in (("Требования", "qualification"), ("Образование", "education")):
        value = field(requirement, key)
        if value:
            parts.append(f"<p>{label}: {html.escape(str(value))}</p>")
    return "".join(parts)


def _skills(value: Any) -> list[str]:
    if isinstance(value, str):
        return normalise_skills(value.split(","))
    if isinstance(value, list):
        return normalise_skills([s.get("skill", s.get("name")) if isinstance(s, dict) else s for s in value])
    return []


def transform(item: dict[str, Any], area_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The canonical vacancy of a Trudvsem item (``{"vacancy": {...}}`` or the inner object).

    ``area_names`` (:func:`etl.sources.vocab.area_index` of hh.ru's ``/areas``) resolves regions
    the built-in table does not know.
    """
    item = item.get("vacancy", item) if isinstance(item.get("vacancy"), dict) else item
    company = field(item, "company") or {}
    region = field(item, "region") or {}
    requirement = field(item, "requirement") or {}
    code = region_code(field(region, "region_code"))
    area_id = HH_AREAS.get(code or "") or (area_names or {}).get(area_key(field(region, "name")))
    low, high = salary(item)
    currency = field(item, "currency")
    in_roubles = str(currency or "").strip().casefold() in ROUBLES
    company_code = str(field(company, "companycode") or "")
    vacancy_id = str(item["id"])
    titles = (field(item, "employment"), field(item, "schedule"))
    row: dict[str, Any] = {
        "source": "trudvsem",
        "source_id": f"{company_code}/{vacancy_id}",
        "title": str(field(item, "job-name") or ""),
        "employer_id": company_code or None,
        "employer_name": field(company, "name"),
        "employer_inn": str(field(company, "inn")) if field(company, "inn") else None,
        "area_id": area_id,
        "area_name": field(region, "name"),
        "salary_from": low,
        "salary_to": high,
        "salary_currency": currency,
        "salary_from_rub": low if in_roubles else None,
        "salary_to_rub": high if in_roubles else None,
        "experience_id": experience(requirement),
        "employment_id": employment_from_titles(*titles),
        "work_format_ids": work_formats_from_titles(*titles),
        "published_at": _moment(field(item, "creation-date")) or _moment(field(item, "date_modify")),
        "url": field(item, "vac_url") or CARD_URL.format(company=company_code, id=vacancy_id),
        "skills": _skills(field(item, "skills")),
        "closed": False,  # Trudvsem has no such flag: a vacancy that is gone answers 404
    }
    return finish(row, _description(item, requirement))
