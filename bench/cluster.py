"""Cluster benchmark: the same harvest of 6 saved searches on 1 and on 2 Celery workers, wall time
against the floor.

    .venv/bin/python bench/cluster.py [--quick]       (needs Redis: JH_BENCH_REDIS_URL, else db 13 on
                                                       127.0.0.1:6379; PostgreSQL as bench/harvest.py)

Each row is a real `jobhunter cluster --workers N` (API server, scheduler, DAG processor,
triggerer, N Celery workers of :data:`SLOTS` task slots each) on a fresh product schema and a
fresh Airflow metadata database, against the fake hh.ru with :data:`LATENCY` per answer; one
manual run of ``hh_vacancies`` names the 6 searches. The wall time is the run's, from its start
to its end as Airflow records them.

hh.ru's limits are the real bound. Each task calling hh.ru runs in the ``hh_api`` pool
(:data:`POOL_SLOTS` slots) and keeps within :data:`RATE_LIMIT` requests per second and
:data:`CONCURRENCY` in flight, so whatever the number of workers:

    floor = max(requests ÷ (slots × rate limit), ⌈requests ÷ (slots × concurrency)⌉ × latency)

with requests = per search 1 search page + 1 full text per vacancy. What more workers buy is the
rest of the run: the tasks outside the pool (load, notify, finish, and the other boards' tasks)
no longer queue for the few task slots the pool's tasks hold, so a run comes closer to the
floor, and more sources and searches run side by side, each within its own board's limit.
What they cannot buy is a harvest below the floor: that takes a higher limit from the board.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/cluster.py` puts bench/ first, not the repo root
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.common import database, throwaway_schema  # noqa: E402
from bench.harvest import _s, _table  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.settings import load_settings  # noqa: E402
from jobhunter.cluster import redis_problem  # noqa: E402
from testing.cluster import (  # noqa: E402
    ClusterProcess,
    add_searches,
    cluster_environment,
    fresh_airflow_database,
    run_state,
)
from testing.fakes.hh import FakeHH  # noqa: E402
from tests.waiting import wait_for  # noqa: E402

SEARCHES = 6
PER_SEARCH = 100  # vacancies each search finds (--quick: 20)
LATENCY = 0.05  # seconds per hh.ru answer
RATE_LIMIT = 10.0  # requests per second per task (JH_HH_RATE_LIMIT)
CONCURRENCY = 4  # requests in flight per task (JH_HH_CONCURRENCY)
POOL_SLOTS = 2  # the hh_api pool (JH_AIRFLOW_HH_POOL_SLOTS)
SLOTS = 2  # task slots per worker (jobhunter cluster --concurrency)
REDIS_URL = os.environ.get("JH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def floor_seconds(requests: int) -> float:
    rate = requests / (POOL_SLOTS * RATE_LIMIT)
    latency = math.ceil(requests / (POOL_SLOTS * CONCURRENCY)) * LATENCY
    return max(rate, latency)


def harvest_on(workers: int, url: str, per_search: int, work: Path) -> dict[str, float]:
    """One run of the 6-search harvest on a fresh cluster of ``workers`` workers."""
    import redis

    with redis.Redis.from_url(REDIS_URL) as client:
        client.flushdb()
    with contextlib.ExitStack() as stack:
        schema = stack.enter_context(throwaway_schema(url, "jh_bench"))
        engine = make_engine(load_settings(_env_file=None, database_url=url, db_schema=schema))
        stack.callback(engine.dispose)
        fake = stack.enter_context(FakeHH(latency=LATENCY))
        searches = add_searches(engine, fake, SEARCHES, per_search, datetime.now(UTC))
        metadata_url = fresh_airflow_database(url, "airflow_bench")
        airflow_db = create_engine(metadata_url)
        stack.callback(airflow_db.dispose)
        env = cluster_environment(
            database_url=url,
            schema=schema,
            var_dir=work / f"var{workers}",
            hh_url=fake.url,
            redis_url=REDIS_URL,
            metadata_url=metadata_url,
            hh_rate_limit=str(RATE_LIMIT),
            hh_concurrency=str(CONCURRENCY),
            airflow_hh_pool_slots=str(POOL_SLOTS),
        )
        cluster = ClusterProcess(env, work / f"cluster{workers}.out", workers=workers, concurrency=SLOTS)
        stack.callback(cluster.stop)
        wait_for(cluster.ready, "the cluster to start", timeout=300, every=1)
        api = cluster.api()
        wait_for(lambda: api.dag_parsed("hh_vacancies"), "hh_vacancies parsed", timeout=180, every=1)
        fake.reset_log()
        run_id = api.trigger("hh_vacancies", {"search_ids": sorted(searches)})
        ended = ("success", "failed")
        wait_for(
            lambda: run_state(airflow_db, "hh_vacancies", run_id) in ended, "the run", timeout=1800, every=1
        )
        with airflow_db.connect() as conn:
            state, started, ended = conn.execute(
                text("SELECT state, start_date, end_date FROM dag_run WHERE run_id = :run"), {"run": run_id}
            ).one()
        hh_requests = fake.count("search") + fake.count("vacancy")
        return {
            "state_ok": float(state == "success"),
            "wall": (ended - started).total_seconds(),
            "requests": float(hh_requests),
            "max_in_flight": float(fake.max_in_flight),
        }


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    console = Console(highlight=False)
    problem = redis_problem(REDIS_URL)
    if problem:
        console.print(f"No Redis at {REDIS_URL} ({problem}): set JH_BENCH_REDIS_URL")
        return 1
    per_search = 20 if args.quick else PER_SEARCH
    minimum = SEARCHES * (1 + per_search)
    floor = floor_seconds(minimum)
    table = _table(
        f"Harvest of {SEARCHES} searches × {per_search} vacancies on hh_vacancies (CeleryExecutor, "
        f"{SLOTS} task slots per worker, hh_api pool {POOL_SLOTS} × {CONCURRENCY} in flight, "
        f"{RATE_LIMIT:g}/s per task, {LATENCY * 1000:.0f} ms per answer)",
        "workers",
        "task slots",
        "hh.ru requests",
        "wall",
        "floor",
        "wall / floor",
        "most in flight (bound)",
        "vacancies / s",
        "run",
    )
    with contextlib.ExitStack() as stack:
        url, _ = stack.enter_context(database())
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jh-bench-cluster-")))
        for workers in (1, 2):
            got = harvest_on(workers, url, per_search, work)
            table.add_row(
                str(workers),
                str(workers * SLOTS),
                f"{got['requests']:.0f} (minimum {minimum})",
                _s(got["wall"]),
                _s(floor),
                f"{got['wall'] / floor:.2f}×",
                f"{got['max_in_flight']:.0f} (≤ {POOL_SLOTS * CONCURRENCY})",
                f"{SEARCHES * per_search / got['wall']:.1f}",
                "success" if got["state_ok"] else "FAILED",
            )
    console.print(table)
    console.print(
        f"floor = max(minimum ÷ ({POOL_SLOTS} slots × {RATE_LIMIT:g}/s), "
        f"⌈minimum ÷ ({POOL_SLOTS} × {CONCURRENCY})⌉ × {LATENCY * 1000:.0f} ms): hh.ru's limits, "
        "which no number of workers lifts. More workers shorten the rest of the run (tasks outside "
        "the pool stop queueing behind it) and let more boards and searches run side by side."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
