"""The home page: the user's vacancies in AG Grid (infinite row model) and the details panel.

Every block of rows, every filter, sort and quick search runs in PostgreSQL
(``webapp.grid_query`` / ``webapp.queries``); the browser never holds more than the blocks it
shows. Rows, marks and details are always those of ``current_user``.
"""

from __future__ import annotations

import json
import logging
import math
import time
from datetime import datetime
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user
from sqlalchemy import Engine

from core.errors import UserInputError
from core.searches import EXPERIENCE, WORK_FORMATS
from domain import applications as apps
from domain import duplicates
from domain.matching import learn
from domain.matching.weights import GOOD
from domain.sources import SOURCES
from webapp import (
    applications_panel,
    auth,
    clock,
    grid_cursors,
    grid_query,
    grid_url,
    html_render,
    match_view,
    queries,
)
from webapp.grid_query import GridRequest
from webapp.i18n import (
    AG_GRID_RU,
    EXPERIENCE_NAMES,
    WORK_FORMAT_NAMES,
    board,
    board_on,
    boards,
    experience_text,
    name_of,
    number,
    t,
    work_format_text,
)
from webapp.pages import documents

_log = logging.getLogger(__name__)
_CHOICES_TTL = 300.0
_choices_cache: dict[int, tuple[float, dict[str, list[dict[str, str]]]]] = {}
_MARKS = ("is_favourite", "is_banned", "employer")
_STATE_KEYS = {"colId", "width", "hide", "pinned", "sort", "sortIndex", "flex"}


def _choices(engine: Engine, user_id: int) -> dict[str, list[dict[str, str]]]:
    cached = _choices_cache.get(user_id)
    if cached and time.monotonic() - cached[0] < _CHOICES_TTL:
        return cached[1]
    with engine.connect() as conn:
        choices = queries.filter_choices(conn, user_id)
    _choices_cache[user_id] = (time.monotonic(), choices)
    return choices


def column_defs(
    lang: str, choices: dict[str, list[dict[str, str]]], *, by_score: bool = False
) -> list[dict[str, Any]]:
    """The grid's columns; ``by_score``: sorted best match first (else newest first)."""
    text_filter = {"filter": "agTextColumnFilter", "filterParams": {"filterOptions": _TEXT_OPTIONS}}
    number_filter = {"filter": "agNumberColumnFilter", "filterParams": {"filterOptions": _NUMBER_OPTIONS}}
    date_filter = {
        "filter": "agDateColumnFilter",
        "filterParams": {"filterOptions": _DATE_OPTIONS, "browserDatePicker": True},
    }

    def multi(values: list[dict[str, str]]) -> dict[str, Any]:
        return {
            "filter": "MultiFilter",
            "filterParams": {"values": values, "search": t("filter.search", lang)},
        }

    return with_sort_notes(
        _columns(lang, choices, by_score, text_filter, number_filter, date_filter, multi), lang
    )


def with_sort_notes(columns: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Columns the server cannot sort fast (:attr:`grid_query.GridColumn.unsortable_why`) do not
    sort in the grid either, and their header's tooltip says why (issue 17)."""
    for column in columns:
        spec = grid_query.COLUMNS.get(column["colId"])
        if spec is not None and spec.unsortable_why:
            column["sortable"] = False
            column["headerTooltip"] = t(spec.unsortable_why, lang)
    return columns


def skills_column(lang: str, choices: dict[str, list[dict[str, str]]], multi: Any) -> dict[str, Any]:
    """The key-skills column: the skills as text, a set filter over the skills of the user's data."""
    return {
        "colId": "skills",
        "field": "key_skills",
        "headerName": t("col.skills", lang),
        "valueFormatter": {"function": "(params.value || []).join(', ')"},
        "width": 220,
        **multi(choices.get("skills", [])),
    }


def _columns(
    lang: str,
    choices: dict[str, list[dict[str, str]]],
    by_score: bool,
    text_filter: dict[str, Any],
    number_filter: dict[str, Any],
    date_filter: dict[str, Any],
    multi: Any,
) -> list[dict[str, Any]]:
    experience = [{"value": k, "label": name_of(EXPERIENCE_NAMES, k, lang)} for k in EXPERIENCE]
    formats = [{"value": k, "label": name_of(WORK_FORMAT_NAMES, k, lang)} for k in WORK_FORMATS]
    stages = [{"value": s, "label": apps.label(s, lang)} for s in apps.STAGES]
    boards_ = [{"value": k, "label": board(k, lang)} for k in SOURCES]
    return [
        {
            "colId": "is_favourite",
            "field": "is_favourite",
            "headerName": "★",
            "headerTooltip": t("col.favourite", lang),
            "cellRenderer": "FavouriteCell",
            "width": 56,
            "maxWidth": 64,
            "pinned": "left",
            "suppressHeaderMenuButton": True,
        },
        {
            "colId": "name",
            "field": "name",
            "headerName": t("col.title", lang),
            "minWidth": 220,
            "flex": 2,
            "cellRenderer": "TitleCell",
            **text_filter,
        },
        {
            "colId": "score",
            "field": "score",
            "headerName": t("col.score", lang),
            "headerTooltip": t("col.score_help", lang),
            # a bar and the number; an unscored vacancy shows nothing (not 0)
            "cellRenderer": "ScoreCell",
            "cellRendererParams": {"good": GOOD, "label": t("col.score_help", lang)},
            "width": 165,  # «Соответствие» whole beside the sort and filter icons
            **({"sort": "desc"} if by_score else {}),
            **number_filter,
        },
        {
            "colId": "source",
            "field": "source",
            "headerName": t("col.source", lang),
            # the board's name, and "also on SuperJob" when the row stands for a duplicate group
            "cellRenderer": "SourceCell",
            "width": 215,
            **multi(boards_),
        },
        {
            "colId": "employer_name",
            "field": "employer_name",
            "headerName": t("col.employer", lang),
            "minWidth": 180,
            "flex": 1.4,
            "cellRenderer": "EmployerCell",
            **text_filter,
        },
        {
            "colId": "stage",
            "field": "stage",
            "headerName": t("col.stage", lang),
            "valueFormatter": {"function": f"jhLabel(params.value, {json.dumps(_labels(stages))})"},
            "sortable": False,
            "width": 170,
            **multi(stages),
        },
        {
            "colId": "salary_from_rub",
            "field": "salary_from_rub",
            "headerName": t("col.salary_from", lang),
            "valueFormatter": {"function": "jhMoney(params.value)"},
            "type": "rightAligned",
            "width": 160,
            **number_filter,
        },
        {
            "colId": "salary_to_rub",
            "field": "salary_to_rub",
            "headerName": t("col.salary_to", lang),
            "valueFormatter": {"function": "jhMoney(params.value)"},
            "type": "rightAligned",
            "width": 160,
            **number_filter,
        },
        {
            "colId": "area",
            "field": "area_name",
            "headerName": t("col.area", lang),
            "width": 150,
            **multi(choices["areas"]),
        },
        {
            "colId": "experience",
            "field": "experience_id",
            "headerName": t("col.experience", lang),
            "valueFormatter": {"function": f"jhLabel(params.value, {json.dumps(_labels(experience))})"},
            "width": 175,
            **multi(experience),
        },
        {
            "colId": "work_format",
            "field": "work_format_ids",
            "headerName": t("col.work_format", lang),
            "valueFormatter": {
                "function": f"jhLabels(params.value, {json.dumps(_labels(formats))}, params.data)"
            },
            "sortable": False,
            "width": 175,
            **multi(formats),
        },
        {
            "colId": "published_at",
            "field": "published_at",
            "headerName": t("col.published", lang),
            "valueFormatter": {"function": "jhDateTime(params.value)"},
            "width": 180,
            **({} if by_score else {"sort": "desc"}),
            **date_filter,
        },
        {
            "colId": "first_seen_at",
            "field": "first_seen_at",
            "headerName": t("col.first_seen", lang),
            "valueFormatter": {"function": "jhDateTime(params.value)"},
            "width": 190,
            **date_filter,
        },
        {
            "colId": "times_seen",
            "field": "times_seen",
            "headerName": t("col.times_seen", lang),
            "type": "rightAligned",
            "valueFormatter": {"function": "jhNumber(params.value)"},
            "width": 140,
            **number_filter,
        },
        skills_column(lang, choices, multi),
        {
            "colId": "searches",
            "field": "searches",
            "headerName": t("col.searches", lang),
            "valueFormatter": {"function": "(params.value || []).join(', ')"},
            "sortable": False,
            "width": 160,
            **multi(choices["searches"]),
        },
        {
            "colId": "hidden",
            "field": "hidden",
            "headerName": t("col.hidden", lang),
            "cellRenderer": "HiddenCell",
            "sortable": False,
            "width": 90,
        },
        # what a link from the «Рынок» page filters by (webapp.grid_url); hidden, with no cells:
        # «Сбросить фильтры» clears them with the rest
        *(
            {
                "colId": col_id,
                "headerName": t(f"col.{col_id}", lang),
                "hide": True,
                "sortable": False,
                "filter": "agTextColumnFilter",
                "filterParams": {"filterOptions": ["equals"], "maxNumConditions": 1},
                "valueGetter": {"function": "null"},
            }
            for col_id in ("salary", "seen", "skill")
        ),
    ]


_TEXT_OPTIONS = [
    "contains",
    "notContains",
    "equals",
    "notEqual",
    "startsWith",
    "endsWith",
    "blank",
    "notBlank",
]
_NUMBER_OPTIONS = [
    "greaterThanOrEqual",
    "lessThanOrEqual",
    "equals",
    "notEqual",
    "greaterThan",
    "lessThan",
    "inRange",
    "blank",
    "notBlank",
]
_DATE_OPTIONS = ["greaterThan", "lessThan", "equals", "notEqual", "inRange", "blank", "notBlank"]


def _labels(options: list[dict[str, str]]) -> dict[str, str]:
    return {o["value"]: o["label"] for o in options}


def clean_column_state(state: Any) -> list[dict[str, Any]] | None:
    """A saved column layout, only with known columns and harmless keys (it comes from the browser)."""
    if not isinstance(state, list):
        return None
    known = set(grid_query.COLUMNS) | {"area", "hidden", "work_format", "searches"}
    cleaned = []
    for item in state[:40]:
        if isinstance(item, dict) and item.get("colId") in known:
            entry = {k: v for k, v in item.items() if k in _STATE_KEYS}
            if isinstance(entry.get("width"), int | float) and not 20 <= entry["width"] <= 2000:
                entry.pop("width")
            cleaned.append(entry)
    return cleaned or None


#: The grid's order before the match score: a saved layout with only this sort was saved with
#: the layout (a width, a moved column), not chosen.
_DATE_ORDER = [("published_at", "desc")]


def opening_order(
    engine: Engine, user_id: int, state: list[dict[str, Any]] | None
) -> tuple[bool, list[dict[str, Any]] | None]:
    """Whether the grid opens best match first, and the saved layout to apply: best match first
    for a user whose vacancies are scored, unless they chose a sort of their own (a saved
    layout sorted by anything but the old default, newest first, wins).

    "Scored" rather than "has a usable profile": a profile just saved is scored in the
    background, and until the first scores land an order by score would be an order by id; a
    profile with nothing to score by gets NULL scores (:func:`domain.matching.store.rescore`)."""
    sorts = [(entry["colId"], entry["sort"]) for entry in state or [] if entry.get("sort")]
    if sorts and sorts != _DATE_ORDER:
        return False, state
    with engine.connect() as conn:
        if not queries.has_scores(conn, user_id):
            return False, state
    if state:
        state = [{k: v for k, v in entry.items() if k not in ("sort", "sortIndex")} for entry in state]
    return True, state


def page(engine: Engine, user: Any, search: Any = None) -> Any:
    """The grid; ``search``: the address's query string, a link's filter (see webapp.grid_url)."""
    lang = user.lang
    choices = _choices(engine, user.id)
    link = grid_url.parse(search, [int(item["value"]) for item in choices["searches"]])
    grid_options: dict[str, Any] = {
        "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
        "cacheBlockSize": grid_query.BLOCK_SIZE,
        "maxBlocksInCache": 20,
        "infiniteInitialRowCount": grid_query.BLOCK_SIZE,
        "maxConcurrentDatasourceRequests": 2,
        "blockLoadDebounceMillis": 80,
        "rowHeight": 40,
        "headerHeight": 40,
        "tooltipShowDelay": 400,
        "suppressCellFocus": False,
        "enableCellTextSelection": True,
        # every column of the rendered rows is in the page (rows stay virtual): on a phone the
        # headers past the score column are then there for find-in-page and screen readers
        "suppressColumnVirtualisation": True,
    }
    # an empty list says what to do (AG Grid shows localeText, never an HTML template)
    grid_options["localeText"] = {
        **(AG_GRID_RU if lang == "ru" else {}),
        "noRowsToShow": t("grid.empty", lang),
    }
    # a link's filter (webapp.grid_url) as the grid's initial state: AG Grid applies it before the
    # first block is asked for, to the checkbox filters too (a filterModel prop reaches the grid
    # after it is ready, when the custom filters have not taken a model yet)
    link_filter = grid_url.filter_model(link)
    if link_filter:
        grid_options["initialState"] = {"filter": {"filterModel": link_filter}}
    by_score, state = opening_order(engine, user.id, clean_column_state(user.preferences.get("columns")))
    grid = dag.AgGrid(
        id="grid",
        rowModelType="infinite",
        columnDefs=column_defs(lang, choices, by_score=by_score),
        defaultColDef={
            "sortable": True,
            "resizable": True,
            "filterParams": {"buttons": ["apply", "reset"], "closeOnApply": True, "maxNumConditions": 2},
        },
        dashGridOptions=grid_options,
        getRowId="'' + params.data.id",
        columnState=state,
        className="jh-grid",
        style={"height": "calc(100vh - 190px)", "minHeight": "420px", "width": "100%"},
    )
    export_form = html.Form(
        [
            dcc.Input(type="hidden", name="csrf", value=auth.csrf_token()),
            dcc.Input(type="hidden", name="view", id="export-view", value="{}"),
            dbc.ButtonGroup(
                [
                    dbc.Button(
                        "XLSX",
                        type="submit",
                        name="format",
                        value="xlsx",
                        id="export-xlsx",
                        size="sm",
                        color="secondary",
                        outline=True,
                    ),
                    dbc.Button(
                        "CSV",
                        type="submit",
                        name="format",
                        value="csv",
                        id="export-csv",
                        size="sm",
                        color="secondary",
                        outline=True,
                    ),
                ],
                size="sm",
            ),
        ],
        method="POST",
        action="/export",
        className="d-flex align-items-center gap-2 m-0",
        # the buttons name the formats; the tooltip says what they do (a separate "Export:" label
        # pushed them onto a second toolbar line in Russian)
        title=t("grid.export", lang)
        + ": "
        + t("grid.export_note", lang, n=number(queries.EXPORT_LIMIT, lang)),
    )
    toolbar = html.Div(
        [
            dbc.Input(
                id="quick",
                type="search",
                placeholder=t("grid.quick", lang),
                debounce=0.5,
                maxLength=grid_query.QUICK_MAX,
                autocomplete="off",
                size="sm",
                className="jh-quick",
            ),
            html.Div(
                [
                    # a real label: the box is named «Соответствие от» for screen readers too
                    html.Label(t("grid.min_score", lang), htmlFor="min-score", className="input-group-text"),
                    dbc.Input(
                        id="min-score",
                        type="number",
                        min=0,
                        max=100,
                        step=1,  # any whole number: with a coarser step, 48 would be "invalid" and unsent
                        debounce=400,  # milliseconds of quiet typing (dbc.Input's unit)
                        inputMode="numeric",
                        placeholder="0–100",
                    ),
                ],
                title=t("grid.min_score_help", lang),
                className="input-group input-group-sm jh-min-score",
            ),
            dbc.Switch(
                id="only-favourites", label=t("grid.only_favourites", lang), value=False, className="mb-0"
            ),
            dbc.Switch(
                id="show-hidden", label=t("grid.show_hidden", lang), value=link.hidden, className="mb-0"
            ),
            dbc.Button(t("grid.reset", lang), id="reset-filters", size="sm", color="link", className="px-1"),
            html.Span(id="grid-status", className="text-body-secondary small ms-auto", role="status"),
            export_form,
        ],
        className="d-flex flex-wrap align-items-center gap-3 mb-2 jh-toolbar",
    )
    details = dbc.Offcanvas(
        html.Div(t("details.choose", lang), id="details-body"),
        id="details",
        title=t("details.title", lang),
        placement="end",
        is_open=False,
        scrollable=True,
        className="jh-details",
    )
    return html.Div(
        [
            toolbar,
            grid,
            details,
            dcc.Store(id="details-id"),
            dcc.Store(id="grid-refresh"),
            html.Div(id="grid-refresh-done", hidden=True),
            html.Div(id="grid-purge-done", hidden=True),
        ]
    )


# -- the details panel --------------------------------------------------------------------------------


def salary_text(row: dict[str, Any], lang: str) -> tuple[str, str]:
    """(as published, monthly roubles) for the details panel."""
    low, high, currency = row.get("salary_from"), row.get("salary_to"), row.get("salary_currency") or ""
    if low is None and high is None:
        return t("details.no_salary", lang), ""
    word_from, word_to = ("от", "до") if lang == "ru" else ("from", "to")
    parts = []
    if low is not None:
        parts.append(f"{word_from} {number(low, lang)}")
    if high is not None:
        parts.append(f"{word_to} {number(high, lang)}")
    published = " ".join(parts) + f" {currency}"
    if row.get("salary_gross") is not None:
        published += f" ({t('details.gross' if row['salary_gross'] else 'details.net', lang)})"
    rub_parts = []
    if row.get("salary_from_rub") is not None:
        rub_parts.append(f"{word_from} {number(row['salary_from_rub'], lang)}")
    if row.get("salary_to_rub") is not None:
        rub_parts.append(f"{word_to} {number(row['salary_to_rub'], lang)}")
    roubles = " ".join(rub_parts) + " ₽" if rub_parts else ""
    return published, roubles


def _when(value: datetime | None) -> str:
    return clock.when(value)


def source_badge(source: str, lang: str, **attrs: Any) -> Any:
    """The board's name as a quiet badge (its colour says which board, in both themes)."""
    return html.Span(board(source, lang), className=f"badge jh-source jh-source-{source}", **attrs)


def group_view(row: dict[str, Any], members: list[dict[str, Any]], lang: str) -> Any:
    """The other members of the vacancy's duplicate group, with links, and the button that takes
    this vacancy out of the group (for this user only); after a split, the way back."""
    if row.get("split") and row.get("group_id") is not None:
        return html.Div(
            [
                html.Div(t("details.split_alone", lang), className="small mb-2"),
                dbc.Button(
                    t("details.unsplit", lang),
                    id="details-unsplit",
                    size="sm",
                    color="secondary",
                    outline=True,
                ),
            ],
            className="jh-group my-3 p-2 rounded border",
            id="details-group",
        )
    if not members:
        return None
    items = [
        html.Li(
            [
                source_badge(m["source"], lang),
                " ",
                html.A(
                    m["name"],
                    href=m["url"],
                    target="_blank",
                    rel="noopener noreferrer",
                    className="jh-group-link",
                )
                if m.get("url")
                else html.Span(m["name"]),
                html.Span(f" · {m['employer_name']}", className="text-body-secondary")
                if m.get("employer_name")
                else None,
            ],
            className="mb-1",
        )
        for m in members
    ]
    return html.Div(
        [
            html.Div(t("details.group", lang), className="small fw-semibold mb-1"),
            html.Ul(items, className="list-unstyled mb-2 small", id="details-group-members"),
            dbc.Button(
                t("details.split", lang),
                id="details-split",
                size="sm",
                color="secondary",
                outline=True,
                title=t("details.split_help", lang),
            ),
            html.Div(t("details.split_help", lang), className="form-text"),
        ],
        className="jh-group my-3 p-2 rounded border",
        id="details-group",
    )


def details_view(
    row: dict[str, Any],
    lang: str,
    members: list[dict[str, Any]] | None = None,
    to_learn: tuple[list[tuple[str, int]], int] = ([], 0),
) -> Any:
    """The details panel; ``to_learn``: the user's skills to learn and of how many best matches."""
    source = row.get("source") or "hh"
    on_board = board_on(source, lang)
    published, roubles = salary_text(row, lang)
    facts = [
        (t("details.employer", lang), row.get("employer_name") or "—"),
        (
            t("details.salary", lang),
            f"{published} · {roubles} {t('details.salary_rub', lang)}" if roubles else published,
        ),
        (t("col.area", lang), row.get("area_name") or "—"),
        (t("details.address", lang), row.get("address") or "—"),
        (t("col.experience", lang), experience_text(row, lang) or "—"),
        (t("col.work_format", lang), work_format_text(row, lang) or "—"),
        (t("details.published", lang), _when(row.get("published_at"))),
        (t("details.matched", lang), ", ".join(row.get("searches") or [])),
    ]
    employer_banned = bool(row.get("employer_banned"))
    marks = {
        "is_favourite": bool(row["is_favourite"]),
        "is_banned": bool(row["is_banned"]),
        "employer": employer_banned,
    }
    links = (
        [
            html.A(
                t("details.open_on", lang, board=on_board),
                href=row["url"],
                target="_blank",
                rel="noopener noreferrer",
                className="btn btn-sm btn-primary",
                id="details-board-link",
            )
        ]
        if row.get("url")
        else []
    )
    if row.get("employer_url") and str(row["employer_url"]).startswith("https://"):
        links.append(
            html.A(
                t("details.employer_on", lang, board=on_board),
                href=row["employer_url"],
                target="_blank",
                rel="noopener noreferrer",
                className="btn btn-sm btn-outline-secondary",
            )
        )
    description = html_render.to_components(row.get("description_safe"))
    return html.Div(
        [
            html.H4(row["name"], className="h5 mb-1", id="details-title"),
            html.Div(
                [
                    source_badge(source, lang, id="details-source", title=t("details.source", lang)),
                    dbc.Badge(t("details.archived", lang, board=on_board), color="secondary")
                    if row.get("archived")
                    else None,
                ],
                className="d-flex gap-1 flex-wrap",
            ),
            # why it fits (or not) comes first: the question the user opened the vacancy with
            match_view.match_view(row.get("score"), row.get("score_parts"), *to_learn, lang),
            html.Div(
                [
                    dbc.Switch(
                        id={"type": "mark", "name": "is_favourite"},
                        label=t("details.favourite", lang),
                        value=marks["is_favourite"],
                        className="mb-1",
                    ),
                    dbc.Switch(
                        id={"type": "mark", "name": "is_banned"},
                        label=t("details.ban", lang),
                        value=marks["is_banned"],
                        className="mb-1",
                    ),
                    dbc.Switch(
                        id={"type": "mark", "name": "employer"},
                        label=f"{t('details.ban_employer', lang)} — {t('details.ban_employer_help', lang)}",
                        value=employer_banned,
                        disabled=row.get("employer_id") is None,
                        className="mb-1",
                    ),
                    html.Div(id="mark-status", className="small text-success", role="status"),
                    # the marks as rendered: a switch that merely appears fires the callback with
                    # this value, which is no change and writes nothing (see save_mark)
                    dcc.Store(id="marks-shown", data=marks),
                ],
                className="jh-marks my-3 p-2 rounded border",
            ),
            html.Dl(
                [item for label, value in facts for item in (html.Dt(label), html.Dd(value or "—"))],
                className="jh-facts",
            ),
            html.Div(links, className="d-flex gap-2 flex-wrap mb-3"),
            group_view(row, members or [], lang),
            # where the user's application stands: stage, next step, notes, history, apply
            applications_panel.layout(current_user.id, row["id"], lang, scope="details"),
            documents.panel(row["id"]),
            html.H5(t("details.skills", lang), className="h6") if row.get("key_skills") else None,
            html.Div(
                [
                    html.Span(s, className="badge jh-skill me-1 mb-1 border")
                    for s in row.get("key_skills") or []
                ],
                className="mb-3",
            ),
            html.Div(
                description or t("details.no_description", lang),
                className="jh-description",
                id="details-description",
            ),
        ]
    )


# -- callbacks --------------------------------------------------------------------------------------------


def labelled(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A grid row with the texts its source cell shows, in the user's language."""
    also_on = row.get("also_on") or []
    also = t("grid.also_on", lang, boards=boards(also_on, lang, after_na=True)) if also_on else ""
    return {**row, "source_label": board(row.get("source") or "", lang), "also_on_label": also}


def _found_text(block: queries.Block, lang: str) -> str:
    if block.matched is None:
        return no_update
    n = block.matched
    text = (
        t("grid.found_many", lang, n=number(grid_query.COUNT_CAP, lang))
        if n > grid_query.COUNT_CAP
        else (t("grid.found", lang, n=("≈ " if block.estimated else "") + number(n, lang)))
    )
    if block.corrected:
        text += " · " + ("исправлено на «{}»" if lang == "ru" else "corrected to “{}”").format(
            block.corrected
        )
    return text


def register(app: Dash, engine: Engine) -> None:
    @app.callback(
        Output("grid", "getRowsResponse"),
        Output("grid-status", "children"),
        Input("grid", "getRowsRequest"),
        State("quick", "value"),
        State("show-hidden", "value"),
        State("only-favourites", "value"),
        prevent_initial_call=True,
    )
    def rows(request: Any, quick: Any, show_hidden: Any, only_favourites: Any) -> Any:
        if not request:
            raise PreventUpdate
        grid_request = GridRequest.from_ag_grid(
            request, quick=quick, show_banned=show_hidden, only_favourites=only_favourites
        )
        with engine.connect() as conn:
            block = queries.grid_block(conn, current_user.id, grid_request)
        lang = current_user.lang
        response: dict[str, Any] = {"rowData": [labelled(row, lang) for row in block.rows]}
        if block.row_count is not None:
            response["rowCount"] = block.row_count
        return response, _found_text(block, current_user.lang)

    # A new quick search or toggle: drop the cached blocks; the grid asks for rows again.
    app.clientside_callback(
        """function (quick, hidden, favourites) {
            const dag = window.dash_ag_grid;
            const api = dag && dag.getApi && dag.getApi('grid');
            if (api) { api.purgeInfiniteCache(); }
            return String(Date.now());
        }""",
        Output("grid-purge-done", "children"),
        Input("quick", "value"),
        Input("show-hidden", "value"),
        Input("only-favourites", "value"),
        prevent_initial_call=True,
    )
    # A mark changed: reload the cached blocks in place (the row shows its new mark or goes away).
    app.clientside_callback(
        """function (version) {
            const dag = window.dash_ag_grid;
            const api = dag && dag.getApi && dag.getApi('grid');
            if (api) { api.refreshInfiniteCache(); }
            return String(version);
        }""",
        Output("grid-refresh-done", "children"),
        Input("grid-refresh", "data"),
        prevent_initial_call=True,
    )
    # What the export buttons send: the grid's current filter and sort, the search and toggles.
    app.clientside_callback(
        """function (request, quick, hidden, favourites) {
            const r = request || {};
            return JSON.stringify({filterModel: r.filterModel || {}, sortModel: r.sortModel || [],
                                   quick: quick || '', showHidden: !!hidden, onlyFavourites: !!favourites});
        }""",
        Output("export-view", "value"),
        Input("grid", "getRowsRequest"),
        Input("quick", "value"),
        Input("show-hidden", "value"),
        Input("only-favourites", "value"),
    )

    @app.callback(
        Output("grid", "filterModel"),
        Output("quick", "value"),
        Output("min-score", "value"),
        Input("reset-filters", "n_clicks"),
        prevent_initial_call=True,
    )
    def reset(_: int) -> tuple[dict[str, Any], str, None]:
        return {}, "", None

    @app.callback(
        Output("grid", "filterModel", allow_duplicate=True),
        Input("min-score", "value"),
        State("grid", "filterModel"),
        prevent_initial_call=True,
    )
    def at_least(min_score: Any, model: Any) -> Any:
        """«Match at least N» is the score column's own filter, so the grid, the export and the
        column menu agree; the other filters stay. (After «Reset filters» the model is already
        empty and nothing changes.)"""
        model = model if isinstance(model, dict) else {}
        wanted = min_score_filter(min_score)
        if model.get("score") == wanted or (wanted is None and "score" not in model):
            raise PreventUpdate
        others = {k: v for k, v in model.items() if k != "score"}
        return {**others, "score": wanted} if wanted else others

    @app.callback(
        Output("details", "is_open"),
        Output("details-body", "children"),
        Output("details-id", "data"),
        Input("grid", "cellClicked"),
        prevent_initial_call=True,
    )
    def open_details(cell: Any) -> Any:
        lang = current_user.lang
        vacancy_id = _vacancy_id(cell)
        if vacancy_id is None:
            raise PreventUpdate
        if isinstance(cell, dict) and cell.get("colId") == "is_favourite":
            raise PreventUpdate  # the star toggles in place (see toggle_star)
        with engine.begin() as conn:
            row = queries.vacancy_details(conn, current_user.id, vacancy_id)
            members = queries.group_members(conn, current_user.id, vacancy_id) if row else []
            to_learn = _to_learn(conn, current_user.id) if row else ([], 0)
        if row is None:
            return True, dbc.Alert(t("error.not_yours", lang), color="warning"), None
        return True, details_view(row, lang, members, to_learn), vacancy_id

    @app.callback(
        Output("details-body", "children", allow_duplicate=True),
        Output("grid-refresh", "data", allow_duplicate=True),
        Input("details-split", "n_clicks"),
        State("details-id", "data"),
        prevent_initial_call=True,
    )
    def split(clicks: Any, vacancy_id: Any) -> Any:
        """«These are different vacancies»: the open vacancy leaves its group, for this user only."""
        return _regroup(clicks, vacancy_id, split=True)

    @app.callback(
        Output("details-body", "children", allow_duplicate=True),
        Output("grid-refresh", "data", allow_duplicate=True),
        Input("details-unsplit", "n_clicks"),
        State("details-id", "data"),
        prevent_initial_call=True,
    )
    def unsplit(clicks: Any, vacancy_id: Any) -> Any:
        return _regroup(clicks, vacancy_id, split=False)

    def _regroup(clicks: Any, vacancy_id: Any, *, split: bool) -> Any:
        lang = current_user.lang
        if not clicks or not isinstance(vacancy_id, int) or isinstance(vacancy_id, bool):
            raise PreventUpdate
        try:
            with engine.begin() as conn:
                (duplicates.split if split else duplicates.unsplit)(conn, current_user.id, vacancy_id)
                row = queries.vacancy_details(conn, current_user.id, vacancy_id)
                members = queries.group_members(conn, current_user.id, vacancy_id)
                to_learn = _to_learn(conn, current_user.id)
        except UserInputError:  # not among the user's vacancies
            return dbc.Alert(t("error.not_yours", lang), color="warning"), no_update
        if row is None:  # pragma: no cover - linked a moment ago, in the same transaction
            raise PreventUpdate
        grid_cursors.forget(current_user.id)
        done = t("details.split_done" if split else "details.unsplit_done", lang)
        return html.Div(
            [
                dbc.Alert(done, color="success", className="py-1 small"),
                details_view(row, lang, members, to_learn),
            ]
        ), time.time()

    @app.callback(
        Output("mark-status", "children"),
        Output("grid-refresh", "data"),
        Output("marks-shown", "data"),
        Input({"type": "mark", "name": ALL}, "value"),
        State("details-id", "data"),
        State("marks-shown", "data"),
        prevent_initial_call=True,
    )
    def save_mark(values: list[Any], vacancy_id: Any, shown: Any) -> Any:
        """Write the one mark the user switched. Dash also calls this when the panel renders its
        switches (they are new pattern-matching inputs), with the values just read: such a call
        changes nothing and must not write, or a stale value could undo the user's next click."""
        lang = current_user.lang
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not isinstance(vacancy_id, int) or not isinstance(shown, dict):
            raise PreventUpdate
        name = trigger.get("name")
        value = next((item["value"] for item in ctx.inputs_list[0] if item["id"] == trigger), None)
        if name not in _MARKS or bool(value) == bool(shown.get(name)):
            raise PreventUpdate
        try:
            with engine.begin() as conn:
                if name == "employer":
                    queries.set_employer_ban(conn, current_user.id, vacancy_id, bool(value))
                else:
                    queries.set_mark(conn, current_user.id, vacancy_id, **{name: bool(value)})
        except queries.NotYours:
            return t("error.not_yours", lang), no_update, no_update
        _choices_cache.pop(current_user.id, None)
        return f"✓ {t('details.saved', lang)}", time.time(), {**shown, name: bool(value)}

    @app.callback(
        Output("grid-refresh", "data", allow_duplicate=True),
        Input({"type": "jhapp-changed", "scope": "details", "vac": ALL}, "data"),
        prevent_initial_call=True,
    )
    def stage_changed(changes: list[Any]) -> Any:
        """A stage moved in the details panel: the grid's stage column shows it."""
        if not any(changes or []):
            raise PreventUpdate
        grid_cursors.forget(current_user.id)  # a stage filter's rows moved
        return time.time()

    @app.callback(
        Output("grid-refresh", "data", allow_duplicate=True),
        Input("grid", "cellClicked"),
        prevent_initial_call=True,
    )
    def toggle_star(cell: Any) -> Any:
        if not isinstance(cell, dict) or cell.get("colId") != "is_favourite":
            raise PreventUpdate
        vacancy_id = _vacancy_id(cell)
        if vacancy_id is None:
            raise PreventUpdate
        try:
            with engine.begin() as conn:
                queries.set_mark(conn, current_user.id, vacancy_id, is_favourite=not bool(cell.get("value")))
        except queries.NotYours:
            raise PreventUpdate from None
        return time.time()

    @app.callback(Output("grid", "className"), Input("grid", "columnState"), prevent_initial_call=True)
    def remember_columns(state: Any) -> Any:
        cleaned = clean_column_state(state)
        if cleaned:
            with engine.begin() as conn:
                queries.save_preference(conn, current_user.id, "columns", cleaned)
        return no_update


def _to_learn(conn: Any, user_id: int) -> tuple[list[tuple[str, int]], int]:
    """The user's skills to learn, and how many of their best matches they were counted in."""
    found = learn.what_to_learn(conn, user_id)
    return found, (learn.best_count(conn, user_id) if found else 0)


def min_score_value(value: Any) -> int | None:
    """The «match at least» box's number (from the browser): 1-100, else None (no filter)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    value = int(value)
    return value if 0 < value <= 100 else None


def min_score_filter(value: Any) -> dict[str, Any] | None:
    """The score column's filter model for «match at least ``value``»."""
    threshold = min_score_value(value)
    if threshold is None:
        return None
    return {"filterType": "number", "type": "greaterThanOrEqual", "filter": threshold}


def _vacancy_id(cell: Any) -> int | None:
    if not isinstance(cell, dict):
        return None
    raw = cell.get("rowId")
    try:
        value = int(str(raw))
    except ValueError:
        return None
    return value if 0 < value < 2**63 else None
