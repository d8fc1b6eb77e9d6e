"""The «Отклики» page in headless Chromium (issue #15): the board in Russian and English, light and
dark, desktop and phone width (the columns stack); a card opened, its stage moved through the
panel with a hostile note that shows as text, the history shown and the board redrawn; and
«Откликнуться на hh.ru» opening the board's page in a new tab, then «Отклик отправлен?» → yes.
Screenshots go to test-artifacts/screenshots/applications-*.png."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.web.applications_support import NOW, done_generation, set_prefs, tracked
from tests.web.browser import make_driver, requires_chromium, shot, wait
from tests.web.resume_support import add_vacancy
from tests.web.support import PASSWORD, add_user, serve
from webapp.app import create_app

pytestmark = [pytest.mark.slow, requires_chromium]

selenium = pytest.importorskip("selenium")
from selenium.common.exceptions import (  # noqa: E402
    ElementClickInterceptedException,
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

STAGES_AFTER_INTERESTED = ["Отклик отправлен", "Тестовое задание", "Собеседование"]
HOSTILE = "<img src=x onerror=alert(1)> позвонить в пятницу"


def by_pid(kind: str, vacancy_id: int, scope: str = "page") -> tuple[str, str]:
    """A panel part by its pattern-matching id, as the DOM carries it."""
    component = {"scope": scope, "type": f"jhapp-{kind}", "vac": vacancy_id}
    return By.XPATH, "//*[@id='" + json.dumps(component, sort_keys=True, separators=(",", ":")) + "']"


def card(vacancy_id: int) -> tuple[str, str]:
    return By.CSS_SELECTOR, f".jh-app-card[data-vacancy='{vacancy_id}']"


def in_column(driver, stage: str, vacancy_id: int) -> bool:
    return bool(driver.find_elements(By.CSS_SELECTOR, f"#apps-column-{stage} [data-vacancy='{vacancy_id}']"))


@pytest.fixture
def site(engine, settings_factory) -> Iterator[dict]:
    anna, _ = add_user(engine, "anna", searches=0)
    set_prefs(engine, anna, time_zone="Europe/Moscow")
    tracked(engine, anna, 910_001, ["interested"], name="Аналитик данных", employer="Ромашка Тех", score=83)
    tracked(engine, anna, 910_002, ["interested"], name="Backend-разработчик на Python", employer="Лютик")
    tracked(engine, anna, 910_003, ["interested", "applied"], name="Python-разработчик", days_ago=16,
            employer="ООО «Очень длинное название работодателя»", score=71)  # fmt: skip
    tracked(engine, anna, 910_004, ["applied", "test_task"], name="Инженер данных", days_ago=2)
    tracked(engine, anna, 910_005, ["applied", "interview"], name="Тимлид backend", score=64,
            next_step_at=NOW + timedelta(days=3), next_step_note="Zoom с CTO")  # fmt: skip
    tracked(engine, anna, 910_006, ["applied", "interview", "offer"], name="Senior Python", score=90)
    tracked(engine, anna, 910_007, ["applied", "rejected"], name="Разработчик 1С", days_ago=9,
            closed_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # fmt: skip
    add_vacancy(engine, anna, 910_008, name="Data Scientist", employer_name="Бета")
    done_generation(engine, anna, 910_002, NOW - timedelta(hours=2))
    with serve(create_app(settings_factory(), engine)) as url:
        yield {"url": url, "user": anna}


def log_in(driver, url: str) -> None:
    driver.get(url + "/login")
    wait(driver, ec.presence_of_element_located((By.ID, "login")))
    driver.find_element(By.ID, "login").send_keys("anna")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, lambda d: "/login" not in d.current_url)


def open_board(driver, url: str) -> None:
    driver.get(url + "/applications")
    wait(driver, ec.presence_of_element_located((By.ID, "apps-board")))
    wait(driver, ec.visibility_of_element_located(card(910_001)))


def set_value(driver, locator: tuple[str, str], value: str) -> None:
    """Type into a React-controlled input (a datetime-local one takes its value in ISO form)."""
    element = wait(driver, ec.presence_of_element_located(locator))
    driver.execute_script(
        "const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
        "setter.call(arguments[0], arguments[1]);"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        element,
        value,
    )


def text_of(driver, locator: tuple[str, str]) -> str:
    """The element's text, or "" while it is missing or being redrawn."""
    try:
        return driver.find_element(*locator).text
    except (NoSuchElementException, StaleElementReferenceException):
        return ""


def list_stages(driver) -> list[str]:
    cells = driver.find_elements(By.CSS_SELECTOR, "#apps-list .ag-center-cols-container .ag-row")
    ordered = sorted(cells, key=lambda row: int(row.get_attribute("row-index")))
    return [row.find_element(By.CSS_SELECTOR, ".ag-cell[col-id='stage']").text for row in ordered]


def wider_than_screen(driver) -> list[str]:
    """What sticks out past the right edge of the window (for the failure message)."""
    return driver.execute_script(
        "const edge = document.documentElement.clientWidth;"
        "return [window.innerWidth, edge, ...[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > edge + 1)"
        ".slice(0, 8).map(e => e.tagName + '.' + e.className"
        " + ' ' + Math.round(e.getBoundingClientRect().right))];"
    )


def click(driver, locator: tuple[str, str]) -> None:
    element = wait(driver, ec.element_to_be_clickable(locator))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    try:
        element.click()
    except ElementClickInterceptedException:  # a phone's emulated window scrolls late
        driver.execute_script("arguments[0].click();", element)


def test_the_board_in_russian_and_english_light_and_dark_desktop_and_phone(site, engine) -> None:
    url, anna = site["url"], site["user"]
    for width, height, device in ((1440, 900, "desktop"), (390, 844, "phone")):
        driver = make_driver(width, height)
        try:
            log_in(driver, url)
            for lang, theme in (("ru", "light"), ("ru", "dark"), ("en", "light"), ("en", "dark")):
                set_prefs(engine, anna, lang=lang, theme=theme)
                open_board(driver, url)
                html = driver.find_element(By.TAG_NAME, "html")
                assert html.get_attribute("data-bs-theme") == theme and html.get_attribute("lang") == lang
                board = driver.find_element(By.ID, "apps-board").text
                if lang == "ru":
                    assert "Собеседование" in board and "Вакансия закрыта 30.11" in board
                    assert "Совпадение 83" in board and "16 дн. в этапе" in board
                    assert "Без ответа 16 дн." in driver.find_element(By.ID, "apps-quiet").text
                else:
                    assert "Interview" in board and "Vacancy closed 30.11" in board
                    assert "Match 83" in board and "Собеседование" not in board
                assert in_column(driver, "offer", 910_006) and in_column(driver, "rejected", 910_007)
                assert "Data Scientist" not in board  # not tracked
                columns = driver.find_elements(By.CSS_SELECTOR, "#apps-board > .jh-column")
                lefts = {c.rect["x"] for c in columns[:3]}
                tops = {c.rect["y"] for c in columns[:3]}
                if device == "phone":  # the columns stack, nothing wider than the screen
                    assert len(lefts) == 1 and len(tops) == 3
                    assert (
                        driver.execute_script("return document.documentElement.scrollWidth") <= width + 1
                    ), wider_than_screen(driver)
                else:
                    assert len(tops) == 1 and len(lefts) == 3
                shot(driver, f"applications-board-{lang}-{theme}-{device}")
            # the list view: a sortable table of the same applications
            set_prefs(engine, anna, lang="ru", theme="light")
            open_board(driver, url)
            driver.find_element(By.XPATH, "//label[normalize-space()='Список']").click()
            wait(driver, ec.visibility_of_element_located((By.CSS_SELECTOR, "#apps-list .ag-row")))
            assert not driver.find_element(By.ID, "apps-board").is_displayed()
            rows = driver.find_elements(By.CSS_SELECTOR, "#apps-list .ag-center-cols-container .ag-row")
            assert len(rows) == 7
            header = driver.find_element(By.CSS_SELECTOR, "#apps-list .ag-header-cell[col-id='stage']")
            header.click()
            # in the stages' order, not the alphabet's
            wait(driver, lambda d: list_stages(d)[:5] == [*["Интересно"] * 2, *STAGES_AFTER_INTERESTED])
            assert list_stages(driver)[5:] == ["Оффер", "Отказ"]
            shot(driver, f"applications-list-ru-light-{device}")
        finally:
            driver.quit()


def test_a_card_moves_through_the_panel_and_apply_asks_whether_it_was_sent(site, engine) -> None:
    url = site["url"]
    driver = make_driver(1366, 900)
    try:
        log_in(driver, url)
        open_board(driver, url)

        # a card opens its panel; the stage moves with a note and a next step
        click(driver, card(910_001))
        wait(driver, ec.visibility_of_element_located((By.ID, "apps-details-title")))
        assert driver.find_element(By.ID, "apps-details-title").text == "Аналитик данных"
        Select(wait(driver, ec.presence_of_element_located(by_pid("stage", 910_001)))).select_by_value(
            "interview"
        )
        set_value(driver, by_pid("next", 910_001), "2026-12-12T15:00")
        set_value(driver, by_pid("next-note", 910_001), "Собеседование с тимлидом")
        note = driver.find_element(*by_pid("note", 910_001))
        note.send_keys(HOSTILE)
        click(driver, by_pid("save", 910_001))
        history = by_pid("history", 910_001)
        wait(driver, lambda d: "Интересно → Собеседование" in text_of(d, history))
        shown = driver.find_element(*history).text
        assert HOSTILE in shown  # the note reads as typed ...
        assert not driver.find_elements(By.CSS_SELECTOR, ".jh-app-panel img")  # ... and is no image
        assert "Следующий шаг: 12.12.2026 15:00 — Собеседование с тимлидом" in shown
        assert "Сохранено" in driver.find_element(*by_pid("status", 910_001)).text
        # the board behind redraws: the card sits under «Собеседование» now
        wait(driver, lambda d: in_column(d, "interview", 910_001))
        assert not in_column(driver, "interested", 910_001)
        shot(driver, "applications-panel-moved-ru-light")
        assert not [e for e in driver.get_log("browser") if "alert" in e.get("message", "")]

        # a quiet application offers «Нет ответа» in its panel too
        driver.find_element(By.CSS_SELECTOR, ".offcanvas .btn-close").click()
        wait(driver, ec.invisibility_of_element_located((By.ID, "apps-details-title")))
        click(driver, card(910_003))
        wait(driver, ec.visibility_of_element_located(by_pid("quiet", 910_003)))
        assert "Без ответа 16 дн." in text_of(driver, by_pid("quiet", 910_003))
        assert not driver.find_element(*by_pid("apply", 910_003)).is_displayed()  # applied already

        # «Откликнуться на hh.ru» opens the vacancy's page in a new tab and asks
        driver.find_element(By.CSS_SELECTOR, ".offcanvas .btn-close").click()
        wait(driver, ec.invisibility_of_element_located((By.ID, "apps-details-title")))
        click(driver, card(910_002))
        wait(driver, lambda d: text_of(d, (By.ID, "apps-details-title")) == "Backend-разработчик на Python")
        home = driver.current_window_handle
        apply = wait(driver, ec.element_to_be_clickable(by_pid("apply", 910_002)))
        assert apply.text == "Откликнуться на hh.ru"
        assert apply.get_attribute("href") == "https://hh.ru/vacancy/910002"
        assert apply.get_attribute("target") == "_blank"
        assert not driver.find_element(*by_pid("confirm", 910_002)).is_displayed()  # asked only after
        assert not driver.find_element(*by_pid("quiet", 910_002)).is_displayed()  # not quiet
        apply.click()
        wait(driver, lambda d: len(d.window_handles) == 2)
        driver.switch_to.window(home)
        confirm = wait(driver, ec.visibility_of_element_located(by_pid("confirm", 910_002)))
        assert "Отклик отправлен?" in confirm.text and "Привяжем резюме от" in confirm.text
        shot(driver, "applications-apply-question-ru-light")
        click(driver, by_pid("yes", 910_002))
        wait(driver, lambda d: "откликнулся с резюме от" in text_of(d, by_pid("body", 910_002)))
        assert "Интересно → Отклик отправлен" in driver.find_element(*by_pid("history", 910_002)).text
        wait(driver, lambda d: in_column(d, "applied", 910_002))
        assert "откликнулся с резюме от" in driver.find_element(*card(910_002)).text
        for handle in driver.window_handles:
            if handle != home:
                driver.switch_to.window(handle)
                driver.close()
        driver.switch_to.window(home)

        # the dark theme and a phone: the panel in English
        set_prefs(engine, site["user"], lang="en", theme="dark")
        driver.quit()
        driver = make_driver(390, 844)
        log_in(driver, url)
        open_board(driver, url)
        click(driver, card(910_001))
        history = by_pid("history", 910_001)
        wait(driver, lambda d: "Interested → Interview" in text_of(d, history))
        assert "Next step: 12.12.2026 15:00" in driver.find_element(*by_pid("body", 910_001)).text
        shot(driver, "applications-panel-en-dark-phone")
    finally:
        driver.quit()
