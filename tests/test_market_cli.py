"""``jobhunter market`` as a user runs it: a separate process on the hand-made market of
``tests/test_market_figures.py``, its JSON against ``figures()`` for the same scope, its text
against the figures a reader looks for, and its refusals."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import pytest

from domain.market import figures
from domain.market.model import Scope
from tests.conftest import run_cli
from tests.test_market_figures import TODAY, world  # noqa: F401 - the fixture

DAY = TODAY.isoformat()


def _wanted(engine, scope: Scope) -> dict:
    """What ``--json`` must say: ``asdict`` with ISO dates and the two computed properties."""
    with engine.connect() as conn:
        market = figures(conn, scope)
    plain = dataclasses.asdict(market)
    plain["salaries"]["share_with_salary"] = market.salaries.share_with_salary
    for name in ("top", "rising", "falling"):
        for item, share in zip(plain["skills"][name], getattr(market.skills, name), strict=True):
            item["change"] = share.change
    return json.loads(json.dumps(plain, default=date.isoformat))


def _market(cli_env, *args: str):
    return run_cli("market", "--user", "anna", "--today", DAY, *args, env=cli_env)


@pytest.mark.parametrize(
    ("args", "scope"),
    [
        ((), {}),
        (("--days", "7", "--basis", "net", "--include-hidden"),
         {"days": 7, "basis": "net", "include_hidden": True}),
        (("--source", "superjob", "--basis", "gross"), {"source": "superjob", "basis": "gross"}),
        (("--search", "{search}",), {"search_id": "{search}"}),
    ],
)  # fmt: skip
def test_the_json_is_the_figures_of_the_same_scope(cli_env, engine, world, args, scope) -> None:  # noqa: F811
    search = str(world.searches[1])
    args = tuple(a.replace("{search}", search) for a in args)
    scope = {k: int(search) if v == "{search}" else v for k, v in scope.items()}
    result = _market(cli_env, *args, "--json")
    assert result.returncode == 0, result.stderr
    said = json.loads(result.stdout)
    assert said == _wanted(engine, Scope(user_id=world.anna, today=TODAY, **scope))
    assert said["start"] == ("2026-11-24" if scope.get("days") == 7 else "2026-11-01")
    assert said["salaries"]["share_with_salary"] is not None
    assert all("change" in item for item in said["skills"]["top"])


def test_the_text_shows_the_key_figures(cli_env, world) -> None:  # noqa: F811
    result = _market(cli_env)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Market of anna: 2026-11-01 – 2026-11-30 (30 days), all searches, hidden excluded" in text
    assert (
        "27 new vacancies, 23 with a salary (85 %), 4 without; of those with one: gross 13, net 8, not said 2"
        in text
    )

    def row(*cells: str) -> bool:
        """A table row holding these cells, in this order."""
        return re.search(r"│\s*" + r"\s*│\s*".join(map(re.escape, cells)) + r"\s*│", text) is not None

    assert row("all", "23", "134 444 ₽", "155 000 ₽", "190 293 ₽", "13", "8")
    assert row("grade: От 3 до 6 лет", "15", "145 000 ₽", "160 000 ₽", "185 000 ₽", "8", "5")
    assert row("city: Москва", "17", "140 000 ₽", "160 000 ₽", "190 000 ₽", "10", "5")
    assert row("format: Гибрид", "7", "139 444 ₽", "180 000 ₽", "185 293 ₽", "2", "5")
    assert re.search(r"^\s*80 000 – 100 000 ₽\s+█+ 2$", text, re.MULTILINE)  # October's 12 and 20 out
    assert row("2026-11-01", "2", "11") and row("2026-11-30", "0", "31")  # day, new, open
    assert row("Бета", "6", "8", "6", "185 000 ₽")  # the best median, Альфа the most open
    assert row("От 3 до 6 лет", "3", "6", "12", "15")  # lifetimes in days
    assert row("Python", "10", "170 000 ₽", "2", "149 325 ₽")  # new vacancies of the period
    # skills: the vacancies first seen in each period
    assert "key skills known for 14 vacancies (previous period: 7)" in text
    assert "rising: Python +50 pp, Kafka +36 pp, Docker +29 pp, SQL +7 pp" in text
    assert "falling: Java -43 pp" in text
    assert "desired 180 000 ₽: above 50 % of 14 salaries (От 3 до 6 лет, Москва)" in text
    assert "Kafka — in 36 % of your vacancies, not in the profile" in text
    assert "Python — in 79 % of your vacancies, in the profile" in text


def test_an_empty_period_says_what_to_do(cli_env, world) -> None:  # noqa: F811
    result = _market(cli_env, "--source", "trudvsem")
    assert result.returncode == 0, result.stderr
    assert "no vacancies in this period" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--user", "nobody"), "error: no user 'nobody'"),
        (("--user", "anna", "--search", "{boris}"), "error: no saved search {boris} of this user"),
        (("--user", "anna", "--days", "0"), "error: the period is 1 to 365 days, not 0"),
        (("--user", "anna", "--days", "366"), "error: the period is 1 to 365 days, not 366"),
        (("--user", "anna", "--source", "avito"), "error: no board 'avito': one of hh, trudvsem, superjob"),
        (("--user", "anna", "--basis", "after"),
         "error: the salary basis is one of all, gross, net, not 'after'"),
    ],
)  # fmt: skip
def test_bad_requests_are_one_line_and_exit_code_2(cli_env, world, args, message) -> None:  # noqa: F811
    boris = str(world.boris_search)
    result = run_cli("market", *(a.replace("{boris}", boris) for a in args), env=cli_env)
    assert result.returncode == 2
    assert result.stderr.strip() == message.replace("{boris}", boris)
    assert result.stdout == ""
