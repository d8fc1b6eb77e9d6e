"""Load: set-based upserts into PostgreSQL. Never delete-then-insert, never row by row.

Every function takes a connection inside the caller's transaction, so a batch is one unit
of work: it lands whole or not at all, and re-running it changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Text,
    and_,
    any_,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, Insert, array, insert

from core.db import unprepared
from core.schema import details, raw, user_vacancies, vacancies
from domain import skills

_SEEN = ("first_seen_at", "last_seen_at", "times_seen")
# Columns a content change rewrites (first_run_id is written once, on insert).
_CONTENT = [
    c.name
    for c in vacancies.columns
    if c.name not in ("id", "source", "source_id", "group_id", *_SEEN, "updated_at", "first_run_id")
]


@dataclass
class LoadCounts:
    new: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    ids: dict[str, int] = field(default_factory=dict)  # source_id → the vacancy's id


@contextmanager
def batch_transaction(engine: Engine) -> Iterator[Connection]:
    """The transaction of one load batch, whose commit does not wait for the disk.

    ``synchronous_commit = off`` for this transaction only: the step that loads the batches ends
    by recording its figures in an ordinary commit, and that flushes every earlier commit to
    disk. A crash before it can lose the last batches of a step that then never reported
    success, and the step run again loads them (loads are idempotent). PostgreSQL stays
    consistent either way; what is saved is a disk flush per batch.
    """
    with engine.begin() as conn:
        conn.execute(_ASYNC_COMMIT)
        yield conn


_ASYNC_COMMIT = text("SET LOCAL synchronous_commit = off")


def land_raw(
    conn: Connection,
    *,
    run_id: str,
    search_id: int,
    source: str,
    kind: str,
    answers: Sequence[tuple[str, Any]],
) -> None:
    """Keep a board's answers verbatim, keyed by ``(key, payload)``; a re-run of the same run
    replaces them."""
    if not answers:
        return
    stmt = insert(raw)
    stmt = stmt.on_conflict_do_update(
        index_elements=["run_id", "search_id", "source", "kind", "request_key"],
        set_={"payload": stmt.excluded.payload, "fetched_at": func.now()},
    )
    rows = [
        {
            "run_id": run_id,
            "search_id": search_id,
            "source": source,
            "kind": kind,
            "request_key": key,
            "payload": payload,
        }
        for key, payload in answers
    ]
    conn.execute(stmt, rows)


def _landed(run_id: str, search_id: int, source: str, kind: str) -> list[Any]:
    return [raw.c.run_id == run_id, raw.c.search_id == search_id, raw.c.source == source, raw.c.kind == kind]


def landed_items(
    conn: Connection, *, run_id: str, search_id: int, source: str, items_path: Sequence[str] = ("items",)
) -> Iterator[dict[str, Any]]:
    """Every search item landed for a run, search and board, in the order the pages were stored.

    ``items_path`` is where a board's page keeps its items. A page's items arrive as one JSON text
    parsed by orjson: unnesting them in PostgreSQL and decoding each item apart cost more than the
    transform itself.
    """
    query = (
        select(func.jsonb_extract_path_text(raw.c.payload, *items_path))
        .where(*_landed(run_id, search_id, source, "search_page"))
        .order_by(raw.c.id)
    )
    for page in conn.execution_options(yield_per=20).execute(query).scalars():
        items = orjson.loads(page) if page else ()
        yield from items if isinstance(items, list) else ()


def upsert_vacancies(
    conn: Connection, rows: Sequence[dict[str, Any]], observed_at: datetime, run_id: str | None = None
) -> LoadCounts:
    """Insert new vacancies, update changed ones, and note that every one was seen at ``observed_at``.

    ``rows`` are of one board (``source``) and name each vacancy by its ``source_id``; the
    vacancies' own ids (the surrogate keys) come back in :attr:`LoadCounts.ids`.

    New and updated are counted for ``run_id``: a re-run of the same run (a cleared Airflow task)
    counts the vacancies it stored or changed the first time again, so the audit stays exact.

    A row is written only when its content hash differs or ``observed_at`` is later than its
    ``last_seen_at``, so loading the same window twice changes nothing. The rows are streamed
    into a session-local staging table with COPY and merged by one ``INSERT … SELECT … ON CONFLICT
    DO UPDATE … WHERE`` (a statement per row is several times slower). A vacancy given twice is
    taken as its last occurrence.
    """
    counts = LoadCounts()
    if not rows:
        return counts
    source = rows[0]["source"]
    if any(row["source"] != source for row in rows):
        raise ValueError("one batch of vacancies comes from one board")
    columns = tuple(name for name in _COLUMNS if name in rows[0])
    merge = _merge_statement(columns)
    unique = {row["source_id"]: row for row in rows}
    known = {r.source_id: r for r in unprepared(conn, _CLASSIFY, {"source": source, "ids": list(unique)})}
    _copy_to_staging(conn, columns, unique.values())
    written = conn.execute(merge, {"observed_at": observed_at, "run_id": run_id}).all()
    counts.ids = {r.source_id: r.id for r in known.values()} | {r.source_id: r.id for r in written}
    if missing := [sid for sid in unique if sid not in counts.ids]:  # stored meanwhile by another job
        counts.ids |= {r.source_id: r.id for r in conn.execute(_CLASSIFY, {"source": source, "ids": missing})}
    for source_id in unique:
        old, vacancy_id = known.get(source_id), counts.ids[source_id]
        if old is None or (run_id is not None and old.first_run_id == run_id):
            counts.new.append(vacancy_id)
        elif old.content_hash != unique[source_id]["content_hash"] or (
            run_id is not None and old.changed_run_id == run_id
        ):
            counts.updated.append(vacancy_id)
        else:
            counts.unchanged += 1
    return counts


# Vacancy columns a caller's rows may carry; the seen-bookkeeping ones are always set from
# ``observed_at``, the run ones from ``run_id``; the id is the database's and the duplicate group
# is set by :mod:`domain.duplicates`.
_RUN = ("first_run_id", "changed_run_id")
_OWN = ("id", "group_id")
_COLUMNS = [c.name for c in vacancies.columns if c.name not in (*_SEEN, *_RUN, *_OWN)]
_STAGING = "_jh_load_vacancies"
# A temporary table lives in the session's own schema, so its name does not depend on
# JH_DB_SCHEMA. It is emptied on every use rather than ON COMMIT DELETE ROWS, which would lose
# the rows between COPY and INSERT on an autocommit connection.
# Integer columns are staged as bigint: psycopg's binary int4 dumper wraps an out-of-range value
# silently, while PostgreSQL's bigint → integer cast in the INSERT refuses it.
_TYPES = {
    c.name: c.type.compile(dialect=postgresql.dialect()).lower().replace("integer", "bigint")
    for c in vacancies.columns
    if c.name in _COLUMNS
}
_STAGING_DDL = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} ("
    + ", ".join(f"{name} {sql_type}" for name, sql_type in _TYPES.items())
    + f"); TRUNCATE {_STAGING}"
)


def _copy_to_staging(conn: Connection, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """Stream ``rows`` into the (emptied) staging table through the driver's binary COPY.

    Binary COPY takes each value as its column's type, without casts: the rows must be shaped
    as :func:`etl.transform.vacancy_row` makes them (int, str, bool, list of str, datetimes
    with a time zone, or None).
    """
    driver = conn.connection.driver_connection  # psycopg 3, inside the caller's transaction
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(_STAGING_DDL)
        with cursor.copy(f"COPY {_STAGING} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([_TYPES[name] for name in columns])
            for row in rows:
                values = [row.get(name) for name in columns]
                try:
                    copy.write_row(values)
                except Exception as error:
                    misfit = _misfit(columns, values)
                    if misfit is None:
                        raise
                    name = f"{row.get('source')} {row.get('source_id')}"
                    raise TypeError(f"vacancy {name}: {misfit}") from error


def _misfit(columns: Sequence[str], values: list[Any]) -> str | None:
    """Which value of a row does not fit its column, if one plainly does not (for the error)."""
    for name, value in zip(columns, values, strict=True):
        if value is not None and not isinstance(value, _PYTHON_TYPES[_TYPES[name]]):
            return f"{name} = {value!r} is not a {_TYPES[name]}"
        if isinstance(value, datetime) and value.tzinfo is None:
            return f"{name} = {value!r} has no time zone"
    return None


_PYTHON_TYPES: dict[str, type] = {
    "bigint": int,
    "text": str,
    "boolean": bool,
    "text[]": list,
    "timestamp with time zone": datetime,
}


# The stored hash of the given ids. Not a join with the staging table: that has no statistics,
# and the planner then hashes the whole vacancies table for each batch.
_CLASSIFY = select(
    vacancies.c.id,
    vacancies.c.source_id,
    vacancies.c.content_hash,
    vacancies.c.first_run_id,
    vacancies.c.changed_run_id,
).where(
    vacancies.c.source == bindparam("source", type_=Text),
    vacancies.c.source_id == any_(bindparam("ids", type_=ARRAY(Text))),
)


@lru_cache(maxsize=8)
def _merge_statement(columns: tuple[str, ...]) -> Insert:
    """The merge from the staging table (built once per column set)."""
    staged = table(_STAGING, *(column(name) for name in columns))
    seen = bindparam("observed_at", type_=vacancies.c.last_seen_at.type)
    run = bindparam("run_id", type_=vacancies.c.first_run_id.type)
    source = select(*(staged.c[name] for name in columns), seen, seen, literal(1), run, run)
    stmt = insert(vacancies).from_select([*columns, *_SEEN, *_RUN], source.order_by(staged.c.source_id))
    new, cur = stmt.excluded, vacancies.c
    changed = cur.content_hash != new.content_hash
    later = new.last_seen_at > cur.last_seen_at
    # Seen in a search means open again, unless the rows say closed (a board whose items carry the
    # flag): then it stays closed since it was first seen so, and a re-run writes nothing.
    closed = new.archived if "archived" in columns else literal(False)
    return stmt.on_conflict_do_update(
        index_elements=["source", "source_id"],
        set_={
            **{name: case((changed, getattr(new, name)), else_=getattr(cur, name)) for name in _CONTENT},
            "archived": closed,
            "closed_at": case((closed, func.coalesce(cur.closed_at, seen)), else_=None),
            "updated_at": case((changed, func.now()), else_=cur.updated_at),
            "last_seen_at": func.greatest(cur.last_seen_at, new.last_seen_at),
            "times_seen": cur.times_seen + case((later, 1), else_=0),
        },
        where=or_(changed, later, cur.archived != closed),
    ).returning(vacancies.c.id, vacancies.c.source_id)


def link_to_user(
    conn: Connection, *, user_id: int, search_id: int, run_id: str, vacancy_ids: Iterable[int]
) -> int:
    """Record that ``search_id`` (owned by ``user_id``) matched these vacancies; returns how many are
    new to the user.

    One statement per batch: the ids travel as one array and are unnested by PostgreSQL (an
    ``executemany`` of one row per vacancy is several times slower).
    """
    ids = list(vacancy_ids)
    if not ids:
        return 0
    params = {"user_id": user_id, "search_id": search_id, "run_id": run_id, "ids": ids}
    return conn.execute(_LINK, params).scalar_one()


def _link_statement() -> Any:
    cur = user_vacancies.c
    search_id = bindparam("search_id", type_=BigInteger)
    matched = (
        func.unnest(bindparam("ids", type_=ARRAY(BigInteger)))
        .table_valued("vacancy_id")
        .render_derived(name="v")
    )
    source = select(
        bindparam("user_id", type_=BigInteger),
        matched.c.vacancy_id,
        array([search_id]),
        bindparam("run_id", type_=cur.run_id.type),
    ).order_by(matched.c.vacancy_id)
    stmt = insert(user_vacancies).from_select(["user_id", "vacancy_id", "search_ids", "run_id"], source)
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "vacancy_id"],
        set_={"search_ids": func.array_append(cur.search_ids, search_id)},
        where=~(search_id == cur.search_ids.any_()),
    )
    # xmax is 0 for a freshly inserted row and the locking transaction for an updated one.
    linked = stmt.returning(literal_column("(xmax = 0)").label("inserted")).cte("linked")
    return select(func.count()).select_from(linked).where(linked.c.inserted)


_LINK = _link_statement()


def landed_ids(run_id: str, search_id: int, source: str) -> Any:
    """A subquery of the board's ids of the vacancies a run landed for a search (pages whose
    ``items`` carry an ``id``, as hh.ru's do)."""
    # A function in FROM may refer to the tables before it (it is implicitly LATERAL).
    elements = func.jsonb_array_elements(raw.c.payload["items"])
    item = elements.table_valued(column("value", JSONB)).alias("item")
    return (
        select(item.c.value["id"].astext)
        .select_from(raw.join(item, true()))
        .where(*_landed(run_id, search_id, source, "search_page"))
    )


def pending_details(
    conn: Connection, *, run_id: str, search_id: int, source: str, include_fresh: bool = False
) -> list[tuple[int, str, str]]:
    """Vacancies of this run whose full text is missing or older than their search item
    (every vacancy of the run with ``include_fresh``): their id, board id and content hash."""
    query = (
        select(vacancies.c.id, vacancies.c.source_id, vacancies.c.content_hash)
        .outerjoin(details, details.c.vacancy_id == vacancies.c.id)
        .where(
            vacancies.c.source == source,
            vacancies.c.source_id.in_(landed_ids(run_id, search_id, source)),
        )
        .order_by(vacancies.c.id)
    )
    if not include_fresh:
        query = query.where(
            vacancies.c.closed_at.is_(None),
            or_(details.c.vacancy_id.is_(None), details.c.source_hash != vacancies.c.content_hash),
        )
    return [(row.id, row.source_id, row.content_hash) for row in conn.execute(query)]


def landed_payloads(
    conn: Connection, *, run_id: str, search_id: int, source: str, kind: str
) -> list[dict[str, Any]]:
    """The answers a run landed, oldest first."""
    query = select(raw.c.payload).where(*_landed(run_id, search_id, source, kind)).order_by(raw.c.id)
    return list(conn.execute(query).scalars())


def upsert_details(
    conn: Connection,
    rows: Sequence[dict[str, Any]],
    *,
    run_id: str | None = None,
    search_id: int | None = None,
    force: bool = False,
) -> None:
    """Store full vacancies (sanitised description, skills) fetched by a run for a search, in one
    statement; an unchanged source is skipped unless ``force`` (a replay after a transform change)."""
    if not rows:
        return
    rows = [
        {
            **row,
            "match_terms": sorted(skills.terms(*row.get("key_skills", ()), row["description_text"])),
            "fetched_run_id": run_id,
            "fetched_search_id": search_id,
        }
        for row in rows
    ]
    stmt = insert(details)
    stmt = stmt.on_conflict_do_update(
        index_elements=["vacancy_id"],
        set_={
            **{
                c: getattr(stmt.excluded, c)
                for c in (
                    "description_html",
                    "description_safe",
                    "description_text",
                    "key_skills",
                    "source_hash",
                    "match_terms",
                    "fetched_run_id",
                    "fetched_search_id",
                )
            },
            "fetched_at": func.now(),
        },
        where=None if force else details.c.source_hash != stmt.excluded.source_hash,
    )
    conn.execute(stmt, list(rows))


def fetched_count(conn: Connection, *, run_id: str, search_id: int, source: str) -> int:
    """How many full vacancies a run fetched for a search on a board (exact across re-runs)."""
    query = (
        select(func.count())
        .select_from(details.join(vacancies, vacancies.c.id == details.c.vacancy_id))
        .where(
            details.c.fetched_run_id == run_id,
            details.c.fetched_search_id == search_id,
            vacancies.c.source == source,
        )
    )
    return conn.execute(query).scalar_one()


def mark_closed(conn: Connection, vacancy_ids: Sequence[int], *, when: datetime) -> int:
    """Their board reports these vacancies archived, closed or removed: close them (once)."""
    if not vacancy_ids:
        return 0
    result = conn.execute(
        update(vacancies)
        .where(and_(vacancies.c.id.in_(list(vacancy_ids)), vacancies.c.closed_at.is_(None)))
        .values(archived=True, closed_at=when, updated_at=func.now())
    )
    return result.rowcount
