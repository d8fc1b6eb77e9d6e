"""A fake GigaChat API served over real HTTP on 127.0.0.1, speaking what the ``gigachat`` SDK 0.2.x
sends and expects (``/work/shared/reference/api-facts.md`` section B, checked against the SDK's
``api/auth.py``, ``api/chat.py`` and ``models/chat.py``):

* ``POST /api/v2/oauth`` — ``Authorization: Basic <authorization key>``, ``RqUID: <uuid4>``,
  form body ``scope=…``; answers ``{"access_token": …, "expires_at": <ms>}``; a wrong key is
  ``401 {"code": 6, "message": "credentials doesn't match db data"}``, a wrong scope ``400``.
* ``POST /api/v1/chat/completions`` — ``Authorization: Bearer <token>`` (401 unknown/expired),
  JSON ``{model, messages: [{role, content}], temperature?, max_tokens?}`` (404 "No such model");
  answers the full ``ChatCompletion`` shape: ``choices[].message{role, content}``, ``index``,
  ``finish_reason``, ``created``, ``model``, ``object``, ``usage``.
* ``GET /api/v1/models``.

By default the chat answer is a valid JSON resume and letter built from the request's own
``<profile>`` and ``<vacancy>`` (what :mod:`domain.resume.prompt` sends). Scripted behaviour
for the next chat calls: :meth:`FakeGigaChat.fail_next` (401, 429 with Retry-After, 500, …),
:meth:`reply_next` (any content: not JSON, wrong shape…), :meth:`raw_next` (a broken 200),
:meth:`sleep_next` (a timeout), :meth:`invent_next` (a valid answer that invents the skill
"Kubernetes", a bullet and an employer). Every request is kept in :attr:`requests`.

Usage::

    with FakeGigaChat() as fake:
        GigaChat(credentials=fake.credentials, base_url=fake.base_url, auth_url=fake.auth_url,
                 model="GigaChat-2", scope="GIGACHAT_API_PERS").chat("Привет")
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import secrets
import ssl
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .server import FakeHandler, FakeServer

AUTH_PATH = "/api/v2/oauth"
API_PREFIX = "/api/v1"
MODELS = ("GigaChat", "GigaChat-2", "GigaChat-2-Pro", "GigaChat-2-Max")
DEFAULT_CREDENTIALS = base64.b64encode(b"0f6a3b1e-client-id:client-secret-for-tests").decode()
INVENTED_SKILL = "Kubernetes"
INVENTED_EMPLOYER = "Яндекс"


@dataclass(frozen=True)
class Recorded:
    """One request as the fake saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: str
    status: int
    ts: float

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body)


@dataclass
class _Step:
    kind: str  # status, reply, raw, sleep, invent
    status: int = 200
    retry_after: float | None = None
    content: str | None = None
    seconds: float = 0.0
    content_type: str = "application/json"
    on: str = "chat"


@dataclass
class _Token:
    value: str
    expires_at_ms: int
    scope: str


@dataclass
class FakeGigaChat(FakeServer):
    _thread_name = "FakeGigaChat"

    credentials: str = DEFAULT_CREDENTIALS
    scope: str = "GIGACHAT_API_PERS"
    token_ttl: float = 1800.0
    fenced: bool = False  # wrap the default answer in ```json … ``` as models often do
    tls: ssl.SSLContext | None = None  # serve HTTPS with this server context
    requests: list[Recorded] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._steps: deque[_Step] = deque()
        self._tokens: dict[str, _Token] = {}
        self._init_server()

    # -- lifecycle (start/stop/url/context manager: FakeServer) -------------------------------------

    def _handler_class(self) -> type[FakeHandler]:
        return _Handler

    def _tls_context(self) -> ssl.SSLContext | None:
        return self.tls

    @property
    def base_url(self) -> str:
        return self.url + API_PREFIX

    @property
    def auth_url(self) -> str:
        return self.url + AUTH_PATH

    # -- scripting ----------------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        retry_after: float | None = None,
        times: int = 1,
        on: str = "chat",
        body: dict[str, Any] | None = None,
    ) -> None:
        """The next ``times`` calls of ``on`` ("chat" or "auth") answer ``status``."""
        payload = json.dumps(body or {"status": status, "message": _REASONS.get(status, "Error")})
        for _ in range(times):
            self._steps.append(
                _Step("status", status=status, retry_after=retry_after, content=payload, on=on)
            )

    def reply_next(self, content: str, *, times: int = 1) -> None:
        """The next chat answers carry ``content`` as the assistant's message (valid envelope)."""
        for _ in range(times):
            self._steps.append(_Step("reply", content=content))

    def raw_next(self, body: str, *, status: int = 200, content_type: str = "application/json") -> None:
        """The next chat answer is exactly ``body`` (e.g. not JSON, or JSON without ``choices``)."""
        self._steps.append(_Step("raw", status=status, content=body, content_type=content_type))

    def sleep_next(self, seconds: float) -> None:
        """The next chat call waits ``seconds`` before answering (longer than the client's timeout)."""
        self._steps.append(_Step("sleep", seconds=seconds))

    def invent_next(self) -> None:
        """The next answer is valid JSON that also invents a skill, a bullet, a job and a claim."""
        self._steps.append(_Step("invent"))

    def _take(self, on: str) -> _Step | None:
        with self._lock:
            if self._steps and self._steps[0].on == on:
                return self._steps.popleft()
        return None

    # -- what tests look at -------------------------------------------------------------------------

    def calls(self, path_end: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith(path_end)]

    @property
    def chats(self) -> list[dict[str, Any]]:
        """The JSON bodies of every chat completion request."""
        return [r.json for r in self.calls("/chat/completions")]

    # -- endpoints ----------------------------------------------------------------------------------

    def _auth(self, headers: Any, body: str) -> tuple[int, bytes, dict[str, str]]:
        step = self._take("auth")
        if step is not None and step.kind == "status":
            return _status(step)
        authorization = headers.get("Authorization", "")
        rquid = headers.get("RqUID", "")
        try:
            uuid.UUID(rquid)
        except ValueError:
            return 400, _dumps({"code": 5, "message": "RqUID must be a UUID"}), {}
        if authorization != f"Basic {self.credentials}":
            return 401, _dumps({"code": 6, "message": "credentials doesn't match db data"}), {}
        if "application/x-www-form-urlencoded" not in headers.get("Content-Type", ""):
            return 400, _dumps({"code": 4, "message": "form body expected"}), {}
        scope = (parse_qs(body).get("scope") or [""])[0]
        if scope != self.scope:
            return 400, _dumps({"code": 7, "message": "scope from db not fully includes consumed scope"}), {}
        token = secrets.token_urlsafe(24)
        expires = int((time.time() + self.token_ttl) * 1000)
        with self._lock:
            self._tokens[token] = _Token(token, expires, scope)
        return 200, _dumps({"access_token": token, "expires_at": expires}), {}

    def _token_ok(self, headers: Any) -> bool:
        value = headers.get("Authorization", "")
        if not value.startswith("Bearer "):
            return False
        with self._lock:
            token = self._tokens.get(value.removeprefix("Bearer "))
        return token is not None and token.expires_at_ms > time.time() * 1000

    def _chat(self, headers: Any, body: str) -> tuple[int, bytes, dict[str, str]]:
        if not self._token_ok(headers):
            return 401, _dumps({"status": 401, "message": "Unauthorized"}), {}
        try:
            request = json.loads(body)
        except ValueError:
            return 400, _dumps({"status": 400, "message": "Invalid JSON"}), {}
        model = request.get("model")
        messages = request.get("messages")
        if not model:
            return 400, _dumps({"status": 400, "message": "model is required"}), {}
        if model not in MODELS:
            return 404, _dumps({"status": 404, "message": "No such model"}), {}
        if not isinstance(messages, list) or not all(
            isinstance(m, dict)
            and m.get("role") in ("system", "user", "assistant")
            and isinstance(m.get("content"), str)
            for m in messages
        ):
            return 422, _dumps({"status": 422, "message": "Invalid messages"}), {}
        step = self._take("chat")
        if step is not None and step.kind == "sleep":
            time.sleep(step.seconds)
            step = self._take("chat")
        if step is not None and step.kind == "status":
            return _status(step)
        if step is not None and step.kind == "raw":
            return step.status, step.content.encode(), {"Content-Type": step.content_type}
        if step is not None and step.kind == "reply":
            content = step.content or ""
        else:
            answer = default_answer(messages)
            if step is not None and step.kind == "invent":
                answer = invent(answer)
            content = json.dumps(answer, ensure_ascii=False, indent=1)
            if self.fenced:
                content = f"Вот результат:\n```json\n{content}\n```"
        prompt_tokens = sum(len(m["content"]) for m in messages) // 4
        completion_tokens = len(content) // 4
        return (
            200,
            _dumps(
                {
                    "choices": [
                        {
                            "message": {"role": "assistant", "content": content},
                            "index": 0,
                            "finish_reason": "stop",
                        }
                    ],
                    "created": int(time.time()),
                    "model": f"{model}:2.0.28.2",
                    "object": "chat.completion",
                    "usage": {
                        "prompt_tokens": prompt_tokens,
                        "completion_tokens": completion_tokens,
                        "total_tokens": prompt_tokens + completion_tokens,
                        "precached_prompt_tokens": 0,
                    },
                }
            ),
            {"x-request-id": str(uuid.uuid4())},
        )

    def _dispatch(self, method: str, path: str, headers: Any, body: str) -> tuple[int, bytes, dict[str, str]]:
        if method == "POST" and path == AUTH_PATH:
            return self._auth(headers, body)
        if method == "POST" and path == API_PREFIX + "/chat/completions":
            return self._chat(headers, body)
        if method == "GET" and path == API_PREFIX + "/models":
            if not self._token_ok(headers):
                return 401, _dumps({"status": 401, "message": "Unauthorized"}), {}
            data = [{"id": m, "object": "model", "owned_by": "salutedevices", "type": "chat"} for m in MODELS]
            return 200, _dumps({"object": "list", "data": data}), {}
        return 404, _dumps({"status": 404, "message": "Not found"}), {}


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "No such model",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def _status(step: _Step) -> tuple[int, bytes, dict[str, str]]:
    extra = {}
    if step.retry_after is not None:
        extra["Retry-After"] = f"{step.retry_after:g}"
    return step.status, (step.content or "{}").encode(), extra


# -- the default answer: a faithful tailoring of the request's own profile -------------------------


def _tagged(text: str, tag: str) -> Any:
    match = re.search(rf"<{tag}>\s*(.*?)\s*</{tag}>", text, re.DOTALL)
    if not match:
        return None
    try:
        return json.loads(match.group(1))
    except ValueError:
        return None


def default_answer(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """What a well-behaved model answers: the profile's own facts, vacancy skills first."""
    user = "\n".join(m["content"] for m in messages if m["role"] == "user")
    profile = _tagged(user, "profile") or {}
    vacancy = _tagged(user, "vacancy") or {}
    wanted = {s.casefold() for s in vacancy.get("key_skills", [])}
    skills = list(profile.get("skills", []))
    skills.sort(key=lambda s: s.casefold() not in wanted)
    experience = [
        {
            "employer": job.get("employer", ""),
            "role": job.get("role", ""),
            "start": job.get("start", ""),
            "end": job.get("end", ""),
            "bullets": list(reversed(job.get("bullets", []))),
        }
        for job in profile.get("experience", [])
    ]
    employer = vacancy.get("employer") or "вашей компании"
    matched = [s for s in skills if s.casefold() in wanted]
    return {
        "resume": {
            "headline": profile.get("headline", ""),
            "summary": profile.get("summary", ""),
            "skills": skills,
            "experience": experience,
            "education": profile.get("education", []),
            "languages": profile.get("languages", []),
        },
        "cover_letter": {
            "greeting": "Здравствуйте!",
            "paragraphs": [
                f"Пишу вам по поводу вакансии «{vacancy.get('name', '')}» в {employer}.",
                ("Мой опыт включает " + ", ".join(matched) + ".") if matched else "Мой опыт описан в резюме.",
                "Буду рад обсудить детали.",
            ],
            "closing": "С уважением,",
        },
    }


def invent(answer: dict[str, Any]) -> dict[str, Any]:
    """The same answer with invented experience: the complaint the truthfulness check exists for."""
    answer = json.loads(json.dumps(answer))
    resume = answer["resume"]
    resume["skills"].insert(0, INVENTED_SKILL)
    if resume["experience"]:
        resume["experience"][0]["bullets"].insert(0, f"Развернул кластер {INVENTED_SKILL} на 50 узлов")
        resume["experience"][0]["role"] = "Ведущий архитектор"
    resume["experience"].append(
        {
            "employer": INVENTED_EMPLOYER,
            "role": "Тимлид",
            "start": "2015-01",
            "end": "2017-12",
            "bullets": ["Руководил командой"],
        }
    )
    answer["cover_letter"]["paragraphs"].insert(1, f"У меня большой опыт с {INVENTED_SKILL}. Я быстро учусь.")
    return answer


# -- HTTP plumbing ---------------------------------------------------------------------------------


class _Handler(FakeHandler):
    fake: FakeGigaChat

    def _handle(self, method: str) -> None:
        fake = self.fake
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length > 0 else ""
        try:
            status, payload, extra = fake._dispatch(method, path, self.headers, body)
        except Exception as error:  # a bug in the fake: 500, kept for the test to see
            fake.errors.append(error)
            status, payload, extra = 500, _dumps({"status": 500, "message": "fake failed"}), {}
        fake._record(Recorded(method, path, dict(self.headers.items()), body, status, time.time()))
        content_type = extra.pop("Content-Type", "application/json")
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
