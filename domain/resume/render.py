"""DOCX files with python-docx: real headings (Heading 1/2/3), "List Bullet" paragraphs, Arial
(set for Latin, Cyrillic, East Asian and complex scripts alike, so Word and LibreOffice never fall
back to a font without Cyrillic), A4 with 2 cm margins, the document language set for spelling.

Both files are rendered from the stored structure of a generation (``output`` of
``t17_jh_resume_generations``) every time they are downloaded; nothing is kept on disk.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from domain.resume import texts
from domain.resume.docx_parts import add_text, finish_package, page_numbers
from domain.resume.model import format_period

FONT = "Arial"
HEADING_COLOUR = RGBColor(0x1F, 0x2D, 0x3D)
_MAX_NAME_BYTES = 200
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+|\.{2,}')


# -- file names ------------------------------------------------------------------------------------


def safe_filename(stem: str, extension: str = ".docx") -> str:
    """A file name every OS accepts: no path or reserved characters, at most 200 UTF-8 bytes."""
    stem = " ".join(_UNSAFE.sub(" ", stem).split()).strip(" .")
    while len(stem.encode("utf-8")) > _MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" .—-") or "document"
    return stem + extension


def filenames(output: dict[str, Any]) -> tuple[str, str]:
    """(resume, cover letter) file names, e.g. «Резюме — Python-разработчик — Ромашка.docx»."""
    lang = output.get("lang", "ru")
    vacancy = output.get("vacancy") or {}
    tail = " — ".join(p for p in (vacancy.get("name"), vacancy.get("employer")) if p)
    resume = texts.tr("docx.file_resume", lang) + (f" — {tail}" if tail else "")
    letter = texts.tr("docx.file_letter", lang) + (f" — {tail}" if tail else "")
    return safe_filename(resume), safe_filename(letter)


# -- document set-up -------------------------------------------------------------------------------


def _rpr(element: Any) -> Any:
    """The element's run properties (``w:rPr``), created when missing."""
    if hasattr(element, "get_or_add_rPr"):
        return element.get_or_add_rPr()
    rpr = element.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        element.append(rpr)
    return rpr


def _fonts(element: Any, name: str) -> None:
    """Set one font for every script on an rPr-bearing element, dropping theme fonts."""
    rpr = _rpr(element)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _language(element: Any, tag: str) -> None:
    rpr = _rpr(element)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), tag)


def _new_document(lang: str, title: str, author: str, when: datetime | None) -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    section.header_distance = section.footer_distance = Cm(1.25)

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            _fonts(rpr_default, FONT)
            _language(rpr_default, "en-US" if lang == "en" else "ru-RU")
    sizes = {
        "Normal": 10.5,
        "Title": 22,
        "Heading 1": 18,
        "Heading 2": 13,
        "Heading 3": 11,
        "List Bullet": 10.5,
    }
    for name, size in sizes.items():
        style = document.styles[name]
        _fonts(style.element, FONT)
        style.font.name = FONT
        style.font.size = Pt(size)
        if name.startswith("Heading") or name == "Title":
            style.font.color.rgb = HEADING_COLOUR
            style.font.bold = True
    document.styles["Heading 2"].paragraph_format.space_before = Pt(12)
    document.styles["Heading 3"].paragraph_format.space_before = Pt(8)
    document.styles["Normal"].paragraph_format.space_after = Pt(4)

    properties = document.core_properties
    properties.title = title
    properties.author = author or "Job Hunter"
    properties.last_modified_by = "Job Hunter"
    properties.comments = ""
    properties.subject = ""
    properties.keywords = ""
    properties.language = "en-US" if lang == "en" else "ru-RU"
    properties.revision = 1
    page_numbers(document, lang)
    if when is not None:
        utc = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
        properties.created = properties.modified = utc
    return document


def _contacts_line(person: dict[str, Any]) -> str:
    contacts = person.get("contacts") or {}
    parts = [
        contacts.get("email"),
        contacts.get("phone"),
        contacts.get("location"),
        *contacts.get("links", []),
    ]
    return " · ".join(p for p in parts if p)


def _small(paragraph: Any) -> None:
    for run in paragraph.runs:
        run.font.size = Pt(9.5)


def _contacts(document: DocxDocument, person: dict[str, Any]) -> None:
    contacts = _contacts_line(person)
    if contacts:
        add_text(document.add_paragraph(), contacts, size=9.5)


def _save(document: DocxDocument) -> bytes:
    finish_package(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- the two documents -----------------------------------------------------------------------------


def resume_docx(output: dict[str, Any], when: datetime | None = None) -> bytes:
    lang = output.get("lang", "ru")
    person = output.get("person") or {}
    resume = output.get("resume") or {}
    vacancy = output.get("vacancy") or {}
    name = person.get("name") or texts.tr("docx.resume", lang)
    title = " — ".join(p for p in (texts.tr("docx.resume", lang), vacancy.get("name")) if p)
    document = _new_document(lang, title, person.get("name", ""), when)

    document.add_heading(name, level=1)
    if resume.get("headline"):
        headline = document.add_paragraph()
        run = headline.add_run(resume["headline"])
        run.bold = True
        run.font.size = Pt(12)
    _contacts(document, person)

    if resume.get("summary"):
        document.add_heading(texts.tr("docx.summary", lang), level=2)
        for paragraph in re.split(r"\n\s*\n", resume["summary"]):
            if paragraph.strip():
                add_text(document.add_paragraph(), " ".join(paragraph.split()))

    if resume.get("skills"):
        document.add_heading(texts.tr("docx.skills", lang), level=2)
        document.add_paragraph(" · ".join(resume["skills"]))

    if resume.get("experience"):
        document.add_heading(texts.tr("docx.experience", lang), level=2)
        for job in resume["experience"]:
            document.add_heading(f"{job['role']} — {job['employer']}", level=3)
            period = format_period(job.get("start", ""), job.get("end", ""), lang)
            if period:
                dates = document.add_paragraph()
                dates.add_run(period).italic = True
            for bullet in job.get("bullets", []):
                add_text(document.add_paragraph(style="List Bullet"), bullet)

    if resume.get("education"):
        document.add_heading(texts.tr("docx.education", lang), level=2)
        for school in resume["education"]:
            paragraph = document.add_paragraph()
            paragraph.add_run(school["institution"]).bold = True
            details = ", ".join(p for p in (school.get("degree"), school.get("year")) if p)
            if details:
                paragraph.add_run(f" — {details}")

    if resume.get("languages"):
        document.add_heading(texts.tr("docx.languages", lang), level=2)
        for language in resume["languages"]:
            level = f" — {language['level']}" if language.get("level") else ""
            document.add_paragraph(f"{language['name']}{level}", style="List Bullet")
    return _save(document)


def letter_docx(output: dict[str, Any], when: datetime | None = None) -> bytes:
    lang = output.get("lang", "ru")
    person = output.get("person") or {}
    letter = output.get("cover_letter") or {}
    vacancy = output.get("vacancy") or {}
    title = " — ".join(p for p in (texts.tr("docx.letter", lang), vacancy.get("name")) if p)
    document = _new_document(lang, title, person.get("name", ""), when)

    document.add_heading(texts.tr("docx.letter", lang), level=1)
    facts = []
    if vacancy.get("name"):
        facts.append(texts.tr("docx.about", lang, vacancy=vacancy["name"]))
    if vacancy.get("employer"):
        facts.append(texts.tr("docx.to", lang, employer=vacancy["employer"]))
    if when is not None:
        facts.append(when.strftime("%d.%m.%Y"))
    if facts:
        block = document.add_paragraph()
        for i, fact in enumerate(facts):
            if i:
                block.add_run().add_break(WD_BREAK.LINE)
            block.add_run(fact)
        _small(block)

    if letter.get("greeting"):
        document.add_paragraph(letter["greeting"])
    for paragraph in letter.get("paragraphs", []):
        add_text(document.add_paragraph(), paragraph)
    signature = document.add_paragraph()
    signature.paragraph_format.space_before = Pt(12)
    signature.add_run(letter.get("closing") or "")
    if person.get("name"):
        signature.add_run().add_break(WD_BREAK.LINE)
        signature.add_run(person["name"]).bold = True
    _contacts(document, person)
    return _save(document)
