"""Settings from ``JH_*`` environment variables and an optional ``.env`` file.

A wrong value stops start-up with one line naming the variable (:class:`SettingsError`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.sources import check

HH_TOKEN_FILE = "hh_app_token"  # noqa: S105 - a file name, not a secret
GIGACHAT_SCOPES = ("GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP")
_LIBRARY_AGENTS = ("python-requests", "python-urllib", "curl/", "go-http-client", "aiohttp", "mozilla/")


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message is one line naming it."""


class Settings(BaseSettings):
    """Every knob of the product. Environment variables are ``JH_`` + the field name in capitals."""

    model_config = SettingsConfigDict(
        env_prefix="JH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Database
    database_url: str | None = Field(
        None, description="PostgreSQL URL; unset starts the embedded server under var_dir"
    )
    db_schema: str = Field("jh", description="PostgreSQL schema that holds every table")
    var_dir: Path = Field(Path("var"), description="where the embedded database and local state live")

    # hh.ru
    hh_base_url: str = "https://api.hh.ru"
    hh_user_agent: str = Field(
        "JobHunter/0.1 (jobhunter@localhost)",
        description="sent on every hh.ru request, shaped 'AppName/1.0 (contact@example.com)'",
    )
    hh_app_token: SecretStr | None = Field(
        None, description="overrides the token stored by `jobhunter hh login`"
    )
    hh_rate_limit: float = Field(5.0, gt=0, le=1000, description="hh.ru requests per second at most")
    hh_concurrency: int = Field(4, ge=1, le=16, description="hh.ru requests in flight at most")
    hh_timeout: float = Field(15.0, gt=0, le=300, description="seconds to wait for one hh.ru answer")
    hh_max_retries: int = Field(5, ge=0, le=20)
    hh_backoff_base: float = Field(0.5, ge=0, le=60, description="first retry delay in seconds")
    hh_backoff_max: float = Field(30.0, ge=0, le=600)
    hh_initial_lookback_days: int = Field(
        30, ge=1, le=30, description="window of a search's first run (hh.ru keeps 30 days searchable)"
    )
    hh_overlap_minutes: int = Field(60, ge=0, le=24 * 60, description="re-read before the watermark")
    # Other vacancy sources (etl/sources/). Retries and backoff follow the JH_HH_MAX_RETRIES /
    # JH_HH_BACKOFF_* settings: one retry policy for every board.
    trudvsem_base_url: str = Field(
        "https://opendata.trudvsem.ru/api/v1", description="«Работа России» open data API (no key)"
    )
    trudvsem_rate_limit: float = Field(2.0, gt=0, le=1000, description="Trudvsem requests per second at most")
    trudvsem_concurrency: int = Field(
        8, ge=1, le=32, description="Trudvsem requests in flight (it answers in about 5 s)"
    )
    trudvsem_timeout: float = Field(60.0, gt=0, le=600, description="seconds to wait for one Trudvsem answer")
    superjob_base_url: str = Field("https://api.superjob.ru/2.0", description="SuperJob API 2.0")
    superjob_app_key: SecretStr | None = Field(
        None, description="SuperJob application Secret key (X-Api-App-Id); unset: SuperJob does not run"
    )
    superjob_rate_limit: float = Field(2.0, gt=0, le=1000, description="SuperJob requests per second at most")
    superjob_concurrency: int = Field(2, ge=1, le=16, description="SuperJob requests in flight at most")
    superjob_timeout: float = Field(15.0, gt=0, le=300, description="seconds to wait for one SuperJob answer")
    sources: str | None = Field(
        None,
        description="boards to harvest, comma-separated (hh,trudvsem,superjob); unset: every board "
        "that can run (Trudvsem always, hh.ru with a token, SuperJob with a key)",
    )
    load_workers: int = Field(
        2, ge=1, le=8, description="database connections a load merges its batches on at once"
    )
    abandoned_after_minutes: int = Field(
        120,
        ge=5,
        le=7 * 24 * 60,
        description="an Airflow harvest row with no progress this long, and no task on it, was abandoned",
    )

    # Airflow (make run)
    airflow_port: int = Field(8080, ge=1, le=65535, description="Airflow API server / UI port")
    airflow_hh_pool_slots: int = Field(2, ge=1, le=32, description="tasks calling hh.ru at once")
    airflow_trudvsem_pool_slots: int = Field(
        2, ge=1, le=32, description="tasks calling Trudvsem at once (it answers slowly: more in flight)"
    )
    airflow_superjob_pool_slots: int = Field(1, ge=1, le=32, description="tasks calling SuperJob at once")
    airflow_retry_seconds: int = Field(
        60, ge=1, le=3600, description="hh_vacancies: wait before a failed task's first retry (then doubled)"
    )
    # Airflow with CeleryExecutor (make cluster): the broker every scheduler and worker shares
    redis_url: SecretStr = Field(
        SecretStr("redis://127.0.0.1:6379/0"), description="Celery broker for `jobhunter cluster`"
    )

    # First run
    demo_on_first_run: bool = Field(True, description="make run loads demo data when there is no hh.ru token")

    # Secrets at rest (stored hh.ru token, GigaChat keys)
    secret_key: SecretStr | None = Field(None, description="Fernet key; unset: generated into var_dir")

    # Housekeeping
    raw_retention_days: int = Field(14, ge=0, le=3650)
    recheck_after_days: int = Field(3, ge=1, le=365, description="re-check vacancies unseen this long")
    recheck_limit: int = Field(500, ge=0, le=100_000, description="vacancies re-checked per housekeeping run")
    dictionaries_max_age_hours: int = Field(24, ge=1, le=24 * 30)

    # Web
    web_secret_key: SecretStr | None = Field(
        None, description="signs session cookies; unset: generated once into <var_dir>/web_secret_key"
    )
    web_host: str = Field("127.0.0.1", description="address `jobhunter web` listens on")
    web_port: int = Field(8050, ge=1, le=65535, description="port `jobhunter web` listens on")
    web_secure_cookies: bool = Field(False, description="mark cookies Secure (set when served over HTTPS)")
    web_session_days: int = Field(14, ge=1, le=365, description="how long a login lasts")

    # Telegram
    telegram_bot_token: SecretStr | None = Field(
        None, description="Bot API token from @BotFather; unset: no Telegram messages and no bot"
    )
    telegram_api_url: str = Field(
        "https://api.telegram.org", description="Bot API server (tests and demos point it at a fake)"
    )
    telegram_bot_username: str | None = Field(
        None, description="the bot's @username, for the https://t.me/<bot>?start=… link on the profile page"
    )
    telegram_time_zone: str = Field(
        "Europe/Moscow", description="IANA time zone for quiet hours of users who chose none"
    )
    telegram_quiet_hours: str = Field(
        "22:00-08:00", description="local hours without messages for users who chose none; 'off' for none"
    )
    telegram_list_size: int = Field(
        5, ge=1, le=10, description="vacancies listed with buttons in a message; all of them go in the CSV"
    )
    telegram_link_ttl_hours: int = Field(24, ge=1, le=24 * 30, description="life of a one-time link")
    telegram_max_retry_after: int = Field(
        60, ge=1, le=3600, description="longest 429 retry_after waited in place, seconds"
    )
    telegram_retries: int = Field(3, ge=0, le=10, description="attempts again after a 429, then next run")
    telegram_timeout: float = Field(30.0, gt=0, le=300, description="seconds to wait for a Bot API answer")

    # GigaChat (tailored resume and cover letter; without credentials an offline template does the job)
    gigachat_credentials: SecretStr | None = Field(
        None,
        description="GigaChat authorization key (base64 of client_id:client_secret) for every user "
        "without a key of their own; unset: users' own keys or the offline template",
    )
    gigachat_scope: str = Field(
        "GIGACHAT_API_PERS", description="GIGACHAT_API_PERS, GIGACHAT_API_B2B or GIGACHAT_API_CORP"
    )
    gigachat_model: str = Field("GigaChat-2", description="model for documents: GigaChat-2, -Pro or -Max")
    gigachat_base_url: str = Field("https://api.giga.chat/v1", description="GigaChat API")
    gigachat_auth_url: str = Field(
        "https://ngw.devices.sberbank.ru:9443/api/v2/oauth", description="GigaChat OAuth endpoint"
    )
    gigachat_verify_ssl: bool = Field(True, description="verify GigaChat's TLS certificates (keep it on)")
    gigachat_ca_bundle_file: Path | None = Field(
        None, description="PEM bundle with the Russian Trusted Root CA that signs GigaChat's certificates"
    )
    gigachat_timeout: float = Field(60.0, gt=0, le=600, description="seconds to wait for one GigaChat answer")
    gigachat_temperature: float = Field(0.3, ge=0, le=2, description="sampling temperature of the documents")
    gigachat_max_tokens: int = Field(3000, ge=256, le=32_000, description="longest answer, in tokens")

    @field_validator("gigachat_credentials", mode="before")
    @classmethod
    def _gigachat_credentials(cls, value: object) -> object:
        # never raises: a message about a wrong value would print the value
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return None
        return raw.strip().removeprefix("Basic ").strip() if isinstance(raw, str) else value

    @field_validator("gigachat_scope")
    @classmethod
    def _gigachat_scope(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in GIGACHAT_SCOPES:
            raise ValueError("must be one of " + ", ".join(GIGACHAT_SCOPES))
        return value

    @field_validator("gigachat_model")
    @classmethod
    def _gigachat_model(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", value.strip()):
            raise ValueError("must be a GigaChat model name such as 'GigaChat-2-Pro'")
        return value.strip()

    @field_validator("gigachat_base_url", "gigachat_auth_url")
    @classmethod
    def _gigachat_url(cls, value: str) -> str:
        if not re.match(r"https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://api.giga.chat/v1")
        return value.rstrip("/")

    @field_validator("gigachat_ca_bundle_file", mode="before")
    @classmethod
    def _gigachat_ca_bundle_file(cls, value: object) -> Path | None:
        if value is None or str(value).strip() == "":
            return None
        path = Path(str(value).strip()).expanduser()
        if not path.is_file():
            raise ValueError("no such file")
        return path

    @property
    def gigachat_key(self) -> str | None:
        """The server's GigaChat authorization key, if configured. Never log it."""
        return self.gigachat_credentials.get_secret_value() if self.gigachat_credentials else None

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _telegram_bot_token(cls, value: object) -> object:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return None
        if not isinstance(raw, str) or not re.fullmatch(r"\d{1,20}:[A-Za-z0-9_-]{20,200}", raw.strip()):
            raise ValueError("must be the token @BotFather gave, shaped '123456789:AAE…'")
        return raw.strip()

    @field_validator("telegram_api_url")
    @classmethod
    def _telegram_api_url(cls, value: str) -> str:
        if not re.match(r"https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("telegram_bot_username")
    @classmethod
    def _telegram_bot_username(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        value = value.strip().removeprefix("@")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", value):
            raise ValueError("must be the bot's username such as 'JobHunterBot' (5-32 letters, digits, _)")
        return value

    @field_validator("telegram_time_zone")
    @classmethod
    def _telegram_time_zone(cls, value: str) -> str:
        from core.telegram_links import check_time_zone

        return check_time_zone(value)

    @field_validator("telegram_quiet_hours")
    @classmethod
    def _telegram_quiet_hours(cls, value: str) -> str:
        from core.telegram_links import format_quiet_hours, parse_quiet_hours

        return format_quiet_hours(parse_quiet_hours(value))

    @property
    def telegram_token(self) -> str | None:
        """The Telegram bot token, if configured. Never log it: it is part of every Bot API URL."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @field_validator("db_schema")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", value):
            raise ValueError("must be a lower-case SQL identifier such as 'jh'")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        if not re.match(r"postgres(ql)?(\+psycopg)?://", value):
            raise ValueError("must be a PostgreSQL URL such as postgresql://user@host:5432/dbname")
        return value.strip()

    @field_validator("hh_base_url", "trudvsem_base_url", "superjob_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://api.hh.ru")
        return value.rstrip("/")

    @field_validator("hh_user_agent")
    @classmethod
    def _user_agent(cls, value: str) -> str:
        value = value.strip()
        if "/" not in value or value.lower().startswith(_LIBRARY_AGENTS):
            raise ValueError("must name your application, e.g. 'MyJobHunter/1.0 (me@example.com)'")
        return value

    @field_validator("sources")
    @classmethod
    def _sources(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return ",".join(check(name.strip() for name in value.split(",") if name.strip()))

    @field_validator("superjob_app_key", mode="before")
    @classmethod
    def _superjob_app_key(cls, value: object) -> object:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return None
        return raw.strip() if isinstance(raw, str) else value

    @property
    def superjob_key(self) -> str | None:
        """The SuperJob application key, if configured. Never log it."""
        return self.superjob_app_key.get_secret_value() if self.superjob_app_key else None

    @property
    def hh_token(self) -> str | None:
        """The hh.ru application token: ``JH_HH_APP_TOKEN``, else the one `jobhunter hh login` stored."""
        if self.hh_app_token and self.hh_app_token.get_secret_value():
            return self.hh_app_token.get_secret_value()
        from core.secrets import SecretUnreadable, read_file

        try:
            return read_file(self, HH_TOKEN_FILE)
        except SecretUnreadable:
            return None


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "settings"
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    secret = "token" in field or field.endswith("_key")
    shown = "" if secret or isinstance(value, dict) else f" (got {value!r})"
    return f"JH_{field.upper()}: {message}{shown}"


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into a one-line :class:`SettingsError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()
