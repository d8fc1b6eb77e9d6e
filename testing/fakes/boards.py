"""What the fakes of the other boards (:mod:`.trudvsem`, :mod:`.superjob`) share.

A :class:`BoardFake` records every request, can answer the next requests with a fault (a status
with a body, a non-JSON 500, a dropped connection), adds latency, and routes GETs to
``_answer(path, query, headers) -> (status, body, headers)``. The generators make small,
deterministic, real-shaped vacancies for each board.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from random import Random
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .server import FakeHandler, FakeServer


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request as the fake saw it (``status`` 0: the connection was dropped unanswered)."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int


@dataclass(slots=True)
class _Fault:
    remaining: int
    status: int  # 0: drop the connection
    body: Any  # JSON-able, or bytes sent verbatim
    headers: dict[str, str]
    path_prefix: str


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class BoardFake(FakeServer):
    """A fake board over real HTTP on 127.0.0.1; subclasses implement :meth:`_answer`."""

    prefix = ""  # the API's path on the board's host

    def __init__(self, vacancies: Iterable[dict[str, Any]] = (), *, latency: float = 0.0) -> None:
        self.latency = latency
        self.requests: list[Recorded] = []
        self.errors: list[BaseException] = []
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self._vacancies: dict[str, dict[str, Any]] = {}
        self._init_server()
        self.add(vacancies)

    @property
    def base_url(self) -> str:
        """What a client's base URL setting points at."""
        return self.url + self.prefix

    # -- data: vacancies by their id (as a string) --------------------------------------------

    def add(self, vacancies: Iterable[dict[str, Any]]) -> None:
        with self._lock:
            for v in vacancies:
                self._vacancies[str(v["id"])] = v

    def remove(self, vacancy_id: object) -> None:
        with self._lock:
            del self._vacancies[str(vacancy_id)]

    def update(self, vacancy_id: object, **fields: Any) -> None:
        with self._lock:
            self._vacancies[str(vacancy_id)] = {**self._vacancies[str(vacancy_id)], **fields}

    def stored(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._vacancies.values())

    def __len__(self) -> int:
        return len(self._vacancies)

    def __bool__(self) -> bool:  # an empty fake is still a fake
        return True

    def _handler_class(self) -> type[FakeHandler]:
        return _Handler

    def fault(
        self,
        n: int,
        status: int = 503,
        body: Any = b"Internal Server Error",
        *,
        headers: dict[str, str] | None = None,
        path_prefix: str = "",
    ) -> None:
        """Answer the next ``n`` requests under ``path_prefix`` with ``status`` (0: drop the connection)."""
        with self._lock:
            self._faults.append(_Fault(n, status, body, headers or {}, path_prefix))

    def count(self, prefix: str = "", *, status: int | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if r.path.startswith(prefix) and (status is None or r.status == status)
            )

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _answer(
        self, path: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError


class _Handler(FakeHandler):
    fake: BoardFake

    def _handle(self, method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        headers = dict(self.headers.items())
        if fake.latency > 0:
            time.sleep(fake.latency)
        fault = fake._take_fault(parts.path)
        if fault is not None and fault.status == 0:
            fake._record(Recorded(parts.path, query, headers, 0))
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None:
            status, body, extra = fault.status, fault.body, dict(fault.headers)
        else:
            try:
                status, body, extra = fake._answer(parts.path, query, headers)
            except Exception as error:  # a bug in the fake: answer 500, keep it for the test to see
                fake.errors.append(error)
                status, body, extra = 500, b"fake error", {}
        fake._record(Recorded(parts.path, query, headers, status))
        payload = body if isinstance(body, bytes) else dumps(body)
        content_type = "application/json; charset=utf-8" if not isinstance(body, bytes) else "text/html"
        self.send_response(status)
        self.send_header("Content-Type", extra.pop("Content-Type", content_type))
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


# -- synthetic vacancies ---------------------------------------------------------------------

TITLES = (
    "Python-разработчик",
    "Бухгалтер",
    "Водитель категории C",
    "Менеджер по продажам",
    "Инженер-механик",
    "Аналитик данных",
    "Повар",
    "Медицинская сестра",
)
EMPLOYERS = (
    ("ООО «Ромашка»", "7701234567"),
    ("АО «Северсталь»", "3528000597"),
    ("ИП Петров", "500100732259"),
)


def moments(rnd: Random, n: int, start: datetime, end: datetime) -> list[float]:
    """``n`` publication times in [start, end), sorted, some of them bunched (as real ones are)."""
    lo, hi = start.timestamp(), end.timestamp()
    return sorted(lo + (hi - lo) * min(rnd.random(), rnd.random() * 1.5) for _ in range(n))
