"""The Job Hunter bot (``jobhunter bot``): long polling, chat linking, triage buttons.

Commands (answers in Russian):

* ``/start <token>`` — the deep link from the web profile page: binds this private chat to that
  user (single-use token); a bare ``/start`` says how to link, or — in a linked chat — that it is
  linked (and lifts a "blocked" mark: the user is talking to the bot again);
* ``/stop`` — unlinks the chat; ``/status`` — the user's saved searches with their last run;
* ``/quiet 22:00-08:00`` (or ``off``, ``default``) and ``/tz Europe/Moscow`` — quiet hours;
* ``/min 60`` — tell only about vacancies matching the user's profile by at least 60%
  (``t05.notify_min_score``, also set on the profile page); ``/min`` shows it, ``/min off`` or
  ``/min 0`` clears it. Answered in the user's language of the web app (Russian or English);
* ⭐ / 🚫 under a message — favourite / hide that vacancy, for the user this chat is linked to only;
* ✅ Откликнулся under a new vacancy, «Нет ответа» / «Собеседование» under a follow-up reminder —
  the application's stage (``domain.applications``, via "telegram"), for the chat's own user only;
  a second press changes nothing and says so. Answered in the user's language.
* ``/market`` — the user's market of the last seven days (``domain.market``); ``/market on`` /
  ``off`` — «Рынок за неделю» every Monday morning (:mod:`etl.telegram.digest`). In the user's
  language.

Handlers are plain functions of ``(engine, settings, …)`` returning the answer text, so they are
tested without Telegram; :func:`build_bot` wires them into a ``TeleBot``; :func:`run` polls.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

import requests
import telebot
from sqlalchemy import Engine, and_, func, select, update
from telebot import apihelper, types

from core import telegram_links as links
from core.schema import etl_runs, searches, user_vacancies, users
from core.settings import Settings
from core.users import set_market_digest, set_notify_min_score, wants_market_digest
from domain import applications
from domain.market import figures
from domain.market.model import Scope
from domain.matching.store import user_profile
from etl.telegram import digest, digest_text, messages, outbox, reminders
from etl.telegram.sender import TelegramError, configure, describe

_log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
#: How often the running bot sends reminders that fell due (housekeeping does it hourly too).
REMINDERS_EVERY = timedelta(minutes=5)

COMMANDS = [
    ("start", "Привязать чат к пользователю Job Hunter"),
    ("status", "Мои поиски и последний запуск"),
    ("quiet", "Тихие часы, например /quiet 22:00-08:00"),
    ("tz", "Часовой пояс, например /tz Europe/Moscow"),
    ("min", "Порог совпадения, например /min 60"),
    ("market", "Рынок за неделю; /market on — каждый понедельник"),
    ("stop", "Отвязать чат"),
    ("help", "Что умеет бот"),
]
_STATUS_NAMES = {
    "running": "идёт",
    "success": "успешно",
    "partial": "частично",
    "failed": "ошибка",
    "captcha": "капча hh.ru",
    "auth": "нет доступа к hh.ru",
}

HOW_TO_LINK = (
    "Чтобы получать сюда новые вакансии, откройте профиль в веб-приложении Job Hunter и нажмите "
    "ссылку «Подключить Telegram» — она откроет этот чат и привяжет его к вам."
)
HELP = (
    "Я присылаю новые вакансии из ваших сохранённых поисков (hh.ru, «Работа России», SuperJob) — "
    "одно сообщение на запуск, "
    "полный список в CSV.\n\n"
    "/status — ваши поиски и последний запуск\n"
    "/quiet 22:00-08:00 — тихие часы (/quiet off — без них, /quiet default — как у всех)\n"
    "/tz Europe/Moscow — часовой пояс для тихих часов\n"
    "/min 60 — присылать только вакансии, подходящие вам от 60% (/min off — все)\n"
    "/market — рынок ваших вакансий за неделю (/market on — присылать по понедельникам)\n"
    "/stop — отвязать этот чат\n\n"
    "Кнопки ⭐ и 🚫 под вакансией — в избранное и скрыть, ✅ — вы откликнулись: напомню о "
    "собеседовании утром и за час, а если ответа нет — через неделю. Всё видно в веб-приложении."
)


def _name(user: links.ChatUser) -> str:
    return escape(user.login)


# -- commands ------------------------------------------------------------------------------------------


def handle_start(engine: Engine, settings: Settings, chat_id: int, chat_type: str, payload: str) -> str:
    """``/start`` and ``/start <token>``."""
    if chat_type != "private":
        return "Привязать можно только личный чат с ботом: откройте ссылку из профиля в личных сообщениях."
    payload = payload.strip()
    with engine.begin() as conn:
        if payload:
            user = links.consume(conn, payload, chat_id)
            if user is None:
                return (
                    "Ссылка недействительна: она одноразовая и действует "
                    f"{settings.telegram_link_ttl_hours} ч. Откройте профиль в веб-приложении и "
                    "получите новую."
                )
            _log.info("Telegram: chat linked to user %s", user.login)
            return (
                f"Готово! Этот чат привязан к пользователю {_name(user)}. "
                "Новые вакансии будут приходить сюда.\n\n/help — что я умею."
            )
        user = links.chat_user(conn, chat_id)
        if user is None:
            return "Здравствуйте! " + HOW_TO_LINK
        if user.blocked_at is not None:
            links.set_blocked(conn, chat_id, False)
            return (
                f"С возвращением! Этот чат снова получает вакансии пользователя {_name(user)}; "
                "накопившееся придёт со следующей рассылкой."
            )
        return f"Этот чат привязан к пользователю {_name(user)}. /status — ваши поиски, /stop — отвязать."


def handle_stop(engine: Engine, chat_id: int) -> str:
    with engine.begin() as conn:
        login = links.unlink_chat(conn, chat_id)
    if login is None:
        return "Этот чат ни к кому не привязан."
    _log.info("Telegram: chat unlinked from user %s", login)
    return (
        f"Чат отвязан от пользователя {escape(login)}: вакансии сюда больше не придут. "
        "Подключить снова можно ссылкой из профиля."
    )


def handle_status(engine: Engine, settings: Settings, chat_id: int) -> str:
    with engine.connect() as conn:
        user = links.chat_user(conn, chat_id)
        if user is None:
            return "Этот чат не привязан. " + HOW_TO_LINK
        latest = (
            select(
                etl_runs.c.search_id,
                etl_runs.c.status,
                etl_runs.c.started_at,
                etl_runs.c.finished_at,
                etl_runs.c.new,
                func.row_number()
                .over(partition_by=etl_runs.c.search_id, order_by=etl_runs.c.started_at.desc())
                .label("n"),
            )
            .where(etl_runs.c.user_id == user.id)
            .subquery()
        )
        rows = conn.execute(
            select(
                searches.c.name,
                searches.c.is_active,
                latest.c.status,
                latest.c.started_at,
                latest.c.finished_at,
                latest.c.new,
            )
            .outerjoin(latest, and_(latest.c.search_id == searches.c.id, latest.c.n == 1))
            .where(searches.c.user_id == user.id)
            .order_by(searches.c.name)
        ).all()
        who = outbox.recipient(conn, user.id, settings)
        waiting = outbox.pending_count(conn, user.id)
    assert who is not None
    zone = ZoneInfo(who.time_zone)
    lines = [f"<b>{_name(user)}</b> — сохранённые поиски:"]
    if not rows:
        lines.append("пока нет; добавьте поиск в веб-приложении.")
    for row in rows:
        state = "" if row.is_active else " (на паузе)"
        if row.started_at is None:
            last = "ещё не запускался"
        else:
            when = (row.finished_at or row.started_at).astimezone(zone)
            last = (
                f"последний запуск {when:%d.%m %H:%M}: {_STATUS_NAMES.get(row.status, row.status)}, "
                f"новых {row.new}"
            )
        lines.append(f"• {escape(row.name)}{state} — {last}")
    quiet = "нет" if who.quiet is None else links.format_quiet_hours(who.quiet).replace("-", "–")
    lines.append("")
    lines.append(f"Тихие часы: {quiet} ({escape(who.time_zone)}).")
    threshold = "нет, приходят все вакансии" if who.min_score is None else f"от {who.min_score}%"
    lines.append(f"Порог совпадения: {threshold} (/min).")
    if who.blocked_at is not None:
        lines.append("Бот был заблокирован — теперь снова на связи.")
    if waiting:
        lines.append(f"Ждут отправки: {waiting}.")
    return "\n".join(lines)


def handle_quiet(engine: Engine, settings: Settings, chat_id: int, payload: str) -> str:
    with engine.begin() as conn:
        user = links.chat_user(conn, chat_id)
        if user is None:
            return "Этот чат не привязан. " + HOW_TO_LINK
        value = payload.strip().lower()
        if value in ("default", "по умолчанию"):
            links.set_quiet_hours(conn, user.id, "default")
        elif value:
            try:
                links.set_quiet_hours(conn, user.id, links.parse_quiet_hours(value))
            except ValueError:
                return "Не понял. Пример: /quiet 22:00-08:00, /quiet off или /quiet default."
        who = outbox.recipient(conn, user.id, settings)
    assert who is not None
    if who.quiet is None:
        return "Тихих часов нет: вакансии приходят сразу после каждого запуска."
    start, end = who.quiet
    return (
        f"Тихие часы: {start:%H:%M}–{end:%H:%M} ({escape(who.time_zone)}). "
        "Что найдётся в это время, придёт одним сообщением утром."
    )


def handle_tz(engine: Engine, settings: Settings, chat_id: int, payload: str) -> str:
    with engine.begin() as conn:
        user = links.chat_user(conn, chat_id)
        if user is None:
            return "Этот чат не привязан. " + HOW_TO_LINK
        if payload.strip():
            try:
                links.set_time_zone(conn, user.id, payload.strip())
            except ValueError:
                return "Не знаю такого часового пояса. Пример: /tz Europe/Moscow или /tz Asia/Novosibirsk."
        who = outbox.recipient(conn, user.id, settings)
    assert who is not None
    return f"Часовой пояс: {escape(who.time_zone)}."


_MIN_OFF = frozenset({"off", "выкл", "нет", "no", "none", "все", "всё", "all"})
_MIN_NUMBER = re.compile(r"(\d{1,3})\s*%?")
MIN_ANSWERS = {
    "ru": {
        "set": "Порог: {n}%. Присылаю только вакансии, которые подходят вам от {n}%; остальные — в "
        "веб-приложении. /min off — присылать все.",
        "none": "Порога нет: присылаю все новые вакансии. /min 60 — только подходящие вам от 60%.",
        "cleared": "Порог снят: присылаю все новые вакансии.",
        "bad": "Не понял. Порог — целое число от 0 до 100, например /min 60; /min off — без порога; "
        "/min — показать текущий.",
        "no_profile": "Оценок совпадения пока нет: заполните профиль (навыки, желаемая должность) в "
        "веб-приложении — до тех пор приходят все вакансии.",
    },
    "en": {
        "set": "Threshold: {n}%. I send only vacancies that match you by {n}% or more; the rest are in "
        "the web app. /min off sends everything.",
        "none": "No threshold: I send every new vacancy. /min 60 sends only those matching you by 60% "
        "or more.",
        "cleared": "Threshold removed: I send every new vacancy.",
        "bad": "I did not understand. The threshold is a whole number from 0 to 100, e.g. /min 60; "
        "/min off removes it; /min shows the current one.",
        "no_profile": "There are no match scores yet: fill in your profile (skills, desired role) in "
        "the web app — until then every vacancy is sent.",
    },
}


def parse_min_score(value: str) -> int | None:
    """``60`` / ``60%`` → 60; ``off`` (``выкл``, ``нет``…) or ``0`` → None (no threshold).
    Raises ``ValueError`` for anything else, including numbers above 100."""
    value = value.strip().lower()
    if value in _MIN_OFF:
        return None
    match = _MIN_NUMBER.fullmatch(value)
    if match is None or int(match.group(1)) > 100:
        raise ValueError(value)
    return int(match.group(1)) or None


def handle_min(engine: Engine, chat_id: int, payload: str, *, today: date | None = None) -> str:
    """``/min N`` sets the user's threshold, ``/min off`` / ``/min 0`` clears it, ``/min`` shows it."""
    with engine.begin() as conn:
        user = links.chat_user(conn, chat_id)
        if user is None:
            return "Этот чат не привязан. " + HOW_TO_LINK
        row = conn.execute(
            select(users.c.notify_min_score, outbox.LANG.label("lang")).where(users.c.id == user.id)
        ).one()
        say = MIN_ANSWERS[outbox.language(row.lang)]
        current = row.notify_min_score or None
        cleared = False
        if payload.strip():
            try:
                wanted = parse_min_score(payload)
            except ValueError:
                return say["bad"]
            set_notify_min_score(conn, user.id, wanted)
            cleared, current = wanted is None, wanted
            _log.info("Telegram: user %s set the match threshold to %s", user.login, wanted)
        if current is None:
            return say["cleared" if cleared else "none"]
        profile, _ = user_profile(conn, user.id, today or date.today())
    answer = say["set"].format(n=current)
    return answer if profile is not None else answer + "\n\n" + say["no_profile"]


MARKET_ANSWERS = {
    "ru": {
        "on": "Готово: «Рынок за неделю» буду присылать по понедельникам в 09:00 (после тихих часов). "
        "/market off — не присылать.",
        "off": "Больше не присылаю «Рынок за неделю». /market on — снова присылать.",
        "bad": "Не понял. /market — рынок за последние 7 дней, /market on — присылать по понедельникам, "
        "/market off — не присылать.",
        "empty": "За последние 7 дней новых вакансий в ваших поисках не было.",
        "state_on": "«Рынок за неделю» приходит по понедельникам (/market off — не присылать).",
        "state_off": "/market on — присылать это по понедельникам.",
    },
    "en": {
        "on": "Done: I will send «Market this week» on Mondays at 09:00 (after quiet hours). "
        "/market off stops it.",
        "off": "I no longer send «Market this week». /market on sends it again.",
        "bad": "I did not understand. /market is the market of the last 7 days, /market on sends it "
        "on Mondays, /market off stops it.",
        "empty": "There were no new vacancies in your searches in the last 7 days.",
        "state_on": "«Market this week» comes on Mondays (/market off stops it).",
        "state_off": "/market on sends this on Mondays.",
    },
}
_ON, _OFF = frozenset({"on", "вкл", "да", "yes"}), frozenset({"off", "выкл", "нет", "no"})


def handle_market(engine: Engine, chat_id: int, payload: str, *, now: datetime | None = None) -> str:
    """``/market on`` / ``off`` turns the weekly digest on or off; a bare ``/market`` answers with
    the market of the last seven days, as the digest would tell it."""
    now = now or datetime.now(UTC)
    with engine.begin() as conn:
        user = links.chat_user(conn, chat_id)
        if user is None:
            return "Этот чат не привязан. " + HOW_TO_LINK
        lang = outbox.language_of(conn, user.id)
        say = MARKET_ANSWERS[lang]
        word = payload.strip().lower()
        if word:
            if word not in _ON | _OFF:
                return say["bad"]
            set_market_digest(conn, user.id, word in _ON, now)
            _log.info("Telegram: user %s turned the market digest %s", user.login, word)
            return say["on" if word in _ON else "off"]
        market = figures(conn, Scope(user_id=user.id, today=now.date(), days=digest.WEEK))
        on = wants_market_digest(conn, user.id)
    state = say["state_on" if on else "state_off"]
    if digest_text.new_vacancies(market) == 0:
        return say["empty"] + "\n\n" + state
    return digest_text.build(market, lang=lang, footer=False) + "\n\n" + state


STAGE_ANSWERS = {
    "ru": {
        "applied": "Отмечено: отклик отправлен. Напомню, если не будет ответа.",
        "no_answer": "Отмечено: нет ответа.",
        "interview": "Отмечено: собеседование. Дату и время укажите в веб-приложении — напомню утром "
        "и за час.",
        "already": "Уже отмечено: {stage}.",
        "not_yours": "Эта вакансия не из ваших поисков.",
    },
    "en": {
        "applied": "Marked: application sent. I will remind you if there is no answer.",
        "no_answer": "Marked: no answer.",
        "interview": "Marked: interview. Set its date and time in the web app — I will remind you that "
        "morning and an hour before.",
        "already": "Already marked: {stage}.",
        "not_yours": "This vacancy is not among your searches' results.",
    },
}
#: ✅ Откликнулся changes nothing once the application is this far (a second press, an old message).
APPLIED_OR_LATER = ("applied", "test_task", "interview", "offer", "hired")


def handle_callback(
    engine: Engine, chat_id: int | None, data: str | None, *, now: datetime | None = None
) -> str:
    """A button pressed under a message in ``chat_id``: ⭐ / 🚫 mark the vacancy, ✅ and the
    follow-up's buttons move the application — for the user of that chat only."""
    parsed = messages.parse_callback(data)
    if parsed is None or chat_id is None:
        return "Кнопка устарела."
    action, vacancy_id = parsed
    if action in messages.STAGE_ACTIONS:
        return _move_stage(
            engine, chat_id, messages.STAGE_ACTIONS[action], vacancy_id, now or datetime.now(UTC)
        )
    with engine.begin() as conn:
        user = links.chat_user(conn, chat_id)
        if user is None:
            return "Этот чат не привязан к пользователю Job Hunter."
        flag = "is_favourite" if action == messages.FAVOURITE else "is_banned"
        changed = conn.execute(
            update(user_vacancies)
            .where(user_vacancies.c.user_id == user.id, user_vacancies.c.vacancy_id == vacancy_id)
            .values({flag: True, "updated_at": func.now()})
        ).rowcount
    if not changed:
        return "Эта вакансия не из ваших поисков."
    return "⭐ В избранном" if action == messages.FAVOURITE else "🚫 Скрыто"


def _move_stage(engine: Engine, chat_id: int, stage: str, vacancy_id: int, now: datetime) -> str:
    """Record ``stage`` for the chat's own user's link to the vacancy (refused for anyone else's;
    nothing recorded when the application is there already)."""
    with engine.begin() as conn:
        user = links.chat_user(conn, chat_id)
        if user is None:
            return "Этот чат не привязан к пользователю Job Hunter."
        lang = outbox.language_of(conn, user.id)
        say = STAGE_ANSWERS[lang]
        uv = user_vacancies.c
        current = conn.execute(
            select(uv.stage).where(uv.user_id == user.id, uv.vacancy_id == vacancy_id).with_for_update()
        ).first()
        if current is None:
            _log.warning("Telegram: user %s pressed a button for a vacancy not theirs", user.login)
            return say["not_yours"]
        if current.stage == stage or (stage == "applied" and current.stage in APPLIED_OR_LATER):
            return say["already"].format(stage=applications.label(current.stage, lang))
        applications.record(conn, user.id, vacancy_id, stage=stage, via="telegram", now=now)
    _log.info("Telegram: user %s moved vacancy %d to %s", user.login, vacancy_id, stage)
    return say[stage]


def handle_member_update(engine: Engine, chat_id: int, status: str) -> None:
    """The user blocked (``kicked``) or unblocked (``member``) the bot in a private chat."""
    if status in ("kicked", "member"):
        with engine.begin() as conn:
            links.set_blocked(conn, chat_id, status == "kicked")


# -- wiring ----------------------------------------------------------------------------------------


def _reply(bot: telebot.TeleBot, chat_id: int, text: str) -> None:
    try:
        bot.send_message(chat_id, text, parse_mode="HTML")
    except (apihelper.ApiException, requests.RequestException) as error:
        _log.warning("Telegram: reply to a chat not sent: %s", describe(error))


class _LogErrors(telebot.ExceptionHandler):
    def handle(self, exception: Exception) -> bool:
        _log.error("Telegram bot: a handler failed: %s", type(exception).__name__, exc_info=exception)
        return True


def build_bot(engine: Engine, settings: Settings) -> telebot.TeleBot:
    """A ``TeleBot`` (not threaded: updates are handled in order) with every handler registered."""
    token = configure(settings)
    bot = telebot.TeleBot(token, threaded=False, exception_handler=_LogErrors())

    def text_of(message: types.Message) -> str:
        return telebot.util.extract_arguments(message.text or "") or ""

    @bot.message_handler(commands=["start"])
    def start(message: types.Message) -> None:
        answer = handle_start(engine, settings, message.chat.id, message.chat.type, text_of(message))
        _reply(bot, message.chat.id, answer)

    @bot.message_handler(commands=["stop"])
    def stop(message: types.Message) -> None:
        _reply(bot, message.chat.id, handle_stop(engine, message.chat.id))

    @bot.message_handler(commands=["status"])
    def status(message: types.Message) -> None:
        _reply(bot, message.chat.id, handle_status(engine, settings, message.chat.id))

    @bot.message_handler(commands=["quiet"])
    def quiet(message: types.Message) -> None:
        _reply(bot, message.chat.id, handle_quiet(engine, settings, message.chat.id, text_of(message)))

    @bot.message_handler(commands=["tz"])
    def tz(message: types.Message) -> None:
        _reply(bot, message.chat.id, handle_tz(engine, settings, message.chat.id, text_of(message)))

    @bot.message_handler(commands=["min"])
    def min_score(message: types.Message) -> None:
        _reply(bot, message.chat.id, handle_min(engine, message.chat.id, text_of(message)))

    @bot.message_handler(commands=["market"])
    def market(message: types.Message) -> None:
        _reply(bot, message.chat.id, handle_market(engine, message.chat.id, text_of(message)))

    @bot.message_handler(commands=["help"])
    def help_(message: types.Message) -> None:
        _reply(bot, message.chat.id, HELP)

    @bot.message_handler(func=lambda message: message.chat.type == "private")
    def other(message: types.Message) -> None:
        _reply(bot, message.chat.id, HELP)

    @bot.callback_query_handler(func=lambda call: True)
    def button(call: types.CallbackQuery) -> None:
        chat = getattr(call.message, "chat", None)
        answer = handle_callback(engine, chat.id if chat is not None else None, call.data)
        try:
            bot.answer_callback_query(call.id, answer)
        except (apihelper.ApiException, requests.RequestException) as error:
            _log.warning("Telegram: button answer not sent: %s", describe(error))

    @bot.my_chat_member_handler()
    def member(update: types.ChatMemberUpdated) -> None:
        if update.chat.type == "private":
            handle_member_update(engine, update.chat.id, update.new_chat_member.status)

    return bot


def announce(bot: telebot.TeleBot, settings: Settings) -> str:
    """Check the token (getMe), drop a webhook that would block polling, register the command menu.

    Returns the bot's username. Raises :class:`TelegramError` for a rejected token.
    """
    try:
        me = bot.get_me()
        bot.delete_webhook()
        bot.set_my_commands([types.BotCommand(name, description) for name, description in COMMANDS])
    except apihelper.ApiTelegramException as error:
        if error.error_code == 401:
            raise TelegramError("the Bot API rejected the token (401): check JH_TELEGRAM_BOT_TOKEN") from None
        raise TelegramError(f"{error.error_code} {error.description}") from None
    except (apihelper.ApiException, requests.RequestException) as error:
        raise TelegramError(f"the Bot API is unreachable: {describe(error)}") from None
    configured = settings.telegram_bot_username
    if configured and configured.lower() != (me.username or "").lower():
        _log.warning(
            "JH_TELEGRAM_BOT_USERNAME is %r but the token belongs to @%s: profile links will be wrong",
            configured,
            me.username,
        )
    elif not configured:
        _log.warning("set JH_TELEGRAM_BOT_USERNAME=%s so the profile page can show the link", me.username)
    return me.username


def poll_once(bot: telebot.TeleBot, *, timeout: int = 20) -> int:
    """One long-poll: fetch updates after the last one handled, handle them; returns how many."""
    updates = bot.get_updates(
        offset=bot.last_update_id + 1,
        timeout=timeout + 10,
        long_polling_timeout=timeout,
        allowed_updates=ALLOWED_UPDATES,
    )
    bot.process_new_updates(updates)
    return len(updates)


def run(
    engine: Engine,
    settings: Settings,
    *,
    stop: threading.Event | None = None,
    timeout: int = 20,
    on_ready: Callable[[str], None] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Poll until ``stop`` is set (or forever). Network trouble waits and retries; errors never quote
    the token. Between polls, application reminders that fell due are sent (at most
    :data:`REMINDERS_EVERY` apart), so an hour-before reminder comes near its moment rather than
    at the next hourly housekeeping run."""
    stop = stop or threading.Event()
    bot = build_bot(engine, settings)
    username = announce(bot, settings)
    _log.info("Telegram bot @%s is polling", username)
    if on_ready is not None:
        on_ready(username)
    pause = 1.0
    reminded: float | None = None
    while not stop.is_set():
        if reminded is None or time.monotonic() - reminded >= REMINDERS_EVERY.total_seconds():
            reminded = time.monotonic()
            try:
                reminders.deliver_reminders(engine, settings, clock())
            except Exception:  # a reminder failure never stops the bot; housekeeping retries too
                _log.exception("delivering application reminders failed")
        try:
            poll_once(bot, timeout=timeout)
            pause = 1.0
        except apihelper.ApiTelegramException as error:
            if error.error_code == 401:
                raise TelegramError(
                    "the Bot API rejected the token (401): check JH_TELEGRAM_BOT_TOKEN"
                ) from None
            if error.error_code == 409:
                _log.error("another process polls this bot (409 Conflict); retrying in %g s", pause)
            else:
                _log.warning("getUpdates failed: %s %s", error.error_code, error.description)
            stop.wait(pause)
            pause = min(pause * 2, 60.0)
        except (apihelper.ApiException, requests.RequestException) as error:
            _log.warning(
                "the Bot API is unreachable (%s); retrying in %g s", TelegramError(str(error)), pause
            )
            stop.wait(pause)
            pause = min(pause * 2, 60.0)
