"""``jobhunter market``: the «Рынок» figures of a user's vacancies, for scripts and for checking.

Registered in ``jobhunter.cli`` with ``app.command("market")(market)``. It prints what
:func:`domain.market.figures` computes for the scope, nothing of its own: ``--json`` is
``dataclasses.asdict(Market)`` with dates in ISO and the computed properties
(``share_with_salary``, each skill's ``change``) beside the fields. A bad request (unknown login,
a search that is not the user's, a period out of range, an unknown board or basis) is one line on
stderr and exit code 2.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

out = Console()
err = Console(stderr=True)

BASIS_LABELS = {"all": "as published", "gross": "before tax only", "net": "after tax only"}


def _today() -> date:
    """The period ends today, UTC (the figures' days are UTC days)."""
    return datetime.now(UTC).date()


def _bad(message: str) -> typer.Exit:
    err.print(f"error: {message}", highlight=False, soft_wrap=True, markup=False)
    return typer.Exit(2)


def as_plain(value: Any) -> Any:
    """A dataclass tree as JSON-ready values: fields as ``asdict`` gives them, plus every property
    of the class (``Salaries.share_with_salary``, ``SkillShare.change``), dates as ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        plain = {f.name: as_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in dir(type(value)):
            if isinstance(getattr(type(value), name), property):
                plain[name] = as_plain(getattr(value, name))
        return plain
    if isinstance(value, list | tuple):
        return [as_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _roubles(amount: float | None) -> str:
    return "—" if amount is None else f"{round(amount):,}".replace(",", " ") + " ₽"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def _table(title: str, first: str, *numbers: str) -> Table:
    """A table whose first column names the row and the others, numbers, are right-aligned."""
    table = Table(first, title=title)
    for name in numbers:
        table.add_column(name, justify="right")
    return table


def _band_rows(table: Table, group: str, bands: list[Any]) -> None:
    for band in bands:
        table.add_row(
            f"{group}{band.label or band.key}",
            str(band.count),
            _roubles(band.p25),
            _roubles(band.median),
            _roubles(band.p75),
            str(band.gross),
            str(band.net),
        )


def _scope_line(login: str, market: Any, search_name: str | None) -> str:
    scope = market.scope
    what = [f"search «{search_name}»" if search_name else "all searches"]
    if scope.source:
        from domain.sources import LABELS_EN

        what.append(f"board {LABELS_EN.get(scope.source, scope.source)}")
    what.append("hidden included" if scope.include_hidden else "hidden excluded")
    what.append(f"salaries {BASIS_LABELS[scope.basis]}")
    return (
        f"[bold]Market of {login}[/]: {market.start.isoformat()} – {market.end.isoformat()} "
        f"({scope.days} days), {', '.join(what)}"
    )


def _print_salaries(s: Any) -> None:
    out.print(
        f"{s.vacancies} new vacancies, {s.with_salary} with a salary ({_share(s.share_with_salary)}), "
        f"{s.without_salary} without; of those with one: gross {s.gross}, net {s.net}, "
        f"not said {s.unknown_basis}",
        highlight=False,
    )
    if s.overall is None:
        out.print("no salaries to compare in this period", highlight=False)
        return
    table = _table("Salaries, roubles a month", "group", "vacancies", "p25", "median", "p75", "gross", "net")
    _band_rows(table, "", [dataclasses.replace(s.overall, label="all")])
    for group, bands in (("grade: ", s.by_grade), ("city: ", s.by_area), ("format: ", s.by_format)):
        if bands:
            table.add_section()
            _band_rows(table, group, bands)
    out.print(table)
    top = max(b.count for b in s.histogram) or 1
    out.print("[bold]Salary histogram[/]")
    for b in s.histogram:
        bar = "█" * round(30 * b.count / top)
        out.print(f"{_roubles(b.low)[:-2]:>9} – {_roubles(b.high):<11} {bar} {b.count}", highlight=False)
    weeks = _table("Weekly, by the week first seen", "week from", "new vacancies", "p25", "median", "p75")
    for w in s.weekly:
        weeks.add_row(w.start.isoformat(), str(w.count), _roubles(w.p25), _roubles(w.median), _roubles(w.p75))
    out.print(weeks)


def _print_demand(d: Any) -> None:
    days = _table("Vacancies per day", "day", "new", "open")
    for new, opened in zip(d.new_per_day, d.open_per_day, strict=True):
        days.add_row(new.day.isoformat(), str(new.count), str(opened.count))
    out.print(days)
    for title, employers in (
        ("Top employers by open vacancies", d.top_by_open),
        ("Top employers by median salary", d.top_by_salary),
    ):
        if employers:
            table = _table(title, "employer", "open", "vacancies", "with a salary", "median")
            for e in employers:
                table.add_row(e.name, str(e.open), str(e.vacancies), str(e.with_salary), _roubles(e.median))
            out.print(table)
    if d.lifetime:
        table = _table("Lifetime, days from first seen to closed", "grade", "closed", "p25", "median", "p75")
        for x in d.lifetime:
            table.add_row(x.label, str(x.closed), f"{x.p25:g}", f"{x.median:g}", f"{x.p75:g}")
        out.print(table)


def _change(value: float | None) -> str:
    return "new" if value is None else f"{value:+.0f} pp"


def _print_skills(k: Any) -> None:
    out.print(
        f"key skills known for {k.with_skills} vacancies (previous period: {k.previous_with_skills})",
        highlight=False,
    )
    if k.top:
        table = _table("Skills in demand", "skill", "vacancies", "share", "previous", "change")
        for x in k.top:
            table.add_row(x.skill, str(x.count), _share(x.share), _share(x.previous_share), _change(x.change))
        out.print(table)
    for title, moving in (("rising", k.rising), ("falling", k.falling)):
        if moving:
            said = ", ".join(f"{x.skill} {_change(x.change)}" for x in moving)
            out.print(f"{title}: {said}", highlight=False)
    if k.salary:
        table = _table(
            "Median salary by skill", "skill", "with it", "median with", "without it", "median without"
        )
        for x in k.salary:
            table.add_row(
                x.skill,
                str(x.with_count),
                _roubles(x.with_median),
                str(x.without_count),
                _roubles(x.without_median),
            )
        out.print(table)


def _print_standing(st: Any, login: str, grades: dict[str, str]) -> None:
    if st is None:
        out.print(
            f"where you stand: {login} has no profile yet (`jobhunter profile import`)", highlight=False
        )
        return
    out.print("[bold]Where you stand[/]")
    if st.desired_salary is None:
        out.print("desired salary: not in the profile", highlight=False)
    else:
        group = ", ".join(x for x in (grades.get(st.grade or "", st.grade), st.area) if x) or "all vacancies"
        place = "—" if st.percentile is None else f"above {st.percentile:.0f} % of"
        out.print(
            f"desired {_roubles(st.desired_salary)}: {place} {st.peers} salaries ({group})", highlight=False
        )
    for gap in st.skills:
        mark = "in the profile" if gap.in_profile else "not in the profile"
        out.print(f"{gap.skill} — in {_share(gap.share)} of your vacancies, {mark}", highlight=False)


def market(
    user: Annotated[str, typer.Option("--user", help="Whose vacancies (login).")],
    search: Annotated[int | None, typer.Option("--search", help="Only this saved search's (its id).")] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Only this board's: hh, trudvsem or superjob.")
    ] = None,
    days: Annotated[
        int, typer.Option("--days", help="The period: this many days ending today (1-365).")
    ] = 30,
    include_hidden: Annotated[
        bool, typer.Option("--include-hidden", help="Count the vacancies and employers the user hid.")
    ] = False,
    basis: Annotated[
        str, typer.Option("--basis", help="Salaries: all (as published), gross or net only.")
    ] = "all",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object instead of text.")] = False,
    today: Annotated[
        datetime | None,
        typer.Option("--today", formats=["%Y-%m-%d"], hidden=True, help="The period's last day (tests)."),
    ] = None,
) -> None:
    """The market of the user's vacancies: salary bands by grade, city and format, a histogram and
    the weekly trend; new and open vacancies, top employers and lifetimes; skills in demand, rising
    and falling, and their salaries; where the user's profile stands."""
    from sqlalchemy import select

    from core.schema import searches
    from core.users import get_user
    from domain.market import ScopeError, figures
    from domain.market.model import Scope
    from domain.sources import SOURCES
    from jobhunter.cli import _engine

    if source is not None and source not in SOURCES:
        raise _bad(f"no board {source!r}: one of {', '.join(SOURCES)}")
    with _engine().connect() as conn:
        owner = get_user(conn, user)
        if owner is None:
            raise _bad(f"no user {user!r}")
        scope = Scope(
            user_id=owner.id,
            today=today.date() if today else _today(),
            days=days,
            search_id=search,
            source=source,
            include_hidden=include_hidden,
            basis=basis,
        )
        try:
            result = figures(conn, scope)
        except ScopeError as error:
            raise _bad(str(error)) from None
        search_name = (
            conn.execute(select(searches.c.name).where(searches.c.id == search)).scalar() if search else None
        )
    if as_json:
        typer.echo(json.dumps(as_plain(result), ensure_ascii=False))
        return
    out.print(_scope_line(owner.login, result, search_name), highlight=False)
    if not result.vacancies:
        out.print("no vacancies in this period: widen --days, or run a harvest (`jobhunter etl run`)")
        return
    _print_salaries(result.salaries)
    _print_demand(result.demand)
    _print_skills(result.skills)
    grades = {band.key: band.label for band in result.salaries.by_grade}
    _print_standing(result.standing, owner.login, grades)
