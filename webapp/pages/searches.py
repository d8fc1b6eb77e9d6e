"""Saved searches page: the user's searches with their last harvest; create, edit, pause, delete.

A search speaks one vocabulary (hh.ru's areas and roles) and runs on the boards it names (none:
every enabled board); the editor says which of the set criteria a chosen board cannot filter by.

Every change goes through ``core.searches`` with ``current_user.id``: a search id sent from the
browser that is not this user's changes nothing.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user
from sqlalchemy import Connection, Engine

from core.errors import UserInputError
from core.searches import (
    SavedSearch,
    create_search,
    delete_search,
    list_searches,
    set_search_active,
    update_search,
)
from domain.sources import SOURCES, enabled, unsupported
from webapp import clock, dictionaries, queries
from webapp.i18n import EXPERIENCE_NAMES, WORK_FORMAT_NAMES, board, boards, error_text, name_of, number, t

_FIELDS = (
    "name",
    "text",
    "areas",
    "roles",
    "experience",
    "work_formats",
    "salary",
    "currency",
    "only_salary",
    "sources",
)
#: The editor's controls holding the criteria a board may be unable to filter by, and the name of
#: each criterion in domain.sources.FILTERS.
_CRITERIA = (
    ("text", "text"),
    ("areas", "areas"),
    ("roles", "professional_roles"),
    ("experience", "experience"),
    ("work_formats", "work_formats"),
    ("salary", "salary"),
    ("only_salary", "only_with_salary"),
)


def _when(value: Any) -> str:
    return clock.when(value)


def _status_badge(status: str | None, lang: str) -> Any:
    colours = {"success": "success", "partial": "warning", "running": "info"}
    if status is None:
        return dbc.Badge(t("searches.never", lang), color="secondary")
    return dbc.Badge(t(f"status.{status}", lang), color=colours.get(status, "danger"))


def search_cards(engine: Engine, user_id: int, lang: str) -> list[Any]:
    with engine.connect() as conn:
        rows = queries.searches_with_last_run(conn, user_id)
        areas = {o["value"]: o["label"].split(" (")[0] for o in dictionaries.area_options(conn)}
        roles = {o["value"]: o["label"] for o in dictionaries.role_options(conn)}
    if not rows:
        return [dbc.Alert(t("searches.none", lang), color="info", id="searches-empty")]
    cards = []
    for row in rows:
        filters = []
        if row["areas"]:
            filters.append(", ".join(areas.get(a, a) for a in row["areas"]))
        if row["professional_roles"]:
            filters.append(", ".join(roles.get(r, r) for r in row["professional_roles"]))
        if row["experience"]:
            filters.append(", ".join(name_of(EXPERIENCE_NAMES, e, lang) for e in row["experience"]))
        if row["work_formats"]:
            filters.append(", ".join(name_of(WORK_FORMAT_NAMES, w, lang) for w in row["work_formats"]))
        if row["salary"]:
            filters.append(f"≥ {number(row['salary'], lang)} {row['currency']}")
        on = boards(list(row["sources"]), lang) if row.get("sources") else t("searches.sources_all", lang)
        last = (
            [
                _status_badge(row["run_status"], lang),
                f" {_when(row['run_started_at'])} · "
                + t(
                    "searches.found_new",
                    lang,
                    found=number(row["run_found"] or 0, lang),
                    new=number(row["run_new"] or 0, lang),
                ),
                html.Div(row["run_error"], className="small text-danger") if row["run_error"] else None,
            ]
            if row["run_status"]
            else [_status_badge(None, lang)]
        )
        active = row["is_active"]
        cards.append(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(
                            [
                                html.H3(row["name"], className="h6 mb-0 me-2"),
                                dbc.Badge(
                                    t("searches.active" if active else "searches.paused", lang),
                                    color="success" if active else "secondary",
                                    pill=True,
                                ),
                            ],
                            className="d-flex align-items-center mb-1",
                        ),
                        html.Div(row["text"] or "—", className="font-monospace small mb-1"),
                        html.Div(" · ".join(filters) or t("searches.any", lang), className="small mb-1"),
                        html.Div(
                            [
                                html.Span(
                                    t("searches.sources", lang) + ": ", className="text-body-secondary"
                                ),
                                on,
                            ],
                            className="small mb-2 jh-search-sources",
                        ),
                        html.Div(
                            [
                                html.Span(
                                    t("searches.last_run", lang) + ": ", className="text-body-secondary"
                                ),
                                *last,
                            ],
                            className="small mb-1",
                        ),
                        html.Div(t("searches.vacancies", lang, n=row["vacancies"]), className="small mb-2"),
                        html.Div(
                            [
                                dbc.Button(
                                    t("searches.edit", lang),
                                    id={"type": "search-edit", "index": row["id"]},
                                    size="sm",
                                    color="primary",
                                    outline=True,
                                ),
                                dbc.Button(
                                    t("searches.pause" if active else "searches.resume", lang),
                                    id={"type": "search-toggle", "index": row["id"]},
                                    size="sm",
                                    color="secondary",
                                    outline=True,
                                ),
                                dbc.Button(
                                    t("searches.delete", lang),
                                    id={"type": "search-delete", "index": row["id"]},
                                    size="sm",
                                    color="danger",
                                    outline=True,
                                ),
                            ],
                            className="d-flex gap-2 flex-wrap",
                        ),
                    ]
                ),
                className="jh-search-card h-100",
            )
        )
    return [dbc.Row([dbc.Col(card, xs=12, md=6, xl=4, className="mb-3") for card in cards])]


def _editor(engine: Engine, lang: str) -> dbc.Modal:
    with engine.connect() as conn:
        areas = dictionaries.area_options(conn)
        roles = dictionaries.role_options(conn)

    def field(label: str, control: Any, help_text: str | None = None) -> Any:
        return html.Div(
            [dbc.Label(label), control, dbc.FormText(help_text) if help_text else None], className="mb-3"
        )

    choose = t("searches.choose", lang)
    body = [
        dbc.Alert(id="search-error", color="danger", is_open=False, className="py-2"),
        field(t("searches.name", lang), dbc.Input(id="search-name", maxLength=100)),
        field(
            t("searches.text", lang),
            dbc.Input(id="search-text", maxLength=3000),
            t("searches.text_help", lang),
        ),
        field(
            t("searches.areas", lang),
            dcc.Dropdown(id="search-areas", options=areas, multi=True, placeholder=choose),
        ),
        field(
            t("searches.roles", lang),
            dcc.Dropdown(id="search-roles", options=roles, multi=True, placeholder=choose),
        ),
        field(
            t("searches.experience", lang),
            dbc.Checklist(id="search-experience", options=dictionaries.experience_options(lang), inline=True),
        ),
        field(
            t("searches.work_formats", lang),
            dbc.Checklist(
                id="search-work-formats", options=dictionaries.work_format_options(lang), inline=True
            ),
        ),
        dbc.Row(
            [
                dbc.Col(
                    field(
                        t("searches.salary", lang),
                        # step 1: any whole number is valid (with step=1000 the browser refused 200000
                        # as "not a multiple of 1000 from 1", and the value reached us as None)
                        dbc.Input(id="search-salary", type="number", min=1, step=1, inputMode="numeric"),
                    ),
                    xs=7,
                ),
                dbc.Col(
                    field(
                        t("searches.currency", lang),
                        dbc.Select(id="search-currency", options=list(dictionaries.CURRENCIES), value="RUR"),
                    ),
                    xs=5,
                ),
            ]
        ),
        dbc.Checkbox(
            id="search-only-salary", label=t("searches.only_with_salary", lang), value=False, className="mb-3"
        ),
        field(
            t("searches.sources", lang),
            dbc.Checklist(
                id="search-sources",
                options=[{"label": board(s, lang), "value": s} for s in SOURCES],
                inline=True,
            ),
            t("searches.sources_help", lang, boards=boards(enabled_boards(), lang)),
        ),
        html.Div(id="search-unsupported", role="status", **{"aria-live": "polite"}),
    ]
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(t("searches.add", lang), id="search-editor-title")),
            dbc.ModalBody(body),
            dbc.ModalFooter(
                [
                    dbc.Button(
                        t("searches.cancel", lang), id="search-cancel", color="secondary", outline=True
                    ),
                    dbc.Button(t("searches.save", lang), id="search-save", color="primary"),
                ]
            ),
        ],
        id="search-editor",
        is_open=False,
        size="lg",
        scrollable=True,
    )


def enabled_boards() -> list[str]:
    """The boards a search that names none runs on (``JH_SOURCES``, else every board that can run)."""
    return enabled(flask.current_app.extensions["jobhunter"]["settings"])


def criteria_set(values: dict[str, Any]) -> list[str]:
    """Names of the criteria the editor's values set (as domain.sources.FILTERS names them)."""
    return [name for control, name in _CRITERIA if values.get(control) not in (None, "", [], False)]


def unsupported_view(chosen: list[str], criteria: list[str], lang: str) -> Any:
    """For each board the search runs on, the set criteria it cannot filter by (nothing when every
    board takes them all)."""
    lines = []
    for source in chosen or enabled_boards():
        missing = unsupported(source, criteria)
        if missing:
            names = ", ".join(t(f"criterion.{name}", lang) for name in missing)
            lines.append(
                html.Li(
                    t("searches.unsupported", lang, board=board(source, lang), criteria=names),
                    className="jh-unsupported",
                )
            )
    if not lines:
        return None
    return dbc.Alert(
        [
            html.Ul(lines, className="mb-1 ps-3"),
            html.Div(t("searches.unsupported_note", lang), className="small"),
        ],
        color="warning",
        className="py-2 small",
        id="search-unsupported-list",
    )


def _first_run_days() -> int:
    """How far back a search's first harvest reaches (``JH_HH_INITIAL_LOOKBACK_DAYS``)."""
    return flask.current_app.extensions["jobhunter"]["settings"].hh_initial_lookback_days


def page(engine: Engine, user: Any) -> Any:
    lang = user.lang
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.H1(t("searches.title", lang), className="h4 mb-1"),
                            html.P(
                                t("searches.help", lang, days=_first_run_days()),
                                id="searches-help",
                                className="text-body-secondary small mb-0",
                            ),
                        ]
                    ),
                    dbc.Button("+ " + t("searches.add", lang), id="search-new", color="primary"),
                ],
                className="d-flex justify-content-between align-items-start flex-wrap gap-2 mb-3",
            ),
            dbc.Alert(id="searches-feedback", is_open=False, duration=6000, className="py-2"),
            html.Div(search_cards(engine, user.id, lang), id="searches-list"),
            _editor(engine, lang),
            dcc.Store(id="search-editing"),
            dcc.Store(id="search-deleting"),
            dcc.ConfirmDialog(id="search-delete-confirm"),
        ]
    )


def _clicked() -> Any:
    """The pattern id that was clicked, or None for a button merely (re)rendered."""
    trigger = ctx.triggered_id
    if trigger is None or not any(item.get("value") for item in ctx.triggered):
        return None
    return trigger


def _own_search(conn: Connection, trigger: dict[str, Any]) -> SavedSearch:
    """The logged-in user's search on the clicked card; no update for anybody else's id."""
    found = list_searches(conn, ids=[int(trigger["index"])], user_id=current_user.id)
    if not found:
        raise PreventUpdate
    return found[0]


def register(app: Dash, engine: Engine) -> None:
    @app.callback(
        Output("search-editor", "is_open"),
        Output("search-editing", "data"),
        Output("search-editor-title", "children"),
        Output("search-error", "is_open"),
        *[Output(f"search-{name.replace('_', '-')}", "value") for name in _FIELDS],
        Input("search-new", "n_clicks"),
        Input({"type": "search-edit", "index": ALL}, "n_clicks"),
        Input("search-cancel", "n_clicks"),
        prevent_initial_call=True,
    )
    def open_editor(*_: Any) -> Any:
        lang = current_user.lang
        trigger = _clicked()
        if trigger is None:
            raise PreventUpdate
        if trigger == "search-cancel":
            return (False, None, no_update, False, *[no_update] * len(_FIELDS))
        if trigger == "search-new":
            empty = ("", "", [], [], [], [], None, "RUR", False, [])
            return (True, None, t("searches.add", lang), False, *empty)
        with engine.connect() as conn:
            s = _own_search(conn, trigger)
        values = (
            s.name,
            s.text,
            s.areas,
            s.professional_roles,
            s.experience,
            s.work_formats,
            s.salary,
            s.currency,
            s.only_with_salary,
            list(s.sources),
        )
        return (True, s.id, t("searches.edit", lang) + f": {s.name}", False, *values)

    @app.callback(
        Output("search-editor", "is_open", allow_duplicate=True),
        Output("search-error", "children"),
        Output("search-error", "is_open", allow_duplicate=True),
        Output("searches-list", "children", allow_duplicate=True),
        Output("searches-feedback", "children", allow_duplicate=True),
        Output("searches-feedback", "is_open", allow_duplicate=True),
        Input("search-save", "n_clicks"),
        State("search-editing", "data"),
        *[State(f"search-{name.replace('_', '-')}", "value") for name in _FIELDS],
        prevent_initial_call=True,
    )
    def save(_: int, editing: Any, *values: Any) -> Any:
        lang = current_user.lang
        fields = dict(zip(_FIELDS, values, strict=True))
        try:
            salary = fields["salary"]
            salary = int(salary) if salary not in (None, "") else None
            spec = {
                "name": str(fields["name"] or ""),
                "text": str(fields["text"] or ""),
                "areas": [str(a) for a in fields["areas"] or []],
                "professional_roles": [str(r) for r in fields["roles"] or []],
                "experience": [str(e) for e in fields["experience"] or []],
                "work_formats": [str(w) for w in fields["work_formats"] or []],
                "salary": salary,
                "currency": str(fields["currency"] or "RUR"),
                "only_with_salary": bool(fields["only_salary"]),
                "sources": [str(v) for v in fields["sources"] or []],
            }
            with engine.begin() as conn:
                if isinstance(editing, int):
                    update_search(conn, current_user.id, editing, **spec)
                else:
                    create_search(conn, current_user.id, **spec)
        except (UserInputError, ValueError, TypeError) as error:
            return True, error_text(error, lang), True, no_update, no_update, no_update
        cards = search_cards(engine, current_user.id, lang)
        return False, "", False, cards, t("searches.saved", lang, name=spec["name"]), True

    @app.callback(
        Output("search-unsupported", "children"),
        Input("search-sources", "value"),
        *[Input(f"search-{control.replace('_', '-')}", "value") for control, _ in _CRITERIA],
    )
    def show_unsupported(chosen: Any, *values: Any) -> Any:
        """What the chosen boards cannot filter by, as the user fills in the form (nothing is read
        or written: the answer depends on the form alone)."""
        sources = list(dict.fromkeys(s for s in chosen if s in SOURCES)) if isinstance(chosen, list) else []
        given = dict(zip((control for control, _ in _CRITERIA), values, strict=True))
        if isinstance(given.get("text"), str):
            given["text"] = given["text"].strip()
        return unsupported_view(sources, criteria_set(given), current_user.lang)

    @app.callback(
        Output("searches-list", "children", allow_duplicate=True),
        Input({"type": "search-toggle", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def toggle(_: Any) -> Any:
        trigger = _clicked()
        if trigger is None:
            raise PreventUpdate
        with engine.begin() as conn:
            search = _own_search(conn, trigger)
            set_search_active(conn, current_user.id, search.id, not search.is_active)
        return search_cards(engine, current_user.id, current_user.lang)

    @app.callback(
        Output("search-delete-confirm", "displayed"),
        Output("search-delete-confirm", "message"),
        Output("search-deleting", "data"),
        Input({"type": "search-delete", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def ask_delete(_: Any) -> Any:
        trigger = _clicked()
        if trigger is None:
            raise PreventUpdate
        with engine.connect() as conn:
            search = _own_search(conn, trigger)
        return True, t("searches.delete_confirm", current_user.lang, name=search.name), search.id

    @app.callback(
        Output("searches-list", "children", allow_duplicate=True),
        Output("searches-feedback", "children", allow_duplicate=True),
        Output("searches-feedback", "is_open", allow_duplicate=True),
        Input("search-delete-confirm", "submit_n_clicks"),
        State("search-deleting", "data"),
        prevent_initial_call=True,
    )
    def confirm_delete(_: int, search_id: Any) -> Any:
        if not isinstance(search_id, int):
            raise PreventUpdate
        lang = current_user.lang
        try:
            with engine.begin() as conn:
                name = delete_search(conn, current_user.id, search_id)
        except UserInputError:
            raise PreventUpdate from None
        return search_cards(engine, current_user.id, lang), t("searches.deleted", lang, name=name), True
