"""How the «Рынок» page's charts look and link: plotly's Russian locale, RU/EN number separators,
the light and dark themes' colours, the common layout (transparent on the card, small margins, a
legend above the plot), and the grid address of a chart's vacancies (:mod:`webapp.grid_url`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import plotly.graph_objects as go

from domain.market.model import Band, Lifetime, Market
from webapp.grid_url import GridLink
from webapp.i18n import EXPERIENCE_NAMES, WORK_FORMAT_NAMES, name_of

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


def layout(fig: go.Figure, lang: str, theme: str, *, height: int = 300, legend: bool = False) -> go.Figure:
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
        new=True,  # the figures are of the vacancies first seen in the period
        salary=scope.basis if salary else None,
    )


def group_link(base: GridLink, kind: str, key: str) -> GridLink | None:
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
