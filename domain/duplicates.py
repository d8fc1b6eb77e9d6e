"""Likely duplicates across boards: the same job on hh.ru, Trudvsem and SuperJob, as one group.

A group holds **at most one vacancy per board**: two vacancies of one board are never merged,
so two real openings of one employer are never silently shown as one. Its ``group_id`` (in
``t01_jh_vacancies``) is the smallest id of its members; a vacancy alone has NULL.

The decision is pure Python (:func:`score`, :func:`likely_same`, :func:`assign`), so the
labelled set in ``tests/data/duplicates.json`` measures exactly what runs. :func:`regroup` finds
candidates for vacancies a harvest just loaded cheaply in PostgreSQL (other boards, published
within :data:`MAX_DAYS`, same INN or an employer name found by the trigram index), decides in
Python and writes the groups. A user may take a vacancy out of its group for themselves
(:func:`split`, :func:`unsplit`); :func:`group_members` is what the web app shows as
"also on …".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Text,
    and_,
    bindparam,
    delete,
    func,
    literal,
    select,
    true,
    union,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert

from core.errors import UserInputError
from core.schema import SCHEMA, dictionaries, group_splits, user_vacancies, vacancies

MAX_DAYS = 7
"""Publication dates of one job on two boards are at most this many days apart."""
THRESHOLD = 0.75
"""The least :func:`score` of a likely duplicate."""
EMPLOYER_FLOOR = 0.85
"""The least similarity of two normalised employer names (without equal INNs) to compare titles."""
SALARY_SLACK = 1.25
"""Two salary ranges are compatible when they overlap once each is widened by this factor
(covers net against gross, 13 %, and rounding)."""
BATCH = 500
"""Vacancies looked up per statement in :func:`regroup`."""
TITLE_TRIGRAMS = 0.3
"""The least pg_trgm similarity of two titles for :func:`regroup` to compare them (a likely
duplicate's titles are well above it: "Водитель" and "Водитель автомобиля" have 0.45)."""

# -- normalisers ------------------------------------------------------------------------------------

_QUOTES = re.compile(r"[«»\"'“”„‘’`´]")
_PUNCT = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")

# Legal forms spelt out. Commercial ones are listed; public bodies follow one grammar:
# [федеральное|краевое|областное|…] государственное|муниципальное [бюджетное|автономное|казенное]
# [общеобразовательное|дошкольное образовательное|…] учреждение|предприятие [здравоохранения|…].
_COMMERCIAL_LONG = (
    "общество с ограниченной ответственностью",
    "публичное акционерное общество",
    "непубличное акционерное общество",
    "открытое акционерное общество",
    "закрытое акционерное общество",
    "акционерное общество",
    "индивидуальный предприниматель",
    "автономная некоммерческая организация",
    "некоммерческая организация",
    "группа компаний",
    "торговый дом",
)
_PUBLIC_LONG = (
    r"(?:(?:федеральное|краевое|областное|окружное|республиканское|городское)\s+)?"
    r"(?:государственное|муниципальное)\s+"
    r"(?:(?:бюджетное|автономное|казенное|унитарное)\s+)?"
    r"(?:(?:общеобразовательное|дошкольное\s+образовательное|профессиональное\s+образовательное|"
    r"образовательное|лечебно[\s-]профилактическое)\s+)?"
    r"(?:учреждение|предприятие)"
    r"(?:\s+(?:здравоохранения|культуры|социального\s+обслуживания|высшего\s+образования|"
    r"дополнительного\s+образования|высшего\s+профессионального\s+образования))?"
)
_LEGAL_LONG_RE = re.compile(
    r"\b(?:" + "|".join([re.escape(f) for f in _COMMERCIAL_LONG] + [_PUBLIC_LONG]) + r")\b"
)
_LEGAL_SHORT = frozenset(
    "ооо оао зао пао ао нао ип пбоюл нко ано анко фку фгку тоо гк тд llc ltd inc jsc gmbh".split()  # noqa: SIM905
)
# Public bodies' abbreviations: ГБУ, ГБУЗ, ГАУЗ, МБОУ, МБДОУ, МАДОУ, МКУ, ГБПОУ, ФГБОУ, ФГУП, МУП,
# КГБУЗ, ОГБУЗ …
_PUBLIC_SHORT = re.compile(r"(?:ф|к|о|кг|ог|фг)?(?:г|м)(?:б|а|к|у)?(?:у|уз|ук|оу|доу|поу|дод|удо|п)")
# Region marks that follow a public body's abbreviation: ГАУЗ СО (Свердловской области), ГБУЗ МО.
_REGION_MARKS = frozenset("со мо ло рт рб ро но во ко то нсо".split())  # noqa: SIM905


def _legal_form(word: str) -> bool:
    return word in _LEGAL_SHORT or _PUBLIC_SHORT.fullmatch(word) is not None


# Kinds of organisation that boards spell out or abbreviate: the long form becomes the short one.
_ABBREVIATIONS = {
    "строительная компания": "ск",
    "страховая компания": "ск",
    "транспортная компания": "тк",
    "управляющая компания": "ук",
    "российские железные дороги": "ржд",
    "частное охранное предприятие": "чоп",
    "частная охранная организация": "чоо",
    "средняя общеобразовательная школа": "сош",
    "городская клиническая больница": "гкб",
    "центральная районная больница": "црб",
}
_ABBREVIATIONS_RE = re.compile(r"\b(?:" + "|".join(_ABBREVIATIONS) + r")\b")


def _plain(text: str | None) -> str:
    return (text or "").lower().replace("ё", "е")


def _squash(text: str) -> str:
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


@lru_cache(maxsize=1 << 16)
def normalise_employer(name: str | None, *, abbreviate: bool = True) -> str:
    """An employer's name without case, ё, quotes, legal form and punctuation, kinds of
    organisation abbreviated (``abbreviate``: «Строительная компания» is "ск").

    «ООО "Ромашка"», "Ромашка, ООО" and «Общество с ограниченной ответственностью «Ромашка»»
    are all ``"ромашка"``.
    """
    text = _QUOTES.sub(" ", _plain(name))
    text = _LEGAL_LONG_RE.sub(" ", text)
    if abbreviate:
        text = _ABBREVIATIONS_RE.sub(lambda m: _ABBREVIATIONS[m.group(0)], text)
    words: list[str] = []
    after_form = False
    for word in _squash(text).split():
        if _legal_form(word) or (after_form and word in _REGION_MARKS):
            after_form = True
            continue
        after_form = False
        words.append(word)
    return " ".join(words)


_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")
_GENDER = re.compile(r"(?<!\w)(?:м\s*/\s*ж|ж\s*/\s*м|m\s*/\s*f|f\s*/\s*m)(?!\w)")
_TITLE_NOISE = frozenset(
    [
        "вакансия",
        "требуется",
        "требуются",
        "срочно",
        "срочная",
        "нужен",
        "нужна",
        "ищем",
        "приглашаем",
        "работа",
        "г",
        "гор",
        "город",
        "в",
        "во",
        "на",
        "по",
        "и",
        "с",
        "со",
        "для",
        "от",
        "из",
        "к",
        "у",
        "без",
    ]
)
# Words that make two titles different jobs even when the rest is the same (Бухгалтер vs
# Главный бухгалтер): compared as stems.
_QUALIFIERS = frozenset(
    [
        "главн",
        "ведущ",
        "старш",
        "младш",
        "заместител",
        "зам",
        "помощник",
        "ассистент",
        "руководител",
        "начальник",
        "директор",
        "заведующ",
        "стажер",
        "ученик",
        "практикант",
        "senior",
        "junior",
        "middle",
        "lead",
        "head",
        "chief",
        "intern",
        "trainee",
    ]
)
_ENDINGS = sorted(
    [
        "ами",
        "ями",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
        "ов",
        "ев",
        "ей",
        "ам",
        "ям",
        "ах",
        "ях",
        "ом",
        "ем",
        "ой",
        "ий",
        "ый",
        "ая",
        "яя",
        "ое",
        "ее",
        "ые",
        "ие",
        "ую",
        "юю",
        "а",
        "я",
        "ы",
        "и",
        "у",
        "ю",
        "е",
        "о",
        "ь",
    ],
    key=len,
    reverse=True,
)


# Spoken and feminine forms of a few common titles, as the official name's words.
_SYNONYMS = {
    "медсестра": "медицинская сестра",
    "медбрат": "медицинский брат",
    "уборщица": "уборщик",
    "продавщица": "продавец",
    "официантка": "официант",
    "санитарка": "санитар",
    "кассирша": "кассир",
}


@lru_cache(maxsize=1 << 16)
def normalise_title(title: str | None) -> str:
    """A vacancy's title without case, ё, remarks in brackets, gender marks, punctuation and
    noise words ("Требуется", "срочно", prepositions)."""
    text = _plain(title)
    previous = None
    while previous != text:  # nested brackets go from the inside out
        previous, text = text, _BRACKETS.sub(" ", text)
    text = _GENDER.sub(" ", text)
    words = [w for w in _squash(text).split() if w not in _TITLE_NOISE]
    return " ".join(words)


def stem(word: str) -> str:
    """A crude Russian stem: the word without one common inflexion, at least four letters kept."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _same_stem(a: str, b: str) -> bool:
    if a == b:
        return True
    shorter = min(len(a), len(b))
    prefix = len(_common_prefix(a, b))
    return shorter >= 5 and prefix >= max(5, shorter - 1)  # продавец / продавца (a fleeting vowel)


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


@lru_cache(maxsize=1 << 16)
def _qualifiers(title: str | None) -> frozenset[str]:
    """The rank words of a title, remarks in brackets included ("Разработчик (Senior)")."""
    words = _squash(_plain(title)).split()
    return frozenset(q for w in words for q in _QUALIFIERS if w.startswith(q))


@lru_cache(maxsize=1 << 16)
def _words(title: str | None, *, remarks: bool = False) -> tuple[str, ...]:
    """The title's word stems, each once; ``remarks`` keeps the words in brackets."""
    text = _plain(title).replace("(", " ").replace(")", " ") if remarks else title
    words = normalise_title(text).split()
    return tuple(dict.fromkeys(stem(x) for w in words for x in _SYNONYMS.get(w, w).split()))


def _same_word(a: str, b: str) -> bool:
    return _same_stem(a, b) or (
        min(len(a), len(b)) >= 6 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.85
    )


def _overlap(ls: tuple[str, ...], rs: tuple[str, ...]) -> float:
    """The share of matching words among both lists' words; a tenth more when one list holds
    the other ("Водитель" and "Водитель автомобиля")."""
    if not ls or not rs:
        return 0.0
    unmatched = list(rs)
    matched = 0
    for word in ls:
        hit = next((other for other in unmatched if _same_word(word, other)), None)
        if hit is not None:
            unmatched.remove(hit)
            matched += 1
    share = matched / (len(ls) + len(rs) - matched)
    return min(1.0, share + 0.1) if matched == min(len(ls), len(rs)) else share


def title_similarity(a: str | None, b: str | None) -> float:
    """0 … 1: how alike two titles are once normalised (1: equal).

    0 when one has a rank the other has not ("главный", "старший", "заместитель", …) or they name
    different numbers (разряд, категория). Otherwise the share of matching words (stems, or
    nearly equal spellings) among the words of both, with or without the remarks in brackets,
    whichever is larger: "Повар горячего цеха" and "Повар холодного цеха" share two of four.
    """
    left, right = normalise_title(a), normalise_title(b)
    if not left or not right or _qualifiers(a) != _qualifiers(b):
        return 0.0
    if left == right:
        return 1.0
    ls, rs = _words(a), _words(b)
    ld, rd = {w for w in ls if w.isdigit()}, {w for w in rs if w.isdigit()}
    if ld and rd and ld != rd:
        return 0.0
    return max(_overlap(ls, rs), _overlap(_words(a, remarks=True), _words(b, remarks=True)))


def employer_similarity(a: str | None, b: str | None) -> float:
    """0 … 1: how alike two employer names are once normalised (spaces ignored); 0 when they
    hold different numbers."""
    left, right = normalise_employer(a), normalise_employer(b)
    if not left or not right:
        return 0.0
    if sorted(left.split()) == sorted(right.split()):  # "Уют, кафе" is "Кафе «Уют»"
        return 1.0
    left, right = left.replace(" ", ""), right.replace(" ", "")
    if left == right:
        return 1.0
    if _DIGITS.findall(left) != _DIGITS.findall(right):  # Детский сад № 12 is not № 15
        return 0.0
    return difflib.SequenceMatcher(None, left, right).ratio()


def _range(low: int | None, high: int | None) -> tuple[int, int] | None:
    low, high = low or None, high or None
    if low is None and high is None:
        return None
    low, high = low or high, high or low
    assert low is not None and high is not None
    return min(low, high), max(low, high)


def salaries_compatible(
    a: tuple[int | None, int | None], b: tuple[int | None, int | None], slack: float = SALARY_SLACK
) -> bool | None:
    """Whether two monthly rouble ranges ``(from, to)`` can be one job's: they overlap once each
    is widened by ``slack``. None when either is not given (nothing to compare); a one-ended
    range ("от 50 000") is taken as that one figure."""
    left, right = _range(*a), _range(*b)
    if left is None or right is None:
        return None
    return left[0] <= right[1] * slack and right[0] <= left[1] * slack


def _salaries_equal(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> bool:
    left, right = _range(*a), _range(*b)
    if left is None or right is None:
        return False
    return all(abs(x - y) <= 0.05 * max(x, y) for x, y in zip(left, right, strict=True))


# -- the decision -----------------------------------------------------------------------------------


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
    bonus = 0.15 if _salaries_equal(a.salary, b.salary) else 0.0
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


# -- in PostgreSQL ----------------------------------------------------------------------------------

_FIELDS = [vacancies.c[name] for name in Candidate.__dataclass_fields__]
_LOCK = literal(0x6A68_6475)  # 'jhdu': with the schema's name, the advisory lock regroups take


_PARENTS: dict[Any, dict[str, str]] = {}


def _parents(conn: Connection) -> dict[str, str]:
    """hh.ru's areas tree as ``{area: parent}`` (the built-in main cities when it is not cached);
    parsed once per version of the cached tree."""
    areas = dictionaries.c.name == "areas"
    fetched = conn.execute(select(dictionaries.c.fetched_at).where(areas)).scalar()
    if fetched not in _PARENTS:
        tree = conn.execute(select(dictionaries.c.payload).where(areas)).scalar()
        _PARENTS.clear()
        _PARENTS[fetched] = _area_parents(tree)
    return _PARENTS[fetched]


def _area_parents(tree: Any) -> dict[str, str]:
    parents = dict(MAIN_CITIES)

    def walk(nodes: Iterable[Mapping[str, Any]], parent: str | None) -> None:
        for node in nodes:
            if parent is not None:
                parents[str(node.get("id"))] = parent
            walk(node.get("areas") or (), str(node.get("id")))

    walk(tree if isinstance(tree, list) else (), None)
    return parents


def search_keys(employer_name: str | None) -> list[str]:
    """What :func:`regroup` looks an employer up by in the trigram index: the normalised name with
    and without abbreviations ("ск восток" and "строительная компания восток")."""
    short, full = normalise_employer(employer_name), normalise_employer(employer_name, abbreviate=False)
    return list(dict.fromkeys(key for key in (short, full) if key))


def _candidate_pairs() -> Any:
    """``(probe, candidate)`` ids: other boards' vacancies published within MAX_DAYS of the probe,
    with a compatible salary (or none) and a title of similar trigrams, whose employer has the
    probe's INN or whose name holds one of the probe's :func:`search_keys` (``<%``: pg_trgm word
    similarity, served by the trigram index on employer_name)."""
    given = (
        func.unnest(
            bindparam("ids", type_=ARRAY(BigInteger)),
            bindparam("cores", type_=ARRAY(Text)),
            bindparam("inns", type_=ARRAY(Text)),
        )
        .table_valued("id", "core", "inn")
        .render_derived(name="p")
    )
    n, c = vacancies.alias("n"), vacancies.alias("c")
    days = timedelta(days=MAX_DAYS)

    def salary(t: Any) -> tuple[Any, Any]:
        low = func.coalesce(t.c.salary_from_rub, t.c.salary_to_rub)
        high = func.coalesce(t.c.salary_to_rub, t.c.salary_from_rub)
        return func.least(low, high), func.greatest(low, high)

    def near(other: Any) -> list[Any]:
        (cl, ch), (nl, nh) = salary(other), salary(n)
        return [
            other.c.source != n.c.source,
            other.c.published_at.between(n.c.published_at - days, n.c.published_at + days),
            func.coalesce(and_(cl <= nh * SALARY_SLACK, nl <= ch * SALARY_SLACK), true()),
            # titles alike; the function, not the operator %: the employer's index must lead,
            # a title index would return every "Продавец-кассир" of the fortnight
            func.similarity(other.c.name, n.c.name) >= TITLE_TRIGRAMS,
        ]

    by_name = select(c.c.id).where(given.c.core.op("<%")(c.c.employer_name), *near(c)).lateral("by_name")
    named = select(given.c.id.label("probe"), by_name.c.id.label("candidate")).select_from(
        given.join(n, n.c.id == given.c.id).join(by_name, true())
    )
    c2 = vacancies.alias("c2")
    inn = select(given.c.id, c2.c.id).select_from(
        given.join(n, n.c.id == given.c.id).join(c2, and_(c2.c.employer_inn == given.c.inn, *near(c2)))
    )
    return union(named, inn)


_PAIRS = _candidate_pairs()


def _rows(conn: Connection, where: Any) -> list[Any]:
    return list(conn.execute(select(*_FIELDS, vacancies.c.group_id).where(where)))


def _unprepared(conn: Connection, statement: Any, params: dict[str, Any]) -> list[Any]:
    """Run ``statement`` with a plan made for these parameters, never psycopg's prepared one.

    psycopg prepares a statement run five times and PostgreSQL then settles on a generic plan,
    which for the candidate lookup (arrays of unknown length, trigram searches) was four times
    slower than the plan for the values at hand. The same as ``etl.load._unprepared``, which
    ``domain`` may not import.
    """
    driver = conn.connection.driver_connection
    threshold = getattr(driver, "prepare_threshold", None)
    if driver is not None:
        driver.prepare_threshold = None
    try:
        return list(conn.execute(statement, params))
    finally:
        if driver is not None:
            driver.prepare_threshold = threshold


def regroup(conn: Connection, vacancy_ids: Iterable[int]) -> int:
    """Place the given vacancies (just loaded by a harvest) in their duplicate groups; returns how
    many vacancies changed group.

    In the caller's transaction, which it holds an advisory lock of the schema for (two boards'
    harvests must not build groups from each other's half-written state). Idempotent: the same
    ids again change nothing. Groups are changed only where a given vacancy joins or leaves.
    """
    ids = sorted(set(vacancy_ids))
    if not ids:
        return 0
    schema = (conn.get_execution_options().get("schema_translate_map") or {}).get(SCHEMA, SCHEMA)
    conn.execute(select(func.pg_advisory_xact_lock(_LOCK, func.hashtext(schema))))
    parents = _parents(conn)
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += _regroup_batch(conn, ids[start : start + BATCH], parents)
    return changed


def _regroup_batch(conn: Connection, ids: list[int], parents: Parents) -> int:
    probes = _rows(conn, vacancies.c.id.in_(ids))
    if not probes:
        return 0
    keys = [(r, key) for r in probes for key in search_keys(r.employer_name) or [None]]
    params = {
        "ids": [r.id for r, _ in keys],
        "cores": [key for _, key in keys],
        "inns": [r.employer_inn for r, _ in keys],
    }
    neighbours: dict[int, set[int]] = {}
    for probe, candidate in _unprepared(conn, _PAIRS, params):
        neighbours.setdefault(probe, set()).add(candidate)
    found = {c for cs in neighbours.values() for c in cs}
    known = {r.id: r for r in probes}
    extra = found - known.keys()
    if extra:
        known |= {r.id: r for r in _rows(conn, vacancies.c.id.in_(extra))}
    group_ids = {r.group_id for r in known.values() if r.group_id is not None}
    if group_ids:  # every member of a group touched, to keep one board per group
        known |= {r.id: r for r in _rows(conn, vacancies.c.group_id.in_(group_ids))}
    mates: dict[int, set[int]] = {}
    for r in known.values():
        if r.group_id is not None:
            mates.setdefault(r.group_id, set()).add(r.id)
    for r in probes:  # a probe's group mates are its neighbours too
        if r.group_id is not None:
            neighbours.setdefault(r.id, set()).update(mates[r.group_id])
    placed = assign(
        [Candidate.of(r._mapping) for r in known.values()],
        [r.id for r in probes],
        groups={r.id: r.group_id for r in known.values()},
        neighbours=neighbours,
        parents=parents,
    )
    moved = {rid: gid for rid, gid in placed.items() if known[rid].group_id != gid}
    if not moved:
        return 0
    target = (
        func.unnest(bindparam("mids", type_=ARRAY(BigInteger)), bindparam("gids", type_=ARRAY(BigInteger)))
        .table_valued("id", "group_id")
        .render_derived(name="m")
    )
    stmt = (
        update(vacancies)
        .where(vacancies.c.id == target.c.id)
        .where(vacancies.c.group_id.is_distinct_from(target.c.group_id))
        .values(group_id=target.c.group_id)
    )
    written = _unprepared(
        conn, stmt.returning(vacancies.c.id), {"mids": list(moved), "gids": list(moved.values())}
    )
    return len(written)


# -- a user's view ----------------------------------------------------------------------------------


def _authorise(conn: Connection, user_id: int, vacancy_id: int) -> None:
    linked = conn.execute(
        select(user_vacancies.c.vacancy_id).where(
            user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == vacancy_id
        )
    ).first()
    if linked is None:
        raise UserInputError(
            f"vacancy {vacancy_id} is not among your vacancies", code="vacancy_not_found", id=vacancy_id
        )


def split(conn: Connection, user_id: int, vacancy_id: int) -> bool:
    """Take a vacancy out of its group for this user (it shows as a row of its own); True when
    it was not split before. Only a vacancy the user's searches found (``UserInputError``
    otherwise)."""
    _authorise(conn, user_id, vacancy_id)
    stmt = insert(group_splits).values(user_id=user_id, vacancy_id=vacancy_id).on_conflict_do_nothing()
    return conn.execute(stmt.returning(group_splits.c.vacancy_id)).first() is not None


def unsplit(conn: Connection, user_id: int, vacancy_id: int) -> bool:
    """Put a vacancy back in its group for this user; True when it was split. Authorised as
    :func:`split`."""
    _authorise(conn, user_id, vacancy_id)
    stmt = delete(group_splits).where(
        group_splits.c.user_id == user_id, group_splits.c.vacancy_id == vacancy_id
    )
    return conn.execute(stmt.returning(group_splits.c.vacancy_id)).first() is not None


@dataclass(frozen=True)
class Member:
    """Another board's copy of a vacancy, for an "also on …" link."""

    id: int
    source: str
    url: str
    name: str
    employer_name: str | None


def group_members(conn: Connection, user_id: int, vacancy_id: int) -> list[Member]:
    """The other members of the vacancy's group that this user has not split off, by id.

    Empty when the vacancy is alone, split off by this user, or not among the user's vacancies
    (``t08_jh_user_vacancies``): nobody learns about a vacancy through another's links.
    """
    return group_members_of(conn, user_id, [vacancy_id]).get(vacancy_id, [])


def group_members_of(conn: Connection, user_id: int, vacancy_ids: Iterable[int]) -> dict[int, list[Member]]:
    """:func:`group_members` of many vacancies in one query (a page of the grid):
    ``{vacancy id: its other members}``, only for the vacancies that have some."""
    ids = sorted(set(vacancy_ids))
    if not ids:
        return {}
    split_off = select(group_splits.c.vacancy_id).where(group_splits.c.user_id == user_id)
    own, other = vacancies.alias("own"), vacancies.alias("other")
    mine = and_(user_vacancies.c.vacancy_id == own.c.id, user_vacancies.c.user_id == user_id)
    query = (
        select(own.c.id.label("of"), *(other.c[f] for f in Member.__dataclass_fields__))
        .select_from(
            own.join(user_vacancies, mine).join(
                other, and_(other.c.group_id == own.c.group_id, other.c.id != own.c.id)
            )
        )
        .where(own.c.id.in_(ids), own.c.id.not_in(split_off), other.c.id.not_in(split_off))
        .order_by(own.c.id, other.c.id)
    )
    members: dict[int, list[Member]] = {}
    for row in conn.execute(query):
        values = row._mapping
        members.setdefault(values["of"], []).append(
            Member(**{f: values[f] for f in Member.__dataclass_fields__})
        )
    return members
