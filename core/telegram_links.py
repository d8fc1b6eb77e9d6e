"""Linking a Telegram chat to a user, and the user's Telegram preferences.

The web profile page calls :func:`create_link` for a one-time deep link
``https://t.me/<bot>?start=<token>``; the bot (``etl.telegram.bot``) calls :func:`consume` when
that chat sends ``/start <token>``. Tokens are 32 random URL-safe characters, single-use, valid for
a day by default, and stored only as their SHA-256. A chat belongs to at most one user and a user
has at most one chat (``t05_jh_users.telegram_chat_id`` is unique).

Also here, because the web app and the bot both need them: quiet hours and time zones.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, delete, func, insert, select, update

from core.schema import telegram_links, telegram_outbox, users

DEFAULT_TTL = timedelta(hours=24)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what a deep-link payload may carry
_QUIET = re.compile(r"\s*(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?\s*")
_OFF = {"off", "none", "no", "нет", "выкл", ""}

QuietHours = tuple[time, time] | None
"""Local ``(from, to)``, wrapping past midnight when ``from > to``; None: no quiet hours."""


# -- time zones and quiet hours -------------------------------------------------------------------


def check_time_zone(value: str) -> str:
    """An IANA time zone name such as ``Europe/Moscow`` (raises ValueError otherwise)."""
    value = value.strip()
    try:
        if not value or value.startswith(("/", ".")) or ".." in value:
            raise ValueError
        ZoneInfo(value)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(f"{value!r} is not an IANA time zone such as 'Europe/Moscow'") from None
    return value


def parse_quiet_hours(value: str) -> QuietHours:
    """``"22:00-08:00"`` (also ``22-8``) → ``(22:00, 08:00)``; ``"off"`` → None. Raises ValueError."""
    if value.strip().lower() in _OFF:
        return None
    match = _QUIET.fullmatch(value)
    if not match:
        raise ValueError("quiet hours look like '22:00-08:00' (or 'off')")
    h1, m1, h2, m2 = (int(g) if g else 0 for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError("quiet hours look like '22:00-08:00' (or 'off')")
    start, end = time(h1, m1), time(h2, m2)
    return None if start == end else (start, end)


def format_quiet_hours(quiet: QuietHours) -> str:
    return "off" if quiet is None else f"{quiet[0]:%H:%M}-{quiet[1]:%H:%M}"


def is_quiet(moment: datetime, time_zone: str, quiet: QuietHours) -> bool:
    """Whether ``moment`` falls in the quiet hours of ``time_zone``."""
    if quiet is None:
        return False
    local = moment.astimezone(ZoneInfo(time_zone)).time().replace(tzinfo=None)
    start, end = quiet
    if start < end:
        return start <= local < end
    return local >= start or local < end


# -- links ------------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


#: At most this many links per user within :data:`LINK_WINDOW`: a page that asks in a loop
#: cannot fill the table (a person needs one, maybe two).
MAX_LINKS = 5
LINK_WINDOW = timedelta(minutes=10)


class TooManyLinks(Exception):
    """The user asked for :data:`MAX_LINKS` links within :data:`LINK_WINDOW` already."""


def create_token(conn: Connection, user_id: int, *, ttl: timedelta = DEFAULT_TTL) -> str:
    """A new one-time token for ``user_id`` (earlier unused ones stay valid until they expire).

    Raises :class:`TooManyLinks` past the rate limit; the user's row is locked while counting,
    so parallel requests cannot slip past it.
    """
    conn.execute(select(users.c.id).where(users.c.id == user_id).with_for_update())
    recent = conn.execute(
        select(func.count())
        .select_from(telegram_links)
        .where(telegram_links.c.user_id == user_id, telegram_links.c.created_at > func.now() - LINK_WINDOW)
    ).scalar_one()
    if recent >= MAX_LINKS:
        raise TooManyLinks
    conn.execute(delete(telegram_links).where(telegram_links.c.expires_at < func.now()))
    token = secrets.token_urlsafe(24)  # 32 characters of A-Z a-z 0-9 _ -
    conn.execute(
        insert(telegram_links).values(
            token_hash=_hash(token), user_id=user_id, expires_at=datetime.now(UTC) + ttl
        )
    )
    return token


def create_link(conn: Connection, user_id: int, bot_username: str, *, ttl: timedelta = DEFAULT_TTL) -> str:
    """The deep link the profile page shows: ``https://t.me/<bot>?start=<one-time token>``."""
    return f"https://t.me/{bot_username.removeprefix('@')}?start={create_token(conn, user_id, ttl=ttl)}"


@dataclass(frozen=True)
class ChatUser:
    """The user a chat is linked to."""

    id: int
    login: str
    display_name: str | None
    chat_id: int
    blocked_at: datetime | None
    time_zone: str | None
    quiet: QuietHours | Literal["default"]


def consume(conn: Connection, token: str, chat_id: int) -> ChatUser | None:
    """Bind ``chat_id`` to the user of a valid, unused, unexpired token; None when it is not one.

    The chat leaves any user it was linked to before; the user's earlier chat is replaced; the
    user's other unused tokens are withdrawn; a block mark is cleared.
    """
    if not _TOKEN.fullmatch(token or ""):
        return None
    user_id = conn.execute(
        update(telegram_links)
        .where(
            telegram_links.c.token_hash == _hash(token),
            telegram_links.c.used_at.is_(None),
            telegram_links.c.expires_at > func.now(),
        )
        .values(used_at=func.now(), chat_id=chat_id)
        .returning(telegram_links.c.user_id)
    ).scalar_one_or_none()
    if user_id is None:
        return None
    active = conn.execute(select(users.c.is_active).where(users.c.id == user_id)).scalar_one_or_none()
    if not active:
        return None
    conn.execute(
        update(users)
        .where(users.c.telegram_chat_id == chat_id, users.c.id != user_id)
        .values(telegram_chat_id=None, telegram_linked_at=None, telegram_blocked_at=None)
    )
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(telegram_chat_id=chat_id, telegram_linked_at=func.now(), telegram_blocked_at=None)
    )
    conn.execute(
        delete(telegram_links).where(telegram_links.c.user_id == user_id, telegram_links.c.used_at.is_(None))
    )
    return chat_user(conn, chat_id)


def chat_user(conn: Connection, chat_id: int) -> ChatUser | None:
    """The active user this chat is linked to, if any."""
    row = conn.execute(
        select(
            users.c.id,
            users.c.login,
            users.c.display_name,
            users.c.telegram_chat_id,
            users.c.telegram_blocked_at,
            users.c.time_zone,
            users.c.quiet_from,
            users.c.quiet_to,
        ).where(users.c.telegram_chat_id == chat_id, users.c.is_active)
    ).one_or_none()
    if row is None:
        return None
    return ChatUser(
        row.id,
        row.login,
        row.display_name,
        row.telegram_chat_id,
        row.telegram_blocked_at,
        row.time_zone,
        _quiet_of(row.quiet_from, row.quiet_to),
    )


def _quiet_of(start: time | None, end: time | None) -> QuietHours | Literal["default"]:
    if start is None or end is None:
        return "default"
    return None if start == end else (start, end)


def unlink_chat(conn: Connection, chat_id: int) -> str | None:
    """Forget this chat (``/stop``); returns the login it was linked to. Pending messages are dropped."""
    row = conn.execute(
        update(users)
        .where(users.c.telegram_chat_id == chat_id)
        .values(telegram_chat_id=None, telegram_linked_at=None, telegram_blocked_at=None)
        .returning(users.c.id, users.c.login)
    ).one_or_none()
    if row is None:
        return None
    _drop_pending(conn, row.id)
    return row.login


def unlink_user(conn: Connection, user_id: int) -> bool:
    """Forget the user's chat (a web "unlink" button); returns whether one was linked."""
    row = conn.execute(
        update(users)
        .where(users.c.id == user_id, users.c.telegram_chat_id.is_not(None))
        .values(telegram_chat_id=None, telegram_linked_at=None, telegram_blocked_at=None)
        .returning(users.c.id)
    ).one_or_none()
    if row is not None:
        _drop_pending(conn, user_id)
    return row is not None


def _drop_pending(conn: Connection, user_id: int) -> None:
    conn.execute(
        update(telegram_outbox)
        .where(telegram_outbox.c.user_id == user_id, telegram_outbox.c.status == "pending")
        .values(status="skipped", last_error="the chat was unlinked")
    )


def set_blocked(conn: Connection, chat_id: int, blocked: bool) -> None:
    """Note that the user blocked (403, or a ``kicked`` member update) or unblocked the bot."""
    conn.execute(
        update(users)
        .where(users.c.telegram_chat_id == chat_id)
        .values(telegram_blocked_at=func.now() if blocked else None)
    )


def set_quiet_hours(conn: Connection, user_id: int, quiet: QuietHours | Literal["default"]) -> None:
    """The user's own quiet hours, none (None), or the installation's default (``"default"``)."""
    if quiet == "default":
        values = {"quiet_from": None, "quiet_to": None}
    elif quiet is None:
        values = {"quiet_from": time(0), "quiet_to": time(0)}
    else:
        values = {"quiet_from": quiet[0], "quiet_to": quiet[1]}
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def set_time_zone(conn: Connection, user_id: int, time_zone: str | None) -> None:
    """The user's IANA time zone (None: the installation's default). Raises ValueError for a bad one."""
    value = check_time_zone(time_zone) if time_zone else None
    conn.execute(update(users).where(users.c.id == user_id).values(time_zone=value))


# -- for the profile page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TelegramStatus:
    """What the profile page shows about a user's Telegram."""

    state: Literal["linked", "blocked", "not_linked"]
    linked_at: datetime | None
    blocked_at: datetime | None
    time_zone: str | None  # None: the installation's default (JH_TELEGRAM_TIME_ZONE)
    quiet: QuietHours | Literal["default"]  # "default": JH_TELEGRAM_QUIET_HOURS
    pending: int  # vacancies waiting to be sent (quiet hours, a failure, a block)


def status(conn: Connection, user_id: int) -> TelegramStatus:
    """Linked, blocked (the user blocked the bot in Telegram) or not linked, with the preferences."""
    row = conn.execute(
        select(
            users.c.telegram_chat_id,
            users.c.telegram_linked_at,
            users.c.telegram_blocked_at,
            users.c.time_zone,
            users.c.quiet_from,
            users.c.quiet_to,
        ).where(users.c.id == user_id)
    ).one()
    pending = conn.execute(
        select(func.count())
        .select_from(telegram_outbox)
        .where(telegram_outbox.c.user_id == user_id, telegram_outbox.c.status == "pending")
    ).scalar_one()
    if row.telegram_chat_id is None:
        state: Literal["linked", "blocked", "not_linked"] = "not_linked"
    elif row.telegram_blocked_at is not None:
        state = "blocked"
    else:
        state = "linked"
    return TelegramStatus(
        state,
        row.telegram_linked_at,
        row.telegram_blocked_at,
        row.time_zone,
        _quiet_of(row.quiet_from, row.quiet_to),
        pending,
    )
