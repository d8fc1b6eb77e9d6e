"""The «Рынок» page in headless Chromium (issue #16): the charts draw the numbers
``domain.market.figures`` gives, in Russian (month names, thin-space thousands) and English,
light and dark (the charts re-theme when the navbar's switch flips), at a phone's width without
sideways scrolling; and a bar's «показать эти вакансии» opens the grid on exactly that bar's
count. Screenshots go to test-artifacts/screenshots/market-*.png and /work/shots/ when it exists."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain import market as domain_market
from domain.market.model import Scope
from tests.test_web_market import _age
from tests.web.browser import SHOTS, full_page_shot, make_driver, requires_chromium, shot, wait
from tests.web.support import PASSWORD, add_user, load_vacancies, serve
from webapp import queries
from webapp.app import create_app
from webapp.pages import market as page

pytestmark = [pytest.mark.slow, requires_chromium]

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402

SHARED_SHOTS = Path("/work/shots")


@pytest.fixture
def site(engine, settings_factory) -> Iterator[dict[str, Any]]:
    from datetime import UTC, datetime

    now = datetime.now(UTC).replace(microsecond=0)
    anna, (search,) = add_user(engine, "anna")
    rows = load_vacancies(engine, anna, search, 80, first_id=5_000, seed=11, now=now)
    _age(engine, rows, now)
    with serve(create_app(settings_factory(), engine)) as url:
        yield {"url": url, "user": anna, "search": search}


def keep(driver, name: str, *, full: bool = True) -> None:
    (full_page_shot if full else shot)(driver, name)
    if SHARED_SHOTS.is_dir():
        shutil.copy(SHOTS / f"{name}.png", SHARED_SHOTS / f"{name}.png")


def log_in(driver, url: str) -> None:
    driver.get(url + "/login")
    wait(driver, ec.presence_of_element_located((By.ID, "login")))
    driver.find_element(By.ID, "login").send_keys("anna")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, lambda d: "/login" not in d.current_url)


def graph_id(chart: str) -> str:
    return json.dumps({"chart": chart, "type": "mkt-graph"}, separators=(",", ":"))


def plotted(driver, chart: str, script: str) -> Any:
    """``script`` run on the chart's plotly div (``gd``), or None while it is not drawn."""
    return driver.execute_script(
        "const box = document.getElementById(arguments[0]);"
        "const gd = box && box.querySelector('.js-plotly-plot');"
        "if (!gd || !gd.data) { return null; }" + script,
        graph_id(chart),
    )


def open_market(driver, url: str, query: str = "") -> None:
    driver.get(url + "/market" + query)
    wait(driver, ec.presence_of_element_located((By.ID, "mkt-sum-vacancies")))
    wait(driver, lambda d: plotted(d, "histogram", "return gd.data[0].y.length;"))


def figures(engine, user_id: int, **scope: Any):
    with engine.connect() as conn:
        return domain_market.figures(conn, Scope(user_id=user_id, today=page.today(), **scope))


def set_prefs(engine, user_id: int, **values: str) -> None:
    with engine.begin() as conn:
        for key, value in values.items():
            queries.save_preference(conn, user_id, key, value)


def sideways(driver) -> int:
    return driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )


def test_the_page_draws_the_figures_in_russian_and_follows_the_theme(site, engine) -> None:
    expected = figures(engine, site["user"])
    driver = make_driver(1366, 900)
    try:
        log_in(driver, site["url"])
        open_market(driver, site["url"])
        assert driver.find_element(By.ID, "nav-market").text == "Рынок"
        assert driver.find_element(By.ID, "mkt-sum-vacancies").text == f"{expected.vacancies:,}".replace(
            ",", "\u00a0"
        )
        assert plotted(driver, "histogram", "return gd.data[0].y;") == [
            b.count for b in expected.salaries.histogram
        ]
        drawn = [b for b in expected.salaries.by_grade if b.count > 0][::-1]
        assert plotted(driver, "grade", "return gd.data[1].x;") == pytest.approx([b.median for b in drawn])
        # Russian: month names on the time axes, thin-space thousands and roubles on the money axes
        ticks = plotted(
            driver, "histogram", "return [...gd.querySelectorAll('.xtick text')].map(t => t.textContent);"
        )
        assert any("\u2009000\u00a0₽" in tick or "\u2009000 ₽" in tick for tick in ticks), ticks
        months = plotted(
            driver, "new", "return [...gd.querySelectorAll('.xtick text')].map(t => t.textContent).join(' ');"
        )
        assert any(
            m in months
            for m in ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
        ), months
        light = plotted(driver, "histogram", "return gd.layout.font.color;")
        keep(driver, "market-desktop-ru-light")
        driver.find_element(By.ID, "theme-switch").click()
        wait(driver, lambda d: plotted(d, "histogram", "return gd.layout.font.color;") not in (None, light))
        assert (
            driver.execute_script("return document.documentElement.getAttribute('data-bs-theme');") == "dark"
        )
    finally:
        driver.quit()


def test_english_dark_and_the_controls_in_the_address(site, engine) -> None:
    set_prefs(engine, site["user"], lang="en", theme="dark")
    expected = figures(engine, site["user"], days=90, search_id=site["search"])
    driver = make_driver(1366, 900)
    try:
        log_in(driver, site["url"])
        open_market(driver, site["url"], f"?scope=search:{site['search']}&days=90")
        assert driver.find_element(By.ID, "nav-market").text == "Market"
        assert driver.find_element(By.ID, "mkt-sum-vacancies").text == f"{expected.vacancies:,}"
        assert "Salary by experience" in driver.page_source and "Зарплата по опыту" not in driver.page_source
        assert plotted(driver, "histogram", "return gd.data[0].y;") == [
            b.count for b in expected.salaries.histogram
        ]
        keep(driver, "market-desktop-en-dark")
        driver.find_element(By.ID, "mkt-basis").click()
        driver.execute_script(
            "const s = document.getElementById('mkt-basis');"
            "const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set;"
            "set.call(s, 'gross'); s.dispatchEvent(new Event('change', {bubbles: true}));"
        )
        wait(driver, lambda d: "basis=gross" in d.current_url)
        assert f"scope=search%3A{site['search']}" in driver.current_url and "days=90" in driver.current_url
    finally:
        driver.quit()


def test_a_phone_shows_the_charts_one_a_row(site, engine) -> None:
    driver = make_driver(390, 844)
    try:
        log_in(driver, site["url"])
        open_market(driver, site["url"])
        assert sideways(driver) <= 1
        widths = driver.execute_script(
            "return [...document.querySelectorAll('.jh-mkt-card')]"
            ".map(c => Math.round(c.getBoundingClientRect().width));"
        )
        assert widths and max(widths) <= 390
        keep(driver, "market-phone-ru", full=False)
        driver.execute_script("document.getElementById('mkt-card-grade').scrollIntoView();")
        keep(driver, "market-phone-ru-charts", full=False)
    finally:
        driver.quit()


def test_a_bars_link_opens_the_grid_with_that_bars_count(site, engine) -> None:
    expected = figures(engine, site["user"])
    drawn = [b for b in expected.salaries.by_grade if b.count > 0][::-1]
    band = max(drawn, key=lambda b: b.count)
    index = drawn.index(band)
    driver = make_driver(1366, 900)
    try:
        log_in(driver, site["url"])
        open_market(driver, site["url"])
        # a click on the bar (plotly's own event, as a pointer's click on it raises)
        plotted(
            driver,
            "grade",
            f"gd.emit('plotly_click', {{points: [{{curveNumber: 0, pointNumber: {index}, "
            f"customdata: gd.data[0].customdata[{index}]}}]}}); return true;",
        )
        link = (
            By.XPATH,
            "//*[@id='" + json.dumps({"chart": "grade", "type": "mkt-link"}, separators=(",", ":")) + "']",
        )
        wait(driver, lambda d: "experience=" in (d.find_element(*link).get_attribute("href") or ""))
        driver.find_element(*link).click()
        wait(driver, lambda d: "/market" not in d.current_url)
        found = f"Найдено: {band.count}"
        seen: list[str] = []

        def status(d: Any) -> bool:
            seen.append(d.find_element(By.ID, "grid-status").text)
            return seen[-1] == found

        try:
            wait(driver, status, timeout=30)
        except Exception as error:
            model = driver.execute_script(
                "return JSON.stringify(window.dash_ag_grid.getApi('grid').getFilterModel());"
            )
            raise AssertionError(f"{driver.current_url}: {seen[-3:]} != {found}; {model}") from error
    finally:
        driver.quit()
