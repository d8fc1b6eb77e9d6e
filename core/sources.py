"""The boards Job Hunter knows, as the data model names them (``t01.source`` accepts these only).

What each board can filter by and whether it runs lives in :mod:`domain.sources`; this is the
bottom layer's part, so settings and saved searches can validate names without importing it.
"""

from __future__ import annotations

from collections.abc import Iterable

SOURCES = ("hh", "trudvsem", "superjob")


def check(sources: Iterable[str]) -> list[str]:
    """``sources`` without repeats, each a known source; ``ValueError`` names an unknown one."""
    chosen = list(dict.fromkeys(sources))
    for name in chosen:
        if name not in SOURCES:
            raise ValueError(f"unknown source {name!r}; use one of: {', '.join(SOURCES)}")
    return chosen
