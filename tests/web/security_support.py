"""Helpers for the security tests (issue 12): logged-in clients, callback bodies to tamper with
before sending, the CSRF token a page hands out."""

from __future__ import annotations

from typing import Any

from tests.web.support import callback

ALICE_FIRST = 500_000_000
TG_TOKEN = "123456789:AAEtestTokenForTheWebCard000"
CALLBACK = "/_dash-update-component"


def post_raw(client, body: str):
    return client.post(CALLBACK, data=body, content_type="application/json")


def grid_body(client, request: dict[str, Any], quick: str = "") -> dict[str, Any]:
    """The body support.callback would send for a grid block (to tamper with before sending)."""
    captured: dict[str, Any] = {}

    class Capture:
        def get(self, path):
            return client.get(path)

        def post(self, path, json):
            captured.update(json)

    callback(
        Capture(),
        [("grid", "getRowsResponse"), ("grid-status", "children")],
        [("grid", "getRowsRequest", {"startRow": 0, "endRow": 100, **request})],
        [("quick", "value", quick), ("show-hidden", "value", False), ("only-favourites", "value", False)],
    )
    return captured


def auth_token(client) -> str:
    """The CSRF token of a logged-in client (the one its pages put in forms)."""

    def find(tree: Any) -> str | None:
        if isinstance(tree, dict):
            props = tree.get("props")
            if isinstance(props, dict) and props.get("name") == "csrf":
                return props["value"]
            return next((t for t in map(find, tree.values()) if t), None)
        if isinstance(tree, list):
            return next((t for t in map(find, tree) if t), None)
        return None

    token = find(client.get("/_dash-layout").json)
    assert token
    return token


def search_body(client, **fields: Any) -> dict[str, Any]:
    names = (
        "name",
        "text",
        "areas",
        "roles",
        "experience",
        "work-formats",
        "salary",
        "currency",
        "only-salary",
        "sources",
    )
    values = {"name": "Поиск X", "currency": "RUR", "only-salary": False} | fields
    captured: dict[str, Any] = {}

    class Capture:
        def get(self, path):
            return client.get(path)

        def post(self, path, json):
            captured.update(json)

    callback(
        Capture(),
        [
            ("search-editor", "is_open"),
            ("search-error", "children"),
            ("search-error", "is_open"),
            ("searches-list", "children"),
            ("searches-feedback", "children"),
            ("searches-feedback", "is_open"),
        ],
        [("search-save", "n_clicks", 1)],
        [("search-editing", "data", None)] + [(f"search-{n}", "value", values.get(n)) for n in names],
    )
    return captured
