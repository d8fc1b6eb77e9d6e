"""
### Job Hunter housekeeping

* **refresh_dictionaries**: currency rates (for the rouble figures), areas and professional
  roles from hh.ru into `t10_jh_dictionaries`.
* **recheck_vacancies**: vacancies no harvest has seen for `JH_RECHECK_AFTER_DAYS` are looked
  up again (at most `JH_RECHECK_LIMIT` a day); those hh.ru reports archived or removed are
  marked closed with the date.
* **prune_raw**: landed hh.ru answers older than `JH_RAW_RETENTION_DAYS` are deleted.
* **deliver_telegram**: closes harvest runs that were killed (their audit row would otherwise
  stay `running` and hold their users' messages back), then sends anything still queued for
  Telegram (a digest after quiet hours, retries of earlier failures); every hour, so digests
  arrive on days without harvests too.
* **deliver_reminders**: every hour, the application reminders due for Telegram — the morning of
  a next step (09:00 local, after quiet hours), an hour before it, and follow-ups 7 and 14 days
  after an application with no answer — each sent exactly once (`t22_jh_application_reminders`).
* **deliver_market_digests**: every hour, «Рынок за неделю» to the users who asked for it, from
  Monday 09:00 their time, once a week each (`t25_jh_market_digests`).
* **fill_market**: every hour, fills the market's tables (`t23`, `t24`) for users whose vacancies
  were stored before they existed (cheap when there are none).
* **rescore_stale**: every hour, finishes any match rescoring a web process left half-done
  (links scored against an older revision of their user's profile).

The daily tasks run in the 05:00 UTC run, before the first harvest of the day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pendulum
from airflow.sdk import dag, get_current_context, task

import jobhunter_runtime as runtime
from etl import housekeeping
from etl.harvest import steps

DAILY_HOUR = 5


@dag(
    dag_id="hh_housekeeping",
    schedule="0 * * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["jobhunter", "hh.ru", "housekeeping"],
    doc_md=__doc__,
    default_args=runtime.default_args(retry_delay=timedelta(minutes=2)),
)
def hh_housekeeping():
    @task(pool=runtime.HH_POOL)
    def refresh_dictionaries() -> list[str]:
        """Currency rates, areas and professional roles."""
        return housekeeping.refresh_dictionaries(runtime.engine(), runtime.settings())

    @task(pool=runtime.HH_POOL)
    def recheck_vacancies() -> dict:
        """Close vacancies hh.ru reports archived or removed."""
        run_id = get_current_context()["dag_run"].run_id
        return housekeeping.recheck_vacancies(runtime.engine(), runtime.settings(), run_id=run_id)

    @task
    def prune_raw() -> int:
        """Drop landed answers past their retention."""
        return housekeeping.prune(runtime.engine(), runtime.settings())

    @task.short_circuit
    def daily() -> bool:
        """The dictionary refresh, re-check and pruning run once a day, in the 05:00 UTC run."""
        return get_current_context()["dag_run"].run_after.hour == DAILY_HOUR

    @task(trigger_rule="none_failed")
    def deliver_telegram() -> dict:
        """Send queued Telegram messages that are now due."""
        return steps.deliver(runtime.engine(), runtime.settings())

    @task
    def deliver_reminders() -> dict:
        """Send the application reminders now due (next steps, follow-ups)."""
        from etl.telegram.reminders import deliver_reminders as deliver

        return deliver(runtime.engine(), runtime.settings(), datetime.now(UTC))

    @task
    def deliver_market_digests() -> dict:
        """Send the weekly market digests now due."""
        from etl.telegram.digest import deliver_digests

        return deliver_digests(runtime.engine(), runtime.settings(), datetime.now(UTC))

    @task
    def fill_market() -> int:
        """Fill the market's tables for vacancies stored before they existed."""
        return housekeeping.fill_market(runtime.engine())

    @task
    def rescore_stale() -> dict:
        """Bring match scores left stale by a killed rescoring up to date."""
        return housekeeping.rescore_stale(runtime.engine())

    daily() >> refresh_dictionaries() >> recheck_vacancies() >> prune_raw()
    deliver_telegram()
    deliver_reminders()
    deliver_market_digests()
    fill_market()
    rescore_stale()


hh_housekeeping()
