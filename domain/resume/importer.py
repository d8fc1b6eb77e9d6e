"""A profile from a pasted resume text or an uploaded DOCX — a best effort the user then checks.

The text is cut into sections by their headings (Russian or English: «Опыт работы», «Навыки»,
"Education"…, as hh.ru's resume export and most templates write them). In the experience
section every date range («Январь 2020 — настоящее время», ``03.2019 – 02.2021``) anchors a job;
the short lines around it are the employer and role, the rest are its bullet points. A DOCX is
read paragraph by paragraph (tables too) and its heading and list styles become ``#``/``-``
marks, so our own generated resumes import back exactly.

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


def _experience(lines: list[str]) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None

    def new(headers: list[str] | None = None) -> dict[str, Any]:
        job = {"headers": headers or [], "start": "", "end": "", "bullets": [], "dated": False}
        jobs.append(job)
        return job

    for index, raw in enumerate(lines):
        marked = _MARK.match(raw)
        line = _text(raw)
        nxt = _text(lines[index + 1]) if index + 1 < len(lines) else ""
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
            rest = (line[: date.start()] + " " + line[date.end() :]).strip(" ,;()—–-")
            rest = _EXPERIENCE_LENGTH.sub("", rest).strip(" ,;()")
            if rest:
                current["headers"].extend(p.strip() for p in re.split(r",\s+|\s+[—–|]\s+", rest) if p.strip())
            continue
        if _DURATION.match(line):
            continue
        if _BULLET.match(line):
            if current is None:
                current = new()
            current["bullets"].append(_strip_bullet(line))
            continue
        if current is None:
            current = new([line])
            continue
        if not current["bullets"] and len(current["headers"]) < 3 and len(line) <= 100:
            current["headers"].append(line)
        else:
            current["bullets"].append(line)

    result = []
    for job in jobs:
        headers = [h for h in job["headers"] if not _LINK.fullmatch(h)]
        employer = role = ""
        split = next((h for h in headers if _SPLIT_HEADER.search(h)), None)
        if split is not None:
            role, employer = (p.strip() for p in _SPLIT_HEADER.split(split, maxsplit=1))
        elif len(headers) >= 3:
            employer, role = headers[0], headers[-1]  # hh.ru: employer, city/site, role
        elif len(headers) == 2:
            employer, role = headers
        elif headers:
            employer = headers[0]
        if not (employer or role or job["bullets"]):
            continue
        result.append(
            {
                "employer": employer,
                "role": role,
                "start": job["start"],
                "end": job["end"],
                "bullets": job["bullets"],
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
    }


def parse_text(text: str) -> dict[str, Any]:
    """A profile-shaped dict of raw strings from a resume's plain text."""
    if len(text or "") > MAX_TEXT_CHARS:
        raise ImportFailed("too_long")
    result = empty()
    sections = _split_sections(_lines(text or ""))
    _header(sections.get("header", []) + sections.get("contacts", []), result)
    headline = [_text(line) for line in sections.get("headline", [])]
    if headline:
        result["headline"] = headline[0]
    result["summary"] = "\n".join(_text(line) for line in sections.get("summary", []))
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
