"""SuperJob as a source: the publication window split until every slice fits the depth cap.

Results are reported reachable only to depth 500 (``page × count``; unverified). Like hh.ru's
2,000 (:mod:`etl.sources.hh.source`), a slice that finds more is split into publication-time slices sized
from ``total`` and each is paged separately; only a 5-minute slice beyond the cap is truncated,
and reported. ``date_published_from`` / ``date_published_to`` are Unix seconds (unverified
whether ``to`` is inclusive: a vacancy on a boundary may come in two slices and is counted once).
Should SuperJob ignore them (an item published outside its slice comes back), the search stops
splitting, reads what the cap allows and says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, ClassVar

from core.settings import Settings
from etl.sources.base import ClientSource, Criteria, Page, SearchResult
from etl.sources.crawl import Crawl
from etl.sources.superjob.client import MAX_COUNT, SuperJobClient
from etl.sources.superjob.towns import TOWN_OF_AREA
from etl.sources.superjob.transform import transform
from etl.windows import Window

DEPTH = 500
SLICE_TARGET = 450  # aim below the cap: publications are not spread evenly in time
_SUPPORTED = {"areas", "salary", "only_with_salary"}


def window_params(window: Window) -> list[tuple[str, str]]:
    return [
        ("date_published_from", str(int(window.start.timestamp()))),
        ("date_published_to", str(int(window.end.timestamp()))),
    ]


class SuperJob(ClientSource):
    """The SuperJob adapter (:class:`etl.sources.base.Source`)."""

    name: ClassVar[str] = "superjob"
    items_path: ClassVar[tuple[str, ...]] = ("objects",)

    def __init__(
        self,
        client: SuperJobClient,
        *,
        rates: dict[str, float] | None = None,
        area_names: dict[str, str] | None = None,
        count: int = MAX_COUNT,
    ) -> None:
        super().__init__(client)
        self.client: SuperJobClient = client
        self.rates = rates
        self.area_names = area_names
        self.count = max(1, min(count, MAX_COUNT))

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        rates: dict[str, float] | None = None,
        area_names: dict[str, str] | None = None,
    ) -> SuperJob:
        return cls(SuperJobClient.from_settings(settings), rates=rates, area_names=area_names)

    @property
    def depth(self) -> int:
        return DEPTH

    def unsupported(self, criteria: Criteria) -> list[str]:
        names = [n for n in criteria.given() if n not in _SUPPORTED]
        if any(area not in TOWN_OF_AREA for area in criteria.areas):
            names.insert(0, "areas")
        return names

    def vacancy(self, source_id: str) -> dict[str, Any]:
        return self.client.vacancy(source_id)

    def transform(self, item: dict[str, Any]) -> dict[str, Any]:
        return transform(item, self.rates, self.area_names)

    def params(self, criteria: Criteria) -> list[tuple[str, str]]:
        """SuperJob's parameters for ``criteria`` (what it cannot express is left out)."""
        params = [("count", str(self.count))]
        if criteria.text:
            params.append(("keyword", criteria.text))
        towns = [TOWN_OF_AREA[a] for a in criteria.areas if a in TOWN_OF_AREA]
        if len(towns) == len(criteria.areas):  # else the whole country: a superset, never less
            params += [("t[]", str(t)) for t in towns]
        if criteria.salary:
            params.append(("payment_from", str(criteria.salary)))
        if criteria.only_with_salary:
            params.append(("no_agreement", "1"))
        return params

    def search(
        self, criteria: Criteria, window: Window, result: SearchResult | None = None
    ) -> Iterator[Page]:
        result = result if result is not None else SearchResult()
        base = self.params(criteria)
        window_ignored = False

        def fetch(task: tuple[Window, int]) -> dict[str, Any]:
            slice_, page = task
            return self.client.vacancies([*base, *window_params(slice_), ("page", str(page))])

        crawl: Crawl[tuple[Window, int], dict[str, Any]] = Crawl(
            fetch, workers=self.concurrency, name=self.name
        )
        crawl.add((window, 0))
        seen: set[str] = set()
        top = True
        for (slice_, page), payload, error in crawl:
            if error is not None:
                raise error
            assert payload is not None
            objects = [o for o in payload.get("objects") or [] if isinstance(o, dict)]
            if page == 0:
                total = int(payload.get("total") or 0)
                if top:
                    result.found, top = total, False
                lo, hi = slice_.start.timestamp() - 1, slice_.end.timestamp() + 1
                if not window_ignored and any(
                    not lo <= float(o.get("date_published") or lo) <= hi for o in objects
                ):
                    window_ignored = True
                    result.notes.append("SuperJob ignores date_published_from/to: read to its depth only")
                if total > DEPTH and slice_.can_split() and not window_ignored:
                    for part in slice_.split(math.ceil(total / SLICE_TARGET)):
                        crawl.add((part, 0))
                    continue
                if total > DEPTH:
                    result.truncated.append(slice_.key)
                for later in range(1, min(math.ceil(total / self.count), DEPTH // self.count)):
                    crawl.add((slice_, later))
            result.pages += 1
            seen.update(str(o.get("id")) for o in objects)
            result.received = len(seen)
            yield Page(f"{slice_.key}#{page}", objects, payload)
