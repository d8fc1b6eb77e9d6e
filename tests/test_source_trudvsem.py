"""The Trudvsem source against its fake over real HTTP: complete past the depth, faults, 404s, transforms."""

from __future__ import annotations

import math
from collections import Counter
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
from etl.sources.trudvsem import Trudvsem, TrudvsemClient
from etl.sources.trudvsem.regions import REGIONS
from etl.sources.trudvsem.transform import transform
from etl.sources.vocab import area_index
from etl.windows import Window
from testing.fakes.trudvsem import FakeTrudvsem, trudvsem_vacancies

END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=3), END)


def source(fake: FakeTrudvsem, **overrides) -> Trudvsem:
    values = {
        "trudvsem_base_url": fake.base_url,
        "trudvsem_rate_limit": 1000,
        "trudvsem_concurrency": 4,
        "trudvsem_timeout": 10,
        "hh_max_retries": 3,
        "hh_backoff_base": 0.01,
        "hh_backoff_max": 0.05,
    }
    settings = load_settings(_env_file=None, **(values | overrides))
    return Trudvsem.from_settings(settings)


def harvest(src: Trudvsem, criteria: Criteria | None = None) -> tuple[SearchResult, dict[str, dict]]:
    result = SearchResult()
    items = {}
    for page in src.search(criteria or Criteria(), WINDOW, result):
        for item in page.items:
            items[f"{item['company']['companycode']}/{item['id']}"] = item
    return result, items


@pytest.fixture
def fake():
    with FakeTrudvsem() as board:
        yield board


def test_is_a_source() -> None:
    assert isinstance(Trudvsem(TrudvsemClient("http://127.0.0.1:9")), Source)


def test_shallow_search_pages_by_page_index(fake) -> None:
    fake.add(trudvsem_vacancies(250, WINDOW.start, WINDOW.end))
    src = source(fake)
    result, items = harvest(src, Criteria(text="python"))
    expected = {
        f"{v['company']['companycode']}/{v['id']}"
        for v in fake.stored()
        if "python" in v["job-name"].casefold()
    }
    assert set(items) == expected and result.found == result.received == len(expected) > 0
    pages = sorted(int(r.query["offset"][0]) for r in fake.requests)
    assert pages == list(range(math.ceil(len(expected) / 100)))
    assert all(r.query["limit"] == ["100"] and r.query["text"] == ["python"] for r in fake.requests)


@pytest.mark.parametrize(("mode", "deep_from", "n"), [("error", 8, 1500), ("empty", 1, 180)])
def test_search_beyond_the_depth_is_completed_region_by_region(fake, mode, deep_from, n) -> None:
    fake.add(trudvsem_vacancies(n, WINDOW.start, WINDOW.end))
    fake.deep_mode, fake.deep_from = mode, deep_from
    src = source(fake)
    result, items = harvest(src)
    assert (result.found, result.received, len(items)) == (n, n, n)
    assert result.complete and result.truncated == []
    assert src.reachable_pages == deep_from
    assert any("by region" in note for note in result.notes)
    # every federal subject was asked once, and never past the depth learnt
    regions = [r.path.rsplit("/", 1)[1] for r in fake.requests if "/region/" in r.path]
    assert set(REGIONS) <= set(regions)
    assert all(int(r.query["offset"][0]) < deep_from for r in fake.requests if "/region/" in r.path)
    per_region = Counter(v["region"]["region_code"] for v in fake.stored())
    floor = deep_from + sum(max(1, math.ceil(per_region[code] / 100)) for code in REGIONS)
    assert src.stats.requests - src.stats.retries <= floor + src.concurrency  # pages asked in flight
    print(
        f"\ntrudvsem {mode}: found {result.found}, received {result.received}, requests "
        f"{src.stats.requests} of which retries {src.stats.retries}; minimum {floor} once the depth "
        f"({deep_from} pages) is known, {math.ceil(n / 100)} were deep pages served"
    )


def test_a_region_beyond_the_depth_is_read_day_by_day(fake) -> None:
    vacancies = trudvsem_vacancies(600, WINDOW.start, WINDOW.end)
    fake.add(vacancies)
    fake.deep_from = 2  # 200 items per query; Москва alone has about 240 in three days
    result, items = harvest(source(fake))
    per_region = Counter(v["region"]["region_code"] for v in vacancies)
    assert max(per_region.values()) > 200
    assert (result.found, result.received, len(items)) == (600, 600, 600)
    assert result.complete and not result.truncated
    split = {r.query["modifiedFrom"][0] for r in fake.requests if "/region/7700000000000" in r.path}
    assert len(split) > 1  # the region was asked again for parts of the window


def test_a_region_beyond_the_depth_is_reported_truncated_without_a_window(fake) -> None:
    vacancies = trudvsem_vacancies(600, WINDOW.start, WINDOW.end)
    fake.add(vacancies)
    fake.deep_from = 2  # 200 items per query
    fake.modified_fails = True  # the days of a region cannot be asked apart
    result, items = harvest(source(fake))
    per_region = Counter(v["region"]["region_code"] for v in vacancies)
    assert result.found == 600
    assert result.received == len(items) == sum(min(count, 200) for count in per_region.values())
    assert result.truncated == [f"region/{code}" for code, count in per_region.items() if count > 200]
    assert not result.complete


def test_faults_are_retried_and_nothing_is_lost(fake) -> None:
    fake.add(trudvsem_vacancies(350, WINDOW.start, WINDOW.end))
    fake.fault(1, 503)
    fake.fault(1, 0)  # a dropped connection
    fake.fault(1, 200, {"status": "500", "request": {"api": "v1"}, "meta": {"error": "Internal error"}})
    fake.fault(1, 200, b"<html>gateway</html>")
    src = source(fake, hh_max_retries=5)  # four faults in a row may all land on one page
    result, items = harvest(src)
    assert (result.found, result.received, len(items)) == (350, 350, 350)
    assert (src.stats.requests, src.stats.retries) == (4 + 4, 4)
    assert src.window_works and result.notes == []


def test_a_window_that_fails_is_dropped_and_the_search_goes_on(fake) -> None:
    fake.add(trudvsem_vacancies(120, WINDOW.start, WINDOW.end))
    fake.modified_fails = True
    src = source(fake)
    result, items = harvest(src)
    assert len(items) == result.received == 120
    assert not src.window_works and any("modifiedFrom" in note for note in result.notes)
    sent = [r.query for r in fake.requests if r.status == 500]
    assert sent and sent[0]["modifiedFrom"] == ["2026-11-17T00:00:00Z"]
    assert sent[0]["modifiedTo"] == ["2026-11-21T00:00:00Z"]


def test_areas_search_their_regions_only(fake) -> None:
    fake.add(trudvsem_vacancies(300, WINDOW.start, WINDOW.end))
    src = source(fake)
    result, items = harvest(src, Criteria(areas=("1", "3")))  # Москва and Екатеринбург (its region)
    assert {v["region"]["region_code"] for v in items.values()} == {"7700000000000", "6600000000000"}
    assert result.found == result.received == len(items)
    assert {r.path for r in fake.requests} == {
        "/api/v1/vacancies/region/7700000000000",
        "/api/v1/vacancies/region/6600000000000",
    }
    assert src.unsupported(Criteria(areas=("1",), salary=100_000, experience=("noExperience",))) == [
        "experience",
        "salary",
    ]
    assert src.unsupported(Criteria(areas=("160",))) == ["areas"]


@pytest.mark.parametrize("empty", [False, True])
def test_a_vacancy_that_is_gone_is_not_found(fake, empty) -> None:
    [vacancy] = trudvsem_vacancies(1, WINDOW.start, WINDOW.end)
    fake.add([vacancy])
    fake.missing_as_empty = empty
    src = source(fake)
    source_id = f"{vacancy['company']['companycode']}/{vacancy['id']}"
    assert src.vacancy(source_id)["id"] == vacancy["id"]
    fake.remove(vacancy["id"])
    with pytest.raises(NotFoundError) as caught:
        src.vacancy(source_id)
    assert caught.value.kind == "not_found"


def test_errors_are_mapped_to_kinds(fake) -> None:
    src = source(fake)
    fake.fault(1, 403, {"status": "403", "meta": {"error": "Forbidden"}})
    with pytest.raises(AuthError):
        src.client.vacancies([("text", "x")])
    fake.fault(1, 200, {"status": "400", "meta": {"error": "Bad offset"}})
    with pytest.raises(LimitError) as caught:
        src.client.vacancies([("offset", "x")])
    assert "Bad offset" in str(caught.value)
    fake.fault(10, 503)
    with pytest.raises(UnavailableError) as failing:
        src.client.vacancies([])
    assert failing.value.kind == "unavailable" and fake.count(status=503) == 4
    before = len(fake.requests)
    with pytest.raises(ValueError, match="pageSize"):  # Trudvsem would ignore it silently
        src.client.vacancies([("pageSize", "100")])
    assert len(fake.requests) == before


def test_transform_reads_hyphen_and_underscore_keys_alike(fake) -> None:
    fake.add(trudvsem_vacancies(40, WINDOW.start, WINDOW.end))
    src = source(fake)
    hyphen = {v["id"]: src.transform(v) for page in src.search(Criteria(), WINDOW) for v in page.items}
    fake.underscore_keys = True
    raw = [v for page in src.search(Criteria(), WINDOW) for v in page.items]
    assert any("job_name" in v for v in raw) and not any("job-name" in v for v in raw)
    assert {v["id"]: src.transform(v) for v in raw} == hyphen
    row = next(iter(hyphen.values()))
    assert set(row) == set(CANONICAL_KEYS)
    assert "<script" not in row["description_safe"] and row["title"]


def test_transform_of_a_real_shaped_item() -> None:
    item = {
        "vacancy": {
            "id": "6c4b6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e",
            "source": "Работа России",
            "region": {"region_code": "100000000000", "name": "Республика Адыгея"},  # lost its leading 0
            "company": {"companycode": "1027700132195", "inn": "7707083893", "name": "ПАО Сбербанк"},
            "creation_date": "2026-08-24",
            "date_modify": "2026-08-24T16:57:25+0300",
            "salary": "от 411950",
            "salary_min": 411950,
            "salary_max": 411950,
            "currency": "руб.",
            "job_name": "Главный инженер",
            "employment": "Полная занятость",
            "schedule": "Вахтовый метод",
            "duty": '<p>Руководить</p><a href="javascript:alert(1)">x</a>',
            "requirement": {"education": "Высшее", "qualification": "Допуск", "experience": 3},
            "skills": [],
        }
    }
    row = transform(item, area_index([{"id": "1422", "name": "Республика Адыгея", "areas": []}]))
    assert row["source_id"] == "1027700132195/6c4b6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"
    assert (row["salary_from"], row["salary_to"], row["salary_from_rub"], row["salary_to_rub"]) == (
        411950,
        None,
        411950,
        None,
    )
    assert row["salary_currency"] == "руб."
    assert (row["area_id"], row["employer_inn"], row["title"]) == ("1422", "7707083893", "Главный инженер")
    assert (row["experience_id"], row["employment_id"]) == ("between3And6", "FLY_IN_FLY_OUT")
    assert row["published_at"] == datetime(2026, 8, 23, 21, 0, tzinfo=UTC)
    assert row["url"] == "https://trudvsem.ru/vacancy/card/1027700132195/6c4b6d5e-1f2a-4b3c-9d8e-7f6a5b4c3d2e"
    assert "javascript" not in row["description_safe"] and "Допуск" in row["description_text"]
    assert row["closed"] is False
    moscow = transform({**item["vacancy"], "region": {"region_code": "7700000000000", "name": "г. Москва"}})
    assert moscow["area_id"] == "1"
    none = transform({**item["vacancy"], "salary_min": 0, "salary_max": 0})
    assert (none["salary_from"], none["salary_to"], none["salary_from_rub"]) == (None, None, None)
    upper = transform({**item["vacancy"], "salary_min": 0, "salary_max": 50000})
    assert (upper["salary_from"], upper["salary_to"]) == (None, 50000)
    assert transform({**item["vacancy"], "region": {}})["area_id"] is None


def test_the_fake_ignores_unknown_parameters_and_clamps_limit(fake) -> None:
    fake.add(trudvsem_vacancies(150, WINDOW.start, WINDOW.end))
    body = requests.get(
        f"{fake.base_url}/vacancies", params={"txet": "nothing", "limit": 500}, timeout=5
    ).json()
    assert body["status"] == "200" and body["meta"] == {"total": 150, "limit": 100}
    assert len(body["results"]["vacancies"]) == 100
    empty = requests.get(f"{fake.base_url}/vacancies", params={"text": "nothing-like-it"}, timeout=5).json()
    assert empty["meta"]["total"] == 0 and "vacancies" not in empty["results"]
