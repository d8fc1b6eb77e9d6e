"""The match score in headless Chromium: the score column with its bars, best match first, the
«match at least N» box, the details panel's breakdown and «what to learn»; screenshots light,
dark and at a phone's width in test-artifacts/screenshots/ (match-*.png)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from core.schema import user_vacancies
from domain.matching import learn
from domain.matching.store import rescore
from tests.web.browser import make_driver, requires_chromium, shot, wait
from tests.web.resume_support import add_vacancy, save_profile
from tests.web.support import PASSWORD, add_user, load_vacancies, serve
from webapp import queries
from webapp.app import create_app

pytestmark = [pytest.mark.slow, requires_chromium]

selenium = pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402

from domain.matching.weights import WEIGHTS  # noqa: E402

UNSCORED = 991_000_000
ASKS = [
    ["Python", "Django", "Kubernetes", "Apache Kafka"],
    ["Python", "Kubernetes", "Terraform"],
    ["Python", "Django", "PostgreSQL", "Kubernetes"],
]


@pytest.fixture
def site(engine, settings_factory) -> Iterator[dict]:
    """anna: a Python profile, 60 harvested and 3 hand-made vacancies scored, and one linked
    after the scoring (so it has no score yet)."""
    anna, searches = add_user(engine, "anna")
    load_vacancies(engine, anna, searches[0], 60, first_id=520_000_000, seed=4)
    for i, skills in enumerate(ASKS):
        add_vacancy(
            engine,
            anna,
            UNSCORED - 10 + i,
            name="Python-разработчик",
            key_skills=skills,
            description_text="Разработка сервисов. Требования: " + ", ".join(skills) + ".",
        )
    save_profile(engine, anna)
    rescore(engine, anna, today=date.today())
    add_vacancy(engine, anna, UNSCORED, name="Звездочёт обсерватории", key_skills=["Астрономия"])
    with engine.connect() as conn:
        scores = dict(
            conn.execute(
                select(user_vacancies.c.vacancy_id, user_vacancies.c.score).where(
                    user_vacancies.c.user_id == anna
                )
            ).all()
        )
    with serve(create_app(settings_factory(), engine)) as url:
        yield {"url": url, "user": anna, "scores": scores}


def log_in(driver, url: str) -> None:
    driver.get(url + "/")
    wait(driver, ec.presence_of_element_located((By.ID, "login")))
    driver.find_element(By.ID, "login").send_keys("anna")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".ag-row .jh-score")))


def shown_scores(driver) -> list[tuple[str, str | None, str | None]]:
    """(row id, the score cell's number, its bar's width) of the rendered rows, top to bottom."""
    return [
        tuple(row[1:])
        for row in driver.execute_script(
            """return [...document.querySelectorAll('.ag-center-cols-container .ag-row')].map(r => {
                   const value = r.querySelector('.jh-score-value');
                   const fill = r.querySelector('.jh-bar-fill');
                   return [Number(r.getAttribute('row-index')), r.getAttribute('row-id'),
                           value ? value.textContent : null, fill ? fill.style.width : null];
               }).sort((a, b) => a[0] - b[0]);"""
        )
    ]


def status(driver) -> str:
    return driver.find_element(By.ID, "grid-status").text


def test_scores_in_the_grid_and_the_details(site, engine) -> None:
    scores, url = site["scores"], site["url"]
    driver = make_driver()
    try:
        log_in(driver, url)
        wait(driver, lambda d: status(d) == "Найдено: 64")
        header = driver.find_element(By.CSS_SELECTOR, '.ag-header-cell[col-id="score"]')
        assert header.text == "Соответствие" and header.is_displayed()
        sorts = driver.execute_script(
            "return window.dash_ag_grid.getApi('grid').getColumnState().filter(c => c.sort)"
            ".map(c => [c.colId, c.sort]);"
        )
        assert sorts == [["score", "desc"]]  # best match first

        rows = shown_scores(driver)
        assert len(rows) >= 8
        best = sorted((s for s in scores.values() if s is not None), reverse=True)
        assert [int(value) for _, value, _ in rows] == best[: len(rows)]
        for vacancy_id, value, width in rows:  # each bar as long as its score
            assert int(value) == scores[int(vacancy_id)] and width == f"{value}%"
        bar = driver.find_element(By.CSS_SELECTOR, ".ag-row .jh-bar")
        assert bar.is_displayed() and bar.size["width"] > 20 and bar.size["height"] >= 6
        shot(driver, "match-grid-light")

        # «match at least N»: only those rows remain, as many as the database holds
        threshold = best[len(best) // 4]
        expected = sum(1 for s in scores.values() if s is not None and s >= threshold)
        box = driver.find_element(By.ID, "min-score")
        box.send_keys(str(threshold))
        wait(driver, lambda d: status(d) == f"Найдено: {expected}")
        assert all(int(value) >= threshold for _, value, _ in shown_scores(driver))
        # the column's own filter holds the same threshold (so the export and the menu agree)
        model = driver.execute_script("return window.dash_ag_grid.getApi('grid').getFilterModel();")
        assert model["score"]["type"] == "greaterThanOrEqual" and model["score"]["filter"] == threshold
        shot(driver, "match-filter-light")
        driver.find_element(By.ID, "reset-filters").click()
        wait(driver, lambda d: status(d) == "Найдено: 64")
        assert driver.find_element(By.ID, "min-score").get_attribute("value") == ""

        # an unscored vacancy shows an empty score, not 0
        driver.find_element(By.ID, "quick").send_keys("звездочёт")
        wait(driver, lambda d: status(d) == "Найдено: 1")
        wait(driver, lambda d: [r[0] for r in shown_scores(d)] == [str(UNSCORED)])
        assert shown_scores(driver) == [(str(UNSCORED), None, None)]
        cell = driver.find_element(By.CSS_SELECTOR, f'.ag-row[row-id="{UNSCORED}"] [col-id="score"]')
        assert cell.text == ""
        driver.find_element(By.ID, "reset-filters").click()
        wait(driver, lambda d: status(d) == "Найдено: 64")

        # the details of the best match: the breakdown, matched and missing skills, what to learn
        top = rows[0][0]
        wait(
            driver, ec.element_to_be_clickable((By.CSS_SELECTOR, f'.ag-row[row-id="{top}"] .jh-title'))
        ).click()
        parts = wait(driver, ec.visibility_of_element_located((By.ID, "details-match-parts")))
        assert f"{scores[int(top)]} из 100" in driver.find_element(By.ID, "details-match").text
        names = (("Навыки", "skills"), ("Должность", "title"), ("Опыт", "experience"), ("Зарплата", "salary"))
        for label, weight in ((label, WEIGHTS[key]) for label, key in names):
            assert label in parts.text and f"из {weight}" in parts.text
        assert driver.find_element(By.ID, "details-missing").is_displayed()
        listed = driver.find_element(By.ID, "details-learn")
        with engine.connect() as conn:
            ranked = learn.what_to_learn(conn, site["user"])
        assert listed.is_displayed()
        assert listed.text.splitlines() == [f"{skill} в {hits} из 50" for skill, hits in ranked]
        shot(driver, "match-details-light")

        with engine.begin() as conn:
            queries.save_preference(conn, site["user"], "theme", "dark")
        driver.refresh()
        wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".ag-row .jh-score")))
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("data-bs-theme") == "dark"
        shot(driver, "match-grid-dark")
        wait(
            driver, ec.element_to_be_clickable((By.CSS_SELECTOR, f'.ag-row[row-id="{top}"] .jh-title'))
        ).click()
        wait(driver, ec.visibility_of_element_located((By.ID, "details-match-parts")))
        shot(driver, "match-details-dark")
    finally:
        driver.quit()


def test_scores_at_a_phones_width_and_in_english(site, engine) -> None:
    with engine.begin() as conn:
        queries.save_preference(conn, site["user"], "lang", "en")
    driver = make_driver(390, 844)
    try:
        log_in(driver, site["url"])
        wait(driver, lambda d: status(d) == "Found: 64")
        box = driver.find_element(By.ID, "min-score")
        assert box.is_displayed() and box.size["width"] > 40
        assert "Match at least" in driver.find_element(By.CSS_SELECTOR, "label[for='min-score']").text
        score = driver.find_element(By.CSS_SELECTOR, ".ag-row .jh-score")
        assert score.is_displayed()
        shot(driver, "match-grid-phone-en")
        top = shown_scores(driver)[0][0]
        wait(
            driver, ec.element_to_be_clickable((By.CSS_SELECTOR, f'.ag-row[row-id="{top}"] .jh-title'))
        ).click()
        parts = wait(driver, ec.visibility_of_element_located((By.ID, "details-match-parts")))
        assert "Skills" in parts.text and f"of {WEIGHTS['skills']}" in parts.text
        driver.execute_script("arguments[0].scrollIntoView()", parts)
        shot(driver, "match-details-phone-en")
        assert "What to learn" in driver.find_element(By.ID, "details-match").text
    finally:
        driver.quit()
