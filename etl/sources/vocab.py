"""One vocabulary for every board: hh.ru's ids for experience, employment, work format and area.

Boards name these things in words or in ids of their own. The words are mapped by keyword (a
board's ids change less often than they are documented, and both boards publish the title
next to the id), and the areas by a small table of well-known regions and towns, then by name
against hh.ru's ``/areas`` tree when the harvest passes it in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from etl.transform import content_hash, html_to_text, sanitize_html

EXPERIENCE_BY_YEARS = ((1, "noExperience"), (3, "between1And3"), (6, "between3And6"))

# keyword (in a lower-cased title) → hh.ru employment form; first match wins
_EMPLOYMENT_WORDS = (
    ("вахт", "FLY_IN_FLY_OUT"),
    ("частичн", "PART"),
    ("неполн", "PART"),
    ("подработ", "PART"),
    ("проект", "PROJECT"),
    ("временн", "PROJECT"),
    ("сезонн", "PROJECT"),
    ("разов", "PROJECT"),
    ("полн", "FULL"),
    ("сменн", "FULL"),
)
_WORK_FORMAT_WORDS = (
    ("удал", "REMOTE"),
    ("на дому", "REMOTE"),
    ("дистанц", "REMOTE"),
    ("гибрид", "HYBRID"),
    ("разъезд", "FIELD_WORK"),
    ("территории работодателя", "ON_SITE"),
)
_EXPERIENCE_WORDS = (
    ("без опыта", "noExperience"),
    ("нет опыта", "noExperience"),
    ("от 1 года", "between1And3"),
    ("от 3 лет", "between3And6"),
    ("от 6 лет", "moreThan6"),
    ("более 6", "moreThan6"),
)


def experience_from_years(years: int | None) -> str | None:
    """hh.ru's experience bucket for a minimum number of years."""
    if years is None or years < 0:
        return None
    for below, bucket in EXPERIENCE_BY_YEARS:
        if years < below:
            return bucket
    return "moreThan6"


def _first(words: tuple[tuple[str, str], ...], *titles: str | None) -> str | None:
    """The value of the first keyword (in ``words``' order) found in any of ``titles``."""
    lowered = [(title or "").casefold() for title in titles]
    for word, value in words:
        if any(word in title for title in lowered):
            return value
    return None


def experience_from_title(title: str | None) -> str | None:
    return _first(_EXPERIENCE_WORDS, title)


def employment_from_titles(*titles: str | None) -> str | None:
    """hh.ru's employment form for a board's employment / schedule titles (вахта before full time)."""
    return _first(_EMPLOYMENT_WORDS, *titles)


def work_formats_from_titles(*titles: str | None) -> list[str]:
    found = [_first(_WORK_FORMAT_WORDS, title) for title in titles]
    return list(dict.fromkeys(f for f in found if f))


_NAME_NOISE = re.compile(r"^(г\.|город\s)\s*|\s+", re.IGNORECASE)


def area_key(name: str | None) -> str:
    """A place name compared loosely: case, ё, "г."/"город" and spaces ignored."""
    return _NAME_NOISE.sub(" ", (name or "").casefold().replace("ё", "е")).strip()


def area_index(tree: Iterable[dict[str, Any]] | None) -> dict[str, str]:
    """``{area_key(name): id}`` of an hh.ru ``/areas`` tree (the first of equal names wins)."""
    index: dict[str, str] = {}

    def walk(nodes: Iterable[dict[str, Any]]) -> None:
        for node in nodes:
            index.setdefault(area_key(node.get("name")), str(node.get("id")))
            walk(node.get("areas") or ())

    walk(tree or ())
    return index


def positive(value: Any) -> int | None:
    """A published amount, or None for 0, blanks and garbage (both boards write 0 for 'not given')."""
    try:
        amount = round(float(value))
    except (TypeError, ValueError):
        return None
    return amount if amount > 0 else None


def roubles(amount: int | None, rate: float | None) -> int | None:
    """``amount`` in roubles; ``rate`` is units of the currency per rouble (hh.ru's convention)."""
    if amount is None or not rate:
        return None
    return round(amount / rate)


def finish(row: dict[str, Any], description_html: str | None) -> dict[str, Any]:
    """Add the sanitised description and the content hash to a canonical row."""
    row["description_html"] = description_html or ""
    row["description_safe"] = sanitize_html(description_html)
    row["description_text"] = html_to_text(description_html)
    row["content_hash"] = content_hash(row)
    return row
