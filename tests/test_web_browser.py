"""The web app in headless Chromium (Debian's chromium and chromium-driver), served by a real
HTTP server thread: log in, rows, filter, details, favourite survives a reload, a ban hides the
row, log out; screenshots of every page in light and dark go to test-artifacts/screenshots/."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.web.browser import make_driver, requires_chromium, shot, wait
from tests.web.support import PASSWORD, add_user, load_vacancies, serve
from webapp.app import create_app

pytestmark = [pytest.mark.slow, requires_chromium]

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402


@pytest.fixture
def site(engine, settings_factory) -> Iterator[dict]:
    anna, searches = add_user(engine, "anna", role="admin", searches=2)
    rows = load_vacancies(engine, anna, searches[0], 150, first_id=500_000_000, seed=5)
    app = create_app(settings_factory(), engine)
    with serve(app) as url:
        yield {"url": url, "rows": rows}


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    driver = make_driver()
    try:
        yield driver
    finally:
        driver.quit()


def log_in(driver, url: str, login: str = "anna") -> None:
    driver.get(url + "/")
    wait(driver, ec.presence_of_element_located((By.ID, "login")))
    driver.find_element(By.ID, "login").send_keys(login)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".ag-row .jh-title")))


def grid_titles(driver) -> list[str]:
    cells = driver.find_elements(By.CSS_SELECTOR, ".ag-center-cols-container .ag-row .jh-title")
    return [c.text for c in cells if c.text]


def row_ids(driver) -> set[str]:
    return {
        r.get_attribute("row-id")
        for r in driver.find_elements(By.CSS_SELECTOR, ".ag-center-cols-container .ag-row")
    }


def status(driver) -> str:
    return driver.find_element(By.ID, "grid-status").text


def test_a_user_works_through_the_vacancies(site, browser) -> None:
    url, rows = site["url"], site["rows"]
    log_in(browser, url)
    wait(browser, lambda d: status(d) == "Найдено: 150")
    assert len(grid_titles(browser)) >= 8
    newest = max(rows, key=lambda r: r["published_at"])
    assert grid_titles(browser)[0] == newest["name"]
    assert browser.find_element(By.CSS_SELECTOR, ".ag-header-cell-text").text  # Russian headers
    assert "Должность" in browser.page_source and "Работодатель" in browser.page_source

    # filter: the quick search box runs in PostgreSQL
    word = "курьер" if any("Курьер" in r["name"] for r in rows) else rows[0]["name"].split()[0].lower()
    quick = browser.find_element(By.ID, "quick")
    quick.send_keys(word)
    wait(browser, lambda d: status(d) != "Найдено: 150")
    expected = status(browser)
    assert expected.startswith("Найдено:")
    assert all(word[:5] in t.lower() for t in grid_titles(browser)[:3]) or grid_titles(browser)
    quick.clear()
    browser.find_element(By.ID, "reset-filters").click()
    wait(browser, lambda d: status(d) == "Найдено: 150")

    # details: click the first row's title
    first_id = newest["id"]
    first = f'.ag-row[row-id="{first_id}"] .jh-title'
    wait(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, first))).click()
    title = wait(browser, ec.visibility_of_element_located((By.ID, "details-title")))
    assert title.text == newest["name"]
    shot(browser, "details-light")

    # favourite: switch it on in the panel; it shows in the grid and survives a reload
    favourite = browser.find_element(By.CSS_SELECTOR, "input[id*='is_favourite']")
    favourite.click()
    wait(browser, lambda d: "Сохранено" in d.find_element(By.ID, "mark-status").text)
    wait(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, ".offcanvas .btn-close"))).click()
    browser.refresh()
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ".ag-row .jh-title")))
    star = wait(
        browser, ec.presence_of_element_located((By.CSS_SELECTOR, f'.ag-row[row-id="{first_id}"] .jh-star'))
    )
    assert "jh-star-on" in star.get_attribute("class") and star.text == "★"

    # ban: the row leaves the grid
    wait(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, first))).click()
    wait(browser, ec.visibility_of_element_located((By.ID, "details-title")))
    wait(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, "input[id*='is_banned']"))).click()
    wait(browser, lambda d: "Сохранено" in d.find_element(By.ID, "mark-status").text)
    wait(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, ".offcanvas .btn-close"))).click()
    wait(browser, lambda d: str(first_id) not in row_ids(d))
    browser.refresh()
    wait(browser, lambda d: status(d) == "Найдено: 149")
    assert str(first_id) not in row_ids(browser)

    # log out
    browser.find_element(By.ID, "user-menu").click()
    wait(browser, ec.element_to_be_clickable((By.ID, "logout-button"))).click()
    wait(browser, ec.presence_of_element_located((By.ID, "login")))
    assert "Вы вышли" in browser.page_source
    browser.get(url + "/")
    wait(browser, ec.presence_of_element_located((By.ID, "login")))


def test_screenshots_of_every_page_in_light_and_dark(site, browser) -> None:
    url = site["url"]
    browser.get(url + "/login")
    wait(browser, ec.presence_of_element_located((By.ID, "login")))
    shot(browser, "login-light")
    log_in(browser, url)
    pages = [
        ("vacancies", "/", ".ag-row .jh-title"),
        ("searches", "/searches", ".jh-search-card"),
        ("users", "/admin/users", "#admin-users .ag-row"),
        ("runs", "/admin/runs", "#admin-runs"),
    ]
    for theme in ("light", "dark"):
        if theme == "dark":
            browser.get(url + "/")
            wait(browser, ec.presence_of_element_located((By.ID, "theme-switch")))
            browser.find_element(By.ID, "theme-switch").click()
            wait(
                browser,
                lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("data-bs-theme") == "dark",
            )
        for name, path, ready in pages:
            browser.get(url + path)
            wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ready)))
            assert browser.find_element(By.TAG_NAME, "html").get_attribute("data-bs-theme") == theme
            shot(browser, f"{name}-{theme}")
    # the dark theme is remembered for this user, and the login page follows it after logout
    browser.find_element(By.ID, "user-menu").click()
    wait(browser, ec.element_to_be_clickable((By.ID, "logout-button"))).click()
    wait(browser, ec.presence_of_element_located((By.ID, "login")))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("data-bs-theme") == "dark"
    shot(browser, "login-dark")


def test_phone_width_and_english(site) -> None:
    driver = make_driver(390, 844)
    try:
        log_in(driver, site["url"])
        shot(driver, "vacancies-phone")
        driver.find_element(By.ID, "nav-toggler").click()
        switch = wait(driver, ec.visibility_of_element_located((By.ID, "lang-switch")))
        time.sleep(0.5)  # the menu slides open
        switch.click()
        wait(driver, lambda d: d.execute_script("return document.documentElement.lang") == "en")
        wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".ag-row .jh-title")))
        assert (
            "Employer" in driver.page_source
            and "Found: 150" in driver.find_element(By.ID, "grid-status").text
        )
        shot(driver, "vacancies-phone-en")
    finally:
        driver.quit()


def test_demo_data_is_labelled_in_the_browser(engine, settings_factory, browser) -> None:
    from sqlalchemy import update

    from core.passwords import hash_password
    from core.schema import users
    from etl.demo import load_demo

    load_demo(engine, count=400)
    with engine.begin() as conn:  # a known password for the test
        conn.execute(
            update(users).where(users.c.login == "demo").values(password_hash=hash_password(PASSWORD))
        )
    with serve(create_app(settings_factory(), engine)) as url:
        log_in(browser, url, "demo")
        badge = wait(browser, ec.visibility_of_element_located((By.ID, "demo-badge")))
        assert badge.text == "Демо-данные"
        assert len(grid_titles(browser)) >= 10
        shot(browser, "demo-grid-light")
