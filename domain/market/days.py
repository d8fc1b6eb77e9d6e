"""Counts of new vacancies by day and key skill, from ``t24_jh_market_days`` (no row scan).

The table counts, per user, search (0: any), board and first-seen day, the vacancies naming each
skill, hidden ones included; here the vacancies the user hid (a banned link, a banned employer)
are read live (:mod:`domain.market.hidden`) and their counts subtracted, so a ban shows at once
without touching the table.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import ARRAY, Text, case, cast, distinct, func, literal, select
from sqlalchemy.engine import Connection

from core.schema import market_days, market_facts
from domain.market import hidden
from domain.market.model import Scope
from domain.market.store import EVERY, KNOWN

Key = tuple[date, str]


def _hidden(conn: Connection, scope: Scope, start: date, end: date) -> Counter[Key]:
    """(day, skill) counts of the scope's hidden vacancies first seen between ``start`` and ``end``:
    what their facts added to the table (:func:`domain.market.store.contributions`: every one
    under ``EVERY``, those with key skills also under ``KNOWN`` and each skill once), counted in
    the database."""
    if scope.include_hidden:
        return Counter()
    m = market_facts.c
    text_array = ARRAY(Text)
    named = func.array_prepend(literal(KNOWN, Text), m.skills)
    keys = func.array_prepend(
        literal(EVERY, Text),
        case((func.cardinality(m.skills) > 0, named), else_=cast(literal([], text_array), text_array)),
    )
    pairs = (
        select(m.vacancy_id, m.first_day, func.unnest(keys).label("skill"))
        .where(hidden.facts(scope, start, end))
        .subquery("pairs")
    )
    p = pairs.c
    rows = conn.execute(
        select(p.first_day, p.skill, func.count(distinct(p.vacancy_id))).group_by(p.first_day, p.skill)
    )
    return Counter({(day, skill): int(n) for day, skill, n in rows})


def _where(scope: Scope, start: date, end: date) -> list[Any]:
    d = market_days.c
    where = [d.user_id == scope.user_id, d.search_id == (scope.search_id or 0), d.day.between(start, end)]
    if scope.source is not None:
        where.append(d.source == scope.source)
    return where


def new_per_day(conn: Connection, scope: Scope, start: date, end: date) -> dict[date, int]:
    """Vacancies first seen on each day of ``start`` … ``end`` (days without any left out)."""
    d = market_days.c
    rows = conn.execute(
        select(d.day, func.sum(d.vacancies))
        .where(*_where(scope, start, end), d.skill == EVERY)
        .group_by(d.day)
    ).all()
    hidden = _hidden(conn, scope, start, end)
    return {day: int(n) - hidden[(day, EVERY)] for day, n in rows}


def new_before(conn: Connection, scope: Scope, day: date) -> int:
    """Vacancies first seen before ``day``."""
    d = market_days.c
    total = conn.execute(
        select(func.coalesce(func.sum(d.vacancies), 0)).where(
            *_where(scope, date.min, day), d.day < day, d.skill == EVERY
        )
    ).scalar_one()
    hidden = _hidden(conn, scope, date.min, day)
    return int(total) - sum(n for (seen, skill), n in hidden.items() if skill == EVERY and seen < day)


def skill_counts(conn: Connection, scope: Scope, start: date, end: date) -> tuple[int, dict[str, int]]:
    """How many vacancies first seen between ``start`` and ``end`` have known key skills, and how
    many of them name each skill."""
    d = market_days.c
    rows = conn.execute(
        select(d.skill, func.sum(d.vacancies))
        .where(*_where(scope, start, end), d.skill != EVERY)
        .group_by(d.skill)
    ).all()
    counts = Counter({skill: int(n) for skill, n in rows})
    for (_, skill), n in _hidden(conn, scope, start, end).items():
        if skill != EVERY:
            counts[skill] -= n
    total = counts.pop(KNOWN, 0)
    return total, {skill: n for skill, n in counts.items() if n > 0}
