"""The vacancies grid's filter in its address, so a chart (or a bookmark) can open the grid on
"these vacancies": ``/?search=7&source=hh&experience=between1And3&area=1&work_format=REMOTE
&salary=gross&hidden=1&since=2026-11-03&until=2026-12-02&skill=Kafka``.

:func:`href` writes such an address; :func:`read` turns one (from the browser, so untrusted) into
the grid's initial filter model and its «show hidden» switch. Unknown parameters and values are
dropped, a search id must be one of ``search_ids`` (the logged-in user's), and whatever comes out
still goes through :class:`webapp.grid_query.GridRequest`, which checks it again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode

from core.searches import EXPERIENCE, WORK_FORMATS
from domain.sources import SOURCES

SALARY_BASES = ("all", "gross", "net")
#: The order parameters appear in an address (a stable order: equal views, equal links).
PARAMS = (
    "search",
    "source",
    "experience",
    "area",
    "work_format",
    "salary",
    "hidden",
    "since",
    "until",
    "new",
    "skill",
)
SKILL_MAX = 100
_AREA = re.compile(r"^\d{1,12}$")


@dataclass(frozen=True)
class GridLink:
    """What a link asks the grid to show (every field optional)."""

    search: int | None = None
    source: str | None = None
    experience: str | None = None
    area: str | None = None
    work_format: str | None = None
    #: Only vacancies with a salary on this basis ("all": any published salary).
    salary: str | None = None
    hidden: bool = False
    since: date | None = None
    until: date | None = None
    #: Only those first seen in since..until (a day's new vacancies), not all seen then.
    new: bool = False
    skill: str | None = None


def href(link: GridLink) -> str:
    """The grid's address for ``link`` ("/" and a query string)."""
    values: dict[str, str] = {}
    for name in PARAMS:
        value = getattr(link, name)
        if value is None or value is False or value == "":
            continue
        values[name] = "1" if value is True else value.isoformat() if isinstance(value, date) else str(value)
    return "/?" + urlencode(values) if values else "/"


def _first(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name) or []
    value = values[0].strip() if values else ""
    return value or None


def _day(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None
    return day if day and 1900 <= day.year <= 2200 else None


def parse(search: Any, search_ids: Iterable[int]) -> GridLink:
    """The link in a query string (``?a=b&...`` or without the ``?``), values that do not fit dropped."""
    text = search if isinstance(search, str) else ""
    query = parse_qs(text.removeprefix("?")[:2000], keep_blank_values=False)
    raw_search = _first(query, "search")
    search_id = int(raw_search) if raw_search and raw_search.isdigit() and len(raw_search) < 19 else None
    if search_id not in set(search_ids):
        search_id = None
    source = _first(query, "source")
    experience = _first(query, "experience")
    area = _first(query, "area")
    work_format = _first(query, "work_format")
    salary = _first(query, "salary")
    skill = _first(query, "skill")
    if skill is not None and (
        len(skill) > SKILL_MAX or any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in skill)
    ):
        skill = None
    return GridLink(
        search=search_id,
        source=source if source in SOURCES else None,
        experience=experience if experience in EXPERIENCE else None,
        area=area if area and _AREA.match(area) else None,
        work_format=work_format if work_format in WORK_FORMATS else None,
        salary="all" if salary == "1" else salary if salary in SALARY_BASES else None,
        hidden=_first(query, "hidden") == "1",
        since=_day(_first(query, "since")),
        until=_day(_first(query, "until")),
        new=_first(query, "new") == "1",
        skill=skill,
    )


def filter_model(link: GridLink) -> dict[str, Any]:
    """The grid's filter model for ``link`` (the column ids of :data:`webapp.grid_query.COLUMNS`)."""
    model: dict[str, Any] = {}

    def multi(col_id: str, value: str | None) -> None:
        if value is not None:
            model[col_id] = {"filterType": "multi", "values": [value]}

    multi("searches", str(link.search) if link.search is not None else None)
    multi("source", link.source)
    multi("experience", link.experience)
    multi("area", link.area)
    multi("work_format", link.work_format)
    if link.salary:
        model["salary"] = {"filterType": "text", "type": "equals", "filter": link.salary}
    if link.since or link.until:
        since = (link.since or date(1900, 1, 1)).isoformat()
        until = (link.until or date(2200, 12, 31)).isoformat()
        prefix = "new:" if link.new else ""
        model["seen"] = {"filterType": "text", "type": "equals", "filter": f"{prefix}{since}..{until}"}
    if link.skill:
        model["skill"] = {"filterType": "text", "type": "equals", "filter": link.skill}
    return model
