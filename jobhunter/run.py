"""``make run``: the whole product in one terminal, stopped cleanly with Ctrl-C.

Starts (or joins) the database, migrates, creates the first administrator, then runs as
child processes Airflow's components on our ``dags/`` and the web app. Airflow keeps its
metadata in its own database (``airflow``) of the same PostgreSQL server. Child output goes
to ``var/log/``.

The components are started one by one rather than with ``airflow standalone``: the API
server first, and the scheduler only once it answers, because task processes report to the
API server and a run queued before it listens fails its first attempts ("Connection
refused").

Ctrl-C stops them within :data:`STOP_SECONDS` (see :meth:`Supervisor.stop`). What made stops
take 33 s before: SIGINT went to every process group at once and the supervisor waited 30 s
before SIGKILL. gunicorn's master treats SIGINT as a quick stop and kills workers still busy
after its graceful timeout ("Worker was sent SIGKILL!"), and Airflow's LocalExecutor waits
for running tasks, which ignore SIGTERM (it only calls the operator's ``on_kill``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError, ProgrammingError

from core.settings import Settings
from jobhunter.airflow_env import ROOT, airflow_env, parallelism  # noqa: F401 - also imported from here

AIRFLOW_DB = "airflow"
BACKFILL_MAX_ACTIVE_RUNS = 1  # README "Backfill": one run at a time, like the schedule
STOP_SECONDS = 9.0  # Ctrl-C must end everything within 10 s
# Started in this order; stopped in the reverse one (the API server last: tasks report to it).
# No triggerer: our DAGs defer nothing, and its trigger runner sometimes held a stop for >10 s.
AIRFLOW_COMPONENTS = ("api-server", "scheduler", "dag-processor")
# `make run`'s Airflow metadata database is migrated under this lock (airflow_migration_lock).
_AIRFLOW_MIGRATE_LOCK = "hashtext('jobhunter.airflow-migrate'), 0"


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    last: bool = False  # stopped after the others (the API server: stopping tasks report to it)
    # The signal for the process group when SIGTERM was not enough: Airflow's task processes
    # ignore SIGTERM (it only calls the operator's on_kill), so a running harvest would hold
    # the scheduler for minutes; SIGINT, forwarded by each task's supervisor, interrupts it.
    again: signal.Signals = signal.SIGTERM
    # The API server may hang at interpreter exit after uvicorn has finished; a second signal
    # to the main process ends that. (Not so the scheduler: it would leave its workers behind.)
    again_main: bool = False

    def running(self) -> bool:
        return self.process.poll() is None


@dataclass
class Supervisor:
    """Starts child processes in their own process groups and stops them all on exit."""

    children: list[Child] = field(default_factory=list)

    def start(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str],
        log: Path,
        *,
        last: bool = False,
        again: signal.Signals = signal.SIGTERM,
        again_main: bool = False,
    ) -> Child:
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
        child = Child(name, process, log, last, again, again_main)
        self.children.append(child)
        return child

    def stop(self, timeout: float = STOP_SECONDS) -> list[str]:
        """Stop every child within ``timeout``; returns the names of those that had to be killed.

        SIGTERM goes to each child's main process first (gunicorn and Airflow then stop their
        own workers gracefully), then, a moment later, the child's ``again`` signal to its
        descendants: it ends the tasks Airflow's scheduler would otherwise wait for. The API
        server goes last: the tasks that stop report their state to it.
        """
        started = time.monotonic()
        first = [c for c in self.children if not c.last]
        _terminate(first, until=started + timeout * 0.7)
        _terminate([c for c in self.children if c.last], until=started + timeout)
        killed = []
        for child in self.children:
            if child.running():
                killed.append(child.name)
                _signal_group(child.process.pid, signal.SIGKILL)
                child.process.wait()
            else:  # anything the component left behind in its group (none, normally)
                _signal_group(child.process.pid, signal.SIGKILL)
        return killed

    def failed(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)


def _terminate(children: list[Child], *, until: float) -> None:
    """SIGTERM to each main process; at half-time ``again`` to the descendants of each one
    still running, at three quarters SIGTERM to them; then wait until ``until``.

    The main process itself gets one signal only: a second one makes Airflow's scheduler exit
    at once, leaving its executor workers (which ignore SIGINT and SIGTERM) orphaned.
    """
    for child in children:
        if child.running():
            child.process.terminate()
    now = time.monotonic()
    steps = [(now + (until - now) * share, sig) for share, sig in ((0.5, None), (0.75, signal.SIGTERM))]
    while any(c.running() for c in children) and time.monotonic() < until:
        if steps and time.monotonic() >= steps[0][0]:
            _, sig = steps.pop(0)
            for child in children:
                if child.running():
                    _signal_descendants(child.process.pid, sig or child.again)
                    if child.again_main:
                        with contextlib.suppress(ProcessLookupError):
                            child.process.send_signal(sig or child.again)
        time.sleep(0.05)


def _signal_descendants(pid: int, sig: signal.Signals) -> None:
    """``sig`` to every descendant of ``pid``: task supervisors pass SIGINT on to their tasks
    (each in a process group of its own), which die of it; Airflow's log server stops."""
    with contextlib.suppress(psutil.Error):
        for process in psutil.Process(pid).children(recursive=True):
            with contextlib.suppress(psutil.Error, OSError):
                process.send_signal(sig)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _database_exists(conn: Connection, name: str) -> bool:
    query = text("SELECT 1 FROM pg_database WHERE datname = :name")
    return conn.execute(query, {"name": name}).first() is not None


def airflow_database_url(engine: Engine, settings: Settings) -> str:
    """Airflow's metadata database: ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` when set, else a
    database ``airflow`` beside ours on the same server (created once)."""
    configured = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")
    if configured:
        return configured
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not _database_exists(conn, AIRFLOW_DB):
            try:
                conn.execute(text(f'CREATE DATABASE "{AIRFLOW_DB}"'))
            except (ProgrammingError, IntegrityError):  # another process made it just now
                if not _database_exists(conn, AIRFLOW_DB):
                    raise
    url = engine.url.set(database=AIRFLOW_DB, drivername="postgresql+psycopg2")
    return url.render_as_string(hide_password=False)


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


@contextlib.contextmanager
def airflow_migration_lock(engine: Engine, *, shared: bool) -> Iterator[None]:
    """Held (exclusive) while ``make run`` migrates Airflow's metadata database, and taken
    (shared) by ``jobhunter airflow`` before it runs a command: started meanwhile, the command
    waits instead of reporting "Database migration required"."""
    kind = "_shared" if shared else ""
    with engine.connect() as conn:
        conn.execute(text(f"SELECT pg_advisory_lock{kind}({_AIRFLOW_MIGRATE_LOCK})"))
        try:
            yield
        finally:
            conn.execute(text(f"SELECT pg_advisory_unlock{kind}({_AIRFLOW_MIGRATE_LOCK})"))


def airflow_args(args: list[str]) -> list[str]:
    """``jobhunter airflow …`` arguments as passed to ``airflow``: a backfill runs one run at a
    time unless ``--max-active-runs`` says otherwise (Airflow's own default is 10 at once)."""
    if args[:2] == ["backfill", "create"] and not any(
        a == "--max-active-runs" or a.startswith("--max-active-runs=") for a in args
    ):
        return [*args, "--max-active-runs", str(BACKFILL_MAX_ACTIVE_RUNS)]
    return list(args)


def prepare_airflow(
    settings: Settings, engine: Engine, env: dict[str, str], say: Callable[[str], None]
) -> None:
    """Migrate Airflow's metadata database and size one pool per board (``jobhunter run`` and
    ``jobhunter cluster``)."""
    say("Preparing Airflow (metadata database, one pool per board) …")
    with airflow_migration_lock(engine, shared=False):
        airflow_cli(env, "db", "migrate")
    for pool, slots, what in (
        ("hh_api", settings.airflow_hh_pool_slots, "hh.ru API calls"),
        ("trudvsem_api", settings.airflow_trudvsem_pool_slots, "Trudvsem API calls"),
        ("superjob_api", settings.airflow_superjob_pool_slots, "SuperJob API calls"),
    ):
        airflow_cli(env, "pools", "set", pool, str(slots), what)


def say_logins(say: Callable[[str], None], airflow_url: str, home: Path, web_url: str | None) -> None:
    """The Airflow and web app addresses and logins, as ``make run`` prints them."""
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


def serve(settings: Settings, engine: Engine, say: Callable[[str], None]) -> int:
    """Run Airflow and the web app until Ctrl-C; returns the exit code."""
    product_url = engine.url.render_as_string(hide_password=False)
    env = airflow_env(settings, product_url, airflow_database_url(engine, settings))
    home = Path(env["AIRFLOW_HOME"])
    logs = settings.var_dir.resolve() / "log"
    prepare_airflow(settings, engine, env, say)
    supervisor = Supervisor()
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    alive = lambda: not stopping and supervisor.failed() is None  # noqa: E731
    try:
        airflow_url = f"http://localhost:{settings.airflow_port}/"
        say(f"Starting Airflow on {airflow_url} (logs: {logs / 'airflow.log'}) …")
        supervisor.start(
            "airflow api-server",
            [sys.executable, "-m", "airflow", "api-server", "--port", str(settings.airflow_port)],
            env,
            logs / "airflow.log",
            last=True,
            again=signal.SIGINT,
            again_main=True,
        )
        web_url = None
        if web_available():
            supervisor.start("web", [sys.executable, "-m", "jobhunter", "web"], env, logs / "web.log")
            web_url = f"http://{settings.web_host}:{settings.web_port}/"
        if settings.telegram_token:
            supervisor.start("bot", [sys.executable, "-m", "jobhunter", "bot"], env, logs / "bot.log")
        # Tasks report to the API server: nothing may be scheduled before it answers.
        up = wait_for(f"{airflow_url}api/v2/monitor/health", 180, alive)
        if up:
            for component in AIRFLOW_COMPONENTS[1:]:
                argv = [sys.executable, "-m", "airflow", component]
                log = logs / "airflow.log"
                supervisor.start(f"airflow {component}", argv, env, log, again=signal.SIGINT)
        web_up = up and (web_url is None or wait_for(f"{web_url}login", 120, alive))
        if not web_up:
            broken = supervisor.failed()
            if broken:
                say(f"[red]{broken.name} stopped (exit {broken.process.returncode}); see {broken.log}[/]")
                return 1
            if stopping:
                return 0
            what = "Airflow's API server" if not up else "The web app"
            say(f"[red]{what} did not answer within minutes; see the logs in {logs}[/]")
            return 1
        say_logins(say, airflow_url, home, web_url)
        say(
            "DAGs hh_vacancies (weekdays 08:00–16:00 UTC, hourly) and hh_housekeeping (hourly) are "
            f"unpaused; Airflow runs up to {env['AIRFLOW__CORE__PARALLELISM']} tasks at once. "
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
        killed = supervisor.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if killed:
            say(f"[yellow]Stopped; killed after {STOP_SECONDS:.0f} s: {', '.join(killed)}[/]")
        else:
            say("Stopped.")


def web_available() -> bool:
    try:
        import webapp.wsgi  # noqa: F401
        from jobhunter import web_cli  # noqa: F401
    except ImportError:
        return False
    return True
