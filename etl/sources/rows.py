"""A canonical vacancy (:data:`etl.sources.base.CANONICAL_KEYS`) as the rows the harvest stores.

Boards whose search items carry the whole vacancy (Trudvsem, SuperJob) store the full text with
the item, so they need no details step. The names of experience, employment and work format are
hh.ru's, in the one vocabulary the grid filters by; the snippet is the description's beginning.
"""

from __future__ import annotations

from typing import Any

from etl.sources.base import VacancyRows

EXPERIENCE_NAMES = {
    "noExperience": "Нет опыта",
    "between1And3": "От 1 года до 3 лет",
    "between3And6": "От 3 до 6 лет",
    "moreThan6": "Более 6 лет",
}
EMPLOYMENT_NAMES = {
    "FULL": "Полная",
    "PART": "Частичная",
    "PROJECT": "Проект или разовое задание",
    "FLY_IN_FLY_OUT": "Вахта",
}
WORK_FORMAT_NAMES = {
    "ON_SITE": "На месте работодателя",
    "REMOTE": "Удалённо",
    "HYBRID": "Гибрид",
    "FIELD_WORK": "Разъездной",
}
SNIPPET_CHARS = 300


def snippet(text: str | None) -> str | None:
    """The description's beginning, cut at a word, for the grid and Telegram."""
    text = " ".join((text or "").split())
    if len(text) <= SNIPPET_CHARS:
        return text or None
    return text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"


def canonical_rows(vacancy: dict[str, Any]) -> VacancyRows:
    """The stored rows of a canonical vacancy."""
    source = vacancy["source"]
    salary_given = vacancy.get("salary_from") is not None or vacancy.get("salary_to") is not None
    work_formats = list(vacancy.get("work_format_ids") or [])
    employer_id = vacancy.get("employer_id")
    row = {
        "source": source,
        "source_id": vacancy["source_id"],
        "name": vacancy.get("title") or "",
        "employer_id": f"{source}:{employer_id}" if employer_id else None,
        "employer_name": vacancy.get("employer_name"),
        "employer_inn": vacancy.get("employer_inn"),
        "area_id": vacancy.get("area_id"),
        "area_name": vacancy.get("area_name"),
        "salary_from": vacancy.get("salary_from"),
        "salary_to": vacancy.get("salary_to"),
        "salary_currency": vacancy.get("salary_currency"),
        "salary_mode": "MONTH" if salary_given else None,
        "salary_from_rub": vacancy.get("salary_from_rub"),
        "salary_to_rub": vacancy.get("salary_to_rub"),
        "experience_id": vacancy.get("experience_id"),
        "experience_name": EXPERIENCE_NAMES.get(vacancy.get("experience_id") or ""),
        "employment_id": vacancy.get("employment_id"),
        "employment_name": EMPLOYMENT_NAMES.get(vacancy.get("employment_id") or ""),
        "work_format_ids": work_formats,
        "work_format_names": [WORK_FORMAT_NAMES.get(f, f) for f in work_formats],
        "snippet_responsibility": snippet(vacancy.get("description_text")),
        "url": vacancy["url"],
        "published_at": vacancy["published_at"],
        "content_hash": vacancy["content_hash"],
        "archived": bool(vacancy.get("closed")),  # the merge keeps a closed one closed
    }
    details = {
        "description_html": vacancy.get("description_html") or "",
        "description_safe": vacancy.get("description_safe") or "",
        "description_text": vacancy.get("description_text") or "",
        "key_skills": list(vacancy.get("skills") or []),
        "source_hash": vacancy["content_hash"],
    }
    return VacancyRows(row, details, bool(vacancy.get("closed")))
