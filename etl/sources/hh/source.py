"""hh.ru as a source: the publication window split until every slice fits the 2,000 cap.

hh.ru never returns more than 2,000 items for one query (``(page+1)·per_page ≤ 2000``). When a
window finds more, it is split into publication-time slices sized from ``found`` and each slice
is paged separately, so nothing is lost; only a 5-minute slice that still finds more than 2,000
can be truncated, and that is reported. hh.ru's ids are the canonical vocabulary, so every
criterion is passed as it is. A search item lacks the description and key skills: the harvest
fetches each new or changed vacancy (:meth:`HH.vacancy`) in its details step.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, ClassVar

from core.settings import Settings
from etl.sources.base import ClientSource, Criteria, Page, SearchResult, VacancyRows
from etl.sources.crawl import Crawl
from etl.sources.hh.client import HHClient
from etl.transform import details_row, vacancy_row
from etl.windows import Window

PER_PAGE = 100
DEPTH = 2000
SLICE_TARGET = 1800  # aim below the cap: publications are not spread evenly in time


def search_params(criteria: Criteria) -> list[tuple[str, str]]:
    """hh.ru query parameters for ``criteria`` (without window and page)."""
    params: list[tuple[str, str]] = [
        ("per_page", str(PER_PAGE)),
        ("order_by", "publication_time"),
        ("no_magic", "true"),
    ]
    if criteria.text:
        params.append(("text", criteria.text))
    params += [("search_field", v) for v in criteria.search_fields]
    params += [("area", v) for v in criteria.areas]
    params += [("professional_role", v) for v in criteria.professional_roles]
    params += [("experience", v) for v in criteria.experience]
    params += [("work_format", v) for v in criteria.work_formats]
    params += [("employment_form", v) for v in criteria.employment_forms]
    params += [("schedule", v) for v in criteria.schedules]
    if criteria.salary:
        params += [("salary", str(criteria.salary)), ("currency", criteria.currency)]
    if criteria.only_with_salary:
        params.append(("only_with_salary", "true"))
    return params


class HH(ClientSource):
    """The hh.ru adapter (:class:`etl.sources.base.Source`)."""

    name: ClassVar[str] = "hh"
    items_path: ClassVar[tuple[str, ...]] = ("items",)
    details_in_items: ClassVar[bool] = False

    def __init__(self, client: HHClient, *, rates: dict[str, float] | None = None) -> None:
        super().__init__(client)
        self.client: HHClient = client
        self.rates = {"RUR": 1.0} | (rates or {})

    @classmethod
    def from_settings(cls, settings: Settings, *, rates: dict[str, float] | None = None, **_: Any) -> HH:
        return cls(HHClient.from_settings(settings), rates=rates)

    @property
    def depth(self) -> int:
        return DEPTH

    def unsupported(self, criteria: Criteria) -> list[str]:
        return []

    def vacancy(self, source_id: str) -> dict[str, Any]:
        return self.client.vacancy(source_id)

    def rows(self, item: dict[str, Any]) -> VacancyRows:
        row = vacancy_row(item, self.rates)  # its hash includes hh.ru's id, as stored before 0009
        row["source"], row["source_id"] = self.name, str(row.pop("id"))
        return VacancyRows(row, None, bool(item.get("archived")))

    def detail_row(self, vacancy: dict[str, Any], source_hash: str) -> dict[str, Any]:
        """``t06_jh_details`` values (without ``vacancy_id``) of a full vacancy."""
        row = details_row(vacancy, source_hash)
        del row["vacancy_id"]
        return row

    def transform(self, item: dict[str, Any]) -> dict[str, Any]:
        row = self.rows(item).vacancy
        description = item.get("description")
        return {
            "source": self.name,
            "source_id": row["source_id"],
            "title": row["name"],
            "employer_id": row["employer_id"],
            "employer_name": row["employer_name"],
            "employer_inn": None,
            **{
                k: row[k]
                for k in (
                    "area_id",
                    "area_name",
                    "salary_from",
                    "salary_to",
                    "salary_currency",
                    "salary_from_rub",
                    "salary_to_rub",
                    "experience_id",
                    "employment_id",
                    "work_format_ids",
                    "published_at",
                    "url",
                )
            },
            "description_html": description,
            "description_safe": None,
            "description_text": None,
            "skills": [s.get("name") for s in item.get("key_skills") or [] if isinstance(s, dict)],
            "closed": bool(item.get("archived")),
            "content_hash": row["content_hash"],
        }

    def search(
        self, criteria: Criteria, window: Window, result: SearchResult | None = None
    ) -> Iterator[Page]:
        result = result if result is not None else SearchResult()
        params = search_params(criteria)

        def fetch(task: tuple[Window, int]) -> dict[str, Any]:
            slice_, page = task
            return self.client.search([*params, *slice_.params(), ("page", str(page))])

        crawl: Crawl[tuple[Window, int], dict[str, Any]] = Crawl(
            fetch, workers=self.concurrency, name="hh-search"
        )
        crawl.add((window, 0))
        seen: set[str] = set()
        top = True
        for (slice_, page), payload, error in crawl:
            if error is not None:
                raise error
            assert payload is not None
            found = int(payload.get("found") or 0)
            if top:
                result.found, top = found, False
            if page == 0 and found > DEPTH and slice_.can_split():
                for part in slice_.split(math.ceil(found / SLICE_TARGET)):
                    crawl.add((part, 0))
                continue
            if page == 0:
                if found > DEPTH:
                    result.truncated.append(slice_.key)
                pages = min(int(payload.get("pages") or 0), DEPTH // PER_PAGE)
                for later in range(1, pages):
                    crawl.add((slice_, later))
            items = [i for i in payload.get("items") or [] if isinstance(i, dict)]
            result.pages += 1
            seen.update(str(i.get("id")) for i in items)
            result.received = len(seen)
            yield Page(f"{slice_.key}#{page}", items, payload)
