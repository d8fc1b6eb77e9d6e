"""``domain.market.figures`` against an independent computation over the same hand-made rows.

About forty vacancies of one user (and a second user's, which must never count) are loaded through
the ETL's own ``vacancy_row`` → ``upsert_vacancies`` / ``upsert_details`` → ``link_to_user``, so
salaries go through ``monthly_roubles``. The expected :class:`Market` is then built here in plain
Python from the specs the rows were made of — conversion to monthly roubles, UTC days, percentiles
with :mod:`statistics` — never by asking PostgreSQL, and compared field by field.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import insert, text, update

from core.schema import banned_employers, user_vacancies, vacancies
from domain.market import ScopeError, figures
from domain.market import store as market
from domain.market.model import (
    GRADES,
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
from domain.resume.model import Profile
from domain.resume.store import save_profile
from etl import load
from etl.transform import details_row, vacancy_row
from testing.synthetic import CURRENCY_RATES
from tests.web.support import add_user

TODAY = date(2026, 11, 30)
#: Months of a per-hour and a per-shift salary (the production calendar: 1,973 hours, 247 days a year).
PER_MONTH = {"MONTH": 1.0, "HOUR": 1973 / 12, "SHIFT": 247 / 12}
GRADE_NAMES = {
    "noExperience": "Нет опыта",
    "between1And3": "От 1 года до 3 лет",
    "between3And6": "От 3 до 6 лет",
    "moreThan6": "Более 6 лет",
}
FORMAT_NAMES = {
    "ON_SITE": "На месте работодателя",
    "REMOTE": "Удалённо",
    "HYBRID": "Гибрид",
    "FIELD_WORK": "Разъездной",
}
MSK, SPB, NSK = ("1", "Москва"), ("2", "Санкт-Петербург"), ("4", "Новосибирск")
ALFA, BETA, GAMMA, DELTA, OMEGA = (
    ("1001", "Альфа"),
    ("1002", "Бета"),
    ("1003", "Гамма"),
    ("1004", "Дельта"),
    ("2001", "Омега"),
)


def nov(day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


def octo(day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, second, tzinfo=UTC)


@dataclass
class V:
    """One hand-made vacancy: what the board publishes and when we saw it."""

    sid: int
    first: datetime
    last: datetime | None = None
    closed: datetime | None = None
    source: str = "hh"
    employer: tuple[str, str] | None = ALFA
    area: tuple[str, str] = MSK
    #: (from, to, currency, gross, mode) as published, or None.
    salary: tuple[Any, Any, str, bool | None, str] | None = None
    grade: str | None = "between3And6"
    formats: tuple[str, ...] = ("REMOTE",)
    #: Key skills of the fetched details; None: no details row.
    skills: list[str] | None = None
    searches: tuple[int, ...] = (0,)
    banned: bool = False
    user: int = 0  # index into the users: 0 is Anna, 1 is Boris
    id: int = 0  # t01's key, set on load


def R(lo, hi, gross=True, currency="RUR", mode="MONTH"):
    return (lo, hi, currency, gross, mode)


ANNA = [
    # in the 30 days (1-30 November) with every kind of salary
    V(1, nov(1, 0, 0, 0), nov(30), salary=R(100_000, 150_000), skills=["Python", "SQL", "Docker"]),
    V(2, nov(5), nov(29), salary=R(200_000, None, False), formats=("REMOTE", "HYBRID"),
      skills=["Python", "Kafka"], searches=(0, 1)),
    V(3, nov(10), nov(30, 23, 59, 59), employer=BETA, salary=R(None, 180_000, None), formats=("ON_SITE",),
      skills=["Python", "SQL"], searches=(1,)),
    V(4, nov(3), nov(20), employer=BETA, area=SPB, salary=R(2000, 3000, True, "USD"), grade="moreThan6",
      skills=["Go", "Kafka", "Docker"]),
    V(5, nov(12), nov(28), employer=GAMMA, area=SPB, salary=R(1500, None, False, "EUR"),
      grade="between1And3", formats=("HYBRID",), skills=["Python", "Django"]),
    V(6, nov(15), nov(30), employer=GAMMA, area=NSK, salary=R(500, 700, True, "RUR", "HOUR"),
      grade="between1And3", formats=("ON_SITE",), skills=["SQL", "Excel"]),
    V(7, nov(20), nov(25), area=NSK, salary=R(4000, 5000, False, "RUR", "SHIFT"), grade="noExperience",
      formats=("ON_SITE",)),
    V(8, nov(8), nov(9), employer=BETA, salary=R(50_000, None, True, "RUR", "SERVICE"),
      grade="between1And3", formats=("FIELD_WORK",), skills=["Excel"]),
    V(9, nov(2), nov(30), skills=["Python", "Docker", "Kubernetes"]),
    V(10, nov(22), nov(30), employer=GAMMA, salary=R(120_000, 160_000), formats=("HYBRID",),
      skills=["Python", "SQL", "Kafka"], searches=(0, 1)),
    # first seen before the period, last seen in it (11: in the middle, 12: on its first day)
    V(11, octo(10), nov(15), employer=BETA, salary=R(250_000, 300_000, False), grade="moreThan6",
      skills=["Go", "Kubernetes"]),
    V(12, octo(20), nov(1, 0, 30), area=SPB, salary=R(None, 90_000, None), grade="noExperience",
      formats=("ON_SITE",), skills=["Excel", "SQL"]),
    # last seen a moment before the period (the previous period's, for the skills trend)
    V(13, octo(5), octo(31, 23, 30), area=SPB, salary=R(95_000, 99_000), grade="noExperience",
      formats=("ON_SITE",), skills=["Excel"]),
    V(14, octo(3), octo(25), employer=GAMMA, salary=R(300_000, 400_000), skills=["Python", "Java"]),
    V(15, octo(15), octo(15), employer=BETA, salary=R(150_000, None), skills=["Java", "SQL"]),
    V(16, octo(2, 0, 0, 0), octo(2, 0, 0, 0), employer=BETA, skills=["Java", "Python"]),
    # entirely outside both periods, before and after
    V(17, datetime(2026, 9, 1, 12, tzinfo=UTC), datetime(2026, 9, 20, 12, tzinfo=UTC),
      closed=datetime(2026, 9, 21, 12, tzinfo=UTC), salary=R(110_000, None), skills=["Java", "Python"]),
    V(18, datetime(2026, 12, 1, 0, 0, tzinfo=UTC), datetime(2026, 12, 1, 1, tzinfo=UTC),
      salary=R(120_000, None), skills=["Python"]),
    # last seen the day before the previous period (and closed then)
    V(43, datetime(2026, 9, 25, 12, tzinfo=UTC), octo(1, 23), closed=octo(3), employer=GAMMA,
      skills=["Java", "Go"]),
    # closed: in the period (lifetimes 12, 10, 0, 6, 18 days) and before it
    V(19, nov(2), nov(12), closed=nov(14), employer=BETA, salary=R(130_000, 170_000),
      skills=["Python", "SQL"]),
    V(20, octo(25), nov(3), closed=nov(4, 1), employer=GAMMA, area=SPB, salary=R(80_000, 100_000, False),
      grade="between1And3", formats=("ON_SITE",), skills=["SQL"]),
    V(21, octo(1), octo(20), closed=octo(22), grade="between1And3", skills=["Java"]),
    V(22, nov(25, 8), nov(25, 9), closed=nov(25, 20), salary=R(140_000, None, False)),
    V(23, nov(1), nov(6), closed=nov(7), employer=BETA, area=NSK, salary=R(260_000, None),
      grade="moreThan6", formats=("ON_SITE",)),
    V(24, nov(10), nov(27), closed=nov(28), employer=GAMMA, salary=R(175_000, 185_000), formats=("HYBRID",)),
    # across midnight UTC at the period's start (a +03:00 clock says 1 November for both)
    V(25, datetime(2026, 11, 1, 2, 59, 59, tzinfo=timezone(timedelta(hours=3))),
      datetime(2026, 11, 1, 3, 0, 1, tzinfo=timezone(timedelta(hours=3))),
      employer=BETA, salary=R(160_000, None, False)),
    V(26, datetime(2026, 11, 1, 2, 0, tzinfo=timezone(timedelta(hours=3))),
      datetime(2026, 11, 1, 2, 59, tzinfo=timezone(timedelta(hours=3))),
      employer=GAMMA, salary=R(170_000, None)),
    # hidden: a banned vacancy and a banned employer's two
    V(27, nov(4), nov(30), salary=R(900_000, None), skills=["Python", "Rust"], banned=True),
    V(28, nov(6), nov(30), employer=DELTA, salary=R(50_000, None), skills=["Rust"]),
    V(29, nov(7), nov(21), employer=DELTA, area=SPB, salary=R(60_000, None, False), grade="between1And3",
      skills=["Rust", "Python"]),
    # another board
    V(30, nov(6), nov(30), source="superjob", employer=OMEGA, salary=R(140_000, 180_000, None),
      skills=["Python", "SQL"]),
    V(31, nov(11), nov(26), source="superjob", employer=OMEGA, salary=R(110_000, None),
      grade="between1And3", formats=("ON_SITE",), searches=(1,)),
    V(32, nov(18), nov(30), source="superjob", employer=OMEGA, area=SPB, salary=R(130_000, None, False),
      formats=("HYBRID",), searches=(0, 1)),
    V(33, nov(24), nov(30), source="superjob", employer=OMEGA, grade="noExperience", formats=("ON_SITE",)),
    # the last 7 days (24-30 November), and a moment before them
    V(34, nov(24, 0, 0, 0), nov(30), salary=R(210_000, 230_000), skills=["Python", "Kafka", "Docker"]),
    V(35, nov(26), nov(30), employer=BETA, salary=R(None, 190_000), formats=("REMOTE", "ON_SITE"),
      skills=["Python", "Kafka"]),
    V(36, nov(27), nov(30), employer=GAMMA, salary=R(170_000, 190_000, False), formats=("HYBRID",),
      skills=["Python", "SQL"], searches=(1,)),
    V(37, nov(23, 23, 59, 59), nov(23, 23, 59, 59), salary=R(3000, None, False, "USD"), grade="moreThan6"),
    V(38, nov(14), nov(30), employer=BETA, salary=R(155_000, None), skills=[]),  # details without skills
    V(39, nov(16), nov(20), employer=GAMMA, salary=R(900_000, None, True, "KZT")),
    V(40, nov(19), nov(30), salary=R(100, None, False, "EUR", "SHIFT"), formats=("HYBRID", "REMOTE")),
    V(41, nov(21), nov(30), employer=BETA, salary=R(200_000, None, True, "RUR", "FLY_IN_FLY_OUT"),
      grade="moreThan6"),
    V(42, nov(9), nov(30), grade=None, salary=R(120_000, None), formats=()),  # no grade, no format
]  # fmt: skip
BORIS = [
    V(101, nov(10), nov(30), salary=R(5_000_000, None), skills=["Python", "COBOL"], user=1),
    V(102, nov(5), nov(30), employer=BETA, skills=["COBOL"], user=1),
    V(103, octo(10), octo(20), salary=R(4_000_000, None), skills=["COBOL", "Java"], user=1),
]
#: Anna's vacancies Boris's searches found too (his marks must not change hers).
SHARED = (1, 2, 3)


def _item(v: V) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(v.sid),
        "name": f"Вакансия {v.sid}",
        "area": {"id": v.area[0], "name": v.area[1]},
        "employer": {"id": v.employer[0], "name": v.employer[1]} if v.employer else None,
        "experience": {"id": v.grade, "name": GRADE_NAMES[v.grade]} if v.grade else None,
        "work_format": [{"id": f, "name": FORMAT_NAMES[f]} for f in v.formats],
        "published_at": v.first.isoformat(),
        "alternate_url": f"https://hh.ru/vacancy/{v.sid}",
    }
    if v.salary:
        lo, hi, currency, gross, mode = v.salary
        item["salary_range"] = {
            "from": lo,
            "to": hi,
            "currency": currency,
            "gross": gross,
            "mode": {"id": mode},
            "frequency": None,
        }
    return item


def _load(engine, users: list[int], searches: list[list[int]], specs: list[V]) -> None:
    with engine.begin() as conn:
        for v in specs:
            item = _item(v)
            row = vacancy_row(item, CURRENCY_RATES)
            row["source"], row["source_id"] = v.source, str(row.pop("id"))
            if v.source != "hh" and row["employer_id"]:
                row["employer_id"] = f"{v.source}:{row['employer_id']}"
            v.id = load.upsert_vacancies(conn, [row], v.first).ids[row["source_id"]]
            conn.execute(
                update(vacancies)
                .where(vacancies.c.id == v.id)
                .values(last_seen_at=v.last or v.first, closed_at=v.closed, archived=v.closed is not None)
            )
            if v.skills is not None:
                details = details_row(
                    {**item, "key_skills": [{"name": s} for s in v.skills]}, row["content_hash"]
                )
                load.upsert_details(conn, [{**details, "vacancy_id": v.id}])
            for index in v.searches:
                load.link_to_user(
                    conn,
                    user_id=users[v.user],
                    search_id=searches[v.user][index],
                    run_id="t",
                    vacancy_ids=[v.id],
                )
            if v.banned:
                conn.execute(
                    update(user_vacancies)
                    .where(user_vacancies.c.user_id == users[v.user], user_vacancies.c.vacancy_id == v.id)
                    .values(is_banned=True)
                )


@dataclass
class World:
    anna: int
    boris: int
    searches: list[int]
    boris_search: int


@pytest.fixture
def world(engine) -> World:
    anna, anna_searches = add_user(engine, "anna", searches=2)
    boris, boris_searches = add_user(engine, "boris")
    for v in ANNA + BORIS:
        v.id = 0
    _load(engine, [anna, boris], [anna_searches, boris_searches], ANNA + BORIS)
    by_sid = {v.sid: v.id for v in ANNA}
    with engine.begin() as conn:
        # Boris's searches found some of Anna's vacancies too; he hides one, and bans Бета.
        load.link_to_user(conn, user_id=boris, search_id=boris_searches[0], run_id="t",
                          vacancy_ids=[by_sid[s] for s in SHARED])  # fmt: skip
        conn.execute(
            update(user_vacancies)
            .where(user_vacancies.c.user_id == boris, user_vacancies.c.vacancy_id == by_sid[2])
            .values(is_banned=True)
        )
        conn.execute(
            insert(banned_employers).values(user_id=boris, employer_id=BETA[0], employer_name=BETA[1])
        )
        conn.execute(
            insert(banned_employers).values(user_id=anna, employer_id=DELTA[0], employer_name=DELTA[1])
        )
        profile = Profile.model_validate(
            {
                "skills": ["python", "Docker", "Go"],
                "wishes": {"salary": 180_000, "areas": ["Москва"], "years": 4},
            }
        )
        save_profile(conn, anna, profile)
        for user in (anna, boris):  # as the harvest batches that stored them would have
            market.refresh_user(conn, user)
    return World(anna, boris, anna_searches, boris_searches[0])


# -- the independent computation ---------------------------------------------------------------------


def day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def roubles(amount: int | None, currency: str, mode: str) -> int | None:
    if amount is None or mode not in PER_MONTH:
        return None
    return round(amount / CURRENCY_RATES[currency] * PER_MONTH[mode])


def salary_of(v: V, basis: str) -> float | None:
    if v.salary is None:
        return None
    lo, hi, currency, gross, mode = v.salary
    if (basis == "gross" and gross is not True) or (basis == "net" and gross is not False):
        return None
    low, high = roubles(lo, currency, mode), roubles(hi, currency, mode)
    if low is not None and high is not None:
        return (low + high) / 2
    return low if low is not None else high


def gross_of(v: V) -> bool | None:
    return v.salary[3] if v.salary else None


def quartiles(values: list[float]) -> tuple[float, float, float]:
    data = sorted(values)
    if len(data) == 1:
        return data[0], data[0], data[0]
    p25, _, p75 = statistics.quantiles(data, n=4, method="inclusive")
    return p25, statistics.median(data), p75


def percentile(values: list[float], share: float) -> float:
    data = sorted(values)
    rank = share * (len(data) - 1)
    low = math.floor(rank)
    return data[low] + (data[min(low + 1, len(data) - 1)] - data[low]) * (rank - low)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def employer_key(v: V) -> str | None:
    if v.employer is None:
        return None
    return v.employer[0] if v.source == "hh" else f"{v.source}:{v.employer[0]}"


def expected(scope: Scope, profile: dict[str, Any] | None, world: World) -> Market:
    end = scope.today
    start = end - timedelta(days=scope.days - 1)
    hidden_employers = {DELTA[0]}

    def mine(v: V) -> bool:
        if scope.search_id is not None and scope.search_id not in [world.searches[i] for i in v.searches]:
            return False
        if scope.source is not None and v.source != scope.source:
            return False
        hidden = v.banned or (v.employer is not None and employer_key(v) in hidden_employers)
        return scope.include_hidden or not hidden

    rows = [v for v in ANNA if mine(v)]

    # the vacancies of the period: first seen in it (not every one seen in it)
    period = [v for v in rows if start <= day(v.first) <= end]
    sal = {v.sid: salary_of(v, scope.basis) for v in rows}
    paid = [v for v in period if sal[v.sid] is not None]

    def band(key: str, label: str, group: list[V]) -> Band:
        p25, med, p75 = quartiles([sal[v.sid] for v in group])
        gross = sum(gross_of(v) is True for v in group)
        net = sum(gross_of(v) is False for v in group)
        return Band(key, label, len(group), p25, med, p75, gross, net)

    by_grade = [
        band(g, GRADE_NAMES[g], [v for v in paid if v.grade == g])
        for g in GRADES
        if any(v.grade == g for v in paid)
    ]
    areas = {v.area for v in paid}
    by_area = sorted(
        (band(a[0], a[1], [v for v in paid if v.area == a]) for a in areas), key=lambda b: (-b.count, b.key)
    )
    formats = {f for v in paid for f in v.formats}
    by_format = sorted(
        (band(f, FORMAT_NAMES[f], [v for v in paid if f in v.formats]) for f in formats),
        key=lambda b: (-b.count, b.key),
    )
    histogram: list[Bin] = []
    if paid:
        values = [sal[v.sid] for v in paid]
        p99 = percentile(values, 0.99)
        widths = [5_000, 10_000, 20_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000]
        width = next((w for w in widths if p99 / w <= 20), 1_000_000)
        last = int(p99 // width)
        for i in range(last + 1):
            high = (i + 1) * width if i < last else max((i + 1) * width, int(max(values)) + 1)
            count = sum(min(math.floor(x / width), last) == i for x in values)
            histogram.append(Bin(i * width, high, count))
    new = [v for v in rows if start <= day(v.first) <= end]
    weeks = sorted({day(v.first) - timedelta(days=day(v.first).weekday()) for v in new})
    weekly = []
    for monday in weeks:
        group = [v for v in new if day(v.first) - timedelta(days=day(v.first).weekday()) == monday]
        salaries = [sal[v.sid] for v in group if sal[v.sid] is not None]
        q = quartiles(salaries) if salaries else (None, None, None)
        weekly.append(Week(monday, len(group), *q))
    overall = band("all", "", paid) if paid else None
    salaries = Salaries(
        vacancies=len(period),
        with_salary=len(paid),
        without_salary=len(period) - len(paid),
        gross=sum(gross_of(v) is True for v in paid),
        net=sum(gross_of(v) is False for v in paid),
        unknown_basis=sum(gross_of(v) is None for v in paid),
        overall=overall,
        by_grade=by_grade,
        by_area=by_area,
        by_format=by_format,
        histogram=histogram,
        weekly=weekly,
    )

    days = [start + timedelta(days=i) for i in range(scope.days)]

    def is_open(v: V, d: date) -> bool:
        return day(v.first) <= d and (v.closed is None or day(v.closed) > d)

    employers = {}
    for v in period:
        if v.employer is not None:
            employers.setdefault(employer_key(v), []).append(v)
    ranked = []
    for key, group in employers.items():
        salaries_of = [sal[v.sid] for v in group if sal[v.sid] is not None]
        ranked.append(
            Employer(
                key,
                group[0].employer[1],
                sum(is_open(v, end) for v in group),
                len(group),
                len(salaries_of),
                median(salaries_of),
            )
        )
    lifetime = []
    for g in GRADES:
        closed = [v for v in rows if v.grade == g and v.closed and start <= day(v.closed) <= end]
        if closed:
            lifetimes = [(day(v.closed) - day(v.first)).days for v in closed]
            lifetime.append(Lifetime(g, GRADE_NAMES[g], len(closed), *quartiles(lifetimes)))
    demand = Demand(
        new_per_day=[DayCount(d, sum(day(v.first) == d for v in rows)) for d in days],
        open_per_day=[DayCount(d, sum(is_open(v, d) for v in rows)) for d in days],
        top_by_open=sorted((e for e in ranked if e.open), key=lambda e: (-e.open, e.employer_id))[:10],
        top_by_salary=sorted(
            (e for e in ranked if e.with_salary >= 3), key=lambda e: (-e.median, e.employer_id)
        )[:10],
        lifetime=lifetime,
    )

    def counted(group: list[V]) -> tuple[int, dict[str, int]]:
        known = [v for v in group if v.skills]
        counts: dict[str, int] = {}
        for v in known:
            for s in set(v.skills):
                counts[s] = counts.get(s, 0) + 1
        return len(known), counts

    def new_in(a: date, b: date) -> list[V]:  # skills count the vacancies first seen in a period
        return [v for v in rows if a <= day(v.first) <= b]

    total, counts = counted(new_in(start, end))
    before = start - timedelta(days=1)
    previous_total, previous = counted(new_in(before - timedelta(days=scope.days - 1), before))

    def share(s: str) -> SkillShare:
        prev = previous.get(s, 0) / previous_total if previous_total else None
        return SkillShare(s, counts.get(s, 0), counts.get(s, 0) / total if total else 0.0, prev)

    order = sorted(counts, key=lambda s: (-counts[s], s))
    moving = [
        share(s) for s in counts.keys() | previous.keys() if max(counts.get(s, 0), previous.get(s, 0)) >= 3
    ] if total and previous_total else []  # fmt: skip
    known_paid = [v for v in new_in(start, end) if v.skills and sal[v.sid] is not None]
    skills = Skills(
        with_skills=total,
        previous_with_skills=previous_total,
        top=[share(s) for s in order[:25]],
        rising=sorted((s for s in moving if s.change > 0), key=lambda s: (-s.change, s.skill))[:10],
        falling=sorted((s for s in moving if s.change < 0), key=lambda s: (s.change, s.skill))[:10],
        salary=[
            SkillSalary(
                s,
                len(w := [sal[v.sid] for v in known_paid if s in v.skills]),
                median(w),
                len(wo := [sal[v.sid] for v in known_paid if s not in v.skills]),
                median(wo),
            )
            for s in order[:10]
        ],
    )

    standing = None
    if profile is not None:
        years, area, desired = profile.get("years"), profile.get("area"), profile.get("salary")
        grade = (
            None if years is None else GRADES[0 if years < 1 else 1 if years < 3 else 2 if years < 6 else 3]
        )
        percentile_, peers = None, 0
        if desired is not None:
            tries = []
            if grade and area:
                tries.append((grade, area))
            if grade:
                tries.append((grade, None))
            elif area:
                tries.append((None, area))
            tries.append((None, None))
            for g, a in tries:
                group = [v for v in paid if (g is None or v.grade == g) and (a is None or v.area[1] == a)]
                if len(group) >= 5 or (g, a) == (None, None):
                    peers = len(group)
                    percentile_ = 100 * sum(sal[v.sid] < desired for v in group) / peers if peers else None
                    grade, area = g, a
                    break
        mine_skills = {s.casefold() for s in profile["skills"]}
        gaps = [SkillGap(s, counts[s] / total, s.casefold() in mine_skills) for s in order[:25]]
        standing = Standing(desired, grade, area, percentile_, peers, gaps)
    return Market(scope, start, end, len(period), salaries, demand, skills, standing)


PROFILE = {"years": 4, "area": "Москва", "salary": 180_000, "skills": ["python", "Docker", "Go"]}


def assert_same(actual: Any, wanted: Any, path: str = "market") -> None:
    """Field by field (floats to 1e-9 relative), saying which field differs."""
    if is_dataclass(wanted):
        assert type(actual) is type(wanted), f"{path}: {type(actual).__name__} != {type(wanted).__name__}"
        for f in fields(wanted):
            assert_same(getattr(actual, f.name), getattr(wanted, f.name), f"{path}.{f.name}")
    elif isinstance(wanted, list):
        assert isinstance(actual, list), f"{path}: {actual!r} is not a list"
        got = [getattr(x, "key", None) or getattr(x, "skill", None) or x for x in actual]
        assert len(actual) == len(wanted), f"{path}: {len(actual)} items ({got}), wanted {len(wanted)}"
        for i, (a, w) in enumerate(zip(actual, wanted, strict=True)):
            assert_same(a, w, f"{path}[{i}]")
    elif isinstance(wanted, float) and not isinstance(wanted, bool):
        assert actual == pytest.approx(wanted, rel=1e-9), f"{path}: {actual!r} != {wanted!r}"
    else:
        assert actual == wanted, f"{path}: {actual!r} != {wanted!r}"


# -- the tests -----------------------------------------------------------------------------------------


def _figures(engine, scope: Scope) -> Market:
    with engine.connect() as conn:
        # a session far from UTC: the figures' days must still be UTC days
        conn.execute(text("SET TIME ZONE 'Asia/Vladivostok'"))
        return figures(conn, scope)


def test_the_rows_are_what_the_test_thinks_they_are(engine, world) -> None:
    """The independent computation rests on monthly_roubles' rule: check a few stored conversions."""
    by_sid = {v.sid: v for v in ANNA}
    with engine.connect() as conn:
        stored = {r.id: (r.salary_from_rub, r.salary_to_rub) for r in conn.execute(vacancies.select())}
    assert stored[by_sid[4].id] == (160_000, 240_000)  # USD at 0.0125 per rouble
    assert stored[by_sid[5].id] == (138_889, None)  # EUR at 0.0108
    assert stored[by_sid[6].id] == (82_208, 115_092)  # per hour × 1973/12
    assert stored[by_sid[7].id] == (82_333, 102_917)  # per shift × 247/12
    assert stored[by_sid[8].id] == (None, None)  # per job: no monthly figure
    assert stored[by_sid[41].id] == (None, None)  # a watch of unknown length


def test_default_scope_matches_every_figure(engine, world) -> None:
    scope = Scope(user_id=world.anna, today=TODAY)
    market = _figures(engine, scope)
    assert_same(market, expected(scope, PROFILE, world))
    # The traps, by hand (so the independent model cannot share a misreading with the code):
    s = market.salaries
    assert (market.start, market.end) == (date(2026, 11, 1), TODAY)
    # of the period (first seen in it): 1-10, 19, 22-24, 30-42; hidden 27-29; seen in it but first
    # seen before it: 11, 12, 20 and 25 (31 Oct UTC); outside 13-18, 21 and 26
    assert market.vacancies == 27
    # no salary: 9, 33; paid per job (8) and per watch (41)
    assert (s.with_salary, s.without_salary) == (23, 4)
    assert s.share_with_salary == pytest.approx(23 / 27)
    assert (s.gross, s.net, s.unknown_basis) == (13, 8, 2)  # not said: 3, 30
    formats = {b.key: b.count for b in s.by_format}
    # 2 and 40 are REMOTE and HYBRID, 35 REMOTE and ON_SITE: each counts in both
    assert formats == {"REMOTE": 12, "ON_SITE": 6, "HYBRID": 7}  # FIELD_WORK's only one is per job
    assert sum(b.count for b in s.by_grade) == 22  # 42 has no grade
    assert max(b.high for b in s.histogram) < 900_000  # the banned 900 000 and Boris's 5 000 000 are out
    assert sum(b.count for b in s.histogram) == 23
    assert s.weekly[0].start == date(2026, 10, 26)  # 1 November is a Sunday
    lifetime = {x.key: (x.closed, x.median) for x in market.demand.lifetime}
    assert lifetime == {"between1And3": (1, 10), "between3And6": (3, 12), "moreThan6": (1, 6)}
    opened = {d.day: d.count for d in market.demand.open_per_day}
    # open until closed, even when no longer seen: 1, 11, 12, 20, 23, 25, 26 and October's 13-16
    assert opened[date(2026, 11, 1)] == 11
    assert opened[date(2026, 11, 28)] == opened[date(2026, 11, 27)] - 1  # 24 closed on the 28th
    assert {d.day: d.count for d in market.demand.new_per_day}[date(2026, 11, 1)] == 2  # 1 and 23
    assert "COBOL" not in {x.skill for x in market.skills.top}
    # skills count the vacancies first seen in a period (not those seen in it): 38's list is empty,
    # and the vacancies first seen before 1 November (those last seen in the period) are left out
    assert (market.skills.with_skills, market.skills.previous_with_skills) == (14, 7)
    assert [x.skill for x in market.skills.rising] == ["Python", "Kafka", "Docker", "SQL"]
    assert [x.skill for x in market.skills.falling] == ["Java"]
    python = next(x for x in market.skills.salary if x.skill == "Python")
    assert (python.with_count, python.without_count) == (10, 2)  # 12 new, with a salary and skills known
    standing = market.standing
    assert (standing.grade, standing.area, standing.peers) == ("between3And6", "Москва", 14)
    assert standing.percentile == pytest.approx(100 * 7 / 14)  # 25's 160 000 is October's
    assert {g.skill: g.in_profile for g in standing.skills} == {
        "Python": True, "SQL": False, "Kafka": False, "Docker": True, "Excel": False, "Go": True,
        "Kubernetes": False, "Django": False,
    }  # fmt: skip


@pytest.mark.parametrize("basis", ["gross", "net"])
def test_a_basis_counts_only_its_own_salaries(engine, world, basis) -> None:
    scope = Scope(user_id=world.anna, today=TODAY, basis=basis)
    market = _figures(engine, scope)
    assert_same(market, expected(scope, PROFILE, world))
    s = market.salaries
    if basis == "gross":
        assert (s.gross, s.net, s.unknown_basis) == (s.with_salary, 0, 0)
    else:
        assert (s.gross, s.net, s.unknown_basis) == (0, s.with_salary, 0)
    assert s.vacancies == 27


def test_one_saved_search_and_one_board(engine, world) -> None:
    for scope in (
        Scope(user_id=world.anna, today=TODAY, search_id=world.searches[1]),
        Scope(user_id=world.anna, today=TODAY, search_id=world.searches[0]),
        Scope(user_id=world.anna, today=TODAY, source="superjob"),
        Scope(user_id=world.anna, today=TODAY, source="hh", basis="net"),
        Scope(user_id=world.anna, today=TODAY, source="trudvsem"),
    ):
        assert_same(_figures(engine, scope), expected(scope, PROFILE, world), f"market[{scope}]")
    second = _figures(engine, Scope(user_id=world.anna, today=TODAY, search_id=world.searches[1]))
    assert second.vacancies == 6  # 2, 3, 10, 31, 32, 36
    board = _figures(engine, Scope(user_id=world.anna, today=TODAY, source="superjob"))
    assert board.vacancies == 4
    # few peers on that board: the comparison widened to everyone, and says so
    assert board.standing.grade is None and board.standing.area is None and board.standing.peers == 3
    empty = _figures(engine, Scope(user_id=world.anna, today=TODAY, source="trudvsem"))
    assert empty.vacancies == 0 and empty.salaries.overall is None and empty.salaries.histogram == []


def test_hidden_vacancies_count_only_when_asked(engine, world) -> None:
    scope = Scope(user_id=world.anna, today=TODAY, include_hidden=True)
    market = _figures(engine, scope)
    assert_same(market, expected(scope, PROFILE, world))
    assert market.vacancies == 30  # 27, 28 and 29 back; Boris's ban of Бета never hid anything of hers
    assert "Rust" in {x.skill for x in market.skills.top}
    assert market.salaries.histogram[-1].high == 900_001  # the banned outlier is in the last bin


def test_the_last_seven_days(engine, world) -> None:
    scope = Scope(user_id=world.anna, today=TODAY, days=7)
    market = _figures(engine, scope)
    assert_same(market, expected(scope, PROFILE, world))
    assert market.start == date(2026, 11, 24)
    assert len(market.demand.new_per_day) == 7
    assert [d.count for d in market.demand.new_per_day][:4] == [
        2,
        1,
        1,
        1,
    ]  # 24: 33, 34; 25: 22; 26: 35; 27: 36
    assert [x.key for x in market.demand.lifetime] == ["between3And6"]  # 22, closed the day it came


def test_a_profile_without_years_compares_with_its_city(engine, world) -> None:
    with engine.begin() as conn:
        wishes = {"salary": 150_000, "areas": ["Москва"]}
        save_profile(conn, world.anna, Profile.model_validate({"skills": ["SQL"], "wishes": wishes}))
    scope = Scope(user_id=world.anna, today=TODAY)
    market = _figures(engine, scope)
    profile = {"years": None, "area": "Москва", "salary": 150_000, "skills": ["SQL"]}
    assert_same(market.standing, expected(scope, profile, world).standing, "standing")
    assert market.standing.area == "Москва" and market.standing.grade is None


def test_no_profile_no_standing(engine, world) -> None:
    with engine.connect() as conn:
        market = figures(conn, Scope(user_id=world.boris, today=TODAY))
    assert market.standing is None
    # his 101 and Anna's 1: he hid 2 and banned Бета (3, 102); 103 is October's
    assert market.vacancies == 2
    assert market.salaries.overall.median == pytest.approx(statistics.median([5_000_000, 125_000]))


def test_out_of_scope_requests_are_refused(engine, world) -> None:
    bad = [
        Scope(user_id=world.anna, today=TODAY, search_id=world.boris_search),
        Scope(user_id=world.anna, today=TODAY, search_id=999_999),
        Scope(user_id=world.anna, today=TODAY, days=0),
        Scope(user_id=world.anna, today=TODAY, days=366),
        Scope(user_id=world.anna, today=TODAY, basis="after tax"),
    ]
    with engine.connect() as conn:
        for scope in bad:
            with pytest.raises(ScopeError):
                figures(conn, scope)
        assert figures(conn, replace(bad[2], days=365)).start == TODAY - timedelta(days=364)
        assert figures(conn, replace(bad[2], days=1)).start == TODAY
