"""Migration benchmark: 0009 (vacancy sources) on an existing hh.ru database.

    .venv/bin/python bench/migration.py [--vacancies N]

Builds a schema at revision 0008 holding N hh.ru vacancies (default 200,000) with a full text
for half of them, a user link for each, audit rows and landed answers, then times the upgrade to
0009 and checks that nothing was lost: every vacancy keeps its id and gets ``source = 'hh'`` and
``source_id = id``, and everything that points at it still does. The floor is what any migration
that gives every vacancy a new per-row value must do at least: write the table once (timed as
``CREATE TABLE … AS SELECT *, id::text`` of the same rows), build its eleven indexes again
(``REINDEX TABLE``) and the unique index of the new key. A measurement tool: it prints figures
and asserts only that no data moved.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/migration.py` puts bench/ first, not the repo root
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from sqlalchemy import Connection, create_engine, text  # noqa: E402

from bench.common import database  # noqa: E402
from core.migrate import upgrade  # noqa: E402

FILL = """
INSERT INTO t05_jh_users (id, login, password_hash) VALUES (1, 'anna', 'x');
INSERT INTO t07_jh_hhparsers (id, user_id, name, watermark) VALUES (1, 1, 'all', now());
INSERT INTO t01_jh_vacancies
    (id, name, employer_id, employer_name, area_id, url, published_at, content_hash, salary_from_rub)
SELECT 100000000 + g, 'Вакансия ' || g, (g % 5000)::text, 'Работодатель ' || (g % 5000), (1 + g % 90)::text,
       'https://hh.ru/vacancy/' || (100000000 + g), now() - (g % 43200) * interval '1 minute',
       md5(g::text), 50000 + g % 200000
FROM generate_series(1, N_VACANCIES) AS g;
INSERT INTO t06_jh_details (vacancy_id, description_html, description_safe, description_text, source_hash)
SELECT id, '<p>' || name || '</p>', '<p>' || name || '</p>', name, content_hash
FROM t01_jh_vacancies WHERE id % 2 = 0;
INSERT INTO t08_jh_user_vacancies (user_id, vacancy_id, search_ids) SELECT 1, id, '{1}' FROM t01_jh_vacancies;
INSERT INTO t02_jh_etl (run_id, search_id, search_name, trigger)
SELECT 'run' || g, 1, 'all', 'scheduled' FROM generate_series(1, 2000) AS g;
INSERT INTO t09_jh_raw (run_id, search_id, kind, request_key, payload)
SELECT 'run1', 1, 'vacancy', id::text, '{}'::jsonb FROM t01_jh_vacancies WHERE id % 10 = 0;
ANALYZE;
"""


def _in(conn: Connection, schema: str) -> None:
    conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')


def _counts(conn: Connection) -> dict[str, int]:
    return {
        name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608 - fixed names
        for name in (
            "t01_jh_vacancies",
            "t06_jh_details",
            "t08_jh_user_vacancies",
            "t02_jh_etl",
            "t09_jh_raw",
        )
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vacancies", type=int, default=200_000)
    args = parser.parse_args()
    console = Console()
    with database() as (url, where):
        engine = create_engine(url)
        schema = f"jh_bench_mig_{uuid.uuid4().hex[:8]}"
        try:
            upgrade(engine, schema, "0008")
            with engine.begin() as conn:
                _in(conn, schema)
                conn.exec_driver_sql(FILL.replace("N_VACANCIES", str(int(args.vacancies))).replace("%", "%%"))
            with engine.begin() as conn:
                _in(conn, schema)
                before = _counts(conn)
                started = time.perf_counter()
                conn.execute(
                    text(
                        "CREATE TEMPORARY TABLE floor_copy AS SELECT *, id::text AS key FROM t01_jh_vacancies"
                    )
                )
                conn.execute(text("CREATE UNIQUE INDEX ON floor_copy (key)"))
                conn.execute(text("REINDEX TABLE t01_jh_vacancies"))
                floor = time.perf_counter() - started
                conn.execute(text("DROP TABLE floor_copy"))
            started = time.perf_counter()
            upgrade(engine, schema)
            took = time.perf_counter() - started
            with engine.begin() as conn:
                _in(conn, schema)
                after = _counts(conn)
                moved = conn.execute(
                    text(
                        "SELECT count(*) FROM t01_jh_vacancies WHERE source <> 'hh' OR source_id <> id::text"
                    )
                ).scalar_one()
                cursors = conn.execute(text("SELECT count(*) FROM t19_jh_search_cursors")).scalar_one()
        finally:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()
    table = Table(title=f"Migration 0008 → 0009 on {args.vacancies:,} hh.ru vacancies ({where})")
    for column in ("figure", "value", "floor"):
        table.add_column(column, justify="right" if column != "figure" else "left")
    table.add_row(
        "upgrade wall time",
        f"{took:.2f} s",
        f"{floor:.2f} s (copy the table, build its indexes and the new key's)",
    )
    table.add_row("vacancies per second", f"{args.vacancies / took:,.0f}", f"{args.vacancies / floor:,.0f}")
    table.add_row(
        "rows before → after", "; ".join(f"{k} {before[k]:,}→{after[k]:,}" for k in before), "equal"
    )
    table.add_row("vacancies whose key is not (hh, id)", str(moved), "0")
    table.add_row("watermarks carried into cursors", str(cursors), "1")
    console.print(table)
    if before != after or moved or cursors != 1:
        raise SystemExit("data was lost or changed by the migration")


if __name__ == "__main__":
    main()
