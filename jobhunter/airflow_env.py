"""Airflow's settings in one place, for ``jobhunter run``, ``jobhunter cluster`` and the compose file.

Airflow reads its configuration from ``AIRFLOW__SECTION__KEY`` environment variables. Every
process we start gets them from :func:`airflow_env`; the CeleryExecutor's share comes from
:func:`celery_env`, whose fixed part is the env file :data:`CELERY_ENV_FILE` that
``docker-compose.airflow.yml`` also reads (``env_file``), and whose per-deployment part (broker,
result backend, execution API URL, JWT secret) :data:`COMPOSE_ENDPOINTS` spells for compose.
``tests/test_compose.py`` checks that the compose file says the same.

The JWT secret: Airflow 3's API server signs the token each task presents to the execution API,
and a Celery worker on another process or machine must verify it with the same key; left unset,
every process makes up its own and the workers fail with "Invalid auth token: Signature
verification failed" (apache/airflow#59373). It is generated once per installation and kept
encrypted like the other secrets (:mod:`core.secrets`), or taken from
``AIRFLOW__API_AUTH__JWT_SECRET`` (a second machine, a secrets manager). It travels only in the
environment of the processes, never on a command line or in a log.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import sys
from pathlib import Path

from core.secrets import read_file, store_file
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
#: The CeleryExecutor's fixed settings: read by `jobhunter cluster` and by docker-compose.airflow.yml.
CELERY_ENV_FILE = ROOT / "airflow-celery.env"
JWT_SECRET_FILE = "airflow-jwt.secret"  # noqa: S105 - a file name
JWT_SECRET_VAR = "AIRFLOW__API_AUTH__JWT_SECRET"  # noqa: S105 - a variable name
#: Set per Celery worker by `jobhunter cluster`: what the worker's task instances record as their host.
WORKER_HOSTNAME_VAR = "JH_AIRFLOW_WORKER_HOSTNAME"
#: The endpoints the Celery settings name, as docker-compose.airflow.yml spells them
#: (service names as hosts, secrets from .env by interpolation).
COMPOSE_ENDPOINTS = {
    "broker_url": "redis://redis:6379/0",
    "metadata_url": "postgresql+psycopg2://airflow:${AIRFLOW_DB_PASSWORD:-airflow}@postgres/airflow",
    "execution_api_url": "http://airflow-apiserver:8080/execution/",
    "jwt_secret": "${AIRFLOW_JWT_SECRET:?set AIRFLOW_JWT_SECRET in .env (see .env.example)}",
}


def parallelism(cpus: int | None = None) -> int:
    """LocalExecutor worker processes: two per CPU (at least 4, at most Airflow's 32). Each idle
    worker keeps ~200 MB; Airflow's default of 32 kept ~6 GB on a 2-core machine, and the
    ``hh_api`` pool lets only a few tasks call hh.ru at once anyway."""
    return min(32, max(4, 2 * (cpus or os.cpu_count() or 1)))


def execution_api_url(settings: Settings) -> str:
    """Where task processes report: our own API server, unless the environment names another
    (a worker on a second machine)."""
    return os.environ.get(
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", f"http://localhost:{settings.airflow_port}/execution/"
    )


def jwt_secret(settings: Settings) -> str:
    """The installation's JWT signing key: the environment's, else the stored one, made once."""
    given = os.environ.get(JWT_SECRET_VAR)
    if given:
        return given
    stored = read_file(settings, JWT_SECRET_FILE)
    if stored:
        return stored
    # Made under a temporary name and linked into place: of two processes starting at once,
    # one key wins and both use it.
    draft = store_file(settings, f"{JWT_SECRET_FILE}.{os.getpid()}", secrets.token_urlsafe(32))
    try:
        with contextlib.suppress(FileExistsError):
            os.link(draft, draft.with_name(JWT_SECRET_FILE))
    finally:
        draft.unlink()
    return read_file(settings, JWT_SECRET_FILE) or ""


def airflow_env(settings: Settings, product_url: str, metadata_url: str) -> dict[str, str]:
    """The environment of every Airflow process ``jobhunter run`` and ``jobhunter cluster`` start
    (LocalExecutor unless the environment or :func:`celery_env` says otherwise)."""
    home = (settings.var_dir / "airflow").resolve()
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__EXECUTOR": os.environ.get("AIRFLOW__CORE__EXECUTOR", "LocalExecutor"),
            "AIRFLOW__CORE__PARALLELISM": os.environ.get("AIRFLOW__CORE__PARALLELISM", str(parallelism())),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
            "AIRFLOW__API__PORT": str(settings.airflow_port),
            # task processes report to the API server: it must be the one on our port
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": execution_api_url(settings),
            JWT_SECRET_VAR: jwt_secret(settings),
            # the tasks reach our database directly (the embedded server listens on a socket)
            "JH_DATABASE_URL": product_url,
            "JH_DB_SCHEMA": settings.db_schema,
            "JH_VAR_DIR": str(settings.var_dir.resolve()),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    return env


def read_env_file(path: Path = CELERY_ENV_FILE) -> dict[str, str]:
    """``KEY=value`` lines (``#`` comments, blank lines skipped), as compose reads an env file."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def celery_env(
    *, broker_url: str, metadata_url: str, execution_api_url: str, jwt_secret: str
) -> dict[str, str]:
    """The CeleryExecutor's settings: the fixed ones from :data:`CELERY_ENV_FILE`, then the
    endpoints. The result backend is Airflow's metadata database (Celery's ``db+`` backend)."""
    return read_env_file() | {
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{metadata_url}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": execution_api_url,
        JWT_SECRET_VAR: jwt_secret,
    }


def compose_env() -> dict[str, str]:
    """What docker-compose.airflow.yml must give every Airflow service (see the module docstring)."""
    return celery_env(**COMPOSE_ENDPOINTS)


def worker_hostname() -> str:
    """``[core] hostname_callable`` in a cluster: the worker's name from ``jobhunter cluster``
    (several workers on one machine then show apart in task instances), else the host's name."""
    name = os.environ.get(WORKER_HOSTNAME_VAR)
    if name:
        return name
    from airflow.utils.net import getfqdn

    return getfqdn() or socket.gethostname()
