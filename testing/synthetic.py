"""Deterministic generator of hh.ru-shaped vacancies.

The objects produced here look like what ``GET https://api.hh.ru/vacancies/{id}`` returns
(full vacancy, see ``/work/shared/reference/api-facts.md`` A.5-A.7): string ids, nested
``{id, name}`` dictionary objects, ``salary_range`` plus the deprecated ``salary`` mirror,
HTML ``description``, timestamps such as ``2026-11-20T12:00:00+0300`` and so on.
:func:`to_search_item` turns a full vacancy into the short item of ``GET /vacancies``.

The generator serves tests, benchmarks (up to a million vacancies) and the demo mode, so it is

* deterministic - the same ``seed`` and arguments give the same vacancies;
* lazy - :func:`generate_vacancies` is an iterator, nothing is kept between items;
* fast - every string that can be is precomputed once at import time; per vacancy the work is
  a few dozen ``random()`` draws, slicing of pre-shuffled pools and building fresh dicts
  (no nested object is shared between two vacancies, so callers may mutate them freely).

Only the standard library is used.  The vocabularies (areas, dictionaries, professional roles,
currency rates) are module constants so that the fake hh.ru server in ``testing/fakes/hh.py``
serves dictionaries consistent with the generated data.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from random import Random
from typing import Any

__all__ = [
    "AREAS",
    "CURRENCY_RATES",
    "EMPLOYMENT",
    "EMPLOYMENT_FORM",
    "EXPERIENCE",
    "FULL_ONLY_FIELDS",
    "HOSTILE_HTML",
    "PROFESSIONAL_ROLES",
    "SALARY_FREQUENCY",
    "SALARY_MODE",
    "SCHEDULE",
    "VACANCY_TYPE",
    "WORK_FORMAT",
    "generate_vacancies",
    "highlight",
    "query_words",
    "to_search_item",
]

# --------------------------------------------------------------------------------------------
# Vocabularies (ids and Russian names as hh.ru uses them)
# --------------------------------------------------------------------------------------------

EXPERIENCE: dict[str, str] = {
    "noExperience": "Нет опыта",
    "between1And3": "От 1 года до 3 лет",
    "between3And6": "От 3 до 6 лет",
    "moreThan6": "Более 6 лет",
}
SCHEDULE: dict[str, str] = {
    "fullDay": "Полный день",
    "shift": "Сменный график",
    "flexible": "Гибкий график",
    "remote": "Удаленная работа",
    "flyInFlyOut": "Вахтовый метод",
}
EMPLOYMENT: dict[str, str] = {
    "full": "Полная занятость",
    "part": "Частичная занятость",
    "project": "Проектная работа",
    "volunteer": "Волонтерство",
    "probation": "Стажировка",
}
WORK_FORMAT: dict[str, str] = {
    "ON_SITE": "На месте работодателя",
    "REMOTE": "Удалённо",
    "HYBRID": "Гибрид",
    "FIELD_WORK": "Разъездной",
}
EMPLOYMENT_FORM: dict[str, str] = {
    "FULL": "Полная",
    "PART": "Частичная",
    "PROJECT": "Проект или разовое задание",
    "FLY_IN_FLY_OUT": "Вахта",
    "SIDE_JOB": "Подработка",
}
SALARY_MODE: dict[str, str] = {
    "MONTH": "За месяц",
    "HOUR": "За час",
    "SHIFT": "За смену",
    "SERVICE": "За услугу",
    "FLY_IN_FLY_OUT": "За вахту",
}
SALARY_FREQUENCY: dict[str, str] = {
    "DAILY": "Раз в день",
    "WEEKLY": "Раз в неделю",
    "TWICE_PER_MONTH": "Два раза в месяц",
    "MONTHLY": "Раз в месяц",
    "PER_PROJECT": "За проект",
}
VACANCY_TYPE: dict[str, str] = {
    "open": "Открытая",
    "closed": "Закрытая",
    "anonymous": "Анонимная",
    "direct": "Рекламная",
}
#: Units of the currency per one rouble, as ``/dictionaries`` ``currency[].rate`` gives them.
CURRENCY_RATES: dict[str, float] = {
    "RUR": 1.0,
    "USD": 0.0125,
    "EUR": 0.0108,
    "KZT": 5.9,
    "BYR": 0.0362,
    "UZS": 152.0,
    "UAH": 0.51,
    "AZN": 0.021,
    "GEL": 0.034,
    "KGS": 1.09,
}
#: Professional roles used by the generator: id -> name.
PROFESSIONAL_ROLES: dict[str, str] = {
    "96": "Программист, разработчик",
    "10": "Аналитик",
    "150": "Бизнес-аналитик",
    "165": "Дата-сайентист",
    "160": "DevOps-инженер",
    "113": "Системный администратор",
    "124": "Тестировщик",
    "73": "Менеджер продукта",
    "18": "Бухгалтер",
    "70": "Менеджер по продажам, менеджер по работе с клиентами",
    "97": "Продавец-консультант, продавец-кассир",
    "58": "Курьер",
    "21": "Водитель",
    "83": "Оператор call-центра, специалист контактного центра",
    "48": "Инженер-конструктор, инженер-проектировщик",
    "131": "Кладовщик",
    "69": "Менеджер по персоналу",
}


@dataclass(frozen=True, slots=True)
class _Area:
    id: str
    name: str
    parent_id: str
    country_id: str
    offset: str  # hh-style UTC offset of local time, "+0300"
    currency: str  # local currency code
    lat: float
    lng: float
    streets: tuple[str, ...]
    metro: tuple[tuple[str, str, str, str], ...]  # (station_id, station_name, line_id, line_name)


#: Areas of the generated vacancies (a subset of the /areas tree the fake serves).
AREAS: tuple[_Area, ...] = (
    _Area(
        "1",
        "Москва",
        "113",
        "113",
        "+0300",
        "RUR",
        55.7558,
        37.6173,
        (
            "улица Тверская",
            "Пресненская набережная",
            "Ленинградский проспект",
            "улица Льва Толстого",
            "Варшавское шоссе",
            "улица Большая Ордынка",
            "Кутузовский проспект",
            "улица Новый Арбат",
        ),
        (
            ("1.72", "Охотный ряд", "1", "Сокольническая"),
            ("5.88", "Белорусская", "5", "Кольцевая"),
            ("2.34", "Динамо", "2", "Замоскворецкая"),
            ("4.62", "Кутузовская", "4", "Филёвская"),
            ("9.146", "Тульская", "9", "Серпуховско-Тимирязевская"),
        ),
    ),
    _Area(
        "2",
        "Санкт-Петербург",
        "113",
        "113",
        "+0300",
        "RUR",
        59.9386,
        30.3141,
        (
            "Невский проспект",
            "Московский проспект",
            "улица Савушкина",
            "Лиговский проспект",
            "набережная Обводного канала",
            "улица Кораблестроителей",
        ),
        (
            ("14.195", "Невский проспект", "14", "Московско-Петроградская"),
            ("15.212", "Площадь Восстания", "15", "Кировско-Выборгская"),
            ("16.203", "Василеостровская", "16", "Невско-Василеостровская"),
        ),
    ),
    _Area(
        "3",
        "Екатеринбург",
        "1261",
        "113",
        "+0500",
        "RUR",
        56.8389,
        60.6057,
        ("улица Малышева", "проспект Ленина", "улица 8 Марта", "улица Куйбышева", "улица Радищева"),
        (),
    ),
    _Area(
        "4",
        "Новосибирск",
        "1202",
        "113",
        "+0700",
        "RUR",
        55.0302,
        82.9204,
        ("Красный проспект", "улица Фрунзе", "улица Кирова", "Октябрьская магистраль"),
        (),
    ),
    _Area(
        "88",
        "Казань",
        "1624",
        "113",
        "+0300",
        "RUR",
        55.7961,
        49.1064,
        ("улица Баумана", "проспект Победы", "улица Петербургская", "Право-Булачная улица"),
        (),
    ),
    _Area(
        "66",
        "Нижний Новгород",
        "1679",
        "113",
        "+0300",
        "RUR",
        56.3269,
        44.0059,
        ("улица Большая Покровская", "улица Родионова", "Московское шоссе", "улица Максима Горького"),
        (),
    ),
    _Area(
        "76",
        "Ростов-на-Дону",
        "1530",
        "113",
        "+0300",
        "RUR",
        47.2357,
        39.7015,
        ("Большая Садовая улица", "Ворошиловский проспект", "улица Красноармейская", "проспект Стачки"),
        (),
    ),
    _Area(
        "160",
        "Алматы",
        "40",
        "40",
        "+0500",
        "KZT",
        43.2383,
        76.9456,
        ("проспект Абая", "проспект Аль-Фараби", "улица Толе би", "проспект Достык"),
        (),
    ),
    _Area(
        "1002",
        "Минск",
        "16",
        "16",
        "+0300",
        "BYR",
        53.9023,
        27.5619,
        ("проспект Независимости", "улица Немига", "проспект Победителей", "улица Притыцкого"),
        (),
    ),
)
_AREA_WEIGHTS = (36, 15, 7, 6, 6, 5, 5, 8, 6)

HOSTILE_HTML = (
    '<p>Подробнее о компании: <a href="javascript:alert(3)">ссылка</a></p>'
    "<script>alert(1)</script>"
    '<img src=x onerror="alert(2)">'
)

# --------------------------------------------------------------------------------------------
# Job profiles: titles, roles, skills and texts that belong together
# --------------------------------------------------------------------------------------------

_IT_LEVELS = (
    ("", 1.0, 4),
    ("Junior ", 0.55, 2),
    ("Middle ", 1.0, 3),
    ("Senior ", 1.55, 3),
    ("Ведущий ", 1.45, 1),
    ("Lead ", 1.8, 1),
)
_RU_LEVELS = (("", 1.0, 6), ("Старший ", 1.25, 2), ("Ведущий ", 1.4, 1))
_NO_LEVELS = (("", 1.0, 1),)

# experience distribution by level multiplier bucket: low (<0.8), mid, high (>1.3)
_EXP_BY_BUCKET = {
    "low": ("noExperience",) * 6 + ("between1And3",) * 4,
    "mid": ("noExperience",) * 2 + ("between1And3",) * 5 + ("between3And6",) * 3,
    "high": ("between3And6",) * 6 + ("moreThan6",) * 4,
}

_COMMON_CONDITIONS = (
    "Официальное трудоустройство по ТК РФ с первого дня",
    "Стабильная заработная плата два раза в месяц",
    "ДМС после испытательного срока",
    "Корпоративное обучение и наставничество",
    "Компенсация питания",
    "Современный офис в шаговой доступности от метро",
    "Оплачиваемый отпуск 28 календарных дней",
    "Корпоративные скидки на продукты компании",
    "Возможность карьерного роста внутри компании",
    "Компенсация занятий спортом",
    "Гибкое начало рабочего дня",
    "Годовой бонус по результатам работы",
    "Дружный коллектив и корпоративные мероприятия",
    "Выдача спецодежды за счёт компании",
    "Оплата мобильной связи",
    "Ежегодная индексация заработной платы",
)
_INTROS = (
    "— одна из крупнейших компаний в своей отрасли, и мы растём.",
    "приглашает в команду специалиста, который хочет развиваться вместе с нами.",
    "более 15 лет работает на рынке и ценит каждого сотрудника.",
    "открывает новое направление и ищет коллег.",
    "— стабильный работодатель с прозрачными условиями.",
    "расширяет штат в связи с ростом бизнеса.",
    "— это команда профессионалов, которые любят своё дело.",
    "ищет ответственного и внимательного к деталям сотрудника.",
)
_CLOSINGS = (
    "Ждём ваших откликов!",
    "Откликайтесь, мы свяжемся с вами в течение двух рабочих дней.",
    "Будем рады видеть вас в нашей команде.",
    "Приходите на собеседование — расскажем подробности.",
    "Рассмотрим кандидатов без опыта, всему научим.",
)


@dataclass(frozen=True, slots=True)
class _ProfileSpec:
    titles: tuple[str, ...]
    levels: tuple[tuple[str, float, int], ...]
    role: str
    weight: int
    salary: tuple[int, int]  # monthly RUR base range
    modes: tuple[str, ...]  # salary mode lottery (repetition = weight)
    formats: tuple[str, ...]  # work format lottery
    forms: tuple[str, ...]  # employment form lottery
    skills: tuple[str, ...]
    duties: tuple[str, ...]
    reqs: tuple[str, ...]
    it: bool = False
    licenses: tuple[str, ...] = ()


_IT_FORMATS = ("REMOTE",) * 4 + ("HYBRID",) * 3 + ("ON_SITE",) * 3
_OFFICE_FORMATS = ("ON_SITE",) * 8 + ("HYBRID",) * 2
_FULL_FORMS = ("FULL",) * 9 + ("PART",)

_PROFILE_SPECS: tuple[_ProfileSpec, ...] = (
    _ProfileSpec(
        ("Python-разработчик", "Backend-разработчик (Python)", "Python developer"),
        _IT_LEVELS,
        "96",
        9,
        (120_000, 260_000),
        ("MONTH",),
        _IT_FORMATS,
        ("FULL",) * 8 + ("PROJECT",) * 2,
        (
            "Python",
            "Django",
            "FastAPI",
            "PostgreSQL",
            "SQL",
            "Git",
            "Docker",
            "Redis",
            "Celery",
            "Linux",
            "REST API",
            "asyncio",
            "SQLAlchemy",
            "Kafka",
        ),
        (
            "Разработка и поддержка backend-сервисов на Python",
            "Проектирование REST API и интеграций с внешними системами",
            "Оптимизация запросов к PostgreSQL",
            "Участие в код-ревью и проектировании архитектуры",
            "Написание автотестов на pytest",
            "Перевод монолита на микросервисы",
        ),
        (
            "Опыт коммерческой разработки на Python от 2 лет",
            "Уверенное знание SQL и PostgreSQL",
            "Опыт работы с Django или FastAPI",
            "Понимание принципов работы Docker",
            "Умение писать чистый и читаемый код",
            "Знание Git и практик CI/CD",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("Frontend-разработчик (React)", "Frontend-разработчик", "JavaScript-разработчик"),
        _IT_LEVELS,
        "96",
        6,
        (110_000, 240_000),
        ("MONTH",),
        _IT_FORMATS,
        _FULL_FORMS,
        (
            "JavaScript",
            "TypeScript",
            "React",
            "Redux",
            "HTML5",
            "CSS3",
            "Webpack",
            "Git",
            "Next.js",
            "REST API",
        ),
        (
            "Разработка интерфейсов личного кабинета на React",
            "Вёрстка адаптивных страниц по макетам Figma",
            "Интеграция с backend через REST API",
            "Оптимизация производительности фронтенда",
            "Покрытие компонентов тестами",
        ),
        (
            "Опыт разработки на React от 1 года",
            "Знание TypeScript",
            "Уверенные знания HTML и CSS",
            "Понимание принципов работы браузера",
            "Опыт работы с Git",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("Java-разработчик", "Backend-разработчик (Java)"),
        _IT_LEVELS,
        "96",
        5,
        (140_000, 280_000),
        ("MONTH",),
        _IT_FORMATS,
        _FULL_FORMS,
        (
            "Java",
            "Spring Framework",
            "Spring Boot",
            "Hibernate",
            "Kafka",
            "PostgreSQL",
            "Maven",
            "Git",
            "Микросервисная архитектура",
        ),
        (
            "Разработка высоконагруженных сервисов на Java",
            "Проектирование микросервисной архитектуры",
            "Интеграция сервисов через Kafka",
            "Сопровождение и развитие существующего кода",
        ),
        (
            "Опыт разработки на Java от 3 лет",
            "Знание Spring Boot",
            "Опыт работы с реляционными БД",
            "Понимание многопоточности",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("Программист 1С", "Разработчик 1С"),
        _RU_LEVELS,
        "96",
        4,
        (90_000, 200_000),
        ("MONTH",),
        _IT_FORMATS,
        _FULL_FORMS,
        ("1С: Предприятие 8", "1С программирование", "1С: Бухгалтерия", "SQL", "1С: ЗУП"),
        (
            "Доработка конфигураций 1С под задачи бизнеса",
            "Разработка отчётов и обработок",
            "Обновление типовых конфигураций",
            "Консультирование пользователей",
        ),
        (
            "Опыт программирования в 1С от 2 лет",
            "Знание типовых конфигураций",
            "Наличие сертификата 1С: Специалист",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("Аналитик данных", "BI-аналитик", "Продуктовый аналитик"),
        _IT_LEVELS,
        "10",
        5,
        (100_000, 220_000),
        ("MONTH",),
        _IT_FORMATS,
        _FULL_FORMS,
        (
            "SQL",
            "Python",
            "Pandas",
            "Power BI",
            "Tableau",
            "Excel",
            "A/B тесты",
            "ClickHouse",
            "Математическая статистика",
        ),
        (
            "Подготовка отчётности и дашбордов для бизнеса",
            "Анализ продуктовых метрик",
            "Проведение и оценка A/B тестов",
            "Автоматизация выгрузок данных",
            "Поиск точек роста в данных",
        ),
        (
            "Уверенное знание SQL",
            "Опыт работы с Python и Pandas",
            "Знание основ математической статистики",
            "Опыт работы с BI-инструментами",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("Бизнес-аналитик", "Системный аналитик"),
        _IT_LEVELS,
        "150",
        3,
        (110_000, 230_000),
        ("MONTH",),
        _IT_FORMATS,
        _FULL_FORMS,
        ("Бизнес-анализ", "BPMN", "UML", "SQL", "Jira", "Confluence", "Постановка задач разработчикам"),
        (
            "Сбор и анализ требований заказчика",
            "Описание бизнес-процессов в нотации BPMN",
            "Подготовка технических заданий",
            "Приёмка результатов разработки",
        ),
        (
            "Опыт работы аналитиком от 2 лет",
            "Умение формализовать требования",
            "Знание SQL на уровне запросов",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("Data Scientist", "ML-инженер"),
        _IT_LEVELS,
        "165",
        3,
        (150_000, 320_000),
        ("MONTH",),
        _IT_FORMATS,
        _FULL_FORMS,
        (
            "Python",
            "Machine Learning",
            "PyTorch",
            "Scikit-learn",
            "SQL",
            "Pandas",
            "NLP",
            "Математическая статистика",
            "Docker",
        ),
        (
            "Разработка моделей машинного обучения",
            "Подготовка и очистка данных",
            "Вывод моделей в промышленную эксплуатацию",
            "Исследование новых подходов и статей",
        ),
        (
            "Опыт построения ML-моделей от 2 лет",
            "Отличное знание Python",
            "Понимание математики ML",
            "Опыт работы с PyTorch или TensorFlow",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("DevOps-инженер", "SRE-инженер"),
        _IT_LEVELS,
        "160",
        4,
        (150_000, 300_000),
        ("MONTH",),
        _IT_FORMATS,
        _FULL_FORMS,
        (
            "Docker",
            "Kubernetes",
            "Linux",
            "Ansible",
            "Terraform",
            "CI/CD",
            "GitLab",
            "Prometheus",
            "Bash",
            "Grafana",
            "Nginx",
        ),
        (
            "Поддержка и развитие инфраструктуры в Kubernetes",
            "Настройка CI/CD пайплайнов в GitLab",
            "Мониторинг сервисов и реагирование на инциденты",
            "Автоматизация развёртывания с Ansible и Terraform",
        ),
        (
            "Опыт администрирования Linux от 3 лет",
            "Опыт работы с Kubernetes в продакшене",
            "Знание Bash или Python для автоматизации",
            "Понимание сетей и протоколов",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("Системный администратор", "Специалист технической поддержки"),
        _RU_LEVELS,
        "113",
        4,
        (70_000, 150_000),
        ("MONTH",) * 9 + ("SHIFT",),
        _OFFICE_FORMATS,
        _FULL_FORMS,
        (
            "Linux",
            "Windows Server",
            "Active Directory",
            "Сетевое администрирование",
            "Bash",
            "Настройка ПК",
            "MikroTik",
        ),
        (
            "Администрирование серверов и рабочих станций",
            "Поддержка пользователей офиса",
            "Настройка сетевого оборудования",
            "Ведение учёта оборудования",
        ),
        (
            "Опыт работы системным администратором от 1 года",
            "Знание Windows Server и Active Directory",
            "Базовые знания Linux",
            "Умение объяснять сложное простыми словами",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("Тестировщик", "QA-инженер", "Инженер по тестированию"),
        _IT_LEVELS,
        "124",
        4,
        (80_000, 200_000),
        ("MONTH",),
        _IT_FORMATS,
        _FULL_FORMS,
        (
            "Тестирование",
            "QA",
            "Postman",
            "SQL",
            "Jira",
            "Selenium",
            "Python",
            "Тест-дизайн",
            "API тестирование",
        ),
        (
            "Функциональное и регрессионное тестирование веб-приложений",
            "Написание тест-кейсов и чек-листов",
            "Заведение и сопровождение дефектов в Jira",
            "Разработка автотестов",
        ),
        (
            "Опыт ручного тестирования от 1 года",
            "Знание техник тест-дизайна",
            "Умение составлять SQL-запросы",
            "Опыт тестирования API через Postman",
        ),
        it=True,
    ),
    _ProfileSpec(
        ("Product manager", "Менеджер продукта"),
        (("", 1.0, 3), ("Senior ", 1.4, 1)),
        "73",
        2,
        (150_000, 300_000),
        ("MONTH",),
        _IT_FORMATS,
        _FULL_FORMS,
        (
            "Product Management",
            "Jira",
            "A/B тесты",
            "Аналитика",
            "Agile",
            "Customer Development",
            "Управление проектами",
        ),
        (
            "Управление развитием продукта и бэклогом",
            "Проведение исследований пользователей",
            "Постановка целей и контроль метрик",
            "Координация работы команды разработки",
        ),
        (
            "Опыт работы продакт-менеджером от 2 лет",
            "Умение работать с метриками",
            "Опыт проведения A/B тестов",
        ),
        it=True,
    ),
    _ProfileSpec(
        (
            "Бухгалтер",
            "Главный бухгалтер",
            "Бухгалтер по расчёту заработной платы",
            "Бухгалтер на первичную документацию",
        ),
        _RU_LEVELS,
        "18",
        7,
        (55_000, 130_000),
        ("MONTH",),
        ("ON_SITE",) * 7 + ("HYBRID",) * 2 + ("REMOTE",),
        _FULL_FORMS,
        (
            "1С: Бухгалтерия",
            "Excel",
            "Бухгалтерская отчетность",
            "Налоговая отчетность",
            "Первичная документация",
            "1С: ЗУП",
            "Банк-клиент",
            "Расчет заработной платы",
        ),
        (
            "Ведение бухгалтерского и налогового учёта",
            "Работа с первичной документацией",
            "Сдача отчётности в ИФНС и фонды",
            "Расчёт заработной платы и отпускных",
            "Сверки с контрагентами",
        ),
        (
            "Профильное образование",
            "Опыт работы бухгалтером от 2 лет",
            "Уверенное знание 1С: Бухгалтерия 8.3",
            "Знание налогового законодательства",
            "Внимательность и ответственность",
        ),
    ),
    _ProfileSpec(
        ("Менеджер по продажам", "Менеджер по работе с клиентами", "Менеджер активных продаж"),
        _RU_LEVELS,
        "70",
        11,
        (60_000, 150_000),
        ("MONTH",),
        _OFFICE_FORMATS,
        _FULL_FORMS,
        (
            "Активные продажи",
            "Холодные продажи",
            "CRM",
            "Ведение переговоров",
            "B2B продажи",
            "Деловая переписка",
            "Работа с возражениями",
            "Телефонные переговоры",
        ),
        (
            "Поиск и привлечение новых клиентов",
            "Ведение переговоров и заключение договоров",
            "Работа с клиентской базой в CRM",
            "Выполнение плана продаж",
            "Подготовка коммерческих предложений",
        ),
        (
            "Опыт активных продаж от 1 года",
            "Грамотная речь и уверенность в себе",
            "Умение работать с возражениями",
            "Нацеленность на результат",
        ),
    ),
    _ProfileSpec(
        ("Продавец-консультант", "Продавец-кассир", "Старший продавец"),
        _NO_LEVELS,
        "97",
        9,
        (45_000, 75_000),
        ("MONTH",) * 6 + ("SHIFT",) * 3 + ("HOUR",),
        ("ON_SITE",),
        ("FULL",) * 6 + ("PART",) * 4,
        (
            "Работа с кассой",
            "Консультирование клиентов",
            "Мерчандайзинг",
            "Выкладка товара",
            "Работа в команде",
        ),
        (
            "Консультирование покупателей в торговом зале",
            "Работа на кассе",
            "Выкладка и приёмка товара",
            "Поддержание порядка в зале",
        ),
        ("Готовность к сменному графику", "Доброжелательность", "Опыт в рознице приветствуется"),
    ),
    _ProfileSpec(
        ("Курьер", "Пеший курьер", "Курьер на личном автомобиле"),
        _NO_LEVELS,
        "58",
        7,
        (60_000, 120_000),
        ("HOUR",) * 4 + ("SHIFT",) * 3 + ("MONTH",) * 3,
        ("FIELD_WORK",),
        ("PART",) * 5 + ("FULL",) * 5,
        ("Доставка", "Вежливость", "Пунктуальность", "Знание города"),
        ("Доставка заказов клиентам", "Работа с мобильным приложением курьера", "Приём оплаты от клиентов"),
        ("Наличие смартфона", "Ответственность и пунктуальность", "Гражданство РФ или патент"),
    ),
    _ProfileSpec(
        ("Водитель-экспедитор", "Водитель категории C", "Водитель погрузчика"),
        _NO_LEVELS,
        "21",
        5,
        (70_000, 140_000),
        ("MONTH",) * 6 + ("SHIFT",) * 4,
        ("FIELD_WORK",) * 8 + ("ON_SITE",) * 2,
        _FULL_FORMS,
        (
            "Водительское удостоверение категории B",
            "Водительское удостоверение категории C",
            "Знание города",
            "Экспедирование грузов",
        ),
        (
            "Доставка товаров по городу и области",
            "Приём и сдача груза по документам",
            "Контроль технического состояния автомобиля",
        ),
        ("Водительское удостоверение категории B, C", "Стаж вождения от 3 лет", "Знание города"),
        licenses=("B", "C"),
    ),
    _ProfileSpec(
        ("Оператор call-центра", "Специалист контактного центра", "Оператор чата"),
        _NO_LEVELS,
        "83",
        6,
        (45_000, 80_000),
        ("MONTH",) * 6 + ("HOUR",) * 4,
        ("REMOTE",) * 5 + ("ON_SITE",) * 5,
        ("FULL",) * 5 + ("PART",) * 5,
        (
            "Грамотная речь",
            "Работа с возражениями",
            "CRM",
            "Уверенный пользователь ПК",
            "Телефонные переговоры",
        ),
        (
            "Приём входящих звонков и консультирование клиентов",
            "Оформление заявок в CRM",
            "Ответы в чатах и мессенджерах",
        ),
        ("Грамотная речь", "Скорость печати от 150 знаков в минуту", "Стрессоустойчивость"),
    ),
    _ProfileSpec(
        ("Инженер-конструктор", "Инженер-проектировщик", "Инженер ПТО"),
        _RU_LEVELS,
        "48",
        4,
        (80_000, 170_000),
        ("MONTH",),
        _OFFICE_FORMATS,
        _FULL_FORMS,
        ("AutoCAD", "КОМПАС-3D", "SolidWorks", "ЕСКД", "Чтение чертежей", "Revit"),
        (
            "Разработка конструкторской документации",
            "Создание 3D-моделей узлов и деталей",
            "Сопровождение производства",
            "Проверка чертежей на соответствие ЕСКД",
        ),
        ("Высшее техническое образование", "Опыт работы в КОМПАС-3D или SolidWorks", "Знание ЕСКД"),
    ),
    _ProfileSpec(
        ("Кладовщик", "Комплектовщик", "Работник склада"),
        _NO_LEVELS,
        "131",
        5,
        (55_000, 95_000),
        ("MONTH",) * 5 + ("SHIFT",) * 4 + ("HOUR",),
        ("ON_SITE",),
        ("FULL",) * 7 + ("FLY_IN_FLY_OUT",) * 3,
        ("Складской учет", "1С: Склад", "Инвентаризация", "Работа с ТСД"),
        ("Приёмка и отгрузка товара", "Комплектация заказов", "Участие в инвентаризациях"),
        ("Опыт работы на складе приветствуется", "Готовность к физическому труду", "Внимательность"),
    ),
    _ProfileSpec(
        ("Менеджер по персоналу", "HR-менеджер", "Рекрутер"),
        _RU_LEVELS,
        "69",
        3,
        (70_000, 140_000),
        ("MONTH",),
        _OFFICE_FORMATS,
        _FULL_FORMS,
        (
            "Подбор персонала",
            "Кадровое делопроизводство",
            "Адаптация персонала",
            "Собеседования",
            "HR-аналитика",
        ),
        (
            "Полный цикл подбора персонала",
            "Проведение собеседований",
            "Адаптация новых сотрудников",
            "Ведение кадровой документации",
        ),
        ("Опыт в подборе от 1 года", "Знание ТК РФ", "Развитые коммуникативные навыки"),
    ),
)

# --------------------------------------------------------------------------------------------
# Employers
# --------------------------------------------------------------------------------------------

_BRANDS: tuple[tuple[str, str, bool], ...] = (
    # (id, name, accredited IT employer)
    ("3529", "Сбер", True),
    ("1740", "Яндекс", True),
    ("78638", "Т-Банк", True),
    ("2180", "Ozon", True),
    ("49357", "Магнит", False),
    ("4233", "X5 Group", True),
    ("1272486", "СберМаркет", True),
    ("39305", "Газпром нефть", True),
    ("4181", "ВТБ", True),
    ("80", "Альфа-Банк", True),
    ("3776", "МТС", True),
    ("4934", "Билайн", True),
    ("3127", "МегаФон", True),
    ("2748", "Ростелеком", True),
    ("87021", "Wildberries", True),
    ("15478", "VK", True),
    ("84585", "Авито", True),
    ("1057", "Лаборатория Касперского", True),
    ("1455", "Фирма 1С", True),
    ("577743", "Росатом", False),
    ("1373", "Аэрофлот", False),
    ("23427", "РЖД", False),
    ("6041", "Северсталь", True),
    ("740", "Норникель", False),
    ("907345", "Лукойл", False),
    ("6596", "Роснефть", False),
    ("3809", "СИБУР", True),
    ("2381", "ПИК", False),
    ("1049556", "Самолет", False),
    ("1110", "Додо Пицца", True),
    ("4670219", "Вкусно — и точка", False),
    ("1942330", "Пятёрочка", False),
    ("1942336", "Перекрёсток", False),
    ("61196", "ВкусВилл", False),
    ("1883", "Лента", False),
    ("1025275", "DNS", False),
    ("5040", "М.Видео-Эльдорадо", True),
    ("2136954", "Лемана ПРО", False),
    ("37", "Спортмастер", True),
    ("27879", "Детский мир", False),
    ("2324020", "Самокат", True),
    ("1316", "Почта России", False),
    ("44272", "СДЭК", True),
    ("9498112", "Яндекс Крауд", True),
    ("64174", "Ашан", False),
    ("68587", "Kaspi.kz", True),
    ("4080", "Halyk Bank", True),
    ("4327", "EPAM Systems", True),
    ("1993194", "Positive Technologies", True),
    ("3388", "Газпромбанк", True),
)
_FIRM_PREFIXES = (
    "Техно",
    "Строй",
    "Агро",
    "Энерго",
    "Авто",
    "Медиа",
    "Инфо",
    "Пром",
    "Транс",
    "Фарм",
    "Нефте",
    "Мега",
    "Софт",
    "Дата",
    "Лог",
    "Эко",
    "Гео",
    "Стандарт",
    "Проф",
    "Альфа",
)
_FIRM_SUFFIXES = (
    "Сервис",
    "Групп",
    "Центр",
    "Систем",
    "Ресурс",
    "Инвест",
    "Торг",
    "Плюс",
    "Лайн",
    "Проект",
    "Маркет",
    "Снаб",
    "Холдинг",
    "Лаб",
)
_FIRM_WORDS = (
    "Ромашка",
    "Вектор",
    "Альянс",
    "Гарант",
    "Прогресс",
    "Меридиан",
    "Горизонт",
    "Северная звезда",
    "Рассвет",
    "Компас",
    "Атлант",
    "Орион",
    "Сфера",
    "Импульс",
    "Монолит",
    "Пульс",
    "Квант",
    "Волга",
    "Уралочка",
    "Сибирь",
)
_LEGAL_FORMS = ("ООО", "ООО", "ООО", "АО", "ПАО", "ИП Иванов И.И.")


def _build_employers() -> tuple[tuple[str, str, bool, bool, bool], ...]:
    """(id, name, has_logo, trusted, accredited) for a few hundred employers; fixed, seed-independent."""
    rnd = Random(20_251_124)
    out: list[tuple[str, str, bool, bool, bool]] = []
    for emp_id, name, accredited in _BRANDS:
        out.append((emp_id, name, True, True, accredited))
    names: list[str] = [f"{p}{s}" for p in _FIRM_PREFIXES for s in _FIRM_SUFFIXES]
    rnd.shuffle(names)
    names = names[:230] + list(_FIRM_WORDS)
    used: set[str] = {e[0] for e in out}
    for name in names:
        form = rnd.choice(_LEGAL_FORMS)
        full = f"{form} {name}" if not form.startswith("ИП") else form.replace("Иванов", name.split()[0][:8])
        emp_id = str(rnd.randrange(10_000, 9_999_999))
        while emp_id in used:
            emp_id = str(rnd.randrange(10_000, 9_999_999))
        used.add(emp_id)
        out.append((emp_id, full, rnd.random() < 0.6, rnd.random() < 0.92, rnd.random() < 0.1))
    return tuple(out)


_EMPLOYERS = _build_employers()
# brands are bigger employers: they appear 5x more often than the small firms
_EMPLOYER_TABLE: tuple[int, ...] = tuple(
    i for i, e in enumerate(_EMPLOYERS) for _ in range(5 if i < len(_BRANDS) else 1)
)

# --------------------------------------------------------------------------------------------
# Precomputed per-profile pools
# --------------------------------------------------------------------------------------------

_LEVEL_BUCKET_THRESHOLDS = (0.8, 1.3)


@dataclass(frozen=True, slots=True)
class _Profile:
    titles: tuple[tuple[str, float, tuple[str, ...]], ...]  # lottery of (title, salary mult, experiences)
    role_id: str
    role_name: str
    salary_lo: int
    salary_hi: int
    modes: tuple[str, ...]
    formats: tuple[str, ...]
    forms: tuple[str, ...]
    core_skill: str  # always listed first
    skills2: tuple[str, ...]  # the other skills, doubled: any slice of len <= n_skills is contiguous
    n_skills: int
    duties2: tuple[str, ...]  # "<li>…</li>" strings, doubled
    duties_plain: tuple[str, ...]  # the same sentences in the same order, without markup
    reqs2: tuple[str, ...]
    reqs_plain: tuple[str, ...]
    it: bool
    licenses: tuple[str, ...]


def _doubled(items: Sequence[str], rnd: Random) -> tuple[str, ...]:
    pool = list(items)
    rnd.shuffle(pool)
    return tuple(pool + pool)


def _li_pools(items: Sequence[str], rnd: Random) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(``<li>`` pool, plain pool): the same shuffled order, each doubled."""
    plain = _doubled(items, rnd)
    return tuple(f"<li>{x}</li>" for x in plain), plain


def _build_profiles() -> tuple[_Profile, ...]:
    rnd = Random(7)
    out: list[_Profile] = []
    for spec in _PROFILE_SPECS:
        titles: list[tuple[str, float, tuple[str, ...]]] = []
        for base in spec.titles:
            levels = _NO_LEVELS if base.startswith(("Главный", "Старший")) else spec.levels
            for prefix, mult, weight in levels:
                if prefix and not base[0].isascii():  # "Ведущий бухгалтер", "Junior тестировщик"
                    title = f"{prefix}{base[0].lower()}{base[1:]}"
                else:
                    title = prefix + base
                if mult < _LEVEL_BUCKET_THRESHOLDS[0]:
                    bucket = "low"
                elif mult > _LEVEL_BUCKET_THRESHOLDS[1]:
                    bucket = "high"
                else:
                    bucket = "mid"
                exps = _EXP_BY_BUCKET[bucket] if prefix else tuple(EXPERIENCE)
                titles.extend([(title, mult, exps)] * weight)
        duties_li, duties_plain = _li_pools(spec.duties, rnd)
        reqs_li, reqs_plain = _li_pools(spec.reqs, rnd)
        out.append(
            _Profile(
                titles=tuple(titles),
                role_id=spec.role,
                role_name=PROFESSIONAL_ROLES[spec.role],
                salary_lo=spec.salary[0],
                salary_hi=spec.salary[1],
                modes=spec.modes,
                formats=spec.formats,
                forms=spec.forms,
                core_skill=spec.skills[0],
                skills2=_doubled(spec.skills[1:], rnd),
                n_skills=len(spec.skills) - 1,
                duties2=duties_li,
                duties_plain=duties_plain,
                reqs2=reqs_li,
                reqs_plain=reqs_plain,
                it=spec.it,
                licenses=spec.licenses,
            )
        )
    return tuple(out)


_PROFILES = _build_profiles()
_PROFILE_TABLE: tuple[_Profile, ...] = tuple(
    p for p, s in zip(_PROFILES, _PROFILE_SPECS, strict=True) for _ in range(s.weight)
)
_AREA_TABLE: tuple[_Area, ...] = tuple(a for a, w in zip(AREAS, _AREA_WEIGHTS, strict=True) for _ in range(w))
_CONDITIONS2 = _doubled([f"<li>{c}</li>" for c in _COMMON_CONDITIONS], Random(11))
_N_CONDITIONS = len(_COMMON_CONDITIONS)

_SCHEDULE_BY_FORMAT = {
    "ON_SITE": "fullDay",
    "REMOTE": "remote",
    "HYBRID": "flexible",
    "FIELD_WORK": "fullDay",
}
_EMPLOYMENT_BY_FORM = {
    "FULL": "full",
    "PART": "part",
    "PROJECT": "project",
    "FLY_IN_FLY_OUT": "full",
    "SIDE_JOB": "part",
}
_FREQ_BY_MODE: dict[str, tuple[str | None, ...]] = {
    "MONTH": ("TWICE_PER_MONTH",) * 4 + ("MONTHLY",) * 3 + (None,) * 3,
    "HOUR": ("WEEKLY",) * 3 + ("DAILY",) * 2 + ("TWICE_PER_MONTH",) * 2 + (None,) * 3,
    "SHIFT": ("DAILY",) * 4 + ("WEEKLY",) * 2 + ("TWICE_PER_MONTH",) * 2 + (None,) * 2,
}
_HOURS_BY_FORM = {
    "FULL": ("HOURS_8", "8 часов"),
    "PART": ("HOURS_4", "4 часа"),
    "PROJECT": ("FLEXIBLE", "По договорённости"),
    "FLY_IN_FLY_OUT": ("HOURS_12", "12 часов"),
    "SIDE_JOB": ("HOURS_4", "4 часа"),
}
_DAYS_BY_FORM = {
    "FULL": ("FIVE_ON_TWO_OFF", "5/2"),
    "PART": ("FLEXIBLE", "Свободный"),
    "PROJECT": ("FLEXIBLE", "Свободный"),
    "FLY_IN_FLY_OUT": ("FIFTEEN_ON_FIFTEEN_OFF", "15/15"),
    "SIDE_JOB": ("WEEKEND", "По выходным"),
}
_BRANDED_TEMPLATE = (
    "<style>.vacancy-branded{{font-family:Arial,sans-serif;color:#222}}"
    ".vacancy-branded h2{{color:#d6001c}}</style>"
    '<div class="vacancy-branded"><h2>{company}</h2>{body}</div>'
    '<script>window.hhBranded && window.hhBranded.init("{vid}");</script>'
)

# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------


def _offset_seconds(offset: str) -> int:
    sign = -1 if offset[0] == "-" else 1
    return sign * (int(offset[1:3]) * 3600 + int(offset[3:5]) * 60)


def _hh_time(ts: int, offset: str, off_s: int) -> str:
    t = time.gmtime(ts + off_s)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}{offset}"
    )


def _epoch(dt: datetime) -> float:
    """Seconds since the epoch; a naive datetime is taken as UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _round_amount(value: float, step: int) -> int:
    return max(step, int(value // step) * step)


def generate_vacancies(
    n: int,
    *,
    seed: int = 0,
    start: datetime,
    end: datetime,
    first_id: int = 100_000_000,
    hostile_html_share: float = 0.0,
) -> Iterator[dict[str, Any]]:
    """Yield ``n`` full hh.ru vacancies (as ``GET /vacancies/{id}`` returns them).

    * ids are ``str(first_id + i)`` for ``i`` in ``range(n)``;
    * ``published_at`` (= ``created_at``) is uniform over whole seconds in ``[start, end)`` and is
      written in the area's local offset (``+0300`` Moscow, ``+0500`` Екатеринбург/Алматы,
      ``+0700`` Новосибирск); naive ``start``/``end`` are taken as UTC;
    * with ``hostile_html_share`` > 0 that share of descriptions also carries a ``<script>``,
      an ``<img onerror>`` and a ``javascript:`` link (the random stream does not depend on the
      share, so all other fields stay identical across shares).

    The same arguments always give the same vacancies.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if not 0.0 <= hostile_html_share <= 1.0:
        raise ValueError("hostile_html_share must be within [0, 1]")
    start_s = math.ceil(_epoch(start))
    end_s = math.ceil(_epoch(end))  # valid whole seconds: start_s <= s < end_s
    if end_s <= start_s:
        raise ValueError("end must be later than start (by at least one whole second)")
    return _generate(n, seed, start_s, end_s - start_s, first_id, hostile_html_share)


def _generate(
    n: int, seed: int, start_s: int, span: int, first_id: int, hostile_share: float
) -> Iterator[dict[str, Any]]:
    rnd = Random(seed).random
    profiles = _PROFILE_TABLE
    n_prof = len(profiles)
    areas = _AREA_TABLE
    n_areas = len(areas)
    employers = _EMPLOYERS
    emp_table = _EMPLOYER_TABLE
    n_emp = len(emp_table)
    conditions2 = _CONDITIONS2
    offsets = {a.offset: _offset_seconds(a.offset) for a in AREAS}
    exp_names = EXPERIENCE
    rates = CURRENCY_RATES

    for i in range(n):
        vid = str(first_id + i)
        p = profiles[int(rnd() * n_prof)]
        title, mult, exps = p.titles[int(rnd() * len(p.titles))]
        area = areas[int(rnd() * n_areas)]
        emp_id, emp_name, has_logo, trusted, accredited = employers[emp_table[int(rnd() * n_emp)]]
        exp_id = exps[int(rnd() * len(exps))]

        # --- time ---------------------------------------------------------------------------
        ts = start_s + int(rnd() * span)
        off = area.offset
        off_s = offsets[off]
        published = _hh_time(ts, off, off_s)
        r_init = rnd()
        initial = published if r_init < 0.7 else _hh_time(ts - int((r_init - 0.7) * 100 * 86_400), off, off_s)

        # --- formats ------------------------------------------------------------------------
        fmt = p.formats[int(rnd() * len(p.formats))]
        form = p.forms[int(rnd() * len(p.forms))]
        r_fmt2 = rnd()
        work_format = [{"id": fmt, "name": WORK_FORMAT[fmt]}]
        if fmt == "REMOTE" and r_fmt2 < 0.3:
            work_format.append({"id": "HYBRID", "name": WORK_FORMAT["HYBRID"]})
        mode = p.modes[int(rnd() * len(p.modes))]
        sched_id = (
            "shift"
            if mode == "SHIFT"
            else ("flyInFlyOut" if form == "FLY_IN_FLY_OUT" else _SCHEDULE_BY_FORMAT[fmt])
        )
        empl_id = _EMPLOYMENT_BY_FORM[form]
        hours = _HOURS_BY_FORM[form]
        days = _DAYS_BY_FORM[form] if mode != "SHIFT" else ("TWO_ON_TWO_OFF", "2/2")

        # --- salary -------------------------------------------------------------------------
        r_sal = rnd()
        r_cur = rnd()
        r_lo = rnd()
        r_width = rnd()
        r_shape = rnd()
        r_freq = rnd()
        r_gross = rnd()
        salary_range: dict[str, Any] | None
        salary: dict[str, Any] | None
        if r_sal < 0.35:
            salary_range = salary = None
        else:
            if mode == "HOUR":
                lo = 300 + r_lo * 700
                hi = lo * (1.15 + r_width * 0.8)
                hi = min(hi, 1500.0)
                step = 10
            elif mode == "SHIFT":
                lo = 2000 + r_lo * 2500
                hi = min(lo * (1.1 + r_width * 0.5), 6000.0)
                step = 100
            else:
                base = p.salary_lo + r_lo * (p.salary_hi - p.salary_lo)
                lo = base * mult
                hi = lo * (1.15 + r_width * 0.5)
                step = 5000
            if area.currency != "RUR":
                currency = area.currency
            elif p.it and mode == "MONTH" and r_cur < 0.06:
                currency = "USD" if r_cur < 0.04 else "EUR"
            else:
                currency = "RUR"
            if currency != "RUR":
                rate = rates[currency]
                lo *= rate
                hi *= rate
                step = 10_000 if currency == "KZT" else (100 if mode == "MONTH" else 5)
            s_from: int | None = _round_amount(lo, step)
            s_to: int | None = _round_amount(hi, step)
            if s_to is not None and s_from is not None and s_to <= s_from:
                s_to = s_from + step
            if r_shape < 0.35:
                s_to = None
            elif r_shape < 0.5:
                s_from = None
            gross = r_gross < 0.3
            freq_id = _FREQ_BY_MODE[mode][int(r_freq * len(_FREQ_BY_MODE[mode]))]
            salary_range = {
                "from": s_from,
                "to": s_to,
                "currency": currency,
                "gross": gross,
                "mode": {"id": mode, "name": SALARY_MODE[mode]},
                "frequency": None if freq_id is None else {"id": freq_id, "name": SALARY_FREQUENCY[freq_id]},
            }
            salary = {"from": s_from, "to": s_to, "currency": currency, "gross": gross}

        # --- texts --------------------------------------------------------------------------
        n_d = len(p.duties_plain) // 2
        n_r = len(p.reqs_plain) // 2
        d0 = int(rnd() * n_d)
        dk = 2 + int(rnd() * (n_d - 1))
        r0 = int(rnd() * n_r)
        rk = 2 + int(rnd() * (n_r - 1))
        c0 = int(rnd() * _N_CONDITIONS)
        ck = 3 + int(rnd() * 3)
        intro = _INTROS[int(rnd() * len(_INTROS))]
        closing = _CLOSINGS[int(rnd() * len(_CLOSINGS))]
        r_snip = rnd()
        r_hostile = rnd()
        r_branded = rnd()
        description = (
            f"<p><strong>{emp_name}</strong> {intro}</p>"
            f"<p><strong>Обязанности:</strong></p><ul>{''.join(p.duties2[d0 : d0 + dk])}</ul>"
            f"<p><strong>Требования:</strong></p><ul>{''.join(p.reqs2[r0 : r0 + rk])}</ul>"
            f"<p><strong>Условия:</strong></p><ul>{''.join(conditions2[c0 : c0 + ck])}</ul>"
            f"<p><em>{closing}</em><br />Должность: {title}.</p>"
        )
        if r_hostile < hostile_share:
            description += HOSTILE_HTML
        requirement = None if r_snip < 0.05 else f"{p.reqs_plain[r0]}. {p.reqs_plain[r0 + 1]}..."
        responsibility = None if 0.05 <= r_snip < 0.1 else f"{p.duties_plain[d0]}..."
        branded = None
        if r_branded < 0.05:
            branded = _BRANDED_TEMPLATE.format(company=emp_name, body=description, vid=vid)

        s0 = int(rnd() * p.n_skills)
        sk = 2 + int(rnd() * min(6, p.n_skills - 1))
        key_skills = [{"name": p.core_skill}]
        key_skills.extend({"name": s} for s in p.skills2[s0 : s0 + sk])

        # --- address ------------------------------------------------------------------------
        r_addr = rnd()
        r_street = rnd()
        r_bld = rnd()
        r_metro = rnd()
        address: dict[str, Any] | None = None
        if r_addr >= 0.4 and fmt != "REMOTE":
            street = area.streets[int(r_street * len(area.streets))]
            building = str(1 + int(r_bld * 120))
            lat = round(area.lat + (r_street - 0.5) * 0.12, 6)
            lng = round(area.lng + (r_bld - 0.5) * 0.2, 6)
            stations: list[dict[str, Any]] = []
            if area.metro and r_metro < 0.7:
                st_id, st_name, line_id, line_name = area.metro[int(r_metro / 0.7 * len(area.metro))]
                stations.append(
                    {
                        "station_name": st_name,
                        "line_name": line_name,
                        "station_id": st_id,
                        "line_id": line_id,
                        "lat": lat,
                        "lng": lng,
                    }
                )
            address = {
                "city": area.name,
                "street": street,
                "building": building,
                "description": None,
                "lat": lat,
                "lng": lng,
                "raw": f"{area.name}, {street}, {building}",
                "metro": dict(stations[0]) if stations else None,
                "metro_stations": stations,
                "id": str(1_000_000 + int(r_bld * 9_000_000)),
            }

        # --- flags --------------------------------------------------------------------------
        r_flags = rnd()
        r_logo = rnd()
        logo_urls = None
        if has_logo:
            logo_n = int(r_logo * 9_000_000) + 1_000_000
            logo_urls = {
                "90": f"https://img.hhcdn.ru/employer-logo/{logo_n}.png",
                "240": f"https://img.hhcdn.ru/employer-logo/{logo_n + 1}.png",
                "original": f"https://img.hhcdn.ru/employer-logo-original/{logo_n - 7}.png",
            }

        yield {
            "id": vid,
            "premium": r_flags < 0.03,
            "billing_type": {"id": "standard", "name": "Стандарт"},
            "relations": [],
            "name": title,
            "insider_interview": None,
            "response_letter_required": 0.1 <= r_flags < 0.2,
            "area": {"id": area.id, "name": area.name, "url": f"https://api.hh.ru/areas/{area.id}"},
            "salary": salary,
            "salary_range": salary_range,
            "type": {"id": "open", "name": "Открытая"},
            "address": address,
            "allow_messages": True,
            "experience": {"id": exp_id, "name": exp_names[exp_id]},
            "schedule": {"id": sched_id, "name": SCHEDULE[sched_id]},
            "employment": {"id": empl_id, "name": EMPLOYMENT[empl_id]},
            "employment_form": {"id": form, "name": EMPLOYMENT_FORM[form]},
            "work_format": work_format,
            "working_hours": [{"id": hours[0], "name": hours[1]}],
            "work_schedule_by_days": [{"id": days[0], "name": days[1]}],
            "night_shifts": False,
            "department": None,
            "contacts": None,
            "description": description,
            "branded_description": branded,
            "vacancy_constructor_template": None,
            "key_skills": key_skills,
            "accept_handicapped": 0.2 <= r_flags < 0.3,
            "accept_kids": False,
            "accept_incomplete_resumes": 0.3 <= r_flags < 0.45,
            "archived": False,
            "response_url": None,
            "specializations": [],
            "professional_roles": [{"id": p.role_id, "name": p.role_name}],
            "code": None,
            "hidden": False,
            "quick_responses_allowed": False,
            "driver_license_types": [{"id": lic} for lic in p.licenses],
            "accept_temporary": r_flags >= 0.9,
            "internship": False,
            "employer": {
                "id": emp_id,
                "name": emp_name,
                "url": f"https://api.hh.ru/employers/{emp_id}",
                "alternate_url": f"https://hh.ru/employer/{emp_id}",
                "logo_urls": logo_urls,
                "vacancies_url": f"https://api.hh.ru/vacancies?employer_id={emp_id}",
                "accredited_it_employer": accredited,
                "trusted": trusted,
            },
            "published_at": published,
            "created_at": published,
            "initial_created_at": initial,
            "negotiations_url": None,
            "suitable_resumes_url": None,
            "apply_alternate_url": f"https://hh.ru/applicant/vacancy_response?vacancyId={vid}",
            "has_test": 0.45 <= r_flags < 0.5,
            "test": {"required": False} if 0.45 <= r_flags < 0.5 else None,
            "alternate_url": f"https://hh.ru/vacancy/{vid}",
            "url": f"https://api.hh.ru/vacancies/{vid}?host=hh.ru",
            "snippet": {"requirement": requirement, "responsibility": responsibility},
            "show_logo_in_search": has_logo and r_flags < 0.5,
            "languages": [],
        }


# --------------------------------------------------------------------------------------------
# Search items
# --------------------------------------------------------------------------------------------

#: Keys of the full vacancy that the short search item does not carry.
FULL_ONLY_FIELDS = frozenset(
    {
        "description",
        "branded_description",
        "key_skills",
        "languages",
        "driver_license_types",
        "accept_handicapped",
        "accept_kids",
        "allow_messages",
        "code",
        "initial_created_at",
        "billing_type",
        "vacancy_constructor_template",
        "specializations",
        "hidden",
        "quick_responses_allowed",
        "test",
        "negotiations_url",
        "suitable_resumes_url",
        "insider_interview",
    }
)
_QUERY_SPLIT = re.compile(r"[\s\"'(),!]+")
_QUERY_OPERATORS = frozenset({"AND", "OR", "NOT"})


def query_words(text: str | None) -> list[str]:
    """Split a search text into lower-cased words (hh query operators and ``FIELD:`` prefixes dropped)."""
    if not text:
        return []
    words: list[str] = []
    for raw in _QUERY_SPLIT.split(text):
        if not raw or raw in _QUERY_OPERATORS:
            continue
        word = raw.rsplit(":", 1)[-1] if ":" in raw and raw.split(":", 1)[0].isupper() else raw
        word = word.strip(".,;*").lower()
        if word and word not in words:
            words.append(word)
    return words


@lru_cache(maxsize=256)
def _highlight_re(text: str) -> re.Pattern[str] | None:
    words = sorted(query_words(text), key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(value: str | None, text: str | None) -> str | None:
    """Wrap case-insensitive occurrences of the words of ``text`` in ``<highlighttext>``."""
    if value is None or not text:
        return value
    pattern = _highlight_re(text)
    if pattern is None:
        return value
    return pattern.sub(lambda m: f"<highlighttext>{m.group(0)}</highlighttext>", value)


def to_search_item(vacancy: dict[str, Any], *, text: str | None = None) -> dict[str, Any]:
    """The short ``GET /vacancies`` item for a full vacancy; with ``text`` the snippet gets highlighted."""
    item = {k: v for k, v in vacancy.items() if k not in FULL_ONLY_FIELDS}
    snippet = vacancy.get("snippet")
    if isinstance(snippet, dict):
        snippet = dict(snippet)
        if text:
            for key in ("requirement", "responsibility"):
                snippet[key] = highlight(snippet.get(key), text)
        item["snippet"] = snippet
    return item
