"""Wiring between Airflow and Job Hunter: where the product database and settings come from.

The product database is the Airflow connection ``jobhunter_db`` (``AIRFLOW_CONN_JOBHUNTER_DB``,
read with PostgresHook) when it exists, else ``JH_DATABASE_URL``. Settings (hh.ru URL, token,
rate limit…) come from ``JH_*`` environment variables as everywhere else; the Telegram bot
token may also be an Airflow connection or variable. Secrets are never passed on a command line.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine

from core.db import make_engine
from core.settings import Settings, get_settings

CONNECTION_ID = "jobhunter_db"
HH_POOL = "hh_api"
#: One Airflow pool per board, sized to its rate limit (``jobhunter run`` creates them).
POOLS = {"hh": HH_POOL, "trudvsem": "trudvsem_api", "superjob": "superjob_api"}


def default_args(retry_delay: timedelta, **extra: Any) -> dict[str, Any]:
    """Task defaults both DAGs share: owner, retries with exponential backoff, a time limit."""
    return {
        "owner": "jobhunter",
        "retries": 3,
        "retry_delay": retry_delay,
        "retry_exponential_backoff": True,
        "execution_timeout": timedelta(minutes=30),
        **extra,
    }


def first_retry_delay() -> timedelta:
    """How long a failed harvest task waits before its first retry (``JH_AIRFLOW_RETRY_SECONDS``,
    doubled for each further one). Read when the DAG is parsed, from ``JH_*`` only: no Airflow
    lookup in top-level DAG code."""
    return timedelta(seconds=get_settings().airflow_retry_seconds)


TELEGRAM_CONNECTION_ID = "jobhunter_telegram"
TELEGRAM_VARIABLE = "jobhunter_telegram_bot_token"


@lru_cache(maxsize=1)
def settings() -> Settings:
    """``JH_*`` settings; the Telegram bot token may instead come from Airflow (the connection
    ``jobhunter_telegram``'s password, or the variable ``jobhunter_telegram_bot_token``)."""
    base = get_settings()
    if base.telegram_token:
        return base
    token = _airflow_secret()
    return base.model_copy(update={"telegram_bot_token": SecretStr(token)}) if token else base


def _airflow_secret() -> str | None:
    from airflow.sdk import BaseHook, Variable
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return BaseHook.get_connection(TELEGRAM_CONNECTION_ID).password or None
    except AirflowNotFoundException:
        pass
    try:
        return Variable.get(TELEGRAM_VARIABLE, default=None) or None
    except (AirflowNotFoundException, KeyError):
        return None


@lru_cache(maxsize=1)
def engine() -> Engine:
    """The product database for this task process."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        BaseHook.get_connection(CONNECTION_ID)
    except AirflowNotFoundException:
        return make_engine(settings())
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    return make_engine(settings(), PostgresHook(postgres_conn_id=CONNECTION_ID).sqlalchemy_url)
