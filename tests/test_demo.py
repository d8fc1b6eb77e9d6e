"""Demo mode: labelled generated data that loads, shows, and clears without touching real rows."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.errors import UserInputError
from core.schema import users
from etl.demo import clear_demo, load_demo
from etl.harvest.plan import select_searches
from tests.conftest import run_cli
from tests.harvesting import harvest as run
from tests.helpers import add_user_and_search, count, snapshot
from tests.helpers import vacancies as make_vacancies


def test_demo_loads_a_complete_labelled_dataset(engine) -> None:
    summary = load_demo(engine, count=300)

    assert (summary.login, summary.vacancies, summary.searches) == ("demo", 300, 5)
    # labelled, on every board, and named so that no real vacancy can be taken for one
    assert count(engine, "t01_jh_vacancies") == count(
        engine, "t01_jh_vacancies", "is_demo AND source_id LIKE 'demo-%'"
    )
    for board in ("hh", "trudvsem", "superjob"):
        assert count(engine, "t01_jh_vacancies", f"source = '{board}'") > 0
    assert count(engine, "t01_jh_vacancies") == 300 and count(engine, "t06_jh_details") == 300
    assert count(engine, "t05_jh_users", "is_demo AND login = 'demo'") == 1
    assert count(engine, "t07_jh_hhparsers", "is_demo") == 5
    assert count(engine, "t08_jh_user_vacancies") == 300  # the catch-all search links every one
    # ranked by fit against the demo profile, as a harvest would have done it
    assert count(engine, "t08_jh_user_vacancies", "score IS NULL OR scored_rev <> 1") == 0
    assert count(engine, "t08_jh_user_vacancies", "score >= 60") > 0
    assert count(engine, "t08_jh_user_vacancies", "score < 40") > 0
    assert count(engine, "t08_jh_user_vacancies", "is_favourite") == 14
    assert count(engine, "t08_jh_user_vacancies", "is_banned") == 5
    assert count(engine, "t11_jh_banned_employers") == 1
    assert count(engine, "t02_jh_etl", "is_demo") == 25
    assert count(engine, "t02_jh_etl", "status = 'captcha'") == 1
    assert count(engine, "t01_jh_vacancies", "salary_from_rub IS NOT NULL AND salary_currency <> 'RUR'") > 0
    assert count(engine, "t10_jh_dictionaries") == 3  # pickers work without hh.ru
    assert select_searches(engine) == []  # demo searches are never sent to hh.ru
    with pytest.raises(UserInputError, match="already loaded"):
        load_demo(engine, count=10)


def test_clearing_the_demo_leaves_real_data_untouched(
    engine, settings_factory, fake_hh, last_day, window
) -> None:
    fake_hh.add(make_vacancies(40, *last_day))
    add_user_and_search(engine)
    run(engine, settings_factory(hh_base_url=fake_hh.url), window=window)
    real = snapshot(engine)
    real_runs = count(engine, "t02_jh_etl")

    load_demo(engine, count=120)
    assert count(engine, "t01_jh_vacancies") == 160
    removed = clear_demo(engine)

    assert removed == {"vacancies": 120, "users": 1, "audit rows": 25}
    assert snapshot(engine) == real
    assert count(engine, "t02_jh_etl") == real_runs


def test_demo_commands(cli_env, engine) -> None:
    loaded = run_cli("demo", "load", "--vacancies", "60", env=cli_env)
    assert loaded.returncode == 0, loaded.stderr
    match = re.search(r"Log in as demo with password (\S+)", loaded.stdout.replace("\n", " "))
    assert match and "demo vacancies" in loaded.stderr  # a progress bar
    with engine.connect() as conn:
        assert conn.execute(select(users.c.is_demo).where(users.c.login == "demo")).scalar_one()
    again = run_cli("demo", "load", env=cli_env)
    assert again.returncode == 1 and "already loaded" in again.stderr
    cleared = run_cli("demo", "clear", env=cli_env)
    assert cleared.returncode == 0 and "60 vacancies, 1 users, 25 audit rows" in cleared.stdout
    assert count(engine, "t01_jh_vacancies") == 0
