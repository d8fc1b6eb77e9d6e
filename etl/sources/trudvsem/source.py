"""Trudvsem as a source: complete searches although deep pages are unreliable.

``offset`` is a page index and ``limit`` at most 100. Reports from 2026 (unverified) say deep
pages fail: HTTP 500 from some page on, or 200 with no records for any ``offset > 0``. The
source learns the depth that works (the first page that fails for good, or comes back empty
while ``total`` says there is more) and never asks past it again. A query whose ``total`` is
beyond that depth is read again region by region (``vacancies/region/{code}``, every federal
subject), each region paged to the same depth; a region still beyond it is read again in halves
of its window (whole UTC days, while ``modifiedFrom`` works), down to single days; only a day of
one region beyond the depth is reported truncated.
``found`` is the board's total, ``received`` the distinct vacancies delivered.

``modifiedFrom`` / ``modifiedTo`` narrow the search to the window widened to whole UTC days (the
documented format is ``YYYY-MM-DDT00:00:00Z``). They were seen to give HTTP 500 in 2026: when
the first page fails for good with them, the search goes on without them (a superset; noted).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from core.settings import Settings
from etl.sources.base import ClientSource, Criteria, Page, SearchResult, UnavailableError
from etl.sources.crawl import Crawl
from etl.sources.trudvsem.client import MAX_LIMIT, TrudvsemClient, total_of, vacancies_of
from etl.sources.trudvsem.regions import REGION_OF_AREA, REGIONS
from etl.sources.trudvsem.transform import transform
from etl.windows import Window

NOMINAL_PAGES = 500  # reported: with limit 100, offsets from 500 on answer HTTP 500
_SKIPPED = object()


@dataclass(eq=False)
class _Cell:
    region: str | None  # None: the query for the whole country
    window: Window | None = None  # None: the search's window
    total: int = 0
    outstanding: int = 0
    short: bool = False  # some of it could not be reached

    @property
    def key(self) -> str:
        where = f"region/{self.region}" if self.region else "all"
        return f"{where}@{_day(self.window.start)[:10]}" if self.window else where


def day_halves(window: Window) -> list[Window] | None:
    """``window`` widened to whole UTC days and cut in two at a midnight; None for a single day."""
    start = window.start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = math.ceil((window.end - start) / timedelta(days=1))
    if days < 2:
        return None
    middle = start + timedelta(days=days // 2)
    return [Window(max(window.start, start), middle), Window(middle, window.end)]


def day_params(window: Window) -> list[tuple[str, str]]:
    """``modifiedFrom`` / ``modifiedTo`` for ``window`` widened to whole UTC days."""
    start = window.start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = window.end.astimezone(UTC)
    if end != end.replace(hour=0, minute=0, second=0, microsecond=0):
        end = end.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return [("modifiedFrom", _day(start)), ("modifiedTo", _day(end))]


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT00:00:00Z")


class Trudvsem(ClientSource):
    """The Trudvsem adapter (:class:`etl.sources.base.Source`)."""

    name: ClassVar[str] = "trudvsem"
    items_path: ClassVar[tuple[str, ...]] = ("results", "vacancies")

    def __init__(
        self, client: TrudvsemClient, *, area_names: dict[str, str] | None = None, limit: int = MAX_LIMIT
    ) -> None:
        super().__init__(client)
        self.client: TrudvsemClient = client
        self.area_names = area_names
        self.limit = max(1, min(limit, MAX_LIMIT))
        self.reachable_pages: int | None = None  # learnt: pages one query can reach
        self.window_works = True
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, *, area_names: dict[str, str] | None = None) -> Trudvsem:
        return cls(TrudvsemClient.from_settings(settings), area_names=area_names)

    @property
    def depth(self) -> int:
        return (self.reachable_pages or NOMINAL_PAGES) * self.limit

    def unsupported(self, criteria: Criteria) -> list[str]:
        names = [n for n in criteria.given() if n != "areas"]
        if any(area not in REGION_OF_AREA for area in criteria.areas):
            names.insert(0, "areas")
        return names

    def vacancy(self, source_id: str) -> dict[str, Any]:
        company, _, vacancy_id = source_id.partition("/")
        return self.client.vacancy(company, vacancy_id)

    def transform(self, item: dict[str, Any]) -> dict[str, Any]:
        return transform(item, self.area_names)

    # -- search --------------------------------------------------------------------------------

    def _learn(self, page: int) -> None:
        with self._lock:
            if self.reachable_pages is None or page < self.reachable_pages:
                self.reachable_pages = max(1, page)

    def _fetch(self, task: tuple[_Cell, int], base: list[tuple[str, str]], window: Window) -> Any:
        cell, page = task
        if self.reachable_pages is not None and page >= self.reachable_pages:
            return _SKIPPED
        params = list(base)
        if self.window_works:
            params += day_params(cell.window or window)
        params += [("offset", str(page)), ("limit", str(self.limit))]
        try:
            return self.client.vacancies(params, cell.region)
        except UnavailableError:
            if page > 0:  # learnt here, so the pages queued behind it are not asked
                self._learn(page)
            raise

    def search(
        self, criteria: Criteria, window: Window, result: SearchResult | None = None
    ) -> Iterator[Page]:
        result = result if result is not None else SearchResult()
        base = [("text", criteria.text)] if criteria.text else []
        regions = list(dict.fromkeys(REGION_OF_AREA[a] for a in criteria.areas if a in REGION_OF_AREA))
        if criteria.areas and len(regions) < len(criteria.areas):
            result.notes.append("areas outside Trudvsem's region table: searched the whole country")
            regions = []
        crawl: Crawl[tuple[_Cell, int], Any] = Crawl(
            lambda task: self._fetch(task, base, window), workers=self.concurrency, name=self.name
        )
        seen: set[str] = set()
        fallback_total = 0

        def add(cell: _Cell, page: int) -> None:
            cell.outstanding += 1
            crawl.add((cell, page))

        top = [_Cell(code) for code in regions] or [_Cell(None)]
        for cell in top:
            add(cell, 0)
        for (cell, page), payload, error in crawl:
            cell.outstanding -= 1
            if error is not None:
                if not isinstance(error, UnavailableError):
                    raise error
                if page == 0 and self.window_works:
                    self.window_works = False
                    result.notes.append("modifiedFrom/modifiedTo fail: searched without the window")
                    add(cell, 0)
                elif page == 0:
                    raise error
                else:
                    self._learn(page)
                    cell.short = True
            elif payload is _SKIPPED:
                cell.short = True
            else:
                items = vacancies_of(payload)
                if page == 0:
                    cell.total = total_of(payload)
                    if cell in top:
                        result.found += cell.total
                    elif cell.window is None:  # a region's halves are counted in the region
                        fallback_total += cell.total
                    for later in range(1, math.ceil(cell.total / self.limit)):
                        add(cell, later)
                if items or page == 0 or page * self.limit >= cell.total:
                    result.pages += 1
                    seen.update(f"{(i.get('company') or {}).get('companycode')}/{i.get('id')}" for i in items)
                    result.received = len(seen)
                    yield Page(f"{cell.key}#{page}", items, payload)
                else:  # empty although the total says there is more: the depth that works
                    self._learn(page)
                    cell.short = True
            if cell.outstanding == 0 and cell.short:
                halves = day_halves(cell.window or window) if self.window_works else None
                if cell.region is None:  # beyond reach as one query: read it region by region
                    result.notes.append(f"{cell.total} found but only {self.depth} reachable: by region")
                    for code in REGIONS:
                        add(_Cell(code), 0)
                elif halves:  # a region beyond reach: its days apart (modifiedFrom/To work)
                    for half in halves:
                        add(_Cell(cell.region, half), 0)
                else:
                    result.truncated.append(cell.key)
        if fallback_total and fallback_total < result.found:
            result.notes.append(f"regions add up to {fallback_total} of {result.found}")
        return
