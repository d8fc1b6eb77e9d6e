"""``jobhunter profile import/show/rescore`` and ``jobhunter matches`` as a user runs them: separate
processes, real hh.ru-export files (TXT and DOCX), a real PostgreSQL, real exit codes."""

from __future__ import annotations

import json

from sqlalchemy import select

from core.schema import resume_profiles, user_vacancies
from domain.matching.weights import WEIGHTS
from domain.resume import store
from domain.resume.model import Profile
from tests.conftest import run_cli
from tests.hh_resumes import RESUMES, hh_docx
from tests.web.support import add_user, load_vacancies


def _links(engine, user_id: int) -> list[tuple[int, int | None, int | None]]:
    with engine.connect() as conn:
        return conn.execute(
            select(user_vacancies.c.vacancy_id, user_vacancies.c.score, user_vacancies.c.scored_rev)
            .where(user_vacancies.c.user_id == user_id)
            .order_by(user_vacancies.c.vacancy_id)
        ).all()


def _revision(engine, user_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(resume_profiles.c.revision).where(resume_profiles.c.user_id == user_id)
        ).scalar_one()


def test_import_scores_every_vacancy_and_show_prints_the_profile(cli_env, engine, tmp_path) -> None:
    alice, [search] = add_user(engine, "alice")
    load_vacancies(engine, alice, search, 240, first_id=10_000)
    assert {row.scored_rev for row in _links(engine, alice)} == {None}  # nothing scored yet

    imported = run_cli("profile", "import", "--user", "alice", str(RESUMES / "hh_developer.txt"), env=cli_env)

    assert imported.returncode == 0, imported.stderr
    assert (
        "profile of alice saved (merged): 2 jobs, 8 skills, 1 schools from hh_developer.txt"
        in imported.stdout
    )
    assert "240 vacancies rescored" in imported.stdout
    assert "match scores" in imported.stderr  # the progress bar
    links = _links(engine, alice)
    revision = _revision(engine, alice)
    assert {row.scored_rev for row in links} == {revision}
    assert all(row.score is not None for row in links)
    assert len({row.score for row in links}) > 5  # the score tells vacancies apart

    shown = run_cli("profile", "show", "--user", "alice", env=cli_env)
    assert shown.returncode == 0, shown.stderr
    said = shown.stdout
    assert "Смирнов Алексей Викторович — Python-разработчик" in said
    assert "skills: Python, Django, PostgreSQL, Redis, Celery, Docker, Git, Linux" in said
    assert "(from the jobs)" in said
    assert "wants roles: Python-разработчик; Программист, разработчик" in said
    assert "salary: 250 000 ₽" in said and "areas: Москва" in said and "work formats: REMOTE" in said
    assert "Telegram: every new vacancy" in said
    assert "Ведущий Python-разработчик" in said and "ООО «Ромашка Софт»" in said
    assert "Информационные технологии" not in said
    assert f"revision {revision}: 240 of 240 vacancies scored against it" in said

    facts = json.loads(run_cli("profile", "show", "--user", "alice", "--json", env=cli_env).stdout)
    assert facts["login"] == "alice" and facts["stale"] == 0 and facts["links"] == 240
    assert facts["wishes"] == {
        "roles": ["Python-разработчик", "Программист, разработчик"],
        "salary": 250000,
        "areas": ["Москва"],
        "work_formats": ["REMOTE"],
        "years": None,
    }
    assert facts["years"] >= 8 and facts["years_stated"] is False
    assert [job["role"] for job in facts["experience"]] == [
        "Ведущий Python-разработчик",
        "Python-разработчик",
    ]

    again = run_cli("profile", "import", "--user", "alice", str(RESUMES / "hh_developer.txt"), env=cli_env)
    assert again.returncode == 0 and "profile of alice unchanged" in again.stdout
    assert "0 vacancies rescored" in again.stdout and _revision(engine, alice) == revision


def test_a_docx_import_merges_or_replaces_and_the_scores_follow(cli_env, engine, tmp_path) -> None:
    bob, [search] = add_user(engine, "bob")
    load_vacancies(engine, bob, search, 120, first_id=20_000)
    kept = Profile.model_validate(
        {"name": "Боб", "skills": ["Python"], "wishes": {"salary": 120000, "years": 3, "areas": ["Тверь"]}}
    )
    with engine.begin() as conn:
        store.save_profile(conn, bob, kept)
    resume = tmp_path / "Кузнецов Дмитрий.docx"
    resume.write_bytes(hh_docx("hh_courier"))

    merged = run_cli("profile", "import", "--user", "bob", str(resume), env=cli_env)

    assert merged.returncode == 0, merged.stderr
    facts = json.loads(run_cli("profile", "show", "--user", "bob", "--json", env=cli_env).stdout)
    assert facts["name"] == "Кузнецов Дмитрий Олегович"
    assert facts["skills"] == ["Знание города", "Работа с кассой", "Вежливость", "Пунктуальность"]
    # merged: what the file says replaces, the years typed on the page stay
    assert facts["wishes"] == {
        "roles": ["Курьер", "Водитель"],
        "salary": 80000,
        "areas": ["Казань"],
        "work_formats": ["FIELD_WORK"],
        "years": 3.0,
    }
    before = {row.vacancy_id: row.score for row in _links(engine, bob)}

    replaced = run_cli(
        "profile", "import", "--user", "bob", "--replace", str(RESUMES / "hh_developer.txt"), env=cli_env
    )

    assert replaced.returncode == 0, replaced.stderr
    assert "saved (replaced)" in replaced.stdout
    facts = json.loads(run_cli("profile", "show", "--user", "bob", "--json", env=cli_env).stdout)
    assert facts["wishes"]["years"] is None and facts["skills"][0] == "Python"
    after = {row.vacancy_id: row.score for row in _links(engine, bob)}
    assert sum(before[v] != after[v] for v in before) > len(before) // 2  # a new profile, new scores


def test_matches_lists_the_best_with_their_reasons(cli_env, engine) -> None:
    carol, [first, second] = add_user(engine, "carol", searches=2)
    load_vacancies(engine, carol, first, 150, first_id=30_000)
    load_vacancies(engine, carol, second, 40, first_id=40_000, seed=9)
    assert (
        run_cli(
            "profile", "import", "--user", "carol", str(RESUMES / "hh_developer.txt"), env=cli_env
        ).returncode
        == 0
    )

    lines = run_cli("matches", "--user", "carol", "--limit", "7", "--json", env=cli_env)

    assert lines.returncode == 0, lines.stderr
    found = [json.loads(line) for line in lines.stdout.splitlines()]
    assert len(found) == 7
    with engine.connect() as conn:
        best = conn.execute(
            select(user_vacancies.c.vacancy_id)
            .where(user_vacancies.c.user_id == carol)
            .order_by(user_vacancies.c.score.desc().nulls_last(), user_vacancies.c.vacancy_id.desc())
            .limit(7)
        ).scalars()
        assert [row["vacancy_id"] for row in found] == list(best)
    scores = [row["score"] for row in found]
    assert scores == sorted(scores, reverse=True)
    for row in found:
        assert set(row["points"]) == set(WEIGHTS)
        assert round(sum(row["points"].values())) in range(row["score"] - 1, row["score"] + 2)
        assert row["title"] and isinstance(row["matched"], list) and isinstance(row["missing"], list)
    assert any(row["matched"] for row in found)

    only_second = run_cli(
        "matches", "--user", "carol", "--search", str(second), "--limit", "100", "--json", env=cli_env
    )
    ids = {json.loads(line)["vacancy_id"] for line in only_second.stdout.splitlines()}
    assert len(ids) == 40

    table = run_cli("matches", "--user", "carol", "--limit", "3", env=cli_env)
    assert table.returncode == 0, table.stderr
    assert "Best matches of carol" in table.stdout
    assert found[0]["title"] in table.stdout and "skills" in table.stdout and "✓" in table.stdout


def test_bad_input_is_one_clear_line(cli_env, engine, tmp_path) -> None:
    dave, _ = add_user(engine, "dave")
    _, [eves] = add_user(engine, "eve")
    not_docx = tmp_path / "resume.docx"
    not_docx.write_bytes(b"this is no zip")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    cases = [
        (
            ["profile", "import", "--user", "nobody", str(RESUMES / "hh_courier.txt")],
            "error: no user with login 'nobody'",
        ),
        (["profile", "import", "--user", "dave", str(tmp_path / "missing.txt")], "error: no such file:"),
        (
            ["profile", "import", "--user", "dave", str(not_docx)],
            f"error: {not_docx} cannot be read as a DOCX",
        ),
        (["profile", "import", "--user", "dave", str(empty)], "error: nothing that looks like a resume"),
        (["profile", "show", "--user", "nobody"], "error: no user with login 'nobody'"),
        (["matches", "--user", "nobody"], "error: no user with login 'nobody'"),
        (["matches", "--user", "dave", "--search", str(eves)], f"error: saved search {eves} is not dave's"),
        (["matches", "--user", "dave", "--search", "99999"], "error: no saved search 99999"),
    ]
    for args, message in cases:
        result = run_cli(*args, env=cli_env)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert result.stderr.strip().startswith(message), (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert _links(engine, dave) == []
    with engine.connect() as conn:
        assert conn.execute(select(resume_profiles.c.user_id)).all() == []  # nothing was stored
