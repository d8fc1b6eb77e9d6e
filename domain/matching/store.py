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
    and_,
    any_,
    bindparam,
    case,
    cast,
    column,
    func,
    or_,
    select,
    text,
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


_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")
_TERM = func.unnest(details.c.match_terms).column_valued("term")


def _facts_query(*, after: bool = False) -> Any:
    """The facts of the user's links; with ``after``, only past vacancy id ``:after``: said of
    all three tables, since the planner does not carry an inequality across a join (it would
    merge-join the vacancies and details from their first row for every batch)."""
    v, d, uv = vacancies.c, details.c, user_vacancies.c
    past = bindparam("after", type_=BigInteger)
    vacancy_on = v.id == uv.vacancy_id
    details_on = d.vacancy_id == uv.vacancy_id
    if after:
        vacancy_on = and_(vacancy_on, v.id > past)
        details_on = and_(details_on, d.vacancy_id > past)
    return (
        select(
            uv.vacancy_id,
            v.name,
            # The search item's snippets only stand in for a text not fetched yet.
            case((d.vacancy_id.is_(None), v.snippet_requirement)).label("snippet_requirement"),
            case((d.vacancy_id.is_(None), v.snippet_responsibility)).label("snippet_responsibility"),
            v.experience_id,
            v.salary_from_rub,
            v.salary_to_rub,
            v.area_name,
            v.work_format_ids,
            v.professional_role_names,
            d.key_skills,
            d.match_terms.is_not(None).label("has_terms"),
            # Of the stored words only those the score can look at (the profile's and the known
            # technologies' words): PostgreSQL sifts them, and the driver builds a handful of
            # strings per vacancy instead of every word of its text.
            select(func.array_agg(_TERM))
            .where(any_(bindparam("relevant", type_=ARRAY(Text))) == _TERM)
            .scalar_subquery()
            .label("found_terms"),
            # The whole text travels only while its terms are not stored yet.
            case((d.match_terms.is_(None), d.description_text)).label("description_text"),
            d.vacancy_id.label("has_details"),
        )
        .select_from(user_vacancies.join(vacancies, vacancy_on).outerjoin(details, details_on))
        .where(
            uv.user_id == bindparam("user_id", type_=BigInteger), *([uv.vacancy_id > past] if after else [])
        )
        .order_by(uv.vacancy_id)
    )


def _facts(row: Any, new_terms: dict[int, list[str]]) -> VacancyFacts:
    if row.has_terms:
        found = frozenset(row.found_terms or ())
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


# A batch travels as one JSON document (orjson writes it, PostgreSQL reads it as a record set):
# arrays of text would make the driver escape every quote of every part in Python.
_SCORED = (
    func.jsonb_to_recordset(cast(bindparam("scored", type_=Text), JSONB))
    .table_valued(column("vacancy_id", BigInteger), column("score", SmallInteger), column("parts", JSONB))
    .render_derived(name="u", with_types=True)
)
_WRITE = (
    update(user_vacancies)
    .values(score=_SCORED.c.score, score_parts=_SCORED.c.parts, scored_rev=bindparam("rev", type_=Integer))
    .where(
        # not "user_id": SQLAlchemy keeps a column's own name for the SET clause's values
        user_vacancies.c.user_id == bindparam("owner", type_=BigInteger),
        user_vacancies.c.vacancy_id == _SCORED.c.vacancy_id,
    )
)
# Stemmed words hold no spaces (domain.skills.words): a space-joined string is a safe carrier.
_TERMS = (
    func.jsonb_to_recordset(cast(bindparam("terms", type_=Text), JSONB))
    .table_valued(column("vacancy_id", BigInteger), column("terms", Text))
    .render_derived(name="t", with_types=True)
)
_WRITE_TERMS = (
    update(details)
    .values(match_terms=func.string_to_array(_TERMS.c.terms, " "))
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
    return _score(
        conn, user_id, profile, revision, vacancy_ids=vacancy_ids, stale_only=stale_only, limit=limit
    )[0]


def _score(
    conn: Connection,
    user_id: int,
    profile: MatchProfile | None,
    revision: int,
    *,
    vacancy_ids: Sequence[int] | None = None,
    stale_only: bool = False,
    limit: int | None = None,
    after: int | None = None,
) -> tuple[int, int | None]:
    """:func:`score_links`, only past vacancy id ``after``; ``(written, last vacancy id)``."""
    query = _facts_query(after=after is not None)
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
    params: dict[str, Any] = {"user_id": user_id, "relevant": sorted(profile.relevant) if profile else []}
    if vacancy_ids is not None:
        params["vacancy_ids"] = list(vacancy_ids)
    if after is not None:
        params["after"] = after
    scored: list[dict[str, Any]] = []
    new_terms: dict[int, list[str]] = {}
    # A plan for this batch's own bounds: the driver prepares statements it runs often, and a
    # generic plan cannot know that "past vacancy id N" leaves 2,000 rows, not a third of them.
    conn.execute(_CUSTOM_PLANS)
    for row in conn.execute(query, params):
        if profile is None:
            scored.append({"vacancy_id": row.vacancy_id, "score": None, "parts": None})
            continue
        match: Match = score(profile, _facts(row, new_terms))
        scored.append({"vacancy_id": row.vacancy_id, "score": match.score, "parts": match.parts()})
    if not scored:
        return 0, None
    conn.execute(_WRITE, {"scored": orjson.dumps(scored).decode(), "rev": revision, "owner": user_id})
    if new_terms:
        batch = [{"vacancy_id": vid, "terms": " ".join(terms)} for vid, terms in new_terms.items()]
        conn.execute(_WRITE_TERMS, {"terms": orjson.dumps(batch).decode()})
    return len(scored), scored[-1]["vacancy_id"]


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
            # Batches walk the links in vacancy id order from where the last one stopped, so none
            # re-reads the links already scored (a stale-only scan from the start would, O(n²)).
            after: int | None = None
            was: int | None = None
            while True:
                with engine.begin() as conn:
                    # The revision is read in every batch: a profile saved mid-way restarts
                    # the walk from the first link, stale against the new one.
                    profile, revision = user_profile(conn, user_id, today)
                    if revision != was:
                        after, was = None, revision
                    written, last = _score(
                        conn, user_id, profile, revision, stale_only=True, limit=batch, after=after
                    )
                if not written:
                    if after is None:
                        break
                    # One more walk from the start: links the harvest added behind the walk
                    # at an older revision meanwhile (it finds nothing, mostly).
                    after = None
                    continue
                after = last
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
