"""``jobhunter profile …`` (the resume profile the match score reads) and ``jobhunter matches``
(a user's best matches with the reasons).

Registered in ``jobhunter.cli`` with ``app.add_typer(profile_cli, name="profile")`` and
``app.command("matches")(matches)``. Every failure is one line on stderr and exit code 1.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

profile_cli = typer.Typer(
    help="The resume profile the match score reads: import a resume, show it, rescore.", no_args_is_help=True
)

out = Console()
err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"error: {message}", highlight=False, soft_wrap=True, markup=False)
    return typer.Exit(1)


def _engine() -> Any:
    from core.db import get_engine
    from core.migrate import current_revision, head_revision
    from core.settings import get_settings

    engine = get_engine()
    if current_revision(engine, get_settings().db_schema) != head_revision():
        raise _fail("the database schema is not up to date: run `jobhunter db upgrade` first")
    return engine


def _user(conn: Any, login: str) -> Any:
    from core.errors import UserInputError
    from core.users import require_user

    try:
        return require_user(conn, login)
    except UserInputError as error:
        raise _fail(str(error)) from None


def _today() -> Any:
    return datetime.now(UTC).date()


def _read_resume(path: Path) -> dict[str, Any]:
    """The importer's draft from a DOCX (by its zip signature) or a plain text file."""
    from domain.resume import importer

    if not path.is_file():
        raise _fail(f"no such file: {path}")
    data = path.read_bytes()
    try:
        if data[:2] == b"PK" or path.suffix.lower() == ".docx":
            return importer.parse_docx(data)
        if len(data) > importer.MAX_DOCX_BYTES:
            raise importer.ImportFailed("too_long")
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1251 decodes almost any byte
            raise _fail(f"{path} is neither UTF-8 nor Windows-1251 text")
        return importer.parse_text(text)
    except importer.ImportFailed as error:
        reasons = {
            "too_big": f"{path} is over {importer.MAX_DOCX_BYTES // 1024 // 1024} MB (or unpacks to more)",
            "too_long": f"{path} holds more than {importer.MAX_TEXT_CHARS:,} characters of text",
        }
        raise _fail(reasons.get(error.reason) or f"{path} cannot be read as a DOCX") from None


def _rescore(engine: Any, user_id: int) -> int | None:
    """The user's stale links scored in the foreground, with a progress bar on stderr."""
    from domain.matching.store import rescore
    from jobhunter.cli import _progress_display

    with _progress_display() as display:
        task = display.add_task("match scores", total=None)
        return rescore(
            engine,
            user_id,
            today=_today(),
            progress=lambda done, total: display.update(task, completed=done, total=total),
        )


@profile_cli.command("import")
def profile_import(
    file: Annotated[Path, typer.Argument(help="The resume: plain text (UTF-8 or Windows-1251) or DOCX.")],
    user: Annotated[str, typer.Option("--user", help="Whose profile (login).")],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Store only what the file holds. Without it the import is merged as the profile page "
            "does: every field the file fills replaces the stored one, the rest of the profile stays.",
        ),
    ] = False,
) -> None:
    """Import a resume (plain text or DOCX) into a user's profile, then rescore their vacancies.

    Merged by default, as the profile page does (see --replace).
    The importer is the profile page's: hh.ru's "Скачать резюме" TXT or DOCX reads faithfully.
    """
    from pydantic import ValidationError

    from domain.resume import importer, store
    from domain.resume.model import Profile, describe_errors

    draft = _read_resume(file)
    found = importer.counts(draft)
    if not any(found.values()) and not draft.get("name"):
        raise _fail(f"nothing that looks like a resume was found in {file}")
    engine = _engine()
    with engine.begin() as conn:
        owner = _user(conn, user)
        current = store.load_profile(conn, owner.id)
        document = draft if replace else importer.merged(current.document, draft)
        try:
            profile = Profile.model_validate(document)
        except ValidationError as error:
            raise _fail(
                f"the imported profile is not valid: {'; '.join(describe_errors(error, 'en'))}"
            ) from None
        changed = store.save_profile(conn, owner.id, profile)
    how = "replaced" if replace else "merged"
    verb = f"saved ({how})" if changed else "unchanged"
    out.print(
        f"profile of {owner.login} {verb}: {found['jobs']} jobs, {found['skills']} skills, "
        f"{found['schools']} schools from {file.name}",
        highlight=False,
    )
    done = _rescore(engine, owner.id)
    if done is None:
        out.print("another rescoring of this user is running: it scores the rest")
    else:
        out.print(f"{done} vacancies rescored", highlight=False)


@profile_cli.command("rescore")
def profile_rescore(user: Annotated[str, typer.Option("--user", help="Whose vacancies (login).")]) -> None:
    """Score the user's vacancies whose scores are stale (e.g. a web process died mid-way)."""
    engine = _engine()
    with engine.connect() as conn:
        owner = _user(conn, user)
    done = _rescore(engine, owner.id)
    out.print("another rescoring of this user is running" if done is None else f"{done} vacancies rescored")


def profile_facts(conn: Any, user_id: int) -> dict[str, Any]:
    """What ``profile show`` prints: the profile, its wishes, the Telegram threshold and how many
    of the user's vacancies are scored against it."""
    from sqlalchemy import select

    from core.schema import resume_profiles, users
    from domain.matching.store import pending
    from domain.resume import store

    stored = store.load_profile(conn, user_id)
    profile = stored.profile
    revision = conn.execute(
        select(resume_profiles.c.revision).where(resume_profiles.c.user_id == user_id)
    ).scalar_one_or_none()
    threshold = conn.execute(select(users.c.notify_min_score).where(users.c.id == user_id)).scalar_one()
    stale, total = pending(conn, user_id)
    return {
        "exists": stored.exists,
        "name": profile.name,
        "headline": profile.headline,
        "skills": profile.skills,
        "years": profile.years(_today()),
        "years_stated": profile.wishes.years is not None,
        "wishes": profile.wishes.model_dump(mode="json"),
        "notify_min_score": threshold,
        "experience": [
            {"employer": job.employer, "role": job.role, "start": job.start, "end": job.end}
            for job in profile.experience
        ],
        "education": [school.model_dump(mode="json") for school in profile.education],
        "languages": [language.model_dump(mode="json") for language in profile.languages],
        "revision": revision or 0,
        "links": total,
        "stale": stale,
    }


@profile_cli.command("show")
def profile_show(
    user: Annotated[str, typer.Option("--user", help="Whose profile (login).")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object instead of text.")] = False,
) -> None:
    """Print the user's profile as the match score reads it: skills, years, wishes, headline and
    an experience summary."""
    engine = _engine()
    with engine.connect() as conn:
        owner = _user(conn, user)
        facts = profile_facts(conn, owner.id)
    if as_json:
        typer.echo(json.dumps({"login": owner.login, **facts}, ensure_ascii=False))
        return
    if not facts["exists"]:
        out.print(f"{owner.login} has no profile yet: `jobhunter profile import --user {owner.login} FILE`")
        return
    wishes = facts["wishes"]
    years = facts["years"]
    lines = [
        f"[bold]{facts['name'] or owner.login}[/] — {facts['headline'] or 'no headline'}",
        f"skills: {', '.join(facts['skills']) or '—'}",
        "years of experience: "
        + ("—" if years is None else f"{years:g}" + ("" if facts["years_stated"] else " (from the jobs)")),
        f"wants roles: {'; '.join(wishes['roles']) or '—'}",
        f"salary: {_roubles(wishes['salary']) if wishes['salary'] else '—'}",
        f"areas: {', '.join(wishes['areas']) or '—'}",
        f"work formats: {', '.join(wishes['work_formats']) or 'any'}",
        "Telegram: "
        + (
            "every new vacancy"
            if facts["notify_min_score"] is None
            else f"only matches of {facts['notify_min_score']} or more"
        ),
    ]
    for line in lines:
        out.print(line, highlight=False)
    table = Table("period", "role", "employer", title="Experience")
    for job in facts["experience"]:
        table.add_row(f"{job['start'] or '?'} – {job['end'] or 'now'}", job["role"], job["employer"])
    out.print(table)
    scored = facts["links"] - facts["stale"]
    out.print(
        f"revision {facts['revision']}: {scored} of {facts['links']} vacancies scored against it",
        highlight=False,
    )


def _roubles(amount: int | None) -> str:
    return f"{amount:,}".replace(",", " ") + " ₽" if amount else ""


def _salary(row: Any) -> str:
    low, high = row.salary_from_rub, row.salary_to_rub
    if low and high:
        return f"{_roubles(low)[:-2]}–{_roubles(high)}"
    if low:
        return f"from {_roubles(low)}"
    if high:
        return f"up to {_roubles(high)}"
    return ""


def best_matches(conn: Any, user_id: int, *, search_id: int | None, limit: int) -> list[dict[str, Any]]:
    """The user's best-scoring vacancies (not banned), best first, with their components."""
    from sqlalchemy import BigInteger, any_, cast, literal, select

    from core.schema import user_vacancies, vacancies

    uv, v = user_vacancies.c, vacancies.c
    query = (
        select(
            uv.vacancy_id,
            uv.score,
            uv.score_parts,
            v.name,
            v.employer_name,
            v.area_name,
            v.salary_from_rub,
            v.salary_to_rub,
            v.url,
        )
        .join(vacancies, v.id == uv.vacancy_id)
        .where(uv.user_id == user_id, uv.is_banned.is_(False), uv.score.is_not(None))
        .order_by(uv.score.desc().nulls_last(), uv.vacancy_id.desc())
        .limit(limit)
    )
    if search_id is not None:
        query = query.where(cast(literal(search_id), BigInteger) == any_(uv.search_ids))
    result = []
    for row in conn.execute(query):
        parts = row.score_parts or {}
        result.append(
            {
                "vacancy_id": row.vacancy_id,
                "score": row.score,
                "title": row.name,
                "employer": row.employer_name,
                "area": row.area_name,
                "salary": _salary(row),
                "salary_from_rub": row.salary_from_rub,
                "salary_to_rub": row.salary_to_rub,
                "url": row.url,
                "points": parts.get("points", {}),
                "matched": parts.get("matched", []),
                "missing": parts.get("missing", []),
            }
        )
    return result


def matches(
    user: Annotated[str, typer.Option("--user", help="Whose vacancies (login).")],
    search: Annotated[int | None, typer.Option("--search", help="Only this saved search's (its id).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="How many.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """The user's best matches: score, title, employer, salary and the score's components (points
    per component, matched and missing skills)."""
    from sqlalchemy import select

    from core.schema import searches
    from domain.matching.store import pending

    engine = _engine()
    with engine.connect() as conn:
        owner = _user(conn, user)
        if search is not None:
            search_owner = conn.execute(
                select(searches.c.user_id).where(searches.c.id == search)
            ).scalar_one_or_none()
            if search_owner is None:
                raise _fail(f"no saved search {search}")
            if search_owner != owner.id:
                raise _fail(f"saved search {search} is not {owner.login}'s")
        rows = best_matches(conn, owner.id, search_id=search, limit=limit)
        stale, total = pending(conn, owner.id)
    if stale:
        err.print(
            f"note: {stale} of {total} scores are stale; `jobhunter profile rescore --user {owner.login}`",
            highlight=False,
        )
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        out.print(f"no scored vacancies for {owner.login} (a profile with skills or roles scores them)")
        return
    table = Table(
        "score", "vacancy", "employer", "salary", "points", "skills", title=f"Best matches of {owner.login}"
    )
    for row in rows:
        points = " ".join(f"{name} {value:g}" for name, value in row["points"].items())
        skills_text = "✓ " + (", ".join(row["matched"]) or "—")
        if row["missing"]:
            skills_text += "\n✗ " + ", ".join(row["missing"])
        table.add_row(
            str(row["score"]), row["title"], row["employer"] or "", row["salary"], points, skills_text
        )
    out.print(table)
