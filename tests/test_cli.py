"""The ``jobhunter`` command as a user runs it: separate processes, real exit codes and output."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.conftest import run_cli
from tests.helpers import count, vacancies


def add_alice(cli_env) -> None:
    result = run_cli(
        "users", "add", "Alice", "--password-stdin", env=cli_env, stdin="correct horse battery\n"
    )
    assert result.returncode == 0, result.stderr
    assert "user 'alice' added" in result.stdout


def test_users_and_searches(cli_env, engine) -> None:
    add_alice(cli_env)
    again = run_cli("users", "add", "alice", "--password-stdin", env=cli_env, stdin="another password\n")
    assert again.returncode == 1
    assert again.stderr.strip() == "error: a user with login 'alice' already exists"
    weak = run_cli("users", "add", "bob", "--password-stdin", env=cli_env, stdin="short\n")
    assert weak.returncode == 1 and "at least 8 characters" in weak.stderr
    no_password = run_cli("users", "add", "bob", env=cli_env, stdin="")
    assert no_password.returncode == 1 and "--password-stdin" in no_password.stderr

    added = run_cli(
        "searches",
        "add",
        "--user",
        "alice",
        "--name",
        "Python в Москве",
        "--text",
        "python",
        "--area",
        "1",
        "--experience",
        "between1And3",
        "--work-format",
        "REMOTE",
        "--salary",
        "200000",
        env=cli_env,
    )
    assert added.returncode == 0, added.stderr
    assert "saved search 1 'Python в Москве' for alice" in added.stdout
    listed = run_cli("searches", "list", env=cli_env)
    assert (
        "Python в Москве" in listed.stdout and "area=1" in listed.stdout and "salary≥200000" in listed.stdout
    )
    users = run_cli("users", "list", env=cli_env)
    assert "alice" in users.stdout and "password" not in users.stdout.lower()
    assert count(engine, "t05_jh_users", "password_hash LIKE '$argon2id$%'") == 1


def test_bad_search_input_is_rejected_with_a_clear_line(cli_env, engine) -> None:
    add_alice(cli_env)
    cases = [
        (["--experience", "senior"], "experience 'senior' is not known to hh.ru"),
        (["--area", "Москва"], "area 'Москва' must be a numeric hh.ru id"),
        (["--work-format", "remote"], "work format 'remote' is not known to hh.ru"),
        (["--salary", "-5"], "salary must be a positive number"),
    ]
    for extra, message in cases:
        result = run_cli("searches", "add", "--user", "alice", "--name", "x", *extra, env=cli_env)
        assert result.returncode == 1, extra
        assert result.stderr.strip().startswith(f"error: {message}"), result.stderr
        assert "Traceback" not in result.stderr
    nobody = run_cli("searches", "add", "--user", "nobody", "--name", "x", env=cli_env)
    assert nobody.returncode == 1 and "no user with login 'nobody'" in nobody.stderr
    assert count(engine, "t07_jh_hhparsers") == 0


def test_etl_run_backfill_prints_the_audit_rows(cli_env, engine, fake_hh, now) -> None:
    fake_hh.add(vacancies(150, now - timedelta(days=3), now - timedelta(days=2)))
    add_alice(cli_env)
    run_cli("searches", "add", "--user", "alice", "--name", "Все", env=cli_env)
    day = (now - timedelta(days=3)).date()

    result = run_cli(
        "etl", "run", "--from", day.isoformat(), "--to", (day + timedelta(days=1)).isoformat(), env=cli_env
    )

    assert result.returncode == 0, result.stderr
    assert "Harvest audit log" in result.stdout and "success" in result.stdout and "backfill" in result.stdout
    assert "full vacancies" in result.stderr  # the progress bar
    assert count(engine, "t01_jh_vacancies") == 150
    runs = run_cli("etl", "runs", "--json", env=cli_env)
    [row] = _json_objects(runs.stdout)
    assert (row["status"], row["trigger"], row["new"], row["details_fetched"]) == (
        "success",
        "backfill",
        150,
        150,
    )


def _json_objects(text: str) -> list[dict]:
    decoder, position, found = json.JSONDecoder(), 0, []
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        obj, position = decoder.raw_decode(text, position)
        found.append(obj)
    return found


def test_etl_run_input_errors(cli_env) -> None:
    only_from = run_cli("etl", "run", "--from", "2026-11-01", env=cli_env)
    assert only_from.returncode == 1 and only_from.stderr.strip() == "error: --from and --to go together"
    bad_date = run_cli("etl", "run", "--from", "вчера", "--to", "2026-11-02", env=cli_env)
    assert bad_date.returncode == 1 and "--from 'вчера' is not an ISO date" in bad_date.stderr
    backwards = run_cli("etl", "run", "--from", "2026-11-02", "--to", "2026-11-01", env=cli_env)
    assert backwards.returncode == 1 and "--to must be later than --from" in backwards.stderr
    missing = run_cli("etl", "run", "--search", "999", env=cli_env)
    assert missing.returncode == 1 and "no saved search with id 999" in missing.stderr


def test_a_failed_harvest_exits_non_zero_with_the_reason(cli_env, fake_hh) -> None:
    fake_hh.captcha_texts = {"капча"}
    add_alice(cli_env)
    run_cli("searches", "add", "--user", "alice", "--name", "К", "--text", "капча", env=cli_env)
    result = run_cli("etl", "run", env=cli_env)
    assert result.returncode == 1
    assert "captcha" in result.stdout
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("error: 1 of 1 searches did not complete: hh.ru demands")
    )


def test_wrong_setting_stops_with_one_line(cli_env) -> None:
    result = run_cli("searches", "list", env=cli_env | {"JH_HH_CONCURRENCY": "many"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: JH_HH_CONCURRENCY: Input should be a valid integer, unable to parse string as an integer "
        "(got 'many')"
    )


def test_unreachable_database_is_one_line(cli_env) -> None:
    result = run_cli(
        "db", "status", env=cli_env | {"JH_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot reach the database:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unmigrated_database_says_what_to_do(cli_env, database_url) -> None:
    result = run_cli("users", "list", env=cli_env | {"JH_DB_SCHEMA": "never_migrated"})
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "error: the database schema is not up to date: run `jobhunter db upgrade` first"
    )
