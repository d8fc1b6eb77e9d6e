"""hh.ru application token: obtain through the client-credentials grant, store, check, use."""

from __future__ import annotations

from datetime import timedelta

from core.settings import HH_TOKEN_FILE
from etl.sources.hh.auth import check_token
from tests.conftest import run_cli
from tests.harvesting import harvest as run
from tests.helpers import add_user_and_search, audit
from tests.helpers import vacancies as make_vacancies


def login(cli_env, secret: str = "secret", client_id: str = "client"):  # noqa: S107 - the fake's credentials
    return run_cli(
        "hh", "login", "--client-id", client_id, "--client-secret-stdin", env=cli_env, stdin=f"{secret}\n"
    )


def test_login_stores_an_encrypted_token_that_the_harvest_uses(
    cli_env, engine, fake_hh, tmp_path, now
) -> None:
    fake_hh.require_token = True
    fake_hh.add(make_vacancies(10, now - timedelta(days=1), now - timedelta(hours=1)))

    result = login(cli_env)

    assert result.returncode == 0, result.stderr
    assert "token saved (encrypted)" in result.stdout and "The hh.ru application token works" in result.stdout
    stored = (tmp_path / "var" / HH_TOKEN_FILE).read_bytes()
    assert fake_hh.app_token.encode() not in stored  # encrypted at rest
    assert oct((tmp_path / "var" / HH_TOKEN_FILE).stat().st_mode & 0o777) == "0o600"
    assert "secret" not in result.stdout + result.stderr
    status = run_cli("hh", "status", env=cli_env)
    assert status.returncode == 0 and "token source: stored" in status.stdout

    add_user_and_search(engine)
    harvest = run_cli("etl", "run", env=cli_env)
    assert harvest.returncode == 0, harvest.stderr
    assert {r.headers.get("Authorization") for r in fake_hh.requests if r.path == "/vacancies"} == {
        f"Bearer {fake_hh.app_token}"
    }


def test_wrong_credentials_and_refresh_too_early_are_plain_sentences(cli_env) -> None:
    wrong = login(cli_env, secret="nope")
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == (
        "error: hh.ru does not know this client id and secret: copy both again from dev.hh.ru/admin"
    )
    assert login(cli_env).returncode == 0
    too_early = login(cli_env)
    assert too_early.returncode == 1
    assert "at most every 5 minutes" in too_early.stderr and "keeps working" in too_early.stderr


def test_missing_or_revoked_token_is_status_auth_with_what_to_do(
    engine, settings_factory, fake_hh, last_day, window
) -> None:
    fake_hh.require_token = True
    fake_hh.add(make_vacancies(5, *last_day))
    add_user_and_search(engine)

    no_token = audit(engine, run(engine, settings_factory(hh_base_url=fake_hh.url), window=window))[0]
    assert no_token["status"] == "auth"
    assert "requires an application token" in no_token["error"] and "jobhunter hh login" in no_token["error"]

    fake_hh.app_token = "current"
    fake_hh._revoked.add("old")
    revoked = audit(
        engine, run(engine, settings_factory(hh_base_url=fake_hh.url, hh_app_token="old"), window=window)
    )[0]
    assert revoked["status"] == "auth" and "revoked" in revoked["error"]


def test_status_without_a_token_says_what_to_do(settings_factory, fake_hh) -> None:
    status = check_token(settings_factory(hh_base_url=fake_hh.url))
    assert not status.ok and status.source == "none"
    assert "jobhunter hh login" in status.message


def test_environment_token_wins_and_is_checked(settings_factory, fake_hh) -> None:
    fake_hh.app_token, fake_hh.require_token = "env-token", True
    status = check_token(settings_factory(hh_base_url=fake_hh.url, hh_app_token="env-token"))
    assert status.ok and status.source == "JH_HH_APP_TOKEN"
    bad = check_token(settings_factory(hh_base_url=fake_hh.url, hh_app_token="wrong"))
    assert not bad.ok and "does not accept" in bad.message
