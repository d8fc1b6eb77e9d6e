"""The truthfulness check and the offline provider: select, reorder, rephrase — never invent."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from domain.resume import offline
from domain.resume.model import Generated, Profile, Vacancy
from domain.resume.truth import check, describe
from tests.web.resume_support import PROFILE_DOC

TODAY = date(2026, 11, 24)
PROFILE = Profile.model_validate(PROFILE_DOC)
VACANCY = Vacancy(
    id=7,
    name="Python-разработчик",
    employer="Ромашка Тех",
    key_skills=("Python", "PostgreSQL", "Kubernetes", "Django"),
    description="Сервисы на Django и PostgreSQL. Требования: Python, Kubernetes, Kafka. Плюс: Redis.",
)


def faithful() -> dict:
    """What a well-behaved model answers (everything from the profile, rephrased and reordered)."""
    return {
        "resume": {
            "headline": "Python-разработчик",
            "summary": "Backend-разработчик на Python. Пишу аккуратный код.",
            "skills": ["Python", "PostgreSQL", "Django", "Docker"],
            "experience": [
                {
                    "employer": "Ромашка",
                    "role": "Python-разработчик",
                    "start": "03.2021",
                    "end": "",
                    "bullets": [
                        "Переписала запросы к PostgreSQL и ускорила отчёты в 3 раза",
                        "REST API на Django",
                    ],
                },
                {
                    "employer": "Лютик",
                    "role": "Младший разработчик",
                    "start": "2018-09",
                    "end": "2021-02",
                    "bullets": ["Скрипты на Python"],
                },
            ],
            "education": [
                {"institution": "МГТУ им. Баумана", "degree": "Бакалавр, информатика", "year": "2018"}
            ],
            "languages": [{"name": "English", "level": "B2"}],
        },
        "cover_letter": {
            "greeting": "Здравствуйте!",
            "paragraphs": [
                "Меня заинтересовала вакансия «Python-разработчик» в Ромашка Тех.",
                "Четыре года пишу сервисы на Python и Django; работаю с PostgreSQL с 2021 года.",
            ],
            "closing": "С уважением,",
        },
    }


def run(answer: dict, vacancy: Vacancy = VACANCY):
    return check(PROFILE, Generated.model_validate(answer), vacancy, today=TODAY)


def codes(report: dict) -> list[str]:
    return [f["code"] for f in report["findings"]]


def test_a_faithful_answer_passes_untouched_and_speaks_the_profiles_words() -> None:
    documents, report = run(faithful())
    assert report["findings"] == []
    resume = documents["resume"]
    # Postgres in the profile, PostgreSQL in the answer: the same skill, written as the profile writes it
    assert resume["skills"] == ["Python", "Postgres", "Django", "Docker"]
    assert [j["employer"] for j in resume["experience"]] == ["ООО «Ромашка»", "Лютик"]
    assert resume["experience"][0]["start"] == "2021-03" and resume["experience"][0]["end"] == ""
    assert resume["languages"] == [{"name": "Английский", "level": "B2"}]
    assert documents["person"]["name"] == "Анна Петрова"
    assert documents["person"]["contacts"]["email"] == "anna@example.com"
    assert report["matched"] == ["Python", "Postgres", "Django"] and report["missing"] == ["Kubernetes"]
    assert len(documents["cover_letter"]["paragraphs"]) == 2  # "четыре года", 2021: supported


def test_an_invented_skill_is_removed_and_reported() -> None:
    answer = faithful()
    answer["resume"]["skills"][1:1] = ["Kubernetes", "K8s", "Terraform"]
    documents, report = run(answer)
    assert (
        "Kubernetes" not in documents["resume"]["skills"] and "Terraform" not in documents["resume"]["skills"]
    )
    assert codes(report) == ["skill_removed", "skill_removed"]  # K8s is Kubernetes: reported once
    assert describe(report["findings"][0], "ru") == "Убрано: навык Kubernetes — его нет в вашем профиле"
    assert describe(report["findings"][0], "en") == "Removed: skill Kubernetes, it is not in your profile"


def test_a_technology_the_profile_names_in_its_text_is_a_skill() -> None:
    answer = faithful()
    answer["resume"]["skills"].append("GitLab")  # not a listed skill, but a bullet of the profile names it
    documents, report = run(answer)
    assert "GitLab" in documents["resume"]["skills"] and report["findings"] == []


def test_matched_vacancy_skills_stay_even_when_the_answer_drops_them() -> None:
    answer = faithful()
    answer["resume"]["skills"] = ["Docker"]
    documents, _ = run(answer)
    assert documents["resume"]["skills"] == ["Python", "Postgres", "Django", "Docker"]


def test_invented_employer_role_and_dates_never_survive() -> None:
    answer = faithful()
    answer["resume"]["experience"][0]["role"] = "Ведущий архитектор"
    answer["resume"]["experience"][1]["start"] = "2016-01"
    answer["resume"]["experience"].append(
        {
            "employer": "Яндекс",
            "role": "Тимлид",
            "start": "2015",
            "end": "2018",
            "bullets": ["Руководила командой"],
        }
    )
    answer["resume"]["experience"].append(copy.deepcopy(answer["resume"]["experience"][1]))
    documents, report = run(answer)
    jobs = documents["resume"]["experience"]
    assert [(j["employer"], j["role"], j["start"], j["end"]) for j in jobs] == [
        ("ООО «Ромашка»", "Python-разработчик", "2021-03", ""),
        ("Лютик", "Младший разработчик", "2018-09", "2021-02"),
    ]
    assert codes(report) == ["role_changed", "dates_changed", "job_removed", "job_duplicate"]
    texts = [describe(f, "ru") for f in report["findings"]]
    assert texts[0] == (
        "Исправлено: должность в «ООО „Ромашка“» — «Ведущий архитектор» заменена на «Python-разработчик», "
        "как в профиле"
    )
    assert texts[1].endswith("заменены на «09.2018 — 02.2021», как в профиле")
    assert texts[2] == "Убрано: место работы «Яндекс» — его нет в вашем профиле"


def test_bullets_with_unsupported_technologies_or_numbers_are_removed() -> None:
    answer = faithful()
    bullets = answer["resume"]["experience"][0]["bullets"]
    bullets.insert(0, "Развернула кластер Kubernetes для 50 сервисов")
    bullets.append("Подняла выручку на 40%")
    bullets.append("Работала с Postgres и Django 5 лет")  # synonyms, and a duration the dates give: fine
    documents, report = run(answer)
    kept = documents["resume"]["experience"][0]["bullets"]
    assert all("Kubernetes" not in b and "40%" not in b for b in kept)
    assert "Работала с Postgres и Django 5 лет" in kept
    removed = [f for f in report["findings"] if f["code"] == "bullet_removed"]
    assert removed[0]["reason"] == {"terms": ["Kubernetes"], "numbers": [50]}
    assert removed[1]["reason"] == {"numbers": [40]}
    assert describe(removed[0], "ru") == (
        "Убрано из «ООО „Ромашка“»: «Развернула кластер Kubernetes для 50 сервисов» — упоминает Kubernetes, "
        "чего нет в вашем профиле; число 50 не подтверждается профилем"
    )


def test_a_job_left_without_bullets_gets_its_own_from_the_profile() -> None:
    answer = faithful()
    answer["resume"]["experience"][1]["bullets"] = ["Внедрила Kafka"]
    documents, _ = run(answer)
    assert documents["resume"]["experience"][1]["bullets"] == PROFILE_DOC["experience"][1]["bullets"]


def test_education_languages_and_headline() -> None:
    answer = faithful()
    answer["resume"]["headline"] = "Senior Backend Engineer"
    answer["resume"]["education"] = [
        {"institution": "МГТУ им. Баумана", "degree": "Магистр", "year": "2020"},
        {"institution": "Stanford", "degree": "PhD", "year": "2019"},
    ]
    answer["resume"]["languages"] = [
        {"name": "Английский", "level": "C2"},
        {"name": "Немецкий", "level": "B1"},
    ]
    documents, report = run(answer)
    assert documents["resume"]["headline"] == "Python-разработчик"
    assert documents["resume"]["education"] == [PROFILE_DOC["education"][0]]
    assert documents["resume"]["languages"] == [{"name": "Английский", "level": "B2"}]
    assert codes(report) == [
        "headline_changed",
        "degree_changed",
        "year_changed",
        "school_removed",
        "level_changed",
        "language_removed",
    ]


def test_a_role_from_the_profile_is_a_fine_headline() -> None:
    answer = faithful()
    answer["resume"]["headline"] = "Младший разработчик"
    documents, report = run(answer)
    assert documents["resume"]["headline"] == "Младший разработчик" and report["findings"] == []


def test_summary_and_letter_lose_only_the_unsupported_sentences() -> None:
    answer = faithful()
    answer["resume"]["summary"] = "Backend-разработчик на Python. Эксперт в Kubernetes и Kafka. Люблю тесты."
    answer["cover_letter"]["paragraphs"].insert(1, "У меня 10 лет опыта. Я внимательна к деталям.")
    documents, report = run(answer)
    assert documents["resume"]["summary"] == "Backend-разработчик на Python. Люблю тесты."
    assert documents["cover_letter"]["paragraphs"][1] == "Я внимательна к деталям."
    assert codes(report) == ["summary_removed", "letter_removed"]
    # the vacancy's own title and employer never count against the letter
    assert (
        "Меня заинтересовала вакансия «Python-разработчик» в Ромашка Тех."
        in documents["cover_letter"]["paragraphs"]
    )


def test_a_letter_with_nothing_true_left_becomes_the_template() -> None:
    answer = faithful()
    answer["cover_letter"]["paragraphs"] = ["Я эксперт по Kubernetes."]
    documents, report = run(answer)
    assert codes(report)[-1] == "letter_restored"
    assert (
        documents["cover_letter"]["paragraphs"] == offline.cover_letter(PROFILE, VACANCY, "ru")["paragraphs"]
    )


# -- the offline provider --------------------------------------------------------------------------


def test_offline_documents_select_and_order_by_the_vacancy() -> None:
    answer = offline.OfflineProvider().generate(PROFILE, VACANCY, "ru")
    resume = answer.resume
    assert resume.skills[:3] == ["Python", "Django", "Postgres"]  # the vacancy's key skills first
    assert resume.skills[3] == "Redis"  # then what its description names
    assert [j.employer for j in resume.experience] == ["ООО «Ромашка»", "Лютик"]  # current job first
    assert resume.experience[0].bullets[-1] == "Настроила CI в GitLab"  # nothing the vacancy asks for
    letter = answer.cover_letter
    assert (
        letter.paragraphs[0] == "Меня заинтересовала вакансия «Python-разработчик» в компании «Ромашка Тех»."
    )
    assert "Python, Django, Postgres" in letter.paragraphs[1]


def test_offline_documents_are_deterministic_and_always_pass_the_check() -> None:
    vacancies = [
        VACANCY,
        Vacancy(
            id=8,
            name="Data Engineer",
            employer=None,
            key_skills=("SQL", "Airflow"),
            description="Spark, Kafka",
        ),
        Vacancy(id=9, name="Курьер", employer="Доставка 24", key_skills=(), description=""),
        Vacancy(
            id=10, name="Backend developer", employer="Acme", key_skills=("Go",), description="We use Go."
        ),
    ]
    profiles = [
        PROFILE,
        Profile.model_validate({"name": "Пётр", "skills": ["Excel"]}),
        Profile.model_validate(
            {"name": "Ира", "experience": [{"employer": "Ромашка", "role": "Курьер", "start": "2024"}]}
        ),
    ]
    for profile in profiles:
        for vacancy in vacancies:
            for lang in ("ru", "en"):
                first = offline.OfflineProvider().generate(profile, vacancy, lang)
                again = offline.OfflineProvider().generate(profile, vacancy, lang)
                assert first == again
                documents, report = check(profile, first, vacancy, lang=lang, today=TODAY)
                assert report["findings"] == [], (profile.name, vacancy.name, report)
                assert documents["cover_letter"]["paragraphs"]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_finding_has_words(lang) -> None:
    answer = faithful()
    answer["resume"]["skills"].append("Kubernetes")
    answer["resume"]["headline"] = "CTO"
    answer["resume"]["summary"] = "Знаю Kafka."
    answer["resume"]["experience"][0]["role"] = "CTO"
    answer["resume"]["experience"][0]["bullets"].append("Kafka")
    answer["resume"]["experience"][1]["end"] = "2022"
    answer["resume"]["experience"].append({"employer": "X", "role": "Y"})
    answer["resume"]["education"].append({"institution": "Z"})
    answer["resume"]["languages"].append({"name": "Китайский"})
    answer["cover_letter"]["paragraphs"] = ["Знаю Kafka."]
    _, report = run(answer)
    assert len(set(codes(report))) >= 10
    for finding in report["findings"]:
        text = describe(finding, lang)
        assert "{" not in text and "truth." not in text, text
    json.dumps(report)  # stored as JSONB
