"""hh.ru reference data (``/dictionaries``, ``/areas``, ``/professional_roles``) matching
``testing.synthetic``: what the fake hh.ru serves, and what the demo stores in the dictionary cache
so saved-search pickers work without hh.ru."""

from __future__ import annotations

from typing import Any

from testing.synthetic import (
    CURRENCY_RATES,
    EMPLOYMENT,
    EMPLOYMENT_FORM,
    EXPERIENCE,
    PROFESSIONAL_ROLES,
    SALARY_FREQUENCY,
    SALARY_MODE,
    SCHEDULE,
    VACANCY_TYPE,
    WORK_FORMAT,
)

__all__ = [
    "AREAS_TREE",
    "DICTIONARIES",
    "PROFESSIONAL_ROLES_TREE",
    "VACANCY_LABEL",
    "VACANCY_SEARCH_EMPLOYMENT_FORM",
    "VACANCY_SEARCH_FIELDS",
    "VACANCY_SEARCH_ORDER",
]


def _items(mapping: dict[str, str]) -> list[dict[str, str]]:
    return [{"id": k, "name": v} for k, v in mapping.items()]


_CURRENCY_NAMES = {
    "RUR": ("₽", "Рубли"),
    "USD": ("$", "Доллары"),
    "EUR": ("€", "Евро"),
    "KZT": ("₸", "Тенге"),
    "BYR": ("Br", "Белорусские рубли"),
    "UZS": ("so'm", "Узбекский сум"),
    "UAH": ("₴", "Гривны"),
    "AZN": ("₼", "Манаты"),
    "GEL": ("₾", "Грузинский лари"),
    "KGS": ("сом", "Кыргызский сом"),
}
VACANCY_SEARCH_EMPLOYMENT_FORM = {
    k: EMPLOYMENT_FORM[k] for k in ("FULL", "PART", "PROJECT", "FLY_IN_FLY_OUT")
}
VACANCY_SEARCH_ORDER = {
    "publication_time": "по дате",
    "salary_desc": "по убыванию дохода",
    "salary_asc": "по возрастанию дохода",
    "relevance": "по соответствию",
    "distance": "по удалённости",
}
VACANCY_SEARCH_FIELDS = {
    "name": "в названии вакансии",
    "company_name": "в названии компании",
    "description": "в описании вакансии",
}
VACANCY_LABEL = {
    "with_address": "Только с адресом",
    "accept_handicapped": "Доступные людям с инвалидностью",
    "not_from_agency": "Без вакансий агентств",
    "accept_kids": "Доступные с 14 лет",
    "accredited_it": "От аккредитованных ИТ-компаний",
    "low_performance": "Меньше 10 откликов",
    "internship": "Стажировка",
    "with_salary": "Указан доход",
    "accept_teens": "Доступные для подростков",
}
_WORKING_HOURS = {
    "HOURS_2": "2 часа",
    "HOURS_3": "3 часа",
    "HOURS_4": "4 часа",
    "HOURS_5": "5 часов",
    "HOURS_6": "6 часов",
    "HOURS_7": "7 часов",
    "HOURS_8": "8 часов",
    "HOURS_9": "9 часов",
    "HOURS_10": "10 часов",
    "HOURS_11": "11 часов",
    "HOURS_12": "12 часов",
    "HOURS_24": "24 часа",
    "FLEXIBLE": "По договорённости",
    "OTHER": "Другое",
}
_WORK_SCHEDULE_BY_DAYS = {
    "FIVE_ON_TWO_OFF": "5/2",
    "TWO_ON_TWO_OFF": "2/2",
    "SIX_ON_ONE_OFF": "6/1",
    "THREE_ON_THREE_OFF": "3/3",
    "ONE_ON_THREE_OFF": "1/3",
    "ONE_ON_TWO_OFF": "1/2",
    "FOUR_ON_FOUR_OFF": "4/4",
    "FIFTEEN_ON_FIFTEEN_OFF": "15/15",
    "WEEKEND": "По выходным",
    "FLEXIBLE": "Свободный",
    "OTHER": "Другое",
}

DICTIONARIES: dict[str, Any] = {
    "currency": [
        {
            "code": code,
            "abbr": _CURRENCY_NAMES[code][0],
            "name": _CURRENCY_NAMES[code][1],
            "default": code == "RUR",
            "rate": rate,
            "in_use": code in {"RUR", "USD", "EUR", "KZT", "BYR"},
        }
        for code, rate in CURRENCY_RATES.items()
    ],
    "experience": _items(EXPERIENCE),
    "employment": _items(EMPLOYMENT),
    "schedule": _items(SCHEDULE),
    "work_format": _items(WORK_FORMAT),
    "employment_form": _items(EMPLOYMENT_FORM),
    "vacancy_search_employment_form": _items(VACANCY_SEARCH_EMPLOYMENT_FORM),
    "working_hours": _items(_WORKING_HOURS),
    "work_schedule_by_days": _items(_WORK_SCHEDULE_BY_DAYS),
    "vacancy_search_order": _items(VACANCY_SEARCH_ORDER),
    "vacancy_search_fields": _items(VACANCY_SEARCH_FIELDS),
    "salary_range_mode": _items(SALARY_MODE),
    "salary_range_frequency": _items(SALARY_FREQUENCY),
    "vacancy_label": _items(VACANCY_LABEL),
    "vacancy_type": _items(VACANCY_TYPE),
    "education_level": _items(
        {
            "secondary": "Среднее",
            "special_secondary": "Среднее специальное",
            "unfinished_higher": "Неоконченное высшее",
            "higher": "Высшее",
            "bachelor": "Бакалавр",
            "master": "Магистр",
            "candidate": "Кандидат наук",
            "doctor": "Доктор наук",
        }
    ),
    "driver_license_types": [{"id": x} for x in ("A", "B", "C", "D", "E", "BE", "CE", "DE", "TM", "TB")],
    "vacancy_billing_type": _items(
        {
            "free": "Бесплатная",
            "standard": "Стандарт",
            "standard_plus": "Стандарт+",
            "premium": "Премиум",
        }
    ),
}


def _area(
    area_id: str,
    parent: str | None,
    name: str,
    children: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {"id": area_id, "parent_id": parent, "name": name, "areas": children or []}


AREAS_TREE: list[dict[str, Any]] = [
    _area(
        "113",
        None,
        "Россия",
        [
            _area("1", "113", "Москва"),
            _area("2", "113", "Санкт-Петербург"),
            _area("2019", "113", "Московская область", [_area("2034", "2019", "Подольск")]),
            _area(
                "1261",
                "113",
                "Свердловская область",
                [_area("3", "1261", "Екатеринбург"), _area("1274", "1261", "Нижний Тагил")],
            ),
            _area("1202", "113", "Новосибирская область", [_area("4", "1202", "Новосибирск")]),
            _area("1624", "113", "Республика Татарстан", [_area("88", "1624", "Казань")]),
            _area("1679", "113", "Нижегородская область", [_area("66", "1679", "Нижний Новгород")]),
            _area("1530", "113", "Ростовская область", [_area("76", "1530", "Ростов-на-Дону")]),
        ],
    ),
    _area("40", None, "Казахстан", [_area("160", "40", "Алматы"), _area("159", "40", "Астана")]),
    _area("16", None, "Беларусь", [_area("1002", "16", "Минск")]),
    _area("1001", None, "Другие регионы"),
]


def _role(
    role_id: str, name: str | None = None, *, default: bool = False, deprecated: bool = False
) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name or PROFESSIONAL_ROLES[role_id],
        "accept_incomplete_resumes": role_id in {"97", "58", "21", "83", "131"},
        "is_default": default,
        "search_deprecated": deprecated,
        "search_deprecated_datetime": "2024-05-01T00:00:00+0300" if deprecated else None,
        "select_deprecated": deprecated,
        "select_deprecated_datetime": "2024-05-01T00:00:00+0300" if deprecated else None,
    }


PROFESSIONAL_ROLES_TREE: dict[str, Any] = {
    "categories": [
        {
            "id": "11",
            "name": "Информационные технологии",
            "roles": [
                _role("96"),
                _role("10"),
                _role("150"),
                _role("165"),
                _role("160"),
                _role("113"),
                _role("124"),
                _role("73"),
                _role("156", "BI-аналитик, аналитик данных"),
            ],
        },
        {
            "id": "2",
            "name": "Бухгалтерия, управленческий учет, финансы предприятия",
            "roles": [
                _role("18"),
                _role("10"),
                _role("16", "Аудитор"),
                _role("136", "Финансовый аналитик, инвестиционный аналитик"),
            ],
        },
        {
            "id": "17",
            "name": "Продажи, обслуживание клиентов",
            "roles": [
                _role("70"),
                _role("97"),
                _role("83"),
                _role("45", "Кассир-операционист", deprecated=True),
            ],
        },
        {
            "id": "21",
            "name": "Транспорт, логистика, перевозки",
            "roles": [
                _role("21"),
                _role("58"),
                _role("131"),
            ],
        },
        {"id": "14", "name": "Производство, сервисное обслуживание", "roles": [_role("48")]},
        {"id": "26", "name": "Управление персоналом, тренинги", "roles": [_role("69")]},
        {"id": "24", "name": "Другое", "roles": [_role("40", "Другое", default=True)]},
    ]
}
