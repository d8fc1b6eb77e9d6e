"""The match benchmark runs end to end (``--quick``: 2,000 links) and prints its tables."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_bench_match_quick_prints_quality_and_throughput(database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JH_")}
    env |= {"JH_BENCH_DATABASE_URL": database_url, "COLUMNS": "220"}

    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "match.py"), "--quick"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "1. Ranking quality on the labelled set" in out, out
    for profile in ("python", "analyst", "one_c", "sales", "courier"):
        line = next(line for line in out.splitlines() if f" {profile} " in line)
        assert line.rstrip(" │|").endswith("yes"), line  # the score beats both baselines
    assert "2. Rescoring 2,000 links of one user" in out, out
    cold = next(line for line in out.splitlines() if "cold: texts stemmed" in line)
    warm = next(line for line in out.splitlines() if "warm: stored terms read" in line)
    for line in (cold, warm):
        assert re.search(r"│\s+2,000\s+│", line), line
    assert re.search(r"links still stale afterwards\s+│\s+0\s", out), out
