"""The web app through Flask's test client: login, the guard, data scoping, XSS, injection, export.

Callbacks are posted to ``/_dash-update-component`` exactly as the browser posts them, and also
hand-crafted the way an attacker would (another user's ids, hostile filter models).
"""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select, update

from core.schema import banned_employers, login_failures, searches, user_vacancies, users
from core.users import set_password
from tests.web.support import (
    PASSWORD,
    add_user,
    callback,
    client_for,
    csrf_of,
    grid_rows,
    load_vacancies,
    login,
)
from webapp.app import create_app
from webapp.auth import MAX_FAILURES

ALICE_FIRST, BOB_FIRST = 300_000_000, 400_000_000


@pytest.fixture
def app(engine, settings_factory):
    return create_app(settings_factory(), engine)


@pytest.fixture
def people(engine) -> dict[str, Any]:
    """alice (user, 60 vacancies, 2 with hostile HTML), bob (user, 40), root (admin, none)."""
    alice, alice_searches = add_user(engine, "alice")
    bob, bob_searches = add_user(engine, "bob")
    root, _ = add_user(engine, "root", role="admin", searches=0)
    alice_rows = load_vacancies(
        engine, alice, alice_searches[0], 60, first_id=ALICE_FIRST, seed=1, hostile_html_share=0.05
    )
    bob_rows = load_vacancies(engine, bob, bob_searches[0], 40, first_id=BOB_FIRST, seed=2)
    return {
        "alice": alice,
        "bob": bob,
        "root": root,
        "alice_search": alice_searches[0],
        "bob_search": bob_searches[0],
        "alice_rows": alice_rows,
        "bob_rows": bob_rows,
    }


def rows_of(response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.json["response"]["grid"]["getRowsResponse"]["rowData"]


def components(tree: Any) -> list[dict[str, Any]]:
    """Every component (type, props) in a Dash layout JSON tree."""
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


# -- the guard and logging in ------------------------------------------------------------------------


def test_nothing_but_the_login_page_without_a_login(app, people) -> None:
    client = app.server.test_client()

    page = client.get("/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401
    assert grid_rows(client, {}).status_code == 401
    assert client.get("/admin/users").status_code == 302
    assert client.post("/export", data={"format": "csv"}).status_code == 302
    login_page = client.get("/login")
    assert login_page.status_code == 200 and "Вход" in login_page.get_data(as_text=True)
    assert client.get("/assets/02-jobhunter.css").status_code == 200


@pytest.mark.parametrize(
    ("name", "password"),
    [("' or 1=1 --", "x"), ("alice", "' or 1=1 --"), ("alice' --", PASSWORD), ("alice", "wrong password")],
)
def test_wrong_or_injected_credentials_do_not_log_in(app, people, name, password) -> None:
    client = app.server.test_client()
    response = login(client, name, password)
    assert response.status_code == 401
    assert "Неверный логин или пароль" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert grid_rows(client, {}).status_code == 401


def test_login_sets_safe_cookies_and_last_login(app, people, engine) -> None:
    client = app.server.test_client()
    response = login(client, "Alice")  # logins are case-insensitive
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and "jh_session=" in v)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    with engine.connect() as conn:
        assert (
            conn.execute(select(users.c.last_login_at).where(users.c.login == "alice")).scalar() is not None
        )
    assert client.get("/").status_code == 200


def test_secure_cookies_behind_https(engine, settings_factory, people) -> None:
    app = create_app(settings_factory(web_secure_cookies=True), engine)
    response = login(app.server.test_client(), "alice")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and "jh_session=" in v)
    assert "Secure" in cookie


def test_login_form_needs_its_csrf_token(app, people) -> None:
    client = app.server.test_client()
    client.get("/login")
    response = client.post("/login", data={"login": "alice", "password": PASSWORD, "csrf": "forged"})
    assert response.status_code == 400 and client.get("/").status_code == 302


def test_no_open_redirect_after_login(app, people) -> None:
    client = app.server.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/x", data={"login": "alice", "password": PASSWORD, "csrf": token}
    )
    assert response.headers["Location"] == "/"


def test_five_failures_lock_the_login_for_five_minutes(app, people, engine) -> None:
    client = app.server.test_client()
    for _ in range(MAX_FAILURES - 1):
        assert login(client, "alice", "wrong password").status_code == 401
    locked = login(client, "alice", "wrong password")
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток" in locked.get_data(as_text=True)
    right_password = login(client, "alice", PASSWORD)
    assert right_password.status_code == 429  # refused without even checking the password
    assert login(app.server.test_client(), "bob").status_code == 302  # others are not affected

    with engine.begin() as conn:  # five minutes later
        conn.execute(
            update(login_failures).values(failed_at=login_failures.c.failed_at - timedelta(minutes=6))
        )
    assert login(client, "alice", PASSWORD).status_code == 302


def test_disabled_users_cannot_log_in_and_are_logged_out(app, people, engine) -> None:
    client = client_for(app, "alice")
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.login == "alice").values(is_active=False))
    assert grid_rows(client, {}).status_code == 401
    response = login(app.server.test_client(), "alice")
    assert response.status_code == 401 and "отключена" in response.get_data(as_text=True)


def test_a_new_password_ends_other_sessions(app, people, engine) -> None:
    client = client_for(app, "alice")
    with engine.begin() as conn:
        set_password(conn, "alice", "another long password")
    assert grid_rows(client, {}).status_code == 401


def test_logout_needs_a_post_with_the_token(app, people) -> None:
    client = client_for(app, "alice")
    client.get("/logout")  # a link cannot log anybody out: GET is just a page of the app
    assert grid_rows(client, {}).status_code == 200
    layout = client.get("/_dash-layout").json
    token = next(c["props"]["value"] for c in components(layout) if c["props"].get("name") == "csrf")
    response = client.post("/logout", data={"csrf": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/").status_code == 302


def test_secret_key_is_generated_once_and_private(engine, settings_factory, tmp_path) -> None:
    settings = settings_factory()
    first = create_app(settings, engine).server.config["SECRET_KEY"]
    second = create_app(settings, engine).server.config["SECRET_KEY"]
    path = settings.var_dir / "web_secret_key"
    assert first == second and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    configured = create_app(settings_factory(web_secret_key="k" * 40), engine).server.config["SECRET_KEY"]
    assert configured == "k" * 40


# -- the grid: scoping, filters, injection ------------------------------------------------------------


def test_each_user_sees_only_rows_of_their_own_searches(app, people) -> None:
    alice_rows = rows_of(grid_rows(client_for(app, "alice"), {}))
    bob_rows = rows_of(grid_rows(client_for(app, "bob"), {}))
    assert {r["id"] for r in alice_rows} == {r["id"] for r in people["alice_rows"]}
    assert {r["id"] for r in bob_rows} == {r["id"] for r in people["bob_rows"]}
    assert all(r["searches"] == ["Поиск 1"] for r in alice_rows)
    published = [r["published_at"] for r in alice_rows]
    assert published == sorted(published, reverse=True)  # newest first by default


def test_found_count_and_block_end(app, people) -> None:
    response = grid_rows(client_for(app, "alice"), {"endRow": 50})
    body = response.json["response"]
    assert len(body["grid"]["getRowsResponse"]["rowData"]) == 50
    assert body["grid-status"]["children"] == "Найдено: 60"
    assert body["grid"]["getRowsResponse"]["rowCount"] == 60


def test_filters_and_sort_run_in_the_database(app, people) -> None:
    client = client_for(app, "alice")
    rows = rows_of(
        grid_rows(
            client,
            {
                "sortModel": [{"colId": "salary_from_rub", "sort": "desc"}],
                "filterModel": {
                    "salary_from_rub": {
                        "filterType": "number",
                        "type": "greaterThanOrEqual",
                        "filter": 100000,
                    },
                    "area": {"filterType": "multi", "values": ["1", "2"]},
                },
            },
        )
    )
    expected = [
        r
        for r in people["alice_rows"]
        if (r["salary_from_rub"] or 0) >= 100000 and r["area_id"] in ("1", "2")
    ]
    assert len(rows) == len(expected) > 0
    salaries = [r["salary_from_rub"] for r in rows]
    assert salaries == sorted(salaries, reverse=True)
    assert {r["area_name"] for r in rows} <= {"Москва", "Санкт-Петербург"}


@pytest.mark.parametrize(
    "request_",
    [
        {"sortModel": [{"colId": "name); DROP TABLE jh.t05_jh_users; --", "sort": "asc"}]},
        {"sortModel": [{"colId": "name", "sort": "asc; DELETE FROM t08_jh_user_vacancies"}]},
        {"sortModel": "published_at"},
        {"filterModel": {"name": {"filterType": "text", "type": "contains", "filter": "' OR 1=1 --"}}},
        {"filterModel": {"name') OR ('1'='1": {"filterType": "text", "type": "contains", "filter": "x"}}},
        {
            "filterModel": {
                "salary_from_rub": {"filterType": "number", "type": "equals", "filter": "1 OR 1=1"}
            }
        },
        {"filterModel": {"area": {"filterType": "multi", "values": ["1' OR '1'='1"]}}},
        {"filterModel": {"published_at": {"filterType": "date", "type": "equals", "dateFrom": "now(); --"}}},
        {"filterModel": ["not", "a", "dict"]},
        {"startRow": "1; SELECT pg_sleep(10)", "endRow": {"x": 1}},
    ],
)
def test_hostile_grid_requests_fail_harmlessly(app, people, engine, request_) -> None:
    client = client_for(app, "alice")
    rows = rows_of(grid_rows(client, request_))
    assert {r["id"] for r in rows} <= {r["id"] for r in people["alice_rows"]}
    injected_text = "' OR 1=1 --" in json.dumps(request_) or "1' OR" in json.dumps(request_)
    if injected_text:
        assert rows == []  # the text was searched for literally: nothing contains it
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(users)).scalar() == 3
        assert conn.execute(select(func.count()).select_from(user_vacancies)).scalar() == 100


def test_quick_search_is_russian_full_text_with_typos_corrected(app, people, engine) -> None:
    client = client_for(app, "alice")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        schema = conn.get_execution_options()["schema_translate_map"]["jh"]
        conn.exec_driver_sql(f'ANALYZE "{schema}".t01_jh_vacancies, "{schema}".t06_jh_details')
    titles = [r["name"] for r in people["alice_rows"]]
    word = "продавец" if any("продав" in t.lower() for t in titles) else "курьер"
    found = rows_of(grid_rows(client, {}, quick=word))
    assert found
    assert {r["id"] for r in found} <= {r["id"] for r in people["alice_rows"]}
    # a word inflected differently still matches (Russian stemming)
    assert rows_of(grid_rows(client, {}, quick=word + "а" if word == "курьер" else "продавцы"))
    # nothing matches a word nobody wrote, and injection in the box is just text
    assert rows_of(grid_rows(client, {}, quick="zzqxj")) == []
    assert rows_of(grid_rows(client, {}, quick="'); DELETE FROM users; --")) == []


def test_hidden_rows_and_favourites(app, people, engine) -> None:
    client = client_for(app, "alice")
    first, second = people["alice_rows"][0]["id"], people["alice_rows"][1]["id"]
    with engine.begin() as conn:
        conn.execute(
            update(user_vacancies).where(user_vacancies.c.vacancy_id == first).values(is_banned=True)
        )
        conn.execute(
            update(user_vacancies).where(user_vacancies.c.vacancy_id == second).values(is_favourite=True)
        )
    visible = {r["id"] for r in rows_of(grid_rows(client, {}))}
    assert first not in visible and len(visible) == 59
    shown = {r["id"]: r for r in rows_of(grid_rows(client, {}, show_hidden=True))}
    assert shown[first]["hidden"] is True and len(shown) == 60
    favourites = rows_of(grid_rows(client, {}, only_favourites=True))
    assert [r["id"] for r in favourites] == [second]


# -- details and marks, scoped ---------------------------------------------------------------------------


def open_details(client, vacancy_id: int):
    return callback(
        client,
        [("details", "is_open"), ("details-body", "children"), ("details-id", "data")],
        [("grid", "cellClicked", {"rowId": str(vacancy_id), "colId": "name", "value": "x"})],
    )


def set_mark(client, vacancy_id: Any, name: str, value: bool):
    ids = [{"name": n, "type": "mark"} for n in ("is_favourite", "is_banned", "employer")]
    return client.post(
        "/_dash-update-component",
        json={
            "output": "..mark-status.children...grid-refresh.data...marks-shown.data..",
            "outputs": [
                {"id": "mark-status", "property": "children"},
                {"id": "grid-refresh", "property": "data"},
                {"id": "marks-shown", "property": "data"},
            ],
            "inputs": [
                [{"id": i, "property": "value", "value": value if i["name"] == name else False} for i in ids]
            ],
            "changedPropIds": [json.dumps({"name": name, "type": "mark"}, separators=(",", ":")) + ".value"],
            "state": [
                {"id": "details-id", "property": "data", "value": vacancy_id},
                {"id": "marks-shown", "property": "data", "value": {i["name"]: not value for i in ids}},
            ],
        },
    )


def test_details_show_a_users_own_vacancy_and_refuse_anyone_elses(app, people) -> None:
    client = client_for(app, "alice")
    mine = people["alice_rows"][3]
    response = open_details(client, mine["id"])
    body = response.json["response"]
    assert body["details-id"]["data"] == mine["id"]
    text = json.dumps(body["details-body"], ensure_ascii=False)
    assert mine["name"] in text and "Открыть на hh.ru" in text

    theirs = people["bob_rows"][0]
    response = open_details(client, theirs["id"])
    body = response.json["response"]
    assert body["details-id"]["data"] is None
    text = json.dumps(body["details-body"], ensure_ascii=False)
    assert theirs["name"] not in text and "не из вашего списка" in text


def test_hostile_descriptions_render_inert(app, people, engine) -> None:
    client = client_for(app, "alice")
    with engine.connect() as conn:
        from core.schema import details

        hostile_ids = (
            conn.execute(select(details.c.vacancy_id).where(details.c.description_html.ilike("%<script>%")))
            .scalars()
            .all()
        )
    assert hostile_ids, "the fixture must hold vacancies with hostile HTML"
    body = open_details(client, hostile_ids[0]).json["response"]["details-body"]
    tree = components(body)
    kinds = {c["type"] for c in tree}
    assert "Script" not in kinds and "Iframe" not in kinds
    text = json.dumps(body, ensure_ascii=False)
    assert "<script" not in text and "alert(1)" not in text and "onerror" not in text
    assert "javascript:" not in text.lower()
    hrefs = [c["props"].get("href") for c in tree if c["props"].get("href")]
    assert hrefs and all(h.startswith(("https://", "http://", "mailto:")) for h in hrefs)
    # formatting survives: lists and bold text
    assert {"Ul", "Li", "Strong"} <= kinds


def test_marks_are_saved_per_user_and_refused_for_other_users_rows(app, people, engine) -> None:
    alice = client_for(app, "alice")
    mine, theirs = people["alice_rows"][5]["id"], people["bob_rows"][5]["id"]

    saved = set_mark(alice, mine, "is_favourite", True)
    assert saved.status_code == 200 and "Сохранено" in saved.json["response"]["mark-status"]["children"]
    row = next(r for r in rows_of(grid_rows(alice, {})) if r["id"] == mine)
    assert row["is_favourite"] is True

    for name in ("is_favourite", "is_banned", "employer"):
        refused = set_mark(alice, theirs, name, True)
        assert "не из вашего списка" in refused.json["response"]["mark-status"]["children"]
    star = callback(
        alice,
        [("grid-refresh", "data")],
        [("grid", "cellClicked", {"rowId": str(theirs), "colId": "is_favourite", "value": False})],
    )
    assert star.status_code == 204  # PreventUpdate: nothing changed
    with engine.connect() as conn:
        bob_marks = conn.execute(
            select(user_vacancies.c.is_favourite, user_vacancies.c.is_banned).where(
                user_vacancies.c.vacancy_id == theirs
            )
        ).one()
        assert tuple(bob_marks) == (False, False)
        assert conn.execute(select(func.count()).select_from(banned_employers)).scalar() == 0


def test_banning_an_employer_hides_all_its_vacancies_for_that_user_only(app, people, engine) -> None:
    alice = client_for(app, "alice")
    employer = people["alice_rows"][0]["employer_id"]
    same = {r["id"] for r in people["alice_rows"] if r["employer_id"] == employer}
    response = set_mark(alice, people["alice_rows"][0]["id"], "employer", True)
    assert response.status_code == 200
    visible = {r["id"] for r in rows_of(grid_rows(alice, {}))}
    assert not visible & same and len(visible) == 60 - len(same)
    bob_visible = rows_of(grid_rows(client_for(app, "bob"), {}))
    assert len(bob_visible) == 40


# -- saved searches and administration --------------------------------------------------------------------


def save_search(client, editing: Any, **fields: Any):
    names = (
        "name",
        "text",
        "areas",
        "roles",
        "experience",
        "work-formats",
        "salary",
        "currency",
        "only-salary",
        "sources",
    )
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
        [("search-editing", "data", editing)] + [(f"search-{n}", "value", values.get(n)) for n in names],
    )


def test_searches_are_created_validated_and_scoped(app, people, engine) -> None:
    alice = client_for(app, "alice")
    created = save_search(
        alice,
        None,
        name="Аналитик",
        text="аналитик",
        areas=["1"],
        experience=["between1And3"],
        **{"work-formats": ["REMOTE"]},
        salary=150000,
    )
    assert created.status_code == 200
    assert created.json["response"]["searches-feedback"]["children"] == "Поиск «Аналитик» сохранён."
    bad = save_search(alice, None, name="Плохой", experience=["lots"])
    body = bad.json["response"]
    assert body["search-error"]["is_open"] is True and "lots" in body["search-error"]["children"]
    assert body["search-editor"]["is_open"] is True  # the form stays open with what was typed

    # alice edits bob's search: refused, bob's search unchanged
    hijack = save_search(alice, people["bob_search"], name="Взлом")
    assert hijack.json["response"]["search-error"]["is_open"] is True
    toggle = callback(
        alice,
        [("searches-list", "children")],
        [({"index": people["bob_search"], "type": "search-toggle"}, "n_clicks", 1)],
    )
    assert toggle.status_code == 204
    with engine.connect() as conn:
        bob_search = conn.execute(select(searches).where(searches.c.id == people["bob_search"])).one()
        assert (bob_search.name, bob_search.is_active) == ("Поиск 1", True)
        mine = conn.execute(select(searches).where(searches.c.name == "Аналитик")).one()
        assert (mine.user_id, mine.areas, mine.work_formats, mine.salary) == (
            people["alice"],
            ["1"],
            ["REMOTE"],
            150000,
        )


def test_admin_callbacks_and_pages_refuse_ordinary_users(app, people) -> None:
    alice = client_for(app, "alice")
    response = callback(
        alice,
        [("admin-runs", "rowData")],
        [
            ("admin-runs-status", "value", None),
            ("admin-runs-user", "value", None),
            ("admin-runs-text", "value", None),
            ("admin-runs-dates", "start_date", None),
            ("admin-runs-dates", "end_date", None),
        ],
    )
    assert response.status_code == 403
    assert alice.get("/admin/users").status_code == 403


def test_admin_creates_users_resets_passwords_and_cannot_lock_itself_out(app, people, engine) -> None:
    root = client_for(app, "root")
    outputs = [
        ("admin-feedback", "children"),
        ("admin-feedback", "color"),
        ("admin-feedback", "is_open"),
        ("admin-users", "rowData"),
        ("admin-new-login", "value"),
        ("admin-new-name", "value"),
    ]

    buttons = ["admin-create", "admin-reset", "admin-active", "admin-role"]

    def act(button: str, selected: list[dict[str, Any]] | None = None, login_: str = "", role: str = "user"):
        return callback(
            root,
            outputs,
            [(b, "n_clicks", 1 if b == button else None) for b in buttons],
            [
                ("admin-users", "selectedRows", selected),
                ("admin-new-login", "value", login_),
                ("admin-new-name", "value", "Carol"),
                ("admin-new-role", "value", role),
            ],
            changed=[buttons.index(button)],
        ).json["response"]

    created = act("admin-create", login_="carol")
    message = created["admin-feedback"]["children"]
    password = message.split("пароль: ")[1].split(" ")[0]
    assert login(app.server.test_client(), "carol", password).status_code == 302

    reset = act("admin-reset", [{"id": people["alice"]}])
    new_password = reset["admin-feedback"]["children"].split(": ")[1].split(" ")[0]
    assert login(app.server.test_client(), "alice", new_password).status_code == 302

    refused = act("admin-role", [{"id": people["root"]}])
    assert "Себя" in refused["admin-feedback"]["children"]
    disabled = act("admin-active", [{"id": people["bob"]}])
    assert disabled["admin-feedback"]["color"] == "success"
    with engine.connect() as conn:
        assert conn.execute(select(users.c.is_active).where(users.c.id == people["bob"])).scalar() is False


# -- export --------------------------------------------------------------------------------------------------


def export(client, fmt: str, view: dict[str, Any]):
    layout = client.get("/_dash-layout").json
    token = next(c["props"]["value"] for c in components(layout) if c["props"].get("name") == "csrf")
    return client.post("/export", data={"csrf": token, "format": fmt, "view": json.dumps(view)})


def test_export_csv_and_xlsx_of_the_current_view(app, people) -> None:
    alice = client_for(app, "alice")
    view = {
        "filterModel": {"area": {"filterType": "multi", "values": ["1"]}},
        "sortModel": [{"colId": "published_at", "sort": "asc"}],
    }
    expected = sorted(
        (r for r in people["alice_rows"] if r["area_id"] == "1"), key=lambda r: r["published_at"]
    )

    response = export(alice, "csv", view)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    content = response.get_data()
    assert content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0][:3] == ["Должность", "Работодатель", "З/п от, ₽"]
    assert [row[0] for row in table[1:]] == [r["name"] for r in expected]

    response = export(alice, "xlsx", view)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Должность" and len(values) == len(expected) + 1
    assert values[0][13] == "Соответствие"  # the match score (issue 14): empty, alice has no profile
    assert values[0][14] == "Этап"  # the application's stage (issue 15): empty, none is tracked
    assert values[0][15:] == ("Источник", "Ссылка")
    assert {v[13] for v in values[1:]} == {v[14] for v in values[1:]} == {""}
    assert {v[15] for v in values[1:]} == {"hh.ru"}
    assert {v[16] for v in values[1:]} == {r["url"] for r in expected}

    forged = alice.post("/export", data={"csrf": "forged", "format": "csv", "view": "{}"})
    assert forged.status_code == 400
