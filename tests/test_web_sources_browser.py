"""Vacancy sources in headless Chromium: the source column with its "also on …" marker, the details
panel's board badge, board link and duplicate group, a split that gives the group's second
vacancy a row of its own, and the editor's note on what a board cannot filter by; screenshots in
Russian and English, light and dark, desktop (1366 px) and phone (390 px) in
test-artifacts/screenshots/src-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from core.schema import vacancies
from tests.web.browser import full_page_shot, make_driver, requires_chromium, shot, wait
from tests.web.support import PASSWORD, add_user, load_vacancies, serve
from webapp import queries
from webapp.app import create_app

pytestmark = [pytest.mark.slow, requires_chromium]

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402


@pytest.fixture
def site(engine, settings_factory) -> Iterator[dict]:
    anna, ids = add_user(engine, "anna")
    hh = load_vacancies(engine, anna, ids[0], 20, first_id=1_000, seed=7)
    sj = load_vacancies(engine, anna, ids[0], 10, first_id=5_000, seed=8, source="superjob")
    tv = load_vacancies(engine, anna, ids[0], 8, first_id=7_000, seed=9, source="trudvsem")
    first = max(hh, key=lambda r: r["published_at"])  # the newest: the group's row is at the top
    copy = sj[0]
    with engine.begin() as conn:
        conn.execute(
            update(vacancies)
            .where(vacancies.c.id.in_([first["id"], copy["id"]]))
            .values(group_id=min(first["id"], copy["id"]))
        )
        conn.execute(  # the same job on SuperJob: its title and employer as on hh.ru
            update(vacancies)
            .where(vacancies.c.id == copy["id"])
            .values(name=first["name"], employer_name=first["employer_name"])
        )
    with serve(create_app(settings_factory(), engine)) as url:
        yield {"url": url, "user": anna, "first": first, "copy": copy, "tv": tv}


def log_in(driver, url: str) -> None:
    driver.get(url + "/login")
    wait(driver, ec.presence_of_element_located((By.ID, "login")))
    driver.find_element(By.ID, "login").send_keys("anna")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".ag-row .jh-title")))


def prefer(engine, user_id: int, **values: str) -> None:
    with engine.begin() as conn:
        for key, value in values.items():
            queries.save_preference(conn, user_id, key, value)


def loaded(driver, vacancy_id: int) -> bool:
    """Is the vacancy among the grid's loaded rows (rendered or not)?"""
    return driver.execute_script(
        "const api = window.dash_ag_grid.getApi('grid'); return !!api.getRowNode(arguments[0]);",
        str(vacancy_id),
    )


def open_first(driver, site: dict) -> None:
    cell = f'.ag-row[row-id="{site["first"]["id"]}"] .jh-title'
    wait(driver, ec.element_to_be_clickable((By.CSS_SELECTOR, cell))).click()
    wait(driver, ec.visibility_of_element_located((By.ID, "details-group")))


def test_the_source_column_details_and_split_in_a_browser(site, engine) -> None:
    driver = make_driver(1366, 768)
    try:
        log_in(driver, site["url"])
        first, copy = site["first"], site["copy"]
        marker = f'.ag-row[row-id="{first["id"]}"] .jh-source-cell'
        cell = wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, marker)))
        assert cell.text.replace("\n", " ") == "hh.ru также на SuperJob"
        assert not loaded(driver, copy["id"])
        open_first(driver, site)
        assert driver.find_element(By.ID, "details-source").text == "hh.ru"
        link = driver.find_element(By.ID, "details-board-link")
        assert link.text == "Открыть на hh.ru" and link.get_attribute("href") == first["url"]
        members = driver.find_element(By.ID, "details-group-members")
        assert "SuperJob" in members.text
        assert members.find_element(By.TAG_NAME, "a").get_attribute("href") == copy["url"]
        driver.find_element(By.ID, "details-split").click()
        wait(driver, ec.visibility_of_element_located((By.ID, "details-unsplit")))
        driver.find_element(By.CSS_SELECTOR, ".offcanvas .btn-close").click()
        wait(driver, ec.invisibility_of_element_located((By.CSS_SELECTOR, ".offcanvas.show")))
        # the grid reloads its blocks: the copy has its row, the first one no marker
        wait(driver, lambda d: loaded(d, copy["id"]))
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, marker).text == "hh.ru")
    finally:
        driver.quit()


def test_screenshots_of_sources_in_both_languages_themes_and_widths(site, engine) -> None:
    for width, height, size in ((1366, 768, "desktop"), (390, 844, "phone")):
        driver = make_driver(width, height)
        try:
            log_in(driver, site["url"])
            for lang in ("ru", "en"):
                for theme in ("light", "dark"):
                    prefer(engine, site["user"], lang=lang, theme=theme)
                    label = f"{lang}-{theme}-{size}"
                    driver.get(site["url"] + "/")
                    wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".ag-row .jh-source")))
                    html = driver.find_element(By.TAG_NAME, "html")
                    assert (html.get_attribute("lang"), html.get_attribute("data-bs-theme")) == (lang, theme)
                    shot(driver, f"src-grid-{label}")
                    open_first(driver, site)
                    shot(driver, f"src-details-{label}")
                    driver.execute_script("document.getElementById('details-group').scrollIntoView()")
                    shot(driver, f"src-details-group-{label}")
                    driver.get(site["url"] + "/searches")
                    wait(driver, ec.element_to_be_clickable((By.ID, "search-new"))).click()
                    wait(driver, ec.visibility_of_element_located((By.ID, "search-name"))).send_keys("Python")
                    driver.find_element(By.ID, "search-text").send_keys("python")
                    for box in driver.find_elements(By.CSS_SELECTOR, "#search-work-formats input")[:1]:
                        box.click()
                    for box in driver.find_elements(By.CSS_SELECTOR, "#search-sources input")[1:]:
                        box.click()  # Работа России and SuperJob
                    said = "не фильтрует: формат работы" if lang == "ru" else "cannot filter by: work format"
                    # the list re-renders as each box's callback lands: read it until it says so
                    wait(
                        driver,
                        lambda d, said=said: said in d.find_element(By.ID, "search-unsupported-list").text,
                    )
                    driver.execute_script(
                        "document.querySelector('#search-editor .modal-body').scrollTop = 10000"
                    )
                    shot(driver, f"src-editor-{label}")
        finally:
            driver.quit()


def test_full_page_of_the_searches_shows_each_searchs_boards(site, engine) -> None:
    from core.searches import create_search

    with engine.begin() as conn:
        create_search(conn, site["user"], name="Только SuperJob", text="python", sources=["superjob"])
    driver = make_driver(1366, 768)
    try:
        log_in(driver, site["url"])
        driver.get(site["url"] + "/searches")
        wait(driver, lambda d: "Только SuperJob" in d.find_element(By.ID, "searches-list").text)
        text = driver.find_element(By.ID, "searches-list").text
        assert "Сайты: SuperJob" in text and "Сайты: все подключённые сайты" in text
        full_page_shot(driver, "src-searches-ru-light-desktop")
    finally:
        driver.quit()
