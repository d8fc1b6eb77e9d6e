"""A command started while another process migrates waits for it instead of giving wrong advice."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import create_engine, text

from core import migrate


def _waiting_for_an_advisory_lock(engine) -> bool:
    with engine.connect() as conn:
        query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        return conn.execute(text(query)).scalar_one() > 0


def test_reading_the_revision_waits_for_an_upgrade_in_progress(database_url) -> None:
    name = f"jh_lock_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    seen: list[str | None] = []
    try:
        with engine.connect() as migrating:  # another process, half-way through `db upgrade`
            transaction = migrating.begin()
            migrate._lock(migrating, name, shared=False)
            migrate.command.upgrade(migrate._config(migrating, name), "head")
            reader = threading.Thread(target=lambda: seen.append(migrate.current_revision(engine, name)))
            reader.start()
            while not _waiting_for_an_advisory_lock(engine) and reader.is_alive():
                reader.join(0.05)
            assert seen == []  # not "never migrated" while the upgrade is still running
            transaction.commit()
        reader.join()
        assert seen == [migrate.head_revision()]
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        engine.dispose()


def test_jobhunter_airflow_waits_while_make_run_migrates_airflow(database_url) -> None:
    from jobhunter.run import airflow_migration_lock

    engine = create_engine(database_url)
    passed = threading.Event()

    def command() -> None:  # `jobhunter airflow …` started meanwhile
        with airflow_migration_lock(engine, shared=True):
            passed.set()

    try:
        with airflow_migration_lock(engine, shared=False):  # `make run`: `airflow db migrate`
            other = threading.Thread(target=command)
            other.start()
            while not _waiting_for_an_advisory_lock(engine) and other.is_alive():
                other.join(0.05)
            assert not passed.is_set()
        other.join()
        assert passed.is_set()
    finally:
        engine.dispose()
