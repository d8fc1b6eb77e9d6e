"""The decision: whether two vacancies are likely one job, and the groups a set of them makes.

Pure Python over :class:`Candidate` records, so the labelled set in ``tests/data/duplicates.json``
measures exactly what :func:`domain.duplicates.groups.regroup` runs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.duplicates.normalise import (
    employer_similarity,
    salaries_agree,
    salaries_compatible,
    title_similarity,
)

MAX_DAYS = 7
"""Publication dates of one job on two boards are at most this many days apart."""
THRESHOLD = 0.75
"""The least :func:`score` of a likely duplicate."""
EMPLOYER_FLOOR = 0.85
"""The least similarity of two normalised employer names (without equal INNs) to compare titles."""


@dataclass(frozen=True)
class Candidate:
    """What the decision reads of a vacancy (the ``t01_jh_vacancies`` columns of the same names)."""

    id: int
    source: str
    employer_name: str | None
    employer_inn: str | None
    name: str
    area_id: str | None
    salary_from_rub: int | None
    salary_to_rub: int | None
    published_at: datetime

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Candidate:
        return cls(**{f: row.get(f) for f in cls.__dataclass_fields__})  # type: ignore[arg-type]

    @property
    def salary(self) -> tuple[int | None, int | None]:
        return self.salary_from_rub, self.salary_to_rub


Parents = Mapping[str, str]
"""``{area id: its parent's id}`` (hh.ru's areas tree): a region holds its cities."""

#: The parents of the main cities, for when hh.ru's areas tree is not cached: Trudvsem names only
#: regions, hh.ru and SuperJob name cities.
MAIN_CITIES: dict[str, str] = {
    "3": "1261",  # Екатеринбург — Свердловская область
    "4": "1202",  # Новосибирск — Новосибирская область
    "88": "1624",  # Казань — Республика Татарстан
    "66": "1679",  # Нижний Новгород — Нижегородская область
    "76": "1530",  # Ростов-на-Дону — Ростовская область
    "53": "1438",  # Краснодар — Краснодарский край
    "78": "1586",  # Самара — Самарская область
}


def _ancestors(area: str, parents: Parents) -> set[str]:
    seen = {area}
    while (area := parents.get(area, "")) and area not in seen:
        seen.add(area)
    return seen


def areas_compatible(a: str | None, b: str | None, parents: Parents = MAIN_CITIES) -> bool:
    """Whether two areas can hold one job: either unknown, equal, or one inside the other."""
    if not a or not b or a == b:
        return True
    return a in _ancestors(b, parents) or b in _ancestors(a, parents)


def score(a: Candidate, b: Candidate, parents: Parents = MAIN_CITIES) -> float:
    """0 … ~1.2: how likely two vacancies are one job; 0 when something rules it out.

    Ruled out: the same board; INNs that differ; employer names (without equal INNs) less alike
    than :data:`EMPLOYER_FLOOR`; areas, salaries or publication dates (more than
    :data:`MAX_DAYS` apart) that cannot be one job's. Otherwise the titles' similarity, plus a
    little for salaries that agree within 5 %, publication within two days and equal INNs.
    """
    if a.source == b.source:
        return 0.0
    same_inn = bool(a.employer_inn and b.employer_inn and a.employer_inn == b.employer_inn)
    if a.employer_inn and b.employer_inn and not same_inn:
        return 0.0
    if not same_inn and employer_similarity(a.employer_name, b.employer_name) < EMPLOYER_FLOOR:
        return 0.0
    if not areas_compatible(a.area_id, b.area_id, parents):
        return 0.0
    if salaries_compatible(a.salary, b.salary) is False:
        return 0.0
    apart = abs(a.published_at - b.published_at)
    if apart > timedelta(days=MAX_DAYS):
        return 0.0
    title = title_similarity(a.name, b.name)
    if not title:
        return 0.0
    bonus = 0.15 if salaries_agree(a.salary, b.salary) else 0.0
    bonus += 0.05 if apart <= timedelta(days=2) else 0.0
    bonus += 0.05 if same_inn else 0.0
    return title + bonus


def likely_same(a: Candidate, b: Candidate, parents: Parents = MAIN_CITIES) -> bool:
    """Whether two vacancies are likely one job on two boards (never two of one board)."""
    return score(a, b, parents) >= THRESHOLD


def assign(
    records: Iterable[Candidate],
    probes: Iterable[int],
    *,
    groups: Mapping[int, int | None] | None = None,
    neighbours: Mapping[int, Collection[int]] | None = None,
    parents: Parents = MAIN_CITIES,
) -> dict[int, int | None]:
    """The group of every record once ``probes`` (ids among ``records``) are placed.

    ``groups`` are the records' current groups (``group_id``; missing: alone). First a probe that
    no longer matches every other member of its group leaves it. Then the pairs of a probe and
    one of its ``neighbours`` (default: every record) that are likely the same are taken best
    score first, and their two groups merge when the result still holds one vacancy per board
    and every two of its members match (complete linkage: a chain of near matches never
    makes a group). Groups no probe touches stay as they are, so placing the same probes twice
    changes nothing. Returns ``{id: group id or None}`` for every record, a group's id being
    its members' smallest id.
    """
    by_id = {r.id: r for r in records}
    current = groups or {}
    cluster_of: dict[int, set[int]] = {}  # a group's members share one set
    shared: dict[int, set[int]] = {}
    for rid in by_id:
        key = current.get(rid)
        cluster_of[rid] = {rid} if key is None else shared.setdefault(key, set())
        cluster_of[rid].add(rid)
    scores: dict[tuple[int, int], float] = {}

    def pair(a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        if key not in scores:
            scores[key] = score(by_id[a], by_id[b], parents)
        return scores[key]

    chosen = sorted(p for p in set(probes) if p in by_id)
    for probe in chosen:
        cluster = cluster_of[probe]
        if len(cluster) > 1 and any(pair(probe, m) < THRESHOLD for m in cluster if m != probe):
            cluster.discard(probe)
            cluster_of[probe] = {probe}
    edges = []
    for probe in chosen:
        near = by_id.keys() if neighbours is None else neighbours.get(probe, ())
        for other in near:
            if other != probe and other in by_id and (s := pair(probe, other)) >= THRESHOLD:
                edges.append((-s, min(probe, other), max(probe, other)))
    for _, a, b in sorted(set(edges)):
        left, right = cluster_of[a], cluster_of[b]
        if left is right:
            continue
        if {by_id[m].source for m in left} & {by_id[m].source for m in right}:
            continue  # one vacancy per board
        if all(pair(x, y) >= THRESHOLD for x in left for y in right):
            left |= right
            for m in right:
                cluster_of[m] = left
    return {rid: (min(cluster_of[rid]) if len(cluster_of[rid]) > 1 else None) for rid in by_id}
