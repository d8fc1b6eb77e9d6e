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
from dataclasses import dataclass

from domain.market.model import Market
from webapp.grid_url import GridLink
from webapp.market_demand import day_chart, employer_chart, lifetime_figure, lifetime_table
from webapp.market_salaries import (
    Figure,
    Table,
    band_chart,
    histogram_figure,
    histogram_table,
    share_figure,
    share_table,
    weekly_figure,
    weekly_table,
)
from webapp.market_skills import (
    skill_moves_figure,
    skill_moves_table,
    skill_salary_figure,
    skill_salary_table,
    skill_top_figure,
    skill_top_table,
)
from webapp.market_style import MIN_ROWS, THEMES, TOP, graph_config, scope_link

__all__ = ["BY_NAME", "CHARTS", "MIN_ROWS", "THEMES", "TOP", "Chart", "graph_config"]

# -- the charts -------------------------------------------------------------------------------------


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


def _salary_rows(market: Market) -> int:
    return market.salaries.with_salary


CHARTS: tuple[Chart, ...] = (
    Chart("share", "salaries", share_figure, share_table, scope_link, lambda m: m.salaries.vacancies),
    Chart(
        "grade",
        "salaries",
        *band_chart("grade", "by_grade")[:2],
        lambda m: scope_link(m, salary=True),
        band_chart("grade", "by_grade")[2],
    ),
    Chart(
        "area",
        "salaries",
        *band_chart("area", "by_area")[:2],
        lambda m: scope_link(m, salary=True),
        band_chart("area", "by_area")[2],
    ),
    Chart(
        "format",
        "salaries",
        *band_chart("format", "by_format")[:2],
        lambda m: scope_link(m, salary=True),
        band_chart("format", "by_format")[2],
    ),
    Chart(
        "histogram",
        "salaries",
        histogram_figure,
        histogram_table,
        lambda m: scope_link(m, salary=True),
        _salary_rows,
    ),
    Chart(
        "weekly", "salaries", weekly_figure, weekly_table, lambda m: scope_link(m, salary=True), _salary_rows
    ),
    Chart(
        "new",
        "demand",
        *day_chart("new_per_day", "new"),
        scope_link,
        lambda m: sum(d.count for d in m.demand.new_per_day),
    ),
    Chart("open", "demand", *day_chart("open_per_day", "open"), scope_link, lambda m: m.vacancies),
    Chart("employers_open", "demand", *employer_chart("top_by_open"), scope_link, lambda m: m.vacancies),
    Chart(
        "employers_salary",
        "demand",
        *employer_chart("top_by_salary"),
        lambda m: scope_link(m, salary=True),
        # an employer is ranked with enough salaries of its own (domain.market)
        lambda m: sum(e.with_salary for e in m.demand.top_by_salary),
    ),
    Chart(
        "lifetime",
        "demand",
        lifetime_figure,
        lifetime_table,
        scope_link,
        lambda m: sum(x.closed for x in m.demand.lifetime),
    ),
    Chart("skills", "skills", skill_top_figure, skill_top_table, scope_link, lambda m: m.skills.with_skills),
    Chart(
        "skill_moves",
        "skills",
        skill_moves_figure,
        skill_moves_table,
        scope_link,
        lambda m: m.skills.previous_with_skills,
    ),
    Chart(
        "skill_salary",
        "skills",
        skill_salary_figure,
        skill_salary_table,
        lambda m: scope_link(m, salary=True),
        _salary_rows,
    ),
)
BY_NAME = {chart.name: chart for chart in CHARTS}
