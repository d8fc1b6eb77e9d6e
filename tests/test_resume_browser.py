"""The whole story in headless Chromium: a new user fills their profile, opens a vacancy, generates,
reviews what the truthfulness check changed and downloads a resume and a cover letter — first
without GigaChat (the offline template), then with their own key against the fake GigaChat, which
invents experience that never reaches the files. Screenshots of the profile page and the panel in
light and dark go to test-artifacts/screenshots/."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from sqlalchemy import update

from core.schema import users
from testing.fakes.gigachat import INVENTED_EMPLOYER, INVENTED_SKILL, FakeGigaChat
from tests.web.browser import full_page_shot, make_driver, requires_chromium, wait
from tests.web.resume_support import add_vacancy
from tests.web.support import PASSWORD, add_user, serve
from webapp.app import create_app

pytestmark = [pytest.mark.slow, requires_chromium]

selenium = pytest.importorskip("selenium")
from selenium.common.exceptions import ElementClickInterceptedException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402


@pytest.fixture(autouse=True)
def no_stray_gigachat_env(monkeypatch) -> None:
    import os

    for name in list(os.environ):
        if name.upper().startswith("GIGACHAT_"):
            monkeypatch.delenv(name)


def by_pid(**pid) -> tuple[str, str]:
    """A pattern-matching Dash id as the DOM carries it."""
    return By.XPATH, "//*[@id='" + json.dumps(pid, sort_keys=True, separators=(",", ":")) + "']"


def click(driver, locator: tuple[str, str]) -> None:
    element = wait(driver, ec.element_to_be_clickable(locator))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    try:
        element.click()
    except ElementClickInterceptedException:  # the sticky save bar
        driver.execute_script("arguments[0].click();", element)


def type_into(driver, locator: tuple[str, str], text: str) -> None:
    element = wait(driver, ec.presence_of_element_located(locator))
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.clear()
    element.send_keys(text)


def downloaded(folder: Path, count: int, timeout: float = 20) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(p for p in folder.glob("*.docx"))
        if len(files) >= count and not list(folder.glob("*.crdownload")):
            return files
        time.sleep(0.1)
    raise AssertionError(f"downloads: {sorted(p.name for p in folder.iterdir())}")


def docx_text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


@pytest.fixture
def site(engine, settings_factory) -> Iterator[dict]:
    anna, _ = add_user(engine, "anna")
    add_vacancy(engine, anna, 700_001)
    with FakeGigaChat() as fake:
        settings = settings_factory(gigachat_base_url=fake.base_url, gigachat_auth_url=fake.auth_url)
        with serve(create_app(settings, engine)) as url:
            yield {"url": url, "fake": fake, "user": anna}


def log_in(driver, url: str) -> None:
    driver.get(url + "/login")
    wait(driver, ec.presence_of_element_located((By.ID, "login")))
    driver.find_element(By.ID, "login").send_keys("anna")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait(driver, lambda d: "/login" not in d.current_url)


def open_vacancy(driver, url: str, vacancy_id: int = 700_001) -> None:
    """The grid, then the vacancy's details panel (where the documents panel lives)."""
    driver.get(url + "/")
    row = f".ag-center-cols-container .ag-row[row-id='{vacancy_id}'] .jh-title"
    wait(driver, ec.element_to_be_clickable((By.CSS_SELECTOR, row))).click()
    wait(driver, ec.visibility_of_element_located((By.ID, "details-title")))


def generate_and_download(driver, downloads: Path, before: int) -> tuple[Path, Path]:
    click(driver, (By.ID, "docs-generate"))
    spinner = wait(driver, ec.presence_of_element_located((By.ID, "docs-working")))
    wait(driver, ec.staleness_of(spinner), timeout=40)  # the spinner goes when the documents are ready
    wait(driver, ec.presence_of_element_located((By.ID, "docs-truth")))
    click(
        driver,
        (By.XPATH, '//button[contains(@id,\'"where":"result"\') and contains(@id,\'"kind":"resume"\')]'),
    )
    downloaded(downloads, before + 1)
    click(
        driver,
        (By.XPATH, '//button[contains(@id,\'"where":"result"\') and contains(@id,\'"kind":"letter"\')]'),
    )
    files = downloaded(downloads, before + 2)
    resume = next(p for p in files if p.name.startswith("Резюме"))
    letter = next(p for p in files if p.name.startswith("Сопроводительное"))
    return resume, letter


def test_a_new_user_gets_a_resume_and_a_letter_with_and_without_gigachat(site, engine, tmp_path) -> None:
    url, fake = site["url"], site["fake"]
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = make_driver(height=900, downloads=downloads)
    try:
        log_in(driver, url)

        # a new user fills the profile
        driver.get(url + "/profile")
        wait(driver, ec.presence_of_element_located((By.ID, "resume-name")))
        type_into(driver, (By.ID, "resume-name"), "Анна Петрова")
        type_into(driver, (By.ID, "resume-headline"), "Python-разработчик")
        type_into(driver, (By.ID, "resume-email"), "anna@example.com")
        type_into(driver, (By.ID, "resume-phone"), "+7 900 123-45-67")
        type_into(driver, (By.ID, "resume-location"), "Москва")
        type_into(driver, (By.ID, "resume-skills"), "Python, Django, Postgres, Docker, Git")
        type_into(driver, (By.ID, "resume-languages"), "Английский — B2")
        type_into(driver, (By.ID, "resume-summary"), "Пишу сервисы на Python и люблю понятный код.")
        click(driver, (By.ID, "resume-job-add"))
        employer = by_pid(type="resume-job", field="employer", index=0)
        type_into(driver, employer, "ООО «Ромашка»")
        type_into(driver, by_pid(type="resume-job", field="role", index=0), "Python-разработчик")
        type_into(driver, by_pid(type="resume-job", field="start", index=0), "март 2021")
        type_into(
            driver,
            by_pid(type="resume-job", field="bullets", index=0),
            "Разработала REST API каталога на Django\n"
            "Ускорила отчёты в 3 раза, переписав запросы к PostgreSQL",
        )
        click(driver, (By.ID, "resume-school-add"))
        type_into(driver, by_pid(type="resume-school", field="institution", index=0), "МГТУ им. Баумана")
        type_into(driver, by_pid(type="resume-school", field="degree", index=0), "Бакалавр, информатика")
        type_into(driver, by_pid(type="resume-school", field="year", index=0), "2018")
        click(driver, (By.ID, "resume-save"))
        wait(driver, lambda d: "Профиль сохранён" in d.find_element(By.ID, "resume-feedback").text)
        start = driver.find_element(*by_pid(type="resume-job", field="start", index=0))
        assert start.get_attribute("value") == "03.2021"  # normalised on save
        full_page_shot(driver, "resume-profile-light")

        # the vacancy: no GigaChat key yet, the offline template does the job and the panel says so
        open_vacancy(driver, url)
        note = wait(driver, ec.visibility_of_element_located((By.ID, "docs-provider")))
        assert "встроенный офлайн-шаблон" in note.text
        resume, letter = generate_and_download(driver, downloads, 0)
        assert resume.name == "Резюме — Python-разработчик — Ромашка Тех.docx"
        assert letter.name == "Сопроводительное письмо — Python-разработчик — Ромашка Тех.docx"
        assert "всё в документах есть в вашем профиле" in driver.find_element(By.ID, "docs-truth").text
        text = docx_text(resume)
        assert "Анна Петрова" in text and "Python · Django · Postgres" in text and "Kubernetes" not in text
        assert "Ромашка Тех" in docx_text(letter)
        assert fake.requests == []

        # the user's own GigaChat key; the fake invents experience this time
        driver.get(url + "/profile")
        type_into(driver, (By.ID, "resume-key-input"), fake.credentials)
        click(driver, (By.ID, "resume-ai-save"))
        wait(driver, lambda d: "Ваш ключ сохранён" in d.find_element(By.ID, "resume-key-status").text)
        assert driver.find_element(By.ID, "resume-key-input").get_attribute("value") == ""
        assert fake.credentials not in driver.page_source
        driver.refresh()
        wait(driver, ec.presence_of_element_located((By.ID, "resume-key-saved")))
        assert fake.credentials not in driver.page_source

        fake.invent_next()
        open_vacancy(driver, url)
        note = wait(driver, ec.visibility_of_element_located((By.ID, "docs-provider")))
        assert "GigaChat (GigaChat-2), ваш ключ" in note.text
        for old in downloads.iterdir():
            old.unlink()
        resume, letter = generate_and_download(driver, downloads, 0)
        findings = driver.find_element(By.ID, "docs-findings").text
        assert "Убрано: навык Kubernetes — его нет в вашем профиле" in findings
        assert f"Убрано: место работы «{INVENTED_EMPLOYER}» — его нет в вашем профиле" in findings
        for path in (resume, letter):
            text = docx_text(path)
            assert INVENTED_SKILL not in text and INVENTED_EMPLOYER not in text
        assert "Python-разработчик — ООО «Ромашка»" in docx_text(resume)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#docs-history-list li")) == 2
        driver.find_element(By.TAG_NAME, "details").click()
        full_page_shot(driver, "resume-documents-light")

        # dark theme
        with engine.begin() as conn:
            conn.execute(update(users).values(preferences={"theme": "dark"}))
        driver.get(url + "/profile")
        wait(driver, ec.presence_of_element_located((By.ID, "resume-key-saved")))
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("data-bs-theme") == "dark"
        full_page_shot(driver, "resume-profile-dark")
        open_vacancy(driver, url)
        wait(driver, ec.presence_of_element_located((By.ID, "docs-truth")))
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("data-bs-theme") == "dark"
        full_page_shot(driver, "resume-documents-dark")
    finally:
        driver.quit()


def test_english_interface(site, engine, tmp_path) -> None:
    with engine.begin() as conn:
        conn.execute(update(users).values(preferences={"lang": "en"}))
    driver = make_driver(height=900, downloads=tmp_path)
    try:
        log_in(driver, site["url"])
        driver.get(site["url"] + "/profile")
        wait(driver, ec.presence_of_element_located((By.ID, "resume-save")))
        assert driver.find_element(By.ID, "resume-save").text == "Save profile"
        assert "Resume profile" in driver.page_source
        open_vacancy(driver, site["url"])
        wait(driver, ec.presence_of_element_located((By.ID, "docs-need-profile")))
        assert "Fill in your resume profile first" in driver.find_element(By.ID, "docs-need-profile").text
        assert driver.find_element(By.ID, "docs-generate").text == "Generate resume and cover letter"
        full_page_shot(driver, "resume-documents-en-empty")
    finally:
        driver.quit()
