"""Settings: defaults, .env, and one clear line for a wrong value."""

from __future__ import annotations

import pytest

from core.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in list(__import__("os").environ):
        if name.startswith("JH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_url is None
    assert settings.db_schema == "jh"
    assert settings.hh_base_url == "https://api.hh.ru"
    assert settings.hh_token is None


def test_environment_and_dotenv(monkeypatch, tmp_path) -> None:
    (tmp_path / ".env").write_text("JH_HH_CONCURRENCY=2\nJH_HH_APP_TOKEN=abc\n", encoding="utf-8")
    monkeypatch.setenv("JH_HH_BASE_URL", "http://127.0.0.1:8000/")
    settings = load_settings()
    assert settings.hh_concurrency == 2
    assert settings.hh_token == "abc"
    assert settings.hh_base_url == "http://127.0.0.1:8000"
    assert "abc" not in repr(settings)  # the token is a secret


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("JH_HH_CONCURRENCY", "0", "JH_HH_CONCURRENCY: Input should be greater than or equal to 1 (got '0')"),
        ("JH_HH_RATE_LIMIT", "fast", "JH_HH_RATE_LIMIT: Input should be a valid number"),
        ("JH_LOAD_WORKERS", "9", "JH_LOAD_WORKERS: Input should be less than or equal to 8 (got '9')"),
        ("JH_HH_BASE_URL", "api.hh.ru", "JH_HH_BASE_URL: must be an http(s) URL"),
        ("JH_HH_USER_AGENT", "python-requests/2.32", "JH_HH_USER_AGENT: must name your application"),
        ("JH_DATABASE_URL", "mysql://x@y/z", "JH_DATABASE_URL: must be a PostgreSQL URL"),
        ("JH_DB_SCHEMA", "Robert'); DROP", "JH_DB_SCHEMA: must be a lower-case SQL identifier"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(monkeypatch, name, value, expected) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_a_bad_token_value_is_not_echoed(monkeypatch) -> None:
    monkeypatch.setenv("JH_HH_APP_TOKEN", "")
    assert load_settings().hh_token is None
