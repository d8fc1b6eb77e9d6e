"""Which boards run, and the one way to open a board's adapter.

``JH_SOURCES`` names the boards to harvest; unset, every board that can run does: Trudvsem always
(its open data API needs no key), hh.ru with an application token, SuperJob with an application
key. A search runs on the boards it names (``t07_jh_hhparsers.sources``) that are enabled, or on
every enabled board when it names none. A new board costs a line in :data:`ADAPTERS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.settings import Settings
from domain.sources import SOURCES
from etl.sources.base import Source
from etl.sources.hh.source import HH
from etl.sources.superjob import SuperJob
from etl.sources.trudvsem import Trudvsem

ADAPTERS: dict[str, Any] = {"hh": HH, "trudvsem": Trudvsem, "superjob": SuperJob}


@dataclass(frozen=True)
class SourceStatus:
    name: str
    runs: bool
    reason: str


def statuses(settings: Settings) -> list[SourceStatus]:
    """Every board, whether it runs, and why (not)."""
    chosen = settings.sources.split(",") if settings.sources else None
    result = []
    for name in SOURCES:
        can, why = _can_run(name, settings)
        if chosen is not None and name not in chosen:
            result.append(SourceStatus(name, False, "not in JH_SOURCES"))
        elif not can:
            result.append(SourceStatus(name, False, why))
        else:
            result.append(SourceStatus(name, True, why if chosen is None else f"{why}; in JH_SOURCES"))
    return result


def _can_run(name: str, settings: Settings) -> tuple[bool, str]:
    if name == "trudvsem":
        return True, "open data, no key needed"
    if name == "hh":
        if settings.hh_token:
            return True, "application token configured"
        return False, "no application token (JH_HH_APP_TOKEN or `jobhunter hh login`)"
    if settings.superjob_key:
        return True, "application key configured"
    return False, "no application key (JH_SUPERJOB_APP_KEY)"


def enabled(settings: Settings) -> list[str]:
    """The boards that run, in :data:`~domain.sources.SOURCES` order."""
    if settings.sources:  # an explicit choice runs as asked: a missing key shows as its auth error
        return settings.sources.split(",")
    return [s.name for s in statuses(settings) if s.runs]


def sources_of(search_sources: Sequence[str], settings: Settings) -> list[str]:
    """The boards one saved search runs on."""
    on = enabled(settings)
    return [name for name in on if not search_sources or name in search_sources]


def open_source(
    name: str,
    settings: Settings,
    *,
    rates: dict[str, float] | None = None,
    area_names: dict[str, str] | None = None,
) -> Source:
    """The adapter of board ``name`` (close it after use). ``rates`` (hh.ru's currency rates) and
    ``area_names`` (hh.ru's areas by name) are the canonical vocabularies its transform maps onto."""
    adapter = ADAPTERS[name]
    if name == "hh":
        return adapter.from_settings(settings, rates=rates)
    if name == "trudvsem":
        return adapter.from_settings(settings, area_names=area_names)
    return adapter.from_settings(settings, rates=rates, area_names=area_names)
