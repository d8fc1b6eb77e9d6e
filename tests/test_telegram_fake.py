"""The fake Bot API answers the real pyTelegramBotAPI the way Telegram does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import telebot
from telebot import apihelper, types

from testing.fakes.telegram import DEFAULT_TOKEN, FakeTelegram


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        apihelper.API_URL = f"{server.url}/bot{{0}}/{{1}}"
        yield server
    apihelper.API_URL = None


@pytest.fixture
def bot(fake: FakeTelegram) -> telebot.TeleBot:
    return telebot.TeleBot(DEFAULT_TOKEN, threaded=False)


def test_parameters_travel_in_the_query_string_and_messages_come_back_whole(fake, bot) -> None:
    fake.add_chat(42)
    markup = types.InlineKeyboardMarkup()
    markup.row(types.InlineKeyboardButton("⭐ 1", callback_data="fav:1"))
    sent = bot.send_message(42, "<b>Привет</b> &amp; пока", parse_mode="HTML", reply_markup=markup)

    assert (sent.message_id, sent.chat.id, sent.chat.type, sent.text) == (1, 42, "private", "Привет & пока")
    [call] = [c for c in fake.calls if c.method == "sendmessage"]
    assert call.http_method == "POST" and call.params["chat_id"] == "42"
    [message] = fake.messages(42)
    assert message.plain == "Привет & пока" and message.buttons == [("⭐ 1", "fav:1")]


def test_documents_are_read_from_the_multipart_body(fake, bot) -> None:
    fake.add_chat(42)
    content = "\ufeffВакансия;Работодатель\r\n".encode()
    sent = bot.send_document(42, ("vacancies-2026-11-24.csv", content), caption="Все 1")

    assert sent.document.file_name == "vacancies-2026-11-24.csv" and sent.caption == "Все 1"
    [document] = fake.documents(42)
    assert (document.filename, document.content) == ("vacancies-2026-11-24.csv", content)


def test_errors_are_telegrams(fake, bot) -> None:
    fake.add_chat(42)
    with pytest.raises(apihelper.ApiTelegramException) as unknown_chat:
        bot.send_message(7, "hi")
    assert (unknown_chat.value.error_code, unknown_chat.value.description) == (
        400,
        "Bad Request: chat not found",
    )

    with pytest.raises(apihelper.ApiTelegramException) as bad_html:
        bot.send_message(42, "a < b & c", parse_mode="HTML")
    assert bad_html.value.description.startswith("Bad Request: can't parse entities")

    with pytest.raises(apihelper.ApiTelegramException) as too_long:
        bot.send_message(42, "я" * 4097)
    assert too_long.value.description == "Bad Request: message is too long"

    fake.fail_next(1, 429, retry_after=3)
    with pytest.raises(apihelper.ApiTelegramException) as limited:
        bot.send_message(42, "hi")
    assert limited.value.error_code == 429
    assert limited.value.result_json["parameters"] == {"retry_after": 3}

    fake.user_blocks(42)
    with pytest.raises(apihelper.ApiTelegramException) as blocked:
        bot.send_message(42, "hi")
    assert (blocked.value.error_code, blocked.value.description) == (
        403,
        "Forbidden: bot was blocked by the user",
    )

    markup = types.InlineKeyboardMarkup()
    markup.row(types.InlineKeyboardButton("x", callback_data="x" * 65))
    fake.user_unblocks(42)
    with pytest.raises(apihelper.ApiTelegramException, match="BUTTON_DATA_INVALID"):
        bot.send_message(42, "hi", reply_markup=markup)
    assert fake.messages(42) == []


def test_an_unknown_token_is_unauthorized(fake) -> None:
    answer = requests.get(f"{fake.url}/bot1:wrong/getMe", timeout=5)
    assert answer.status_code == 401
    assert answer.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with pytest.raises(apihelper.ApiTelegramException):
        telebot.TeleBot("1:" + "x" * 30, threaded=False).get_me()


def test_updates_are_served_until_confirmed_by_offset(fake, bot) -> None:
    first = fake.user_sends(42, "/start abc")
    fake.user_presses(42, "fav:1")
    updates = bot.get_updates(timeout=5, long_polling_timeout=1)
    assert [u.update_id for u in updates] == [first, first + 1]
    assert updates[0].message.text == "/start abc"
    assert telebot.util.extract_arguments(updates[0].message.text) == "abc"
    assert updates[1].callback_query.data == "fav:1" and updates[1].callback_query.message.chat.id == 42

    again = bot.get_updates(offset=first + 1, timeout=5, long_polling_timeout=1)
    assert [u.update_id for u in again] == [first + 1]
    assert bot.get_updates(offset=first + 2, timeout=5, long_polling_timeout=1) == []

    assert bot.answer_callback_query(again[0].callback_query.id, "⭐ В избранном")
    assert fake.answers[0]["text"] == "⭐ В избранном"
    with pytest.raises(apihelper.ApiTelegramException, match="query ID is invalid"):
        bot.answer_callback_query(again[0].callback_query.id, "twice")


def test_get_updates_conflicts_with_a_webhook(fake, bot) -> None:
    fake.webhook_url = "https://example.com/hook"
    with pytest.raises(apihelper.ApiTelegramException) as conflict:
        bot.get_updates(timeout=5, long_polling_timeout=1)
    assert conflict.value.error_code == 409
    assert bot.delete_webhook()
    assert bot.get_updates(timeout=5, long_polling_timeout=1) == []
