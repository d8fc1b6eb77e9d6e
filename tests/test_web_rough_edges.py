"""The rough edges a new user hit (issue 12) and the saved-search card's «last harvest» (issue 11,
defect 11), through Flask's test client and the database: what the page, the export or the
document says, in Russian and in English."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import docx
import pytest
from sqlalchemy import insert, select, update

from core.schema import etl_runs, resume_generations, resume_profiles, users
from domain.resume import offline, render
from domain.resume.model import Profile
from etl.demo import load_demo
from tests.test_resume_web import download, generate, response
from tests.test_web_app import components, export, rows_of
from tests.web.resume_support import PROFILE_DOC, add_vacancy, save_profile, wait_generation
from tests.web.support import add_user, callback, client_for, grid_rows, load_vacancies
from webapp import queries
from webapp.app import create_app
from webapp.i18n import number
from webapp.pages.vacancies import _found_text

FIRST = 610_000_000


@pytest.fixture
def app(engine, settings_factory):
    return create_app(settings_factory(), engine)


def text_of(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def set_lang(engine, user_id: int, lang: str) -> None:
    with engine.begin() as conn:
        queries.save_preference(conn, user_id, "lang", lang)


def page(client, path: str) -> Any:
    """The page the router renders for ``path`` (its Dash layout as JSON)."""
    result = callback(client, [("page", "children")], [("url", "pathname", path)])
    assert result.status_code == 200, result.get_data(as_text=True)[:500]
    return result.json["response"]["page"]["children"]


# -- 2. export runs the grid's corrected search ------------------------------------------------------------


def test_an_export_holds_the_rows_the_grid_shows_for_a_corrected_typo(app, engine) -> None:
    anna, searches = add_user(engine, "anna")
    rows = load_vacancies(engine, anna, searches[0], 80, first_id=FIRST, seed=4)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        schema = conn.get_execution_options()["schema_translate_map"]["jh"]
        conn.exec_driver_sql(f'ANALYZE "{schema}".t01_jh_vacancies, "{schema}".t06_jh_details')
    word = next(w for r in rows for w in r["name"].lower().split() if len(w) >= 8 and w.isalpha())
    typo = word[:3] + word[4:]  # one letter dropped, as in «програмист»
    client = client_for(app, "anna")

    grid = callback(
        client,
        [("grid", "getRowsResponse"), ("grid-status", "children")],
        [("grid", "getRowsRequest", {"startRow": 0, "endRow": 100})],
        [("quick", "value", typo), ("show-hidden", "value", False), ("only-favourites", "value", False)],
    ).json["response"]
    shown = [r["name"] for r in grid["grid"]["getRowsResponse"]["rowData"]]
    assert shown and "исправлено на" in grid["grid-status"]["children"]

    table = list(
        csv.reader(io.StringIO(export(client, "csv", {"quick": typo}).get_data().decode("utf-8-sig")))
    )
    assert [row[0] for row in table[1:]] == shown
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx", {"quick": typo}).get_data())).active
    assert [row[0] for row in list(sheet.iter_rows(values_only=True))[1:]] == shown


# -- 4. English, and one number format ---------------------------------------------------------------------


def test_numbers_read_alike_in_a_text_and_in_a_grid_cell() -> None:
    block = queries.Block(rows=[], row_count=None, matched=2984)
    assert _found_text(block, "ru") == "Найдено: 2\u00a0984"  # as Intl's ru-RU writes 2984 in a cell
    assert _found_text(block, "en") == "Found: 2,984"  # as Intl's en-GB writes it: "55,000"
    assert number(55000, "en") == "55,000" and number(None, "ru") == ""


def test_english_details_export_and_admin_pages(app, engine) -> None:
    root, searches = add_user(engine, "root", role="admin")

    def remote(item: dict[str, Any]) -> None:
        item["work_format"] = [{"id": "REMOTE", "name": "Удалённо"}]
        item["experience"] = {"id": "between1And3", "name": "От 1 года до 3 лет"}

    rows = load_vacancies(engine, root, searches[0], 5, first_id=FIRST + 1000, mutate=remote)
    set_lang(engine, root, "en")
    client = client_for(app, "root")

    body = callback(
        client,
        [("details", "is_open"), ("details-body", "children"), ("details-id", "data")],
        [("grid", "cellClicked", {"rowId": str(rows[0]["id"]), "colId": "name", "value": "x"})],
    ).json["response"]
    details = text_of(body["details-body"])
    assert "1–3 years" in details and "Remote" in details
    assert "Удалённо" not in details and "От 1 года" not in details

    grid = rows_of(grid_rows(client, {}))
    assert grid[0]["work_format_ids"] == ["REMOTE"]  # the grid labels ids in the page's language

    table = list(csv.reader(io.StringIO(export(client, "csv", {}).get_data().decode("utf-8-sig"))))
    assert {(row[5], row[6]) for row in table[1:]} == {("1–3 years", "Remote")}

    users_page = page(client, "/admin/users")
    select_options = next(c for c in components(users_page) if c["props"].get("id") == "admin-new-role")
    assert select_options["props"]["options"] == [
        {"label": "administrator", "value": "admin"},
        {"label": "user", "value": "user"},
    ]
    runs = page(client, "/admin/runs")
    grid_props = next(c for c in components(runs) if c["props"].get("id") == "admin-runs")["props"]
    trigger = next(c for c in grid_props["columnDefs"] if c.get("field") == "trigger")
    assert '"backfill": "backfill"' in trigger["valueFormatter"]["function"]


def test_the_demo_user_is_named_in_the_pages_language(app, engine) -> None:
    load_demo(engine, count=20)
    root, _ = add_user(engine, "root", role="admin", searches=0)
    set_lang(engine, root, "en")
    client = client_for(app, "root")
    rows = next(c for c in components(page(client, "/admin/users")) if c["props"].get("id") == "admin-users")
    names = {r["login"]: r["display_name"] for r in rows["props"]["rowData"]}
    assert names["demo"] == "Demo user"


def test_a_form_error_is_in_the_pages_language(app, engine) -> None:
    add_user(engine, "root", role="admin", searches=0)
    client = client_for(app, "root")

    def create(login: str) -> str:
        result = callback(
            client,
            [
                ("admin-feedback", "children"),
                ("admin-feedback", "color"),
                ("admin-feedback", "is_open"),
                ("admin-users", "rowData"),
                ("admin-new-login", "value"),
                ("admin-new-name", "value"),
            ],
            [
                ("admin-create", "n_clicks", 1),
                ("admin-reset", "n_clicks", None),
                ("admin-active", "n_clicks", None),
                ("admin-role", "n_clicks", None),
            ],
            [
                ("admin-users", "selectedRows", []),
                ("admin-new-login", "value", login),
                ("admin-new-name", "value", ""),
                ("admin-new-role", "value", "user"),
            ],
            changed=[0],
        )
        return result.json["response"]["admin-feedback"]["children"]

    assert create("root") == "Пользователь с логином «root» уже есть."
    assert "не подходит" in create("no spaces please")


# -- 5. dates in the user's time zone ----------------------------------------------------------------------


def test_the_cover_letter_is_dated_the_users_day(app, engine) -> None:
    anna, _ = add_user(engine, "anna")
    add_vacancy(engine, anna, 1001)
    save_profile(engine, anna)
    client = client_for(app, "anna")
    generation = generate(client, 1001)["docs-job"]["data"]
    assert wait_generation(engine, generation)["status"] == "done"
    # made at 00:30 in Moscow on 2 December, which is still 1 December in UTC
    made = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            update(resume_generations)
            .where(resume_generations.c.id == generation)
            .values(created_at=made, finished_at=made)
        )
    data = response(download(client, generation, "letter"))["docs-download-letter"]["data"]
    letter = "\n".join(
        p.text for p in docx.Document(io.BytesIO(base64.b64decode(data["content"]))).paragraphs
    )
    assert "02.12.2026" in letter and "01.12.2026" not in letter

    with engine.begin() as conn:  # a user who chose Vladivostok gets their own day
        conn.execute(update(users).where(users.c.id == anna).values(time_zone="Asia/Vladivostok"))
        conn.execute(
            update(resume_generations)
            .where(resume_generations.c.id == generation)
            .values(finished_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
        )
    data = response(download(client, generation, "letter"))["docs-download-letter"]["data"]
    letter = "\n".join(
        p.text for p in docx.Document(io.BytesIO(base64.b64decode(data["content"]))).paragraphs
    )
    assert "02.12.2026" in letter


# -- 7. the demo user's profile ----------------------------------------------------------------------------


def test_the_demo_user_has_a_filled_fictional_profile(engine) -> None:
    load_demo(engine, count=20)
    with engine.connect() as conn:
        document = conn.execute(
            select(resume_profiles.c.document)
            .select_from(resume_profiles.join(users, users.c.id == resume_profiles.c.user_id))
            .where(users.c.login == "demo")
        ).scalar_one()
    profile = Profile.model_validate(document)
    assert profile.model_dump(mode="json") == document  # stored as the profile page stores it
    assert profile.name and profile.summary and len(profile.experience) >= 2 and len(profile.skills) >= 8
    assert profile.contacts.email.endswith("@example.com")  # plainly fictional
    assert "вымышлен" in (profile.headline + profile.summary).lower()


# -- 8. documents ------------------------------------------------------------------------------------------


def _output(**resume: Any) -> dict[str, Any]:
    profile = PROFILE_DOC
    return {
        "lang": "ru",
        "person": {
            "name": profile["name"],
            "contacts": {
                "email": "anna@example.com",
                "phone": "+7 900 000-00-00",
                "links": ["https://github.com/anna", "t.me/anna"],
            },
        },
        "resume": {"headline": "Python-разработчик", "summary": "Пишу код. Сайт: example.ru.", **resume},
        "cover_letter": {"greeting": "Здравствуйте!", "paragraphs": ["Пишите на anna@example.com."]},
        "vacancy": {"name": "Python-разработчик", "employer": "Ромашка"},
    }


def test_docx_properties_are_ours_and_there_is_no_template_thumbnail() -> None:
    data = render.resume_docx(_output(skills=["Python", "SQL"]), datetime(2026, 12, 2, tzinfo=UTC))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        app_xml = archive.read("docProps/app.xml").decode()
        rels = archive.read("_rels/.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    assert not any("thumbnail" in n for n in names) and "thumbnail" not in rels + types
    assert "<Application>Job Hunter</Application>" in app_xml and "Microsoft" not in app_xml
    words = int(app_xml.split("<Words>")[1].split("<")[0])
    assert words >= 10


def test_emails_and_urls_are_links_and_pages_are_numbered() -> None:
    for data in (render.resume_docx(_output()), render.letter_docx(_output())):
        document = docx.Document(io.BytesIO(data))
        targets = {r.target_ref for r in document.part.rels.values() if r.is_external}
        assert {"mailto:anna@example.com", "https://github.com/anna", "https://t.me/anna"} <= targets
        body = document.element.body.xml
        assert body.count("<w:hyperlink") >= 3
        # the text reads as before: links are runs of their paragraph, a full stop stays outside
        assert "anna@example.com · +7 900 000-00-00 · https://github.com/anna · t.me/anna" in "\n".join(
            "".join(node.text or "" for node in p._p.iter() if node.tag.endswith("}t"))
            for p in document.paragraphs
        )
        section = document.sections[0]
        assert section.different_first_page_header_footer  # page 1 carries no number
        footer = section.footer._element.xml
        assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
        assert not section.first_page_footer.paragraphs or not "".join(
            p.text for p in section.first_page_footer.paragraphs
        )
    summary_links = {
        r.target_ref for r in docx.Document(io.BytesIO(render.resume_docx(_output()))).part.rels.values()
    }
    assert "https://example.ru" in summary_links  # "example.ru." — the full stop is not the link's


def test_the_letter_quotes_the_role_in_the_sentences_case() -> None:
    assert offline.in_sentence("Ведущий Python-разработчик") == "ведущий Python-разработчик"
    assert offline.in_sentence("Python-разработчик") == "Python-разработчик"
    assert offline.in_sentence("QA-инженер") == "QA-инженер"
    assert offline.in_sentence("Team Lead") == "team lead"
    assert offline.in_sentence("Senior Python Developer") == "senior Python developer"
    profile = Profile.model_validate(
        PROFILE_DOC
        | {
            "experience": [
                {"employer": "Ромашка", "role": "Ведущий разработчик", "start": "2020-01", "bullets": []}
            ]
        }
    )
    from domain.resume.model import Vacancy

    letter = offline.cover_letter(profile, Vacancy(id=1, name="Разработчик", employer="Лютик"), "ru")
    assert any("должность — ведущий разработчик" in p for p in letter["paragraphs"])


# -- issue 11, defect 11: the card's last harvest, the window column, the banner ------------------------


def _run(
    conn, user_id: int, search_id: int, run_id: str, trigger: str, started: datetime, **values: Any
) -> None:
    conn.execute(
        insert(etl_runs).values(
            source="hh",
            run_id=run_id,
            search_id=search_id,
            search_name="Поиск",
            user_id=user_id,
            trigger=trigger,
            started_at=started,
            finished_at=started + timedelta(minutes=1),
            window_from=values.pop("window_from", started - timedelta(hours=1)),
            window_to=values.pop("window_to", started),
            status=values.pop("status", "success"),
            **values,
        )
    )


def test_the_card_shows_the_last_scheduled_or_manual_harvest_not_a_backfill(app, engine) -> None:
    anna, searches = add_user(engine, "anna")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    scheduled = now - timedelta(hours=3)
    with engine.begin() as conn:
        _run(conn, anna, searches[0], "scheduled__1", "scheduled", scheduled, found=120, new=7)
        _run(
            conn,
            anna,
            searches[0],
            "backfill__1",
            "backfill",
            now - timedelta(minutes=5),
            found=3,
            new=0,
            window_from=now - timedelta(days=2),
            window_to=now - timedelta(days=2) + timedelta(hours=1),
        )
    client = client_for(app, "anna")
    card = text_of(page(client, "/searches"))
    moscow = scheduled.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Moscow"))
    assert moscow.strftime("%d.%m.%Y %H:%M") in card and "найдено 120, новых 7" in card
    assert "найдено 3" not in card


def test_the_harvest_log_says_which_hour_a_backfill_covered(app, engine) -> None:
    root, searches = add_user(engine, "root", role="admin")
    hour = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    with engine.begin() as conn:
        _run(
            conn,
            root,
            searches[0],
            "backfill__2",
            "backfill",
            datetime.now(UTC),
            window_from=hour,
            window_to=hour + timedelta(hours=1),
        )
    client = client_for(app, "root")
    runs = page(client, "/admin/runs")
    grid = next(c for c in components(runs) if c["props"].get("id") == "admin-runs")["props"]
    window = next(c for c in grid["columnDefs"] if c.get("colId") == "window")
    assert window["headerName"] == "Окно" and "jhWindow" in window["valueGetter"]["function"]
    row = grid["rowData"][0]
    assert (row["window_from"], row["window_to"]) == (
        hour.isoformat(),
        (hour + timedelta(hours=1)).isoformat(),
    )


def test_the_access_banner_looks_at_each_searchs_latest_run(engine) -> None:
    anna, searches = add_user(engine, "anna", searches=2)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        _run(
            conn,
            anna,
            searches[0],
            "r1",
            "scheduled",
            now - timedelta(hours=2),
            status="captcha",
            error="captcha",
        )
        _run(conn, anna, searches[1], "r2", "scheduled", now - timedelta(hours=1))  # the newest row overall
    assert queries.hh_access_problem(engine, anna, is_admin=False) == ("captcha", "captcha")
    with engine.begin() as conn:  # the captcha'd search harvests again: the banner goes
        _run(conn, anna, searches[0], "r3", "scheduled", now - timedelta(minutes=30))
    assert queries.hh_access_problem(engine, anna, is_admin=False) is None
