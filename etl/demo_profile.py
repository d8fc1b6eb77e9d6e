"""The demo user's master resume: filled in, so resume generation can be tried at once, and
plainly fictional (an invented person, example.com addresses, a 000 phone number, made-up
employers), so nobody takes it for a real person's data.

Stored as ``domain.resume.model.Profile`` stores it (``model_dump(mode="json")``: dates as
``YYYY-MM``, an empty end for "till now"); ``tests/test_demo.py`` checks that it validates.
"""

from __future__ import annotations

from typing import Any

DEMO_PROFILE: dict[str, Any] = {
    "name": "Алексей Демов",
    "headline": "Python-разработчик (вымышленный демо-профиль)",
    "contacts": {
        "email": "alexey.demov@example.com",
        "phone": "+7 900 000-00-00",
        "location": "Москва",
        "links": ["https://github.com/example", "https://example.com/alexey-demov"],
    },
    "summary": (
        "Вымышленный человек для демонстрации Job Hunter: этот профиль можно менять и на нём "
        "пробовать создание резюме и сопроводительного письма.\n\n"
        "Шесть лет пишу на Python сервисы и конвейеры данных: API на FastAPI и Django, загрузка "
        "и очистка данных, PostgreSQL, Airflow. Люблю понятный код, тесты и измеримые результаты."
    ),
    "skills": [
        "Python",
        "SQL",
        "PostgreSQL",
        "Django",
        "FastAPI",
        "Airflow",
        "Docker",
        "Git",
        "Linux",
        "pandas",
        "REST API",
        "Pytest",
    ],
    "experience": [
        {
            "employer": "ООО «Пример Софт» (вымышленная компания)",
            "role": "Ведущий Python-разработчик",
            "start": "2022-03",
            "end": "",
            "bullets": [
                "Перевёл ночную выгрузку заказов на Airflow: обработка сократилась с 4 часов до 40 минут.",
                "Спроектировал REST API на FastAPI для мобильного приложения (около 2 млн запросов в сутки).",
                "Ввёл ревью кода и тесты на Pytest: покрытие выросло с 35 до 80 %.",
            ],
        },
        {
            "employer": "АО «Демо Данные» (вымышленная компания)",
            "role": "Python-разработчик",
            "start": "2019-06",
            "end": "2022-02",
            "bullets": [
                "Писал сервисы на Django и PostgreSQL для внутреннего учёта.",
                "Автоматизировал отчёты на pandas, сэкономив аналитикам 10 часов в неделю.",
            ],
        },
        {
            "employer": "Студия «Образец» (вымышленная компания)",
            "role": "Младший разработчик",
            "start": "2018-01",
            "end": "2019-05",
            "bullets": ["Поддерживал сайты на Django, настраивал развёртывание в Docker."],
        },
    ],
    "education": [
        {
            "institution": "Демонстрационный технический университет (вымышленный)",
            "degree": "Бакалавр, прикладная информатика",
            "year": "2018",
        }
    ],
    "languages": [
        {"name": "Русский", "level": "родной"},
        {"name": "Английский", "level": "B2"},
    ],
    # What the match score compares each demo vacancy with (domain.matching).
    "wishes": {
        "roles": ["Python-разработчик", "Backend-разработчик", "Data Engineer"],
        "salary": 250000,
        "areas": ["Москва", "Санкт-Петербург"],
        "work_formats": ["REMOTE", "HYBRID"],
        "years": None,
    },
}
