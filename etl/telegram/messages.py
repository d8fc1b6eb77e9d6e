"""What a user reads in Telegram: pure functions, no database and no network.

One message per user per run (or per morning digest): how many vacancies are new per saved search,
the first few with title, employer, salary in roubles, the board it is on and a link to its page
there, each with ⭐ / 🚫 / ✅ Откликнулся buttons, and —
when there are more than listed — a CSV with all of them (UTF-8 with BOM and ``;`` separators, so
Excel in a Russian locale opens it with Cyrillic and columns intact).

For a user with a profile the vacancies carry their match score (``t08.score``): the best matches
come first, each with its score, and the CSV gains a score column; a user without scores gets the
newest first, as before. Vacancies below the user's threshold (``/min N``) are not listed: the
message only says how many were held back.

Every string that comes from a board or a user is HTML-escaped: the message goes out with
``parse_mode=HTML``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from domain.applications import label as stage_label
from domain.matching.weights import GOOD
from domain.sources import label

MAX_TEXT = 4096  # Telegram's limit for a message (we count the HTML, which is never shorter)
MAX_CAPTION = 1024
MAX_SEARCH_LINES = 15
FAVOURITE, BAN = "fav", "ban"
# Buttons that move the application's stage (etl.telegram.reminders): ✅ under a new vacancy,
# «Нет ответа» / «Собеседование» under a follow-up reminder.
APPLIED, NO_ANSWER, INTERVIEW = "app", "noa", "int"
STAGE_ACTIONS = {APPLIED: "applied", NO_ANSWER: "no_answer", INTERVIEW: "interview"}
_CALLBACK = re.compile(r"(fav|ban|app|noa|int):(\d{1,19})")
_URL = re.compile(r"https?://[^\s\"'<>]+")

CSV_COLUMNS = (
    "Вакансия",
    "Работодатель",
    "Зарплата от, ₽ в месяц",
    "Зарплата до, ₽ в месяц",
    "Валюта в вакансии",
    "Регион",
    "Опыт",
    "Формат работы",
    "Опубликована",
    "Источник",
    "Ссылка",
)
SCORE_COLUMN = "Совпадение, %"  # first, and only when some vacancy of the file has a score


@dataclass(frozen=True)
class Item:
    """One vacancy to tell a user about."""

    vacancy_id: int
    name: str
    employer_name: str | None
    salary_from_rub: int | None
    salary_to_rub: int | None
    salary_currency: str | None
    area_name: str | None
    experience_name: str | None
    work_format_names: Sequence[str]
    published_at: datetime
    url: str | None
    search_name: str
    run_id: str = ""
    source: str = "hh"
    score: int | None = None  # the match score (0-100); None: not scored, or the user has no profile


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str


@dataclass(frozen=True)
class Message:
    text: str
    keyboard: list[list[Button]]  # one row per listed vacancy
    listed: int
    total: int

    @property
    def needs_document(self) -> bool:
        return self.total > self.listed


# -- small formatters -------------------------------------------------------------------------------


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural: 1 вакансия, 2 вакансии, 5 вакансий (11-14 take ``many``)."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def roubles(amount: int) -> str:
    """``150000`` → ``150 000``."""
    return f"{amount:,}".replace(",", " ")


def salary_text(item: Item) -> str:
    """``150 000 – 200 000 ₽``, ``от 150 000 ₽``, ``до 90 000 ₽``; ``≈`` and the currency when converted."""
    lo, hi = item.salary_from_rub, item.salary_to_rub
    if lo is None and hi is None:
        return "з/п не указана"
    if lo is not None and hi is not None:
        text = f"{roubles(lo)} – {roubles(hi)} ₽" if lo != hi else f"{roubles(lo)} ₽"
    elif lo is not None:
        text = f"от {roubles(lo)} ₽"
    else:
        text = f"до {roubles(hi or 0)} ₽"
    currency = item.salary_currency
    if currency and currency not in ("RUR", "RUB"):
        text = f"≈ {text} ({currency})"
    return text


def vacancy_url(item: Item) -> str | None:
    """The vacancy's page on its board, as stored (only an http(s) URL is trusted: None otherwise;
    the vacancy's id is the database's own, no board's, so no link can be made from it)."""
    if item.url and _URL.fullmatch(item.url):
        return item.url
    return None


def _clip(value: str | None, limit: int) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def ranked(items: Sequence[Item]) -> list[Item]:
    """Best matches first: scored vacancies by score, then the unscored ones; newest first among
    equals (so a user without scores gets the plain newest-first order)."""
    return sorted(
        items,
        key=lambda i: (i.score is None, -(i.score or 0), -i.published_at.timestamp(), -i.vacancy_id),
    )


def below(item: Item, threshold: int | None) -> bool:
    """Whether the user's threshold holds this vacancy back. An unscored one is told: its score may
    not be computed yet (a profile saved minutes ago), and silence would hide it for good."""
    return threshold is not None and item.score is not None and item.score < threshold


def callback_data(action: str, vacancy_id: int) -> str:
    """``fav:<id>``, ``ban:<id>``, ``app:<id>``, ``noa:<id>``, ``int:<id>`` (at most 23 bytes;
    Telegram allows 64)."""
    if action not in (FAVOURITE, BAN, *STAGE_ACTIONS):
        raise ValueError(action)
    return f"{action}:{vacancy_id}"


def parse_callback(data: str | None) -> tuple[str, int] | None:
    match = _CALLBACK.fullmatch(data or "")
    return (match.group(1), int(match.group(2))) if match else None


# -- the message --------------------------------------------------------------------------------------


def build_message(
    items: Sequence[Item], *, list_size: int = 5, held_back: int = 0, threshold: int | None = None
) -> Message:
    """The summary message of ``items`` (best matches first, see :func:`ranked`), listing at most
    ``list_size`` of them; ``held_back`` more were below the user's ``threshold``."""
    if not items:
        raise ValueError("nothing to tell")
    ordered = ranked(items)
    for listed in range(min(list_size, len(ordered)), 0, -1):
        message = _render(ordered, listed, held_back, threshold)
        if len(message.text) <= MAX_TEXT:
            return message
    raise AssertionError("a message with one vacancy always fits")  # pragma: no cover


def _render(items: Sequence[Item], listed: int, held_back: int = 0, threshold: int | None = None) -> Message:
    total = len(items)
    runs = {i.run_id for i in items if i.run_id}
    title = f"🔔 <b>{total} {plural(total, 'новая вакансия', 'новые вакансии', 'новых вакансий')}</b>"
    if len(runs) > 1:
        title += f" — сводка за {len(runs)} {plural(len(runs), 'запуск', 'запуска', 'запусков')}"
    lines = [title]
    per_search = Counter(i.search_name for i in items)
    by_search = sorted(per_search.items(), key=lambda kv: (-kv[1], kv[0]))
    for name, n in by_search[:MAX_SEARCH_LINES]:
        lines.append(f"• {escape(_clip(name, 80))}: {n}")
    if len(by_search) > MAX_SEARCH_LINES:
        rest = sum(n for _, n in by_search[MAX_SEARCH_LINES:])
        lines.append(f"• другие поиски: {rest}")
    if any(i.score is not None for i in items):
        good = sum(1 for i in items if i.score is not None and i.score >= GOOD)
        lines.append(
            "🎯 Сначала — лучшие совпадения с вашим профилем" + (f" ({good} от {GOOD}%)" if good else "")
        )
    lines.append("")
    keyboard: list[list[Button]] = []
    for number, item in enumerate(items[:listed], start=1):
        url, title = vacancy_url(item), escape(_clip(item.name, 150))
        link = f'<a href="{escape(url, quote=True)}">{title}</a>' if url else f"<b>{title}</b>"
        details = [
            escape(_clip(item.employer_name, 80)) or "работодатель не указан",
            escape(salary_text(item)),
        ]
        if item.area_name:
            details.append(escape(_clip(item.area_name, 40)))
        details.append(escape(label(item.source)))
        score = "" if item.score is None else f"{item.score}% · "
        lines.append(f"{number}. {score}{link}")
        lines.append("    " + " · ".join(details))
        keyboard.append(
            [
                Button(f"⭐ {number}", callback_data(FAVOURITE, item.vacancy_id)),
                Button(f"🚫 {number}", callback_data(BAN, item.vacancy_id)),
                Button("✅ Откликнулся", callback_data(APPLIED, item.vacancy_id)),
            ]
        )
    if total > listed:
        rest = total - listed
        lines.append("")
        lines.append(f"…и ещё {rest} {plural(rest, 'вакансия', 'вакансии', 'вакансий')} — в файле ниже.")
    if held_back:
        lines.append("")
        lines.append(
            f"Ещё {held_back} {plural(held_back, 'вакансия', 'вакансии', 'вакансий')} ниже порога "
            f"{threshold}% — в веб-приложении (/min — изменить порог)."
        )
    lines.append("")
    lines.append(
        "⭐ — в избранное, 🚫 — скрыть, ✅ — вы откликнулись (напомню, если не будет ответа). "
        "Всё видно в веб-приложении."
    )
    return Message("\n".join(lines), keyboard, listed, total)


def document_caption(total: int, sent_at: datetime | None = None, time_zone: str | None = None) -> str:
    text = (
        f"Все {total} {plural(total, 'вакансия', 'вакансии', 'вакансий')} — в таблице (открывается в Excel)"
    )
    if sent_at is not None and time_zone:
        text += f", к сообщению от {sent_at.astimezone(ZoneInfo(time_zone)):%d.%m %H:%M}"
    return text[:MAX_CAPTION]


# -- the CSV ---------------------------------------------------------------------------------------------


def csv_filename(day: date) -> str:
    return f"vacancies-{day.isoformat()}.csv"


def _cell(value: str | None) -> str:
    """Text for a spreadsheet cell; a leading = + - @ would make Excel run it as a formula."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def build_csv(items: Sequence[Item], *, time_zone: str) -> bytes:
    """All ``items`` (in the message's order, :func:`ranked`) as CSV: UTF-8 with BOM,
    ``;``-separated, CRLF, a header row.

    Salaries are monthly roubles as plain integers (sortable in Excel); publication time is local to
    ``time_zone``. When some vacancy has a match score, a first column holds the scores.
    """
    zone = ZoneInfo(time_zone)
    scored = any(i.score is not None for i in items)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(((SCORE_COLUMN,) if scored else ()) + CSV_COLUMNS)
    for item in ranked(items):
        score = ["" if item.score is None else item.score] if scored else []
        writer.writerow(
            [
                *score,
                _cell(item.name),
                _cell(item.employer_name),
                "" if item.salary_from_rub is None else item.salary_from_rub,
                "" if item.salary_to_rub is None else item.salary_to_rub,
                item.salary_currency or "",
                _cell(item.area_name),
                _cell(item.experience_name),
                _cell(", ".join(item.work_format_names)),
                item.published_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                label(item.source),
                vacancy_url(item) or "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


# -- application reminders (etl.telegram.reminders) ------------------------------------------------------

#: What the next step is, by the application's stage (ru, en); any other stage: "следующий шаг".
NEXT_STEP_NAMES = {
    "interview": ("собеседование", "interview"),
    "test_task": ("тестовое задание", "test task"),
    "offer": ("разговор об оффере", "offer talk"),
}
_NEXT_STEP = ("следующий шаг", "next step")


@dataclass(frozen=True)
class Reminder:
    """One application reminder to render: the vacancy and the state of the user's application."""

    kind: str  # morning (of the next step's day), hour_before, follow_up
    vacancy_id: int
    name: str
    employer_name: str | None
    url: str | None
    stage: str | None
    stage_at: datetime | None
    next_step_at: datetime | None
    next_step_note: str | None
    follow_up_days: int = 0  # for a follow-up: 7 or 14 (the day it was due after the application)
    suggest_no_answer: bool = False  # a follow-up past the «Нет ответа» threshold asks about it


def _vacancy_link(reminder: Reminder, lang: str, *, follow_up: bool = False) -> str:
    """«<title> — <employer>» (the title links to the vacancy's page); in a follow-up's sentence
    «<title> в <employer>» / «<title> at <employer>», or the title alone."""
    title = escape(_clip(reminder.name, 150))
    url = reminder.url if reminder.url and _URL.fullmatch(reminder.url) else None
    link = f'<a href="{escape(url, quote=True)}">{title}</a>' if url else f"<b>{title}</b>"
    employer = escape(_clip(reminder.employer_name, 80))
    if follow_up:
        return f"{link} {'at' if lang == 'en' else 'в'} {employer}" if employer else link
    return f"{link} — {employer or ('employer not given' if lang == 'en' else 'работодатель не указан')}"


def _minutes(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n} minute" + ("" if n == 1 else "s")
    return f"{n} {plural(n, 'минуту', 'минуты', 'минут')}"


def _days(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n} day" + ("" if n == 1 else "s")
    return f"{n} {plural(n, 'день', 'дня', 'дней')}"


def build_reminder(
    reminder: Reminder, *, now: datetime, time_zone: str, lang: str = "ru"
) -> tuple[str, list[list[Button]]]:
    """The text (HTML) and buttons of a reminder: Russian, or English for ``lang="en"``.

    Next steps: «🗓 Сегодня в 15:00 собеседование: <vacancy> — <employer>» on the morning of the
    day, «⏰ Через час, в 15:00, собеседование: …» before it. Follow-ups: «📨 Вы откликнулись на
    <vacancy> в <employer> 7 дней назад; ответа пока нет.» with «Нет ответа» / «Собеседование»
    buttons, and from two weeks on the question «Отметить «Нет ответа»?».
    """
    en = lang == "en"
    vacancy = _vacancy_link(reminder, lang, follow_up=reminder.kind == "follow_up")
    if reminder.kind == "follow_up":
        if reminder.stage_at is None:
            raise ValueError("a follow-up needs the moment of the application")
        days = _days(max(1, (now - reminder.stage_at).days), lang)
        if en:
            lines = [f"📨 You applied to {vacancy} {days} ago; no answer yet."]
            lines.append(
                f"Mark it «{stage_label('no_answer', 'en')}»?"
                if reminder.suggest_no_answer
                else "You could remind the employer of yourself — or mark what has changed:"
            )
        else:
            lines = [f"📨 Вы откликнулись на {vacancy} {days} назад; ответа пока нет."]
            lines.append(
                f"Отметить «{stage_label('no_answer')}»?"
                if reminder.suggest_no_answer
                else "Можно напомнить о себе работодателю — или отметьте, что изменилось:"
            )
        keyboard = [
            [
                Button(f"⌛ {stage_label('no_answer', lang)}", callback_data(NO_ANSWER, reminder.vacancy_id)),
                Button(f"🗣 {stage_label('interview', lang)}", callback_data(INTERVIEW, reminder.vacancy_id)),
            ]
        ]
        return "\n".join(lines), keyboard
    if reminder.next_step_at is None:
        raise ValueError("a next-step reminder needs the next step")
    at = f"{reminder.next_step_at.astimezone(ZoneInfo(time_zone)):%H:%M}"
    ru_what, en_what = NEXT_STEP_NAMES.get(reminder.stage or "", _NEXT_STEP)
    if reminder.kind == "morning":
        line = f"🗓 Today at {at}, {en_what}: {vacancy}" if en else f"🗓 Сегодня в {at} {ru_what}: {vacancy}"
    else:
        left = max(1, -(-int((reminder.next_step_at - now).total_seconds()) // 60))  # minutes, rounded up
        if en:
            soon = "In an hour" if left >= 55 else f"In {_minutes(left, lang)}"
            line = f"⏰ {soon}, at {at}, {en_what}: {vacancy}"
        else:
            soon = "Через час" if left >= 55 else f"Через {_minutes(left, lang)}"
            line = f"⏰ {soon}, в {at}, {ru_what}: {vacancy}"
    lines = [line]
    if reminder.next_step_note:
        lines.append(f"📝 {escape(_clip(reminder.next_step_note, 300))}")
    return "\n".join(lines), []
