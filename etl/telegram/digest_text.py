"""The text of «Рынок за неделю» (:mod:`etl.telegram.digest`): pure, no database and no network.

Three numbers and the top rising skill, from a :class:`domain.market.model.Market` of one week::

    📊 Рынок за неделю, 23–29 ноября
    Новых вакансий: 148
    Медиана зарплаты: 185 000 ₽ в месяц (по 96 вакансиям; до вычета 61, на руки 35)
    С зарплатой: 65 %
    Растёт: Kafka — в 34 % вакансий (+8 п. п.)

HTML (``parse_mode=HTML``): skill names come from boards and are escaped.
"""

from __future__ import annotations

from datetime import date
from html import escape

from domain.market.model import Market
from etl.telegram.messages import plural, roubles

_MONTHS_RU = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def new_vacancies(market: Market) -> int:
    return sum(day.count for day in market.demand.new_per_day)


def period(start: date, end: date, lang: str) -> str:
    """«23–29 ноября», «30 ноября – 6 декабря»; «23–29 November», «30 November – 6 December»."""
    months = _MONTHS_EN if lang == "en" else _MONTHS_RU
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {months[end.month - 1]}"
    return f"{start.day} {months[start.month - 1]} – {end.day} {months[end.month - 1]}"


def _money(amount: float, lang: str) -> str:
    return f"{round(amount):,}" if lang == "en" else roubles(round(amount))


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def build(market: Market, *, lang: str = "ru", footer: bool = True) -> str:
    """The digest's message, in Russian or (``lang="en"``) English; ``footer``: with the line on
    the web page and how to stop it (the weekly message; ``/market``'s answer has its own)."""
    en = lang == "en"
    new = new_vacancies(market)
    salaries = market.salaries
    lines = [
        f"📊 <b>{'Market this week' if en else 'Рынок за неделю'}</b>, "
        f"{period(market.start, market.end, lang)}",
        (f"New vacancies: {new}" if en else f"Новых вакансий: {new}"),
    ]
    overall = salaries.overall
    if overall is not None and salaries.with_salary:
        n = salaries.with_salary
        basis = (
            f"gross {salaries.gross}, net {salaries.net}"
            if en
            else f"до вычета {salaries.gross}, на руки {salaries.net}"
        )
        if salaries.unknown_basis:
            basis += f", {'not said' if en else 'не указано'} {salaries.unknown_basis}"
        if en:
            lines.append(
                f"Median salary: {_money(overall.median, lang)} ₽ a month "
                f"(of {n} vacanc{'y' if n == 1 else 'ies'}; {basis})"
            )
        else:
            lines.append(
                f"Медиана зарплаты: {_money(overall.median, lang)} ₽ в месяц "
                f"(по {n} {plural(n, 'вакансии', 'вакансиям', 'вакансиям')}; {basis})"
            )
    else:
        lines.append("No vacancy published a salary" if en else "Зарплату не указала ни одна вакансия")
    share = salaries.share_with_salary
    if share is not None:
        lines.append(f"With a salary: {_percent(share)}" if en else f"С зарплатой: {_percent(share)}")
    rising = next((s for s in market.skills.rising if (s.change or 0) > 0), None)
    if rising is not None:
        skill = escape(rising.skill)
        change = f"+{round(rising.change or 0)}"
        lines.append(
            f"Rising: {skill}, in {_percent(rising.share)} of vacancies ({change} pp)"
            if en
            else f"Растёт: {skill} — в {_percent(rising.share)} вакансий ({change} п. п.)"
        )
    if not footer:
        return "\n".join(lines)
    lines.append("")
    lines.append(
        "More on the «Market» page of the web app. /market off stops these."
        if en
        else "Подробнее — на странице «Рынок» веб-приложения. /market off — больше не присылать."
    )
    return "\n".join(lines)
