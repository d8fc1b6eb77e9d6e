"""The gate in front of every route and callback: hostile input, login, CSRF, roles, unknown paths.

Order of the checks in :func:`install` (each answers with a 4xx and a plain message):

1. the request itself: control characters in the query string (a CRLF in ``?next=``), a NUL in
   a form field -> 400; a callback over ``MAX_CONTENT_LENGTH`` (the largest DOCX upload) or a
   form over :data:`MAX_FORM_BYTES` -> 413 (werkzeug, before the body is parsed);
2. a path that is neither a page of the app nor one of Flask's or Dash's routes -> 404 (Dash's
   catch-all would otherwise serve the app shell for ``/loginx``);
3. no login: a page redirects to the login page, a callback gets 401;
4. CSRF (Flask-WTF) on every POST;
5. a callback body: JSON (parsed by :class:`StrictJSON`: depth-limited, no lone surrogates, no
   infinite numbers), an object, naming an ``output`` the server registered, with ``outputs``
   that match that callback, and no NUL anywhere -> else 400;
6. roles: an administrators-only page or callback gets 403 for everybody else. The role belongs
   to the callback, declared when it is registered (:func:`role`), and is looked up by the
   ``output`` key Dash itself dispatches on, never by the ids the client lists.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import dash
import flask
import orjson
from dash.exceptions import CallbackException, InvalidCallbackReturnValue
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user
from werkzeug.exceptions import BadRequest, HTTPException

from webapp import auth
from webapp.grid_query import GridInputError

#: Paths anyone may fetch: the login form and static files (no data behind either).
PUBLIC_PATHS = frozenset({"/login", "/_favicon.ico", "/favicon.ico"})
PUBLIC_PREFIXES = ("/assets/",)
ADMIN_PAGE_PREFIX = "/admin"
CALLBACK_PATH = "/_dash-update-component"
#: Dash's catch-all route: only the app's own pages may be served through it.
CATCH_ALL_RULE = "/<path:path>"
ROLES = ("user", "admin")
#: The largest form (login, logout, export): a grid view with every filter set fits many times.
MAX_FORM_BYTES = 64 * 1024

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_log = logging.getLogger(__name__)


class StrictJSON(DefaultJSONProvider):
    """Request JSON parsed by orjson: nesting over 1024 levels, lone surrogates, ``1e400`` and
    ``NaN`` are errors (a 400 through Flask's ``on_json_loading_failed``), not a RecursionError
    or values that break the code behind."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)


def _callback_roles(app: dash.Dash) -> dict[str, str]:
    return app.server.extensions.setdefault("jobhunter_callback_roles", {})


@contextmanager
def role(app: dash.Dash, name: str) -> Iterator[None]:
    """Every callback registered inside the block may be run only by users with role ``name``."""
    if name not in ROLES:
        raise ValueError(f"unknown role {name!r}")
    before = set(app.callback_map)
    yield
    for key in set(app.callback_map) - before:
        _callback_roles(app)[key] = name


def check_roles(app: dash.Dash) -> None:
    """Refuse to start when a callback writing to an ``admin-`` component has no admin role."""
    roles = _callback_roles(app)
    undeclared = [k for k in app.callback_map if "admin-" in k and roles.get(k) != "admin"]
    if undeclared:
        raise RuntimeError(f"callbacks of admin components must be declared admin-only: {undeclared}")


def _has_nul(value: Any) -> bool:
    """Whether any string (key or value) in parsed JSON holds a NUL; iterative, since orjson
    allows nesting deeper than Python's recursion limit."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _output_names(key: str) -> list[str]:
    """The ``id.property`` names a callback-map key lists ("..a.x...b.y.." or "a.x@hash")."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [part.split("@")[0] for part in parts]


def _sent_output_names(outputs: Any) -> list[str] | None:
    items = outputs if isinstance(outputs, list) else [outputs]
    names = []
    for item in items:
        if isinstance(item, list):  # a pattern-matching output: its matches
            names.append(None)
            continue
        if not isinstance(item, dict) or not isinstance(item.get("property"), str):
            return None
        component = item.get("id")
        if isinstance(component, dict):
            names.append(None)
            continue
        if not isinstance(component, str):
            return None
        names.append(f"{component}.{item['property'].split('@')[0]}")
    return names


def _outputs_match(key: str, outputs: Any) -> bool:
    if outputs is None:
        return True  # Dash reads them from the key then
    sent = _sent_output_names(outputs)
    expected = _output_names(key)
    if sent is None or len(sent) != len(expected):
        return False
    return all(s is None or e.startswith("{") or s == e for s, e in zip(sent, expected, strict=True))


def _bad(message: str, status: int = 400) -> flask.Response:
    response = flask.jsonify(error=message)
    response.status_code = status
    return response


def _check_callback(app: dash.Dash) -> flask.Response | None:
    try:
        body = flask.request.get_json(force=True)
    except BadRequest:
        return _bad("the callback body is not valid JSON (or nests too deep)")
    if not isinstance(body, dict):
        return _bad("the callback body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str):
        return _bad("the callback body names no output")
    if output not in app.callback_map:
        return _bad("the callback body names an unknown output")
    for key in ("inputs", "state"):
        if not isinstance(body.get(key, []), list):
            return _bad(f"the callback body's {key} must be a list")
    if _callback_roles(app).get(output) == "admin" and not current_user.is_admin:
        return _bad("administrators only", 403)
    if not _outputs_match(output, body.get("outputs")):
        _log.warning("callback %s: the request's outputs do not match it", output)
        return _bad("the callback body's outputs do not match its output")
    if _has_nul(body):
        return _bad("the request holds a NUL character")
    return None


def _hostile_request() -> str | None:
    """Why the request line or form must be refused before anything reads it, or None."""
    if _CONTROL.search(flask.request.query_string.decode("latin-1")) or any(
        _CONTROL.search(value) for value in flask.request.args.values()
    ):
        return "the address holds control characters"
    if (
        flask.request.method == "POST"
        and flask.request.mimetype
        in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        and any("\x00" in value for value in flask.request.form.values())
    ):
        return "the form holds a NUL character"
    return None


def install(app: dash.Dash, pages: Iterable[str]) -> None:
    """Put the gate in front of ``app`` (see the module docstring); ``pages`` are its page paths."""
    server = app.server
    server.json = StrictJSON(server)
    known_pages = {p.rstrip("/") or "/" for p in pages}

    @server.before_request
    def _guard() -> Any:
        request = flask.request
        path = request.path
        if path != CALLBACK_PATH:  # only a callback carries an upload; forms are small
            request.max_content_length = MAX_FORM_BYTES
        hostile = _hostile_request()
        if hostile is not None:
            if path.startswith("/_dash"):
                return _bad(hostile)
            return flask.Response(hostile + "\n", 400, mimetype="text/plain")
        rule = request.url_rule.rule if request.url_rule is not None else None
        if rule == CATCH_ALL_RULE and (path.rstrip("/") or "/") not in known_pages:
            return flask.abort(404)
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            if request.method == "POST":
                auth.csrf.protect()
            return None
        is_callback = path.startswith("/_dash")
        if not current_user.is_authenticated:
            if is_callback:
                return _bad("login required", 401)
            target = request.full_path.rstrip("?")
            return flask.redirect(flask.url_for("login", next=target))
        if request.method == "POST":
            auth.csrf.protect()
        if path == CALLBACK_PATH:
            return _check_callback(app)
        if path.startswith(ADMIN_PAGE_PREFIX) and not current_user.is_admin:
            return flask.abort(403)
        return None

    @server.errorhandler(InvalidCallbackReturnValue)
    @server.errorhandler(CallbackException)
    def _callback_mismatch(error: Exception) -> Any:
        # Dash's message quotes the callback's whole return value (user data): log the ids only.
        body = flask.request.get_json(silent=True)
        output = body.get("output") if isinstance(body, dict) else None
        _log.warning("callback %s refused: %s", output, type(error).__name__)
        return _bad("the callback's outputs do not match the request")

    @server.errorhandler(GridInputError)
    def _grid_input(error: GridInputError) -> Any:
        if flask.request.path.startswith("/_dash"):
            return _bad(str(error))
        return flask.Response(f"{error}\n", 400, mimetype="text/plain")

    @server.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if flask.request.path.startswith("/_dash"):
            return _bad(error.description or error.name, error.code or 400)
        return error
