"""Bulk synthetic data for benchmarks: up to millions of hh.ru-shaped vacancies in minutes.

The vacancies come from :func:`testing.synthetic.generate_vacancies` and go through the ETL's own
pure transforms (:func:`etl.transform.vacancy_row`, :func:`etl.transform.details_row`), so the
rows look exactly like harvested ones; only the writing differs: PostgreSQL ``COPY`` from a few
worker processes, with the secondary indexes dropped during the load and rebuilt afterwards
(from their own definitions in ``pg_indexes``, so the rebuilt schema is the migrated one).
Each link gets a match score written directly (:func:`synthetic_score`), not through the scorer.

    from bench.datagen import bulk_load
    bulk_load(url, schema, user_id=1, search_ids=[1, 2, 3], n=1_000_000)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
import psycopg
from psycopg import sql

from core.schema import details, user_vacancies, vacancies
from domain.matching.weights import WEIGHTS
from etl.transform import details_row, vacancy_row
from testing.synthetic import CURRENCY_RATES, generate_vacancies

CHUNK = 20_000
FIRST_ID = 200_000_000

_TABLE_COLUMNS = {c.name for c in vacancies.columns}
_DETAILS_TABLE_COLUMNS = {c.name for c in details.columns if c.computed is None}
_LINK_COLUMNS = [
    "user_id",
    "vacancy_id",
    "search_ids",
    "matched_at",
    "run_id",
    "is_favourite",
    "is_banned",
    "score",
    "score_parts",
    "scored_rev",
]
#: Links without a score (a vacancy not scored yet, or a user without a profile at the time).
UNSCORED_SHARE = 0.06
_SKILL_POOL = (
    *("Python", "Django", "PostgreSQL", "Docker", "Kubernetes", "Git", "Redis", "Kafka", "Linux", "SQL"),
    *("FastAPI", "Celery", "React", "TypeScript", "Java", "Go", "1С", "Excel", "CRM", "Английский язык"),
    *("ClickHouse", "Airflow", "Spark", "Pandas"),
)


def synthetic_score(rnd: random.Random) -> tuple[int | None, str | None]:
    """A score and its parts as :mod:`domain.matching` stores them, without running the scorer
    (a million of them in seconds): most vacancies of a broad search fit poorly, a tenth fit well
    (Beta(2, 3.5): mean 36, about 13 % at 60 or more), some are not scored yet."""
    if rnd.random() < UNSCORED_SHARE:
        return None, None
    level = rnd.betavariate(2.0, 3.5)
    points = {
        name: round(weight * min(1.0, max(0.0, level + rnd.uniform(-0.2, 0.2))))
        for name, weight in WEIGHTS.items()
    }
    asked = rnd.sample(_SKILL_POOL, rnd.randint(2, 8))
    have = max(0, min(len(asked), round(len(asked) * level + rnd.uniform(-1, 1))))
    parts = {"points": points, "matched": asked[:have], "missing": asked[have:]}
    return sum(points.values()), orjson.dumps(parts).decode()


@dataclass(frozen=True)
class Chunk:
    url: str
    schema: str
    index: int
    size: int
    seed: int
    first_id: int
    start: datetime
    end: datetime
    user_id: int
    search_ids: tuple[int, ...]
    with_details: bool
    favourite_share: float
    banned_share: float


def libpq_url(url: str) -> str:
    """A SQLAlchemy ``postgresql+psycopg://`` URL as plain libpq understands it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _copy(cur: psycopg.Cursor, schema: str, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    statement = sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
        sql.Identifier(schema), sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _load_chunk(chunk: Chunk) -> int:
    rnd = random.Random(chunk.seed)
    columns: list[str] = []
    detail_columns: list[str] = []
    vacancy_rows: list[tuple] = []
    details_rows: list[tuple] = []
    links: list[tuple] = []
    items = generate_vacancies(
        chunk.size, seed=chunk.seed, start=chunk.start, end=chunk.end, first_id=chunk.first_id
    )
    for item in items:
        row = vacancy_row(item, CURRENCY_RATES)
        row["source"], row["source_id"] = "hh", str(row["id"])  # the id is written as it is (COPY)
        first_seen = row["published_at"] + timedelta(minutes=5 + rnd.random() * 180)
        row["first_seen_at"] = first_seen
        row["times_seen"] = 1 + int(rnd.random() ** 3 * 30)
        row["last_seen_at"] = first_seen + timedelta(hours=row["times_seen"] - 1)
        columns = columns or [c for c in row if c in _TABLE_COLUMNS]  # what the ETL writes
        vacancy_rows.append(tuple(row[c] for c in columns))
        if chunk.with_details:
            d = details_row(item, row["content_hash"])
            detail_columns = detail_columns or [c for c in d if c in _DETAILS_TABLE_COLUMNS]
            details_rows.append(tuple(d[c] for c in detail_columns))
        searches = [s for s in chunk.search_ids if rnd.random() < 0.5] or [rnd.choice(chunk.search_ids)]
        score, parts = synthetic_score(rnd)
        links.append(
            (
                chunk.user_id,
                row["id"],
                searches,
                first_seen,
                "bench",
                rnd.random() < chunk.favourite_share,
                rnd.random() < chunk.banned_share,
                score,
                parts,
                0,
            )
        )
    with psycopg.connect(libpq_url(chunk.url)) as conn, conn.cursor() as cur:
        _copy(cur, chunk.schema, vacancies.name, columns, vacancy_rows)
        if details_rows:
            _copy(cur, chunk.schema, details.name, detail_columns, details_rows)
        _copy(cur, chunk.schema, user_vacancies.name, _LINK_COLUMNS, links)
    return chunk.size


@contextlib.contextmanager
def indexes_deferred(url: str, schema: str, tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` for a bulk load and rebuild them afterwards."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        rows = conn.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = %s AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                              WHERE c.conname = i.indexname AND c.connamespace = %s::regnamespace)
            """,
            (schema, list(tables), schema),
        ).fetchall()
        for name, _ in rows:
            conn.execute(sql.SQL("DROP INDEX {}.{}").format(sql.Identifier(schema), sql.Identifier(name)))
    try:
        yield
    finally:
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in rows:
                conn.execute(definition)  # the definition PostgreSQL itself printed
            for table in tables:
                conn.execute(
                    sql.SQL("VACUUM ANALYZE {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
                )


def bulk_load(
    url: str,
    schema: str,
    *,
    user_id: int,
    search_ids: Sequence[int],
    n: int,
    seed: int = 7,
    days: int = 90,
    first_id: int = FIRST_ID,
    with_details: bool = True,
    favourite_share: float = 0.01,
    banned_share: float = 0.005,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> None:
    """Load ``n`` vacancies published over the last ``days`` days, all linked to ``user_id``.

    Deterministic for the same arguments (and ``now``). Uses ``workers`` processes (default: the
    CPU count, at most 4), each COPYing chunks of :data:`CHUNK` vacancies in its own transaction.
    """
    end = (now or datetime.now(UTC)).replace(microsecond=0)
    start = end - timedelta(days=days)
    chunks = [
        Chunk(
            url=url,
            schema=schema,
            index=i,
            size=min(CHUNK, n - offset),
            seed=seed * 100_003 + i,
            first_id=first_id + offset,
            start=start,
            end=end,
            user_id=user_id,
            search_ids=tuple(search_ids),
            with_details=with_details,
            favourite_share=favourite_share,
            banned_share=banned_share,
        )
        for i, offset in enumerate(range(0, n, CHUNK))
    ]
    tables = [vacancies.name, details.name, user_vacancies.name]
    processes = workers or min(4, multiprocessing.cpu_count())
    with indexes_deferred(url, schema, tables):
        if processes <= 1 or len(chunks) == 1:
            for chunk in chunks:
                done = _load_chunk(chunk)
                if progress:
                    progress(done)
        else:
            context = multiprocessing.get_context("spawn")
            with context.Pool(processes) as pool:
                for done in pool.imap_unordered(_load_chunk, chunks):
                    if progress:
                        progress(done)
    with psycopg.connect(libpq_url(url)) as conn:  # the database's own ids go on past ours
        table = sql.Identifier(schema, vacancies.name)
        conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({}, 'id'), coalesce(max(id), 0) + 1, false) FROM {}"
            ).format(sql.Literal(f'"{schema}".{vacancies.name}'), table)
        )
