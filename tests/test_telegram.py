"""Telegram end to end: real harvests from the fake hh.ru, real pyTelegramBotAPI against the fake Bot API.

Linking a chat with a one-time link, one message (and one CSV) per user per run, nothing twice
across retries and re-runs, 429 / 403 / other failures, quiet hours and the morning digest, the ⭐ / 🚫
buttons, and the bot token kept out of every log.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import signal
import subprocess
import sys
import threading
import time as clock
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select, update
from telebot import TeleBot, apihelper

from core.schema import etl_runs, telegram_outbox, user_vacancies, users, vacancies
from core.searches import create_search
from core.settings import Settings
from core.telegram_links import create_link, create_token, set_quiet_hours, status
from etl.telegram import bot as telegram_bot
from etl.telegram.messages import CSV_COLUMNS
from etl.telegram.sender import deliver_pending, enqueue_job
from testing.fakes.hh import FakeHH
from testing.fakes.telegram import FakeTelegram, Sent
from tests import harvesting as jobs
from tests.conftest import ROOT
from tests.helpers import add_user_and_search, audit, count
from tests.helpers import vacancies as make_vacancies

CHAT = 500_000_001
OTHER_CHAT = 500_000_002
MOSCOW = timezone(timedelta(hours=3))


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(max_poll_wait=0.3) as fake:
        yield fake
    apihelper.API_URL = None


@dataclass
class Env:
    engine: Engine
    settings: Settings
    hh: FakeHH
    tg: FakeTelegram
    bot: TeleBot | None = None
    notified: list[dict[str, Any]] = field(default_factory=list)

    def poll(self) -> None:
        """Let the bot handle what users did (one long poll)."""
        if self.bot is None:
            self.bot = telegram_bot.build_bot(self.engine, self.settings)
        telegram_bot.poll_once(self.bot, timeout=1)

    def link(self, user_id: int, chat_id: int = CHAT) -> str:
        with self.engine.begin() as conn:
            url = create_link(conn, user_id, self.settings.telegram_bot_username or "")
        self.tg.user_sends(chat_id, "/start " + url.split("?start=")[1])
        self.poll()
        return self.tg.messages(chat_id)[-1].plain or ""

    def harvest(self, run_id: str, *, staged: bool = False) -> list[dict[str, Any]]:
        """One scheduled run of every active search, task by task as Airflow would run them:
        each search's chain in turn, or (``staged``) every search's extract, then every load, …"""
        planned = jobs.plan_jobs(self.engine, self.settings, run_id, run_type="scheduled")
        steps = (jobs.extract, jobs.load, jobs.details, jobs.notify)
        if staged:
            for step in steps:
                planned = [step(self.engine, self.settings, job) for job in planned]
        else:
            planned = [_chain(self.engine, self.settings, job, steps) for job in planned]
        for job in planned:
            jobs.finish(self.engine, self.settings, job)
        self.notified.extend(job["notify"] for job in planned)
        return [job["notify"] for job in planned]


def _chain(engine, settings, job, steps):
    for step in steps:
        job = step(engine, settings, job)
    return job


@pytest.fixture
def env(engine, settings_factory, fake_hh, fake_tg) -> Env:
    settings = settings_factory(
        hh_base_url=fake_hh.url,
        telegram_bot_token=fake_tg.token,
        telegram_api_url=fake_tg.url,
        telegram_bot_username=fake_tg.username,
        telegram_quiet_hours="off",  # tests run at any hour; quiet hours are tested explicitly
    )
    return Env(engine, settings, fake_hh, fake_tg)


def special_batch(n: int, start: datetime, end: datetime, *, first_id: int = 100_000_000) -> list[dict]:
    """``n`` vacancies; the newest one is named ``Python <b>& Go`` and pays from 150 000 ₽ a month."""
    batch = make_vacancies(n, start, end, first_id=first_id)
    special = batch[0]
    special["name"] = "Python <b>& Go"
    special["salary"] = {"from": 150_000, "to": None, "currency": "RUR", "gross": False}
    special["salary_range"] = special["salary"] | {
        "mode": {"id": "MONTH", "name": "За месяц"},
        "frequency": None,
    }
    published = (end - timedelta(seconds=30)).astimezone(MOSCOW).strftime("%Y-%m-%dT%H:%M:%S%z")
    special["published_at"] = special["created_at"] = published
    return batch


def outbox_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [
            dict(r._mapping) for r in conn.execute(select(telegram_outbox).order_by(telegram_outbox.c.id))
        ]


def read_csv(document: Sent) -> list[list[str]]:
    assert document.content is not None and document.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(document.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def flags(engine: Engine, user_id: int) -> dict[int, tuple[bool, bool]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                user_vacancies.c.vacancy_id, user_vacancies.c.is_favourite, user_vacancies.c.is_banned
            ).where(user_vacancies.c.user_id == user_id)
        )
        return {r.vacancy_id: (r.is_favourite, r.is_banned) for r in rows}


# -- linking ---------------------------------------------------------------------------------------


def test_linking_a_chat_with_the_one_time_link(env) -> None:
    user_id, _ = add_user_and_search(env.engine, "anna", name="Python в Москве")
    with env.engine.begin() as conn:
        url = create_link(conn, user_id, "jobhunter_test_bot")
        assert status(conn, user_id).state == "not_linked"
    assert url.startswith("https://t.me/jobhunter_test_bot?start=")
    token = url.split("?start=")[1]
    assert len(token) == 32

    env.tg.user_sends(CHAT, f"/start {token}")
    env.poll()
    assert env.tg.messages(CHAT)[-1].plain == (
        "Готово! Этот чат привязан к пользователю anna. Новые вакансии будут приходить сюда."
        "\n\n/help — что я умею."
    )
    with env.engine.connect() as conn:
        assert status(conn, user_id).state == "linked"
        assert conn.execute(select(users.c.telegram_chat_id).where(users.c.id == user_id)).scalar() == CHAT

    env.tg.user_sends(OTHER_CHAT, f"/start {token}")  # the same link again, from another chat
    env.poll()
    assert env.tg.messages(OTHER_CHAT)[-1].plain.startswith("Ссылка недействительна")
    with env.engine.connect() as conn:
        assert conn.execute(select(users.c.telegram_chat_id).where(users.c.id == user_id)).scalar() == CHAT

    env.tg.user_sends(CHAT, "/status")
    env.poll()
    assert "Python в Москве — ещё не запускался" in (env.tg.messages(CHAT)[-1].plain or "")

    env.tg.user_sends(CHAT, "/stop")
    env.poll()
    assert env.tg.messages(CHAT)[-1].plain.startswith("Чат отвязан от пользователя anna")
    with env.engine.connect() as conn:
        assert status(conn, user_id).state == "not_linked"

    env.tg.user_sends(CHAT, "/start")
    env.poll()
    assert "Подключить Telegram" in (env.tg.messages(CHAT)[-1].plain or "")


def test_expired_links_and_group_chats_are_refused(env) -> None:
    user_id, _ = add_user_and_search(env.engine, "anna")
    with env.engine.begin() as conn:
        expired = create_token(conn, user_id, ttl=timedelta(seconds=-1))
        fresh = create_token(conn, user_id)
    env.tg.user_sends(CHAT, f"/start {expired}")
    env.tg.user_sends(-100_123, f"/start {fresh}", chat_type="group")
    env.poll()
    assert env.tg.messages(CHAT)[-1].plain.startswith("Ссылка недействительна")
    assert env.tg.messages(-100_123)[-1].plain.startswith("Привязать можно только личный чат")
    env.tg.user_sends(CHAT, f"/start {fresh}")  # the group did not use it up
    env.poll()
    assert env.tg.messages(CHAT)[-1].plain.startswith("Готово!")


# -- messages --------------------------------------------------------------------------------------


def test_a_harvest_sends_one_message_and_one_csv(env, last_day) -> None:
    batch = special_batch(12, *last_day)
    env.hh.add(batch)
    user_id, search_id = add_user_and_search(env.engine, "anna", name="Python в Москве")
    env.link(user_id)

    [stats] = env.harvest("scheduled__2026-11-24T09:00:00+00:00")

    assert stats == {"enqueued": 12, "sent": 1, "vacancies_sent": 12, "documents": 1, "pending": 0}
    [message] = env.tg.messages(CHAT)[1:]  # after the "Готово!" reply
    [document] = env.tg.documents(CHAT)
    assert message.parse_mode == "HTML"
    assert '<a href="https://hh.ru/vacancy/100000000">Python &lt;b&gt;&amp; Go</a>' in (message.text or "")
    plain = message.plain or ""
    assert plain.startswith("🔔 12 новых вакансий\n• Python в Москве: 12\n")
    assert "1. Python <b>& Go\n" in plain and "от 150 000 ₽" in plain
    assert "…и ещё 7 вакансий — в файле ниже." in plain
    with env.engine.connect() as conn:  # the buttons name the vacancy by its own id
        first_id = conn.execute(
            select(vacancies.c.id).where(vacancies.c.source_id == "100000000")
        ).scalar_one()
    assert [data for _, data in message.buttons][:2] == [f"fav:{first_id}", f"ban:{first_id}"]
    assert len(message.buttons) == 15  # ⭐, 🚫 and ✅ Откликнулся for each of the five listed

    assert document.filename == f"vacancies-{datetime.now(ZoneInfo('Europe/Moscow')).date()}.csv"
    rows = read_csv(document)
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 13
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["Вакансия"] == "Python <b>& Go" and first["Зарплата от, ₽ в месяц"] == "150000"
    assert first["Валюта в вакансии"] == "RUR" and first["Ссылка"] == "https://hh.ru/vacancy/100000000"
    employers = {r[1] for r in rows[1:]}
    assert employers == {v["employer"]["name"] for v in batch}  # Cyrillic intact
    assert {r[10] for r in rows[1:]} == {f"https://hh.ru/vacancy/{v['id']}" for v in batch}

    [audit_row] = [r for r in _audit(env.engine) if r["search_id"] == search_id]
    assert audit_row["status"] == "success" and audit_row["step_stats"]["notify"]["sent"] == 1
    assert audit_row["new"] == 12  # notify's figures do not disturb the harvest's totals


@pytest.mark.parametrize("staged", [False, True], ids=["search-by-search", "step-by-step"])
def test_one_message_per_run_however_many_searches_and_nothing_twice(env, last_day, staged) -> None:
    env.hh.add(make_vacancies(30, *last_day))
    user_id, first = add_user_and_search(env.engine, "anna", name="Все вакансии")
    with env.engine.begin() as conn:
        second = create_search(conn, user_id, name="Москва", areas=["1"])
    env.link(user_id)
    run_id = "scheduled__2026-11-24T09:00:00+00:00"

    stats = env.harvest(run_id, staged=staged)

    assert sum(s["sent"] for s in stats) == 1
    assert [s.get("note") for s in stats if not s["sent"]] == [
        "waiting for the user's other searches of this run; the last one sends"
    ]
    [message] = env.tg.messages(CHAT)[1:]
    assert "• Все вакансии: " in (message.plain or "")
    assert len(env.tg.documents(CHAT)) == 1
    assert count(env.engine, "t14_jh_telegram_outbox") == 30  # a vacancy both searches found: once
    assert count(env.engine, "t14_jh_telegram_outbox", "status = 'sent'") == 30
    calls = len(env.tg.calls)

    planned = jobs.plan_jobs(env.engine, env.settings, run_id, run_type="scheduled")
    for job in planned:  # Airflow retries a notify task, then someone clears the whole run
        jobs.notify(env.engine, env.settings, job)
    for job in planned:
        job = _chain(env.engine, env.settings, job, (jobs.extract, jobs.load, jobs.details, jobs.notify))
        jobs.finish(env.engine, env.settings, job)
    env.harvest("scheduled__2026-11-24T10:00:00+00:00")  # the next run finds nothing new

    assert len(env.tg.messages(CHAT)) == 2 and len(env.tg.documents(CHAT)) == 1
    assert len(env.tg.calls) == calls  # not even an attempt
    assert {first, second} >= {r["search_id"] for r in outbox_rows(env.engine)}


def test_concurrent_notify_tasks_of_one_user_send_one_message(env, last_day, now) -> None:
    env.hh.add(make_vacancies(40, *last_day))
    user_id, _ = add_user_and_search(env.engine, "anna", name="Все вакансии")
    with env.engine.begin() as conn:
        create_search(conn, user_id, name="Москва", areas=["1"])
        create_search(conn, user_id, name="Петербург", areas=["2"])
    env.link(user_id)
    for attempt in range(3):
        run_id = f"scheduled__{attempt}"
        if attempt:  # later runs find a few new vacancies
            published = (now - timedelta(minutes=20), now - timedelta(minutes=10))
            env.hh.add(make_vacancies(9, *published, seed=attempt, first_id=200_000_000 + 1000 * attempt))
        planned = jobs.plan_jobs(env.engine, env.settings, run_id, run_type="scheduled")
        for step in (jobs.extract, jobs.load, jobs.details):
            planned = [step(env.engine, env.settings, job) for job in planned]
        start, results = threading.Barrier(len(planned)), []

        def notify(job: dict[str, Any], start=start, results=results) -> None:
            start.wait()
            results.append(jobs.notify(env.engine, env.settings, job)["notify"])

        threads = [threading.Thread(target=notify, args=(job,)) for job in planned]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sum(r["sent"] for r in results) == 1, results
    assert len(env.tg.messages(CHAT)) == 1 + 3
    assert count(env.engine, "t14_jh_telegram_outbox", "status = 'sent'") == count(
        env.engine, "t14_jh_telegram_outbox"
    )


def test_a_harvest_outside_airflow_queues_per_search_and_delivers_once(env, last_day) -> None:
    env.hh.add(make_vacancies(10, *last_day))
    user_id, first = add_user_and_search(env.engine, "anna", name="Все вакансии")
    with env.engine.begin() as conn:
        create_search(conn, user_id, name="Москва", areas=["1"])
    env.link(user_id)
    before = len(env.tg.messages(CHAT))  # the bot's "linked" confirmation

    run_id = jobs.harvest(env.engine, env.settings, search_ids=[first])  # `jobhunter etl run --search 1`

    [row] = [r for r in audit(env.engine, run_id) if r["search_id"] == first]
    # the owner's other active search is not in this run: the end of the run delivers
    assert row["step_stats"]["notify"]["enqueued"] == 10
    assert len(env.tg.messages(CHAT)) == before + 1 and len(env.tg.documents(CHAT)) == 1
    # queueing again and delivering again (a re-run) sends nothing more
    again = enqueue_job(env.engine, env.settings, run_id=run_id, search_id=first, source="hh")
    assert again == {"sent": 0, "enqueued": 0}
    assert deliver_pending(env.engine, env.settings) == {
        "users": 0,
        "sent": 0,
        "vacancies_sent": 0,
        "documents": 0,
    }
    assert len(env.tg.messages(CHAT)) == before + 1


def test_users_without_a_chat_get_nothing_and_nothing_waits_for_them(env, last_day) -> None:
    env.hh.add(make_vacancies(5, *last_day))
    add_user_and_search(env.engine, "anna")

    [stats] = env.harvest("scheduled__1")

    assert stats == {"sent": 0, "enqueued": 0, "note": "the user has not linked a Telegram chat"}
    assert count(env.engine, "t14_jh_telegram_outbox") == 0 and env.tg.calls == []


def test_without_a_bot_token_notify_says_so(env, settings_factory, last_day) -> None:
    env.hh.add(make_vacancies(5, *last_day))
    add_user_and_search(env.engine, "anna")
    env.settings = settings_factory(hh_base_url=env.hh.url)

    [stats] = env.harvest("scheduled__1")

    assert stats == {"sent": 0, "note": "Telegram notifications are not configured (JH_TELEGRAM_BOT_TOKEN)"}
    assert count(env.engine, "t14_jh_telegram_outbox") == 0 and env.tg.calls == []


# -- delivery you can trust ------------------------------------------------------------------------


def test_429_waits_retry_after_then_succeeds(env, last_day) -> None:
    env.hh.add(make_vacancies(3, *last_day))
    user_id, _ = add_user_and_search(env.engine, "anna")
    env.link(user_id)
    env.tg.fail_next(1, 429, method="sendMessage", retry_after=1)

    started = clock.monotonic()
    [stats] = env.harvest("scheduled__1")

    assert clock.monotonic() - started >= 1.0
    assert stats["sent"] == 1 and stats["vacancies_sent"] == 3
    assert [c.status for c in env.tg.calls if c.method == "sendmessage"][-2:] == [429, 200]
    assert len(env.tg.messages(CHAT)) == 2 and env.tg.documents(CHAT) == []  # 3 listed: no CSV


def test_a_429_longer_than_we_wait_is_left_for_the_next_delivery(env, last_day) -> None:
    env.hh.add(make_vacancies(3, *last_day))
    user_id, _ = add_user_and_search(env.engine, "anna")
    env.link(user_id)
    env.tg.fail_next(1, 429, method="sendMessage", retry_after=3600)

    [stats] = env.harvest("scheduled__1")
    assert stats["sent"] == 0 and "429" in stats["telegram_error"]
    assert {r["status"] for r in outbox_rows(env.engine)} == {"pending"}

    assert deliver_pending(env.engine, env.settings)["sent"] == 1
    assert {r["status"] for r in outbox_rows(env.engine)} == {"sent"}


def test_a_user_who_blocked_the_bot_is_marked_skipped_and_caught_up_after_start(env, last_day, now) -> None:
    env.hh.add(make_vacancies(4, *last_day))
    user_id, _ = add_user_and_search(env.engine, "anna")
    env.link(user_id)
    env.tg.user_blocks(CHAT)  # the bot has not polled yet: only the 403 tells

    [first] = env.harvest("scheduled__1")

    assert first["blocked"] is True and first["sent"] == 0
    assert first["telegram_error"] == "403 Forbidden: bot was blocked by the user"
    with env.engine.connect() as conn:
        assert status(conn, user_id).state == "blocked"
    rows = outbox_rows(env.engine)
    assert {(r["status"], r["attempts"]) for r in rows} == {("pending", 1)}
    sends = env.tg.count("sendMessage")

    env.hh.add(
        make_vacancies(2, now - timedelta(minutes=20), now - timedelta(minutes=10), first_id=200_000_000)
    )
    [second] = env.harvest("scheduled__2")
    assert second["enqueued"] == 2 and second["sent"] == 0
    assert env.tg.count("sendMessage") == sends  # skipped: not even tried

    env.tg.user_unblocks(CHAT)
    env.tg.user_sends(CHAT, "/start")
    env.poll()
    with env.engine.connect() as conn:
        assert status(conn, user_id).state == "linked"
    assert deliver_pending(env.engine, env.settings)["vacancies_sent"] == 6
    digest = env.tg.messages(CHAT)[-1].plain or ""
    assert digest.startswith("🔔 6 новых вакансий — сводка за 2 запуска")


def test_other_failures_are_recorded_and_delivered_by_the_next_run(env, last_day) -> None:
    env.hh.add(make_vacancies(8, *last_day))
    user_id, _ = add_user_and_search(env.engine, "anna")
    env.link(user_id)
    env.tg.fail_next(1, 500, method="sendMessage")

    [first] = env.harvest("scheduled__1")

    assert first["failed"] == 8 and first["telegram_error"] == "500 Internal Server Error"
    assert {(r["status"], r["attempts"], r["last_error"]) for r in outbox_rows(env.engine)} == {
        ("pending", 1, "500 Internal Server Error")
    }
    [row] = [r for r in _audit(env.engine) if r["run_id"] == "scheduled__1"]
    assert row["status"] == "success"  # the harvest itself went fine; its watermark moves

    env.tg.fail_next(1, 502, method="sendDocument")  # the message goes, its CSV fails
    [second] = env.harvest("scheduled__2")
    assert second["sent"] == 1 and second["vacancies_sent"] == 8 and second["documents"] == 0
    assert env.tg.documents(CHAT) == []

    assert deliver_pending(env.engine, env.settings)["documents"] == 1  # the CSV follows
    [document] = env.tg.documents(CHAT)
    assert len(read_csv(document)) == 9 and "к сообщению от" in (document.caption or "")
    assert len(env.tg.messages(CHAT)) == 2  # "Готово!" and exactly one list
    assert deliver_pending(env.engine, env.settings) == {
        "users": 0,
        "sent": 0,
        "vacancies_sent": 0,
        "documents": 0,
    }


def test_quiet_hours_hold_messages_for_one_morning_digest(env, last_day, now) -> None:
    env.hh.add(make_vacancies(7, *last_day))
    user_id, _ = add_user_and_search(env.engine, "anna")
    env.link(user_id)
    hour = datetime.now(ZoneInfo("Asia/Novosibirsk")).hour
    with env.engine.begin() as conn:  # night in Novosibirsk is now
        conn.execute(update(users).where(users.c.id == user_id).values(time_zone="Asia/Novosibirsk"))
        set_quiet_hours(conn, user_id, (time((hour - 1) % 24), time((hour + 2) % 24)))

    [first] = env.harvest("scheduled__1")
    env.hh.add(
        make_vacancies(3, now - timedelta(minutes=20), now - timedelta(minutes=10), first_id=200_000_000)
    )
    [second] = env.harvest("scheduled__2")
    during = deliver_pending(env.engine, env.settings)

    assert first["note"] == second["note"] == "quiet hours: sent as a digest when they end"
    assert during["sent"] == 0 and during["waiting"] == 1
    assert len(env.tg.messages(CHAT)) == 1  # only "Готово!"

    morning = deliver_pending(env.engine, env.settings, now=datetime.now(UTC) + timedelta(hours=3))

    assert morning["sent"] == 1 and morning["vacancies_sent"] == 10
    assert (env.tg.messages(CHAT)[-1].plain or "").startswith("🔔 10 новых вакансий — сводка за 2 запуска")
    assert len(env.tg.documents(CHAT)) == 1
    assert deliver_pending(env.engine, env.settings, now=datetime.now(UTC) + timedelta(hours=3))["sent"] == 0


# -- triage from the chat --------------------------------------------------------------------------


def test_buttons_mark_the_vacancy_for_the_chats_own_user_only(env, last_day) -> None:
    env.hh.add(make_vacancies(6, *last_day))
    anna, _ = add_user_and_search(env.engine, "anna")
    boris, _ = add_user_and_search(env.engine, "boris", name="Ничего", text="несуществующаяпрофессия")
    env.link(anna)
    env.link(boris, OTHER_CHAT)
    env.harvest("scheduled__1")
    [message] = env.tg.messages(CHAT)[1:]
    (_, fav1), (_, ban1), _, (_, fav2), (_, ban2), _ = message.buttons[:6]
    first, second = int(fav1.split(":")[1]), int(fav2.split(":")[1])
    before = flags(env.engine, anna)

    env.tg.user_presses(CHAT, fav1, message=message)
    env.tg.user_presses(CHAT, ban2, message=message)
    env.tg.user_presses(OTHER_CHAT, fav2, message=message)  # boris forges anna's button
    env.tg.user_presses(OTHER_CHAT + 1, ban1, message=message)  # a chat nobody linked
    env.poll()

    after = flags(env.engine, anna)
    assert after[first] == (True, False) and after[second] == (False, True)
    assert {k: v for k, v in after.items() if k not in (first, second)} == {
        k: v for k, v in before.items() if k not in (first, second)
    }
    assert flags(env.engine, boris) == {}
    assert [a["text"] for a in env.tg.answers] == [
        "⭐ В избранном",
        "🚫 Скрыто",
        "Эта вакансия не из ваших поисков.",
        "Этот чат не привязан к пользователю Job Hunter.",
    ]


def test_a_vacancy_banned_before_delivery_is_not_sent(env, last_day) -> None:
    env.hh.add(make_vacancies(4, *last_day))
    user_id, _ = add_user_and_search(env.engine, "anna")
    env.link(user_id)
    with env.engine.begin() as conn:
        set_quiet_hours(conn, user_id, None)
    env.tg.fail_next(1, 500, method="sendMessage")
    env.harvest("scheduled__1")
    banned = outbox_rows(env.engine)[0]["vacancy_id"]
    with env.engine.begin() as conn:
        conn.execute(
            update(user_vacancies).where(user_vacancies.c.vacancy_id == banned).values(is_banned=True)
        )

    result = deliver_pending(env.engine, env.settings)

    assert result["vacancies_sent"] == 3
    assert f"ban:{banned}" not in [data for _, data in env.tg.messages(CHAT)[-1].buttons]
    assert {r["vacancy_id"]: r["status"] for r in outbox_rows(env.engine)}[banned] == "skipped"


# -- the bot process -------------------------------------------------------------------------------


def test_the_bot_polls_registers_its_commands_and_stops(env) -> None:
    user_id, _ = add_user_and_search(env.engine, "anna")
    env.tg.webhook_url = "https://example.com/old-hook"  # would make getUpdates fail with 409
    stop, ready = threading.Event(), []
    thread = threading.Thread(
        target=telegram_bot.run,
        args=(env.engine, env.settings),
        kwargs={"stop": stop, "timeout": 1, "on_ready": ready.append},
        daemon=True,
    )
    thread.start()
    try:
        assert env.tg.wait_until(lambda: ready)
        assert ready == ["jobhunter_test_bot"] and env.tg.webhook_url == ""
        assert [c["command"] for c in env.tg.commands] == [
            "start",
            "status",
            "quiet",
            "tz",
            "min",
            "market",
            "stop",
            "help",
        ]
        with env.engine.begin() as conn:
            url = create_link(conn, user_id, "jobhunter_test_bot")
        env.tg.user_sends(CHAT, "/start " + url.split("=")[1])
        assert env.tg.wait_until(lambda: env.tg.messages(CHAT))
        assert (env.tg.messages(CHAT)[0].plain or "").startswith("Готово!")
        env.tg.user_sends(CHAT, "/quiet 23:00-07:30")
        assert env.tg.wait_until(lambda: len(env.tg.messages(CHAT)) == 2)
        assert (env.tg.messages(CHAT)[1].plain or "").startswith("Тихие часы: 23:00–07:30 (Europe/Moscow)")
    finally:
        stop.set()
        thread.join(timeout=120)
    assert not thread.is_alive()
    with env.engine.connect() as conn:
        assert status(conn, user_id).quiet == (time(23), time(7, 30))


def test_the_bot_token_never_reaches_the_logs(env, settings_factory, last_day, caplog, capfd) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("TeleBot", "urllib3", "etl"):
        caplog.set_level(logging.DEBUG, logger=name)
    env.hh.add(make_vacancies(3, *last_day))
    user_id, _ = add_user_and_search(env.engine, "anna")
    env.link(user_id)
    env.tg.fail_next(1, 500, method="sendMessage")
    env.harvest("scheduled__1")  # a failure Telegram reports
    unreachable = settings_factory(
        hh_base_url=env.hh.url,
        telegram_bot_token=env.tg.token,
        telegram_api_url="http://127.0.0.1:9",  # nothing listens: requests' error quotes the URL
        telegram_quiet_hours="off",
    )
    result = deliver_pending(env.engine, unreachable)
    with pytest.raises(telegram_bot.TelegramError) as polling:
        telegram_bot.run(env.engine, unreachable, stop=threading.Event())

    secret = env.tg.token.split(":")[1]
    assert result["failed"] == 1
    assert {r["last_error"] for r in outbox_rows(env.engine)} == {
        "Bot API unreachable: ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=9): "
        "Max retries exceeded with url: … (Caused by NewConnectionError(\"HTTPConnection(host='127.0.0.1', "
        'port=9): Failed to establish a new connection: [Errno 111] Connection refused"))'
    }
    assert "/bot***/sendMessage" in caplog.text  # urllib3 logged the URL: masked
    stored = [str(r["last_error"]) for r in outbox_rows(env.engine)] + [str(r) for r in _audit(env.engine)]
    out, err = capfd.readouterr()
    for text in (caplog.text, str(polling.value), *stored, out, err):
        assert secret not in text


# -- commands --------------------------------------------------------------------------------------


def _cli(args: list[str], env_vars: dict[str, str]) -> subprocess.Popen[str]:
    """``jobhunter bot`` / ``jobhunter telegram …`` in a separate process (registered by jobhunter.cli)."""
    code = (
        "import sys, typer\nfrom jobhunter.bot_cli import bot, telegram_cli\n"
        "if sys.argv[1] == 'bot':\n    sys.argv.pop(1)\n    typer.run(bot)\n"
        "else:\n    telegram_cli(sys.argv[1:])\n"
    )
    full = {k: v for k, v in os.environ.items() if not k.startswith("JH_")} | env_vars
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=full,
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_commands_link_url_and_bot(env, cli_env, last_day) -> None:
    user_id, _ = add_user_and_search(env.engine, "anna")
    telegram_env = cli_env | {
        "JH_TELEGRAM_BOT_TOKEN": env.tg.token,
        "JH_TELEGRAM_API_URL": env.tg.url,
        "JH_TELEGRAM_BOT_USERNAME": env.tg.username,
    }
    missing = _cli(["bot"], cli_env)
    assert missing.wait(60) == 2 and "JH_TELEGRAM_BOT_TOKEN" in missing.communicate()[1]

    link = _cli(["link-url", "anna"], telegram_env)
    out, err = link.communicate(timeout=60)
    assert link.returncode == 0, err
    assert out.startswith("https://t.me/jobhunter_test_bot?start=")

    bot = _cli(["bot"], telegram_env)
    try:
        assert env.tg.wait_until(lambda: env.tg.count("getUpdates") > 0)
        env.tg.user_sends(CHAT, "/start " + out.strip().split("=")[1])
        assert env.tg.wait_until(lambda: env.tg.messages(CHAT))
    finally:
        bot.send_signal(signal.SIGTERM)
        _, bot_err = bot.communicate(timeout=120)
    assert bot.returncode == 0, bot_err
    assert "Telegram bot @jobhunter_test_bot is running" in bot_err and "stopped" in bot_err
    assert env.tg.token.split(":")[1] not in bot_err
    with env.engine.connect() as conn:
        assert status(conn, user_id).state == "linked"


def _audit(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(etl_runs).order_by(etl_runs.c.id))]
