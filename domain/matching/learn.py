"""What to learn next: the skills a user lacks that their best-fitting vacancies ask for most.

Read from the scores already stored on the user's links (``t08.score_parts['missing']``), in
one SQL statement: the user's :data:`BEST` highest-scored vacancies (hidden ones left out, read
from ``ix_t08_jh_user_vacancies_score`` in its order), each missing skill counted once per
vacancy, most frequent first. A skill that only poor matches want says little about the jobs
the user can get; one that most of their good matches want is worth learning.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, literal_column, select, true

from core.schema import user_vacancies

#: How many of the user's best-scored vacancies count.
BEST = 50


def what_to_learn(conn: Connection, user_id: int, limit: int = 10) -> list[tuple[str, int]]:
    """``[(skill, in how many of the best vacancies), ...]``, most frequent first (then by name),
    only from ``user_id``'s own links; empty when nothing is scored or nothing is missing."""
    uv = user_vacancies.c
    best = (
        select(uv.vacancy_id, uv.score_parts)
        .where(uv.user_id == user_id, uv.score.is_not(None), uv.is_banned.is_(False))
        .order_by(uv.score.desc().nulls_last(), uv.vacancy_id.desc())
        .limit(BEST)
        .subquery("best")
    )
    missing = (
        func.jsonb_array_elements_text(func.coalesce(best.c.score_parts["missing"], literal_column("'[]'")))
        .table_valued("value")
        .lateral("missing")
    )
    key = func.lower(missing.c.value)
    hits = func.count(func.distinct(best.c.vacancy_id)).label("hits")
    rows = conn.execute(
        select(func.min(missing.c.value).label("skill"), hits)
        .select_from(best.join(missing, true()))
        .group_by(key)
        .order_by(hits.desc(), key)
        .limit(max(0, limit))
    )
    return [(row.skill, int(row.hits)) for row in rows]


def best_count(conn: Connection, user_id: int) -> int:
    """How many vacancies :func:`what_to_learn` reads for the user: their scored, not hidden
    links, at most :data:`BEST`."""
    uv = user_vacancies.c
    best = (
        select(literal_column("1"))
        .where(uv.user_id == user_id, uv.score.is_not(None), uv.is_banned.is_(False))
        .limit(BEST)
        .subquery()
    )
    return int(conn.execute(select(func.count()).select_from(best)).scalar_one())
