"""Market benchmark: every chart of the «Рынок» page on 1,000,000 synthetic vacancies of one
user, and what keeping the figures' table up to date costs.

    .venv/bin/python bench/market.py [--rows 1000000] [--requests 20] [--days 30] [--schema NAME]
    .venv/bin/python bench/market.py --quick      # 20,000 rows, 5 requests: a smoke run

PostgreSQL: ``JH_BENCH_DATABASE_URL``, else ``JH_TEST_DATABASE_URL``, else a throw-away embedded
server; a fresh schema dropped at the end (``--schema NAME`` reuses one loaded before, ``--keep``
keeps the fresh one). A measurement tool: it prints figures beside their floors and targets and
asserts nothing.

1. the full fill of the market tables (``t23_jh_market_facts``, its day counts and the rollup
   ``t26_jh_market_rollup``) against its floor: the same facts written into a plain new table (no
   key, no index, no conflict check); and the rollup's fill alone against its floor, the same
   counts grouped into a plain new table;
2. the incremental refresh after a harvest batch of 1,000 vacancies seen again and changed,
   against the facts' floor for those rows;
3. each chart's query (``domain.market.queries``), p50 / p95 over ``--requests`` runs, against
   the floor of one pass over the rollup rows of the period's grades (``sum(n)``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/market.py` puts bench/ first, not the repo root
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402
from sqlalchemy.dialects.postgresql import insert as pg_insert  # noqa: E402

from bench.common import bench_schema, database, percentile  # noqa: E402
from bench.datagen import bulk_load  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.schema import (  # noqa: E402
    banned_employers,
    market_days,
    market_facts,
    market_rollup,
    user_vacancies,
    users,
    vacancies,
)
from core.searches import create_search  # noqa: E402
from core.settings import load_settings  # noqa: E402
from core.users import create_user  # noqa: E402
from domain.market import days, queries, rollup, store  # noqa: E402
from domain.market.model import Scope  # noqa: E402
from domain.resume.model import Profile  # noqa: E402
from domain.resume.store import save_profile  # noqa: E402

TARGET_P95_MS = 300.0
LOGIN = "bench"


def timed(run: Callable[[], Any], repeats: int) -> tuple[float, float]:
    times = []
    for i in range(repeats + 2):
        started = time.perf_counter()
        run()
        if i >= 2:  # two warm-up runs (plan cache, buffers)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def seconds(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def charts() -> list[tuple[str, Callable[[Any, Any, Any, Any], Any]]]:
    """(label, fn(conn, scope, start, end)): each figure group of the page, and the charts of it
    that are one query each."""
    q = queries
    return [
        ("[b]salaries: all six charts[/]", q._salaries),
        ("  salaries by grade", q._by_grade),
        ("  salaries by city", q._by_area),
        ("  salaries by work format", q._by_format),
        ("  salaries by week", q._weekly),
        ("[b]demand: all five charts[/]", q._demand),
        ("  top employers by open vacancies", lambda c, sc, s, e: q._employers(c, sc, s, e, by_salary=False)),
        ("  top employers by median salary", lambda c, sc, s, e: q._employers(c, sc, s, e, by_salary=True)),
        ("  lifetime by grade", q._lifetime),
        ("[b]skills: all three charts[/]", q._skills),
        ("  key skills' shares and their trend", lambda c, sc, s, e: skill_shares(c, sc, s, e)),
        ("  salary with and without a skill", lambda c, sc, s, e: skill_salaries(c, sc, s, e)),
        ("where you stand (one card)", q._standing),
    ]


def verdict(label: str, p95: float) -> str:
    """A chart against the target; a group of charts (bold) is their sum, with no target of its own."""
    if label.startswith("[b]"):
        return "[dim](several charts)[/]"
    return "[green]yes[/]" if p95 <= TARGET_P95_MS else "[red]NO[/]"


def skill_shares(conn: Any, scope: Scope, start: Any, end: Any) -> Any:
    """The shares of the period and of the one before (what the shares and trend charts draw)."""
    before = start - timedelta(days=1)
    days.skill_counts(conn, scope, before - timedelta(days=scope.days - 1), before)
    return days.skill_counts(conn, scope, start, end)


def skill_salaries(conn: Any, scope: Scope, start: Any, end: Any) -> Any:
    """The median salary with and without each of the top skills (their names read untimed)."""
    if (scope, start) not in SKILL_NAMES:
        counts = days.skill_counts(conn, scope, start, end)[1]
        SKILL_NAMES[(scope, start)] = sorted(counts, key=lambda s: (-counts[s], s))[: queries.SKILL_SALARIES]
    names = SKILL_NAMES[(scope, start)]
    return queries._skill_salaries(conn, scope, start, end, names)


SKILL_NAMES: dict[Any, list[str]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic vacancies (default 1,000,000)")
    parser.add_argument("--requests", type=int, default=20, help="timed runs per chart (default 20)")
    parser.add_argument("--days", type=int, default=30, help="the period (default 30 days)")
    parser.add_argument("--schema", help="reuse this already loaded schema (kept) instead of a fresh one")
    parser.add_argument("--keep", action="store_true", help="keep the fresh schema (for --schema next time)")
    parser.add_argument("--quick", action="store_true", help="20,000 rows, 5 runs: a smoke run")
    parser.add_argument(
        "--copy-from",
        metavar="SCHEMA",
        help="copy the vacancies, details and links of the bench user of another bench's loaded schema in "
        "the same database (bench/web.py --keep) instead of generating them again",
    )
    args = parser.parse_args()
    if args.quick:
        args.rows, args.requests = min(args.rows, 20_000), 5
    out = Console(width=150)
    now = datetime.now(UTC).replace(microsecond=0)
    with (
        database() as (url, where),
        bench_schema(url, args.schema, args.keep, "jh_marketbench") as (schema, fresh),
    ):
        settings = load_settings(database_url=url, db_schema=schema, _env_file=None)
        engine = make_engine(settings)
        with engine.begin() as conn:
            existing = conn.execute(select(users.c.id).where(users.c.login == LOGIN)).scalar()
            if existing is None:
                user_id = create_user(conn, LOGIN, "bench password 1").id
                search_ids = [
                    create_search(conn, user_id, name=n, text=n) for n in ("python", "продажи", "все")
                ]
                profile = Profile.model_validate(
                    {
                        "skills": ["Python", "PostgreSQL", "Docker"],
                        "wishes": {"salary": 180_000, "areas": ["Москва"], "years": 4},
                    }
                )
                save_profile(conn, user_id, profile)
            else:
                user_id, search_ids = existing, []
        out.print(f"PostgreSQL: {where}; schema {schema}; load average {os.getloadavg()[0]:.2f}")
        if args.copy_from and (fresh or search_ids):
            took = seconds(lambda: copy_rows(url, args.copy_from, schema, user_id))
            out.print(f"copied the vacancies of {args.copy_from} in {took:,.0f} s")
        elif fresh or search_ids:
            loaded = 0

            def progress(n: int) -> None:
                nonlocal loaded
                loaded += n
                print(f"\rloading {loaded:,} / {args.rows:,}", end="", file=sys.stderr, flush=True)

            took = seconds(
                lambda: bulk_load(
                    url,
                    schema,
                    user_id=user_id,
                    search_ids=search_ids,
                    n=args.rows,
                    progress=progress,
                    now=now,
                )
            )
            print(file=sys.stderr)
            out.print(f"loaded {args.rows:,} vacancies in {took:,.0f} s (COPY, indexes rebuilt)")

        refresh_table = Table(title="Keeping the market tables up to date", title_justify="left")
        for name in ("work", "rows", "time", "floor", "× floor"):
            refresh_table.add_column(name, justify="left" if name == "work" else "right")

        with engine.begin() as conn:
            conn.execute(market_facts.delete().where(market_facts.c.user_id == user_id))
        with engine.begin() as conn:
            full = seconds(lambda: store.refresh_user(conn, user_id))
            rows = conn.execute(select(func.count()).select_from(market_facts)).scalar_one()
        full_floor = copy_floor(engine, schema, user_id, None)
        refresh_table.add_row(
            "full fill of the facts, day counts and rollup (migration 0012)",
            f"{rows:,}",
            f"{full:.1f} s",
            f"{full_floor:.1f} s",
            f"{full / full_floor:.1f}",
        )
        with engine.begin() as conn:
            counted = seconds(lambda: rollup.fill(conn, user_id))
            rollup_rows = conn.execute(select(func.count()).select_from(market_rollup)).scalar_one()
        counted_floor = rollup_floor(engine, schema, user_id)
        # what autovacuum does after such a fill: without it the charts read the rows twice filled
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table_ in (market_facts, market_days, market_rollup):
                conn.execute(text("VACUUM ANALYZE {}".format(f'"{schema}".{table_.name}')))
        refresh_table.add_row(
            "  of which the rollup alone (t26, migration 0015)",
            f"{rollup_rows:,}",
            f"{counted:.1f} s",
            f"{counted_floor:.1f} s",
            f"{counted / counted_floor:.1f}",
        )

        with engine.connect() as conn:
            batch = (
                conn.execute(
                    select(user_vacancies.c.vacancy_id).where(user_vacancies.c.user_id == user_id).limit(1000)
                )
                .scalars()
                .all()
            )
        with engine.begin() as conn:  # a harvest batch: seen again today, half of them changed
            conn.execute(
                update(vacancies)
                .where(vacancies.c.id.in_(batch))
                .values(last_seen_at=now + timedelta(hours=1))
            )
            conn.execute(
                update(vacancies)
                .where(vacancies.c.id.in_(batch[::2]))
                .values(salary_from_rub=vacancies.c.salary_from_rub + 1000)
            )
        with engine.begin() as conn:
            batch_time = seconds(lambda: store.refresh(conn, batch))
        batch_floor = copy_floor(engine, schema, user_id, batch)
        refresh_table.add_row(
            "a harvest batch of 1,000 vacancies",
            f"{len(batch):,}",
            f"{batch_time * 1000:.0f} ms",
            f"{batch_floor * 1000:.0f} ms",
            f"{batch_time / batch_floor:.1f}",
        )
        with engine.begin() as conn:
            again = seconds(lambda: store.refresh(conn, batch))
        refresh_table.add_row(
            "the same batch again (nothing changed)", f"{len(batch):,}", f"{again * 1000:.0f} ms", "", ""
        )
        out.print(refresh_table)

        with engine.begin() as conn:  # a user hides some: banned links (0.5 %) and one employer
            top = conn.execute(
                select(vacancies.c.employer_id, vacancies.c.employer_name)
                .where(vacancies.c.employer_id.is_not(None))
                .group_by(vacancies.c.employer_id, vacancies.c.employer_name)
                .order_by(func.count().desc(), vacancies.c.employer_id)
                .limit(1)
            ).one()
            conn.execute(
                pg_insert(banned_employers)
                .values(user_id=user_id, employer_id=top.employer_id, employer_name=top.employer_name)
                .on_conflict_do_nothing()
            )

        scope = Scope(user_id=user_id, today=now.date(), days=args.days)
        end = scope.today
        start = end - timedelta(days=scope.days - 1)
        table = Table(
            title=f"Charts of «Рынок», {rows:,} vacancies of one user, the last {args.days} days, "
            f"{args.requests} runs each; load average {os.getloadavg()[0]:.2f}",
            title_justify="left",
        )
        for name in ("chart", "p50 ms", "p95 ms", "floor ms", f"p95 ≤ {TARGET_P95_MS:.0f} ms"):
            table.add_column(name, justify="left" if name == "chart" else "right")
        with engine.connect() as conn:
            queries.prepare(conn)  # as figures() does: the charts' settings for this transaction
            # the floor: one pass over the period's rollup rows of one dimension (the grades')
            period_rows = queries.rows_of(scope, "grade", start, end)
            in_period = conn.execute(select(func.sum(period_rows.c.n))).scalar_one()
            read = conn.execute(select(func.count()).select_from(period_rows)).scalar_one()
            floor50, _ = timed(
                lambda: conn.execute(select(func.sum(period_rows.c.n))).scalar_one(), args.requests
            )
            for label, run in charts():
                p50, p95 = timed(lambda run=run: run(conn, scope, start, end), args.requests)
                table.add_row(
                    label,
                    f"{p50:.0f}",
                    f"{p95:.0f}",
                    f"{floor50:.0f}",
                    verdict(label, p95),
                )
            whole50, whole95 = timed(lambda: queries.figures(conn, scope), max(3, args.requests // 4))
        table.add_row("[b]the whole page (figures)[/]", f"{whole50:.0f}", f"{whole95:.0f}", "", "")
        out.print(table)
        out.print(
            f"{in_period:,} vacancies of the period in {read:,} rollup rows of the grades; "
            f"load average now {os.getloadavg()[0]:.2f}"
        )
        engine.dispose()


def copy_rows(url: str, source: str, schema: str, user_id: int) -> None:
    """The vacancies, details and links of ``source``'s bench user, as this schema's user's."""
    from psycopg import connect, sql

    from bench.datagen import indexes_deferred, libpq_url
    from core.schema import details

    tables = [vacancies.name, details.name, user_vacancies.name]
    with indexes_deferred(url, schema, tables), connect(libpq_url(url)) as conn:
        their_user = conn.execute(
            sql.SQL("SELECT id FROM {}.t05_jh_users WHERE login = %s").format(sql.Identifier(source)), [LOGIN]
        ).fetchone()
        assert their_user, f"no bench user in {source}"
        for table in (vacancies, details):
            columns = sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns if c.computed is None)
            conn.execute(
                sql.SQL("INSERT INTO {}.{} ({}) SELECT {} FROM {}.{}").format(
                    sql.Identifier(schema),
                    sql.Identifier(table.name),
                    columns,
                    columns,
                    sql.Identifier(source),
                    sql.Identifier(table.name),
                )
            )
        searches = conn.execute(
            sql.SQL("SELECT id FROM {}.t07_jh_hhparsers WHERE user_id = %s ORDER BY id").format(
                sql.Identifier(schema)
            ),
            [user_id],
        ).fetchall()
        ours = [row[0] for row in searches]
        conn.execute(
            sql.SQL(
                "INSERT INTO {}.t08_jh_user_vacancies (user_id, vacancy_id, search_ids, matched_at, "
                "is_favourite, is_banned, score) SELECT %s, vacancy_id, "
                "ARRAY[(%s::bigint[])[1 + vacancy_id %% 3]], matched_at, is_favourite, is_banned, score "
                "FROM {}.t08_jh_user_vacancies WHERE user_id = %s"
            ).format(sql.Identifier(schema), sql.Identifier(source)),
            [user_id, ours, their_user[0]],
        )


def rollup_floor(engine: Any, schema: str, user_id: int) -> float:
    """The rollup's rows of the user counted into a plain new table: grouping them, nothing more."""
    query = rollup.grouped(market_facts.c.user_id == user_id)
    with engine.begin() as conn:
        compiled = query.compile(conn, compile_kwargs={"render_postcompile": True})
        body = str(compiled).replace("jh.", f'"{schema}".')  # the compiled text bypasses the schema map
        sql = f"CREATE TEMP TABLE rollup_floor ON COMMIT DROP AS {body}"
        return seconds(lambda: conn.exec_driver_sql(sql, compiled.params))


def copy_floor(engine: Any, schema: str, user_id: int, ids: list[int] | None) -> float:
    """The same rows written into a plain new table: reading and writing them, nothing more."""
    from sqlalchemy import ARRAY, BigInteger, any_, bindparam

    if ids is None:
        where = user_vacancies.c.user_id == user_id
    else:
        where = user_vacancies.c.vacancy_id == any_(bindparam("ids", value=ids, type_=ARRAY(BigInteger)))
    query = store._source(where)
    with engine.begin() as conn:
        compiled = query.compile(conn, compile_kwargs={"render_postcompile": True})
        body = str(compiled).replace("jh.", f'"{schema}".')  # the compiled text bypasses the schema map
        sql = f"CREATE TEMP TABLE market_floor ON COMMIT DROP AS {body}"
        return seconds(lambda: conn.exec_driver_sql(sql, compiled.params))


if __name__ == "__main__":
    main()
