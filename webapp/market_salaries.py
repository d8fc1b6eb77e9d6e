"""The salary charts of the «Рынок» page: p25–median–p75 bands by grade, city and work format, the
histogram, the weekly trend and the share that publishes a salary (gross, net, not said, none)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import plotly.graph_objects as go

from domain.market.model import Band, Market
from webapp import grid_url
from webapp.i18n import t
from webapp.market_style import (
    MIN_ROWS,
    THEMES,
    TOP,
    UP,
    group_label,
    group_link,
    layout,
    scope_link,
)

Figure = Callable[[Market, str, str], "go.Figure | None"]
Table = Callable[[Market, str], list[list[Any]]]


def band_chart(kind: str, attr: str) -> tuple[Figure, Table, Callable[[Market], int]]:
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
        hrefs = [grid_url.href(group_link(base, kind, b.key) or base) for b in items]
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
        fig.update_xaxes(tickformat=",.0f", ticksuffix=" ₽", nticks=3, tickangle=0)
        return layout(fig, lang, theme, height=max(180, 60 + 34 * len(items)))

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


def histogram_figure(market: Market, lang: str, theme: str) -> go.Figure | None:
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
    fig.update_xaxes(tickformat=",.0f", ticksuffix=" ₽", nticks=3, tickangle=0)
    return layout(fig, lang, theme)


def histogram_table(market: Market, lang: str) -> list[list[Any]]:
    header = [t("mkt.csv.low", lang), t("mkt.csv.high", lang), t("mkt.csv.count", lang)]
    return [header] + [[b.low, b.high, b.count] for b in market.salaries.histogram]


def weekly_figure(market: Market, lang: str, theme: str) -> go.Figure | None:
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
    return layout(fig, lang, theme, legend=True)


def weekly_table(market: Market, lang: str) -> list[list[Any]]:
    header = [t("mkt.csv.week", lang), *(t(f"mkt.csv.{c}", lang) for c in ("count", "p25", "median", "p75"))]
    return [header] + [[w.start.isoformat(), w.count, w.p25, w.median, w.p75] for w in market.salaries.weekly]


def share_parts(market: Market, lang: str) -> list[tuple[str, int, str]]:
    s = market.salaries
    return [
        (t("mkt.share.gross", lang), s.gross, "gross"),
        (t("mkt.share.net", lang), s.net, "net"),
        (t("mkt.share.unknown", lang), s.unknown_basis, "all"),
        (t("mkt.share.without", lang, n=s.without_salary), s.without_salary, ""),
    ]


def share_figure(market: Market, lang: str, theme: str) -> go.Figure | None:
    if market.salaries.vacancies < MIN_ROWS:
        return None
    colours = THEMES.get(theme, THEMES["light"])
    parts = share_parts(market, lang)
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
    return layout(fig, lang, theme, height=150, legend=True)


def share_table(market: Market, lang: str) -> list[list[Any]]:
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
