"""A profile from a pasted resume text or an uploaded DOCX — a best effort the user then checks.

The text is cut into sections by their headings (Russian or English: «Опыт работы», «Навыки»,
"Education"…, as hh.ru's resume export and most templates write them). In the experience
section every date range («Январь 2020 — настоящее время», ``03.2019 – 02.2021``) anchors a job;
the short lines around it are the employer and role, the rest are its bullet points. A DOCX is
read paragraph by paragraph (tables too) and its heading and list styles become ``#``/``-``
marks, so our own generated resumes import back exactly.

hh.ru's own export ("Скачать резюме", TXT or DOCX) is read as it is laid out: the «Желаемая
должность и зарплата» block gives the wishes (desired title and specialisations → roles, the
amount in roubles → salary, «Занятость»/«График работы»/«Формат работы» → work formats where they
say one), «Проживает» the area; a job there is the period, its length, the employer, the town and
site, the employer's industries (a line and its «•» sub-industries, never the title), then the
title and the description. Skills come from «Навыки» only: «Опыт вождения» goes to the summary.

The result is a dict shaped like :class:`~domain.resume.model.Profile` holding raw strings: it
fills the profile form and is validated only when the user saves.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from domain.resume.model import clean_line, parse_date

#: The limits the import card states: a DOCX of at most 5 MB, at most 60,000 characters of text
#: (pasted, or read from the DOCX). Inflated, a DOCX may hold at most 40 MB (its pictures), of
#: which at most 10 MB in any one XML part, and at most 2,000 files.
MAX_DOCX_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 60_000
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
MAX_XML_PART_BYTES = 10 * 1024 * 1024
MAX_PARTS = 2000
MAX_LINES = 3000
_CHUNK = 64 * 1024


class ImportFailed(ValueError):
    """The upload is not a readable DOCX or is over a limit (``reason``: bad_file, too_big, too_long)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("driving", ("опыт вождения", "водительские права", "driving experience", "driving licence")),
    ("ignore", ("повышение квалификации", "курсы", "тесты, экзамены", "электронные сертификаты",
                "сертификаты", "гражданство", "рекомендации", "портфолио", "courses", "certificates",
                "certifications", "references", "portfolio", "hobbies", "хобби", "интересы")),
    ("headline", ("желаемая должность и зарплата", "желаемая должность", "desired position", "objective")),
    ("experience", ("опыт работы", "опыт", "места работы", "трудовая деятельность", "work experience",
                    "professional experience", "employment history", "experience", "employment")),
    ("education", ("образование", "education")),
    ("languages", ("знание языков", "владение языками", "иностранные языки", "языки", "languages")),
    ("skills", ("ключевые навыки", "профессиональные навыки", "технические навыки", "навыки",
                "компетенции", "технологии", "стек технологий", "key skills", "technical skills", "skills",
                "tech stack")),
    ("summary", ("о себе", "обо мне", "дополнительная информация", "краткая информация", "summary",
                 "about me", "about", "profile")),
    ("contacts", ("контактная информация", "контакты", "contact information", "contacts")),
)  # fmt: skip

# Every pattern here runs in time linear in the line: a run of one character class is only
# entered at its start (a lookbehind) and taken possessively (``++``), so a line of 60,000 digits
# costs one pass, not one pass per digit. bench/resume_import.py measures the adversarial inputs.
# An e-mail candidate is found that way and then checked with plain string operations.
_EMAIL_CANDIDATE = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w.-]++")
_PHONE = re.compile(r"(?<![\w])(?:\+7|8|\+\d{1,3})[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)")
_LINK = re.compile(
    r"(?:https?://\S+|(?:github\.com|gitlab\.com|linkedin\.com|t\.me|hh\.ru)/\S+)", re.IGNORECASE
)
_LOCATION = re.compile(r"^(?:проживает|город|город проживания|location|city)\s*[:—-]?\s*(.+)$", re.IGNORECASE)
_PERSONAL = re.compile(
    r"\b(мужчина|женщина|родил(ся|ась)|\d+\s+(год|года|лет)\b|years old|male|female)", re.IGNORECASE
)
_MARK = re.compile(r"^(#{1,3}) ")
_BULLET = re.compile(r"^\s*(?:[-–—•·*▪●◦‣⁃]|\d{1,2}[.)])\s+")
_DURATION = re.compile(
    r"^\(?\s*(\d+\s*(год|года|лет|месяц|месяца|месяцев|year|years|month|months)\s*)+\)?$", re.IGNORECASE
)
_DATE = r"(?:[A-Za-zА-Яа-яЁё]{3,9}\.?\s+\d{4}|\d{1,2}[./]\d{4}|\d{4}[./-]\d{1,2}(?![\d])|\d{4})"
_PRESENT_WORDS = r"(?:по\s+)?(?:настоящее\s+время|наст\.?\s*вр\.?|н\.\s*в\.?|сейчас|present|now|current)"
_RANGE = re.compile(
    rf"(?P<start>{_DATE})\s*(?:—|–|-|по|to|until|till)\s*(?P<end>{_PRESENT_WORDS}|{_DATE})", re.IGNORECASE
)
_EXPERIENCE_LENGTH = re.compile(r"\(?(?<!\d)\d++\s*(?:год|года|лет|месяц\w*|years?|months?)[^,;]*+\)?")
_UPDATED = re.compile(r"^(?:резюме обновлено|resume updated)\b", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")
_SPLIT_HEADER = re.compile(r"\s+[—–|]\s+|\s+at\s+|\s+@\s+")
_EDU_LEVELS = {"высшее", "среднее", "среднее специальное", "неоконченное высшее", "higher", "secondary"}


def _norm(line: str) -> str:
    return " ".join(line.casefold().replace("ё", "е").split())


def _section_of(line: str) -> str | None:
    """The section a heading line opens («Опыт работы — 8 лет», "Skills:"), or None."""
    text = _norm(_MARK.sub("", line)).strip(" :")
    if not text or len(text) > 80:
        return None
    for section, names in _SECTIONS:
        for name in names:
            if text == name:
                return section
            rest = text[len(name) :]
            if text.startswith(name) and rest.lstrip()[:1] in ("—", "–", "-", ":") and rest[:1] in " :":
                return section
    return None


def _date_text(value: str, *, end: bool) -> str:
    """A date as the form shows it (03.2021, 2021), or the raw text when it cannot be read."""
    value = value.strip()
    try:
        parsed = parse_date(value, end=end)
    except ValueError:
        return value
    year, _, month = parsed.partition("-")
    return f"{month}.{year}" if month else year


def _strip_bullet(line: str) -> str:
    return _BULLET.sub("", line).strip()


def _lines(text: str) -> list[str]:
    """Non-empty lines; runs of spaces inside are kept (hh.ru separates skills with them)."""
    lines = []
    for raw in text.replace("\r", "").split("\n"):
        line = "".join(ch for ch in raw.replace("\t", "   ") if ch.isprintable() or ch == " ").strip()
        if line:
            lines.append(line)
    return lines[:MAX_LINES]


def _text(line: str) -> str:
    """A line without its heading mark, spacing collapsed."""
    return clean_line(_MARK.sub("", line))


def _split_sections(lines: list[str]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {"header": []}
    current = "header"
    for line in lines:
        if _UPDATED.match(line):  # hh.ru's footer «Резюме обновлено 12 ноября 2024 в 10:15»
            continue
        section = _section_of(line)
        if section is not None:
            current = section
            sections.setdefault(current, [])
            rest = re.sub(r"^#+ ", "", line)
            # hh.ru: «Опыт работы — 8 лет 2 месяца» carries nothing else; «Навыки: Python, SQL» does
            tail = rest.split(":", 1)[1].strip() if ":" in rest else ""
            if tail and current in ("skills", "languages", "summary"):
                sections[current].append(tail)
            continue
        sections.setdefault(current, []).append(line)
    return sections


def _emails(line: str) -> list[str]:
    """The e-mail addresses in a line: local@domain.tld, the top-level domain two letters or more."""
    found = []
    for candidate in _EMAIL_CANDIDATE.findall(line):
        local, _, domain = candidate.partition("@")
        domain = domain.rstrip(".-")
        labels = domain.split(".")
        if len(labels) >= 2 and all(labels) and len(labels[-1]) >= 2 and labels[-1].isalpha():
            found.append(f"{local}@{domain}")
    return found


def _header(lines: list[str], result: dict[str, Any]) -> None:
    contacts = result["contacts"]
    links_seen: set[str] = set(contacts["links"])
    rest = []
    parts = []
    for raw in lines:
        line = _text(raw)
        pieces = re.split(r"\s+[·|•]\s+", line)
        parts.extend(pieces if len(pieces) > 1 else [line])
    for line in parts:
        found = False
        for email in _emails(line):
            contacts["email"] = contacts["email"] or email
            found = True
        for phone in _PHONE.findall(line):
            contacts["phone"] = contacts["phone"] or phone.strip()
            found = True
        for link in _LINK.findall(line):
            if "@" not in link and link not in links_seen:
                links_seen.add(link)
                contacts["links"].append(link.rstrip(".,;"))
                found = True
        location = _LOCATION.match(line)
        if location:
            contacts["location"] = contacts["location"] or location.group(1).strip()
            found = True
        if not found:
            rest.append(line)
    contact_line = len(parts) > len(lines)
    for line in rest:
        if _PERSONAL.search(line) or ":" in line:
            continue
        if contact_line and result["headline"] and not contacts["location"] and len(line) <= 40:
            contacts["location"] = line
            continue
        words = line.split()
        if (
            not result["name"]
            and 2 <= len(words) <= 5
            and all(w[:1].isupper() for w in words if w[:1].isalpha())
        ):
            result["name"] = line
        elif result["name"] and not result["headline"] and len(line) <= 120:
            result["headline"] = line


# hh.ru's industries (its /industries dictionary, top level): an employer's line in the export,
# never a job title. An industry missing here is still found by its «•» sub-industries.
_INDUSTRIES = frozenset(
    (
        "автомобильный бизнес", "гостиницы, рестораны, общепит, кейтеринг", "государственные организации",
        "добывающая отрасль", "жилищно-коммунальное хозяйство", "жкх", "информационные технологии, "
        "системная интеграция, интернет", "искусство, культура", "лесная промышленность, деревообработка",
        "медицина, фармацевтика, аптеки", "металлургия, металлообработка", "нефть и газ",
        "образовательные учреждения", "общественная деятельность, партии, благотворительность, нко",
        "перевозки, логистика, склад, вэд", "продукты питания",
        "промышленное оборудование, техника, станки и комплектующие", "розничная торговля",
        "сми, маркетинг, реклама, btl, pr, дизайн, продюсирование", "сельское хозяйство",
        "строительство, недвижимость, эксплуатация, проектирование", "телекоммуникации, связь",
        "товары народного потребления (непищевые)", "тяжелое машиностроение",
        "управление многоотраслевыми активами", "услуги для бизнеса", "услуги для населения",
        "финансовый сектор", "химическое производство, удобрения",
        "электроника, приборостроение, бытовая техника, компьютеры и оргтехника", "энергетика",
        "машиностроение", "оптовая торговля", "разнопрофильная деятельность",
    )
)  # fmt: skip
_SUB_INDUSTRY = re.compile(r"^\s*[•·▪●]\s*")
_SITE = re.compile(r"(?:^|[\s,])(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-zа-я]{2,12}(?:/\S*)?$", re.I)
# Towns a job's "town, site" line may name without a site (the biggest, as hh.ru spells them).
_TOWN_NAMES = (
    "москва санкт-петербург новосибирск екатеринбург казань челябинск самара омск "
    "ростов-на-дону уфа красноярск воронеж пермь волгоград краснодар саратов тюмень тольятти ижевск "
    "барнаул ульяновск иркутск хабаровск ярославль владивосток махачкала томск оренбург кемерово "
    "новокузнецк рязань астрахань пенза липецк киров чебоксары калининград тула курск сочи ставрополь "
    "балашиха тверь брянск иваново магнитогорск белгород сургут владимир архангельск калуга смоленск "
    "мурманск вологда якутск грозный петрозаводск кострома новороссийск химки подольск"
)
_TOWNS = frozenset(_TOWN_NAMES.split())


def _is_industry_name(line: str) -> bool:
    return _norm(line).strip(" .") in _INDUSTRIES


def _is_place(line: str) -> bool:
    """hh.ru's "town, site" line under an employer («Москва, romashka.ru», «Казань»)."""
    text = _norm(line)
    if _SITE.search(text) and len(text) <= 120:
        return True
    town = text.split(",")[0].strip()
    return town in _TOWNS or town in {"нижний новгород", "великий новгород", "набережные челны"}


def _experience(lines: list[str]) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None

    def new(headers: list[str] | None = None) -> dict[str, Any]:
        job = {
            "headers": headers or [],
            "start": "",
            "end": "",
            "bullets": [],
            "dated": False,
            "hh": False,  # hh.ru's layout: the period's length on the next line
            "titled": False,  # the title after the industries is found: the rest is description
        }
        jobs.append(job)
        return job

    def plain(text: str) -> bool:
        return (
            bool(text) and not _RANGE.search(text) and not _BULLET.match(text) and not _DURATION.match(text)
        )

    index = 0
    while index < len(lines):
        raw = lines[index]
        index += 1
        marked = _MARK.match(raw)
        line = _text(raw)
        nxt = _text(lines[index]) if index < len(lines) else ""
        date = _RANGE.search(line)
        if marked or (not date and _SPLIT_HEADER.search(line) and _RANGE.search(nxt) and len(line) <= 150):
            current = new([line])
            continue
        if date:
            if current is None or current["dated"] or current["bullets"]:
                current = new()
            current["start"] = _date_text(date.group("start"), end=False)
            current["end"] = _date_text(date.group("end"), end=True)
            current["dated"] = True
            current["hh"] = bool(_DURATION.match(nxt))
            rest = (line[: date.start()] + " " + line[date.end() :]).strip(" ,;()—–-")
            rest = _EXPERIENCE_LENGTH.sub("", rest).strip(" ,;()")
            if rest:
                current["headers"].extend(p.strip() for p in re.split(r",\s+|\s+[—–|]\s+", rest) if p.strip())
            continue
        if _DURATION.match(line):
            continue
        if (
            current is not None
            and current["hh"]
            and not current["titled"]
            and not current["bullets"]
            and current["headers"]
        ):
            # hh.ru: the employer's industries come between the employer (and its town) and the
            # title; an industry is a known name, or a line with «•» sub-industries under it
            # followed by the title.
            sub = index
            while sub < len(lines) and _SUB_INDUSTRY.match(lines[sub]):
                sub += 1
            after = _text(lines[sub]) if sub < len(lines) else ""
            # (only right under the employer, its town or another industry)
            # (a town hh.ru's list of big ones lacks: an industry names several, with commas)
            under = (
                current.get("industries")
                or len(current["headers"]) == 1
                or _is_place(current["headers"][-1])
                or (len(current["headers"]) == 2 and "," in line)
            )
            industry = _is_industry_name(line) or (
                under and sub > index and plain(after) and len(after) <= 100 and not line.endswith(":")
            )
            if industry and not _BULLET.match(line):
                current["industries"] = True
                index = sub
                continue
            if current.get("industries") and plain(line):
                current["headers"].append(line)
                current["titled"] = True
                continue
        if _BULLET.match(line):
            if current is None:
                current = new()
            current["bullets"].append(_strip_bullet(line))
            continue
        if current is None:
            current = new([line])
            continue
        if (
            not current["titled"]
            and not current["bullets"]
            and len(current["headers"]) < 3
            and len(line) <= 100
        ):
            current["headers"].append(line)
        else:
            current["bullets"].append(line)

    result = []
    for job in jobs:
        headers = [h for h in job["headers"] if not _LINK.fullmatch(h)]
        bullets = list(job["bullets"])
        employer = role = ""
        split = next((h for h in headers if _SPLIT_HEADER.search(h)), None)
        if job["hh"] and headers:
            # hh.ru: employer, [town and site], [industries], title — then the description
            employer, others = headers[0], headers[1:]
            if others and _is_place(others[0]) and (len(others) > 1 or job["titled"]):
                others = others[1:]
            if job["titled"]:
                role = others[-1] if others else ""
            elif others:
                role, extra = others[0], others[1:]
                bullets = extra + bullets
        elif split is not None:
            role, employer = (p.strip() for p in _SPLIT_HEADER.split(split, maxsplit=1))
        elif len(headers) >= 3:
            employer, role = headers[0], headers[-1]  # employer, city/site, role
        elif len(headers) == 2:
            employer, role = headers
        elif headers:
            employer = headers[0]
        if not (employer or role or bullets):
            continue
        result.append(
            {
                "employer": employer,
                "role": role,
                "start": job["start"],
                "end": job["end"],
                "bullets": bullets,
            }
        )
    return result


def _education(lines: list[str]) -> list[dict[str, Any]]:
    schools: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for raw in lines:
        line = _strip_bullet(_text(raw))
        if _norm(line) in _EDU_LEVELS:
            continue
        if _YEAR_ONLY.match(line):
            current = {"institution": "", "degree": "", "year": line}
            schools.append(current)
            continue
        year = re.search(r"[,\s(]+((?:19|20)\d{2})\)?$", line)
        found_year = year.group(1) if year else ""
        if year:
            line = line[: year.start()].strip(" ,;—–-")
        if " — " in line or " – " in line:
            institution, degree = (p.strip() for p in re.split(r"\s+[—–]\s+", line, maxsplit=1))
            current = {"institution": institution, "degree": degree, "year": found_year}
            schools.append(current)
            continue
        if current is not None and not current["institution"]:
            current["institution"] = line
            current["year"] = current["year"] or found_year
        elif current is not None and not current["degree"]:
            current["degree"] = line
            current["year"] = current["year"] or found_year
        else:
            current = {"institution": line, "degree": "", "year": found_year}
            schools.append(current)
    return [s for s in schools if s["institution"]]


def _skills(lines: list[str]) -> list[str]:
    skills: list[str] = []
    seen: set[str] = set()
    for raw in lines:
        line = _strip_bullet(_MARK.sub("", raw).strip())
        for part in re.split(r"[,;•·|]|\s{2,}", line):
            part = clean_line(part).strip(" .")
            if part and len(part) <= 80 and part.casefold() not in seen:
                seen.add(part.casefold())
                skills.append(part)
    return skills


def _languages(lines: list[str]) -> list[dict[str, str]]:
    result = []
    for raw in lines:
        line = _strip_bullet(_text(raw))
        line = re.sub(r"^(знание языков|languages)\s*", "", line, flags=re.IGNORECASE)
        if not line:
            continue
        name, *rest = re.split(r"\s+[—–-]\s+|\s*[:(]\s*", line.rstrip(")"), maxsplit=1)
        result.append({"name": name.strip(), "level": rest[0].strip() if rest else ""})
    return result


# The desired salary in hh.ru's block: «150 000 ₽», «150 000 руб. на руки» (roubles only).
_SALARY = re.compile(
    r"(?<![\d])(\d{1,3}(?:[\s\u00a0\u202f]?\d{3}){1,3})\s*(?:₽|руб\b\.?|rub\b|rur\b)", re.IGNORECASE
)
_WISH_FIELD = re.compile(r"^([^:]{3,60}):\s*(.*)$")
# hh.ru's words for where the work is done (its old «График работы» and its «Формат работы»).
_FORMAT_WORDS = (
    ("удален", "REMOTE"),
    ("удаленка", "REMOTE"),
    ("гибрид", "HYBRID"),
    ("на месте работодателя", "ON_SITE"),
    ("в офисе", "ON_SITE"),
    ("разъездн", "FIELD_WORK"),
    ("remote", "REMOTE"),
    ("hybrid", "HYBRID"),
    ("on-site", "ON_SITE"),
)
_FORMAT_FIELDS = ("занятость", "график работы", "формат работы", "тип занятости", "employment", "schedule")


def _formats(text: str) -> list[str]:
    found: list[str] = []
    lowered = _norm(text)
    for word, code in _FORMAT_WORDS:
        if word in lowered and code not in found:
            found.append(code)
    return found


def _wishes(lines: list[str], location: str) -> tuple[str, dict[str, Any]]:
    """The title and the wishes of hh.ru's «Желаемая должность и зарплата» block."""
    title = ""
    roles: list[str] = []
    formats: list[str] = []
    salary = ""
    listing = False  # inside «Специализации:»
    for raw in lines:
        line = _text(raw)
        if not line:
            continue
        money = _SALARY.search(line) if len(line) <= 200 else None
        if money:
            salary = salary or re.sub(r"\D", "", money.group(1))
            line = (line[: money.start()] + line[money.end() :]).strip(" ,;—–-")
            line = re.sub(r"^на руки\b|\bна руки$|\bдо вычета налогов$", "", line, flags=re.I).strip(" ,;")
            if not line:
                continue
        field = _WISH_FIELD.match(line)
        if field:
            name = _norm(field.group(1))
            listing = name in ("специализации", "специализация", "specializations")
            if name in _FORMAT_FIELDS:
                formats += [code for code in _formats(field.group(2)) if code not in formats]
            elif listing and field.group(2):
                roles.append(field.group(2))
            continue
        if _BULLET.match(line):
            if listing:
                roles.append(_strip_bullet(line))
            continue
        if not title:
            title = line
    town = location.split(",")[0].strip()
    wishes = {
        "roles": [r for r in dict.fromkeys([title, *roles]) if r][:10],
        "salary": salary,
        "areas": [town] if town else [],
        "work_formats": formats,
        "years": "",
    }
    return title, wishes


def empty() -> dict[str, Any]:
    return {
        "name": "",
        "headline": "",
        "contacts": {"email": "", "phone": "", "location": "", "links": []},
        "summary": "",
        "skills": [],
        "experience": [],
        "education": [],
        "languages": [],
        "wishes": {"roles": [], "salary": "", "areas": [], "work_formats": [], "years": ""},
    }


def parse_text(text: str) -> dict[str, Any]:
    """A profile-shaped dict of raw strings from a resume's plain text."""
    if len(text or "") > MAX_TEXT_CHARS:
        raise ImportFailed("too_long")
    result = empty()
    sections = _split_sections(_lines(text or ""))
    _header(sections.get("header", []) + sections.get("contacts", []), result)
    title, result["wishes"] = _wishes(sections.get("headline", []), result["contacts"]["location"])
    result["headline"] = title or result["headline"]
    summary = [_text(line) for line in sections.get("summary", [])]
    summary = [line for line in summary if _norm(line).strip(" :") not in ("обо мне", "о себе", "about me")]
    driving = [_strip_bullet(_text(line)) for line in sections.get("driving", [])]
    if driving:  # «Имеется собственный автомобиль», «Права категории B»: facts, not skills
        summary.append("Опыт вождения: " + "; ".join(driving))
    result["summary"] = "\n".join(summary)
    result["skills"] = _skills(sections.get("skills", []))
    result["experience"] = _experience(sections.get("experience", []))
    result["education"] = _education(sections.get("education", []))
    result["languages"] = _languages(sections.get("languages", []))
    return result


def check_archive(data: bytes) -> None:
    """Inflate every part of the zip, counting the bytes that actually come out, and stop at the
    caps: the sizes written in the zip can lie (a 340 KB file that says its document.xml is 1 KB
    can inflate to 300 MB). Only a chunk at a time is held, so a bomb costs no memory."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise ImportFailed("too_big")
        if "word/document.xml" not in {part.filename for part in parts}:
            raise ImportFailed("bad_file")
        total = 0
        for part in parts:
            cap = MAX_XML_PART_BYTES if part.filename.endswith((".xml", ".rels")) else MAX_UNZIPPED_BYTES
            size = 0
            with archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if size > cap or total > MAX_UNZIPPED_BYTES:
                        raise ImportFailed("too_big")


def docx_text(data: bytes) -> str:
    """The DOCX's paragraphs (tables included) as lines: headings as ``#``, list items as ``-``."""
    if len(data) > MAX_DOCX_BYTES:
        raise ImportFailed("too_big")
    try:
        check_archive(data)
        from docx import Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = Document(io.BytesIO(data))
    except ImportFailed:
        raise
    except Exception:
        raise ImportFailed("bad_file") from None

    def paragraph_line(paragraph: Paragraph) -> str:
        text = paragraph.text.strip()
        if not text:
            return ""
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = re.search(r"(?:Heading|Заголовок)\s*(\d)", style)
        if style in ("Title", "Название") or (level and level.group(1) == "1"):
            return "# " + text
        if level:
            return ("## " if level.group(1) == "2" else "### ") + text
        numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
        if "List" in style or "Список" in style or numbered:
            return "- " + text
        return text

    lines: list[str] = []

    def walk(container: Any) -> None:
        for child in container.iter_inner_content():
            if isinstance(child, Paragraph):
                for part in paragraph_line(child).split("\n"):
                    lines.append(part)
            elif isinstance(child, Table):
                for row in child.rows:
                    seen: set[int] = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        walk(cell)
            if len(lines) > MAX_LINES:
                return

    walk(document)
    text = "\n".join(line for line in lines if line.strip())
    if len(text) > MAX_TEXT_CHARS:
        raise ImportFailed("too_long")
    return text


def parse_docx(data: bytes) -> dict[str, Any]:
    """A profile-shaped dict of raw strings from an uploaded DOCX."""
    return parse_text(docx_text(data))


def counts(draft: dict[str, Any]) -> dict[str, int]:
    return {
        "jobs": len(draft.get("experience", [])),
        "skills": len(draft.get("skills", [])),
        "schools": len(draft.get("education", [])),
    }


def merged(current: dict[str, Any], draft: dict[str, Any]) -> dict[str, Any]:
    """An import over a stored profile, as the profile page merges it: what the import found
    replaces that field (contacts and wishes field by field), the rest stays."""
    result = dict(current)
    for key, value in draft.items():
        if isinstance(value, dict):
            inner = dict(result.get(key) or {})
            inner.update({k: v for k, v in value.items() if v})
            result[key] = inner
        elif value:
            result[key] = value
    return result
