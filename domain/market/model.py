"""What the «Рынок» page, ``jobhunter market`` and the weekly digest show: plain data, no I/O.

:func:`domain.market.figures` fills a :class:`Market` for a :class:`Scope`; the web page, the
CLI (``--json`` is ``dataclasses.asdict``) and the Telegram digest only render it.

Salaries are monthly roubles as stored (``t01.salary_from_rub``/``salary_to_rub``, see
``etl.transform``): a vacancy's salary is the middle of its range, or its one published end.
Gross and net are never converted into each other: a :class:`Scope` picks ``basis`` ("all" as
published, "gross" or "net") and every salary figure says how many of its vacancies were which.
Vacancies without a comparable salary are left out of salary figures and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

BASES = ("all", "gross", "net")
#: hh.ru's experience grades in order; the other boards' grades are mapped onto them on load.
GRADES = ("noExperience", "between1And3", "between3And6", "moreThan6")
#: hh.ru's own names of the grades (the web page and the CLI translate the keys themselves).
GRADE_NAMES = {
    "noExperience": "Нет опыта",
    "between1And3": "От 1 года до 3 лет",
    "between3And6": "От 3 до 6 лет",
    "moreThan6": "Более 6 лет",
}
DEFAULT_DAYS = 30
MAX_DAYS = 365


@dataclass(frozen=True)
class Scope:
    """Whose vacancies, which of them and over which days.

    The period is the ``days`` calendar days (UTC) ending on ``today``, both included. A vacancy
    belongs to the period when it was first seen in it (see :mod:`domain.market.queries`).
    ``today`` is injected: nothing here reads a clock.
    """

    user_id: int
    today: date
    days: int = DEFAULT_DAYS
    search_id: int | None = None
    source: str | None = None
    #: Include the vacancies the user banned and those of employers they banned.
    include_hidden: bool = False
    basis: str = "all"


@dataclass(frozen=True)
class Band:
    """The salary distribution of one group (a grade, a city, a work format, a week, or all)."""

    key: str
    label: str
    count: int
    p25: float
    median: float
    p75: float
    gross: int = 0
    net: int = 0


@dataclass(frozen=True)
class Bin:
    """One bar of the salary histogram: ``low`` <= salary < ``high``."""

    low: int
    high: int
    count: int


@dataclass(frozen=True)
class Week:
    """The salaries of vacancies first seen in the ISO week starting ``start`` (a Monday)."""

    start: date
    count: int
    p25: float | None
    median: float | None
    p75: float | None


@dataclass(frozen=True)
class Salaries:
    vacancies: int
    #: Vacancies with a comparable salary on the chosen basis, and those without one.
    with_salary: int
    without_salary: int
    #: Of ``with_salary``: published before tax, after tax, and not said.
    gross: int
    net: int
    unknown_basis: int
    overall: Band | None
    by_grade: list[Band] = field(default_factory=list)
    by_area: list[Band] = field(default_factory=list)
    by_format: list[Band] = field(default_factory=list)
    histogram: list[Bin] = field(default_factory=list)
    weekly: list[Week] = field(default_factory=list)

    @property
    def share_with_salary(self) -> float | None:
        return self.with_salary / self.vacancies if self.vacancies else None


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class Employer:
    employer_id: str
    name: str
    open: int
    vacancies: int
    with_salary: int
    median: float | None


@dataclass(frozen=True)
class Lifetime:
    """How long vacancies of a grade stayed open: first seen to closed, in days, of those that
    closed in the period."""

    key: str
    label: str
    closed: int
    p25: float
    median: float
    p75: float


@dataclass(frozen=True)
class Demand:
    new_per_day: list[DayCount] = field(default_factory=list)
    open_per_day: list[DayCount] = field(default_factory=list)
    top_by_open: list[Employer] = field(default_factory=list)
    top_by_salary: list[Employer] = field(default_factory=list)
    lifetime: list[Lifetime] = field(default_factory=list)


@dataclass(frozen=True)
class SkillShare:
    """How many vacancies of the period name a key skill, of those whose skills are known."""

    skill: str
    count: int
    share: float
    #: The same in the previous period of the same length (None: no vacancy with skills then).
    previous_share: float | None = None

    @property
    def change(self) -> float | None:
        """Percentage points gained since the previous period."""
        return None if self.previous_share is None else (self.share - self.previous_share) * 100


@dataclass(frozen=True)
class SkillSalary:
    skill: str
    with_count: int
    with_median: float | None
    without_count: int
    without_median: float | None


@dataclass(frozen=True)
class Skills:
    #: Vacancies of the period whose key skills are known (fetched details), the denominator.
    with_skills: int
    previous_with_skills: int
    top: list[SkillShare] = field(default_factory=list)
    rising: list[SkillShare] = field(default_factory=list)
    falling: list[SkillShare] = field(default_factory=list)
    salary: list[SkillSalary] = field(default_factory=list)


@dataclass(frozen=True)
class SkillGap:
    skill: str
    share: float
    in_profile: bool


@dataclass(frozen=True)
class Standing:
    """Where the user stands, from their profile (``domain.resume``; wishes and skills)."""

    desired_salary: int | None
    grade: str | None
    area: str | None
    #: Share of the peers (same grade and city, with a salary) asking less than the user, 0-100.
    percentile: float | None
    peers: int
    #: The most demanded skills, each said to be in the profile or not.
    skills: list[SkillGap] = field(default_factory=list)


@dataclass(frozen=True)
class Market:
    scope: Scope
    start: date
    end: date
    vacancies: int
    salaries: Salaries
    demand: Demand
    skills: Skills
    standing: Standing | None
