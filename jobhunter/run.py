"""``make run``: the whole product in one terminal, stopped cleanly with Ctrl-C.

Starts (or joins) the database, migrates, creates the first administrator, then runs as
child processes: Airflow standalone (API server on :8080, scheduler, DAG processor,
triggerer) on our ``dags/``, and the web app. Airflow keeps its metadata in its own
database (``airflow``) of the same PostgreSQL server. Child output goes to ``var/log/``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
AIRFLOW_DB = "airflow"


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Supervisor:
    """Starts child processes in their own process groups and stops them all on exit."""

    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> Child:
        log.parent.mkdir(parents=True, exist_ok=True)
        handle = log.open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own executables, no shell
            argv,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            start_new_session=True,
        )
        child = Child(name, process, log)
        self.children.append(child)
        return child

    def stop(self, timeout: float = 30) -> None:
        for child in self.children:
            if child.process.poll() is None:
                os.killpg(child.process.pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        for child in self.children:
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()

    def failed(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)


def airflow_database_url(engine: Engine, settings: Settings) -> str:
    """Airflow's metadata database: ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` when set, else a
    database ``airflow`` beside ours on the same server (created once)."""
    configured = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")
    if configured:
        return configured
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": AIRFLOW_DB}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{AIRFLOW_DB}"'))
    url = engine.url.set(database=AIRFLOW_DB, drivername="postgresql+psycopg2")
    return url.render_as_string(hide_password=False)


def airflow_env(settings: Settings, product_url: str, metadata_url: str) -> dict[str, str]:
    home = (settings.var_dir / "airflow").resolve()
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
            "AIRFLOW__API__PORT": str(settings.airflow_port),
            # task processes report to the API server: it must be the one on our port
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://localhost:{settings.airflow_port}/execution/",
            # the tasks reach our database directly (the embedded server listens on a socket)
            "JH_DATABASE_URL": product_url,
            "JH_DB_SCHEMA": settings.db_schema,
            "JH_VAR_DIR": str(settings.var_dir.resolve()),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    return env


def airflow_password(home: Path) -> str | None:
    generated = home / "simple_auth_manager_passwords.json.generated"
    try:
        return json.loads(generated.read_text(encoding="utf-8")).get("admin")
    except (OSError, ValueError):
        return None


def wait_for(url: str, seconds: float, alive: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive():
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own localhost URL
                return True
        except OSError:
            time.sleep(1)
    return False


def airflow_cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "airflow", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"`airflow {' '.join(args)}` failed: {tail[0]}")


def serve(settings: Settings, engine: Engine, say: Callable[[str], None]) -> int:
    """Run Airflow and the web app until Ctrl-C; returns the exit code."""
    product_url = engine.url.render_as_string(hide_password=False)
    env = airflow_env(settings, product_url, airflow_database_url(engine, settings))
    home = Path(env["AIRFLOW_HOME"])
    logs = settings.var_dir.resolve() / "log"
    say("Preparing Airflow (metadata database, hh_api pool) …")
    airflow_cli(env, "db", "migrate")
    airflow_cli(env, "pools", "set", "hh_api", str(settings.airflow_hh_pool_slots), "hh.ru API calls")
    supervisor = Supervisor()
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        supervisor.start(
            "airflow", [sys.executable, "-m", "airflow", "standalone"], env, logs / "airflow.log"
        )
        web_url = None
        if _web_available():
            web_env = {**env, "PATH": env["PATH"]}
            supervisor.start("web", [sys.executable, "-m", "jobhunter", "web"], web_env, logs / "web.log")
            web_url = f"http://{settings.web_host}:{settings.web_port}/"
        if settings.telegram_token:
            supervisor.start("bot", [sys.executable, "-m", "jobhunter", "bot"], env, logs / "bot.log")
        airflow_url = f"http://localhost:{settings.airflow_port}/"
        say(f"Starting Airflow on {airflow_url} (logs: {logs / 'airflow.log'}) …")
        alive = lambda: not stopping and supervisor.failed() is None  # noqa: E731
        if not wait_for(f"{airflow_url}api/v2/monitor/health", 180, alive):
            broken = supervisor.failed()
            if broken:
                say(f"[red]{broken.name} stopped (exit {broken.process.returncode}); see {broken.log}[/]")
                return 1
            if stopping:
                return 0
            say(f"[yellow]Airflow is still starting; see {logs / 'airflow.log'}[/]")
        password = airflow_password(home)
        say("")
        say(
            f"[bold]Airflow[/]  {airflow_url}  login [bold]admin[/], password [bold]{password or '(see '}"
            f"{'' if password else str(home / 'simple_auth_manager_passwords.json.generated') + ')'}[/]"
        )
        if web_url:
            say(
                f"[bold]Web app[/]  {web_url}  log in as [bold]admin[/] with the password printed when it "
                "was created (reset: `jobhunter users set-password admin`)"
            )
        say(
            "DAGs hh_vacancies (weekdays 08:00–16:00 UTC, hourly) and hh_housekeeping are unpaused. "
            "Ctrl-C stops everything."
        )
        while not stopping:
            broken = supervisor.failed()
            if broken:
                say(f"[red]{broken.name} stopped (exit {broken.process.returncode}); see {broken.log}[/]")
                return 1
            time.sleep(0.5)
        return 0
    finally:
        say("Stopping …")
        supervisor.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        say("Stopped.")


def _web_available() -> bool:
    try:
        import webapp.wsgi  # noqa: F401
        from jobhunter import web_cli  # noqa: F401
    except ImportError:
        return False
    return True
