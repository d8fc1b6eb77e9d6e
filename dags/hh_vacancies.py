"""
### Vacancies from every board, every weekday hour

Harvests every active saved search on each of its boards (hh.ru, «Работа России» (Trudvsem),
SuperJob: `JH_SOURCES`) into PostgreSQL, one mapped task group per board with one task
instance per search: **extract** (search pages, verbatim into the landing table) → **load**
(transform and upsert; Trudvsem's and SuperJob's items carry the full text) → **details** (hh.ru:
full text of new or changed vacancies) → **notify** (Telegram) → **finish** (close the audit row
in `t02_jh_etl`, move the search's cursor on that board). A captcha on hh.ru stops only hh.ru's
jobs. XCom carries only small job descriptions and counts. The DAG keeps its first id,
`hh_vacancies`, so the history of earlier runs stays where it was. Every task is idempotent:
clearing and re-running a task or the whole run leaves the same database.

**Schedule.** `0 8-16 * * 1-5` in UTC: on the hour from 08:00 to 16:00, Monday to Friday.
The timetable is deliberately `CronDataIntervalTimetable`, not the default cron trigger
timetable: Airflow 3's `CronTriggerTimetable` gives a run no data interval, and a backfill must
know which publication window it stands for. With intervals, the run at 09:00 covers
[08:00, 09:00) and Monday 08:00 covers [Friday 16:00, Monday 08:00).

**Windows** (one policy for Airflow and the CLI: `etl/harvest/plan.py`). Scheduled and manual
runs are incremental: each search on each board from its cursor minus `JH_HH_OVERLAP_MINUTES` (a first run:
the last `JH_HH_INITIAL_LOOKBACK_DAYS`, default 30) up to the run's time — the end of the data
interval for a scheduled run, the trigger time for a manual one (UI, REST API). Backfills
(`airflow backfill create --dag-id hh_vacancies --from-date … --to-date …`, or the UI) harvest
each backfilled run's data interval.
The trigger form can name searches, give an explicit window, or ask for a dry run (logs each
job's window and what its board finds, writes nothing).

**State.** A run whose harvest failed or is partial (captcha, token, unfetched full texts) ends
*failed*: the `outcome` task says which search on which board and why, after Telegram delivery
has run for what did land.

**Limits.** Tasks that call a board run in its pool (`hh_api`, `trudvsem_api`, `superjob_api`),
so at most (pool slots × `JH_<BOARD>_CONCURRENCY`) requests are in flight on a board across all
tasks, each within the board's rate limit; one active run at a time.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, get_current_context, task, task_group
from airflow.sdk.exceptions import AirflowFailException

import jobhunter_runtime as runtime
from etl.harvest import plan as harvest_plan
from etl.harvest import steps
from etl.harvest.plan import Job
from etl.sources.base import SOURCES

SCHEDULE = "0 8-16 * * 1-5"


def _step(name: str, job: dict) -> dict:
    return steps.run_task(runtime.engine(), runtime.settings(), name, job)


@dag(
    dag_id="hh_vacancies",
    schedule=CronDataIntervalTimetable(SCHEDULE, timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["jobhunter", "hh.ru", "trudvsem", "superjob", "harvest"],
    doc_md=__doc__,
    default_args=runtime.default_args(
        retry_delay=runtime.first_retry_delay(),
        max_retry_delay=timedelta(minutes=15),
    ),
    params={
        "search_ids": Param(
            [],
            type="array",
            items={"type": "integer"},
            description="Saved search ids to harvest; empty means every active one.",
        ),
        "date_from": Param(
            None, type=["null", "string"], description="Explicit window start (ISO date/time)."
        ),
        "date_to": Param(None, type=["null", "string"], description="Explicit window end (ISO date/time)."),
        "dry_run": Param(False, type="boolean", description="Only log windows and what each board finds."),
    },
)
def hh_vacancies():
    @task(pool=runtime.HH_POOL)
    def plan() -> list[dict]:
        """One job per saved search and board, with its window (refreshes stale dictionaries)."""
        context = get_current_context()
        dag_run, params = context["dag_run"], context["params"]
        run_type = dag_run.run_type
        request = harvest_plan.RunRequest.from_airflow(
            run_id=dag_run.run_id,
            run_type=str(getattr(run_type, "value", run_type)),
            run_after=dag_run.run_after,
            data_interval=(context.get("data_interval_start"), context.get("data_interval_end")),
            search_ids=params["search_ids"],
            date_from=params["date_from"],
            date_to=params["date_to"],
            dry_run=params["dry_run"],
        )
        return [j.as_dict() for j in harvest_plan.plan(runtime.engine(), runtime.settings(), request)]

    @task
    def jobs_of(jobs: list[dict], source: str) -> list[dict]:
        """The plan's jobs on one board."""
        return [j for j in jobs if j["source"] == source]

    def harvest_on(source: str):
        pool = runtime.POOLS[source]

        @task_group(group_id=f"harvest_{source}")
        def harvest(job: dict):
            @task(pool=pool)
            def extract(job: dict) -> dict:
                """Open the audit row and land every search page of the job's window."""
                return _step("extract", job)

            @task
            def load(job: dict) -> dict:
                """Transform and upsert the landed items."""
                return _step("load", job)

            @task(pool=pool, execution_timeout=timedelta(hours=1))
            def details(job: dict) -> dict:
                """Fetch full vacancies that are new or changed (hh.ru)."""
                return _step("details", job)

            @task
            def notify(job: dict) -> dict:
                """Tell the search's owner what is new."""
                return _step("notify", job)

            @task(trigger_rule="all_done", retries=5)
            def finish(job: dict) -> str:
                """Close the audit row, also after a failed step."""
                return steps.finish(runtime.engine(), runtime.settings(), Job.of(job))

            notify(details(load(extract(job)))) >> finish(job)

        return harvest

    @task(trigger_rule="all_done")
    def deliver_telegram() -> dict:
        """After every search: send what is still queued (e.g. a run limited to some searches)."""
        return steps.deliver(runtime.engine(), runtime.settings())

    @task(trigger_rule="all_done")  # a board with no jobs is skipped: that is no reason to skip this
    def outcome() -> str:
        """Fail the run when any search did not harvest completely (the audit log says why)."""
        ok, summary = steps.run_outcome(runtime.engine(), get_current_context()["dag_run"].run_id)
        if not ok:
            raise AirflowFailException(summary)
        return summary

    planned = plan()
    delivered, verdict = deliver_telegram(), outcome()
    for source in SOURCES:
        board_jobs = jobs_of.override(task_id=f"jobs_{source}")(planned, source)
        harvested = harvest_on(source).expand(job=board_jobs)
        harvested >> delivered >> verdict
        harvested >> verdict


hh_vacancies()
