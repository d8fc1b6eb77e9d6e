"""Pure functions that turn hh.ru JSON into rows. No I/O; unit-tested on hh.ru-shaped data.

Salary normalisation to monthly roubles (``monthly_roubles``):

* the amount is converted with hh.ru's own rates from ``/dictionaries`` (``rate`` is units
  of that currency per rouble, so roubles = amount / rate); an unknown currency gives None;
* ``MONTH`` amounts are taken as they are; ``HOUR`` amounts are multiplied by 164.4 (the
  Russian production calendar's 1,973 working hours a year ÷ 12); ``SHIFT`` amounts by 20.6
  (247 working days ÷ 12); ``SERVICE`` (per job) and ``FLY_IN_FLY_OUT`` (per watch of unknown
  length) are not comparable with a monthly salary and give None;
* gross and net are not converted into each other: the published ``gross`` flag is kept
  beside the figure.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nh3
import orjson

from domain.skills import normalise_skills

HOURS_PER_MONTH = 1973 / 12
SHIFTS_PER_MONTH = 247 / 12
_PER_MONTH = {"MONTH": 1.0, "HOUR": HOURS_PER_MONTH, "SHIFT": SHIFTS_PER_MONTH}

# What a vacancy description may keep: text structure, emphasis and links, nothing active.
SAFE_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "h3",
    "h4",
    "h5",
    "blockquote",
    "a",
    "span",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
}
SAFE_ATTRIBUTES = {"a": {"href", "title"}}
SAFE_SCHEMES = {"http", "https", "mailto"}

_BLOCK = re.compile(r"<\s*(/?\s*(p|div|li|ul|ol|h\d|blockquote|tr|table)\b[^>]*|br\s*/?)>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def parse_time(value: str | None) -> datetime | None:
    """hh.ru timestamps (``2026-11-20T12:00:00+0300``) as aware datetimes."""
    return datetime.fromisoformat(value) if value else None


def sanitize_html(markup: str | None) -> str:
    """Description HTML safe to render: no scripts, styles, event handlers or javascript: links."""
    if not markup:
        return ""
    return nh3.clean(
        markup,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment: block elements become line breaks, entities decoded."""
    if not markup:
        return ""
    spaced = _BLOCK.sub("\n", markup)
    text = html.unescape(nh3.clean(spaced, tags=set(), strip_comments=True))
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()


def strip_highlight(snippet: str | None) -> str | None:
    """A search snippet without hh.ru's ``<highlighttext>`` tags (or any other markup)."""
    if snippet is None:
        return None
    plain = snippet.replace("<highlighttext>", "").replace("</highlighttext>", "")
    if _MARKUP.search(plain):
        text = html_to_text(snippet)
    else:  # plain text: what html_to_text would return, without parsing it as HTML
        text = _BLANK_LINES.sub("\n", _SPACES.sub(" ", plain)).strip()
    return text or None


# What makes a snippet more than plain text for an HTML parser: tags, entities, and the carriage
# returns and NULs it rewrites.
_MARKUP = re.compile(r"[<>&\r\x00\ufeff]")


@dataclass(frozen=True)
class Salary:
    amount_from: int | None
    amount_to: int | None
    currency: str | None
    gross: bool | None
    mode: str | None
    frequency: str | None


def salary_of(item: dict[str, Any]) -> Salary | None:
    """``salary_range`` when present, else the deprecated ``salary`` (taken as monthly)."""
    current = item.get("salary_range")
    legacy = item.get("salary")
    source = current or legacy
    if not source or (source.get("from") is None and source.get("to") is None):
        return None
    mode = (current.get("mode") or {}).get("id") if current else "MONTH"
    frequency = (current.get("frequency") or {}).get("id") if current else None
    return Salary(
        _int(source.get("from")),
        _int(source.get("to")),
        source.get("currency"),
        source.get("gross"),
        mode,
        frequency,
    )


def _int(value: Any) -> int | None:
    return None if value is None else round(float(value))


def monthly_roubles(
    amount: int | None, currency: str | None, mode: str | None, rates: dict[str, float]
) -> int | None:
    """``amount`` as monthly roubles by the rule in this module's docstring, or None."""
    if amount is None or currency is None:
        return None
    rate = rates.get(currency)
    per_month = _PER_MONTH.get(mode or "MONTH")
    if not rate or per_month is None:
        return None
    return round(amount / rate * per_month)


def _id_name(value: dict[str, Any] | None) -> tuple[str | None, str | None]:
    return (value.get("id"), value.get("name")) if value else (None, None)


def _id_names(values: list[dict[str, Any]] | None) -> tuple[list[str], list[str]]:
    values = [v for v in values or [] if v]
    return [str(v.get("id")) for v in values], [str(v.get("name")) for v in values]


def vacancy_row(item: dict[str, Any], rates: dict[str, float]) -> dict[str, Any]:
    """Column values of ``t01_jh_vacancies`` for a search item (or full vacancy), with its hash.

    Seen-bookkeeping columns (first/last seen, times seen) are set by the loader.
    """
    employer = item.get("employer") or {}
    logos = employer.get("logo_urls") or {}
    salary = salary_of(item)
    experience = _id_name(item.get("experience"))
    schedule = _id_name(item.get("schedule"))
    if schedule == (None, None) and item.get("work_schedule_by_days"):
        schedule = _id_name(item["work_schedule_by_days"][0])
    employment = (
        _id_name(item.get("employment_form"))
        if item.get("employment_form")
        else _id_name(item.get("employment"))
    )
    work_ids, work_names = _id_names(item.get("work_format"))
    role_ids, role_names = _id_names(item.get("professional_roles"))
    snippet = item.get("snippet") or {}
    address = item.get("address") or {}
    row: dict[str, Any] = {
        "id": int(item["id"]),
        "name": item.get("name") or "",
        "employer_id": employer.get("id"),
        "employer_name": employer.get("name"),
        "employer_logo_url": logos.get("90") or logos.get("original"),
        "employer_url": employer.get("alternate_url"),
        "employer_trusted": employer.get("trusted"),
        "area_id": (item.get("area") or {}).get("id"),
        "area_name": (item.get("area") or {}).get("name"),
        "salary_from": salary.amount_from if salary else None,
        "salary_to": salary.amount_to if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_gross": salary.gross if salary else None,
        "salary_mode": salary.mode if salary else None,
        "salary_frequency": salary.frequency if salary else None,
        "experience_id": experience[0],
        "experience_name": experience[1],
        "schedule_id": schedule[0],
        "schedule_name": schedule[1],
        "employment_id": employment[0],
        "employment_name": employment[1],
        "work_format_ids": work_ids,
        "work_format_names": work_names,
        "professional_role_ids": role_ids,
        "professional_role_names": role_names,
        "snippet_requirement": strip_highlight(snippet.get("requirement")),
        "snippet_responsibility": strip_highlight(snippet.get("responsibility")),
        "address": address.get("raw") or None,
        "vacancy_type": (item.get("type") or {}).get("id"),
        "has_test": item.get("has_test"),
        "premium": item.get("premium"),
        "url": item.get("alternate_url") or f"https://hh.ru/vacancy/{item['id']}",
        "api_url": item.get("url"),
        "published_at": parse_time(item.get("published_at")),
        "created_at_hh": parse_time(item.get("created_at")),
    }
    row["content_hash"] = content_hash(row)
    row["salary_from_rub"] = monthly_roubles(
        row["salary_from"], row["salary_currency"], row["salary_mode"], rates
    )
    row["salary_to_rub"] = monthly_roubles(
        row["salary_to"], row["salary_currency"], row["salary_mode"], rates
    )
    return row


def content_hash(row: dict[str, Any]) -> str:
    """A stable hash of what the search item says, to tell changed vacancies from unchanged ones.

    The hash of sorted, compact JSON with datetimes as ``str()``. orjson writes the very bytes
    ``json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)`` would,
    several times faster; ``json`` takes over for what orjson refuses (an integer beyond 64 bits).
    Stored hashes must never change meaning: ``tests/test_transform.py`` pins them.
    """
    try:
        canonical = orjson.dumps(row, default=str, option=_HASH_OPTIONS)
    except orjson.JSONEncodeError:
        text = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
        canonical = text.encode()
    return hashlib.blake2b(canonical, digest_size=16).hexdigest()


_HASH_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def details_row(vacancy: dict[str, Any], source_hash: str) -> dict[str, Any]:
    """Column values of ``t06_jh_details`` for a full vacancy. ``branded_description`` is dropped."""
    description = vacancy.get("description") or ""
    skills = normalise_skills(vacancy.get("key_skills"))
    return {
        "vacancy_id": int(vacancy["id"]),
        "description_html": description,
        "description_safe": sanitize_html(description),
        "description_text": html_to_text(description),
        "key_skills": skills,
        "source_hash": source_hash,
    }


def currency_rates(dictionaries: dict[str, Any] | None) -> dict[str, float]:
    """``{code: units per rouble}`` from a ``/dictionaries`` payload (RUR is always 1)."""
    rates = {"RUR": 1.0}
    for currency in (dictionaries or {}).get("currency") or []:
        code, rate = currency.get("code"), currency.get("rate")
        if code and isinstance(rate, int | float) and rate > 0:
            rates[code] = float(rate)
    return rates
