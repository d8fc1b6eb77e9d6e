"""What the application panel and the «Отклики» page read: one link of the user's, the resume each
application went out with, and the small facts shown from them (days in a stage, «Нет ответа»
due). Every query is scoped to the given user; an id from the browser is checked first
(:func:`valid_id`), so a made-up one reads nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, select

from core.schema import application_events, resume_generations, user_vacancies, vacancies
from domain import applications as apps
from domain.resume import store
from webapp import clock
from webapp.queries import web_url


def valid_id(value: Any) -> int | None:
    """A vacancy id as the browser sent it, or None when it is not a plausible one."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        return None
    return value


def link(conn: Connection, user_id: int, vacancy_id: Any) -> dict[str, Any] | None:
    """The user's own link to ``vacancy_id`` with what the panel shows, or None."""
    vacancy_id = valid_id(vacancy_id)
    if vacancy_id is None:
        return None
    uv, v = user_vacancies.c, vacancies.c
    row = conn.execute(
        select(
            uv.vacancy_id,
            uv.stage,
            uv.stage_at,
            uv.next_step_at,
            uv.next_step_note,
            uv.score,
            v.name,
            v.employer_name,
            v.source,
            v.url,
            v.closed_at,
        )
        .join(vacancies, v.id == uv.vacancy_id)
        .where(uv.user_id == user_id, uv.vacancy_id == vacancy_id)
    ).first()
    if row is None:
        return None
    # Only an http(s) link a board gave reaches a page (a data: or javascript: one is dropped).
    return dict(row._mapping) | {"url": web_url(row.url)}


def applied_with(conn: Connection, user_id: int, vacancy_ids: list[int] | None = None) -> dict[int, datetime]:
    """For each vacancy, when the resume linked to its latest application event was made."""
    ev, g = application_events.c, resume_generations.c
    query = (
        select(ev.vacancy_id, g.created_at)
        .join(resume_generations, and_(g.id == ev.generation_id, g.user_id == user_id))
        .where(ev.user_id == user_id, ev.generation_id.is_not(None))
        .order_by(ev.id)
    )
    if vacancy_ids is not None:
        query = query.where(ev.vacancy_id.in_(vacancy_ids))
    return {vacancy_id: made for vacancy_id, made in conn.execute(query)}  # the latest event wins


def latest_done(conn: Connection, user_id: int, vacancy_id: int) -> dict[str, Any] | None:
    """The newest finished resume and letter generated for this vacancy (what «yes» links)."""
    return next((g for g in store.list_generations(conn, user_id, vacancy_id) if g["status"] == "done"), None)


def generation_dates(conn: Connection, user_id: int, ids: set[int]) -> dict[int, datetime]:
    if not ids:
        return {}
    g = resume_generations.c
    rows = conn.execute(select(g.id, g.created_at).where(g.user_id == user_id, g.id.in_(sorted(ids))))
    return {gid: made for gid, made in rows}


def day(value: datetime | None) -> str:
    """``02.12`` in the user's zone."""
    return clock.local(value).strftime("%d.%m") if value else ""


def days_since(value: datetime | None, now: datetime) -> int | None:
    return None if value is None else max(0, (now - value).days)


def quiet(row: dict[str, Any], now: datetime) -> int | None:
    """Days «Отклик отправлен» has been quiet when «Нет ответа» should be suggested, else None."""
    days = days_since(row.get("stage_at"), now)
    if row.get("stage") == "applied" and days is not None and days >= apps.NO_ANSWER_AFTER_DAYS:
        return days
    return None
