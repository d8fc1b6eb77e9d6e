"""The hh.ru client against the fake over real HTTP: headers, errors, retries."""

from __future__ import annotations

import pytest
from tenacity import RetryCallState

from etl.sources.hh.client import (
    HHAuthError,
    HHBadRequest,
    HHCaptchaRequired,
    HHClient,
    HHNotFound,
    HHUnavailable,
)
from tests.conftest import USER_AGENT
from tests.helpers import vacancies


def client(url: str, **kwargs) -> HHClient:
    options = {"rate_limit": 100, "max_retries": 3, "backoff_base": 0.01, "backoff_max": 0.05} | kwargs
    return HHClient(url, USER_AGENT, **options)


def test_every_request_carries_user_agent_and_token(fake_hh) -> None:
    fake_hh.app_token, fake_hh.require_token = "app-token-1", True
    with client(fake_hh.url, token="app-token-1") as hh:
        hh.search([("per_page", "10")])
        hh.me()
    for request in fake_hh.requests:
        assert request.headers["User-Agent"] == USER_AGENT
        assert request.headers["HH-User-Agent"] == USER_AGENT
        assert request.headers["Authorization"] == "Bearer app-token-1"
        assert "app-token-1" not in request.path + str(request.query)


def test_bad_request_surfaces_hh_error_type_and_value(fake_hh) -> None:
    with client(fake_hh.url) as hh, pytest.raises(HHBadRequest) as caught:
        hh.search([("per_page", "500")])
    assert (caught.value.status, caught.value.error_type, caught.value.value) == (
        400,
        "bad_argument",
        "per_page",
    )
    assert "bad_argument/per_page" in str(caught.value)
    assert fake_hh.count("search") == 1  # a 400 is never retried


def test_captcha_is_not_retried(fake_hh) -> None:
    fake_hh.captcha_texts = {"капча"}
    with client(fake_hh.url) as hh, pytest.raises(HHCaptchaRequired) as caught:
        hh.search([("text", "капча"), ("per_page", "10")])
    assert caught.value.captcha_url
    assert fake_hh.count("search") == 1


@pytest.mark.parametrize(("token", "kind"), [(None, "forbidden"), ("wrong", "oauth")])
def test_token_problems_are_auth_errors(fake_hh, token, kind) -> None:
    fake_hh.app_token, fake_hh.require_token = "right", True
    with client(fake_hh.url, token=token) as hh, pytest.raises(HHAuthError) as caught:
        hh.search([("per_page", "10")])
    assert caught.value.error_type == kind
    assert "token" in str(caught.value)


def test_removed_vacancy_is_not_found(fake_hh, last_day) -> None:
    [vacancy] = vacancies(1, *last_day)
    fake_hh.add([vacancy])
    fake_hh.remove(vacancy["id"])
    with client(fake_hh.url) as hh, pytest.raises(HHNotFound):
        hh.vacancy(vacancy["id"])


def test_transient_failures_are_retried(fake_hh) -> None:
    fake_hh.fail_next(1, 503)
    fake_hh.fail_next(1, 500)
    fake_hh.fail_next(1, 429)
    with client(fake_hh.url) as hh:
        assert "areas" not in hh.search([("per_page", "10")])
        assert (hh.stats.requests, hh.stats.retries) == (4, 3)
    fake_hh.drop_connections(2)
    with client(fake_hh.url) as hh:
        hh.dictionary("areas")
        assert hh.stats.retries == 2


def test_gives_up_after_the_last_retry(fake_hh) -> None:
    fake_hh.fail_next(10, 503)
    with client(fake_hh.url, max_retries=2) as hh, pytest.raises(HHUnavailable) as caught:
        hh.search([("per_page", "10")])
    assert "after 3 attempts" in str(caught.value)
    assert fake_hh.count("search") == 3


def test_retry_after_is_honoured() -> None:
    class Limited(Exception):
        retry_after = 3.0

    hh = client("http://127.0.0.1:9", backoff_max=30)
    state = RetryCallState(None, None, (), {})
    state.attempt_number = 1
    state.set_exception((Limited, Limited(), None))
    assert hh._wait_for(state) >= 3.0


def test_connection_refused_is_unavailable() -> None:
    with client("http://127.0.0.1:9", max_retries=1) as hh, pytest.raises(HHUnavailable) as caught:
        hh.dictionary("areas")
    assert "network error" in str(caught.value)
