"""`make cluster` (`jobhunter cluster`): Airflow's CeleryExecutor with two workers on a real Redis.

The slow test runs the real thing against the fake hh.ru: API server, scheduler, DAG processor,
triggerer and two Celery workers, each its own process, talking through Redis and PostgreSQL as
on separate machines. It proves the distribution (task instances name both workers), the
``hh_api`` pool's bound across workers (the fake counts the requests in flight), and that a
worker killed with SIGKILL mid-task costs nothing: the scheduler misses the task's heartbeats
and the retry runs on the other worker.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from jobhunter.airflow_env import JWT_SECRET_FILE, airflow_env, jwt_secret
from jobhunter.cluster import redis_problem, worker_argv, workers
from testing.cluster import (
    ClusterProcess,
    add_searches,
    cluster_environment,
    fresh_airflow_database,
    run_state,
    task_instances,
)
from testing.fakes.hh import FakeHH
from tests.conftest import run_cli
from tests.helpers import audit, count
from tests.waiting import wait_for

REDIS_URL = os.environ.get("JH_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
PER_SEARCH = 30
POOL_SLOTS, HH_CONCURRENCY = 2, 2
HEARTBEAT_TIMEOUT = 20  # seconds without a task heartbeat before the scheduler fails it (default 300)


def test_the_jwt_secret_is_made_once_kept_encrypted_and_shared_by_every_process(settings_factory) -> None:
    settings = settings_factory()
    first = jwt_secret(settings)

    assert len(first) >= 32 and jwt_secret(settings) == first
    stored = (settings.var_dir / JWT_SECRET_FILE).read_bytes()
    assert first.encode() not in stored  # encrypted with the installation's key (core.secrets)
    assert oct((settings.var_dir / JWT_SECRET_FILE).stat().st_mode & 0o777) == "0o600"
    env = airflow_env(settings, "postgresql+psycopg://x@/jh", "postgresql+psycopg2://x@/af")
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == first
    # never on a command line
    assert all(first not in arg for w in workers(3) for arg in worker_argv(w, 2, "default"))


def test_a_secret_given_in_the_environment_wins(settings_factory, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW__API_AUTH__JWT_SECRET", "from-a-secrets-manager-" + "x" * 20)
    settings = settings_factory()
    assert jwt_secret(settings) == "from-a-secrets-manager-" + "x" * 20
    assert not (settings.var_dir / JWT_SECRET_FILE).exists()


def test_workers_have_names_and_log_ports_of_their_own() -> None:
    crew = workers(2, host="box")
    assert [w.name for w in crew] == ["worker1@box", "worker2@box"]
    assert len({w.log_port for w in crew}) == 2 and 8794 not in {w.log_port for w in crew}  # the triggerer's
    argv = worker_argv(crew[0], 3, "default")
    assert argv[3:] == [
        "celery",
        "worker",
        "--celery-hostname",
        "worker1@box",
        "--concurrency",
        "3",
        "--queues",
        "default",
    ]


def test_without_redis_it_says_so_in_one_line(cli_env) -> None:
    result = run_cli("cluster", env=cli_env | {"JH_REDIS_URL": "redis://:hunter2@127.0.0.1:9/0"})

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no Redis at redis://:***@127.0.0.1:9/0"), lines
    assert "hunter2" not in result.stdout + result.stderr
    assert "Administrator created" not in result.stdout  # nothing was started or set up


# -- the real cluster ------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> str:
    problem = redis_problem(REDIS_URL)
    if problem:
        pytest.skip(f"no Redis at {REDIS_URL} ({problem}): the cluster test needs one (JH_TEST_REDIS_URL)")
    import redis

    with redis.Redis.from_url(REDIS_URL) as client:
        client.flushdb()  # no message left over from an interrupted run
    return REDIS_URL


@pytest.mark.slow
def test_two_celery_workers_share_the_harvest_within_the_pool_and_survive_a_killed_worker(
    tmp_path: Path, redis_url, database_url, test_schema, engine, now
) -> None:
    metadata_url = fresh_airflow_database(database_url, "airflow_test")
    airflow_db = create_engine(metadata_url)
    fake = FakeHH(latency=0.02)  # answers take a moment: requests overlap, as on hh.ru
    searches = add_searches(engine, fake, 6, PER_SEARCH, now)
    fake.vacancy_gate = threading.Event()  # full texts wait: the harvest is caught mid-task
    fake.start()
    env = cluster_environment(
        database_url=database_url,
        schema=test_schema,
        var_dir=tmp_path / "var",
        hh_url=fake.url,
        redis_url=redis_url,
        metadata_url=metadata_url,
        hh_rate_limit="100",
        hh_concurrency=str(HH_CONCURRENCY),
        airflow_hh_pool_slots=str(POOL_SLOTS),
        hh_backoff_base="0.01",
        hh_backoff_max="0.05",
        airflow_retry_seconds="2",  # the retry after the lost worker waits 2-4 s, not 1-2 min
    )
    env |= {
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT),
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "2",
    }
    cluster = ClusterProcess(env, tmp_path / "cluster.out", workers=2, concurrency=2)
    try:
        wait_for(cluster.ready, "the cluster to start", timeout=300, every=0.5)
        printed = cluster.printed()
        assert "Ctrl-C stops everything" in printed, printed
        assert re.search(r"Celery\s+2 workers \(worker1@\S+, worker2@\S+\), 2 task slots each", printed)
        api = cluster.api()
        wait_for(lambda: api.dag_parsed("hh_vacancies"), "the DAG processor to parse hh_vacancies", every=1)
        run_id = api.trigger("hh_vacancies", {"search_ids": sorted(searches)})

        # Mid-task: full texts are being fetched by a worker, the other has run tasks of this run too.
        def details_running() -> list[dict]:
            tis = task_instances(airflow_db, run_id)
            return [t for t in tis if t["task_id"] == "harvest_hh.details" and t["state"] == "running"]

        def caught() -> bool:
            hosts = {t["hostname"] for t in task_instances(airflow_db, run_id) if t["hostname"]}
            return len(hosts) == 2 and bool(details_running()) and fake.in_flight > 0

        wait_for(caught, "a details task fetching full texts, and both workers busy", timeout=300, every=0.5)
        running = details_running()
        victim = running[0]["hostname"]
        hosts = {t["hostname"] for t in task_instances(airflow_db, run_id) if t["hostname"]}
        survivor = (hosts - {victim}).pop()
        cut_off = {t["map_index"] for t in running if t["hostname"] == victim}
        assert cluster.kill_worker(victim) >= 4  # its Celery main process, pool and what ran there
        fake.vacancy_gate.set()

        wait_for(
            lambda: run_state(airflow_db, "hh_vacancies", run_id) in ("success", "failed"),
            "the run to end",
            timeout=HEARTBEAT_TIMEOUT + 300,
            every=1,
        )
        assert run_state(airflow_db, "hh_vacancies", run_id) == "success"
        assert f"{victim} stopped (exit -9); the other workers carry on" in cluster.printed()
    finally:
        fake.vacancy_gate.set()
        code = cluster.stop()
        fake.stop()
    rest = cluster.printed()
    assert code == 0 and "Stopped." in rest and "killed after" not in rest, rest[-3000:]
    assert cluster.leftovers() == []

    # Every search landed completely, once: one audit row each, every vacancy and full text stored.
    rows = audit(engine, run_id)
    assert sorted(r["search_id"] for r in rows) == sorted(searches)
    for row in rows:
        assert (row["status"], row["found"], row["received"]) == ("success", PER_SEARCH, PER_SEARCH), row
    total = PER_SEARCH * len(searches)
    assert count(engine, "t01_jh_vacancies") == total
    assert count(engine, "t01_jh_vacancies", f"first_run_id = '{run_id}'") == total
    assert count(engine, "t06_jh_details") == total
    assert count(engine, "t08_jh_user_vacancies") == total
    # Both workers ran tasks of the run; the killed one's full-text tasks ran again on the other.
    tis, earlier = task_instances(airflow_db, run_id), task_instances(airflow_db, run_id, history=True)
    airflow_db.dispose()
    assert {t["state"] for t in tis} <= {"success", "skipped"}
    assert {t["hostname"] for t in tis + earlier if t["hostname"]} == {victim, survivor}
    retried = {t["map_index"]: t for t in tis if t["task_id"] == "harvest_hh.details"}
    for index in cut_off:
        assert retried[index]["hostname"] == survivor and retried[index]["try_number"] >= 2, retried[index]
    lost = {
        (t["map_index"], t["hostname"], t["state"]) for t in earlier if t["task_id"] == "harvest_hh.details"
    }
    assert lost >= {(index, victim, "failed") for index in cut_off}
    # The hh_api pool bounded what reached hh.ru across both workers.
    assert 1 <= fake.max_in_flight <= POOL_SLOTS * HH_CONCURRENCY, fake.max_in_flight
