"""What an operator reads: the audit log in a pipe, setup's messages, backfill concurrency."""

from __future__ import annotations

import re

from jobhunter.run import BACKFILL_MAX_ACTIVE_RUNS, airflow_args, parallelism
from tests.conftest import ROOT, run_cli


def test_etl_runs_piped_at_80_columns_shows_every_figure_whole(cli_env) -> None:
    loaded = run_cli("demo", "load", "--vacancies", "10", env=cli_env)
    assert loaded.returncode == 0, loaded.stderr

    result = run_cli("etl", "runs", "--limit", "3", env=cli_env | {"COLUMNS": "80"})

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Harvest audit log")
    assert all(len(line) <= 80 for line in lines), result.stdout
    assert "…" not in result.stdout  # nothing cut off
    assert (
        len(re.findall(r"^(success|partial|failed|captcha|auth|running)  \S+  \S+$", result.stdout, re.M))
        == 3
    )
    assert re.search(
        r"^  found \d+, received \d+: \d+ new, \d+ updated, \d+ unchanged; \d+ full texts$",
        result.stdout,
        re.M,
    )
    assert re.search(r"^  \d+ requests, \d+ pages, \d+ retries$", result.stdout, re.M)


def test_setup_says_the_demo_searches_are_never_harvested_and_later_that_demo_data_is_still_there(
    cli_env,
) -> None:
    first = run_cli("setup", env=cli_env)
    assert first.returncode == 0, first.stderr
    said = " ".join(first.stdout.split())
    assert re.search(
        r"Demo data loaded: 3000 generated vacancies, 5 demo saved searches \(shown, never sent", said
    )
    assert "No saved searches to harvest yet (the demo's searches are never harvested)" in said
    assert "No active saved searches" not in said

    with_token = run_cli("setup", env=cli_env | {"JH_HH_APP_TOKEN": "APPLTOKEN"})
    assert with_token.returncode == 0, with_token.stderr
    said = " ".join(with_token.stdout.split())
    assert "Demo data is still loaded beside what your hh.ru token harvests" in said
    assert "Demo data loaded" not in said and "No hh.ru application token" not in said


def test_a_backfill_runs_one_run_at_a_time_unless_told_otherwise() -> None:
    create = [
        "backfill",
        "create",
        "--dag-id",
        "hh_vacancies",
        "--from-date",
        "2026-11-16",
        "--to-date",
        "2026-11-21",
    ]
    assert airflow_args(create)[-2:] == ["--max-active-runs", "1"] and BACKFILL_MAX_ACTIVE_RUNS == 1
    assert airflow_args([*create, "--max-active-runs", "3"]).count("--max-active-runs") == 1
    assert airflow_args([*create, "--max-active-runs=3"]) == [*create, "--max-active-runs=3"]
    assert airflow_args(["dags", "list"]) == ["dags", "list"]
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "one backfill run at a time (`--max-active-runs 1`" in readme  # the docs say what it does


def test_airflow_runs_as_many_task_processes_as_the_machine_affords() -> None:
    assert parallelism(2) == 4 and parallelism(8) == 16 and parallelism(64) == 32 and parallelism(1) == 4
