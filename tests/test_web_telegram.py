"""The Telegram card of the profile page, through the test client: one-time link, unlink, quiet hours."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from core.schema import telegram_links, users
from core.telegram_links import consume
from tests.web.support import add_user, callback, login
from webapp.app import create_app

TOKEN = "123456789:AAEtestTokenForTheWebCard000"


@pytest.fixture
def app(engine, settings_factory):
    return create_app(
        settings_factory(telegram_bot_token=TOKEN, telegram_bot_username="JobHunterTestBot"), engine
    )


def signed_in(app, name: str):
    client = app.server.test_client()
    assert login(client, name).status_code == 302
    return client


def test_a_user_gets_a_one_time_link_for_their_own_account(app, engine) -> None:
    anna, _ = add_user(engine, "anna")
    bob, _ = add_user(engine, "bob")
    client = signed_in(app, "anna")

    response = callback(client, [("tg-link", "children")], [("tg-make-link", "n_clicks", 1)])

    assert response.status_code == 200
    link = str(response.json)
    assert "https://t.me/JobHunterTestBot?start=" in link
    token = link.split("?start=")[1].split("'")[0].split('"')[0]
    with engine.begin() as conn:
        owners = conn.execute(select(telegram_links.c.user_id)).scalars().all()
        assert owners == [anna]  # never bob's, whoever asks
        assert token not in str(conn.execute(select(telegram_links)).all())  # stored hashed
        bound = consume(conn, token, chat_id=777)
    assert bound is not None and bound.login == "anna"
    assert bob


def test_unlink_and_quiet_hours_are_saved_for_this_user_only(app, engine) -> None:
    anna, _ = add_user(engine, "anna")
    add_user(engine, "bob")
    with engine.begin() as conn:
        conn.execute(update(users).values(telegram_chat_id=users.c.id + 1000))
    client = signed_in(app, "anna")

    saved = callback(
        client,
        [("tg-saved", "children")],
        [("tg-save", "n_clicks", 1)],
        [("tg-quiet", "value", "23:00-07:30"), ("tg-tz", "value", "Asia/Yekaterinburg")],
    )
    wrong = callback(
        client,
        [("tg-saved", "children")],
        [("tg-save", "n_clicks", 2)],
        [("tg-quiet", "value", "поздно"), ("tg-tz", "value", "")],
    )
    unlinked = callback(client, [("tg-state", "children")], [("tg-unlink", "n_clicks", 1)])

    assert "Сохранено" in str(saved.json) and "22:00-08:00" in str(wrong.json)  # the format is explained
    assert "Чат отвязан" in str(unlinked.json)
    with engine.connect() as conn:
        rows = {
            r.login: r
            for r in conn.execute(
                select(users.c.login, users.c.telegram_chat_id, users.c.time_zone, users.c.quiet_from)
            )
        }
    assert rows["anna"].telegram_chat_id is None and rows["anna"].time_zone == "Asia/Yekaterinburg"
    assert str(rows["anna"].quiet_from) == "23:00:00"
    assert rows["bob"].telegram_chat_id is not None and rows["bob"].time_zone is None
    assert anna


def test_the_market_digest_switch_is_saved_for_this_user_only(app, engine) -> None:
    anna, _ = add_user(engine, "anna")
    bob, _ = add_user(engine, "bob")
    with engine.begin() as conn:
        conn.execute(update(users).values(telegram_chat_id=users.c.id + 1000))
    client = signed_in(app, "anna")
    page = client.get("/profile")
    assert page.status_code == 200

    on = callback(client, [("tg-digest-saved", "children")], [("tg-digest", "value", True)])
    assert "Включено: первый придёт в понедельник" in str(on.json)
    with engine.connect() as conn:
        since = dict(conn.execute(select(users.c.id, users.c.market_digest_since)).all())
    assert since[anna] is not None and since[bob] is None
    again = callback(client, [("tg-digest-saved", "children")], [("tg-digest", "value", True)])
    assert "Включено" in str(again.json)
    with engine.connect() as conn:  # switching on again keeps the first moment it was asked for
        assert (
            conn.execute(select(users.c.market_digest_since).where(users.c.id == anna)).scalar()
            == since[anna]
        )

    off = callback(client, [("tg-digest-saved", "children")], [("tg-digest", "value", False)])
    assert "Выключено" in str(off.json)
    with engine.connect() as conn:
        assert conn.execute(select(users.c.market_digest_since).where(users.c.id == anna)).scalar() is None
