"""The harvest and market benchmarks run end to end (small sizes) and print their tables."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_bench_harvest_quick_prints_its_tables(database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JH_")}
    env |= {"JH_BENCH_DATABASE_URL": database_url, "COLUMNS": "200"}

    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "harvest.py"), "--quick"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    for heading in (
        "1. Harvest of 600 new vacancies",
        "1b. Where run 1's wall time goes",
        "2. Second run over the same window",
        "2b. Harvest of 40 new vacancies at the default settings: rate limit 5/s",
        "3. Database load: etl.load.upsert_vacancies",
        "3b. etl.harvest.steps.load_landed end to end",
        "4a. trudvsem past its cap",
        "4b. superjob past its cap",
        "4c. hh past its cap",
        "4d. Every board past its cap",
    ):
        assert heading in result.stdout, result.stdout
    assert "requests minimum" in result.stdout and "rows/s" in result.stdout
    assert "rate floor = minimum ÷ 5/s" in result.stdout and "floor = the larger of the two" in result.stdout
    # every board harvested completely past its cap: found = landed
    summary = result.stdout[result.stdout.index("4d. Every board past its cap") :]
    for board, n in (("trudvsem", "1,500"), ("superjob", "1,200"), ("hh", "2,100")):
        assert f"{n} / {n}" in next(line for line in summary.splitlines() if f" {board} " in line)


@pytest.mark.slow
def test_bench_market_quick_prints_its_tables(database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JH_")}
    env |= {"JH_BENCH_DATABASE_URL": database_url, "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "market.py"), "--quick"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for heading in ("Keeping the market tables up to date", "Charts of «Рынок», 20,000 vacancies"):
        assert heading in result.stdout, result.stdout
    assert (
        "a harvest batch of 1,000 vacancies" in result.stdout and "the whole page (figures)" in result.stdout
    )
