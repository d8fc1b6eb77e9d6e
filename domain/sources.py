"""The vacancy boards Job Hunter harvests, as the rest of the product names and links them.

The adapters that talk to each board live in ``etl/sources/<name>/``; this module is what the
web app, Telegram and the CLI need to know about a source without importing them: its name,
its label, where a vacancy of it lives, and which search criteria it can filter by (a
criterion it cannot is shown in the editor, and the search runs on that board without it).
"""

from __future__ import annotations

from collections.abc import Iterable

SOURCES = ("hh", "trudvsem", "superjob")

LABELS = {"hh": "hh.ru", "trudvsem": "Работа России", "superjob": "SuperJob"}
LABELS_EN = {"hh": "hh.ru", "trudvsem": "Trudvsem (Work in Russia)", "superjob": "SuperJob"}

#: The search criteria (names of :class:`etl.sources.base.Criteria` fields) each board filters by.
#: hh.ru's vocabulary is the canonical one, so it takes every criterion.
FILTERS: dict[str, frozenset[str]] = {
    "hh": frozenset(
        {
            "text",
            "areas",
            "professional_roles",
            "experience",
            "employment_forms",
            "work_formats",
            "salary",
            "only_with_salary",
        }
    ),
    "trudvsem": frozenset({"text", "areas"}),
    "superjob": frozenset({"text", "areas", "salary", "only_with_salary"}),
}


def label(source: str, lang: str = "ru") -> str:
    """How a person reads the source's name."""
    return (LABELS_EN if lang == "en" else LABELS).get(source, source)


def unsupported(source: str, given: Iterable[str]) -> list[str]:
    """The criteria among ``given`` (names of set criteria) that ``source`` cannot filter by."""
    filters = FILTERS.get(source, frozenset())
    return [name for name in given if name not in filters]


def check(sources: Iterable[str]) -> list[str]:
    """``sources`` without repeats, each a known source; ``ValueError`` names an unknown one."""
    chosen = list(dict.fromkeys(sources))
    for name in chosen:
        if name not in SOURCES:
            raise ValueError(f"unknown source {name!r}; use one of: {', '.join(SOURCES)}")
    return chosen
