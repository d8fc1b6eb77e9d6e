"""Application tracking's core (issue #15, first part): stages kept on the link, every change an
event in the history, the funnel from the history, «Нет ответа» only suggested, and the CLI.
Scoped to the user: another user's vacancy is refused as if it did not exist."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from core.errors import UserInputError
from core.schema import user_vacancies, users, vacancies
from domain import applications as apps
from tests.conftest import run_cli
from tests.web.support import add_user, load_vacancies

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def anna(engine):
    user_id, [search] = add_user(engine, "anna")
    rows = load_vacancies(engine, user_id, search, 5, first_id=800_000_000)
    return user_id, [r["id"] for r in rows]


def test_a_vacancy_moves_from_interested_to_offer_and_keeps_its_history(engine, anna):
    user_id, [first, *_] = anna
    steps = ["interested", "applied", "interview", "rejected", "interview", "offer"]
    with engine.begin() as conn:
        for day, stage in enumerate(steps):
            apps.record(conn, user_id, first, stage=stage, via="web", now=NOW + timedelta(days=day))
        apps.record(
            conn, user_id, first, note="Позвонить <b>HR</b> в пятницу", via="cli", now=NOW + timedelta(days=9)
        )
    with engine.connect() as conn:
        events = apps.history(conn, user_id, first)
        [tracked] = apps.applications(conn, user_id)
        counts = apps.counts(conn, user_id)
        funnel = apps.funnel(conn, user_id)
    assert [(e["stage_from"], e["stage_to"]) for e in events] == [
        (None, "interested"),
        ("interested", "applied"),
        ("applied", "interview"),
        ("interview", "rejected"),
        ("rejected", "interview"),
        ("interview", "offer"),
        ("offer", None),  # only a note: the stage stays
    ]
    assert events[-1]["note"] == "Позвонить <b>HR</b> в пятницу"  # kept as typed; escaped when shown
    assert tracked["stage"] == "offer" and tracked["stage_at"] == NOW + timedelta(days=5)
    assert counts["offer"] == 1 and sum(counts.values()) == 1
    assert funnel == [("applied", 1, None), ("interview", 1, 1.0), ("offer", 1, 1.0)]


def test_the_funnel_counts_what_each_application_ever_reached(engine, anna):
    user_id, ids = anna
    with engine.begin() as conn:
        for vacancy_id in ids[:4]:
            apps.record(conn, user_id, vacancy_id, stage="applied", via="web", now=NOW)
        for vacancy_id in ids[:2]:
            apps.record(conn, user_id, vacancy_id, stage="interview", via="web", now=NOW)
        apps.record(conn, user_id, ids[1], stage="rejected", via="web", now=NOW)
        apps.record(conn, user_id, ids[4], stage="interested", via="web", now=NOW)
    with engine.connect() as conn:
        assert apps.funnel(conn, user_id) == [("applied", 4, None), ("interview", 2, 0.5), ("offer", 0, 0.0)]
        assert apps.counts(conn, user_id) | {} == {s: 0 for s in apps.STAGES} | {
            "applied": 2,
            "interview": 1,
            "rejected": 1,
            "interested": 1,
        }


def test_no_answer_is_suggested_after_two_quiet_weeks_never_set(engine, anna):
    user_id, [old, fresh, *_] = anna
    with engine.begin() as conn:
        apps.record(conn, user_id, old, stage="applied", via="web", now=NOW - timedelta(days=15))
        apps.record(conn, user_id, fresh, stage="applied", via="web", now=NOW - timedelta(days=3))
    with engine.connect() as conn:
        assert apps.suggest_no_answer(conn, user_id, now=NOW) == [old]
        assert {a["stage"] for a in apps.applications(conn, user_id)} == {"applied"}


def test_another_users_vacancy_and_bad_input_are_refused(engine, anna):
    user_id, ids = anna
    boris, [search] = add_user(engine, "boris")
    [theirs] = [r["id"] for r in load_vacancies(engine, boris, search, 1, first_id=810_000_000)]
    with engine.begin() as conn:
        with pytest.raises(UserInputError, match="not among your vacancies"):
            apps.record(conn, user_id, theirs, stage="applied", via="web", now=NOW)
        with pytest.raises(UserInputError, match="unknown stage"):
            apps.record(conn, user_id, ids[0], stage="hacked", via="web", now=NOW)
        with pytest.raises(UserInputError, match="too long"):
            apps.record(conn, user_id, ids[0], note="x" * 2001, via="web", now=NOW)
        with pytest.raises(UserInputError, match="nothing to change"):
            apps.record(conn, user_id, ids[0], via="web", now=NOW)
    assert apps.parse_stage("Собеседование") == "interview" == apps.parse_stage(" INTERVIEW ")
    with engine.connect() as conn:
        assert apps.applications(conn, boris) == [] and apps.history(conn, user_id, theirs) == []


def test_the_cli_sets_a_stage_with_a_next_step_in_the_users_time_zone(cli_env, engine, anna):
    user_id, [first, second, *_] = anna
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(time_zone="Asia/Yekaterinburg"))
    moved = run_cli(
        "applications", "set", "--user", "anna", str(first), "Собеседование",
        "--note", "Техническое интервью", "--next", "2026-12-12T15:00", "--next-note", "Zoom с тимлидом",
        env=cli_env,
    )  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    assert "untracked → Interview" in moved.stdout
    with engine.connect() as conn:
        link = conn.execute(
            select(user_vacancies).where(
                user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == first
            )
        ).one()
    assert link.stage == "interview"
    assert link.next_step_at == datetime(2026, 12, 12, 15, 0, tzinfo=ZoneInfo("Asia/Yekaterinburg"))
    assert link.next_step_note == "Zoom с тимлидом"

    assert (
        run_cli("applications", "set", "--user", "anna", str(second), "applied", env=cli_env).returncode == 0
    )
    listed = run_cli("applications", "list", "--user", "anna", "--json", env=cli_env)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["vacancy_id"] for r in rows] == [second, first]  # the latest change first
    assert rows[1]["stage"] == "interview" and rows[1]["next_step_at"] == "2026-12-12T10:00:00+00:00"
    only = run_cli("applications", "list", "--user", "anna", "--stage", "applied", env=cli_env)
    assert only.returncode == 0 and "Applied" in only.stdout and "Interview" not in only.stdout

    with engine.connect() as conn:
        name = conn.execute(select(vacancies.c.name).where(vacancies.c.id == second)).scalar_one()
    assert name[:20] in only.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "--user", "nobody", "1", "applied"], "no user 'nobody'"),
        (["set", "--user", "anna", "1", "married"], "unknown stage 'married'"),
        (["set", "--user", "anna", "{first}", "applied", "--next", "12 декабря"], "not a date and time"),
        (["set", "--user", "anna", "999999", "applied"], "vacancy 999999 is not among your vacancies"),
    ],
)
def test_the_cli_says_what_is_wrong_in_one_line(cli_env, anna, args, message):
    _, [first, *_] = anna
    result = run_cli("applications", *(a.format(first=first) for a in args), env=cli_env)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line
