"""The skill charts of the «Рынок» page: the share of vacancies naming each key skill, the skills
rising and falling against the previous period, and the median salary with and without a skill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import plotly.graph_objects as go

from domain.market.model import Market
from webapp import grid_url
from webapp.i18n import t
from webapp.market_style import (
    DOWN,
    MIN_ROWS,
    THEMES,
    TOP,
    UP,
    layout,
    scope_link,
)

Figure = Callable[[Market, str, str], "go.Figure | None"]
Table = Callable[[Market, str], list[list[Any]]]


def skill_top_figure(market: Market, lang: str, theme: str) -> go.Figure | None:
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
        customdata=[[grid_url.href(replace(base, skill=s.skill, new=True)), s.count] for s in items],
        hovertemplate="<b>%{y}</b>: %{x:.0f} % · "
        + t("mkt.hover.n", lang).replace("{n}", "%{customdata[1]}")
        + "<extra></extra>",
    )
    fig.update_xaxes(ticksuffix=" %")
    return layout(fig, lang, theme, height=max(180, 50 + 24 * len(items)))


def skill_top_table(market: Market, lang: str) -> list[list[Any]]:
    header = [
        t("mkt.csv.skill", lang),
        t("mkt.csv.count", lang),
        t("mkt.csv.share", lang),
        t("mkt.csv.previous_share", lang),
    ]
    return [header] + [[s.skill, s.count, s.share, s.previous_share] for s in market.skills.top]


def skill_moves_figure(market: Market, lang: str, theme: str) -> go.Figure | None:
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
            [
                grid_url.href(replace(base, skill=s.skill, new=True)),
                s.share * 100,
                (s.previous_share or 0) * 100,
            ]
            for s in items
        ],
        hovertemplate="<b>%{y}</b>: %{x:+.1f} "
        + t("mkt.pp", lang)
        + "<br>%{customdata[2]:.0f} % → %{customdata[1]:.0f} %<extra></extra>",
    )
    fig.update_xaxes(ticksuffix=" " + t("mkt.pp", lang))
    return layout(fig, lang, theme, height=max(180, 50 + 24 * len(items)))


def skill_moves_table(market: Market, lang: str) -> list[list[Any]]:
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


def skill_salary_figure(market: Market, lang: str, theme: str) -> go.Figure | None:
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
            customdata=[
                [grid_url.href(replace(base, skill=s.skill, new=True)), getattr(s, count)] for s in items
            ],
            hovertemplate=f"<b>%{{y}}</b> · {label}: %{{x:,.0f}} ₽ · "
            + t("mkt.hover.n", lang).replace("{n}", "%{customdata[1]}")
            + "<extra></extra>",
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat=",.0f", ticksuffix=" ₽", nticks=3, tickangle=0)
    return layout(fig, lang, theme, height=max(200, 60 + 40 * len(items)), legend=True)


def skill_salary_table(market: Market, lang: str) -> list[list[Any]]:
    header = [
        t("mkt.csv.skill", lang),
        *(t(f"mkt.csv.{c}", lang) for c in ("with_count", "with_median", "without_count", "without_median")),
    ]
    return [header] + [
        [s.skill, s.with_count, s.with_median, s.without_count, s.without_median]
        for s in market.skills.salary
    ]
