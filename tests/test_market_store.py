"""The market's own tables (#16) stay what a full rebuild would make, whatever a harvest does.

``domain.market.store.refresh`` runs with each harvest batch and moves ``t24_jh_market_days`` and
the rollup ``t26_jh_market_rollup`` by the difference it made to ``t23_jh_market_facts``; here a
harvest's kinds of change happen one after another (new vacancies, a second search finding them,
details with skills arriving, a vacancy closing, salaries, cities and grades changing, vacancies
seen again, another user's links) and after each the tables equal a rebuild from scratch.
Bans are read live: a ban changes the figures at once, with no refresh.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update

from core.schema import details, market_days, market_facts, market_rollup, user_vacancies, vacancies
from domain.market import figures
from domain.market import store as market
from domain.market.model import Scope
from etl import load
from tests.web.support import add_user, load_vacancies

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _row(row: Any) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for v in row)


Tables = tuple[set[tuple[Any, ...]], set[tuple[Any, ...]], list[tuple[Any, ...]]]


def _read(conn: Any) -> Tables:
    facts = {_row(r) for r in conn.execute(select(market_facts))}
    days = {_row(r) for r in conn.execute(select(market_days).where(market_days.c.vacancies != 0))}
    # every rollup row, zeros included (a count that reached 0 must be gone), in a stable order
    counts = sorted((_row(r) for r in conn.execute(select(market_rollup))), key=repr)
    return facts, days, counts


def snapshot(engine: Engine) -> Tables:
    with engine.connect() as conn:
        return _read(conn)


def rebuilt(engine: Engine, user_ids: list[int]) -> Tables:
    """What a rebuild from scratch makes (in a transaction rolled back, so nothing changes)."""
    with engine.connect() as conn, conn.begin() as tx:
        conn.execute(market_facts.delete())
        for user_id in user_ids:
            market.refresh_user(conn, user_id)
        tables = _read(conn)
        tx.rollback()
    return tables


def test_incremental_refreshes_equal_a_rebuild(engine: Engine) -> None:
    anna, [first, second] = add_user(engine, "anna", searches=2)
    boris, [his] = add_user(engine, "boris")
    rows = load_vacancies(engine, anna, first, 30, first_id=7_000_000, now=NOW)
    ids = [r["id"] for r in rows]
    assert snapshot(engine) == rebuilt(engine, [anna, boris])

    with engine.begin() as conn:  # the second search finds half of them, and boris a third
        load.link_to_user(conn, user_id=anna, search_id=second, run_id="r2", vacancy_ids=ids[:15])
        load.link_to_user(conn, user_id=boris, search_id=his, run_id="r2", vacancy_ids=ids[:10])
        market.refresh(conn, ids)
    assert snapshot(engine) == rebuilt(engine, [anna, boris])

    with engine.begin() as conn:  # details arrive with other skills; two vacancies close
        load.upsert_details(
            conn,
            [
                {
                    "vacancy_id": vid,
                    "description_html": "<p>x</p>",
                    "description_safe": "<p>x</p>",
                    "description_text": "x",
                    "key_skills": ["Kafka", "SQL"] if i % 2 else [],
                    "source_hash": "h",
                }
                for i, vid in enumerate(ids[:8])
            ],
        )
        load.mark_closed(conn, ids[20:22], when=NOW + timedelta(days=3))
        market.refresh(conn, ids[:8] + ids[20:22])
    assert snapshot(engine) == rebuilt(engine, [anna, boris])
    with engine.begin() as conn:  # salaries, cities and grades change; some are seen again a day later
        conn.execute(
            update(vacancies)
            .where(vacancies.c.id.in_(ids[5:12]))
            .values(salary_from_rub=123_000, salary_to_rub=None, area_id="2", area_name="Санкт-Петербург")
        )
        conn.execute(update(vacancies).where(vacancies.c.id.in_(ids[10:14])).values(experience_id=None))
        conn.execute(
            update(vacancies).where(vacancies.c.id.in_(ids[:20])).values(last_seen_at=NOW + timedelta(days=1))
        )
        market.refresh(conn, ids)
    assert snapshot(engine) == rebuilt(engine, [anna, boris])
    with engine.begin() as conn:  # a refresh that changes nothing writes nothing
        assert market.refresh(conn, ids) == 0
    assert snapshot(engine) == rebuilt(engine, [anna, boris])


def test_a_ban_changes_the_figures_at_once(engine: Engine) -> None:
    anna, [search] = add_user(engine, "anna")
    rows = load_vacancies(engine, anna, search, 12, first_id=7_100_000, now=NOW)
    scope = Scope(user_id=anna, today=NOW.date(), days=30)
    with engine.connect() as conn:
        before = figures(conn, scope)
    assert before.vacancies == 12
    banned = rows[0]["id"]
    with engine.begin() as conn:
        conn.execute(
            update(user_vacancies)
            .where(user_vacancies.c.user_id == anna, user_vacancies.c.vacancy_id == banned)
            .values(is_banned=True)
        )
    with engine.connect() as conn:
        after = figures(conn, scope)
        shown = figures(conn, Scope(user_id=anna, today=NOW.date(), days=30, include_hidden=True))
    assert after.vacancies == 11 and shown.vacancies == 12
    assert sum(d.count for d in after.demand.new_per_day) == 11
    assert sum(d.count for d in shown.demand.new_per_day) == 12
    with engine.connect() as conn:
        named = conn.execute(select(details.c.key_skills).where(details.c.vacancy_id == banned)).scalar_one()
    assert named, "the synthetic vacancy has key skills"
    assert shown.skills.with_skills - after.skills.with_skills == 1
    counts = {s.skill: s.count for s in after.skills.top}
    for skill in shown.skills.top:
        assert skill.count - counts.get(skill.skill, 0) == (1 if skill.skill in named else 0), skill.skill


def test_vacancies_stored_before_the_market_tables_are_filled_once(engine: Engine) -> None:
    anna, [search] = add_user(engine, "anna")
    load_vacancies(engine, anna, search, 10, first_id=7_200_000, now=NOW)
    full = snapshot(engine)
    with engine.begin() as conn:  # as a database migrated to 0012 with vacancies from before
        conn.execute(market_facts.delete())
        conn.execute(market_days.delete())
        conn.execute(market_rollup.delete())
    with engine.begin() as conn:
        assert market.fill_missing(conn) == 1
    assert snapshot(engine) == full
    with engine.begin() as conn:
        assert market.fill_missing(conn) == 0  # nothing to do the next hour
    with engine.begin() as conn:  # as a database migrated to 0015 with facts from before
        conn.execute(market_rollup.delete())
    with engine.begin() as conn:
        assert market.fill_missing(conn) == 1
    assert snapshot(engine) == full
