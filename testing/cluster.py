"""A `jobhunter cluster` run against the fake hh.ru, shared by tests/test_cluster.py and bench/cluster.py.

:class:`ClusterProcess` starts the real command (Airflow's API server, scheduler, DAG processor,
triggerer, N Celery workers, the web app) in a subprocess with its own Airflow metadata database,
Redis database and Celery queue, so that nothing else on the machine takes its tasks;
:class:`AirflowApi` triggers runs as a user would; :func:`task_instances` and :func:`run_state`
read what the Airflow UI shows. :func:`add_searches` gives every saved search a set of vacancies
of its own on the fake.
"""

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
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from core.searches import create_search, set_search_active
from core.users import create_user
from testing.fakes.hh import FakeHH
from testing.synthetic import generate_vacancies

ROOT = Path(__file__).resolve().parents[1]
USER_AGENT = "JobHunterTests/1.0 (tests@example.com)"
SEARCH_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_airflow_database(database_url: str, suffix: str) -> str:
    """An empty database ``<ours>_<suffix>`` on the same server for Airflow's metadata (dropped
    and made again: no runs of an earlier try)."""
    url = make_url(database_url)
    name = f"{url.database}_{suffix}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name, drivername="postgresql+psycopg2").render_as_string(hide_password=False)


def add_searches(engine: Engine, fake: FakeHH, count: int, per_search: int, now: datetime) -> dict[int, str]:
    """``count`` users with one saved search each, whose word only its own ``per_search``
    vacancies on the fake carry. The searches are inactive: a run harvests them only when it
    names them (the scheduled run that Airflow starts at once leaves them alone)."""
    searches = {}
    for k, word in enumerate(SEARCH_WORDS[:count]):
        start, end = now - timedelta(days=2), now - timedelta(hours=1)
        batch = list(generate_vacancies(per_search, seed=k, start=start, end=end))
        for i, vacancy in enumerate(batch):
            vacancy["id"] = str(500_000_000 + k * 10_000 + i)
            vacancy["name"] = f"{word} {vacancy['name']}"
        fake.add(batch)
        with engine.begin() as conn:
            user = create_user(conn, f"user_{word}", "correct horse battery")
            search_id = create_search(conn, user.id, name=word, text=word)
            set_search_active(conn, user.id, search_id, False)
        searches[search_id] = word
    return searches


def cluster_environment(
    *,
    database_url: str,
    schema: str,
    var_dir: Path,
    hh_url: str,
    redis_url: str,
    metadata_url: str,
    **jh: str,
) -> dict[str, str]:
    """The environment of a `jobhunter cluster` of its own: ports, queue and databases apart;
    ``jh`` adds ``JH_<NAME>`` settings (``hh_rate_limit="20"`` → ``JH_HH_RATE_LIMIT=20``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JH_", "AIRFLOW"))}
    env |= {
        "JH_DATABASE_URL": database_url,
        "JH_DB_SCHEMA": schema,
        "JH_VAR_DIR": str(var_dir),
        "JH_HH_USER_AGENT": USER_AGENT,
        "JH_AIRFLOW_PORT": str(free_port()),
        "JH_WEB_PORT": str(free_port()),
        "JH_DEMO_ON_FIRST_RUN": "false",
        "JH_SOURCES": "hh",
        "JH_HH_BASE_URL": hh_url,
        "JH_TRUDVSEM_BASE_URL": "http://127.0.0.1:9",  # never a real board from a test
        "JH_SUPERJOB_BASE_URL": "http://127.0.0.1:9",
        "JH_REDIS_URL": redis_url,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"jh_test_{uuid.uuid4().hex[:8]}",
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(20_000 + os.getpid() % 20_000),
        "COLUMNS": "200",
    }
    env |= {f"JH_{name.upper()}": value for name, value in jh.items()}
    return env


class ClusterProcess:
    """`jobhunter cluster --workers N` in a subprocess; its output goes to a file."""

    def __init__(self, env: dict[str, str], out: Path, *, workers: int, concurrency: int) -> None:
        self.env, self.out = env, out
        argv = [sys.executable, "-m", "jobhunter", "cluster", "--workers", str(workers)]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            [*argv, "--concurrency", str(concurrency)],
            env=env,
            cwd=ROOT,
            stdout=out.open("w"),
            stderr=subprocess.STDOUT,
        )

    def printed(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def ready(self) -> bool:
        """Started (or stopped trying)."""
        return "Ctrl-C stops everything" in self.printed() or self.process.poll() is not None

    def api(self) -> AirflowApi:
        found = re.search(r"Airflow\s+(\S+)\s+login admin, password (\S+)", self.printed())
        if not found:
            raise AssertionError(f"no Airflow login printed:\n{self.printed()}")
        return AirflowApi(found.group(1).rstrip("/"), found.group(2))

    def kill_worker(self, name: str) -> int:
        """SIGKILL the worker and everything under it, as when its machine dies; returns how many."""
        [main] = [
            p
            for p in psutil.Process(self.process.pid).children()
            if f"--celery-hostname {name}" in _cmdline(p)
        ]
        tree = [main, *main.children(recursive=True)]
        for process in tree:
            process.send_signal(signal.SIGKILL)
        psutil.wait_procs(tree, timeout=10)
        return len(tree)

    def stop(self) -> int:
        """Ctrl-C; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def leftovers(self) -> list[psutil.Process]:
        """Processes of this cluster still alive (by their environment: Celery renames them)."""
        var_dir = self.env["JH_VAR_DIR"]
        found = []
        for process in psutil.process_iter():
            try:
                if process.environ().get("JH_VAR_DIR") == var_dir or var_dir in " ".join(process.cmdline()):
                    found.append(process)
            except psutil.Error:
                continue
        return found


def _cmdline(process: psutil.Process) -> str:
    """The command line, or Celery's process title (which it holds once the worker runs)."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


class AirflowApi:
    """Airflow's REST API as the admin."""

    def __init__(self, base: str, password: str) -> None:
        self.base = base
        answer = self._call("POST", "/auth/token", {"username": "admin", "password": password}, auth=False)
        self.token = answer["access_token"]

    def _call(self, method: str, path: str, body: Any = None, *, auth: bool = True) -> Any:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base}{path}", data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def dag_parsed(self, dag_id: str) -> bool:
        try:
            self._call("GET", f"/api/v2/dags/{dag_id}")
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return False
            raise
        return True

    def trigger(self, dag_id: str, conf: dict[str, Any], *, patience: float = 120) -> str:
        """A manual run (as from the UI's trigger form), once it has started: the runs of the DAG
        that hold its one active-run slot meanwhile (the scheduled run Airflow queues as soon as
        it has parsed the DAG) are marked done, so that this one need not wait for them."""
        run_id = self._call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None, "conf": conf})[
            "dag_run_id"
        ]
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            runs = self._call("GET", f"/api/v2/dags/{dag_id}/dagRuns?state=queued&state=running")["dag_runs"]
            others = [r["dag_run_id"] for r in runs if r["dag_run_id"] != run_id]
            mine = [r["state"] for r in runs if r["dag_run_id"] == run_id]
            if not others and mine != ["queued"]:  # running (or already ended)
                return run_id
            for other in others:
                self._call("PATCH", f"/api/v2/dags/{dag_id}/dagRuns/{other}", {"state": "success"})
            time.sleep(0.5)
        raise AssertionError(f"{run_id} did not start within {patience:.0f} s")


def run_state(engine: Engine, dag_id: str, run_id: str) -> str | None:
    query = text("SELECT state FROM dag_run WHERE dag_id = :dag AND run_id = :run")
    with engine.connect() as conn:
        return conn.execute(query, {"dag": dag_id, "run": run_id}).scalar()


def task_instances(engine: Engine, run_id: str, *, history: bool = False) -> list[dict[str, Any]]:
    """The run's task instances (``history``: their earlier tries), as the Airflow UI lists them."""
    table = "task_instance_history" if history else "task_instance"
    query = text(
        "SELECT task_id, map_index, state, hostname, try_number, start_date, end_date "  # noqa: S608
        f"FROM {table} WHERE run_id = :run"
    )
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query, {"run": run_id})]
