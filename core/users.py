"""People who use Job Hunter: create, look up, ensure an administrator exists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from core import web_sessions
from core.errors import UserInputError
from core.passwords import MAX_LENGTH, MIN_LENGTH, generate_password, hash_password
from core.schema import market_digests, users

ROLES = ("admin", "user")
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


@dataclass(frozen=True)
class User:
    id: int
    login: str
    role: str
    display_name: str | None
    is_active: bool


def normalise_login(login: str) -> str:
    """Logins are case-insensitive: stored lower-case, checked against a simple pattern."""
    value = login.strip().lower()
    if not _LOGIN.fullmatch(value):
        raise UserInputError(
            f"login {login!r} is not valid: use 1-64 letters, digits, '.', '_', '@' or '-'",
            code="login_invalid",
            login=login,
        )
    return value


def _check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise UserInputError(
            f"the password must have at least {MIN_LENGTH} characters", code="password_short", n=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        raise UserInputError(
            f"the password must have at most {MAX_LENGTH} characters", code="password_long", n=MAX_LENGTH
        )


def create_user(
    conn: Connection, login: str, password: str, *, role: str = "user", display_name: str | None = None
) -> User:
    """Add a user; raises :class:`UserInputError` for a taken login or a weak password."""
    value = normalise_login(login)
    if role not in ROLES:
        raise UserInputError(f"role must be one of {', '.join(ROLES)}, not {role!r}", code="role_invalid")
    _check_password(password)
    if get_user(conn, value) is not None:
        raise UserInputError(f"a user with login {value!r} already exists", code="login_taken", login=value)
    row = conn.execute(
        insert(users)
        .values(login=value, password_hash=hash_password(password), role=role, display_name=display_name)
        .returning(users.c.id)
    ).one()
    return User(row.id, value, role, display_name, True)


def get_user(conn: Connection, login: str) -> User | None:
    row = conn.execute(
        select(users.c.id, users.c.login, users.c.role, users.c.display_name, users.c.is_active).where(
            users.c.login == login.strip().lower()
        )
    ).one_or_none()
    return User(*row) if row else None


def require_user(conn: Connection, login: str) -> User:
    user = get_user(conn, login)
    if user is None:
        raise UserInputError(f"no user with login {login!r} (add one with: jobhunter users add LOGIN)")
    return user


def set_password(conn: Connection, login: str, password: str) -> None:
    """Replace a user's password (same strength rule as at creation); every web session of the
    user ends, so whoever knew the old password is logged out too."""
    user = require_user(conn, login)
    _check_password(password)
    conn.execute(update(users).where(users.c.id == user.id).values(password_hash=hash_password(password)))
    web_sessions.end_all(conn, user.id)


def ensure_admin(conn: Connection, login: str = "admin") -> tuple[str, str] | None:
    """Create an administrator when there is none; return its login and one-time password."""
    admins = conn.execute(select(func.count()).select_from(users).where(users.c.role == "admin")).scalar()
    if admins:
        return None
    password = generate_password()
    create_user(conn, login, password, role="admin", display_name="Administrator")
    return login, password


def set_notify_min_score(conn: Connection, user_id: int, threshold: int | None) -> None:
    """The user's Telegram threshold (``/min N`` or the profile page): tell only of vacancies
    scored at least ``threshold``; None tells of every new one."""
    conn.execute(update(users).where(users.c.id == user_id).values(notify_min_score=threshold))


#: Why a pending weekly digest was skipped when the user turned it off (etl.telegram.digest).
DIGEST_TURNED_OFF = "the user turned the digest off"


def set_market_digest(conn: Connection, user_id: int, wanted: bool, now: datetime) -> None:
    """Turn «Рынок за неделю» in Telegram on (keeping the moment it was first asked for, so the
    first digest is the next Monday's) or off; off skips the digest still pending."""
    if wanted:
        conn.execute(
            update(users)
            .where(users.c.id == user_id, users.c.market_digest_since.is_(None))
            .values(market_digest_since=now)
        )
        return
    conn.execute(update(users).where(users.c.id == user_id).values(market_digest_since=None))
    conn.execute(
        update(market_digests)
        .where(market_digests.c.user_id == user_id, market_digests.c.status == "pending")
        .values(status="skipped", last_error=DIGEST_TURNED_OFF)
    )


def wants_market_digest(conn: Connection, user_id: int) -> bool:
    return bool(
        conn.execute(select(users.c.market_digest_since.is_not(None)).where(users.c.id == user_id)).scalar()
    )
