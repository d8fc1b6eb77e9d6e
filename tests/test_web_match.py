"""The match score in the web app, through real callbacks on a real PostgreSQL: the grid's score
column, its default order and «match at least N» filter, the details panel's breakdown and «what
to learn», and that nobody ever sees another user's scores.

Scores are made the real way: a profile saved with ``domain.resume.store.save_profile``,
vacancies loaded through the ETL's own functions, then ``domain.matching.store.rescore``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, update

from core.schema import user_vacancies, users
from domain.matching import learn
from domain.matching.store import rescore
from domain.matching.weights import WEIGHTS
from tests.web.resume_support import add_vacancy, save_profile
from tests.web.support import add_user, callback, client_for, grid_rows, load_vacancies
from webapp.app import create_app

ALICE_FIRST = 510_000_000
#: Hand-made vacancies for alice: what each asks for beyond her skills (Python, Django, Postgres,
#: Docker, Git, Redis) decides «what to learn»: Kubernetes 4 times, Kafka twice, Terraform once
#: (and whatever the harvested vacancies add).
ASKS = [
    ["Python", "Django", "Kubernetes", "Kafka"],
    ["Python", "Kubernetes", "Kafka"],
    ["Python", "PostgreSQL", "Kubernetes"],
    ["Python", "Django", "Kubernetes", "Terraform"],
    ["Python", "Django", "Docker"],
]
HAND_FIRST = 990_000_000


@pytest.fixture
def app(engine, settings_factory):
    return create_app(settings_factory(), engine)


@pytest.fixture
def people(engine) -> dict[str, Any]:
    """alice (a Python profile, 40 harvested vacancies and 5 hand-made ones, all scored) and bob
    (no profile, linked to the same 40 vacancies as alice and to none of the hand-made ones)."""
    alice, alice_searches = add_user(engine, "alice")
    bob, bob_searches = add_user(engine, "bob")
    rows = load_vacancies(engine, alice, alice_searches[0], 40, first_id=ALICE_FIRST, seed=5)
    load_vacancies(engine, bob, bob_searches[0], 40, first_id=ALICE_FIRST, seed=5)
    hand = [
        add_vacancy(
            engine,
            alice,
            HAND_FIRST + i,
            name="Python-разработчик",
            key_skills=skills,
            description_text="Разработка сервисов. Требования: " + ", ".join(skills) + ".",
        )
        for i, skills in enumerate(ASKS)
    ]
    save_profile(engine, alice)
    assert rescore(engine, alice, today=date.today()) == 45
    return {"alice": alice, "bob": bob, "rows": rows, "hand": hand}


def rows_of(response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.json["response"]["grid"]["getRowsResponse"]["rowData"]


def stored_scores(engine, user_id: int) -> dict[int, int | None]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(user_vacancies.c.vacancy_id, user_vacancies.c.score).where(
                user_vacancies.c.user_id == user_id
            )
        )
        return {r.vacancy_id: r.score for r in rows}


def by_score(rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """The order the grid must give: score descending, empty last, then the newest id."""
    return sorted(((r["score"] if r["score"] is not None else -1, r["id"]) for r in rows), reverse=True)


def page(client, path: str) -> Any:
    result = callback(client, [("page", "children")], [("url", "pathname", path)])
    assert result.status_code == 200, result.get_data(as_text=True)[:500]
    return result.json["response"]["page"]["children"]


def by_id(tree: Any, wanted: str) -> dict[str, Any]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == wanted:
                return node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError(f"no component {wanted!r}")


def sort_of(grid: dict[str, Any]) -> dict[str, str]:
    return {c["colId"]: c["sort"] for c in grid["props"]["columnDefs"] if c.get("sort")}


def open_details(client, vacancy_id: int) -> str:
    response = callback(
        client,
        [("details", "is_open"), ("details-body", "children"), ("details-id", "data")],
        [("grid", "cellClicked", {"rowId": str(vacancy_id), "colId": "name", "value": "x"})],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.dumps(response.json["response"]["details-body"], ensure_ascii=False)


def test_the_grid_opens_best_match_first_for_a_user_with_a_profile(app, people, engine) -> None:
    alice, bob = client_for(app, "alice"), client_for(app, "bob")
    assert sort_of(by_id(page(alice, "/"), "grid")) == {"score": "desc"}
    assert sort_of(by_id(page(bob, "/"), "grid")) == {"published_at": "desc"}
    score_column = next(
        c for c in by_id(page(alice, "/"), "grid")["props"]["columnDefs"] if c["colId"] == "score"
    )
    assert score_column["headerName"] == "Соответствие" and score_column["cellRenderer"] == "ScoreCell"
    assert score_column["filter"] == "agNumberColumnFilter"

    # what the page's grid asks for, and what a request without a sort gets: the same order
    scores = stored_scores(engine, people["alice"])
    for request in ({"sortModel": [{"colId": "score", "sort": "desc"}]}, {}):
        rows = rows_of(grid_rows(alice, request))
        assert len(rows) == 45
        assert [r["score"] for r in rows] == [scores[r["id"]] for r in rows]  # her own scores
        assert [(r["score"], r["id"]) for r in rows] == by_score(rows)
        assert len({r["score"] for r in rows}) > 5  # a real spread, not one value
    assert rows[0]["score"] > rows[-1]["score"]

    # bob has no profile: nothing scored, newest first
    rows = rows_of(grid_rows(bob, {}))
    assert len(rows) == 40 and all(r["score"] is None for r in rows)
    published = [r["published_at"] for r in rows]
    assert published == sorted(published, reverse=True)


def test_a_profile_not_scored_yet_opens_newest_first(app, people, engine) -> None:
    """bob saves a profile; until his vacancies are scored the grid stays newest first."""
    save_profile(engine, people["bob"])
    assert sort_of(by_id(page(client_for(app, "bob"), "/"), "grid")) == {"published_at": "desc"}
    rescore(engine, people["bob"], today=date.today())
    assert sort_of(by_id(page(client_for(app, "bob"), "/"), "grid")) == {"score": "desc"}


def test_a_saved_sort_of_the_users_own_wins(app, people, engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.id == people["alice"])
            .values(preferences={"columns": [{"colId": "salary_from_rub", "sort": "asc"}]})
        )
    grid = by_id(page(client_for(app, "alice"), "/"), "grid")
    # the column defs do not sort by score (as before the score, newest first): the saved sort applies
    assert sort_of(grid) == {"published_at": "desc"}
    assert grid["props"]["columnState"] == [{"colId": "salary_from_rub", "sort": "asc"}]


def test_a_layout_saved_with_the_old_default_sort_opens_by_score(app, people, engine) -> None:
    """A width saved before the profile came along kept the grid's default sort, newest first:
    the user did not choose it, so the best match comes first now (the width stays)."""
    saved = [{"colId": "published_at", "sort": "desc"}, {"colId": "name", "width": 300}]
    with engine.begin() as conn:
        conn.execute(
            update(users).where(users.c.id == people["alice"]).values(preferences={"columns": saved})
        )
    grid = by_id(page(client_for(app, "alice"), "/"), "grid")
    assert sort_of(grid) == {"score": "desc"}
    assert grid["props"]["columnState"] == [{"colId": "published_at"}, {"colId": "name", "width": 300}]


def test_match_at_least_n(app, people, engine) -> None:
    alice = client_for(app, "alice")
    scores = stored_scores(engine, people["alice"])
    threshold = sorted(s for s in scores.values() if s is not None)[len(scores) // 2]
    spec = {"filterType": "number", "type": "greaterThanOrEqual", "filter": threshold}
    rows = rows_of(grid_rows(alice, {"filterModel": {"score": spec}}))
    expected = {v for v, s in scores.items() if s is not None and s >= threshold}
    assert {r["id"] for r in rows} == expected and 0 < len(rows) < 45
    assert [(r["score"], r["id"]) for r in rows] == by_score(rows)

    # the box above the grid sets exactly that filter, keeping the others; reset clears it
    others = {"name": {"filterType": "text", "type": "contains", "filter": "python"}}

    def at_least(min_score: Any, model: dict[str, Any]) -> Any:
        return callback(
            alice,
            [("grid", "filterModel")],
            [("min-score", "value", min_score)],
            [("grid", "filterModel", model)],
        )

    response = at_least(threshold, others)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.json["response"]["grid"]["filterModel"] == {**others, "score": spec}
    assert at_least(None, {**others, "score": spec}).json["response"]["grid"]["filterModel"] == others
    assert at_least(threshold, {"score": spec}).status_code == 204  # already so: nothing to do
    assert at_least(None, others).status_code == 204  # after «Reset filters»
    for hostile in ("60; DROP TABLE x", 10**12, -5, True):
        response = at_least(hostile, others)
        assert response.status_code == 204, response.get_data(as_text=True)[:300]
    reset = callback(
        alice,
        [("grid", "filterModel"), ("quick", "value"), ("min-score", "value")],
        [("reset-filters", "n_clicks", 1)],
    )
    assert reset.json["response"] == {
        "grid": {"filterModel": {}},
        "quick": {"value": ""},
        "min-score": {"value": None},
    }


def test_nobody_sees_another_users_scores(app, people, engine) -> None:
    bob = client_for(app, "bob")
    shared = people["rows"][0]["id"]
    assert stored_scores(engine, people["alice"])[shared] is not None
    rows = rows_of(grid_rows(bob, {"sortModel": [{"colId": "score", "sort": "desc"}]}))
    assert len(rows) == 40 and all(r["score"] is None for r in rows)
    at_least = {"filterType": "number", "type": "greaterThanOrEqual", "filter": 1}
    assert rows_of(grid_rows(bob, {"filterModel": {"score": at_least}})) == []

    # the shared vacancy's details: bob's panel invites him to fill in his profile, no breakdown
    text = open_details(bob, shared)
    assert "Оценки пока нет" in text and "details-match-parts" not in text and "Чему научиться" not in text
    # alice's own vacancy stays hers
    assert "не из вашего списка" in open_details(bob, people["hand"][0])
    with engine.connect() as conn:
        assert learn.what_to_learn(conn, people["bob"]) == []
        assert learn.what_to_learn(conn, people["alice"])


def test_the_details_panel_shows_the_breakdown_and_what_to_learn(app, people, engine) -> None:
    alice = client_for(app, "alice")
    first = people["hand"][0]  # Python, Django, Kubernetes, Kafka: two matched, two missing
    with engine.connect() as conn:
        parts = conn.execute(
            select(user_vacancies.c.score, user_vacancies.c.score_parts).where(
                user_vacancies.c.user_id == people["alice"], user_vacancies.c.vacancy_id == first
            )
        ).one()
    text = open_details(alice, first)
    assert "Соответствие профилю" in text and f"{parts.score} из 100" in text
    for name, label in (
        ("skills", "Навыки"),
        ("title", "Должность"),
        ("experience", "Опыт"),
        ("salary", "Зарплата"),
        ("area", "Город"),
        ("format", "Формат работы"),
    ):
        points = parts.score_parts["points"][name]
        shown = f"{points:g}".replace(".", ",")
        assert f'"details-match-{name}"' in text
        assert f"{shown} из {WEIGHTS[name]}" in text, (name, points)
        assert label in text
    assert parts.score_parts["matched"] and parts.score_parts["missing"]
    matched = json.dumps(by_id(json.loads(_body(alice, first)), "details-matched"), ensure_ascii=False)
    missing = json.dumps(by_id(json.loads(_body(alice, first)), "details-missing"), ensure_ascii=False)
    assert all(s in matched for s in parts.score_parts["matched"])
    assert all(s in missing for s in parts.score_parts["missing"])
    assert "Kubernetes" in missing and "Python" in matched and "Python" not in missing

    # what to learn: her missing skills, most asked for by her best matches first
    with engine.connect() as conn:
        ranked = learn.what_to_learn(conn, people["alice"], limit=100)
        shown = learn.what_to_learn(conn, people["alice"])
        best = learn.best_count(conn, people["alice"])
    assert shown == ranked[:10]
    assert best == 45
    names = [skill for skill, _ in ranked]
    kafka = next(n for n in names if "Kafka" in n)  # the vocabulary's name for it: «Apache Kafka»
    assert names.index("Kubernetes") < names.index(kafka) < names.index("Terraform")
    assert dict(ranked)["Kubernetes"] >= 4 and dict(ranked)["Terraform"] >= 1
    assert not {"Python", "Django"} & set(names)
    listed = json.dumps(by_id(json.loads(_body(alice, first)), "details-learn"), ensure_ascii=False)
    assert "Kubernetes" in listed and f"в {dict(ranked)['Kubernetes']} из {best}" in listed
    assert "Чему научиться" in text


def test_what_to_learn_counts_only_the_best_matches(engine) -> None:
    """70 scored vacancies: the skills missing from the 50 best are counted, not the other 20."""
    carol, searches = add_user(engine, "carol")
    load_vacancies(engine, carol, searches[0], 70, first_id=ALICE_FIRST + 1000, seed=9)
    save_profile(engine, carol)
    rescore(engine, carol, today=date.today())
    with engine.connect() as conn:
        links = conn.execute(
            select(user_vacancies.c.vacancy_id, user_vacancies.c.score, user_vacancies.c.score_parts).where(
                user_vacancies.c.user_id == carol
            )
        ).all()
        ranked = learn.what_to_learn(conn, carol, limit=1000)
        assert learn.best_count(conn, carol) == learn.BEST == 50

    def counted(rows: list[Any]) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for row in rows:
            for skill in set(row.score_parts["missing"]):
                counts[skill] = counts.get(skill, 0) + 1
        return sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))

    best = sorted(links, key=lambda r: (r.score, r.vacancy_id), reverse=True)[: learn.BEST]
    assert ranked == counted(best)
    assert counted(best) != counted(links)  # the 20 worst matches would have changed the answer
    with engine.connect() as conn:
        assert learn.what_to_learn(conn, carol, limit=3) == ranked[:3]


def _components(tree: Any) -> list[dict[str, Any]]:
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "props" in node:
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _body(client, vacancy_id: int) -> str:
    response = callback(
        client,
        [("details", "is_open"), ("details-body", "children"), ("details-id", "data")],
        [("grid", "cellClicked", {"rowId": str(vacancy_id), "colId": "name", "value": "x"})],
    )
    return json.dumps(response.json["response"]["details-body"])


def test_the_breakdown_in_english(app, people, engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == people["alice"]).values(preferences={"lang": "en"}))
    alice = client_for(app, "alice")
    text = open_details(alice, people["hand"][0])
    for phrase in (
        "Fit to your profile",
        "of 100",
        "Skills",
        "Job title",
        "Missing",
        "What to learn",
        f"of {WEIGHTS['skills']}",
    ):
        assert phrase in text
    assert "Соответствие" not in text and "Навыки" not in text
    column = next(c for c in by_id(page(alice, "/"), "grid")["props"]["columnDefs"] if c["colId"] == "score")
    assert column["headerName"] == "Match"


def test_the_export_holds_the_score(app, people, engine) -> None:
    alice = client_for(app, "alice")
    token = next(
        c["props"]["value"] for c in _components(page(alice, "/")) if c.get("props", {}).get("name") == "csrf"
    )
    view = {"sortModel": [{"colId": "score", "sort": "desc"}], "filterModel": {}}
    response = alice.post("/export", data={"csrf": token, "format": "csv", "view": json.dumps(view)})
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    column = table[0].index("Соответствие")
    assert table[0][0] == "Должность" and column == 13
    scores = [int(row[column]) for row in table[1:]]
    assert len(scores) == 45 and scores == sorted(scores, reverse=True)
    with engine.connect() as conn:
        top = conn.execute(
            select(func.max(user_vacancies.c.score)).where(user_vacancies.c.user_id == people["alice"])
        ).scalar_one()
    assert scores[0] == top
