"""What the market figures read, kept up to date: ``t23_jh_market_facts``, one narrow row per link.

A figure over a million vacancies cannot join the wide vacancy, details and link tables each time
(the join alone costs more than the 300 ms a chart may take), so every link has its facts copied
into one narrow row: the days it was first seen, last seen and closed, grade, city, formats,
employer, the salary as one monthly-rouble figure, gross or net, key skills, and the searches
that found it.

:func:`refresh` rewrites the rows of some vacancies (for every user linked to them) or of one
user, and skips rows whose facts did not change. It runs in the transaction that changed the
vacancies — each harvest load batch, each details batch, each closing (``etl.harvest.steps``,
``etl.housekeeping``, the demo) — so the facts never lag behind a committed harvest, and a crash
rolls both back together. Bans are not copied: they change any time from the web, Telegram or the
CLI, and the figures read them live from the link (a partial index of banned links keeps that
cheap). A deleted link takes its row with it (the foreign key cascades).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Date,
    Float,
    Numeric,
    Text,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from core.schema import details, market_days, market_facts, market_rollup, user_vacancies, vacancies
from domain.market import rollup

_BATCH = 50_000
_COLUMNS = [c.name for c in market_facts.columns]


def _day(column: Any) -> Any:
    return cast(func.timezone("UTC", column), Date)


def salary_of(salary_from: Any, salary_to: Any) -> Any:
    """A vacancy's one salary figure: the middle of its range, or the one end it publishes."""
    both = and_(salary_from.is_not(None), salary_to.is_not(None))
    return cast(
        case(
            (both, (salary_from + salary_to) / 2.0),
            else_=cast(func.coalesce(salary_from, salary_to), Numeric),
        ),
        Float,
    )


def _source(where: Any) -> Any:
    """The facts of the links of ``where`` as they are now, named as ``t23``'s columns."""
    v, uv, d = vacancies.c, user_vacancies.c, details.c
    values = (
        uv.user_id,
        uv.vacancy_id,
        uv.search_ids,
        v.source,
        _day(v.first_seen_at),
        _day(v.last_seen_at),
        _day(v.closed_at),
        v.experience_id,
        v.area_id,
        v.area_name,
        v.work_format_ids,
        v.work_format_names,
        v.employer_id,
        v.employer_name,
        salary_of(v.salary_from_rub, v.salary_to_rub),
        v.salary_gross,
        func.coalesce(d.key_skills, literal([], ARRAY(vacancies.c.name.type))),
    )
    return (
        select(*(value.label(name) for value, name in zip(values, _COLUMNS, strict=True)))
        .select_from(
            user_vacancies.join(vacancies, v.id == uv.vacancy_id).outerjoin(details, d.vacancy_id == v.id)
        )
        .where(where)
    )


#: The columns a day count depends on.
_COUNTED = ("user_id", "vacancy_id", "search_ids", "source", "first_day", "skills")
EVERY, KNOWN = "*", ""  # t24's skill keys: every vacancy, and those whose skills are known


def contributions(row: Any) -> list[tuple[int, int, str, Any, str]]:
    """The (user, search, source, day, skill) counts one fact row adds to ``t24_jh_market_days``."""
    skills = [EVERY, *([KNOWN, *dict.fromkeys(row.skills)] if row.skills else [])]
    return [
        (row.user_id, search, row.source, row.first_day, skill)
        for search in (0, *dict.fromkeys(row.search_ids))
        for skill in skills
    ]


def _upsert(conn: Connection, where: Any, params: dict[str, Any]) -> list[Any]:
    """Write the facts; return the rows written (inserted or changed) with what days count."""
    statement = pg_insert(market_facts).from_select(_COLUMNS, _source(where))
    changing = [c for c in _COLUMNS if c not in ("user_id", "vacancy_id")]
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "vacancy_id"],
        set_={c: statement.excluded[c] for c in changing},
        where=func.row(*(market_facts.c[c] for c in changing)).is_distinct_from(
            func.row(*(statement.excluded[c] for c in changing))
        ),
    ).returning(*(market_facts.c[c] for c in _COUNTED))
    return conn.execute(statement, params).all()


def _add(conn: Connection, counts: Counter[tuple[int, int, str, Any, str]]) -> None:
    rows = [
        {"user_id": u, "search_id": s, "source": src, "day": d, "skill": k, "vacancies": n}
        for (u, s, src, d, k), n in counts.items()
        if n
    ]
    for i in range(0, len(rows), 5_000):
        statement = pg_insert(market_days).values(rows[i : i + 5_000])
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id", "search_id", "source", "day", "skill"],
                set_={"vacancies": market_days.c.vacancies + statement.excluded.vacancies},
            )
        )


def refresh(conn: Connection, vacancy_ids: Sequence[int]) -> int:
    """Rewrite the facts of these vacancies for every user linked to them, and move the day
    counts and the rollup (:mod:`domain.market.rollup`) by what changed; returns how many fact
    rows were written."""
    ids = sorted(set(vacancy_ids))
    written = 0
    for i in range(0, len(ids), _BATCH):
        chunk = {"ids": ids[i : i + _BATCH]}
        key = bindparam("ids", type_=ARRAY(BigInteger))
        # through the links' vacancy index into the facts' key (the facts have no index of their own
        # on the vacancy: the key serves every other read, and one index less is cheaper to write)
        links = user_vacancies.c
        old = {
            (row.user_id, row.vacancy_id): row
            for row in conn.execute(
                select(*(market_facts.c[c] for c in _COUNTED))
                .select_from(
                    user_vacancies.join(
                        market_facts,
                        and_(
                            market_facts.c.user_id == links.user_id,
                            market_facts.c.vacancy_id == links.vacancy_id,
                        ),
                    )
                )
                .where(links.vacancy_id == any_(key)),
                chunk,
            )
        }
        rollup.move(conn, _source(user_vacancies.c.vacancy_id == any_(key)).cte("now"), chunk)
        new = _upsert(conn, user_vacancies.c.vacancy_id == any_(key), chunk)
        counts: Counter[tuple[int, int, str, Any, str]] = Counter()
        for row in new:
            counts.update(contributions(row))
            if (before := old.get((row.user_id, row.vacancy_id))) is not None:
                counts.subtract(contributions(before))
        _add(conn, counts)
        written += len(new)
    return written


def refresh_user(conn: Connection, user_id: int | None = None) -> int:
    """Rewrite every fact and day count of one user (or, with None, of everyone: the migration's
    first fill)."""
    facts_where = user_vacancies.c.user_id == bindparam("user_id") if user_id is not None else true()
    days_where = market_days.c.user_id == user_id if user_id is not None else true()
    written = len(_upsert(conn, facts_where, {"user_id": user_id} if user_id is not None else {}))
    conn.execute(market_days.delete().where(days_where))
    m = market_facts.c
    skills = case(
        (func.cardinality(m.skills) > 0, func.array_cat(literal([EVERY, KNOWN], ARRAY(Text)), m.skills)),
        else_=literal([EVERY], ARRAY(Text)),
    )
    by_search = (
        select(
            m.user_id,
            m.vacancy_id,
            m.source,
            m.first_day,
            func.unnest(func.array_prepend(literal(0, BigInteger), m.search_ids)).label("search_id"),
            skills.label("skills"),
        )
        .where(m.user_id == user_id if user_id is not None else true())
        .subquery()
    )
    b = by_search.c
    pairs = select(
        b.user_id, b.search_id, b.source, b.first_day, func.unnest(b.skills).label("skill"), b.vacancy_id
    ).subquery()
    conn.execute(
        pg_insert(market_days).from_select(
            ["user_id", "search_id", "source", "day", "skill", "vacancies"],
            select(
                pairs.c.user_id,
                pairs.c.search_id,
                pairs.c.source,
                pairs.c.first_day,
                pairs.c.skill,
                func.count(func.distinct(pairs.c.vacancy_id)),
            ).group_by(pairs.c.user_id, pairs.c.search_id, pairs.c.source, pairs.c.first_day, pairs.c.skill),
        )
    )
    rollup.fill(conn, user_id)
    return written


def fill_missing(conn: Connection) -> int:
    """Fill the facts and counts of every user with links but no facts yet, or facts but no counts
    — an installation migrated to 0012 or 0015 with vacancies stored before it (the migrations
    create the tables empty: migrations don't import the domain). Cheap when there is nothing to
    do; returns how many users were filled."""
    links, facts = user_vacancies.c, market_facts.c
    missing = (
        conn.execute(
            select(links.user_id)
            .where(~exists().where(facts.user_id == links.user_id))
            .group_by(links.user_id)
        )
        .scalars()
        .all()
    )
    for user_id in missing:
        refresh_user(conn, user_id)
    # an installation migrated to 0015 with facts stored before it: count them
    uncounted = (
        conn.execute(
            select(facts.user_id)
            .where(~exists().where(market_rollup.c.user_id == facts.user_id))
            .group_by(facts.user_id)
        )
        .scalars()
        .all()
    )
    for user_id in uncounted:
        rollup.fill(conn, user_id)
    return len(missing) + len(uncounted)
