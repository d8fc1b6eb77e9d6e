"""Hostile input to the web app (issue 12, findings 6 and 8): each must get a 4xx or the form's
own error message, never a 500, and bodies over the limits get 413 before they are parsed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from core.schema import searches
from domain.resume import importer
from tests.web.security_support import (
    ALICE_FIRST,
    CALLBACK,
    TG_TOKEN,
    auth_token,
    grid_body,
    post_raw,
    search_body,
)
from tests.web.support import (
    PASSWORD,
    add_user,
    client_for,
    csrf_of,
    grid_rows,
    load_vacancies,
)
from webapp import auth
from webapp.app import MAX_REQUEST_BYTES, create_app


@pytest.fixture(autouse=True)
def _fresh_vocabulary() -> Any:
    """The quick search caches the database's lexemes per schema: leave none of ours behind."""
    yield
    from webapp import queries

    queries._vocabulary_cache.clear()


@pytest.fixture
def app(engine, settings_factory):
    settings = settings_factory(telegram_bot_token=TG_TOKEN, telegram_bot_username="JobHunterTestBot")
    return create_app(settings, engine)


@pytest.fixture
def people(engine) -> dict[str, Any]:
    alice, alice_searches = add_user(engine, "alice")
    bob, _ = add_user(engine, "bob")
    root, _ = add_user(engine, "root", role="admin", searches=0)
    rows = load_vacancies(engine, alice, alice_searches[0], 20, first_id=ALICE_FIRST, seed=5)
    return {"alice": alice, "bob": bob, "root": root, "alice_rows": rows, "alice_search": alice_searches[0]}


# -- 6: hostile input gets a 4xx ------------------------------------------------------------------------


def test_a_nul_in_the_login_field_is_a_400(app, people) -> None:
    client = app.server.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"login": "alice\x00", "password": "x", "csrf": token})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("request_", "quick", "message"),
    [
        (
            {"filterModel": {"name": {"filterType": "text", "type": "contains", "filter": "a\x00b"}}},
            "",
            "NUL",
        ),
        ({}, "python\x00", "NUL"),
        ({}, "\ud800", "JSON"),
        (
            {"filterModel": {"name": {"filterType": "text", "type": "contains", "filter": "\udfff"}}},
            "",
            "JSON",
        ),
        (
            {
                "filterModel": {
                    "published_at": {"filterType": "date", "type": "equals", "dateFrom": "9999-12-31"}
                }
            },
            "",
            "date",
        ),
        (
            {"filterModel": {"salary_from_rub": {"filterType": "number", "type": "equals", "filter": 2**31}}},
            "",
            "number",
        ),
        (
            {"filterModel": {"times_seen": {"filterType": "number", "type": "lessThan", "filter": -(2**31)}}},
            "",
            "number",
        ),
    ],
    ids=["nul filter", "nul quick", "surrogate quick", "surrogate filter", "year 9999", "2^31", "-2^31"],
)
def test_hostile_grid_values_get_a_400(app, people, request_, quick, message) -> None:
    response = grid_rows(client_for(app, "alice"), request_, quick=quick)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert message in response.json["error"]


@pytest.mark.parametrize(
    "view",
    [
        '{"filterModel": {"name": {"type": "contains", "filter": "a\\u0000"}}}',
        '{"quick": "\\ud800"}',
        '{"filterModel": {"name": {"filter": "\\udc00"}}}',
    ],
    ids=["nul", "surrogate quick", "surrogate filter"],
)
def test_hostile_export_views_get_a_400(app, people, view) -> None:
    alice = client_for(app, "alice")
    response = alice.post("/export", data={"csrf": auth_token(alice), "format": "csv", "view": view})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True) or "surrogate" in response.get_data(as_text=True)


def test_a_block_past_the_end_reports_the_real_count(app, people) -> None:
    response = grid_rows(client_for(app, "alice"), {"startRow": 10**7, "endRow": 10**7 + 100})
    assert response.status_code == 200
    block = response.json["response"]["grid"]["getRowsResponse"]
    assert block["rowData"] == [] and block.get("rowCount") == 20


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"areas": ["²"]}, "²"),
        ({"salary": "²"}, "²"),
        ({"salary": 10**12}, "Зарплата не может быть больше"),
        ({"roles": ["١٢"]}, "١٢"),
    ],
    ids=["superscript area", "superscript salary", "10^12", "arabic digits"],
)
def test_odd_saved_search_values_are_refused_in_the_form(app, people, engine, fields, said) -> None:
    alice = client_for(app, "alice")
    response = alice.post(CALLBACK, json=search_body(alice, **fields))
    assert response.status_code == 200
    body = response.json["response"]
    assert body["search-error"]["is_open"] is True and said in body["search-error"]["children"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(searches)).scalar() == 2  # nothing new


def test_a_salary_of_1e400_is_a_400(app, people) -> None:
    alice = client_for(app, "alice")
    raw = json.dumps(search_body(alice, salary="SALARY")).replace('"SALARY"', "1e400")
    response = post_raw(alice, raw)
    assert response.status_code == 400 and "JSON" in response.json["error"]


@pytest.mark.parametrize(
    "body",
    [
        '{"output": "grid-status.children", "inputs": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "[]",
        '["output", "grid.getRowsResponse"]',
        '{"inputs": [], "state": []}',
        '{"output": "nothing.children", "inputs": [], "state": []}',
        '{"output": 5, "inputs": []}',
        "not json",
    ],
    ids=[
        "nested 100k deep",
        "empty array",
        "array",
        "no output",
        "unknown output",
        "output a number",
        "text",
    ],
)
def test_malformed_callback_bodies_get_a_400(app, people, body) -> None:
    response = post_raw(client_for(app, "alice"), body)
    assert response.status_code == 400
    assert response.json["error"].startswith("the callback body")


def test_json_nested_just_under_the_parser_limit_is_no_500(app, people) -> None:
    alice = client_for(app, "alice")
    body = json.dumps(grid_body(alice, {}, quick="QUICK"))
    deep = body.replace('"QUICK"', "[" * 1_000 + "]" * 1_000)
    response = post_raw(alice, deep)
    assert response.status_code in (200, 400)


def test_a_crlf_in_next_is_a_400(app, people) -> None:
    client = app.server.test_client()
    page = client.get("/login?next=/%0D%0ASet-Cookie:%20evil=1")
    assert page.status_code == 400 and "control characters" in page.get_data(as_text=True)
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=/%0D%0ASet-Cookie:%20evil=1",
        data={"login": "alice", "password": PASSWORD, "csrf": token},
    )
    assert response.status_code == 400
    assert "evil" not in str(response.headers)
    assert auth.safe_next("/\r\nLocation: https://evil.example") == "/"


# -- 8: request size ------------------------------------------------------------------------------------


def test_a_body_over_the_largest_upload_gets_a_413(app, people) -> None:
    alice = client_for(app, "alice")
    response = alice.post(CALLBACK, data=b"x" * (MAX_REQUEST_BYTES + 1), content_type="application/json")
    assert response.status_code == 413
    assert MAX_REQUEST_BYTES >= importer.MAX_DOCX_BYTES * 4 // 3  # a DOCX at its limit still fits
    client = app.server.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    big = client.post("/login", data={"login": "alice", "password": "x" * 5_000_000, "csrf": token})
    assert big.status_code == 413  # a form is far smaller than an upload: its own, lower cap
