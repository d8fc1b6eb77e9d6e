"""Helpers for the application-tracking web tests: tracked vacancies in the database, a finished
resume generation to apply with, and Dash callbacks of the panel's ``MATCH`` patterns posted as
the browser (or an attacker) posts them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import Engine, insert, update

from core.schema import resume_generations, user_vacancies, users, vacancies
from domain import applications as apps
from tests.web.resume_support import add_vacancy
from webapp import queries

NOW = datetime.now(UTC).replace(microsecond=0)


def tracked(
    engine: Engine,
    user_id: int,
    vacancy_id: int,
    stages: list[str],
    *,
    name: str | None = None,
    employer: str = "Ромашка Тех",
    days_ago: int = 0,
    score: int | None = None,
    closed_at: datetime | None = None,
    note: str | None = None,
    next_step_at: datetime | None = None,
    next_step_note: str | None = None,
) -> int:
    """A vacancy linked to the user, moved through ``stages``; the last change ``days_ago``."""
    add_vacancy(engine, user_id, vacancy_id, name=name or f"Вакансия {vacancy_id}", employer_name=employer)
    when = NOW - timedelta(days=days_ago)
    with engine.begin() as conn:
        for i, stage in enumerate(stages):
            last = i == len(stages) - 1
            apps.record(
                conn,
                user_id,
                vacancy_id,
                stage=stage,
                note=note if last else None,
                next_step_at=next_step_at if last else None,
                next_step_note=next_step_note if last else None,
                via="web",
                now=when - timedelta(hours=len(stages) - 1 - i),
            )
        values: dict[str, Any] = {}
        if score is not None:
            conn.execute(
                update(user_vacancies)
                .where(user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == vacancy_id)
                .values(score=score)
            )
        if closed_at is not None:
            values["closed_at"] = closed_at
            conn.execute(update(vacancies).where(vacancies.c.id == vacancy_id).values(values))
    return vacancy_id


def done_generation(engine: Engine, user_id: int, vacancy_id: int, made: datetime) -> int:
    """A finished (offline) resume and letter for the vacancy, made at ``made``."""
    with engine.begin() as conn:
        return conn.execute(
            insert(resume_generations)
            .values(
                user_id=user_id,
                vacancy_id=vacancy_id,
                status="done",
                provider="offline",
                vacancy_name="Python-разработчик",
                output={"resume": {"headline": "x"}, "cover_letter": {"paragraphs": []}},
                report={},
                created_at=made,
                finished_at=made,
            )
            .returning(resume_generations.c.id)
        ).scalar_one()


def set_prefs(engine: Engine, user_id: int, **values: Any) -> None:
    """Theme, language (preferences) and the time zone of a user, as the switches leave them."""
    zone = values.pop("time_zone", None)
    with engine.begin() as conn:
        for key, value in values.items():
            queries.save_preference(conn, user_id, key, value)
        if zone:
            conn.execute(update(users).where(users.c.id == user_id).values(time_zone=zone))


def _name(component: Any) -> str:
    return (
        component
        if isinstance(component, str)
        else json.dumps(component, sort_keys=True, separators=(",", ":"))
    )


def pid(kind: str, vacancy_id: int, scope: str = "page") -> dict[str, Any]:
    return {"type": f"jhapp-{kind}", "scope": scope, "vac": vacancy_id}


def panel_act(
    client: FlaskClient,
    vacancy_id: int,
    trigger: str,
    *,
    scope: str = "page",
    stage: Any = None,
    next_at: Any = "",
    next_note: Any = "",
    note: Any = "",
) -> Any:
    """The panel's ``act`` callback (save, «yes, sent» or «no answer») for one panel."""
    kinds = ("save", "yes", "no-answer")
    ids = {
        k: pid(k, vacancy_id, scope)
        for k in (*kinds, "stage", "next", "next-note", "note", "body", "changed")
    }
    body = {
        "output": _match_key(client, "jhapp-body"),
        "outputs": [{"id": ids["body"], "property": "children"}, {"id": ids["changed"], "property": "data"}],
        "inputs": [
            {"id": ids[k], "property": "n_clicks", "value": 1 if k == trigger else None} for k in kinds
        ],
        "changedPropIds": [f"{_name(ids[trigger])}.n_clicks"],
        "state": [
            {"id": ids["stage"], "property": "value", "value": stage},
            {"id": ids["next"], "property": "value", "value": next_at},
            {"id": ids["next-note"], "property": "value", "value": next_note},
            {"id": ids["note"], "property": "value", "value": note},
        ],
    }
    return client.post("/_dash-update-component", json=body)


def panel_ask(client: FlaskClient, vacancy_id: int, trigger: str = "apply", scope: str = "page") -> Any:
    ids = {k: pid(k, vacancy_id, scope) for k in ("apply", "no", "confirm")}
    body = {
        "output": _match_key(client, "jhapp-confirm"),
        "outputs": {"id": ids["confirm"], "property": "hidden"},
        "inputs": [
            {"id": ids["apply"], "property": "n_clicks", "value": 1 if trigger == "apply" else None},
            {"id": ids["no"], "property": "n_clicks", "value": 1 if trigger == "no" else None},
        ],
        "changedPropIds": [f"{_name(ids[trigger])}.n_clicks"],
        "state": [],
    }
    return client.post("/_dash-update-component", json=body)


def _match_key(client: FlaskClient, output_type: str) -> str:
    for item in client.get("/_dash-dependencies").json:
        if f'"type":"{output_type}"' in item["output"]:
            return item["output"]
    raise AssertionError(f"no callback writes {output_type}")


def open_card(client: FlaskClient, vacancy_id: Any) -> Any:
    card = {"type": "jhpage-card", "vac": vacancy_id}
    body = {
        "output": _key(client, "apps-details.is_open"),
        "outputs": [
            {"id": "apps-details", "property": "is_open"},
            {"id": "apps-details-body", "property": "children"},
        ],
        "inputs": [
            [{"id": card, "property": "n_clicks", "value": 1}],
            {"id": "apps-list", "property": "cellClicked", "value": None},
        ],
        "changedPropIds": [f"{_name(card)}.n_clicks"],
        "state": [],
    }
    return client.post("/_dash-update-component", json=body)


def page_no_answer(client: FlaskClient, vacancy_id: Any) -> Any:
    button = {"type": "jhpage-no-answer", "vac": vacancy_id}
    body = {
        "output": _key(client, "apps-content.children"),
        "outputs": {"id": "apps-content", "property": "children"},
        "inputs": [[], [{"id": button, "property": "n_clicks", "value": 1}]],
        "changedPropIds": [f"{_name(button)}.n_clicks"],
        "state": [],
    }
    return client.post("/_dash-update-component", json=body)


def _key(client: FlaskClient, output: str) -> str:
    for item in client.get("/_dash-dependencies").json:
        if item["output"].strip(".").startswith(output):
            return item["output"]
    raise AssertionError(f"no callback writes {output}")


def texts(tree: Any) -> str:
    """Every string in a component tree (as the page would show it), joined by newlines."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict):
                walk(props.get("children"))
            else:
                for value in node.values():
                    walk(value)

    walk(tree)
    return "\n".join(found)


def find(tree: Any, component_id: Any) -> dict[str, Any] | None:
    """The component with this id in a tree (None when absent)."""
    if isinstance(tree, list):
        return next((f for f in (find(i, component_id) for i in tree) if f), None)
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict):
            if props.get("id") == component_id:
                return tree
            return find(props.get("children"), component_id)
        return next((f for f in (find(v, component_id) for v in tree.values()) if f), None)
    return None
