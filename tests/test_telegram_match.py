"""Telegram and the match score: best matches first with their score, the ``/min N`` threshold.

Real harvests from the fake hh.ru score the links while loading (the profile is saved first, the
way a user who imported a resume has it); real pyTelegramBotAPI talks to the fake Bot API; what is
asserted is what the user reads in the chat and in the CSV, and what is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from telebot import apihelper

from core.schema import user_vacancies, users, vacancies
from domain.matching.store import rescore
from domain.matching.weights import GOOD
from domain.resume.model import Profile
from domain.resume.store import save_profile
from etl.telegram.messages import (
    CSV_COLUMNS,
    MAX_TEXT,
    SCORE_COLUMN,
    Item,
    build_csv,
    build_message,
    plural,
)
from etl.telegram.sender import deliver_pending
from testing.fakes.telegram import FakeTelegram, parse_html
from tests.helpers import add_user_and_search
from tests.helpers import vacancies as make_vacancies
from tests.test_telegram import CHAT, OTHER_CHAT, Env, outbox_rows, read_csv

PYTHON_PROFILE = {
    "name": "Анна Петрова",
    "headline": "Python-разработчик",
    "skills": ["Python", "Django", "FastAPI", "SQL", "PostgreSQL", "asyncio", "Git", "Docker"],
    "experience": [
        {"employer": "ООО Ромашка", "role": "Backend-разработчик (Python)", "start": "2021-03", "end": ""}
    ],
    "wishes": {
        "roles": ["Python-разработчик"],
        "salary": 200_000,
        "areas": ["Москва"],
        "work_formats": ["REMOTE", "HYBRID"],
        "years": 4,
    },
}
LINE = re.compile(r"^(\d+)\. (?:(\d{1,3})% · )?(.+)$")  # "1. 87% · Python developer"


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(max_poll_wait=0.3) as fake:
        yield fake
    apihelper.API_URL = None


@pytest.fixture
def env(engine, settings_factory, fake_hh, fake_tg) -> Env:
    settings = settings_factory(
        hh_base_url=fake_hh.url,
        telegram_bot_token=fake_tg.token,
        telegram_api_url=fake_tg.url,
        telegram_bot_username=fake_tg.username,
        telegram_quiet_hours="off",
    )
    return Env(engine, settings, fake_hh, fake_tg)


def with_profile(engine: Engine, user_id: int) -> None:
    with engine.begin() as conn:
        save_profile(conn, user_id, Profile.model_validate(PYTHON_PROFILE))


def scores(engine: Engine, user_id: int) -> dict[str, int | None]:
    """The user's stored scores by the vacancy's URL (what the message links and the CSV holds)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(vacancies.c.url, user_vacancies.c.score)
            .join(vacancies, vacancies.c.id == user_vacancies.c.vacancy_id)
            .where(user_vacancies.c.user_id == user_id)
        )
        return {r.url: r.score for r in rows}


def listed(text: str) -> list[tuple[int | None, str]]:
    """The numbered vacancy lines of a message as (score or None, title)."""
    result = []
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            result.append((int(match.group(2)) if match.group(2) else None, match.group(3)))
    return result


def urls(message: Any) -> list[str]:
    return re.findall(r'<a href="([^"]+)">', message.text or "")


def ask(env: Env, chat_id: int, text: str) -> str:
    env.tg.user_sends(chat_id, text)
    env.poll()
    return env.tg.messages(chat_id)[-1].plain or ""


def threshold_of(engine: Engine, user_id: int) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(users.c.notify_min_score).where(users.c.id == user_id)).scalar_one()


# -- the order ----------------------------------------------------------------------------------------


def test_the_best_matches_come_first_with_their_score_and_the_csv_is_sorted_alike(env, last_day) -> None:
    env.hh.add(make_vacancies(30, *last_day))
    anna, _ = add_user_and_search(env.engine, "anna", name="Все вакансии")
    with_profile(env.engine, anna)
    env.link(anna)

    [stats] = env.harvest("scheduled__1")

    assert stats["sent"] == 1 and stats["vacancies_sent"] == 30 and "below_threshold" not in stats
    stored = scores(env.engine, anna)
    assert None not in stored.values() and len(set(stored.values())) > 5  # scored while loading
    best = sorted(stored.items(), key=lambda kv: -kv[1])
    [message] = env.tg.messages(CHAT)[1:]
    plain = message.plain or ""
    good = sum(1 for s in stored.values() if s >= GOOD)
    assert plain.splitlines()[2] == f"🎯 Сначала — лучшие совпадения с вашим профилем ({good} от {GOOD}%)"
    shown = listed(plain)
    assert len(shown) == 5
    assert [s for s, _ in shown] == [s for _, s in best[:5]]  # the five highest, highest first
    assert [stored[u] for u in urls(message)] == [s for s, _ in shown]  # each line's own score
    assert shown[0][0] >= GOOD and "Python" in shown[0][1]
    parse_html(message.text or "")  # still valid HTML as Telegram parses it

    [document] = env.tg.documents(CHAT)
    rows = read_csv(document)
    assert rows[0] == [SCORE_COLUMN, *CSV_COLUMNS]
    assert [int(r[0]) for r in rows[1:]] == sorted(stored.values(), reverse=True)
    assert {r[-1]: int(r[0]) for r in rows[1:]} == stored


def test_a_user_without_a_profile_gets_the_message_as_before(env, last_day) -> None:
    env.hh.add(make_vacancies(12, *last_day))
    anna, _ = add_user_and_search(env.engine, "anna", name="Все вакансии")
    boris, _ = add_user_and_search(env.engine, "boris", name="Все вакансии")
    with_profile(env.engine, anna)  # the same harvest scores anna's links, not boris's
    env.link(anna)
    env.link(boris, OTHER_CHAT)

    env.harvest("scheduled__1")

    assert set(scores(env.engine, boris).values()) == {None}
    [message] = env.tg.messages(OTHER_CHAT)[1:]
    plain = message.plain or ""
    assert plain.startswith("🔔 12 новых вакансий\n• Все вакансии: 12\n\n1. ")
    assert "🎯" not in plain and "%" not in plain and "порог" not in plain
    with env.engine.connect() as conn:  # newest first, as ever
        newest = conn.execute(
            select(vacancies.c.url).order_by(vacancies.c.published_at.desc(), vacancies.c.id.desc()).limit(5)
        ).scalars()
        assert urls(message) == list(newest)
    assert [s for s, _ in listed(plain)] == [None] * 5
    rows = read_csv(env.tg.documents(OTHER_CHAT)[0])
    assert rows[0] == list(CSV_COLUMNS)
    assert [s for s, _ in listed(env.tg.messages(CHAT)[-1].plain or "")] != [None] * 5  # anna's: scored


# -- the threshold -----------------------------------------------------------------------------------


def test_the_threshold_holds_back_low_scores_and_says_how_many(env, last_day) -> None:
    env.hh.add(make_vacancies(30, *last_day))
    anna, _ = add_user_and_search(env.engine, "anna", name="Все вакансии")
    with_profile(env.engine, anna)
    env.link(anna)
    assert ask(env, CHAT, "/min 40").startswith("Порог: 40%.")

    [stats] = env.harvest("scheduled__1")

    stored = scores(env.engine, anna)
    high = {u: s for u, s in stored.items() if s >= 40}
    low = len(stored) - len(high)
    assert 0 < len(high) < len(stored)
    assert stats["vacancies_sent"] == len(high) and stats["below_threshold"] == low
    [message] = env.tg.messages(CHAT)[-1:]
    plain = message.plain or ""
    assert plain.startswith(f"🔔 {len(high)} ")
    assert [s for s, _ in listed(plain)] == sorted(high.values(), reverse=True)[:5]
    word = plural(low, "вакансия", "вакансии", "вакансий")
    assert f"Ещё {low} {word} ниже порога 40% — в веб-приложении (/min — изменить порог)." in plain
    statuses = {r["vacancy_id"]: (r["status"], r["last_error"]) for r in outbox_rows(env.engine)}
    with env.engine.connect() as conn:
        ids = dict(conn.execute(select(vacancies.c.url, vacancies.c.id)).all())
    assert {statuses[ids[u]][0] for u in high} == {"sent"}
    held = [v for u, v in ids.items() if u not in high]
    assert {statuses[v] for v in held} == {("skipped", "scored below the user's threshold")}
    if len(high) > 5:  # the CSV holds what was told, nothing held back
        rows = read_csv(env.tg.documents(CHAT)[-1])
        assert {r[-1] for r in rows[1:]} == set(high)

    calls = len(env.tg.calls)
    assert deliver_pending(env.engine, env.settings)["sent"] == 0  # nothing twice, nothing held back later
    assert len(env.tg.calls) == calls


def test_everything_below_the_threshold_sends_nothing(env, last_day) -> None:
    env.hh.add(make_vacancies(8, *last_day))
    anna, _ = add_user_and_search(env.engine, "anna")
    with_profile(env.engine, anna)
    env.link(anna)
    ask(env, CHAT, "/min 100")

    [stats] = env.harvest("scheduled__1")

    assert max(scores(env.engine, anna).values()) < 100  # no vacancy is a perfect match here
    assert stats["sent"] == 0 and stats["below_threshold"] == 8 and stats["pending"] == 0
    assert env.tg.count("sendMessage") == 2  # "Готово!" and the /min answer only
    assert {r["status"] for r in outbox_rows(env.engine)} == {"skipped"}


def test_a_failed_send_holds_back_the_same_ones_again_and_never_sends_twice(env, last_day) -> None:
    env.hh.add(make_vacancies(20, *last_day))
    anna, _ = add_user_and_search(env.engine, "anna")
    with_profile(env.engine, anna)
    env.link(anna)
    ask(env, CHAT, "/min 40")
    env.tg.fail_next(1, 500, method="sendMessage")

    [first] = env.harvest("scheduled__1")

    assert first["sent"] == 0 and first["failed"] > 0
    assert {r["status"] for r in outbox_rows(env.engine)} == {"pending"}  # told and held alike
    again = deliver_pending(env.engine, env.settings)
    assert again["sent"] == 1 and again["below_threshold"] == first["below_threshold"]
    assert again["vacancies_sent"] == first["failed"]
    assert f"Ещё {first['below_threshold']} " in (env.tg.messages(CHAT)[-1].plain or "")
    assert {r["status"] for r in outbox_rows(env.engine)} == {"sent", "skipped"}
    calls = len(env.tg.calls)
    assert deliver_pending(env.engine, env.settings) == {
        "users": 0,
        "sent": 0,
        "vacancies_sent": 0,
        "documents": 0,
    }
    assert len(env.tg.calls) == calls


def test_unscored_vacancies_are_told_even_with_a_threshold(env, last_day) -> None:
    """A threshold without a profile (or before the score is computed) holds nothing back."""
    env.hh.add(make_vacancies(6, *last_day))
    boris, _ = add_user_and_search(env.engine, "boris")
    env.link(boris)
    answer = ask(env, CHAT, "/min 70")
    assert answer.startswith("Порог: 70%.") and "Оценок совпадения пока нет" in answer

    [stats] = env.harvest("scheduled__1")

    assert stats["vacancies_sent"] == 6 and "below_threshold" not in stats
    plain = env.tg.messages(CHAT)[-1].plain or ""
    assert plain.startswith("🔔 6 новых вакансий") and "порог" not in plain


def test_the_score_is_read_when_the_message_goes_out(env, last_day, now) -> None:
    """Rows queued before the profile existed (the send failed) go out scored once it is rescored."""
    env.hh.add(make_vacancies(12, *last_day))
    anna, _ = add_user_and_search(env.engine, "anna")
    env.link(anna)
    ask(env, CHAT, "/min 40")
    env.tg.fail_next(1, 500, method="sendMessage")
    [first] = env.harvest("scheduled__1")  # no profile yet: nothing scored, nothing held back
    assert first["failed"] == 12 and "below_threshold" not in first
    with_profile(env.engine, anna)
    assert rescore(env.engine, anna, today=now.date()) == 12

    result = deliver_pending(env.engine, env.settings)

    stored = scores(env.engine, anna)
    high = sorted((s for s in stored.values() if s >= 40), reverse=True)
    assert 0 < len(high) < 12
    assert result["vacancies_sent"] == len(high) and result["below_threshold"] == 12 - len(high)
    plain = env.tg.messages(CHAT)[-1].plain or ""
    assert [s for s, _ in listed(plain)] == high[:5]
    assert "ниже порога 40%" in plain


# -- /min ------------------------------------------------------------------------------------------------


def test_min_sets_shows_and_clears_the_threshold(env) -> None:
    anna, _ = add_user_and_search(env.engine, "anna")
    with_profile(env.engine, anna)
    env.link(anna)

    assert ask(env, CHAT, "/min") == (
        "Порога нет: присылаю все новые вакансии. /min 60 — только подходящие вам от 60%."
    )
    assert ask(env, CHAT, "/min 60") == (
        "Порог: 60%. Присылаю только вакансии, которые подходят вам от 60%; остальные — в "
        "веб-приложении. /min off — присылать все."
    )
    assert threshold_of(env.engine, anna) == 60
    assert ask(env, CHAT, "/min").startswith("Порог: 60%.")
    assert "Порог совпадения: от 60% (/min)." in ask(env, CHAT, "/status")
    assert ask(env, CHAT, "/min 75%").startswith("Порог: 75%.")
    assert threshold_of(env.engine, anna) == 75
    assert ask(env, CHAT, "/min off") == "Порог снят: присылаю все новые вакансии."
    assert threshold_of(env.engine, anna) is None
    ask(env, CHAT, "/min 50")
    assert ask(env, CHAT, "/min 0") == "Порог снят: присылаю все новые вакансии."
    assert threshold_of(env.engine, anna) is None
    assert "Порог совпадения: нет, приходят все вакансии (/min)." in ask(env, CHAT, "/status")
    assert "/min 60 — присылать только вакансии" in ask(env, CHAT, "/help")


@pytest.mark.parametrize("bad", ["abc", "150", "-5", "6.5", "60 70", "101%", "<b>"])
def test_min_with_bad_input_says_how_and_changes_nothing(env, bad) -> None:
    anna, _ = add_user_and_search(env.engine, "anna")
    env.link(anna)
    ask(env, CHAT, "/min 55")

    assert ask(env, CHAT, f"/min {bad}") == (
        "Не понял. Порог — целое число от 0 до 100, например /min 60; /min off — без порога; "
        "/min — показать текущий."
    )
    assert threshold_of(env.engine, anna) == 55


def test_min_answers_in_the_users_language_and_only_for_a_linked_chat(env) -> None:
    anna, _ = add_user_and_search(env.engine, "anna")
    boris, _ = add_user_and_search(env.engine, "boris")
    env.link(anna)
    with env.engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == anna).values(preferences={"lang": "en"}))

    assert ask(env, CHAT, "/min 65") == (
        "Threshold: 65%. I send only vacancies that match you by 65% or more; the rest are in the "
        "web app. /min off sends everything.\n\nThere are no match scores yet: fill in your profile "
        "(skills, desired role) in the web app — until then every vacancy is sent."
    )
    assert ask(env, CHAT, "/min lots").startswith("I did not understand.")
    assert ask(env, CHAT, "/min off") == "Threshold removed: I send every new vacancy."

    assert ask(env, OTHER_CHAT, "/min 10").startswith("Этот чат не привязан.")  # boris never linked
    assert threshold_of(env.engine, boris) is None and threshold_of(env.engine, anna) is None


# -- the message itself ------------------------------------------------------------------------------------


T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def item(n: int, score: int | None, **kwargs: Any) -> Item:
    values: dict[str, Any] = {
        "vacancy_id": 100_000_000 + n,
        "name": f"Вакансия {n}",
        "employer_name": "ООО Ромашка",
        "salary_from_rub": 250_000,
        "salary_to_rub": None,
        "salary_currency": "RUR",
        "area_name": "Москва",
        "experience_name": None,
        "work_format_names": [],
        "published_at": T0 - timedelta(minutes=n),
        "url": f"https://hh.ru/vacancy/{100_000_000 + n}",
        "search_name": "Python",
        "score": score,
    }
    return Item(**(values | kwargs))


def test_scored_then_unscored_newest_first_among_equals() -> None:
    items = [item(1, None), item(2, 55), item(3, 87), item(4, 55), item(5, None), item(6, 12)]
    message = build_message(items, list_size=6, held_back=14, threshold=10)
    plain = parse_html(message.text)

    assert listed(plain) == [
        (87, "Вакансия 3"),
        (55, "Вакансия 2"),
        (55, "Вакансия 4"),
        (12, "Вакансия 6"),
        (None, "Вакансия 1"),
        (None, "Вакансия 5"),
    ]
    assert "🎯 Сначала — лучшие совпадения с вашим профилем (1 от 70%)" in plain
    assert "Ещё 14 вакансий ниже порога 10% — в веб-приложении" in plain
    csv_rows = build_csv(items, time_zone="Europe/Moscow").decode("utf-8-sig").splitlines()
    assert [r.split(";")[0] for r in csv_rows] == [SCORE_COLUMN, "87", "55", "55", "12", "", ""]


def test_long_scored_messages_stay_within_telegrams_limit() -> None:
    items = [item(n, 99 - n, name="Очень длинное <название> & " * 20) for n in range(60)]
    message = build_message(items, list_size=50, held_back=1234, threshold=50)
    assert len(message.text) <= MAX_TEXT and message.listed < 50
    plain = parse_html(message.text)
    assert "99% · Очень длинное <название> &" in plain
    assert "Ещё 1234 вакансии ниже порога 50%" in plain
