"""``jobhunter bot`` (the Telegram bot, long polling) and ``jobhunter telegram …`` (helpers).

Register them in ``jobhunter.cli`` with ``app.command("bot")(bot)`` and
``app.add_typer(telegram_cli, name="telegram")``.
"""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

telegram_cli = typer.Typer(help="Telegram: chat links and deliveries.", no_args_is_help=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _engine() -> Any:
    from core.db import get_engine
    from core.migrate import current_revision, head_revision
    from core.settings import get_settings

    engine = get_engine()
    if current_revision(engine, get_settings().db_schema) != head_revision():
        raise _fail("the database schema is not up to date: run `jobhunter db upgrade` first")
    return engine


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def bot() -> None:
    """Run the Telegram bot: links chats (/start from the profile page's link), /status, /quiet, /tz,
    /min (the match-score threshold), /stop, ⭐ and 🚫.

    Needs JH_TELEGRAM_BOT_TOKEN. Ctrl+C (or SIGTERM) stops it.
    """
    from core.settings import get_settings
    from etl.telegram.bot import run
    from etl.telegram.sender import TelegramError

    settings = get_settings()
    if not settings.telegram_token:
        raise _fail("no Telegram bot token: set JH_TELEGRAM_BOT_TOKEN (from @BotFather)", 2)
    engine = _engine()
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        run(
            engine,
            settings,
            on_ready=lambda username: typer.echo(
                f"Telegram bot @{username} is running (Ctrl+C stops it)", err=True
            ),
        )
    except TelegramError as error:
        raise _fail(str(error)) from None
    except KeyboardInterrupt:
        typer.echo("Telegram bot stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)


@telegram_cli.command("link-url")
def link_url(
    login: Annotated[str, typer.Argument(help="The user whose chat the link binds.")],
) -> None:
    """Print a one-time link that binds a Telegram chat to LOGIN (what the profile page shows)."""
    from core.settings import get_settings
    from core.telegram_links import create_link
    from core.users import require_user

    settings = get_settings()
    if not settings.telegram_bot_username:
        raise _fail("set JH_TELEGRAM_BOT_USERNAME to the bot's @username first", 2)
    with _engine().begin() as conn:
        user = require_user(conn, login)
        url = create_link(
            conn,
            user.id,
            settings.telegram_bot_username,
            ttl=timedelta(hours=settings.telegram_link_ttl_hours),
        )
    typer.echo(url)
    typer.echo(
        f"(one-time, valid for {settings.telegram_link_ttl_hours} h: open it in Telegram as {login})",
        err=True,
    )


@telegram_cli.command("status")
def status() -> None:
    """Every user's Telegram: linked, blocked or not linked, and what waits to be sent."""
    from sqlalchemy import select

    from core.schema import users
    from core.telegram_links import status as telegram_status

    with _engine().connect() as conn:
        rows = conn.execute(select(users.c.id, users.c.login).order_by(users.c.login)).all()
        for row in rows:
            state = telegram_status(conn, row.id)
            shown = {"linked": "linked", "blocked": "blocked the bot", "not_linked": "not linked"}[
                state.state
            ]
            typer.echo(f"{row.login}: {shown}, {state.pending} waiting")


@telegram_cli.command("deliver")
def deliver() -> None:
    """Send now everything due (what the housekeeping DAG does hourly): one message per user, and
    the application reminders due (next steps, follow-ups), and the weekly market digests due."""
    import json

    from core.settings import get_settings
    from etl.telegram.digest import deliver_digests
    from etl.telegram.reminders import deliver_reminders  # application reminders (#15)
    from etl.telegram.sender import deliver_pending

    settings = get_settings()
    if not settings.telegram_token:
        raise _fail("no Telegram bot token: set JH_TELEGRAM_BOT_TOKEN (from @BotFather)", 2)
    now = datetime.now(UTC)
    stats = deliver_pending(_engine(), settings, now=now)
    stats["reminders"] = deliver_reminders(_engine(), settings, now)  # application reminders (#15)
    stats["market_digests"] = deliver_digests(_engine(), settings, now)
    typer.echo(json.dumps(stats, ensure_ascii=False))
