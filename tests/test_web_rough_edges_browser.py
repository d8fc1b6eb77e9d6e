"""The rough edges a new user hit (issue 12), in headless Chromium: a round salary saves, opening a
vacancy writes nothing, English cells, headers and placeholders that fit, a phone layout that
reads, quiet badges in the dark theme; and screenshots of every page in Russian and English,
light and dark, on a desktop (1366 px) and a phone (390 px) in test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from core.schema import etl_runs, searches, user_vacancies
from tests.web.browser import full_page_shot, make_driver, requires_chromium, shot, wait
from tests.web.resume_support import save_profile
from tests.web.support import PASSWORD, add_user, load_vacancies, serve
from webapp import queries
from webapp.app import create_app

pytestmark = [pytest.mark.slow, requires_chromium]

selenium = pytest.importorskip("selenium")
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402

FIRST = 620_000_000


def remote(item: dict) -> None:
    if int(item["id"]) % 2:
        item["work_format"] = [{"id": "REMOTE", "name": "Удалённо"}]


@pytest.fixture
def site(engine, settings_factory) -> Iterator[dict]:
    anna, ids = add_user(engine, "anna", role="admin", searches=2)
    rows = load_vacancies(engine, anna, ids[0], 60, first_id=FIRST, seed=7, mutate=remote)
    save_profile(engine, anna)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with engine.begin() as conn:
        for trigger, started, window in (
            ("scheduled", now - timedelta(minutes=50), (now - timedelta(hours=1), now)),
            (
                "backfill",
                now - timedelta(minutes=10),
                (now - timedelta(days=3), now - timedelta(days=3, hours=-1)),
            ),
        ):
            conn.execute(
                insert(etl_runs).values(
                    source="hh",
                    run_id=f"{trigger}__x",
                    search_id=ids[0],
                    search_name="Поиск 1",
                    user_id=anna,
                    trigger=trigger,
                    started_at=started,
                    finished_at=started + timedelta(minutes=1),
                    window_from=window[0],
                    window_to=window[1],
                    status="success",
                    found=1234,
                    new=56,
                )
            )
    with serve(create_app(settings_factory(), engine)) as url:
        yield {"url": url, "rows": rows, "user": anna, "searches": ids}


@pytest.fixture
def browser() -> Iterator:
    driver = make_driver()
    try:
        yield driver
    finally:
        driver.quit()


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


def marks(engine, vacancy_id: int) -> tuple:
    with engine.connect() as conn:
        return conn.execute(
            select(user_vacancies.c.is_favourite, user_vacancies.c.updated_at).where(
                user_vacancies.c.vacancy_id == vacancy_id
            )
        ).one()


def _title(driver) -> str:
    try:
        return driver.find_element(By.ID, "details-title").text
    except (NoSuchElementException, StaleElementReferenceException):
        return ""


def open_row(driver, row: dict) -> None:
    """Click the row's title and wait for its details panel."""
    title = f'.ag-row[row-id="{row["id"]}"] .jh-title'
    wait(driver, ec.element_to_be_clickable((By.CSS_SELECTOR, title))).click()
    wait(driver, lambda d: _title(d) == row["name"])
    wait(driver, ec.visibility_of_element_located((By.ID, "details-title")))


def close_panel(driver) -> None:
    """Close the details panel once its close button can take a click (it slides in first)."""
    wait(driver, ec.element_to_be_clickable((By.CSS_SELECTOR, ".offcanvas .btn-close"))).click()
    wait(driver, ec.invisibility_of_element_located((By.CSS_SELECTOR, ".offcanvas.show")))


def newest(rows: list[dict], n: int) -> list[dict]:
    return sorted(rows, key=lambda r: r["published_at"], reverse=True)[:n]


# -- 1. a round salary -------------------------------------------------------------------------------------


def test_a_round_salary_is_saved(site, browser, engine) -> None:
    log_in(browser, site["url"])
    browser.get(site["url"] + "/searches")
    wait(browser, ec.element_to_be_clickable((By.ID, "search-new"))).click()
    wait(browser, ec.visibility_of_element_located((By.ID, "search-name"))).send_keys("Круглая зарплата")
    salary = browser.find_element(By.ID, "search-salary")
    salary.send_keys("200000")
    assert browser.execute_script("return arguments[0].validity.valid", salary)
    browser.find_element(By.ID, "search-save").click()
    wait(browser, lambda d: "Круглая зарплата" in d.find_element(By.ID, "searches-list").text)
    assert "≥ 200 000 RUR" in browser.find_element(By.ID, "searches-list").text.replace("\u00a0", " ")
    with engine.connect() as conn:
        saved = conn.execute(
            select(searches.c.salary).where(searches.c.name == "Круглая зарплата")
        ).scalar_one()
    assert saved == 200_000


# -- 3. opening a vacancy writes nothing ------------------------------------------------------------------


def test_opening_a_vacancy_writes_nothing_and_a_quick_favourite_is_kept(site, browser, engine) -> None:
    first, second, third = newest(site["rows"], 3)
    before = {r["id"]: marks(engine, r["id"]) for r in (first, second)}
    log_in(browser, site["url"])
    open_row(browser, first)
    close_panel(browser)
    open_row(browser, second)  # the panel renders new switches: Dash calls the mark callback
    close_panel(browser)
    # a favourite set the moment the panel opens
    open_row(browser, third)
    wait(browser, ec.element_to_be_clickable((By.CSS_SELECTOR, "input[id*='is_favourite']"))).click()
    wait(browser, lambda d: "Сохранено" in d.find_element(By.ID, "mark-status").text)
    wait(browser, lambda d: marks(engine, third["id"])[0] is True)
    # only the user's click wrote: the two vacancies merely opened are as they were
    assert {r["id"]: marks(engine, r["id"]) for r in (first, second)} == before
    close_panel(browser)
    open_row(browser, third)
    assert browser.find_element(By.ID, "mark-status").text == ""
    assert browser.find_element(By.CSS_SELECTOR, "input[id*='is_favourite']").is_selected()
    assert marks(engine, third["id"])[0] is True


# -- 4 and 6. English, widths, the phone, the dark theme -----------------------------------------------------


def fits(driver, element) -> bool:
    return driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth + 1", element)


def header_text(driver, col_id: str):
    found = driver.find_elements(By.CSS_SELECTOR, f'.ag-header-cell[col-id="{col_id}"] .ag-header-cell-text')
    return found[0] if found else None


def placeholder_fits(driver) -> bool:
    return driver.execute_script(
        """const box = document.getElementById('quick');
        const style = getComputedStyle(box);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = style.font;
        const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return ctx.measureText(box.placeholder).width <= room;"""
    )


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_headers_and_the_search_placeholder_fit_on_a_desktop(site, browser, engine, lang) -> None:
    prefer(engine, site["user"], lang=lang)
    log_in(browser, site["url"])
    shot(browser, f"ux-toolbar-{lang}")
    assert placeholder_fits(browser)
    for col_id in ("salary_from_rub", "salary_to_rub", "published_at"):  # in view at 1366 px
        assert fits(browser, header_text(browser, col_id)), col_id
    browser.execute_script("document.querySelector('.ag-body-horizontal-scroll-viewport').scrollLeft = 3000")
    for col_id in ("first_seen_at", "times_seen"):
        header = wait(browser, lambda d, c=col_id: header_text(d, c))
        assert fits(browser, header), col_id


def test_english_grid_cells_and_details(site, browser, engine) -> None:
    prefer(engine, site["user"], lang="en")
    row = next(r for r in newest(site["rows"], 10) if int(r["source_id"]) % 2)
    log_in(browser, site["url"])
    cell = f'.ag-row[row-id="{row["id"]}"] .ag-cell[col-id="work_format"]'
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, cell).text == "Remote")
    open_row(browser, row)
    facts = browser.find_element(By.CSS_SELECTOR, ".jh-facts").text
    assert "Remote" in facts and "Удалённо" not in facts
    assert not any(word in facts for word in ("Нет опыта", "От 1 года", "От 3 до", "Более 6"))


def test_the_dark_themes_skill_badges_are_not_white(site, browser, engine) -> None:
    prefer(engine, site["user"], theme="dark")
    row = newest(site["rows"], 1)[0]
    log_in(browser, site["url"])
    open_row(browser, row)
    badges = browser.find_elements(By.CSS_SELECTOR, ".jh-details .badge.border")  # the key skills
    assert badges
    colour = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", badges[0])
    red, green, blue = (int(x) for x in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    assert max(red, green, blue) < 100, colour


def test_a_phone_shows_names_and_stacks_the_profile(site, engine) -> None:
    driver = make_driver(390, 844)
    try:
        log_in(driver, site["url"])
        assert driver.execute_script("return window.innerWidth") == 390
        assert placeholder_fits(driver)
        driver.get(site["url"] + "/admin/users")
        cell = wait(
            driver,
            ec.presence_of_element_located((By.CSS_SELECTOR, '#admin-users .ag-cell[col-id="display_name"]')),
        )
        assert cell.size["width"] >= 120 and fits(driver, cell)
        driver.get(site["url"] + "/profile")
        links = wait(driver, ec.presence_of_element_located((By.ID, "resume-links")))
        summary = driver.find_element(By.ID, "resume-summary")
        assert summary.location["y"] >= links.location["y"] + links.size["height"]  # one under the other
        assert summary.size["width"] >= 300
    finally:
        driver.quit()


# -- 9. the harvest log's window, seen ---------------------------------------------------------------------


def test_the_harvest_log_shows_a_backfills_hour_and_translated_triggers(site, browser) -> None:
    log_in(browser, site["url"])
    browser.get(site["url"] + "/admin/runs")
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '#admin-runs .ag-row[row-index="0"]')))
    first = '#admin-runs .ag-row[row-index="0"] .ag-cell[col-id="{}"]'
    assert browser.find_element(By.CSS_SELECTOR, first.format("trigger")).text == "дозагрузка"
    window = browser.find_element(By.CSS_SELECTOR, first.format("window")).text
    assert "–" in window and len(window) == len("01.12.2026, 10:00–11:00"), window
    found = browser.find_element(By.CSS_SELECTOR, first.format("found")).text
    assert found.replace("\u00a0", " ") == "1 234"  # as the card's "найдено 1 234" reads


# -- screenshots of every page ------------------------------------------------------------------------------


PAGES = [
    ("vacancies", "/", ".ag-row .jh-title"),
    ("details", "/", ".ag-row .jh-title"),
    ("searches", "/searches", ".jh-search-card"),
    ("profile", "/profile", "#resume-name"),
    ("users", "/admin/users", "#admin-users .ag-row"),
    ("runs", "/admin/runs", "#admin-runs .ag-row"),
]


def test_screenshots_of_every_page_in_both_languages_themes_and_widths(site, engine) -> None:
    for width, height, size in ((1366, 768, "desktop"), (390, 844, "phone")):
        driver = make_driver(width, height)
        try:
            log_in(driver, site["url"])
            for lang in ("ru", "en"):
                for theme in ("light", "dark"):
                    prefer(engine, site["user"], lang=lang, theme=theme)
                    for name, path, ready in PAGES:
                        driver.get(site["url"] + path)
                        wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ready)))
                        html = driver.find_element(By.TAG_NAME, "html")
                        assert (html.get_attribute("lang"), html.get_attribute("data-bs-theme")) == (
                            lang,
                            theme,
                        )
                        label = f"ux-{name}-{lang}-{theme}-{size}"
                        if name == "details":
                            open_row(driver, newest(site["rows"], 1)[0])
                            shot(driver, label)
                            driver.execute_script(  # the skills and the description further down
                                "document.querySelector('.jh-details .offcanvas-body').scrollTop = 900"
                            )
                            shot(driver, label.replace("details", "details-skills"))
                        elif name in ("profile", "searches"):
                            full_page_shot(driver, label)
                        else:
                            shot(driver, label)
        finally:
            driver.quit()
