"""The resume import on adversarial input (issue 12, findings 1 and 2): linear time on any text,
the limits the import card states, and zip parts counted as they inflate (a DOCX lying about its
sizes is refused without memory growth)."""

from __future__ import annotations

import io
import threading
import tracemalloc
from typing import Any

import pytest

from bench.resume_import import docx_of, lying_docx
from domain.resume import importer
from webapp.app import MAX_REQUEST_BYTES

# -- 1, 2: resume import --------------------------------------------------------------------------------


def _finishes(call, seconds: float) -> Any:
    """Run ``call`` in a thread; fail (instead of hanging the suite) if it is still busy after
    ``seconds``. Not a speed test: the budget is a hundred times the time the import takes on a
    slow machine; the quadratic version took minutes."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = call()
        except Exception as error:
            result["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the import is still running: superlinear on this input"
    if "error" in result:
        raise result["error"]
    return result["value"]


@pytest.mark.parametrize(
    "text",
    [
        "1" * 60_000,
        "a" * 60_000,
        "a." * 30_000,
        "a@" + "b." * 29_998,
        "Опыт работы\n2020 — 2021 " + "1" * 59_000,
        "Навыки\n" + ",".join(f"s{i}" for i in range(9_000)),
    ],
    ids=["digits", "letters", "dots", "e-mail domain", "job line", "distinct skills"],
)
def test_pasted_resume_parses_in_linear_time(text) -> None:
    draft = _finishes(lambda: importer.parse_text(text), 20)
    assert isinstance(draft, dict)


def test_import_limits_are_stated_and_kept() -> None:
    with pytest.raises(importer.ImportFailed) as too_long:
        importer.parse_text("1" * (importer.MAX_TEXT_CHARS + 1))
    assert too_long.value.reason == "too_long"
    docx = docx_of(["1" * 150_000])
    with pytest.raises(importer.ImportFailed) as refused:
        _finishes(lambda: importer.parse_docx(docx), 20)
    assert refused.value.reason == "too_long"
    from domain.resume.texts import tr

    ru, en = tr("profile.import_help", "ru"), tr("profile.import_help", "en")
    assert "60 000 знаков" in ru and "5 МБ" in ru and "60,000 characters" in en and "5 MB" in en


def test_a_docx_lying_about_its_size_is_refused_without_inflating_it() -> None:
    bomb = lying_docx(300 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(importer.ImportFailed):
            importer.parse_docx(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, f"{peak / 1e6:.0f} MB allocated for a refused upload"


def test_an_honest_bomb_is_refused_as_too_big() -> None:
    bomb = lying_docx(60 * 1024 * 1024, claimed=60 * 1024 * 1024 + 10_000)
    with pytest.raises(importer.ImportFailed) as refused:
        importer.check_archive(bomb)
    assert refused.value.reason in ("too_big", "bad_file")


def test_docx_upload_sizes_fit_the_request_limit() -> None:
    # the DOCX limit and the request limit agree: a file at the limit is one callback body
    payload = io.BytesIO(b"0" * importer.MAX_DOCX_BYTES).getvalue()
    import base64

    assert len(base64.b64encode(payload)) + 10_000 < MAX_REQUEST_BYTES


def test_the_import_bench_runs_and_refuses_the_bomb() -> None:
    from bench.resume_import import run

    outcomes = {name: outcome for name, _, _, _, outcome in run(quick=True)}
    assert outcomes and all(o == "parsed" or o.startswith("refused") for o in outcomes.values())
    assert next(o for n, o in outcomes.items() if "lying" in n).startswith("refused")
