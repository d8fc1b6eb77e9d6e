"""``jobhunter run`` (what ``make run`` calls) and the embedded PostgreSQL a newcomer gets."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from core.passwords import verify_password
from core.schema import users
from tests.conftest import USER_AGENT, run_cli
from tests.helpers import count, vacancies


def test_first_run_creates_an_admin_once_and_harvests(cli_env, engine, fake_hh, now) -> None:
    fake_hh.add(vacancies(30, now - timedelta(days=1), now - timedelta(hours=1)))

    first = run_cli("run", env=cli_env)

    assert first.returncode == 0, first.stderr
    match = re.search(r"Administrator created: login (\S+), password (\S+)", first.stdout)
    assert match, first.stdout
    login, password = match.groups()
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.login == login)).scalar_one()
    assert verify_password(stored, password) and password not in stored
    assert "No active saved searches yet" in first.stdout

    run_cli("searches", "add", "--user", "admin", "--name", "Все", env=cli_env)
    second = run_cli("run", env=cli_env)

    assert second.returncode == 0, second.stderr
    assert "Administrator created" not in second.stdout
    assert "Harvesting 1 saved search" in second.stdout and "success" in second.stdout
    assert count(engine, "t01_jh_vacancies") == 30


def test_embedded_postgres_needs_no_configuration(tmp_path: Path) -> None:
    env = {"JH_VAR_DIR": str(tmp_path / "var"), "JH_HH_USER_AGENT": USER_AGENT}

    upgraded = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "is at revision" in upgraded.stdout
    added = run_cli(
        "users", "add", "anna", "--password-stdin", env=env, stdin="long enough password\n", cwd=tmp_path
    )
    assert added.returncode == 0, added.stderr
    status = run_cli("db", "status", env=env, cwd=tmp_path)
    listed = run_cli("users", "list", env=env, cwd=tmp_path)

    assert f"embedded server under {tmp_path / 'var' / 'pg'}" in status.stdout
    assert "anna" in listed.stdout  # the data outlived the processes
    assert (tmp_path / "var" / "pg" / "PG_VERSION").exists()
    assert not (tmp_path / "var" / "pg" / "postmaster.pid").exists()  # stopped with the last process
