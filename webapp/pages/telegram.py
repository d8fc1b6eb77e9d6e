"""The Telegram card of the profile page: link the chat with a one-time link, unlink, quiet hours,
and the weekly market digest («Рынок за неделю», :mod:`etl.telegram.digest`: saved on the switch).

The link is created when the user asks for it (never on a page view), is single-use and expires
(``JH_TELEGRAM_LINK_TTL_HOURS``); the bot binds the chat on ``/start <token>``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update
from flask_login import current_user
from sqlalchemy import Engine

from core.settings import Settings
from core.telegram_links import (
    TooManyLinks,
    check_time_zone,
    create_link,
    format_quiet_hours,
    parse_quiet_hours,
    set_quiet_hours,
    set_time_zone,
    status,
    unlink_user,
)
from core.users import set_market_digest, wants_market_digest
from webapp import clock

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Telegram", "Telegram"),
    "off": (
        "Telegram не настроен: администратору нужно задать JH_TELEGRAM_BOT_TOKEN и JH_TELEGRAM_BOT_USERNAME.",
        "Telegram is not set up: the administrator sets JH_TELEGRAM_BOT_TOKEN and JH_TELEGRAM_BOT_USERNAME.",
    ),
    "not_linked": (
        "Чат не привязан. Новые вакансии будут приходить в ваш личный чат с ботом.",
        "No chat linked. New vacancies will arrive in your own chat with the bot.",
    ),
    "linked": (
        "Чат привязан с {when}. Новые вакансии приходят туда.",
        "Chat linked since {when}. New vacancies arrive there.",
    ),
    "blocked": (
        "Вы заблокировали бота ({when}): откройте его в Telegram и нажмите «Start».",
        "You blocked the bot ({when}): open it in Telegram and press Start.",
    ),
    "pending": ("Ждут отправки: {n}", "Waiting to be sent: {n}"),
    "make_link": ("Получить ссылку для привязки", "Get a link to connect"),
    "too_many_links": (
        "Слишком много ссылок подряд: попробуйте через 10 минут.",
        "Too many links in a row: try again in 10 minutes.",
    ),
    "link_help": (
        "Откройте ссылку в Telegram и нажмите «Start». Ссылка одноразовая, действует {hours} ч.",
        "Open the link in Telegram and press Start. It works once, for {hours} h.",
    ),
    "unlink": ("Отвязать чат", "Unlink the chat"),
    "unlinked": ("Чат отвязан.", "The chat is unlinked."),
    "quiet": ("Тихие часы (по вашему времени)", "Quiet hours (your local time)"),
    "quiet_help": (
        "Например 22:00-08:00, или off. Пусто — по умолчанию ({default}).",
        "E.g. 22:00-08:00, or off. Empty: the default ({default}).",
    ),
    "tz": ("Часовой пояс", "Time zone"),
    "tz_help": (
        "Например Europe/Moscow. Пусто — по умолчанию ({default}).",
        "E.g. Europe/Moscow. Empty: the default ({default}).",
    ),
    "digest": (
        "Присылать «Рынок за неделю» по понедельникам в 09:00: новые вакансии, медиана зарплаты, "
        "растущий навык",
        "Send «Market this week» on Mondays at 09:00: new vacancies, the median salary, a rising skill",
    ),
    "digest_on": ("Включено: первый придёт в понедельник.", "On: the first comes on Monday."),
    "digest_off": ("Выключено.", "Off."),
    "save": ("Сохранить", "Save"),
    "saved": ("Сохранено.", "Saved."),
}


def _t(key: str, lang: str, **values: Any) -> str:
    ru, en = TEXTS[key]
    return (en if lang == "en" else ru).format(**values)


def _settings() -> Settings:
    import flask

    return flask.current_app.extensions["jobhunter"]["settings"]


def card(engine: Engine, user: Any, settings: Settings) -> dbc.Card:
    """The card for ``user`` (the logged-in user)."""
    lang = user.lang
    if not (settings.telegram_token and settings.telegram_bot_username):
        body: list[Any] = [html.P(_t("off", lang), className="text-body-secondary mb-0", id="tg-state")]
        return dbc.Card(
            [dbc.CardHeader(_t("title", lang)), dbc.CardBody(body)], id="tg-card", className="mb-3"
        )
    with engine.connect() as conn:
        current = status(conn, user.id)
        digest_on = wants_market_digest(conn, user.id)
    when = current.linked_at or current.blocked_at
    state = html.P(_t(current.state, lang, when=clock.when(when)), id="tg-state")
    quiet = "" if current.quiet == "default" else format_quiet_hours(current.quiet)
    body = [
        state,
        html.P(_t("pending", lang, n=current.pending), className="small text-body-secondary")
        if current.pending
        else None,
        dbc.Button(_t("make_link", lang), id="tg-make-link", color="primary", size="sm", className="me-2")
        if current.state == "not_linked"
        else dbc.Button(
            _t("unlink", lang), id="tg-unlink", color="outline-danger", size="sm", className="me-2"
        ),
        html.Div(id="tg-link", className="mt-2"),
        html.Hr(),
        dbc.Row(
            [
                dbc.Col(
                    [
                        dbc.Label(_t("quiet", lang), html_for="tg-quiet"),
                        dbc.Input(
                            id="tg-quiet",
                            value=quiet,
                            placeholder=settings.telegram_quiet_hours,
                            maxLength=20,
                        ),
                        dbc.FormText(_t("quiet_help", lang, default=settings.telegram_quiet_hours)),
                    ],
                    md=6,
                ),
                dbc.Col(
                    [
                        dbc.Label(_t("tz", lang), html_for="tg-tz"),
                        dbc.Input(
                            id="tg-tz",
                            value=current.time_zone or "",
                            placeholder=settings.telegram_time_zone,
                            maxLength=64,
                        ),
                        dbc.FormText(_t("tz_help", lang, default=settings.telegram_time_zone)),
                    ],
                    md=6,
                ),
            ],
            className="g-2",
        ),
        dbc.Button(_t("save", lang), id="tg-save", color="secondary", size="sm", className="mt-2"),
        html.Div(id="tg-saved", className="mt-2"),
        html.Hr(),
        dbc.Switch(id="tg-digest", label=_t("digest", lang), value=digest_on, className="mb-1"),
        html.Div(id="tg-digest-saved", className="small text-body-secondary"),
    ]
    # the buttons absent from this state still need ids for the callbacks: hidden twins
    twins = [
        html.Button(id=i, hidden=True)
        for i in ("tg-make-link", "tg-unlink")
        if (i == "tg-make-link") != (current.state == "not_linked")
    ]
    return dbc.Card(
        [dbc.CardHeader(_t("title", lang)), dbc.CardBody([b for b in body if b is not None] + twins)],
        id="tg-card",
        className="mb-3",
    )


def register(app: Dash, engine: Engine) -> None:
    @app.callback(Output("tg-link", "children"), Input("tg-make-link", "n_clicks"), prevent_initial_call=True)
    def make_link(clicks: int | None) -> Any:
        settings = _settings()
        if not clicks or not settings.telegram_bot_username:
            return no_update
        try:
            with engine.begin() as conn:
                url = create_link(
                    conn,
                    current_user.id,
                    settings.telegram_bot_username,
                    ttl=timedelta(hours=settings.telegram_link_ttl_hours),
                )
        except TooManyLinks:
            return dbc.Alert(_t("too_many_links", current_user.lang), color="warning", id="tg-link-limit")
        return html.Div(
            [
                html.A(
                    url,
                    href=url,
                    target="_blank",
                    rel="noopener noreferrer",
                    id="tg-link-url",
                    className="fw-semibold",
                ),
                html.Div(
                    _t("link_help", current_user.lang, hours=settings.telegram_link_ttl_hours),
                    className="small text-body-secondary",
                ),
            ]
        )

    @app.callback(Output("tg-state", "children"), Input("tg-unlink", "n_clicks"), prevent_initial_call=True)
    def unlink(clicks: int | None) -> Any:
        if not clicks:
            return no_update
        with engine.begin() as conn:
            unlink_user(conn, current_user.id)
        return _t("unlinked", current_user.lang)

    @app.callback(
        Output("tg-saved", "children"),
        Input("tg-save", "n_clicks"),
        State("tg-quiet", "value"),
        State("tg-tz", "value"),
        prevent_initial_call=True,
    )
    def save(clicks: int | None, quiet: str | None, zone: str | None) -> Any:
        if not clicks:
            return no_update
        try:
            hours = "default" if not (quiet or "").strip() else parse_quiet_hours(quiet or "")
            name = check_time_zone(zone) if (zone or "").strip() else None
        except ValueError as error:
            return dbc.Alert(str(error), color="warning", className="py-1 mb-0")
        with engine.begin() as conn:
            set_quiet_hours(conn, current_user.id, hours)
            set_time_zone(conn, current_user.id, name)
        return dbc.Alert(_t("saved", current_user.lang), color="success", className="py-1 mb-0")

    @app.callback(
        Output("tg-digest-saved", "children"), Input("tg-digest", "value"), prevent_initial_call=True
    )
    def save_digest(on: bool | None) -> Any:
        with engine.begin() as conn:
            set_market_digest(conn, current_user.id, bool(on), datetime.now(UTC))
        return _t("digest_on" if on else "digest_off", current_user.lang)
