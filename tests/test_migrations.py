"""Migrations: the migrated database matches core.schema, and upgrade is repeatable."""

from __future__ import annotations

import uuid

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, text

from core.migrate import current_revision, head_revision, upgrade
from core.schema import metadata


def test_migrations_create_exactly_the_schema_in_code(database_url) -> None:
    name = f"jh_mig_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    try:
        upgrade(engine, name)
        upgrade(engine, name)  # a second upgrade is a no-op
        assert current_revision(engine, name) == head_revision()
        expected = MetaData()
        for table in metadata.sorted_tables:
            table.to_metadata(expected, schema=name)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "include_schemas": True,
                    "include_name": lambda n, t, p: t != "schema" or n == name,
                    "compare_server_default": True,
                },
            )
            diff = [d for d in compare_metadata(context, expected) if "alembic_version" not in str(d)]
        assert diff == []
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        engine.dispose()


def test_the_sources_migration_carries_an_hh_database_over(database_url) -> None:
    """0009 on a database of hh.ru vacancies: every row keeps its id and everything pointing at it."""
    name = f"jh_mig_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)

    def run(conn, sql: str):  # in the migrated schema
        conn.exec_driver_sql(f'SET LOCAL search_path TO "{name}"')
        return conn.execute(text(sql))

    try:
        upgrade(engine, name, "0008")
        with engine.begin() as conn:
            run(
                conn,
                """
                INSERT INTO t05_jh_users (id, login, password_hash) VALUES (1, 'anna', 'x');
                INSERT INTO t07_jh_hhparsers (id, user_id, name, watermark)
                    VALUES (1, 1, 'python', '2026-12-01 10:00+00'), (2, 1, 'new', NULL);
                INSERT INTO t01_jh_vacancies (id, name, url, published_at, content_hash, is_demo)
                    VALUES (101, 'Python', 'https://hh.ru/vacancy/101', now(), 'h1', false),
                           (9000000001, 'Demo', 'https://hh.ru/vacancy/9000000001', now(), 'h2', true);
                INSERT INTO t06_jh_details
                    (vacancy_id, description_html, description_safe, description_text, source_hash)
                    VALUES (101, '<p>x</p>', '<p>x</p>', 'x', 'h1');
                INSERT INTO t08_jh_user_vacancies (user_id, vacancy_id, search_ids, is_favourite)
                    VALUES (1, 101, '{1}', true);
                INSERT INTO t02_jh_etl (run_id, search_id, search_name, trigger)
                    VALUES ('r1', 1, 'python', 'scheduled');
                INSERT INTO t09_jh_raw (run_id, search_id, kind, request_key, payload)
                    VALUES ('r1', 1, 'vacancy', '101', '{"id": "101"}');
                """,
            )

        upgrade(engine, name)

        with engine.begin() as conn:
            rows = run(conn, "SELECT id, source, source_id FROM t01_jh_vacancies ORDER BY id").all()
            assert [tuple(r) for r in rows] == [(101, "hh", "101"), (9000000001, "hh", "9000000001")]
            favourite = "SELECT is_favourite FROM t08_jh_user_vacancies WHERE vacancy_id = 101"
            assert run(conn, favourite).scalar_one() is True
            assert run(conn, "SELECT vacancy_id FROM t06_jh_details").scalar_one() == 101
            [(search_id, source, watermark)] = run(
                conn, "SELECT search_id, source, watermark FROM t19_jh_search_cursors"
            ).all()
            assert (search_id, source, watermark.isoformat()) == (1, "hh", "2026-12-01T10:00:00+00:00")
            assert run(conn, "SELECT source FROM t02_jh_etl").scalar_one() == "hh"
            assert run(conn, "SELECT source FROM t09_jh_raw").scalar_one() == "hh"
            assert run(conn, "SELECT count(*) FROM t07_jh_hhparsers WHERE sources = '{}'").scalar_one() == 2
            # a vacancy of another board gets a fresh id of the database's own, past every old one
            new_id = run(
                conn,
                "INSERT INTO t01_jh_vacancies (source, source_id, name, url, published_at, content_hash)"
                " VALUES ('trudvsem', '1027700132195/42', 'Бухгалтер', 'https://trudvsem.ru', now(), 'h')"
                " RETURNING id",
            ).scalar_one()
            assert new_id > 9000000001
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        engine.dispose()
