"""Vacancy sources in the web app (issue 13): the source column and its filter, the board badge and
link in the details panel, duplicate groups shown as one row with "also on …" and split per user,
and the saved-search editor's boards with the criteria each board cannot filter by.

Through Flask's test client on a real PostgreSQL schema; callbacks are posted as the browser posts
them, and forged the way an attacker would (values no filter offers, another user's vacancy).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import select, update

from core.errors import UserInputError
from core.schema import group_splits, searches, vacancies
from domain import duplicates
from etl import load
from tests.web.support import add_user, callback, client_for, grid_rows, load_vacancies
from webapp import queries
from webapp.app import create_app

HH, SJ, TV = 1_000, 5_000, 7_000


@pytest.fixture
def app(engine, settings_factory):
    return create_app(settings_factory(), engine)


@pytest.fixture
def board(engine) -> dict[str, Any]:
    """alice: 6 hh.ru, 4 SuperJob, 3 «Работа России» vacancies; the first hh.ru and the first SuperJob
    one are a duplicate group, which bob has in his list too (with 3 hh.ru vacancies of his own)."""
    alice, alice_searches = add_user(engine, "alice")
    bob, bob_searches = add_user(engine, "bob")
    hh = load_vacancies(engine, alice, alice_searches[0], 6, first_id=HH, seed=1)
    sj = load_vacancies(engine, alice, alice_searches[0], 4, first_id=SJ, seed=2, source="superjob")
    tv = load_vacancies(engine, alice, alice_searches[0], 3, first_id=TV, seed=3, source="trudvsem")
    bobs = load_vacancies(engine, bob, bob_searches[0], 3, first_id=90_000, seed=4)
    first, copy = hh[0], sj[0]
    with engine.begin() as conn:
        conn.execute(
            update(vacancies)
            .where(vacancies.c.id.in_([first["id"], copy["id"]]))
            .values(group_id=min(first["id"], copy["id"]))
        )
        load.link_to_user(
            conn, user_id=bob, search_id=bob_searches[0], run_id="test", vacancy_ids=[first["id"], copy["id"]]
        )
    return {
        "alice": alice,
        "bob": bob,
        "alice_search": alice_searches[0],
        "hh": hh,
        "sj": sj,
        "tv": tv,
        "bobs": bobs,
        "first": first,
        "copy": copy,
    }


def rows_of(response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.json["response"]["grid"]["getRowsResponse"]["rowData"]


def source_filter(*values: Any) -> dict[str, Any]:
    return {"filterModel": {"source": {"filterType": "multi", "values": list(values)}}}


def ids(rows: list[dict[str, Any]]) -> set[int]:
    return {r["id"] for r in rows}


def components(tree: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(tree, dict):
        if "type" in tree and "props" in tree:
            found.append(tree)
        for value in tree.values():
            found += components(value)
    elif isinstance(tree, list):
        for value in tree:
            found += components(value)
    return found


def by_id(tree: Any, component_id: str) -> dict[str, Any] | None:
    return next((c for c in components(tree) if c["props"].get("id") == component_id), None)


def text_of(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def set_lang(engine, user_id: int, lang: str) -> None:
    with engine.begin() as conn:
        queries.save_preference(conn, user_id, "lang", lang)


def open_details(client, vacancy_id: int) -> Any:
    response = callback(
        client,
        [("details", "is_open"), ("details-body", "children"), ("details-id", "data")],
        [("grid", "cellClicked", {"rowId": str(vacancy_id), "colId": "name", "value": "x"})],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.json["response"]["details-body"]["children"]


def regroup(client, vacancy_id: Any, *, split: bool = True) -> Any:
    button = "details-split" if split else "details-unsplit"
    return callback(
        client,
        [("details-body", "children"), ("grid-refresh", "data")],
        [(button, "n_clicks", 1)],
        [("details-id", "data", vacancy_id)],
    )


def page(client, path: str) -> Any:
    result = callback(client, [("page", "children")], [("url", "pathname", path)])
    assert result.status_code == 200, result.get_data(as_text=True)[:500]
    return result.json["response"]["page"]["children"]


# -- the grid ---------------------------------------------------------------------------------------------


def test_the_grid_names_each_rows_board_and_filters_by_it_for_the_user_only(app, board) -> None:
    alice = client_for(app, "alice")
    everything = rows_of(grid_rows(alice, {}))
    # 13 vacancies, one of them the group's second member: 12 rows
    assert ids(everything) == ids(board["hh"] + board["sj"] + board["tv"]) - {board["copy"]["id"]}
    labels = {r["source"]: r["source_label"] for r in everything}
    assert labels == {"hh": "hh.ru", "superjob": "SuperJob", "trudvsem": "Работа России"}

    trudvsem = rows_of(grid_rows(alice, source_filter("trudvsem")))
    assert ids(trudvsem) == ids(board["tv"])
    # the group shows as one row (its hh.ru member): a filter on SuperJob keeps it
    superjob = rows_of(grid_rows(alice, source_filter("superjob")))
    assert ids(superjob) == ids(board["sj"][1:]) | {board["first"]["id"]}
    assert ids(rows_of(grid_rows(alice, source_filter("hh", "trudvsem")))) == ids(board["hh"] + board["tv"])
    # the board column filters but does not sort (three values; issue 17): a hand-made sort by it
    # is the default order
    ordered = rows_of(grid_rows(alice, {"sortModel": [{"colId": "source", "sort": "asc"}]}))
    assert [r["id"] for r in ordered] == [r["id"] for r in everything]

    # bob sees his own rows only, whatever he filters by
    bob = client_for(app, "bob")
    assert ids(rows_of(grid_rows(bob, source_filter("superjob")))) == {board["first"]["id"]}
    assert ids(rows_of(grid_rows(bob, source_filter("trudvsem")))) == set()
    assert ids(rows_of(grid_rows(bob, {}))) == ids(board["bobs"]) | {board["first"]["id"]}


def test_the_source_filter_takes_only_the_boards_it_offers(app, board) -> None:
    alice = client_for(app, "alice")
    for forged in (["hh' OR 1=1 --"], ["HH"], ["evil"], [1], [None]):
        response = grid_rows(alice, source_filter(*forged))
        assert rows_of(response) == [], forged  # an unknown board matches nothing, never everything
    mixed = rows_of(grid_rows(alice, source_filter("trudvsem", "superjob'; DROP TABLE x; --")))
    assert ids(mixed) == ids(board["tv"])
    # a filter of another kind says nothing usable about the column: dropped, as for every column
    claimed = {"filterModel": {"source": {"filterType": "text", "type": "contains", "filter": "hh"}}}
    assert len(rows_of(grid_rows(alice, claimed))) == 12


def test_the_column_and_its_filter_are_in_the_users_language(app, engine, board) -> None:
    alice = client_for(app, "alice")
    grid = by_id(page(alice, "/"), "grid")
    column = next(c for c in grid["props"]["columnDefs"] if c["colId"] == "source")
    assert column["headerName"] == "Источник" and column["cellRenderer"] == "SourceCell"
    assert column["filterParams"]["values"] == [
        {"value": "hh", "label": "hh.ru"},
        {"value": "trudvsem", "label": "Работа России"},
        {"value": "superjob", "label": "SuperJob"},
    ]
    set_lang(engine, board["alice"], "en")
    grid = by_id(page(alice, "/"), "grid")
    column = next(c for c in grid["props"]["columnDefs"] if c["colId"] == "source")
    assert column["headerName"] == "Source"
    assert [v["label"] for v in column["filterParams"]["values"]] == [
        "hh.ru",
        "Trudvsem (Work in Russia)",
        "SuperJob",
    ]
    rows = {r["id"]: r for r in rows_of(grid_rows(alice, {}))}
    assert rows[board["tv"][0]["id"]]["source_label"] == "Trudvsem (Work in Russia)"
    assert rows[board["first"]["id"]]["also_on_label"] == "also on SuperJob"


# -- the details panel ------------------------------------------------------------------------------------


def test_the_details_panel_shows_the_board_and_links_the_vacancy_on_it(app, engine, board) -> None:
    alice = client_for(app, "alice")
    for row, label, link in (
        (board["sj"][1], "SuperJob", "Открыть на SuperJob"),
        (board["tv"][0], "Работа России", "Открыть на «Работе России»"),
        (board["hh"][1], "hh.ru", "Открыть на hh.ru"),
    ):
        body = open_details(alice, row["id"])
        assert by_id(body, "details-source")["props"]["children"] == label
        anchor = by_id(body, "details-board-link")
        assert anchor["props"]["children"] == link and anchor["props"]["href"] == row["url"]
        assert by_id(body, "details-group") is None  # alone: no group, no split button
    assert board["sj"][1]["url"].startswith("https://www.superjob.ru/")

    set_lang(engine, board["alice"], "en")
    body = open_details(alice, board["tv"][0]["id"])
    assert by_id(body, "details-source")["props"]["children"] == "Trudvsem (Work in Russia)"
    assert by_id(body, "details-board-link")["props"]["children"] == "Open on Trudvsem (Work in Russia)"


# -- duplicate groups -------------------------------------------------------------------------------------


def test_a_group_is_one_row_until_the_user_says_they_differ(app, engine, board) -> None:
    alice, bob = client_for(app, "alice"), client_for(app, "bob")
    first, copy = board["first"], board["copy"]
    row = next(r for r in rows_of(grid_rows(alice, {})) if r["id"] == first["id"])
    assert row["also_on"] == ["superjob"] and row["also_on_label"] == "также на SuperJob"

    body = open_details(alice, first["id"])
    members = by_id(body, "details-group-members")
    assert copy["url"] in text_of(members) and "SuperJob" in text_of(members)
    assert by_id(body, "details-split")["props"]["children"] == "Это разные вакансии"
    # the copy's own panel lists the first one
    assert first["url"] in text_of(by_id(open_details(alice, copy["id"]), "details-group-members"))

    response = regroup(alice, first["id"])
    assert response.status_code == 200
    after = response.json["response"]["details-body"]["children"]
    assert "Вакансия теперь отдельной строкой." in text_of(after)
    assert by_id(after, "details-unsplit") is not None and by_id(after, "details-split") is None

    rows = {r["id"]: r for r in rows_of(grid_rows(alice, {}))}
    assert first["id"] in rows and copy["id"] in rows
    assert rows[first["id"]]["also_on"] == [] and rows[copy["id"]]["also_on"] == []
    assert len(rows) == 13
    # bob's view of the same group is unchanged
    bobs = {r["id"]: r for r in rows_of(grid_rows(bob, {}))}
    assert first["id"] in bobs and copy["id"] not in bobs and bobs[first["id"]]["also_on"] == ["superjob"]
    assert by_id(open_details(bob, first["id"]), "details-split") is not None

    # and back: one row again
    assert regroup(alice, first["id"], split=False).status_code == 200
    assert copy["id"] not in ids(rows_of(grid_rows(alice, {})))
    with engine.connect() as conn:
        assert conn.execute(select(group_splits)).all() == []


def test_splitting_off_the_second_member_also_gives_two_rows(app, board) -> None:
    alice = client_for(app, "alice")
    assert regroup(alice, board["copy"]["id"]).status_code == 200
    rows = ids(rows_of(grid_rows(alice, {})))
    assert {board["first"]["id"], board["copy"]["id"]} <= rows


def test_a_favourite_member_never_hides_behind_another(app, engine, board) -> None:
    """Starred in Telegram or before the group formed: *only favourites* shows it, not the group's
    first member; the full view still shows the group once."""
    alice = client_for(app, "alice")
    with engine.begin() as conn:
        queries.set_mark(conn, board["alice"], board["copy"]["id"], is_favourite=True)
    favourites = rows_of(grid_rows(alice, {}, only_favourites=True))
    assert ids(favourites) == {board["copy"]["id"]}
    assert favourites[0]["also_on"] == ["hh"] and favourites[0]["also_on_label"] == "также на hh.ru"
    everything = ids(rows_of(grid_rows(alice, {})))
    assert board["first"]["id"] in everything and board["copy"]["id"] not in everything


def test_nobody_splits_a_vacancy_that_is_not_theirs(app, engine, board) -> None:
    bob = client_for(app, "bob")
    theirs = board["sj"][1]  # alice's only
    response = regroup(bob, theirs["id"])
    assert response.status_code == 200
    assert "не из вашего списка" in text_of(response.json["response"]["details-body"]["children"])
    for forged in ("1", None, True, 2**70):
        response = regroup(bob, forged)
        assert response.status_code in (200, 204, 400)
    with engine.connect() as conn:
        assert conn.execute(select(group_splits)).all() == []
    with engine.begin() as conn, pytest.raises(UserInputError):
        duplicates.split(conn, board["bob"], theirs["id"])


def test_a_group_costs_no_scan_the_plan_uses_the_group_index(app, engine, board, test_schema) -> None:
    """The hiding condition probes t01 by group_id and t08 / t20 by their keys (no sequential scan
    of the vacancies for the sub-plans), whatever the table's size."""
    from sqlalchemy import text

    from webapp import grid_query

    request = grid_query.GridRequest()
    statement = grid_query.rows_query(board["alice"], request)
    with engine.connect() as conn:
        # Statistics of this board's rows, not whatever an earlier test and autovacuum left: the
        # plan then depends on this test alone.
        for table in ("t01_jh_vacancies", "t08_jh_user_vacancies", "t20_jh_group_splits"):
            conn.execute(text(f'ANALYZE "{test_schema}".{table}'))
        # A tiny table: ask what the indexes allow (a bitmap of a whole primary key is a scan too).
        conn.execute(text("SET enable_seqscan = off"))
        conn.execute(text("SET enable_bitmapscan = off"))
        plan = conn.execute(queries._Explain(statement)).scalar_one()
    shown = json.dumps(plan)
    assert "ix_t01_jh_vacancies_group_id" in shown
    assert '"Seq Scan"' not in shown


# -- the saved-search editor ------------------------------------------------------------------------------

NAMES = ("name", "text", "areas", "roles", "experience", "work-formats", "salary", "currency", "only-salary")


def save_search(client, editing: Any, **fields: Any) -> Any:
    values = {"currency": "RUR", "only-salary": False, **fields}
    outputs = [
        ("search-editor", "is_open"),
        ("search-error", "children"),
        ("search-error", "is_open"),
        ("searches-list", "children"),
        ("searches-feedback", "children"),
        ("searches-feedback", "is_open"),
    ]
    return callback(
        client,
        outputs,
        [("search-save", "n_clicks", 1)],
        [("search-editing", "data", editing)]
        + [(f"search-{n}", "value", values.get(n)) for n in (*NAMES, "sources")],
    )


def unsupported(client, sources: list[str], **fields: Any) -> Any:
    controls = ("text", "areas", "roles", "experience", "work-formats", "salary", "only-salary")
    response = callback(
        client,
        [("search-unsupported", "children")],
        [("search-sources", "value", sources)] + [(f"search-{c}", "value", fields.get(c)) for c in controls],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.json["response"]["search-unsupported"]["children"]


def test_the_editor_saves_the_boards_of_a_search(app, engine, board) -> None:
    alice = client_for(app, "alice")
    response = save_search(alice, None, name="Два сайта", text="python", sources=["trudvsem", "superjob"])
    assert response.status_code == 200
    assert response.json["response"]["searches-feedback"]["children"] == "Поиск «Два сайта» сохранён."
    assert "Сайты: " in text_of(response.json["response"]["searches-list"]["children"])
    assert "Работа России, SuperJob" in text_of(response.json["response"]["searches-list"]["children"])
    with engine.connect() as conn:
        stored = conn.execute(
            select(searches.c.id, searches.c.sources).where(searches.c.name == "Два сайта")
        ).one()
    assert stored.sources == ["trudvsem", "superjob"]

    # editing shows them ticked
    opened = callback(
        alice,
        [
            ("search-editor", "is_open"),
            ("search-editing", "data"),
            ("search-editor-title", "children"),
            ("search-error", "is_open"),
            *[(f"search-{n}", "value") for n in (*NAMES, "sources")],
        ],
        [
            ("search-new", "n_clicks", None),
            ({"type": "search-edit", "index": stored.id}, "n_clicks", 1),
            ("search-cancel", "n_clicks", None),
        ],
        changed=[1],
    )
    assert opened.status_code == 200, opened.get_data(as_text=True)[:300]
    assert opened.json["response"]["search-sources"]["value"] == ["trudvsem", "superjob"]

    # none ticked: every enabled board; an unknown board is refused in words
    assert save_search(alice, stored.id, name="Два сайта", sources=[]).status_code == 200
    with engine.connect() as conn:
        assert conn.execute(select(searches.c.sources).where(searches.c.id == stored.id)).scalar_one() == []
    bad = save_search(alice, None, name="Плохой", sources=["avito"]).json["response"]
    assert bad["search-error"]["is_open"] is True and "avito" in bad["search-error"]["children"]

    # bob cannot write alice's search
    bob = client_for(app, "bob")
    save_search(bob, stored.id, name="Чужой", sources=["hh"])
    with engine.connect() as conn:
        assert (
            conn.execute(select(searches.c.name).where(searches.c.id == stored.id)).scalar_one()
            == "Два сайта"
        )


def test_the_editor_says_what_each_board_cannot_filter_by(app, engine, board) -> None:
    alice = client_for(app, "alice")
    page_text = text_of(page(alice, "/searches"))
    assert "Ничего не отмечено — поиск идёт на всех подключённых сайтах (hh.ru)." in page_text
    criteria = {
        "text": "python",
        "areas": ["1"],
        "experience": ["between1And3"],
        "work-formats": ["REMOTE"],
        "salary": 150000,
    }
    shown = text_of(unsupported(alice, ["trudvsem", "superjob", "hh"], **criteria))
    assert "Работа России не фильтрует: опыт, формат работы, зарплата" in shown
    assert "SuperJob не фильтрует: опыт, формат работы" in shown
    assert "hh.ru не фильтрует" not in shown  # hh.ru takes every criterion
    assert unsupported(alice, ["trudvsem"], text="python", areas=["1"]) is None  # nothing missing
    # none ticked: the enabled boards (hh.ru only in the tests' settings)
    assert unsupported(alice, [], **criteria) is None
    assert unsupported(alice, ["avito"], **criteria) is None  # not a board: nothing to say

    set_lang(engine, board["alice"], "en")
    shown = text_of(unsupported(alice, ["trudvsem"], **criteria, **{"only-salary": True}))
    assert (
        "Trudvsem (Work in Russia) cannot filter by: experience, work format, salary, only with a salary"
        in shown
    )
    assert "None ticked: the search runs on every enabled board (hh.ru)." in text_of(page(alice, "/searches"))


# -- the quick search and the export see the same rows ---------------------------------------------------


def test_the_quick_search_and_the_export_show_a_group_once(app, engine, board) -> None:
    first, copy = board["first"], board["copy"]
    with engine.begin() as conn:  # the same job on both boards: the same title
        conn.execute(update(vacancies).where(vacancies.c.id == copy["id"]).values(name=first["name"]))
    alice = client_for(app, "alice")
    word = first["name"].split()[-1]
    found = ids(rows_of(grid_rows(alice, {}, quick=word)))
    assert first["id"] in found and copy["id"] not in found

    view = {"filterModel": {"source": {"filterType": "multi", "values": ["superjob"]}}}
    table = list(csv.reader(io.StringIO(export(alice, "csv", view).get_data().decode("utf-8-sig"))))
    header, rows = table[0], table[1:]
    assert header[-2:] == ["Источник", "Ссылка"]
    assert sorted(r[-1] for r in rows) == sorted([first["url"], *(r["url"] for r in board["sj"][1:])])
    assert {r[-2] for r in rows} == {"hh.ru", "SuperJob"}

    set_lang(engine, board["alice"], "en")
    view = {"filterModel": {"source": {"filterType": "multi", "values": ["trudvsem"]}}}
    table = list(csv.reader(io.StringIO(export(alice, "csv", view).get_data().decode("utf-8-sig"))))
    assert table[0][-2:] == ["Source", "Link"]
    assert {r[-2] for r in table[1:]} == {"Trudvsem (Work in Russia)"} and len(table) == 1 + len(board["tv"])


def export(client, fmt: str, view: dict[str, Any]) -> Any:
    layout = client.get("/_dash-layout").json
    token = next(c["props"]["value"] for c in components(layout) if c["props"].get("name") == "csrf")
    response = client.post("/export", data={"csrf": token, "format": fmt, "view": json.dumps(view)})
    assert response.status_code == 200
    return response
