"""The «Отклики» page and the application panel, through the app's real callbacks and routes
(issue #15): the board by stage with counts, the funnel and a tracked vacancy that its board
closed; moving a stage with a note and a next step in the user's time zone; «Откликнуться» →
«Отклик отправлен?» → applied with the latest resume; «Нет ответа» only offered; the export; and
crafted callbacks for somebody else's vacancy, which change nothing and show nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func, select

from core.schema import application_events, user_vacancies
from domain import applications as apps
from tests.web.applications_support import (
    NOW,
    done_generation,
    find,
    open_card,
    page_no_answer,
    panel_act,
    panel_ask,
    pid,
    set_prefs,
    texts,
    tracked,
)
from tests.web.resume_support import add_vacancy
from tests.web.security_support import auth_token
from tests.web.support import add_user, callback, client_for
from webapp.app import create_app

HOSTILE = "<img src=x onerror=alert(1)> и <b>жирный</b>"


@pytest.fixture
def app(engine, settings_factory):
    return create_app(settings_factory(), engine)


@pytest.fixture
def people(engine) -> dict[str, int]:
    anna, _ = add_user(engine, "anna", searches=0)
    boris, _ = add_user(engine, "boris", searches=0)
    set_prefs(engine, anna, time_zone="Asia/Yekaterinburg")
    return {"anna": anna, "boris": boris}


def page_of(client, path: str = "/applications") -> dict:
    response = callback(client, [("page", "children")], [("url", "pathname", path)])
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["response"]["page"]["children"]


def stage_of(engine, user_id: int, vacancy_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            select(user_vacancies.c.stage).where(
                user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == vacancy_id
            )
        ).scalar_one()


def events_of(engine, user_id: int, vacancy_id: int) -> list[dict]:
    with engine.connect() as conn:
        return apps.history(conn, user_id, vacancy_id)


def test_the_board_shows_each_stage_with_its_cards_counts_and_the_funnel(app, engine, people) -> None:
    anna = people["anna"]
    tracked(engine, anna, 900_001, ["interested"], name="Аналитик данных", score=83)
    tracked(engine, anna, 900_002, ["interested", "applied"], name="Python-разработчик", days_ago=3)
    interview_at = datetime(2026, 12, 12, 10, 0, tzinfo=UTC)
    tracked(engine, anna, 900_003, ["applied", "interview"], name="Data engineer", employer="Лютик",
            next_step_at=interview_at, next_step_note="Zoom")  # fmt: skip
    tracked(engine, anna, 900_004, ["applied", "interview", "rejected"], name="Тимлид",
            closed_at=datetime(2026, 12, 5, 9, 0, tzinfo=UTC))  # fmt: skip
    add_vacancy(engine, anna, 900_005, name="Не отслеживается")
    client = client_for(app, "anna")

    page = page_of(client)
    text = texts(page)
    assert "Отклики" in text and "Доска" in json.dumps(page, ensure_ascii=False)
    board = find(page, "apps-board")
    assert "Аналитик данных" in texts(find(board, "apps-column-interested"))
    assert "Совпадение 83" in texts(find(board, "apps-column-interested"))
    assert "Python-разработчик" in texts(find(board, "apps-column-applied"))
    assert "3 дн. в этапе" in texts(find(board, "apps-column-applied"))
    interview = texts(find(board, "apps-column-interview"))
    # 10:00 UTC is 15:00 in Yekaterinburg, the user's zone
    assert "Data engineer" in interview and "Следующий шаг: 12.12.2026 15:00 — Zoom" in interview
    rejected = texts(find(board, "apps-column-rejected"))
    assert "Тимлид" in rejected and "Вакансия закрыта 05.12" in rejected  # closed, still there
    assert "Не отслеживается" not in text
    assert " ".join(texts(find(page, "apps-count-interested")).split()) == "Интересно 1"
    assert "Всего: 4" in texts(find(page, "apps-counts"))
    # the funnel: 3 applied, 2 interviews (67 %), no offer (0 %)
    assert texts(find(page, "apps-funnel-applied")).replace("\n", "") == "3"
    assert texts(find(page, "apps-funnel-interview")).replace("\n", "") == "2 · 67 %"
    assert texts(find(page, "apps-funnel-offer")).replace("\n", "") == "0 · 0 %"
    # the list view holds the same applications, sortable, with the stage in words
    grid = find(page, "apps-list")
    rows = {r["id"]: r for r in grid["props"]["rowData"]}
    assert set(rows) == {900_001, 900_002, 900_003, 900_004}
    assert rows[900_003]["stage"] == "Собеседование" and rows[900_001]["score"] == 83
    assert rows[900_003]["stage_order"] == apps.STAGES.index("interview")
    assert grid["props"]["defaultColDef"]["sortable"] is True

    # the navbar names the page; English on the switch
    layout = json.dumps(client.get("/_dash-layout").json, ensure_ascii=False)
    assert '"nav-applications"' in layout and "Отклики" in layout
    set_prefs(engine, anna, lang="en")
    english = page_of(client)
    text = texts(english)
    assert "Applications" in text and "Board" in json.dumps(english) and "Interview" in text
    assert "Vacancy closed 05.12" in text and "Next step: 12.12.2026 15:00 — Zoom" in text
    assert "Интересно" not in text and "Собеседование" not in text


def test_an_empty_board_says_what_to_do(app, people) -> None:
    page = page_of(client_for(app, "boris"))
    empty = find(page, "apps-empty")
    assert empty is not None and "Откройте вакансию" in texts(empty)


def test_the_panel_moves_the_stage_with_a_note_and_a_next_step_and_keeps_the_history(
    app, engine, people
) -> None:
    anna = people["anna"]
    tracked(engine, anna, 900_010, ["interested"], name="Backend-разработчик")
    client = client_for(app, "anna")

    opened = open_card(client, 900_010)
    assert opened.status_code == 200, opened.get_data(as_text=True)
    body = opened.json["response"]["apps-details-body"]["children"]
    assert opened.json["response"]["apps-details"]["is_open"] is True
    assert "Backend-разработчик" in texts(body) and "Интересно" in texts(body)
    assert find(body, pid("stage", 900_010))["props"]["value"] == "interested"
    assert find(body, "docs-panel") is not None  # the documents of the vacancy, below

    moved = panel_act(
        client, 900_010, "save", stage="interview", next_at="2026-12-12T15:00", next_note="Zoom с тимлидом",
        note=HOSTILE,
    )  # fmt: skip
    assert moved.status_code == 200, moved.get_data(as_text=True)
    response = moved.json["response"]
    panel = response[json.dumps(pid("body", 900_010), sort_keys=True, separators=(",", ":"))]["children"]
    assert response[json.dumps(pid("changed", 900_010), sort_keys=True, separators=(",", ":"))]["data"]
    assert "✓ Сохранено" in texts(panel)
    assert stage_of(engine, anna, 900_010) == "interview"
    [_, second] = events_of(engine, anna, 900_010)
    assert (second["stage_from"], second["stage_to"]) == ("interested", "interview")
    assert second["note"] == HOSTILE
    # 15:00 in the user's zone (Yekaterinburg, UTC+5)
    assert second["next_step_at"] == datetime(2026, 12, 12, 10, 0, tzinfo=ZoneInfo("UTC"))
    history = find(panel, pid("history", 900_010))
    shown = texts(history)
    assert "Интересно → Собеседование" in shown and "не отслеживалась → Интересно" in shown
    assert "Следующий шаг: 12.12.2026 15:00 — Zoom с тимлидом" in shown
    # the note is a string in the tree (React shows it as text), never a component
    assert HOSTILE in shown and '"type": "Img"' not in json.dumps(panel)
    assert find(panel, pid("next", 900_010))["props"]["value"] == "2026-12-12T15:00"

    # the same values again change nothing and say so
    again = panel_act(client, 900_010, "save", stage="interview", next_at="2026-12-12T15:00",
                      next_note="Zoom с тимлидом")  # fmt: skip
    assert "Нечего сохранять" in texts(again.json["response"])
    assert len(events_of(engine, anna, 900_010)) == 2

    # an emptied date takes the next step away; a new stage is one more event
    cleared = panel_act(client, 900_010, "save", stage="offer", next_at="", next_note="")
    assert cleared.status_code == 200
    assert stage_of(engine, anna, 900_010) == "offer"
    events = events_of(engine, anna, 900_010)
    assert len(events) == 3 and events[-1]["stage_to"] == "offer"
    with engine.connect() as conn:
        [row] = apps.applications(conn, anna)
    assert row["next_step_at"] is None and row["next_step_note"] is None
    assert [e["stage_to"] for e in events] == ["interested", "interview", "offer"]  # never overwritten


def test_apply_asks_whether_it_was_sent_and_links_the_latest_resume(app, engine, people) -> None:
    anna = people["anna"]
    add_vacancy(engine, anna, 900_020, name="Python-разработчик")
    done_generation(engine, anna, 900_020, datetime(2026, 11, 28, 9, 0, tzinfo=ZoneInfo("UTC")))
    latest = done_generation(engine, anna, 900_020, datetime(2026, 12, 2, 8, 0, tzinfo=ZoneInfo("UTC")))
    client = client_for(app, "anna")

    body = open_card(client, 900_020).json["response"]["apps-details-body"]["children"]
    apply = find(body, pid("apply", 900_020))
    assert apply["props"]["children"] == "Откликнуться на hh.ru"
    assert apply["props"]["href"] == "https://hh.ru/vacancy/900020"
    assert apply["props"]["target"] == "_blank" and "noopener" in apply["props"]["rel"]
    confirm = find(body, pid("confirm", 900_020))
    assert confirm["props"]["hidden"] is True and "Отклик отправлен?" in texts(confirm)
    assert "Привяжем резюме от 02.12." in texts(confirm)

    asked = panel_ask(client, 900_020, "apply")
    assert asked.status_code == 200, asked.get_data(as_text=True)
    assert json.dumps(asked.json["response"]).count('"hidden": false') == 1
    no = panel_ask(client, 900_020, "no")
    assert '"hidden": true' in json.dumps(no.json["response"])
    assert stage_of(engine, anna, 900_020) is None  # «no»: nothing recorded

    yes = panel_act(client, 900_020, "yes")
    assert yes.status_code == 200, yes.get_data(as_text=True)
    assert stage_of(engine, anna, 900_020) == "applied"
    [event] = events_of(engine, anna, 900_020)
    assert event["generation_id"] == latest and event["stage_to"] == "applied"
    shown = texts(yes.json["response"])
    assert "откликнулся с резюме от 02.12" in shown and "с резюме от 02.12" in shown
    # applied now: the button only opens the page, and «yes» again records nothing more
    after = yes.json["response"][json.dumps(pid("body", 900_020), sort_keys=True, separators=(",", ":"))]
    assert find(after["children"], pid("apply", 900_020))["props"]["hidden"] is True
    panel_act(client, 900_020, "yes")
    assert len(events_of(engine, anna, 900_020)) == 1
    # the card says so too
    board = find(page_of(client), "apps-column-applied")
    assert "откликнулся с резюме от 02.12" in texts(board)


def test_no_answer_is_offered_after_two_quiet_weeks_and_set_only_on_request(app, engine, people) -> None:
    anna = people["anna"]
    tracked(engine, anna, 900_030, ["applied"], name="Тихий работодатель", days_ago=15)
    tracked(engine, anna, 900_031, ["applied"], name="Свежий отклик", days_ago=3)
    client = client_for(app, "anna")

    page = page_of(client)
    quiet = texts(find(page, "apps-quiet"))
    assert "Тихий работодатель" in quiet and "Без ответа 15 дн." in quiet and "Свежий отклик" not in quiet
    assert stage_of(engine, anna, 900_030) == "applied"  # suggested, not set

    # a fresh one cannot be marked by a crafted click; the quiet one can
    assert page_no_answer(client, 900_031).status_code == 204
    assert stage_of(engine, anna, 900_031) == "applied"
    marked = page_no_answer(client, 900_030)
    assert marked.status_code == 200, marked.get_data(as_text=True)
    assert stage_of(engine, anna, 900_030) == "no_answer"
    assert "Тихий работодатель" in texts(find(marked.json["response"], "apps-column-no_answer"))

    # the panel offers it as well
    tracked(engine, anna, 900_032, ["applied"], name="Ещё один", days_ago=20)
    body = open_card(client, 900_032).json["response"]["apps-details-body"]["children"]
    offer = find(body, pid("no-answer", 900_032))
    assert offer is not None and "Без ответа 20 дн." in texts(body)
    panel_act(client, 900_032, "no-answer")
    assert stage_of(engine, anna, 900_032) == "no_answer"


def test_crafted_callbacks_for_another_users_vacancy_change_and_show_nothing(app, engine, people) -> None:
    anna, boris = people["anna"], people["boris"]
    tracked(engine, anna, 900_040, ["applied"], name="Секретная вакансия Анны", days_ago=20, note="личное")
    done_generation(engine, anna, 900_040, NOW - timedelta(days=21))
    mallory = client_for(app, "boris")

    opened = open_card(mallory, 900_040)
    assert opened.status_code == 200
    shown = texts(opened.json["response"])
    assert "Эта вакансия не из вашего списка." in shown and "Секретная" not in shown and "личное" not in shown

    for trigger, values in (
        ("save", {"stage": "hired", "note": "взлом", "next_at": "2026-12-12T15:00"}),
        ("yes", {}),
        ("no-answer", {}),
    ):
        response = panel_act(mallory, 900_040, trigger, **values)
        assert response.status_code == 200, response.get_data(as_text=True)
        text = texts(response.json["response"])
        assert "не из вашего списка" in text and "Секретная" not in text
    # an id the browser made up, of the wrong type, or out of range
    for bogus in ("900040", True, -1, 2**63, None):
        response = panel_act(mallory, bogus, "save", stage="hired")
        assert response.status_code in (200, 400)
        assert "Секретная" not in response.get_data(as_text=True)
    assert page_no_answer(mallory, 900_040).status_code == 204
    assert open_card(mallory, "900040").status_code == 204

    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(application_events)).scalar() == 1
        assert apps.applications(conn, boris) == []
    assert stage_of(engine, anna, 900_040) == "applied"

    # boris's own export has nothing of anna's
    exported = mallory.post("/applications/export", data={"csrf": auth_token(mallory), "format": "csv"})
    assert exported.status_code == 200 and "Секретная" not in exported.get_data(as_text=True)


def test_the_export_lists_stages_dates_notes_and_history_in_csv_and_xlsx(app, engine, people) -> None:
    anna = people["anna"]
    tracked(engine, anna, 900_050, ["interested", "applied", "interview"], name="Python-разработчик",
            note="=HYPERLINK(\"http://evil\")", score=77,
            next_step_at=datetime(2026, 12, 12, 10, 0, tzinfo=UTC), next_step_note="Zoom")  # fmt: skip
    tracked(
        engine,
        anna,
        900_051,
        ["rejected"],
        name="Тимлид",
        closed_at=datetime(2026, 12, 5, 9, tzinfo=ZoneInfo("UTC")),
    )
    client = client_for(app, "anna")
    token = auth_token(client)

    response = client.post("/applications/export", data={"csrf": token, "format": "csv"})
    assert response.status_code == 200
    assert (
        "attachment" in response.headers["Content-Disposition"]
        and ".csv" in response.headers["Content-Disposition"]
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, rows = table[0], {r[0]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert header[:3] == ["Должность", "Работодатель", "Этап"] and "Заметки" in header
    python = rows["Python-разработчик"]
    assert python["Этап"] == "Собеседование" and python["Совпадение"] == "77"
    assert python["Следующий шаг"] == "12.12.2026 15:00" and python["Что за шаг"] == "Zoom"
    assert python["Заметки"].endswith(': =HYPERLINK("http://evil")')  # inside text, not a formula
    assert "Интересно → Отклик отправлен" in python["История этапов"]
    assert rows["Тимлид"]["Закрыта"] == "05.12.2026 14:00" and rows["Тимлид"]["Этап"] == "Отказ"

    response = client.post("/applications/export", data={"csrf": token, "format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:3] == ["Должность", "Работодатель", "Этап"]
    by_name = {row[0]: dict(zip(cells[0], row, strict=True)) for row in cells[1:]}
    assert by_name["Python-разработчик"]["Следующий шаг"] == datetime(2026, 12, 12, 15, 0)
    assert by_name["Python-разработчик"]["Совпадение"] == 77
    python_row = 1 + next(i for i, row in enumerate(cells) if row[0] == "Python-разработчик")
    assert sheet.cell(row=python_row, column=11).data_type == "s"  # the note stays text

    # English on the switch; no token, no export; logged out, no export
    set_prefs(engine, anna, lang="en")
    english = client.post("/applications/export", data={"csrf": token, "format": "csv"}).get_data(
        as_text=True
    )
    assert "Stage" in english and "Interview" in english and "Rejected" in english
    assert client.post("/applications/export", data={"format": "csv"}).status_code == 400
    stranger = app.server.test_client()
    assert stranger.post("/applications/export", data={"format": "csv"}).status_code in (302, 400, 401)


def test_the_panel_embeds_under_its_own_scope_and_refuses_anothers_vacancy(app, engine, people) -> None:
    """The vacancies page embeds the panel as scope "details": its ids differ from the page's, and
    its callbacks answer that panel only."""
    from webapp import applications_panel

    anna, boris = people["anna"], people["boris"]
    tracked(engine, anna, 900_060, ["interested"], name="Аналитик")
    with app.server.test_request_context():
        details = applications_panel.layout(anna, 900_060, "ru", scope="details", engine=engine)
        page = applications_panel.layout(anna, 900_060, "ru", scope="page", engine=engine)
        refused = applications_panel.layout(boris, 900_060, "ru", scope="details", engine=engine)
    ids = {json.dumps(c.id, sort_keys=True) for c in details._traverse() if getattr(c, "id", None)}
    page_ids = {json.dumps(c.id, sort_keys=True) for c in page._traverse() if getattr(c, "id", None)}
    assert ids and not ids & page_ids
    assert "Аналитик" not in str(refused) and "не из вашего списка" in str(refused)

    client = client_for(app, "anna")
    moved = panel_act(client, 900_060, "save", scope="details", stage="applied")
    assert moved.status_code == 200, moved.get_data(as_text=True)
    key = json.dumps(pid("body", 900_060, "details"), sort_keys=True, separators=(",", ":"))
    assert "Интересно → Отклик отправлен" in texts(moved.json["response"][key]["children"])
    assert stage_of(engine, anna, 900_060) == "applied"

    # a change made in Telegram or the command line says so in the history
    with engine.begin() as conn:
        apps.record(conn, anna, 900_060, stage="interview", via="cli", now=NOW)
        apps.record(conn, anna, 900_060, note="созвон перенесли", via="telegram", now=NOW)
    history = texts(open_card(client, 900_060).json["response"])
    assert "из командной строки" in history and "через Telegram" in history
    assert "Отклик отправлен → Собеседование" in history and "созвон перенесли" in history


def test_a_hostile_link_from_a_board_never_reaches_the_panel_or_the_export(app, engine, people) -> None:
    """A board's ``data:`` or ``javascript:`` vacancy link is no href of «Откликнуться» or «Открыть»,
    in the page's panel, the details panel's, or the exported file (found once: a test forever)."""
    from sqlalchemy import update

    from core.schema import vacancies

    anna = people["anna"]
    tracked(engine, anna, 900_090, ["interested"], name="Ловушка")
    tracked(engine, anna, 900_091, ["applied"], name="Ловушка 2")
    with engine.begin() as conn:
        conn.execute(
            update(vacancies)
            .where(vacancies.c.id == 900_090)
            .values(url="data:text/html;base64,PHNjcmlwdD4=")
        )
        conn.execute(update(vacancies).where(vacancies.c.id == 900_091).values(url="javascript:alert(1)"))
    client = client_for(app, "anna")
    for vacancy_id in (900_090, 900_091):
        shown = json.dumps(open_card(client, vacancy_id).json, ensure_ascii=False)
        assert "Ловушка" in shown
        assert "data:" not in shown and "javascript:" not in shown
    token = auth_token(client)
    for kind in ("csv", "xlsx"):
        response = client.post("/applications/export", data={"csrf": token, "format": kind})
        assert response.status_code == 200
        body = response.get_data()
        assert b"data:text" not in body and b"javascript:" not in body


def test_the_grid_shows_and_filters_the_stage_and_its_details_hold_the_panel(app, engine, people) -> None:
    from tests.web.support import grid_rows

    anna = people["anna"]
    tracked(engine, anna, 900_100, ["interested", "applied"], name="Откликнулась")
    tracked(engine, anna, 900_101, ["interview"], name="Собеседуюсь")
    add_vacancy(engine, anna, 900_102, name="Не отслеживаю")
    client = client_for(app, "anna")
    rows = grid_rows(client, {}).json["response"]["grid"]["getRowsResponse"]["rowData"]
    stages = {r["id"]: r["stage"] for r in rows}
    assert stages.items() >= {900_100: "applied", 900_101: "interview", 900_102: None}.items()
    only = {"filterModel": {"stage": {"filterType": "multi", "values": ["applied", "hacked"]}}}
    rows = grid_rows(client, only).json["response"]["grid"]["getRowsResponse"]["rowData"]
    assert [r["id"] for r in rows] == [900_100]
    grid = find(page_of(client, "/"), "grid")
    assert grid is not None
    column = next(c for c in grid["props"]["columnDefs"] if c["colId"] == "stage")
    assert column["headerName"] == "Этап" and column["sortable"] is False

    details = callback(
        client,
        [("details", "is_open"), ("details-body", "children"), ("details-id", "data")],
        [("grid", "cellClicked", {"rowId": "900101", "colId": "name", "value": "x"})],
    )
    shown = json.dumps(details.json, ensure_ascii=False)
    assert "Собеседование" in shown and '"scope": "details"' in shown  # the panel, under its own ids
    other = client_for(app, "boris")  # another user's grid has no stage of anna's
    assert grid_rows(other, only).json["response"]["grid"]["getRowsResponse"]["rowData"] == []
