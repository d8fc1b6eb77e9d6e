"""The match score: synonyms, word forms, neutral unknowns, the area and format rules, its reasons,
and its ranking on the labelled set (``tests/data/match_eval.json``) against two baselines."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bench.match import RANKERS, load_set, quality
from domain import skills
from domain.matching import MatchProfile, VacancyFacts, score
from domain.matching.weights import NEUTRAL, WEIGHTS
from domain.resume.model import Profile

TODAY = date(2026, 12, 1)


def profile(**values: Any) -> MatchProfile:
    document = {
        "headline": "Python-разработчик",
        "skills": ["Python", "Django", "PostgreSQL", "Docker", "Git"],
        "experience": [{"employer": "ООО «Ромашка»", "role": "Backend-разработчик", "start": "2021-01"}],
        "wishes": {"roles": ["Python-разработчик"], "salary": 200_000, "areas": ["Москва"],
                   "work_formats": ["REMOTE", "HYBRID"]},
    }  # fmt: skip
    document.update(values)
    return MatchProfile.of(Profile.model_validate(document), TODAY)


def vacancy(name: str = "Backend-разработчик", text: str = "", **values: Any) -> VacancyFacts:
    key_skills = values.pop("key_skills", ())
    return VacancyFacts(name=name, key_skills=key_skills, terms=skills.terms(*key_skills, text), **values)


def test_a_synonym_is_the_same_skill() -> None:
    match = score(profile(skills=["PostgreSQL"]), vacancy(key_skills=("Postgres",)))

    assert match.matched == ["PostgreSQL"]
    assert match.missing == []


def test_a_word_form_in_the_text_matches_the_skill() -> None:
    sales = profile(skills=["Продажи"], headline="Менеджер", wishes={})
    text = "Мы ищем человека с опытом управления продажами и ведения переговоров."

    assert score(sales, vacancy("Менеджер", text)).matched == ["Продажи"]
    assert score(sales, vacancy("Менеджер", "Мы ищем человека с опытом переговоров.")).matched == []


def test_a_versioned_1c_skill_covers_the_vacancys_wording() -> None:
    one_c = profile(skills=["1С:Предприятие 8.3", "1С:ERP"], headline="Программист 1С", wishes={})
    match = score(
        one_c,
        vacancy(
            "Программист 1С",
            key_skills=("1С программирование", "1С:Предприятие 8", "ERP", "1С:Документооборот"),
        ),
    )

    assert match.matched == ["1С:Предприятие 8.3", "1С:ERP"]
    assert match.missing == ["1С:Документооборот"]


def test_an_unknown_salary_is_neutral() -> None:
    mine = profile()
    unknown = score(mine, vacancy()).points["salary"]
    high = score(mine, vacancy(salary_from_rub=250_000, salary_to_rub=300_000)).points["salary"]
    low = score(mine, vacancy(salary_from_rub=80_000, salary_to_rub=100_000)).points["salary"]

    assert unknown == WEIGHTS["salary"] * NEUTRAL
    assert low < unknown < high == WEIGHTS["salary"]


def test_a_remote_vacancy_fits_any_town_when_the_user_accepts_remote_work() -> None:
    far_remote = vacancy(area_name="Владивосток", work_format_ids=("REMOTE",))
    far_office = vacancy(area_name="Владивосток", work_format_ids=("ON_SITE",))

    assert score(profile(), far_remote).points["area"] == WEIGHTS["area"]
    assert score(profile(), far_office).points["area"] == 0
    office_only = profile(wishes={"areas": ["Москва"], "work_formats": ["ON_SITE"]})
    assert score(office_only, far_remote).points["area"] == 0


def test_the_same_input_gives_the_same_score_and_reasons() -> None:
    facts = vacancy(
        "Senior Python Developer",
        "Пишем сервисы на Django и FastAPI, храним данные в Postgres, разворачиваем в Kubernetes.",
        key_skills=("Python", "Kafka", "Redis"),
        experience_id="between3And6",
        salary_from_rub=250_000,
        area_name="Москва",
        work_format_ids=("HYBRID",),
    )
    first = score(profile(), facts)

    for _ in range(3):
        again = score(profile(), facts)
        assert again == first
        assert again.parts() == first.parts()


def test_a_java_vacancy_scores_below_a_python_one_for_a_python_developer() -> None:
    common = {"experience_id": "between3And6", "salary_from_rub": 220_000, "area_name": "Москва",
              "work_format_ids": ("REMOTE",)}  # fmt: skip
    python = vacancy(
        "Python-разработчик",
        "Разработка сервисов на Django, PostgreSQL, Docker.",
        key_skills=("Python", "Django", "PostgreSQL"),
        **common,
    )
    java = vacancy(
        "Java-разработчик",
        "Разработка микросервисов на Spring Boot, PostgreSQL, Docker.",
        key_skills=("Java", "Spring Boot", "PostgreSQL"),
        **common,
    )

    assert score(profile(), java).score + 20 < score(profile(), python).score


def test_the_parts_name_every_component_and_the_missing_skills() -> None:
    match = score(profile(), vacancy(key_skills=("Python", "Kubernetes", "Kafka")))
    parts = match.parts()

    assert set(parts) == {"points", "matched", "missing"}
    assert set(parts["points"]) == {"skills", "title", "experience", "salary", "area", "format"}
    assert parts["matched"] == ["Python"]
    assert parts["missing"] == ["Kubernetes", "Apache Kafka"]
    assert 0 <= match.score <= 100
    assert match.score == round(sum(parts["points"].values()))


def test_an_accountant_who_knows_1c_is_not_a_1c_developer() -> None:
    one_c = profile(
        skills=["1С:Предприятие 8.3", "1С:Бухгалтерия", "СКД"], headline="Программист 1С", wishes={}
    )
    accountant = vacancy(
        "Бухгалтер",
        "Ведение учёта в 1С:Бухгалтерия 8.3.",
        key_skills=("1С:Бухгалтерия", "Налоговая отчетность"),
    )
    developer = vacancy(
        "Программист 1С", "Доработка конфигураций, отчёты на СКД.", key_skills=("1С:Предприятие 8",)
    )

    assert score(one_c, accountant).score < score(one_c, developer).score


@pytest.fixture(scope="module")
def ranking() -> dict[str, dict[str, tuple[float, float]]]:
    return quality(load_set())


def test_the_labelled_set_is_large_enough() -> None:
    cases = load_set()

    assert len(cases) >= 5
    for case in cases:
        labels = [v["label"] for v in case.vacancies]
        assert len(labels) >= 60, case.name
        assert {0, 1, 2} <= set(labels), case.name


@pytest.mark.parametrize("profile_name", [c.name for c in load_set()])
def test_the_score_ranks_better_than_recency_and_keyword_overlap(
    ranking: dict[str, dict[str, tuple[float, float]]], profile_name: str
) -> None:
    figures = ranking[profile_name]
    ours = figures["match score"][0]

    for baseline in RANKERS:
        if baseline != "match score":
            assert ours > figures[baseline][0], (profile_name, baseline, figures)
    assert ours >= 0.85, figures


# -- stored on the links ----------------------------------------------------------------------------


def _expected(conn: Any, mine: MatchProfile) -> dict[int, tuple[int, dict[str, Any]]]:
    """Every link's score computed here from the full rows (every word of every text)."""
    from sqlalchemy import select

    from core.schema import details, user_vacancies, vacancies

    v, d, uv = vacancies.c, details.c, user_vacancies.c
    rows = conn.execute(
        select(uv.vacancy_id, v.name, v.experience_id, v.salary_from_rub, v.salary_to_rub, v.area_name,
               v.work_format_ids, v.professional_role_names, d.key_skills, d.description_text)
        .join(vacancies, v.id == uv.vacancy_id)
        .join(details, d.vacancy_id == uv.vacancy_id)
    ).all()  # fmt: skip
    out = {}
    for row in rows:
        facts = VacancyFacts(
            name=row.name,
            key_skills=row.key_skills or (),
            terms=skills.terms(*(row.key_skills or ()), row.description_text),
            role_names=row.professional_role_names or (),
            experience_id=row.experience_id,
            salary_from_rub=row.salary_from_rub,
            salary_to_rub=row.salary_to_rub,
            area_name=row.area_name,
            work_format_ids=row.work_format_ids or (),
        )
        match = score(mine, facts)
        out[row.vacancy_id] = (match.score, match.parts())
    return out


def test_rescoring_stores_what_the_score_says_for_every_link(engine: Any, database_url: str) -> None:
    from sqlalchemy import func, select

    from bench.datagen import bulk_load
    from bench.match import BENCH_PROFILE
    from core.schema import details, user_vacancies
    from core.searches import create_search
    from core.users import create_user
    from domain.matching.store import pending, rescore
    from domain.resume.store import save_profile

    schema = next(iter(engine.get_execution_options()["schema_translate_map"].values()))
    with engine.begin() as conn:
        user = create_user(conn, "matcher", "matcher password 1")
        search = create_search(conn, user.id, name="python", text="python")
    bulk_load(database_url, schema, user_id=user.id, search_ids=[search], n=300, workers=1)
    document = Profile.model_validate(BENCH_PROFILE)

    for salary in (200_000, 150_000):  # first the texts' words are stored, then they are read
        document.wishes.salary = salary
        with engine.begin() as conn:
            assert save_profile(conn, user.id, document)
        seen: list[tuple[int, int]] = []

        assert (
            rescore(engine, user.id, today=TODAY, progress=lambda d, t, seen=seen: seen.append((d, t))) == 300
        )

        assert seen[0] == (0, 300) and seen[-1] == (300, 300)
        with engine.connect() as conn:
            assert pending(conn, user.id) == (0, 300)
            stored = {
                r.vacancy_id: (r.score, r.score_parts)
                for r in conn.execute(
                    select(user_vacancies.c.vacancy_id, user_vacancies.c.score, user_vacancies.c.score_parts)
                )
            }
            assert stored == _expected(conn, MatchProfile.of(document, TODAY))
            without_terms = conn.execute(
                select(func.count()).select_from(details).where(details.c.match_terms.is_(None))
            ).scalar_one()
            assert without_terms == 0
    assert len({s for s, _ in stored.values()}) > 5  # the scores differ between vacancies


def test_a_profile_saved_while_rescoring_leaves_no_link_behind(engine: Any, database_url: str) -> None:
    from sqlalchemy import select

    from bench.datagen import bulk_load
    from bench.match import BENCH_PROFILE
    from core.schema import resume_profiles, user_vacancies
    from core.searches import create_search
    from core.users import create_user
    from domain.matching.store import pending, rescore
    from domain.resume.store import save_profile

    schema = next(iter(engine.get_execution_options()["schema_translate_map"].values()))
    with engine.begin() as conn:
        user = create_user(conn, "matcher", "matcher password 1")
        search = create_search(conn, user.id, name="python", text="python")
    bulk_load(database_url, schema, user_id=user.id, search_ids=[search], n=300, workers=1)
    document = Profile.model_validate(BENCH_PROFILE)
    with engine.begin() as conn:
        save_profile(conn, user.id, document)

    def change_mid_way(done: int, total: int) -> None:
        if done == 100:  # a third scored at the first revision: the user edits their profile
            document.skills.append("Go")
            with engine.begin() as conn:
                save_profile(conn, user.id, document)

    rescore(engine, user.id, today=TODAY, progress=change_mid_way, batch=100)

    with engine.connect() as conn:
        revision = conn.execute(select(resume_profiles.c.revision)).scalar_one()
        revisions = set(conn.execute(select(user_vacancies.c.scored_rev)).scalars())
        assert pending(conn, user.id) == (0, 300)
    assert revision == 2 and revisions == {2}
