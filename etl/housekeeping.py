"""Housekeeping that keeps the database lean."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, delete, func

from core.schema import raw


def prune_raw(conn: Connection, *, retention: timedelta) -> int:
    """Delete landed hh.ru answers older than ``retention``; returns how many went.

    Replaying a transform needs the raw answers only for recent runs; the vacancies
    themselves are never deleted.
    """
    result = conn.execute(delete(raw).where(raw.c.fetched_at < func.now() - retention))
    return result.rowcount
