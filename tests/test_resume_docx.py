"""The DOCX files, opened again with python-docx: headings, bullet lists, a font for every script,
A4 with 2 cm margins, the vacancy's matching skills, nothing invented, safe file names."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from domain.resume import importer, offline, prompt, render
from domain.resume.model import Generated, Profile, Vacancy
from domain.resume.truth import check
from testing.fakes.gigachat import INVENTED_EMPLOYER, INVENTED_SKILL, default_answer, invent
from tests.web.resume_support import PROFILE_DOC

PROFILE = Profile.model_validate(PROFILE_DOC)
VACANCY = Vacancy(
    id=3,
    name="Python-разработчик",
    employer="Ромашка",
    key_skills=("Python", "PostgreSQL", "Kubernetes", "Django"),
    description="Сервисы на Django и PostgreSQL; Kubernetes.",
)
WHEN = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)


def documents(generated: Generated, vacancy: Vacancy = VACANCY, lang: str = "ru") -> dict:
    output, _ = check(PROFILE, generated, vacancy, lang=lang, today=date(2026, 11, 24))
    return output


def open_docx(data: bytes) -> docx.document.Document:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # a well-formed package with parseable parts
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(archive.read(name))
    return docx.Document(io.BytesIO(data))


def headings(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def all_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def invented_answer() -> Generated:
    """What GigaChat answers when it invents: the fake's own invention, through the real parser."""
    messages = prompt.build_messages(PROFILE, VACANCY, "ru")
    import json

    return prompt.parse_answer(json.dumps(invent(default_answer(messages)), ensure_ascii=False))


def test_the_resume_has_real_structure_and_the_matching_skills() -> None:
    output = documents(offline.OfflineProvider().generate(PROFILE, VACANCY, "ru"))
    document = open_docx(render.resume_docx(output, WHEN))
    assert headings(document) == [
        ("Heading 1", "Анна Петрова"),
        ("Heading 2", "О себе"),
        ("Heading 2", "Ключевые навыки"),
        ("Heading 2", "Опыт работы"),
        ("Heading 3", "Python-разработчик — ООО «Ромашка»"),
        ("Heading 3", "Младший разработчик — Лютик"),
        ("Heading 2", "Образование"),
        ("Heading 2", "Языки"),
    ]
    paragraphs = document.paragraphs
    skills = paragraphs[[p.text for p in paragraphs].index("Ключевые навыки") + 1].text
    assert skills.startswith("Python · Django · Postgres")  # the vacancy's skills the profile has, first
    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert "Ускорила отчёты в 3 раза, переписав запросы к PostgreSQL" in bullets
    assert "03.2021 — н. в." in all_text(document)
    assert "anna@example.com · +7 900 123-45-67 · Москва · https://github.com/anna" in all_text(document)
    assert "Kubernetes" not in all_text(document)


def test_page_fonts_and_language() -> None:
    output = documents(offline.OfflineProvider().generate(PROFILE, VACANCY, "ru"))
    document = open_docx(render.resume_docx(output, WHEN))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    for margin in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
        assert round(margin.cm, 1) == 2.0
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "List Bullet"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Arial"}, name
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:cstheme")) is None
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:cs")) == "Arial"
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "ru-RU"
    properties = document.core_properties
    assert properties.author == "Анна Петрова" and properties.title == "Резюме — Python-разработчик"
    assert properties.created == WHEN


def test_invented_items_are_absent_from_both_files() -> None:
    output = documents(invented_answer())
    resume = open_docx(render.resume_docx(output, WHEN))
    letter = open_docx(render.letter_docx(output, WHEN))
    for document in (resume, letter):
        text = all_text(document)
        assert (
            INVENTED_SKILL not in text and INVENTED_EMPLOYER not in text and "Ведущий архитектор" not in text
        )
    assert ("Heading 3", "Python-разработчик — ООО «Ромашка»") in headings(resume)
    assert "Django" in all_text(resume) and "Python" in all_text(resume)


def test_the_cover_letter() -> None:
    output = documents(offline.OfflineProvider().generate(PROFILE, VACANCY, "ru"))
    document = open_docx(render.letter_docx(output, WHEN))
    assert headings(document) == [("Heading 1", "Сопроводительное письмо")]
    text = all_text(document)
    assert "Вакансия: Python-разработчик\nКому: Ромашка\n24.11.2026" in text
    assert text.index("Здравствуйте!") < text.index("С уважением,") < text.index("Анна Петрова")
    assert "Из того, что вы ищете, в моём опыте есть: Python, Django, Postgres." in text


def test_english_documents_for_an_english_vacancy() -> None:
    vacancy = Vacancy(
        id=4,
        name="Backend developer",
        employer="Acme",
        key_skills=("Python",),
        description="We build services in Python and Django for our customers worldwide.",
    )
    assert vacancy.language == "en"
    output = documents(offline.OfflineProvider().generate(PROFILE, vacancy, "en"), vacancy, "en")
    resume = open_docx(render.resume_docx(output, WHEN))
    assert [h for _, h in headings(resume)][1:4] == ["Summary", "Key skills", "Work experience"]
    assert "03.2021 — present" in all_text(resume)
    letter = open_docx(render.letter_docx(output, WHEN))
    assert headings(letter) == [("Heading 1", "Cover letter")]
    assert render.filenames(output) == (
        "Resume — Backend developer — Acme.docx",
        "Cover letter — Backend developer — Acme.docx",
    )


def test_our_resume_imports_back_into_the_same_profile() -> None:
    output = documents(offline.OfflineProvider().generate(PROFILE, VACANCY, "ru"))
    draft = importer.parse_docx(render.resume_docx(output, WHEN))
    again = Profile.model_validate(draft)
    assert again.name == PROFILE.name and again.headline == PROFILE.headline
    assert again.contacts == PROFILE.contacts
    assert set(again.skills) == set(PROFILE.skills)
    assert [(j.employer, j.role, j.start, j.end, sorted(j.bullets)) for j in again.experience] == [
        (j.employer, j.role, j.start, j.end, sorted(j.bullets)) for j in PROFILE.experience
    ]
    assert again.education == PROFILE.education and again.languages == PROFILE.languages


@pytest.mark.parametrize(
    ("vacancy", "employer", "resume_name"),
    [
        ("Python-разработчик", "Ромашка", "Резюме — Python-разработчик — Ромашка.docx"),
        ("Dev/Ops: CI\\CD <senior>?", 'ООО "Кот|Пёс"', "Резюме — Dev Ops CI CD senior — ООО Кот Пёс.docx"),
        ("..\\..\\etc/passwd", None, "Резюме — etc passwd.docx"),
        ("Разработчик " * 40, "Очень длинное название компании " * 5, None),
    ],
)
def test_file_names_are_safe_everywhere(vacancy, employer, resume_name) -> None:
    resume, letter = render.filenames({"lang": "ru", "vacancy": {"name": vacancy, "employer": employer}})
    if resume_name:
        assert resume == resume_name
    for name in (resume, letter):
        assert name.endswith(".docx") and "/" not in name and "\\" not in name
        assert len(name.encode("utf-8")) <= 210 and not any(c in name for c in '<>:"|?*')
    assert letter.startswith("Сопроводительное письмо — ")
