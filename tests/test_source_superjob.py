"""The SuperJob source against its fake over real HTTP: window splitting past the cap, faults, transforms."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
import requests

from core.settings import load_settings
from etl.sources.base import (
    CANONICAL_KEYS,
    AuthError,
    Criteria,
    LimitError,
    NotFoundError,
    SearchResult,
    Source,
    UnavailableError,
)
from etl.sources.superjob import SuperJob, SuperJobClient
from etl.sources.superjob.transform import transform
from etl.sources.vocab import area_index
from etl.windows import Window
from testing.fakes.superjob import FakeSuperJob, superjob_vacancies
from testing.synthetic_reference import AREAS_TREE

END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=3), END)
KEY = "v3.r.test-key"


def source(fake: FakeSuperJob, **overrides) -> SuperJob:
    values = {
        "superjob_base_url": fake.base_url,
        "superjob_app_key": KEY,
        "superjob_rate_limit": 1000,
        "superjob_concurrency": 4,
        "superjob_timeout": 10,
        "hh_max_retries": 3,
        "hh_backoff_base": 0.01,
        "hh_backoff_max": 0.05,
    }
    return SuperJob.from_settings(load_settings(_env_file=None, **(values | overrides)))


def harvest(src: SuperJob, criteria: Criteria | None = None) -> tuple[SearchResult, dict[str, dict]]:
    result = SearchResult()
    items = {}
    for page in src.search(criteria or Criteria(), WINDOW, result):
        items.update((str(o["id"]), o) for o in page.items)
    return result, items


@pytest.fixture
def fake():
    with FakeSuperJob(app_key=KEY) as board:
        yield board


def test_is_a_source() -> None:
    assert isinstance(SuperJob(SuperJobClient("http://127.0.0.1:9", KEY)), Source)


@pytest.mark.parametrize("to_inclusive", [False, True])
def test_search_past_the_cap_splits_the_window_until_every_slice_fits(fake, to_inclusive) -> None:
    n = 2000
    fake.add(superjob_vacancies(n, WINDOW.start, WINDOW.end))
    fake.to_inclusive = to_inclusive
    src = source(fake)
    result, items = harvest(src)
    assert (result.found, result.received, len(items)) == (n, n, n)
    assert result.complete
    searches = [r for r in fake.requests if r.path == "/2.0/vacancies/"]
    assert all(r.status == 200 for r in searches)  # never past the depth
    assert all((int(r.query["page"][0]) + 1) * int(r.query["count"][0]) <= 500 for r in searches)
    assert all(r.headers["X-Api-App-Id"] == KEY and r.path.endswith("/") for r in fake.requests)
    print(
        f"\nsuperjob (to {'inclusive' if to_inclusive else 'exclusive'}): found {result.found}, "
        f"received {result.received}, requests {src.stats.requests} (minimum {math.ceil(n / 100)}), "
        f"pages {result.pages}"
    )


def test_a_board_that_ignores_the_window_is_read_to_its_depth_and_says_so(fake) -> None:
    fake.add(superjob_vacancies(900, WINDOW.start - timedelta(days=30), WINDOW.end))
    fake.ignore_dates = True
    result, items = harvest(source(fake))
    assert (result.found, result.received, len(items)) == (900, 500, 500)
    assert result.truncated == [WINDOW.key] and not result.complete
    assert any("ignores date_published" in note for note in result.notes)


def test_faults_are_retried_and_nothing_is_lost(fake) -> None:
    fake.add(superjob_vacancies(450, WINDOW.start, WINDOW.end))
    fake.fault(1, 429, {"error": {"code": 429, "message": "Too many requests"}}, headers={"Retry-After": "0"})
    fake.fault(1, 503)
    fake.fault(1, 0)  # a dropped connection
    fake.fault(1, 200, b"not json")
    src = source(fake, hh_max_retries=5)  # four faults in a row may all land on one page
    result, items = harvest(src)
    assert (result.found, result.received, len(items)) == (450, 450, 450)
    assert (src.stats.requests, src.stats.retries) == (5 + 4, 4)


def test_only_the_right_app_key_is_served(fake) -> None:
    fake.add(superjob_vacancies(5, WINDOW.start, WINDOW.end))
    with pytest.raises(AuthError) as caught:
        list(source(fake, superjob_app_key="wrong").search(Criteria(), WINDOW))
    assert caught.value.kind == "auth" and caught.value.status == 403
    assert "JH_SUPERJOB_APP_KEY" in str(caught.value) and "wrong" not in str(caught.value)
    assert fake.count(status=403) == 1  # never retried
    with pytest.raises(AuthError, match="JH_SUPERJOB_APP_KEY"):
        source(fake, superjob_app_key="")
    answer = requests.get(f"{fake.base_url}/vacancies/", timeout=5)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == 403


@pytest.mark.parametrize("slashless", ["404", "redirect"])
def test_the_trailing_slash_is_always_sent(fake, slashless) -> None:
    fake.add(superjob_vacancies(3, WINDOW.start, WINDOW.end))
    fake.slashless = slashless
    headers = {"X-Api-App-Id": KEY}
    bare = requests.get(f"{fake.base_url}/vacancies", headers=headers, timeout=5, allow_redirects=False)
    assert bare.status_code == (404 if slashless == "404" else 301)
    src = source(fake)
    assert len(src.client.get("/vacancies", [("count", "5")])["objects"]) == 3
    assert fake.requests[-1].path == "/2.0/vacancies/"


def test_a_vacancy_that_is_gone_is_not_found_and_an_archived_one_is_closed(fake) -> None:
    first, second = superjob_vacancies(2, WINDOW.start, WINDOW.end)
    fake.add([first, second])
    src = source(fake)
    fake.update(second["id"], is_archive=True)
    assert src.transform(src.vacancy(str(second["id"])))["closed"] is True
    assert src.transform(src.vacancy(str(first["id"])))["closed"] is False
    fake.remove(first["id"])
    with pytest.raises(NotFoundError) as caught:
        src.vacancy(str(first["id"]))
    assert caught.value.kind == "not_found" and fake.count(status=404) == 1


def test_errors_are_mapped_to_kinds(fake) -> None:
    src = source(fake)
    fake.fault(
        1, 200, {"error": {"code": 400, "message": "Неверный параметр", "errors": [{"reason": "count"}]}}
    )
    with pytest.raises(LimitError, match="count"):
        src.client.vacancies([("count", "5")])
    with pytest.raises(LimitError):  # past the depth
        src.client.vacancies([("count", "100"), ("page", "5")])
    fake.fault(10, 502)
    with pytest.raises(UnavailableError):
        src.client.vacancies([])
    assert fake.count(status=502) == 4


def test_criteria_are_sent_as_superjob_parameters(fake) -> None:
    fake.add(superjob_vacancies(300, WINDOW.start, WINDOW.end))
    src = source(fake)
    criteria = Criteria(text="бухгалтер", areas=("1", "2"), salary=50_000, only_with_salary=True)
    result, items = harvest(src, criteria)
    assert result.found == result.received == len(items) > 0
    assert {o["town"]["id"] for o in items.values()} <= {4, 14}
    query = fake.requests[0].query
    assert (query["keyword"], query["t[]"], query["payment_from"], query["no_agreement"]) == (
        ["бухгалтер"],
        ["4", "14"],
        ["50000"],
        ["1"],
    )
    assert query["date_published_from"] == [str(int(WINDOW.start.timestamp()))]
    assert src.unsupported(criteria) == []
    assert src.unsupported(Criteria(areas=("3",), experience=("noExperience",))) == ["areas", "experience"]


def test_transform_of_real_shaped_items() -> None:
    names = area_index(AREAS_TREE)
    item = {
        "id": 46512345,
        "profession": "Бухгалтер",
        "payment_from": 70000,
        "payment_to": 0,
        "currency": "rub",
        "agreement": False,
        "date_published": 1763640000,
        "is_archive": False,
        "is_closed": False,
        "firm_name": "ООО «Ромашка»",
        "client": {"id": 1, "title": "Ромашка"},
        "town": {"id": 33, "title": "Екатеринбург"},
        "vacancyRichText": '<p>Учёт</p><img src=x onerror="alert(1)"><script>x()</script>',
        "link": "https://www.superjob.ru/vakansii/buhgalter-46512345.html",
        "experience": {"id": 2, "title": "От 1 года"},
        "type_of_work": {"id": 6, "title": "Полный рабочий день"},
        "place_of_work": {"id": 2, "title": "Удалённо (на дому)"},
    }
    row = transform(item, {"USD": 0.0125}, names)
    assert set(row) == set(CANONICAL_KEYS)
    assert (row["source"], row["source_id"], row["title"]) == ("superjob", "46512345", "Бухгалтер")
    assert (row["salary_from"], row["salary_to"], row["salary_from_rub"], row["salary_to_rub"]) == (
        70000,
        None,
        70000,
        None,
    )
    assert (row["area_id"], row["area_name"]) == ("3", "Екатеринбург")
    assert (row["experience_id"], row["employment_id"], row["work_format_ids"]) == (
        "between1And3",
        "FULL",
        ["REMOTE"],
    )
    assert row["published_at"] == datetime.fromtimestamp(1763640000, UTC)
    assert "onerror" not in row["description_safe"] and "<script" not in row["description_safe"]
    assert row["url"] == item["link"] and row["closed"] is False
    dollars = transform(
        {**item, "currency": "usd", "payment_from": 1000, "payment_to": 1500}, {"USD": 0.0125}
    )
    assert (dollars["salary_currency"], dollars["salary_from_rub"], dollars["salary_to_rub"]) == (
        "usd",
        80000,
        120000,
    )
    agreed = transform(
        {**item, "payment_from": 0, "payment_to": 0, "agreement": True, "town": {"id": 4, "title": "Москва"}}
    )
    assert (agreed["salary_from"], agreed["salary_to"], agreed["area_id"]) == (None, None, "1")
    assert transform({**item, "town": {"id": 14, "title": "Санкт-Петербург"}})["area_id"] == "2"
    assert transform({**item, "town": {"id": 1057, "title": "Тамбов"}}, None, names)["area_id"] is None
    assert transform({**item, "is_closed": True})["closed"] is True
    unknown = transform({**item, "currency": "uzs"})  # no rate known: no rouble figure, never a wrong one
    assert (unknown["salary_from"], unknown["salary_from_rub"]) == (70000, None)
