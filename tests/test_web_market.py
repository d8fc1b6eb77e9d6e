"""The «Рынок» page (issue #16) on the server: the charts drawn from hand-made figures carry those
figures (bands, counts, shares; RU separators and locale; both themes), their CSV is the same
numbers; the grid's address filter (webapp.grid_url) drops what does not fit; and through the
app's real callbacks on PostgreSQL: the page shows what ``domain.market.figures`` computes for the
logged-in user, a forged search id shows nothing of another user's, the CSV download equals the
figure, and a chart's «показать эти вакансии» opens the grid on exactly its count."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from plotly.io.json import to_json_plotly
from sqlalchemy import update

from core.schema import vacancies
from domain import market as domain_market
from domain.market import store as market
from domain.market.model import Scope
from tests.web.market_support import sample_market
from tests.web.support import add_user, callback, client_for, grid_rows, load_vacancies
from webapp import grid_url, market_charts
from webapp.app import create_app
from webapp.grid_url import GridLink
from webapp.pages import market as page


def rendered(component: Any) -> str:
    """A Dash component as the browser receives it (JSON, non-ASCII kept)."""
    return json.dumps(json.loads(to_json_plotly(component)), ensure_ascii=False)


# -- the charts, from hand-made figures ---------------------------------------------------------------


def test_each_band_chart_draws_p25_median_p75_and_links_each_bar_to_its_vacancies() -> None:
    market = sample_market()
    for name, attr, param in (
        ("grade", "by_grade", "experience"),
        ("area", "by_area", "area"),
        ("format", "by_format", "work_format"),
    ):
        figure = market_charts.BY_NAME[name].figure(market, "ru", "light")
        bands = list(reversed(getattr(market.salaries, attr)))
        bar, median = figure.data
        assert list(bar.base) == [b.p25 for b in bands]
        assert [b + x for b, x in zip(bar.base, bar.x, strict=True)] == [b.p75 for b in bands]
        assert list(median.x) == [b.median for b in bands]
        for band, extra in zip(bands, bar.customdata, strict=True):
            link = grid_url.parse(extra[0].split("?", 1)[1], [7])
            assert getattr(link, param) == band.key and link.search == 7 and link.salary == "all"
            assert (link.since, link.until) == (market.start, market.end)
            assert extra[1] == band.count


def test_grades_and_formats_are_named_in_the_page_language() -> None:
    market = sample_market()
    ru = market_charts.BY_NAME["grade"].figure(market, "ru", "light").data[0].y
    en = market_charts.BY_NAME["grade"].figure(market, "en", "light").data[0].y
    assert "От 3 до 6 лет" in ru and "3–6 years" in en and "От 3 до 6 лет" not in en
    assert "Remote" in market_charts.BY_NAME["format"].figure(market, "en", "dark").data[0].y


def test_russian_numbers_and_locale_and_each_theme_its_colours() -> None:
    market = sample_market()
    light = market_charts.BY_NAME["histogram"].figure(market, "ru", "light")
    dark = market_charts.BY_NAME["histogram"].figure(market, "ru", "dark")
    assert light.layout.separators == ",\u2009"  # decimal comma, thin-space thousands
    assert market_charts.BY_NAME["histogram"].figure(market, "en", "light").layout.separators == ".,"
    assert light.layout.font.color != dark.layout.font.color
    assert light.layout.paper_bgcolor == "rgba(0,0,0,0)"  # the card's own background shows
    assert list(light.data[0].y) == [b.count for b in market.salaries.histogram]
    config = market_charts.graph_config("ru")
    assert config["locale"] == "ru" and config["locales"]["ru"]["format"]["shortMonths"][10] == "ноя"
    assert "locale" not in market_charts.graph_config("en")


def test_salary_share_counts_gross_net_and_without() -> None:
    market = sample_market()
    figure = market_charts.BY_NAME["share"].figure(market, "ru", "light")
    assert [trace.x[0] for trace in figure.data] == [87, 29, 0, 44]
    assert figure.data[3].name == "без зарплаты: 44"
    assert figure.data[0].name == "до вычета" and figure.data[1].name == "на руки"
    gross = grid_url.parse(figure.data[0].customdata[0][0].split("?", 1)[1], [7])
    assert gross.salary == "gross"


def test_too_few_vacancies_say_so_instead_of_an_empty_chart() -> None:
    market = sample_market()
    few = type(market.salaries)(**{**market.salaries.__dict__, "by_grade": market.salaries.by_grade[:0]})
    thin = type(market)(**{**market.__dict__, "salaries": few})
    assert market_charts.BY_NAME["grade"].figure(thin, "ru", "light") is None
    card = rendered(page.chart_card(market_charts.BY_NAME["grade"], thin, "ru", "light"))
    assert "Мало данных для графика" in card and "mkt-graph" not in card


def test_every_chart_has_a_csv_with_the_figures_numbers() -> None:
    market = sample_market()
    for chart in market_charts.CHARTS:
        rows = list(csv.reader(io.StringIO(page.csv_text(chart, market, "ru").lstrip("\ufeff"))))
        assert len(rows) >= 2, chart.name
    grade = list(
        csv.reader(io.StringIO(page.csv_text(market_charts.BY_NAME["grade"], market, "en").lstrip("\ufeff")))
    )
    assert grade[0] == ["Experience", "Vacancies", "Before tax", "After tax", "p25, ₽", "Median, ₽", "p75, ₽"]
    assert grade[3] == ["3–6 years", "55", "40", "15", "210000", "260000", "320000"]
    hostile = type(market.demand)(
        **{
            **market.demand.__dict__,
            "top_by_open": [market.demand.top_by_open[0].__class__("x", "=HYPERLINK(1)", 3, 3, 0, None)],
        }
    )
    text = page.csv_text(
        market_charts.BY_NAME["employers_open"], type(market)(**{**market.__dict__, "demand": hostile}), "ru"
    )
    assert "'=HYPERLINK(1)" in text


def test_where_you_stand_and_the_profile_link_when_there_is_none() -> None:
    shown = rendered(page.standing_view(sample_market(), "ru"))
    assert "Kafka — в 34 % ваших вакансий, в профиле нет" in shown
    assert "58 %" in shown
    none = rendered(page.standing_view(sample_market(standing=False), "en"))
    assert "/profile" in none or page.profile.PATH in none


# -- the grid's address filter ------------------------------------------------------------------------


def test_the_grid_address_keeps_what_fits_and_drops_the_rest() -> None:
    link = GridLink(
        search=7,
        source="hh",
        experience="between1And3",
        area="1",
        work_format="REMOTE",
        salary="net",
        hidden=True,
        since=date(2026, 11, 3),
        until=date(2026, 12, 2),
        skill="Kafka",
    )
    assert grid_url.parse(grid_url.href(link).split("?", 1)[1], [7]) == link
    hostile = (
        "search=8&source=evil&experience=x'--&area=1;drop&work_format=<b>&salary=2&hidden=yes&since=2026-13-01&skill="
        + "k" * 500
    )
    assert grid_url.parse(hostile, [7]) == GridLink()
    assert grid_url.parse("search=7", []).search is None  # somebody else's search
    assert grid_url.parse(None, [7]) == GridLink() and grid_url.parse({"a": 1}, [7]) == GridLink()


def test_the_controls_from_the_browser_are_cleaned() -> None:
    assert page.clean("search:12", "90", True, "net") == page.Controls("search:12", 90, True, "net")
    assert page.clean("search:1 OR 1=1", "1000", "yes", "bribe") == page.Controls()
    assert page.clean({"x": 1}, None, None, None) == page.Controls()
    assert (
        page.from_query("?scope=source:hh&days=7&hidden=1&basis=gross").query()
        == "?scope=source%3Ahh&days=7&hidden=1&basis=gross"
    )
    assert page.Controls().query() == ""


# -- through the app, on PostgreSQL -------------------------------------------------------------------


@pytest.fixture
def app(engine, settings_factory):
    return create_app(settings_factory(), engine)


def _age(engine, rows: list[dict[str, Any]], now: datetime) -> None:
    """Spread the vacancies over the last weeks (first seen 0-40 days ago, some closed), and
    refresh the market's tables as the harvest that saw them so does."""
    with engine.begin() as conn:
        for i, row in enumerate(rows):
            first = now - timedelta(days=(i * 3) % 41, hours=i % 5)
            values: dict[str, Any] = {
                "first_seen_at": first,
                "last_seen_at": max(first, now - timedelta(days=i % 4)),
            }
            if i % 6 == 0:
                values["closed_at"] = values["last_seen_at"]
            conn.execute(update(vacancies).where(vacancies.c.id == row["id"]).values(**values))
        market.refresh(conn, [row["id"] for row in rows])  # as the harvest that saw them does


@pytest.fixture
def people(engine) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    anna, (search_a, search_b) = add_user(engine, "anna", searches=2)
    boris, (search_boris,) = add_user(engine, "boris")
    rows = load_vacancies(engine, anna, search_a, 60, first_id=1_000, seed=5, now=now)
    rows += load_vacancies(engine, anna, search_b, 25, first_id=2_000, seed=6, now=now)
    boris_rows = load_vacancies(engine, boris, search_boris, 30, first_id=3_000, seed=7, now=now)
    _age(engine, rows, now)
    _age(engine, boris_rows, now)
    return {"anna": anna, "boris": boris, "searches": (search_a, search_b), "boris_search": search_boris}


def page_of(client, path: str, search: str = "") -> Any:
    response = callback(
        client, [("page", "children")], [("url", "pathname", path)], [("url", "search", search)]
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["response"]["page"]["children"]


def render(
    client,
    scope: Any = "all",
    days: Any = "30",
    hidden: Any = False,
    basis: Any = "all",
    theme: Any = "light",
) -> Any:
    response = callback(
        client,
        [("mkt-content", "children"), ("url", "search")],
        [
            ("mkt-scope", "value", scope),
            ("mkt-days", "value", days),
            ("mkt-hidden", "value", hidden),
            ("mkt-basis", "value", basis),
            ("mkt-theme", "data", theme),
        ],
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["response"]


def find(tree: Any, wanted: Any) -> list[dict[str, Any]]:
    """Every component in a rendered layout whose id is ``wanted`` (or whose id matches it)."""
    found = []
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict):
            ident = props.get("id")
            if ident == wanted or (callable(wanted) and wanted(ident)):
                found.append(tree)
        for value in tree.values():
            found += find(value, wanted)
    elif isinstance(tree, list):
        for item in tree:
            found += find(item, wanted)
    return found


def graph(tree: Any, chart: str) -> dict[str, Any]:
    [component] = find(tree, {"type": "mkt-graph", "chart": chart})
    return component["props"]["figure"]


def figures_for(engine, user_id: int, **scope: Any):
    with engine.connect() as conn:
        return domain_market.figures(conn, Scope(user_id=user_id, today=page.today(), **scope))


def text_of(tree: Any) -> str:
    return json.dumps(tree, ensure_ascii=False)


def test_the_navbar_links_the_page_and_it_draws_the_users_figures(app, engine, people) -> None:
    client = client_for(app, "anna")
    frame = client.get("/market")
    assert frame.status_code == 200
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "nav-market" in layout and "Рынок" in layout
    controls = page_of(client, "/market", f"?scope=search:{people['searches'][0]}&days=90&basis=gross")
    assert find(controls, "mkt-scope")[0]["props"]["value"] == f"search:{people['searches'][0]}"
    assert find(controls, "mkt-days")[0]["props"]["value"] == "90"
    response = render(client)
    expected = figures_for(engine, people["anna"])
    shown = response["mkt-content"]["children"]
    assert find(shown, "mkt-sum-vacancies")[0]["props"]["children"] == str(expected.vacancies)
    assert expected.vacancies > 0
    histogram = graph(shown, "histogram")
    assert histogram["data"][0]["y"] == [b.count for b in expected.salaries.histogram]
    grade = graph(shown, "grade")
    drawn = [b for b in expected.salaries.by_grade if b.count > 0][::-1]
    assert grade["data"][1]["x"] == [b.median for b in drawn]
    assert response["url"]["search"] == ""


def test_the_period_and_basis_are_the_figures_of_that_scope(app, engine, people) -> None:
    client = client_for(app, "anna")
    search = people["searches"][1]
    response = render(client, scope=f"search:{search}", days="7", hidden=True, basis="net")
    expected = figures_for(engine, people["anna"], days=7, search_id=search, include_hidden=True, basis="net")
    assert response["url"]["search"] == f"?scope=search%3A{search}&days=7&hidden=1&basis=net"
    shown = response["mkt-content"]["children"]
    if expected.vacancies:
        assert find(shown, "mkt-sum-vacancies")[0]["props"]["children"] == str(expected.vacancies)
    else:
        assert find(shown, "mkt-empty")


def test_a_forged_search_id_shows_nothing_of_another_users(app, engine, people) -> None:
    client = client_for(app, "anna")
    for forged in (
        f"search:{people['boris_search']}",
        "search:999999",
        "search:-1",
        "search:1;drop",
        ["x"],
        7,
        None,
    ):
        response = render(client, scope=forged)
        shown = response["mkt-content"]["children"]
        if forged == f"search:{people['boris_search']}":
            assert find(shown, "mkt-refused"), forged
        assert "boris" not in text_of(shown).lower()
    # the CSV for a forged search id is refused too (and the same request for one's own is served)
    assert download(client, "grade", scope=f"search:{people['boris_search']}").status_code == 204
    assert download(client, "grade", scope=f"search:{people['searches'][0]}").status_code == 200
    # and the grid's address: somebody else's search is not a filter, the grid stays the user's own
    grid = page_of(client, "/", f"?search={people['boris_search']}")
    [component] = find(grid, "grid")
    assert "searches" not in link_filter(component)


def download(client, chart: str, scope: Any = "all", basis: str = "all") -> Any:
    """The «CSV» button of ``chart`` pressed (a pattern-matching input: its one match, clicked)."""
    button = {"chart": chart, "type": "mkt-csv"}
    name = json.dumps(button, sort_keys=True, separators=(",", ":"))
    state = [("mkt-scope", scope), ("mkt-days", "30"), ("mkt-hidden", False), ("mkt-basis", basis)]
    return client.post(
        "/_dash-update-component",
        json={
            "output": "mkt-download.data",
            "outputs": {"id": "mkt-download", "property": "data"},
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "changedPropIds": [f"{name}.n_clicks"],
            "state": [{"id": c, "property": "value", "value": v} for c, v in state],
        },
    )


def _download(client, chart: str, scope: str = "all", basis: str = "all") -> str:
    response = download(client, chart, scope, basis)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["response"]["mkt-download"]["data"]["content"]


def test_the_csv_download_equals_the_figure(app, engine, people) -> None:
    client = client_for(app, "anna")
    expected = figures_for(engine, people["anna"])
    rows = list(csv.reader(io.StringIO(_download(client, "grade").lstrip("\ufeff"))))
    assert rows[0][0] == "Опыт"
    assert [int(r[1]) for r in rows[1:]] == [b.count for b in expected.salaries.by_grade]
    assert [float(r[5]) for r in rows[1:]] == pytest.approx([b.median for b in expected.salaries.by_grade])
    histogram = list(csv.reader(io.StringIO(_download(client, "histogram").lstrip("\ufeff"))))
    assert [int(r[2]) for r in histogram[1:]] == [b.count for b in expected.salaries.histogram]


def link_filter(grid: dict[str, Any]) -> dict[str, Any]:
    """The filter the grid opens with (AG Grid's initial state, see webapp.pages.vacancies)."""
    state = grid["props"]["dashGridOptions"].get("initialState") or {}
    return state.get("filter", {}).get("filterModel", {})


def _grid_count(client, href: str) -> int:
    """Follow a «показать эти вакансии» address: the grid's page, then its first block."""
    query = href.split("?", 1)[1] if "?" in href else ""
    [grid] = find(page_of(client, "/", "?" + query), "grid")
    [hidden] = find(page_of(client, "/", "?" + query), "show-hidden")
    response = grid_rows(
        client,
        {"startRow": 0, "endRow": 500, "filterModel": link_filter(grid)},
        show_hidden=hidden["props"]["value"],
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = response.json["response"]["grid"]["getRowsResponse"]["rowData"]
    assert len(rows) < 500
    return len(rows)


def test_a_bars_link_opens_the_grid_on_exactly_its_vacancies(app, engine, people) -> None:
    client = client_for(app, "anna")
    shown = render(client)["mkt-content"]["children"]
    expected = figures_for(engine, people["anna"])
    grade = graph(shown, "grade")
    bands = [b for b in expected.salaries.by_grade if b.count > 0][::-1]
    assert bands, "the test data has salaries by grade"
    for band, extra in zip(bands, grade["data"][0]["customdata"], strict=True):
        assert _grid_count(client, extra[0]) == band.count, band
    # the chart's own link: every vacancy of the scope with a salary
    [link] = find(shown, {"type": "mkt-link", "chart": "histogram"})
    assert _grid_count(client, link["props"]["href"]) == expected.salaries.with_salary
    [link] = find(shown, {"type": "mkt-link", "chart": "share"})
    assert _grid_count(client, link["props"]["href"]) == expected.vacancies
    # a day's new vacancies
    new = graph(shown, "new")
    days = [
        (d, extra) for d, extra in zip(expected.demand.new_per_day, new["data"][0]["customdata"], strict=True)
    ]
    for day, extra in [pair for pair in days if pair[0].count][:3]:
        assert _grid_count(client, extra[0]) == day.count, day
    assert expected.skills.top, "the test data names key skills"
    if expected.skills.top:
        skills = graph(shown, "skills")
        top = expected.skills.top[: market_charts.TOP][::-1]
        for skill, extra in list(zip(top, skills["data"][0]["customdata"], strict=True))[-3:]:
            assert _grid_count(client, extra[0]) == skill.count, skill


def test_the_grid_filters_of_a_link_on_their_own(app, engine, people) -> None:
    """Independent of the figures: the period is UTC days, the salary a basis, the skill any case."""
    client = client_for(app, "anna")
    today = datetime.now(UTC).date()
    everything = _grid_count(client, "/")
    assert everything == 85
    since = today - timedelta(days=6)
    with engine.connect() as conn:
        rows = (
            conn.execute(
                vacancies.select().where(
                    vacancies.c.source_id.in_(
                        [str(i) for i in range(1000, 1060)] + [str(i) for i in range(2000, 2025)]
                    )
                )
            )
            .mappings()
            .all()
        )
    start = datetime.combine(since, datetime.min.time(), UTC)
    after = datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC)
    in_week = [r for r in rows if r["first_seen_at"] < after and r["last_seen_at"] >= start]
    assert _grid_count(client, grid_url.href(GridLink(since=since, until=today))) == len(in_week)
    net = [
        r
        for r in rows
        if (r["salary_from_rub"] is not None or r["salary_to_rub"] is not None) and r["salary_gross"] is False
    ]
    assert _grid_count(client, grid_url.href(GridLink(salary="net"))) == len(net)


def test_no_vacancies_says_what_to_do(app, engine) -> None:
    add_user(engine, "vera")
    client = client_for(app, "vera")
    shown = render(client)["mkt-content"]["children"]
    [empty] = find(shown, "mkt-empty")
    assert "/searches" in text_of(empty) and "Мои поиски" in text_of(empty)
