"""The «Рынок» page's charts: a :class:`domain.market.model.Market` turned into plotly figures,
their CSV tables and the grid links of their bars. Pure functions (no Dash, no database), so
each chart is unit-tested against the figures it was drawn from.

Every chart is a :class:`Chart`: ``figure(market, lang, theme)`` gives a ``go.Figure`` or None
when there are too few vacancies to draw it, ``table(market, lang)`` the same numbers as CSV
rows, and each bar carries in ``customdata`` the grid address of its vacancies
(:mod:`webapp.grid_url`), which the page's «показать эти вакансии» link follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import plotly.graph_objects as go

from domain.market.model import Band, Lifetime, Market
from webapp import grid_url
from webapp.grid_url import GridLink
from webapp.i18n import EXPERIENCE_NAMES, WORK_FORMAT_NAMES, name_of, t

#: Fewer vacancies than this behind a chart: the page says so instead of drawing it.
MIN_ROWS = 3
TOP = 15

#: plotly.js's Russian locale (plotly.js ships it as dist/locale/ru.js; the Python package does
#: not), given to each graph as ``config.locales`` so no script has to register it globally.
RU_LOCALE = {
    "dictionary": {
        "Autoscale": "Автомасштаб",
        "Box Select": "Выделение прямоугольником",
        "Download plot as a png": "Скачать в формате PNG",
        "Lasso Select": "Лассо",
        "Pan": "Сдвиг",
        "Reset axes": "Сбросить оси",
        "Reset view": "Сбросить вид",
        "Zoom": "Зум",
        "Zoom in": "Увеличить",
        "Zoom out": "Уменьшить",
        "Toggle Spike Lines": "Включить/выключить линии",
        "Show closest data on hover": "Ближайшие данные при наведении",
        "Compare data on hover": "Сравнение данных при наведении",
        "Produced with Plotly.js": "Создано с помощью Plotly.js",
        "Double-click to zoom back out": "Дважды щёлкните, чтобы вернуть масштаб",
    },
    "format": {
        "days": ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"],
        "shortDays": ["вс", "пн", "вт", "ср", "чт", "пт", "сб"],
        "months": [
            "январь",
            "февраль",
            "март",
            "апрель",
            "май",
            "июнь",
            "июль",
            "август",
            "сентябрь",
            "октябрь",
            "ноябрь",
            "декабрь",
        ],
        "shortMonths": ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
        "date": "%d.%m.%Y",
        "decimal": ",",
        "thousands": "\u2009",
        "year": "%Y",
        "month": "%b %Y",
        "dayMonth": "%-d %b",
        "dayMonthYear": "%-d %b %Y",
    },
}
#: layout.separators: the decimal mark, then the thousands mark (a thin space in Russian).
SEPARATORS = {"ru": ",\u2009", "en": ".,"}
#: Colours readable on both themes' cards (Bootstrap's body colours behind them).
THEMES = {
    "light": {
        "font": "#212529",
        "grid": "#dee2e6",
        "muted": "#6c757d",
        "accent": "#0d6efd",
        "band": "#9ec5fe",
    },
    "dark": {
        "font": "#dee2e6",
        "grid": "#3b4148",
        "muted": "#adb5bd",
        "accent": "#6ea8fe",
        "band": "#084298",
    },
}
UP, DOWN = "#198754", "#dc3545"


def graph_config(lang: str) -> dict[str, Any]:
    """dcc.Graph's config: the page's language, no mode bar to crowd a phone."""
    config: dict[str, Any] = {"displayModeBar": False, "displaylogo": False}
    if lang == "ru":
        config |= {"locale": "ru", "locales": {"ru": RU_LOCALE}}
    return config


def _layout(fig: go.Figure, lang: str, theme: str, *, height: int = 300, legend: bool = False) -> go.Figure:
    colours = THEMES.get(theme, THEMES["light"])
    fig.update_layout(
        separators=SEPARATORS.get(lang, SEPARATORS["ru"]),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={
            "color": colours["font"],
            "size": 12,
            "family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        },
        margin={"l": 8, "r": 12, "t": 8, "b": 8},
        height=height,
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"size": 12}},
        bargap=0.25,
    )
    fig.update_xaxes(gridcolor=colours["grid"], zerolinecolor=colours["grid"], automargin=True)
    fig.update_yaxes(gridcolor=colours["grid"], zerolinecolor=colours["grid"], automargin=True)
    return fig


# -- links ------------------------------------------------------------------------------------------


def scope_link(market: Market, *, salary: bool = False) -> GridLink:
    """The grid's filter for the whole scope of ``market`` (its search or board, its period)."""
    scope = market.scope
    return GridLink(
        search=scope.search_id,
        source=scope.source,
        hidden=scope.include_hidden,
        since=market.start,
        until=market.end,
        salary=scope.basis if salary else None,
    )


def _group_link(base: GridLink, kind: str, key: str) -> GridLink | None:
    if kind == "grade":
        return replace(base, experience=key)
    if kind == "area":
        return replace(base, area=key)
    if kind == "format":
        return replace(base, work_format=key)
    return None


def group_label(kind: str, band: Band | Lifetime, lang: str) -> str:
    if kind in ("grade", "lifetime"):
        return name_of(EXPERIENCE_NAMES, band.key, lang) if band.key in EXPERIENCE_NAMES else band.label
    if kind == "format":
        return name_of(WORK_FORMAT_NAMES, band.key, lang) if band.key in WORK_FORMAT_NAMES else band.label
    return band.label or band.key


# -- the charts -------------------------------------------------------------------------------------

Figure = Callable[[Market, str, str], "go.Figure | None"]
Table = Callable[[Market, str], list[list[Any]]]


@dataclass(frozen=True)
class Chart:
    name: str
    section: str
    figure: Figure
    table: Table
    #: The grid's filter of the chart as a whole (a bar's own is in its customdata).
    link: Callable[[Market], GridLink]
    #: How many vacancies the chart stands on (too few: not drawn).
    rows: Callable[[Market], int]


def _bands(kind: str, attr: str) -> tuple[Figure, Table, Callable[[Market], int]]:
    def bands(market: Market) -> list[Band]:
        return getattr(market.salaries, attr)

    def figure(market: Market, lang: str, theme: str) -> go.Figure | None:
        items = [b for b in bands(market) if b.count > 0][:TOP]
        if sum(b.count for b in items) < MIN_ROWS:
            return None
        colours = THEMES.get(theme, THEMES["light"])
        base = scope_link(market, salary=True)
        labels = [group_label(kind, b, lang) for b in items][::-1]
        items = items[::-1]
        hrefs = [grid_url.href(_group_link(base, kind, b.key) or base) for b in items]
        extra = [
            [h, b.count, b.gross, b.net, b.p25, b.median, b.p75] for h, b in zip(hrefs, items, strict=True)
        ]
        hover = (
            "<b>%{y}</b><br>"
            + t("mkt.hover.band", lang)
            .replace("{p25}", "%{customdata[4]:,.0f}")
            .replace("{median}", "%{customdata[5]:,.0f}")
            .replace("{p75}", "%{customdata[6]:,.0f}")
            + "<br>"
            + t("mkt.hover.count", lang)
            .replace("{n}", "%{customdata[1]}")
            .replace("{gross}", "%{customdata[2]}")
            .replace("{net}", "%{customdata[3]}")
            + "<extra></extra>"
        )
        fig = go.Figure()
        fig.add_bar(
            y=labels,
            x=[b.p75 - b.p25 for b in items],
            base=[b.p25 for b in items],
            orientation="h",
            marker={"color": colours["band"]},
            customdata=extra,
            hovertemplate=hover,
            name="p25–p75",
        )
        fig.add_scatter(
            y=labels,
            x=[b.median for b in items],
            mode="markers",
            marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": colours["accent"]}},
            customdata=extra,
            hovertemplate=hover,
            name=t("mkt.median", lang),
        )
        fig.update_xaxes(tickformat=",.0f", ticksuffix=" ₽", nticks=5)
        return _layout(fig, lang, theme, height=max(180, 60 + 34 * len(items)))

    def table(market: Market, lang: str) -> list[list[Any]]:
        header = [
            t(f"mkt.csv.{kind}", lang),
            *(t(f"mkt.csv.{c}", lang) for c in ("count", "gross", "net", "p25", "median", "p75")),
        ]
        return [header] + [
            [group_label(kind, b, lang), b.count, b.gross, b.net, b.p25, b.median, b.p75]
            for b in bands(market)
        ]

    return figure, table, lambda market: sum(b.count for b in bands(market))


def _histogram(market: Market, lang: str, theme: str) -> go.Figure | None:
    bins = market.salaries.histogram
    if sum(b.count for b in bins) < MIN_ROWS:
        return None
    colours = THEMES.get(theme, THEMES["light"])
    fig = go.Figure()
    fig.add_bar(
        x=[(b.low + b.high) / 2 for b in bins],
        y=[b.count for b in bins],
        width=[(b.high - b.low) * 0.92 for b in bins],
        customdata=[[grid_url.href(scope_link(market, salary=True)), b.low, b.high] for b in bins],
        marker={"color": colours["accent"]},
        hovertemplate=t("mkt.hover.bin", lang)
        .replace("{low}", "%{customdata[1]:,.0f}")
        .replace("{high}", "%{customdata[2]:,.0f}")
        .replace("{n}", "%{y}")
        + "<extra></extra>",
    )
    fig.update_xaxes(tickformat=",.0f", ticksuffix=" ₽", nticks=5)
    return _layout(fig, lang, theme)


def _histogram_table(market: Market, lang: str) -> list[list[Any]]:
    header = [t("mkt.csv.low", lang), t("mkt.csv.high", lang), t("mkt.csv.count", lang)]
    return [header] + [[b.low, b.high, b.count] for b in market.salaries.histogram]


def _weekly(market: Market, lang: str, theme: str) -> go.Figure | None:
    weeks = [w for w in market.salaries.weekly if w.median is not None]
    if sum(w.count for w in weeks) < MIN_ROWS:
        return None
    colours = THEMES.get(theme, THEMES["light"])
    link = grid_url.href(scope_link(market, salary=True))
    days = [w.start for w in weeks]
    fig = go.Figure()
    fig.add_scatter(
        x=days, y=[w.p75 for w in weeks], mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False
    )
    fig.add_scatter(
        x=days,
        y=[w.p25 for w in weeks],
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor=colours["band"],
        hoverinfo="skip",
        name="p25–p75",
    )
    fig.add_scatter(
        x=days,
        y=[w.median for w in weeks],
        mode="lines+markers",
        line={"color": colours["accent"], "width": 2},
        customdata=[[link, w.count, w.p25, w.p75] for w in weeks],
        hovertemplate=t("mkt.hover.week", lang)
        .replace("{median}", "%{y:,.0f}")
        .replace("{n}", "%{customdata[1]}")
        + "<extra></extra>",
        name=t("mkt.median", lang),
    )
    fig.update_yaxes(tickformat=",.0f", ticksuffix=" ₽")
    fig.update_xaxes(tickformat="%-d %b")
    return _layout(fig, lang, theme, legend=True)


def _weekly_table(market: Market, lang: str) -> list[list[Any]]:
    header = [t("mkt.csv.week", lang), *(t(f"mkt.csv.{c}", lang) for c in ("count", "p25", "median", "p75"))]
    return [header] + [[w.start.isoformat(), w.count, w.p25, w.median, w.p75] for w in market.salaries.weekly]


def _share_parts(market: Market, lang: str) -> list[tuple[str, int, str]]:
    s = market.salaries
    return [
        (t("mkt.share.gross", lang), s.gross, "gross"),
        (t("mkt.share.net", lang), s.net, "net"),
        (t("mkt.share.unknown", lang), s.unknown_basis, "all"),
        (t("mkt.share.without", lang, n=s.without_salary), s.without_salary, ""),
    ]


def _share(market: Market, lang: str, theme: str) -> go.Figure | None:
    if market.salaries.vacancies < MIN_ROWS:
        return None
    colours = THEMES.get(theme, THEMES["light"])
    parts = _share_parts(market, lang)
    base = scope_link(market)
    links = [grid_url.href(replace(base, salary=basis) if basis else base) for _, _, basis in parts]
    total = market.salaries.vacancies
    fig = go.Figure()
    for (label, count, _), href, colour in zip(
        parts, links, (colours["accent"], UP, colours["band"], colours["grid"]), strict=True
    ):
        fig.add_bar(
            y=[""],
            x=[count],
            name=label,
            orientation="h",
            marker={"color": colour},
            customdata=[[href, count / total * 100 if total else 0]],
            hovertemplate=f"{label}: %{{x}} · %{{customdata[1]:.0f}} %<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(visible=False)
    return _layout(fig, lang, theme, height=150, legend=True)


def _share_table(market: Market, lang: str) -> list[list[Any]]:
    s = market.salaries
    rows = [
        [t("mkt.csv.vacancies", lang), s.vacancies],
        [t("mkt.csv.with_salary", lang), s.with_salary],
        [t("mkt.csv.without_salary", lang), s.without_salary],
        [t("mkt.csv.gross", lang), s.gross],
        [t("mkt.csv.net", lang), s.net],
        [t("mkt.csv.unknown_basis", lang), s.unknown_basis],
    ]
    return [[t("mkt.csv.what", lang), t("mkt.csv.count", lang)], *rows]


def _days(attr: str, kind: str) -> tuple[Figure, Table]:
    def figure(market: Market, lang: str, theme: str) -> go.Figure | None:
        days = getattr(market.demand, attr)
        if sum(d.count for d in days) < MIN_ROWS and max((d.count for d in days), default=0) < MIN_ROWS:
            return None
        colours = THEMES.get(theme, THEMES["light"])
        base = scope_link(market)
        fig = go.Figure()
        trace = dict(
            x=[d.day for d in days],
            y=[d.count for d in days],
            customdata=[
                [grid_url.href(replace(base, since=d.day, until=d.day) if kind == "new" else base)]
                for d in days
            ],
            hovertemplate="%{x|%-d %b}: %{y}<extra></extra>",
        )
        if kind == "new":
            fig.add_bar(**trace, marker={"color": colours["accent"]})
        else:
            fig.add_scatter(
                **trace, mode="lines", line={"color": colours["accent"], "width": 2}, fill="tozeroy"
            )
        fig.update_xaxes(tickformat="%-d %b")
        return _layout(fig, lang, theme, height=260)

    def table(market: Market, lang: str) -> list[list[Any]]:
        return [[t("mkt.csv.day", lang), t(f"mkt.csv.{kind}", lang)]] + [
            [d.day.isoformat(), d.count] for d in getattr(market.demand, attr)
        ]

    return figure, table


def _employers(attr: str) -> tuple[Figure, Table]:
    def figure(market: Market, lang: str, theme: str) -> go.Figure | None:
        items = getattr(market.demand, attr)[:TOP]
        value = (lambda e: e.open) if attr == "top_by_open" else (lambda e: e.median)
        items = [e for e in items if value(e)]
        if len(items) < 1 or sum(e.vacancies for e in items) < MIN_ROWS:
            return None
        colours = THEMES.get(theme, THEMES["light"])
        items = items[::-1]
        base = scope_link(market, salary=attr == "top_by_salary")
        fig = go.Figure()
        money_ = "%{x:,.0f} ₽" if attr == "top_by_salary" else "%{x}"
        fig.add_bar(
            y=[_short(e.name) for e in items],
            x=[value(e) for e in items],
            orientation="h",
            marker={"color": colours["accent"]},
            customdata=[[grid_url.href(base), e.name, e.open, e.vacancies, e.with_salary] for e in items],
            hovertemplate="<b>%{customdata[1]}</b><br>"
            + money_
            + "<br>"
            + t("mkt.hover.employer", lang)
            .replace("{open}", "%{customdata[2]}")
            .replace("{n}", "%{customdata[3]}")
            .replace("{salary}", "%{customdata[4]}")
            + "<extra></extra>",
        )
        if attr == "top_by_salary":
            fig.update_xaxes(tickformat=",.0f", ticksuffix=" ₽", nticks=5)
        return _layout(fig, lang, theme, height=max(180, 50 + 26 * len(items)))

    def table(market: Market, lang: str) -> list[list[Any]]:
        header = [
            t("mkt.csv.employer", lang),
            *(t(f"mkt.csv.{c}", lang) for c in ("open", "vacancies", "with_salary", "median")),
        ]
        return [header] + [
            [e.name, e.open, e.vacancies, e.with_salary, e.median] for e in getattr(market.demand, attr)
        ]

    return figure, table


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _lifetime(market: Market, lang: str, theme: str) -> go.Figure | None:
    items = [life for life in market.demand.lifetime if life.closed > 0]
    if sum(life.closed for life in items) < MIN_ROWS:
        return None
    colours = THEMES.get(theme, THEMES["light"])
    base = scope_link(market)
    items = items[::-1]
    labels = [group_label("lifetime", life, lang) for life in items]
    extra = [
        [grid_url.href(replace(base, experience=life.key)), life.closed, life.p25, life.median, life.p75]
        for life in items
    ]
    hover = (
        "<b>%{y}</b><br>"
        + t("mkt.hover.lifetime", lang)
        .replace("{p25}", "%{customdata[2]:.0f}")
        .replace("{median}", "%{customdata[3]:.0f}")
        .replace("{p75}", "%{customdata[4]:.0f}")
        .replace("{n}", "%{customdata[1]}")
        + "<extra></extra>"
    )
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=[life.p75 - life.p25 for life in items],
        base=[life.p25 for life in items],
        orientation="h",
        marker={"color": colours["band"]},
        customdata=extra,
        hovertemplate=hover,
    )
    fig.add_scatter(
        y=labels,
        x=[life.median for life in items],
        mode="markers",
        customdata=extra,
        hovertemplate=hover,
        marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": colours["accent"]}},
    )
    fig.update_xaxes(ticksuffix=t("mkt.days_suffix", lang))
    return _layout(fig, lang, theme, height=max(180, 60 + 34 * len(items)))


def _lifetime_table(market: Market, lang: str) -> list[list[Any]]:
    header = [
        t("mkt.csv.grade", lang),
        *(t(f"mkt.csv.{c}", lang) for c in ("closed", "p25_days", "median_days", "p75_days")),
    ]
    return [header] + [
        [group_label("lifetime", life, lang), life.closed, life.p25, life.median, life.p75]
        for life in market.demand.lifetime
    ]


def _skill_top(market: Market, lang: str, theme: str) -> go.Figure | None:
    items = market.skills.top[:TOP]
    if market.skills.with_skills < MIN_ROWS or not items:
        return None
    colours = THEMES.get(theme, THEMES["light"])
    base = scope_link(market)
    items = items[::-1]
    fig = go.Figure()
    fig.add_bar(
        y=[s.skill for s in items],
        x=[s.share * 100 for s in items],
        orientation="h",
        marker={"color": colours["accent"]},
        customdata=[[grid_url.href(replace(base, skill=s.skill)), s.count] for s in items],
        hovertemplate="<b>%{y}</b>: %{x:.0f} % · "
        + t("mkt.hover.n", lang).replace("{n}", "%{customdata[1]}")
        + "<extra></extra>",
    )
    fig.update_xaxes(ticksuffix=" %")
    return _layout(fig, lang, theme, height=max(180, 50 + 24 * len(items)))


def _skill_top_table(market: Market, lang: str) -> list[list[Any]]:
    header = [
        t("mkt.csv.skill", lang),
        t("mkt.csv.count", lang),
        t("mkt.csv.share", lang),
        t("mkt.csv.previous_share", lang),
    ]
    return [header] + [[s.skill, s.count, s.share, s.previous_share] for s in market.skills.top]


def _skill_moves(market: Market, lang: str, theme: str) -> go.Figure | None:
    items = [s for s in (*market.skills.rising, *market.skills.falling) if s.change is not None]
    if market.skills.previous_with_skills < MIN_ROWS or not items:
        return None
    items.sort(key=lambda s: s.change or 0)
    base = scope_link(market)
    fig = go.Figure()
    fig.add_bar(
        y=[s.skill for s in items],
        x=[s.change for s in items],
        orientation="h",
        marker={"color": [UP if (s.change or 0) > 0 else DOWN for s in items]},
        customdata=[
            [grid_url.href(replace(base, skill=s.skill)), s.share * 100, (s.previous_share or 0) * 100]
            for s in items
        ],
        hovertemplate="<b>%{y}</b>: %{x:+.1f} "
        + t("mkt.pp", lang)
        + "<br>%{customdata[2]:.0f} % → %{customdata[1]:.0f} %<extra></extra>",
    )
    fig.update_xaxes(ticksuffix=" " + t("mkt.pp", lang))
    return _layout(fig, lang, theme, height=max(180, 50 + 24 * len(items)))


def _skill_moves_table(market: Market, lang: str) -> list[list[Any]]:
    header = [
        t("mkt.csv.skill", lang),
        t("mkt.csv.share", lang),
        t("mkt.csv.previous_share", lang),
        t("mkt.csv.change", lang),
    ]
    return [header] + [
        [s.skill, s.share, s.previous_share, s.change]
        for s in (*market.skills.rising, *market.skills.falling)
    ]


def _skill_salary(market: Market, lang: str, theme: str) -> go.Figure | None:
    items = [s for s in market.skills.salary if s.with_median is not None][:TOP]
    if not items or sum(s.with_count for s in items) < MIN_ROWS:
        return None
    colours = THEMES.get(theme, THEMES["light"])
    base = scope_link(market, salary=True)
    items = items[::-1]
    fig = go.Figure()
    for label, attr, count, colour in (
        (t("mkt.without", lang), "without_median", "without_count", colours["band"]),
        (t("mkt.with", lang), "with_median", "with_count", colours["accent"]),
    ):
        fig.add_bar(
            y=[s.skill for s in items],
            x=[getattr(s, attr) for s in items],
            name=label,
            orientation="h",
            marker={"color": colour},
            customdata=[[grid_url.href(replace(base, skill=s.skill)), getattr(s, count)] for s in items],
            hovertemplate=f"<b>%{{y}}</b> · {label}: %{{x:,.0f}} ₽ · "
            + t("mkt.hover.n", lang).replace("{n}", "%{customdata[1]}")
            + "<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat=",.0f", ticksuffix=" ₽", nticks=5)
    return _layout(fig, lang, theme, height=max(200, 60 + 40 * len(items)), legend=True)


def _skill_salary_table(market: Market, lang: str) -> list[list[Any]]:
    header = [
        t("mkt.csv.skill", lang),
        *(t(f"mkt.csv.{c}", lang) for c in ("with_count", "with_median", "without_count", "without_median")),
    ]
    return [header] + [
        [s.skill, s.with_count, s.with_median, s.without_count, s.without_median]
        for s in market.skills.salary
    ]


def _salary_rows(market: Market) -> int:
    return market.salaries.with_salary


CHARTS: tuple[Chart, ...] = (
    Chart("share", "salaries", _share, _share_table, scope_link, lambda m: m.salaries.vacancies),
    Chart(
        "grade",
        "salaries",
        *_bands("grade", "by_grade")[:2],
        lambda m: scope_link(m, salary=True),
        _bands("grade", "by_grade")[2],
    ),
    Chart(
        "area",
        "salaries",
        *_bands("area", "by_area")[:2],
        lambda m: scope_link(m, salary=True),
        _bands("area", "by_area")[2],
    ),
    Chart(
        "format",
        "salaries",
        *_bands("format", "by_format")[:2],
        lambda m: scope_link(m, salary=True),
        _bands("format", "by_format")[2],
    ),
    Chart(
        "histogram",
        "salaries",
        _histogram,
        _histogram_table,
        lambda m: scope_link(m, salary=True),
        _salary_rows,
    ),
    Chart("weekly", "salaries", _weekly, _weekly_table, lambda m: scope_link(m, salary=True), _salary_rows),
    Chart(
        "new",
        "demand",
        *_days("new_per_day", "new"),
        scope_link,
        lambda m: sum(d.count for d in m.demand.new_per_day),
    ),
    Chart("open", "demand", *_days("open_per_day", "open"), scope_link, lambda m: m.vacancies),
    Chart("employers_open", "demand", *_employers("top_by_open"), scope_link, lambda m: m.vacancies),
    Chart(
        "employers_salary",
        "demand",
        *_employers("top_by_salary"),
        lambda m: scope_link(m, salary=True),
        _salary_rows,
    ),
    Chart(
        "lifetime",
        "demand",
        _lifetime,
        _lifetime_table,
        scope_link,
        lambda m: sum(x.closed for x in m.demand.lifetime),
    ),
    Chart("skills", "skills", _skill_top, _skill_top_table, scope_link, lambda m: m.skills.with_skills),
    Chart(
        "skill_moves", "skills", _skill_moves, _skill_moves_table, scope_link, lambda m: m.skills.with_skills
    ),
    Chart(
        "skill_salary",
        "skills",
        _skill_salary,
        _skill_salary_table,
        lambda m: scope_link(m, salary=True),
        _salary_rows,
    ),
)
BY_NAME = {chart.name: chart for chart in CHARTS}
