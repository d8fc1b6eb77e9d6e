"""
### hh.ru vacancies, every weekday hour

Harvests every active saved search from the hh.ru API into PostgreSQL, one mapped task group
per search: **extract** (search pages, verbatim into the landing table) → **load** (transform
and upsert) → **details** (full text of new or changed vacancies) → **notify** (Telegram) →
**finish** (close the audit row in `t02_jh_etl`, move the search's watermark). XCom carries
only small job descriptions and counts. Every task is idempotent: clearing and re-running a
task or the whole run leaves the same database.

**Schedule.** `0 8-16 * * 1-5` in UTC: on the hour from 08:00 to 16:00, Monday to Friday.
The timetable is deliberately `CronDataIntervalTimetable`, not the default cron trigger
timetable: Airflow 3's `CronTriggerTimetable` gives a run no data interval, and a backfill must
know which publication window it stands for. With intervals, the run at 09:00 covers
[08:00, 09:00) and Monday 08:00 covers [Friday 16:00, Monday 08:00).

**Windows.** Scheduled and manual runs are incremental: each search from its watermark minus
`JH_HH_OVERLAP_MINUTES` up to the run's time. Backfills (`airflow backfill create --dag-id
hh_vacancies --from-date … --to-date …`, or the UI) harvest each backfilled run's data interval.
The trigger form can name searches, give an explicit window, or ask for a dry run (logs each
search's window and what hh.ru finds, writes nothing).

**Limits.** Tasks that call hh.ru run in the `hh_api` pool, so at most (pool slots ×
`JH_HH_CONCURRENCY`) requests are in flight across all tasks; one active run at a time.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, get_current_context, task, task_group

import jobhunter_runtime as runtime
from etl import jobs

SCHEDULE = "0 8-16 * * 1-5"


def _run(step, job: dict) -> dict:
    return step(runtime.engine(), runtime.settings(), job)


@dag(
    dag_id="hh_vacancies",
    schedule=CronDataIntervalTimetable(SCHEDULE, timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["jobhunter", "hh.ru", "harvest"],
    doc_md=__doc__,
    default_args=runtime.default_args(
        retry_delay=timedelta(minutes=1), max_retry_delay=timedelta(minutes=15)
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
        "dry_run": Param(False, type="boolean", description="Only log windows and what hh.ru finds."),
    },
)
def hh_vacancies():
    @task(pool=runtime.HH_POOL)
    def plan() -> list[dict]:
        """One job per saved search: its window and trigger (refreshes stale dictionaries)."""
        context = get_current_context()
        dag_run, params = context["dag_run"], context["params"]
        start, end = context.get("data_interval_start"), context.get("data_interval_end")
        return jobs.plan(
            runtime.engine(),
            runtime.settings(),
            run_id=dag_run.run_id,
            run_type=str(dag_run.run_type.value if hasattr(dag_run.run_type, "value") else dag_run.run_type),
            now=end or dag_run.run_after,
            data_interval=(start, end) if start and end and end > start else None,
            search_ids=params["search_ids"],
            date_from=params["date_from"],
            date_to=params["date_to"],
            dry_run=params["dry_run"],
        )

    @task_group
    def harvest(job: dict):
        @task(pool=runtime.HH_POOL)
        def extract(job: dict) -> dict:
            """Land every search page of the job's window."""
            return _run(jobs.extract, job)

        @task
        def load(job: dict) -> dict:
            """Transform and upsert the landed items."""
            return _run(jobs.load, job)

        @task(pool=runtime.HH_POOL, execution_timeout=timedelta(hours=1))
        def details(job: dict) -> dict:
            """Fetch full vacancies that are new or changed."""
            return _run(jobs.details, job)

        @task
        def notify(job: dict) -> dict:
            """Tell the search's owner what is new."""
            return _run(jobs.notify, job)

        @task(trigger_rule="all_done", retries=5)
        def finish(job: dict) -> str:
            """Close the audit row, also after a failed step."""
            return jobs.finish(runtime.engine(), runtime.settings(), job)

        notify(details(load(extract(job)))) >> finish(job)

    @task(trigger_rule="all_done")
    def deliver_telegram() -> dict:
        """After every search: send what is still queued (e.g. a run limited to some searches)."""
        return jobs.deliver_telegram(runtime.engine(), runtime.settings())

    harvest.expand(job=plan()) >> deliver_telegram()


hh_vacancies()
