"""Logging in and out, the session, and the guard in front of every route and callback.

* Passwords are argon2id hashes (``core.passwords``); a login that names no user costs the
  same hash verification as a wrong password, so timing does not tell which logins exist.
* Throttling, kept in ``t12_jh_login_failures`` so every worker process sees it: after
  :data:`MAX_FAILURES` failed attempts for one login from one address within
  :data:`LOCK_WINDOW`, that login is refused from that address until ``LOCK_WINDOW`` after
  the last failure, without the password even being checked. One address is refused
  altogether after :data:`MAX_FAILURES_PER_IP` failures (any logins) in the same window.
* The session id is ``"<user id>:<token>"``, the token an HMAC of the password hash: changing
  or resetting a password ends every other session of that user; a disabled user is logged
  out at the next request.
* :func:`install_guard` answers every request that is not the login page or a static asset:
  without a logged-in user a page redirects to the login page and a callback gets 401 JSON;
  an administrators-only page or callback gets 403 for everybody else.
"""

from __future__ import annotations

import hashlib
import hmac
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
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from core.passwords import hash_password, verify_password
from core.schema import login_failures, users
from core.settings import Settings

MAX_FAILURES = 5
MAX_FAILURES_PER_IP = 20
LOCK_WINDOW = timedelta(minutes=5)
FAILURE_RETENTION = timedelta(days=1)

#: Paths anyone may fetch: the login form and static files (no data behind either).
PUBLIC_PREFIXES = ("/login", "/assets/", "/_favicon.ico", "/favicon.ico")
#: Pages and callback components only administrators may use (component ids start "admin-").
ADMIN_PAGE_PREFIX = "/admin"
ADMIN_COMPONENT_PREFIX = "admin-"

_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
_log = logging.getLogger(__name__)


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
        return f"{self.id}:{self.session_token}"


def session_token(secret: str, password_hash: str) -> str:
    return hmac.new(secret.encode(), password_hash.encode(), hashlib.blake2b).hexdigest()[:32]


def load_user(engine: Engine, secret: str, session_id: str) -> WebUser | None:
    """The user of a session id, if it is still valid (active user, unchanged password)."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(
                users.c.id,
                users.c.login,
                users.c.role,
                users.c.display_name,
                users.c.password_hash,
                users.c.preferences,
                users.c.is_demo,
            ).where(users.c.id == int(user_id), users.c.is_active)
        ).one_or_none()
    if row is None:
        return None
    expected = session_token(secret, row.password_hash)
    if not hmac.compare_digest(expected, token):
        return None
    return WebUser(
        row.id, row.login, row.role, row.display_name, expected, dict(row.preferences or {}), row.is_demo
    )


# -- throttled authentication -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: WebUser | None
    error: str | None = None  # an i18n key: login.failed, login.locked, login.disabled
    minutes: int = 0


def locked_for(conn: Connection, login: str, ip: str, now: datetime) -> timedelta | None:
    """How long this login from this address is still refused, or None."""
    since = now - LOCK_WINDOW
    row = conn.execute(
        select(
            func.count().filter(login_failures.c.login == login).label("pair"),
            func.count().label("ip"),
            func.max(login_failures.c.failed_at).filter(login_failures.c.login == login).label("pair_last"),
            func.max(login_failures.c.failed_at).label("ip_last"),
        ).where(login_failures.c.ip == ip, login_failures.c.failed_at > since)
    ).one()
    remaining = []
    if row.pair >= MAX_FAILURES:
        remaining.append(row.pair_last + LOCK_WINDOW - now)
    if row.ip >= MAX_FAILURES_PER_IP:
        remaining.append(row.ip_last + LOCK_WINDOW - now)
    return max(remaining) if remaining else None


def authenticate(
    engine: Engine, secret: str, login: str, password: str, ip: str, now: datetime | None = None
) -> LoginResult:
    """Check a login form; records failures and refuses a locked login before hashing anything."""
    now = now or datetime.now(UTC)
    login = (login or "").strip().lower()[:64]
    with engine.begin() as conn:
        conn.execute(delete(login_failures).where(login_failures.c.failed_at < now - FAILURE_RETENTION))
        wait = locked_for(conn, login, ip, now)
        if wait is not None:
            return LoginResult(None, "login.locked", max(1, -(-int(wait.total_seconds()) // 60)))
        row = conn.execute(
            select(
                users.c.id,
                users.c.login,
                users.c.role,
                users.c.display_name,
                users.c.password_hash,
                users.c.is_active,
                users.c.preferences,
            ).where(users.c.login == login)
        ).one_or_none()
        ok = verify_password(row.password_hash if row else _DUMMY_HASH, password or "")
        if not (ok and row is not None):
            conn.execute(insert(login_failures).values(login=login, ip=ip, failed_at=now))
            wait = locked_for(conn, login, ip, now)
            if wait is not None:
                return LoginResult(None, "login.locked", max(1, -(-int(wait.total_seconds()) // 60)))
            return LoginResult(None, "login.failed")
        if not row.is_active:
            return LoginResult(None, "login.disabled")
        conn.execute(delete(login_failures).where(login_failures.c.login == login, login_failures.c.ip == ip))
        conn.execute(update(users).where(users.c.id == row.id).values(last_login_at=now))
    user = WebUser(
        row.id,
        row.login,
        row.role,
        row.display_name,
        session_token(secret, row.password_hash),
        dict(row.preferences or {}),
    )
    return LoginResult(user)


def clear_failures(conn: Connection, login: str) -> None:
    """An administrator reset the password: forget the failed attempts for that login."""
    conn.execute(delete(login_failures).where(login_failures.c.login == login))


# -- Flask wiring -------------------------------------------------------------------------------------


def client_ip() -> str:
    # Behind a reverse proxy, run gunicorn with --forwarded-allow-ips so remote_addr is the client.
    return flask.request.remote_addr or "unknown"


def csrf_token() -> str:
    """The session's anti-forgery token for plain HTML forms (login, logout)."""
    token = flask.session.get("csrf")
    if not token:
        token = flask.session["csrf"] = secrets.token_urlsafe(24)
    return token


def csrf_ok() -> bool:
    sent = flask.request.form.get("csrf", "")
    expected = flask.session.get("csrf", "")
    return bool(expected) and hmac.compare_digest(sent, expected)


def safe_next(target: str | None) -> str:
    """Only a local path may be a redirect target after login (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _component_id(value: Any) -> str:
    if isinstance(value, dict):  # a pattern-matching id: its "type" names it
        return str(value.get("type", ""))
    return str(value)


def callback_components() -> list[str]:
    """Component ids a Dash callback request names (outputs, inputs and state)."""
    body = flask.request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    ids: list[str] = []
    for key in ("outputs", "inputs", "state"):
        items = body.get(key) or []
        for item in items if isinstance(items, list) else [items]:
            for one in item if isinstance(item, list) else [item]:
                if isinstance(one, dict):
                    ids.append(_component_id(one.get("id", "")))
    return ids


def install_guard(server: flask.Flask) -> None:
    """Refuse every non-public request without a valid login (see the module docstring)."""

    @server.before_request
    def _guard() -> Any:
        path = flask.request.path
        if path.startswith(PUBLIC_PREFIXES):
            return None
        is_callback = path.startswith("/_dash")
        if not current_user.is_authenticated:
            if is_callback:
                return flask.jsonify(error="login required"), 401
            target = flask.request.full_path.rstrip("?")
            return flask.redirect(flask.url_for("login", next=target))
        if not current_user.is_admin:
            if path.startswith(ADMIN_PAGE_PREFIX):
                return flask.abort(403)
            if path == "/_dash-update-component" and any(
                component.startswith(ADMIN_COMPONENT_PREFIX) for component in callback_components()
            ):
                return flask.jsonify(error="administrators only"), 403
        return None

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not flask.request.path.startswith("/assets/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def init_login(server: flask.Flask, engine: Engine, settings: Settings) -> LoginManager:
    """Session cookie settings, the user loader and the login/logout routes."""
    secret = secret_key(settings)
    server.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_NAME="jh_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.web_secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.web_secure_cookies,
        REMEMBER_COOKIE_DURATION=timedelta(days=settings.web_session_days),
        PERMANENT_SESSION_LIFETIME=timedelta(days=settings.web_session_days),
    )
    manager = LoginManager()
    manager.init_app(server)
    manager.session_protection = "basic"

    @manager.user_loader
    def _load(session_id: str) -> WebUser | None:
        return load_user(engine, secret, session_id)

    from webapp.pages import login as login_page

    @server.route("/login", methods=["GET", "POST"], endpoint="login")
    def _login() -> Any:
        lang = login_page.request_lang()
        if flask.request.method == "GET":
            if current_user.is_authenticated:
                return flask.redirect(safe_next(flask.request.args.get("next")))
            return login_page.render(lang=lang, csrf=csrf_token(), notice=flask.request.args.get("bye"))
        login = flask.request.form.get("login", "")
        if not csrf_ok():
            return login_page.render(lang=lang, csrf=csrf_token(), error="login.expired", login=login), 400
        result = authenticate(engine, secret, login, flask.request.form.get("password", ""), client_ip())
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
        return flask.redirect(safe_next(flask.request.args.get("next")))

    @server.route("/logout", methods=["POST"], endpoint="logout")
    def _logout() -> Any:
        if csrf_ok():
            logout_user()
            flask.session.clear()
            return flask.redirect(flask.url_for("login", bye=1))
        return flask.redirect("/")

    return manager
