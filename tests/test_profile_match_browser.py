"""«Что я ищу» in headless Chromium: a user states what they look for and the Telegram threshold,
saves, and watches their vacancies being rescored («Пересчитываем соответствие: 150 из 300»)
until the page says it is done. While the screenshots are taken the rescoring is held (another
process has the user's lock), so the progress stands still where it is. Screenshots: light,
dark and a phone (the progress, and the section), in test-artifacts/screenshots/profile-match-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from core.schema import resume_profiles, user_vacancies, users
from domain.matching import store as matching
from domain.resume import store
from tests.web.browser import full_page_shot, make_driver, requires_chromium, shot, wait
from tests.web.resume_support import PROFILE_DOC, save_profile
from tests.web.support import PASSWORD, add_user, load_vacancies, serve
from webapp.app import create_app

pytestmark = [pytest.mark.slow, requires_chromium]

selenium = pytest.importorskip("selenium")
from selenium.common.exceptions import ElementClickInterceptedException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402


@pytest.fixture
def site(engine, settings_factory) -> Iterator[dict]:
    anna, [search] = add_user(engine, "anna")
    load_vacancies(engine, anna, search, 300, first_id=70_000)
    save_profile(engine, anna, PROFILE_DOC)
    matching.rescore(engine, anna, today=datetime.now(UTC).date())
    with serve(create_app(settings_factory(), engine)) as url:
        yield {"url": url, "user": anna}


def log_in(driver, url: str) -> None:
    driver.get(url + "/login")
    wait(driver, ec.presence_of_element_located((By.ID, "login")))
    driver.find_element(By.ID, "login").send_keys("anna")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, lambda d: "/login" not in d.current_url)


def click(driver, element) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    try:
        element.click()
    except ElementClickInterceptedException:  # the sticky save bar
        driver.execute_script("arguments[0].click();", element)


def type_into(driver, element_id: str, text: str) -> None:
    element = wait(driver, ec.presence_of_element_located((By.ID, element_id)))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.clear()
    element.send_keys(text)


def progress_text(driver) -> str:
    return driver.find_element(By.ID, "resume-rescoring").text


def test_wishes_are_saved_and_the_rescoring_shows_its_progress(site, engine) -> None:
    url, anna = site["url"], site["user"]
    lock = engine.connect()  # another process is rescoring Anna: the progress holds still
    lock.execute(select(func.pg_advisory_lock(matching._LOCK_CLASS, anna)))
    lock.commit()
    driver = make_driver(height=900)
    phone = None
    try:
        log_in(driver, url)
        driver.get(url + "/profile")
        wait(driver, ec.presence_of_element_located((By.ID, "resume-roles")))
        wishes = driver.find_element(By.ID, "resume-wishes")
        assert "Что я ищу" in wishes.text and "пусто — по местам работы:" in wishes.text
        type_into(driver, "resume-roles", "Python-разработчик\nBackend-разработчик")
        type_into(driver, "resume-salary", "250 000")
        type_into(driver, "resume-areas", "Москва\nСанкт-Петербург")
        click(driver, wishes.find_element(By.XPATH, ".//label[normalize-space()='Удалённо']"))
        click(driver, wishes.find_element(By.XPATH, ".//label[normalize-space()='Гибрид']"))
        type_into(driver, "resume-notify_min", "70")
        click(driver, driver.find_element(By.ID, "resume-save"))
        wait(driver, lambda d: "Профиль сохранён" in d.find_element(By.ID, "resume-feedback").text)
        wait(driver, lambda d: "Пересчитываем соответствие: 0 из 300" in progress_text(d))

        with engine.begin() as conn:  # half of them done meanwhile
            stored = store.load_profile(conn, anna).profile
            revision = conn.execute(
                select(resume_profiles.c.revision).where(resume_profiles.c.user_id == anna)
            ).scalar_one()
            half = sorted(
                conn.execute(
                    select(user_vacancies.c.vacancy_id).where(user_vacancies.c.user_id == anna)
                ).scalars()
            )[:150]
            conn.execute(
                update(user_vacancies)
                .where(user_vacancies.c.user_id == anna, user_vacancies.c.vacancy_id.in_(half))
                .values(scored_rev=revision)
            )
        assert stored.wishes.model_dump() == {
            "roles": ["Python-разработчик", "Backend-разработчик"],
            "salary": 250_000,
            "areas": ["Москва", "Санкт-Петербург"],
            "work_formats": ["REMOTE", "HYBRID"],
            "years": None,
        }
        wait(driver, lambda d: "Пересчитываем соответствие: 150 из 300" in progress_text(d))
        full_page_shot(driver, "profile-match-progress-light")

        with engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == anna).values(preferences={"theme": "dark"}))
        driver.refresh()  # a page load while it is stale: the progress is there at once
        wait(driver, lambda d: "150 из 300" in progress_text(d))
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("data-bs-theme") == "dark"
        assert driver.find_element(By.ID, "resume-notify_min").get_attribute("value") == "70"
        full_page_shot(driver, "profile-match-progress-dark")

        phone = make_driver(390, 844)
        log_in(phone, url)
        phone.get(url + "/profile")
        wait(phone, lambda d: "150 из 300" in progress_text(d))
        shot(phone, "profile-match-progress-phone")
        wait(phone, ec.presence_of_element_located((By.ID, "resume-wishes")))
        phone.execute_script("document.getElementById('resume-wishes').scrollIntoView();")
        shot(phone, "profile-match-wishes-phone")
        width = phone.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width}px wide on a 390px phone"

        lock.execute(select(func.pg_advisory_unlock(matching._LOCK_CLASS, anna)))
        lock.commit()
        wait(driver, lambda d: "Соответствие пересчитано: 300 вакансий." in progress_text(d))
        with engine.connect() as conn:
            assert matching.pending(conn, anna) == (0, 300)
            assert conn.execute(select(users.c.notify_min_score).where(users.c.id == anna)).scalar_one() == 70
    finally:
        lock.close()
        driver.quit()
        if phone is not None:
            phone.quit()
