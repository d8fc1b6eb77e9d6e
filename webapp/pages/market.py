"""The «Рынок» page: salaries, demand and skills of the user's vacancies, and where the user
stands (issue #16), drawn from :func:`domain.market.figures` by :mod:`webapp.market_charts`.

The controls (scope, period, hidden, salary basis) live in the address (``/market?scope=search:7
&days=90&hidden=1&basis=net``) so a view can be bookmarked. Every callback reads the controls
from the browser as untrusted input: a search id must be one of ``current_user``'s searches, or
nothing is shown; figures are always computed for ``current_user.id``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from flask_login import current_user
from sqlalchemy import Engine

from domain import market as market_figures
from domain.market.model import BASES, DEFAULT_DAYS, Market, Scope
from domain.sources import SOURCES
from webapp import grid_url, market_charts, queries
from webapp.export import csv_value
from webapp.i18n import EXPERIENCE_NAMES, board, has_phrase, name_of, number, t
from webapp.pages import profile

PATH = "/market"
PERIODS = (7, 30, 90, 180, 365)
SECTIONS = ("salaries", "demand", "skills")


@dataclass(frozen=True)
class Controls:
    """The page's controls as cleaned on the server: ``scope`` is "all", "search:ID", "source:X"."""

    scope: str = "all"
    days: int = DEFAULT_DAYS
    hidden: bool = False
    basis: str = "all"

    def query(self) -> str:
        values: dict[str, str] = {}
        if self.scope != "all":
            values["scope"] = self.scope
        if self.days != DEFAULT_DAYS:
            values["days"] = str(self.days)
        if self.hidden:
            values["hidden"] = "1"
        if self.basis != "all":
            values["basis"] = self.basis
        return "?" + urlencode(values) if values else ""


def clean(scope: Any, days: Any, hidden: Any, basis: Any) -> Controls:
    """The controls from the browser, each value that does not fit replaced by its default
    (a search id is checked against the user's searches later, by :func:`scope_of`)."""
    scope = scope if isinstance(scope, str) and len(scope) < 40 else "all"
    kind, _, value = scope.partition(":")
    if not (
        scope == "all"
        or (kind == "search" and value.isdigit() and len(value) < 19)
        or (kind == "source" and value in SOURCES)
    ):
        scope = "all"
    try:
        days_value = int(days) if not isinstance(days, bool) else DEFAULT_DAYS
    except (TypeError, ValueError):
        days_value = DEFAULT_DAYS
    return Controls(
        scope=scope,
        days=days_value if days_value in PERIODS else DEFAULT_DAYS,
        hidden=hidden is True or hidden == "1",
        basis=basis if basis in BASES else "all",
    )


def from_query(search: Any) -> Controls:
    query = parse_qs((search if isinstance(search, str) else "").removeprefix("?")[:500])

    def first(name: str) -> str | None:
        return (query.get(name) or [None])[0]

    return clean(
        first("scope") or "all", first("days") or DEFAULT_DAYS, first("hidden"), first("basis") or "all"
    )


def scope_of(controls: Controls, user_id: int, search_ids: set[int]) -> Scope | None:
    """The :class:`Scope` the controls ask for, None when the search is not the user's."""
    kind, _, value = controls.scope.partition(":")
    search_id = int(value) if kind == "search" else None
    if search_id is not None and search_id not in search_ids:
        return None
    return Scope(
        user_id=user_id,
        today=today(),
        days=controls.days,
        search_id=search_id,
        source=value if kind == "source" else None,
        include_hidden=controls.hidden,
        basis=controls.basis,
    )


def today() -> date:
    """The period's last day: the figures' days are UTC days (``domain.market.model.Scope``)."""
    return datetime.now(UTC).date()


def compute(engine: Engine, user_id: int, controls: Controls) -> Market | None:
    """The figures for the logged-in user, or None for a search that is not theirs."""
    with engine.connect() as conn:
        search_ids = set(queries.search_names(conn, user_id))
        scope = scope_of(controls, user_id, search_ids)
        if scope is None:
            return None
        return market_figures.figures(conn, scope)


# -- the layout -------------------------------------------------------------------------------------


def _controls(engine: Engine, user: Any, controls: Controls) -> Any:
    lang = user.lang
    with engine.connect() as conn:
        names = queries.search_names(conn, user.id)
    options = [{"label": t("mkt.scope.all", lang), "value": "all"}]
    options += [
        {"label": t("mkt.scope.search", lang, name=name), "value": f"search:{sid}"}
        for sid, name in names.items()
    ]
    options += [
        {"label": t("mkt.scope.source", lang, board=board(s, lang)), "value": f"source:{s}"} for s in SOURCES
    ]
    scope = controls.scope if controls.scope in {o["value"] for o in options} else "all"

    def labelled(label: str, control: Any, width: str) -> Any:
        return html.Div(
            [dbc.Label(label, className="small mb-0 text-body-secondary"), control], className=width
        )

    return html.Div(
        [
            labelled(
                t("mkt.scope", lang),
                dbc.Select(id="mkt-scope", options=options, value=scope, size="sm"),
                "jh-mkt-control jh-mkt-scope",
            ),
            labelled(
                t("mkt.period", lang),
                dbc.Select(
                    id="mkt-days",
                    options=[{"label": t("mkt.days", lang, n=n), "value": str(n)} for n in PERIODS],
                    value=str(controls.days),
                    size="sm",
                ),
                "jh-mkt-control",
            ),
            labelled(
                t("mkt.basis", lang),
                dbc.Select(
                    id="mkt-basis",
                    options=[{"label": t(f"mkt.basis.{b}", lang), "value": b} for b in BASES],
                    value=controls.basis,
                    size="sm",
                ),
                "jh-mkt-control",
            ),
            dbc.Switch(
                id="mkt-hidden",
                label=t("mkt.hidden", lang),
                value=controls.hidden,
                className="mb-1 align-self-end",
            ),
        ],
        className="d-flex flex-wrap gap-3 align-items-end mb-3 jh-toolbar jh-mkt-controls",
    )


def page(engine: Engine, user: Any, search: Any = None) -> Any:
    lang = user.lang
    controls = from_query(search)
    return html.Div(
        [
            html.H1(t("mkt.title", lang), className="h4 mb-2"),
            _controls(engine, user, controls),
            dcc.Loading(
                html.Div(id="mkt-content"), type="default", delay_show=250, className="jh-mkt-loading"
            ),
            dcc.Download(id="mkt-download"),
            # the theme the charts are drawn in: follows the navbar's switch (see register)
            dcc.Store(id="mkt-theme", data=user.theme),
        ],
        id="mkt-page",
        className="jh-mkt",
    )


def _summary(market: Market, lang: str) -> Any:
    s = market.salaries
    overall = s.overall
    items = [
        (t("mkt.sum.vacancies", lang), number(market.vacancies, lang), "mkt-sum-vacancies"),
        (
            t("mkt.sum.with_salary", lang),
            f"{number(round((s.share_with_salary or 0) * 100), lang)} %",
            "mkt-sum-share",
        ),
        (
            t("mkt.sum.median", lang),
            f"{number(round(overall.median), lang)} ₽" if overall else "—",
            "mkt-sum-median",
        ),
        (t("mkt.sum.without", lang), number(s.without_salary, lang), "mkt-sum-without"),
    ]
    cards = [
        html.Div(
            [
                html.Div(label, className="small text-body-secondary"),
                html.Div(value, className="h5 mb-0", id=pid),
            ],
            className="jh-mkt-stat",
        )
        for label, value, pid in items
    ]
    note = t(
        "mkt.sum.note",
        lang,
        start=market.start.strftime("%d.%m.%Y"),
        end=market.end.strftime("%d.%m.%Y"),
        gross=number(s.gross, lang),
        net=number(s.net, lang),
        unknown=number(s.unknown_basis, lang),
    )
    return html.Div(
        [
            html.Div(cards, className="jh-mkt-stats"),
            html.Div(note, className="small text-body-secondary mt-1", id="mkt-sum-note"),
        ],
        className="mb-3",
        id="mkt-summary",
    )


def chart_card(chart: market_charts.Chart, market: Market, lang: str, theme: str) -> Any:
    figure = chart.figure(market, lang, theme)
    link = grid_url.href(chart.link(market))
    body: list[Any] = [
        html.H3(t(f"mkt.chart.{chart.name}", lang), className="h6 mb-0"),
        html.Div(t(f"mkt.help.{chart.name}", lang), className="small text-body-secondary mb-1"),
    ]
    if figure is None:
        body.append(
            html.Div(
                t(
                    f"mkt.too_few.{chart.name}" if has_phrase(f"mkt.too_few.{chart.name}") else "mkt.too_few",
                    lang,
                    n=number(chart.rows(market), lang),
                    min=market_charts.MIN_ROWS,
                ),
                className="jh-mkt-too-few small text-body-secondary",
                id={"type": "mkt-too-few", "chart": chart.name},
            )
        )
    else:
        body.append(
            dcc.Graph(
                id={"type": "mkt-graph", "chart": chart.name},
                figure=figure,
                config=market_charts.graph_config(lang),
                # the card holds the plot's own height; its width follows the card (a phone too)
                style={"height": f"{figure.layout.height or 300}px"},
                responsive=True,
                className="jh-mkt-graph",
            )
        )
    body.append(
        html.Div(
            [
                html.A(
                    t("mkt.show", lang),
                    href=link,
                    id={"type": "mkt-link", "chart": chart.name},
                    className="small",
                    title=t("mkt.show_help", lang),
                ),
                dbc.Button(
                    "CSV",
                    id={"type": "mkt-csv", "chart": chart.name},
                    size="sm",
                    color="secondary",
                    outline=True,
                    className="py-0 ms-auto",
                    title=t("mkt.csv", lang),
                ),
            ],
            className="d-flex align-items-center gap-2 mt-1",
        )
    )
    return dbc.Card(
        dbc.CardBody(body, className="p-2 p-sm-3"), className="jh-mkt-card", id=f"mkt-card-{chart.name}"
    )


def standing_view(market: Market, lang: str) -> Any:
    standing = market.standing
    title = html.H2(t("mkt.section.standing", lang), className="h5 mt-2 mb-2")
    if standing is None:
        return html.Section(
            [
                title,
                dbc.Alert(
                    [
                        t("mkt.standing.none", lang),
                        " ",
                        html.A(t("mkt.standing.to_profile", lang), href=profile.PATH, className="alert-link"),
                    ],
                    color="secondary",
                    id="mkt-standing-none",
                ),
            ],
            id="mkt-standing",
        )
    lines: list[Any] = []
    grade = (
        name_of(EXPERIENCE_NAMES, standing.grade, lang)
        if standing.grade
        else t("mkt.standing.any_grade", lang)
    )
    area = standing.area or t("mkt.standing.any_area", lang)
    if standing.desired_salary is None:
        lines.append(
            html.P(
                [
                    t("mkt.standing.no_salary", lang),
                    " ",
                    html.A(t("mkt.standing.to_profile", lang), href=profile.PATH),
                ]
            )
        )
    elif standing.percentile is None:
        lines.append(html.P(t("mkt.standing.no_peers", lang, grade=grade, area=area)))
    else:
        lines.append(
            html.P(
                t(
                    "mkt.standing.percentile",
                    lang,
                    salary=number(standing.desired_salary, lang),
                    pct=number(round(standing.percentile), lang),
                    grade=grade,
                    area=area,
                    n=number(standing.peers, lang),
                ),
                id="mkt-standing-percentile",
            )
        )
    gaps = [
        html.Li(
            t(
                "mkt.standing.has" if gap.in_profile else "mkt.standing.missing",
                lang,
                skill=gap.skill,
                pct=number(round(gap.share * 100), lang),
            ),
            className="jh-mkt-gap-have" if gap.in_profile else "jh-mkt-gap-missing",
        )
        for gap in standing.skills
    ]
    if gaps:
        lines.append(html.Div(t("mkt.standing.skills", lang), className="fw-semibold small"))
        lines.append(html.Ul(gaps, className="small mb-0", id="mkt-standing-skills"))
    return html.Section([title, dbc.Card(dbc.CardBody(lines), className="jh-mkt-card")], id="mkt-standing")


def empty_view(lang: str) -> Any:
    return dbc.Alert(
        [
            html.Div(t("mkt.empty", lang), className="fw-semibold mb-1"),
            html.Div(t("mkt.empty_help", lang)),
            html.Div(
                [
                    html.A(t("mkt.to_searches", lang), href="/searches", className="alert-link me-3"),
                    html.A(t("mkt.to_vacancies", lang), href="/", className="alert-link"),
                ],
                className="mt-1",
            ),
        ],
        color="secondary",
        id="mkt-empty",
    )


def content(market: Market | None, lang: str, theme: str) -> Any:
    if market is None:
        return dbc.Alert(t("mkt.not_yours", lang), color="warning", id="mkt-refused")
    if market.vacancies == 0:
        return empty_view(lang)
    sections = []
    for section in SECTIONS:
        cards = [chart_card(c, market, lang, theme) for c in market_charts.CHARTS if c.section == section]
        sections.append(
            html.Section(
                [
                    html.H2(t(f"mkt.section.{section}", lang), className="h5 mt-2 mb-2"),
                    html.Div(cards, className="jh-mkt-grid"),
                ],
                id=f"mkt-section-{section}",
            )
        )
    return html.Div([_summary(market, lang), *sections, standing_view(market, lang)])


# -- CSV --------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A float as a spreadsheet reads it best: whole roubles as integers, shares to 4 places."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 4)
    return csv_value(value)


def csv_text(chart: market_charts.Chart, market: Market, lang: str) -> str:
    """The chart's numbers as CSV (each cell through :func:`webapp.export.csv_value`), with a BOM
    so a spreadsheet opens the Cyrillic headers right, as the grid's export does."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in chart.table(market, lang):
        writer.writerow([_cell(cell) for cell in row])
    return out.getvalue()


def register(app: Dash, engine: Engine) -> None:
    @app.callback(
        Output("mkt-content", "children"),
        Output("url", "search"),
        Input("mkt-scope", "value"),
        Input("mkt-days", "value"),
        Input("mkt-hidden", "value"),
        Input("mkt-basis", "value"),
        Input("mkt-theme", "data"),
    )
    def render(scope: Any, days: Any, hidden: Any, basis: Any, theme: Any) -> Any:
        controls = clean(scope, days, hidden, basis)
        market = compute(engine, current_user.id, controls)
        theme = theme if theme in market_charts.THEMES else current_user.theme
        return content(market, current_user.lang, theme), controls.query()

    @app.callback(
        Output("mkt-download", "data"),
        Input({"type": "mkt-csv", "chart": ALL}, "n_clicks"),
        State("mkt-scope", "value"),
        State("mkt-days", "value"),
        State("mkt-hidden", "value"),
        State("mkt-basis", "value"),
        prevent_initial_call=True,
    )
    def download(clicks: Any, scope: Any, days: Any, hidden: Any, basis: Any) -> Any:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(item.get("value") for item in ctx.triggered):
            raise PreventUpdate
        chart = market_charts.BY_NAME.get(trigger.get("chart"))
        if chart is None:
            raise PreventUpdate
        controls = clean(scope, days, hidden, basis)
        market = compute(engine, current_user.id, controls)
        if market is None:
            raise PreventUpdate
        name = f"market-{chart.name}-{market.start.isoformat()}-{market.end.isoformat()}.csv"
        return dcc.send_string(csv_text(chart, market, current_user.lang), name, type="text/csv")

    # the navbar's theme switch redraws the charts (the frame's store outlives the page, so the
    # page keeps its own copy, which exists exactly when the charts do)
    app.clientside_callback(
        "function (theme) { return theme; }",
        Output("mkt-theme", "data"),
        Input("theme-store", "data"),
        prevent_initial_call=True,
    )

    # a click on a bar points the chart's link at that bar's vacancies (their address is the
    # bar's customdata[0], written by webapp.market_charts); the grid checks it again
    app.clientside_callback(
        """function (click, href) {
            const point = click && click.points && click.points[0];
            const target = point && point.customdata && point.customdata[0];
            return (typeof target === 'string' && target.charAt(0) === '/') ? target : href;
        }""",
        Output({"type": "mkt-link", "chart": MATCH}, "href"),
        Input({"type": "mkt-graph", "chart": MATCH}, "clickData"),
        State({"type": "mkt-link", "chart": MATCH}, "href"),
        prevent_initial_call=True,
    )
