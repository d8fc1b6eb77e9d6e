"""Application tracking in Telegram (#15): the ✅ Откликнулся button and the reminders.

Real pyTelegramBotAPI talks to the fake Bot API, the bot handles the presses, real PostgreSQL holds
the applications (``domain.applications``) and the reminders (``t22``). The clock is the test's:
``deliver_reminders(…, now)`` is called hour by hour as the housekeeping DAG would, and what is
asserted is what each user reads in their chat, when, and what is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select, update
from telebot import apihelper

from core.schema import application_reminders, user_vacancies, users, vacancies
from core.telegram_links import set_quiet_hours
from domain import applications as apps
from etl.telegram import bot as telegram_bot
from etl.telegram import outbox
from etl.telegram.reminders import (
    BEGUN,
    FOLLOW_UP_AFTER_DAYS,
    HOUR_BEFORE_GOES,
    MOVED,
    MOVED_ON,
    QUIET,
    deliver_reminders,
)
from etl.telegram.sender import deliver_pending
from testing.fakes.telegram import FakeTelegram, Sent
from tests.test_telegram import CHAT, OTHER_CHAT, Env
from tests.web.support import add_user, load_vacancies

MOSCOW, YEKATERINBURG = ZoneInfo("Europe/Moscow"), ZoneInfo("Asia/Yekaterinburg")
SET = datetime(2026, 12, 10, 7, 0, tzinfo=UTC)  # when the user wrote the interview down


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(max_poll_wait=0.3) as fake:
        yield fake
    apihelper.API_URL = None


@pytest.fixture
def env(engine, settings_factory, fake_hh, fake_tg) -> Env:
    settings = settings_factory(
        telegram_bot_token=fake_tg.token,
        telegram_api_url=fake_tg.url,
        telegram_bot_username=fake_tg.username,
        telegram_quiet_hours="off",
        telegram_time_zone="Europe/Moscow",
    )
    return Env(engine, settings, fake_hh, fake_tg)


def user_with_vacancies(
    env: Env, login: str, *, first_id: int, n: int = 3, chat: int | None = None, **values: Any
) -> tuple[int, int, list[int]]:
    """A user with ``n`` vacancies of their search (optionally a linked chat and column values)."""
    user_id, [search] = add_user(env.engine, login)
    ids = [row["id"] for row in load_vacancies(env.engine, user_id, search, n, first_id=first_id)]
    if values:
        with env.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(**values))
    if chat is not None:
        assert env.link(user_id, chat).startswith("Готово")
    return user_id, search, ids


def texts(env: Env, chat: int, since: int = 1) -> list[str]:
    """What the user read in the chat after the "Готово!" of linking."""
    return [m.plain or "" for m in env.tg.messages(chat)[since:]]


def reminder_rows(engine: Engine, user_id: int | None = None) -> list[dict[str, Any]]:
    query = select(application_reminders).order_by(application_reminders.c.id)
    if user_id is not None:
        query = query.where(application_reminders.c.user_id == user_id)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def title_employer(engine: Engine, vacancy_id: int, joiner: str = "—") -> str:
    """«<title> — <employer>» as a next-step reminder names the vacancy (a follow-up: «в», «at»)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(vacancies.c.name, vacancies.c.employer_name).where(vacancies.c.id == vacancy_id)
        ).one()
    assert row.employer_name
    return f"{row.name} {joiner} {row.employer_name}"


def stage_of(engine: Engine, user_id: int, vacancy_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            select(user_vacancies.c.stage).where(
                user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == vacancy_id
            )
        ).scalar_one_or_none()


def interview(engine: Engine, user_id: int, vacancy_id: int, at: datetime, *, now: datetime = SET) -> None:
    with engine.begin() as conn:
        apps.record(
            conn,
            user_id,
            vacancy_id,
            stage="interview",
            next_step_at=at,
            next_step_note="Zoom с тимлидом",
            via="web",
            now=now,
        )


def hours(start: datetime, end: datetime) -> Iterator[datetime]:
    moment = start
    while moment <= end:
        yield moment
        moment += timedelta(hours=1)


def press(env: Env, chat: int, data: str, message: Sent | None = None) -> str:
    env.tg.user_presses(chat, data, message=message)
    env.poll()
    return env.tg.answers[-1]["text"]


# -- the button -----------------------------------------------------------------------------------------


def test_the_applied_button_records_the_stage_for_the_chats_own_user_only(env) -> None:
    anna, search, ids = user_with_vacancies(env, "anna", first_id=830_000_000, chat=CHAT)
    boris, _, [his, *_] = user_with_vacancies(
        env, "boris", first_id=840_000_000, chat=OTHER_CHAT, preferences={"lang": "en"}
    )
    with env.engine.begin() as conn:
        assert outbox.enqueue(conn, run_id="test", search_id=search, user_id=anna) == 3
    assert deliver_pending(env.engine, env.settings)["vacancies_sent"] == 3
    [message] = env.tg.messages(CHAT)[1:]
    rows = message.reply_markup["inline_keyboard"]  # type: ignore[index]
    assert [[b["text"] for b in row] for row in rows] == [
        [f"⭐ {n}", f"🚫 {n}", "✅ Откликнулся"] for n in (1, 2, 3)
    ]
    applied = [row[2]["callback_data"] for row in rows]
    assert all(len(data.encode()) <= 64 for _, data in message.buttons)
    first = int(applied[0].split(":")[1])
    assert set(applied) == {f"app:{i}" for i in ids} and first in ids
    assert "✅ — вы откликнулись (напомню, если не будет ответа)" in (message.plain or "")

    assert (
        press(env, CHAT, applied[0], message) == "Отмечено: отклик отправлен. Напомню, если не будет ответа."
    )
    assert press(env, CHAT, applied[0], message) == "Уже отмечено: Отклик отправлен."  # twice: one change
    assert press(env, OTHER_CHAT, applied[1], message) == "This vacancy is not among your searches' results."
    assert press(env, CHAT, f"app:{his}") == "Эта вакансия не из ваших поисков."  # a forged callback
    assert (
        press(env, OTHER_CHAT + 1, applied[2], message) == "Этот чат не привязан к пользователю Job Hunter."
    )
    assert press(env, CHAT, "app:12345678901234567890") == "Кнопка устарела."

    with env.engine.connect() as conn:
        history = apps.history(conn, anna, first)
        assert [(e["stage_from"], e["stage_to"], e["via"]) for e in history] == [
            (None, "applied", "telegram")
        ]
        assert {a["vacancy_id"] for a in apps.applications(conn, anna)} == {first}
        assert apps.applications(conn, boris) == []
    assert stage_of(env.engine, boris, his) is None

    with env.engine.begin() as conn:  # an interview already: ✅ on the old message changes nothing
        apps.record(conn, anna, ids[1], stage="interview", via="web", now=SET)
    second = next(d for d in applied if d == f"app:{ids[1]}")
    assert press(env, CHAT, second, message) == "Уже отмечено: Собеседование."
    assert press(env, OTHER_CHAT, f"app:{his}") == (
        "Marked: application sent. I will remind you if there is no answer."
    )
    assert stage_of(env.engine, anna, ids[1]) == "interview" and stage_of(env.engine, boris, his) == "applied"


# -- next steps -----------------------------------------------------------------------------------------


def test_morning_and_hour_before_reminders_come_at_each_users_local_time_once(env) -> None:
    anna, _, [a1, *_] = user_with_vacancies(
        env, "anna", first_id=850_000_000, chat=CHAT, time_zone="Asia/Yekaterinburg"
    )
    boris, _, [b1, *_] = user_with_vacancies(env, "boris", first_id=860_000_000, chat=OTHER_CHAT)
    with env.engine.begin() as conn:
        for user_id in (anna, boris):
            set_quiet_hours(conn, user_id, (time(22), time(8)))
    interview(env.engine, anna, a1, datetime(2026, 12, 12, 15, 0, tzinfo=YEKATERINBURG))
    interview(env.engine, boris, b1, datetime(2026, 12, 12, 15, 0, tzinfo=MOSCOW))

    arrived: dict[datetime, list[tuple[int, str]]] = {}
    seen = {CHAT: 1, OTHER_CHAT: 1}
    for moment in hours(datetime(2026, 12, 11, 20, 0, tzinfo=UTC), datetime(2026, 12, 12, 13, 0, tzinfo=UTC)):
        for _ in range(2):  # a retried task, or the CLI run beside the DAG: nothing twice
            deliver_reminders(env.engine, env.settings, moment)
        for chat in seen:
            for text in texts(env, chat, seen[chat]):
                arrived.setdefault(moment, []).append((chat, text))
            seen[chat] = len(env.tg.messages(chat))

    anna_vacancy, boris_vacancy = title_employer(env.engine, a1), title_employer(env.engine, b1)
    assert arrived == {
        datetime(2026, 12, 12, 4, 0, tzinfo=UTC): [  # 09:00 in Yekaterinburg
            (CHAT, f"🗓 Сегодня в 15:00 собеседование: {anna_vacancy}\n📝 Zoom с тимлидом")
        ],
        datetime(2026, 12, 12, 6, 0, tzinfo=UTC): [  # 09:00 in Moscow
            (OTHER_CHAT, f"🗓 Сегодня в 15:00 собеседование: {boris_vacancy}\n📝 Zoom с тимлидом")
        ],
        datetime(2026, 12, 12, 9, 0, tzinfo=UTC): [  # 14:00 in Yekaterinburg
            (CHAT, f"⏰ Через час, в 15:00, собеседование: {anna_vacancy}\n📝 Zoom с тимлидом")
        ],
        datetime(2026, 12, 12, 11, 0, tzinfo=UTC): [  # 14:00 in Moscow
            (OTHER_CHAT, f"⏰ Через час, в 15:00, собеседование: {boris_vacancy}\n📝 Zoom с тимлидом")
        ],
    }
    [message] = [m for m in env.tg.messages(CHAT) if (m.plain or "").startswith("🗓")]
    assert message.parse_mode == "HTML" and '<a href="https://hh.ru/vacancy/850000000">' in (
        message.text or ""
    )
    assert {
        (r["user_id"], r["kind"], r["status"], r["attempts"], r["sent_at"]) for r in reminder_rows(env.engine)
    } == {
        (anna, "morning", "sent", 1, datetime(2026, 12, 12, 4, 0, tzinfo=UTC)),
        (anna, "hour_before", "sent", 1, datetime(2026, 12, 12, 9, 0, tzinfo=UTC)),
        (boris, "morning", "sent", 1, datetime(2026, 12, 12, 6, 0, tzinfo=UTC)),
        (boris, "hour_before", "sent", 1, datetime(2026, 12, 12, 11, 0, tzinfo=UTC)),
    }


def test_a_failed_send_is_retried_and_still_arrives_once(env) -> None:
    anna, _, [a1, *_] = user_with_vacancies(env, "anna", first_id=870_000_000, chat=CHAT)
    interview(env.engine, anna, a1, datetime(2026, 12, 12, 15, 0, tzinfo=MOSCOW))
    morning = datetime(2026, 12, 12, 6, 0, tzinfo=UTC)

    env.tg.fail_next(1, 500, method="sendMessage")
    first = deliver_reminders(env.engine, env.settings, morning)
    assert first == {
        "made": 1,
        "sent": 0,
        "skipped": 0,
        "failed": 1,
        "telegram_error": "500 Internal Server Error",
    }
    [row] = reminder_rows(env.engine)
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "500 Internal Server Error")
    assert texts(env, CHAT) == []

    env.tg.fail_next(1, 429, method="sendMessage", retry_after=3600)  # longer than we wait: next time
    second = deliver_reminders(env.engine, env.settings, morning + timedelta(minutes=5))
    assert second["sent"] == 0 and second["failed"] == 1 and texts(env, CHAT) == []

    # two deliveries at once (the DAG and `jobhunter telegram deliver`): the per-user lock holds
    results: list[dict[str, Any]] = []
    runs = [
        threading.Thread(
            target=lambda: results.append(
                deliver_reminders(env.engine, env.settings, morning + timedelta(hours=1))
            )
        )
        for _ in range(2)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert sorted(r["sent"] for r in results) == [0, 1]
    assert texts(env, CHAT) == [
        f"🗓 Сегодня в 15:00 собеседование: {title_employer(env.engine, a1)}\n📝 Zoom с тимлидом"
    ]
    [row] = reminder_rows(env.engine)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 3, None)


def test_a_user_who_blocked_the_bot_gets_the_reminder_after_start_if_still_useful(env) -> None:
    anna, _, [a1, *_] = user_with_vacancies(env, "anna", first_id=880_000_000, chat=CHAT)
    interview(env.engine, anna, a1, datetime(2026, 12, 12, 15, 0, tzinfo=MOSCOW))
    env.tg.user_blocks(CHAT)
    blocked = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 6, 0, tzinfo=UTC))
    assert (
        blocked["failed"] == 1 and blocked["telegram_error"] == "403 Forbidden: bot was blocked by the user"
    )
    later = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 7, 0, tzinfo=UTC))
    assert later == {"made": 0, "sent": 0, "skipped": 0, "waiting": 1}  # not even tried
    env.tg.user_unblocks(CHAT)
    env.tg.user_sends(CHAT, "/start")
    env.poll()
    sent = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 8, 0, tzinfo=UTC))
    assert sent["sent"] == 1 and texts(env, CHAT, 2)[0].startswith("🗓 Сегодня в 15:00 собеседование: ")


def test_quiet_hours_hold_reminders_and_an_hour_before_inside_them_is_skipped(env) -> None:
    anna, _, [late, early, *_] = user_with_vacancies(env, "anna", first_id=890_000_000, chat=CHAT)
    with env.engine.begin() as conn:
        set_quiet_hours(conn, anna, (time(22), time(10)))  # sleeps late
    interview(env.engine, anna, late, datetime(2026, 12, 12, 12, 0, tzinfo=MOSCOW))
    interview(env.engine, anna, early, datetime(2026, 12, 12, 10, 30, tzinfo=MOSCOW))

    at_nine = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 9, 0, tzinfo=MOSCOW))
    assert at_nine["sent"] == 0 and at_nine["waiting"] == 2 and texts(env, CHAT) == []
    at_ten = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 10, 0, tzinfo=MOSCOW))
    assert at_ten["sent"] == 2
    assert [t.split(":")[0] for t in texts(env, CHAT)] == ["🗓 Сегодня в 10", "🗓 Сегодня в 12"]
    at_eleven = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 11, 0, tzinfo=MOSCOW))
    assert at_eleven["sent"] == 1 and texts(env, CHAT)[-1].startswith("⏰ Через час, в 12:00, собеседование")
    by_kind = {
        (r["vacancy_id"], r["kind"]): (r["status"], r["last_error"]) for r in reminder_rows(env.engine)
    }
    assert by_kind == {
        (late, "morning"): ("sent", None),
        (late, "hour_before"): ("sent", None),
        (early, "morning"): ("sent", None),
        (early, "hour_before"): ("skipped", QUIET),  # 09:30 was quiet; at 10:00 the morning one told
    }


def test_a_moved_next_step_skips_the_old_reminders_and_makes_new_ones(env) -> None:
    anna, _, [a1, a2, *_] = user_with_vacancies(env, "anna", first_id=900_000_000, chat=CHAT)
    with env.engine.begin() as conn:
        set_quiet_hours(conn, anna, (time(22), time(10)))
    interview(env.engine, anna, a1, datetime(2026, 12, 12, 15, 0, tzinfo=MOSCOW))
    assert (
        deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 9, 0, tzinfo=MOSCOW))["waiting"]
        == 1
    )

    interview(  # moved to the next day while the morning reminder waited for the quiet hours to end
        env.engine,
        anna,
        a1,
        datetime(2026, 12, 13, 16, 0, tzinfo=MOSCOW),
        now=datetime(2026, 12, 12, 9, 30, tzinfo=MOSCOW),
    )
    for moment in hours(
        datetime(2026, 12, 12, 10, 0, tzinfo=MOSCOW), datetime(2026, 12, 13, 17, 0, tzinfo=MOSCOW)
    ):
        deliver_reminders(env.engine, env.settings, moment)
    vacancy = title_employer(env.engine, a1)
    assert texts(env, CHAT) == [
        f"🗓 Сегодня в 16:00 собеседование: {vacancy}\n📝 Zoom с тимлидом",
        f"⏰ Через час, в 16:00, собеседование: {vacancy}\n📝 Zoom с тимлидом",
    ]
    assert [
        (r["kind"], r["due_at"], r["status"], r["last_error"], r["sent_at"])
        for r in reminder_rows(env.engine)
    ] == [
        ("morning", datetime(2026, 12, 12, 9, 0, tzinfo=MOSCOW), "skipped", MOVED, None),
        (
            "morning",
            datetime(2026, 12, 13, 9, 0, tzinfo=MOSCOW),
            "sent",
            None,
            datetime(2026, 12, 13, 10, 0, tzinfo=MOSCOW),
        ),
        (
            "hour_before",
            datetime(2026, 12, 13, 15, 0, tzinfo=MOSCOW),
            "sent",
            None,
            datetime(2026, 12, 13, 15, 0, tzinfo=MOSCOW),
        ),
    ]

    # set for the same afternoon at 10:30: no morning reminder (the user just wrote it down);
    # 09:40 for 10:00 the next day, and the morning's 09:00 run is late: only the hour-before goes
    interview(
        env.engine,
        anna,
        a2,
        datetime(2026, 12, 14, 14, 0, tzinfo=MOSCOW),
        now=datetime(2026, 12, 14, 10, 30, tzinfo=MOSCOW),
    )
    deliver_reminders(env.engine, env.settings, datetime(2026, 12, 14, 11, 0, tzinfo=MOSCOW))
    assert [r for r in reminder_rows(env.engine) if r["vacancy_id"] == a2] == []
    deliver_reminders(env.engine, env.settings, datetime(2026, 12, 14, 13, 0, tzinfo=MOSCOW))
    assert texts(env, CHAT)[-1].startswith("⏰ Через час, в 14:00, собеседование")
    with env.engine.begin() as conn:
        set_quiet_hours(conn, anna, None)
    interview(
        env.engine,
        anna,
        a2,
        datetime(2026, 12, 15, 9, 40, tzinfo=MOSCOW),
        now=datetime(2026, 12, 14, 18, 0, tzinfo=MOSCOW),
    )
    deliver_reminders(env.engine, env.settings, datetime(2026, 12, 15, 9, 0, tzinfo=MOSCOW))
    assert texts(env, CHAT)[-1].startswith("⏰ Через 40 минут, в 09:40, собеседование")
    assert {
        (r["kind"], r["status"], r["last_error"])
        for r in reminder_rows(env.engine, anna)
        if r["due_at"].date().day == 15
    } == {
        ("morning", "skipped", HOUR_BEFORE_GOES),
        ("hour_before", "sent", None),
    }
    # a step that began while the user was unreachable is not reminded of any more
    interview(
        env.engine,
        anna,
        a2,
        datetime(2026, 12, 16, 12, 0, tzinfo=MOSCOW),
        now=datetime(2026, 12, 15, 18, 0, tzinfo=MOSCOW),
    )
    with env.engine.begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.id == anna)
            .values(telegram_blocked_at=datetime(2026, 12, 15, tzinfo=UTC))
        )
    deliver_reminders(env.engine, env.settings, datetime(2026, 12, 16, 11, 0, tzinfo=MOSCOW))
    with env.engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == anna).values(telegram_blocked_at=None))
    deliver_reminders(env.engine, env.settings, datetime(2026, 12, 16, 12, 30, tzinfo=MOSCOW))
    assert {r["status"] for r in reminder_rows(env.engine, anna) if r["due_at"].date().day == 16} == {
        "skipped"
    }
    assert {r["last_error"] for r in reminder_rows(env.engine, anna) if r["due_at"].date().day == 16} == {
        BEGUN
    }


# -- follow-ups -------------------------------------------------------------------------------------------


def test_a_follow_up_after_seven_quiet_days_and_no_answer_suggested_after_fourteen(env) -> None:
    anna, _, [quiet, answered, old] = user_with_vacancies(env, "anna", first_id=910_000_000, chat=CHAT)
    boris, _, [his, *_] = user_with_vacancies(
        env, "boris", first_id=920_000_000, chat=OTHER_CHAT, preferences={"lang": "en", "theme": "dark"}
    )
    applied = datetime(2026, 12, 1, 12, 0, tzinfo=MOSCOW)
    with env.engine.begin() as conn:
        for user_id, vacancy_id in ((anna, quiet), (anna, answered), (boris, his)):
            apps.record(conn, user_id, vacancy_id, stage="applied", via="web", now=applied)
        apps.record(conn, anna, answered, stage="test_task", via="web", now=applied + timedelta(days=3))
        apps.record(conn, anna, old, stage="applied", via="web", now=applied - timedelta(days=20))

    first = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 1, 13, 0, tzinfo=MOSCOW))
    assert first["sent"] == 1  # the one applied to 20 days ago: straight to the two-week question
    [two_weeks] = env.tg.messages(CHAT)[1:]
    assert two_weeks.plain == (
        f"📨 Вы откликнулись на {title_employer(env.engine, old, 'в')} 20 дней назад; ответа пока нет.\n"
        "Отметить «Нет ответа»?"
    )
    assert two_weeks.buttons == [("⌛ Нет ответа", f"noa:{old}"), ("🗣 Собеседование", f"int:{old}")]

    day = timedelta(days=1)
    assert (
        deliver_reminders(
            env.engine, env.settings, applied + FOLLOW_UP_AFTER_DAYS * day - timedelta(hours=1)
        )["sent"]
        == 0
    )
    assert deliver_reminders(env.engine, env.settings, applied + FOLLOW_UP_AFTER_DAYS * day)["sent"] == 2
    assert (
        deliver_reminders(
            env.engine, env.settings, applied + FOLLOW_UP_AFTER_DAYS * day + timedelta(hours=1)
        )["sent"]
        == 0
    )
    [week] = env.tg.messages(CHAT)[2:]
    assert week.plain == (
        f"📨 Вы откликнулись на {title_employer(env.engine, quiet, 'в')} 7 дней назад; ответа пока нет.\n"
        "Можно напомнить о себе работодателю — или отметьте, что изменилось:"
    )
    assert week.buttons == [("⌛ Нет ответа", f"noa:{quiet}"), ("🗣 Собеседование", f"int:{quiet}")]
    [his_week] = env.tg.messages(OTHER_CHAT)[1:]
    assert his_week.plain == (
        f"📨 You applied to {title_employer(env.engine, his, 'at')} 7 days ago; no answer yet.\n"
        "You could remind the employer of yourself — or mark what has changed:"
    )
    assert his_week.buttons == [("⌛ No answer", f"noa:{his}"), ("🗣 Interview", f"int:{his}")]

    for moment in hours(applied + 13 * day, applied + 15 * day):
        deliver_reminders(env.engine, env.settings, moment)
    [two_weeks_on] = env.tg.messages(CHAT)[3:]
    assert (two_weeks_on.plain or "").endswith("14 дней назад; ответа пока нет.\nОтметить «Нет ответа»?")
    assert stage_of(env.engine, anna, quiet) == stage_of(env.engine, anna, old) == "applied"  # only asked

    assert press(env, CHAT, f"noa:{quiet}", two_weeks_on) == "Отмечено: нет ответа."
    assert press(env, CHAT, f"noa:{quiet}", two_weeks_on) == "Уже отмечено: Нет ответа."
    assert press(env, CHAT, f"int:{old}", two_weeks) == (
        "Отмечено: собеседование. Дату и время укажите в веб-приложении — напомню утром и за час."
    )
    assert (
        press(env, OTHER_CHAT, f"noa:{quiet}", two_weeks_on)
        == "This vacancy is not among your searches' results."
    )
    assert press(env, OTHER_CHAT, f"int:{his}", his_week) == (
        "Marked: interview. Set its date and time in the web app — I will remind you that morning "
        "and an hour before."
    )
    assert stage_of(env.engine, anna, quiet) == "no_answer" and stage_of(env.engine, anna, old) == "interview"
    assert stage_of(env.engine, boris, his) == "interview"

    for moment in hours(applied + 15 * day, applied + 16 * day):
        assert deliver_reminders(env.engine, env.settings, moment)["sent"] == 0
    assert {(r["vacancy_id"], r["status"]) for r in reminder_rows(env.engine, anna)} == {
        (old, "sent"),
        (quiet, "sent"),
    }
    assert len(reminder_rows(env.engine, anna)) == 3  # old: 14 days; quiet: 7 and 14; answered: none
    assert all(r["status"] == "sent" for r in reminder_rows(env.engine))


def test_a_follow_up_that_falls_at_night_waits_and_one_overtaken_by_a_change_is_dropped(env) -> None:
    anna, _, [a1, a2, *_] = user_with_vacancies(env, "anna", first_id=930_000_000, chat=CHAT)
    with env.engine.begin() as conn:
        set_quiet_hours(conn, anna, (time(22), time(8)))
        apps.record(
            conn, anna, a1, stage="applied", via="web", now=datetime(2026, 12, 1, 23, 30, tzinfo=MOSCOW)
        )
        apps.record(
            conn, anna, a2, stage="applied", via="web", now=datetime(2026, 12, 1, 23, 30, tzinfo=MOSCOW)
        )
    night = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 9, 0, 0, tzinfo=MOSCOW))
    assert night["made"] == 2 and night["waiting"] == 2 and texts(env, CHAT) == []
    with env.engine.begin() as conn:
        apps.record(
            conn, anna, a2, stage="rejected", via="web", now=datetime(2026, 12, 9, 7, 0, tzinfo=MOSCOW)
        )
    morning = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 9, 8, 0, tzinfo=MOSCOW))
    assert morning == {"made": 0, "sent": 1, "skipped": 1}
    assert texts(env, CHAT) == [
        f"📨 Вы откликнулись на {title_employer(env.engine, a1, 'в')} 7 дней назад; ответа пока нет.\n"
        "Можно напомнить о себе работодателю — или отметьте, что изменилось:"
    ]
    assert {(r["vacancy_id"], r["status"], r["last_error"]) for r in reminder_rows(env.engine)} == {
        (a1, "sent", None),
        (a2, "skipped", MOVED_ON),
    }


def test_jobhunter_telegram_deliver_sends_the_reminders_due_now(env, cli_env) -> None:
    import json

    from tests.test_telegram import _cli

    anna, _, [a1, *_] = user_with_vacancies(env, "anna", first_id=940_000_000, chat=CHAT)
    real_now = datetime.now(UTC)  # the command runs on the real clock
    interview(env.engine, anna, a1, real_now + timedelta(minutes=40), now=real_now - timedelta(hours=2))
    telegram_env = cli_env | {
        "JH_TELEGRAM_BOT_TOKEN": env.tg.token,
        "JH_TELEGRAM_API_URL": env.tg.url,
        "JH_TELEGRAM_BOT_USERNAME": env.tg.username,
        "JH_TELEGRAM_QUIET_HOURS": "off",
    }
    figures = []
    for _ in range(2):
        run = _cli(["deliver"], telegram_env)
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        figures.append(json.loads(out.splitlines()[-1]))
    assert [f["reminders"]["sent"] for f in figures] == [1, 0]  # the second run: nothing twice
    assert figures[0]["sent"] == 0  # no vacancies were queued: the outbox's figures as before
    [text] = texts(env, CHAT)
    assert text.startswith("⏰ Через ") and f"собеседование: {title_employer(env.engine, a1)}" in text
    assert [r["status"] for r in reminder_rows(env.engine) if r["kind"] == "hour_before"] == ["sent"]


def test_a_step_moved_back_gets_its_reminder_again(env) -> None:
    anna, _, [a1, *_] = user_with_vacancies(env, "anna", first_id=950_000_000, chat=CHAT)
    with env.engine.begin() as conn:
        set_quiet_hours(conn, anna, (time(22), time(10)))
    first = datetime(2026, 12, 12, 15, 0, tzinfo=MOSCOW)
    interview(env.engine, anna, a1, first)
    deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 9, 0, tzinfo=MOSCOW))  # waits
    interview(
        env.engine, anna, a1, first + timedelta(days=1), now=datetime(2026, 12, 12, 9, 10, tzinfo=MOSCOW)
    )
    deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 9, 20, tzinfo=MOSCOW))
    assert [(r["status"], r["last_error"]) for r in reminder_rows(env.engine)] == [("skipped", MOVED)]
    interview(env.engine, anna, a1, first, now=datetime(2026, 12, 12, 9, 30, tzinfo=MOSCOW))  # back again
    back = deliver_reminders(env.engine, env.settings, datetime(2026, 12, 12, 10, 0, tzinfo=MOSCOW))
    assert back["made"] == 1 and back["sent"] == 1  # the skipped row is pending again, and goes
    assert texts(env, CHAT) == [
        f"🗓 Сегодня в 15:00 собеседование: {title_employer(env.engine, a1)}\n📝 Zoom с тимлидом"
    ]
    assert [(r["status"], r["sent_at"]) for r in reminder_rows(env.engine)] == [
        ("sent", datetime(2026, 12, 12, 10, 0, tzinfo=MOSCOW))
    ]


def test_reminder_texts_escape_what_boards_and_users_wrote_and_speak_english() -> None:
    from etl.telegram.messages import Reminder, build_reminder
    from testing.fakes.telegram import parse_html

    step = datetime(2026, 12, 12, 15, 30, tzinfo=UTC)
    reminder = Reminder(
        kind="hour_before",
        vacancy_id=7,
        name="Python <b>& Go",
        employer_name=None,
        url='javascript:alert(1)" x="',
        stage="test_task",
        stage_at=None,
        next_step_at=step,
        next_step_note="Сдать <script> до 18:00 & прислать ссылку",
        follow_up_days=0,
    )
    text, keyboard = build_reminder(
        reminder, now=step - timedelta(minutes=30), time_zone="Asia/Yekaterinburg"
    )
    assert parse_html(text) == (
        "⏰ Через 30 минут, в 20:30, тестовое задание: Python <b>& Go — работодатель не указан\n"
        "📝 Сдать <script> до 18:00 & прислать ссылку"
    )
    assert "javascript" not in text and keyboard == []
    text, _ = build_reminder(reminder, now=step - timedelta(hours=1), time_zone="Europe/Moscow", lang="en")
    assert parse_html(text).splitlines()[0] == (
        "⏰ In an hour, at 18:30, test task: Python <b>& Go — employer not given"
    )
    morning = Reminder(**(reminder.__dict__ | {"kind": "morning", "stage": None, "next_step_note": None}))
    text, _ = build_reminder(morning, now=step - timedelta(hours=6), time_zone="Europe/Moscow", lang="en")
    assert parse_html(text) == "🗓 Today at 18:30, next step: Python <b>& Go — employer not given"
    follow_up = Reminder(
        **(
            reminder.__dict__
            | {"kind": "follow_up", "stage": "applied", "stage_at": step - timedelta(days=8)}
        )
    )
    text, keyboard = build_reminder(follow_up, now=step, time_zone="Europe/Moscow")
    assert (
        parse_html(text).splitlines()[0]
        == "📨 Вы откликнулись на Python <b>& Go 8 дней назад; ответа пока нет."
    )
    assert [b.callback_data for row in keyboard for b in row] == ["noa:7", "int:7"]


def test_the_running_bot_sends_a_reminder_when_it_falls_due(env) -> None:
    anna, _, [a1, *_] = user_with_vacancies(env, "anna", first_id=890_000_000, chat=CHAT)
    interview(env.engine, anna, a1, datetime(2026, 12, 12, 15, 30, tzinfo=MOSCOW))
    stop, ready = threading.Event(), []
    moment = datetime(2026, 12, 12, 14, 35, tzinfo=MOSCOW)  # 55 minutes before: no hourly run yet
    thread = threading.Thread(
        target=telegram_bot.run,
        args=(env.engine, env.settings),
        kwargs={"stop": stop, "timeout": 1, "on_ready": ready.append, "clock": lambda: moment},
        daemon=True,
    )
    thread.start()
    try:
        assert env.tg.wait_until(lambda: any(t.startswith("⏰") for t in texts(env, CHAT)))
    finally:
        stop.set()
        thread.join(timeout=120)
    [reminder] = [t for t in texts(env, CHAT) if t.startswith("⏰")]
    assert reminder.startswith("⏰ Через час, в 15:30, собеседование:"), reminder
