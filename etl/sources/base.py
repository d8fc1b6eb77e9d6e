"""What every vacancy source is: the adapter interface, its pages, results and error kinds.

A source talks to one board and returns plain data; it never touches the database. The harvest
asks it for the pages of a search (source-neutral :class:`Criteria` in a publication
:class:`~etl.windows.Window`), for one vacancy, and to turn a board's item into a
:data:`canonical vacancy <CANONICAL_KEYS>`. Every failure a board can give is one of five
kinds (:mod:`etl.sources.errors`), so the harvest branches on kinds, never on a board's classes:

* ``auth``: the key or token is missing, wrong or revoked: stop this source, tell the operator;
* ``captcha``: the board wants a human: stop this source, the others go on;
* ``not_found``: the vacancy is gone: it is closed;
* ``unavailable``: the board kept failing (5xx, 429, network) after every retry;
* ``limit``: the request asks for more than the board serves (depth, page size, a parameter).

hh.ru's errors (:mod:`etl.sources.hh.client`) are these kinds too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from etl.sources.errors import (
    ERROR_KINDS,
    AuthError,
    CaptchaError,
    LimitError,
    NotFoundError,
    SourceError,
    UnavailableError,
)
from etl.sources.http import ClientStats, JsonClient
from etl.windows import Window

__all__ = [
    "CANONICAL_KEYS",
    "ERROR_KINDS",
    "SOURCES",
    "AuthError",
    "CaptchaError",
    "ClientSource",
    "Criteria",
    "LimitError",
    "NotFoundError",
    "Page",
    "SearchResult",
    "Source",
    "SourceError",
    "UnavailableError",
    "VacancyRows",
]

SOURCES = ("hh", "trudvsem", "superjob")

# The keys of a canonical vacancy, as every source's ``transform`` returns them.
CANONICAL_KEYS = (
    "source",  # "hh" | "trudvsem" | "superjob"
    "source_id",  # the board's own id, as a string
    "title",
    "employer_id",  # the board's id of the employer, None where it has none
    "employer_name",
    "employer_inn",  # None where the board does not publish it
    "area_id",  # an hh.ru area id (the canonical area vocabulary), None when unmapped
    "area_name",  # as the board names it
    "salary_from",  # as published (None: not given)
    "salary_to",
    "salary_currency",  # as published ("руб.", "rub", "RUR", …)
    "salary_from_rub",  # monthly roubles
    "salary_to_rub",
    "experience_id",  # core.searches.EXPERIENCE, None when unknown
    "employment_id",  # core.searches.EMPLOYMENT_FORMS, None when unknown
    "work_format_ids",  # core.searches.WORK_FORMATS
    "published_at",  # aware datetime
    "url",  # the vacancy on its own board
    "description_html",  # as the board wrote it (never rendered)
    "description_safe",  # sanitised HTML (etl.transform.sanitize_html)
    "description_text",
    "skills",
    "closed",  # the board says it is closed or archived
    "content_hash",  # etl.transform.content_hash of the other keys
)


@dataclass(frozen=True)
class Criteria:
    """A search in one vocabulary: hh.ru's ids (core/searches.py) are the canonical lists."""

    text: str = ""
    areas: tuple[str, ...] = ()  # hh.ru area ids
    professional_roles: tuple[str, ...] = ()
    experience: tuple[str, ...] = ()  # core.searches.EXPERIENCE
    employment_forms: tuple[str, ...] = ()  # core.searches.EMPLOYMENT_FORMS
    work_formats: tuple[str, ...] = ()  # core.searches.WORK_FORMATS
    salary: int | None = None  # monthly roubles
    only_with_salary: bool = False
    search_fields: tuple[str, ...] = ()  # core.searches.SEARCH_FIELDS (hh.ru only)
    schedules: tuple[str, ...] = ()  # core.searches.SCHEDULES (hh.ru only)
    currency: str = "RUR"  # of ``salary``

    @classmethod
    def of(cls, search: Any) -> Criteria:
        """The criteria of a :class:`core.searches.SavedSearch` (or anything shaped like one)."""
        return cls(
            text=search.text or "",
            areas=tuple(search.areas),
            professional_roles=tuple(search.professional_roles),
            experience=tuple(search.experience),
            employment_forms=tuple(search.employment_forms),
            work_formats=tuple(search.work_formats),
            salary=search.salary,
            only_with_salary=bool(search.only_with_salary),
            search_fields=tuple(getattr(search, "search_fields", ()) or ()),
            schedules=tuple(getattr(search, "schedules", ()) or ()),
            currency=getattr(search, "currency", None) or "RUR",
        )

    def given(self) -> list[str]:
        """Names of the criteria that are set (what a source must express or admit it cannot)."""
        return [
            name
            for name in self.__dataclass_fields__
            if name not in ("text", "currency") and getattr(self, name)
        ]


@dataclass(frozen=True)
class Page:
    """One answer of a board: ``key`` names it for the landing zone; ``items`` are the board's items."""

    key: str
    items: list[dict[str, Any]]
    payload: Any


@dataclass
class SearchResult:
    """The figures of one search, filled in as its pages arrive (kept when a page fails).

    ``found`` is what the board says the query matches; ``received`` the distinct items actually
    delivered. They differ when the board cannot serve everything (``truncated`` names the
    slices or cells left incomplete): the audit says both.
    """

    found: int = 0
    received: int = 0
    pages: int = 0
    truncated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.truncated and self.received >= self.found


@dataclass(frozen=True)
class VacancyRows:
    """What the harvest stores of one item: its ``t01_jh_vacancies`` values (named by ``source`` and
    ``source_id``), its ``t06_jh_details`` values when the item carries the full text (without
    ``vacancy_id``), and whether the board says it is closed."""

    vacancy: dict[str, Any]
    details: dict[str, Any] | None
    closed: bool


@runtime_checkable
class Source(Protocol):
    """A vacancy board. Implementations live in ``etl/sources/<name>/``."""

    name: ClassVar[str]
    items_path: ClassVar[tuple[str, ...]]  # where a landed page keeps its items
    details_in_items: ClassVar[bool]  # False: each vacancy is fetched for its full text
    stats: ClientStats

    @property
    def depth(self) -> int:
        """Items one query can reach by paging (the board's cap, or what was learnt of it)."""
        ...

    @property
    def rate_limit(self) -> float:
        """Requests per second this source sends at most."""
        ...

    @property
    def concurrency(self) -> int:
        """Requests in flight at most."""
        ...

    def unsupported(self, criteria: Criteria) -> list[str]:
        """Names of criteria this board cannot filter by (the search runs without them)."""
        ...

    def search(
        self, criteria: Criteria, window: Window, result: SearchResult | None = None
    ) -> Iterator[Page]:
        """Every page of ``criteria`` in ``window``, splitting past the depth cap; figures in ``result``."""
        ...

    def vacancy(self, source_id: str) -> dict[str, Any]:
        """The full vacancy; :class:`NotFoundError` when it is gone (closed)."""
        ...

    def transform(self, item: dict[str, Any]) -> dict[str, Any]:
        """A board's item (search item or full vacancy) as a canonical vacancy."""
        ...

    def rows(self, item: dict[str, Any]) -> VacancyRows:
        """What the harvest stores of a search item."""
        ...

    def detail_row(self, vacancy: dict[str, Any], source_hash: str) -> dict[str, Any]:
        """``t06_jh_details`` values (without ``vacancy_id``) of a full vacancy."""
        ...

    def close(self) -> None: ...


class ClientSource:
    """What the sources built on one :class:`~etl.sources.http.JsonClient` share; a board whose
    items are :data:`canonical <CANONICAL_KEYS>` stores them through :mod:`etl.sources.rows`."""

    details_in_items: ClassVar[bool] = True

    def __init__(self, client: JsonClient) -> None:
        self.client = client
        self.stats = client.stats

    @property
    def rate_limit(self) -> float:
        return self.client.rate_limit

    @property
    def concurrency(self) -> int:
        return self.client.concurrency

    def close(self) -> None:
        self.client.close()

    def rows(self, item: dict[str, Any]) -> VacancyRows:
        from etl.sources.rows import canonical_rows

        return canonical_rows(self.transform(item))  # type: ignore[attr-defined]

    def detail_row(self, vacancy: dict[str, Any], source_hash: str) -> dict[str, Any]:
        details = self.rows(vacancy).details
        assert details is not None
        return details | {"source_hash": source_hash}

    def __enter__(self) -> ClientSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
