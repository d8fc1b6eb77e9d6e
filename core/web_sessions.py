"""Server-side web sessions: the cookie carries a random token, the database the proof it is valid.

Flask's signed cookie alone cannot be revoked: a copy stays valid until it expires. Here a session
is valid only while its row in ``t18_jh_web_sessions`` exists and has not expired, so logging out,
"log out everywhere", a new password and disabling the user end it at once, in every worker.

Flask-Session would keep the whole session server-side too, but its SQL backend needs
Flask-SQLAlchemy and creates its own table outside our migrations and ``JH_DB_SCHEMA``; the flask
session here only holds the login's token and the CSRF secret, so a table of tokens is enough.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, insert

from core.schema import web_sessions


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(conn: Connection, user_id: int, lifetime: timedelta, ip: str | None = None) -> str:
    """A new session of ``user_id``; returns its token (only its hash is stored)."""
    now = datetime.now(UTC)
    conn.execute(
        delete(web_sessions).where(web_sessions.c.user_id == user_id, web_sessions.c.expires_at < now)
    )
    token = secrets.token_urlsafe(32)
    conn.execute(
        insert(web_sessions).values(
            token_hash=token_hash(token), user_id=user_id, expires_at=now + lifetime, ip=ip
        )
    )
    return token


def end(conn: Connection, token: str) -> None:
    """Log one session out."""
    conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == token_hash(token)))


def end_all(conn: Connection, user_id: int) -> int:
    """End every session of a user (log out everywhere, new password, disabled); how many ended."""
    return conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id)).rowcount
