"""sql/: the schema as DDL stays what the code and migrations make, and every reference query runs."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import create_engine, select, text, update

from core.schema import SCHEMA, user_vacancies, vacancies
from core.schema_sql import ddl
from tests.conftest import ROOT
from tests.harvesting import harvest as run
from tests.helpers import add_user_and_search, audit
from tests.helpers import vacancies as make_vacancies

SCHEMA_SQL = ROOT / "sql" / "schema.sql"
QUERIES_SQL = ROOT / "sql" / "queries.sql"


def test_schema_sql_is_current() -> None:
    assert SCHEMA_SQL.read_text(encoding="utf-8") == ddl(), (
        "sql/schema.sql is stale: run `.venv/bin/jobhunter db sql > sql/schema.sql`"
    )


def _shape(conn, schema: str) -> dict[str, object]:
    """Tables with their columns and types, and index definitions (without the schema name)."""
    columns = conn.execute(
        text(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_schema = :s AND table_name <> 'alembic_version'"
            " ORDER BY table_name, column_name"
        ),
        {"s": schema},
    ).all()
    indexes = conn.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = :s AND tablename <> 'alembic_version' ORDER BY indexname"
        ),
        {"s": schema},
    ).all()
    options = conn.execute(
        text(
            "SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = :s AND c.relkind = 'r' AND c.reloptions IS NOT NULL ORDER BY 1"
        ),
        {"s": schema},
    ).all()
    unqualified = [(name, definition.replace(f"{schema}.", "")) for name, definition in indexes]
    return {"columns": columns, "indexes": unqualified, "options": options}


def test_schema_sql_builds_what_the_migrations_build(database_url: str, test_schema: str) -> None:
    scratch = f"jh_sqlref_{uuid.uuid4().hex[:8]}"
    script = SCHEMA_SQL.read_text(encoding="utf-8")
    script = re.sub(rf"\b{SCHEMA}\.", f"{scratch}.", script).replace(
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA};", f"CREATE SCHEMA {scratch};"
    )
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(script)
        with engine.connect() as conn:
            built, migrated = _shape(conn, scratch), _shape(conn, test_schema)
        assert len(built["columns"]) > 100 and built["indexes"]
        assert built == migrated
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{scratch}" CASCADE')
        engine.dispose()


def _statements(script: str) -> list[str]:
    """The statements of a psql script, comments dropped, ``:'name'`` as a bind parameter."""
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    statements = [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
    return [re.sub(r":'(\w+)'", r":\1", s) for s in statements]


@pytest.fixture
def harvested(engine, settings_factory, fake_hh, last_day, window):
    start, end = last_day
    fake_hh.add(make_vacancies(40, start, end, seed=7))
    user_id, _ = add_user_and_search(engine, "alice")
    run_id = run(engine, settings_factory(hh_base_url=fake_hh.url), window=window)
    return user_id, run_id


def test_every_reference_query_runs_and_answers(engine, test_schema, harvested) -> None:
    user_id, run_id = harvested
    [audit_row] = audit(engine, run_id)
    with engine.begin() as conn:
        first = conn.execute(select(vacancies.c.id, vacancies.c.name).order_by(vacancies.c.id)).first()
        conn.execute(
            update(user_vacancies)
            .where(user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == first.id)
            .values(is_favourite=True)
        )
    word = max(re.findall(r"\w{5,}", first.name), key=len)
    statements = _statements(QUERIES_SQL.read_text(encoding="utf-8"))
    assert statements[0].startswith("SET search_path")
    answers = []
    with engine.connect() as conn:
        conn.exec_driver_sql(f'SET search_path = "{test_schema}", public')
        for statement in statements[1:]:
            answers.append(conn.execute(text(statement), {"login": "alice", "query": word}).all())
    audit_rows, brought, favourites, employers, regions, found, closed, sizes = answers
    assert audit_rows[0].run_id == run_id and audit_rows[0].new == audit_row["new"] == 40
    assert len(brought) == 40
    assert [row.name for row in favourites] == [first.name]
    assert sum(row.vacancies for row in employers) <= 40 and employers
    assert sum(row.vacancies for row in regions) <= 40 and regions
    assert first.id in {row.id for row in found}
    assert closed == []
    assert {"t01_jh_vacancies", "t08_jh_user_vacancies"} <= {row.table_name for row in sizes}
