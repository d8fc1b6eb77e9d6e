"""The match score: how well one vacancy fits one user's profile, from 0 to 100, with its reasons.

Deterministic and explainable: the same profile and vacancy always give the same points, and
every point comes from a named component (:data:`~domain.matching.weights.WEIGHTS`):

- **skills**: the share of what the vacancy asks for that the user has, blended with how many
  of the user's skills it names at all (a vacancy without a skills list is judged by its text).
  It asks for its key skills (each counting 1) and what its text names: the known technologies
  and the user's own skills (each counting :data:`~domain.matching.weights.TEXT_SKILL_WEIGHT`).
  Synonyms and Russian word forms match (:mod:`domain.skills`), in both directions: the user's
  «Продажи» covers «Активные продажи», their «1С:Предприятие 8.3» covers «1С программирование».
  The matched and missing skills are kept for the details panel.
- **title**: the vacancy's title against the roles the user wants, their headline and their
  recent job titles (grades such as "senior" and small words aside): half for how much of one
  of the user's titles it holds, half for how much of it the user's titles and skills explain
  (the «Go» of «Go-разработчик» a Python developer's do not). hh.ru's professional role counts
  as a second title at :data:`~domain.matching.weights.ROLE_TRUST`.
- **experience**: the user's years against hh.ru's bucket (none, 1-3, 3-6, 6+ years); asking
  for more costs much, asking for less a little.
- **salary**: the top of the vacancy's range in monthly roubles against the desired salary.
- **area** and **format**: the vacancy's town among the user's, its work formats among theirs;
  a remote vacancy fits any town when the user accepts remote work.

How well this ranks is measured on a labelled set (``bench/match.py``, ``tests/data/match_eval.md``).
There is no semantic (embedding) component: on this machine multilingual-e5-small takes seconds a
passage, against a budget of 0.3 ms a link for rescoring 100,000 links in 30 s, and the lexical
score leaves it little to earn on the set (NDCG@10 0.93-1.00 per profile).
What cannot be judged gives half the component's points (:data:`~domain.matching.weights.NEUTRAL`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

from domain import skills
from domain.matching.weights import (
    COVERAGE_PRIOR,
    COVERAGE_SHARE,
    NEUTRAL,
    OVER_QUALIFIED,
    ROLE_TRUST,
    SALARY_SHORTFALL,
    SKILLS_FOR_FULL_EVIDENCE,
    TEXT_SKILL_WEIGHT,
    UNDER_QUALIFIED,
    WEIGHTS,
)
from domain.resume.model import Profile

# Words of a title that say how senior, not what the job is.
_GRADE_WORDS = frozenset(
    skills.words(
        "senior junior middle lead head chief principal intern стажер стажёр младший старший ведущий "
        "главный начинающий помощник ассистент remote удаленно удаленный удалённо удалённый"
    )
)
# Words of a title that say nothing of what the job is.
_UNTELLING = _GRADE_WORDS | skills.FILLER_STEMS
# hh.ru's experience buckets in order, and the bucket a number of years falls in.
BUCKETS = ("noExperience", "between1And3", "between3And6", "moreThan6")


def bucket_of(years: float) -> int:
    return 0 if years < 1 else 1 if years < 3 else 2 if years < 6 else 3


def _area_key(name: str | None) -> str:
    return " ".join((name or "").casefold().replace("ё", "е").split())


@dataclass(frozen=True)
class MatchProfile:
    """What of a :class:`Profile` the score reads, prepared once per rescoring."""

    lexicon: skills.Lexicon
    titles: tuple[frozenset[str], ...]
    years: float | None
    salary: int | None
    areas: frozenset[str]
    formats: frozenset[str]

    @classmethod
    def of(cls, profile: Profile, today: date) -> MatchProfile:
        titles = [*profile.wishes.roles, profile.headline, *(job.role for job in profile.experience[:3])]
        title_words = tuple(
            words for words in (frozenset(skills.words(t)) - _UNTELLING for t in titles if t) if words
        )
        return cls(
            lexicon=skills.Lexicon(profile.skills),
            titles=title_words,
            years=profile.years(today),
            salary=profile.wishes.salary,
            areas=frozenset(_area_key(a) for a in profile.wishes.areas if a),
            formats=frozenset(profile.wishes.work_formats),
        )

    @cached_property
    def relevant(self) -> frozenset[str]:
        """The stemmed words the score can look at in a vacancy's text: its other words change
        nothing (``domain.matching.store`` fetches only these of the stored terms)."""
        return self.lexicon.stems() | skills.known().stems()

    @cached_property
    def title_vocabulary(self) -> frozenset[str]:
        """The words of the user's titles and skills: what a vacancy title may say of them."""
        return frozenset().union(*self.titles) | self.lexicon.stems()

    @property
    def usable(self) -> bool:
        """Whether there is anything to score by: skills or a title to compare."""
        return bool(self.lexicon.names or self.titles)


@dataclass(frozen=True)
class VacancyFacts:
    """What of a vacancy the score reads (one row of :func:`domain.matching.store.facts`)."""

    name: str
    key_skills: Sequence[str] = ()
    terms: frozenset[str] = frozenset()  # stemmed words of its skills and text (domain.skills.terms)
    role_names: Sequence[str] = ()
    experience_id: str | None = None
    salary_from_rub: int | None = None
    salary_to_rub: int | None = None
    area_name: str | None = None
    work_format_ids: Sequence[str] = ()


@dataclass(frozen=True)
class Match:
    """A score and its reasons: points per component, skills matched and missing."""

    score: int
    points: dict[str, float]
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def parts(self) -> dict[str, Any]:
        """What ``t08.score_parts`` stores."""
        return {"points": self.points, "matched": self.matched, "missing": self.missing}


def _skills(
    profile: MatchProfile, vacancy: VacancyFacts, name_terms: frozenset[str]
) -> tuple[float, list[str], list[str]]:
    all_terms = vacancy.terms | name_terms
    lexicon = profile.lexicon
    # What it asks for: its key skills (weight 1), then what its text names (weight
    # TEXT_SKILL_WEIGHT): the known technologies, and the user's own skills.
    asked: dict[str, tuple[str, float]] = {}
    for skill in vacancy.key_skills:
        asked.setdefault(skills.canonical(skill), (skill, 1.0))
    known = skills.known()
    for key in sorted(known.find(all_terms)):
        asked.setdefault(key, (known.names[key], TEXT_SKILL_WEIGHT))
    mine = lexicon.find(all_terms)
    matched: list[str] = []
    missing: list[str] = []
    have = total = 0.0
    covered: set[str] = set()
    for key, (name, weight) in asked.items():
        ours = key if key in lexicon.names else lexicon.covers(name)
        if ours is not None and ours in covered:
            continue  # «1С» and «1С:Предприятие 8» in one vacancy: one skill of ours, counted once
        total += weight
        if ours is not None:
            covered.add(ours)
            have += weight
            matched.append(lexicon.names[ours])
        else:
            missing.append(skills.display(name))
    for key in sorted(mine - covered):
        total += TEXT_SKILL_WEIGHT
        have += TEXT_SKILL_WEIGHT
        covered.add(key)
        matched.append(lexicon.names[key])
    evidence = min(1.0, len(covered) / SKILLS_FOR_FULL_EVIDENCE)
    if not total:
        return evidence, matched, missing
    # The share is pulled towards neutral by one imaginary skill: two technologies a text names
    # in passing («смартфон на Android или iOS») say little when the user has neither.
    coverage = (have + NEUTRAL * COVERAGE_PRIOR) / (total + COVERAGE_PRIOR)
    return COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * evidence, matched, missing


# A user's vacancies repeat a few hundred titles: each is cut into words once per process.
@lru_cache(maxsize=50_000)
def _title_words(title: str) -> frozenset[str]:
    return frozenset(skills.words(title)) - _UNTELLING


@lru_cache(maxsize=50_000)
def _name_terms(name: str) -> frozenset[str]:
    return skills.terms(name)


def _title(profile: MatchProfile, vacancy: VacancyFacts) -> float:
    if not profile.titles:
        return NEUTRAL
    best = 0.0
    for title, trust in ((vacancy.name, 1.0), *((role, ROLE_TRUST) for role in vacancy.role_names)):
        words = _title_words(title)
        if not words:
            continue
        # How much of one of the user's titles the vacancy's holds («Аналитик данных» in
        # «Ведущий аналитик данных в e-commerce»), and how much of the vacancy's title the
        # user's titles and skills explain («Go» in «Go-разработчик» they do not).
        theirs = len(words & profile.title_vocabulary) / len(words)
        mine = max(len(words & title) / len(title) for title in profile.titles)
        best = max(best, trust * (mine + theirs) / 2)
    return best


def _experience(profile: MatchProfile, vacancy: VacancyFacts) -> float:
    if profile.years is None or vacancy.experience_id not in BUCKETS:
        return NEUTRAL
    gap = bucket_of(profile.years) - BUCKETS.index(vacancy.experience_id)
    return OVER_QUALIFIED[gap] if gap >= 0 else UNDER_QUALIFIED[-gap]


def _salary(profile: MatchProfile, vacancy: VacancyFacts) -> float:
    top = vacancy.salary_to_rub or vacancy.salary_from_rub
    if not profile.salary or not top:
        return NEUTRAL
    if top >= profile.salary:
        return 1.0
    return max(0.0, 1.0 - SALARY_SHORTFALL * (profile.salary - top) / profile.salary)


def _area(profile: MatchProfile, vacancy: VacancyFacts) -> float:
    if "REMOTE" in vacancy.work_format_ids and (not profile.formats or "REMOTE" in profile.formats):
        return 1.0
    if not profile.areas or not vacancy.area_name:
        return NEUTRAL
    return 1.0 if _area_key(vacancy.area_name) in profile.areas else 0.0


def _format(profile: MatchProfile, vacancy: VacancyFacts) -> float:
    if not profile.formats or not vacancy.work_format_ids:
        return NEUTRAL
    return 1.0 if profile.formats.intersection(vacancy.work_format_ids) else 0.0


def score(profile: MatchProfile, vacancy: VacancyFacts) -> Match:
    """The score of one vacancy for one profile."""
    skill_fit, matched, missing = _skills(profile, vacancy, _name_terms(vacancy.name))
    fits = {
        "skills": skill_fit,
        "title": _title(profile, vacancy),
        "experience": _experience(profile, vacancy),
        "salary": _salary(profile, vacancy),
        "area": _area(profile, vacancy),
        "format": _format(profile, vacancy),
    }
    points = {name: round(WEIGHTS[name] * fit, 1) for name, fit in fits.items()}
    total = round(sum(WEIGHTS[name] * fit for name, fit in fits.items()))
    return Match(score=max(0, min(100, total)), points=points, matched=matched, missing=missing)
