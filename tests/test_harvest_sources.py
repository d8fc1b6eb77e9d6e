"""The harvest of Trudvsem and SuperJob end to end: their fakes over real HTTP into real PostgreSQL,
through the product's entry points (:mod:`tests.harvesting`, the housekeeping recheck, the registry).

What is checked for each board: a harvest past its cap is complete and its audit row says found
and received as they were; every vacancy is stored with its board's id, monthly roubles, the hh.ru
area where one maps and its full text (from the search items: no full-vacancy requests); a re-run
of the same window changes nothing; faults lose nothing and a failed job leaves the cursor where it
was; a closed vacancy is closed; a board's captcha stops that board only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from core.schema import details, search_cursors, user_vacancies, vacancies
from core.settings import Settings
from domain.sources import statuses
from etl.harvest.plan import Job
from etl.harvest.steps import run_outcome
from etl.housekeeping import recheck_vacancies
from etl.transform import currency_rates
from etl.windows import Window
from testing.fakes.hh import DICTIONARIES, FakeHH
from testing.fakes.superjob import FakeSuperJob, superjob_vacancies
from testing.fakes.trudvsem import FakeTrudvsem, trudvsem_vacancies
from tests import harvesting as dag
from tests.conftest import run_cli
from tests.harvesting import harvest
from tests.helpers import add_user_and_search, audit, count, snapshot
from tests.helpers import vacancies as hh_vacancies

KEY = "v3.r.itest-key"
# The fakes' regions and towns as hh.ru area ids: from the adapters' tables, else by name in the
# fake hh.ru's /areas tree; None where neither knows the place.
TRUDVSEM_AREAS = {
    "7700000000000": "1",
    "7800000000000": "2",
    "6600000000000": "1261",
    "1600000000000": "1624",
    "5400000000000": "1202",
    "0100000000000": None,
    "8900000000000": None,
}
SUPERJOB_AREAS = {4: "1", 14: "2", 33: "3", 99: "88", 1057: None}
USD = currency_rates(DICTIONARIES)["USD"]


@pytest.fixture
def trudvsem() -> Iterator[FakeTrudvsem]:
    with FakeTrudvsem() as fake:
        yield fake


@pytest.fixture
def superjob() -> Iterator[FakeSuperJob]:
    with FakeSuperJob(app_key=KEY) as fake:
        yield fake


def board_settings(
    settings_factory, fake_hh: FakeHH, sources: str, *, extra: dict[str, Any] | None = None, **fakes: Any
) -> Settings:
    """Settings harvesting ``sources`` on the given fakes; hh.ru (whose dictionaries every board
    maps onto) is the fake hh.ru."""
    values: dict[str, Any] = {"sources": sources, "hh_base_url": fake_hh.url}
    if "trudvsem" in fakes:
        values |= {
            "trudvsem_base_url": fakes["trudvsem"].base_url,
            "trudvsem_rate_limit": 1000,
            "trudvsem_concurrency": 4,
            "trudvsem_timeout": 10,
        }
    if "superjob" in fakes:
        values |= {
            "superjob_base_url": fakes["superjob"].base_url,
            "superjob_app_key": KEY,
            "superjob_rate_limit": 1000,
            "superjob_concurrency": 4,
            "superjob_timeout": 10,
        }
    return settings_factory(**(values | (extra or {})))


def trudvsem_id(v: dict[str, Any]) -> str:
    return f"{v['company']['companycode']}/{v['id']}"


def stored(engine: Engine, source: str) -> dict[str, dict[str, Any]]:
    """The stored vacancies of a board with their full text, by the board's id."""
    query = (
        select(vacancies, details.c.description_safe, details.c.description_text)
        .outerjoin(details, details.c.vacancy_id == vacancies.c.id)
        .where(vacancies.c.source == source)
    )
    with engine.connect() as conn:
        return {r.source_id: dict(r._mapping) for r in conn.execute(query)}


def cursor(engine: Engine, search_id: int, source: str) -> datetime | None:
    with engine.connect() as conn:
        return conn.execute(
            select(search_cursors.c.watermark).where(
                search_cursors.c.search_id == search_id, search_cursors.c.source == source
            )
        ).scalar()


def linked(engine: Engine, user_id: int) -> set[int]:
    with engine.connect() as conn:
        rows = conn.execute(select(user_vacancies.c.vacancy_id).where(user_vacancies.c.user_id == user_id))
        return set(rows.scalars())


def only_row(engine: Engine, run_id: str, source: str) -> dict[str, Any]:
    [row] = [r for r in audit(engine, run_id) if r["source"] == source]
    return row


def check_trudvsem_rows(rows: dict[str, dict[str, Any]], fake: FakeTrudvsem) -> None:
    """Every vacancy of the fake is stored as the board published it."""
    published = {trudvsem_id(v): v for v in fake.stored()}
    assert set(rows) == set(published)
    for source_id, v in published.items():
        row = rows[source_id]
        low, high = v["salary_min"] or None, v["salary_max"] or None
        high = None if high == low else high  # «от N» is written as min = max
        assert (row["salary_from_rub"], row["salary_to_rub"]) == (low, high), source_id
        assert row["salary_mode"] == ("MONTH" if low or high else None)
        assert row["area_id"] == TRUDVSEM_AREAS[v["region"]["region_code"]]
        assert row["employer_inn"] == v["company"]["inn"]
        assert row["url"] == v["vac_url"] and row["name"] == v["job-name"]
        number = v["job-name"].rsplit("№", 1)[1]
        assert f"Обязанности {number}" in row["description_text"]
        assert "<script" not in row["description_safe"]


def check_superjob_rows(rows: dict[str, dict[str, Any]], fake: FakeSuperJob) -> None:
    published = {str(v["id"]): v for v in fake.stored()}
    assert set(rows) == set(published)
    for source_id, v in published.items():
        row = rows[source_id]
        rate = 1.0 if v["currency"] == "rub" else USD
        low, high = (round(v[k] / rate) if v[k] else None for k in ("payment_from", "payment_to"))
        assert (row["salary_from_rub"], row["salary_to_rub"]) == (low, high), source_id
        assert row["area_id"] == SUPERJOB_AREAS[v["town"]["id"]]
        assert row["url"] == v["link"] and row["name"] == v["profession"]
        number = v["profession"].rsplit("№", 1)[1]
        assert f"Обязанности {number}" in row["description_text"]
        assert "onerror" not in row["description_safe"]
        assert row["closed_at"] is None


# -- complete past the cap -------------------------------------------------------------------------


def test_trudvsem_past_its_deep_pages_is_harvested_completely_region_by_region(
    engine, settings_factory, fake_hh, trudvsem, last_day, window
):
    trudvsem.add(trudvsem_vacancies(1500, *last_day))
    trudvsem.deep_from = 8  # pages from 8 on answer HTTP 500: 800 of 1,500 reachable as one query
    user_id, search_id = add_user_and_search(engine)
    settings = board_settings(settings_factory, fake_hh, "trudvsem", trudvsem=trudvsem)

    run_id = harvest(engine, settings, window=window)

    row = only_row(engine, run_id, "trudvsem")
    assert row["status"] == "success", row["error"]
    assert (row["found"], row["received"], row["new"], row["updated"]) == (1500, 1500, 1500, 0)
    assert any("by region" in note for note in row["step_stats"]["extract"]["notes"])
    # the full texts came with the items: stored, and no single vacancy was asked for
    assert row["details_fetched"] == 1500 and "/vacancy/" not in " ".join(r.path for r in trudvsem.requests)
    assert row["http_requests"] == len(trudvsem.requests)  # the audit counts what the board saw
    rows = stored(engine, "trudvsem")
    check_trudvsem_rows(rows, trudvsem)
    assert count(engine, "t06_jh_details") == 1500
    assert linked(engine, user_id) == {r["id"] for r in rows.values()}
    assert count(engine, "t08_jh_user_vacancies", f"search_ids = '{{{search_id}}}'") == 1500
    assert cursor(engine, search_id, "trudvsem") == window.end


def test_trudvsem_says_so_when_a_region_stays_beyond_its_depth(
    engine, settings_factory, fake_hh, trudvsem, last_day, window
):
    trudvsem.add(trudvsem_vacancies(600, *last_day))
    trudvsem.deep_from = 2  # 200 per query: Москва (~40 %) stays beyond reach
    trudvsem.modified_fails = True  # so its days cannot be asked apart either
    _, search_id = add_user_and_search(engine)
    settings = board_settings(settings_factory, fake_hh, "trudvsem", trudvsem=trudvsem)

    row = only_row(engine, harvest(engine, settings, window=window), "trudvsem")

    assert row["status"] == "partial" and "region/7700000000000" in row["error"]
    assert row["found"] == 600 and row["received"] == count(engine, "t01_jh_vacancies") < 600
    assert cursor(engine, search_id, "trudvsem") is None  # the next run reads the window again


def test_superjob_past_depth_500_is_harvested_completely_by_splitting_the_window(
    engine, settings_factory, fake_hh, superjob, last_day, window
):
    superjob.add(superjob_vacancies(2000, *last_day))
    user_id, search_id = add_user_and_search(engine)
    settings = board_settings(settings_factory, fake_hh, "superjob", superjob=superjob)

    run_id = harvest(engine, settings, window=window)

    row = only_row(engine, run_id, "superjob")
    assert row["status"] == "success", row["error"]
    assert (row["found"], row["received"], row["new"], row["updated"]) == (2000, 2000, 2000, 0)
    searches = [r for r in superjob.requests if r.path == "/2.0/vacancies/"]
    assert len(searches) == len(superjob.requests) == row["http_requests"]  # no full-vacancy request
    assert all(r.status == 200 and int(r.query["page"][0]) < 5 for r in searches)  # never past 500
    assert row["details_fetched"] == 2000  # the full texts came with the items
    rows = stored(engine, "superjob")
    check_superjob_rows(rows, superjob)
    assert count(engine, "t06_jh_details") == 2000
    assert linked(engine, user_id) == {r["id"] for r in rows.values()}
    assert cursor(engine, search_id, "superjob") == window.end


def test_superjob_says_so_when_five_minutes_hold_more_than_it_serves(
    engine, settings_factory, fake_hh, superjob, window
):
    slot = window.start + timedelta(hours=3)  # aligned: one 5-minute slice that cannot split
    superjob.add(superjob_vacancies(600, slot, slot + timedelta(minutes=4)))
    _, search_id = add_user_and_search(engine)
    settings = board_settings(settings_factory, fake_hh, "superjob", superjob=superjob)

    row = only_row(engine, harvest(engine, settings, window=window), "superjob")

    assert row["status"] == "partial" and "cannot split" in row["error"]
    assert (row["found"], row["received"]) == (600, 500) == (600, count(engine, "t01_jh_vacancies"))
    assert cursor(engine, search_id, "superjob") is None


# -- a re-run changes nothing ------------------------------------------------------------------------


@pytest.mark.parametrize("board", ["trudvsem", "superjob"])
def test_a_second_run_over_the_same_window_changes_nothing(
    engine, settings_factory, fake_hh, trudvsem, superjob, last_day, window, board
):
    fake = trudvsem if board == "trudvsem" else superjob
    fake.add(
        trudvsem_vacancies(700, *last_day) if board == "trudvsem" else superjob_vacancies(700, *last_day)
    )
    trudvsem.deep_from = 4  # both past their caps: Trudvsem by region, SuperJob (500) by slices
    add_user_and_search(engine)
    settings = board_settings(settings_factory, fake_hh, board, **{board: fake})
    harvest(engine, settings, window=window)
    before = snapshot(engine)
    counts = {t: count(engine, t) for t in ("t01_jh_vacancies", "t06_jh_details", "t08_jh_user_vacancies")}

    row = only_row(engine, harvest(engine, settings, window=window), board)

    assert row["status"] == "success", row["error"]
    assert (row["found"], row["new"], row["updated"], row["unchanged"]) == (700, 0, 0, 700)
    assert row["step_stats"]["load"]["linked"] == 0
    if board == "trudvsem":  # past the cap again
        assert any("by region" in note for note in row["step_stats"]["extract"]["notes"])
    else:
        assert len({r.query["date_published_from"][0] for r in superjob.requests}) > 1
    assert {t: count(engine, t) for t in counts} == counts == dict.fromkeys(counts, 700)
    assert snapshot(engine) == before


# -- faults --------------------------------------------------------------------------------------------


def test_trudvsem_faults_are_retried_and_an_outage_moves_no_cursor(
    engine, settings_factory, fake_hh, trudvsem, now
):
    first = trudvsem_vacancies(250, now - timedelta(hours=20), now - timedelta(hours=3), seed=1)
    trudvsem.add(first)
    user_id, search_id = add_user_and_search(engine)
    # five retries: the four faults below may all land on one page
    settings = board_settings(
        settings_factory, fake_hh, "trudvsem", trudvsem=trudvsem, extra={"hh_max_retries": 5}
    )
    trudvsem.fault(2, 503)
    trudvsem.fault(1, 0)  # a dropped connection
    trudvsem.fault(1, 200, {"status": "500", "request": {"api": "v1"}, "meta": {"error": "Internal error"}})
    trudvsem.latency = 0.05

    ok = only_row(engine, harvest(engine, settings, now=now - timedelta(hours=2)), "trudvsem")

    assert ok["status"] == "success", ok["error"]
    assert ok["retries"] >= 2 and (ok["found"], ok["new"]) == (250, 250)
    watermark = cursor(engine, search_id, "trudvsem")
    assert watermark is not None
    # an outage: nothing answers, every retry fails
    trudvsem.latency = 0.0
    later = trudvsem_vacancies(40, now - timedelta(hours=2), now - timedelta(minutes=30), seed=2)
    trudvsem.add(later)
    down = settings.model_copy(update={"trudvsem_base_url": "http://127.0.0.1:9/api/v1"})

    failed = only_row(engine, harvest(engine, down, now=now - timedelta(hours=1)), "trudvsem")

    assert failed["status"] == "failed" and "trudvsem kept failing" in failed["error"]
    assert cursor(engine, search_id, "trudvsem") == watermark
    # the next run reads from the cursor again and gets everything
    again = only_row(engine, harvest(engine, settings, now=now), "trudvsem")

    assert again["status"] == "success", again["error"]
    assert again["new"] == 40
    assert count(engine, "t01_jh_vacancies") == 290 == len(linked(engine, user_id))
    assert cursor(engine, search_id, "trudvsem") > watermark
    check_trudvsem_rows(stored(engine, "trudvsem"), trudvsem)


def test_trudvsem_a_job_timing_out_is_retried_as_a_task_and_then_completes(
    engine, settings_factory, fake_hh, trudvsem, last_day
):
    trudvsem.add(trudvsem_vacancies(300, *last_day))
    user_id, search_id = add_user_and_search(engine)
    settings = board_settings(
        settings_factory, fake_hh, "trudvsem", trudvsem=trudvsem, extra={"trudvsem_timeout": 0.2}
    )
    [planned] = dag.plan_jobs(engine, settings, "manual__retry", run_type="manual")
    trudvsem.latency = 1.0  # slower than the client waits: every attempt times out

    job = planned
    for step in (dag.extract, dag.load, dag.details, dag.notify):
        job = step(engine, settings, job)

    assert (dag.finish(engine, settings, job), job["extract"]["status"]) == ("failed", "failed")
    assert "trudvsem kept failing" in job["extract"]["error"] and "Timeout" in job["extract"]["error"]
    assert cursor(engine, search_id, "trudvsem") is None and count(engine, "t01_jh_vacancies") == 0
    # the board answers in time again: the job's tasks are cleared and run again
    trudvsem.latency = 0.0
    job = planned
    for step in (dag.extract, dag.load, dag.details, dag.notify):
        job = step(engine, settings, job)

    assert dag.finish(engine, settings, job) == "success"
    row = only_row(engine, "manual__retry", "trudvsem")
    assert (row["status"], row["found"], row["received"], row["new"], row["error"]) == (
        "success",
        300,
        300,
        300,
        None,
    )
    assert cursor(engine, search_id, "trudvsem") == Job.of(planned).window.end
    assert len(linked(engine, user_id)) == 300
    check_trudvsem_rows(stored(engine, "trudvsem"), trudvsem)


class FlakySuperJob(FakeSuperJob):
    """SuperJob that answers ``fail_after`` searches, then 503 to every one (None: never fails)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fail_after: int | None = None
        self.served = 0

    def _answer(self, path: str, query: dict[str, list[str]], headers: dict[str, str]):
        if path == "/2.0/vacancies/" and self.fail_after is not None:
            with self._lock:
                self.served += 1
                if self.served > self.fail_after:
                    return 503, b"<html>503 Service Unavailable</html>", {}
        return super()._answer(path, query, headers)


def test_superjob_a_job_failing_midway_keeps_its_pages_and_the_next_run_completes(
    engine, settings_factory, fake_hh, now
):
    published = superjob_vacancies(1200, now - timedelta(hours=20), now - timedelta(hours=2))
    with FlakySuperJob(published, app_key=KEY) as sj:
        user_id, search_id = add_user_and_search(engine)
        settings = board_settings(settings_factory, fake_hh, "superjob", superjob=sj)
        # the first query (1,200: split in three) and a few slices' pages, then it fails for good
        sj.fail_after = 4
        window = Window.aligned(now - timedelta(hours=21), now - timedelta(hours=1))

        failed = only_row(engine, harvest(engine, settings, window=window), "superjob")

        assert failed["status"] == "failed" and "superjob kept failing" in failed["error"]
        kept = count(engine, "t01_jh_vacancies")
        assert 0 < kept == failed["received"] == failed["new"] < 1200  # what came is stored
        assert failed["found"] == 1200 and cursor(engine, search_id, "superjob") is None
        # the board is back, after a burst the retries absorb
        sj.fail_after = None
        sj.fault(2, 502)
        sj.latency = 0.02

        again = only_row(engine, harvest(engine, settings, window=window), "superjob")

        assert again["status"] == "success", again["error"]
        assert again["retries"] >= 2 and (again["new"], again["unchanged"]) == (1200 - kept, kept)
        assert count(engine, "t01_jh_vacancies") == 1200 == len(linked(engine, user_id))
        assert cursor(engine, search_id, "superjob") == window.end
        check_superjob_rows(stored(engine, "superjob"), sj)


# -- closed vacancies ----------------------------------------------------------------------------------


def test_superjob_closed_or_archived_in_a_search_item_is_closed(
    engine, settings_factory, fake_hh, superjob, last_day, window
):
    batch = superjob_vacancies(30, *last_day)
    superjob.add(batch)
    user_id, _ = add_user_and_search(engine)
    settings = board_settings(settings_factory, fake_hh, "superjob", superjob=superjob)
    harvest(engine, settings, window=window)
    closed_id, archived_id = str(batch[3]["id"]), str(batch[7]["id"])
    superjob.update(closed_id, is_closed=True)
    superjob.update(archived_id, is_archive=True, date_archived=batch[7]["date_published"] + 60)
    superjob.closed_in_search = True

    row = only_row(engine, harvest(engine, settings, window=window), "superjob")

    assert row["status"] == "success", row["error"]
    assert row["step_stats"]["load"]["closed"] == 2
    rows = stored(engine, "superjob")
    assert {sid for sid, r in rows.items() if r["closed_at"] is not None} == {closed_id, archived_id}
    assert all(rows[sid]["archived"] for sid in (closed_id, archived_id))
    before = snapshot(engine)

    again = only_row(engine, harvest(engine, settings, window=window), "superjob")

    assert again["status"] == "success" and (again["new"], again["updated"]) == (0, 0)
    assert snapshot(engine) == before  # closed stays closed, nothing rewritten
    assert len(linked(engine, user_id)) == 30  # the links of the first run stay


def test_trudvsem_housekeeping_closes_a_vacancy_whose_page_answers_404(
    engine, settings_factory, fake_hh, trudvsem, now
):
    start = now - timedelta(days=12)
    batch = trudvsem_vacancies(20, start, start + timedelta(days=1))
    trudvsem.add(batch)
    add_user_and_search(engine)
    settings = board_settings(settings_factory, fake_hh, "trudvsem", trudvsem=trudvsem)
    old = Window.aligned(start - timedelta(hours=1), start + timedelta(days=1, hours=1))
    harvest(engine, settings, window=old)  # last seen 11 days ago
    gone = batch[4]
    trudvsem.remove(gone["id"])
    trudvsem.requests.clear()

    figures = recheck_vacancies(engine, settings.model_copy(update={"recheck_after_days": 7}), run_id="hk_1")

    assert figures == {"trudvsem": {"checked": 20, "closed": 1, "failed": 0}}
    assert {r.path.split("/vacancy/")[1] for r in trudvsem.requests} == {trudvsem_id(v) for v in batch}
    rows = stored(engine, "trudvsem")
    assert {sid for sid, r in rows.items() if r["closed_at"] is not None} == {trudvsem_id(gone)}
    # asked once: the next recheck leaves the vacancies it just looked up alone
    assert recheck_vacancies(
        engine, settings.model_copy(update={"recheck_after_days": 7}), run_id="hk_2"
    ) == {"trudvsem": {"checked": 0, "closed": 0, "failed": 0}}


# -- several boards ------------------------------------------------------------------------------------


def test_a_captcha_on_hh_stops_hh_only_and_trudvsem_harvests(
    engine, settings_factory, fake_hh, trudvsem, last_day, window
):
    fake_hh.add(hh_vacancies(30, *last_day))
    trudvsem.add(trudvsem_vacancies(120, *last_day))
    fake_hh.captcha_after["search"] = 0  # hh.ru wants a human for every search
    user_id, search_id = add_user_and_search(engine, sources=["hh", "trudvsem"])
    settings = board_settings(settings_factory, fake_hh, "hh,trudvsem", trudvsem=trudvsem)

    run_id = harvest(engine, settings, window=window)

    rows = {r["source"]: r for r in audit(engine, run_id)}
    assert set(rows) == {"hh", "trudvsem"} and {r["search_id"] for r in rows.values()} == {search_id}
    assert rows["hh"]["status"] == "captcha" and "captcha" in rows["hh"]["error"]
    assert rows["trudvsem"]["status"] == "success", rows["trudvsem"]["error"]
    assert (rows["trudvsem"]["found"], rows["trudvsem"]["new"]) == (120, 120)
    assert count(engine, "t01_jh_vacancies", "source = 'hh'") == 0
    assert len(linked(engine, user_id)) == count(engine, "t01_jh_vacancies", "source = 'trudvsem'") == 120
    assert cursor(engine, search_id, "trudvsem") == window.end and cursor(engine, search_id, "hh") is None
    ok, summary = run_outcome(engine, run_id)
    assert not ok and "on hh: captcha" in summary


def test_superjob_named_without_its_key_says_auth_and_trudvsem_harvests(
    engine, settings_factory, fake_hh, trudvsem, last_day, window
):
    trudvsem.add(trudvsem_vacancies(60, *last_day))
    _, search_id = add_user_and_search(engine)
    settings = board_settings(settings_factory, fake_hh, "trudvsem,superjob", trudvsem=trudvsem)
    assert settings.superjob_key is None

    run_id = harvest(engine, settings, window=window)  # the CLI run: no crash

    rows = {r["source"]: r for r in audit(engine, run_id)}
    assert (rows["trudvsem"]["status"], rows["trudvsem"]["new"]) == ("success", 60)
    assert rows["superjob"]["status"] == "auth"
    assert rows["superjob"]["error"] == "SuperJob needs an application key: set JH_SUPERJOB_APP_KEY"
    assert cursor(engine, search_id, "superjob") is None
    # the same job as DAG tasks
    job = next(
        j
        for j in dag.plan_jobs(engine, settings, "manual__nokey", run_type="manual")
        if j["source"] == "superjob"
    )
    for step in (dag.extract, dag.load, dag.details, dag.notify):
        job = step(engine, settings, job)
    assert dag.finish(engine, settings, job) == "auth" and job["load"] == {}
    assert only_row(engine, "manual__nokey", "superjob")["error"] == rows["superjob"]["error"]


def test_two_boards_for_one_user_each_link_their_vacancies(
    engine, settings_factory, fake_hh, trudvsem, superjob, last_day, window
):
    trudvsem.add(trudvsem_vacancies(80, *last_day))
    superjob.add(superjob_vacancies(60, *last_day))
    user_id, search_id = add_user_and_search(engine)  # no boards named: every enabled one
    settings = board_settings(
        settings_factory, fake_hh, "trudvsem,superjob", trudvsem=trudvsem, superjob=superjob
    )

    run_id = harvest(engine, settings, window=window)

    rows = {r["source"]: r for r in audit(engine, run_id)}
    assert {s: (r["status"], r["new"]) for s, r in rows.items()} == {
        "trudvsem": ("success", 80),
        "superjob": ("success", 60),
    }
    with engine.connect() as conn:
        links = conn.execute(
            select(vacancies.c.source, user_vacancies.c.search_ids)
            .join(vacancies, vacancies.c.id == user_vacancies.c.vacancy_id)
            .where(user_vacancies.c.user_id == user_id)
        ).all()
    assert sorted(s for s, _ in links) == ["superjob"] * 60 + ["trudvsem"] * 80
    assert all(ids == [search_id] for _, ids in links)
    assert run_outcome(engine, run_id) == (True, "2 searches harvested completely")


def test_sources_status_says_which_boards_run_and_why(settings_factory):
    every = statuses(settings_factory(sources=None, superjob_app_key=None))
    assert [(s.name, s.runs) for s in every] == [("hh", False), ("trudvsem", True), ("superjob", False)]
    reasons = {s.name: s.reason for s in every}
    assert "no application token" in reasons["hh"] and "no key needed" in reasons["trudvsem"]
    assert "JH_SUPERJOB_APP_KEY" in reasons["superjob"]

    chosen = statuses(settings_factory(sources="trudvsem,superjob", superjob_app_key=KEY))
    assert [(s.name, s.runs) for s in chosen] == [("hh", False), ("trudvsem", True), ("superjob", True)]
    assert {s.name: s.reason for s in chosen}["hh"] == "not in JH_SOURCES"
    assert all("in JH_SOURCES" in s.reason for s in chosen if s.runs)

    keyless = {s.name: s for s in statuses(settings_factory(sources="superjob", superjob_app_key=None))}
    assert keyless["superjob"].runs and "harvests fail (auth)" in keyless["superjob"].reason


def test_jobhunter_sources_status_prints_the_same(tmp_path):
    env = {"JH_VAR_DIR": str(tmp_path / "var"), "JH_SUPERJOB_APP_KEY": KEY}
    result = run_cli("sources", "status", env=env)

    assert result.returncode == 0, result.stderr
    lines = {
        line.split()[1]: line
        for line in result.stdout.splitlines()
        if line.split()[1:2] in (["hh"], ["trudvsem"], ["superjob"])
    }
    assert " no " in lines["hh"] and "no application token" in lines["hh"]
    assert " yes " in lines["trudvsem"] and " yes " in lines["superjob"]
    assert KEY not in result.stdout
