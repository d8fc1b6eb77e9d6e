"""Resume import on adversarial inputs: how long one request holds a worker.

Before the patterns were made linear, 60,000 pasted digits took 36 s and a DOCX of 150,000
digits hung a worker until gunicorn killed it (121 s). Each row is one import, in this process,
with the wall time, the peak of Python allocations, what the user is told, and the floor (the
most a worker may be held) and target beside it.

    .venv/bin/python bench/resume_import.py [--quick]
"""

from __future__ import annotations

import argparse
import io
import struct
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.resume import importer

#: Seconds: a worker held longer than the floor is a denial of service; the target is "instant".
FLOOR_S, TARGET_S = 1.0, 0.25
#: Peak Python allocations, MB, for the zip bomb.
FLOOR_MB, TARGET_MB = 64.0, 16.0


def docx_of(paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def lying_docx(inflated: int = 300 * 1024 * 1024, claimed: int = 1000) -> bytes:
    """A DOCX whose document.xml inflates to ``inflated`` bytes while its headers say ``claimed``."""
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * inflated, 1)
            archive.writestr(info.filename, data)
    raw = bytearray(out.getvalue())
    name = b"word/document.xml"
    at = raw.find(b"PK\x01\x02")
    while at != -1:  # the central directory entry and the local header both lie
        length = struct.unpack("<H", raw[at + 28 : at + 30])[0]
        if raw[at + 46 : at + 46 + length] == name:
            struct.pack_into("<I", raw, at + 24, claimed)
            local = struct.unpack("<I", raw[at + 42 : at + 46])[0]
            struct.pack_into("<I", raw, local + 22, claimed)
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def cases(quick: bool) -> list[tuple[str, str, Callable[[], object]]]:
    n = 6_000 if quick else 60_000
    digits_docx = docx_of(["1" * (15_000 if quick else 150_000)])
    exp = "Опыт работы\n2020 — 2021 "
    texts = {
        f"pasted: {n:,} digits": "1" * n,
        f"pasted: {n:,} letters": "a" * n,
        f"pasted: {n:,} chars of 'a.'": "a." * (n // 2),
        f"pasted: 'a@' + {n:,} chars of 'b.'": "a@" + "b." * (n // 2 - 1),
        f"pasted: a job line + {n:,} digits": exp + "1" * (n - len(exp)),
        f"pasted: {n // 6:,} distinct skills": "Навыки\n"
        + ",".join(f"s{i}" for i in range(n // 6))[: n - 10],
        f"pasted: {n:,} + 1 digits (over the limit)": "1" * (importer.MAX_TEXT_CHARS + 1),
    }
    result: list[tuple[str, str, Callable[[], object]]] = [
        (name, "text", lambda text=text: importer.parse_text(text)) for name, text in texts.items()
    ]
    result.append(
        (
            f"DOCX ({len(digits_docx) // 1024} KB): {15_000 if quick else 150_000:,} digits",
            "docx",
            lambda: importer.parse_docx(digits_docx),
        )
    )
    within = docx_of(["1" * (importer.MAX_TEXT_CHARS - 1_000)] if not quick else ["1" * 5_000])
    result.append(
        (
            f"DOCX ({len(within) // 1024} KB): {len(importer.docx_text(within)):,} digits (parsed)",
            "docx",
            lambda: importer.parse_docx(within),
        )
    )
    bomb = lying_docx(30 * 1024 * 1024 if quick else 300 * 1024 * 1024)
    result.append(
        (
            f"DOCX ({len(bomb) // 1024} KB) lying: 1 KB said, 300 MB inside",
            "bomb",
            lambda: importer.parse_docx(bomb),
        )
    )
    return result


def run(quick: bool) -> list[tuple[str, str, float, float, str]]:
    rows = []
    for name, kind, call in cases(quick):
        tracemalloc.start()
        started = time.perf_counter()
        try:
            call()
            outcome = "parsed"
        except importer.ImportFailed as error:
            outcome = f"refused: {error.reason}"
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        rows.append((name, kind, elapsed, peak, outcome))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="inputs a tenth of the size (smoke test)")
    args = parser.parse_args()
    rows = run(args.quick)
    header = f"{'input':52} {'time, s':>8} {'floor':>6} {'target':>6} {'peak, MB':>9}  outcome"
    print("Resume import on adversarial inputs (one request, this process)")
    print(header)
    print("-" * len(header))
    failed = False
    for name, kind, elapsed, peak, outcome in rows:
        memory = f"{peak:9.1f}" + (
            f" (floor {FLOOR_MB:.0f}, target {TARGET_MB:.0f})" if kind == "bomb" else ""
        )
        verdict = "ok" if elapsed <= FLOOR_S and (kind != "bomb" or peak <= FLOOR_MB) else "OVER THE FLOOR"
        failed |= verdict != "ok"
        print(f"{name:52} {elapsed:8.3f} {FLOOR_S:6.2f} {TARGET_S:6.2f} {memory}  {outcome} [{verdict}]")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
