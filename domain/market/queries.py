"""The market figures of a :class:`~domain.market.model.Scope`, computed in PostgreSQL.

Every figure is one aggregate query over :func:`facts` — the user's vacancies of the scope, one
row each with what the figures read (``t23_jh_market_facts``) — or, for new vacancies and key
skills, over the day counts of :mod:`domain.market.days`, so nothing but the figures leaves the
database. Percentiles
are ``percentile_cont`` (linear interpolation between the two nearest ranks, the same as Python's
``statistics.quantiles(method="inclusive")``).

Days are UTC calendar days. A vacancy *of the period* was seen at least once in it (first seen on
or before its last day, last seen on or after its first); it is *new* on the day it was first
seen, *open* on a day from its first-seen day until the day before it closed; its *lifetime* is
first seen → closed, in days, for those closed in the period. Key skills are counted over the
vacancies *first seen* in the period (:mod:`domain.market.days`), so a vacancy open for weeks does
not count in both periods of a trend.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    Date,
    Float,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.engine import Connection

from core.schema import banned_employers, market_facts, searches, user_vacancies
from domain import skills as vocabulary
from domain.market import days
from domain.market.model import (
    BASES,
    GRADE_NAMES,
    GRADES,
    MAX_DAYS,
    Band,
    Bin,
    DayCount,
    Demand,
    Employer,
    Lifetime,
    Market,
    Salaries,
    Scope,
    SkillGap,
    Skills,
    SkillSalary,
    SkillShare,
    Standing,
    Week,
)

#: Groups shown of a long tail: cities, employers, skills.
TOP_AREAS = 12
TOP_EMPLOYERS = 10
TOP_SKILLS = 25
#: A skill's rise or fall is told only when it is named this often in one of the two periods.
MIN_SKILL_COUNT = 3
#: An employer is ranked by median salary only with this many vacancies with a salary.
MIN_EMPLOYER_SALARIES = 3
#: Fewer peers than this in the user's grade and city: the comparison widens (grade, then all).
MIN_PEERS = 5
SKILL_SALARIES = 10
HISTOGRAM_BINS = 20
_QUARTILES = literal([0.25, 0.5, 0.75], ARRAY(Float))


class ScopeError(ValueError):
    """The scope asks for something that is not the user's, or out of range (a clear message)."""


def facts(scope: Scope) -> Any:
    """The user's vacancies of the scope (every day, not only the period's), one row each, from
    ``t23_jh_market_facts`` (:mod:`domain.market.store`); bans are read live."""
    m, uv = market_facts.c, user_vacancies.c
    salary = m.salary
    if scope.basis == "gross":
        salary = case((m.gross.is_(True), m.salary))
    elif scope.basis == "net":
        salary = case((m.gross.is_(False), m.salary))
    where = [m.user_id == scope.user_id]
    if scope.search_id is not None:
        where.append(m.search_ids.any_() == scope.search_id)
    if scope.source is not None:
        where.append(m.source == scope.source)
    if not scope.include_hidden:
        where.append(
            ~exists().where(uv.user_id == m.user_id, uv.vacancy_id == m.vacancy_id, uv.is_banned.is_(True))
        )
        where.append(
            ~exists().where(
                banned_employers.c.user_id == m.user_id, banned_employers.c.employer_id == m.employer_id
            )
        )
    return (
        select(
            m.vacancy_id,
            m.first_day,
            m.last_day,
            m.closed_day,
            func.coalesce(m.grade, "").label("grade"),
            m.area_id,
            m.area_name,
            m.formats,
            m.format_names,
            m.employer_id,
            m.employer_name,
            cast(salary, Float).label("salary"),
            m.gross,
            m.skills,
        )
        .where(*where)
        .cte("facts")
    )


def _in(f: Any, start: date, end: date) -> Any:
    return and_(f.c.first_day <= end, f.c.last_day >= start)


def _quartiles(salary: Any) -> Any:
    return func.percentile_cont(_QUARTILES).within_group(salary)


def _band(row: Any, key: str, label: str) -> Band:
    p25, median, p75 = row.q
    return Band(key, label, row.n, p25, median, p75, row.gross or 0, row.net or 0)


def _band_columns(f: Any) -> list[Any]:
    return [
        func.count(f.c.salary).label("n"),
        _quartiles(f.c.salary).label("q"),
        func.count().filter(f.c.gross.is_(True)).label("gross"),
        func.count().filter(f.c.gross.is_(False)).label("net"),
    ]


def check(conn: Connection, scope: Scope) -> None:
    """Raise :class:`ScopeError` for a scope that is not the user's or out of range."""
    if not 1 <= scope.days <= MAX_DAYS:
        raise ScopeError(f"the period is 1 to {MAX_DAYS} days, not {scope.days}")
    if scope.basis not in BASES:
        raise ScopeError(f"the salary basis is one of {', '.join(BASES)}, not {scope.basis!r}")
    if scope.search_id is not None:
        owner = conn.execute(select(searches.c.user_id).where(searches.c.id == scope.search_id)).scalar()
        if owner != scope.user_id:
            raise ScopeError(f"no saved search {scope.search_id} of this user")


def figures(conn: Connection, scope: Scope) -> Market:
    """Every figure of the scope's period (see the module docstring for the definitions)."""
    check(conn, scope)
    end = scope.today
    start = end - timedelta(days=scope.days - 1)
    f = facts(scope)
    salaries = _salaries(conn, f, start, end)
    return Market(
        scope=scope,
        start=start,
        end=end,
        vacancies=salaries.vacancies,
        salaries=salaries,
        demand=_demand(conn, f, scope, start, end),
        skills=_skills(conn, f, scope, start, end),
        standing=_standing(conn, f, scope, start, end),
    )


# -- salaries --------------------------------------------------------------------------------------


def _salaries(conn: Connection, f: Any, start: date, end: date) -> Salaries:
    period = _in(f, start, end)
    head = conn.execute(
        select(
            func.count().label("vacancies"),
            func.count(f.c.salary).label("with_salary"),
            func.count(f.c.salary).filter(f.c.gross.is_(True)).label("gross"),
            func.count(f.c.salary).filter(f.c.gross.is_(False)).label("net"),
            func.count(f.c.salary).filter(f.c.gross.is_(None)).label("unknown"),
            _quartiles(f.c.salary).label("q"),
            func.max(f.c.salary).label("top"),
            func.percentile_cont(0.99).within_group(f.c.salary).label("p99"),
        ).where(period)
    ).one()
    overall = None
    if head.with_salary:
        p25, median, p75 = head.q
        overall = Band("all", "", head.with_salary, p25, median, p75, head.gross, head.net)
    return Salaries(
        vacancies=head.vacancies,
        with_salary=head.with_salary,
        without_salary=head.vacancies - head.with_salary,
        gross=head.gross,
        net=head.net,
        unknown_basis=head.unknown,
        overall=overall,
        by_grade=_by_grade(conn, f, period),
        by_area=_by_area(conn, f, period),
        by_format=_by_format(conn, f, period),
        histogram=_histogram(conn, f, period, head.p99, head.top) if head.with_salary else [],
        weekly=_weekly(conn, f, start, end),
    )


def _by_grade(conn: Connection, f: Any, period: Any) -> list[Band]:
    rows = conn.execute(
        select(f.c.grade, *_band_columns(f))
        .where(period, f.c.salary.is_not(None), f.c.grade.in_(GRADES))
        .group_by(f.c.grade)
    ).all()
    found = {row.grade: row for row in rows}
    return [_band(found[g], g, GRADE_NAMES[g]) for g in GRADES if g in found]


def _by_area(conn: Connection, f: Any, period: Any) -> list[Band]:
    rows = conn.execute(
        select(f.c.area_id, func.min(f.c.area_name).label("name"), *_band_columns(f))
        .where(period, f.c.salary.is_not(None), f.c.area_id.is_not(None))
        .group_by(f.c.area_id)
        .order_by(func.count(f.c.salary).desc(), f.c.area_id)
        .limit(TOP_AREAS)
    ).all()
    return [_band(row, row.area_id, row.name or row.area_id) for row in rows]


def _by_format(conn: Connection, f: Any, period: Any) -> list[Band]:
    pairs = (
        select(
            func.unnest(f.c.formats).label("format"),
            func.unnest(f.c.format_names).label("name"),
            f.c.salary,
            f.c.gross,
        )
        .where(period, f.c.salary.is_not(None))
        .subquery()
    )
    rows = conn.execute(
        select(pairs.c.format, func.min(pairs.c.name).label("name"), *_band_columns(pairs))
        .where(pairs.c.format.is_not(None))
        .group_by(pairs.c.format)
        .order_by(func.count(pairs.c.salary).desc(), pairs.c.format)
    ).all()
    return [_band(row, row.format, row.name or row.format) for row in rows]


def bin_width(p99: float) -> int:
    """A round bin width that cuts 0 … the 99th percentile into at most :data:`HISTOGRAM_BINS`."""
    for width in (5_000, 10_000, 20_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000):
        if p99 / width <= HISTOGRAM_BINS:
            return width
    return 1_000_000


def _histogram(conn: Connection, f: Any, period: Any, p99: float, top: float) -> list[Bin]:
    """Round-rouble bins from 0; salaries past the 99th percentile fall into the last bin, whose
    upper bound is then the highest salary (so a few outliers don't flatten the chart)."""
    width = bin_width(p99)
    last = int(p99 // width)
    index = func.least(func.floor(f.c.salary / width), last)
    rows = dict(
        conn.execute(
            select(index.label("i"), func.count()).where(period, f.c.salary.is_not(None)).group_by("i")
        ).all()
    )
    bins = []
    for i in range(last + 1):
        high = (i + 1) * width if i < last else max((i + 1) * width, int(top) + 1)
        bins.append(Bin(i * width, high, int(rows.get(i, 0))))
    return bins


def _weekly(conn: Connection, f: Any, start: date, end: date) -> list[Week]:
    week = cast(func.date_trunc("week", f.c.first_day), Date)
    rows = conn.execute(
        select(
            week.label("week"),
            func.count().label("n"),
            func.percentile_cont(_QUARTILES).within_group(f.c.salary).label("q"),
        )
        .where(f.c.first_day.between(start, end))
        .group_by("week")
        .order_by("week")
    ).all()
    weeks = []
    for row in rows:
        p25, median, p75 = row.q if row.q and row.q[0] is not None else (None, None, None)
        weeks.append(Week(row.week, row.n, p25, median, p75))
    return weeks


# -- demand ----------------------------------------------------------------------------------------


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _demand(conn: Connection, f: Any, scope: Scope, start: date, end: date) -> Demand:
    new = days.new_per_day(conn, scope, start, end)
    # open on a day = first seen by then − closed by then (a vacancy closes after it was first seen)
    opened_before = days.new_before(conn, scope, start)
    closed_before = (
        conn.execute(select(func.count()).where(f.c.closed_day < start, f.c.first_day < start)).scalar() or 0
    )
    closed = dict(
        conn.execute(
            select(f.c.closed_day, func.count())
            .where(f.c.closed_day.between(start, end), f.c.first_day <= f.c.closed_day)
            .group_by(f.c.closed_day)
        ).all()
    )
    open_per_day, opened, shut = [], opened_before, closed_before
    for day in _days(start, end):
        opened += new.get(day, 0)
        shut += closed.get(day, 0)
        open_per_day.append(DayCount(day, opened - shut))
    return Demand(
        new_per_day=[DayCount(day, new.get(day, 0)) for day in _days(start, end)],
        open_per_day=open_per_day,
        top_by_open=_employers(conn, f, start, end, by_salary=False),
        top_by_salary=_employers(conn, f, start, end, by_salary=True),
        lifetime=_lifetime(conn, f, start, end),
    )


def _employers(conn: Connection, f: Any, start: date, end: date, *, by_salary: bool) -> list[Employer]:
    is_open = and_(f.c.first_day <= end, or_(f.c.closed_day.is_(None), f.c.closed_day > end))
    open_count = func.count().filter(is_open)
    median = func.percentile_cont(0.5).within_group(f.c.salary)
    query = (
        select(
            f.c.employer_id,
            func.min(f.c.employer_name).label("name"),
            open_count.label("open"),
            func.count().label("n"),
            func.count(f.c.salary).label("with_salary"),
            median.label("median"),
        )
        .where(_in(f, start, end), f.c.employer_id.is_not(None))
        .group_by(f.c.employer_id)
    )
    if by_salary:
        query = query.having(func.count(f.c.salary) >= MIN_EMPLOYER_SALARIES).order_by(
            median.desc(), f.c.employer_id
        )
    else:
        query = query.having(open_count > 0).order_by(open_count.desc(), f.c.employer_id)
    rows = conn.execute(query.limit(TOP_EMPLOYERS)).all()
    return [
        Employer(r.employer_id, r.name or r.employer_id, r.open, r.n, r.with_salary, r.median) for r in rows
    ]


def _lifetime(conn: Connection, f: Any, start: date, end: date) -> list[Lifetime]:
    days = f.c.closed_day - f.c.first_day
    rows = conn.execute(
        select(f.c.grade, func.count().label("n"), _quartiles(days).label("q"))
        .where(f.c.closed_day.between(start, end), f.c.first_day <= f.c.closed_day, f.c.grade.in_(GRADES))
        .group_by(f.c.grade)
    ).all()
    found = {row.grade: row for row in rows}
    out = []
    for grade in GRADES:
        if grade in found:
            p25, median, p75 = found[grade].q
            out.append(Lifetime(grade, GRADE_NAMES[grade], found[grade].n, p25, median, p75))
    return out


# -- skills ----------------------------------------------------------------------------------------


def _skills(conn: Connection, f: Any, scope: Scope, start: date, end: date) -> Skills:
    """Key skills of the vacancies first seen in the period (not of all seen in it: a vacancy open
    for weeks would count in both periods of a trend), against the previous period."""
    total, counts = days.skill_counts(conn, scope, start, end)
    before_end = start - timedelta(days=1)
    previous_total, previous = days.skill_counts(
        conn, scope, before_end - timedelta(days=scope.days - 1), before_end
    )

    def share(skill: str) -> SkillShare:
        prev = previous.get(skill, 0) / previous_total if previous_total else None
        return SkillShare(skill, counts.get(skill, 0), counts.get(skill, 0) / total if total else 0.0, prev)

    top = [share(s) for s, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SKILLS]]
    moving = []
    if total and previous_total:
        names = {
            s
            for s in counts.keys() | previous.keys()
            if max(counts.get(s, 0), previous.get(s, 0)) >= MIN_SKILL_COUNT
        }
        moving = [share(s) for s in names]
    rising = sorted((s for s in moving if (s.change or 0) > 0), key=lambda s: (-(s.change or 0), s.skill))
    falling = sorted((s for s in moving if (s.change or 0) < 0), key=lambda s: (s.change or 0, s.skill))
    return Skills(
        with_skills=total,
        previous_with_skills=previous_total,
        top=top,
        rising=rising[:10],
        falling=falling[:10],
        salary=_skill_salaries(conn, f, start, end, [s.skill for s in top[:SKILL_SALARIES]]),
    )


def _skill_salaries(conn: Connection, f: Any, start: date, end: date, names: list[str]) -> list[SkillSalary]:
    """The median salary of the period's new vacancies naming each skill and of those not naming
    it (both among vacancies whose skills are known): one pass, two filtered aggregates a skill."""
    if not names:
        return []
    columns = []
    for i, name in enumerate(names):
        named = f.c.skills.any_() == name
        median = func.percentile_cont(0.5).within_group(f.c.salary)
        columns += [
            func.count().filter(named).label(f"w{i}"),
            median.filter(named).label(f"wm{i}"),
            func.count().filter(~named).label(f"o{i}"),
            median.filter(~named).label(f"om{i}"),
        ]
    known = and_(f.c.first_day.between(start, end), func.cardinality(f.c.skills) > 0, f.c.salary.is_not(None))
    row = conn.execute(select(*columns).where(known)).one()._mapping
    return [
        SkillSalary(name, row[f"w{i}"], row[f"wm{i}"], row[f"o{i}"], row[f"om{i}"])
        for i, name in enumerate(names)
    ]


# -- where the user stands -------------------------------------------------------------------------


def _standing(conn: Connection, f: Any, scope: Scope, start: date, end: date) -> Standing | None:
    from domain.matching.score import BUCKETS, bucket_of
    from domain.resume.store import load_profile

    stored = load_profile(conn, scope.user_id)
    if not stored.exists:
        return None
    profile = stored.profile
    years = profile.years(scope.today)
    grade = BUCKETS[bucket_of(years)] if years is not None else None
    area = profile.wishes.areas[0] if profile.wishes.areas else None
    desired = profile.wishes.salary
    percentile, peers = None, 0
    if desired is not None:
        base = [_in(f, start, end), f.c.salary.is_not(None)]
        same_grade = f.c.grade == grade
        same_area = func.lower(f.c.area_name) == (area or "").casefold()
        # (grade, area, where) from the narrowest group to everyone; the one used is said
        tries: list[tuple[str | None, str | None, list[Any]]] = []
        if grade and area:
            tries.append((grade, area, [*base, same_grade, same_area]))
        if grade:
            tries.append((grade, None, [*base, same_grade]))
        elif area:
            tries.append((None, area, [*base, same_area]))
        tries.append((None, None, base))
        for tried_grade, tried_area, where in tries:
            row = conn.execute(
                select(
                    func.count().label("n"), func.count().filter(f.c.salary < desired).label("below")
                ).where(*where)
            ).one()
            if row.n >= MIN_PEERS or where is base:
                peers = row.n
                percentile = 100.0 * row.below / row.n if row.n else None
                grade, area = tried_grade, tried_area
                break
    wanted = {vocabulary.canonical(s) for s in profile.skills}
    total, counts = days.skill_counts(conn, scope, start, end)
    gaps = [
        SkillGap(skill, n / total, vocabulary.canonical(skill) in wanted)
        for skill, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SKILLS]
    ]
    return Standing(desired, grade, area, percentile, peers, gaps)
