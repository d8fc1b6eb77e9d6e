"""AG Grid's infinite-row-model requests, translated into SQLAlchemy for one user's vacancies.

Everything the browser sends (``sortModel``, ``filterModel``, the quick-search text, the
toggles) is untrusted. Only columns in :data:`COLUMNS` can be sorted or filtered, each with
the filter kind declared here (whatever ``filterType`` the request claims), every value is
coerced to the column's type and passed as a bound parameter, and anything that does not fit
is dropped. Nothing here touches the database: the functions build statements, so they can
be unit-tested without one.

Every statement is scoped to the user: it starts from ``t08_jh_user_vacancies`` rows of
``user_id`` and joins the shared vacancy rows to them.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import flask
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    tuple_,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import BigInteger, Text

from core.schema import (
    banned_employers,
    details,
    group_splits,
    user_vacancies,
    vacancies,
    vacancy_search_document,
)
from domain.applications import STAGES
from domain.sources import SOURCES

_log = logging.getLogger(__name__)

#: Calendar days of date filters are the user's days (their zone, :mod:`webapp.clock`); outside a
#: request (benchmarks, scripts) days in this zone, hh.ru's own.
TIMEZONE = ZoneInfo("Europe/Moscow")
#: The grid asks for blocks of this many rows; a request for more is cut to :data:`MAX_BLOCK`.
BLOCK_SIZE = 100
MAX_BLOCK = 500
#: Counting stops here: "more than 10 000" is as useful as the exact figure and much cheaper.
COUNT_CAP = 10_000
QUICK_MAX = 200
TEXT_MAX = 200
MULTI_MAX = 200
#: A quick-search word that matches nothing is compared with the lexemes PostgreSQL's statistics
#: know (the most common ones of both full-text indexes): candidates need this pg_trgm similarity,
#: then an edit distance of one or two (see webapp.typos). "pyhton" becomes "python".
TYPO_SIMILARITY = 0.2

FilterKind = Literal["text", "number", "date", "multi", "multi_array", "salary", "period", "skill"]

v = vacancies.c
uv = user_vacancies.c


#: Numbers beyond PostgreSQL's ``integer`` and days outside these years cannot match anything:
#: such a filter is refused with :class:`GridInputError` (a 400), not turned into a SQL error.
NUMBER_LIMIT = 2**31 - 1
YEARS = (1900, 2200)


class GridInputError(Exception):
    """A grid request (or export view) holds a value no browser sends: answered with 400."""


def check_text(value: str) -> str:
    """``value`` unless it holds a NUL or an unpaired surrogate (PostgreSQL can store neither)."""
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise GridInputError("the text holds a NUL character or an unpaired surrogate")
    return value


@dataclass(frozen=True)
class GridColumn:
    """A column the grid may sort or filter by: its SQL expression and its filter kind."""

    expr: ColumnElement[Any]
    filter: FilterKind | None
    sortable: bool = True
    #: The only values a multi filter may hold (others are dropped); None: any value.
    values: frozenset[str] | None = None
    #: Why the grid cannot sort by it (an i18n key of the header's tooltip), for a column shown.
    unsortable_why: str | None = None


COLUMNS: dict[str, GridColumn] = {
    # Every sortable column is read in order from an index, both directions (issue 17): name,
    # employer and the salaries by t01's (column, id) indexes, the dates by theirs, the score by
    # t08's (user_id, score, vacancy_id); a deep block continues from the last row of the block
    # before it (keyset, webapp.grid_cursors). The others say in their header why they do not sort.
    "name": GridColumn(v.name, "text"),
    "employer_name": GridColumn(v.employer_name, "text"),
    "salary_from_rub": GridColumn(v.salary_from_rub, "number"),
    "salary_to_rub": GridColumn(v.salary_to_rub, "number"),
    # a handful of values each: the filter picks them, an order by them would be an order by id
    "area": GridColumn(v.area_name, None, sortable=False, unsortable_why="sort.use_filter"),
    "area_id": GridColumn(v.area_id, "multi", sortable=False),
    "experience": GridColumn(v.experience_id, "multi", sortable=False, unsortable_why="sort.use_filter"),
    "work_format": GridColumn(v.work_format_ids, "multi_array", sortable=False),
    "published_at": GridColumn(v.published_at, "date"),
    "first_seen_at": GridColumn(v.first_seen_at, "date"),
    # filters only (no grid column shows it): its index has no vacancy id for a keyset tie-break
    "matched_at": GridColumn(uv.matched_at, "date", sortable=False),
    # changes on every harvest that sees the vacancy again: an index on it would turn those hourly
    # heap-only updates (migration 0006) into index writes, so it filters but does not sort
    "times_seen": GridColumn(v.times_seen, "number", sortable=False, unsortable_why="sort.times_seen"),
    "searches": GridColumn(uv.search_ids, "multi_array", sortable=False),
    # a hundredth of the rows: the «only favourites» switch shows them, a sort would read all
    "is_favourite": GridColumn(uv.is_favourite, None, sortable=False, unsortable_why="sort.favourite"),
    "source": GridColumn(
        v.source, "multi", values=frozenset(SOURCES), sortable=False, unsortable_why="sort.use_filter"
    ),
    # the match score (domain.matching): NULL when the user has no profile to score by; sorted
    # with the vacancy id as ix_t08_jh_user_vacancies_score orders them, so a block is an index range
    "score": GridColumn(uv.score, "number"),
    # where the user's application stands (domain.applications); not sortable: the codes'
    # alphabetical order is not the stages' order
    "stage": GridColumn(
        uv.stage, "multi", sortable=False, values=frozenset(STAGES), unsortable_why="sort.stage"
    ),
    # the vacancy's key skills (t06.key_skills, its GIN index): a set filter, never a sort
    "skills": GridColumn(
        details.c.key_skills, "multi_array", sortable=False, unsortable_why="sort.use_filter"
    ),
    # hidden columns a link from the «Рынок» page filters by (webapp.grid_url): a salary on a
    # basis, seen in a period of UTC days, naming a key skill (see _salary/_period/_skill_condition)
    "salary": GridColumn(v.salary_gross, "salary", sortable=False),
    "seen": GridColumn(v.last_seen_at, "period", sortable=False),
    "skill": GridColumn(v.id, "skill", sortable=False),
}
#: The area column shows the name but filters by id (the filter's values are ids).
FILTER_ALIASES = {"area": "area_id"}
DEFAULT_SORT: list[dict[str, str]] = [{"colId": "published_at", "sort": "desc"}]
#: The order of a user whose vacancies are scored, when the grid sends no sort of its own.
SCORE_SORT: tuple[tuple[str, str], ...] = (("score", "desc"),)


@dataclass(frozen=True)
class GridRequest:
    """One block request, already cleaned: safe to turn into SQL."""

    start_row: int = 0
    end_row: int = BLOCK_SIZE
    sort_model: tuple[tuple[str, str], ...] = ()
    filter_model: Mapping[str, Any] = field(default_factory=dict)
    quick: str = ""
    show_banned: bool = False
    only_favourites: bool = False

    @property
    def limit(self) -> int:
        return self.end_row - self.start_row

    @classmethod
    def from_ag_grid(
        cls,
        request: Mapping[str, Any] | None,
        *,
        quick: Any = "",
        show_banned: Any = False,
        only_favourites: Any = False,
        max_block: int = MAX_BLOCK,
    ) -> GridRequest:
        """Clean an AG Grid ``getRowsRequest`` (and the page's own controls) from the browser."""
        request = request if isinstance(request, Mapping) else {}
        start = _int(request.get("startRow"), 0)
        end = _int(request.get("endRow"), start + BLOCK_SIZE)
        start = max(0, min(start, 10_000_000))
        end = max(start + 1, min(end, start + max_block))
        return cls(
            start_row=start,
            end_row=end,
            sort_model=clean_sort_model(request.get("sortModel")),
            filter_model=clean_filter_model(request.get("filterModel")),
            quick=clean_quick(quick),
            show_banned=show_banned is True,
            only_favourites=only_favourites is True,
        )


def _int(value: Any, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return default
    return int(value)


def clean_quick(value: Any) -> str:
    """The quick-search text: a string, control characters removed, at most :data:`QUICK_MAX`."""
    if not isinstance(value, str):
        return ""
    return check_text(re.sub(r"[\x00-\x1f\x7f]+", " ", value)).strip()[:QUICK_MAX]


def clean_sort_model(model: Any) -> tuple[tuple[str, str], ...]:
    """``[(colId, 'asc'|'desc'), ...]`` for known sortable columns only, each at most once."""
    result: list[tuple[str, str]] = []
    if not isinstance(model, list):
        return ()
    for item in model[:5]:
        if not isinstance(item, Mapping):
            continue
        col_id, direction = item.get("colId"), item.get("sort")
        column = COLUMNS.get(col_id) if isinstance(col_id, str) else None
        if column is None or not column.sortable or direction not in ("asc", "desc"):
            continue
        if col_id not in [c for c, _ in result]:
            result.append((col_id, direction))
    return tuple(result)


def clean_filter_model(model: Any) -> dict[str, Any]:
    """The filter model restricted to known, filterable column ids (values are checked later)."""
    if not isinstance(model, Mapping):
        return {}
    cleaned = {}
    for col_id, spec in model.items():
        target = FILTER_ALIASES.get(col_id, col_id)
        column = COLUMNS.get(target) if isinstance(target, str) else None
        if column is not None and column.filter is not None and isinstance(spec, Mapping):
            column_condition(target, spec)  # a value no browser sends raises GridInputError now
            cleaned[target] = spec
    return cleaned


# -- filters ----------------------------------------------------------------------------------------


def _text_condition(expr: ColumnElement[Any], spec: Mapping[str, Any]) -> ColumnElement[bool] | None:
    kind = spec.get("type")
    if kind == "blank":
        return or_(expr.is_(None), expr == "")
    if kind == "notBlank":
        return and_(expr.is_not(None), expr != "")
    value = spec.get("filter")
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    value = check_text(str(value)).strip()[:TEXT_MAX]
    if not value:
        return None
    conditions: dict[str, Callable[[], ColumnElement[bool]]] = {
        "contains": lambda: expr.icontains(value, autoescape=True),
        "notContains": lambda: or_(expr.is_(None), not_(expr.icontains(value, autoescape=True))),
        "equals": lambda: func.lower(expr) == value.lower(),
        "notEqual": lambda: or_(expr.is_(None), func.lower(expr) != value.lower()),
        "startsWith": lambda: expr.istartswith(value, autoescape=True),
        "endsWith": lambda: expr.iendswith(value, autoescape=True),
    }
    build = conditions.get(kind) if isinstance(kind, str) else None
    return build() if build else None


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.replace(" ", "").replace(",", "."))
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if abs(value) > NUMBER_LIMIT:
        raise GridInputError(f"a number filter must lie between -{NUMBER_LIMIT} and {NUMBER_LIMIT}")
    return value


def _number_condition(expr: ColumnElement[Any], spec: Mapping[str, Any]) -> ColumnElement[bool] | None:
    kind = spec.get("type")
    if kind == "blank":
        return expr.is_(None)
    if kind == "notBlank":
        return expr.is_not(None)
    value = _number(spec.get("filter"))
    if value is None:
        return None
    simple: dict[str, Callable[[], ColumnElement[bool]]] = {
        "equals": lambda: expr == value,
        "notEqual": lambda: or_(expr.is_(None), expr != value),
        "greaterThan": lambda: expr > value,
        "greaterThanOrEqual": lambda: expr >= value,
        "lessThan": lambda: expr < value,
        "lessThanOrEqual": lambda: expr <= value,
    }
    if kind == "inRange":
        upper = _number(spec.get("filterTo"))
        return None if upper is None else expr.between(min(value, upper), max(value, upper))
    build = simple.get(kind) if isinstance(kind, str) else None
    return build() if build else None


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    value = check_text(value)
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise GridInputError(f"a date filter must lie between the years {YEARS[0]} and {YEARS[1]}")
    return day


def day_start(day: date) -> datetime:
    """Midnight starting ``day`` in the user's zone (the dates the grid shows are in that zone too)."""
    return datetime.combine(day, time.min, _zone())


def _zone() -> ZoneInfo:
    if flask.has_request_context():
        from webapp import clock

        return clock.current_zone()
    return TIMEZONE


def _date_condition(expr: ColumnElement[Any], spec: Mapping[str, Any]) -> ColumnElement[bool] | None:
    kind = spec.get("type")
    if kind == "blank":
        return expr.is_(None)
    if kind == "notBlank":
        return expr.is_not(None)
    day = _day(spec.get("dateFrom"))
    if day is None:
        return None
    start, next_day = day_start(day), day_start(day + timedelta(days=1))
    if kind == "equals":
        return and_(expr >= start, expr < next_day)
    if kind == "notEqual":
        return or_(expr < start, expr >= next_day)
    if kind == "lessThan":
        return expr < start
    if kind == "greaterThan":
        return expr >= next_day
    if kind == "inRange":
        last = _day(spec.get("dateTo"))
        if last is None:
            return None
        first, last = min(day, last), max(day, last)
        return and_(expr >= day_start(first), expr < day_start(last + timedelta(days=1)))
    return None


def _multi_values(
    spec: Mapping[str, Any], *, numeric: bool, allowed: frozenset[str] | None = None
) -> list[Any] | None:
    values = spec.get("values")
    if not isinstance(values, list):
        return None
    cleaned: list[Any] = []
    for value in values[:MULTI_MAX]:
        if isinstance(value, bool) or not isinstance(value, str | int):
            continue
        if numeric:
            if not str(value).isdigit() or len(str(value)) > 18:
                continue
            cleaned.append(int(value))
        elif allowed is None:
            cleaned.append(check_text(str(value))[:64])
        elif value in allowed:
            cleaned.append(value)
    return cleaned


def _multi_condition(
    col_id: str, expr: ColumnElement[Any], kind: FilterKind, spec: Mapping[str, Any]
) -> ColumnElement[bool] | None:
    numeric = col_id == "searches"
    values = _multi_values(spec, numeric=numeric, allowed=COLUMNS[col_id].values)
    if values is None:
        return None
    if not values:
        return false()  # every value unticked: nothing matches, as in AG Grid's own set filter
    if kind == "multi":
        return expr.in_(values)
    array_type = ARRAY(BigInteger) if numeric else ARRAY(Text)
    return expr.op("&&")(bindparam(None, values, type_=array_type))


def _link_value(spec: Mapping[str, Any], limit: int = TEXT_MAX) -> str | None:
    value = spec.get("filter")
    if not isinstance(value, str):
        return None
    value = check_text(value).strip()[:limit]
    return value or None


def _salary_condition(spec: Mapping[str, Any]) -> ColumnElement[bool] | None:
    """A salary to compare on the basis: any published one ("all"), before tax or after tax; as
    ``domain.market`` counts "with salary" (monthly roubles known, the basis if it is chosen)."""
    basis = _link_value(spec)
    if basis not in ("all", "gross", "net"):
        return None
    known = or_(v.salary_from_rub.is_not(None), v.salary_to_rub.is_not(None))
    if basis == "all":
        return known
    return and_(known, v.salary_gross.is_(basis == "gross"))


def _period_condition(spec: Mapping[str, Any]) -> ColumnElement[bool] | None:
    """Seen at least once in ``FIRST..LAST`` (UTC calendar days, both included), the market
    page's period (``domain.market.model.Scope``): first seen before the day after LAST, last
    seen on or after FIRST. ``new:FIRST..LAST``: first seen in those days (a day's new vacancies)."""
    value = _link_value(spec, 32) or ""
    new = value.startswith("new:")
    first, _, last = value.removeprefix("new:").partition("..")
    first_day, last_day = _day(first), _day(last)
    if first_day is None or last_day is None:
        return None
    first_day, last_day = min(first_day, last_day), max(first_day, last_day)
    start = datetime.combine(first_day, time.min, UTC)
    after = datetime.combine(last_day + timedelta(days=1), time.min, UTC)
    if new:
        return and_(v.first_seen_at >= start, v.first_seen_at < after)
    return and_(v.first_seen_at < after, v.last_seen_at >= start)


def _skill_condition(spec: Mapping[str, Any]) -> ColumnElement[bool] | None:
    """The vacancy's key skills (t06, fetched details) name ``skill`` exactly, as the market
    figures count a skill (``domain.market``)."""
    skill = _link_value(spec, 100)
    return None if skill is None else skills_condition([skill])  # the skills filter's own, GIN-served


def column_condition(col_id: str, spec: Mapping[str, Any]) -> ColumnElement[bool] | None:
    """The condition for one column's filter, or None when the filter says nothing usable."""
    column = COLUMNS[col_id]
    kind = column.filter
    links = {"salary": _salary_condition, "period": _period_condition, "skill": _skill_condition}
    if kind in links:
        return links[kind](spec)
    if kind in ("multi", "multi_array"):
        return _multi_condition(col_id, column.expr, kind, spec)
    build = {"text": _text_condition, "number": _number_condition, "date": _date_condition}[kind or "text"]
    if isinstance(spec.get("conditions"), list):  # two conditions joined by AND / OR
        parts = [build(column.expr, c) for c in spec["conditions"][:2] if isinstance(c, Mapping)]
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return or_(*parts) if spec.get("operator") == "OR" else and_(*parts)
    return build(column.expr, spec)


# -- the whole statement ----------------------------------------------------------------------------


def russian_query(text: str) -> ColumnElement[Any]:
    return func.websearch_to_tsquery(literal_column("'russian'::regconfig"), text)


def quick_search_ids(text: str) -> Any:
    """Ids of every vacancy the quick search matches: Russian full text over title, employer and
    snippets (t01, an expression GIN index) or over the description (t06's GIN index)."""
    query = russian_query(text)
    return union(
        select(vacancies.c.id).where(vacancy_search_document().op("@@")(query)),
        select(details.c.vacancy_id).where(details.c.search_tsv.op("@@")(query)),
    )


def quick_search_condition(text: str) -> ColumnElement[bool]:
    return v.id.in_(quick_search_ids(text))


def matching_among(ids: Sequence[int], text: str) -> Any:
    """Which of ``ids`` the quick search matches: each arm is a BitmapAnd of a primary-key lookup
    and a GIN index, so the cost follows ``len(ids)``, not the number of matches overall."""
    query = russian_query(text)
    id_list = bindparam(None, list(ids), type_=ARRAY(BigInteger))
    return union(
        select(vacancies.c.id).where(
            vacancies.c.id == func.any(id_list), vacancy_search_document().op("@@")(query)
        ),
        select(details.c.vacancy_id).where(
            details.c.vacancy_id == func.any(id_list), details.c.search_tsv.op("@@")(query)
        ),
    )


def any_match(text: str) -> Select[Any]:
    """Does any vacancy at all match ``text``? (Two GIN probes; decides whether to look for typos.)"""
    query = russian_query(text)
    return select(
        or_(
            exists(select(literal_column("1")).where(vacancy_search_document().op("@@")(query))),
            exists(select(literal_column("1")).where(details.c.search_tsv.op("@@")(query))),
        )
    )


def similar_lexemes(word: str, vocabulary: Sequence[str], limit: int = 5) -> Select[Any]:
    """The vocabulary's lexemes closest to ``word`` by pg_trgm similarity, best first."""
    lexeme = func.unnest(bindparam(None, list(vocabulary), type_=ARRAY(Text))).alias("lexeme")
    value = literal_column("lexeme")
    return (
        select(value, func.similarity(value, word).label("score"))
        .select_from(lexeme)
        .where(func.similarity(value, word) >= TYPO_SIMILARITY)
        .order_by(literal_column("score").desc(), value)
        .limit(limit)
    )


def banned_employer(user_id: int) -> ColumnElement[bool]:
    """True for a vacancy whose employer this user banned."""
    return exists(
        select(literal_column("1"))
        .select_from(banned_employers)
        .where(banned_employers.c.user_id == user_id, banned_employers.c.employer_id == v.employer_id)
    )


# -- duplicate groups ---------------------------------------------------------------------------------
#
# A group (t01.group_id: the id of its first vacancy) is likely one job on several boards. Among
# one user's vacancies it shows as ONE row: the member with the smallest id that the user has not
# taken out of the group (t20_jh_group_splits); a split vacancy shows as a row of its own. Every
# probe is a lookup by an index (t01.group_id, t08's and t20's primary keys), and a vacancy
# outside any group (most of them) stops at ``group_id IS NULL``.


def split_by(user_id: int, vacancy_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """True when ``user_id`` took this vacancy out of its duplicate group."""
    return exists(
        select(literal_column("1"))
        .select_from(group_splits)
        .where(group_splits.c.user_id == user_id, group_splits.c.vacancy_id == vacancy_id)
    )


def _other_members(user_id: int, *where: Callable[[Any, Any], Any]) -> ColumnElement[bool]:
    """Is there another member of the row's group, linked to the user and not split by them, such
    that every ``where(member, link)`` holds?"""
    member = vacancies.alias("member")
    link = user_vacancies.alias("member_link")
    return exists(
        select(literal_column("1"))
        .select_from(member.join(link, link.c.vacancy_id == member.c.id))
        .where(
            link.c.user_id == user_id,
            member.c.group_id == v.group_id,
            *(condition(member, link) for condition in where),
            not_(split_by(user_id, member.c.id)),
        )
    )


def shown_for_group(user_id: int, *, only_favourites: bool = False) -> ColumnElement[bool]:
    """True for a row the user's grid shows: alone, split by the user, or its group's first member
    (with *only favourites*, its first favourite member: a favourite never hides behind another)."""
    earlier = [lambda member, link: member.c.id < v.id]
    if only_favourites:
        earlier.append(lambda member, link: link.c.is_favourite.is_(True))
    return or_(v.group_id.is_(None), split_by(user_id, v.id), not_(_other_members(user_id, *earlier)))


def source_condition(user_id: int, values: Sequence[str]) -> ColumnElement[bool]:
    """The source filter: the row's own board, or a board another member of its group is on (the
    group shows as one row, so a filter on SuperJob keeps the group whose first member is hh.ru's)."""
    return or_(
        v.source.in_(values),
        and_(
            v.group_id.is_not(None),
            not_(split_by(user_id, v.id)),
            _other_members(
                user_id,
                lambda member, link: member.c.id != v.id,
                lambda member, link: member.c.source.in_(values),
            ),
        ),
    )


def skills_condition(values: Sequence[str]) -> ColumnElement[bool]:
    """The key-skills filter: the vacancy's details name any of ``values`` (exactly as the boards
    spell them; the choices come from the data, :func:`webapp.queries.skill_choices`), read
    through ``ix_t06_jh_details_key_skills`` (GIN) when the skills are rare."""
    if not values:
        return literal_column("true")
    return exists(
        select(literal_column("1"))
        .select_from(details)
        .where(
            details.c.vacancy_id == v.id,
            details.c.key_skills.op("&&")(bindparam(None, list(values), type_=ARRAY(Text))),
        )
    )


def conditions(user_id: int, request: GridRequest, *, quick: bool = True) -> list[ColumnElement[bool]]:
    """Every WHERE condition of a request: the user's scope first, then toggles, filters, search."""
    where: list[ColumnElement[bool]] = [
        uv.user_id == user_id,
        shown_for_group(user_id, only_favourites=request.only_favourites),
    ]
    if not request.show_banned:
        where += [uv.is_banned.is_(False), not_(banned_employer(user_id))]
    if request.only_favourites:
        where.append(uv.is_favourite.is_(True))
    for col_id, spec in request.filter_model.items():
        if col_id == "skills":
            values = _multi_values(spec, numeric=False)
            where.append(false() if values == [] else skills_condition(values or []))
            continue
        if col_id == "source":
            values = _multi_values(spec, numeric=False, allowed=COLUMNS["source"].values)
            if values:
                where.append(source_condition(user_id, values))
                continue
        condition = column_condition(col_id, spec)
        if condition is not None:
            where.append(condition)
    if quick and request.quick:
        where.append(quick_search_condition(request.quick))
    return where


def order_by(sort_model: Sequence[tuple[str, str]]) -> list[ColumnElement[Any]]:
    """ORDER BY for the sort model (empty values last either way), then the vacancy id: stable pages."""
    terms: list[ColumnElement[Any]] = []
    model = sort_model or tuple((s["colId"], s["sort"]) for s in DEFAULT_SORT)
    for col_id, direction in model:
        expr = COLUMNS[col_id].expr
        term = expr.asc() if direction == "asc" else expr.desc()
        # NULLS LAST only where there can be NULLs: a NOT NULL column then keeps matching its index
        terms.append(term.nulls_last() if getattr(expr, "nullable", True) else term)
    last = model[-1][1] if model else "desc"
    # after the score, the link's own vacancy id: the index on (user_id, score, vacancy_id) then
    # gives the whole order (v.id is the same value, but the planner matches the index column)
    tie = uv.vacancy_id if model and model[-1][0] == "score" else v.id
    terms.append(tie.asc() if last == "asc" else tie.desc())
    return terms


def scoped_from() -> Any:
    return user_vacancies.join(vacancies, vacancies.c.id == uv.vacancy_id)


ROW_COLUMNS = (
    v.id,
    v.name,
    v.employer_id,
    v.employer_name,
    v.employer_logo_url,
    v.salary_from,
    v.salary_to,
    v.salary_currency,
    v.salary_gross,
    v.salary_from_rub,
    v.salary_to_rub,
    v.area_id,
    v.area_name,
    v.experience_id,
    v.experience_name,
    v.work_format_ids,
    v.work_format_names,
    v.published_at,
    v.first_seen_at,
    v.times_seen,
    v.url,
    v.archived,
    v.source,
    v.group_id,
    uv.search_ids,
    uv.matched_at,
    uv.is_favourite,
    uv.is_banned,
    uv.score,
    uv.stage,
)


def rows_query(
    user_id: int, request: GridRequest, *, limit: int | None = None, ids: Sequence[int] | None = None
) -> Select[Any]:
    """The rows of one block, or of an export when ``limit`` is given, or exactly the rows ``ids``
    (already known to match, see :func:`matching_among`) in the request's order."""
    where = conditions(user_id, request, quick=ids is None)
    if ids is not None:
        where.append(v.id == func.any(bindparam(None, list(ids), type_=ARRAY(BigInteger))))
    query = (
        select(*block_columns(user_id))
        .select_from(scoped_from())
        .where(*where)
        .order_by(*order_by(request.sort_model))
    )
    if ids is not None:
        return query
    return query.offset(0 if limit is not None else request.start_row).limit(
        limit if limit is not None else request.limit
    )


def candidates_query(user_id: int, request: GridRequest, window: int) -> Select[Any]:
    """Ids of the first ``window`` rows in the request's order, quick search left out."""
    return (
        select(v.id)
        .select_from(scoped_from())
        .where(*conditions(user_id, request, quick=False))
        .order_by(*order_by(request.sort_model))
        .limit(window)
    )


def count_query(user_id: int, request: GridRequest, cap: int = COUNT_CAP) -> Select[Any]:
    """How many rows match, counting at most ``cap + 1`` of them."""
    matching = (
        select(literal_column("1"))
        .select_from(scoped_from())
        .where(*conditions(user_id, request))
        .limit(cap + 1)
        .subquery()
    )
    return select(func.count()).select_from(matching)


# -- ordered reads by index, and keyset continuation ---------------------------------------------------
#
# A block in one column's order (the grid's usual case) is read as one or two index ranges:
# a NOT NULL column as (column, id) in either direction; a nullable one as its non-empty values
# (the ``(column DESC NULLS LAST, id DESC)`` index read forwards for DESC, backwards for ASC, so
# ASC is written NULLS FIRST there: no NULL is in that range) and then its empty values by id.
# A cursor (the sort value and id of a row already served) makes a deep block start right after
# it, instead of skipping every row before it with OFFSET.


@dataclass(frozen=True)
class Cursor:
    """Where a block starts: at (``inclusive``) or just after the row with this sort value and id."""

    value: Any
    id: int
    inclusive: bool = False


def single_sort(request: GridRequest) -> tuple[str, str] | None:
    """The request's one sort column and direction (the default order when it has none), or None
    for a sort by several columns (those blocks are read with OFFSET, see :func:`rows_query`)."""
    model = request.sort_model or tuple((s["colId"], s["sort"]) for s in DEFAULT_SORT)
    return model[0] if len(model) == 1 else None


def sort_value_key(col_id: str) -> str:
    """The key of the sort column's value in a row of :data:`ROW_COLUMNS`."""
    return COLUMNS[col_id].expr.key


def tie_of(col_id: str) -> ColumnElement[Any]:
    # the score's index orders by the link's own vacancy id (the same value as v.id)
    return uv.vacancy_id if col_id == "score" else v.id


def ordered_parts(
    user_id: int,
    request: GridRequest,
    columns: Sequence[Any],
    cursor: Cursor | None = None,
    *,
    quick: bool = True,
) -> list[Select[Any]]:
    """The statements that, one after the other, give the request's rows in its (single-column)
    order from ``cursor`` on; each reads one index range. No LIMIT or OFFSET: the caller adds them."""
    sort = single_sort(request)
    if sort is None:
        raise ValueError("ordered_parts needs a sort by one column")
    col_id, direction = sort
    expr, tie, asc = COLUMNS[col_id].expr, tie_of(col_id), direction == "asc"
    base = select(*columns).select_from(scoped_from()).where(*conditions(user_id, request, quick=quick))

    def after(left: ColumnElement[Any], right: Any) -> ColumnElement[bool]:
        inclusive = cursor is not None and cursor.inclusive
        if asc:
            return left >= right if inclusive else left > right
        return left <= right if inclusive else left < right

    tie_order = tie.asc() if asc else tie.desc()
    if not getattr(expr, "nullable", True):
        query = base.order_by(expr.asc() if asc else expr.desc(), tie_order)
        if cursor is not None:
            query = query.where(after(tuple_(expr, tie), tuple_(cursor.value, cursor.id)))
        return [query]
    parts = []
    if cursor is None or cursor.value is not None:
        filled = base.where(expr.is_not(None)).order_by(
            expr.asc().nulls_first() if asc else expr.desc().nulls_last(), tie_order
        )
        if cursor is not None:
            filled = filled.where(after(tuple_(expr, tie), tuple_(cursor.value, cursor.id)))
        parts.append(filled)
    empty = base.where(expr.is_(None)).order_by(tie_order)
    if cursor is not None and cursor.value is None:
        empty = empty.where(after(tie, cursor.id))
    parts.append(empty)
    return parts


def block_columns(user_id: int) -> tuple[Any, ...]:
    """The columns of a grid row: the vacancy, the user's link and marks, its key skills."""
    skills = (
        select(details.c.key_skills).where(details.c.vacancy_id == v.id).scalar_subquery().label("key_skills")
    )
    return (
        *ROW_COLUMNS,
        skills,
        banned_employer(user_id).label("employer_banned"),
        split_by(user_id, v.id).label("split"),
    )


def sort_columns(col_id: str) -> tuple[Any, ...]:
    """The id and the sort value of a row: what a cursor is made of."""
    return (v.id, COLUMNS[col_id].expr.label("sort_value"))


def ids_matching(text: str, cap: int) -> Select[Any]:
    """At most ``cap`` ids of vacancies (of anybody) the quick search matches, from the two GIN
    indexes alone: for a rare word the short list then drives the user's rows, not the reverse."""
    return select(quick_search_ids(text).subquery().c[0]).limit(cap)
