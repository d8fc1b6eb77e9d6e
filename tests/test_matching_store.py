"""Scores stored on each user's links: made by the harvest as it loads, made stale by a profile
change and brought up to date by :func:`domain.matching.store.rescore` (batch by batch, safe to
kill, one at a time per user), never touching another user's links."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text, update

from core.schema import details, resume_profiles, user_vacancies, vacancies
from domain.matching import store
from domain.matching.weights import WEIGHTS
from domain.resume import store as resume_store
from domain.resume.model import Profile
from etl import housekeeping
from tests.harvesting import harvest
from tests.helpers import add_user_and_search
from tests.helpers import vacancies as make_vacancies
from tests.web.resume_support import PROFILE_DOC, save_profile
from tests.web.support import add_user, load_vacancies

TODAY = date(2026, 12, 2)
JAVA_DOC = PROFILE_DOC | {
    "headline": "Java-разработчик",
    "skills": ["Java", "Spring Boot", "Hibernate", "Kafka"],
    "experience": [{"employer": "ООО «Ромашка»", "role": "Java-разработчик", "start": "2018-01", "end": ""}],
}


def links(engine: Engine, user_id: int) -> list[dict[str, Any]]:
    query = (
        select(user_vacancies, vacancies.c.name)
        .join(vacancies, vacancies.c.id == user_vacancies.c.vacancy_id)
        .where(user_vacancies.c.user_id == user_id)
        .order_by(user_vacancies.c.vacancy_id)
    )
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def mean_score(rows: list[dict[str, Any]], word: str, *, inside: bool = True) -> float:
    picked = [r["score"] for r in rows if (word in r["name"]) == inside]
    assert picked, f"no vacancy {'with' if inside else 'without'} {word!r} in its name"
    return sum(picked) / len(picked)


def pending(engine: Engine, user_id: int) -> tuple[int, int]:
    with engine.connect() as conn:
        return store.pending(conn, user_id)


def test_a_harvest_scores_every_link_of_a_user_with_a_profile(
    engine, settings_factory, fake_hh, last_day, window
):
    start, end = last_day
    fake_hh.add(make_vacancies(150, start, end))
    alice, _ = add_user_and_search(engine)
    bob, _ = add_user_and_search(engine, "bob")  # no profile: nothing to score by
    save_profile(engine, alice)

    harvest(engine, settings_factory(hh_base_url=fake_hh.url), window=window)

    rows = links(engine, alice)
    assert len(rows) == 150
    assert all(r["score"] is not None and 0 <= r["score"] <= 100 and r["scored_rev"] == 1 for r in rows)
    for row in rows:
        parts = row["score_parts"]
        assert set(parts["points"]) == set(WEIGHTS)
        assert all(0 <= parts["points"][k] <= WEIGHTS[k] for k in WEIGHTS)
        assert abs(sum(parts["points"].values()) - row["score"]) <= 1  # the points are the score
    # The Python developer's profile ranks Python vacancies above the rest.
    assert mean_score(rows, "Python") > mean_score(rows, "Python", inside=False) + 15
    assert pending(engine, alice) == (0, 150)
    assert all(r["score"] is None for r in links(engine, bob))
    with engine.connect() as conn:  # every stored text keeps its stemmed words for rescoring
        assert conn.execute(select(func.count()).where(details.c.match_terms.is_(None))).scalar() == 0


def test_a_changed_profile_is_rescored_in_batches_with_progress(engine):
    anna, [search] = add_user(engine, "anna")
    load_vacancies(engine, anna, search, 300, first_id=700_000_000)
    save_profile(engine, anna)
    assert pending(engine, anna) == (300, 300)  # loaded without the harvest: not scored yet

    seen: list[tuple[int, int]] = []
    done = store.rescore(engine, anna, today=TODAY, progress=lambda d, t: seen.append((d, t)), batch=100)
    assert done == 300
    assert seen == [(0, 300), (100, 300), (200, 300), (300, 300)]
    assert pending(engine, anna) == (0, 300)
    python_first = mean_score(links(engine, anna), "Python")

    with engine.begin() as conn:  # the same document again is no change
        assert store.user_profile(conn, anna, TODAY)[1] == 1
        assert not save_profile_changed(conn, anna, PROFILE_DOC)
    assert pending(engine, anna) == (0, 300)

    save_profile(engine, anna, JAVA_DOC)
    assert pending(engine, anna) == (300, 300)
    assert store.rescore(engine, anna, today=TODAY) == 300
    rows = links(engine, anna)
    assert {r["scored_rev"] for r in rows} == {2}
    assert mean_score(rows, "Java") > mean_score(rows, "Java", inside=False)
    assert mean_score(rows, "Python") < python_first


def save_profile_changed(conn: Any, user_id: int, document: dict[str, Any]) -> bool:
    return resume_store.save_profile(conn, user_id, Profile.model_validate(document))


def test_a_rescoring_killed_midway_leaves_only_stale_links_for_the_next_one(engine):
    anna, [search] = add_user(engine, "anna")
    load_vacancies(engine, anna, search, 300, first_id=710_000_000)
    save_profile(engine, anna)

    def killed(done: int, total: int) -> None:
        if done >= 100:
            raise KeyboardInterrupt  # as a kill between two batches

    with pytest.raises(KeyboardInterrupt):
        store.rescore(engine, anna, today=TODAY, progress=killed, batch=100)
    assert pending(engine, anna) == (200, 300)  # the finished batch is kept, nothing half-written
    assert store.rescore(engine, anna, today=TODAY, batch=100) == 200
    assert pending(engine, anna) == (0, 300)


def test_one_rescoring_per_user_at_a_time(engine):
    anna, [search] = add_user(engine, "anna")
    load_vacancies(engine, anna, search, 20, first_id=720_000_000)
    save_profile(engine, anna)
    with engine.connect() as other:  # another process rescoring anna
        other.execute(text("SELECT pg_advisory_lock(:c, :u)"), {"c": store._LOCK_CLASS, "u": anna})
        assert store.rescore(engine, anna, today=TODAY) is None
        assert pending(engine, anna) == (20, 20)
        other.execute(text("SELECT pg_advisory_unlock(:c, :u)"), {"c": store._LOCK_CLASS, "u": anna})
    assert store.rescore(engine, anna, today=TODAY) == 20


def test_rescoring_touches_only_its_user_and_fills_missing_terms(engine):
    anna, [a_search] = add_user(engine, "anna")
    boris, [b_search] = add_user(engine, "boris")
    rows = load_vacancies(engine, anna, a_search, 50, first_id=730_000_000)
    load_vacancies(engine, boris, b_search, 50, first_id=730_000_000)  # the same vacancies
    save_profile(engine, anna)
    save_profile(engine, boris, JAVA_DOC)
    with engine.begin() as conn:  # texts stored before migration 0010 have no terms yet
        conn.execute(update(details).values(match_terms=None))

    assert store.rescore(engine, anna, today=TODAY) == 50
    assert all(r["score"] is not None for r in links(engine, anna))
    assert all(r["score"] is None and r["scored_rev"] is None for r in links(engine, boris))
    with engine.connect() as conn:
        terms = conn.execute(
            select(details.c.match_terms).where(details.c.vacancy_id == rows[0]["id"])
        ).scalar_one()
    assert terms and all(t == t.casefold() for t in terms)


def test_a_profile_with_nothing_to_score_by_leaves_scores_empty(engine):
    anna, [search] = add_user(engine, "anna")
    load_vacancies(engine, anna, search, 30, first_id=740_000_000)
    save_profile(engine, anna, {"name": "Анна Петрова"})  # no skills, no titles
    assert store.rescore(engine, anna, today=TODAY) == 30
    assert all(r["score"] is None for r in links(engine, anna))
    assert pending(engine, anna) == (0, 30)  # judged, so not rescored again and again
    with engine.connect() as conn:
        assert conn.execute(select(resume_profiles.c.revision)).scalar_one() == 1


def test_housekeeping_finishes_what_a_killed_rescoring_left(engine):
    anna, [a_search] = add_user(engine, "anna")
    boris, [b_search] = add_user(engine, "boris")  # no profile: never stale
    load_vacancies(engine, anna, a_search, 40, first_id=750_000_000)
    load_vacancies(engine, boris, b_search, 10, first_id=760_000_000)
    save_profile(engine, anna)
    assert pending(engine, boris) == (0, 10)
    with engine.connect() as conn:
        assert housekeeping.stale_users(conn) == [anna]

    assert housekeeping.rescore_stale(engine) == {"users": 1, "links": 40, "busy": 0}
    assert pending(engine, anna) == (0, 40)
    with engine.connect() as conn:
        assert housekeeping.stale_users(conn) == []
    assert housekeeping.rescore_stale(engine) == {"users": 0, "links": 0, "busy": 0}
