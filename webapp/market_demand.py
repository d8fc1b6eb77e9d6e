"""The demand charts of the «Рынок» page: new vacancies per day, open ones over time, the top
employers by open vacancies and by median salary, and how long a vacancy lives by grade."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import plotly.graph_objects as go

from domain.market.model import Market
from webapp import grid_url
from webapp.i18n import t
from webapp.market_style import (
    MIN_ROWS,
    THEMES,
    TOP,
    group_label,
    layout,
    scope_link,
)

Figure = Callable[[Market, str, str], "go.Figure | None"]
Table = Callable[[Market, str], list[list[Any]]]


def day_chart(attr: str, kind: str) -> tuple[Figure, Table]:
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
                [grid_url.href(replace(base, since=d.day, until=d.day, new=True) if kind == "new" else base)]
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
        return layout(fig, lang, theme, height=260)

    def table(market: Market, lang: str) -> list[list[Any]]:
        return [[t("mkt.csv.day", lang), t(f"mkt.csv.{kind}", lang)]] + [
            [d.day.isoformat(), d.count] for d in getattr(market.demand, attr)
        ]

    return figure, table


def employer_chart(attr: str) -> tuple[Figure, Table]:
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
            fig.update_xaxes(tickformat=",.0f", ticksuffix=" ₽", nticks=3, tickangle=0)
        return layout(fig, lang, theme, height=max(180, 50 + 26 * len(items)))

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


def lifetime_figure(market: Market, lang: str, theme: str) -> go.Figure | None:
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
    return layout(fig, lang, theme, height=max(180, 60 + 34 * len(items)))


def lifetime_table(market: Market, lang: str) -> list[list[Any]]:
    header = [
        t("mkt.csv.grade", lang),
        *(t(f"mkt.csv.{c}", lang) for c in ("closed", "p25_days", "median_days", "p75_days")),
    ]
    return [header] + [
        [group_label("lifetime", life, lang), life.closed, life.p25, life.median, life.p75]
        for life in market.demand.lifetime
    ]
