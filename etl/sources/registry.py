"""The one way to open a board's adapter (which boards run: :mod:`domain.sources`).

A new board costs a package under ``etl/sources/``, a line in :data:`ADAPTERS` and one in
:data:`domain.sources.SOURCES`.
"""

from __future__ import annotations

from typing import Any

from core.settings import Settings
from etl.sources.base import Source
from etl.sources.hh.source import HH
from etl.sources.superjob import SuperJob
from etl.sources.trudvsem import Trudvsem

ADAPTERS: dict[str, Any] = {"hh": HH, "trudvsem": Trudvsem, "superjob": SuperJob}


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
