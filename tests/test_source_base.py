"""The source interface's shared pieces: criteria of a saved search, error kinds (hh.ru's too), vocabulary."""

from __future__ import annotations

import pytest

from core.searches import SavedSearch
from etl.sources.base import ERROR_KINDS, Criteria, SourceError
from etl.sources.hh.client import HHAuthError, HHBadRequest, HHCaptchaRequired, HHNotFound, HHUnavailable
from etl.sources.vocab import area_index, area_key, employment_from_titles, experience_from_years


def test_criteria_of_a_saved_search() -> None:
    search = SavedSearch(
        id=1,
        user_id=1,
        user_login="alice",
        name="n",
        text="python",
        areas=["1"],
        salary=150_000,
        experience=["between1And3"],
        only_with_salary=True,
    )
    criteria = Criteria.of(search)
    assert (criteria.text, criteria.areas, criteria.salary, criteria.experience) == (
        "python",
        ("1",),
        150_000,
        ("between1And3",),
    )
    assert criteria.given() == ["areas", "experience", "salary", "only_with_salary"]


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (HHAuthError, "auth"),
        (HHCaptchaRequired, "captcha"),
        (HHNotFound, "not_found"),
        (HHUnavailable, "unavailable"),
        (HHBadRequest, "limit"),
    ],
)
def test_hh_errors_are_source_kinds(error, kind) -> None:
    raised = error("x", status=403)
    assert isinstance(raised, ERROR_KINDS[kind]) and isinstance(raised, SourceError)
    assert (raised.kind, raised.source, raised.status) == (kind, "hh", 403)


def test_one_vocabulary() -> None:
    assert [experience_from_years(y) for y in (0, 1, 2, 3, 5, 6, 20, None)] == [
        "noExperience",
        "between1And3",
        "between1And3",
        "between3And6",
        "between3And6",
        "moreThan6",
        "moreThan6",
        None,
    ]
    assert employment_from_titles("Полная занятость", "Вахтовый метод") == "FLY_IN_FLY_OUT"
    assert employment_from_titles("Неполный рабочий день") == "PART"
    assert employment_from_titles("Свободный") is None
    assert area_key("г. Москва") == area_key("Город  Москва") == area_key("москва")
    assert (
        area_index([{"id": "113", "name": "Россия", "areas": [{"id": "1", "name": "Москва"}]}])["москва"]
        == "1"
    )
