"""The user's time zone, for every date a page, an export or a document shows.

It is the zone the user chose (the Telegram page or the bot's ``/tz``), else the installation's
``JH_TELEGRAM_TIME_ZONE`` (Europe/Moscow by default): a cover letter made at 00:30 Moscow time is
dated that Moscow day, as the page that lists it says, not the UTC day before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import flask
from flask_login import current_user
from sqlalchemy import Connection, select

from core.schema import users

DEFAULT_ZONE = "Europe/Moscow"


def zone_name(conn: Connection, user_id: int, default: str = DEFAULT_ZONE) -> str:
    """The IANA name of the user's zone (``default`` when they chose none)."""
    chosen = conn.execute(select(users.c.time_zone).where(users.c.id == user_id)).scalar_one_or_none()
    return chosen or default


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def current_zone() -> ZoneInfo:
    """The logged-in user's zone, read once per request."""
    cached = flask.g.get("jh_zone")
    if cached is not None:
        return cached
    app = flask.current_app.extensions.get("jobhunter", {})
    settings, engine = app.get("settings"), app.get("engine")
    default = getattr(settings, "telegram_time_zone", None) or DEFAULT_ZONE
    name = default
    if engine is not None and current_user and current_user.is_authenticated:
        with engine.connect() as conn:
            name = zone_name(conn, current_user.id, default)
    zone = _zone(name)
    flask.g.jh_zone = zone
    return zone


def local(value: datetime) -> datetime:
    """``value`` (aware; naive means UTC) in the user's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(current_zone())


def when(value: datetime | None) -> str:
    """``02.12.2026 00:30`` in the user's zone, or an empty string."""
    return local(value).strftime("%d.%m.%Y %H:%M") if value else ""
