"""The truthfulness check: deterministic, no AI. A tailored resume may select, reorder and rephrase
what the profile says, never add to it.

Rules, applied to a provider's answer (:class:`~domain.resume.model.Generated`):

* **skills** — each must be a profile skill (case, spacing and punctuation ignored; simple
  synonyms such as PostgreSQL/Postgres, see :mod:`domain.skills`) or a technology the profile's own text
  names; it is written as the profile writes it. Anything else is removed. Skills the vacancy
  asks for and the profile has are kept in front even if the answer left them out.
* **experience** — each entry must be a profile job with the same employer (quotes, legal forms
  and case ignored); each profile job is used once. Its role and dates are put back as in the
  profile when they differ. A bullet that names a technology the profile does not, or a number
  the profile does not contain (nor a duration computed from its dates), is removed.
* **education / languages** — institutions and languages must be in the profile; degree, year and
  level are put back as in the profile.
* **headline** — the profile's headline or one of its roles, else the profile's headline.
* **summary and cover letter** — sentences naming an unsupported technology or number are removed
  (the vacancy's own title and employer do not count).

Everything removed or corrected is a finding in the report (shown before download); the report
also lists the vacancy's key skills the profile has (``matched``) and lacks (``missing``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.resume import offline, texts
from domain.resume.model import (
    Generated,
    GenExperience,
    Profile,
    Vacancy,
    format_period,
    parse_date,
    years_between,
)
from domain.skills import TermFinder, canonical, name_key, numbers, sentences

_QUOTE_LIMIT = 160


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1].rstrip() + "…"


def _lenient_date(value: str, *, end: bool) -> str:
    try:
        return parse_date(value, end=end)
    except ValueError:
        return value.strip()


@dataclass
class _Support:
    """What the profile supports: skill keys, technology keys found in its text, numbers."""

    finder: TermFinder
    skills: dict[str, str]  # canonical key -> the profile's spelling
    text_terms: dict[str, str]  # canonical key -> spelling in the profile's text
    numbers: set[int]

    @classmethod
    def of(cls, profile: Profile, vacancy: Vacancy, extra: list[str], today: date) -> _Support:
        finder = TermFinder([*profile.skills, *vacancy.key_skills, *extra])
        skills = {canonical(s): s for s in profile.skills}
        text_terms = {canonical(t): t for t in finder.find(profile.all_text())}
        found = numbers(profile.all_text())
        spans = []
        for job in profile.experience:
            years = years_between(job.start, job.end, today)
            if years is not None and years >= 0:
                spans.append(years)
                found |= {math.floor(years), math.ceil(years), round(years)}
        if spans:
            starts = [j.start for j in profile.experience if j.start]
            total = years_between(min(starts), "", today) or 0
            found |= {math.floor(total), math.ceil(total), math.floor(sum(spans)), math.ceil(sum(spans))}
        return cls(finder, skills, text_terms, found)

    def supports_term(self, key: str) -> bool:
        return key in self.skills or key in self.text_terms

    def problems(self, text: str, exempt: tuple[str, ...] = ()) -> dict[str, list[Any]]:
        scan = text
        for phrase in exempt:
            if phrase:
                scan = re.sub(re.escape(phrase), " ", scan, flags=re.IGNORECASE)
        terms = [t for t in self.finder.find(scan) if not self.supports_term(canonical(t))]
        extra = sorted(n for n in numbers(scan) if n not in self.numbers)
        result: dict[str, list[Any]] = {}
        if terms:
            result["terms"] = terms
        if extra:
            result["numbers"] = extra
        return result


class _Report:
    def __init__(self) -> None:
        self.findings: list[dict[str, Any]] = []

    def add(self, code: str, **params: Any) -> None:
        self.findings.append({"code": code, **params})


def _check_skills(
    wanted: list[str], profile: Profile, vacancy: Vacancy, support: _Support, report: _Report
) -> list[str]:
    result: list[str] = []
    seen: set[str] = set()
    for skill in wanted:
        key = canonical(skill)
        if not key or key in seen:
            continue
        if key in support.skills:
            result.append(support.skills[key])
        elif key in support.text_terms:
            result.append(support.text_terms[key])
        else:
            report.add("skill_removed", value=_quote(skill))
        seen.add(key)
    # the vacancy's key skills the profile has go in even when the answer left them out
    front = [support.skills[canonical(s)] for s in vacancy.key_skills if canonical(s) in support.skills]
    present = {canonical(s) for s in result}
    missing_front = [s for s in front if canonical(s) not in present]
    if missing_front:
        matched_in_result = sum(1 for s in result if canonical(s) in {canonical(f) for f in front})
        result[matched_in_result:matched_in_result] = list(dict.fromkeys(missing_front))
    return result


def _pick_job(profile: Profile, entry: GenExperience, used: set[int]) -> int | None:
    employer = name_key(entry.employer)
    candidates = [
        i for i, job in enumerate(profile.experience) if i not in used and name_key(job.employer) == employer
    ]
    if not candidates:
        return None
    role = name_key(entry.role)
    start = _lenient_date(entry.start, end=False)

    def score(i: int) -> tuple[int, int]:
        job = profile.experience[i]
        return (int(name_key(job.role) == role), int(job.start == start))

    return max(candidates, key=lambda i: (score(i), -i))


def _check_experience(
    profile: Profile, entries: list[GenExperience], support: _Support, report: _Report
) -> list[dict[str, Any]]:
    result = []
    used: set[int] = set()
    known = {name_key(job.employer) for job in profile.experience}
    for entry in entries:
        index = _pick_job(profile, entry, used)
        if index is None:
            code = "job_duplicate" if name_key(entry.employer) in known else "job_removed"
            report.add(code, value=_quote(entry.employer))
            continue
        used.add(index)
        job = profile.experience[index]
        if entry.role and name_key(entry.role) != name_key(job.role):
            report.add("role_changed", employer=job.employer, value=_quote(entry.role), profile=job.role)
        start, end = _lenient_date(entry.start, end=False), _lenient_date(entry.end, end=True)
        if (entry.start or entry.end) and (start, end) != (job.start, job.end):
            report.add(
                "dates_changed",
                employer=job.employer,
                value=_quote(" — ".join(p for p in (entry.start, entry.end) if p)),
                period=[job.start, job.end],
            )
        bullets = []
        for bullet in entry.bullets:
            problems = support.problems(bullet)
            if problems:
                report.add("bullet_removed", employer=job.employer, value=_quote(bullet), reason=problems)
            else:
                bullets.append(bullet)
        if not bullets:
            bullets = list(job.bullets[:5])
        result.append(
            {
                "employer": job.employer,
                "role": job.role,
                "start": job.start,
                "end": job.end,
                "bullets": bullets,
            }
        )
    return result


def _claim(keys: list[str], key: str, used: set[int]) -> int | None:
    """The first profile entry not matched yet whose key is ``key``, now matched (None: none)."""
    index = next((i for i, k in enumerate(keys) if i not in used and k == key), None)
    if index is not None:
        used.add(index)
    return index


def _check_education(profile: Profile, generated: Generated, report: _Report) -> list[dict[str, Any]]:
    result = []
    used: set[int] = set()
    keys = [name_key(school.institution) for school in profile.education]
    for entry in generated.resume.education:
        index = _claim(keys, name_key(entry.institution), used)
        if index is None:
            report.add("school_removed", value=_quote(entry.institution))
            continue
        school = profile.education[index]
        if entry.degree and name_key(entry.degree) != name_key(school.degree):
            report.add(
                "degree_changed",
                institution=school.institution,
                value=_quote(entry.degree),
                profile=school.degree,
            )
        if entry.year and _lenient_date(entry.year, end=True) != school.year:
            report.add(
                "year_changed", institution=school.institution, value=_quote(entry.year), profile=school.year
            )
        result.append(school.model_dump())
    return result


def _check_languages(profile: Profile, generated: Generated, report: _Report) -> list[dict[str, Any]]:
    result = []
    used: set[int] = set()
    keys = [canonical(language.name) for language in profile.languages]
    for entry in generated.resume.languages:
        index = _claim(keys, canonical(entry.name), used)
        if index is None:
            report.add("language_removed", value=_quote(entry.name))
            continue
        language = profile.languages[index]
        if entry.level and name_key(entry.level) != name_key(language.level):
            report.add(
                "level_changed", language=language.name, value=_quote(entry.level), profile=language.level
            )
        result.append(language.model_dump())
    return result


def _check_prose(
    text: str, code: str, support: _Support, report: _Report, exempt: tuple[str, ...] = ()
) -> str:
    kept = []
    for paragraph in re.split(r"\n\s*\n", text or ""):
        good = []
        for sentence in sentences(paragraph):
            problems = support.problems(sentence, exempt)
            if problems:
                report.add(code, value=_quote(sentence), reason=problems)
            else:
                good.append(sentence)
        if good:
            kept.append(" ".join(good))
    return "\n\n".join(kept)


def check(
    profile: Profile, generated: Generated, vacancy: Vacancy, *, lang: str = "ru", today: date | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the documents with everything unsupported removed or corrected, the report)."""
    today = today or date.today()
    support = _Support.of(profile, vacancy, generated.resume.skills, today)
    report = _Report()
    resume = generated.resume

    allowed_headlines = {name_key(profile.headline)} | {name_key(j.role) for j in profile.experience}
    fallback_headline = profile.headline or (profile.experience[0].role if profile.experience else "")
    headline = resume.headline
    if not headline:
        headline = fallback_headline
    elif name_key(headline) not in allowed_headlines - {""}:
        report.add("headline_changed", value=_quote(headline), profile=fallback_headline)
        headline = fallback_headline

    summary = _check_prose(resume.summary, "summary_removed", support, report)
    if not summary and resume.summary.strip():
        summary = profile.summary

    documents_resume = {
        "headline": headline,
        "summary": summary,
        "skills": _check_skills(resume.skills, profile, vacancy, support, report),
        "experience": _check_experience(profile, resume.experience, support, report),
        "education": _check_education(profile, generated, report),
        "languages": _check_languages(profile, generated, report),
    }

    exempt = tuple(p for p in (vacancy.name, vacancy.employer or "") if p)
    template = offline.cover_letter(profile, vacancy, lang)
    letter = generated.cover_letter
    greeting = letter.greeting if not support.problems(letter.greeting, exempt) else template["greeting"]
    closing = letter.closing if not support.problems(letter.closing, exempt) else template["closing"]
    paragraphs = []
    for paragraph in letter.paragraphs:
        kept = _check_prose(paragraph, "letter_removed", support, report, exempt)
        if kept:
            paragraphs.extend(part for part in kept.split("\n\n") if part)
    if not paragraphs:
        report.add("letter_restored")
        paragraphs = template["paragraphs"]

    documents = {
        "lang": lang,
        "person": {"name": profile.name, "contacts": profile.contacts.model_dump()},
        "vacancy": {"id": vacancy.id, "name": vacancy.name, "employer": vacancy.employer or ""},
        "resume": documents_resume,
        "cover_letter": {
            "greeting": greeting or template["greeting"],
            "paragraphs": paragraphs,
            "closing": closing or template["closing"],
        },
    }
    matched, missing = [], []
    for skill in vacancy.key_skills:
        key = canonical(skill)
        if support.supports_term(key):
            matched.append(support.skills.get(key) or support.text_terms.get(key) or skill)
        else:
            missing.append(skill)
    return documents, {"findings": report.findings, "matched": matched, "missing": missing}


def _reason(reason: dict[str, Any], lang: str) -> str:
    parts = []
    if reason.get("terms"):
        parts.append(texts.tr("truth.reason_terms", lang, terms=", ".join(map(str, reason["terms"]))))
    if reason.get("numbers"):
        parts.append(texts.tr("truth.reason_numbers", lang, numbers=", ".join(map(str, reason["numbers"]))))
    return "; ".join(parts)


def describe(finding: dict[str, Any], lang: str) -> str:
    """One finding of the report as a sentence, e.g. «Убрано: навык Kubernetes — его нет в вашем профиле»."""
    params = {k: v for k, v in finding.items() if k != "code"}
    if lang != "en":  # «ООО «Ромашка»» inside «…» reads as «ООО „Ромашка“»
        params = {
            k: v.replace("«", "„").replace("»", "“") if isinstance(v, str) else v for k, v in params.items()
        }
    if isinstance(params.get("reason"), dict):
        params["reason"] = _reason(params["reason"], lang)
    period = params.pop("period", None)
    if isinstance(period, list) and len(period) == 2:
        params["profile"] = format_period(str(period[0] or ""), str(period[1] or ""), lang)
    return texts.tr(f"truth.{finding.get('code')}", lang, **params)
