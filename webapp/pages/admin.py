"""Administrators' pages: users (create, reset password, disable, change role) and the harvest log.

Every component id here starts with ``admin-``: the guard in ``webapp.auth`` refuses callbacks
naming them to anyone but an administrator, and each callback checks the role again.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user
from sqlalchemy import Engine, select

from core.errors import UserInputError
from core.passwords import generate_password
from core.schema import users
from core.users import ROLES, create_user, set_password
from webapp import auth, queries
from webapp.i18n import AG_GRID_RU, error_text, t


class NotAdmin(PermissionError):
    pass


def _require_admin() -> None:
    if not (current_user.is_authenticated and current_user.is_admin):
        raise NotAdmin("administrators only")


def _grid_options(lang: str, empty: str) -> dict[str, Any]:
    options: dict[str, Any] = {"rowSelection": {"mode": "singleRow", "checkboxes": False}, "rowHeight": 38}
    options["localeText"] = {**(AG_GRID_RU if lang == "ru" else {}), "noRowsToShow": empty}
    return options


def _user_rows(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The users grid's rows; the demo user is named in the page's language (its stored name is Russian)."""
    return [{**r, "display_name": t("demo.user", lang)} if r["is_demo"] else r for r in rows]


def users_page(engine: Engine, user: Any) -> Any:
    lang = user.lang
    with engine.connect() as conn:
        rows = _user_rows(queries.list_users(conn), lang)
    role_names = {r: t("nav.role." + r, lang) for r in ROLES}
    columns = [
        {"field": "login", "headerName": t("admin.login", lang), "filter": True, "minWidth": 140, "flex": 1},
        {
            "field": "display_name",
            "headerName": t("admin.name", lang),
            "filter": True,
            "minWidth": 150,  # on a phone the grid scrolls sideways instead of showing "A…"
            "flex": 1,
        },
        {
            "field": "role",
            "headerName": t("admin.role", lang),
            "width": 150,
            "valueFormatter": {"function": f"jhLabel(params.value, {json.dumps(role_names)})"},
        },
        {
            "field": "is_active",
            "headerName": t("admin.active", lang),
            "width": 100,
            "valueFormatter": {"function": "params.value ? '✓' : '—'"},
        },
        {
            "field": "searches",
            "headerName": t("admin.searches", lang),
            "width": 100,
            "type": "rightAligned",
            "valueFormatter": {"function": "jhNumber(params.value)"},
        },
        {
            "field": "last_login_at",
            "headerName": t("admin.last_login", lang),
            "width": 160,
            "valueFormatter": {"function": "jhDateTime(params.value)"},
        },
        {
            "field": "created_at",
            "headerName": t("admin.created", lang),
            "width": 160,
            "valueFormatter": {"function": "jhDateTime(params.value)"},
        },
    ]
    create_form = dbc.Card(
        dbc.CardBody(
            [
                html.H2(t("admin.add_user", lang), className="h6"),
                dbc.Row(
                    [
                        dbc.Col(
                            dbc.Input(
                                id="admin-new-login",
                                placeholder=t("admin.login", lang),
                                maxLength=64,
                                autocomplete="off",
                            ),
                            md=4,
                            className="mb-2",
                        ),
                        dbc.Col(
                            dbc.Input(id="admin-new-name", placeholder=t("admin.name", lang), maxLength=100),
                            md=4,
                            className="mb-2",
                        ),
                        dbc.Col(
                            dbc.Select(
                                id="admin-new-role",
                                options=[{"label": role_names[r], "value": r} for r in ROLES],
                                value="user",
                            ),
                            md=2,
                            className="mb-2",
                        ),
                        dbc.Col(
                            dbc.Button(
                                t("admin.add_user", lang),
                                id="admin-create",
                                color="primary",
                                className="w-100",
                            ),
                            md=2,
                            className="mb-2",
                        ),
                    ]
                ),
            ]
        ),
        className="mb-3",
    )
    actions = html.Div(
        [
            dbc.Button(
                t("admin.reset_password", lang), id="admin-reset", color="warning", outline=True, size="sm"
            ),
            dbc.Button(
                t("admin.disable", lang) + " / " + t("admin.enable", lang),
                id="admin-active",
                color="secondary",
                outline=True,
                size="sm",
            ),
            dbc.Button(
                t("admin.make_admin", lang) + " / " + t("admin.make_user", lang),
                id="admin-role",
                color="secondary",
                outline=True,
                size="sm",
            ),
        ],
        className="d-flex gap-2 flex-wrap mb-2",
    )
    return html.Div(
        [
            html.H1(t("admin.users", lang), className="h4 mb-3"),
            create_form,
            dbc.Alert(id="admin-feedback", is_open=False, className="py-2 jh-secret", color="info"),
            actions,
            dag.AgGrid(
                id="admin-users",
                rowData=rows,
                columnDefs=columns,
                defaultColDef={"sortable": True, "resizable": True},
                dashGridOptions=_grid_options(lang, t("admin.no_users", lang)),
                getRowId="'' + params.data.id",
                style={"height": "min(60vh, 520px)"},
            ),
        ]
    )


def runs_page(engine: Engine, user: Any) -> Any:
    lang = user.lang
    with engine.connect() as conn:
        people = queries.list_users(conn)
        rows = queries.list_runs(conn)
    status_options = [{"label": t(f"status.{s}", lang), "value": s} for s in queries.RUN_STATUSES]
    trigger_names = {k: t(f"trigger.{k}", lang) for k in queries.RUN_TRIGGERS}
    filters = dbc.Row(
        [
            dbc.Col(
                dcc.Dropdown(
                    id="admin-runs-status",
                    options=status_options,
                    multi=True,
                    placeholder=t("admin.status", lang),
                ),
                md=3,
                className="mb-2",
            ),
            dbc.Col(
                dcc.Dropdown(
                    id="admin-runs-user",
                    options=[{"label": p["login"], "value": p["id"]} for p in people],
                    placeholder=t("admin.user", lang),
                ),
                md=2,
                className="mb-2",
            ),
            dbc.Col(
                dbc.Input(
                    id="admin-runs-text",
                    placeholder=t("admin.search_text", lang),
                    debounce=True,
                    maxLength=100,
                ),
                md=3,
                className="mb-2",
            ),
            dbc.Col(
                dcc.DatePickerRange(
                    id="admin-runs-dates",
                    display_format="DD.MM.YYYY",
                    start_date_placeholder_text=t("admin.from", lang),
                    end_date_placeholder_text=t("admin.to", lang),
                    first_day_of_week=1,
                    clearable=True,
                ),
                md=4,
                className="mb-2",
            ),
        ]
    )
    columns = [
        {
            "field": "started_at",
            "headerName": t("run.started", lang),
            "width": 150,
            "valueFormatter": {"function": "jhDateTime(params.value)"},
        },
        {"field": "login", "headerName": t("admin.user", lang), "width": 140},
        {"field": "search_name", "headerName": t("run.search", lang), "minWidth": 160, "flex": 1},
        {
            "field": "trigger",
            "headerName": t("run.trigger", lang),
            "width": 145,
            "valueFormatter": {"function": f"jhLabel(params.value, {json.dumps(trigger_names)})"},
        },
        {
            # the hours a run covered: a backfill row says which past hour it re-read
            "colId": "window",
            "headerName": t("run.window", lang),
            "width": 210,
            "valueGetter": {
                "function": "jhWindow(params.data && params.data.window_from, "
                "params.data && params.data.window_to)"
            },
            "sortable": False,
        },
        {"field": "status", "headerName": t("run.status", lang), "width": 110, "cellRenderer": "StatusCell"},
        {
            "field": "http_requests",
            "headerName": t("run.requests", lang),
            "width": 100,
            "type": "rightAligned",
            "valueFormatter": {"function": "jhNumber(params.value)"},
        },
        {
            "field": "found",
            "headerName": t("run.found", lang),
            "width": 95,
            "type": "rightAligned",
            "valueFormatter": {"function": "jhNumber(params.value)"},
        },
        {
            "field": "new",
            "headerName": t("run.new", lang),
            "width": 85,
            "type": "rightAligned",
            "valueFormatter": {"function": "jhNumber(params.value)"},
        },
        {
            "field": "updated",
            "headerName": t("run.updated", lang),
            "width": 100,
            "type": "rightAligned",
            "valueFormatter": {"function": "jhNumber(params.value)"},
        },
        {
            "field": "details_fetched",
            "headerName": t("run.details", lang),
            "width": 125,
            "type": "rightAligned",
            "valueFormatter": {"function": "jhNumber(params.value)"},
        },
        {
            "field": "finished_at",
            "headerName": t("run.finished", lang),
            "width": 150,
            "valueFormatter": {"function": "jhDateTime(params.value)"},
        },
        {
            "field": "error",
            "headerName": t("run.error", lang),
            "minWidth": 200,
            "flex": 1,
            "tooltipField": "error",
        },
        {"field": "run_id", "headerName": t("run.run_id", lang), "width": 220},
    ]
    return html.Div(
        [
            html.H1(t("admin.runs", lang), className="h4 mb-3"),
            filters,
            dag.AgGrid(
                id="admin-runs",
                rowData=rows,
                columnDefs=columns,
                defaultColDef={"sortable": True, "resizable": True},
                dashGridOptions=_grid_options(lang, t("admin.no_runs", lang)),
                getRowId="'' + params.data.id",
                style={"height": "calc(100vh - 230px)", "minHeight": "360px"},
            ),
        ]
    )


def _selected_user(selected: Any) -> int | None:
    if isinstance(selected, list) and selected and isinstance(selected[0], dict):
        value = selected[0].get("id")
        return value if isinstance(value, int) else None
    return None


def register(app: Dash, engine: Engine) -> None:
    @app.callback(
        Output("admin-feedback", "children"),
        Output("admin-feedback", "color"),
        Output("admin-feedback", "is_open"),
        Output("admin-users", "rowData"),
        Output("admin-new-login", "value"),
        Output("admin-new-name", "value"),
        Input("admin-create", "n_clicks"),
        Input("admin-reset", "n_clicks"),
        Input("admin-active", "n_clicks"),
        Input("admin-role", "n_clicks"),
        State("admin-users", "selectedRows"),
        State("admin-new-login", "value"),
        State("admin-new-name", "value"),
        State("admin-new-role", "value"),
        prevent_initial_call=True,
    )
    def act(_c: Any, _r: Any, _a: Any, _o: Any, selected: Any, login: Any, name: Any, role: Any) -> Any:
        _require_admin()
        from dash import ctx

        lang = current_user.lang
        action = ctx.triggered_id
        clear = (no_update, no_update)
        try:
            with engine.begin() as conn:
                if action == "admin-create":
                    password = generate_password()
                    created = create_user(
                        conn,
                        str(login or ""),
                        password,
                        role=str(role or "user"),
                        display_name=(str(name).strip() or None) if name else None,
                    )
                    message = t("admin.created_user", lang, login=created.login, password=password)
                    clear = ("", "")
                else:
                    target = _selected_user(selected)
                    if target is None:
                        return t("admin.select_user", lang), "warning", True, no_update, *clear
                    row = conn.execute(
                        select(users.c.login, users.c.role, users.c.is_active).where(users.c.id == target)
                    ).one_or_none()
                    if row is None:
                        raise PreventUpdate
                    if action == "admin-reset":
                        password = generate_password()
                        set_password(conn, row.login, password)
                        auth.clear_failures(conn, row.login)
                        message = t("admin.new_password", lang, login=row.login, password=password)
                    else:
                        demote = action == "admin-role" and row.role == "admin"
                        disable = action == "admin-active" and row.is_active
                        if (demote or disable) and target == current_user.id:
                            return t("admin.not_self", lang), "warning", True, no_update, *clear
                        if (demote or (disable and row.role == "admin")) and queries.active_admins(conn) <= 1:
                            return t("admin.last_admin", lang), "warning", True, no_update, *clear
                        if action == "admin-active":
                            queries.set_user_fields(conn, target, is_active=not row.is_active)
                        else:
                            queries.set_user_fields(conn, target, role="user" if demote else "admin")
                        message = t("admin.done", lang, login=row.login)
                rows = _user_rows(queries.list_users(conn), lang)
        except UserInputError as error:
            return error_text(error, lang), "danger", True, no_update, *clear
        return message, "success", True, rows, *clear

    @app.callback(
        Output("admin-runs", "rowData"),
        Input("admin-runs-status", "value"),
        Input("admin-runs-user", "value"),
        Input("admin-runs-text", "value"),
        Input("admin-runs-dates", "start_date"),
        Input("admin-runs-dates", "end_date"),
        prevent_initial_call=True,
    )
    def filter_runs(statuses: Any, user_id: Any, text: Any, start: Any, end: Any) -> Any:
        _require_admin()

        def day(value: Any) -> date | None:
            try:
                return date.fromisoformat(str(value)[:10]) if value else None
            except ValueError:
                return None

        with engine.connect() as conn:
            return queries.list_runs(
                conn,
                statuses=[s for s in statuses or [] if isinstance(s, str)],
                user_id=user_id if isinstance(user_id, int) else None,
                text_filter=text if isinstance(text, str) else "",
                since=day(start),
                until=day(end),
            )
