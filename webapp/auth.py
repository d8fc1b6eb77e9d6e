"""Logging in and out, the session, and the CSRF check.

* Passwords are argon2id hashes (``core.passwords``); a login that names no user costs the
  same hash verification as a wrong password, so timing does not tell which logins exist. A
  password over :data:`core.passwords.MAX_LENGTH` characters is refused before any hashing.
* Throttling: see :mod:`webapp.throttle` (atomic, per login+address, per address, per login).
* Sessions are server-side (:mod:`core.web_sessions`): the flask-login id is a random token
  whose row must still exist, so logout, "log out everywhere", a new password and disabling the
  user end the session at once, however the cookie is replayed. The session id rotates at login.
* CSRF: Flask-WTF's ``CSRFProtect`` checks every POST (forms carry the ``csrf`` field; Dash
  callbacks the ``X-CSRFToken`` header, which dash-renderer copies from the ``_csrf_token``
  cookie set on every page). :mod:`webapp.guard` calls it after the login check, so a request
  without a login still gets its 401/redirect first.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import flask
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf
from sqlalchemy import Engine, select, update
from wtforms import ValidationError

from core import web_sessions
from core.passwords import MAX_LENGTH as MAX_PASSWORD_LENGTH
from core.passwords import hash_password, verify_password
from core.schema import users
from core.settings import Settings
from webapp import throttle
from webapp.throttle import LOCK_WINDOW, MAX_FAILURES, MAX_FAILURES_PER_IP  # noqa: F401 - re-exported

#: The cookie dash-renderer reads the CSRF token from (its default name); readable by scripts.
CSRF_COOKIE = "_csrf_token"

_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
_log = logging.getLogger(__name__)
csrf = CSRFProtect()


# -- the secret key ---------------------------------------------------------------------------------


def secret_key(settings: Settings) -> str:
    """``JH_WEB_SECRET_KEY``, else a key generated once into ``<var_dir>/web_secret_key`` (0600)."""
    if settings.web_secret_key is not None:
        return settings.web_secret_key.get_secret_value()
    path = Path(settings.var_dir) / "web_secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) >= 32:
            return key
        raise RuntimeError(f"{path} holds no usable key: delete it to generate a new one") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


# -- the logged-in user -----------------------------------------------------------------------------


@dataclass
class WebUser(UserMixin):
    id: int
    login: str
    role: str
    display_name: str | None
    session_token: str
    preferences: dict[str, Any] = field(default_factory=dict)
    is_demo: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def lang(self) -> str:
        return "en" if self.preferences.get("lang") == "en" else "ru"

    @property
    def theme(self) -> str:
        return "dark" if self.preferences.get("theme") == "dark" else "light"

    def get_id(self) -> str:
        return self.session_token


def load_user(engine: Engine, session_id: str) -> WebUser | None:
    """The user of a session token, if the session still exists and the user is active."""
    if not session_id or len(session_id) > 100:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(
                users.c.id,
                users.c.login,
                users.c.role,
                users.c.display_name,
                users.c.preferences,
                users.c.is_demo,
            )
            .select_from(
                users.join(web_sessions.web_sessions, web_sessions.web_sessions.c.user_id == users.c.id)
            )
            .where(
                web_sessions.web_sessions.c.token_hash == web_sessions.token_hash(session_id),
                web_sessions.web_sessions.c.expires_at > datetime.now(UTC),
                users.c.is_active,
            )
        ).one_or_none()
    if row is None:
        return None
    return WebUser(
        row.id, row.login, row.role, row.display_name, session_id, dict(row.preferences or {}), row.is_demo
    )


# -- throttled authentication -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: WebUser | None
    error: str | None = None  # an i18n key: login.failed, login.locked, login.disabled
    minutes: int = 0


def _minutes(wait: timedelta) -> int:
    return max(1, -(-int(wait.total_seconds()) // 60))


def authenticate(
    engine: Engine,
    login: str,
    password: str,
    ip: str,
    now: datetime | None = None,
    *,
    lifetime: timedelta = timedelta(days=14),
) -> LoginResult:
    """Check a login form; a successful one gets a new server-side session (``user.session_token``).

    The throttle admits or refuses the attempt and records it in one transaction before anything
    is hashed (see :mod:`webapp.throttle`).
    """
    now = now or datetime.now(UTC)
    login = (login or "").strip().lower()[:64]
    password = password or ""
    with engine.begin() as conn:
        admission = throttle.admit(conn, login, ip, now)
    if admission.attempt_id is None:
        return LoginResult(None, "login.locked", _minutes(admission.wait or LOCK_WINDOW))
    with engine.connect() as conn:
        row = conn.execute(
            select(
                users.c.id,
                users.c.login,
                users.c.role,
                users.c.display_name,
                users.c.password_hash,
                users.c.is_active,
                users.c.preferences,
                users.c.is_demo,
            ).where(users.c.login == login)
        ).one_or_none()
    too_long = len(password) > MAX_PASSWORD_LENGTH
    ok = verify_password(row.password_hash if row else _DUMMY_HASH, password) and not too_long
    if not (ok and row is not None):
        with engine.connect() as conn:  # the attempt is already recorded as a failure
            wait = throttle.locked_after_failure(conn, login, ip, now)
        if wait is not None:
            return LoginResult(None, "login.locked", _minutes(wait))
        return LoginResult(None, "login.failed")
    with engine.begin() as conn:
        throttle.succeeded(conn, login, ip)
        if not row.is_active:
            return LoginResult(None, "login.disabled")
        conn.execute(update(users).where(users.c.id == row.id).values(last_login_at=now))
        token = web_sessions.create(conn, row.id, lifetime, ip)
    user = WebUser(
        row.id, row.login, row.role, row.display_name, token, dict(row.preferences or {}), row.is_demo
    )
    return LoginResult(user)


def clear_failures(conn: Any, login: str) -> None:
    """An administrator reset the password: forget the failed attempts for that login."""
    throttle.clear(conn, login)


# -- Flask wiring -------------------------------------------------------------------------------------


def client_ip() -> str:
    # Behind a reverse proxy, run gunicorn with --forwarded-allow-ips so remote_addr is the client.
    return flask.request.remote_addr or "unknown"


def csrf_token() -> str:
    """The session's anti-forgery token for plain HTML forms (login, logout, export)."""
    return generate_csrf()


def csrf_ok() -> bool:
    """Whether the form's ``csrf`` field is valid (CSRFProtect has checked it already for POSTs)."""
    try:
        validate_csrf(flask.request.form.get("csrf", ""))
    except ValidationError:
        return False
    return True


def safe_next(target: str | None) -> str:
    """Only a local path may be a redirect target after login (no open redirect, no header splitting)."""
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def end_session() -> None:
    """Log the current session out on the server (its row is deleted) and in the browser."""
    engine = flask.current_app.extensions["jobhunter"]["engine"]
    if current_user.is_authenticated:
        with engine.begin() as conn:
            web_sessions.end(conn, current_user.session_token)
    logout_user()
    flask.session.clear()


def end_all_sessions() -> None:
    """Log out everywhere: every session of the current user ends, this one included."""
    engine = flask.current_app.extensions["jobhunter"]["engine"]
    if current_user.is_authenticated:
        with engine.begin() as conn:
            web_sessions.end_all(conn, current_user.id)
    logout_user()
    flask.session.clear()


def _set_csrf_cookie(response: flask.Response, settings: Settings) -> None:
    response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Strict", secure=settings.web_secure_cookies)


def init_login(server: flask.Flask, engine: Engine, settings: Settings) -> LoginManager:
    """Session cookie settings, the user loader, CSRF protection and the login/logout routes."""
    secret = secret_key(settings)
    lifetime = timedelta(days=settings.web_session_days)
    server.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_NAME="jh_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.web_secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.web_secure_cookies,
        REMEMBER_COOKIE_DURATION=lifetime,
        PERMANENT_SESSION_LIFETIME=lifetime,
        # CSRFProtect: the forms' field is "csrf"; the token lives as long as the session (a page
        # left open for hours still works); webapp.guard calls csrf.protect() after the login check.
        WTF_CSRF_FIELD_NAME="csrf",
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_CHECK_DEFAULT=False,
    )
    csrf.init_app(server)
    manager = LoginManager()
    manager.init_app(server)
    manager.session_protection = "basic"

    @manager.user_loader
    def _load(session_id: str) -> WebUser | None:
        return load_user(engine, session_id)

    from webapp.pages import login as login_page

    @server.errorhandler(CSRFError)
    def _csrf_failed(error: CSRFError) -> Any:
        if flask.request.path == "/login":
            lang = login_page.request_lang()
            login = flask.request.form.get("login", "")
            return login_page.render(lang=lang, csrf=csrf_token(), error="login.expired", login=login), 400
        if flask.request.path.startswith("/_dash"):
            return flask.jsonify(error=f"CSRF check failed: {error.description}"), 400
        return flask.Response(f"CSRF check failed: {error.description}\n", 400, mimetype="text/plain")

    @server.after_request
    def _csrf_cookie(response: flask.Response) -> flask.Response:
        # dash-renderer sends this cookie back as the X-CSRFToken header of every callback
        page = flask.request.method == "GET" and response.mimetype == "text/html"
        if page and current_user.is_authenticated:
            _set_csrf_cookie(response, settings)
        return response

    @server.route("/login", methods=["GET", "POST"], endpoint="login")
    def _login() -> Any:
        lang = login_page.request_lang()
        if flask.request.method == "GET":
            if current_user.is_authenticated:
                return flask.redirect(safe_next(flask.request.args.get("next")))
            return login_page.render(lang=lang, csrf=csrf_token(), notice=flask.request.args.get("bye"))
        login = flask.request.form.get("login", "")
        password = flask.request.form.get("password", "")
        result = authenticate(engine, login, password, client_ip(), lifetime=lifetime)
        if result.user is None:
            status = 429 if result.error == "login.locked" else 401
            error = result.error or "login.failed"
            page = login_page.render(
                lang=lang, csrf=csrf_token(), error=error, minutes=result.minutes, login=login
            )
            return page, status
        flask.session.clear()  # a fresh session (and CSRF token) after login: no fixation
        flask.session.permanent = True
        login_user(result.user, remember=False)
        _log.info("login %s from %s", result.user.login, client_ip())
        response = flask.redirect(safe_next(flask.request.args.get("next")))
        _set_csrf_cookie(response, settings)
        return response

    @server.route("/logout", methods=["POST"], endpoint="logout")
    def _logout() -> Any:
        everywhere = flask.request.form.get("everywhere") == "1"
        end_all_sessions() if everywhere else end_session()
        return flask.redirect(flask.url_for("login", bye=1))

    return manager
