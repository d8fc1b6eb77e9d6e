"""Normalisers and similarities of vacancies' employers, titles and salaries (pure Python).

What :mod:`domain.duplicates.decide` compares: employer names without legal forms, quotes and
case; titles without remarks, gender marks and noise words, as word stems; salaries in monthly
roubles.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

SALARY_SLACK = 1.25
"""Two salary ranges are compatible when they overlap once each is widened by this factor
(covers net against gross, 13 %, and rounding)."""

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


def salaries_agree(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> bool:
    """Whether two given salary ranges are the same within 5 % at each end."""
    left, right = _range(*a), _range(*b)
    if left is None or right is None:
        return False
    return all(abs(x - y) <= 0.05 * max(x, y) for x, y in zip(left, right, strict=True))
