"""Resumes as hh.ru exports them ("Скачать резюме"): the texts under tests/data/resumes/ and the
same resumes as DOCX files laid out the way hh.ru's are (plain paragraphs, and each job a row
of a two-column table: the period and its length on the left, the employer, town and site,
industries, title and description on the right)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx

RESUMES = Path(__file__).resolve().parent / "data" / "resumes"
_PERIOD = re.compile(r"^[А-ЯЁ][а-яё]+ \d{4} — ")


def text(name: str) -> str:
    return (RESUMES / f"{name}.txt").read_text(encoding="utf-8")


def hh_docx(name: str) -> bytes:
    """The resume ``name`` as a DOCX in hh.ru's layout."""
    document = docx.Document()
    lines = text(name).split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if _PERIOD.match(line):
            table = document.add_table(rows=1, cols=2)
            left, right = table.rows[0].cells
            left.text = f"{line}\n{lines[index + 1]}"  # the period and its length
            index += 2
            body = []
            while index < len(lines) and lines[index].strip():
                body.append(lines[index])
                index += 1
            right.text = body[0]
            for paragraph in body[1:]:
                right.add_paragraph(paragraph)
            continue
        if line.strip():
            document.add_paragraph(line)
        index += 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
