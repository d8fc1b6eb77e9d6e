"""«Что я ищу» on the profile page, through Flask's test client: the wishes and the Telegram
threshold are saved (or refused in words), a changed profile rescores the user's vacancies in the
background while the page shows how far it got, a rescoring a dead process left half-done starts
again when the page opens, and nothing of it touches another user."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select, update

from core.schema import user_vacancies, users
from domain.matching import store as matching
from tests.hh_resumes import text as resume_text
from tests.test_resume_web import form_values, response, restructure, route, save_form, text_of
from tests.web.resume_support import PROFILE_DOC, dependency, post, save_profile
from tests.web.support import add_user, client_for, load_vacancies
from webapp import rescoring
from webapp.app import create_app


@pytest.fixture
def app(engine, settings_factory):
    return create_app(settings_factory(), engine)


@pytest.fixture
def people(engine) -> dict[str, int]:
    """Alice and Bob, 300 and 50 vacancies, both with a profile and scored."""
    alice, [a_search] = add_user(engine, "alice")
    bob, [b_search] = add_user(engine, "bob")
    load_vacancies(engine, alice, a_search, 300, first_id=50_000)
    load_vacancies(engine, bob, b_search, 50, first_id=60_000, seed=5)
    for user in (alice, bob):
        save_profile(engine, user, PROFILE_DOC)
        matching.rescore(engine, user, today=_today())
    return {"alice": alice, "bob": bob}


def _today() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC).date()


def scores(engine, user_id: int) -> dict[int, tuple[int | None, int | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(user_vacancies.c.vacancy_id, user_vacancies.c.score, user_vacancies.c.scored_rev).where(
                user_vacancies.c.user_id == user_id
            )
        )
        return {row.vacancy_id: (row.score, row.scored_rev) for row in rows}


def poll(client) -> dict[str, Any]:
    dep = dependency(client, "resume-rescoring.children", "resume-rescoring-poll")
    return response(post(client, dep, [1], changed=["resume-rescoring-poll.n_intervals"]))


def poll_until_done(client, timeout: float = 120) -> dict[str, Any]:
    """Poll as the page's interval does until it says to stop."""
    deadline = time.monotonic() + timeout
    while True:
        answer = poll(client)
        if answer["resume-rescoring-poll"]["disabled"] or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


class Locked:
    """Holds the user's rescoring lock, as another process rescoring them would."""

    def __init__(self, engine, user_id: int) -> None:
        self.conn = engine.connect()
        self.conn.execute(select(func.pg_advisory_lock(matching._LOCK_CLASS, user_id)))
        self.conn.commit()
        self.user_id = user_id

    def release(self) -> None:
        self.conn.execute(select(func.pg_advisory_unlock(matching._LOCK_CLASS, self.user_id)))
        self.conn.commit()
        self.conn.close()


def test_the_wishes_section_shows_what_the_score_reads(app, people, engine) -> None:
    client = client_for(app, "alice")
    page = response(route(client, "/profile"))["page"]["children"]
    shown = text_of(page)
    for label in (
        "Что я ищу",
        "Желаемые должности",
        "Желаемая зарплата, ₽ в месяц",
        "Города",
        "Формат работы",
        "Удалённо",
        "Разъездной",
        "Опыт работы, лет",
        "пусто — по местам работы:",
        "Сообщать в Telegram только о вакансиях с соответствием от",
    ):
        assert label in shown, label
    values = form_values(page)
    assert values["roles"] == "" and values["work_formats"] == [] and values["notify_min"] == ""
    assert "Пересчитываем" not in shown  # nothing is stale

    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == people["alice"]).values(preferences={"lang": "en"}))
    english = text_of(response(route(client_for(app, "alice"), "/profile"))["page"]["children"])
    for label in (
        "What I'm looking for",
        "Desired roles",
        "Desired salary, roubles a month",
        "Towns",
        "Remote",
        "Field work",
        "Years of experience",
        "empty: counted from your jobs:",
        "Tell me in Telegram only about vacancies with a match of at least",
    ):
        assert label in english, label
    assert "Что я ищу" not in english and "Желаемые должности" not in english


def test_saving_a_changed_profile_rescores_in_the_background_with_progress(app, people, engine) -> None:
    alice, bob = people["alice"], people["bob"]
    before, bobs = scores(engine, alice), scores(engine, bob)
    client = client_for(app, "alice")
    values = form_values(response(route(client, "/profile"))["page"]["children"])
    values |= {
        "headline": "Курьер",
        "skills": "Знание города, Вежливость",
        "roles": "Курьер\nВодитель",
        "salary": "90 000",
        "areas": "Казань",
        "work_formats": ["FIELD_WORK"],
        "notify_min": "65",
    }
    lock = Locked(engine, alice)  # another process holds the user's rescoring: nothing moves yet
    try:
        saved = response(save_form(client, values))
        assert saved["resume-feedback"]["children"] == "Профиль сохранён."
        assert saved["resume-rescoring-poll"]["disabled"] is False
        assert "Пересчитываем соответствие: 0 из 300" in text_of(saved["resume-rescoring"]["children"])
        rescoring.of(app.server, engine).wait(alice, timeout=60)  # it found the lock taken and gave up
        still = poll(client)  # the page keeps polling, and starts the job again
        assert still["resume-rescoring-poll"]["disabled"] is False
        assert "Пересчитываем соответствие: 0 из 300" in text_of(still["resume-rescoring"]["children"])
    finally:
        lock.release()

    done = poll_until_done(client)

    assert done["resume-rescoring-poll"]["disabled"] is True
    assert "Соответствие пересчитано: 300 вакансий." in text_of(done["resume-rescoring"]["children"])
    with engine.connect() as conn:
        assert matching.pending(conn, alice) == (0, 300)
        assert conn.execute(select(users.c.notify_min_score).where(users.c.id == alice)).scalar_one() == 65
    after = scores(engine, alice)
    assert sum(after[v][0] != before[v][0] for v in before) > 150  # a courier now: new scores
    assert (
        len({rev for _, rev in after.values()}) == 1
        and next(iter(after.values()))[1] > next(iter(before.values()))[1]
    )
    assert scores(engine, bob) == bobs  # Bob's are untouched


def test_a_rescoring_left_half_done_restarts_when_the_page_opens(app, people, engine) -> None:
    alice = people["alice"]
    half = sorted(scores(engine, alice))[:150]
    save_profile(engine, alice, PROFILE_DOC | {"skills": ["Python", "Kafka"]})  # revision 2
    with engine.begin() as conn:  # a process died mid-way: half the links scored against it
        conn.execute(
            update(user_vacancies)
            .where(user_vacancies.c.user_id == alice, user_vacancies.c.vacancy_id.in_(half))
            .values(scored_rev=2)
        )
    client = client_for(app, "alice")
    lock = Locked(engine, alice)
    try:
        page = response(route(client, "/profile"))["page"]["children"]
        assert "Пересчитываем соответствие: 150 из 300" in text_of(page)
    finally:
        lock.release()
    assert poll_until_done(client)["resume-rescoring-poll"]["disabled"] is True
    with engine.connect() as conn:
        assert matching.pending(conn, alice) == (0, 300)

    save_profile(engine, alice, PROFILE_DOC | {"skills": ["Rust"]})  # stale again, nobody on it
    response(route(client, "/profile"))  # opening the page is enough: no poll
    rescoring.of(app.server, engine).wait(alice, timeout=60)
    with engine.connect() as conn:
        assert matching.pending(conn, alice) == (0, 300)


def test_an_unchanged_save_does_not_rescore_and_bad_wishes_are_refused_in_words(app, people, engine) -> None:
    alice = people["alice"]
    before = scores(engine, alice)
    client = client_for(app, "alice")
    values = form_values(response(route(client, "/profile"))["page"]["children"])
    unchanged = response(save_form(client, values))
    assert unchanged["resume-feedback"]["children"] == "Профиль сохранён."
    assert "resume-rescoring" not in unchanged  # no_update: nothing to rescore
    assert scores(engine, alice) == before

    bad = response(save_form(client, values | {"salary": "много", "years": "80", "notify_min": "150"}))
    told = text_of(bad["resume-feedback"]["children"])
    assert bad["resume-feedback"]["color"] == "danger"
    assert "Что я ищу → Желаемая зарплата, ₽ в месяц: «много» не похоже на сумму в рублях" in told
    assert "Что я ищу → Опыт работы, лет: «80» не похоже на число лет (0–70)" in told
    assert "Порог для Telegram — целое число от 0 до 100." in told
    with engine.connect() as conn:
        assert conn.execute(select(users.c.notify_min_score).where(users.c.id == alice)).scalar_one() is None
    assert scores(engine, alice) == before


def test_the_progress_is_only_ever_the_logged_in_users(app, people, engine) -> None:
    """Bob polls while Alice's links are stale: he sees his own (none stale), never hers."""
    alice = people["alice"]
    save_profile(engine, alice, PROFILE_DOC | {"skills": ["Go"]})  # stale, and nobody rescoring
    lock = Locked(engine, alice)
    try:
        bobs = poll(client_for(app, "bob"))
        assert bobs["resume-rescoring-poll"]["disabled"] is True
        assert "50 вакансий" in text_of(bobs["resume-rescoring"]["children"])
        assert "300" not in text_of(bobs["resume-rescoring"]["children"])
    finally:
        lock.release()
    with engine.connect() as conn:
        assert matching.pending(conn, alice)[0] == 300  # Bob's poll started nothing of Alice's


def test_the_threshold_reads_as_the_bot_does() -> None:
    """Empty or 0 is "every vacancy" (``/min 0`` in the bot clears it too)."""
    from webapp.pages.profile import BadThreshold, clean_threshold

    assert [clean_threshold(v) for v in ("", None, "0", "70", " 85 ", "100", 55)] == [
        None,
        None,
        None,
        70,
        85,
        100,
        55,
    ]
    for bad in ("101", "-1", "7.5", "семьдесят"):
        with pytest.raises(BadThreshold):
            clean_threshold(bad)


def test_an_hh_ru_export_pasted_on_the_page_fills_the_wishes(app, people) -> None:
    client = client_for(app, "alice")
    values = form_values(response(route(client, "/profile"))["page"]["children"])
    values |= {"notify_min": "60"}
    imported = response(restructure(client, values, "parse", text=resume_text("hh_courier")))
    found = form_values(imported["resume-form"]["children"])
    assert found["roles"] == "Курьер\nВодитель" and found["salary"] == "80000"
    assert found["areas"] == "Казань" and found["work_formats"] == ["FIELD_WORK"]
    assert found["notify_min"] == "60"  # not the import's: what was typed stays
    assert [job["role"] for job in found["experience"]] == ["Курьер на автомобиле", "Продавец-кассир"]
