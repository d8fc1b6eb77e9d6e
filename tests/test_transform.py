"""Transform: pure functions on hh.ru-shaped JSON."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime

import pytest

from etl.transform import (
    HOURS_PER_MONTH,
    content_hash,
    currency_rates,
    details_row,
    html_to_text,
    monthly_roubles,
    normalise_skills,
    parse_time,
    salary_of,
    sanitize_html,
    strip_highlight,
    vacancy_row,
)

RATES = {"RUR": 1.0, "USD": 0.0125, "EUR": 0.0108, "KZT": 5.9}

ITEM = {
    "id": "123456789",
    "name": "Python-разработчик",
    "area": {"id": "1", "name": "Москва", "url": "https://api.hh.ru/areas/1"},
    "employer": {
        "id": "42",
        "name": "ООО «Ромашка»",
        "alternate_url": "https://hh.ru/employer/42",
        "trusted": True,
        "logo_urls": {
            "90": "https://img.hh.ru/90.png",
            "240": "https://img.hh.ru/240.png",
            "original": "o.png",
        },
    },
    "salary": {"from": 150000, "to": 250000, "currency": "RUR", "gross": False},
    "salary_range": {
        "from": 150000,
        "to": 250000,
        "currency": "RUR",
        "gross": False,
        "mode": {"id": "MONTH", "name": "За месяц"},
        "frequency": {"id": "TWICE_PER_MONTH", "name": "Дважды"},
    },
    "snippet": {
        "requirement": "Опыт с <highlighttext>Python</highlighttext> от 3 лет &amp; SQL",
        "responsibility": None,
    },
    "published_at": "2026-11-20T12:00:00+0300",
    "created_at": "2026-11-20T12:00:00+0300",
    "archived": False,
    "type": {"id": "open", "name": "Открытая"},
    "alternate_url": "https://hh.ru/vacancy/123456789",
    "url": "https://api.hh.ru/vacancies/123456789?host=hh.ru",
    "experience": {"id": "between3And6", "name": "От 3 до 6 лет"},
    "schedule": {"id": "remote", "name": "Удаленная работа"},
    "employment": {"id": "full", "name": "Полная занятость"},
    "employment_form": {"id": "FULL", "name": "Полная"},
    "work_format": [{"id": "REMOTE", "name": "Удалённо"}, {"id": "HYBRID", "name": "Гибрид"}],
    "professional_roles": [{"id": "96", "name": "Программист, разработчик"}],
    "address": None,
}


def test_vacancy_row_reads_every_column() -> None:
    row = vacancy_row(ITEM, RATES)
    assert row["id"] == 123456789
    assert row["employer_name"] == "ООО «Ромашка»"
    assert row["employer_logo_url"] == "https://img.hh.ru/90.png"
    assert (row["salary_from"], row["salary_to"], row["salary_currency"]) == (150000, 250000, "RUR")
    assert (row["salary_mode"], row["salary_frequency"], row["salary_gross"]) == (
        "MONTH",
        "TWICE_PER_MONTH",
        False,
    )
    assert (row["salary_from_rub"], row["salary_to_rub"]) == (150000, 250000)
    assert row["work_format_ids"] == ["REMOTE", "HYBRID"]
    assert row["professional_role_names"] == ["Программист, разработчик"]
    assert row["employment_id"] == "FULL"  # the new dictionary wins over the deprecated one
    assert row["snippet_requirement"] == "Опыт с Python от 3 лет & SQL"
    assert row["snippet_responsibility"] is None
    assert row["published_at"] == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert row["url"] == "https://hh.ru/vacancy/123456789"


def test_salary_range_is_preferred_over_deprecated_salary() -> None:
    item = copy.deepcopy(ITEM)
    item["salary"] = {"from": 1, "to": 2, "currency": "USD", "gross": True}
    assert salary_of(item).amount_from == 150000
    item["salary_range"] = None
    legacy = salary_of(item)
    assert (legacy.amount_from, legacy.currency, legacy.mode) == (1, "USD", "MONTH")


def test_salary_with_both_bounds_null_is_no_salary() -> None:
    item = copy.deepcopy(ITEM)
    item["salary_range"] = {
        "from": None,
        "to": None,
        "currency": "RUR",
        "gross": False,
        "mode": {"id": "MONTH"},
    }
    item["salary"] = None
    assert salary_of(item) is None
    row = vacancy_row(item, RATES)
    assert row["salary_from_rub"] is None and row["salary_currency"] is None


@pytest.mark.parametrize(
    ("amount", "currency", "mode", "expected"),
    [
        (100_000, "RUR", "MONTH", 100_000),
        (1000, "USD", "MONTH", 80_000),  # 1000 / 0.0125
        (500, "RUR", "HOUR", round(500 * HOURS_PER_MONTH)),
        (3000, "RUR", "SHIFT", round(3000 * 247 / 12)),
        (100_000, "RUR", "SERVICE", None),
        (100_000, "RUR", "FLY_IN_FLY_OUT", None),
        (100_000, "XYZ", "MONTH", None),
        (None, "RUR", "MONTH", None),
    ],
)
def test_monthly_roubles(amount, currency, mode, expected) -> None:
    assert monthly_roubles(amount, currency, mode, RATES) == expected


def test_currency_rates_from_dictionaries() -> None:
    payload = {
        "currency": [
            {"code": "RUR", "rate": 1},
            {"code": "USD", "rate": 0.0125},
            {"code": "BAD", "rate": 0},
            {"code": "NUL", "rate": None},
        ]
    }
    assert currency_rates(payload) == {"RUR": 1.0, "USD": 0.0125}
    assert currency_rates(None) == {"RUR": 1.0}


def test_sanitize_html_keeps_formatting_and_removes_everything_active() -> None:
    dirty = (
        "<p>Мы <strong>ищем</strong> <em>вас</em></p><ul><li>Python</li></ul>"
        '<script>alert(1)</script><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)">ссылка</a><a href="https://hh.ru" onclick="x()">hh</a>'
        '<style>body{}</style><iframe src="https://evil"></iframe>'
    )
    clean = sanitize_html(dirty)
    for kept in ("<p>", "<strong>ищем</strong>", "<em>вас</em>", "<li>Python</li>", 'href="https://hh.ru"'):
        assert kept in clean
    for gone in ("script", "alert", "onerror", "javascript:", "onclick", "<style", "iframe", "<img"):
        assert gone not in clean.lower()


def test_html_to_text_keeps_line_structure() -> None:
    text = html_to_text("<p>Обязанности:</p><ul><li>код&nbsp;ревью</li><li>тесты &amp; CI</li></ul><br>Итого")
    assert text.splitlines() == ["Обязанности:", "код ревью", "тесты & CI", "Итого"]


def test_strip_highlight() -> None:
    assert strip_highlight("<highlighttext>Python</highlighttext> и <highlighttext>SQL</highlighttext>") == (
        "Python и SQL"
    )
    assert strip_highlight(None) is None
    assert strip_highlight("") is None


@pytest.mark.parametrize(
    "snippet",
    [
        "Опыт  с\u00a0Python\t от 3 лет",
        " строка\n\n  вторая ",
        "a < b & c > d",
        "x\ry\r\nz",
        "\ufeffс BOM",
        "NUL\x00внутри",
        '"кавычки" и \\',
        "<highlighttext>Python</highlighttext>  и <highlighttext>SQL</highlighttext>",
        "<highlighttext>Python</highlighttext> &amp; <b>SQL</b>",
        "<HIGHLIGHTTEXT>Go</HIGHLIGHTTEXT>",
        "<highlighttext>незакрытый",
    ],
)
def test_strip_highlight_of_plain_text_matches_the_html_path(snippet: str) -> None:
    """Plain snippets (highlighting aside) skip the HTML parser; the result must be what the
    parser would give."""
    assert strip_highlight(snippet) == (html_to_text(snippet) or None)


def test_normalise_skills() -> None:
    skills = [{"name": " Python "}, {"name": "python"}, {"name": "SQL  Server"}, {"name": ""}, {"x": 1}]
    assert normalise_skills(skills) == ["Python", "SQL Server"]


def test_details_row_never_keeps_branded_description() -> None:
    vacancy = {
        "id": "7",
        "description": "<p>Текст <b>жирный</b></p><script>x</script>",
        "branded_description": "<script>evil()</script>",
        "key_skills": [{"name": "Git"}],
    }
    row = details_row(vacancy, "abc")
    assert row["description_html"].startswith("<p>Текст")
    assert "script" not in row["description_safe"]
    assert row["description_text"] == "Текст жирный"
    assert row["key_skills"] == ["Git"]
    assert "evil" not in str(row)


def test_content_hash_ignores_highlighting_but_sees_real_changes() -> None:
    plain = copy.deepcopy(ITEM)
    plain["snippet"]["requirement"] = "Опыт с Python от 3 лет &amp; SQL"
    assert vacancy_row(plain, RATES)["content_hash"] == vacancy_row(ITEM, RATES)["content_hash"]
    changed = copy.deepcopy(ITEM)
    changed["salary_range"]["to"] = 300000
    assert vacancy_row(changed, RATES)["content_hash"] != vacancy_row(ITEM, RATES)["content_hash"]
    # exchange rates move daily; they must not make every foreign-currency vacancy "changed"
    assert vacancy_row(ITEM, {"RUR": 1.0})["content_hash"] == vacancy_row(ITEM, RATES)["content_hash"]
    assert content_hash({"a": 1}) == content_hash({"a": 1})


def _reference_hash(row: dict) -> str:
    canonical = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()


def test_content_hash_never_changes_meaning() -> None:
    """Stored hashes decide what is "changed": a new hashing must give the very same values, or
    every stored vacancy would be rewritten and fetched again."""
    assert vacancy_row(ITEM, RATES)["content_hash"] == "b16f65a55c2a8225d040fe717bd11b96"
    odd = {
        "name": 'Кавычки " и \\ обратная, \x01 управляющий, \u2028 разделитель, 😀',
        "when": datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        "list": ["б", "а"],
        "flag": True,
        "none": None,
        "n": -5,
    }
    assert content_hash(odd) == _reference_hash(odd)
    huge = {**odd, "salary_from": 10**30}  # beyond what orjson writes
    assert content_hash(huge) == _reference_hash(huge)


def test_parse_time_handles_offset_without_colon() -> None:
    assert parse_time("2025-04-23T18:55:44+0300") == datetime(2025, 4, 23, 15, 55, 44, tzinfo=UTC)
    assert parse_time(None) is None
