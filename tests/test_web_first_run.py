"""What a newcomer sees before hh.ru access: the demo badge, and a plain sentence when hh.ru refuses."""

from __future__ import annotations

from sqlalchemy import insert, update

from core.passwords import hash_password
from core.schema import etl_runs, users
from etl.demo import load_demo
from tests.web.support import PASSWORD, add_user, login
from webapp.app import create_app


def _layout_ids(client) -> dict[str, dict]:
    found: dict[str, dict] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and props.get("id"):
                found[str(props["id"])] = props
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    response = client.get("/_dash-layout")
    assert response.status_code == 200
    walk(response.json)
    return found


def _client(app, name: str):
    client = app.server.test_client()
    assert login(client, name).status_code == 302
    return client


def test_the_demo_user_sees_a_demo_badge_and_a_real_user_does_not(engine, settings_factory) -> None:
    load_demo(engine, count=30)
    with engine.begin() as conn:  # a known password for the test
        conn.execute(
            update(users).where(users.c.login == "demo").values(password_hash=hash_password(PASSWORD))
        )
    add_user(engine, "anna")
    app = create_app(settings_factory(), engine)

    demo = _layout_ids(_client(app, "demo"))
    anna = _layout_ids(_client(app, "anna"))

    assert demo["demo-badge"]["children"] == "Демо-данные"
    assert "не настоящие" in demo["demo-badge"]["title"]
    assert "demo-badge" not in anna


def test_a_refused_token_shows_a_banner_that_says_what_to_do(engine, settings_factory) -> None:
    anna, [search] = add_user(engine, "anna")
    bob, _ = add_user(engine, "bob")
    with engine.begin() as conn:
        conn.execute(
            insert(etl_runs).values(
                source="hh",
                run_id="scheduled__x",
                search_id=search,
                search_name="Поиск 1",
                user_id=anna,
                trigger="scheduled",
                status="auth",
                error="hh.ru requires an application token for vacancy search: run `jobhunter hh login`",
            )
        )
    app = create_app(settings_factory(), engine)

    banner = _layout_ids(_client(app, "anna"))["access-banner"]

    assert "hh.ru не принимает токен" in str(banner["children"])
    assert "jobhunter hh login --client-id ID" in str(banner["children"])
    assert "access-banner" not in _layout_ids(_client(app, "bob"))  # bob's searches are fine
    assert bob
