"""Every database read and write of the web app, each scoped to the user it is given.

Callbacks pass ``current_user.id``; nothing here trusts an id that came from the browser
without checking that the row belongs to that user (a vacancy id is only used through the
user's own ``t08_jh_user_vacancies`` row).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Connection, Engine, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, distinct_on
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

from core import web_sessions
from core.schema import (
    banned_employers,
    details,
    dictionaries,
    etl_runs,
    searches,
    user_vacancies,
    users,
    vacancies,
)
from domain.sources import SOURCES
from webapp import grid_cursors, grid_query, typos
from webapp.grid_query import GridRequest

#: Rows in one export at most (said so in the UI).
EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class Block:
    """One block of grid rows.

    ``row_count`` is the total when known (AG Grid's ``lastRow``); ``matched`` is how many rows
    match, exact up to ``COUNT_CAP`` (``COUNT_CAP + 1`` means more), or an estimate when
    ``estimated``; ``corrected`` is the quick-search text actually used after typo correction.
    """

    rows: list[dict[str, Any]]
    row_count: int | None
    matched: int | None = None
    estimated: bool = False
    corrected: str | None = None


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def search_names(conn: Connection, user_id: int) -> dict[int, str]:
    rows = conn.execute(
        select(searches.c.id, searches.c.name).where(searches.c.user_id == user_id).order_by(searches.c.name)
    )
    return {row.id: row.name for row in rows}


def _prepare(conn: Connection) -> None:
    """Settings for this transaction only: no JIT, whose compile time (tens of milliseconds)
    costs more than it saves on a LIMIT 100 query; and enough work_mem that the bitmaps of a
    common search word (a sixth of a million rows) stay exact instead of going lossy, which
    would make PostgreSQL re-check every row of every page they touch (measured: twice as fast)."""
    conn.execute(text("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)"))


def web_url(value: Any) -> str | None:
    """A link from a source only when it is http(s): ``data:``, ``javascript:`` and the like
    never reach an ``href`` or ``src``."""
    if isinstance(value, str) and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return None


def grid_row(row: Any, names: dict[int, str]) -> dict[str, Any]:
    """A result row as the grid gets it (JSON-safe; dates as ISO strings, formatted in the browser)."""
    data = {key: _json_value(value) for key, value in row._mapping.items()}
    data["searches"] = [names.get(s, f"#{s}") for s in data.pop("search_ids") or []]
    data["employer_logo_url"] = web_url(data.get("employer_logo_url"))
    data["url"] = web_url(data.get("url"))
    data["hidden"] = bool(data["is_banned"] or data.pop("employer_banned"))
    return data


# -- quick search: typos and dense matches -------------------------------------------------------------

#: The first look at a quick search checks this many rows (in the grid's order) for matches.
WINDOW_START = 2_000
#: Beyond this many rows the windowed look gives way to the plan that reads every match.
WINDOW_MAX = 100_000
_VOCABULARY_TTL = 600.0
_vocabulary_cache: dict[str, tuple[float, list[str]]] = {}


def schema_of(conn: Connection) -> str:
    options = conn.get_execution_options().get("schema_translate_map") or {}
    return options.get("jh", "jh")


def vocabulary(conn: Connection) -> list[str]:
    """The lexemes PostgreSQL's statistics know for both full-text indexes (the most common ones;
    refreshed by ANALYZE), cached for ten minutes."""
    schema = schema_of(conn)
    cached = _vocabulary_cache.get(schema)
    if cached and time.monotonic() - cached[0] < _VOCABULARY_TTL:
        return cached[1]
    rows = conn.execute(
        text(
            "SELECT most_common_elems::text::text[] FROM pg_stats WHERE schemaname = :schema"
            " AND ((tablename = 'ix_t01_jh_vacancies_search_document')"
            " OR (tablename = 't06_jh_details' AND attname = 'search_tsv'))"
            " AND most_common_elems IS NOT NULL"
        ),
        {"schema": schema},
    ).scalars()
    words = sorted({w for row in rows for w in row or [] if len(w) >= 3 and not w.isdigit()})
    _vocabulary_cache[schema] = (time.monotonic(), words)
    return words


def any_match(conn: Connection, text_: str) -> bool:
    """Does any vacancy match ``text_``? Answered from the two GIN indexes alone: for EXISTS the
    planner would otherwise bet on a sequential scan finding a rare word early, and read every
    row when the word is a typo."""
    conn.execute(text("SELECT set_config('enable_seqscan', 'off', true)"))
    try:
        return bool(conn.execute(grid_query.any_match(text_)).scalar_one())
    finally:
        conn.execute(text("SELECT set_config('enable_seqscan', 'on', true)"))


def resolve_quick(conn: Connection, text_: str) -> tuple[str, str | None]:
    """The quick-search text to run and, when typos were corrected, the corrected text."""
    if not text_ or any_match(conn, text_):
        return text_, None
    words = vocabulary(conn)
    known: dict[str, bool] = {text_.strip().lower(): False}

    def matches(word: str) -> bool:
        if word not in known:
            known[word] = any_match(conn, word)
        return known[word]

    def propose(word: str) -> list[str]:
        return list(conn.execute(grid_query.similar_lexemes(word, words)).scalars()) if words else []

    corrected = typos.correct(text_, matches=matches, propose=propose)
    return (corrected, corrected) if corrected else (text_, None)


def corrected_request(conn: Connection, request: GridRequest) -> tuple[GridRequest, str | None]:
    """The request as it runs: its quick search with typos corrected (and the corrected text, or
    None). The grid and the export both start here, so an export holds the rows the grid shows."""
    if not request.quick:
        return request, None
    quick, corrected = resolve_quick(conn, request.quick)
    return replace(request, quick=quick), corrected


class _Explain(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON) <statement>``, compiled like the statement (schema map, parameters)."""

    inherit_cache = False

    def __init__(self, statement: Any) -> None:
        self.statement = statement


@compiles(_Explain, "postgresql")
def _compile_explain(element: _Explain, compiler: Any, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


def plan(conn: Connection, statement: Any) -> dict[str, Any]:
    """PostgreSQL's plan of ``statement`` (``EXPLAIN (FORMAT JSON)``, planned, not run)."""
    return conn.execute(_Explain(statement)).scalar_one()[0]["Plan"]


def estimate(conn: Connection, statement: Any) -> int:
    """PostgreSQL's own estimate of how many rows ``statement`` returns (planned, not run)."""
    return int(plan(conn, statement)["Plan Rows"])


def indexes_used(node: dict[str, Any]) -> set[str]:
    """Every index a plan (from :func:`plan`) reads."""
    found = {node["Index Name"]} if "Index Name" in node else set()
    for child in node.get("Plans", []):
        found |= indexes_used(child)
    return found


def _matching(conn: Connection, candidates: list[int], text_: str) -> set[int]:
    """Which candidates match, through BitmapAnd of primary key and GIN index in both tables.

    Left to itself the planner fetches every candidate row by primary key and tests its
    tsvector: for the details table that reads (and decompresses) each description, several
    times slower than intersecting the two bitmaps and reading only the matches.
    """
    conn.execute(text("SELECT set_config('enable_indexscan', 'off', true)"))
    try:
        return set(conn.execute(grid_query.matching_among(candidates, text_)).scalars())
    finally:
        conn.execute(text("SELECT set_config('enable_indexscan', 'on', true)"))


def _ordered_read(
    conn: Connection,
    user_id: int,
    request: GridRequest,
    columns: tuple[Any, ...],
    cursor: grid_query.Cursor | None,
    offset: int,
    limit: int,
    *,
    quick: bool = True,
) -> list[Any]:
    """``limit`` rows in the request's single-column order from ``cursor`` (or after ``offset``
    rows), through :func:`grid_query.ordered_parts`: each part is one index range."""
    rows: list[Any] = []
    parts = grid_query.ordered_parts(user_id, request, columns, cursor, quick=quick)
    for i, part in enumerate(parts):
        want = limit - len(rows)
        if want <= 0:
            break
        got = conn.execute(part.offset(offset).limit(want)).all()
        if offset and not got and i < len(parts) - 1:
            # the whole part lies before the offset (a jump into the empty values): skip its rows
            size = conn.execute(select(func.count()).select_from(part.order_by(None).subquery()))
            offset = max(0, offset - size.scalar_one())
            continue
        rows += got
        offset = 0
    return rows


def _remember(user_id: int, view: str, start: int, keys: list[tuple[Any, int]], every: int) -> None:
    """Cursors at the block boundaries among ``keys`` (sort value and id of rows ``start``...)."""
    for i, (value, vacancy_id) in enumerate(keys):
        position = start + i
        if position % every in (0, every - 1) or i in (0, len(keys) - 1):
            grid_cursors.remember(user_id, view, position, value, vacancy_id)


@dataclass(frozen=True)
class _Found:
    """The quick search's matching ids of one block and what is known of the whole."""

    page: list[int]
    row_count: int | None
    matched: int | None
    estimated: bool


def _candidates(
    conn: Connection,
    user_id: int,
    request: GridRequest,
    sort: tuple[str, str] | None,
    cursor: grid_query.Cursor | None,
    window: int,
) -> list[tuple[int, Any]]:
    """The next ``window`` rows of the view in its order, quick search left out: (id, sort value)."""
    if sort is None:
        ids = conn.execute(grid_query.candidates_query(user_id, request, window)).scalars().all()
        return [(i, None) for i in ids]
    columns = grid_query.sort_columns(sort[0])
    rows = _ordered_read(conn, user_id, request, columns, cursor, 0, window, quick=False)
    return [(r.id, r.sort_value) for r in rows]


def _windowed(
    conn: Connection, user_id: int, request: GridRequest, sort: tuple[str, str] | None
) -> _Found | None:
    """The quick search's block, found by checking the view's rows in order for matches (cheap
    when matches are common); None when matches are too rare for that (see :func:`_rare`).

    A block whose start has a cursor checks the rows after it; a deep block without one checks
    from the top, at most :data:`WINDOW_MAX` rows, and leaves cursors at every block boundary it
    passed, so the blocks after it continue from there.
    """
    view = grid_cursors.view_key(request)
    cursor = grid_cursors.cursor_for(user_id, view, request.start_row) if sort else None
    base = request.start_row if cursor else 0
    need = request.end_row - base
    window = max(WINDOW_START, min(need * 20, WINDOW_MAX))
    while True:
        candidates = _candidates(conn, user_id, request, sort, cursor, window)
        if not candidates:
            ordered: list[tuple[int, Any]] = []
            break
        matched = _matching(conn, [i for i, _ in candidates], request.quick)
        ordered = [(value, i) for i, value in candidates if i in matched]
        if len(ordered) >= need or len(candidates) < window:
            break
        if not ordered or window >= WINDOW_MAX:
            return None  # rare matches: reading them all through the GIN indexes is cheaper
        window = min(WINDOW_MAX, int(need * len(candidates) / len(ordered) * 1.5) + 1)
    if sort:
        _remember(user_id, view, base, ordered, grid_query.BLOCK_SIZE)
    ids = [i for _, i in ordered]
    page = ids[request.start_row - base : request.end_row - base]
    if len(candidates) < window:  # every row of the view after the start was looked at
        total = base + len(ids)
        known = cursor is None or len(ids) <= request.limit
        return _Found(page, total if known else None, total if request.start_row == 0 else None, False)
    matched_total = None
    if request.start_row == 0:
        # matches among the rows looked at, scaled to the whole view (PostgreSQL's estimate of its
        # size when it is over the count cap)
        count = view_size(conn, user_id, replace(request, quick=""))
        if count > grid_query.COUNT_CAP:
            count = estimate(conn, grid_query.candidates_query(user_id, request, 10**9))
        matched_total = int(count * len(ids) / len(candidates))
    return _Found(page, None, matched_total, True)


#: A quick search matching at most this many vacancies (of anybody) is read from its matches.
RARE_MAX = 20_000


#: A view PostgreSQL expects to hold this many times the count cap is "more than 10,000" without
#: counting (counting 10,001 rows of a view whose filters no one index serves costs 100-200 ms).
COUNT_MARGIN = 3


def view_size(conn: Connection, user_id: int, request: GridRequest) -> int:
    """How many rows the view holds, exact up to ``COUNT_CAP`` (``COUNT_CAP + 1``: more), counted
    only when the planner's estimate (planned, not run) is not far beyond the cap."""
    guess = estimate(conn, grid_query.candidates_query(user_id, request, 10**9))
    if guess > COUNT_MARGIN * grid_query.COUNT_CAP and not request.quick:
        return grid_query.COUNT_CAP + 1
    return conn.execute(grid_query.count_query(user_id, request)).scalar_one()


def _rare(conn: Connection, user_id: int, request: GridRequest) -> _Found | None:
    """A rare word's block: its matches from the GIN indexes (a few thousand ids), joined to the
    user's links by primary key, ordered and paged in SQL; None when it is not rare after all."""
    ids = conn.execute(grid_query.ids_matching(request.quick, RARE_MAX + 1)).scalars().all()
    if len(ids) > RARE_MAX:
        return None
    if not ids:
        return _Found([], 0, 0 if request.start_row == 0 else None, False)
    query = grid_query.rows_query(user_id, request, ids=ids).with_only_columns(grid_query.v.id)
    page = list(conn.execute(query.offset(request.start_row).limit(request.limit)).scalars())
    total: int | None = None
    if request.start_row == 0 or len(page) < request.limit:
        total = conn.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    return _Found(page, total, total if request.start_row == 0 else None, False)


def _quick_block(
    conn: Connection, user_id: int, request: GridRequest, names: dict[int, str], corrected: str | None
) -> Block:
    sort = grid_query.single_sort(request)
    found = None
    if estimate(conn, grid_query.quick_search_ids(request.quick)) <= RARE_MAX:  # planned, not run
        found = _rare(conn, user_id, request)
    found = found or _windowed(conn, user_id, request, sort) or _rare(conn, user_id, request)
    if found is None:  # common overall, rare among the user's first rows: every match, in SQL
        return _plain_block(conn, user_id, request, names, corrected)
    result = conn.execute(grid_query.rows_query(user_id, request, ids=found.page)).all() if found.page else []
    rows = with_also_on(conn, user_id, [grid_row(row, names) for row in result])
    return Block(rows, found.row_count, found.matched, found.estimated, corrected)


def has_scores(conn: Connection, user_id: int) -> bool:
    """Whether any of the user's links carries a match score: the first entry of the score index
    for the user (NULLs sort last), so one index probe."""
    uv = user_vacancies.c
    first = (
        select(uv.score)
        .where(uv.user_id == user_id)
        .order_by(uv.score.desc().nulls_last(), uv.vacancy_id.desc())
        .limit(1)
    )
    return conn.execute(first).scalar_one_or_none() is not None


def with_default_sort(conn: Connection, user_id: int, request: GridRequest) -> GridRequest:
    """A request without a sort of its own in the user's default order: best match first for a
    user whose vacancies are scored, newest first otherwise (:data:`grid_query.DEFAULT_SORT`)."""
    if request.sort_model or not has_scores(conn, user_id):
        return request
    return replace(request, sort_model=grid_query.SCORE_SORT)


def grid_block(conn: Connection, user_id: int, request: GridRequest) -> Block:
    """What the grid's infinite row model asks for: one block of this user's rows.

    A block in one column's order is read from an index, continuing from the cursor of the block
    before it when the process has one (:mod:`webapp.grid_cursors`), else after OFFSET rows. The
    first block also counts the matching rows, up to ``COUNT_CAP + 1`` (see
    :func:`grid_query.count_query`); a later block reports the end once it comes up short. A
    quick search first gets its typos corrected, then runs windowed (see :func:`_windowed`), or
    from its matches when the word is rare (:func:`_rare`).
    """
    _prepare(conn)
    names = search_names(conn, user_id)
    request, corrected = corrected_request(conn, with_default_sort(conn, user_id, request))
    if request.quick:
        return _quick_block(conn, user_id, request, names, corrected)
    return _plain_block(conn, user_id, request, names, corrected)


def _plain_block(
    conn: Connection, user_id: int, request: GridRequest, names: dict[int, str], corrected: str | None
) -> Block:
    sort = grid_query.single_sort(request)
    if sort is None or request.quick:  # several sort columns (or every match of a search): OFFSET
        result = conn.execute(grid_query.rows_query(user_id, request)).all()
    else:
        view = grid_cursors.view_key(request)
        cursor = grid_cursors.cursor_for(user_id, view, request.start_row)
        if cursor is None and request.start_row > 0:
            # a jump: skip the rows before it reading ids only (PostgreSQL computes the select
            # list's subqueries for every row OFFSET skips), then read the block's rows by id
            columns = grid_query.sort_columns(sort[0])
            skipped = _ordered_read(conn, user_id, request, columns, None, request.start_row, request.limit)
            ids = [r.id for r in skipped]
            result = conn.execute(grid_query.rows_query(user_id, request, ids=ids)).all() if ids else []
        else:
            columns = grid_query.block_columns(user_id)
            result = _ordered_read(conn, user_id, request, columns, cursor, 0, request.limit, quick=False)
        key = grid_query.sort_value_key(sort[0])
        keys = [(row._mapping[key], row.id) for row in result]
        _remember(user_id, view, request.start_row, keys, len(keys) or 1)
    rows = with_also_on(conn, user_id, [grid_row(row, names) for row in result])
    matched: int | None = None
    row_count: int | None
    if not rows and request.start_row > 0:
        # a block past the end (a hand-made startRow): the end is the real count, not startRow
        counted = conn.execute(grid_query.count_query(user_id, request)).scalar_one()
        row_count = counted if counted <= grid_query.COUNT_CAP else None
    elif len(rows) < request.limit:
        row_count = request.start_row + len(rows)
        if request.start_row == 0:
            matched = row_count
    elif request.start_row == 0:
        matched = view_size(conn, user_id, request)
        row_count = matched if matched <= grid_query.COUNT_CAP else None
    else:
        row_count = None
    return Block(rows, row_count, matched, False, corrected)


def export_rows(conn: Connection, user_id: int, request: GridRequest) -> Iterator[dict[str, Any]]:
    """The current view (filters, sort, search), first :data:`EXPORT_LIMIT` rows, streamed."""
    _prepare(conn)
    names = search_names(conn, user_id)
    request, _ = corrected_request(conn, with_default_sort(conn, user_id, request))
    query = grid_query.rows_query(user_id, request, limit=EXPORT_LIMIT)
    for row in conn.execution_options(yield_per=2000).execute(query):
        yield grid_row(row, names)


# -- duplicate groups ---------------------------------------------------------------------------------
#
# What a user's grid shows of duplicate groups (t01.group_id, t20_jh_group_splits), scoped to the
# user: the other members among their own vacancies. Splitting is domain.duplicates.split/unsplit.


def _group_links(user_id: int) -> tuple[Any, Any]:
    member = vacancies.alias("member")
    link = user_vacancies.alias("member_link")
    return member, link


def group_members(conn: Connection, user_id: int, vacancy_id: int) -> list[dict[str, Any]]:
    """The other vacancies of this one's duplicate group among the user's own (not split by the
    user), in id order; empty when it is alone, split by the user, or not the user's."""
    this = vacancies.alias("this")
    this_link = user_vacancies.alias("this_link")
    member, link = _group_links(user_id)
    rows = conn.execute(
        select(member.c.id, member.c.source, member.c.url, member.c.name, member.c.employer_name)
        .select_from(
            this.join(this_link, this_link.c.vacancy_id == this.c.id)
            .join(member, member.c.group_id == this.c.group_id)
            .join(link, link.c.vacancy_id == member.c.id)
        )
        .where(
            this.c.id == vacancy_id,
            this_link.c.user_id == user_id,
            link.c.user_id == user_id,
            member.c.id != this.c.id,
            ~grid_query.split_by(user_id, this.c.id),
            ~grid_query.split_by(user_id, member.c.id),
        )
        .order_by(member.c.id)
    ).all()
    return [{**dict(r._mapping), "url": web_url(r.url)} for r in rows]


def with_also_on(conn: Connection, user_id: int, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with ``also_on``: the boards the other members of its group are on (one query for
    the block, by the group_id index), other than its own board."""
    groups = sorted({r["group_id"] for r in rows if r.get("group_id") is not None and not r.get("split")})
    found: dict[int, list[tuple[int, str]]] = {}
    if groups:
        member, link = _group_links(user_id)
        query = (
            select(member.c.group_id, member.c.id, member.c.source)
            .select_from(member.join(link, link.c.vacancy_id == member.c.id))
            .where(
                link.c.user_id == user_id,
                member.c.group_id == func.any(bindparam(None, groups, type_=ARRAY(BigInteger))),
                ~grid_query.split_by(user_id, member.c.id),
            )
        )
        for r in conn.execute(query):
            found.setdefault(r.group_id, []).append((r.id, r.source))
    for row in rows:
        members = [] if row.get("split") else found.get(row.get("group_id"), [])
        boards = {source for vid, source in members if vid != row["id"] and source != row.get("source")}
        row["also_on"] = [s for s in SOURCES if s in boards]
    return rows


# -- one vacancy ----------------------------------------------------------------------------------


def vacancy_details(conn: Connection, user_id: int, vacancy_id: int) -> dict[str, Any] | None:
    """Everything the details panel shows, or None when the vacancy is not this user's."""
    row = conn.execute(
        select(
            vacancies,
            details.c.description_safe,
            details.c.key_skills,
            user_vacancies.c.search_ids,
            user_vacancies.c.is_favourite,
            user_vacancies.c.is_banned,
            user_vacancies.c.score,
            user_vacancies.c.score_parts,
            grid_query.banned_employer(user_id).label("employer_banned"),
            grid_query.split_by(user_id, vacancies.c.id).label("split"),
        )
        .select_from(
            user_vacancies.join(vacancies, vacancies.c.id == user_vacancies.c.vacancy_id).outerjoin(
                details, details.c.vacancy_id == vacancies.c.id
            )
        )
        .where(user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == vacancy_id)
    ).one_or_none()
    if row is None:
        return None
    data = dict(row._mapping)
    for key in ("url", "employer_url", "employer_logo_url"):
        if key in data:
            data[key] = web_url(data[key])
    names = search_names(conn, user_id)
    data["searches"] = [names.get(s, f"#{s}") for s in data.pop("search_ids") or []]
    conn.execute(  # opened once: the vacancy is no longer new to this user
        update(user_vacancies)
        .where(
            user_vacancies.c.user_id == user_id,
            user_vacancies.c.vacancy_id == vacancy_id,
            user_vacancies.c.seen_at.is_(None),
        )
        .values(seen_at=func.now())
    )
    return data


class NotYours(LookupError):
    """The vacancy is not among the user's: nothing was read or changed."""


def set_mark(conn: Connection, user_id: int, vacancy_id: int, **marks: bool) -> None:
    """Set ``is_favourite`` and/or ``is_banned`` on the user's own link to a vacancy."""
    values = {k: bool(v) for k, v in marks.items() if k in ("is_favourite", "is_banned")}
    if not values:
        return
    result = conn.execute(
        update(user_vacancies)
        .where(user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == vacancy_id)
        .values(**values, updated_at=func.now())
    )
    if result.rowcount == 0:
        raise NotYours(vacancy_id)
    grid_cursors.forget(user_id)  # the row may leave (or join) the user's views


def set_employer_ban(conn: Connection, user_id: int, vacancy_id: int, banned: bool) -> str | None:
    """Ban (or unban) the employer of one of the user's vacancies; returns the employer's name."""
    row = conn.execute(
        select(vacancies.c.employer_id, vacancies.c.employer_name)
        .select_from(user_vacancies.join(vacancies, vacancies.c.id == user_vacancies.c.vacancy_id))
        .where(user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == vacancy_id)
    ).one_or_none()
    if row is None:
        raise NotYours(vacancy_id)
    if row.employer_id is None:
        return None
    grid_cursors.forget(user_id)
    if banned:
        stmt = pg_insert(banned_employers).values(
            user_id=user_id, employer_id=row.employer_id, employer_name=row.employer_name
        )
        conn.execute(stmt.on_conflict_do_nothing())
    else:
        conn.execute(
            delete(banned_employers).where(
                banned_employers.c.user_id == user_id, banned_employers.c.employer_id == row.employer_id
            )
        )
    return row.employer_name


def filter_choices(conn: Connection, user_id: int, limit: int = 300) -> dict[str, list[dict[str, str]]]:
    """Values for the grid's multi-select filters: areas found among this user's vacancies
    (most frequent first), and the user's saved searches."""
    areas = conn.execute(
        select(vacancies.c.area_id, func.min(vacancies.c.area_name).label("name"))
        .select_from(user_vacancies.join(vacancies, vacancies.c.id == user_vacancies.c.vacancy_id))
        .where(user_vacancies.c.user_id == user_id, vacancies.c.area_id.is_not(None))
        .group_by(vacancies.c.area_id)
        .order_by(func.count().desc())
        .limit(limit)
    ).all()
    return {
        "areas": [{"value": r.area_id, "label": r.name or r.area_id} for r in areas],
        "searches": [{"value": str(k), "label": v} for k, v in search_names(conn, user_id).items()],
        "skills": skill_choices(conn, user_id),
    }


#: The key-skills filter offers the skills of the user's newest this many vacancies.
SKILLS_SAMPLE = 5_000


def skill_choices(conn: Connection, user_id: int, limit: int = 300) -> list[dict[str, str]]:
    """The key skills of the user's newest :data:`SKILLS_SAMPLE` vacancies, most frequent first:
    the values of the grid's skills filter (from the data, scoped to the user; one index range of
    their links and as many primary-key lookups, not an unnest of every description)."""
    links = (
        select(user_vacancies.c.vacancy_id)
        .where(user_vacancies.c.user_id == user_id)
        .order_by(user_vacancies.c.matched_at.desc())
        .limit(SKILLS_SAMPLE)
        .subquery()
    )
    skill = func.unnest(details.c.key_skills).label("skill")
    named = (
        select(skill).select_from(links.join(details, details.c.vacancy_id == links.c.vacancy_id)).subquery()
    )
    rows = conn.execute(
        select(named.c.skill)
        .where(func.length(named.c.skill).between(1, 64))
        .group_by(named.c.skill)
        .order_by(func.count().desc(), named.c.skill)
        .limit(limit)
    ).scalars()
    return [{"value": name, "label": name} for name in rows]


# -- preferences ----------------------------------------------------------------------------------

PREFERENCE_KEYS = ("theme", "lang", "columns")


def preferences(conn: Connection, user_id: int) -> dict[str, Any]:
    value = conn.execute(select(users.c.preferences).where(users.c.id == user_id)).scalar_one_or_none()
    return dict(value or {})


def save_preference(conn: Connection, user_id: int, key: str, value: Any) -> None:
    """Merge one preference into the user's JSON (other keys untouched)."""
    if key not in PREFERENCE_KEYS:
        raise ValueError(f"unknown preference {key!r}")
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(preferences=users.c.preferences.op("||")(bindparam(None, {key: value}, type_=JSONB)))
    )


# -- saved searches ---------------------------------------------------------------------------------


def searches_with_last_run(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    """The user's saved searches, each with its newest scheduled or manual harvest (or None).

    A backfill re-reads one past hour: it says nothing about how current the search is, so it is
    not the card's «last harvest» (the audit log lists it with the hour it covered)."""
    last = (
        select(etl_runs)
        .ext(distinct_on(etl_runs.c.search_id))
        .where(etl_runs.c.user_id == user_id, etl_runs.c.trigger.in_(("scheduled", "manual")))
        .order_by(etl_runs.c.search_id, etl_runs.c.started_at.desc())
        .subquery()
    )
    linked = (
        select(func.count())
        .select_from(user_vacancies)
        .where(user_vacancies.c.user_id == user_id, searches.c.id == user_vacancies.c.search_ids.any_())
        .scalar_subquery()
    )
    rows = conn.execute(
        select(
            searches,
            last.c.status.label("run_status"),
            last.c.started_at.label("run_started_at"),
            last.c.finished_at.label("run_finished_at"),
            last.c.new.label("run_new"),
            last.c.found.label("run_found"),
            last.c.error.label("run_error"),
            linked.label("vacancies"),
        )
        .select_from(searches.outerjoin(last, last.c.search_id == searches.c.id))
        .where(searches.c.user_id == user_id)
        .order_by(searches.c.name)
    ).all()
    return [dict(r._mapping) for r in rows]


def dictionary(conn: Connection, name: str) -> Any:
    return conn.execute(
        select(dictionaries.c.payload).where(dictionaries.c.name == name)
    ).scalar_one_or_none()


# -- administration ---------------------------------------------------------------------------------


def list_users(conn: Connection) -> list[dict[str, Any]]:
    searches_count = (
        select(func.count())
        .select_from(searches)
        .where(searches.c.user_id == users.c.id)
        .scalar_subquery()
        .label("searches")
    )
    rows = conn.execute(
        select(
            users.c.id,
            users.c.login,
            users.c.display_name,
            users.c.role,
            users.c.is_active,
            users.c.created_at,
            users.c.last_login_at,
            users.c.is_demo,
            searches_count,
        ).order_by(users.c.login)
    ).all()
    return [{k: _json_value(v) for k, v in r._mapping.items()} for r in rows]


def set_user_fields(conn: Connection, user_id: int, **values: Any) -> None:
    allowed = {k: v for k, v in values.items() if k in ("role", "is_active", "display_name")}
    if allowed:
        conn.execute(update(users).where(users.c.id == user_id).values(**allowed))
    if allowed.get("is_active") is False:  # a disabled user is logged out everywhere at once
        web_sessions.end_all(conn, user_id)


def active_admins(conn: Connection) -> int:
    return conn.execute(
        select(func.count()).select_from(users).where(users.c.role == "admin", users.c.is_active)
    ).scalar_one()


RUN_STATUSES = ("running", "success", "partial", "failed", "captcha", "auth")
RUN_TRIGGERS = ("scheduled", "manual", "backfill")


def list_runs(
    conn: Connection,
    *,
    statuses: list[str] | None = None,
    user_id: int | None = None,
    text_filter: str = "",
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """The audit log, newest first, filtered."""
    query = (
        select(etl_runs, users.c.login)
        .select_from(etl_runs.outerjoin(users, users.c.id == etl_runs.c.user_id))
        .order_by(etl_runs.c.started_at.desc(), etl_runs.c.id.desc())
        .limit(limit)
    )
    if statuses:
        query = query.where(etl_runs.c.status.in_([s for s in statuses if s in RUN_STATUSES]))
    if user_id is not None:
        query = query.where(etl_runs.c.user_id == user_id)
    if text_filter.strip():
        needle = text_filter.strip()[:100]
        query = query.where(
            etl_runs.c.search_name.icontains(needle, autoescape=True)
            | etl_runs.c.run_id.icontains(needle, autoescape=True)
        )
    if since:
        query = query.where(etl_runs.c.started_at >= grid_query.day_start(since))
    if until:
        query = query.where(etl_runs.c.started_at < grid_query.day_start(until + timedelta(days=1)))
    return [{k: _json_value(v) for k, v in r._mapping.items()} for r in conn.execute(query)]


def hh_access_problem(engine: Engine, user_id: int, *, is_admin: bool) -> tuple[str, str] | None:
    """``(status, error)`` when the latest harvest of any of the user's searches (of anybody's, for
    an admin) in the last day stopped on hh.ru access (no, wrong or revoked token, or a captcha).

    Each search's own latest row counts: a captcha on one search stays visible after another
    search harvested fine, and clears once that search itself harvests again."""
    runs = etl_runs.c
    latest = (
        select(runs.id, runs.status, runs.error)
        .ext(distinct_on(runs.search_id))
        .where(runs.started_at > func.now() - text("interval '1 day'"), ~runs.is_demo)
        .order_by(runs.search_id, runs.started_at.desc(), runs.id.desc())
    )
    if not is_admin:
        latest = latest.where(runs.user_id == user_id)
    latest = latest.subquery()
    query = (
        select(latest.c.status, latest.c.error)
        .where(latest.c.status.in_(("auth", "captcha")))
        .order_by(latest.c.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return row.status, row.error or ""
