"""A harvest covers what it says and records what happened: first runs, captchas mid-way, bad
windows and ids, and a run killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from core.schema import etl_runs, users
from testing.fakes.telegram import FakeTelegram
from tests.conftest import ROOT, run_cli
from tests.harvesting import harvest
from tests.helpers import add_user_and_search, audit, count
from tests.helpers import vacancies as make_vacancies
from tests.waiting import wait_for


def test_a_first_run_lands_every_match_of_the_last_30_days(engine, settings_factory, fake_hh, now):
    fake_hh.add(make_vacancies(2_100, now - timedelta(days=29, hours=12), now - timedelta(minutes=20)))
    add_user_and_search(engine)

    [row] = audit(engine, harvest(engine, settings_factory(hh_base_url=fake_hh.url), now=now))

    assert (row["status"], row["found"], row["new"]) == ("success", 2_100, 2_100)
    assert row["window_to"] - row["window_from"] >= timedelta(days=30)


def test_a_captcha_while_fetching_full_texts_keeps_what_was_fetched(
    engine, settings_factory, fake_hh, last_day, window
):
    fake_hh.add(make_vacancies(60, *last_day))
    add_user_and_search(engine)
    fake_hh.captcha_after["vacancy"] = 20

    [row] = audit(engine, harvest(engine, settings_factory(hh_base_url=fake_hh.url), window=window))

    assert row["status"] == "captcha" and "CancelledError" not in (row["error"] or "")
    assert "captcha" in row["error"].lower()
    assert row["details_fetched"] == 20 == count(engine, "t06_jh_details")
    assert (row["found"], row["new"]) == (60, 60)  # the steps before it keep their figures
    assert row["finished_at"] is not None


def test_a_captcha_on_a_later_page_keeps_the_pages_already_landed(
    engine, settings_factory, fake_hh, last_day, window
):
    fake_hh.add(make_vacancies(450, *last_day))
    add_user_and_search(engine)
    fake_hh.captcha_after["search"] = 3  # page 0 and two more answer, then hh.ru wants a captcha

    [row] = audit(
        engine, harvest(engine, settings_factory(hh_base_url=fake_hh.url, hh_concurrency=1), window=window)
    )

    assert (row["status"], row["found"]) == ("captcha", 450)
    # what landed before the captcha counts (a retried page may have used up one of the three)
    assert 1 <= row["pages"] == count(engine, "t09_jh_raw", "kind = 'search_page'") <= 3
    assert row["received"] == row["new"] == 100 * row["pages"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2099-01-01", "--to", "2099-01-02"], "--from 2099-01-01 is in the future"),
        (["--from", "2026-11-20", "--to", "2026-11-19"], "--to must be later than --from"),
        (["--from", "20-11-2026"], "--from '20-11-2026' is not an ISO date or time"),
        (["--from", "2026-11-20"], "--from and --to go together"),
    ],
)
def test_a_bad_window_is_refused_with_one_line(cli_env, args, message):
    done = run_cli("etl", "run", *args, env=cli_env)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_unknown_area_and_role_ids_are_refused(cli_env, engine, fake_hh):
    assert (
        run_cli(
            "users", "add", "anna", "--password-stdin", stdin="correct horse battery\n", env=cli_env
        ).returncode
        == 0
    )

    unknown_area = run_cli(
        "searches", "add", "--user", "anna", "--name", "x", "--area", "99999999", env=cli_env
    )
    unknown_role = run_cli("searches", "add", "--user", "anna", "--name", "x", "--role", "99999", env=cli_env)
    known = run_cli(
        "searches", "add", "--user", "anna", "--name", "Москва", "--area", "1", "--role", "96", env=cli_env
    )

    assert unknown_area.returncode == 1 and "area '99999999' is not known to hh.ru" in unknown_area.stderr
    assert unknown_role.returncode == 1 and "professional role '99999' is not known" in unknown_role.stderr
    assert known.returncode == 0, known.stderr
    assert count(engine, "t07_jh_hhparsers") == 1


# -- a run killed with SIGKILL -------------------------------------------------------------------


@pytest.fixture
def fake_tg():
    with FakeTelegram(max_poll_wait=0.3) as fake:
        yield fake


def _cli(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("JH_")} | env
    return subprocess.Popen(
        [sys.executable, "-m", "jobhunter", *args],
        env=full,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_killed_run_is_closed_and_the_rerun_reports_and_notifies_everything_once(
    cli_env, engine, fake_hh, fake_tg, last_day
):
    fake_hh.add(make_vacancies(80, *last_day))
    user_id, search_id = add_user_and_search(engine)
    chat = 4242
    with engine.begin() as conn:  # the user has linked their Telegram chat
        conn.execute(update(users).where(users.c.id == user_id).values(telegram_chat_id=chat))
    fake_tg.add_chat(chat)
    env = cli_env | {
        "JH_TELEGRAM_BOT_TOKEN": fake_tg.token,
        "JH_TELEGRAM_API_URL": fake_tg.url,
        "JH_TELEGRAM_BOT_USERNAME": fake_tg.username,
        "JH_TELEGRAM_QUIET_HOURS": "off",
        "JH_HH_TIMEOUT": "120",
    }
    fake_hh.vacancy_gate = threading.Event()  # the run stalls while fetching full texts
    try:
        first = _cli(env, "etl", "run")
        loaded = "step_stats ? 'load' AND status = 'running'"
        wait_for(lambda: count(engine, "t02_jh_etl", loaded) == 1, "the first run to load its vacancies")
        assert count(engine, "t01_jh_vacancies") == 80  # loaded, not yet notified
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    finally:
        fake_hh.vacancy_gate.set()
        fake_hh.vacancy_gate = None
    [dead] = [r for r in audit_all(engine) if r["status"] == "running"]

    second = run_cli("etl", "run", env=env)

    assert second.returncode == 0, second.stderr
    rows = {r["run_id"]: r for r in audit_all(engine)}
    closed, rerun = rows.pop(dead["run_id"]), next(iter(rows.values()))
    assert closed["status"] == "failed" and closed["finished_at"] is not None
    assert "abandoned" in closed["error"]
    assert (rerun["status"], rerun["new"], rerun["details_fetched"]) == ("success", 80, 80)
    # every new vacancy reached Telegram exactly once
    queued = count(engine, "t14_jh_telegram_outbox", f"user_id = {user_id}")
    sent = count(engine, "t14_jh_telegram_outbox", f"user_id = {user_id} AND status = 'sent'")
    assert queued == sent == 80
    [message] = fake_tg.messages(chat)
    assert "80" in (message.plain or "")
    [document] = fake_tg.documents(chat)
    csv_lines = document.content.decode("utf-8-sig").strip().splitlines()
    assert len(csv_lines) == 1 + 80 and len(set(csv_lines[1:])) == 80
    assert count(engine, "t02_jh_etl", f"search_id = {search_id} AND status = 'running'") == 0


def audit_all(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(etl_runs).order_by(etl_runs.c.id))]


def test_housekeeping_closes_only_runs_nobody_works_on(engine, settings_factory):
    """Hourly delivery closes dead runs: a CLI run whose process is gone at once, an Airflow run after
    JH_ABANDONED_AFTER_MINUTES without progress; never a run a live process holds."""
    from etl.harvest import liveness, steps

    _, search_id = add_user_and_search(engine)
    settings = settings_factory(abandoned_after_minutes=60)
    rows = {
        "cli-dead": ("cli", timedelta(0)),
        "cli-alive": ("cli", timedelta(0)),
        "airflow-quiet": ("airflow", timedelta(hours=2)),
        "airflow-between-tasks": ("airflow", timedelta(minutes=10)),
    }
    with engine.begin() as conn:
        for run_id, (runner, age) in rows.items():
            conn.execute(
                etl_runs.insert().values(
                    run_id=run_id,
                    search_id=search_id,
                    source="hh",
                    search_name="x",
                    trigger="manual",
                    runner=runner,
                    heartbeat_at=func.now() - age,
                )
            )
    with engine.connect() as holder:  # a live `jobhunter etl run` working on cli-alive
        alive = holder.execute(select(etl_runs.c.id).where(etl_runs.c.run_id == "cli-alive")).scalar_one()
        liveness.hold(holder, alive)
        holder.commit()

        steps.deliver(engine, settings)

        with engine.connect() as conn:
            status = dict(conn.execute(select(etl_runs.c.run_id, etl_runs.c.status)).all())
        liveness.release(holder, alive)
        holder.commit()
    assert status == {
        "cli-dead": "failed",
        "cli-alive": "running",
        "airflow-quiet": "failed",
        "airflow-between-tasks": "running",
    }


def test_the_web_editor_path_refuses_unknown_ids_too(engine):
    """The web editor saves through core.searches, which checks ids against the cached dictionaries."""
    from core.errors import UserInputError
    from core.searches import create_search, update_search
    from etl.dictionaries import store
    from testing.synthetic_reference import AREAS_TREE, PROFESSIONAL_ROLES_TREE

    user_id, search_id = add_user_and_search(engine)
    with engine.begin() as conn:
        store(conn, "areas", AREAS_TREE)
        store(conn, "professional_roles", PROFESSIONAL_ROLES_TREE)
    with engine.begin() as conn, pytest.raises(UserInputError, match="area '99999999' is not known"):
        create_search(conn, user_id, name="x", areas=["99999999"])
    with engine.begin() as conn, pytest.raises(UserInputError, match="professional role '777777'"):
        update_search(conn, user_id, search_id, name="y", professional_roles=["777777"])
    with engine.begin() as conn:
        assert create_search(conn, user_id, name="Москва", areas=["1"], professional_roles=["96"]) > 0


def test_the_saved_searches_page_says_what_a_first_run_covers(engine, settings_factory) -> None:
    from tests.test_web_rough_edges import page, set_lang, text_of
    from tests.web.support import add_user, client_for
    from webapp.app import create_app

    app = create_app(settings_factory(), engine)
    anna, _ = add_user(engine, "anna")
    client = client_for(app, "anna")
    assert "Первая загрузка нового поиска берёт все подходящие вакансии за последние 30 дн." in text_of(
        page(client, "/searches")
    )
    set_lang(engine, anna, "en")
    assert "first harvest takes every matching vacancy of the last 30 days" in text_of(
        page(client, "/searches")
    )
