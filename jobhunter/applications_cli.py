"""``jobhunter applications …``: the user's applications, listed and moved from the terminal.

Registered in ``jobhunter.cli`` with ``app.add_typer(applications_cli, name="applications")``.
Errors are :class:`core.errors.UserInputError` (one line, exit code 1, from ``jobhunter.cli.main``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from core.errors import UserInputError

applications_cli = typer.Typer(
    help="Applications: where each stands (Интересно → Отклик → … → Оффер), with its history.",
    no_args_is_help=True,
)
out = Console()
STAGE_HELP = (
    "interested, applied, test_task, interview, offer, hired, rejected, no_answer, withdrawn "
    "(or the Russian label, e.g. «Собеседование»)"
)


def _user_id(conn: Any, login: str) -> int:
    from core.users import get_user

    user = get_user(conn, login)
    if user is None:
        raise UserInputError(f"no user {login!r}")
    return user.id


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@applications_cli.command("list")
def list_applications(
    user: Annotated[str, typer.Option("--user", help="Whose applications.")],
    stage: Annotated[str | None, typer.Option("--stage", help="Only this stage (code or label).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """The user's tracked vacancies, the latest change first."""
    from domain import applications as apps
    from jobhunter.cli import _engine

    with _engine().connect() as conn:
        rows = apps.applications(conn, _user_id(conn, user), stage=apps.parse_stage(stage) if stage else None)
    if as_json:
        for row in rows:
            typer.echo(
                json.dumps(
                    {
                        "vacancy_id": row["vacancy_id"],
                        "stage": row["stage"],
                        "stage_at": _iso(row["stage_at"]),
                        "next_step_at": _iso(row["next_step_at"]),
                        "next_step_note": row["next_step_note"],
                        "score": row["score"],
                        "name": row["name"],
                        "employer": row["employer_name"],
                        "board": row["source"],
                        "url": row["url"],
                        "closed_at": _iso(row["closed_at"]),
                    },
                    ensure_ascii=False,
                )
            )
        return
    table = Table("id", "stage", "since", "next step", "vacancy", "employer", "score")
    for row in rows:
        name = row["name"] + (" (closed)" if row["closed_at"] else "")
        table.add_row(
            str(row["vacancy_id"]),
            apps.label(row["stage"], "en"),
            row["stage_at"].strftime("%Y-%m-%d") if row["stage_at"] else "",
            row["next_step_at"].strftime("%Y-%m-%d %H:%M %Z") if row["next_step_at"] else "",
            name,
            row["employer_name"] or "",
            "" if row["score"] is None else str(row["score"]),
        )
    out.print(table)
    if not rows:
        out.print("no applications yet: `jobhunter applications set --user LOGIN VACANCY_ID interested`")


@applications_cli.command("set")
def set_stage(
    user: Annotated[str, typer.Option("--user", help="Whose application.")],
    vacancy_id: Annotated[
        int, typer.Argument(help="The vacancy's id (the grid's and `applications list`'s).")
    ],
    stage: Annotated[
        str,
        typer.Argument(
            help="interested, applied, test_task, interview, offer, hired, "
            "rejected, no_answer, withdrawn (or the Russian label)"
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", help="A note kept with this change.")] = None,
    next_step: Annotated[
        str | None,
        typer.Option("--next", help="The next step's date and time, ISO 8601 (no offset: your time zone)."),
    ] = None,
    next_note: Annotated[str | None, typer.Option("--next-note", help="What the next step is.")] = None,
) -> None:
    """Move an application to a stage; the change is kept in its history."""
    from core.settings import get_settings
    from domain import applications as apps
    from jobhunter.cli import _engine

    code = apps.parse_stage(stage)
    with _engine().begin() as conn:
        user_id = _user_id(conn, user)
        moment = None
        if next_step:
            zone = apps.time_zone_of(conn, user_id, get_settings().telegram_time_zone)
            moment = apps.local_moment(next_step, zone)
        change = apps.record(
            conn,
            user_id,
            vacancy_id,
            stage=code,
            note=note,
            next_step_at=moment,
            next_step_note=next_note,
            via="cli",
            now=datetime.now(UTC),
        )
    before = apps.label(change.stage_from, "en") if change.stage_from else "untracked"
    out.print(f"vacancy {vacancy_id}: {before} → {apps.label(code, 'en')}", highlight=False)
