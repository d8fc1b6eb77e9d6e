"""``jobhunter``: database, users, saved searches and harvests from the command line.

Every failure ends with one line saying what went wrong and a non-zero exit code.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from core.errors import UserInputError
from core.settings import Settings, SettingsError, get_settings

app = typer.Typer(
    help="Job Hunter: hh.ru vacancies harvested, kept and told.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The database: migrations and status.", no_args_is_help=True)
users_app = typer.Typer(help="People who log in.", no_args_is_help=True)
searches_app = typer.Typer(help="Saved searches (run on every enabled board).", no_args_is_help=True)
etl_app = typer.Typer(help="Harvests from the boards and their audit log.", no_args_is_help=True)
sources_app = typer.Typer(help="Vacancy boards: hh.ru, Trudvsem, SuperJob.", no_args_is_help=True)
hh_app = typer.Typer(help="hh.ru application token: obtain and check.", no_args_is_help=True)
demo_app = typer.Typer(
    help="Demo data: a labelled generated dataset to look around with.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(searches_app, name="searches")
app.add_typer(etl_app, name="etl")
app.add_typer(sources_app, name="sources")
app.add_typer(hh_app, name="hh")
app.add_typer(demo_app, name="demo")


def _register_components() -> None:
    """Commands that live beside their components: the web server and the Telegram bot."""
    from jobhunter.applications_cli import applications_cli
    from jobhunter.bot_cli import bot, telegram_cli
    from jobhunter.web_cli import web

    app.add_typer(applications_cli, name="applications")

    app.command("web")(web)
    app.command("bot")(bot)
    app.add_typer(telegram_cli, name="telegram")
    # -- match score: profile
    from jobhunter.match_cli import matches, profile_cli

    app.add_typer(profile_cli, name="profile")
    app.command("matches")(matches)
    # -- market analytics
    from jobhunter.market_cli import market

    app.command("market")(market)


_register_components()

out = Console()
err = Console(stderr=True)


class Failure(Exception):
    """Ends the command with its message on one line and exit code 1."""


def _settings() -> Settings:
    return get_settings()


def _engine() -> Engine:
    from core.db import get_engine
    from core.migrate import current_revision, head_revision

    engine = get_engine()
    if current_revision(engine, _settings().db_schema) != head_revision():
        raise Failure("the database schema is not up to date: run `jobhunter db upgrade` first")
    return engine


# -- db -------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the newest version."""
    from core.db import get_engine
    from core.migrate import current_revision, upgrade
    from domain.market.store import fill_missing

    settings, engine = _settings(), get_engine()
    upgrade(engine, settings.db_schema)
    with engine.begin() as conn:  # the market's tables, for vacancies stored before they existed
        fill_missing(conn)
    revision = current_revision(engine, settings.db_schema)
    out.print(f"database schema {settings.db_schema!r} is at revision {revision}")


@db_app.command("sql")
def db_sql() -> None:
    """Print the schema as plain PostgreSQL DDL (what sql/schema.sql holds)."""
    from core.schema_sql import ddl

    sys.stdout.write(ddl())


@db_app.command("status")
def db_status() -> None:
    """Where the database is and which revision it is at."""
    from core.db import get_engine
    from core.migrate import current_revision, head_revision

    settings, engine = _settings(), get_engine()
    where = (
        "embedded server under " + str(settings.var_dir / "pg")
        if not settings.database_url
        else (engine.url.render_as_string(hide_password=True))
    )
    out.print(f"database: {where}")
    out.print(
        f"schema {settings.db_schema!r}: revision {current_revision(engine, settings.db_schema)} "
        f"(code expects {head_revision()})"
    )


# -- users ----------------------------------------------------------------------------------------


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    raise Failure("no password: pass --password-stdin and write it to standard input")


@users_app.command("add")
def users_add(
    login: str,
    admin: Annotated[bool, typer.Option("--admin", help="Make an administrator.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
) -> None:
    """Add a user; the password is prompted for (or read from stdin), never taken as an argument."""
    from core.users import create_user

    password = _read_password(password_stdin)
    engine = _engine()
    with engine.begin() as conn:
        user = create_user(conn, login, password, role="admin" if admin else "user", display_name=name)
    out.print(f"user {user.login!r} added (id {user.id}, role {user.role})")


@users_app.command("set-password")
def users_set_password(
    login: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Set a new password for a user (prompted, or read from stdin)."""
    from core.users import set_password

    password = _read_password(password_stdin)
    with _engine().begin() as conn:
        set_password(conn, login, password)
    out.print(f"password of {login!r} changed")


@users_app.command("list")
def users_list() -> None:
    """Every user with role and Telegram link."""
    from sqlalchemy import select

    from core.schema import users

    with _engine().connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.id)).all()
    table = Table("id", "login", "role", "name", "active", "telegram", "last login")
    for r in rows:
        table.add_row(
            str(r.id),
            r.login,
            r.role,
            r.display_name or "",
            "yes" if r.is_active else "no",
            "linked" if r.telegram_chat_id else "",
            _when(r.last_login_at),
        )
    out.print(table)


# -- searches -------------------------------------------------------------------------------------


@searches_app.command("add")
def searches_add(
    user: Annotated[str, typer.Option("--user", help="Owner's login.")],
    name: Annotated[str, typer.Option("--name", help="A name for the search.")],
    text: Annotated[str, typer.Option("--text", help="hh.ru search text (its query language works).")] = "",
    area: Annotated[list[str] | None, typer.Option("--area", help="Area id, repeatable (1 Москва).")] = None,
    experience: Annotated[
        list[str] | None,
        typer.Option("--experience", help="noExperience, between1And3, between3And6, moreThan6; repeatable."),
    ] = None,
    work_format: Annotated[
        list[str] | None,
        typer.Option("--work-format", help="ON_SITE, REMOTE, HYBRID, FIELD_WORK; repeatable."),
    ] = None,
    role: Annotated[
        list[str] | None, typer.Option("--role", help="Professional role id, repeatable.")
    ] = None,
    employment_form: Annotated[
        list[str] | None,
        typer.Option("--employment-form", help="FULL, PART, PROJECT, FLY_IN_FLY_OUT; repeatable."),
    ] = None,
    search_field: Annotated[
        list[str] | None, typer.Option("--search-field", help="name, company_name, description; repeatable.")
    ] = None,
    salary: Annotated[int | None, typer.Option("--salary", help="Expected salary.")] = None,
    currency: Annotated[str, typer.Option("--currency", help="Currency of --salary.")] = "RUR",
    only_with_salary: Annotated[bool, typer.Option("--only-with-salary")] = False,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="hh, trudvsem or superjob; repeatable. Default: every enabled board."),
    ] = None,
) -> None:
    """Save a search for a user; it is harvested on its boards from the next run on.

    The criteria speak hh.ru's vocabulary, mapped onto each board; a criterion a board cannot
    filter by is named (the search runs there without it). Area and role ids are checked against
    hh.ru's dictionaries (fetched first when not cached).
    """
    from core.searches import create_search, known_ids, list_searches
    from core.users import require_user
    from domain import sources as domain_sources
    from domain.sources import sources_of
    from etl.sources.base import Criteria

    engine = _engine()
    if area or role:
        with engine.connect() as conn:
            missing = None in known_ids(conn).values()
        if missing and not _refresh_dictionaries(engine):
            err.print(
                "[yellow]hh.ru's areas and roles are not cached and hh.ru did not answer: ids not checked[/]"
            )
    with engine.begin() as conn:
        owner = require_user(conn, user)
        search_id = create_search(
            conn,
            owner.id,
            name=name,
            text=text,
            areas=area or [],
            experience=experience or [],
            work_formats=work_format or [],
            professional_roles=role or [],
            employment_forms=employment_form or [],
            search_fields=search_field or [],
            salary=salary,
            currency=currency,
            only_with_salary=only_with_salary,
            sources=source or [],
        )
        [saved] = list_searches(conn, ids=[search_id])
    out.print(f"saved search {search_id} {name!r} for {owner.login}")
    settings = _settings()
    boards = sources_of(saved.sources, settings)
    if not boards:
        err.print("[yellow]none of its boards runs now: see `jobhunter sources status`[/]")
    criteria = Criteria.of(saved)
    for board in boards:
        if unfiltered := domain_sources.unsupported(board, criteria.given()):
            out.print(f"{domain_sources.label(board, 'en')} does not filter by: {', '.join(unfiltered)}")


def _refresh_dictionaries(engine: Any) -> bool:
    """Fetch the stale hh.ru dictionaries; whether all are cached now."""
    from datetime import timedelta

    from core.searches import known_ids
    from etl import dictionaries
    from etl.sources.hh.client import HHClient

    settings = _settings()
    with HHClient.from_settings(settings) as client:
        dictionaries.refresh(engine, client, max_age=timedelta(hours=settings.dictionaries_max_age_hours))
    with engine.connect() as conn:
        return None not in known_ids(conn).values()


@searches_app.command("list")
def searches_list() -> None:
    """Every saved search with its owner, boards and how far each board is harvested."""
    from core.searches import list_searches

    with _engine().connect() as conn:
        rows = list_searches(conn)
    table = Table("id", "user", "name", "text", "filters", "boards", "active", "harvested up to")
    for s in rows:
        filters = (
            ", ".join(
                f"{label}={'/'.join(v)}"
                for label, v in (
                    ("area", s.areas),
                    ("exp", s.experience),
                    ("format", s.work_formats),
                    ("role", s.professional_roles),
                )
                if v
            )
            + (f" salary≥{s.salary} {s.currency}" if s.salary else "")
            + (" with salary" if s.only_with_salary else "")
        )
        table.add_row(
            str(s.id),
            s.user_login,
            s.name,
            s.text,
            filters,
            ", ".join(s.sources) or "all enabled",
            "yes" if s.is_active else "paused",
            "\n".join(f"{board}: {_when(moment)}" for board, moment in sorted(s.watermarks.items())),
        )
    out.print(table)


# -- sources --------------------------------------------------------------------------------------


@sources_app.command("status")
def sources_status() -> None:
    """Which boards run, and why (not)."""
    from domain.sources import statuses

    table = Table("board", "runs", "why")
    for status in statuses(_settings()):
        table.add_row(status.name, "yes" if status.runs else "no", status.reason)
    out.print(table)


# -- etl ------------------------------------------------------------------------------------------


@etl_app.command("run")
def etl_run(
    search: Annotated[
        list[int] | None,
        typer.Option("--search", help="Saved search id, repeatable; default: every active one."),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Window start (ISO); with --to, a backfill.")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Window end (ISO).")] = None,
) -> None:
    """Harvest now, with a progress bar; prints the audit rows at the end.

    Without --from/--to each search is harvested from where its last complete run ended (a first
    run: the last 30 days) up to now — the same plan and steps as a manual Airflow run.
    """
    from etl.harvest import local

    req = local.request(search_ids=search, date_from=date_from, date_to=date_to)
    engine, settings = _engine(), _settings()
    with _pipeline_progress() as report:
        run_id = local.run(engine, settings, req, progress=report)
    rows = local.audit_rows(engine, run_id)
    _print_runs(rows)
    if not rows:
        out.print("no active saved searches: add one with `jobhunter searches add`")
    bad = [r for r in rows if r["status"] != "success"]
    if bad:
        raise Failure(f"{len(bad)} of {len(rows)} searches did not complete: {bad[0]['error']}")


@etl_app.command("replay")
def etl_replay(run_id: Annotated[str, typer.Argument(help="A run id from `jobhunter etl runs`.")]) -> None:
    """Transform and load a run again from its landed hh.ru answers (no request to hh.ru)."""
    from etl.harvest import local

    _print_runs(local.replay(_engine(), _settings(), run_id))


@etl_app.command("runs")
def etl_runs(
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 20,
) -> None:
    """The audit log, newest first."""
    from etl.audit import runs

    with _engine().connect() as conn:
        rows = runs(conn, limit=limit)
    if as_json:
        for row in rows:
            out.print_json(json.dumps(row, default=str, ensure_ascii=False))
    else:
        _print_runs(rows)


WIDE_RUNS = 165  # the audit table's 16 columns need about this many characters


def _print_runs(rows: list[dict[str, Any]]) -> None:
    """The audit rows: a table on a wide terminal, else a few lines per row (piped output is
    80 columns wide, where a 14-column table cuts every cell to a character or two)."""
    if out.width < WIDE_RUNS:
        _print_runs_narrow(rows)
        return
    table = Table(
        "run",
        "search",
        "board",
        "trigger",
        "window (UTC)",
        "status",
        "req",
        "pages",
        "found",
        "recv",
        "new",
        "upd",
        "same",
        "full",
        "retries",
        "error",
        title="Harvest audit log",
    )
    colours = {"success": "green", "partial": "yellow", "running": "blue"}
    for r in rows:
        window = _run_window(r)
        status = f"[{colours.get(r['status'], 'red')}]{r['status']}[/]"
        table.add_row(
            r["run_id"],
            f"{r['search_id']} {r['search_name']}",
            r["source"],
            r["trigger"],
            window,
            status,
            *(
                str(r[k])
                for k in (
                    "http_requests",
                    "pages",
                    "found",
                    "received",
                    "new",
                    "updated",
                    "unchanged",
                    "details_fetched",
                    "retries",
                )
            ),
            (r["error"] or "")[:80],
        )
    out.print(table)


def _run_window(r: dict[str, Any]) -> str:
    return f"{r['window_from']:%m-%d %H:%M}–{r['window_to']:%m-%d %H:%M}" if r["window_from"] else ""


def _print_runs_narrow(rows: list[dict[str, Any]]) -> None:
    colours = {"success": "green", "partial": "yellow", "running": "blue"}
    out.print("[bold]Harvest audit log[/] (newest first)" if rows else "Harvest audit log: no rows")
    for r in rows:
        window = _run_window(r)
        out.print(
            f"[{colours.get(r['status'], 'red')}]{r['status']}[/]  {r['trigger']}  {r['run_id']}",
            overflow="fold",
        )
        shown = f" · window {window} UTC" if window else ""
        out.print(f"  search {r['search_id']} {r['search_name']} on {r['source']}{shown}", overflow="fold")
        out.print(
            f"  found {r['found']}, received {r['received']}: {r['new']} new, {r['updated']} updated,"
            f" {r['unchanged']} unchanged;"
            f" {r['details_fetched']} full texts",
            overflow="fold",
        )
        requests = f"  {r['http_requests']} requests, {r['pages']} pages, {r['retries']} retries"
        out.print(requests, overflow="fold")
        if r["error"]:
            out.print(f"  error: {r['error']}", overflow="fold", highlight=False)


def _progress_display() -> Progress:
    """The progress bars every long command shows (on stderr, so output stays clean)."""
    return Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    )


@contextmanager
def _pipeline_progress() -> Iterator[Callable[[str, int, int | None], None]]:
    """A rich progress display fed by the pipeline's ``progress(what, done, total)`` calls.

    Totals arrive per saved search, so each bar's total grows by them as searches start.
    """
    labels = {"items": "search results", "details": "full vacancies"}
    with _progress_display() as display:
        tasks: dict[str, TaskID] = {}

        def report(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                tasks[what] = display.add_task(labels.get(what, what), total=None)
            task = tasks[what]
            if total is not None:
                display.update(task, total=display.tasks[task].completed + total)
            display.advance(task, done)

        yield report


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


# -- hh.ru token ----------------------------------------------------------------------------------


@hh_app.command("login")
def hh_login(
    client_id: Annotated[str, typer.Option("--client-id", help="Your application's Client ID (dev.hh.ru).")],
    client_secret: Annotated[
        str | None,
        typer.Option(
            "--client-secret",
            envvar="JH_HH_CLIENT_SECRET",
            help="Better left out: it is then asked for (or read from stdin) and stays out of shell history.",
        ),
    ] = None,
    secret_stdin: Annotated[
        bool, typer.Option("--client-secret-stdin", help="Read the secret from stdin.")
    ] = False,
) -> None:
    """Obtain the hh.ru application token (client-credentials grant) and store it encrypted under var/."""
    from etl.sources.hh.auth import TokenError, check_token, obtain_token

    if any(arg == "--client-secret" or arg.startswith("--client-secret=") for arg in sys.argv):
        err.print(
            "[yellow]note: a secret on the command line can be seen in shell history and the process "
            "list; next time leave --client-secret out and type it at the prompt[/]"
        )
    if client_secret is None:
        if secret_stdin or not sys.stdin.isatty():
            client_secret = sys.stdin.readline().rstrip("\r\n")
        else:
            client_secret = typer.prompt("Client Secret", hide_input=True)
    if not client_secret.strip():
        raise Failure("no client secret given")
    settings = _settings()
    try:
        obtain_token(settings, client_id.strip(), client_secret.strip())
    except TokenError as error:
        raise Failure(str(error)) from None
    out.print(f"hh.ru application token saved (encrypted) in {settings.var_dir / 'hh_app_token'}")
    if settings.hh_app_token:
        out.print("[yellow]JH_HH_APP_TOKEN is also set and takes precedence over the stored token[/]")
    status = check_token(settings)
    out.print(status.message)


@hh_app.command("status")
def hh_status() -> None:
    """Check the hh.ru token against GET /me and say what it is."""
    from etl.sources.hh.auth import check_token

    status = check_token(_settings())
    out.print(f"token source: {status.source}")
    out.print(status.message)
    if not status.ok:
        raise typer.Exit(1)


# -- demo -----------------------------------------------------------------------------------------


@demo_app.command("load")
def demo_load(
    count: Annotated[
        int, typer.Option("--vacancies", min=10, max=200_000, help="How many vacancies.")
    ] = 3000,
) -> None:
    """Load generated, clearly labelled demo data (a demo user, saved searches, vacancies, audit rows)."""
    summary = _load_demo(_engine(), count)
    _print_demo(summary)


@demo_app.command("clear")
def demo_clear() -> None:
    """Remove every demo row; real data is not touched."""
    from etl.demo import clear_demo

    removed = clear_demo(_engine())
    out.print("demo data removed: " + ", ".join(f"{n} {what}" for what, n in removed.items()))


def _load_demo(engine: Engine, count: int) -> Any:
    from etl.demo import load_demo

    with _progress_display() as progress:
        task = progress.add_task("demo vacancies", total=count)
        return load_demo(
            engine,
            count=count,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )


def _print_demo(summary: Any) -> None:
    out.print(
        f"[bold magenta]Demo data loaded[/]: {summary.vacancies} generated vacancies, "
        f"{summary.searches} demo saved searches (shown, never sent to hh.ru). Log in as "
        f"[bold]{summary.login}[/] with password [bold]{summary.password}[/] (shown only now). Every "
        "demo row is labelled; `jobhunter demo clear` removes them all."
    )


# -- the whole product ----------------------------------------------------------------------------


@app.command("setup")
def setup_product() -> Engine:
    """Prepare everything without starting services: the database (embedded unless JH_DATABASE_URL
    is set), migrations, the first administrator, and demo data while there is no hh.ru token."""
    from core.db import get_engine
    from core.migrate import upgrade
    from core.searches import list_searches
    from core.users import ensure_admin
    from domain.market import store as market_store
    from etl.demo import demo_loaded

    settings = _settings()
    engine = get_engine()
    where = (
        f"embedded PostgreSQL under {settings.var_dir / 'pg'}"
        if not settings.database_url
        else (engine.url.render_as_string(hide_password=True))
    )
    out.print(f"[bold]Job Hunter[/] · database: {where}")
    upgrade(engine, settings.db_schema)
    fresh_demo = False
    with engine.begin() as conn:
        market_store.fill_missing(conn)  # the market's tables, for vacancies stored before them
        created = ensure_admin(conn)
        active = list_searches(conn, active_only=True)
        demo = demo_loaded(conn)
    if created:
        login, password = created
        out.print(
            f"[bold green]Administrator created[/]: login [bold]{login}[/], password [bold]{password}[/]"
            " (shown only now; change it with `jobhunter users set-password admin`)"
        )
    from domain.sources import statuses

    boards = statuses(settings)
    out.print(
        "Boards: "
        + "; ".join(f"{b.name} {'runs' if b.runs else 'off'} ({b.reason})" for b in boards)
        + " — `jobhunter sources status`"
    )
    if any(b.name == "trudvsem" and b.runs for b in boards) and not settings.hh_token:
        out.print(
            "[green]«Работа России» (Trudvsem) works without any key[/]: a saved search harvests its real "
            "vacancies on the next run."
        )
    if not settings.hh_token:
        out.print(
            "[yellow]No hh.ru application token: hh.ru refuses vacancy search without one. Get one with "
            "`jobhunter hh login --client-id ID` (README, 'Getting an hh.ru token').[/]"
        )
        if settings.demo_on_first_run and not demo:
            out.print(
                "Loading demo data so you can look around meanwhile (JH_DEMO_ON_FIRST_RUN=false turns "
                "this off) …"
            )
            _print_demo(_load_demo(engine, 3000))
            fresh_demo = True
    if demo and settings.hh_token:
        out.print(
            "[magenta]Demo data is still loaded[/] beside what your hh.ru token harvests: "
            "`jobhunter demo clear` removes it."
        )
    elif demo:
        out.print(
            "[magenta]Demo data is loaded[/]: log in as [bold]demo[/] (`jobhunter demo clear` removes it; "
            "`jobhunter users set-password demo` sets a new password)."
        )
    if not active:
        aside = " (the demo's searches are never harvested)" if demo or fresh_demo else ""
        out.print(
            f"No saved searches to harvest yet{aside}. Add one in the web app, or:\n"
            "  .venv/bin/jobhunter searches add --user admin --name 'Python в Москве' --text python --area 1"
        )
    return engine


@app.command(
    "airflow",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
)
def airflow_command(ctx: typer.Context) -> None:
    """Run an `airflow` command against make run's Airflow (same home, metadata database and DAGs),
    e.g. `jobhunter airflow backfill create --dag-id hh_vacancies --from-date … --to-date …`."""
    import subprocess

    from core.db import get_engine
    from jobhunter.run import ROOT, airflow_args, airflow_database_url, airflow_env, airflow_migration_lock

    settings, engine = _settings(), get_engine()
    env = airflow_env(
        settings, engine.url.render_as_string(hide_password=False), airflow_database_url(engine, settings)
    )
    if ctx.args[:1] == ["celery"]:  # e.g. `jobhunter airflow celery flower`: make cluster's broker
        from jobhunter.cluster import cluster_env

        env = cluster_env(settings, engine)
    with airflow_migration_lock(engine, shared=True):  # `make run` may be migrating it right now
        pass
    argv = [sys.executable, "-m", "airflow", *airflow_args(ctx.args)]
    done = subprocess.run(argv, env=env, cwd=ROOT, check=False)  # noqa: S603
    raise typer.Exit(done.returncode)


@app.command("run")
def run_product() -> None:
    """Start everything: `jobhunter setup`, then Airflow standalone with our DAGs, the web app and
    (with a bot token) the Telegram bot. Ctrl-C stops it all."""
    from jobhunter.run import serve

    engine = setup_product()
    code = serve(_settings(), engine, out.print)
    if code:
        raise typer.Exit(code)


@app.command("cluster")
def cluster_command(
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Celery workers to start.")] = 2,
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", min=1, max=64, help="Task slots per worker (default: 2)."),
    ] = None,
    workers_only: Annotated[
        bool,
        typer.Option("--workers-only", help="Only the workers: join a cluster started on another machine."),
    ] = False,
) -> None:
    """Start Airflow with the CeleryExecutor: API server, scheduler, DAG processor, triggerer,
    N Celery workers (Redis from JH_REDIS_URL) and the web app. Ctrl-C stops it all."""
    from core.db import get_engine
    from jobhunter.cluster import redacted, redis_problem, serve_cluster

    broker = _settings().redis_url.get_secret_value()
    problem = redis_problem(broker)
    if problem:  # before anything starts: the cluster cannot run without its broker
        raise Failure(f"no Redis at {redacted(broker)} ({problem}): start one or set JH_REDIS_URL")
    engine = get_engine() if workers_only else setup_product()
    code = serve_cluster(
        _settings(), engine, out.print, count=workers, concurrency=concurrency, workers_only=workers_only
    )
    if code:
        raise typer.Exit(code)


# -- entry ----------------------------------------------------------------------------------------


@app.callback()
def _root(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details.")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    _settings()  # a wrong setting stops here, before anything else


def main() -> None:
    """Run the CLI, turning expected failures into one line and exit code 1 (2 for settings)."""
    try:
        app()
    except SettingsError as error:
        err.print(f"error: {error}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (Failure, UserInputError, LookupError) as error:
        err.print(f"error: {error}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        err.print(f"error: cannot reach the database: {reason}", highlight=False, soft_wrap=True)
        sys.exit(1)
