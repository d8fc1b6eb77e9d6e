"""The HTTP server lifecycle shared by the fakes (:mod:`.hh`, :mod:`.telegram`, :mod:`.gigachat`).

Each fake is a :class:`FakeServer` — a stdlib ``ThreadingHTTPServer`` (HTTP/1.1 keep-alive) on
``127.0.0.1:<ephemeral port>`` in a daemon thread, with ``start``/``stop``, a context manager and a
``url`` — whose request handler is a :class:`FakeHandler` subclass bound to the fake instance.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

__all__ = ["FakeHandler", "FakeServer", "QuietServer"]


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet: no tracebacks on stderr
        return


class FakeHandler(BaseHTTPRequestHandler):
    """Keep-alive handler that tracks its connection on ``fake._conns`` and routes to ``_handle``."""

    fake: Any
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without NODELAY, Nagle + delayed ACK add ~40 ms each
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.fake._lock:
            self.fake._conns.add(self.connection)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._conns.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: no request log on stderr
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        raise NotImplementedError


class FakeServer:
    """Lifecycle of a fake served over real HTTP.

    Subclasses call :meth:`_init_server` from their constructor (after creating ``self._lock``) and
    implement :meth:`_handler_class`; they may override :attr:`_server_class`, :attr:`_thread_name`,
    :meth:`_tls_context` and :meth:`_on_stop`.
    """

    _server_class: type[ThreadingHTTPServer] = QuietServer
    _thread_name: str | None = None
    _lock: Any  # a threading.RLock
    requests: list[Any]

    def _init_server(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[socket.socket] = set()

    def _handler_class(self) -> type[FakeHandler]:
        raise NotImplementedError

    def _tls_context(self) -> ssl.SSLContext | None:
        return None

    def _on_stop(self) -> None:
        """Called once the server is marked stopped, before it shuts down (wake waiting requests)."""

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._server.server_address[:2]
        scheme = "https" if self._tls_context() else "http"
        return f"{scheme}://{host}:{port}"

    def start(self) -> Self:
        if self._server is not None:
            return self
        handler = type("_BoundHandler", (self._handler_class(),), {"fake": self})
        self._server = self._server_class(("127.0.0.1", 0), handler)
        tls = self._tls_context()
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=self._thread_name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._on_stop()
        server.shutdown()
        server.server_close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:  # wake idle keep-alive handler threads
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, item: Any) -> None:
        with self._lock:
            self.requests.append(item)
