"""``jobhunter web``: the web app under gunicorn, the WSGI server a production install runs.

Register it in ``jobhunter.cli`` with ``app.command("web")(web)``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer


def _gunicorn_app(options: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication

    class JobHunterWeb(BaseApplication):
        """gunicorn with our options and ``webapp.wsgi:server``, no command-line parsing of its own."""

        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from webapp.wsgi import server

            return server

    return JobHunterWeb()


def web(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (JH_WEB_HOST).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (JH_WEB_PORT, default 8050).")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=16, help="gunicorn worker processes.")] = 2,
) -> None:
    """Serve the web app: vacancies, saved searches and administration, behind a login."""
    from core.db import get_engine
    from core.migrate import current_revision, head_revision
    from core.settings import get_settings

    settings = get_settings()
    revision = current_revision(get_engine(), settings.db_schema)
    if revision != head_revision():
        typer.echo("error: the database schema is not up to date: run `jobhunter db upgrade` first", err=True)
        raise typer.Exit(1)
    bind_host = host or settings.web_host
    bind_port = port or settings.web_port
    shown = "127.0.0.1" if bind_host in ("0.0.0.0", "::") else bind_host  # noqa: S104 - only displayed
    typer.echo(f"Job Hunter web app: open http://{shown}:{bind_port}/ (Ctrl+C stops it)")
    _gunicorn_app(
        {
            "bind": f"{bind_host}:{bind_port}",
            "workers": workers,
            "threads": 4,
            "worker_class": "gthread",
            "timeout": 120,
            "graceful_timeout": 10,
            "accesslog": "-",
            # no query strings in the log: they could carry a search someone typed
            "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        }
    ).run()
