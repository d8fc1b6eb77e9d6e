"""The grid's sorts in a real browser (issue 17): a sort by title scrolls past the first block in
the database's order without a repeated or missing row, an unsortable column stays unsorted when
clicked and its header's tooltip says why, and the key-skills column is there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from core.schema import user_vacancies, vacancies
from tests.web.browser import make_driver, requires_chromium, shot, wait
from tests.web.support import PASSWORD, add_user, load_vacancies, serve
from webapp.app import create_app

pytestmark = requires_chromium

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402

N = 160


@pytest.fixture
def site(engine, settings_factory) -> Iterator[dict]:
    anna, searches = add_user(engine, "anna")
    load_vacancies(engine, anna, searches[0], N, first_id=630_000_000, seed=9)
    app = create_app(settings_factory(), engine)
    with serve(app) as url:
        yield {"url": url, "user": anna}


def by_title(engine, user_id: int) -> list[str]:
    with engine.connect() as conn:
        query = (
            select(vacancies.c.id)
            .select_from(user_vacancies.join(vacancies, vacancies.c.id == user_vacancies.c.vacancy_id))
            .where(user_vacancies.c.user_id == user_id)
            .order_by(vacancies.c.name, vacancies.c.id)
        )
        return [str(i) for i in conn.execute(query).scalars()]


def header(driver, col_id: str):
    return driver.find_element(By.CSS_SELECTOR, f'.ag-header-cell[col-id="{col_id}"]')


def test_sorting_scrolling_and_the_unsortable_columns(site, engine) -> None:
    driver = make_driver()
    try:
        driver.get(site["url"] + "/")
        wait(driver, ec.presence_of_element_located((By.ID, "login")))
        driver.find_element(By.ID, "login").send_keys("anna")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".ag-row .jh-title")))
        expected = by_title(engine, site["user"])

        header(driver, "name").find_element(By.CSS_SELECTOR, ".ag-header-cell-label").click()
        wait(driver, lambda d: header(d, "name").get_attribute("aria-sort") == "ascending")
        first_row = '.ag-center-cols-container .ag-row[row-index="0"]'
        wait(
            driver,
            lambda d: d.find_element(By.CSS_SELECTOR, first_row).get_attribute("row-id") == expected[0],
        )
        # scroll to the end: the second block continues the first, in the database's order
        seen: dict[int, str] = {}

        def collect(d) -> bool:
            d.execute_script(
                "const v = document.querySelector('.ag-body-viewport'); v.scrollTop = v.scrollHeight;"
            )
            for row in d.find_elements(By.CSS_SELECTOR, ".ag-center-cols-container .ag-row[row-id]"):
                index, rid = row.get_attribute("row-index"), row.get_attribute("row-id")
                if index is not None and rid:
                    seen[int(index)] = rid
            return N - 1 in seen

        wait(driver, collect)
        assert all(seen[i] == expected[i] for i in seen), "a row out of the database's order"
        shot(driver, "grid-sorted-by-title")

        # times seen: clicking its header sorts nothing; the grid holds the tooltip that says why
        times = header(driver, "times_seen")
        driver.execute_script("arguments[0].scrollIntoView({inline: 'center'});", times)
        times.find_element(By.CSS_SELECTOR, ".ag-header-cell-label").click()
        assert times.get_attribute("aria-sort") in (None, "none")
        assert header(driver, "name").get_attribute("aria-sort") == "ascending"
        tooltip = driver.execute_script(
            "return window.dash_ag_grid.getApi('grid').getColumnDef('times_seen').headerTooltip;"
        )
        assert tooltip.startswith("Не сортируется")
        shot(driver, "grid-unsortable-column")
        assert "Ключевые навыки" in header(driver, "skills").text
    finally:
        driver.quit()
