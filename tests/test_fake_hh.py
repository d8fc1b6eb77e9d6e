"""The fake hh.ru (testing/fakes/hh.py) and the vacancy generator (testing/synthetic.py) behave like hh.ru.

Everything goes over real HTTP with ``requests``, as the harvester does.
"""

from __future__ import annotations

import http.client
import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from testing.fakes.hh import FakeHH
from testing.synthetic import (
    AREAS,
    CURRENCY_RATES,
    EXPERIENCE,
    HOSTILE_HTML,
    PROFESSIONAL_ROLES,
    generate_vacancies,
    to_search_item,
)

UA = "JobHunterTest/1.0 (test@example.com)"
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 8, tzinfo=UTC)
ENVELOPE_KEYS = {
    "items",
    "found",
    "pages",
    "page",
    "per_page",
    "clusters",
    "arguments",
    "fixes",
    "suggests",
    "alternate_url",
}


@pytest.fixture(scope="module")
def vacancies() -> list[dict[str, Any]]:
    return list(generate_vacancies(3000, seed=42, start=START, end=END))


@pytest.fixture
def hh(vacancies: list[dict[str, Any]]) -> Iterator[FakeHH]:
    with FakeHH(vacancies) as fake:
        yield fake


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.headers["User-Agent"] = UA
        yield s


def ts(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def search(session: requests.Session, hh: FakeHH, **params: Any) -> requests.Response:
    return session.get(f"{hh.url}/vacancies", params=params, timeout=10)


def all_ids(session: requests.Session, hh: FakeHH, **params: Any) -> list[str]:
    """Every id of a search (found must be <= 2000)."""
    first = search(session, hh, per_page=100, **params).json()
    assert first["found"] <= 2000
    ids = [item["id"] for item in first["items"]]
    for page in range(1, first["pages"]):
        ids += [item["id"] for item in search(session, hh, per_page=100, page=page, **params).json()["items"]]
    assert len(ids) == first["found"]
    return ids


def error(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert isinstance(body["request_id"], str) and body["request_id"]
    assert len(body["errors"]) == 1
    return body["errors"][0]


# --------------------------------------------------------------------------------------------
# User-Agent
# --------------------------------------------------------------------------------------------


def test_missing_user_agent_is_rejected(hh: FakeHH) -> None:
    # requests/urllib3 always add a User-Agent of their own, so speak plain http.client here
    conn = http.client.HTTPConnection(urlsplit(hh.url).netloc, timeout=10)
    try:
        conn.request("GET", "/dictionaries")
        response = conn.getresponse()
        body = json.loads(response.read())
    finally:
        conn.close()
    assert response.status == 400
    assert body["errors"] == [{"type": "bad_user_agent", "value": "unset"}]
    assert body["request_id"]
    assert hh.requests[0].headers.get("User-Agent") is None


def test_urllib3_default_user_agent_is_blacklisted(hh: FakeHH) -> None:
    r = requests.get(f"{hh.url}/dictionaries", headers={"User-Agent": None}, timeout=10)
    assert r.status_code == 400
    assert error(r) == {"type": "bad_user_agent", "value": "blacklisted"}


@pytest.mark.parametrize(
    "agent",
    [
        f"python-requests/{requests.__version__}",
        "curl/8.5.0",
        "Go-http-client/1.1",
        "aiohttp/3.9",
        "JobHunter",
    ],
)
def test_library_default_user_agents_are_blacklisted(hh: FakeHH, agent: str) -> None:
    r = requests.get(f"{hh.url}/vacancies", headers={"User-Agent": agent}, timeout=10)
    assert r.status_code == 400
    assert error(r) == {"type": "bad_user_agent", "value": "blacklisted"}
    assert r.json()["description"] == "Bad User-Agent header"


def test_hh_user_agent_wins_over_user_agent(hh: FakeHH) -> None:
    ok = requests.get(
        f"{hh.url}/vacancies", headers={"HH-User-Agent": UA}, timeout=10
    )  # default UA is python-requests
    assert ok.status_code == 200
    bad = requests.get(
        f"{hh.url}/vacancies", headers={"User-Agent": UA, "HH-User-Agent": "curl/8"}, timeout=10
    )
    assert bad.status_code == 400
    assert error(bad)["value"] == "blacklisted"


# --------------------------------------------------------------------------------------------
# Search: envelope, paging, depth cap
# --------------------------------------------------------------------------------------------


def test_search_envelope_and_items(hh: FakeHH, session: requests.Session) -> None:
    r = search(session, hh)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "Москва".encode() in r.content or "Санкт".encode() in r.content  # raw UTF-8, no \\u escapes
    body = r.json()
    assert set(body) == ENVELOPE_KEYS
    assert body["per_page"] == 10 and body["page"] == 0 and len(body["items"]) == 10
    assert body["found"] == 3000
    assert body["clusters"] is None and body["arguments"] is None
    assert body["fixes"] is None and body["suggests"] is None
    assert body["alternate_url"].startswith("https://hh.ru/search/vacancy")
    item = body["items"][0]
    assert "description" not in item and "key_skills" not in item and "branded_description" not in item
    for key in (
        "id",
        "name",
        "area",
        "employer",
        "salary",
        "salary_range",
        "snippet",
        "published_at",
        "created_at",
        "archived",
        "type",
        "alternate_url",
        "apply_alternate_url",
        "url",
        "professional_roles",
        "experience",
        "work_format",
        "employment_form",
        "has_test",
    ):
        assert key in item


def test_search_order_is_newest_first(hh: FakeHH, session: requests.Session) -> None:
    for order in ("publication_time", "relevance"):
        items = search(session, hh, per_page=100, page=3, order_by=order).json()["items"]
        keys = [(ts(i["published_at"]), int(i["id"])) for i in items]
        assert keys == sorted(keys, reverse=True)


def test_per_page_above_100_is_a_bad_argument(hh: FakeHH, session: requests.Session) -> None:
    r = search(session, hh, per_page=101)
    assert r.status_code == 400
    assert error(r) == {"type": "bad_argument", "value": "per_page"}


def test_depth_cap_at_2000_items(hh: FakeHH, session: requests.Session) -> None:
    last = search(session, hh, per_page=100, page=19)
    assert last.status_code == 200
    assert len(last.json()["items"]) == 100

    r = search(session, hh, per_page=100, page=20)
    assert r.status_code == 400
    body = r.json()
    assert body["description"] == "you can't look up more than 2000 items in the list"
    assert body["errors"] == [{"type": "bad_argument", "value": "page"}]
    assert body["bad_argument"] == "page, per_page"
    assert body["request_id"]


def test_found_exceeds_2000_but_pages_are_capped(hh: FakeHH, session: requests.Session) -> None:
    body = search(session, hh, per_page=100).json()
    assert body["found"] == 3000
    assert body["pages"] == 20
    odd = search(session, hh, per_page=7).json()
    assert odd["pages"] == min(math.ceil(3000 / 7), 2000 // 7) == 285


def test_pages_of_a_small_result(
    hh: FakeHH, vacancies: list[dict[str, Any]], session: requests.Session
) -> None:
    body = search(session, hh, per_page=100, area=1002).json()
    expected = sum(1 for v in vacancies if v["area"]["id"] == "1002")
    assert body["found"] == expected
    assert body["pages"] == math.ceil(expected / 100)
    beyond = search(session, hh, per_page=100, area=1002, page=body["pages"] + 1).json()
    assert beyond["items"] == [] and beyond["found"] == expected


# --------------------------------------------------------------------------------------------
# Search: publication window
# --------------------------------------------------------------------------------------------


@pytest.fixture
def timed_hh() -> Iterator[FakeHH]:
    """Five vacancies with hand-set publication times around 2026-11-20 12:00 Moscow time."""
    base = list(generate_vacancies(5, seed=1, start=START, end=END, first_id=500))
    stamps = [
        "2026-11-20T11:59:59+0300",
        "2026-11-20T12:02:00+0300",
        "2026-11-20T14:04:59+0500",
        "2026-11-20T12:05:00+0300",
        "2026-11-20T12:10:00+0300",
    ]
    for vacancy, stamp in zip(base, stamps, strict=True):
        vacancy["published_at"] = vacancy["created_at"] = stamp
    with FakeHH(base) as fake:
        yield fake


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        ("2026-11-20T12:03:00+0300", "2026-11-20T12:09:59+0300"),
        ("2026-11-20T12:04:59+03:00", "2026-11-20T12:05:00+03:00"),
        ("2026-11-20T09:00:00Z", "2026-11-20T09:09:00Z"),
        ("2026-11-20T14:01:00+0500", "2026-11-20T14:08:00+0500"),
    ],
)
def test_date_window_is_rounded_down_to_five_minutes(
    timed_hh: FakeHH, session: requests.Session, date_from: str, date_to: str
) -> None:
    # [12:00, 12:05) after rounding: 12:02 and 12:04:59 (written as 14:04:59+0500) are in, 11:59:59 and
    # 12:05:00 are out
    ids = [i["id"] for i in search(session, timed_hh, date_from=date_from, date_to=date_to).json()["items"]]
    assert ids == ["502", "501"]


def test_date_from_alone_and_date_only(timed_hh: FakeHH, session: requests.Session) -> None:
    ids = [i["id"] for i in search(session, timed_hh, date_from="2026-11-20T12:05:00+0300").json()["items"]]
    assert ids == ["504", "503"]
    assert search(session, timed_hh, date_from="2026-11-20").json()["found"] == 5
    assert search(session, timed_hh, date_from="2026-11-21").json()["found"] == 0


def test_date_window_matches_a_brute_force_count(
    hh: FakeHH, vacancies: list[dict[str, Any]], session: requests.Session
) -> None:
    lo = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    hi = lo + timedelta(hours=7)
    expected = {v["id"] for v in vacancies if lo.timestamp() <= ts(v["published_at"]) < hi.timestamp()}
    got = all_ids(
        session, hh, date_from=lo.strftime("%Y-%m-%dT%H:%M:%S%z"), date_to=hi.strftime("%Y-%m-%dT%H:%M:%S%z")
    )
    assert set(got) == expected and len(got) == len(expected) > 0


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"date_to": "2026-11-20T12:00:00+0300"}, "date_to"),
        ({"period": 3, "date_from": "2026-11-20"}, "period"),
        ({"date_from": "20.11.2026"}, "date_from"),
        ({"date_from": "2026-11-20", "date_to": "tomorrow"}, "date_to"),
        ({"per_page": "many"}, "per_page"),
        ({"experience": "lots"}, "experience"),
        ({"area": 999999}, "area"),
    ],
)
def test_bad_arguments(hh: FakeHH, session: requests.Session, params: dict[str, Any], bad: str) -> None:
    r = search(session, hh, **params)
    assert r.status_code == 400
    assert error(r) == {"type": "bad_argument", "value": bad}


def test_unknown_parameters_are_ignored(hh: FakeHH, session: requests.Session) -> None:
    assert search(session, hh, no_such_param="x", aera=1).json()["found"] == 3000


def test_period_counts_days_back_from_now(timed_hh: FakeHH, session: requests.Session) -> None:
    timed_hh.now = lambda: ts("2026-11-21T12:03:00+0300")
    assert search(session, timed_hh, period=1).json()["found"] == 3  # since 12:03 of the day before
    assert search(session, timed_hh, period=2).json()["found"] == 5


# --------------------------------------------------------------------------------------------
# Search: filters
# --------------------------------------------------------------------------------------------


def test_text_filter_and_search_field(
    hh: FakeHH, vacancies: list[dict[str, Any]], session: requests.Session
) -> None:
    def plain(v: dict[str, Any]) -> str:
        return f"{v['name']} {v['employer']['name']} {v['description']}".lower()

    expected = {v["id"] for v in vacancies if "python" in plain(v) and "django" in plain(v)}
    assert set(all_ids(session, hh, text="Python DJANGO")) == expected
    in_name = {v["id"] for v in vacancies if "python" in v["name"].lower()}
    assert set(all_ids(session, hh, text="python", search_field="name")) == in_name
    assert in_name < {v["id"] for v in vacancies if "python" in plain(v)}


def test_text_highlights_snippets(hh: FakeHH, session: requests.Session) -> None:
    items = search(session, hh, text="python", per_page=100).json()["items"]
    snippets = " ".join(f"{i['snippet']['requirement']} {i['snippet']['responsibility']}" for i in items)
    assert "<highlighttext>Python</highlighttext>" in snippets


def test_area_filter_with_countries(
    hh: FakeHH, vacancies: list[dict[str, Any]], session: requests.Session
) -> None:
    by_area: dict[str, int] = {}
    for v in vacancies:
        by_area[v["area"]["id"]] = by_area.get(v["area"]["id"], 0) + 1
    assert search(session, hh, area=1).json()["found"] == by_area["1"]
    both = session.get(f"{hh.url}/vacancies", params=[("area", "1"), ("area", "2")], timeout=10).json()
    assert both["found"] == by_area["1"] + by_area["2"]
    russia = sum(n for area_id, n in by_area.items() if area_id not in {"160", "1002"})
    assert search(session, hh, area=113).json()["found"] == russia
    assert search(session, hh, area=40).json()["found"] == by_area["160"]
    assert search(session, hh, area=16).json()["found"] == by_area["1002"]
    assert search(session, hh, area=1261).json()["found"] == by_area["3"]  # Свердловская область
    items = search(session, hh, area=40, per_page=100).json()["items"]
    assert {i["area"]["name"] for i in items} == {"Алматы"}


def test_experience_and_role_filters(
    hh: FakeHH, vacancies: list[dict[str, Any]], session: requests.Session
) -> None:
    wanted = {"noExperience", "moreThan6"}
    params = [("experience", "noExperience"), ("experience", "moreThan6"), ("per_page", "100")]
    body = session.get(f"{hh.url}/vacancies", params=params, timeout=10).json()
    assert body["found"] == sum(1 for v in vacancies if v["experience"]["id"] in wanted)
    assert {i["experience"]["id"] for i in body["items"]} <= wanted
    roles = search(session, hh, professional_role=96, work_format="REMOTE").json()
    assert roles["found"] == sum(
        1
        for v in vacancies
        if v["professional_roles"][0]["id"] == "96" and any(f["id"] == "REMOTE" for f in v["work_format"])
    )


def rub_range(v: dict[str, Any]) -> tuple[float | None, float | None] | None:
    s = v["salary_range"]
    if s is None:
        return None
    rate = CURRENCY_RATES[s["currency"]]
    return (None if s["from"] is None else s["from"] / rate, None if s["to"] is None else s["to"] / rate)


def covers(v: dict[str, Any], value: float) -> bool:
    rng = rub_range(v)
    return rng is None or ((rng[0] is None or rng[0] <= value) and (rng[1] is None or value <= rng[1]))


def test_salary_filter(hh: FakeHH, vacancies: list[dict[str, Any]], session: requests.Session) -> None:
    with_or_without = sum(1 for v in vacancies if covers(v, 100_000))
    only_with = sum(1 for v in vacancies if v["salary_range"] is not None and covers(v, 100_000))
    assert 0 < only_with < with_or_without
    assert search(session, hh, salary=100_000).json()["found"] == with_or_without
    assert search(session, hh, salary=100_000, only_with_salary="true").json()["found"] == only_with
    assert search(session, hh, salary=100_000, label="with_salary").json()["found"] == only_with
    # 1250 USD is 100 000 RUR at the /dictionaries rate
    assert (
        search(session, hh, salary=1250, currency="USD", only_with_salary="true").json()["found"] == only_with
    )
    items = search(session, hh, only_with_salary="true", per_page=100).json()["items"]
    assert all(i["salary_range"] is not None for i in items)
    total_with = sum(1 for v in vacancies if v["salary_range"] is not None)
    assert search(session, hh, only_with_salary="true").json()["found"] == total_with


def test_archived_and_removed_vacancies(hh: FakeHH, session: requests.Session) -> None:
    first = search(session, hh, per_page=2).json()["items"]
    gone, closed = first[0]["id"], first[1]["id"]
    hh.remove(gone)
    hh.update(closed, archived=True)

    r = session.get(f"{hh.url}/vacancies/{gone}", timeout=10)
    assert r.status_code == 404
    assert error(r) == {"type": "not_found"}
    full = session.get(f"{hh.url}/vacancies/{closed}", timeout=10).json()
    assert full["archived"] is True

    body = search(session, hh, per_page=100).json()
    assert body["found"] == 2998
    assert {gone, closed}.isdisjoint(i["id"] for i in body["items"])


def test_update_replaces_fields(hh: FakeHH, session: requests.Session) -> None:
    vid = search(session, hh).json()["items"][0]["id"]
    hh.update(vid, name="Уникальный тестовый заголовок", salary_range=None, salary=None)
    assert (
        session.get(f"{hh.url}/vacancies/{vid}", timeout=10).json()["name"] == "Уникальный тестовый заголовок"
    )
    items = search(session, hh, text="уникальный тестовый").json()["items"]
    assert [i["id"] for i in items] == [vid]


def test_full_vacancy(hh: FakeHH, vacancies: list[dict[str, Any]], session: requests.Session) -> None:
    original = vacancies[10]
    r = session.get(f"{hh.url}/vacancies/{original['id']}", timeout=10)
    assert r.status_code == 200
    assert r.json() == original
    assert session.get(f"{hh.url}/vacancies/1", timeout=10).status_code == 404


def test_unknown_path_is_not_found(hh: FakeHH, session: requests.Session) -> None:
    r = session.get(f"{hh.url}/employers/1", timeout=10)
    assert r.status_code == 404
    assert error(r) == {"type": "not_found"}


# --------------------------------------------------------------------------------------------
# Failures: captcha, injected errors, dropped connections, rate limit
# --------------------------------------------------------------------------------------------


def test_captcha_for_chosen_texts(hh: FakeHH, session: requests.Session) -> None:
    hh.captcha_texts.add("бухгалтер")
    r = search(session, hh, text="Главный БУХГАЛТЕР")
    assert r.status_code == 403
    err = error(r)
    assert err["type"] == "captcha_required" and err["value"] == "captcha_required"
    assert err["captcha_url"].startswith("https://") and err["fallback_url"].startswith("https://")
    assert search(session, hh, text="курьер").status_code == 200


def test_fail_next_429_with_retry_after(hh: FakeHH, session: requests.Session) -> None:
    hh.fail_next(1, 429, retry_after=7)
    r = search(session, hh)
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "7"
    assert error(r)["type"] == "too_many_requests"
    assert search(session, hh).status_code == 200


def test_fail_next_503_and_non_json_500(hh: FakeHH, session: requests.Session) -> None:
    hh.fail_next(2, 503)
    assert session.get(f"{hh.url}/dictionaries", timeout=10).status_code == 200  # other paths unaffected
    for _ in range(2):
        r = search(session, hh)
        assert r.status_code == 503
        assert error(r) == {"type": "service_unavailable"}
    hh.fail_next(1, 500)
    r = session.get(f"{hh.url}/vacancies/100000000", timeout=10)
    assert r.status_code == 500
    assert r.text == "Internal Server Error"
    with pytest.raises(ValueError):
        r.json()
    assert session.get(f"{hh.url}/vacancies/100000000", timeout=10).status_code == 200
    assert hh.count("vacancy", status=500) == 1 and hh.count("search", status=503) == 2


def test_fail_next_custom_body_and_prefix(hh: FakeHH, session: requests.Session) -> None:
    hh.fail_next(1, 502, path_prefix="/vacancies/", body="<html>Bad Gateway</html>")
    assert search(session, hh).status_code == 200
    r = session.get(f"{hh.url}/vacancies/100000001", timeout=10)
    assert r.status_code == 502 and r.text == "<html>Bad Gateway</html>"


def test_drop_connections(hh: FakeHH, session: requests.Session) -> None:
    hh.drop_connections(1)
    with pytest.raises(requests.ConnectionError):
        search(session, hh)
    assert search(session, hh).status_code == 200
    assert [r.status for r in hh.requests] == [0, 200]


def test_rate_limit(hh: FakeHH, session: requests.Session) -> None:
    hh.rate_limit = 2  # burst of 2, then one request every 0.5 s
    responses = [search(session, hh) for _ in range(6)]
    assert [r.status_code for r in responses[:2]] == [200, 200]
    limited = [r for r in responses[2:] if r.status_code == 429]
    assert limited  # six requests take far less than the 2 s that would refill the bucket
    assert limited[0].headers["Retry-After"] == "1"
    assert error(limited[0]) == {"type": "too_many_requests"}
    hh.rate_limit = None
    assert search(session, hh).status_code == 200


# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------


def test_require_token(vacancies: list[dict[str, Any]], session: requests.Session) -> None:
    with FakeHH(vacancies[:5], app_token="GOOD", require_token=True) as hh:
        r = search(session, hh)
        assert r.status_code == 403
        assert error(r) == {"type": "forbidden"}
        r = session.get(
            f"{hh.url}/vacancies/100000000", headers={"Authorization": "Bearer WRONG"}, timeout=10
        )
        assert r.status_code == 403
        assert error(r) == {"type": "oauth", "value": "bad_authorization"}
        ok = session.get(f"{hh.url}/vacancies", headers={"Authorization": "Bearer GOOD"}, timeout=10)
        assert ok.status_code == 200 and ok.json()["found"] == 5
        for path in ("/dictionaries", "/areas", "/professional_roles"):
            assert session.get(f"{hh.url}{path}", timeout=10).status_code == 200


def test_token_flow(vacancies: list[dict[str, Any]], session: requests.Session) -> None:
    clock = [1000.0]
    with FakeHH(vacancies[:5], require_token=True, client_id="cid", client_secret="csecret") as hh:
        hh.clock = lambda: clock[0]
        form = {"grant_type": "client_credentials", "client_id": "cid", "client_secret": "csecret"}

        wrong = session.post(f"{hh.url}/token", data={**form, "client_secret": "nope"}, timeout=10)
        assert wrong.status_code == 400
        assert wrong.json()["error"] == "invalid_client"
        assert wrong.json()["error_description"]
        grant = session.post(f"{hh.url}/token", data={**form, "grant_type": "password"}, timeout=10)
        assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"

        first = session.post(f"{hh.url}/token", data=form, timeout=10)
        assert first.status_code == 200
        token = first.json()["access_token"]
        assert first.json()["token_type"] == "bearer"
        auth = {"Authorization": f"Bearer {token}"}
        assert search(session, hh).status_code == 403
        assert session.get(f"{hh.url}/vacancies", headers=auth, timeout=10).status_code == 200

        clock[0] += 299
        early = session.post(f"{hh.url}/token", data=form, timeout=10)
        assert early.status_code == 403
        assert early.json() == {"error": "forbidden", "error_description": "app token refresh too early"}
        assert session.get(f"{hh.url}/vacancies", headers=auth, timeout=10).status_code == 200

        clock[0] += 2
        second = session.post(f"{hh.url}/token", data=form, timeout=10)
        assert second.status_code == 200
        new_token = second.json()["access_token"]
        assert new_token != token
        old = session.get(f"{hh.url}/vacancies", headers=auth, timeout=10)
        assert old.status_code == 403
        assert error(old) == {"type": "oauth", "value": "token_revoked"}
        fresh = session.get(
            f"{hh.url}/vacancies", headers={"Authorization": f"Bearer {new_token}"}, timeout=10
        )
        assert fresh.status_code == 200
        assert hh.count("token") == 5


def test_me(session: requests.Session) -> None:
    with FakeHH(app_token="T1") as hh:
        me = session.get(f"{hh.url}/me", headers={"Authorization": "Bearer T1"}, timeout=10)
        assert me.status_code == 200
        body = me.json()
        assert body["auth_type"] == "application" and body["is_application"] is True
        assert body["is_anonymous"] is False
        assert session.get(f"{hh.url}/me", timeout=10).status_code == 403
        assert hh.count("me") == 2


# --------------------------------------------------------------------------------------------
# Dictionaries, areas, roles; request log
# --------------------------------------------------------------------------------------------


def test_dictionaries(hh: FakeHH, session: requests.Session) -> None:
    d = session.get(f"{hh.url}/dictionaries", timeout=10).json()
    for key in (
        "currency",
        "experience",
        "employment",
        "schedule",
        "work_format",
        "employment_form",
        "vacancy_search_employment_form",
        "vacancy_search_order",
        "vacancy_search_fields",
        "salary_range_mode",
        "salary_range_frequency",
        "vacancy_label",
        "vacancy_type",
    ):
        assert d[key], key
    rates = {c["code"]: c["rate"] for c in d["currency"]}
    assert rates == CURRENCY_RATES
    rur = next(c for c in d["currency"] if c["code"] == "RUR")
    assert rur["default"] is True and rur["abbr"] == "₽" and rur["in_use"] is True
    assert {e["id"] for e in d["experience"]} == set(EXPERIENCE)
    assert {f["id"] for f in d["vacancy_search_fields"]} == {"name", "company_name", "description"}
    assert {"publication_time", "relevance"} <= {o["id"] for o in d["vacancy_search_order"]}


def test_areas_tree(hh: FakeHH, session: requests.Session) -> None:
    tree = session.get(f"{hh.url}/areas", timeout=10).json()
    nodes: dict[str, dict[str, Any]] = {}

    def walk(items: list[dict[str, Any]], parent: str | None) -> None:
        for node in items:
            assert set(node) == {"id", "parent_id", "name", "areas"}
            assert node["parent_id"] == parent
            nodes[node["id"]] = node
            walk(node["areas"], node["id"])

    walk(tree, None)
    assert {n["id"] for n in tree} >= {"113", "40", "16"}
    for area in AREAS:
        assert nodes[area.id]["name"] == area.name
    assert nodes["3"]["parent_id"] == "1261" and nodes["1261"]["name"] == "Свердловская область"
    assert nodes["160"]["parent_id"] == "40" and nodes["1002"]["parent_id"] == "16"


def test_professional_roles(hh: FakeHH, session: requests.Session) -> None:
    body = session.get(f"{hh.url}/professional_roles", timeout=10).json()
    roles = [r for c in body["categories"] for r in c["roles"]]
    for role in roles:
        assert set(role) >= {
            "id",
            "name",
            "accept_incomplete_resumes",
            "is_default",
            "search_deprecated",
            "select_deprecated",
        }
    ids = [r["id"] for r in roles]
    assert set(PROFESSIONAL_ROLES) <= set(ids)
    assert any(r["search_deprecated"] for r in roles)
    assert len(ids) > len(set(ids))  # one role is listed in two categories
    deprecated = {r["id"] for r in roles if r["search_deprecated"]}
    assert deprecated.isdisjoint(PROFESSIONAL_ROLES)


def test_request_log(hh: FakeHH, session: requests.Session) -> None:
    search(session, hh, text="курьер", area=[1, 2])
    session.get(f"{hh.url}/vacancies/100000000", timeout=10)
    session.get(f"{hh.url}/areas", timeout=10)
    assert hh.count("search") == 1 and hh.count("vacancy") == 1 and hh.count("areas") == 1
    assert hh.count("all") == 3 and hh.count("dictionaries") == 0
    first = hh.requests[0]
    assert first.method == "GET" and first.path == "/vacancies" and first.status == 200
    assert first.query["area"] == ["1", "2"] and first.query["text"] == ["курьер"]
    assert first.headers["User-Agent"] == UA
    hh.reset_log()
    assert hh.count() == 0


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------


def test_generator_is_deterministic(vacancies: list[dict[str, Any]]) -> None:
    again = list(generate_vacancies(3000, seed=42, start=START, end=END))
    assert again == vacancies
    other = list(generate_vacancies(50, seed=43, start=START, end=END))
    assert other != vacancies[:50]


def test_generator_ids_and_times(vacancies: list[dict[str, Any]]) -> None:
    ids = [v["id"] for v in vacancies]
    assert ids == [str(100_000_000 + i) for i in range(3000)]
    assert len(set(ids)) == 3000
    for v in vacancies:
        published = ts(v["published_at"])
        assert START.timestamp() <= published < END.timestamp()
        assert v["created_at"] == v["published_at"]
        assert ts(v["initial_created_at"]) <= published
        assert v["published_at"][-5:] in {"+0300", "+0500", "+0700"}
        assert v["url"] == f"https://api.hh.ru/vacancies/{v['id']}?host=hh.ru"
        assert v["alternate_url"] == f"https://hh.ru/vacancy/{v['id']}"
    narrow = list(generate_vacancies(200, seed=5, start=START, end=START + timedelta(seconds=2), first_id=7))
    assert {v["published_at"] for v in narrow} <= {
        "2026-11-01T03:00:00+0300",
        "2026-11-01T03:00:01+0300",
        "2026-11-01T05:00:00+0500",
        "2026-11-01T05:00:01+0500",
        "2026-11-01T07:00:00+0700",
        "2026-11-01T07:00:01+0700",
    }
    assert narrow[0]["id"] == "7"


def test_generator_salaries(vacancies: list[dict[str, Any]]) -> None:
    nulls = sum(1 for v in vacancies if v["salary_range"] is None)
    assert 0.28 < nulls / len(vacancies) < 0.42
    modes: set[str] = set()
    for v in vacancies:
        s, legacy = v["salary_range"], v["salary"]
        if s is None:
            assert legacy is None
            continue
        assert legacy == {"from": s["from"], "to": s["to"], "currency": s["currency"], "gross": s["gross"]}
        assert s["from"] is not None or s["to"] is not None
        if s["from"] is not None and s["to"] is not None:
            assert s["from"] < s["to"]
        modes.add(s["mode"]["id"])
        if v["area"]["id"] == "160":
            assert s["currency"] == "KZT"
        if v["area"]["id"] == "1002":
            assert s["currency"] == "BYR"
        if s["mode"]["id"] == "HOUR" and s["currency"] == "RUR":
            assert all(300 <= x <= 1500 for x in (s["from"], s["to"]) if x is not None)
        if s["mode"]["id"] == "SHIFT" and s["currency"] == "RUR":
            assert all(2000 <= x <= 6000 for x in (s["from"], s["to"]) if x is not None)
    assert modes == {"MONTH", "HOUR", "SHIFT"}
    assert {v["salary_range"]["currency"] for v in vacancies if v["salary_range"]} >= {
        "RUR",
        "USD",
        "KZT",
        "BYR",
    }


def test_generator_titles_match_roles_and_skills(vacancies: list[dict[str, Any]]) -> None:
    for v in vacancies:
        (role,) = v["professional_roles"]
        assert PROFESSIONAL_ROLES[role["id"]] == role["name"]
        if "python" in v["name"].lower():
            assert role["id"] == "96"
            assert "Python" in {s["name"] for s in v["key_skills"]}
        if "бухгалтер" in v["name"].lower():
            assert role["id"] == "18"
        assert v["key_skills"] and v["type"] == {"id": "open", "name": "Открытая"}
        assert v["experience"]["id"] in EXPERIENCE
        assert "<ul><li>" in v["description"] and "<strong>Обязанности:</strong>" in v["description"]
    assert any(v["branded_description"] and "<script>" in v["branded_description"] for v in vacancies)


def test_hostile_html_share() -> None:
    clean = list(generate_vacancies(400, seed=3, start=START, end=END))
    hostile = list(generate_vacancies(400, seed=3, start=START, end=END, hostile_html_share=0.25))
    marked = [h for h in hostile if HOSTILE_HTML in h["description"]]
    assert 50 < len(marked) < 150
    for h in marked:
        assert "<script>alert(1)</script>" in h["description"]
        assert '<img src=x onerror="alert(2)">' in h["description"]
        assert '<a href="javascript:alert(3)">ссылка</a>' in h["description"]
    assert not any("alert(" in c["description"] for c in clean)
    for c, h in zip(clean, hostile, strict=True):  # nothing else changes with the share
        assert {**h, "description": None, "branded_description": None} == {
            **c,
            "description": None,
            "branded_description": None,
        }
    every = list(generate_vacancies(20, seed=3, start=START, end=END, hostile_html_share=1.0))
    assert all(HOSTILE_HTML in v["description"] for v in every)


def test_to_search_item(vacancies: list[dict[str, Any]]) -> None:
    full = next(v for v in vacancies if v["snippet"]["responsibility"] and "python" in v["name"].lower())
    item = to_search_item(full)
    for key in (
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
    ):
        assert key not in item
    assert item["snippet"] == full["snippet"] and item["id"] == full["id"]
    text = full["snippet"]["responsibility"].split()[0]
    lit = to_search_item(full, text=text.upper())
    assert f"<highlighttext>{text}</highlighttext>" in lit["snippet"]["responsibility"]
    assert "<highlighttext>" not in full["snippet"]["responsibility"]  # the input is not modified


def test_generator_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        generate_vacancies(1, start=END, end=START)
    with pytest.raises(ValueError):
        generate_vacancies(1, start=START, end=END, hostile_html_share=1.5)
    with pytest.raises(ValueError):
        generate_vacancies(-1, start=START, end=END)


def test_it_records_the_most_requests_in_flight_at_once(hh: FakeHH, vacancies) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from tests.waiting import wait_for

    hh.vacancy_gate = threading.Event()  # full vacancies wait: three requests pile up
    ids = [v["id"] for v in vacancies[:3]]
    with ThreadPoolExecutor(3) as pool:
        headers = {"User-Agent": UA}
        answers = [pool.submit(requests.get, f"{hh.url}/vacancies/{i}", headers=headers) for i in ids]
        wait_for(lambda: hh.in_flight == 3, "three requests in flight")
        hh.vacancy_gate.set()
        assert [a.result(timeout=10).status_code for a in answers] == [200] * 3
    wait_for(lambda: hh.in_flight == 0, "every request answered")
    assert hh.max_in_flight == 3
    hh.reset_log()
    assert hh.max_in_flight == 0
    requests.get(f"{hh.url}/dictionaries", headers={"User-Agent": UA}, timeout=10)
    assert hh.max_in_flight == 1
