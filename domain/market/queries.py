"""The market figures of a :class:`~domain.market.model.Scope`, computed in PostgreSQL.

Every figure is an aggregate over counts, not over vacancies: the scope's rows of one dimension
of ``t26_jh_market_rollup`` (:func:`rows_of`, see :mod:`domain.market.rollup`) or, for new
vacancies and key skills, the day counts of :mod:`domain.market.days`; the hidden vacancies'
counts are subtracted live. Nothing but the figures leaves the database. Percentiles are exact
``percentile_cont`` read off the counts (:func:`quantiles`: linear interpolation between the two
nearest ranks, the same as Python's ``statistics.quantiles(method="inclusive")``).

Days are UTC calendar days. The figures are of the vacancies *of the period*: those first seen
in it (published then, as far as we can tell), like a board's own statistics, so a vacancy open
for weeks counts in one period, not in each it was seen in, and a vacancy seen again changes no
count. A vacancy is *new* on the day it was first seen, *open* on a day from its first-seen day
until the day before it closed (the employers' "open" is: not closed); its *lifetime* is first
seen → closed, in days, for those closed in the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    String,
    Text,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    select,
    text,
    true,
    union_all,
    values,
)
from sqlalchemy.engine import Connection

from core.schema import market_rollup, searches
from domain import skills as vocabulary
from domain.market import days, hidden, rollup
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
from domain.market.store import KNOWN

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
_QUARTILES = (0.25, 0.5, 0.75)


class ScopeError(ValueError):
    """The scope asks for something that is not the user's, or out of range (a clear message)."""


def rows_of(
    scope: Scope, dim: str, start: date | None = None, end: date | None = None, keys: Sequence[str] = ()
) -> Any:
    """The scope's rows of one dimension of ``t26_jh_market_rollup`` with days from ``start`` to
    ``end`` (None: unbounded), the hidden vacancies' contributions subtracted unless the scope
    includes them: (day, key, label, gross, value, open, n), to be summed by the figure. A CTE:
    a query that reads it twice (the employers' counts and their medians) reads the rows once.
    ``keys``: only these groups (the skills asked for, not the month's every skill)."""
    r = market_rollup.c
    where = [r.user_id == scope.user_id, r.dim == dim, r.search_id == (scope.search_id or 0)]
    if scope.source is not None:
        where.append(r.source == scope.source)
    names = ("day", "key", "label", "gross", "value", "open")

    def between(c: Any) -> list[Any]:
        found = []
        if start is not None:
            found.append(c.day >= start)
        if end is not None:
            found.append(c.day <= end)
        if keys:
            found.append(c.key.in_(keys))
        return found

    stored = select(*(r[c] for c in names), r.n).where(*where, *between(r))
    if scope.include_hidden:
        return stored.cte(dim)
    first_seen = dim != "closed"  # the others' day is the first-seen day: the index narrows it
    where_hidden = hidden.facts(scope, start if first_seen else None, end if first_seen else None)
    c = rollup.contributions(where_hidden, search_id=scope.search_id or 0, dims=(dim,)).c
    minus = select(*(c[n] for n in names), literal(-1).label("n")).where(*between(c))
    return union_all(stored, minus).cte(dim)


def salary(scope: Scope, c: Any) -> Any:
    """The rows' salary under the scope's basis (NULL when the vacancy's is of the other one)."""
    if scope.basis == "gross":
        return case((c.gross.is_(True), c.value))
    if scope.basis == "net":
        return case((c.gross.is_(False), c.value))
    return c.value


def quantiles(pairs: Any, groups: Sequence[str], shares: Sequence[float]) -> Any:
    """``percentile_cont`` of each group, exactly, from its (group…, value, n) counts: the value
    at 0-based rank k is the smallest whose running count passes k; the percentile interpolates
    between the ranks around ``share * (total - 1)``, as ``percentile_cont`` does. Columns: the
    groups, ``total`` and ``q0``, ``q1``…"""
    p = pairs.c
    # text groups are compared bytewise: their order is never shown, and the locale's is slower
    part = [p[g].collate("C").label(g) if isinstance(p[g].type, String) else p[g] for g in groups]
    total = cast(func.sum(p.n).over(partition_by=part), Float)
    running = select(
        *part,
        p.value,
        p.n,
        (func.sum(p.n).over(partition_by=part, order_by=p.value) - p.n).label("before"),
        total.label("total"),
        *(((total - 1) * share).label(f"rank{i}") for i, share in enumerate(shares)),
    ).subquery("running")
    w = running.c
    columns = []
    for i in range(len(shares)):
        rank = w[f"rank{i}"]
        at_low = func.min(w.value).filter(w.before + w.n > func.floor(rank))
        at_high = func.min(w.value).filter(w.before + w.n > func.ceil(rank))
        share_between = func.max(rank) - func.floor(func.max(rank))
        columns.append((at_low + share_between * (at_high - at_low)).label(f"q{i}"))
    keys = [w[g] for g in groups]
    return select(*keys, func.max(w.total).label("total"), *columns).group_by(*keys)


def _pairs(c: Any, value: Any, groups: Sequence[Any], *where: Any, name: str = "pairs") -> Any:
    """(group…, value, n) counts of the rows with a value. ``n`` is an integer again (a sum of
    integers is a bigint, and the running sums of bigints in :func:`quantiles` would be numerics,
    several times slower)."""
    total = func.sum(c.n)
    return (
        select(*groups, value.label("value"), cast(total, Integer).label("n"))
        .where(value.is_not(None), *where)
        .group_by(*groups, value)
        .having(total > 0)
        .cte(name)
    )


def _band(key: str, label: str, row: Any) -> Band:
    return Band(key, label, int(row.n), row.q0, row.q1, row.q2, int(row.gross or 0), int(row.net or 0))


def _bands(conn: Connection, scope: Scope, c: Any, *where: Any) -> dict[str, Any]:
    """Each key's salary counts (``n`` with a salary, ``gross``, ``net``; its ``label``) and
    quartiles ``q0``…``q2``, for the rows of ``where``: one statement, so the rows (and the hidden
    ones to subtract) are read once."""
    value = salary(scope, c)
    paid = func.sum(c.n)
    stats = (
        select(
            c.key,
            func.min(c.label).label("label"),
            paid.label("n"),
            func.sum(c.n).filter(c.gross.is_(True)).label("gross"),
            func.sum(c.n).filter(c.gross.is_(False)).label("net"),
        )
        .where(value.is_not(None), *where)
        .group_by(c.key)
        .having(paid > 0)
        .subquery("stats")
    )
    q = quantiles(_pairs(c, value, [c.key], *where), ["key"], _QUARTILES).subquery("q")
    query = select(stats, q.c.q0, q.c.q1, q.c.q2).join(q, q.c.key == stats.c.key)
    return {row.key: row for row in conn.execute(query)}


def prepare(conn: Connection) -> None:
    """Settings for the figures' transaction: no JIT, whose compile time (tens of milliseconds a
    query) costs more than it saves on these small aggregates; enough work_mem that a percentile's
    sort stays in memory; and random reads costed as on an SSD, so that a group's rows are read
    through the rollup's index rather than by a pass over the whole table."""
    conn.execute(
        text(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true),"
            " set_config('random_page_cost', '1.1', true)"
        )
    )


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
    prepare(conn)
    check(conn, scope)
    end = scope.today
    start = end - timedelta(days=scope.days - 1)
    salaries = _salaries(conn, scope, start, end)
    return Market(
        scope=scope,
        start=start,
        end=end,
        vacancies=salaries.vacancies,
        salaries=salaries,
        demand=_demand(conn, scope, start, end),
        skills=_skills(conn, scope, start, end),
        standing=_standing(conn, scope, start, end),
    )


# -- salaries --------------------------------------------------------------------------------------


def _salaries(conn: Connection, scope: Scope, start: date, end: date) -> Salaries:
    c = rows_of(scope, "grade", start, end).c
    value = salary(scope, c)
    paid = c.n * case((value.is_not(None), 1), else_=0)
    head = conn.execute(
        select(
            func.coalesce(func.sum(c.n), 0).label("vacancies"),
            func.coalesce(func.sum(paid), 0).label("with_salary"),
            func.coalesce(func.sum(paid).filter(c.gross.is_(True)), 0).label("gross"),
            func.coalesce(func.sum(paid).filter(c.gross.is_(False)), 0).label("net"),
            func.coalesce(func.sum(paid).filter(c.gross.is_(None)), 0).label("unknown"),
        )
    ).one()
    overall, p99, top = None, None, 0.0
    if head.with_salary:  # the quartiles, the 99th percentile and the highest salary
        q = conn.execute(quantiles(_pairs(c, value, []), [], [0.25, 0.5, 0.75, 0.99, 1.0])).one()
        overall = Band("all", "", int(head.with_salary), q.q0, q.q1, q.q2, int(head.gross), int(head.net))
        p99, top = q.q3, q.q4
    return Salaries(
        vacancies=int(head.vacancies),
        with_salary=int(head.with_salary),
        without_salary=int(head.vacancies - head.with_salary),
        gross=int(head.gross),
        net=int(head.net),
        unknown_basis=int(head.unknown),
        overall=overall,
        by_grade=_by_grade(conn, scope, start, end),
        by_area=_by_area(conn, scope, start, end),
        by_format=_by_format(conn, scope, start, end),
        histogram=_histogram(conn, scope, start, end, p99, top) if p99 is not None else [],
        weekly=_weekly(conn, scope, start, end),
    )


def _by_grade(conn: Connection, scope: Scope, start: date, end: date) -> list[Band]:
    c = rows_of(scope, "grade", start, end).c
    found = _bands(conn, scope, c, c.key.in_(GRADES))
    return [_band(g, GRADE_NAMES[g], found[g]) for g in GRADES if g in found]


def _top_bands(
    conn: Connection, scope: Scope, dim: str, start: date, end: date, limit: int | None
) -> list[Band]:
    c = rows_of(scope, dim, start, end).c
    found = _bands(conn, scope, c)
    order = sorted(found.items(), key=lambda kv: (-kv[1].n, kv[0]))[:limit]
    return [_band(key, row.label or key, row) for key, row in order]


def _by_area(conn: Connection, scope: Scope, start: date, end: date) -> list[Band]:
    return _top_bands(conn, scope, "area", start, end, TOP_AREAS)


def _by_format(conn: Connection, scope: Scope, start: date, end: date) -> list[Band]:
    return _top_bands(conn, scope, "format", start, end, None)


def bin_width(p99: float) -> int:
    """A round bin width that cuts 0 … the 99th percentile into at most :data:`HISTOGRAM_BINS`."""
    for width in (5_000, 10_000, 20_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000):
        if p99 / width <= HISTOGRAM_BINS:
            return width
    return 1_000_000


def _histogram(conn: Connection, scope: Scope, start: date, end: date, p99: float, top: float) -> list[Bin]:
    """Round-rouble bins from 0; salaries past the 99th percentile fall into the last bin, whose
    upper bound is then the highest salary (so a few outliers don't flatten the chart)."""
    c = rows_of(scope, "grade", start, end).c
    value = salary(scope, c)
    width = bin_width(p99)
    last = int(p99 // width)
    index = func.least(func.floor(value / width), last)
    rows = dict(
        conn.execute(select(index.label("i"), func.sum(c.n)).where(value.is_not(None)).group_by("i")).all()
    )
    bins = []
    for i in range(last + 1):
        high = (i + 1) * width if i < last else max((i + 1) * width, int(top) + 1)
        bins.append(Bin(i * width, high, int(rows.get(i, 0))))
    return bins


def _weekly(conn: Connection, scope: Scope, start: date, end: date) -> list[Week]:
    c = rows_of(scope, "grade", start, end).c
    week = cast(func.date_trunc("week", c.day), Date).label("week")
    sizes = select(week, func.sum(c.n).label("n")).group_by(week).having(func.sum(c.n) > 0).subquery("sizes")
    value = salary(scope, c)
    q = quantiles(_pairs(c, value, [week]), ["week"], _QUARTILES).subquery("q")
    query = (  # one statement: the rows (and the hidden ones to subtract) are read once
        select(sizes, q.c.q0, q.c.q1, q.c.q2).outerjoin(q, q.c.week == sizes.c.week).order_by(sizes.c.week)
    )
    return [Week(row.week, int(row.n), row.q0, row.q1, row.q2) for row in conn.execute(query)]


# -- demand ----------------------------------------------------------------------------------------


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _demand(conn: Connection, scope: Scope, start: date, end: date) -> Demand:
    new = days.new_per_day(conn, scope, start, end)
    # open on a day = first seen by then − closed by then (a vacancy closes after it was first seen)
    opened_before = days.new_before(conn, scope, start)
    c = rows_of(scope, "closed", None, end).c
    closed_by_day = {
        day: int(n)
        for day, n in conn.execute(select(c.day, func.sum(c.n)).group_by(c.day).having(func.sum(c.n) != 0))
    }
    closed_before = sum(n for day, n in closed_by_day.items() if day < start)
    open_per_day, opened, shut = [], opened_before, closed_before
    for day in _days(start, end):
        opened += new.get(day, 0)
        shut += closed_by_day.get(day, 0)
        open_per_day.append(DayCount(day, opened - shut))
    return Demand(
        new_per_day=[DayCount(day, new.get(day, 0)) for day in _days(start, end)],
        open_per_day=open_per_day,
        top_by_open=_employers(conn, scope, start, end, by_salary=False),
        top_by_salary=_employers(conn, scope, start, end, by_salary=True),
        lifetime=_lifetime(conn, scope, start, end),
    )


def _employers(conn: Connection, scope: Scope, start: date, end: date, *, by_salary: bool) -> list[Employer]:
    c = rows_of(scope, "employer", start, end).c
    value = salary(scope, c)
    total = func.sum(c.n)
    is_open = func.coalesce(func.sum(c.n).filter(c.open.is_(True)), 0)
    paid = func.coalesce(func.sum(c.n).filter(value.is_not(None)), 0)
    stats = (
        select(
            c.key,
            func.min(c.label).label("name"),
            is_open.label("open"),
            total.label("n"),
            paid.label("paid"),
        )
        .group_by(c.key)
        .having(total > 0)
    )
    if by_salary:  # every employer with enough salaries, ranked by its median below
        chosen = stats.having(paid >= MIN_EMPLOYER_SALARIES).subquery("chosen")
    else:
        chosen = (
            stats.having(is_open > 0).order_by(is_open.desc(), c.key).limit(TOP_EMPLOYERS).subquery("chosen")
        )
    # by salary nearly every employer is chosen: its medians are computed for all (the join
    # below drops the few others) rather than each row checked against the chosen
    pairs = _pairs(c, value, [c.key], *(() if by_salary else (c.key.in_(select(chosen.c.key)),)))
    medians = quantiles(pairs, ["key"], [0.5]).subquery("medians")
    median = medians.c.q0
    order = (median.desc().nulls_last(), chosen.c.key) if by_salary else (chosen.c.open.desc(), chosen.c.key)
    query = (
        select(chosen, median.label("median"))
        .outerjoin(medians, medians.c.key == chosen.c.key)
        .order_by(*order)
    )
    rows = conn.execute(query.limit(TOP_EMPLOYERS)).all()
    return [Employer(r.key, r.name or r.key, int(r.open), int(r.n), int(r.paid), r.median) for r in rows]


def _lifetime(conn: Connection, scope: Scope, start: date, end: date) -> list[Lifetime]:
    c = rows_of(scope, "closed", start, end).c
    q = {
        row.key: row
        for row in conn.execute(
            quantiles(_pairs(c, c.value, [c.key], c.key.in_(GRADES)), ["key"], _QUARTILES)
        )
    }
    return [
        Lifetime(grade, GRADE_NAMES[grade], int(q[grade].total), q[grade].q0, q[grade].q1, q[grade].q2)
        for grade in GRADES
        if grade in q
    ]


# -- skills ----------------------------------------------------------------------------------------


def _skills(conn: Connection, scope: Scope, start: date, end: date) -> Skills:
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
        salary=_skill_salaries(conn, scope, start, end, [s.skill for s in top[:SKILL_SALARIES]]),
    )


def _skill_salaries(
    conn: Connection, scope: Scope, start: date, end: date, names: list[str]
) -> list[SkillSalary]:
    """The median salary of the period's new vacancies naming each skill and of those not naming
    it (both among vacancies whose skills are known): the "not naming" counts of a salary are the
    known ones' minus the naming ones'."""
    if not names:
        return []
    c = rows_of(scope, "skill", start, end, keys=[*names, KNOWN]).c
    value = salary(scope, c)
    named = _pairs(c, value, [c.key], c.key.in_(names), name="named")
    known = _pairs(c, value, [], c.key == KNOWN, name="known")
    wanted = values(column("skill", Text), name="wanted").data([(name,) for name in names])
    others = (
        select(
            wanted.c.skill.label("key"),
            known.c.value,
            (known.c.n - func.coalesce(named.c.n, 0)).label("n"),
        )
        .select_from(
            wanted.join(known, true()).outerjoin(
                named, and_(named.c.key == wanted.c.skill, named.c.value == known.c.value)
            )
        )
        .where(known.c.n - func.coalesce(named.c.n, 0) > 0)
        .subquery("others")
    )
    tagged = union_all(
        select(literal("with").label("tag"), named.c.key, named.c.value, named.c.n),
        select(
            literal("without").label("tag"),
            others.c.key,
            others.c.value,
            others.c.n,
        ),
    ).subquery("tagged")
    found = {(row.tag, row.key): row for row in conn.execute(quantiles(tagged, ["tag", "key"], [0.5]))}

    def median(tag: str, name: str) -> tuple[int, float | None]:
        row = found.get((tag, name))
        return (int(row.total), row.q0) if row else (0, None)

    return [SkillSalary(name, *median("with", name), *median("without", name)) for name in names]


# -- where the user stands -------------------------------------------------------------------------


def _standing(conn: Connection, scope: Scope, start: date, end: date) -> Standing | None:
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
        by_grade = rows_of(scope, "grade", start, end).c
        by_peer = rows_of(scope, "peer", start, end).c
        city = (area or "").casefold()
        # (grade, area, rows, where) from the narrowest group to everyone; the one used is said
        tries: list[tuple[str | None, str | None, Any, list[Any]]] = []
        if grade and area:
            tries.append((grade, area, by_peer, [by_peer.key == grade + rollup.PEER_SEP + city]))
        if grade:
            tries.append((grade, None, by_grade, [by_grade.key == grade]))
        elif area:
            tries.append((None, area, by_peer, [func.split_part(by_peer.key, rollup.PEER_SEP, 2) == city]))
        tries.append((None, None, by_grade, []))
        for tried_grade, tried_area, c, where in tries:
            value = salary(scope, c)
            row = conn.execute(
                select(
                    func.coalesce(func.sum(c.n), 0).label("n"),
                    func.coalesce(func.sum(c.n).filter(value < desired), 0).label("below"),
                ).where(value.is_not(None), *where)
            ).one()
            if row.n >= MIN_PEERS or not where:
                peers = int(row.n)
                percentile = 100.0 * int(row.below) / peers if peers else None
                grade, area = tried_grade, tried_area
                break
    wanted = {vocabulary.canonical(s) for s in profile.skills}
    total, counts = days.skill_counts(conn, scope, start, end)
    gaps = [
        SkillGap(skill, n / total, vocabulary.canonical(skill) in wanted)
        for skill, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SKILLS]
    ]
    return Standing(desired, grade, area, percentile, peers, gaps)
