"""``make cluster``: Airflow with the CeleryExecutor and several workers, stopped with Ctrl-C.

The distributed layout of ``docker-compose.airflow.yml`` on one machine: the API server,
scheduler, DAG processor and triggerer, N Celery workers and the web app, each its own process
talking through Redis (the broker) and PostgreSQL (Airflow's metadata, the Celery results, our
data) exactly as on separate machines. Workers on more machines join with
``jobhunter cluster --workers-only`` and the same settings (README "Scaling out").

Each worker has a name of its own (``worker1@host``, …): Celery's node name, and what its task
instances record as their host (``[core] hostname_callable``), so one can see where a task ran.
A worker that dies leaves the others working: the scheduler notices the task's missing
heartbeats and the retry runs on a worker that lives. Stopping works as for ``make run``
(:class:`jobhunter.run.Supervisor`).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from core.settings import Settings
from jobhunter.airflow_env import WORKER_HOSTNAME_VAR, airflow_env, celery_env, read_env_file
from jobhunter.run import (
    STOP_SECONDS,
    Child,
    Supervisor,
    airflow_database_url,
    prepare_airflow,
    say_logins,
    wait_for,
    web_available,
)

#: Started after the API server answers, in this order (then the workers).
COMPONENTS = ("scheduler", "dag-processor", "triggerer")
DEFAULT_TRIGGER_LOG_PORT = 8794  # Airflow's; worker i serves its logs on the port i above it


@dataclass(frozen=True)
class Worker:
    name: str  # Celery node name and task instances' hostname
    log_port: int


def redacted(url: str) -> str:
    """The broker URL as printed: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not an URL SQLAlchemy reads: print only its scheme
        return url.split("://", 1)[0] + "://…"


def redis_problem(url: str) -> str | None:
    """Why Redis at ``url`` cannot serve as the broker, or None when it answers PING."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as error:
        return str(error).splitlines()[0] if str(error) else type(error).__name__
    return None


def workers(count: int, host: str | None = None) -> list[Worker]:
    """The workers' names and log ports (the triggerer's log port, then one each above it)."""
    host = host or socket.gethostname()
    base = int(os.environ.get("AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT", DEFAULT_TRIGGER_LOG_PORT))
    return [Worker(f"worker{i}@{host}", base + i) for i in range(1, count + 1)]


def cluster_env(settings: Settings, engine: Engine) -> dict[str, str]:
    """Every cluster process's environment: ``make run``'s, then the CeleryExecutor's (from
    :mod:`jobhunter.airflow_env`); a fixed setting given in the environment wins over the file."""
    product_url = engine.url.render_as_string(hide_password=False)
    env = airflow_env(settings, product_url, airflow_database_url(engine, settings))
    env |= celery_env(
        broker_url=settings.redis_url.get_secret_value(),
        metadata_url=env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"],
        execution_api_url=env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"],
        jwt_secret=env["AIRFLOW__API_AUTH__JWT_SECRET"],
    )
    env |= {key: os.environ[key] for key in read_env_file() if key in os.environ}
    return env


def worker_argv(worker: Worker, concurrency: int, queue: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "airflow",
        "celery",
        "worker",
        "--celery-hostname",
        worker.name,
        "--concurrency",
        str(concurrency),
        "--queues",
        queue,
    ]


def serve_cluster(
    settings: Settings,
    engine: Engine,
    say: Callable[[str], None],
    *,
    count: int = 2,
    concurrency: int | None = None,
    workers_only: bool = False,
) -> int:
    """Run the cluster (or only its workers) until Ctrl-C; returns the exit code."""
    broker = settings.redis_url.get_secret_value()
    problem = redis_problem(broker)
    if problem:
        say(
            f"[red]No Redis at {redacted(broker)} ({problem}): start one or set JH_REDIS_URL "
            "(`make run` needs none)[/]"
        )
        return 1
    env = cluster_env(settings, engine)
    home = Path(env["AIRFLOW_HOME"])
    logs = settings.var_dir.resolve() / "log"
    slots = concurrency or int(env["AIRFLOW__CELERY__WORKER_CONCURRENCY"])
    queue = env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"]
    if not workers_only:
        prepare_airflow(settings, engine, env, say)
    supervisor = Supervisor()
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    crew: dict[str, Child] = {}
    lost: set[str] = set()

    def broken() -> Child | None:
        """A component that stopped; a lost worker is reported and the others carry on."""
        for child in supervisor.children:
            if child.running():
                continue
            if child in crew.values():
                if child.name not in lost:
                    lost.add(child.name)
                    say(
                        f"[yellow]{child.name} stopped (exit {child.process.returncode}); the other "
                        f"workers carry on, its tasks are retried there (see {child.log})[/]"
                    )
                continue
            return child
        return None

    alive = lambda: not stopping and broken() is None  # noqa: E731
    airflow_url = f"http://localhost:{settings.airflow_port}/"
    web_url = None
    try:
        if not workers_only:
            say(f"Starting Airflow with the CeleryExecutor on {airflow_url} (logs: {logs}) …")
            supervisor.start(
                "airflow api-server",
                [sys.executable, "-m", "airflow", "api-server", "--port", str(settings.airflow_port)],
                env,
                logs / "airflow.log",
                last=True,
                again=signal.SIGINT,
                again_main=True,
            )
            if web_available():
                supervisor.start("web", [sys.executable, "-m", "jobhunter", "web"], env, logs / "web.log")
                web_url = f"http://{settings.web_host}:{settings.web_port}/"
            if settings.telegram_token:
                supervisor.start("bot", [sys.executable, "-m", "jobhunter", "bot"], env, logs / "bot.log")
            # Tasks report to the API server: nothing may be scheduled before it answers.
            if not wait_for(f"{airflow_url}api/v2/monitor/health", 180, alive):
                return _gave_up(say, broken(), stopping, "Airflow's API server", logs)
            for component in COMPONENTS:
                argv = [sys.executable, "-m", "airflow", component]
                # The triggerer, once signalled, may wait 10 s and more for its trigger runner (seen
                # here on a loaded machine, also after the runner was killed): what is left of it
                # after half the stop time is killed, itself included. Nothing is lost: triggers
                # live in the database and a triggerer that starts picks them up (ours defer none).
                triggerer = component == "triggerer"
                supervisor.start(
                    f"airflow {component}",
                    argv,
                    env,
                    logs / "airflow.log",
                    again=signal.SIGKILL if triggerer else signal.SIGINT,
                    again_main=triggerer,
                )
        for worker in workers(count):
            worker_env = env | {
                WORKER_HOSTNAME_VAR: worker.name,
                "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(worker.log_port),
            }
            log = logs / f"airflow-{worker.name.split('@')[0]}.log"
            argv = worker_argv(worker, slots, queue)
            crew[worker.name] = supervisor.start(worker.name, argv, worker_env, log, again=signal.SIGINT)
        if web_url and not wait_for(f"{web_url}login", 120, alive):
            return _gave_up(say, broken(), stopping, "The web app", logs)
        if not workers_only:
            say_logins(say, airflow_url, home, web_url)
        say(
            f"[bold]Celery[/]  {count} worker{'s' if count > 1 else ''} ({', '.join(crew)}), {slots} task "
            f"slots each, queue {queue}, broker {redacted(broker)}; logs {logs}/airflow-worker*.log"
        )
        say("Ctrl-C stops everything.")
        while not stopping:
            failed = broken()
            if failed:
                say(f"[red]{failed.name} stopped (exit {failed.process.returncode}); see {failed.log}[/]")
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


def _gave_up(say: Callable[[str], None], failed: Child | None, stopping: bool, what: str, logs: Path) -> int:
    if failed:
        say(f"[red]{failed.name} stopped (exit {failed.process.returncode}); see {failed.log}[/]")
        return 1
    if stopping:
        return 0
    say(f"[red]{what} did not answer within minutes; see the logs in {logs}[/]")
    return 1
