"""`make run` (`jobhunter run` = `jobhunter setup` + services) on a machine with nothing configured."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest
from sqlalchemy import select

from core.passwords import verify_password
from core.schema import users
from tests.conftest import ROOT, USER_AGENT, run_cli
from tests.helpers import count


def test_setup_creates_the_admin_once_and_loads_labelled_demo_data(cli_env, engine) -> None:
    first = run_cli("setup", env=cli_env)

    assert first.returncode == 0, first.stderr
    match = re.search(r"Administrator created: login (\S+), password (\S+)", first.stdout)
    assert match, first.stdout
    login, password = match.groups()
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.login == login)).scalar_one()
    assert verify_password(stored, password) and password not in stored
    assert "No hh.ru application token" in first.stdout and "jobhunter hh login" in first.stdout
    assert re.search(r"Demo data loaded.*Log in as demo with password \S+", first.stdout.replace("\n", " "))
    assert count(engine, "t01_jh_vacancies", "is_demo") == 3000

    second = run_cli("setup", env=cli_env)

    assert second.returncode == 0, second.stderr
    assert "Administrator created" not in second.stdout and "Demo data loaded" not in second.stdout
    assert "Demo data is loaded" in second.stdout
    assert count(engine, "t01_jh_vacancies") == 3000 and count(engine, "t05_jh_users", "role = 'admin'") == 1


def test_setup_with_a_token_loads_no_demo(cli_env, engine) -> None:
    result = run_cli("setup", env=cli_env | {"JH_HH_APP_TOKEN": "APPLTOKEN"})
    assert result.returncode == 0, result.stderr
    assert "demo" not in result.stdout.lower()
    assert count(engine, "t01_jh_vacancies") == 0


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8", "replace")


@pytest.mark.slow
def test_make_run_starts_everything_prints_logins_and_stops_cleanly(tmp_path: Path) -> None:
    airflow_port, web_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JH_", "AIRFLOW"))}
    env |= {
        "JH_VAR_DIR": str(tmp_path / "var"),
        "JH_HH_USER_AGENT": USER_AGENT,
        "COLUMNS": "200",
        "JH_AIRFLOW_PORT": str(airflow_port),
        "JH_WEB_PORT": str(web_port),
        "JH_DEMO_ON_FIRST_RUN": "false",
        "JH_HH_BASE_URL": "http://127.0.0.1:9",  # never the real hh.ru from a test
        "JH_TRUDVSEM_BASE_URL": "http://127.0.0.1:9",
        "JH_SUPERJOB_BASE_URL": "http://127.0.0.1:9",
        "JH_HH_MAX_RETRIES": "0",  # the harvest's plan fails at once instead of retrying for a minute
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "jobhunter", "run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C stops everything" in line:
                break
        printed = "".join(lines)
        assert "Ctrl-C stops everything" in printed, printed
        assert re.search(r"Administrator created: login admin, password \S+", printed)
        assert re.search(rf"Airflow\s+http://localhost:{airflow_port}/\s+login admin, password \S+", printed)
        assert f"http://127.0.0.1:{web_port}/" in printed
        status, page = _get(f"http://127.0.0.1:{web_port}/login")
        assert status == 200 and "Job Hunter" in page
        status, health = _get(f"http://127.0.0.1:{airflow_port}/api/v2/monitor/health")
        assert status == 200 and "healthy" in health
        password = re.search(r"login admin, password (\S+)", printed.split("Airflow", 2)[-1]).group(1)
        # The first hh_housekeeping run is queued at once: its tasks succeed at the first attempt
        # (no "Connection refused" from an API server that is not listening yet).
        tasks = _first_run_tasks(f"http://localhost:{airflow_port}", password, "hh_housekeeping")
        assert tasks and {t["state"] for t in tasks} <= {"success", "skipped"}, tasks
        assert {t["try_number"] for t in tasks if t["state"] == "success"} == {1}, tasks
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=120)
    assert process.returncode == 0, rest[-2000:]
    assert "Stopped." in rest and "killed" not in rest  # every component stopped on SIGTERM
    web_log = (tmp_path / "var" / "log" / "web.log").read_text(encoding="utf-8", errors="replace")
    assert "SIGKILL" not in web_log
    assert [p for p in psutil.process_iter() if _started_for(p, tmp_path)] == []


def _started_for(process: psutil.Process, tmp_path: Path) -> bool:
    """Whether ``process`` belongs to the `make run` under ``tmp_path`` (by its command line or
    its environment: Airflow's executor workers name neither)."""
    try:
        cmdline = " ".join(process.cmdline())
        return str(tmp_path) in cmdline or process.environ().get("JH_VAR_DIR", "").startswith(str(tmp_path))
    except psutil.Error:
        return False


def _first_run_tasks(airflow: str, password: str, dag_id: str) -> list[dict[str, Any]]:
    """The task instances of the DAG's first run, once that run has ended (waits up to 5 min)."""
    request = urllib.request.Request(
        f"{airflow}/auth/token",
        data=json.dumps({"username": "admin", "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        token = json.loads(response.read())["access_token"]

    def get(path: str) -> Any:
        call = urllib.request.Request(f"{airflow}/api/v2{path}", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(call, timeout=30) as response:
            return json.loads(response.read())

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            runs = get(f"/dags/{dag_id}/dagRuns?order_by=run_after&limit=1")["dag_runs"]
        except urllib.error.HTTPError as error:  # 404 until the DAG processor has parsed it
            if error.code != 404:
                raise
            runs = []
        if runs and runs[0]["state"] in ("success", "failed"):
            return get(f"/dags/{dag_id}/dagRuns/{runs[0]['dag_run_id']}/taskInstances")["task_instances"]
        time.sleep(2)
    return []


def test_airflow_children_report_to_our_own_api_server(settings_factory) -> None:
    from jobhunter.run import airflow_env

    env = airflow_env(
        settings_factory(airflow_port=8123), "postgresql+psycopg://x@/jobhunter", "postgresql://x@/af"
    )
    assert env["AIRFLOW__API__PORT"] == "8123"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://localhost:8123/execution/"
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == str(ROOT / "dags")
    assert env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "False"
    assert env["JH_DATABASE_URL"] == "postgresql+psycopg://x@/jobhunter"
