"""The grid at scale (issue 17), on a small set: every sort and direction, block by block as the
grid scrolls (keyset cursors) and by jumps (the OFFSET fallback), gives exactly the rows of a
plain ORDER BY; the quick search's rare-word path; the key-skills filter; the unsortable columns.

Rows are compared, never timings (speed lives in bench/web.py).
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import select, update

from core.schema import details, user_vacancies, vacancies
from tests.web.support import add_user, client_for, grid_rows, load_vacancies
from webapp import grid_cursors, grid_query, queries
from webapp.app import create_app
from webapp.grid_query import GridInputError, GridRequest
from webapp.pages.vacancies import column_defs

FIRST = 620_000_000
N = 230
SORTS = [col for col, spec in grid_query.COLUMNS.items() if spec.sortable]
BLOCK = 40


@pytest.fixture
def people(engine) -> dict[str, Any]:
    """alice with N vacancies: duplicate titles, some without employer, salary or score (and ties
    of score), a few banned; bob with vacancies of his own and a skill only he has."""
    alice, alice_searches = add_user(engine, "alice")
    bob, bob_searches = add_user(engine, "bob")
    rows = load_vacancies(engine, alice, alice_searches[0], N, first_id=FIRST, seed=11)
    theirs = load_vacancies(engine, bob, bob_searches[0], 30, first_id=FIRST + 10_000, seed=12)
    rnd = random.Random(5)
    ids = [r["id"] for r in rows]
    with engine.begin() as conn:
        for vacancy_id in ids:
            score = None if rnd.random() < 0.15 else rnd.choice([10, 35, 35, 60, 88])
            conn.execute(
                update(user_vacancies)
                .where(user_vacancies.c.user_id == alice, user_vacancies.c.vacancy_id == vacancy_id)
                .values(score=score, is_banned=rnd.random() < 0.03)
            )
        conn.execute(update(vacancies).where(vacancies.c.id.in_(ids[::9])).values(employer_name=None))
        conn.execute(update(vacancies).where(vacancies.c.id.in_(ids[::4])).values(name="Курьер"))
        conn.execute(
            update(details)
            .where(details.c.vacancy_id.in_([r["id"] for r in theirs]))
            .values(key_skills=["Только-у-Боба"])
        )
    grid_cursors.clear()
    return {"alice": alice, "bob": bob, "ids": ids, "bob_ids": [r["id"] for r in theirs]}


def reference(engine, user_id: int, request: GridRequest) -> list[int]:
    """Every row of the view by the plain ORDER BY (the export's statement, no keyset), in the
    user's default order when the view has no sort (best match first: alice is scored)."""
    with engine.connect() as conn:
        request = queries.with_default_sort(conn, user_id, request)
        return [r.id for r in conn.execute(grid_query.rows_query(user_id, request, limit=10**6))]


def block(engine, user_id: int, view: dict[str, Any], start: int, quick: str = "") -> queries.Block:
    request = GridRequest.from_ag_grid({**view, "startRow": start, "endRow": start + BLOCK}, quick=quick)
    with engine.connect() as conn:
        return queries.grid_block(conn, user_id, request)


def scrolled(engine, user_id: int, view: dict[str, Any], quick: str = "") -> list[int]:
    """The blocks in order, as the infinite row model asks while the user scrolls down."""
    seen: list[int] = []
    for start in range(0, N + BLOCK, BLOCK):
        seen += [r["id"] for r in block(engine, user_id, view, start, quick).rows]
    return seen


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("col_id", SORTS)
def test_every_sort_scrolled_and_jumped_gives_the_plain_order(engine, people, col_id, direction) -> None:
    alice = people["alice"]
    view = {"sortModel": [{"colId": col_id, "sort": direction}]}
    expected = reference(engine, alice, GridRequest.from_ag_grid(view))
    assert len(expected) > 150
    assert scrolled(engine, alice, view) == expected
    # asked again (the grid refreshes its cached blocks): the same rows, from the cursor at the start
    assert [r["id"] for r in block(engine, alice, view, BLOCK * 2).rows] == expected[BLOCK * 2 : BLOCK * 3]
    for start in (BLOCK, 130, len(expected) - 7):  # jumps: no cursor, OFFSET
        grid_cursors.clear()
        assert [r["id"] for r in block(engine, alice, view, start).rows] == expected[start : start + BLOCK]


def test_a_multi_column_sort_pages_with_offset(engine, people) -> None:
    alice = people["alice"]
    view = {"sortModel": [{"colId": "name", "sort": "asc"}, {"colId": "salary_from_rub", "sort": "desc"}]}
    assert scrolled(engine, alice, view) == reference(engine, alice, GridRequest.from_ag_grid(view))


def test_a_changed_mark_forgets_the_cursors_and_the_next_block_is_still_right(engine, people) -> None:
    alice = people["alice"]
    view = {"sortModel": [{"colId": "published_at", "sort": "desc"}]}
    first = block(engine, alice, view, 0).rows
    with engine.begin() as conn:  # the user bans a row of the first block
        queries.set_mark(conn, alice, first[3]["id"], is_banned=True)
    expected = reference(engine, alice, GridRequest.from_ag_grid(view))
    assert first[3]["id"] not in expected
    assert [r["id"] for r in block(engine, alice, view, BLOCK).rows] == expected[BLOCK : BLOCK * 2]


def test_a_block_past_the_end_says_where_the_end_is(engine, people) -> None:
    alice = people["alice"]
    total = len(reference(engine, alice, GridRequest.from_ag_grid({})))
    far = block(engine, alice, {}, 5_000)
    assert far.rows == [] and far.row_count == total


def test_quick_search_scrolled_and_jumped(engine, people) -> None:
    alice = people["alice"]
    for quick in ("курьер", "опыт"):
        for view in ({}, {"sortModel": [{"colId": "salary_from_rub", "sort": "asc"}]}):
            expected = reference(engine, alice, GridRequest.from_ag_grid(view, quick=quick))
            assert expected, quick
            grid_cursors.clear()
            assert scrolled(engine, alice, view, quick) == expected
            grid_cursors.clear()
            assert [r["id"] for r in block(engine, alice, view, BLOCK, quick).rows] == expected[
                BLOCK : BLOCK * 2
            ]


def test_a_rare_word_is_read_from_its_matches(engine, people) -> None:
    alice = people["alice"]
    target = people["ids"][17]
    with engine.begin() as conn:
        conn.execute(update(vacancies).where(vacancies.c.id == target).values(name="Мегасервисный инженер"))
    first = block(engine, alice, {}, 0, quick="мегасервисный")
    assert [r["id"] for r in first.rows] == [target]
    assert first.matched == 1 and first.row_count == 1 and not first.estimated
    # bob's vacancies match too (the index is shared), but never reach alice's grid
    bob_target = people["bob_ids"][0]
    with engine.begin() as conn:
        conn.execute(
            update(vacancies).where(vacancies.c.id == bob_target).values(name="Мегасервисный курьер")
        )
    assert [r["id"] for r in block(engine, alice, {}, 0, quick="мегасервисный").rows] == [target]


def skills_of(engine, ids: list[int]) -> dict[int, list[str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(details.c.vacancy_id, details.c.key_skills).where(details.c.vacancy_id.in_(ids))
        )
        return {r.vacancy_id: r.key_skills for r in rows}


def test_the_skills_filter_offers_the_users_skills_and_filters_by_them(engine, people) -> None:
    alice = people["alice"]
    with engine.connect() as conn:
        offered = [c["value"] for c in queries.skill_choices(conn, alice)]
    theirs = skills_of(engine, people["ids"])
    counts: dict[str, int] = {}
    for skills in theirs.values():
        for skill in skills:
            counts[skill] = counts.get(skill, 0) + 1
    assert set(offered) == set(counts) and "Только-у-Боба" not in offered
    assert counts[offered[0]] == max(counts.values())  # most frequent first
    wanted = offered[:2]
    view = {"filterModel": {"skills": {"filterType": "multi", "values": wanted}}}
    expected = reference(engine, alice, GridRequest.from_ag_grid(view))
    visible = set(reference(engine, alice, GridRequest.from_ag_grid({})))
    assert set(expected) == {i for i, s in theirs.items() if set(s) & set(wanted)} & visible
    assert scrolled(engine, alice, view) == expected
    assert all(set(r["key_skills"]) & set(wanted) for r in block(engine, alice, view, 0).rows)
    # bob's skill is not among alice's rows; a hostile value is a bound parameter that matches nothing
    for values in (["Только-у-Боба"], ["x' OR 1=1 --"], ["Python'); DROP TABLE t01_jh_vacancies; --"]):
        assert block(engine, alice, {"filterModel": {"skills": {"values": values}}}, 0).rows == []
    assert block(engine, alice, {"filterModel": {"skills": {"values": []}}}, 0).rows == []  # all unticked
    with pytest.raises(GridInputError):
        GridRequest.from_ag_grid({"filterModel": {"skills": {"values": ["a\x00b"]}}})


def test_unsortable_columns_do_not_sort_and_say_why(engine, settings_factory, people) -> None:
    request = GridRequest.from_ag_grid({"sortModel": [{"colId": "times_seen", "sort": "asc"}]})
    assert request.sort_model == ()
    choices = {"areas": [], "searches": [], "skills": []}
    for lang, word in (("ru", "Не сортируется"), ("en", "Not sortable")):
        columns = {c["colId"]: c for c in column_defs(lang, choices)}
        for col_id in ("times_seen", "source", "experience", "area", "stage", "skills", "is_favourite"):
            assert columns[col_id]["sortable"] is False
            assert word in columns[col_id]["headerTooltip"], (lang, col_id)
        for col_id in ("name", "employer_name", "salary_from_rub", "salary_to_rub", "published_at", "score"):
            assert columns[col_id].get("sortable", True) is not False
    # and through the real callback: a hand-made sort by an unsortable column is the default order
    app = create_app(settings_factory(), engine)
    client = client_for(app, "alice")
    response = grid_rows(client, {"sortModel": [{"colId": "times_seen", "sort": "desc"}], "endRow": 300})
    rows = response.json["response"]["grid"]["getRowsResponse"]["rowData"]
    assert [r["id"] for r in rows] == reference(engine, people["alice"], GridRequest.from_ag_grid({}))
