"""GigaChat through the real SDK against the fake server: what goes over the wire, every failure
as a clear sentence (and never the key), stray GIGACHAT_* variables ignored, TLS verified, and a
whole generation with the server's or the user's own key — invented experience cleaned out."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import ssl
import uuid
from pathlib import Path

import gigachat
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from gigachat.models import Chat, Messages, MessagesRole
from sqlalchemy import select

from core.schema import resume_generations, resume_profiles
from domain.resume import errors, service, store
from domain.resume.errors import GenerationError
from domain.resume.gigachat_provider import GigaChatConfig, GigaChatProvider, build_client
from domain.resume.model import Profile, Vacancy
from testing.fakes.gigachat import INVENTED_EMPLOYER, INVENTED_SKILL, FakeGigaChat
from tests.web.resume_support import PROFILE_DOC, add_vacancy, save_profile
from tests.web.support import add_user

PROFILE = Profile.model_validate(PROFILE_DOC)
VACANCY = Vacancy(
    id=42,
    name="Python-разработчик",
    employer="Ромашка Тех",
    key_skills=("Python", "PostgreSQL", "Kubernetes", "Django"),
    description="Сервисы на Django и PostgreSQL. Требования: Python, Kubernetes.",
)


@pytest.fixture(autouse=True)
def no_stray_gigachat_env(monkeypatch) -> None:
    import os

    for name in list(os.environ):
        if name.upper().startswith("GIGACHAT_"):
            monkeypatch.delenv(name)


@pytest.fixture
def fake():
    with FakeGigaChat() as server:
        yield server


def config(fake: FakeGigaChat, **overrides) -> GigaChatConfig:
    values = {
        "credentials": fake.credentials,
        "scope": "GIGACHAT_API_PERS",
        "model": "GigaChat-2",
        "base_url": fake.base_url,
        "auth_url": fake.auth_url,
        "timeout": 3.0,
        "temperature": 0.25,
        "max_tokens": 2500,
    }
    return GigaChatConfig(**(values | overrides))


# -- the fake speaks what the SDK sends ------------------------------------------------------------


def test_the_sdk_and_the_fake_agree(fake) -> None:
    with gigachat.GigaChat(
        credentials=fake.credentials,
        scope="GIGACHAT_API_PERS",
        model="GigaChat-2",
        base_url=fake.base_url,
        auth_url=fake.auth_url,
        timeout=3,
    ) as client:
        first = client.chat(
            Chat(messages=[Messages(role=MessagesRole.USER, content="Привет")], temperature=0.1)
        )
        client.chat("Ещё раз")
        models = client.get_models()
    assert first.choices[0].message.role == "assistant" and first.object_ == "chat.completion"
    assert first.usage.total_tokens > 0 and first.model.startswith("GigaChat-2")
    assert [m.id_ for m in models.data][:2] == ["GigaChat", "GigaChat-2"]
    auth = fake.calls("/oauth")
    assert len(auth) == 1  # the token is cached by the SDK
    headers = auth[0].headers
    assert headers["Authorization"] == f"Basic {fake.credentials}"
    assert uuid.UUID(headers["RqUID"]).version == 4
    assert headers["User-Agent"] == "GigaChat-python-lib"
    assert auth[0].form == {"scope": ["GIGACHAT_API_PERS"]}
    chats = fake.calls("/chat/completions")
    assert chats[0].headers["Authorization"].startswith("Bearer ") and len(chats) == 2
    assert fake.chats[0] == {
        "model": "GigaChat-2",
        "messages": [{"role": "user", "content": "Привет"}],
        "temperature": 0.1,
    }


def test_the_fake_refuses_what_the_real_service_refuses(fake) -> None:
    def client(**overrides):
        values = {
            "credentials": fake.credentials,
            "scope": "GIGACHAT_API_PERS",
            "model": "GigaChat-2",
            "base_url": fake.base_url,
            "auth_url": fake.auth_url,
            "timeout": 3,
        }
        return gigachat.GigaChat(**(values | overrides))

    with pytest.raises(gigachat.exceptions.AuthenticationError):
        client(credentials="d3Jvbmc6a2V5").chat("x")
    with pytest.raises(gigachat.exceptions.BadRequestError):
        client(scope="GIGACHAT_API_CORP").chat("x")
    with pytest.raises(gigachat.exceptions.NotFoundError):
        client(model="GigaChat-9000").chat("x")
    fake.fail_next(429, retry_after=3)
    with pytest.raises(gigachat.exceptions.RateLimitError) as caught:
        client().chat("x")
    assert caught.value.retry_after == 3.0


def test_an_expired_token_is_fetched_again() -> None:
    with FakeGigaChat(token_ttl=30) as fake:  # less than the SDK's 60 s refresh margin
        with build_client(config(fake)) as client:
            client.chat("раз")
            client.chat("два")
        assert len(fake.calls("/oauth")) == 2


# -- the provider ----------------------------------------------------------------------------------


def test_the_provider_asks_with_the_profile_and_the_vacancy(fake) -> None:
    answer = GigaChatProvider(config(fake)).generate(PROFILE, VACANCY, "ru")
    assert answer.resume.skills[:3] == ["Python", "Django", "Postgres"]
    assert answer.cover_letter.paragraphs
    (request,) = fake.chats
    assert request["model"] == "GigaChat-2"
    assert request["temperature"] == 0.25 and request["max_tokens"] == 2500
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    user = request["messages"][1]["content"]
    for wanted in ("Ромашка Тех", "Python-разработчик", '"Kubernetes"', '"PostgreSQL"', "Сервисы на Django"):
        assert wanted in user
    for private in ("Анна Петрова", "anna@example.com", "+7 900 123-45-67"):
        assert private not in user  # name and contacts never leave the server
    assert "JSON" in request["messages"][0]["content"]


def test_an_answer_in_code_fences_is_read() -> None:
    with FakeGigaChat(fenced=True) as fake:
        answer = GigaChatProvider(config(fake)).generate(PROFILE, VACANCY, "ru")
    assert answer.resume.experience[0].employer == "ООО «Ромашка»"


@pytest.mark.parametrize(
    ("script", "kind", "ru"),
    [
        (lambda f: f.fail_next(401, on="auth"), "auth", "GigaChat не принял ключ авторизации (401)"),
        (lambda f: f.fail_next(401), "auth", "GigaChat не принял ключ авторизации (401)"),
        (lambda f: f.fail_next(403), "forbidden", "отказал в доступе (403)"),
        (lambda f: f.fail_next(429, retry_after=7), "rate_limit", "Попробуйте через 7 с."),
        (lambda f: f.fail_next(429), "rate_limit", "Попробуйте чуть позже."),
        (lambda f: f.fail_next(500), "server", "временно не работает (ошибка 500)"),
        (lambda f: f.fail_next(503, on="auth"), "server", "временно не работает (ошибка 503)"),
        (lambda f: f.sleep_next(5), "timeout", "не ответил за 1 с"),
        (
            lambda f: f.reply_next("Извините, я не могу ответить на этот вопрос."),
            "malformed",
            "не в том формате",
        ),
        (lambda f: f.reply_next('{"resume": "Python-разработчик"}'), "malformed", "не в том формате"),
        (
            lambda f: f.raw_next("<html>502 Bad Gateway</html>", content_type="text/html"),
            "malformed",
            "формате",
        ),
        (lambda f: f.raw_next('{"object": "chat.completion"}'), "malformed", "не в том формате"),
    ],
)
def test_failures_become_clear_sentences_without_the_key(fake, caplog, script, kind, ru) -> None:
    caplog.set_level(logging.DEBUG)
    script(fake)
    with pytest.raises(GenerationError) as caught:
        GigaChatProvider(config(fake, timeout=1.0)).generate(PROFILE, VACANCY, "ru")
    error = caught.value
    assert error.kind == kind
    text = errors.message(error.kind, error.detail, "ru")
    assert ru in text
    assert errors.message(error.kind, error.detail, "en")
    assert fake.credentials not in text and fake.credentials not in str(error.detail)
    assert fake.credentials not in caplog.text
    assert error.__cause__ is None and error.__suppress_context__  # no SDK text travels along


def test_an_unknown_model_and_an_unreachable_server(fake) -> None:
    with pytest.raises(GenerationError) as caught:
        GigaChatProvider(config(fake, model="GigaChat-9000")).generate(PROFILE, VACANCY, "ru")
    assert caught.value.kind == "model"
    assert "нет модели «GigaChat-9000»" in errors.message(caught.value.kind, caught.value.detail, "ru")
    with pytest.raises(GenerationError) as caught:
        GigaChatProvider(
            config(fake, base_url="http://127.0.0.1:9/api/v1", auth_url="http://127.0.0.1:9/x")
        ).generate(PROFILE, VACANCY, "ru")
    assert caught.value.kind == "network"


def test_stray_gigachat_variables_change_nothing(fake, monkeypatch) -> None:
    monkeypatch.setenv("GIGACHAT_BASE_URL", "http://127.0.0.1:9/api/v1")
    monkeypatch.setenv("GIGACHAT_AUTH_URL", "http://127.0.0.1:9/oauth")
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "c29tZW9uZTplbHNl")
    monkeypatch.setenv("GIGACHAT_ACCESS_TOKEN", "stolen-token")
    monkeypatch.setenv("GIGACHAT_USER", "mallory")
    monkeypatch.setenv("GIGACHAT_PASSWORD", "secret")
    monkeypatch.setenv("GIGACHAT_VERIFY_SSL_CERTS", "false")
    monkeypatch.setenv("GIGACHAT_CA_BUNDLE_FILE", "/nonexistent.pem")
    monkeypatch.setenv("GIGACHAT_MODEL", "GigaChat-2-Max")
    monkeypatch.setenv("GIGACHAT_SCOPE", "GIGACHAT_API_CORP")
    monkeypatch.setenv("GIGACHAT_MAX_RETRIES", "7")
    settings = build_client(config(fake))._settings
    assert settings.verify_ssl_certs is True and not settings.ca_bundle_file
    assert not settings.access_token and not settings.user and settings.max_retries == 0
    GigaChatProvider(config(fake)).generate(PROFILE, VACANCY, "ru")
    assert fake.calls("/oauth")[0].headers["Authorization"] == f"Basic {fake.credentials}"
    assert fake.chats[0]["model"] == "GigaChat-2"
    assert all("stolen-token" not in r.headers.get("Authorization", "") for r in fake.requests)


# -- TLS -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fake GigaChat")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "fake.pem", folder / "fake.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_tls_is_verified_and_a_ca_bundle_can_be_given(certificate) -> None:
    cert_path, key_path = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    with FakeGigaChat(tls=context) as fake:
        assert fake.url.startswith("https://")
        with pytest.raises(GenerationError) as caught:
            GigaChatProvider(config(fake)).generate(PROFILE, VACANCY, "ru")
        assert caught.value.kind == "tls"
        assert "JH_GIGACHAT_CA_BUNDLE_FILE" in errors.message("tls", {}, "ru")
        answer = GigaChatProvider(config(fake, ca_bundle_file=str(cert_path))).generate(
            PROFILE, VACANCY, "ru"
        )
        assert answer.resume.skills


# -- a whole generation ----------------------------------------------------------------------------


def _generate(engine, settings, user_id: int, vacancy_id: int) -> dict:
    started = service.start(engine, settings, user_id, vacancy_id)
    assert started.status == "started", started
    started.future.result(timeout=30)
    with engine.connect() as conn:
        return dict(
            conn.execute(select(resume_generations).where(resume_generations.c.id == started.generation_id))
            .one()
            ._mapping
        )


def test_invented_experience_from_gigachat_never_reaches_the_documents(
    engine, settings_factory, fake
) -> None:
    settings = settings_factory(
        gigachat_credentials=fake.credentials,
        gigachat_base_url=fake.base_url,
        gigachat_auth_url=fake.auth_url,
    )
    user_id, _ = add_user(engine, "anna")
    save_profile(engine, user_id)
    add_vacancy(engine, user_id, 501)
    fake.invent_next()
    row = _generate(engine, settings, user_id, 501)
    assert row["status"] == "done" and row["provider"] == "gigachat" and row["model"] == "GigaChat-2"
    output, report = row["output"], row["report"]
    resume = output["resume"]
    assert INVENTED_SKILL not in resume["skills"]
    assert all(job["employer"] != INVENTED_EMPLOYER for job in resume["experience"])
    assert all(INVENTED_SKILL not in b for job in resume["experience"] for b in job["bullets"])
    assert resume["experience"][0]["role"] == "Python-разработчик"
    assert all(INVENTED_SKILL not in p for p in output["cover_letter"]["paragraphs"])
    found = {f["code"] for f in report["findings"]}
    assert {"skill_removed", "bullet_removed", "role_changed", "job_removed", "letter_removed"} <= found
    assert report["missing"] == ["Kubernetes"]
    assert "Ромашка Тех" in fake.chats[0]["messages"][1]["content"]


def test_the_users_own_key_and_options_win_and_stay_encrypted(engine, settings_factory, fake) -> None:
    settings = settings_factory(gigachat_base_url=fake.base_url, gigachat_auth_url=fake.auth_url)
    user_id, _ = add_user(engine, "anna")
    save_profile(engine, user_id)
    add_vacancy(engine, user_id, 502)
    fake.scope = "GIGACHAT_API_B2B"
    with engine.begin() as conn:
        store.save_key(conn, settings, user_id, "Basic " + fake.credentials)
        store.save_options(conn, user_id, store.clean_options("GIGACHAT_API_B2B", "GigaChat-2-Pro", "0,7"))
        stored = conn.execute(select(resume_profiles.c.gigachat_key)).scalar_one()
    assert fake.credentials.encode() not in bytes(stored)
    row = _generate(engine, settings, user_id, 502)
    assert row["status"] == "done" and row["model"] == "GigaChat-2-Pro"
    assert fake.calls("/oauth")[0].form == {"scope": ["GIGACHAT_API_B2B"]}
    assert fake.chats[0]["model"] == "GigaChat-2-Pro" and fake.chats[0]["temperature"] == 0.7


def test_failures_are_recorded_with_their_kind(engine, settings_factory, fake) -> None:
    settings = settings_factory(
        gigachat_credentials=fake.credentials,
        gigachat_base_url=fake.base_url,
        gigachat_auth_url=fake.auth_url,
    )
    user_id, _ = add_user(engine, "anna")
    save_profile(engine, user_id)
    add_vacancy(engine, user_id, 503)
    fake.fail_next(429, retry_after=12)
    row = _generate(engine, settings, user_id, 503)
    assert (row["status"], row["error_kind"], row["error_detail"]) == (
        "failed",
        "rate_limit",
        {"status": 429, "retry_after": 12.0},
    )
    assert row["output"] is None
    assert errors.message(row["error_kind"], row["error_detail"], "en").endswith("Try again in 12 s.")


def test_a_key_that_no_longer_decrypts_says_so(engine, settings_factory, fake) -> None:
    settings = settings_factory(gigachat_base_url=fake.base_url, gigachat_auth_url=fake.auth_url)
    user_id, _ = add_user(engine, "anna")
    save_profile(engine, user_id)
    add_vacancy(engine, user_id, 504)
    with engine.begin() as conn:
        store.save_key(conn, settings, user_id, fake.credentials)
    from cryptography.fernet import Fernet

    other = settings_factory(
        gigachat_base_url=fake.base_url,
        gigachat_auth_url=fake.auth_url,
        secret_key=Fernet.generate_key().decode(),
    )
    row = _generate(engine, other, user_id, 504)
    assert row["error_kind"] == "key_unreadable"
    assert fake.requests == []


# -- settings ----------------------------------------------------------------------------------------


def test_gigachat_settings(settings_factory, tmp_path) -> None:
    from core.settings import SettingsError

    defaults = settings_factory()
    assert defaults.gigachat_key is None and defaults.gigachat_verify_ssl is True
    assert defaults.gigachat_scope == "GIGACHAT_API_PERS" and defaults.gigachat_model == "GigaChat-2"
    assert defaults.gigachat_base_url == "https://api.giga.chat/v1"
    assert settings_factory(gigachat_credentials="  ").gigachat_key is None
    assert settings_factory(gigachat_credentials=" Basic abc= ").gigachat_key == "abc="
    assert "abc=" not in repr(settings_factory(gigachat_credentials="abc="))
    assert settings_factory(gigachat_scope="gigachat_api_b2b").gigachat_scope == "GIGACHAT_API_B2B"
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert settings_factory(gigachat_ca_bundle_file=str(bundle)).gigachat_ca_bundle_file == bundle
    assert settings_factory(gigachat_ca_bundle_file="").gigachat_ca_bundle_file is None
    for field, value, message in (
        ("gigachat_scope", "GIGACHAT_API_FREE", "JH_GIGACHAT_SCOPE: must be one of GIGACHAT_API_PERS"),
        ("gigachat_base_url", "ftp://x", "JH_GIGACHAT_BASE_URL: must be an http(s) URL"),
        (
            "gigachat_ca_bundle_file",
            str(tmp_path / "missing.pem"),
            "JH_GIGACHAT_CA_BUNDLE_FILE: no such file",
        ),
        ("gigachat_temperature", 3, "JH_GIGACHAT_TEMPERATURE"),
        ("gigachat_model", "Giga Chat!", "JH_GIGACHAT_MODEL"),
    ):
        with pytest.raises(SettingsError) as caught:
            settings_factory(**{field: value})
        assert str(caught.value).startswith(message)
