"""The profile page and the documents panel through Flask's test client: callbacks posted as the
browser posts them, and hand-crafted for somebody else's vacancy or generation."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import docx
import pytest
from sqlalchemy import func, select, update

from core.schema import resume_generations, resume_profiles
from core.secrets import decrypt
from domain.resume import render, store
from domain.resume.model import Profile
from testing.fakes.gigachat import FakeGigaChat
from tests.test_resume_model import HH_TEXT
from tests.web.resume_support import (
    PROFILE_DOC,
    add_vacancy,
    changed,
    dependency,
    post,
    save_profile,
    wait_generation,
)
from tests.web.support import add_user, client_for
from webapp.app import create_app
from webapp.pages.profile import FIXED_FIELDS, JOB_FIELDS, SCHOOL_FIELDS, WISH_FIELDS

KEY = base64.b64encode(b"11111111-2222-3333-4444-555555555555:very-secret-client-secret").decode()


@pytest.fixture(autouse=True)
def no_stray_gigachat_env(monkeypatch) -> None:
    import os

    for name in list(os.environ):
        if name.upper().startswith("GIGACHAT_"):
            monkeypatch.delenv(name)


@pytest.fixture
def people(engine) -> dict[str, int]:
    alice, _ = add_user(engine, "alice")
    bob, _ = add_user(engine, "bob")
    add_vacancy(engine, alice, 1001)
    add_vacancy(engine, bob, 2001, name="Data Engineer", employer_name="Лютик")
    return {"alice": alice, "bob": bob}


@pytest.fixture
def settings(settings_factory):
    return settings_factory()


@pytest.fixture
def app(engine, settings):
    return create_app(settings, engine)


def response(r) -> dict[str, Any]:
    assert r.status_code == 200, r.get_data(as_text=True)[:1000]
    return r.json["response"]


def text_of(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def values_in(tree: Any) -> dict[str, Any]:
    """id (JSON for pattern ids) -> value of every input in a layout tree."""
    found: dict[str, Any] = {}
    if isinstance(tree, dict):
        props = tree.get("props") if "props" in tree else None
        if isinstance(props, dict) and "id" in props and "value" in props:
            key = props["id"] if isinstance(props["id"], str) else json.dumps(props["id"], sort_keys=True)
            found[key] = props["value"]
        for value in tree.values():
            found |= values_in(value)
    elif isinstance(tree, list):
        for value in tree:
            found |= values_in(value)
    return found


def ids_in(tree: Any) -> list[Any]:
    found = []
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and "id" in props:
            found.append(props["id"])
        for value in tree.values():
            found += ids_in(value)
    elif isinstance(tree, list):
        for value in tree:
            found += ids_in(value)
    return found


# -- callback shortcuts ----------------------------------------------------------------------------


def route(client, path: str) -> Any:
    return post(client, dependency(client, "page.children", "url"), [path], changed=["url.pathname"])


def form_state(values: dict[str, Any]) -> list[Any]:
    jobs = values.get("experience", [])
    schools = values.get("education", [])
    return [
        *[values.get(name, "") for name in FIXED_FIELDS],
        *[values.get(name, [] if name == "work_formats" else "") for name in WISH_FIELDS],
        *[
            [({"type": "resume-job", "field": f, "index": i}, j.get(f, "")) for i, j in enumerate(jobs)]
            for f in JOB_FIELDS
        ],
        *[
            [({"type": "resume-school", "field": f, "index": i}, s.get(f, "")) for i, s in enumerate(schools)]
            for f in SCHOOL_FIELDS
        ],
    ]


def save_form(client, values: dict[str, Any]) -> Any:
    dep = dependency(client, "resume-form.children", "resume-save")
    return post(client, dep, [1], form_state(values), changed=["resume-save.n_clicks"])


def restructure(
    client, values: dict[str, Any], trigger: str, *, index: int = 0, text: str = "", upload: Any = None
):
    dep = dependency(client, "resume-form.children", "resume-job-add")
    jobs = len(values.get("experience", []))
    schools = len(values.get("education", []))
    job_remove = [
        ({"type": "resume-job-remove", "index": i}, 1 if trigger == "job-remove" and i == index else None)
        for i in range(jobs)
    ]
    school_remove = [
        (
            {"type": "resume-school-remove", "index": i},
            1 if trigger == "school-remove" and i == index else None,
        )
        for i in range(schools)
    ]
    inputs = [
        1 if trigger == "job-add" else None,
        job_remove,
        1 if trigger == "school-add" else None,
        school_remove,
        1 if trigger == "parse" else None,
        upload,
    ]
    names = {
        "job-add": "resume-job-add.n_clicks",
        "school-add": "resume-school-add.n_clicks",
        "parse": "resume-import-parse.n_clicks",
        "upload": "resume-import-upload.contents",
        "job-remove": changed({"type": "resume-job-remove", "index": index}, "n_clicks"),
        "school-remove": changed({"type": "resume-school-remove", "index": index}, "n_clicks"),
    }
    return post(client, dep, inputs, [text, *form_state(values)], changed=[names[trigger]])


def form_values(tree: Any) -> dict[str, Any]:
    """Form values back from a rendered form, shaped like ``to_form``."""
    found = values_in(tree)
    values: dict[str, Any] = {name: found.get(f"resume-{name}", "") for name in FIXED_FIELDS}
    values |= {name: found.get(f"resume-{name}", "") for name in WISH_FIELDS}

    def entries(kind: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
        result: dict[int, dict[str, Any]] = {}
        for key, value in found.items():
            if key.startswith("{"):
                pid = json.loads(key)
                if pid.get("type") == kind:
                    result.setdefault(pid["index"], {})[pid["field"]] = value
        return [{f: result[i].get(f, "") for f in fields} for i in sorted(result)]

    values["experience"] = entries("resume-job", JOB_FIELDS)
    values["education"] = entries("resume-school", SCHOOL_FIELDS)
    return values


def panel_load(client, vacancy_id: Any) -> dict[str, Any]:
    dep = dependency(client, "docs-note.children", "docs-vacancy")
    return response(post(client, dep, [vacancy_id], changed=["docs-vacancy.data"]))


def generate(client, vacancy_id: Any, *, offline: bool = False) -> dict[str, Any]:
    dep = dependency(client, "docs-job.data", "docs-generate")
    inputs = [None, 1] if offline else [1, None]
    name = "docs-generate-offline.n_clicks" if offline else "docs-generate.n_clicks"
    return response(post(client, dep, inputs, [vacancy_id], changed=[name]))


def poll(client, generation_id: Any, vacancy_id: Any) -> Any:
    dep = dependency(client, "docs-poll.disabled", "docs-poll")
    return post(client, dep, [1], [generation_id, vacancy_id], changed=["docs-poll.n_intervals"])


def download(client, generation_id: Any, kind: str, where: str = "result") -> Any:
    dep = dependency(client, f"docs-download-{kind}.data", "docs-dl")
    button = {"type": "docs-dl", "kind": kind, "gen": generation_id, "where": where}
    return post(client, dep, [[(button, 1)]], changed=[changed(button, "n_clicks")])


def show(client, generation_id: Any) -> Any:
    dep = dependency(client, "docs-result.children", "docs-show")
    button = {"type": "docs-show", "gen": generation_id}
    return post(client, dep, [[(button, 1)]], changed=[changed(button, "n_clicks")])


def generation_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(resume_generations)).scalar_one()


# -- the profile page ------------------------------------------------------------------------------


def test_nothing_without_a_login(app, people) -> None:
    client = app.server.test_client()
    assert client.get("/profile").status_code == 302
    assert client.post("/_dash-update-component", json={}).status_code == 401


def test_a_new_user_fills_the_profile_and_it_is_saved_normalised(app, people, engine) -> None:
    client = client_for(app, "alice")
    page = response(route(client, "/profile"))["page"]["children"]
    assert "Профиль для резюме" in text_of(page) and "Ключа нет" in text_of(page)
    values = form_values(page)
    assert values["name"] == "" and values["experience"] == []
    values |= {"name": "Алиса Смирнова", "headline": "Аналитик", "skills": "SQL, Python; Power BI"}
    values = form_values(response(restructure(client, values, "job-add"))["resume-form"]["children"])
    values["experience"][0] |= {
        "employer": "Сбер",
        "role": "Аналитик",
        "start": "май 2019",
        "bullets": "- Дашборды\n- Отчёты",
    }
    saved = response(save_form(client, values))
    assert (
        saved["resume-feedback"]["children"] == "Профиль сохранён."
        and saved["resume-feedback"]["color"] == "success"
    )
    assert form_values(saved["resume-form"]["children"])["experience"][0]["start"] == "05.2019"
    with engine.connect() as conn:
        profile = store.load_profile(conn, people["alice"]).profile
    assert profile.skills == ["SQL", "Python", "Power BI"]
    assert profile.experience[0].start == "2019-05" and profile.experience[0].bullets == [
        "Дашборды",
        "Отчёты",
    ]


def test_a_wrong_value_is_explained_and_nothing_typed_is_lost(app, people, engine) -> None:
    save_profile(engine, people["alice"])
    client = client_for(app, "alice")
    values = form_values(response(route(client, "/profile"))["page"]["children"])
    values["email"] = "not-an-email"
    values["experience"][1]["start"] = "весной"
    values["summary"] = "Новый текст, который нельзя потерять"
    result = response(save_form(client, values))
    assert "resume-form" not in result  # the form stays exactly as typed
    feedback = text_of(result["resume-feedback"])
    assert "Профиль не сохранён" in feedback
    assert "«not-an-email» не похоже на адрес почты" in feedback
    assert "Опыт работы №2 → Начало: «весной» не похоже на дату" in feedback
    assert result["resume-feedback"]["color"] == "danger"
    with engine.connect() as conn:
        assert store.load_profile(conn, people["alice"]).profile.summary == PROFILE_DOC["summary"]


def test_removing_a_job_keeps_the_others_as_typed(app, people, engine) -> None:
    save_profile(engine, people["alice"])
    client = client_for(app, "alice")
    values = form_values(response(route(client, "/profile"))["page"]["children"])
    values["experience"][1]["bullets"] += "\nЕщё пункт, не сохранённый"
    values["name"] = "Анна П."
    after = form_values(
        response(restructure(client, values, "job-remove", index=0))["resume-form"]["children"]
    )
    assert [j["employer"] for j in after["experience"]] == ["Лютик"]
    assert after["experience"][0]["bullets"].endswith("Ещё пункт, не сохранённый")
    assert after["name"] == "Анна П."
    after = form_values(response(restructure(client, after, "school-add"))["resume-form"]["children"])
    assert len(after["education"]) == 2 and after["education"][1] == dict.fromkeys(SCHOOL_FIELDS, "")


def test_import_from_pasted_text_and_from_a_docx(app, people, engine) -> None:
    client = client_for(app, "alice")
    values = form_values(response(route(client, "/profile"))["page"]["children"])
    result = response(restructure(client, values, "parse", text=HH_TEXT))
    assert (
        "Импортировано: мест работы — 2, навыков — 5, образование — 1"
        in result["resume-feedback"]["children"]
    )
    imported = form_values(result["resume-form"]["children"])
    assert imported["name"] == "Петров Иван Сергеевич"
    assert imported["experience"][0]["start"] == "03.2021" and imported["skills"].startswith("Python, Django")
    with engine.connect() as conn:  # imported into the form, not saved yet
        assert not store.load_profile(conn, people["alice"]).exists

    document = docx.Document()
    document.add_heading("Мария Иванова", 1)
    document.add_heading("Навыки", 2)
    document.add_paragraph("SQL, Python")
    buffer = io.BytesIO()
    document.save(buffer)
    contents = "data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64," + (
        base64.b64encode(buffer.getvalue()).decode()
    )
    result = response(restructure(client, values, "upload", upload=contents))
    uploaded = form_values(result["resume-form"]["children"])
    assert uploaded["name"] == "Мария Иванова" and uploaded["skills"] == "SQL, Python"
    assert result["resume-import-upload"] == {"contents": None}

    bad = "data:application/octet-stream;base64," + base64.b64encode(b"MZ not a docx").decode()
    result = response(restructure(client, values, "upload", upload=bad))
    assert "не читается как DOCX" in result["resume-feedback"]["children"] and "resume-form" not in result


def test_the_key_is_encrypted_and_never_sent_back(app, people, engine, settings) -> None:
    client = client_for(app, "alice")
    dep = dependency(client, "resume-key-status.children", "resume-ai-save")
    answer = post(client, dep, [1], ["not a key!", "", "", ""], changed=["resume-ai-save.n_clicks"])
    result = response(answer)
    assert "не похоже на ключ" in result["resume-ai-feedback"]["children"]
    assert result["resume-key-input"] == {"value": ""} and "not a key!" not in answer.get_data(as_text=True)

    answer = post(
        client,
        dep,
        [1],
        [KEY, "GIGACHAT_API_B2B", "GigaChat-2-Pro", 0.5],
        changed=["resume-ai-save.n_clicks"],
    )
    result = response(answer)
    assert KEY not in answer.get_data(as_text=True) and "very-secret" not in answer.get_data(as_text=True)
    assert result["resume-key-input"] == {"value": ""}
    assert "Ваш ключ сохранён ✓" in text_of(result["resume-key-status"])
    with engine.connect() as conn:
        row = conn.execute(select(resume_profiles)).one()
    assert KEY.encode() not in bytes(row.gigachat_key) and decrypt(settings, bytes(row.gigachat_key)) == KEY
    assert row.gigachat_options == {
        "scope": "GIGACHAT_API_B2B",
        "model": "GigaChat-2-Pro",
        "temperature": 0.5,
    }

    page = route(client, "/profile")
    assert KEY not in page.get_data(as_text=True)
    assert "resume-key-saved" in ids_in(response(page)["page"]["children"])
    assert client.get("/_dash-layout").get_data(as_text=True).count(KEY) == 0

    answer = post(client, dep, [1], ["", "", "", "3"], changed=["resume-ai-save.n_clicks"])
    assert "Температура — число от 0 до 2." in response(answer)["resume-ai-feedback"]["children"]

    remove = dependency(client, "resume-key-status.children", "resume-key-remove")
    result = response(post(client, remove, [1], changed=["resume-key-remove.n_clicks"]))
    assert "Ключа нет" in text_of(result["resume-key-status"])
    with engine.connect() as conn:
        assert conn.execute(select(resume_profiles.c.gigachat_key)).scalar_one() is None


# -- the documents panel ---------------------------------------------------------------------------


def test_generate_review_and_download_without_gigachat(app, people, engine) -> None:
    save_profile(engine, people["alice"])
    client = client_for(app, "alice")
    loaded = panel_load(client, 1001)
    assert "встроенный офлайн-шаблон" in text_of(loaded["docs-note"])
    assert loaded["docs-generate"] == {"disabled": False} and loaded["docs-poll"] == {"disabled": True}

    started = generate(client, 1001)
    generation_id = started["docs-job"]["data"]
    assert started["docs-poll"] == {"disabled": False} and "Готовим документы" in text_of(
        started["docs-status"]
    )
    assert started["docs-generate"] == {"disabled": True}
    assert wait_generation(engine, generation_id)["status"] == "done"

    done = response(poll(client, generation_id, 1001))
    assert done["docs-poll"] == {"disabled": True} and done["docs-status"] == {"children": None}
    result = text_of(done["docs-result"])
    assert "встроенный шаблон (без GigaChat)" in result
    assert "всё в документах есть в вашем профиле ✓" in result
    assert "Совпало с вакансией: Python, Postgres, Django" in result
    assert "в профиле нет: Kubernetes" in result
    assert {"type": "docs-dl", "kind": "resume", "gen": generation_id, "where": "history"} in ids_in(
        done["docs-history"]
    )

    files = {}
    for kind in ("resume", "letter"):
        data = response(download(client, generation_id, kind))[f"docs-download-{kind}"]["data"]
        assert data["base64"] is True and data["type"].endswith("wordprocessingml.document")
        files[kind] = (data["filename"], docx.Document(io.BytesIO(base64.b64decode(data["content"]))))
    assert files["resume"][0] == "Резюме — Python-разработчик — Ромашка Тех.docx"
    assert files["letter"][0] == "Сопроводительное письмо — Python-разработчик — Ромашка Тех.docx"
    assert files["resume"][1].paragraphs[0].text == "Анна Петрова"
    again = response(download(client, generation_id, "resume", "history"))["docs-download-resume"]["data"]
    assert base64.b64decode(again["content"])[:2] == b"PK"  # rendered again from the stored structure

    later = panel_load(client, 1001)  # opening the panel again shows the last result and the history
    assert "Скачать резюме (DOCX)" in text_of(later["docs-result"])
    assert "шаблон" in text_of(later["docs-history"])
    assert "Скачать письмо" in text_of(response(show(client, generation_id))["docs-result"])


def test_someone_elses_vacancy_or_documents_fail_harmlessly(app, people, engine) -> None:
    save_profile(engine, people["alice"])
    save_profile(engine, people["bob"])
    bob = client_for(app, "bob")
    bob_generation = generate(bob, 2001)["docs-job"]["data"]
    assert wait_generation(engine, bob_generation)["status"] == "done"

    alice = client_for(app, "alice")
    for vacancy_id in (2001, 999_999, "2001", -1, None, {"$gt": 0}):
        loaded = panel_load(alice, vacancy_id)
        assert "не из вашего списка" in text_of(loaded["docs-note"]) and loaded["docs-history"] == {
            "children": None
        }
        refused = generate(alice, vacancy_id)
        assert "не из вашего списка" in text_of(refused["docs-status"]) and refused["docs-job"] == {
            "data": None
        }
    assert generation_count(engine) == 1  # nothing was started for alice
    polled = response(poll(alice, bob_generation, 2001))
    assert "Скачать" not in text_of(polled) and polled["docs-poll"] == {"disabled": True}
    assert download(alice, bob_generation, "resume").status_code == 204  # nothing is sent
    assert download(alice, bob_generation, "letter", "history").status_code == 204
    shown = text_of(response(show(alice, bob_generation)))
    assert "Этих документов нет" in shown and "Data Engineer" not in shown


def test_without_a_profile_the_panel_says_what_to_fill(app, people, engine) -> None:
    client = client_for(app, "alice")
    loaded = panel_load(client, 1001)
    assert "Сначала заполните профиль для резюме: укажите имя; добавьте навыки" in text_of(
        loaded["docs-note"]
    )
    assert loaded["docs-generate"] == {"disabled": True}
    refused = generate(client, 1001)  # a hand-made click changes nothing either
    assert "Сначала заполните профиль" in text_of(refused["docs-status"]) and generation_count(engine) == 0


def test_a_gigachat_failure_keeps_everything_and_offers_the_template(
    engine, settings_factory, people
) -> None:
    save_profile(engine, people["alice"])
    with FakeGigaChat() as fake:
        settings = settings_factory(
            gigachat_credentials=KEY, gigachat_base_url=fake.base_url, gigachat_auth_url=fake.auth_url
        )
        client = client_for(create_app(settings, engine), "alice")
        assert "Пишет GigaChat (GigaChat-2), ключ сервера" in text_of(panel_load(client, 1001)["docs-note"])
        generation_id = generate(client, 1001)["docs-job"]["data"]  # the fake knows another key: 401
        assert wait_generation(engine, generation_id)["error_kind"] == "auth"
        failed = response(poll(client, generation_id, 1001))
        assert "GigaChat не принял ключ авторизации (401)" in text_of(failed["docs-status"])
        assert "Ваш профиль и прежние документы не тронуты" in text_of(failed["docs-status"])
        assert KEY not in text_of(failed)
        assert failed["docs-generate-offline"] == {"style": {}} and failed["docs-generate"] == {
            "disabled": False
        }
        assert "ошибка" in text_of(failed["docs-history"])

        offline_id = generate(client, 1001, offline=True)["docs-job"]["data"]
        assert wait_generation(engine, offline_id)["status"] == "done"
        done = response(poll(client, offline_id, 1001))
        assert "встроенный шаблон" in text_of(done["docs-result"]) and done["docs-generate-offline"] == {
            "style": {"display": "none"}
        }
    with engine.connect() as conn:
        assert store.load_profile(conn, people["alice"]).profile == Profile.model_validate(PROFILE_DOC)


def test_gigachat_documents_with_the_users_key(engine, settings_factory, people) -> None:
    save_profile(engine, people["alice"])
    with FakeGigaChat(credentials=KEY) as fake:
        fake.invent_next()
        settings = settings_factory(gigachat_base_url=fake.base_url, gigachat_auth_url=fake.auth_url)
        with engine.begin() as conn:
            store.save_key(conn, settings, people["alice"], KEY)
        client = client_for(create_app(settings, engine), "alice")
        assert "ваш ключ" in text_of(panel_load(client, 1001)["docs-note"])
        generation_id = generate(client, 1001)["docs-job"]["data"]
        assert wait_generation(engine, generation_id)["status"] == "done"
        result = text_of(response(poll(client, generation_id, 1001))["docs-result"])
    assert "Готово: GigaChat (GigaChat-2)" in result
    assert "Убрано: навык Kubernetes — его нет в вашем профиле" in result
    assert "Убрано: место работы «Яндекс» — его нет в вашем профиле" in result


def test_one_generation_at_a_time_and_a_stale_one_expires(app, people, engine, settings) -> None:
    save_profile(engine, people["alice"])
    client = client_for(app, "alice")
    with engine.begin() as conn:
        vacancy = store.load_vacancy(conn, people["alice"], 1001)
        running = store.start_generation(
            conn, people["alice"], vacancy, provider="offline", model=None, lang="ru"
        )
    again = generate(client, 1001)  # a double click or a second tab: the same generation
    assert again["docs-job"]["data"] == running.generation_id and generation_count(engine) == 1
    loaded = panel_load(client, 1001)
    assert loaded["docs-job"]["data"] == running.generation_id and loaded["docs-poll"] == {"disabled": False}
    assert poll(client, running.generation_id, 1001).status_code == 204  # still running: nothing changes

    with engine.begin() as conn:  # the process that ran it died long ago
        conn.execute(
            update(resume_generations).values(created_at=func.now() - func.make_interval(0, 0, 0, 0, 1))
        )
    failed = response(poll(client, running.generation_id, 1001))
    assert "Генерация прервалась" in text_of(failed["docs-status"])
    started = generate(client, 1001)
    assert started["docs-job"]["data"] != running.generation_id
    assert wait_generation(engine, started["docs-job"]["data"])["status"] == "done"


def test_files_are_rendered_from_the_stored_structure(app, people, engine) -> None:
    save_profile(engine, people["alice"])
    client = client_for(app, "alice")
    generation_id = generate(client, 1001)["docs-job"]["data"]
    row = wait_generation(engine, generation_id)
    save_profile(engine, people["alice"], PROFILE_DOC | {"name": "Другое Имя"})  # the profile moves on
    data = response(download(client, generation_id, "resume"))["docs-download-resume"]["data"]
    document = docx.Document(io.BytesIO(base64.b64decode(data["content"])))
    assert document.paragraphs[0].text == "Анна Петрова"  # as generated then
    assert render.filenames(row["output"])[0] == data["filename"]


def test_at_most_three_generations_of_one_user_run_at_once(app, people, engine) -> None:
    save_profile(engine, people["alice"])
    for vacancy_id in (1002, 1003, 1004):
        add_vacancy(engine, people["alice"], vacancy_id)
        with engine.begin() as conn:
            vacancy = store.load_vacancy(conn, people["alice"], vacancy_id)
            store.start_generation(conn, people["alice"], vacancy, provider="offline", model=None, lang="ru")
    client = client_for(app, "alice")
    busy = generate(client, 1001)
    assert "Уже готовятся документы для нескольких вакансий" in text_of(busy["docs-status"])
    assert busy["docs-job"] == {"data": None} and generation_count(engine) == 3
    bob = client_for(app, "bob")  # other users are not held up
    save_profile(engine, people["bob"])
    started = generate(bob, 2001)
    assert wait_generation(engine, started["docs-job"]["data"])["status"] == "done"


def test_a_stored_profile_that_no_longer_validates_is_shown_to_be_fixed(app, people, engine) -> None:
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    broken = PROFILE_DOC | {"contacts": {"email": "old style"}}
    with engine.begin() as conn:
        conn.execute(pg_insert(resume_profiles).values(user_id=people["alice"], document=broken))
    client = client_for(app, "alice")
    values = form_values(response(route(client, "/profile"))["page"]["children"])
    assert values["name"] == "Анна Петрова" and values["email"] == "old style"
    assert "адрес почты" in text_of(response(save_form(client, values))["resume-feedback"])
    loaded = panel_load(client, 1001)  # until then generation asks for the profile
    assert "Сначала заполните профиль" in text_of(loaded["docs-note"])
