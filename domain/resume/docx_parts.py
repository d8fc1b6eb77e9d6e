"""What python-docx has no API for, done once for both documents: our own extended properties
(``docProps/app.xml``), no template thumbnail, page numbers in the footer, clickable links.

python-docx starts every document from its bundled template, whose ``app.xml`` names
"Microsoft Macintosh Word" with Words=0 and whose stock ``thumbnail.jpeg`` file managers show as
a blank page; both describe that template, not our document.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

APPLICATION = "Job Hunter"
LINK_COLOUR = "1F5FAD"
_FOOTER_COLOUR = RGBColor(0x6B, 0x72, 0x80)

#: An e-mail address, or a web address: with its scheme or www., or a bare lower-case domain with
#: a path (github.com/x, t.me/x) or a common ending (example.ru); "ASP.NET" or "Node.js" stay text.
LINK = re.compile(
    r"(?P<email>[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24})"
    r"|(?P<url>(?i:https?://|www\.)[^\s<>«»\"]+"
    r"|(?<![\w@.])(?:[a-z0-9-]+\.)+(?:[a-z]{2,12}|рф)/[^\s<>«»\"]*"
    r"|(?<![\w@.])(?:[a-z0-9-]+\.)+(?:ru|com|org|net|рф)(?![\w-]))"
)
_TRAILING = ".,;:!?)»"


def _app_xml(document: DocxDocument) -> bytes:
    text = "\n".join(p.text for p in document.paragraphs)
    words = len(text.split())
    characters = len("".join(text.split()))
    paragraphs = sum(1 for p in document.paragraphs if p.text.strip())
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>{escape(APPLICATION)}</Application><DocSecurity>0</DocSecurity>"
        f"<Words>{words}</Words><Characters>{characters}</Characters>"
        f"<CharactersWithSpaces>{len(text)}</CharactersWithSpaces><Paragraphs>{paragraphs}</Paragraphs>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()


def finish_package(document: DocxDocument) -> None:
    """Just before saving: our ``app.xml`` (with the document's real counts), no thumbnail."""
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = _app_xml(document)  # a plain Part: its bytes are what gets saved


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice update when they lay out pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def page_numbers(document: DocxDocument, lang: str) -> None:
    """ "Page 2 of 3" at the foot of every page but the first: a one-page document shows none,
    and a longer one can be put back in order when printed."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    footer = section.footer.paragraphs[0]
    footer.alignment = 1  # centred
    word, of = ("Page", "of") if lang == "en" else ("Страница", "из")
    footer.add_run(f"{word} ")
    _field(footer, "PAGE", "2")
    footer.add_run(f" {of} ")
    _field(footer, "NUMPAGES", "2")
    for run in footer.runs:
        run.font.size = Pt(8.5)
        run.font.color.rgb = _FOOTER_COLOUR


def _hyperlink(paragraph: Any, text: str, target: str, size: float | None) -> None:
    rid = paragraph.part.relate_to(target, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.extend([colour, underline])
    if size is not None:
        points = OxmlElement("w:sz")
        points.set(qn("w:val"), str(round(size * 2)))  # half-points
        properties.append(points)
    run.append(properties)
    node = OxmlElement("w:t")
    node.text = text
    node.set(qn("xml:space"), "preserve")
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def target_of(match: re.Match[str]) -> str:
    if match.group("email"):
        return "mailto:" + match.group("email")
    url = match.group("url")
    return url if url.lower().startswith(("http://", "https://")) else "https://" + url


def add_text(paragraph: Any, text: str, size: float | None = None) -> Any:
    """``text`` as runs of ``paragraph``, with every e-mail address and web address a clickable
    link (mailto: / https:), all in ``size`` points when given; returns the paragraph."""
    runs = []
    position = 0
    for match in LINK.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING:  # a sentence's full stop is not the link's
            end -= 1
        trimmed = LINK.fullmatch(text, start, end)
        if trimmed is None:
            continue
        if start > position:
            runs.append(paragraph.add_run(text[position:start]))
        _hyperlink(paragraph, text[start:end], target_of(trimmed), size)
        position = end
    if position < len(text):
        runs.append(paragraph.add_run(text[position:]))
    if size is not None:
        for run in runs:
            run.font.size = Pt(size)
    return paragraph
