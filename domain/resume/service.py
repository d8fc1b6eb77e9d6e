"""One generation, from the button to the stored result.

:func:`start` checks (for ``user_id``) that the vacancy is theirs and the profile is usable,
records a ``running`` row (at most one per user and vacancy: a unique partial index) and hands
:func:`run` to a small thread pool; the page polls the row. :func:`run` reads the profile and the
vacancy again, asks the provider, applies the truthfulness check and stores the structured
documents and the report — or the failure's kind, which the page turns into a sentence. The row
lives in PostgreSQL, so any web worker can answer the polling; a row left "running" by a process
that died is marked interrupted after :func:`stale_after`.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine

from core.secrets import SecretUnreadable
from core.settings import Settings
from domain.resume import offline, store, truth
from domain.resume.errors import GenerationError
from domain.resume.gigachat_provider import GigaChatConfig, GigaChatProvider
from domain.resume.model import Generated, Profile, Vacancy

_log = logging.getLogger(__name__)
_EXECUTOR = ThreadPoolExecutor(max_workers=4, thread_name_prefix="jh-resume")
#: generations one user may have running at once (each vacancy has at most one)
MAX_RUNNING_PER_USER = 3


class Provider(Protocol):
    name: str
    model: str | None

    def generate(self, profile: Profile, vacancy: Vacancy, lang: str) -> Generated: ...


@dataclass(frozen=True)
class ProviderInfo:
    kind: str  # "gigachat" or "offline"
    model: str | None = None
    source: str | None = None  # whose key: "user" or "server"


def provider_info(
    settings: Settings, stored: store.StoredProfile, *, force_offline: bool = False
) -> ProviderInfo:
    """Which provider a generation for this user would use: their key, else the server's, else offline."""
    if force_offline:
        return ProviderInfo(offline.NAME)
    model = stored.options.get("model") or settings.gigachat_model
    if stored.has_key:
        return ProviderInfo("gigachat", model, "user")
    if settings.gigachat_key:
        return ProviderInfo("gigachat", model, "server")
    return ProviderInfo(offline.NAME)


def make_provider(
    conn: Any, settings: Settings, user_id: int, stored: store.StoredProfile, info: ProviderInfo
) -> Provider:
    if info.kind == offline.NAME:
        return offline.OfflineProvider()
    options = stored.options
    if info.source == "user":
        try:
            key = store.read_key(conn, settings, user_id)
        except SecretUnreadable:
            raise GenerationError("key_unreadable") from None
        scope = options.get("scope") or settings.gigachat_scope
    else:
        key = settings.gigachat_key
        scope = settings.gigachat_scope
    if not key:
        return offline.OfflineProvider()
    config = GigaChatConfig(
        credentials=key,
        scope=scope,
        model=info.model or settings.gigachat_model,
        base_url=settings.gigachat_base_url,
        auth_url=settings.gigachat_auth_url,
        verify_ssl=settings.gigachat_verify_ssl,
        ca_bundle_file=str(settings.gigachat_ca_bundle_file) if settings.gigachat_ca_bundle_file else None,
        timeout=settings.gigachat_timeout,
        temperature=float(options.get("temperature", settings.gigachat_temperature)),
        max_tokens=settings.gigachat_max_tokens,
        source=info.source or "server",
    )
    return GigaChatProvider(config)


def stale_after(settings: Settings) -> timedelta:
    """How long a generation may stay "running" before it counts as interrupted."""
    return timedelta(seconds=2 * settings.gigachat_timeout + 120)


@dataclass(frozen=True)
class StartResult:
    status: str  # started, running (one already was), not_yours, no_profile, busy
    generation_id: int | None = None
    gaps: list[str] = field(default_factory=list)
    future: Future[None] | None = None


def start(
    engine: Engine, settings: Settings, user_id: int, vacancy_id: Any, *, force_offline: bool = False
) -> StartResult:
    with engine.begin() as conn:
        vacancy = store.load_vacancy(conn, user_id, vacancy_id)
        if vacancy is None:
            return StartResult("not_yours")
        stored = store.load_profile(conn, user_id)
        gaps = stored.profile.missing()
        if gaps:
            return StartResult("no_profile", gaps=gaps)
        store.expire_stale(conn, user_id, stale_after(settings))
        running = store.running_generation(conn, user_id, vacancy.id)
        if running is not None:
            return StartResult("running", running)
        if store.count_running(conn, user_id) >= MAX_RUNNING_PER_USER:
            return StartResult("busy")
        info = provider_info(settings, stored, force_offline=force_offline)
        started = store.start_generation(
            conn, user_id, vacancy, provider=info.kind, model=info.model, lang=vacancy.language
        )
    if not started.created:
        return StartResult("running", started.generation_id)
    future = _EXECUTOR.submit(
        run, engine, settings, started.generation_id, user_id, vacancy.id, force_offline=force_offline
    )
    return StartResult("started", started.generation_id, future=future)


def run(
    engine: Engine,
    settings: Settings,
    generation_id: int,
    user_id: int,
    vacancy_id: int,
    *,
    force_offline: bool = False,
    today: date | None = None,
) -> None:
    """Generate, check and store (or record why not). Never raises."""
    try:
        with engine.connect() as conn:
            vacancy = store.load_vacancy(conn, user_id, vacancy_id)
            stored = store.load_profile(conn, user_id)
            if vacancy is None or stored.profile.missing():
                raise GenerationError("no_profile" if vacancy is not None else "unexpected")
            info = provider_info(settings, stored, force_offline=force_offline)
            provider = make_provider(conn, settings, user_id, stored, info)
        lang = vacancy.language
        generated = provider.generate(stored.profile, vacancy, lang)
        output, report = truth.check(stored.profile, generated, vacancy, lang=lang, today=today)
        with engine.begin() as conn:
            store.finish_generation(conn, generation_id, output, report, provider.name, provider.model)
        _log.info(
            "generation %s done by %s: %d findings", generation_id, provider.name, len(report["findings"])
        )
    except GenerationError as error:
        _fail(engine, generation_id, error.kind, error.detail)
    except Exception:
        _log.exception("generation %s failed unexpectedly", generation_id)
        _fail(engine, generation_id, "unexpected", {})


def _fail(engine: Engine, generation_id: int, kind: str, detail: dict[str, Any]) -> None:
    safe = {k: v for k, v in detail.items() if k in ("status", "retry_after", "seconds", "model", "reason")}
    try:
        with engine.begin() as conn:
            store.fail_generation(conn, generation_id, kind, safe)
    except Exception:  # the database is gone too: the row expires as interrupted
        _log.exception("could not record the failure of generation %s", generation_id)
