"""«Рынок за неделю» (#16): the weekly market digest in Telegram, and ``/market``.

Real pyTelegramBotAPI talks to the fake Bot API, real PostgreSQL holds the vacancies, the
figures come from ``domain.market.figures``. The clock is the test's: ``deliver_digests(…, now)``
is called as the hourly housekeeping task would be, and what is asserted is what the user reads
in their chat and when: Monday 09:00 their time, once, with the week's own figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from telebot import apihelper

from core.schema import market_digests, users
from core.telegram_links import parse_quiet_hours, set_quiet_hours
from core.users import DIGEST_TURNED_OFF, set_market_digest, wants_market_digest
from domain.market import figures
from domain.market.model import (
    Band,
    DayCount,
    Demand,
    Market,
    Salaries,
    Scope,
    Skills,
    SkillShare,
)
from etl.telegram import bot as telegram_bot
from etl.telegram import digest_text
from etl.telegram.digest import NOTHING_NEW, SUPERSEDED, deliver_digests, scope_of, week_due
from testing.fakes.telegram import FakeTelegram
from tests.test_telegram import CHAT, OTHER_CHAT, Env
from tests.web.support import add_user, load_vacancies

MOSCOW = ZoneInfo("Europe/Moscow")
MONDAY = date(2026, 12, 7)
DUE = datetime(2026, 12, 7, 9, 0, tzinfo=MOSCOW)  # Monday 09:00 in Moscow: 06:00 UTC
IN_THE_WEEK = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # Thursday of the week it tells of
ASKED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


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


def subscriber(
    env: Env, login: str, *, chat: int, first_id: int, n: int = 12, asked: datetime = ASKED
) -> int:
    """A user with a linked chat, ``n`` vacancies first seen in the week before ``MONDAY``, and the
    digest turned on at ``asked``."""
    user_id, [search] = add_user(env.engine, login)
    load_vacancies(env.engine, user_id, search, n, first_id=first_id, now=IN_THE_WEEK)
    assert env.link(user_id, chat).startswith("Готово")
    with env.engine.begin() as conn:
        set_market_digest(conn, user_id, True, asked)
    return user_id


def digests(env: Env, user_id: int) -> list[dict[str, Any]]:
    with env.engine.connect() as conn:
        rows = conn.execute(
            select(market_digests).where(market_digests.c.user_id == user_id).order_by(market_digests.c.week)
        )
        return [dict(row._mapping) for row in rows]


def said(env: Env, chat: int) -> list[str]:
    """What the user read after the «Готово!» of linking."""
    return [m.plain or "" for m in env.tg.messages(chat)[1:]]


# -- when ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "zone", "monday"),
    [
        (datetime(2026, 12, 7, 5, 59, tzinfo=UTC), "Europe/Moscow", date(2026, 11, 30)),  # 08:59 MSK
        (datetime(2026, 12, 7, 6, 0, tzinfo=UTC), "Europe/Moscow", MONDAY),  # 09:00 MSK
        (datetime(2026, 12, 7, 6, 0, tzinfo=UTC), "UTC", date(2026, 11, 30)),  # 06:00 in London
        (datetime(2026, 12, 13, 20, 0, tzinfo=UTC), "Europe/Moscow", MONDAY),  # that Sunday evening
        (datetime(2026, 12, 6, 23, 30, tzinfo=UTC), "Asia/Vladivostok", MONDAY),  # Monday 09:30 there
    ],
)
def test_the_digest_falls_due_on_monday_at_nine_local(now: datetime, zone: str, monday: date) -> None:
    assert week_due(now, zone) == monday


def test_a_digest_tells_of_the_seven_days_before_its_monday() -> None:
    scope = scope_of(5, MONDAY)
    assert (scope.today, scope.days, scope.include_hidden) == (date(2026, 12, 6), 7, False)


# -- the text ------------------------------------------------------------------------------------------


def _market(**skills: Any) -> Market:
    band = Band("all", "", 40, 120_000.0, 185_000.0, 250_000.0, gross=25, net=15)
    salaries = Salaries(
        vacancies=60, with_salary=40, without_salary=20, gross=25, net=15, unknown_basis=0, overall=band
    )
    demand = Demand(new_per_day=[DayCount(date(2026, 11, 30) + timedelta(days=i), 7) for i in range(7)])
    return Market(
        scope=scope_of(1, MONDAY),
        start=date(2026, 11, 30),
        end=date(2026, 12, 6),
        vacancies=60,
        salaries=salaries,
        demand=demand,
        skills=Skills(with_skills=50, previous_with_skills=40, **skills),
        standing=None,
    )


def test_the_digest_text_in_russian_and_english() -> None:
    rising = [SkillShare("<b>Kafka</b>", 17, 0.34, previous_share=0.26)]
    ru = digest_text.build(_market(rising=rising))
    assert ru.splitlines()[:5] == [
        "📊 <b>Рынок за неделю</b>, 30 ноября – 6 декабря",
        "Новых вакансий: 49",
        "Медиана зарплаты: 185 000 ₽ в месяц (по 40 вакансиям; до вычета 25, на руки 15)",
        "С зарплатой: 67 %",
        "Растёт: &lt;b&gt;Kafka&lt;/b&gt; — в 34 % вакансий (+8 п. п.)",
    ]
    assert "/market off" in ru
    en = digest_text.build(_market(rising=rising), lang="en")
    assert en.splitlines()[:5] == [
        "📊 <b>Market this week</b>, 30 November – 6 December",
        "New vacancies: 49",
        "Median salary: 185,000 ₽ a month (of 40 vacancies; gross 25, net 15)",
        "With a salary: 67 %",
        "Rising: &lt;b&gt;Kafka&lt;/b&gt;, in 34 % of vacancies (+8 pp)",
    ]


def test_no_rising_skill_line_when_nothing_rose() -> None:
    falling = [SkillShare("SQL", 10, 0.2, previous_share=0.4)]
    assert "Растёт" not in digest_text.build(_market(rising=falling))  # a fall listed as rising is not told
    assert "Растёт" not in digest_text.build(_market())


# -- delivery ------------------------------------------------------------------------------------------


def test_the_digest_comes_on_monday_morning_once_with_the_weeks_figures(env: Env) -> None:
    user_id = subscriber(env, "anna", chat=CHAT, first_id=9_100_000)
    before = DUE - timedelta(minutes=1)
    assert deliver_digests(env.engine, env.settings, before)["sent"] == 0  # Monday 08:59: not yet
    assert said(env, CHAT) == []

    stats = deliver_digests(env.engine, env.settings, DUE)
    assert (stats["made"], stats["sent"]) == (1, 1)
    with env.engine.connect() as conn:
        expected = digest_text.build(figures(conn, scope_of(user_id, MONDAY)))
    [text] = [m for m in env.tg.messages(CHAT)[1:]]
    assert text.text == expected
    assert "Новых вакансий: 12" in (text.plain or "")  # every vacancy was first seen that week
    [row] = digests(env, user_id)
    assert (row["week"], row["status"], row["attempts"]) == (MONDAY, "sent", 1)

    # the next hours, and a second process, send nothing more that week
    for hours in (1, 2, 30):
        again = deliver_digests(env.engine, env.settings, DUE + timedelta(hours=hours))
        assert (again["made"], again["sent"]) == (0, 0)
    assert len(said(env, CHAT)) == 1


def test_asked_for_after_monday_morning_the_first_comes_next_monday(env: Env) -> None:
    user_id = subscriber(env, "late", chat=CHAT, first_id=9_110_000, asked=DUE + timedelta(hours=3))
    assert deliver_digests(env.engine, env.settings, DUE + timedelta(hours=4))["sent"] == 0
    assert digests(env, user_id) == []
    load_vacancies(
        env.engine, user_id, _search_of(env, user_id), 3, first_id=9_111_000, now=DUE + timedelta(days=2)
    )
    stats = deliver_digests(env.engine, env.settings, DUE + timedelta(days=7))
    assert stats["sent"] == 1
    assert "Новых вакансий: 3" in said(env, CHAT)[0]


def _search_of(env: Env, user_id: int) -> int:
    from core.schema import searches

    with env.engine.connect() as conn:
        return conn.execute(select(searches.c.id).where(searches.c.user_id == user_id)).scalar_one()


def test_quiet_hours_hold_the_digest_until_they_end(env: Env) -> None:
    user_id = subscriber(env, "sleepy", chat=CHAT, first_id=9_120_000)
    with env.engine.begin() as conn:
        set_quiet_hours(conn, user_id, parse_quiet_hours("22:00-10:30"))
    assert deliver_digests(env.engine, env.settings, DUE)["sent"] == 0  # 09:00: still quiet
    assert [row["status"] for row in digests(env, user_id)] == ["pending"]
    assert deliver_digests(env.engine, env.settings, DUE + timedelta(hours=2))["sent"] == 1  # 11:00
    assert len(said(env, CHAT)) == 1


def test_a_week_without_new_vacancies_sends_nothing(env: Env) -> None:
    user_id, [search] = add_user(env.engine, "quiet")
    load_vacancies(env.engine, user_id, search, 4, first_id=9_130_000, now=IN_THE_WEEK - timedelta(days=10))
    assert env.link(user_id, CHAT).startswith("Готово")
    with env.engine.begin() as conn:
        set_market_digest(conn, user_id, True, ASKED)
    stats = deliver_digests(env.engine, env.settings, DUE)
    assert (stats["sent"], stats["skipped"]) == (0, 1)
    assert said(env, CHAT) == []
    [row] = digests(env, user_id)
    assert (row["status"], row["last_error"]) == ("skipped", NOTHING_NEW)


def test_turned_off_or_superseded_digests_are_skipped(env: Env) -> None:
    user_id = subscriber(env, "fickle", chat=CHAT, first_id=9_140_000)
    with env.engine.begin() as conn:
        set_quiet_hours(conn, user_id, parse_quiet_hours("00:00-23:59"))  # always quiet: it waits
    deliver_digests(env.engine, env.settings, DUE)
    # a week later two are pending in principle: only the newest goes, the older is superseded
    with env.engine.begin() as conn:
        set_quiet_hours(conn, user_id, parse_quiet_hours("off"))
    deliver_digests(env.engine, env.settings, DUE + timedelta(days=7))
    assert [(r["week"], r["status"], r["last_error"]) for r in digests(env, user_id)] == [
        (MONDAY, "skipped", SUPERSEDED),
        (MONDAY + timedelta(days=7), "skipped", NOTHING_NEW),  # nothing new in that second week
    ]
    assert said(env, CHAT) == []

    with env.engine.begin() as conn:
        set_quiet_hours(conn, user_id, parse_quiet_hours("00:00-23:59"))
    deliver_digests(env.engine, env.settings, DUE + timedelta(days=14))
    with env.engine.begin() as conn:
        set_market_digest(conn, user_id, False, DUE + timedelta(days=14, hours=1))
    assert digests(env, user_id)[-1]["status"] == "skipped"
    assert digests(env, user_id)[-1]["last_error"] == DIGEST_TURNED_OFF
    assert deliver_digests(env.engine, env.settings, DUE + timedelta(days=21))["made"] == 0


def test_only_subscribers_with_a_chat_get_one_and_each_gets_their_own(env: Env) -> None:
    anna = subscriber(env, "anna", chat=CHAT, first_id=9_150_000, n=12)
    boris = subscriber(env, "boris", chat=OTHER_CHAT, first_id=9_160_000, n=5)
    user_id, [search] = add_user(env.engine, "nochat")  # asked for it, never linked a chat
    load_vacancies(env.engine, user_id, search, 3, first_id=9_170_000, now=IN_THE_WEEK)
    with env.engine.begin() as conn:
        set_market_digest(conn, user_id, True, ASKED)
        conn.execute(update(users).where(users.c.id == boris).values(preferences={"lang": "en"}))
    stats = deliver_digests(env.engine, env.settings, DUE)
    assert (stats["made"], stats["sent"]) == (2, 2)
    assert "Новых вакансий: 12" in said(env, CHAT)[0]
    assert "New vacancies: 5" in said(env, OTHER_CHAT)[0]
    assert digests(env, user_id) == [] and digests(env, anna)[0]["status"] == "sent"


def test_a_blocked_bot_marks_the_user_and_the_digest_waits(env: Env) -> None:
    user_id = subscriber(env, "blocker", chat=CHAT, first_id=9_180_000)
    env.tg.user_blocks(CHAT)  # the bot has not polled: only the 403 tells
    stats = deliver_digests(env.engine, env.settings, DUE)
    assert stats.get("failed") == 1 and stats["sent"] == 0
    with env.engine.connect() as conn:
        assert conn.execute(select(users.c.telegram_blocked_at).where(users.c.id == user_id)).scalar()
    [row] = digests(env, user_id)
    assert (row["status"], row["attempts"]) == ("pending", 1)


# -- /market -------------------------------------------------------------------------------------------


def test_market_command_turns_the_digest_on_and_off_and_answers_the_last_week(env: Env) -> None:
    user_id, [search] = add_user(env.engine, "cmd")
    load_vacancies(env.engine, user_id, search, 6, first_id=9_190_000, now=DUE - timedelta(days=2))
    assert env.link(user_id, CHAT).startswith("Готово")
    now = DUE
    answer = telegram_bot.handle_market(env.engine, CHAT, "on", now=now)
    assert answer.startswith("Готово: «Рынок за неделю» буду присылать")
    with env.engine.connect() as conn:
        assert wants_market_digest(conn, user_id)
    answer = telegram_bot.handle_market(env.engine, CHAT, "", now=now)
    assert "Новых вакансий: 6" in answer and "приходит по понедельникам" in answer
    assert telegram_bot.handle_market(env.engine, CHAT, "maybe", now=now).startswith("Не понял")
    assert telegram_bot.handle_market(env.engine, CHAT, "off", now=now).startswith("Больше не присылаю")
    with env.engine.connect() as conn:
        assert not wants_market_digest(conn, user_id)
    assert telegram_bot.handle_market(env.engine, OTHER_CHAT, "on", now=now).startswith(
        "Этот чат не привязан"
    )


def test_market_command_through_the_bot_api(env: Env) -> None:
    user_id, _ = add_user(env.engine, "api")
    assert env.link(user_id, CHAT).startswith("Готово")
    env.tg.user_sends(CHAT, "/market on")
    env.poll()
    assert env.tg.messages(CHAT)[-1].plain.startswith("Готово: «Рынок за неделю»")
    with env.engine.connect() as conn:
        assert wants_market_digest(conn, user_id)
        scope = Scope(user_id=user_id, today=date.today(), days=7)
        assert figures(conn, scope).vacancies == 0
    env.tg.user_sends(CHAT, "/market")
    env.poll()
    assert env.tg.messages(CHAT)[-1].plain.startswith("За последние 7 дней новых вакансий")
