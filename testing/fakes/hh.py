"""A faithful fake of the hh.ru API (``https://api.hh.ru``) served over real HTTP on 127.0.0.1.

It reproduces the behaviour documented in ``/work/shared/reference/hh-api.md`` and ``api-facts.md``
(section A) that the harvester depends on:

* the mandatory ``User-Agent`` / ``HH-User-Agent`` header (``400 bad_user_agent`` unset / blacklisted);
* application tokens: ``POST /token`` (client_credentials, one refresh per 5 minutes, the previous
  token is revoked), ``Authorization: Bearer`` checks (``403 forbidden`` / ``403 oauth``), ``GET /me``;
* ``GET /vacancies`` with the common filters, the 5-minute rounding of ``date_from``/``date_to``, the
  ``per_page <= 100`` limit, the 2000-item depth cap and the exact search envelope;
* ``GET /vacancies/{id}`` (404 once removed, ``archived`` as set), ``/dictionaries``, ``/areas``,
  ``/professional_roles``;
* injected failures: ``fail_next`` (429 + ``Retry-After``, 503, non-JSON 500, ...), dropped
  connections, captcha for chosen search texts, a token-bucket rate limit and per-request latency.

Every request is recorded (:attr:`FakeHH.requests`, :meth:`FakeHH.count`), and so is the most
requests it was handling at once (:attr:`FakeHH.max_in_flight`).  Usage::

    with FakeHH(generate_vacancies(1000, start=..., end=...)) as hh:
        requests.get(f"{hh.url}/vacancies", params={"per_page": 100},
                     headers={"User-Agent": "JobHunter/1.0 (me@example.com)"})

The server is a stdlib ``ThreadingHTTPServer`` (HTTP/1.1 keep-alive) in a daemon thread, with an
index sorted by publication time so that date-window searches over 100,000 vacancies stay cheap.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import html
import json
import math
import re
import secrets
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from testing.synthetic import (
    CURRENCY_RATES,
    EMPLOYMENT,
    EXPERIENCE,
    SCHEDULE,
    WORK_FORMAT,
    query_words,
    to_search_item,
)
from testing.synthetic_reference import (
    AREAS_TREE,
    DICTIONARIES,
    PROFESSIONAL_ROLES_TREE,
    VACANCY_LABEL,
    VACANCY_SEARCH_EMPLOYMENT_FORM,
    VACANCY_SEARCH_FIELDS,
    VACANCY_SEARCH_ORDER,
)

from .server import FakeHandler, FakeServer, QuietServer

__all__ = ["AREAS_TREE", "DICTIONARIES", "PROFESSIONAL_ROLES_TREE", "FakeHH", "RecordedRequest"]

MAX_DEPTH = 2000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
MAX_PERIOD_DAYS = 30
TOKEN_REFRESH_INTERVAL = 300.0  # seconds between two successful POST /token
MOSCOW = timezone(timedelta(hours=3))
_GC_FREEZE_THRESHOLD = 10_000  # add() calls storing this many vacancies gc.freeze() them


def _tree_parents(nodes: list[dict[str, Any]], parents: dict[str, str | None]) -> dict[str, str | None]:
    for node in nodes:
        parents[node["id"]] = node["parent_id"]
        _tree_parents(node["areas"], parents)
    return parents


_AREA_PARENTS = _tree_parents(AREAS_TREE, {})
_ROLE_IDS = frozenset(r["id"] for c in PROFESSIONAL_ROLES_TREE["categories"] for r in c["roles"])


def _find_area(area_id: str, nodes: list[dict[str, Any]] = AREAS_TREE) -> dict[str, Any] | None:
    for node in nodes:
        if node["id"] == area_id:
            return node
        found = _find_area(area_id, node["areas"])
        if found is not None:
            return found
    return None


@lru_cache(maxsize=4096)
def _area_chain(area_id: str) -> frozenset[str]:
    chain = [area_id]
    parent = _AREA_PARENTS.get(area_id)
    while parent is not None:
        chain.append(parent)
        parent = _AREA_PARENTS.get(parent)
    return frozenset(chain)


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_DICTIONARIES_JSON = _dumps(DICTIONARIES)
_AREAS_JSON = _dumps(AREAS_TREE)
_ROLES_JSON = _dumps(PROFESSIONAL_ROLES_TREE)
_ME_JSON = _dumps(
    {
        "auth_type": "application",
        "is_application": True,
        "is_admin": False,
        "is_applicant": False,
        "is_employer": False,
        "is_anonymous": False,
    }
)

# --------------------------------------------------------------------------------------------
# Records and internal structures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake saw it (``status`` 0 = the connection was dropped unanswered)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int
    ts: float
    kind: str
    body: str = ""


@dataclass(slots=True)
class _Meta:
    """Search facets of one stored vacancy, precomputed when it is added or updated."""

    id: str
    num: int
    ts: float
    areas: frozenset[str]
    experience: str | None
    work_format: frozenset[str]
    employment_form: str | None
    schedule: str | None
    employment: str | None
    roles: frozenset[str]
    employer_id: str | None
    salary_lo: float | None  # roubles; None = open bound
    salary_hi: float | None
    has_salary: bool
    archived: bool
    has_address: bool
    accredited: bool
    accept_handicapped: bool
    accept_kids: bool
    internship: bool
    texts: tuple[str, str, str] | None = None  # lower-case name, employer name, description plain text


@dataclass(slots=True)
class _Failure:
    remaining: int
    status: int
    retry_after: int | None
    path_prefix: str
    body: str | None


class _ApiError(Exception):
    def __init__(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload
        self.headers = headers or {}


def _error_body(
    type_: str,
    value: str | None = None,
    *,
    description: str | None = None,
    error_fields: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """``{"description"?, "errors": [{"type", "value"?, **error_fields}], **extra, "request_id"}``."""
    err: dict[str, Any] = {"type": type_}
    if value is not None:
        err["value"] = value
    err.update(error_fields or {})
    body: dict[str, Any] = {}
    if description is not None:
        body["description"] = description
    body["errors"] = [err]
    body.update(extra)
    body["request_id"] = secrets.token_hex(16)
    return body


def _captcha_error() -> _ApiError:
    state = secrets.token_hex(16)
    return _ApiError(
        403,
        _error_body(
            "captcha_required",
            "captcha_required",
            error_fields={
                "captcha_url": f"https://hh.ru/account/captcha?state={state}",
                "fallback_url": f"https://hh.ru/account/captcha?state={state}&fallback=true",
            },
        ),
    )


def _bad_argument(name: str) -> _ApiError:
    return _ApiError(400, _error_body("bad_argument", name))


def _get_int(query: dict[str, list[str]], name: str, default: int) -> int:
    raw = query.get(name)
    if not raw or raw[0] == "":
        return default
    try:
        return int(raw[0])
    except ValueError:
        raise _bad_argument(name) from None


def _get_bool(query: dict[str, list[str]], name: str) -> bool:
    raw = query.get(name)
    if not raw:
        return False
    value = raw[0].lower()
    if value in {"true", "1"}:
        return True
    if value in {"false", "0", ""}:
        return False
    raise _bad_argument(name)


def _get_multi(
    query: dict[str, list[str]], name: str, allowed: Iterable[str] | None = None
) -> frozenset[str]:
    values = frozenset(v for raw in query.get(name, ()) for v in raw.split(",") if v != "")
    if allowed is not None:
        allowed_set = allowed if isinstance(allowed, (set, frozenset)) else set(allowed)
        if not values <= allowed_set:
            raise _bad_argument(name)
    return values


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def _parse_date(raw: str, name: str) -> float:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ss±hhmm`` (also ``±hh:mm``, ``Z``) rounded down to 5 minutes.

    Dates and times without an offset are Moscow time, as on hh.ru.
    """
    if not _DATE_RE.match(raw):
        raise _bad_argument(name)
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError:
        raise _bad_argument(name) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=MOSCOW)
    ts = dt.timestamp()
    return ts - ts % 300


_TAG_RE = re.compile(r"<[^>]*>")


def _plain_text(description: str) -> str:
    return html.unescape(_TAG_RE.sub(" ", description))


_BLACKLISTED_UA = (
    "python-requests",
    "python-urllib",
    "python-httpx",
    "curl/",
    "go-http-client",
    "aiohttp",
    "wget/",
    "okhttp",
    "java/",
    "apache-httpclient",
    "postmanruntime",
)

# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class _Server(QuietServer):
    request_queue_size = 256


class FakeHH(FakeServer):
    """A fake ``https://api.hh.ru`` on ``http://127.0.0.1:<ephemeral port>``.

    Knobs that may be changed at any time: :attr:`latency`, :attr:`rate_limit`, :attr:`captcha_texts`,
    :attr:`require_token`, :attr:`app_token`, :attr:`clock` (monotonic seconds, used for the 5-minute
    token refresh rule) and :attr:`now` (wall clock epoch seconds, used for ``period``).
    """

    _server_class = _Server
    _thread_name = "FakeHH"

    def __init__(
        self,
        vacancies: Iterable[dict[str, Any]] = (),
        *,
        latency: float = 0.0,
        app_token: str | None = None,
        require_token: bool = False,
        client_id: str = "client",
        client_secret: str = "secret",  # noqa: S107 - the fake's default test credential
    ) -> None:
        self.latency = latency
        self.app_token = app_token
        self.require_token = require_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.captcha_texts: set[str] = set()
        # hh.ru may demand a captcha on any request: ``captcha_after["vacancy"] = 5`` answers five more
        # full vacancies, then refuses every further one with captcha_required (keys: "search",
        # "vacancy", … as :meth:`count` names them).
        self.captcha_after: dict[str, int] = {}
        # While set to an unset Event, ``GET /vacancies/{id}`` waits for it (a harvest caught mid-way).
        self.vacancy_gate: threading.Event | None = None
        self.clock: Callable[[], float] = time.monotonic
        self.now: Callable[[], float] = time.time
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []  # exceptions raised while handling (answered as 500)
        # Requests being handled right now, and the most seen at once since the last reset_log():
        # what a pool of tasks on several machines really had in flight against hh.ru.
        self.in_flight = 0
        self.max_in_flight = 0

        self._lock = threading.RLock()
        self._vacancies: dict[str, dict[str, Any]] = {}
        self._meta: dict[str, _Meta] = {}
        self._index: list[_Meta] = []  # sorted by (ts, num) ascending
        self._index_ts: list[float] = []
        self._dirty = False
        self._generation = 0
        self._search_cache: OrderedDict[tuple[Any, ...], tuple[int, list[str]]] = OrderedDict()
        self._full_json: dict[str, bytes] = {}
        self._item_json: dict[str, bytes] = {}
        self._failures: list[_Failure] = []
        self._drops: list[list[Any]] = []  # [remaining, path_prefix]
        self._revoked: set[str] = set()
        self._token_issued_at: float | None = None
        self._rate: float | None = None
        self._bucket = 0.0
        self._bucket_ts = 0.0

        self._init_server()
        self.add(vacancies)

    # -- lifecycle (start/stop/url/context manager: FakeServer) ----------------------------

    def _handler_class(self) -> type[FakeHandler]:
        return _Handler

    # -- data --------------------------------------------------------------------------------

    def add(self, vacancies: Iterable[dict[str, Any]]) -> None:
        """Store full vacancies (as :func:`testing.synthetic.generate_vacancies` yields them); same id:
        replace."""
        # Bulk loads of 100k nested dicts spend most of their time in the cyclic GC: pause it while
        # loading, and move big loads to the permanent generation so that the first collection after
        # the load (easily 2 s for 100k vacancies) does not land on some unlucky request.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        added = 0
        try:
            with self._lock:
                try:
                    for vacancy in vacancies:
                        stored = dict(vacancy)
                        vid = str(stored["id"])
                        self._vacancies[vid] = stored
                        self._meta[vid] = self._build_meta(stored)
                        self._full_json.pop(vid, None)
                        self._item_json.pop(vid, None)
                        added += 1
                finally:
                    self._touch()
                self._snapshot_index()  # sort now, while the GC is paused
            if added >= _GC_FREEZE_THRESHOLD:
                gc.freeze()
        finally:
            if gc_was_enabled:
                gc.enable()

    def remove(self, vacancy_id: str) -> None:
        """Delete a vacancy: ``GET /vacancies/{id}`` answers 404 and searches no longer find it."""
        with self._lock:
            if vacancy_id not in self._vacancies:
                raise KeyError(vacancy_id)
            del self._vacancies[vacancy_id]
            del self._meta[vacancy_id]
            self._full_json.pop(vacancy_id, None)
            self._item_json.pop(vacancy_id, None)
            self._touch()

    def update(self, vacancy_id: str, **fields: Any) -> None:
        """Replace top-level fields of a stored vacancy (``archived=True`` hides it from search)."""
        with self._lock:
            if vacancy_id not in self._vacancies:
                raise KeyError(vacancy_id)
            stored = {**self._vacancies[vacancy_id], **fields, "id": vacancy_id}
            self._vacancies[vacancy_id] = stored
            self._meta[vacancy_id] = self._build_meta(stored)
            self._full_json.pop(vacancy_id, None)
            self._item_json.pop(vacancy_id, None)
            self._touch()

    def get(self, vacancy_id: str) -> dict[str, Any]:
        """A shallow copy of the stored vacancy (KeyError when absent)."""
        with self._lock:
            return dict(self._vacancies[vacancy_id])

    def __len__(self) -> int:
        return len(self._vacancies)

    def __bool__(self) -> bool:  # an empty fake is still a fake
        return True

    def __contains__(self, vacancy_id: object) -> bool:
        return vacancy_id in self._vacancies

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(
        self,
        n: int,
        status: int = 503,
        *,
        retry_after: int | None = None,
        path_prefix: str = "/vacancies",
        body: str | None = None,
    ) -> None:
        """Answer the next ``n`` requests whose path starts with ``path_prefix`` with ``status``.

        The body is hh.ru's error JSON for that status (429 ``too_many_requests``, 503
        ``service_unavailable``, ...), except a 500 without ``body`` which is the plain text
        ``Internal Server Error``; ``body`` is sent verbatim.  ``retry_after`` adds ``Retry-After``.
        """
        if n > 0:
            with self._lock:
                self._failures.append(_Failure(n, status, retry_after, path_prefix, body))

    def drop_connections(self, n: int, *, path_prefix: str = "") -> None:
        """Close the socket without answering the next ``n`` requests (the client sees a connection error)."""
        if n > 0:
            with self._lock:
                self._drops.append([n, path_prefix])

    @property
    def rate_limit(self) -> float | None:
        """Requests per second allowed (token bucket, burst = rate); above it → 429 with Retry-After: 1."""
        return self._rate

    @rate_limit.setter
    def rate_limit(self, value: float | None) -> None:
        with self._lock:
            self._rate = value
            self._bucket = max(1.0, value) if value else 0.0
            self._bucket_ts = time.monotonic()

    # -- request log -------------------------------------------------------------------------

    def count(self, kind: str = "all", *, status: int | None = None) -> int:
        """Number of recorded requests of a kind: search, vacancy, dictionaries, areas,
        professional_roles, me, token, other or all; optionally only those answered with ``status``."""
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (kind == "all" or r.kind == kind) and (status is None or r.status == status)
            )

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = self.in_flight

    @contextlib.contextmanager
    def _handling(self):
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    # -- internals: index --------------------------------------------------------------------

    def _touch(self) -> None:
        self._dirty = True
        self._generation += 1
        self._search_cache.clear()

    @staticmethod
    def _build_meta(v: dict[str, Any]) -> _Meta:
        vid = str(v["id"])
        ts = datetime.fromisoformat(v["published_at"]).timestamp()
        area = v.get("area") or {}
        sal = v.get("salary_range") or v.get("salary")
        lo = hi = None
        has_salary = False
        if sal and (sal.get("from") is not None or sal.get("to") is not None):
            rate = CURRENCY_RATES.get(sal.get("currency") or "RUR", 1.0)
            lo = sal["from"] / rate if sal.get("from") is not None else None
            hi = sal["to"] / rate if sal.get("to") is not None else None
            has_salary = True
        employer = v.get("employer") or {}

        def _id(obj: Any) -> str | None:
            return obj.get("id") if isinstance(obj, dict) else None

        return _Meta(
            id=vid,
            num=int(vid) if vid.isdigit() else 0,
            ts=ts,
            areas=_area_chain(str(area.get("id"))) if area.get("id") is not None else frozenset(),
            experience=_id(v.get("experience")),
            work_format=frozenset(x["id"] for x in v.get("work_format") or ()),
            employment_form=_id(v.get("employment_form")),
            schedule=_id(v.get("schedule")),
            employment=_id(v.get("employment")),
            roles=frozenset(r["id"] for r in v.get("professional_roles") or ()),
            employer_id=employer.get("id"),
            salary_lo=lo,
            salary_hi=hi,
            has_salary=has_salary,
            archived=bool(v.get("archived")),
            has_address=v.get("address") is not None,
            accredited=bool(employer.get("accredited_it_employer")),
            accept_handicapped=bool(v.get("accept_handicapped")),
            accept_kids=bool(v.get("accept_kids")),
            internship=bool(v.get("internship")),
        )

    def _snapshot_index(self) -> tuple[list[_Meta], list[float], int]:
        with self._lock:
            if self._dirty:
                self._index = sorted(self._meta.values(), key=lambda m: (m.ts, m.num))
                self._index_ts = [m.ts for m in self._index]
                self._dirty = False
            return self._index, self._index_ts, self._generation

    def _texts(self, m: _Meta) -> tuple[str, str, str]:
        texts = m.texts
        if texts is None:
            v = self._vacancies.get(m.id) or {}
            texts = (
                str(v.get("name") or "").lower(),
                str((v.get("employer") or {}).get("name") or "").lower(),
                _plain_text(str(v.get("description") or "")).lower(),
            )
            m.texts = texts
        return texts

    # -- internals: request handling ---------------------------------------------------------

    def _take_drop(self, path: str) -> bool:
        with self._lock:
            for drop in self._drops:
                if drop[0] > 0 and path.startswith(drop[1]):
                    drop[0] -= 1
                    if drop[0] == 0:
                        self._drops.remove(drop)
                    return True
        return False

    def _take_failure(self, path: str) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.remaining > 0 and path.startswith(failure.path_prefix):
                    failure.remaining -= 1
                    if failure.remaining == 0:
                        self._failures.remove(failure)
                    return failure
        return None

    def _rate_ok(self) -> bool:
        with self._lock:
            rate = self._rate
            if not rate:
                return True
            now = time.monotonic()
            self._bucket = min(max(1.0, rate), self._bucket + (now - self._bucket_ts) * rate)
            self._bucket_ts = now
            if self._bucket >= 1.0:
                self._bucket -= 1.0
                return True
            return False

    def _dispatch(
        self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: str
    ) -> tuple[int, bytes, dict[str, str]]:
        """Answer one request: (status, JSON body, extra headers).  Raises _ApiError for errors."""
        failure = self._take_failure(path)
        if failure is not None:
            return self._failure_response(failure)
        if not self._rate_ok():
            raise _ApiError(429, _error_body("too_many_requests"), {"Retry-After": "1"})
        self._check_user_agent(headers)
        with self._lock:
            left = self.captcha_after.get(_kind(path))
            if left is not None:
                if left <= 0:
                    raise _captcha_error()
                self.captcha_after[_kind(path)] = left - 1

        if path == "/token":
            if method != "POST":
                raise _ApiError(405, _error_body("method_not_allowed"))
            return self._token(body)
        if method != "GET":
            if path in _KINDS or path.startswith(("/vacancies/", "/areas/")):
                raise _ApiError(405, _error_body("method_not_allowed"))
            raise _ApiError(404, _error_body("not_found"))
        if path == "/dictionaries":
            return 200, _DICTIONARIES_JSON, {}
        if path == "/areas":
            return 200, _AREAS_JSON, {}
        if path.startswith("/areas/"):
            node = _find_area(path.removeprefix("/areas/"))
            if node is None:
                raise _ApiError(404, _error_body("not_found"))
            return 200, _dumps(node), {}
        if path == "/professional_roles":
            return 200, _ROLES_JSON, {}
        if path == "/me":
            self._check_auth(headers, required=True)
            return 200, _ME_JSON, {}
        if path == "/vacancies":
            self._check_auth(headers, required=self.require_token)
            return 200, self._search(query), {}
        if path.startswith("/vacancies/"):
            self._check_auth(headers, required=self.require_token)
            gate = self.vacancy_gate
            if gate is not None:
                gate.wait(timeout=120)
            return 200, self._vacancy(path.removeprefix("/vacancies/")), {}
        raise _ApiError(404, _error_body("not_found"))

    @staticmethod
    def _failure_response(failure: _Failure) -> tuple[int, bytes, dict[str, str]]:
        extra: dict[str, str] = {}
        if failure.retry_after is not None:
            extra["Retry-After"] = str(failure.retry_after)
        if failure.body is not None:
            try:
                json.loads(failure.body)
            except ValueError:
                extra["Content-Type"] = "text/plain; charset=utf-8"
            return failure.status, failure.body.encode("utf-8"), extra
        if failure.status == 500:
            extra["Content-Type"] = "text/plain; charset=utf-8"
            return 500, b"Internal Server Error", extra
        type_ = {
            400: "bad_argument",
            403: "forbidden",
            404: "not_found",
            429: "too_many_requests",
            500: "internal_error",
            502: "bad_gateway",
            503: "service_unavailable",
            504: "gateway_timeout",
        }.get(failure.status, "service_unavailable")
        return failure.status, _dumps(_error_body(type_)), extra

    @staticmethod
    def _check_user_agent(headers: Any) -> None:
        ua = headers.get("HH-User-Agent") or headers.get("User-Agent")
        if not ua or not ua.strip():
            raise _ApiError(400, _error_body("bad_user_agent", "unset", description="Bad User-Agent header"))
        lowered = ua.strip().lower()
        if "/" not in lowered or lowered.startswith(_BLACKLISTED_UA):
            raise _ApiError(
                400, _error_body("bad_user_agent", "blacklisted", description="Bad User-Agent header")
            )

    def _check_auth(self, headers: Any, *, required: bool) -> None:
        auth = headers.get("Authorization")
        if not auth:
            if required:
                raise _ApiError(403, _error_body("forbidden"))
            return
        scheme, _, token = auth.strip().partition(" ")
        token = token.strip()
        with self._lock:
            current, revoked = self.app_token, token in self._revoked
        if scheme.lower() == "bearer" and token and token == current:
            return
        value = "token_revoked" if scheme.lower() == "bearer" and revoked else "bad_authorization"
        raise _ApiError(403, _error_body("oauth", value))

    def _token(self, body: str) -> tuple[int, bytes, dict[str, str]]:
        form = parse_qs(body, keep_blank_values=True)

        def one(name: str) -> str:
            return (form.get(name) or [""])[0]

        def oauth_error(status: int, error: str, description: str) -> _ApiError:
            return _ApiError(status, {"error": error, "error_description": description})

        grant_type = one("grant_type")
        if not grant_type:
            raise oauth_error(400, "invalid_request", "grant_type is required")
        if grant_type != "client_credentials":
            raise oauth_error(400, "unsupported_grant_type", "unsupported grant_type")
        if one("client_id") != self.client_id or one("client_secret") != self.client_secret:
            raise oauth_error(400, "invalid_client", "client_id or client_secret not found")
        with self._lock:
            now = self.clock()
            if self._token_issued_at is not None and now - self._token_issued_at < TOKEN_REFRESH_INTERVAL:
                raise oauth_error(403, "forbidden", "app token refresh too early")
            if self.app_token is not None:
                self._revoked.add(self.app_token)
            self.app_token = "APPL" + secrets.token_hex(30).upper()
            self._token_issued_at = now
            token = self.app_token
        return 200, _dumps({"access_token": token, "token_type": "bearer"}), {}

    def _vacancy(self, vacancy_id: str) -> bytes:
        cached = self._full_json.get(vacancy_id)
        if cached is not None:
            return cached
        with self._lock:
            vacancy = self._vacancies.get(vacancy_id)
            if vacancy is None:
                raise _ApiError(404, _error_body("not_found"))
            data = _dumps(vacancy)
            self._full_json[vacancy_id] = data
        return data

    def _search(self, query: dict[str, list[str]]) -> bytes:
        per_page = _get_int(query, "per_page", DEFAULT_PER_PAGE)
        if per_page < 1 or per_page > MAX_PER_PAGE:
            raise _bad_argument("per_page")
        page = _get_int(query, "page", 0)
        if page < 0:
            raise _bad_argument("page")
        if (page + 1) * per_page > MAX_DEPTH:
            raise _ApiError(
                400,
                _error_body(
                    "bad_argument",
                    "page",
                    description="you can't look up more than 2000 items in the list",
                    bad_argument="page, per_page",
                ),
            )

        text = (query.get("text") or [""])[0]
        lowered_text = text.lower()
        for captcha in self.captcha_texts:
            if captcha.lower() in lowered_text:
                raise _captcha_error()

        ids = self._matching_ids(query, text)
        found = len(ids)
        pages = min(math.ceil(found / per_page), MAX_DEPTH // per_page)
        page_ids = ids[page * per_page : (page + 1) * per_page]

        chunks: list[bytes] = []
        for vid in page_ids:
            if text:
                vacancy = self._vacancies.get(vid)
                if vacancy is not None:
                    chunks.append(_dumps(to_search_item(vacancy, text=text)))
                continue
            data = self._item_json.get(vid)
            if data is None:
                vacancy = self._vacancies.get(vid)
                if vacancy is None:  # removed meanwhile
                    continue
                data = _dumps(to_search_item(vacancy))
                with self._lock:
                    if self._vacancies.get(vid) is vacancy:  # not replaced meanwhile
                        self._item_json[vid] = data
            chunks.append(data)

        web_query = [(k, v) for k, vs in query.items() if k not in {"page", "per_page"} for v in vs]
        rest = _dumps(
            {
                "found": found,
                "pages": pages,
                "page": page,
                "per_page": per_page,
                "clusters": None,
                "arguments": None,
                "fixes": None,
                "suggests": None,
                "alternate_url": "https://hh.ru/search/vacancy?"
                + urlencode([("enable_snippets", "true"), *web_query]),
            }
        )
        return b'{"items":[' + b",".join(chunks) + b"]," + rest[1:]

    def _matching_ids(self, query: dict[str, list[str]], text: str) -> list[str]:
        """Ids of the non-archived vacancies matching the filters, in answer order."""
        # window
        has_from, has_to, has_period = "date_from" in query, "date_to" in query, "period" in query
        if has_period and (has_from or has_to):
            raise _bad_argument("period")
        if has_to and not has_from:
            raise _bad_argument("date_to")
        lo: float | None = None
        hi: float | None = None
        if has_from:
            lo = _parse_date(query["date_from"][0], "date_from")
        if has_to:
            hi = _parse_date(query["date_to"][0], "date_to")
        if has_period:
            period = _get_int(query, "period", 0)
            if period < 1 or period > MAX_PERIOD_DAYS:
                raise _bad_argument("period")
            lo = self.now() - period * 86_400

        # filters
        areas = _get_multi(query, "area")
        if any(a not in _AREA_PARENTS for a in areas):
            raise _bad_argument("area")
        experience = _get_multi(query, "experience", EXPERIENCE)
        work_format = _get_multi(query, "work_format", WORK_FORMAT)
        employment_form = _get_multi(query, "employment_form", VACANCY_SEARCH_EMPLOYMENT_FORM)
        schedule = _get_multi(query, "schedule", SCHEDULE)
        employment = _get_multi(query, "employment", EMPLOYMENT)
        roles = _get_multi(query, "professional_role")
        if not roles <= _ROLE_IDS:
            raise _bad_argument("professional_role")
        employer_ids = _get_multi(query, "employer_id")
        labels = _get_multi(query, "label", VACANCY_LABEL)
        fields = _get_multi(query, "search_field", VACANCY_SEARCH_FIELDS)
        order_by = (query.get("order_by") or ["relevance"])[0] or "relevance"
        if order_by not in VACANCY_SEARCH_ORDER:
            raise _bad_argument("order_by")
        if order_by == "distance" and not ("sort_point_lat" in query and "sort_point_lng" in query):
            raise _bad_argument("sort_point_lat")
        salary: float | None = None
        if query.get("salary") and query["salary"][0] != "":
            currency = (query.get("currency") or ["RUR"])[0] or "RUR"
            if currency not in CURRENCY_RATES:
                raise _bad_argument("currency")
            salary = _get_int(query, "salary", 0) / CURRENCY_RATES[currency]
        only_with_salary = _get_bool(query, "only_with_salary") or "with_salary" in labels
        words = query_words(text)
        field_idx = tuple(
            i for i, f in enumerate(("name", "company_name", "description")) if not fields or f in fields
        )

        key = (
            lo,
            hi,
            areas,
            experience,
            work_format,
            employment_form,
            schedule,
            employment,
            roles,
            employer_ids,
            labels,
            fields,
            order_by,
            salary,
            only_with_salary,
            tuple(words),
        )
        index, index_ts, generation = self._snapshot_index()
        with self._lock:
            cached = self._search_cache.get(key)
            if cached is not None and cached[0] == generation:
                self._search_cache.move_to_end(key)
                return cached[1]

        start = 0 if lo is None else bisect.bisect_left(index_ts, lo)
        end = len(index) if hi is None else bisect.bisect_left(index_ts, hi)
        filtered = bool(
            areas
            or experience
            or work_format
            or employment_form
            or schedule
            or employment
            or roles
            or employer_ids
            or labels
            or words
            or only_with_salary
            or salary is not None
        )
        if not filtered:
            result = [m.id for m in reversed(index[start:end]) if not m.archived]
        else:
            result = []
            append = result.append
            texts = self._texts
            for i in range(end - 1, start - 1, -1):
                m = index[i]
                if m.archived:
                    continue
                if areas and areas.isdisjoint(m.areas):
                    continue
                if experience and m.experience not in experience:
                    continue
                if work_format and work_format.isdisjoint(m.work_format):
                    continue
                if employment_form and m.employment_form not in employment_form:
                    continue
                if schedule and m.schedule not in schedule:
                    continue
                if employment and m.employment not in employment:
                    continue
                if roles and roles.isdisjoint(m.roles):
                    continue
                if employer_ids and m.employer_id not in employer_ids:
                    continue
                if only_with_salary and not m.has_salary:
                    continue
                if (
                    salary is not None
                    and m.has_salary
                    and (
                        (m.salary_lo is not None and m.salary_lo > salary)
                        or (m.salary_hi is not None and salary > m.salary_hi)
                    )
                ):
                    continue
                if labels and not _labels_ok(m, labels):
                    continue
                if words:
                    blobs = texts(m)
                    if not all(any(w in blobs[f] for f in field_idx) for w in words):
                        continue
                append(m.id)

        if order_by in {"salary_desc", "salary_asc"}:
            metas = self._meta
            with_salary = [vid for vid in result if vid in metas and metas[vid].has_salary]
            without = [vid for vid in result if vid not in metas or not metas[vid].has_salary]

            def amount(vid: str) -> float:
                m = metas[vid]
                return m.salary_lo if m.salary_lo is not None else (m.salary_hi or 0.0)

            with_salary.sort(key=amount, reverse=order_by == "salary_desc")
            result = with_salary + without

        with self._lock:
            self._search_cache[key] = (generation, result)
            while len(self._search_cache) > 32:
                self._search_cache.popitem(last=False)
        return result


def _labels_ok(m: _Meta, labels: frozenset[str]) -> bool:
    checks = {
        "with_address": m.has_address,
        "accredited_it": m.accredited,
        "accept_handicapped": m.accept_handicapped,
        "accept_kids": m.accept_kids,
        "internship": m.internship,
        "with_salary": m.has_salary,
    }
    return all(checks.get(label, True) for label in labels)


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


_KINDS = {
    "/vacancies": "search",
    "/dictionaries": "dictionaries",
    "/areas": "areas",
    "/professional_roles": "professional_roles",
    "/me": "me",
    "/token": "token",
}


def _kind(path: str) -> str:
    kind = _KINDS.get(path)
    if kind is not None:
        return kind
    if path.startswith("/vacancies/"):
        return "vacancy"
    if path.startswith("/areas/"):
        return "areas"
    return "other"


class _Handler(FakeHandler):
    fake: FakeHH

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length > 0 else ""
        headers = dict(self.headers.items())

        def record(status: int) -> None:
            fake._record(
                RecordedRequest(method, path, query, headers, status, time.time(), _kind(path), body)
            )

        with fake._handling():
            self._answer(fake, method, path, query, body, record)

    def _answer(
        self, fake: FakeHH, method: str, path: str, query: dict[str, list[str]], body: str, record: Any
    ) -> None:
        if fake.latency > 0:
            time.sleep(fake.latency)
        if fake._take_drop(path):
            record(0)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return

        extra: dict[str, str]
        try:
            status, payload, extra = fake._dispatch(method, path, query, self.headers, body)
        except _ApiError as exc:
            status, payload, extra = exc.status, _dumps(exc.payload), exc.headers
        except Exception as exc:  # a bug in the fake: answer 500 and keep it for the test to see
            fake.errors.append(exc)
            status, payload, extra = 500, _dumps(_error_body("internal_error")), {}
        record(status)

        content_type = extra.pop("Content-Type", "application/json; charset=utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
