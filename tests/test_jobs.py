"""The Airflow-facing jobs without Airflow: re-runs of single tasks, housekeeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.schema import vacancies
from etl import housekeeping
from tests import harvesting as jobs
from tests.helpers import add_user_and_search, audit, count, snapshot
from tests.helpers import vacancies as make_vacancies


def plan_one(engine, settings, run_id="scheduled__2026-11-24T09:00:00+00:00", **kwargs):
    [job] = jobs.plan_jobs(engine, settings, run_id, run_type="scheduled", now=datetime.now(UTC), **kwargs)
    return job


def test_clearing_and_rerunning_any_task_changes_nothing(engine, settings_factory, fake_hh, last_day):
    fake_hh.add(make_vacancies(60, *last_day))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url)
    job = plan_one(engine, settings)
    for step in (jobs.extract, jobs.load, jobs.details, jobs.notify):
        job = step(engine, settings, job)
    assert jobs.finish(engine, settings, job) == "success"
    before, audit_before, fetched = snapshot(engine), audit(engine, job["run_id"]), fake_hh.count("vacancy")

    for step in (jobs.load, jobs.details, jobs.load, jobs.notify):  # cleared tasks, run again
        step(engine, settings, job)
    jobs.finish(engine, settings, job)

    assert snapshot(engine) == before
    assert fake_hh.count("vacancy") == fetched
    [after] = audit(engine, job["run_id"])
    keep = ("status", "new", "updated", "unchanged", "details_fetched", "found", "received")
    assert {k: after[k] for k in keep} == {k: audit_before[0][k] for k in keep}


def test_a_failed_step_is_recorded_and_the_run_closes_as_failed(engine, settings_factory, fake_hh, last_day):
    fake_hh.add(make_vacancies(5, *last_day))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url)
    job = plan_one(engine, settings)
    job = jobs.extract(engine, settings, job)
    broken = job | {"window_from": job["window_to"]}  # an impossible window: the step raises

    with pytest.raises(ValueError, match="empty"):
        jobs.load(engine, settings, broken)
    status = jobs.finish(engine, settings, job)

    [row] = audit(engine, job["run_id"])
    assert status == "failed" and row["status"] == "failed"
    assert "ValueError" in row["error"]


def test_dry_run_plans_nothing_and_writes_nothing(engine, settings_factory, fake_hh, last_day):
    fake_hh.add(make_vacancies(5, *last_day))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url)
    planned = jobs.plan_jobs(engine, settings, "manual__x", run_type="manual", dry_run=True)
    assert planned == []
    assert count(engine, "t02_jh_etl") == 0 and count(engine, "t01_jh_vacancies") == 0
    assert fake_hh.count("search") == 1  # one look at what hh.ru finds


def test_housekeeping_closes_removed_and_archived_vacancies(engine, settings_factory, fake_hh, last_day):
    batch = make_vacancies(6, *last_day)
    fake_hh.add(batch)
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url, recheck_after_days=2)
    job = plan_one(engine, settings)
    for step in (jobs.extract, jobs.load, jobs.details):
        job = step(engine, settings, job)
    with engine.begin() as conn:  # nobody has seen them for a week
        conn.execute(vacancies.update().values(last_seen_at=datetime.now(UTC) - timedelta(days=7)))
    with engine.begin() as conn:
        conn.execute(housekeeping.raw.delete())
    fake_hh.remove(batch[0]["id"])
    fake_hh.update(batch[1]["id"], archived=True)

    first = housekeeping.recheck_vacancies(engine, settings, run_id="housekeeping__1")
    second = housekeeping.recheck_vacancies(engine, settings, run_id="housekeeping__2")

    assert first == {"hh": {"checked": 6, "closed": 2, "failed": 0}}  # the boards that run
    assert second["hh"]["checked"] == 0  # looked at recently: not asked again
    with engine.connect() as conn:
        closed = dict(conn.execute(select(vacancies.c.source_id, vacancies.c.closed_at.is_not(None))).all())
    assert closed == {str(v["id"]): v in batch[:2] for v in batch}
    assert count(engine, "t01_jh_vacancies", "archived") == 2


def test_dictionaries_refresh_is_forced_daily(engine, settings_factory, fake_hh):
    settings = settings_factory(hh_base_url=fake_hh.url)
    assert housekeeping.refresh_dictionaries(engine, settings) == [
        "dictionaries",
        "areas",
        "professional_roles",
    ]
    assert housekeeping.refresh_dictionaries(engine, settings) == [
        "dictionaries",
        "areas",
        "professional_roles",
    ]
    assert fake_hh.count("dictionaries") == 2
