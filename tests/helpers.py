"""Small builders shared by the integration tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, text

from core.schema import etl_runs, metadata
from core.searches import create_search
from core.users import create_user
from testing.synthetic import generate_vacancies


def vacancies(
    n: int, start: datetime, end: datetime, *, seed: int = 7, first_id: int = 100_000_000, **kwargs: Any
) -> list[dict[str, Any]]:
    return list(generate_vacancies(n, seed=seed, start=start, end=end, first_id=first_id, **kwargs))


def add_user_and_search(engine: Engine, login: str = "alice", **search: Any) -> tuple[int, int]:
    with engine.begin() as conn:
        user = create_user(conn, login, "correct horse battery")
        search_id = create_search(conn, user.id, **({"name": "Все вакансии"} | search))
    return user.id, search_id


def audit(engine: Engine, run_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(etl_runs).where(etl_runs.c.run_id == run_id).order_by(etl_runs.c.id))
        return [dict(r._mapping) for r in rows]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every product table except the audit log and landing zone, for before/after checks."""
    skip = {"t02_jh_etl", "t09_jh_raw"}
    result = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in skip:
                continue
            key = [c for c in table.primary_key.columns]
            result[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*key))]
    return result


def count(engine: Engine, table: str, where: str = "true") -> int:
    schema = engine.get_execution_options().get("schema_translate_map", {}).get("jh", "jh")
    with engine.connect() as conn:
        # test-only helper: table and condition are literals written in the tests
        query = f'SELECT count(*) FROM "{schema}".{table} WHERE {where}'  # noqa: S608
        return conn.execute(text(query)).scalar_one()
