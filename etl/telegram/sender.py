"""Delivery through the Telegram Bot API (pyTelegramBotAPI), from the outbox.

* :func:`notify_job` — the harvest's notify step for one (run, saved search): queue what the
  search found new for its owner, then deliver — once the owner's last search of the run is past
  this step, so a user gets **one** message per run however many searches they have;
* :func:`deliver_pending` — deliver everything due for every user (housekeeping: the morning
  digest after quiet hours on days without harvests, and anything a failure left behind).

A user with a threshold (``/min N``) is not told about vacancies scored below it: the message says
how many were held back, and those rows are skipped when it goes out; unscored ones are told.

Policy: a 429 waits ``retry_after`` (up to ``JH_TELEGRAM_MAX_RETRY_AFTER`` seconds, at most
``JH_TELEGRAM_RETRIES`` times) and tries again, else the rows wait for the next delivery; a 403
(the user blocked the bot) marks the user blocked and nothing is sent to them until they
``/start`` the bot again; any other failure is recorded on the rows and retried next time. Rows are
marked sent only after Telegram accepted the message. Deliveries to one user are serialised by a
PostgreSQL advisory lock, so concurrent notify tasks never send the same rows twice.

The bot token is part of every Bot API URL: errors raised here never contain it, and
:mod:`etl.telegram.redact` scrubs it from every log record of the process.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests
import telebot
from sqlalchemy import Engine, select
from telebot import apihelper, types

from core.schema import searches
from core.settings import Settings
from core.telegram_links import set_blocked
from etl import audit
from etl.telegram import messages, outbox
from etl.telegram.redact import protect, redact

_log = logging.getLogger(__name__)
_URL_IN_ERROR = re.compile(r"url: \S+")

NOT_CONFIGURED = "Telegram notifications are not configured (JH_TELEGRAM_BOT_TOKEN)"
NOT_LINKED = "the user has not linked a Telegram chat"
OPEN_RUN_HORIZON = timedelta(hours=6)  # an audit row open longer than this is an abandoned run
MIN_INTERVAL = 0.04  # seconds between two Bot API calls of this process (Telegram allows ~30/s)


class TelegramError(Exception):
    """A Bot API call failed. The message is safe to log and store: it never holds the token."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(redact(message))
        self.code = code


class BotBlocked(TelegramError):
    """403: the user blocked the bot (or deleted the chat)."""


class RateLimited(TelegramError):
    """429 with a longer wait than we are willing to spend now, or too many of them."""


def configure(settings: Settings) -> str:
    """Point pyTelegramBotAPI at ``JH_TELEGRAM_API_URL``; returns the token (registered for redaction)."""
    token = settings.telegram_token
    if not token:
        raise TelegramError(NOT_CONFIGURED)
    protect(token)
    apihelper.API_URL = f"{settings.telegram_api_url}/bot{{0}}/{{1}}"
    apihelper.FILE_URL = f"{settings.telegram_api_url}/file/bot{{0}}/{{1}}"
    return token


class Bot:
    """The Bot API calls delivery needs, with the 429 policy and errors without the token."""

    _pace = threading.Lock()
    _last_call = 0.0

    def __init__(self, settings: Settings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        token = configure(settings)
        self.telebot = telebot.TeleBot(token, threaded=False)
        self.timeout = settings.telegram_timeout
        self.retries = settings.telegram_retries
        self.max_retry_after = settings.telegram_max_retry_after
        self.sleep = sleep

    def send_message(
        self, chat_id: int, text: str, keyboard: list[list[messages.Button]] | None = None
    ) -> int:
        markup = None
        if keyboard:
            markup = types.InlineKeyboardMarkup()
            for row in keyboard:
                markup.row(*(types.InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in row))
        sent = self.call(
            self.telebot.send_message,
            chat_id,
            text,
            parse_mode="HTML",
            reply_markup=markup,
            link_preview_options=types.LinkPreviewOptions(is_disabled=True),
            timeout=self.timeout,
        )
        return sent.message_id

    def send_document(self, chat_id: int, filename: str, content: bytes, caption: str) -> int:
        sent = self.call(
            self.telebot.send_document,
            chat_id,
            (filename, content),
            caption=caption[: messages.MAX_CAPTION],
            timeout=self.timeout,
        )
        return sent.message_id

    def call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call a TeleBot method; 429s wait and retry, everything else becomes a :class:`TelegramError`."""
        name = getattr(method, "__name__", "call")
        for attempt in range(self.retries + 1):
            self._keep_pace()
            try:
                return method(*args, **kwargs)
            except apihelper.ApiTelegramException as error:
                if error.error_code != 429:
                    raise _converted(error) from None
                parameters = (error.result_json or {}).get("parameters") or {}
                wait = float(parameters.get("retry_after") or 1)
                if attempt >= self.retries or wait > self.max_retry_after:
                    raise RateLimited(
                        f"429 {error.description} (retry after {wait:g} s) on {name}", code=429
                    ) from None
                _log.warning("Telegram asks to wait %g s before %s (429); waiting", wait, name)
                self.sleep(wait)
            except (apihelper.ApiException, requests.RequestException) as error:
                raise _converted(error) from None
        raise AssertionError("unreachable")  # pragma: no cover

    @classmethod
    def _keep_pace(cls) -> None:
        with cls._pace:
            wait = cls._last_call + MIN_INTERVAL - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            cls._last_call = time.monotonic()


def _converted(error: Exception) -> TelegramError:
    if isinstance(error, apihelper.ApiTelegramException):
        text = f"{error.error_code} {error.description}"
        if error.error_code == 403:
            return BotBlocked(text, code=403)
        return TelegramError(text, code=error.error_code)
    if isinstance(error, apihelper.ApiHTTPException):
        status = getattr(error.result, "status_code", None)
        return TelegramError(f"HTTP {status} from the Bot API", code=status)
    if isinstance(error, apihelper.ApiException):
        return TelegramError(f"unexpected answer from the Bot API: {type(error).__name__}")
    return TelegramError(f"Bot API unreachable: {describe(error)}")


def describe(error: BaseException) -> str:
    """A network error in one line, without the request URL (it holds the token and the whole text)."""
    return redact(f"{type(error).__name__}: {_URL_IN_ERROR.sub('url: …', str(error))}")


# -- delivery ---------------------------------------------------------------------------------------------


def deliver_user(
    engine: Engine,
    settings: Settings,
    bot: Bot,
    user_id: int,
    *,
    now: datetime,
    run_id: str | None = None,
    search_id: int | None = None,
) -> dict[str, Any]:
    """Send the user everything due, as one message (plus its CSV) — unless they are not done.

    With ``run_id``/``search_id`` (a notify step), waits for the user's other searches of that run;
    without, for any run in progress. Returns small JSON-able figures.
    """
    stats: dict[str, Any] = {"sent": 0, "vacancies_sent": 0, "documents": 0}
    with engine.connect() as lock_conn, lock_conn.begin():
        outbox.lock_user(lock_conn, user_id)
        with engine.begin() as conn:
            if run_id is not None:
                busy = outbox.open_jobs(conn, user_id, [run_id], exclude_search_id=search_id)
            else:
                busy = outbox.open_jobs(
                    conn, user_id, outbox.runs_in_progress(conn, since=now - OPEN_RUN_HORIZON)
                )
            who = outbox.recipient(conn, user_id, settings)
            waiting = outbox.pending_count(conn, user_id)
        if who is None or who.chat_id is None:
            return stats | {"pending": waiting, "note": NOT_LINKED}
        if busy:
            note = "waiting for the user's other searches of this run; the last one sends"
            if run_id is None:
                note = "waiting for a harvest of the user's searches in progress"
            return stats | {"pending": waiting, "note": note}
        if who.blocked_at is not None:
            return stats | {"pending": waiting, "note": "the user blocked the bot; nothing sent until /start"}
        if who.quiet_at(now):
            return stats | {"pending": waiting, "note": "quiet hours: sent as a digest when they end"}
        _send_documents(engine, bot, who, stats)
        if stats.get("blocked"):
            return stats | {"pending": waiting}
        _send_message(engine, settings, bot, who, now, stats)
    return stats


def _send_message(
    engine: Engine, settings: Settings, bot: Bot, who: outbox.Recipient, now: datetime, stats: dict[str, Any]
) -> None:
    assert who.chat_id is not None
    with engine.begin() as conn:
        skipped = outbox.skip_unwanted(conn, who.id)
        rows = outbox.pending(conn, who.id)
    if skipped:
        stats["skipped"] = skipped
    # Below the user's threshold: counted in the message, never listed. They stay pending until
    # the message goes out (a failed send counts them again next time), then are skipped with it.
    held = [outbox_id for outbox_id, item in rows if messages.below(item, who.min_score)]
    rows = [(outbox_id, item) for outbox_id, item in rows if not messages.below(item, who.min_score)]
    if held:
        stats["below_threshold"] = len(held)
    if not rows:
        with engine.begin() as conn:
            outbox.skip_below_threshold(conn, held)
        stats["pending"] = 0
        return
    ids = [outbox_id for outbox_id, _ in rows]
    items = [item for _, item in rows]
    message = messages.build_message(
        items, list_size=settings.telegram_list_size, held_back=len(held), threshold=who.min_score
    )
    try:
        message_id = bot.send_message(who.chat_id, message.text, message.keyboard)
    except TelegramError as error:
        _failed(engine, who, ids, error, stats)
        stats["pending"] = len(ids) + len(held)
        return
    with engine.begin() as conn:
        delivery_id = outbox.record_sent(
            conn,
            user_id=who.id,
            chat_id=who.chat_id,
            ids=ids,
            run_ids=[i.run_id for i in items],
            message_id=message_id,
            document_needed=message.needs_document,
        )
        outbox.skip_below_threshold(conn, held)
    stats["sent"] += 1
    stats["vacancies_sent"] += len(ids)
    stats["pending"] = 0
    _log.info("Telegram: told user %s about %d vacancies (delivery %d)", who.login, len(ids), delivery_id)
    if message.needs_document:
        _send_document(engine, bot, who, outbox.Delivery(delivery_id, who.chat_id, len(ids), now), now, stats)


def _send_documents(engine: Engine, bot: Bot, who: outbox.Recipient, stats: dict[str, Any]) -> None:
    """CSVs that failed after their message went out: send them first."""
    with engine.connect() as conn:
        left = outbox.unfinished_documents(conn, who.id)
    for delivery in left:
        _send_document(engine, bot, who, delivery, None, stats)
        if stats.get("blocked"):
            return


def _send_document(
    engine: Engine,
    bot: Bot,
    who: outbox.Recipient,
    delivery: outbox.Delivery,
    now: datetime | None,
    stats: dict[str, Any],
) -> None:
    assert who.chat_id is not None
    with engine.connect() as conn:
        items = outbox.delivery_items(conn, delivery.id)
    day = (now or datetime.now(UTC)).astimezone(ZoneInfo(who.time_zone)).date()
    content = messages.build_csv(items, time_zone=who.time_zone)
    caption = messages.document_caption(
        len(items), None if now is not None else delivery.sent_at, who.time_zone
    )
    try:
        message_id = bot.send_document(who.chat_id, messages.csv_filename(day), content, caption)
    except TelegramError as error:
        with engine.begin() as conn:
            outbox.record_document(conn, delivery.id, error=str(error))
        if isinstance(error, BotBlocked):
            _mark_blocked(engine, who)
            stats["blocked"] = True
        stats["telegram_error"] = str(error)
        _log.warning("Telegram: the CSV for user %s is not sent yet: %s", who.login, error)
        return
    with engine.begin() as conn:
        outbox.record_document(conn, delivery.id, message_id=message_id)
    stats["documents"] += 1


def _failed(
    engine: Engine, who: outbox.Recipient, ids: list[int], error: TelegramError, stats: dict[str, Any]
) -> None:
    with engine.begin() as conn:
        outbox.record_failure(conn, ids, str(error))
    if isinstance(error, BotBlocked):
        _mark_blocked(engine, who)
        stats["blocked"] = True
        stats["note"] = "the user blocked the bot; nothing sent until /start"
    else:
        stats["failed"] = len(ids)
        stats["note"] = "delivery failed; retried by the next delivery"
    stats["telegram_error"] = str(error)
    _log.warning("Telegram: message to user %s not sent: %s", who.login, error)


def _mark_blocked(engine: Engine, who: outbox.Recipient) -> None:
    assert who.chat_id is not None
    with engine.begin() as conn:
        set_blocked(conn, who.chat_id, True)


# -- entry points ----------------------------------------------------------------------------------------


def notify_job(
    engine: Engine,
    settings: Settings,
    *,
    run_id: str,
    search_id: int,
    source: str,
    now: datetime | None = None,
    bot: Bot | None = None,
) -> dict[str, Any]:
    """The notify step of one (run, saved search, board): queue, then deliver if the owner's run is
    done.

    Figures for the audit row: ``enqueued``, ``sent`` (messages), ``vacancies_sent``, ``documents``,
    ``pending``, and a ``note`` / ``telegram_error`` when nothing went out.
    """
    if not settings.telegram_token:
        return {"sent": 0, "note": NOT_CONFIGURED}
    user_id, queued = _enqueue(engine, settings, run_id=run_id, search_id=search_id, source=source)
    if queued is None:
        return {"sent": 0, "enqueued": 0, "note": NOT_LINKED}
    try:
        result = deliver_user(
            engine,
            settings,
            bot or Bot(settings),
            user_id,
            now=now or datetime.now(UTC),
            run_id=run_id,
            search_id=search_id,
        )
    except TelegramError as error:  # not a delivery failure (those are recorded): a configuration one
        result = {"sent": 0, "telegram_error": str(error)}
    return {"enqueued": queued, **result}


def enqueue_job(
    engine: Engine, settings: Settings, *, run_id: str, search_id: int, source: str
) -> dict[str, Any]:
    """Only queue what one (run, saved search) found new for its owner — for a caller that delivers
    once at the end with :func:`deliver_pending` (e.g. a command-line harvest of several searches)."""
    if not settings.telegram_token:
        return {"sent": 0, "note": NOT_CONFIGURED}
    _, queued = _enqueue(engine, settings, run_id=run_id, search_id=search_id, source=source)
    if queued is None:
        return {"sent": 0, "enqueued": 0, "note": NOT_LINKED}
    return {"sent": 0, "enqueued": queued}


def _enqueue(
    engine: Engine, settings: Settings, *, run_id: str, search_id: int, source: str
) -> tuple[int, int | None]:
    """Queue (when the owner has a chat) and record a preliminary ``notify`` entry in the audit row, in
    one transaction: that entry is what tells the owner's other notify steps this search is done.
    Returns the owner and how many were queued (None: no linked chat)."""
    with engine.begin() as conn:
        user_id = conn.execute(select(searches.c.user_id).where(searches.c.id == search_id)).scalar_one()
        who = outbox.recipient(conn, user_id, settings)
        linked = who is not None and who.chat_id is not None
        queued = outbox.enqueue(conn, run_id=run_id, search_id=search_id, user_id=user_id) if linked else None
        audit.record_step(
            conn,
            run_id=run_id,
            search_id=search_id,
            source=source,
            step="notify",
            stats={"enqueued": queued or 0, "sent": 0},
        )
    return user_id, queued


def deliver_pending(
    engine: Engine, settings: Settings, *, now: datetime | None = None, bot: Bot | None = None
) -> dict[str, Any]:
    """Deliver everything due to every linked user: one message (and CSV) each.

    For the housekeeping DAG (morning digests on days without harvests; anything a failure left
    behind) and for the end of a harvest run. Users with a run still in progress, in quiet hours
    or blocked are left for later.
    """
    if not settings.telegram_token:
        return {"sent": 0, "note": NOT_CONFIGURED}
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        user_ids = outbox.users_with_work(conn)
    totals: dict[str, Any] = {"users": len(user_ids), "sent": 0, "vacancies_sent": 0, "documents": 0}
    if not user_ids:
        return totals
    bot = bot or Bot(settings)
    for user_id in user_ids:
        result = deliver_user(engine, settings, bot, user_id, now=now)
        for key in ("sent", "vacancies_sent", "documents"):
            totals[key] += result.get(key, 0)
        if result.get("below_threshold"):
            totals["below_threshold"] = totals.get("below_threshold", 0) + result["below_threshold"]
        for key, flag in (("failed", "failed"), ("blocked", "blocked")):
            if result.get(flag):
                totals[key] = totals.get(key, 0) + 1
        if result.get("pending") and not result.get("sent"):
            totals["waiting"] = totals.get("waiting", 0) + 1
    return totals
