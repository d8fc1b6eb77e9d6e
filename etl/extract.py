"""Extract: page through ``GET /vacancies`` for one saved search and land every answer.

hh.ru never returns more than 2,000 items for one query (``(page+1)·per_page ≤ 2000``).
When a window finds more, it is split into publication-time slices sized from ``found``
and each slice is paged separately, so nothing is lost; only a 5-minute slice that still
finds more than 2,000 can be truncated, and that is reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from core.searches import SavedSearch
from etl.hh_client import HHClient
from etl.windows import Window

PER_PAGE = 100
DEPTH = 2000
SLICE_TARGET = 1800  # aim below the cap: publications are not spread evenly in time

Land = Callable[[str, dict[str, Any]], None]
Progress = Callable[[int, int | None], None]
"""``progress(items, found)``: more items landed; ``found`` is the total once known, else None."""


def search_params(search: SavedSearch) -> list[tuple[str, str]]:
    """hh.ru query parameters for a saved search (without window and page)."""
    params: list[tuple[str, str]] = [
        ("per_page", str(PER_PAGE)),
        ("order_by", "publication_time"),
        ("no_magic", "true"),
    ]
    if search.text:
        params.append(("text", search.text))
    params += [("search_field", v) for v in search.search_fields]
    params += [("area", v) for v in search.areas]
    params += [("professional_role", v) for v in search.professional_roles]
    params += [("experience", v) for v in search.experience]
    params += [("work_format", v) for v in search.work_formats]
    params += [("employment_form", v) for v in search.employment_forms]
    params += [("schedule", v) for v in search.schedules]
    if search.salary:
        params += [("salary", str(search.salary)), ("currency", search.currency)]
    if search.only_with_salary:
        params.append(("only_with_salary", "true"))
    return params


@dataclass
class ExtractResult:
    pages: int = 0
    found: int = 0
    items: int = 0
    truncated: list[str] = field(default_factory=list)


def extract(
    client: HHClient,
    params: list[tuple[str, str]],
    window: Window,
    land: Land,
    progress: Progress | None = None,
    result: ExtractResult | None = None,
) -> ExtractResult:
    """Fetch every page of ``params`` in ``window``; ``land(key, payload)`` keeps each answer.

    Pass ``result`` to keep the figures reached so far when a page fails (they are filled in as
    the pages land).
    """
    result = result if result is not None else ExtractResult()
    top = True

    def fetch(slice_: Window, page: int) -> tuple[Window, int, dict[str, Any]]:
        payload = client.search([*params, *slice_.params(), ("page", str(page))])
        return slice_, page, payload

    with ThreadPoolExecutor(client.concurrency, thread_name_prefix="hh-search") as pool:
        pending: set[Future[tuple[Window, int, dict[str, Any]]]] = {pool.submit(fetch, window, 0)}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    slice_, page, payload = future.result()
                    found = int(payload.get("found") or 0)
                    if top:
                        result.found, top = found, False
                        if progress:
                            progress(0, found)
                    if page == 0 and found > DEPTH and slice_.can_split():
                        parts = math.ceil(found / SLICE_TARGET)
                        pending |= {pool.submit(fetch, part, 0) for part in slice_.split(parts)}
                        continue
                    if page == 0:
                        if found > DEPTH:
                            result.truncated.append(slice_.key)
                        pages = min(int(payload.get("pages") or 0), DEPTH // PER_PAGE)
                        pending |= {pool.submit(fetch, slice_, p) for p in range(1, pages)}
                    land(f"{slice_.key}#{page}", payload)
                    result.pages += 1
                    result.items += len(payload.get("items") or [])
                    if progress:
                        progress(len(payload.get("items") or []), None)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return result
