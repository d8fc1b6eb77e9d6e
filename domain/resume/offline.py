"""The offline provider: a deterministic template that selects and orders the profile's own content
by relevance to the vacancy (key skills first, then technologies named in the description, then
words shared with the title). It copies the profile's words, so it always passes the
truthfulness check; the same profile and vacancy always give the same documents.
"""

from __future__ import annotations

import re
from typing import Any

from domain.resume.model import (
    GenEducation,
    Generated,
    GenExperience,
    GenLanguage,
    GenLetter,
    GenResume,
    Profile,
    Vacancy,
    date_sort_key,
    format_period,
)
from domain.skills import TermFinder, canonical, default_finder

NAME = "offline"
MAX_SKILLS = 25
MAX_JOBS = 8
MAX_BULLETS = 6
_WORD = re.compile(r"[a-zа-яё0-9+#]{4,}", re.IGNORECASE)


def quoted(name: str, lang: str) -> str:
    """A name in quotes, unless it carries its own (ООО «Ромашка»)."""
    if any(mark in name for mark in '«»"“”'):
        return name
    return f"“{name}”" if lang == "en" else f"«{name}»"


def _lowered(word: str) -> str:
    """A capitalised ordinary word in lower case; a technology, name or abbreviation as it is."""
    head = re.split(r"[-–/]", word)[0]
    if not head[:1].isupper() or any(c.isupper() for c in head[1:]) or default_finder().find(head):
        return word
    return word[:1].lower() + word[1:]


def in_sentence(text: str) -> str:
    """``text`` to follow other words of a sentence ("должность — ведущий Python-разработчик", "as
    senior Python developer"): the first word lower-cased unless it is a technology, a name or an
    abbreviation ("Python-разработчик", "QA", "iOS"); a title in Title Case ("Team Lead") loses
    its capitals word by word, by the same rule."""
    words = text.split(" ")
    if not words or not words[0]:
        return text
    title_case = len(words) > 1 and all(w[:1].isupper() for w in words if w)
    return " ".join(_lowered(w) if i == 0 or title_case else w for i, w in enumerate(words))


def _stems(text: str) -> set[str]:
    return {w.casefold().replace("ё", "е")[:5] for w in _WORD.findall(text or "")}


class _Relevance:
    def __init__(self, profile: Profile, vacancy: Vacancy) -> None:
        finder = TermFinder([*vacancy.key_skills, *profile.skills])
        self.finder = finder
        self.key_skills = {canonical(s) for s in vacancy.key_skills}
        self.described = finder.keys(f"{vacancy.name}\n{vacancy.description}")
        self.title_stems = _stems(vacancy.name)
        self.text_stems = _stems(vacancy.description)

    def of_skill(self, skill: str) -> int:
        key = canonical(skill)
        return 2 if key in self.key_skills else 1 if key in self.described else 0

    def of_text(self, text: str) -> float:
        keys = self.finder.keys(text)
        score = 2.0 * len(keys & self.key_skills) + 1.0 * len(keys & (self.described - self.key_skills))
        stems = _stems(text)
        return score + 0.5 * len(stems & self.title_stems) + 0.1 * len(stems & self.text_stems)


def _by_score(items: list[Any], score: Any) -> list[Any]:
    """Highest score first; ties keep the profile's order."""
    return [
        item for _, _, item in sorted(((-score(x), i, x) for i, x in enumerate(items)), key=lambda t: t[:2])
    ]


def headline(profile: Profile, vacancy: Vacancy) -> str:
    options = [h for h in (profile.headline, *(j.role for j in profile.experience)) if h]
    if not options:
        return ""
    title = _stems(vacancy.name)
    return _by_score(options, lambda h: len(_stems(h) & title))[0]


def cover_letter(profile: Profile, vacancy: Vacancy, lang: str) -> dict[str, Any]:
    """The template letter: only the vacancy's title and employer and the profile's own facts."""
    relevance = _Relevance(profile, vacancy)
    matched = [s for s in _by_score(profile.skills, relevance.of_skill) if relevance.of_skill(s) == 2][:6]
    jobs = sorted(
        profile.experience, key=lambda j: (date_sort_key(j.end), date_sort_key(j.start)), reverse=True
    )
    en = lang == "en"
    paragraphs = []
    employer = vacancy.employer
    if en:
        paragraphs.append(
            f"I am writing about the {quoted(vacancy.name, lang)} position"
            + (f" at {employer}." if employer else ".")
        )
    else:
        paragraphs.append(
            f"Меня заинтересовала вакансия {quoted(vacancy.name, lang)}"
            + (f" в компании {quoted(employer, lang)}." if employer else ".")
        )
    if matched:
        skills = ", ".join(matched)
        paragraphs.append(
            f"What you are looking for that my experience covers: {skills}."
            if en
            else f"Из того, что вы ищете, в моём опыте есть: {skills}."
        )
    elif profile.headline:
        paragraphs.append(
            f"My field: {profile.headline}." if en else f"Моя специализация — {profile.headline}."
        )
    if jobs:
        job = jobs[0]
        period = format_period(job.start, job.end, lang)
        when = f" ({period})" if period else ""
        if en:
            verb = "Currently I work" if not job.end else "Most recently I worked"
            text = f"{verb} at {quoted(job.employer, lang)} as {in_sentence(job.role)}{when}."
        else:
            place = "Текущее" if not job.end else "Последнее"
            role = in_sentence(job.role)
            text = f"{place} место работы — {quoted(job.employer, lang)}, должность — {role}{when}."
        best = _by_score(list(job.bullets), relevance.of_text)[:1]
        if best:
            bullet = best[0].rstrip(" .;")
            text += f" {'For example' if en else 'Например'}: {in_sentence(bullet)}."
        paragraphs.append(text)
    paragraphs.append(
        "I would be glad to tell you more about my experience in an interview."
        if en
        else "С удовольствием расскажу подробнее о своём опыте на собеседовании."
    )
    return {
        "greeting": "Hello," if en else "Здравствуйте!",
        "paragraphs": paragraphs,
        "closing": "Kind regards," if en else "С уважением,",
    }


class OfflineProvider:
    """Deterministic documents from the profile alone (no network)."""

    name = NAME
    model: str | None = None

    def generate(self, profile: Profile, vacancy: Vacancy, lang: str) -> Generated:
        relevance = _Relevance(profile, vacancy)
        skills = _by_score(profile.skills, relevance.of_skill)[:MAX_SKILLS]
        jobs = sorted(
            profile.experience, key=lambda j: (date_sort_key(j.end), date_sort_key(j.start)), reverse=True
        )[:MAX_JOBS]
        experience = [
            GenExperience(
                employer=job.employer,
                role=job.role,
                start=job.start,
                end=job.end,
                bullets=_by_score(list(job.bullets), relevance.of_text)[:MAX_BULLETS],
            )
            for job in jobs
        ]
        letter = cover_letter(profile, vacancy, lang)
        return Generated(
            resume=GenResume(
                headline=headline(profile, vacancy),
                summary=profile.summary,
                skills=skills,
                experience=experience,
                education=[GenEducation(**s.model_dump()) for s in profile.education],
                languages=[GenLanguage(**x.model_dump()) for x in profile.languages],
            ),
            cover_letter=GenLetter(**letter),
        )
