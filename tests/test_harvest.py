"""The harvest end to end: fake hh.ru over real HTTP into real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.schema import details, raw, search_cursors, user_vacancies, vacancies
from core.searches import list_searches
from etl.harvest.local import replay
from etl.windows import Window
from tests.harvesting import harvest as run
from tests.helpers import add_user_and_search, audit, count, snapshot
from tests.helpers import vacancies as make_vacancies


def test_harvest_lands_rows_details_links_and_an_audit_row(
    engine, settings_factory, fake_hh, last_day, window
):
    start, end = last_day
    fake_hh.add(make_vacancies(250, start, end, hostile_html_share=0.1))
    user_id, search_id = add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url)

    run_id = run(engine, settings, window=window)

    [row] = audit(engine, run_id)
    assert row["status"] == "success", row["error"]
    assert (row["found"], row["received"], row["new"], row["updated"], row["unchanged"]) == (
        250,
        250,
        250,
        0,
        0,
    )
    assert row["details_fetched"] == 250 and row["pages"] == 3
    assert row["http_requests"] == 3 + 250  # pages + one full fetch each: the minimum
    assert row["trigger"] == "manual" and row["finished_at"] is not None
    assert count(engine, "t01_jh_vacancies") == 250
    assert count(engine, "t06_jh_details") == 250
    assert (
        count(
            engine,
            "t06_jh_details",
            "description_safe ILIKE '%<script%' OR description_safe ILIKE "
            "'%onerror%' OR description_safe ILIKE '%javascript:%'",
        )
        == 0
    )
    assert (
        count(engine, "t06_jh_details", "search_tsv IS NOT NULL AND array_length(key_skills, 1) > 0") == 250
    )
    assert (
        count(engine, "t08_jh_user_vacancies", f"user_id = {user_id} AND search_ids = '{{{search_id}}}'")
        == 250
    )
    assert count(engine, "t09_jh_raw", "kind = 'search_page'") == 3
    assert count(engine, "t09_jh_raw", "kind = 'vacancy'") == 250
    # every request carried our User-Agent
    assert {r.headers.get("User-Agent") for r in fake_hh.requests} == {settings.hh_user_agent}


def test_second_run_over_the_same_window_fetches_nothing_and_changes_no_row(
    engine, settings_factory, fake_hh, last_day, window
):
    start, end = last_day
    fake_hh.add(make_vacancies(180, start, end))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url)
    run(engine, settings, window=window)
    before, full_fetches = snapshot(engine), fake_hh.count("vacancy")

    run_id = run(engine, settings, window=window)

    [row] = audit(engine, run_id)
    assert (row["status"], row["new"], row["updated"], row["unchanged"], row["details_fetched"]) == (
        "success",
        0,
        0,
        180,
        0,
    )
    assert fake_hh.count("vacancy") == full_fetches
    assert snapshot(engine) == before


def test_a_changed_vacancy_is_updated_and_only_it_is_fetched_again(
    engine, settings_factory, fake_hh, last_day, window
):
    start, end = last_day
    batch = make_vacancies(40, start, end)
    fake_hh.add(batch)
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url)
    run(engine, settings, window=window)
    changed = batch[5]["id"]
    fake_hh.update(changed, name="Старший Python-разработчик (удалённо)")
    fake_hh.reset_log()

    run_id = run(engine, settings, window=window)

    [row] = audit(engine, run_id)
    assert (row["new"], row["updated"], row["unchanged"], row["details_fetched"]) == (0, 1, 39, 1)
    assert [r.path for r in fake_hh.requests if r.path.startswith("/vacancies/")] == [f"/vacancies/{changed}"]
    with engine.connect() as conn:
        query = select(vacancies.c.name).where(vacancies.c.source_id == str(changed))
        name = conn.execute(query).scalar_one()
    assert name == "Старший Python-разработчик (удалённо)"


def test_more_than_2000_results_are_harvested_completely(engine, settings_factory, fake_hh, now):
    start, end = now - timedelta(hours=30), now - timedelta(minutes=10)
    fake_hh.add(make_vacancies(4600, start, end, seed=11))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url, hh_rate_limit=500)

    run_id = run(engine, settings, window=Window.aligned(start - timedelta(hours=1), now))

    [row] = audit(engine, run_id)
    assert row["status"] == "success", row["error"]
    assert (row["found"], row["received"], row["new"]) == (4600, 4600, 4600)
    assert count(engine, "t01_jh_vacancies") == 4600
    assert fake_hh.count("search", status=400) == 0  # never asked past hh.ru's depth cap
    minimum = 46 + 4600  # search pages + one full fetch per new vacancy
    assert row["http_requests"] <= minimum * 1.05


def test_faults_are_retried_and_nothing_is_lost(engine, settings_factory, fake_hh, last_day, window):
    start, end = last_day
    fake_hh.add(make_vacancies(120, start, end))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url, hh_max_retries=4)
    fake_hh.fail_next(2, 503)
    fake_hh.fail_next(1, 500)  # plain-text body, as hh.ru's 500s can be
    fake_hh.fail_next(1, 429, retry_after=1)
    fake_hh.drop_connections(2, path_prefix="/vacancies/")

    run_id = run(engine, settings, window=window)

    [row] = audit(engine, run_id)
    assert row["status"] == "success", row["error"]
    assert row["retries"] == 6
    assert (row["new"], row["details_fetched"]) == (120, 120)
    assert count(engine, "t06_jh_details") == 120


def test_details_that_keep_failing_make_a_partial_run_and_the_next_run_fetches_them(
    engine, settings_factory, fake_hh, last_day, window
):
    start, end = last_day
    fake_hh.add(make_vacancies(30, start, end))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url, hh_max_retries=1, hh_concurrency=1)
    fake_hh.fail_next(2, 503, path_prefix="/vacancies/")  # one vacancy fails both attempts

    first = audit(engine, run(engine, settings, window=window))[0]
    second = audit(engine, run(engine, settings, window=window))[0]

    assert (first["status"], first["details_fetched"]) == ("partial", 29)
    assert "next run retries" in first["error"]
    assert (second["status"], second["details_fetched"]) == ("success", 1)
    assert count(engine, "t06_jh_details") == 30


def test_a_captcha_stops_that_search_only(engine, settings_factory, fake_hh, last_day):
    start, end = last_day
    fake_hh.add(make_vacancies(60, start, end))
    fake_hh.captcha_texts = {"капча"}
    _, ok_id = add_user_and_search(engine, "alice", name="Все")
    _, bad_id = add_user_and_search(engine, "bob", name="Капча", text="капча")
    settings = settings_factory(hh_base_url=fake_hh.url)

    run_id = run(engine, settings)

    statuses = {r["search_id"]: (r["status"], r["error"]) for r in audit(engine, run_id)}
    assert statuses[ok_id][0] == "success"
    assert statuses[bad_id][0] == "captcha"
    assert "captcha" in statuses[bad_id][1] and "JH_HH_APP_TOKEN" in statuses[bad_id][1]
    with engine.connect() as conn:
        marks = dict(conn.execute(select(search_cursors.c.search_id, search_cursors.c.watermark)).all())
    assert marks.get(ok_id) is not None and marks.get(bad_id) is None  # the captcha search will try again


def test_scheduled_runs_are_incremental_from_the_watermark(engine, settings_factory, fake_hh, now):
    fake_hh.add(make_vacancies(50, now - timedelta(days=3), now - timedelta(minutes=10)))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url, hh_initial_lookback_days=2, hh_overlap_minutes=30)

    first = audit(engine, run(engine, settings, trigger="scheduled"))[0]
    with engine.connect() as conn:
        [search] = list_searches(conn)
    second = audit(engine, run(engine, settings, trigger="scheduled"))[0]

    assert first["window_to"] - first["window_from"] >= timedelta(days=2)
    assert search.watermarks == {"hh": first["window_to"]}
    assert second["window_from"] == first["window_to"] - timedelta(minutes=30)
    assert 0 < first["new"] < 50  # only the last two days
    assert second["new"] == 0


def test_favourites_and_matches_belong_to_each_user(engine, settings_factory, fake_hh, last_day, window):
    start, end = last_day
    fake_hh.add(make_vacancies(20, start, end))
    alice, _ = add_user_and_search(engine, "alice")
    bob, _ = add_user_and_search(engine, "bob")
    settings = settings_factory(hh_base_url=fake_hh.url)
    run(engine, settings, window=window)

    with engine.begin() as conn:
        conn.execute(
            user_vacancies.update().where(user_vacancies.c.user_id == alice).values(is_favourite=True)
        )
        by_user = dict(
            conn.execute(select(user_vacancies.c.user_id, user_vacancies.c.is_favourite).distinct()).all()
        )
    assert by_user == {alice: True, bob: False}
    assert count(engine, "t01_jh_vacancies") == 20  # shared once, linked twice
    assert count(engine, "t08_jh_user_vacancies") == 40


def test_a_search_that_finds_nothing_is_a_success(engine, settings_factory, fake_hh, last_day, window):
    start, end = last_day
    fake_hh.add(make_vacancies(10, start, end))
    add_user_and_search(engine, text="водолаз-космонавт")
    run_id = run(
        engine,
        settings_factory(hh_base_url=fake_hh.url),
        window=window,
    )
    [row] = audit(engine, run_id)
    assert (row["status"], row["found"], row["new"]) == ("success", 0, 0)


def test_dictionaries_are_cached_and_rates_normalise_salaries(
    engine, settings_factory, fake_hh, last_day, window
):
    start, end = last_day
    fake_hh.add(make_vacancies(200, start, end))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url)
    run(engine, settings, window=window)
    run(engine, settings, window=window)

    assert fake_hh.count("dictionaries") == 1 and fake_hh.count("areas") == 1
    assert count(engine, "t10_jh_dictionaries") == 3
    assert (
        count(
            engine,
            "t01_jh_vacancies",
            "salary_currency <> 'RUR' AND salary_mode = 'MONTH' "
            "AND salary_from IS NOT NULL AND salary_from_rub IS NULL",
        )
        == 0
    )
    assert count(
        engine, "t01_jh_vacancies", "salary_currency = 'USD' AND salary_from_rub > salary_from * 50"
    ) == count(engine, "t01_jh_vacancies", "salary_currency = 'USD' AND salary_from IS NOT NULL")


def test_landed_answers_are_pruned_after_their_retention(engine, settings_factory, fake_hh, last_day, window):
    fake_hh.add(make_vacancies(5, *last_day))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url, raw_retention_days=3)
    run(engine, settings, window=window)
    with engine.begin() as conn:
        conn.execute(raw.update().values(fetched_at=func.now() - timedelta(days=4)))

    run(engine, settings, window=window)  # lands its own answers, prunes the old ones

    assert count(engine, "t09_jh_raw", "fetched_at < now() - interval '3 days'") == 0
    assert count(engine, "t09_jh_raw") == 1  # this run's search page (nothing needed refetching)
    assert count(engine, "t01_jh_vacancies") == 5  # vacancies are never pruned


def test_a_run_can_be_replayed_from_the_landing_table_without_hh(
    engine, settings_factory, fake_hh, last_day, window
):
    fake_hh.add(make_vacancies(25, *last_day))
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url)
    run_id = run(engine, settings, window=window)
    with engine.begin() as conn:  # as if an older transform had stored something else
        conn.execute(vacancies.update().values(name="испорчено", content_hash="old"))
        conn.execute(details.update().values(description_safe="испорчено"))
    fake_hh.stop()  # hh.ru is out of reach

    [row] = replay(engine, settings, run_id)

    assert (row["new"], row["updated"], row["details_fetched"]) == (25, 0, 25)  # still this run's figures
    assert count(engine, "t01_jh_vacancies", "name = 'испорчено'") == 0
    assert count(engine, "t06_jh_details", "description_safe = 'испорчено'") == 0
