"""Wiring between Airflow and Job Hunter: where the product database and settings come from.

The product database is the Airflow connection ``jobhunter_db`` (``AIRFLOW_CONN_JOBHUNTER_DB``,
read with PostgresHook) when it exists, else ``JH_DATABASE_URL``. Settings (hh.ru URL, token,
rate limit…) come from ``JH_*`` environment variables as everywhere else; secrets are never
passed on a command line.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine

from core.db import make_engine
from core.settings import Settings, get_settings

CONNECTION_ID = "jobhunter_db"
HH_POOL = "hh_api"


def settings() -> Settings:
    return get_settings()


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
