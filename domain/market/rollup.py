"""The market's counts by day, group and salary: ``t26_jh_market_rollup``, kept with the facts.

A chart over a month of a million vacancies cannot read the month's 300,000 fact rows in 300 ms
(one pass alone costs more), but the same month is a few thousand counts: vacancies of one day,
grade and salary are one row. A percentile is read off the counts exactly (see
:func:`domain.market.queries.quantiles`), so nothing is approximated.

Each fact row (:mod:`domain.market.store`) counts once for every search that found it and for
search 0 ("any"), in each dimension of :data:`DIMS`, on the day it was first seen (closings on
the day they closed), so a vacancy seen again changes nothing here; only a changed salary, city,
grade, employer, skill list or a closing moves a count:

========  ==========  =========================  =========================================
dim       day         key (label)                which facts
========  ==========  =========================  =========================================
grade     first seen  the grade, '' unknown      all (``value`` NULL: no salary)
area      first seen  the city id (its name)     with a city and a salary
format    first seen  the work format (its name) with a salary, once per format
employer  first seen  the employer id (its name) with an employer; ``open``: not closed
peer      first seen  grade + US + lower(city)   with a salary
closed    closed      the grade, '' unknown      closed, ``value``: days first seen → closed
skill     first seen  a key skill; '' known      with key skills and a salary
========  ==========  =========================  =========================================

Hidden vacancies are counted here like the others (a ban changes at any click); the figures
subtract the contributions of the scope's hidden facts live (:func:`contributions` over them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    Text,
    and_,
    bindparam,
    cast,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from core.schema import market_facts, market_rollup

DIMS = ("grade", "area", "format", "employer", "peer", "closed", "skill")
#: Between the grade and the city of a ``peer`` key (a character no name contains).
PEER_SEP = "\x1f"
KEY = ("user_id", "dim", "search_id", "day", "source", "key", "gross", "value", "open")
COLUMNS = (*KEY, "label")


def _facts(rows: Any, where: Any, search_id: int | None) -> Any:
    """The fact rows of ``where``, once per search that found them and for search 0 (``search_id``
    None), or once as the one search asked for."""
    search = (
        func.unnest(func.array_prepend(literal(0, BigInteger), rows.c.search_ids))
        if search_id is None
        else literal(search_id, BigInteger)
    )
    return select(*rows.c, search.label("search_id")).where(where).subquery("b")


def contributions(
    where: Any, *, rows: Any = market_facts, search_id: int | None = None, dims: tuple[str, ...] = DIMS
) -> Any:
    """One row per fact, search, dimension and group (the table's :data:`COLUMNS`), each counting
    one vacancy: what the facts of ``where`` among ``rows`` (``t23`` or rows named as its columns)
    add to the table (see the module docstring)."""
    b = _facts(rows, where, search_id)
    grade = func.coalesce(b.c.grade, "")
    no_label = cast(null(), Text)
    no_value = cast(null(), Float)
    shut = false()

    def part(dim: str, day: Any, key: Any, label: Any, value: Any, is_open: Any, *where_: Any) -> Any:
        return select(
            b.c.user_id,
            literal(dim, Text).label("dim"),
            b.c.search_id,
            day.label("day"),
            b.c.source,
            key.label("key"),
            b.c.gross if value is not None else cast(null(), Boolean).label("gross"),
            (value if value is not None else no_value).label("value"),
            is_open.label("open"),
            label.label("label"),
        ).where(*where_)

    paid = b.c.salary.is_not(None)
    parts: dict[str, Any] = {}
    parts["grade"] = lambda: part("grade", b.c.first_day, grade, no_label, b.c.salary, shut)
    parts["area"] = lambda: part(
        "area", b.c.first_day, b.c.area_id, b.c.area_name, b.c.salary, shut, paid, b.c.area_id.is_not(None)
    )

    def unnested(dim: str, keys: Any, labels: Any, *where_: Any) -> Any:
        """One row per element of the ``keys`` array of each fact with a salary (``labels``: the
        array of their names, unnested in step with them)."""
        rows = (
            select(
                b.c.user_id,
                b.c.search_id,
                b.c.first_day,
                b.c.source,
                b.c.gross,
                b.c.salary,
                func.unnest(keys).label("key"),
                (func.unnest(labels) if labels is not None else no_label).label("label"),
            )
            .where(paid, *where_)
            .subquery(dim)
        )
        u = rows.c
        return select(
            u.user_id,
            literal(dim, Text).label("dim"),
            u.search_id,
            u.first_day.label("day"),
            u.source,
            u.key,
            u.gross,
            u.salary.label("value"),
            shut.label("open"),
            u.label,
        ).where(u.key.is_not(None))

    parts["format"] = lambda: unnested("format", b.c.formats, b.c.format_names)
    parts["employer"] = lambda: part(
        "employer",
        b.c.first_day,
        b.c.employer_id,
        b.c.employer_name,
        b.c.salary,
        b.c.closed_day.is_(None),
        b.c.employer_id.is_not(None),
    )
    peer = grade + PEER_SEP + func.lower(func.coalesce(b.c.area_name, ""))
    parts["peer"] = lambda: part("peer", b.c.first_day, peer, no_label, b.c.salary, shut, paid)
    lifetime = cast(b.c.closed_day - b.c.first_day, Float)
    parts["closed"] = lambda: select(
        b.c.user_id,
        literal("closed", Text).label("dim"),
        b.c.search_id,
        b.c.closed_day.label("day"),
        b.c.source,
        grade.label("key"),
        cast(null(), Boolean).label("gross"),
        lifetime.label("value"),
        shut.label("open"),
        no_label.label("label"),
    ).where(b.c.closed_day.is_not(None), b.c.first_day <= b.c.closed_day)

    parts["skill"] = lambda: unnested(
        "skill", func.array_prepend(literal("", Text), b.c.skills), None, func.cardinality(b.c.skills) > 0
    )
    return union_all(*(parts[d]() for d in dims)).subquery("c")


def grouped(where: Any, *, search_id: int | None = None, dims: tuple[str, ...] = DIMS) -> Any:
    """:func:`contributions` counted: the table's rows for the facts of ``where``."""
    c = contributions(where, search_id=search_id, dims=dims)
    keys = [c.c[k] for k in KEY]
    return select(*keys, func.min(c.c.label).label("label"), func.count().label("n")).group_by(*keys)


def fill(conn: Connection, user_id: int | None) -> None:
    """Recount every row of one user (None: of everyone) from their facts.

    The rows go in in the order of the table's key index: each goes to the index's last page,
    instead of to a random one of a B-tree far larger than the buffer cache (at a million
    vacancies the rollup's part of a first fill had not finished after 17 minutes that way; in
    order, the whole fill took under 8)."""
    m = market_facts.c
    conn.execute(
        market_rollup.delete().where(market_rollup.c.user_id == user_id if user_id is not None else true())
    )
    where = m.user_id == bindparam("rollup_user") if user_id is not None else true()
    counted = grouped(where)
    conn.execute(
        pg_insert(market_rollup).from_select(
            [*COLUMNS, "n"], counted.order_by(*(counted.selected_columns[k] for k in KEY))
        ),
        {"rollup_user": user_id} if user_id is not None else {},
    )


#: The facts' columns a count depends on (not the last-seen day: a vacancy seen again moves none).
COUNTED = tuple(c.name for c in market_facts.columns if c.name not in ("user_id", "vacancy_id", "last_day"))


def move(conn: Connection, now: Any, params: dict[str, Any]) -> None:
    """Move the counts from the stored facts to ``now`` (rows named as ``t23``'s columns, written
    next): each pair whose counted columns changed takes its old contributions away and adds its
    new ones, in one statement; a count that reaches 0 is deleted."""
    m = market_facts.c
    pair = and_(m.user_id == now.c.user_id, m.vacancy_id == now.c.vacancy_id)
    changed = or_(
        m.user_id.is_(None),
        func.row(*(now.c[c] for c in COUNTED)).is_distinct_from(func.row(*(m[c] for c in COUNTED))),
    )
    new = select(*now.c).select_from(now.outerjoin(market_facts, pair)).where(changed).cte("new_facts")
    old = select(*market_facts.c).select_from(now.join(market_facts, pair)).where(changed).cte("old_facts")
    plus = contributions(true(), rows=new)
    minus = contributions(true(), rows=old)
    delta = union_all(
        select(*plus.c, literal(1).label("n")), select(*minus.c, literal(-1).label("n"))
    ).subquery("delta")
    keys = [delta.c[k] for k in KEY]
    total = func.sum(delta.c.n)
    moved = select(*keys, func.min(delta.c.label), total).group_by(*keys).having(total != 0)
    r = market_rollup.c
    statement = pg_insert(market_rollup).from_select([*COLUMNS, "n"], moved)
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"n": r.n + statement.excluded.n, "label": func.coalesce(statement.excluded.label, r.label)},
    ).returning(literal_column("ctid"), r.n)
    empty = [str(row[0]) for row in conn.execute(statement, params) if row.n == 0]
    if empty:  # by the rows' ids (ctid): the key has NULLs, which "=" would not match
        conn.execute(market_rollup.delete().where(text("ctid = ANY(CAST(:tids AS tid[]))")), {"tids": empty})
