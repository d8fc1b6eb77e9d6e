"""«Рынок за неделю»: the optional weekly market digest in Telegram, sent once per user per week.

A user turns it on with ``/market on`` in the bot or on the Telegram card of the profile page
(``t05.market_digest_since``, :func:`core.users.set_market_digest`). From Monday 09:00 their
local time — after their quiet hours, if those last longer — they get the figures of the week
that ended on Sunday, computed by :func:`domain.market.figures` over all their vacancies (hidden
ones left out): new vacancies, the median monthly salary with how many published one, the share
that publish a salary, and the key skill that rose most against the week before. A week with no
new vacancy sends nothing (the row is skipped with that reason).

Each week's digest is a row of ``t25_jh_market_digests`` (user × Monday), made when it falls due
for a user who asked for it before that Monday 09:00, so a re-run or a second process never sends
it twice; it is ``pending`` until Telegram accepts it, or ``skipped`` (nothing to tell, turned off,
or a newer week came). Sending reuses :class:`etl.telegram.sender.Bot` and the outbox's per-user
advisory lock; a 403 marks the user blocked, other failures are counted on the row and retried by
the next hourly delivery (``hh_housekeeping.deliver_market_digests``). Everything takes ``now``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from core.schema import market_digests, users
from core.settings import Settings
from core.telegram_links import set_blocked
from domain.market import figures
from domain.market.model import Market, Scope
from etl.telegram import digest_text, outbox
from etl.telegram.sender import NOT_CONFIGURED, Bot, BotBlocked, RateLimited, TelegramError

_log = logging.getLogger(__name__)

SEND_AT: Final = time(9, 0)  # local time on Monday
WEEK: Final = 7
NOTHING_NEW = "no new vacancy that week"
SUPERSEDED = "a newer week's digest is due"


def week_due(now: datetime, time_zone: str) -> date:
    """The Monday of ``now``'s week in ``time_zone`` whose digest is due by ``now``: this week's
    once Monday 09:00 local has come, else last week's."""
    local = now.astimezone(ZoneInfo(time_zone))
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, SEND_AT, tzinfo=local.tzinfo):
        monday -= timedelta(days=WEEK)
    return monday


def send_moment(week: date, time_zone: str) -> datetime:
    """When ``week``'s digest falls due: Monday 09:00 local."""
    return datetime.combine(week, SEND_AT, tzinfo=ZoneInfo(time_zone))


def scope_of(user_id: int, week: date) -> Scope:
    """The figures a digest tells: the seven days before its Monday."""
    return Scope(user_id=user_id, today=week - timedelta(days=1), days=WEEK)


@dataclass(frozen=True)
class _Wanting:
    user_id: int
    since: datetime
    time_zone: str


def due_digests(conn: Connection, now: datetime, settings: Settings) -> int:
    """Make the row of each week's digest now due for a user who asked for it before it fell due
    and has a linked chat; returns how many rows were made (0 on a re-run)."""
    rows = conn.execute(
        select(users.c.id, users.c.market_digest_since, users.c.time_zone).where(
            users.c.market_digest_since.is_not(None),
            users.c.telegram_chat_id.is_not(None),
            users.c.is_active,
        )
    ).all()
    made = 0
    for row in rows:
        wanting = _Wanting(row.id, row.market_digest_since, row.time_zone or settings.telegram_time_zone)
        week = week_due(now, wanting.time_zone)
        if wanting.since > send_moment(week, wanting.time_zone):
            continue  # asked for it after this week's was due: the first comes next Monday
        made += len(
            conn.execute(
                pg_insert(market_digests)
                .values(user_id=wanting.user_id, week=week)
                .on_conflict_do_nothing(index_elements=["user_id", "week"])
                .returning(market_digests.c.week)
            ).all()
        )
    return made


def _skip_older(conn: Connection, user_id: int, week: date) -> int:
    return conn.execute(
        update(market_digests)
        .where(
            market_digests.c.user_id == user_id,
            market_digests.c.status == "pending",
            market_digests.c.week < week,
        )
        .values(status="skipped", last_error=SUPERSEDED)
    ).rowcount


def _record(conn: Connection, user_id: int, week: date, now: datetime, error: str | None = None) -> None:
    values: dict[str, Any] = {"attempts": market_digests.c.attempts + 1, "last_attempt_at": now}
    values |= {"last_error": error} if error else {"status": "sent", "sent_at": now, "last_error": None}
    conn.execute(
        update(market_digests)
        .where(market_digests.c.user_id == user_id, market_digests.c.week == week)
        .values(**values)
    )


def _pending_week(conn: Connection, user_id: int) -> date | None:
    return conn.execute(
        select(func.max(market_digests.c.week)).where(
            market_digests.c.user_id == user_id, market_digests.c.status == "pending"
        )
    ).scalar()


def deliver_user(
    engine: Engine, settings: Settings, bot: Bot, user_id: int, *, now: datetime
) -> dict[str, Any]:
    """Send the user's pending digest (the newest week; older pending ones are skipped) unless
    they cannot be reached now (quiet hours, blocked: the row waits)."""
    stats: dict[str, Any] = {"sent": 0, "skipped": 0}
    with engine.connect() as lock_conn, lock_conn.begin():
        outbox.lock_user(lock_conn, user_id)  # the outbox's lock: one delivery to a user at a time
        with engine.begin() as conn:
            week = _pending_week(conn, user_id)
            if week is None:
                return stats
            stats["skipped"] += _skip_older(conn, user_id, week)
            who = outbox.recipient(conn, user_id, settings)
            if who is None or who.chat_id is None or who.blocked_at is not None:
                return stats | {"waiting": 1, "note": "not reachable: no chat, or the bot is blocked"}
            if who.quiet_at(now):
                return stats | {"waiting": 1, "note": "quiet hours: sent when they end"}
            market: Market = figures(conn, scope_of(user_id, week))
            if digest_text.new_vacancies(market) == 0:
                conn.execute(
                    update(market_digests)
                    .where(market_digests.c.user_id == user_id, market_digests.c.week == week)
                    .values(status="skipped", last_error=NOTHING_NEW, last_attempt_at=now)
                )
                return stats | {"skipped": stats["skipped"] + 1}
        text = digest_text.build(market, lang=who.lang)
        try:
            bot.send_message(who.chat_id, text)
        except TelegramError as error:
            with engine.begin() as conn:
                _record(conn, user_id, week, now, str(error))
                if isinstance(error, BotBlocked):
                    set_blocked(conn, who.chat_id, True)
            _log.warning("Telegram: market digest to user %s not sent: %s", who.login, error)
            waiting = {"waiting": 1} if isinstance(error, BotBlocked | RateLimited) else {}
            return stats | {"failed": 1, "telegram_error": str(error)} | waiting
        with engine.begin() as conn:
            _record(conn, user_id, week, now)
        _log.info("Telegram: market digest of the week of %s sent to user %s", week, who.login)
    return stats | {"sent": 1}


def deliver_digests(
    engine: Engine, settings: Settings, now: datetime, *, bot: Bot | None = None
) -> dict[str, Any]:
    """Make the rows of the digests now due, then send each user's. Failures are recorded on the
    rows (retried next time), never raised. Figures: ``made``, ``sent``, ``skipped``, and
    ``waiting`` / ``failed`` when some did not go."""
    if not settings.telegram_token:
        return {"sent": 0, "note": NOT_CONFIGURED}
    with engine.begin() as conn:
        made = due_digests(conn, now, settings)
        user_ids = (
            conn.execute(
                select(market_digests.c.user_id)
                .where(market_digests.c.status == "pending")
                .group_by(market_digests.c.user_id)
                .order_by(market_digests.c.user_id)
            )
            .scalars()
            .all()
        )
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
            totals["telegram_error"] = result["telegram_error"]
    return totals
