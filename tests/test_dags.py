"""The Airflow DAGs: they import cleanly, keep their contract, and harvest end to end with dag.test()."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import UserInputError
from etl.harvest.plan import RunRequest
from etl.windows import Window
from tests.conftest import ROOT
from tests.helpers import add_user_and_search, audit, count, snapshot
from tests.helpers import vacancies as make_vacancies

sys.path.insert(0, str(ROOT / "dags"))


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags"))


def test_every_dag_imports_without_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dags) >= {"hh_vacancies", "hh_housekeeping"}


def test_hh_vacancies_contract(dagbag) -> None:
    from airflow.sdk import CronDataIntervalTimetable

    dag = dagbag.dags["hh_vacancies"]
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression == "0 8-16 * * 1-5"
    assert str(dag.timetable.timezone) == "UTC"
    assert dag.catchup is False and dag.max_active_runs == 1
    assert {"jobhunter", "hh.ru"} <= set(dag.tags)
    assert dag.doc_md and "CronDataIntervalTimetable" in dag.doc_md
    assert set(dag.params.keys()) == {"search_ids", "date_from", "date_to", "dry_run"}
    tasks = {t.task_id: t for t in dag.tasks}
    steps = ("extract", "load", "details", "notify", "finish")
    boards = ("hh", "trudvsem", "superjob")
    assert set(tasks) == {
        "deliver_telegram",
        "outcome",
        "plan",
        *(f"jobs_{board}" for board in boards),
        *(f"harvest_{board}.{step}" for board in boards for step in steps),
    }
    for task in tasks.values():
        assert task.owner == "jobhunter"
        assert task.retries >= 3 and task.retry_exponential_backoff
        assert task.retry_delay == timedelta(minutes=1)  # JH_AIRFLOW_RETRY_SECONDS, doubled each time
        assert task.execution_timeout is not None
    # each board's calls run in its own pool (sized to its rate limit by `jobhunter run`)
    for board, pool in (("hh", "hh_api"), ("trudvsem", "trudvsem_api"), ("superjob", "superjob_api")):
        assert {t for t, task in tasks.items() if task.pool == pool} == {
            f"harvest_{board}.extract",
            f"harvest_{board}.details",
        } | ({"plan"} if board == "hh" else set())
        assert tasks[f"harvest_{board}.finish"].trigger_rule == "all_done"
    # a board without jobs this run is skipped; the verdict and the delivery still run
    assert tasks["outcome"].trigger_rule == tasks["deliver_telegram"].trigger_rule == "all_done"


def test_next_scheduled_run_is_on_a_weekday_hour(dagbag) -> None:
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import DataInterval, TimeRestriction

    timetable = coerce_to_core_timetable(dagbag.dags["hh_vacancies"].timetable)
    friday_evening = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # a Friday
    info = timetable.next_dagrun_info(
        last_automated_data_interval=DataInterval(friday_evening - timedelta(hours=1), friday_evening),
        restriction=TimeRestriction(earliest=None, latest=None, catchup=True),
    )
    assert info.run_after == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 08:00
    assert (info.data_interval.start, info.data_interval.end) == (friday_evening, info.run_after)


def test_windows_per_run_type() -> None:
    interval = (datetime(2026, 11, 18, 8, tzinfo=UTC), datetime(2026, 11, 18, 9, tzinfo=UTC))
    late = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)

    def request(run_type: str, run_after: datetime = interval[1], **params):
        params = {"data_interval": interval} | params
        return RunRequest.from_airflow(run_id="r", run_type=run_type, run_after=run_after, **params)

    scheduled = request("scheduled")
    assert (scheduled.trigger, scheduled.window, scheduled.now) == ("scheduled", None, interval[1])
    # a manual run at 22:00 has the last completed slot as its interval, but reaches its trigger time
    manual = request(
        "manual", late, data_interval=(interval[0] + timedelta(hours=7), interval[1] + timedelta(hours=7))
    )
    assert (manual.trigger, manual.window, manual.now) == ("manual", None, late)
    backfill = request("backfill")
    assert (backfill.trigger, backfill.window) == ("backfill", Window(*interval))
    given = request("manual", late, date_from="2026-11-01", date_to="2026-11-02")
    assert (given.trigger, given.window) == (
        "manual",
        Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)),
    )
    with pytest.raises(UserInputError, match="go together"):
        request("manual", date_from="2026-11-01")


@pytest.fixture(scope="module")
def airflow_db():
    """Airflow's own metadata database (SQLite in the suite's Airflow home) and the hh.ru pool."""
    for args in (["db", "migrate"], ["pools", "set", "hh_api", "2", "hh.ru API calls"]):
        done = subprocess.run(
            [sys.executable, "-m", "airflow", *args], capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def airflow_env(monkeypatch, database_url, test_schema, fake_hh):
    import jobhunter_runtime
    from core.settings import get_settings

    for name, value in {
        "JH_DATABASE_URL": database_url,
        "JH_DB_SCHEMA": test_schema,
        "JH_HH_BASE_URL": fake_hh.url,
        "JH_SOURCES": "hh",
        "JH_HH_USER_AGENT": "JobHunterTests/1.0 (tests@example.com)",
        "JH_HH_RATE_LIMIT": "100",
        "JH_HH_BACKOFF_BASE": "0.01",
        "JH_HH_BACKOFF_MAX": "0.05",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    jobhunter_runtime.engine.cache_clear()
    jobhunter_runtime.settings.cache_clear()
    yield
    get_settings.cache_clear()
    jobhunter_runtime.engine.cache_clear()
    jobhunter_runtime.settings.cache_clear()


def run_dag(at: datetime | None = None, **conf):
    """One in-process manual run of hh_vacancies, triggered at ``at`` (default: now), as the UI or the
    REST API would trigger it (tasks fail at once: no retry delays in tests)."""
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(ROOT / "dags")).dags["hh_vacancies"]
    for task in dag.tasks:
        task.retries = 0
    if at is None:
        return dag.test(run_conf=conf or None)
    return dag.test(run_after=at, logical_date=at, run_conf=conf or None)


def task_states(dag_run) -> dict[str, str]:
    from airflow import settings as airflow_settings
    from airflow.models.taskinstance import TaskInstance

    with airflow_settings.Session() as session:
        rows = session.query(TaskInstance).filter_by(dag_id=dag_run.dag_id, run_id=dag_run.run_id)
        states: dict[str, str] = {}
        for ti in rows:  # a mapped task: its worst state
            state = str(getattr(ti.state, "value", ti.state))
            if states.get(ti.task_id) not in ("failed", "upstream_failed"):
                states[ti.task_id] = state
        return states


FRIDAY_EVENING = datetime(2026, 11, 27, 22, 0, tzinfo=UTC)  # a Friday, six hours after the last slot
MONDAY_EARLY = datetime(2026, 11, 30, 7, 59, tzinfo=UTC)  # a Monday, before the first slot


@pytest.mark.slow
def test_a_manual_run_at_22_00_harvests_up_to_its_trigger_time(
    dagbag, airflow_db, airflow_env, engine, fake_hh
):
    at = FRIDAY_EVENING
    fake_hh.add(make_vacancies(30, at - timedelta(hours=14), at - timedelta(hours=1)))
    fake_hh.add(
        make_vacancies(1, at - timedelta(minutes=30), at - timedelta(minutes=29), first_id=300_000_000)
    )
    add_user_and_search(engine)

    dag_run = run_dag(at)

    [row] = audit(engine, dag_run.run_id)
    assert (row["status"], row["trigger"], row["new"]) == ("success", "manual", 31)
    assert row["window_to"] == at  # not the 16:00 slot its data interval ends at
    assert count(engine, "t01_jh_vacancies", "source_id = '300000000'") == 1  # published at 21:30
    assert str(getattr(dag_run.state, "value", dag_run.state)) == "success"


@pytest.mark.slow
def test_a_manual_run_on_monday_before_8_harvests_the_weekend(
    dagbag, airflow_db, airflow_env, engine, fake_hh
):
    at = MONDAY_EARLY
    weekend = (at - timedelta(days=2, hours=14), at - timedelta(minutes=9))  # Friday 17:59 → Monday 07:50
    fake_hh.add(make_vacancies(40, *weekend))
    add_user_and_search(engine)

    dag_run = run_dag(at)

    [row] = audit(engine, dag_run.run_id)
    assert (row["status"], row["new"], row["found"]) == ("success", 40, 40)
    assert row["window_to"] == datetime(2026, 11, 30, 7, 55, tzinfo=UTC)  # hh.ru's 5-minute grid


@pytest.mark.slow
def test_dag_run_harvests_every_search_and_a_captcha_does_not_stop_the_others(
    dagbag, airflow_db, airflow_env, engine, fake_hh, now
):
    fake_hh.add(make_vacancies(120, now - timedelta(days=2), now - timedelta(hours=1)))
    fake_hh.captcha_texts = {"капча"}
    _, ok = add_user_and_search(engine, "alice")
    _, blocked = add_user_and_search(engine, "bob", name="К", text="капча")

    dag_run = run_dag()

    rows = {r["search_id"]: r for r in audit(engine, dag_run.run_id)}
    assert rows[ok]["status"] == "success", rows[ok]["error"]
    assert (rows[ok]["new"], rows[ok]["details_fetched"]) == (120, 120)
    assert rows[ok]["step_stats"]["notify"]["sent"] == 0
    assert rows[blocked]["status"] == "captcha"
    assert count(engine, "t01_jh_vacancies") == 120
    # the run shows red in Airflow, while Telegram delivery still ran for what did land
    assert str(getattr(dag_run.state, "value", dag_run.state)) == "failed"
    states = task_states(dag_run)
    assert (states["outcome"], states["deliver_telegram"]) == ("failed", "success"), states


@pytest.mark.slow
def test_dag_backfill_window_and_a_rerun_changes_nothing(
    dagbag, airflow_db, airflow_env, engine, fake_hh, now
):
    old = now - timedelta(days=6)
    fake_hh.add(make_vacancies(40, old, old + timedelta(hours=20)))
    fake_hh.add(make_vacancies(15, now - timedelta(hours=5), now - timedelta(hours=1), first_id=200_000_000))
    add_user_and_search(engine)
    window = {
        "date_from": (old - timedelta(hours=1)).isoformat(),
        "date_to": (old + timedelta(days=1)).isoformat(),
    }

    first = run_dag(**window)
    [row] = audit(engine, first.run_id)
    assert (row["status"], row["new"], row["found"]) == ("success", 40, 40)  # only that week's window
    before, fetched = snapshot(engine), fake_hh.count("vacancy")

    again = run_dag(**window)

    [row] = audit(engine, again.run_id)
    assert (row["new"], row["updated"], row["details_fetched"]) == (0, 0, 0)
    assert fake_hh.count("vacancy") == fetched
    assert snapshot(engine) == before


def test_hh_housekeeping_contract(dagbag) -> None:
    dag = dagbag.dags["hh_housekeeping"]
    tasks = {t.task_id: t for t in dag.tasks}
    assert set(tasks) == {
        "daily",
        "refresh_dictionaries",
        "recheck_vacancies",
        "prune_raw",
        "deliver_telegram",
        "deliver_reminders",
        "deliver_market_digests",
        "fill_market",
        "rescore_stale",
    }
    assert dag.catchup is False and dag.max_active_runs == 1 and "housekeeping" in dag.tags
    # the daily work hangs off the once-a-day gate; Telegram delivery runs every hour
    assert tasks["daily"].downstream_task_ids == {"refresh_dictionaries"}
    assert tasks["deliver_telegram"].upstream_task_ids == set()
    assert tasks["deliver_reminders"].upstream_task_ids == set()  # application reminders, hourly
    assert tasks["rescore_stale"].upstream_task_ids == set()  # hourly too
    assert tasks["deliver_market_digests"].upstream_task_ids == set()  # weekly digests, looked at hourly
    assert {t for t, task in tasks.items() if task.pool == "hh_api"} == {
        "refresh_dictionaries",
        "recheck_vacancies",
    }


def test_bot_token_may_come_from_an_airflow_variable(airflow_env, monkeypatch) -> None:
    import jobhunter_runtime

    monkeypatch.setenv("AIRFLOW_VAR_JOBHUNTER_TELEGRAM_BOT_TOKEN", "123456:AAEfromAirflowVariable000000")
    jobhunter_runtime.settings.cache_clear()
    assert jobhunter_runtime.settings().telegram_token == "123456:AAEfromAirflowVariable000000"
    monkeypatch.setenv("JH_TELEGRAM_BOT_TOKEN", "654321:AAEfromTheEnvironment0000000")
    from core.settings import get_settings

    get_settings.cache_clear()
    jobhunter_runtime.settings.cache_clear()
    assert (
        jobhunter_runtime.settings().telegram_token == "654321:AAEfromTheEnvironment0000000"
    )  # the environment wins
