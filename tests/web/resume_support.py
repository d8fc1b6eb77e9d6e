"""Helpers for the resume tests: a profile and vacancies in the database, a small Dash app with the
profile page and the documents panel (until they are wired into ``webapp.app.create_app``), and
Dash callback requests with pattern-matching ids."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import Engine, insert, select

from core.schema import details, resume_generations, user_vacancies, vacancies
from domain.resume import store
from domain.resume.model import Profile

PROFILE_DOC: dict[str, Any] = {
    "name": "Анна Петрова",
    "headline": "Python-разработчик",
    "contacts": {
        "email": "anna@example.com",
        "phone": "+7 900 123-45-67",
        "location": "Москва",
        "links": ["https://github.com/anna"],
    },
    "summary": "Backend-разработчик: сервисы на Python и аккуратный код.",
    "skills": ["Python", "Django", "Postgres", "Docker", "Git", "Redis", "Английский язык"],
    "experience": [
        {
            "employer": "ООО «Ромашка»",
            "role": "Python-разработчик",
            "start": "2021-03",
            "end": "",
            "bullets": [
                "Разработала REST API каталога на Django",
                "Ускорила отчёты в 3 раза, переписав запросы к PostgreSQL",
                "Настроила CI в GitLab",
            ],
        },
        {
            "employer": "Лютик",
            "role": "Младший разработчик",
            "start": "2018-09",
            "end": "2021-02",
            "bullets": ["Поддерживала внутренние скрипты на Python", "Писала тесты"],
        },
    ],
    "education": [{"institution": "МГТУ им. Баумана", "degree": "Бакалавр, информатика", "year": "2018"}],
    "languages": [{"name": "Английский", "level": "B2"}, {"name": "Русский", "level": "родной"}],
}

VACANCY: dict[str, Any] = {
    "name": "Python-разработчик",
    "employer_name": "Ромашка Тех",
    "key_skills": ["Python", "PostgreSQL", "Kubernetes", "Django"],
    "description_text": (
        "Ромашка Тех ищет Python-разработчика в команду каталога. Обязанности: разработка сервисов "
        "на Django, оптимизация запросов к PostgreSQL. Требования: Python, Django, PostgreSQL, "
        "Kubernetes. Будет плюсом: Redis, Kafka."
    ),
}


def save_profile(engine: Engine, user_id: int, document: dict[str, Any] | None = None) -> Profile:
    profile = Profile.model_validate(document or PROFILE_DOC)
    with engine.begin() as conn:
        store.save_profile(conn, user_id, profile)
    return profile


def add_vacancy(engine: Engine, user_id: int | None, vacancy_id: int, **overrides: Any) -> int:
    """A vacancy with its details, linked to ``user_id`` (None: linked to nobody)."""
    data = VACANCY | overrides
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(vacancies).values(
                id=vacancy_id,
                source="hh",
                source_id=str(vacancy_id),
                name=data["name"],
                employer_name=data["employer_name"],
                area_name="Москва",
                url=f"https://hh.ru/vacancy/{vacancy_id}",
                published_at=now,
                content_hash=f"h{vacancy_id}",
            )
        )
        conn.execute(
            insert(details).values(
                vacancy_id=vacancy_id,
                description_html=f"<p>{data['description_text']}</p>",
                description_safe=f"<p>{data['description_text']}</p>",
                description_text=data["description_text"],
                key_skills=data["key_skills"],
                source_hash=f"h{vacancy_id}",
            )
        )
        if user_id is not None:
            conn.execute(insert(user_vacancies).values(user_id=user_id, vacancy_id=vacancy_id, search_ids=[]))
    return vacancy_id


def wait_generation(engine: Engine, generation_id: int, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            row = conn.execute(
                select(resume_generations).where(resume_generations.c.id == generation_id)
            ).one()
        if row.status != "running" or time.monotonic() > deadline:
            return dict(row._mapping)
        time.sleep(0.05)


# -- a small app with the two pages ----------------------------------------------------------------


def _name(component: Any) -> str:
    if isinstance(component, str):
        return component
    return json.dumps(component, sort_keys=True, separators=(",", ":"))


def dependency(client: FlaskClient, output_prefix: str, input_id: str) -> dict[str, Any]:
    """The callback (from /_dash-dependencies) whose output starts with ``output_prefix`` and that has
    an input whose id contains ``input_id``."""
    for item in client.get("/_dash-dependencies").json:
        outputs = item["output"].strip(".")
        if outputs.startswith(output_prefix.strip(".")) and any(
            input_id in json.dumps(i["id"]) for i in item["inputs"]
        ):
            return item
    raise AssertionError(f"no callback {output_prefix} <- {input_id}")


def post(
    client: FlaskClient,
    dep: dict[str, Any],
    inputs: list[Any],
    state: list[Any] = (),
    changed: list[str] = (),
) -> Any:
    """POST a callback as the browser does: ``inputs``/``state`` are values in the dependency's
    order — a plain value, or for a pattern (ALL) a list of ``(id, value)`` pairs; states left out
    at the end are sent as None."""

    def entries(declared: list[dict[str, Any]], values: list[Any]) -> list[Any]:
        result = []
        for spec, value in zip(declared, values, strict=True):
            if isinstance(spec["id"], dict) or str(spec["id"]).startswith("{"):  # a pattern (ALL)
                result.append([{"id": i, "property": spec["property"], "value": v} for i, v in value])
            else:
                result.append({"id": spec["id"], "property": spec["property"], "value": value})
        return result

    outputs_text = dep["output"]
    if outputs_text.startswith(".."):
        parts = outputs_text.strip(".").split("...")
        outputs: Any = []
        for part in parts:
            cid, _, prop = part.rpartition(".")
            outputs.append(
                {"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop.split("@")[0]}
            )
    else:
        cid, _, prop = outputs_text.rpartition(".")
        outputs = {"id": json.loads(cid) if cid.startswith("{") else cid, "property": prop.split("@")[0]}
    body = {
        "output": outputs_text,
        "outputs": outputs,
        "inputs": entries(dep["inputs"], inputs),
        # states a test leaves out go as None, as a browser sends an unset one (the router's url.search)
        "state": entries(dep["state"], [*state, *[None] * (len(dep["state"]) - len(state))]),
        "changedPropIds": list(changed),
    }
    return client.post("/_dash-update-component", json=body)


def changed(component: Any, prop: str) -> str:
    return f"{_name(component)}.{prop}"
