"""The master resume (:class:`Profile`), a vacancy as generation sees it, and the structured answer
a provider returns (:class:`Generated`).

Dates are kept as ``YYYY-MM`` or ``YYYY``; an empty end date means "till now". Everything a user
types is cleaned (control characters dropped, spacing collapsed) and bounded before it is stored.
Validation errors carry their own types (``jh_date``, ``jh_email``...) so the page can say in
Russian or English what to fix (:func:`describe_errors`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from domain.resume import texts
from domain.skills import canonical

# -- cleaning --------------------------------------------------------------------------------------

_BULLET_MARK = re.compile(r"^\s*(?:[-–—•·*▪●◦‣⁃]|\d{1,2}[.)])\s+")
_LIST_SPLIT = re.compile(r"[\n;•·▪●]+|,(?!\d)")


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        else:
            raise PydanticCustomError("jh_text", "must be text")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def clean_line(value: Any) -> str:
    """One line: control characters dropped, whitespace collapsed."""
    return " ".join(_plain(value).split())


def clean_text(value: Any) -> str:
    """Several paragraphs: lines trimmed, at most one empty line between paragraphs."""
    lines = [" ".join(line.split()) for line in _plain(value).replace("\r", "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def split_lines(value: Any) -> list[Any]:
    """A list, or text with one item a line (bullet marks stripped); empty items dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [_BULLET_MARK.sub("", line) for line in value.replace("\r", "").split("\n")]
    if not isinstance(value, list | tuple):
        raise PydanticCustomError("jh_list", "must be a list")
    return [item for item in value if not (isinstance(item, str) and not item.strip()) and item is not None]


def split_skills(value: Any) -> list[Any]:
    """Skills as a list, or as text separated by commas, semicolons, bullets or new lines."""
    if isinstance(value, str):
        value = [_BULLET_MARK.sub("", part) for part in _LIST_SPLIT.split(value)]
    return split_lines(value)


# -- dates -----------------------------------------------------------------------------------------

_MONTHS = (
    ("янв", "jan"), ("фев", "feb"), ("мар", "mar"), ("апр", "apr"), ("ма", "may"), ("июн", "jun"),
    ("июл", "jul"), ("авг", "aug"), ("сен", "sep"), ("окт", "oct"), ("ноя", "nov"), ("дек", "dec"),
)  # fmt: skip
_PRESENT = re.compile(
    r"^(по\s*)?(настоящ\w*(\s*врем\w*)?|наст\.?\s*вр\.?\w*|н\.?\s*в\.?|сейчас|сегодня|по\s*сей\s*день|"
    r"present|now|current(ly)?|today|till\s*now|until\s*now|ongoing)$",
    re.IGNORECASE,
)
_DATE_FORMS = (
    (re.compile(r"^(\d{1,2})[./-](\d{4})$"), lambda m: (int(m[2]), int(m[1]))),
    (re.compile(r"^(\d{4})[./-](\d{1,2})$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^\d{1,2}[./](\d{1,2})[./](\d{4})$"), lambda m: (int(m[2]), int(m[1]))),
    (re.compile(r"^(\d{4})-(\d{1,2})-\d{1,2}$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^(\d{4})(?:\s*г(?:\.|од)?)?$"), lambda m: (int(m[1]), 0)),
)
_WORD_DATE = re.compile(r"^([a-zа-яё]+)\.?,?\s+(\d{4})(?:\s*г(?:\.|од)?)?$", re.IGNORECASE)


def is_present(value: str) -> bool:
    return bool(_PRESENT.match(" ".join(value.split())))


def month_number(word: str) -> int | None:
    word = word.casefold().replace("ё", "е")
    for number, (ru, en) in enumerate(_MONTHS, start=1):
        if ru == "ма":
            if word in ("май", "мая", "мае", "маю"):
                return number
            continue
        if word.startswith(ru) or word.startswith(en):
            return number
    return None


def parse_date(value: Any, *, end: bool = False) -> str:
    """``YYYY-MM`` or ``YYYY``; "" for an empty value (and, as an end date, for "till now")."""
    text = clean_line(value)
    if not text:
        return ""
    if is_present(text):
        if end:
            return ""
        raise PydanticCustomError("jh_date_present", "a start date cannot be 'till now'")
    year = month = None
    for pattern, pick in _DATE_FORMS:
        match = pattern.match(text)
        if match:
            year, month = pick(match)
            break
    else:
        match = _WORD_DATE.match(text)
        if match and (number := month_number(match[1])) is not None:
            year, month = int(match[2]), number
    if year is None or month is None or not (1900 <= year <= 2100) or not (0 <= month <= 12):
        raise PydanticCustomError("jh_date", "not a date: {value}", {"value": text[:40]})
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def date_sort_key(value: str) -> tuple[int, int]:
    """For ordering: "" (till now) sorts last."""
    if not value:
        return (9999, 12)
    year, _, month = value.partition("-")
    return (int(year), int(month or 0))


def format_date(value: str, lang: str, *, end: bool = False) -> str:
    if not value:
        return texts.tr("date.present", lang) if end else ""
    year, _, month = value.partition("-")
    return f"{month}.{year}" if month else year


def format_period(start: str, end: str, lang: str) -> str:
    if not start and not end:
        return ""
    if not start:
        return texts.tr("date.until", lang, date=format_date(end, lang, end=True))
    return f"{format_date(start, lang)} — {format_date(end, lang, end=True)}"


def years_between(start: str, end: str, today: date) -> float | None:
    if not start:
        return None
    y1, m1 = date_sort_key(start)
    y2, m2 = (today.year, today.month) if not end else date_sort_key(end)
    return ((y2 * 12 + (m2 or 1)) - (y1 * 12 + (m1 or 1))) / 12


# -- field types -----------------------------------------------------------------------------------


def _start_date(value: Any) -> str:
    return parse_date(value)


def _end_date(value: Any) -> str:
    return parse_date(value, end=True)


_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,24}$")
_URL = re.compile(r"^(https?://)?([\w-]+\.)+[\w-]{2,}(/\S*)?$|^@\w{3,}$|^t\.me/\S+$", re.IGNORECASE)


def _email(value: Any) -> str:
    text = clean_line(value)
    if text and not _EMAIL.match(text):
        raise PydanticCustomError("jh_email", "not an e-mail address: {value}", {"value": text[:60]})
    return text


def _link(value: Any) -> str:
    text = clean_line(value)
    if text and not _URL.match(text):
        raise PydanticCustomError("jh_link", "not a link: {value}", {"value": text[:60]})
    return text


def _phone(value: Any) -> str:
    text = clean_line(value)
    if text and not re.fullmatch(r"[+\d][\d\s()\-.]{5,24}\d", text):
        raise PydanticCustomError("jh_phone", "not a phone number: {value}", {"value": text[:40]})
    return text


Line = Annotated[str, BeforeValidator(clean_line)]
Text = Annotated[str, BeforeValidator(clean_text)]


Line60 = Annotated[str, BeforeValidator(clean_line), Field(max_length=60)]
Line80 = Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=80)]
Line120 = Annotated[str, BeforeValidator(clean_line), Field(max_length=120)]
Line150 = Annotated[str, BeforeValidator(clean_line), Field(max_length=150)]
Line300 = Annotated[str, BeforeValidator(clean_line), Field(max_length=300)]
Required60 = Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=60)]
Required200 = Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=200)]
Required300 = Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=300)]
Bullet = Annotated[str, BeforeValidator(clean_line), Field(min_length=1, max_length=600)]
StartDate = Annotated[str, BeforeValidator(_start_date)]
EndDate = Annotated[str, BeforeValidator(_end_date)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


# -- the master resume -----------------------------------------------------------------------------


class Contacts(_Model):
    email: Annotated[str, BeforeValidator(_email)] = ""
    phone: Annotated[str, BeforeValidator(_phone)] = ""
    location: Line120 = ""
    links: Annotated[
        list[Annotated[str, BeforeValidator(_link), Field(max_length=200)]],
        BeforeValidator(split_lines),
        Field(max_length=8),
    ] = []


class Experience(_Model):
    employer: Required200
    role: Required200
    start: StartDate = ""
    end: EndDate = ""
    bullets: Annotated[list[Bullet], BeforeValidator(split_lines), Field(max_length=20)] = []

    @model_validator(mode="after")
    def _period(self) -> Experience:
        if self.start and self.end and date_sort_key(self.end) < date_sort_key(self.start):
            raise PydanticCustomError("jh_period", "the end is before the start")
        return self


class Education(_Model):
    institution: Required300
    degree: Line300 = ""
    year: EndDate = ""


class Language(_Model):
    name: Required60
    level: Line60 = ""


_LANGUAGE_SPLIT = re.compile(r"\s+[—–-]\s+|\s*[:(]\s*|\s*,\s+")


def split_languages(value: Any) -> list[Any]:
    """Languages as a list of {name, level}, or text with one "Английский — B2" a line."""
    items = split_lines(value)
    result: list[Any] = []
    for item in items:
        if isinstance(item, str):
            name, *rest = _LANGUAGE_SPLIT.split(item.strip().rstrip(")"), maxsplit=1)
            result.append({"name": name, "level": rest[0] if rest else ""})
        else:
            result.append(item)
    return result


def _unique_skills(values: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for value in values:
        key = canonical(value)
        if key and key not in seen:
            seen.add(key)
            result.append(value)
    return result


#: hh.ru's work formats, the vocabulary every board is mapped onto (``etl.sources.vocab``).
WORK_FORMATS = ("ON_SITE", "REMOTE", "HYBRID", "FIELD_WORK")


def _work_formats(value: Any) -> list[str]:
    items = split_skills(value) if isinstance(value, str) else split_lines(value)
    result: list[str] = []
    for item in items:
        code = clean_line(item).upper().replace("-", "_").replace(" ", "_")
        if code not in WORK_FORMATS:
            raise PydanticCustomError("jh_format", "not a work format: {value}", {"value": str(item)[:40]})
        if code not in result:
            result.append(code)
    return result


def _salary(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    digits = re.sub(r"[\s\u00a0\u202f]", "", str(value)) if isinstance(value, str) else value
    try:
        amount = int(digits)
    except (TypeError, ValueError):
        raise PydanticCustomError("jh_salary", "not an amount: {value}", {"value": str(value)[:40]}) from None
    if not 1 <= amount <= 100_000_000:
        raise PydanticCustomError("jh_salary", "not an amount: {value}", {"value": str(value)[:40]})
    return amount


def _years(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        years = float(str(value).replace(",", "."))
    except ValueError:
        raise PydanticCustomError(
            "jh_years", "not a number of years: {value}", {"value": str(value)[:40]}
        ) from None
    if not 0 <= years <= 70:
        raise PydanticCustomError("jh_years", "not a number of years: {value}", {"value": str(value)[:40]})
    return round(years, 1)


def split_roles(value: Any) -> list[Any]:
    """Roles one a line (or separated by semicolons): a role may hold a comma, as hh.ru's
    «Программист, разработчик» does."""
    if isinstance(value, str):
        value = value.replace(";", "\n")
    return split_lines(value)


class Wishes(_Model):
    """What the user looks for: the match score compares each vacancy with it (``domain.matching``)."""

    roles: Annotated[list[Line120], BeforeValidator(split_roles), Field(max_length=10)] = []
    salary: Annotated[int | None, BeforeValidator(_salary)] = None
    areas: Annotated[list[Line120], BeforeValidator(split_skills), Field(max_length=20)] = []
    work_formats: Annotated[list[str], BeforeValidator(_work_formats)] = []
    years: Annotated[float | None, BeforeValidator(_years)] = None


class Profile(_Model):
    """The user's master resume: everything a tailored resume may use, and nothing else, and what
    they look for (:class:`Wishes`)."""

    name: Line120 = ""
    headline: Line150 = ""
    contacts: Contacts = Contacts()
    summary: Annotated[str, BeforeValidator(clean_text), Field(max_length=3000)] = ""
    skills: Annotated[list[Line80], BeforeValidator(split_skills), Field(max_length=100)] = []
    experience: Annotated[list[Experience], Field(max_length=30)] = []
    education: Annotated[list[Education], Field(max_length=12)] = []
    languages: Annotated[list[Language], BeforeValidator(split_languages), Field(max_length=12)] = []
    wishes: Wishes = Wishes()

    @model_validator(mode="after")
    def _dedupe(self) -> Profile:
        self.skills = _unique_skills(self.skills)
        return self

    def missing(self) -> list[str]:
        """What generation needs and the profile lacks (text keys)."""
        gaps = []
        if not self.name:
            gaps.append("profile.need_name")
        if not self.experience and not self.skills:
            gaps.append("profile.need_content")
        return gaps

    def years(self, today: date) -> float | None:
        """Years of work: as the user stated it, else the union of their jobs' periods."""
        if self.wishes.years is not None:
            return self.wishes.years
        months: set[int] = set()
        for job in self.experience:
            if not job.start:
                continue
            y1, m1 = date_sort_key(job.start)
            y2, m2 = (today.year, today.month) if not job.end else date_sort_key(job.end)
            months.update(range(y1 * 12 + (m1 or 1), y2 * 12 + (m2 or 12) + 1))
        return round(len(months) / 12, 1) if months else None

    def all_text(self) -> str:
        """Every word of the profile, for the truthfulness check's vocabulary."""
        parts = [self.name, self.headline, self.summary, *self.skills]
        for job in self.experience:
            parts += [job.employer, job.role, job.start, job.end, *job.bullets]
        for school in self.education:
            parts += [school.institution, school.degree, school.year]
        for language in self.languages:
            parts += [language.name, language.level]
        return "\n".join(p for p in parts if p)


# -- a vacancy -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vacancy:
    id: int
    name: str
    employer: str | None
    area: str | None = None
    key_skills: tuple[str, ...] = ()
    description: str = ""
    experience: str | None = None
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        """The documents' language: Russian unless the vacancy is written mostly in Latin letters."""
        text = f"{self.name} {self.description[:3000]}"
        cyrillic = len(re.findall(r"[а-яёА-ЯЁ]", text))
        latin = len(re.findall(r"[a-zA-Z]", text))
        return "en" if latin > 3 * max(cyrillic, 1) and cyrillic < 40 else "ru"


# -- what a provider answers -----------------------------------------------------------------------
# Lenient about small things (a null, a number as text, a comma-separated skill string, over-long
# text cut), strict about shape: a missing resume or letter, or a string where a list belongs, fails.


def _cut(limit: int) -> Any:
    return BeforeValidator(lambda value: clean_line(value)[:limit])


def _cut_text(limit: int) -> Any:
    return BeforeValidator(lambda value: clean_text(value)[:limit])


def _list(limit: int) -> Any:
    def check(value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise PydanticCustomError("jh_list", "must be a list")
        return [v for v in value if v not in (None, "")][:limit]

    return BeforeValidator(check)


def _skill_list(value: Any) -> Any:
    return split_skills(value)[:60] if isinstance(value, str) else value


class GenExperience(_Model):
    employer: Annotated[str, _cut(300)]
    role: Annotated[str, _cut(300)] = ""
    start: Annotated[str, _cut(40)] = ""
    end: Annotated[str, _cut(40)] = ""
    bullets: Annotated[list[Annotated[str, _cut(1000)]], _list(20)] = []


class GenEducation(_Model):
    institution: Annotated[str, _cut(300)]
    degree: Annotated[str, _cut(300)] = ""
    year: Annotated[str, _cut(40)] = ""


class GenLanguage(_Model):
    name: Annotated[str, _cut(60)]
    level: Annotated[str, _cut(60)] = ""


class GenResume(_Model):
    headline: Annotated[str, _cut(200)] = ""
    summary: Annotated[str, _cut_text(3000)] = ""
    skills: Annotated[list[Annotated[str, _cut(80)]], _list(60), BeforeValidator(_skill_list)] = []
    experience: Annotated[list[GenExperience], _list(30)] = []
    education: Annotated[list[GenEducation], _list(12)] = []
    languages: Annotated[list[GenLanguage], _list(12)] = []


def _paragraph_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part for part in re.split(r"\n\s*\n", value) if part.strip()]
    return value


class GenLetter(_Model):
    greeting: Annotated[str, _cut(200)] = ""
    paragraphs: Annotated[
        list[Annotated[str, _cut_text(2000)]], _list(8), BeforeValidator(_paragraph_list), Field(min_length=1)
    ]
    closing: Annotated[str, _cut(200)] = ""


class Generated(_Model):
    """The provider's answer: a tailored resume and a cover letter (name and contacts are ours)."""

    resume: GenResume
    cover_letter: GenLetter


# -- errors in words -------------------------------------------------------------------------------


_FIELD_KEYS = {
    "name": "field.name",
    "headline": "field.headline",
    "email": "field.email",
    "phone": "field.phone",
    "location": "field.location",
    "links": "field.links",
    "summary": "field.summary",
    "skills": "field.skills",
    "experience": "field.experience",
    "employer": "field.employer",
    "role": "field.role",
    "start": "field.start",
    "end": "field.end",
    "bullets": "field.bullets",
    "education": "field.education",
    "institution": "field.institution",
    "degree": "field.degree",
    "year": "field.year",
    "languages": "field.languages",
    "level": "field.level",
    "wishes": "field.wishes",
    "roles": "field.roles",
    "salary": "field.salary",
    "areas": "field.areas",
    "work_formats": "field.work_formats",
    "years": "field.years",
}


def _where(loc: tuple[Any, ...], lang: str) -> str:
    parts: list[str] = []
    for step in loc:
        if step == "contacts":
            continue
        if isinstance(step, int):
            if parts:
                parts[-1] += f" {'#' if lang == 'en' else '№'}{step + 1}"
            continue
        key = _FIELD_KEYS.get(str(step))
        if key:
            parts.append(texts.tr(key, lang))
    return " → ".join(parts)


def describe_errors(error: ValidationError, lang: str) -> list[str]:
    """Each problem as one sentence naming the field, e.g. «Опыт работы №2 → Начало: не дата…»."""
    messages = []
    for item in error.errors(include_url=False):
        kind = item["type"]
        ctx = item.get("ctx") or {}
        if kind.startswith("jh_"):
            message = texts.tr(f"error.{kind}", lang, **{k: v for k, v in ctx.items() if k == "value"})
        elif kind in ("string_too_long", "too_long"):
            text = kind == "string_too_long" or isinstance(item.get("input"), str)
            message = texts.tr(
                "error.string_too_long" if text else "error.too_long", lang, n=ctx.get("max_length", "?")
            )
        elif kind in ("string_too_short", "missing", "too_short"):
            message = texts.tr("error.required", lang)
        else:
            message = texts.tr("error.invalid", lang)
        where = _where(tuple(item["loc"]), lang)
        messages.append(f"{where}: {message}" if where else message)
    return messages
