"""GigaChat through its SDK (``gigachat`` 0.2.x), on the root chat contract (``POST
{base_url}/chat/completions``): system + user messages, temperature and max_tokens; the answer's
``choices[0].message.content`` is parsed as JSON (:func:`domain.resume.prompt.parse_answer`).

Everything the client needs is passed explicitly, and the settings the SDK would otherwise read
from stray ``GIGACHAT_*`` environment variables (an access token, a user and password, client
certificates, retries) are pinned off, so the server's or the user's configuration is what is
used. TLS is verified unless an administrator turned it off; a CA bundle can be given. The key
is never logged, and an error never carries it (SDK exceptions are mapped to
:class:`~domain.resume.errors.GenerationError` without their text).
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass, field

import httpx
from gigachat import GigaChat
from gigachat import exceptions as gx
from gigachat.models import Chat, Messages, MessagesRole

from domain.resume import prompt
from domain.resume.errors import GenerationError
from domain.resume.model import Generated, Profile, Vacancy

NAME = "gigachat"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GigaChatConfig:
    credentials: str = field(repr=False)
    scope: str
    model: str
    base_url: str
    auth_url: str
    verify_ssl: bool = True
    ca_bundle_file: str | None = None
    timeout: float = 60.0
    temperature: float = 0.3
    max_tokens: int = 3000
    source: str = "server"  # whose key: "server" or "user"


def build_client(config: GigaChatConfig) -> GigaChat:
    """The SDK client for ``config`` and nothing else (see the module docstring)."""
    if not config.verify_ssl:
        _log.warning("GigaChat TLS verification is off (JH_GIGACHAT_VERIFY_SSL=false)")
    # a CA bundle goes in as an SSL context (httpx deprecates verify=<path>); the system CAs stay too
    context = None
    if config.verify_ssl and config.ca_bundle_file:
        context = ssl.create_default_context()
        context.load_verify_locations(cafile=config.ca_bundle_file)
    return GigaChat(
        credentials=config.credentials,
        scope=config.scope,
        model=config.model,
        base_url=config.base_url,
        auth_url=config.auth_url,
        verify_ssl_certs=config.verify_ssl,
        ssl_context=context,
        ca_bundle_file="",
        timeout=config.timeout,
        # pinned so that GIGACHAT_* environment variables cannot slip in other credentials
        access_token="",
        user="",
        password="",
        cert_file="",
        key_file="",
        key_file_password="",
        max_retries=0,
    )


def _tls_failure(error: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in repr(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _mapped(error: BaseException, config: GigaChatConfig) -> GenerationError:
    if isinstance(error, gx.AuthenticationError):
        return GenerationError("auth", status=401)
    if isinstance(error, gx.ForbiddenError):
        return GenerationError("forbidden", status=403)
    if isinstance(error, gx.RateLimitError):
        return GenerationError("rate_limit", status=429, retry_after=error.retry_after)
    if isinstance(error, gx.NotFoundError):
        return GenerationError("model", status=404, model=config.model)
    if isinstance(error, gx.ServerError):
        return GenerationError("server", status=error.status_code)
    if isinstance(error, gx.ResponseError):
        return GenerationError("rejected", status=error.status_code)
    if isinstance(error, gx.LengthFinishReasonError):
        return GenerationError("truncated")
    if isinstance(error, httpx.TimeoutException):
        return GenerationError("timeout", seconds=int(config.timeout))
    if isinstance(error, httpx.HTTPError | OSError):
        return GenerationError("tls" if _tls_failure(error) else "network")
    if isinstance(error, prompt.MalformedAnswer):
        return GenerationError("malformed", reason=error.reason)
    if isinstance(error, ValueError):  # a 200 whose body is not JSON or not a ChatCompletion
        return GenerationError("malformed", reason=f"response: {type(error).__name__}")
    return GenerationError("unexpected", error=type(error).__name__)


class GigaChatProvider:
    name = NAME

    def __init__(self, config: GigaChatConfig) -> None:
        self.config = config
        self.model: str | None = config.model

    def generate(self, profile: Profile, vacancy: Vacancy, lang: str) -> Generated:
        config = self.config
        messages = [
            Messages(role=MessagesRole(m["role"]), content=m["content"])
            for m in prompt.build_messages(profile, vacancy, lang)
        ]
        chat = Chat(
            model=config.model,
            messages=messages,
            temperature=config.temperature,
            max_tokens=config.max_tokens,
        )
        try:
            with build_client(config) as client:
                completion = client.chat(chat)
            if not completion.choices:
                raise prompt.MalformedAnswer("no_choices")
            choice = completion.choices[0]
            if choice.finish_reason == "length":
                raise GenerationError("truncated")
            return prompt.parse_answer(choice.message.content)
        except GenerationError:
            raise
        except Exception as error:  # mapped to a sentence; the SDK's text may quote headers
            mapped = _mapped(error, config)
            _log.warning(
                "GigaChat generation failed: %s %s (vacancy %s, %s key)",
                mapped.kind,
                {k: v for k, v in mapped.detail.items() if k != "error"},
                vacancy.id,
                config.source,
            )
            raise mapped from None
