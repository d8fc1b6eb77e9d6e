"""Scores kept on each user's links (``t08``): computed when a vacancy is loaded or its text
arrives, and again for all of a user's links when their profile changes.

A link is *stale* when its ``scored_rev`` differs from its owner's profile ``revision`` (``t16``).
:func:`rescore` works through the stale links in batches, one transaction each, so it shows
progress and a kill leaves only stale links behind for the next run to finish; two runs for one
user at once are kept apart by an advisory lock. A user without a usable profile (no skills, no
titles) gets no score: their links are marked scored with ``score`` NULL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import orjson
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Connection,
    Engine,
    Integer,
    SmallInteger,
    Text,
    any_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from core.schema import details, resume_profiles, user_vacancies, vacancies
from domain import skills
from domain.matching.score import Match, MatchProfile, VacancyFacts, score
from domain.resume.model import Profile

log = logging.getLogger(__name__)

#: Links scored per transaction: large enough to amortise the round trips, small enough that
#: progress moves every second or so and a kill loses little.
BATCH = 2_000

# Advisory lock class of a user's rescoring (the second key is the user id).
_LOCK_CLASS = 0x4A48_5343  # "JHSC"

Progress = Callable[[int, int], None]


def user_profile(conn: Connection, user_id: int, today: date) -> tuple[MatchProfile | None, int]:
    """The user's profile as the score reads it (None: nothing to score by) and its revision."""
    row = conn.execute(
        select(resume_profiles.c.document, resume_profiles.c.revision).where(
            resume_profiles.c.user_id == user_id
        )
    ).first()
    if row is None:
        return None, 0
    try:
        profile = MatchProfile.of(Profile.model_validate(row.document or {}), today)
    except ValueError:  # a document stored by an older model: score nothing rather than fail
        log.warning("the profile of user %s does not validate; not scoring", user_id)
        return None, row.revision
    return (profile if profile.usable else None), row.revision


def _facts_query() -> Any:
    v, d, uv = vacancies.c, details.c, user_vacancies.c
    return (
        select(
            uv.vacancy_id,
            v.name,
            v.snippet_requirement,
            v.snippet_responsibility,
            v.experience_id,
            v.salary_from_rub,
            v.salary_to_rub,
            v.area_name,
            v.work_format_ids,
            v.professional_role_names,
            d.key_skills,
            d.match_terms,
            # The whole text travels only while its terms are not stored yet.
            case((d.match_terms.is_(None), d.description_text)).label("description_text"),
            d.vacancy_id.label("has_details"),
        )
        .select_from(
            user_vacancies.join(vacancies, v.id == uv.vacancy_id).outerjoin(
                details, d.vacancy_id == uv.vacancy_id
            )
        )
        .where(uv.user_id == bindparam("user_id", type_=BigInteger))
        .order_by(uv.vacancy_id)
    )


def _facts(row: Any, new_terms: dict[int, list[str]]) -> VacancyFacts:
    if row.match_terms is not None:
        found = frozenset(row.match_terms)
    elif row.has_details is not None:
        found = skills.terms(*(row.key_skills or ()), row.description_text)
        new_terms[row.vacancy_id] = sorted(found)
    else:  # hh.ru before its details arrive: the search item's snippets
        found = skills.terms(row.snippet_requirement, row.snippet_responsibility)
    return VacancyFacts(
        name=row.name,
        key_skills=row.key_skills or (),
        terms=found,
        role_names=row.professional_role_names or (),
        experience_id=row.experience_id,
        salary_from_rub=row.salary_from_rub,
        salary_to_rub=row.salary_to_rub,
        area_name=row.area_name,
        work_format_ids=row.work_format_ids or (),
    )


_SCORED = (
    func.unnest(
        bindparam("ids", type_=ARRAY(BigInteger)),
        bindparam("scores", type_=ARRAY(SmallInteger)),
        bindparam("parts", type_=ARRAY(Text)),
    )
    .table_valued("vacancy_id", "score", "parts")
    .render_derived(name="u")
)
_WRITE = (
    update(user_vacancies)
    .values(
        score=_SCORED.c.score,
        score_parts=cast(_SCORED.c.parts, JSONB),
        scored_rev=bindparam("rev", type_=Integer),
    )
    .where(
        user_vacancies.c.user_id == bindparam("owner", type_=BigInteger),
        user_vacancies.c.vacancy_id == _SCORED.c.vacancy_id,
    )
)
_TERMS = (
    func.unnest(bindparam("term_ids", type_=ARRAY(BigInteger)), bindparam("term_lists", type_=ARRAY(Text)))
    .table_valued("vacancy_id", "terms")
    .render_derived(name="t")
)
_WRITE_TERMS = (
    update(details)
    .values(match_terms=cast(_TERMS.c.terms, ARRAY(Text)))
    .where(details.c.vacancy_id == _TERMS.c.vacancy_id, details.c.match_terms.is_(None))
)


def score_links(
    conn: Connection,
    user_id: int,
    profile: MatchProfile | None,
    revision: int,
    *,
    vacancy_ids: Sequence[int] | None = None,
    stale_only: bool = False,
    limit: int | None = None,
) -> int:
    """Score the user's links (those to ``vacancy_ids``, or the stale ones with ``stale_only``)
    against ``profile`` at ``revision``, in one statement; returns how many were written."""
    query = _facts_query()
    if vacancy_ids is not None:
        query = query.where(
            user_vacancies.c.vacancy_id == any_(bindparam("vacancy_ids", type_=ARRAY(BigInteger)))
        )
    if stale_only:
        query = query.where(
            or_(user_vacancies.c.scored_rev.is_(None), user_vacancies.c.scored_rev != revision)
        )
    if limit is not None:
        query = query.limit(limit)
    params: dict[str, Any] = {"user_id": user_id}
    if vacancy_ids is not None:
        params["vacancy_ids"] = list(vacancy_ids)
    ids: list[int] = []
    scores: list[int | None] = []
    parts: list[str | None] = []
    new_terms: dict[int, list[str]] = {}
    for row in conn.execute(query, params):
        ids.append(row.vacancy_id)
        if profile is None:
            scores.append(None)
            parts.append(None)
            continue
        match: Match = score(profile, _facts(row, new_terms))
        scores.append(match.score)
        parts.append(orjson.dumps(match.parts()).decode())
    if not ids:
        return 0
    conn.execute(_WRITE, {"ids": ids, "scores": scores, "parts": parts, "rev": revision, "owner": user_id})
    if new_terms:
        conn.execute(
            _WRITE_TERMS,
            {
                "term_ids": list(new_terms),
                "term_lists": [
                    "{" + ",".join(_quoted(t) for t in terms) + "}" for terms in new_terms.values()
                ],
            },
        )
    return len(ids)


def _quoted(term: str) -> str:
    """One element of a PostgreSQL array literal."""
    return '"' + term.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pending(conn: Connection, user_id: int) -> tuple[int, int]:
    """How many of the user's links are stale, and how many they have."""
    revision = (
        select(resume_profiles.c.revision).where(resume_profiles.c.user_id == user_id).scalar_subquery()
    )
    uv = user_vacancies.c
    # Without a profile there is nothing to score by: nothing is stale.
    stale = func.count().filter(
        revision.is_not(None), or_(uv.scored_rev.is_(None), uv.scored_rev != revision)
    )
    row = conn.execute(select(stale, func.count()).where(uv.user_id == user_id)).one()
    return int(row[0]), int(row[1])


def rescore(
    engine: Engine, user_id: int, *, today: date, progress: Progress | None = None, batch: int = BATCH
) -> int | None:
    """Bring every stale link of the user up to their profile's revision, one batch per
    transaction; ``progress(done, total)`` after each. Returns how many were scored, or None
    when another rescoring of this user holds the lock (it will finish the work)."""
    with engine.connect() as lock_conn:
        got = lock_conn.execute(select(func.pg_try_advisory_lock(_LOCK_CLASS, user_id))).scalar_one()
        lock_conn.commit()
        if not got:
            return None
        try:
            done = 0
            with engine.connect() as conn:
                stale, _ = pending(conn, user_id)
            total = stale
            if progress:
                progress(0, total)
            while True:
                with engine.begin() as conn:
                    # The revision is read in every batch: a profile saved mid-way restarts
                    # the count from the links that are stale against the new one.
                    profile, revision = user_profile(conn, user_id, today)
                    written = score_links(conn, user_id, profile, revision, stale_only=True, limit=batch)
                if not written:
                    break
                done += written
                total = max(total, done)
                if progress:
                    progress(done, total)
            return done
        finally:
            lock_conn.execute(select(func.pg_advisory_unlock(_LOCK_CLASS, user_id)))
            lock_conn.commit()


def score_vacancies(conn: Connection, vacancy_ids: Iterable[int], *, today: date) -> int:
    """Score every user's links to these vacancies (just loaded, or their text just arrived),
    in the caller's transaction; returns how many links were written."""
    ids = sorted(set(vacancy_ids))
    if not ids:
        return 0
    users = conn.execute(
        select(user_vacancies.c.user_id)
        .distinct()
        .join(resume_profiles, resume_profiles.c.user_id == user_vacancies.c.user_id)
        .where(user_vacancies.c.vacancy_id == any_(bindparam("ids", type_=ARRAY(BigInteger))))
        .order_by(user_vacancies.c.user_id),
        {"ids": ids},
    ).scalars()
    written = 0
    for user_id in list(users):
        profile, revision = user_profile(conn, user_id, today)
        written += score_links(conn, user_id, profile, revision, vacancy_ids=ids)
    return written


def score_loaded(
    conn: Connection, *, user_id: int, linked: Sequence[int], changed: Sequence[int], today: date
) -> int:
    """After a load batch: every user's links to the ``changed`` (new or updated) vacancies, and
    this user's not yet scored links among the ``linked`` ones (an unchanged vacancy their search
    found for the first time)."""
    written = score_vacancies(conn, changed, today=today)
    fresh = sorted(set(linked) - set(changed))
    if (
        fresh
        and conn.execute(
            select(resume_profiles.c.user_id).where(resume_profiles.c.user_id == user_id)
        ).first()
    ):
        profile, revision = user_profile(conn, user_id, today)
        written += score_links(conn, user_id, profile, revision, vacancy_ids=fresh, stale_only=True)
    return written
