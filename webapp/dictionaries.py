"""Picker options from the cached hh.ru dictionaries (``t10_jh_dictionaries``).

Before the first harvest the cache is empty: then a few well-known areas and roles stand in,
and experience and work formats come from the ids ``core.searches`` validates against.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from core.searches import EXPERIENCE, WORK_FORMATS
from webapp import queries
from webapp.i18n import EXPERIENCE_NAMES, WORK_FORMAT_NAMES, name_of

FALLBACK_AREAS = {
    "113": "Россия",
    "1": "Москва",
    "2": "Санкт-Петербург",
    "3": "Екатеринбург",
    "4": "Новосибирск",
    "88": "Казань",
    "66": "Нижний Новгород",
    "76": "Ростов-на-Дону",
    "40": "Казахстан",
    "160": "Алматы",
    "16": "Беларусь",
    "1002": "Минск",
}
FALLBACK_ROLES = {
    "96": "Программист, разработчик",
    "10": "Аналитик",
    "156": "BI-аналитик, аналитик данных",
    "165": "Дата-сайентист",
    "160": "DevOps-инженер",
    "124": "Тестировщик",
    "73": "Менеджер продукта",
    "113": "Системный администратор",
}
CURRENCIES = ("RUR", "USD", "EUR", "KZT", "BYR", "UZS")


def _walk_areas(nodes: Any, path: str, out: list[dict[str, str]]) -> None:
    for node in nodes or []:
        if not isinstance(node, dict) or "id" not in node:
            continue
        label = f"{node.get('name', node['id'])}" + (f" ({path})" if path else "")
        out.append({"value": str(node["id"]), "label": label})
        _walk_areas(node.get("areas"), path or node.get("name", ""), out)


def area_options(conn: Connection) -> list[dict[str, str]]:
    payload = queries.dictionary(conn, "areas")
    options: list[dict[str, str]] = []
    _walk_areas(payload, "", options)
    return options or [{"value": k, "label": v} for k, v in FALLBACK_AREAS.items()]


def role_options(conn: Connection) -> list[dict[str, str]]:
    payload = queries.dictionary(conn, "professional_roles") or {}
    seen: dict[str, str] = {}
    for category in payload.get("categories", []) if isinstance(payload, dict) else []:
        for role in category.get("roles", []):
            if isinstance(role, dict) and "id" in role and not role.get("select_deprecated"):
                seen.setdefault(str(role["id"]), f"{role.get('name', role['id'])}")
    items = seen or FALLBACK_ROLES
    return sorted(({"value": k, "label": v} for k, v in items.items()), key=lambda o: o["label"])


def experience_options(lang: str) -> list[dict[str, str]]:
    return [{"value": k, "label": name_of(EXPERIENCE_NAMES, k, lang)} for k in EXPERIENCE]


def work_format_options(lang: str) -> list[dict[str, str]]:
    return [{"value": k, "label": name_of(WORK_FORMAT_NAMES, k, lang)} for k in WORK_FORMATS]
