"""The «Отклики» page: the user's tracked vacancies as a board by stage or a sortable list, the
counts, the funnel (applied → interview → offer) and «Нет ответа» offered for quiet ones.

A card opens the vacancy's application panel (:mod:`webapp.applications_panel`) and its
documents in an offcanvas; a change there redraws the page. Everything is read with
``current_user.id``; a closed vacancy stays on its card with the day its board closed it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user
from sqlalchemy import Engine

from core.errors import UserInputError
from domain import applications as apps
from webapp import applications_data as reads
from webapp import applications_panel as panel
from webapp import auth, clock
from webapp.i18n import AG_GRID_RU, board, number, t
from webapp.pages import documents

PATH = "/applications"
SCOPE = "page"


def _data(engine: Engine, user_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = apps.applications(conn, user_id)
        return {
            "rows": rows,
            "with": reads.applied_with(conn, user_id),
            "counts": apps.counts(conn, user_id),
            "funnel": apps.funnel(conn, user_id),
        }


def _percent(share: float | None, lang: str) -> str:
    if share is None:
        return ""
    return f"{number(round(share * 100), lang)} %"


def funnel_view(steps: list[tuple[str, int, float | None]], lang: str) -> Any:
    top = max((count for _, count, _ in steps), default=0) or 1
    bars = []
    for step, count, share in steps:
        bars.append(
            html.Div(
                [
                    html.Div(t(f"apps.funnel.{step}", lang), className="jh-funnel-label small"),
                    html.Div(
                        html.Div(
                            className=f"jh-funnel-fill jh-funnel-{step}",
                            style={"width": f"{count / top:.0%}"},
                        ),
                        className="jh-funnel-track",
                    ),
                    html.Div(
                        [
                            html.Span(number(count, lang), className="fw-semibold"),
                            html.Span(f" · {_percent(share, lang)}", className="text-body-secondary")
                            if share is not None
                            else None,
                        ],
                        className="jh-funnel-value small",
                        id=f"apps-funnel-{step}",
                    ),
                ],
                className="jh-funnel-row",
            )
        )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(t("apps.funnel", lang), className="h6 mb-1"),
                html.Div(t("apps.funnel_help", lang), className="small text-body-secondary mb-2"),
                *bars,
            ]
        ),
        className="jh-funnel mb-3",
        id="apps-funnel",
    )


def counts_view(counts: dict[str, int], lang: str) -> Any:
    total = sum(counts.values())
    items: list[Any] = [html.Span(t("apps.total", lang, n=number(total, lang)), className="fw-semibold me-2")]
    for stage in apps.STAGES:
        items.append(
            html.Span(
                [
                    apps.label(stage, lang),
                    " ",
                    html.Span(number(counts[stage], lang), className="fw-semibold"),
                ],
                className=f"badge jh-stage jh-stage-{stage} me-1 mb-1",
                id=f"apps-count-{stage}",
            )
        )
    return html.Div(items, className="d-flex flex-wrap align-items-center mb-2", id="apps-counts")


def card(row: dict[str, Any], applied: datetime | None, lang: str, now: datetime) -> Any:
    vid = row["vacancy_id"]
    days = reads.days_since(row["stage_at"], now)
    meta: list[Any] = [html.Span(t("apps.days", lang, n=days), className="me-2")] if days is not None else []
    if row.get("score") is not None:
        meta.append(html.Span(t("apps.score", lang, n=row["score"]), className="badge jh-score"))
    lines: list[Any] = [
        html.Div(row["name"], className="jh-app-title fw-semibold"),
        html.Div(row.get("employer_name") or "—", className="small text-body-secondary jh-ellipsis"),
        html.Div(meta, className="small d-flex flex-wrap align-items-center mt-1"),
    ]
    if row.get("next_step_at"):
        what = f" — {row['next_step_note']}" if row.get("next_step_note") else ""
        lines.append(
            html.Div(
                t("apps.next", lang, when=clock.when(row["next_step_at"])) + what,
                className="small jh-app-next-step",
            )
        )
    if applied is not None:
        lines.append(html.Div(t("apps.applied_with", lang, date=reads.day(applied)), className="small"))
    if row.get("closed_at"):
        lines.append(
            html.Div(
                t("apps.closed", lang, date=reads.day(row["closed_at"])),
                className="small text-danger-emphasis jh-app-closed",
            )
        )
    quiet = reads.quiet(row, now)
    if quiet is not None:
        lines.append(html.Div(t("apps.quiet", lang, n=quiet), className="small text-info-emphasis"))
    return html.Button(
        lines,
        id={"type": "jhpage-card", "vac": vid},
        type="button",
        className=f"jh-app-card jh-stage-edge-{row['stage']} text-start",
        **{"data-vacancy": str(vid), "data-stage": row["stage"]},
    )


def _column(stage: str, cards: list[Any], count: int, lang: str) -> Any:
    return html.Section(
        [
            html.H3(
                [apps.label(stage, lang), html.Span(number(count, lang), className="badge jh-count ms-2")],
                className="jh-column-title h6",
            ),
            *(cards or [html.Div(t("apps.empty_column", lang), className="small text-body-secondary px-1")]),
        ],
        className=f"jh-column jh-column-{stage}",
        id=f"apps-column-{stage}",
    )


def board_view(data: dict[str, Any], lang: str, now: datetime) -> Any:
    by_stage: dict[str, list[Any]] = {stage: [] for stage in apps.STAGES}
    for row in data["rows"]:
        by_stage[row["stage"]].append(card(row, data["with"].get(row["vacancy_id"]), lang, now))
    columns = [_column(stage, by_stage[stage], data["counts"][stage], lang) for stage in apps.OPEN]
    closed_total = sum(data["counts"][s] for s in apps.CLOSING)
    closed = html.Details(
        [
            html.Summary(
                [
                    t("apps.closed_group", lang),
                    html.Span(number(closed_total, lang), className="badge jh-count ms-2"),
                ],
                className="jh-column-title h6",
            ),
            *[
                html.Div(
                    [
                        html.H4(
                            [
                                apps.label(stage, lang),
                                html.Span(number(data["counts"][stage], lang), className="ms-1"),
                            ],
                            className="small fw-semibold text-body-secondary mt-2 mb-1",
                        ),
                        *by_stage[stage],
                    ],
                    id=f"apps-column-{stage}",
                )
                for stage in apps.CLOSING
            ],
        ],
        open=0 < closed_total <= 6,
        className="jh-column jh-column-closed",
        id="apps-column-closed",
    )
    return html.Div([*columns, closed], className="jh-board", id="apps-board")


def list_rows(data: dict[str, Any], lang: str, now: datetime) -> list[dict[str, Any]]:
    result = []
    for row in data["rows"]:
        applied = data["with"].get(row["vacancy_id"])
        result.append(
            {
                "id": row["vacancy_id"],
                "name": row["name"],
                "employer_name": row.get("employer_name") or "",
                "source": board(row.get("source") or "", lang),
                "stage": apps.label(row["stage"], lang),
                "stage_order": apps.STAGES.index(row["stage"]),
                "days": reads.days_since(row["stage_at"], now),
                "next_step_at": row["next_step_at"].isoformat() if row.get("next_step_at") else None,
                "next_step_note": row.get("next_step_note") or "",
                "score": row.get("score"),
                "applied_with": reads.day(applied) if applied else "",
                "closed_at": row["closed_at"].isoformat() if row.get("closed_at") else None,
            }
        )
    return result


def list_view(data: dict[str, Any], lang: str, now: datetime) -> Any:
    stage_names = {str(i): apps.label(stage, lang) for i, stage in enumerate(apps.STAGES)}
    columns = [
        {"field": "name", "headerName": t("col.title", lang), "flex": 2, "minWidth": 200},
        {"field": "employer_name", "headerName": t("col.employer", lang), "flex": 1.3, "minWidth": 150},
        {
            # the stage's place in the order (so it sorts Интересно → … → Отозвал), shown as its name
            "colId": "stage",
            "field": "stage_order",
            "headerName": t("col.stage", lang),
            "valueFormatter": {"function": f"jhLabel(params.value, {json.dumps(stage_names)})"},
            "width": 170,
        },
        {"field": "days", "headerName": t("apps.col.days", lang), "width": 130, "type": "rightAligned"},
        {
            "field": "next_step_at",
            "headerName": t("apps.col.next", lang),
            "valueFormatter": {"function": "jhDateTime(params.value)"},
            "width": 170,
        },
        {"field": "next_step_note", "headerName": t("apps.col.next_note", lang), "width": 170},
        {"field": "score", "headerName": t("apps.col.score", lang), "width": 120, "type": "rightAligned"},
        {"field": "applied_with", "headerName": t("apps.col.applied_with", lang), "width": 120},
        {
            "field": "closed_at",
            "headerName": t("apps.col.closed", lang),
            "valueFormatter": {"function": "jhDateTime(params.value)"},
            "width": 170,
        },
        {"field": "source", "headerName": t("col.source", lang), "width": 130},
    ]
    return dag.AgGrid(
        id="apps-list",
        rowData=list_rows(data, lang, now),
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True},
        getRowId="'' + params.data.id",
        dashGridOptions={
            "domLayout": "autoHeight",
            "rowHeight": 38,
            "headerHeight": 38,
            "localeText": {**(AG_GRID_RU if lang == "ru" else {}), "noRowsToShow": t("apps.empty", lang)},
        },
        className="jh-grid jh-apps-list",
        style={"width": "100%"},
    )


def content(engine: Engine, user_id: int, lang: str) -> Any:
    data = _data(engine, user_id)
    now = datetime.now(UTC)
    if not data["rows"]:
        return dbc.Alert(
            [
                t("apps.empty", lang),
                " ",
                html.A(t("apps.to_vacancies", lang), href="/", className="alert-link"),
            ],
            color="secondary",
            id="apps-empty",
        )
    quiet = [(row, reads.quiet(row, now)) for row in data["rows"]]
    quiet = [(row, days) for row, days in quiet if days is not None]
    offers = (
        dbc.Alert(
            [
                html.Div(t("apps.quiet_title", lang), className="fw-semibold mb-1"),
                html.Ul(
                    [
                        html.Li(
                            [
                                html.Span(
                                    f"{row['name']} · {row.get('employer_name') or '—'}: ", className="me-1"
                                ),
                                html.Span(t("apps.quiet", lang, n=days), className="me-2"),
                                dbc.Button(
                                    t("apps.mark_no_answer", lang),
                                    id={"type": "jhpage-no-answer", "vac": row["vacancy_id"]},
                                    size="sm",
                                    color="secondary",
                                    outline=True,
                                    className="py-0",
                                ),
                            ],
                            className="mb-1",
                        )
                        for row, days in quiet
                    ],
                    className="list-unstyled mb-0",
                ),
            ],
            color="info",
            className="py-2 small",
            id="apps-quiet",
        )
        if quiet
        else None
    )
    return html.Div(
        [
            counts_view(data["counts"], lang),
            offers,
            html.Div(
                [
                    html.Div([board_view(data, lang, now)], className="jh-apps-board-wrap"),
                    html.Div(list_view(data, lang, now), className="jh-apps-list-wrap"),
                ],
                className="jh-apps-views",
            ),
            funnel_view(data["funnel"], lang),
        ]
    )


def _export_form(lang: str) -> Any:
    def button(fmt: str) -> Any:
        return dbc.Button(
            fmt.upper(),
            type="submit",
            name="format",
            value=fmt,
            id=f"apps-export-{fmt}",
            size="sm",
            color="secondary",
            outline=True,
        )

    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf", value=auth.csrf_token()),
            dbc.ButtonGroup([button("xlsx"), button("csv")], size="sm"),
        ],
        method="POST",
        action=PATH + "/export",
        className="m-0",
        title=t("apps.export", lang),
    )


def page(engine: Engine, user: Any) -> Any:
    lang = user.lang
    header = html.Div(
        [
            html.H1(t("apps.title", lang), className="h4 mb-0 me-auto"),
            dbc.RadioItems(
                id="apps-view",
                options=[
                    {"label": t("apps.board", lang), "value": "board"},
                    {"label": t("apps.list", lang), "value": "list"},
                ],
                value="board",
                inline=True,
                className="btn-group jh-view-switch",
                inputClassName="btn-check",
                labelClassName="btn btn-sm btn-outline-primary",
                labelCheckedClassName="active",
            ),
            _export_form(lang),
        ],
        className="d-flex flex-wrap align-items-center gap-2 mb-2 jh-toolbar",
    )
    offcanvas = dbc.Offcanvas(
        html.Div(id="apps-details-body"),
        id="apps-details",
        title=t("apps.panel", lang),
        placement="end",
        is_open=False,
        scrollable=True,
        className="jh-details",
    )
    return html.Div(
        [
            header,
            html.Div(
                content(engine, user.id, lang),
                id="apps-content",
                className="jh-apps jh-apps-show-board",
            ),
            offcanvas,
        ],
        id="apps-page",
    )


def details(engine: Engine, user_id: int, vacancy_id: int, lang: str) -> Any:
    """What a card opens: the vacancy's name, its application panel and its documents."""
    row = None
    with engine.connect() as conn:
        row = reads.link(conn, user_id, vacancy_id)
    if row is None:
        return dbc.Alert(t("error.not_yours", lang), color="warning", id="apps-refused")
    return html.Div(
        [
            html.H4(row["name"], className="h5 mb-0", id="apps-details-title"),
            html.Div(row.get("employer_name") or "", className="text-body-secondary small"),
            panel.layout(user_id, row["vacancy_id"], lang, scope=SCOPE, engine=engine),
            documents.panel(row["vacancy_id"]),
        ]
    )


def register(app: Dash, engine: Engine) -> None:
    @app.callback(
        Output("apps-content", "className"),
        Input("apps-view", "value"),
        prevent_initial_call=True,
    )
    def switch_view(view: Any) -> str:
        return f"jh-apps jh-apps-show-{'list' if view == 'list' else 'board'}"

    @app.callback(
        Output("apps-details", "is_open"),
        Output("apps-details-body", "children"),
        Input({"type": "jhpage-card", "vac": ALL}, "n_clicks"),
        Input("apps-list", "cellClicked"),
        prevent_initial_call=True,
    )
    def open_card(_: Any, cell: Any) -> Any:
        trigger = ctx.triggered_id
        vacancy_id: Any = None
        if isinstance(trigger, dict):
            if not any(item.get("value") for item in ctx.triggered):
                raise PreventUpdate  # cards drawn anew, not clicked
            vacancy_id = trigger.get("vac")
        elif trigger == "apps-list" and isinstance(cell, dict):
            try:
                vacancy_id = int(str(cell.get("rowId")))
            except ValueError:
                vacancy_id = None
        if reads.valid_id(vacancy_id) is None:
            raise PreventUpdate
        return True, details(engine, current_user.id, vacancy_id, current_user.lang)

    @app.callback(
        Output("apps-content", "children"),
        Input({"type": "jhapp-changed", "scope": ALL, "vac": ALL}, "data"),
        Input({"type": "jhpage-no-answer", "vac": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def redraw(changes: Any, _: Any) -> Any:
        trigger = ctx.triggered_id
        lang = current_user.lang
        if not isinstance(trigger, dict) or not any(item.get("value") for item in ctx.triggered):
            raise PreventUpdate
        if trigger.get("type") == "jhpage-no-answer":
            vacancy_id = reads.valid_id(trigger.get("vac"))
            now = datetime.now(UTC)
            try:
                with engine.begin() as conn:
                    row = reads.link(conn, current_user.id, vacancy_id)
                    if row is None or reads.quiet(row, now) is None:
                        raise PreventUpdate
                    apps.record(conn, current_user.id, vacancy_id, stage="no_answer", via="web", now=now)
            except UserInputError:
                return no_update
        return content(engine, current_user.id, lang)
