"""bench/web.py runs end to end on a small data set (the full run uses 1,000,000 vacancies)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_web_benchmark_smoke(database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JH_")}
    env["JH_BENCH_DATABASE_URL"] = database_url
    env["COLUMNS"] = "200"
    result = subprocess.run(
        [sys.executable, "bench/web.py", "--rows", "3000", "--requests", "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Grid block of 100 rows, 3,000 vacancies of one user" in out
    for view in (
        "newest first, no filter",
        "typo «pyhton» (corrected)",
        "employer contains «банк»",
        "best match first (by score)",
        "score ≥ 60, by score",
    ):
        assert view in out
    # the views sorted by score are read from the score index (EXPLAIN, a column of the table)
    assert "score index" in out
    for line in out.splitlines():
        if "best match first (by score)" in line or "score ≥ 60, by score" in line:
            assert line.rstrip(" │").endswith("yes"), line
    assert "worker resident memory after them" in out and " MB" in out
