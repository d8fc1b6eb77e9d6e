"""Helpers for the web tests: the app on a test database, logins, hand-made callback requests,
a real server thread for the browser, and data loaded the way the harvest loads it."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import Engine
from werkzeug.serving import make_server

from core.searches import create_search
from core.users import create_user
from domain.market import store as market
from etl import load
from etl.transform import details_row, vacancy_row
from testing.synthetic import CURRENCY_RATES, generate_vacancies

PASSWORD = "correct horse battery"
#: A vacancy's page on the other boards (hh.ru's items carry their own ``alternate_url``).
BOARD_URLS = {
    "trudvsem": "https://trudvsem.ru/vacancy/card/1027700000001/{id}",
    "superjob": "https://www.superjob.ru/vakansii/razrabotchik-{id}.html",
}


def add_user(engine: Engine, login: str, *, role: str = "user", searches: int = 1) -> tuple[int, list[int]]:
    with engine.begin() as conn:
        user = create_user(conn, login, PASSWORD, role=role, display_name=login.capitalize())
        ids = [create_search(conn, user.id, name=f"Поиск {i + 1}", text="") for i in range(searches)]
    return user.id, ids


def load_vacancies(
    engine: Engine,
    user_id: int,
    search_id: int,
    n: int,
    *,
    first_id: int,
    seed: int = 3,
    now: datetime | None = None,
    hostile_html_share: float = 0.0,
    mutate: Any = None,
    source: str = "hh",
) -> list[dict[str, Any]]:
    """n synthetic vacancies through the ETL's own transform and load functions, linked to a user.

    hh.ru-shaped items stored as vacancies of ``source`` (``first_id`` onwards are their ids on
    that board, ``source_id``); each returned row carries the vacancy's own ``id`` (t01's key)."""
    end = (now or datetime.now().astimezone()).replace(microsecond=0)
    items = list(
        generate_vacancies(
            n,
            seed=seed,
            start=end - timedelta(days=20),
            end=end,
            first_id=first_id,
            hostile_html_share=hostile_html_share,
        )
    )
    if mutate:
        for item in items:
            mutate(item)
    rows = [vacancy_row(item, CURRENCY_RATES) for item in items]
    for row in rows:  # hh.ru's id is the board's id; the vacancy's own id is the database's
        row["source"], row["source_id"] = source, str(row.pop("id"))
        if source != "hh":
            row["url"] = BOARD_URLS[source].format(id=row["source_id"])
            row["employer_url"] = None
            if row.get("employer_id"):
                row["employer_id"] = f"{source}:{row['employer_id']}"
    with engine.begin() as conn:
        ids = load.upsert_vacancies(conn, rows, end).ids
        for row in rows:
            row["id"] = ids[row["source_id"]]
        load.upsert_details(
            conn,
            [
                {**details_row(item, row["content_hash"]), "vacancy_id": row["id"]}
                for item, row in zip(items, rows, strict=True)
            ],
        )
        load.link_to_user(
            conn, user_id=user_id, search_id=search_id, run_id="test", vacancy_ids=[r["id"] for r in rows]
        )
        market.refresh(conn, [r["id"] for r in rows])  # as a harvest batch does
    return rows


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: FlaskClient, login_name: str, password: str = PASSWORD) -> Any:
    """Log in through the form; the client then sends the CSRF header on every request, as
    dash-renderer does (it copies the ``_csrf_token`` cookie into ``X-CSRFToken``)."""
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"login": login_name, "password": password, "csrf": token})
    cookie = client.get_cookie("_csrf_token")
    if cookie is not None:
        client.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    return response


def client_for(app: Any, name: str) -> FlaskClient:
    """A test client of ``app`` logged in as ``name`` (with the shared test password)."""
    client = app.server.test_client()
    response = login(client, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _name(component: Any) -> str:
    if isinstance(component, str):
        return component
    return json.dumps(component, sort_keys=True, separators=(",", ":"))


def _dependency(
    client: FlaskClient, outputs: list[tuple[Any, str]], inputs: list[tuple[Any, str, Any]]
) -> dict[str, Any] | None:
    """The callback these outputs and inputs name, as /_dash-dependencies lists it."""
    wanted = {f"{_name(c)}.{p}" if isinstance(c, str) else None for c, p in outputs} - {None}
    wanted_inputs = {f"{_name(c)}.{p}" for c, p, _ in inputs if isinstance(c, str)}
    listed = client.get("/_dash-dependencies")
    for dependency in listed.json if listed.status_code == 200 else []:
        names = {part.split("@")[0] for part in dependency["output"].strip(".").split("...")}
        ids = {f"{i['id']}.{i['property']}" for i in dependency["inputs"]}
        if wanted <= names and len(names) == len(outputs) and wanted_inputs <= ids:
            return dependency
    return None


def _output_key(
    client: FlaskClient, outputs: list[tuple[Any, str]], inputs: list[tuple[Any, str, Any]]
) -> str:
    """The callback's own name for these outputs, as /_dash-dependencies lists it (outputs that
    other callbacks share carry an ``@hash`` suffix the browser sends back)."""
    dependency = _dependency(client, outputs, inputs)
    if dependency is not None:
        return dependency["output"]
    many = len(outputs) > 1
    output = "...".join(f"{_name(c)}.{p}" for c, p in outputs)
    return f"..{output}.." if many else output


def _every_state(
    client: FlaskClient,
    outputs: list[tuple[Any, str]],
    inputs: list[tuple[Any, str, Any]],
    state: list[tuple[Any, str, Any]],
) -> list[tuple[Any, str, Any]]:
    """``state`` with the callback's other (string-id) states added as None: the browser always
    sends every State, so a test names only those it cares about (e.g. the router's url.search)."""
    dependency = _dependency(client, outputs, inputs)
    if dependency is None:
        return list(state)
    given = {(_name(c), p): (c, p, v) for c, p, v in state}
    full = []
    for item in dependency.get("state", []):
        ident = item["id"]
        key = (ident if isinstance(ident, str) else _name(ident), item["property"])
        if key in given:
            full.append(given.pop(key))
        elif isinstance(ident, str) and not ident.startswith("{"):
            full.append((ident, item["property"], None))
    return full + list(given.values())


def callback(
    client: FlaskClient,
    outputs: list[tuple[Any, str]],
    inputs: list[tuple[Any, str, Any]],
    state: list[tuple[Any, str, Any]] = (),
    *,
    changed: list[int] | None = None,
) -> Any:
    """POST a Dash callback request as the browser would (or as an attacker could).

    ``inputs`` must list every input of the callback, in order; ``changed`` says which of them
    triggered it (default: all). States left out are sent as None, as a browser sends an unset one.
    """
    key = _output_key(client, outputs, inputs)
    state = _every_state(client, outputs, inputs, state)
    body = {
        "output": key,
        "outputs": [{"id": c, "property": p.split("@")[0]} for c, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": c, "property": p, "value": v} for c, p, v in inputs],
        "changedPropIds": [
            f"{_name(c)}.{p}" for i, (c, p, _) in enumerate(inputs) if changed is None or i in changed
        ],
        "state": [{"id": c, "property": p, "value": v} for c, p, v in state],
    }
    return client.post("/_dash-update-component", json=body)


def grid_rows(
    client: FlaskClient,
    request: dict[str, Any],
    *,
    quick: str = "",
    show_hidden: bool = False,
    only_favourites: bool = False,
) -> Any:
    return callback(
        client,
        [("grid", "getRowsResponse"), ("grid-status", "children")],
        [("grid", "getRowsRequest", {"startRow": 0, "endRow": 100, **request})],
        [
            ("quick", "value", quick),
            ("show-hidden", "value", show_hidden),
            ("only-favourites", "value", only_favourites),
        ],
    )


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """The app on a real HTTP server thread on 127.0.0.1 (a free port); yields its URL."""
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="web-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
