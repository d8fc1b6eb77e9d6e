"""The facts of a scope the user hid: their banned links and the vacancies of banned employers.

The tables of the figures count hidden vacancies like the others (a ban changes at any click);
each figure subtracts what these facts contribute, read live. They are few, and found by their
keys: the banned links through their partial index, the banned employers' vacancies through the
facts' index by employer and first-seen day — never a pass over the scope's facts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, any_, func, or_, select

from core.schema import banned_employers, market_facts, user_vacancies
from domain.market.model import Scope


def facts(scope: Scope, start: date | None = None, end: date | None = None) -> Any:
    """The condition on ``t23_jh_market_facts`` for the scope's hidden facts, first seen from
    ``start`` to ``end`` when given.

    ``= ANY(ARRAY(…))`` puts the few ids first and then reads each fact by its key; an ``IN``
    would let the planner guess thousands of ids and read every fact of the period instead."""
    m, uv, be = market_facts.c, user_vacancies.c, banned_employers.c
    links = select(uv.vacancy_id).where(uv.user_id == scope.user_id, uv.is_banned)  # the index's predicate
    employers = select(be.employer_id).where(be.user_id == scope.user_id)
    where = [
        m.user_id == scope.user_id,
        or_(
            m.vacancy_id == any_(func.array(links.scalar_subquery())),
            m.employer_id == any_(func.array(employers.scalar_subquery())),
        ),
    ]
    if start is not None:
        where.append(m.first_day >= start)
    if end is not None:
        where.append(m.first_day <= end)
    if scope.search_id is not None:
        where.append(m.search_ids.any_() == scope.search_id)
    if scope.source is not None:
        where.append(m.source == scope.source)
    return and_(*where)
