"""The vacancy boards Job Hunter harvests, as the rest of the product names and links them.

The adapters that talk to each board live in ``etl/sources/<name>/``; this module is what the
web app, Telegram and the CLI need to know about a source without importing them: its name,
its label, which search criteria it can filter by (a criterion it cannot is shown in the
editor, and the search runs on that board without it), and which boards run.

``JH_SOURCES`` names the boards to harvest; unset, every board that can run does: Trudvsem always
(its open data API needs no key), hh.ru with an application token, SuperJob with an application
key. A search runs on the boards it names (``t07_jh_hhparsers.sources``) that are enabled, or on
every enabled board when it names none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.sources import SOURCES, check

__all__ = ["SOURCES", "check"]  # re-exported: the interfaces name boards through this module

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


@dataclass(frozen=True)
class SourceStatus:
    name: str
    runs: bool
    reason: str


def statuses(settings: Any) -> list[SourceStatus]:
    """Every board, whether it runs, and why (not); ``settings`` is a :class:`core.settings.Settings`."""
    chosen = settings.sources.split(",") if settings.sources else None
    result = []
    for name in SOURCES:
        can, why = _can_run(name, settings)
        if chosen is not None and name not in chosen:
            result.append(SourceStatus(name, False, "not in JH_SOURCES"))
        elif not can and chosen is not None:  # asked for: it runs, and each job records the refusal
            result.append(SourceStatus(name, True, f"in JH_SOURCES, but {why}: its harvests fail (auth)"))
        elif not can:
            result.append(SourceStatus(name, False, why))
        else:
            result.append(SourceStatus(name, True, why if chosen is None else f"{why}; in JH_SOURCES"))
    return result


def _can_run(name: str, settings: Any) -> tuple[bool, str]:
    if name == "trudvsem":
        return True, "open data, no key needed"
    if name == "hh":
        if settings.hh_token:
            return True, "application token configured"
        return False, "no application token (JH_HH_APP_TOKEN or `jobhunter hh login`)"
    if settings.superjob_key:
        return True, "application key configured"
    return False, "no application key (JH_SUPERJOB_APP_KEY)"


def enabled(settings: Any) -> list[str]:
    """The boards that run, in :data:`SOURCES` order."""
    return [s.name for s in statuses(settings) if s.runs]


def sources_of(search_sources: Sequence[str], settings: Any) -> list[str]:
    """The boards one saved search runs on."""
    return [name for name in enabled(settings) if not search_sources or name in search_sources]
