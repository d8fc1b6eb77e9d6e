"""Application reminders through Telegram: next steps and follow-ups, each sent exactly once.

What is due becomes a row of ``t22_jh_application_reminders`` (:func:`due_reminders`, unique on
user × vacancy × kind × due moment, so a re-run or a second process makes nothing twice); a row is
``pending`` until Telegram accepts its message (``sent``), or stops being worth sending
(``skipped``, the reason in ``last_error``). :func:`deliver_reminders` sends the due pending rows,
hourly from the housekeeping DAG and from ``jobhunter telegram deliver``.

* **Next step** (``t08.next_step_at``, the moment of e.g. an interview): ``morning`` at 09:00 local
  on its day — during the user's quiet hours it waits until they end — and ``hour_before``, one
  hour before. An hour-before moment inside quiet hours is skipped («quiet hours»): arriving late
  it would be useless, and the morning one has told already. A reminder whose moment came before
  the user set the step is not made (they know); when both fall due in one delivery (a step before
  10:00), only the hour-before one goes. A moved step makes new reminders (the moment is part of
  the key) and the pending ones for the old moment are skipped; a step that has begun, or an
  application closed (Отказ, Нет ответа, Отозвал), is not reminded of.
* **Follow-up**: :data:`FOLLOW_UP_AFTER_DAYS` after the link entered «Отклик отправлен» with no
  stage change since: «Вы откликнулись на X 7 дней назад; ответа пока нет» with «Нет ответа» /
  «Собеседование» buttons; after ``domain.applications.NO_ANSWER_AFTER_DAYS`` a second one asks
  «Отметить «Нет ответа»?» (the stage is never set for the user). Any stage change skips them.

Sending reuses :class:`etl.telegram.sender.Bot` (its 429 policy: wait ``retry_after`` or leave the
rows for the next delivery) and the outbox's per-user advisory lock, so two deliveries never send a
row twice; a 403 marks the user blocked and their rows wait until ``/start``; other failures are
counted on the row and retried. Only users with a linked chat get rows. Every function takes
``now``: tests pass their own clock.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from core.schema import application_events, application_reminders, user_vacancies, users, vacancies
from core.settings import Settings, get_settings
from core.telegram_links import is_quiet, set_blocked
from domain.applications import CLOSING, NO_ANSWER_AFTER_DAYS
from etl.telegram import messages, outbox
from etl.telegram.sender import NOT_CONFIGURED, Bot, BotBlocked, RateLimited, TelegramError

_log = logging.getLogger(__name__)

#: Days in «Отклик отправлен» without a change before the first follow-up.
FOLLOW_UP_AFTER_DAYS: Final = 7
MORNING: Final = time(9, 0)  # local time of the morning-of reminder
HOUR_BEFORE: Final = timedelta(hours=1)
#: How far ahead next steps are looked at: the morning of a step's day is never further away.
_HORIZON: Final = timedelta(days=2)

QUIET = "quiet hours at that moment: a late hour-before reminder is useless"
MOVED = "the next step moved"
REMOVED = "the next step was removed"
CLOSED = "the application is closed"
BEGUN = "too late: the next step has begun"
HOUR_BEFORE_GOES = "the hour-before reminder goes instead"
MOVED_ON = "the application moved on"
SUPERSEDED = "superseded by the later follow-up"
#: Skips a step moved back (or set again) undoes: the row is pending again.
_REVIVABLE: Final = (MOVED, REMOVED, CLOSED)

r, uv, u, v = application_reminders.c, user_vacancies.c, users.c, vacancies.c


def morning_of(step_at: datetime, time_zone: str) -> datetime:
    """09:00 local on the day of the step."""
    zone = ZoneInfo(time_zone)
    return datetime.combine(step_at.astimezone(zone).date(), MORNING, tzinfo=zone)


def step_due(kind: str, step_at: datetime, time_zone: str) -> datetime:
    """When a next-step reminder of ``kind`` is due for a step at ``step_at``."""
    return morning_of(step_at, time_zone) if kind == "morning" else step_at - HOUR_BEFORE


# -- what is due --------------------------------------------------------------------------------------


def due_reminders(conn: Connection, now: datetime, *, settings: Settings | None = None) -> int:
    """Make a row for every reminder due by ``now`` (next steps and follow-ups of linked users);
    returns how many rows were made. Rows made before are left alone (ON CONFLICT DO NOTHING),
    except a skip that a step moved back undoes."""
    settings = settings or get_settings()
    rows = _next_step_rows(conn, now, settings) + _follow_up_rows(conn, now)
    if not rows:
        return 0
    stmt = pg_insert(application_reminders).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "vacancy_id", "kind", "due_at"],
        set_={"status": stmt.excluded.status, "last_error": stmt.excluded.last_error},
        where=and_(r.status == "skipped", r.last_error.in_(_REVIVABLE)),
    ).returning(r.id)
    return len(conn.execute(stmt).all())


def _linked() -> Any:
    return and_(u.is_active, u.telegram_chat_id.is_not(None))


def _next_step_rows(conn: Connection, now: datetime, settings: Settings) -> list[dict[str, Any]]:
    ev = application_events.c
    set_at = (  # when the user first wrote this moment down (a step moved back keeps its first time)
        select(func.min(ev.created_at))
        .where(ev.user_id == uv.user_id, ev.vacancy_id == uv.vacancy_id, ev.next_step_at == uv.next_step_at)
        .scalar_subquery()
    )
    candidates = conn.execute(
        select(
            uv.user_id,
            uv.vacancy_id,
            uv.next_step_at,
            set_at.label("set_at"),
            u.time_zone,
            u.quiet_from,
            u.quiet_to,
        )
        .join(users, u.id == uv.user_id)
        .where(
            _linked(),
            uv.next_step_at > now,
            uv.next_step_at <= now + _HORIZON,
            or_(uv.stage.is_(None), uv.stage.not_in(CLOSING)),
        )
        .order_by(uv.user_id, uv.vacancy_id)  # every process inserts in one order: no deadlock
    )
    rows: list[dict[str, Any]] = []
    for c in candidates:
        zone = c.time_zone or settings.telegram_time_zone
        for kind in ("morning", "hour_before"):
            due = step_due(kind, c.next_step_at, zone)
            if due > now or due >= c.next_step_at or (c.set_at is not None and due < c.set_at):
                continue  # not yet; (a morning after the step) never; before the user set the step
            quiet = kind == "hour_before" and is_quiet(
                due, zone, outbox.quiet_hours(c.quiet_from, c.quiet_to, settings)
            )
            rows.append(
                {
                    "user_id": c.user_id,
                    "vacancy_id": c.vacancy_id,
                    "kind": kind,
                    "due_at": due,
                    "status": "skipped" if quiet else "pending",
                    "last_error": QUIET if quiet else None,
                }
            )
    return rows


def _follow_up_rows(conn: Connection, now: datetime) -> list[dict[str, Any]]:
    """The latest follow-up due for each application quiet in «Отклик отправлен» (an application
    found two weeks quiet at once gets only the two-week one)."""
    last = timedelta(days=NO_ANSWER_AFTER_DAYS)
    done = exists().where(
        r.user_id == uv.user_id,
        r.vacancy_id == uv.vacancy_id,
        r.kind == "follow_up",
        r.due_at >= uv.stage_at + last,
    )
    candidates = conn.execute(
        select(uv.user_id, uv.vacancy_id, uv.stage_at)
        .join(users, u.id == uv.user_id)
        .where(
            _linked(),
            uv.stage == "applied",
            uv.stage_at <= now - timedelta(days=FOLLOW_UP_AFTER_DAYS),
            ~done,
        )
        .order_by(uv.user_id, uv.vacancy_id)
    )
    rows = []
    for c in candidates:
        days = NO_ANSWER_AFTER_DAYS if c.stage_at + last <= now else FOLLOW_UP_AFTER_DAYS
        rows.append(
            {
                "user_id": c.user_id,
                "vacancy_id": c.vacancy_id,
                "kind": "follow_up",
                "due_at": c.stage_at + timedelta(days=days),
                "status": "pending",
                "last_error": None,
            }
        )
    return rows


# -- what to send -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A pending reminder that is due, with the application's state now."""

    id: int
    kind: str
    due_at: datetime
    reminder: messages.Reminder


def _pending(conn: Connection, user_id: int, now: datetime) -> list[Due]:
    query = (
        select(
            r.id,
            r.kind,
            r.due_at,
            r.vacancy_id,
            v.name,
            v.employer_name,
            v.url,
            uv.stage,
            uv.stage_at,
            uv.next_step_at,
            uv.next_step_note,
        )
        .join(user_vacancies, and_(uv.user_id == r.user_id, uv.vacancy_id == r.vacancy_id))
        .join(vacancies, v.id == r.vacancy_id)
        .where(r.user_id == user_id, r.status == "pending", r.due_at <= now)
        .order_by(r.due_at, uv.next_step_at.asc().nulls_last(), r.id)  # the earlier step first
    )
    result = []
    for row in conn.execute(query):
        days = 0
        if row.kind == "follow_up" and row.stage_at is not None:
            days = round((row.due_at - row.stage_at) / timedelta(days=1))
        result.append(
            Due(
                row.id,
                row.kind,
                row.due_at,
                messages.Reminder(
                    kind=row.kind,
                    vacancy_id=row.vacancy_id,
                    name=row.name,
                    employer_name=row.employer_name,
                    url=row.url,
                    stage=row.stage,
                    stage_at=row.stage_at,
                    next_step_at=row.next_step_at,
                    next_step_note=row.next_step_note,
                    follow_up_days=days,
                    suggest_no_answer=days >= NO_ANSWER_AFTER_DAYS,
                ),
            )
        )
    return result


def stale(due: Due, now: datetime, time_zone: str) -> str | None:
    """Why a due reminder is no longer worth sending (None: it is)."""
    a = due.reminder
    if due.kind == "follow_up":
        if a.stage != "applied" or a.stage_at is None:
            return MOVED_ON
        if a.follow_up_days not in (FOLLOW_UP_AFTER_DAYS, NO_ANSWER_AFTER_DAYS) or (
            due.due_at != a.stage_at + timedelta(days=a.follow_up_days)
        ):
            return MOVED_ON  # applied again since: the clock started over
        if a.follow_up_days < NO_ANSWER_AFTER_DAYS <= (now - a.stage_at) / timedelta(days=1):
            return SUPERSEDED
        return None
    if a.next_step_at is None:
        return REMOVED
    if a.stage in CLOSING:
        return CLOSED
    if step_due(due.kind, a.next_step_at, time_zone) != due.due_at:
        return MOVED
    if now >= a.next_step_at:
        return BEGUN
    return None


def _sent_hour_before(conn: Connection, user_id: int, now: datetime) -> set[tuple[int, datetime]]:
    rows = conn.execute(
        select(r.vacancy_id, r.due_at).where(
            r.user_id == user_id, r.kind == "hour_before", r.status == "sent", r.due_at > now - _HORIZON
        )
    )
    return {(row.vacancy_id, row.due_at) for row in rows}


def _skip(conn: Connection, reasons: dict[int, str]) -> None:
    for reminder_id, reason in reasons.items():
        conn.execute(
            update(application_reminders)
            .where(r.id == reminder_id, r.status == "pending")
            .values(status="skipped", last_error=reason)
        )


def _fresh(conn: Connection, rows: Sequence[Due], now: datetime, time_zone: str) -> list[Due]:
    """Skip what went stale (in this transaction); the rest, in the order they fell due."""
    reasons = {d.id: why for d in rows if (why := stale(d, now, time_zone)) is not None}
    _skip(conn, reasons)
    return [d for d in rows if d.id not in reasons]


def _one_per_step(conn: Connection, user_id: int, rows: Sequence[Due], now: datetime) -> list[Due]:
    """A morning reminder that would come with (or after) the hour-before one of its step is
    skipped: one message is enough."""
    hour_before = {(d.reminder.vacancy_id, d.due_at) for d in rows if d.kind == "hour_before"}
    hour_before |= _sent_hour_before(conn, user_id, now)
    reasons = {
        d.id: HOUR_BEFORE_GOES
        for d in rows
        if d.kind == "morning"
        and d.reminder.next_step_at is not None
        and (d.reminder.vacancy_id, d.reminder.next_step_at - HOUR_BEFORE) in hour_before
    }
    _skip(conn, reasons)
    return [d for d in rows if d.id not in reasons]


# -- delivery ------------------------------------------------------------------------------------------


def _users_with_due(conn: Connection, now: datetime) -> list[int]:
    query = (
        select(r.user_id)
        .join(users, u.id == r.user_id)
        .where(r.status == "pending", r.due_at <= now, _linked())  # an unlinked user's wait
        .distinct()
        .order_by(r.user_id)
    )
    return list(conn.execute(query).scalars())


def _record(conn: Connection, reminder_id: int, now: datetime, error: str | None = None) -> None:
    values: dict[str, Any] = {"attempts": r.attempts + 1, "last_attempt_at": now}
    if error is None:
        values |= {"status": "sent", "sent_at": now, "last_error": None}
    else:
        values["last_error"] = error[:1000]
    conn.execute(
        update(application_reminders).where(r.id == reminder_id, r.status == "pending").values(values)
    )


def deliver_user(
    engine: Engine, settings: Settings, bot: Bot, user_id: int, *, now: datetime
) -> dict[str, Any]:
    """Send the user's due reminders (one message each, oldest first) unless they cannot be
    reached now (no chat, blocked, quiet hours: the rows wait). Stale rows are skipped first."""
    stats: dict[str, Any] = {"sent": 0, "skipped": 0}
    with engine.connect() as lock_conn, lock_conn.begin():
        outbox.lock_user(lock_conn, user_id)  # the outbox's lock: one delivery to a user at a time
        with engine.begin() as conn:
            who = outbox.recipient(conn, user_id, settings)
            if who is None:
                return stats
            rows = _pending(conn, user_id, now)
            send = _fresh(conn, rows, now, who.time_zone)
            stats["skipped"] = len(rows) - len(send)
            if not send:
                return stats
            if who.chat_id is None or who.blocked_at is not None:
                return stats | {"waiting": len(send), "note": "not reachable: no chat, or the bot is blocked"}
            if who.quiet_at(now):
                return stats | {"waiting": len(send), "note": "quiet hours: sent when they end"}
            sending = _one_per_step(conn, user_id, send, now)
            stats["skipped"] += len(send) - len(sending)
            send = sending
        for number, due in enumerate(send):
            text, keyboard = messages.build_reminder(
                due.reminder, now=now, time_zone=who.time_zone, lang=who.lang
            )
            try:
                bot.send_message(who.chat_id, text, keyboard)
            except TelegramError as error:
                with engine.begin() as conn:
                    _record(conn, due.id, now, str(error))
                    if isinstance(error, BotBlocked):
                        set_blocked(conn, who.chat_id, True)
                stats |= {"failed": stats.get("failed", 0) + 1, "telegram_error": str(error)}
                _log.warning("Telegram: reminder %d to user %s not sent: %s", due.id, who.login, error)
                if isinstance(error, BotBlocked | RateLimited):
                    stats["waiting"] = len(send) - number - 1
                    break
                continue
            with engine.begin() as conn:
                _record(conn, due.id, now)
            stats["sent"] += 1
            _log.info(
                "Telegram: reminded user %s (%s, vacancy %d)", who.login, due.kind, due.reminder.vacancy_id
            )
    return stats


def deliver_reminders(
    engine: Engine, settings: Settings, now: datetime, *, bot: Bot | None = None
) -> dict[str, Any]:
    """Make the rows for what is due, then send every user's due reminders. Failures are recorded on
    the rows (retried next time), never raised. Figures: ``made``, ``sent``, ``skipped``, and
    ``waiting`` / ``failed`` when some did not go."""
    if not settings.telegram_token:
        return {"sent": 0, "note": NOT_CONFIGURED}
    with engine.begin() as conn:
        made = due_reminders(conn, now, settings=settings)
        user_ids = _users_with_due(conn, now)
    totals: dict[str, Any] = {"made": made, "sent": 0, "skipped": 0}
    if user_ids:
        bot = bot or Bot(settings)
    for user_id in user_ids:
        assert bot is not None
        result = deliver_user(engine, settings, bot, user_id, now=now)
        for key in ("sent", "skipped", "waiting", "failed"):
            if result.get(key):
                totals[key] = totals.get(key, 0) + result[key]
        if "telegram_error" in result:
            totals["telegram_error"] = result["telegram_error"]  # the last one; each is on its row
    return totals
