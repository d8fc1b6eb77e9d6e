"""Harvest benchmark per board: each board past its cap, requests against the minimum, wall time
against the board's floor.

    .venv/bin/python bench/sources.py [--quick]      (also section 4 of bench/harvest.py)

For Trudvsem, SuperJob and hh.ru, one harvest through ``etl.harvest.local.run`` (`jobhunter etl
run`) of more vacancies than one query reaches, against the board's fake (``testing/fakes/``) with
the board's settings as shipped (rate limit, concurrency, retries) and its latency, **all time
scaled down** by :data:`SCALE` so the bench takes seconds: latency, backoff and timeout divided by
it, rate limits multiplied by it. The requests are the same as at full scale, and the time a real
harvest takes at least is the scaled floor times :data:`SCALE` (printed as the real floor).

    floor = max(requests ÷ rate limit, ⌈requests ÷ concurrency⌉ × latency)

The floor is given for the minimum requests (what no code beats) and for the requests made.
Minimum requests past the cap:

* Trudvsem: the first page (its total says one query cannot reach everything), then every
  federal subject's pages (``vacancies/region/{code}``, at least one each): 1 + Σ ⌈nᵣ ÷ 100⌉.
  Deep pages fail (HTTP 500 from page :attr:`Board.deep_from`); the adapter learns that depth by
  asking, so the pages it reads before (and the retries of the first that fails) are its cost;
* SuperJob: 1 + ⌈n ÷ 100⌉ (windows cut so that each holds at most 500, read to the end);
* hh.ru: 1 + ⌈n ÷ 100⌉ pages + n full vacancies (its search items lack the description).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/sources.py` puts bench/ first, not the repo root
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine  # noqa: E402

from bench.common import database, throwaway_schema  # noqa: E402
from bench.harvest import UI, USER_AGENT, _n, _s, _table, empty_tables, run_harvest  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.settings import Settings, load_settings  # noqa: E402
from etl.sources.trudvsem.regions import REGIONS  # noqa: E402
from etl.windows import Window  # noqa: E402
from testing.fakes.boards import BoardFake  # noqa: E402
from testing.fakes.hh import FakeHH  # noqa: E402
from testing.fakes.superjob import FakeSuperJob, superjob_vacancies  # noqa: E402
from testing.fakes.trudvsem import FakeTrudvsem, trudvsem_vacancies  # noqa: E402
from testing.synthetic import generate_vacancies  # noqa: E402
from tests.helpers import add_user_and_search, audit, count  # noqa: E402

SCALE = 20  # every duration ÷ SCALE, every rate × SCALE
SUPERJOB_KEY = "v3.r.bench-key"
PER_PAGE = 100


@dataclass(frozen=True)
class Board:
    """One board's scenario: ``n`` vacancies past its cap, its real latency, how it is reached."""

    name: str
    n: int
    latency: float  # seconds per request on the real board
    latency_source: str  # where that figure comes from
    cap: str  # what one query reaches
    deep_from: int | None = None  # Trudvsem: the first page that fails


def boards(quick: bool) -> list[Board]:
    return [
        Board(
            "trudvsem",
            1_500 if quick else 12_000,
            5.0,
            "measured 2026 (reference/sources.md)",
            "pages from 8 on fail: 800 per query" if quick else "pages from 50 on fail: 5,000 per query",
            deep_from=8 if quick else 50,
        ),
        Board("superjob", 1_200 if quick else 5_000, 0.5, "assumed (no figure known)", "500 per query"),
        Board("hh", 2_100 if quick else 2_500, 0.2, "assumed", "2,000 per query"),
    ]


def floor(requests: int, *, latency: float, concurrency: int, rate_limit: float) -> float:
    """The least wall time ``requests`` take: the rate limit, or the rounds of ``concurrency``
    requests in flight each waiting ``latency``, whichever binds."""
    return max(requests / rate_limit, math.ceil(requests / concurrency) * latency)


def scaled_settings(base: dict[str, Any], board: Board, fake: BoardFake | FakeHH) -> Settings:
    """The shipped settings of ``board`` (only it runs) with time scaled by :data:`SCALE`."""
    shipped = load_settings(_env_file=None)
    name = board.name
    values = base | {
        "sources": name,
        f"{name}_base_url": fake.base_url if isinstance(fake, BoardFake) else fake.url,
        f"{name}_rate_limit": getattr(shipped, f"{name}_rate_limit") * SCALE,
        f"{name}_timeout": getattr(shipped, f"{name}_timeout") / SCALE,
        "hh_backoff_base": shipped.hh_backoff_base / SCALE,  # the one retry policy of every board
        "hh_backoff_max": shipped.hh_backoff_max / SCALE,
    }
    if name == "superjob":
        values["superjob_app_key"] = SUPERJOB_KEY
    return load_settings(_env_file=None, **values)


def rate_and_concurrency(settings: Settings, name: str) -> tuple[float, int]:
    return getattr(settings, f"{name}_rate_limit"), getattr(settings, f"{name}_concurrency")


@contextlib.contextmanager
def board_fake(board: Board, start: datetime, end: datetime) -> Iterator[tuple[BoardFake | FakeHH, int]]:
    """The board's fake with its vacancies and scaled latency (hh.ru: a fake of its own, empty of
    the other sections' vacancies); and the minimum requests."""
    latency = board.latency / SCALE
    if board.name == "trudvsem":
        items = trudvsem_vacancies(board.n, start, end)
        with FakeTrudvsem(items, latency=latency) as fake:
            fake.deep_from = board.deep_from
            per_region = Counter(v["region"]["region_code"] for v in items)
            yield fake, 1 + sum(max(1, math.ceil(per_region[code] / PER_PAGE)) for code in REGIONS)
        return
    if board.name == "superjob":
        with FakeSuperJob(
            superjob_vacancies(board.n, start, end), app_key=SUPERJOB_KEY, latency=latency
        ) as sj:
            yield sj, 1 + math.ceil(board.n / PER_PAGE)
        return
    with FakeHH(generate_vacancies(board.n, seed=31, start=start, end=end), latency=latency) as hh:
        yield hh, 1 + math.ceil(board.n / PER_PAGE) + board.n


def per_board(engine: Engine, base: dict[str, Any], board: Board, section: str, ui: UI) -> dict[str, Any]:
    """One harvest of ``board`` past its cap; prints its table and returns its figures.

    ``base`` are the settings every board shares (the database; hh.ru, for the dictionaries)."""
    empty_tables(engine, load_settings(_env_file=None, **base))
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = now - timedelta(days=1), now - timedelta(minutes=30)
    window = Window.aligned(start - timedelta(hours=1), now - timedelta(minutes=10))
    add_user_and_search(engine, f"bench-{board.name}", name="Все вакансии", text="")
    with board_fake(board, start, end) as (fake, minimum):
        settings = scaled_settings(base, board, fake)
        requests_before = len(fake.requests)
        run_id, wall, times = run_harvest(engine, settings, window, ui, board.name)
        seen = len(fake.requests) - requests_before
    [row] = audit(engine, run_id)
    landed = count(engine, "t01_jh_vacancies", f"source = '{board.name}'")
    rate, concurrency = rate_and_concurrency(settings, board.name)
    latency = board.latency / SCALE
    made = row["http_requests"]

    def at(requests: int) -> float:
        return floor(requests, latency=latency, concurrency=concurrency, rate_limit=rate)

    table = _table(
        f"{section}. {board.name} past its cap "
        f"({board.cap}): {_n(board.n)} vacancies, latency {board.latency:g} s ({board.latency_source}) "
        f"scaled to {latency * 1000:.0f} ms, shipped rate limit {rate / SCALE:g}/s and concurrency "
        f"{concurrency}, time ÷ {SCALE}",
        "figure",
        "value",
        "floor",
        "value ÷ floor",
    )
    table.add_row("status", row["status"], "success", "")
    table.add_row("found (audit) / landed (t01)", f"{_n(row['found'])} / {_n(landed)}", _n(board.n), "")
    table.add_row("  received (audit, distinct items)", _n(row["received"]), _n(board.n), "")
    table.add_row(
        "requests made (audit) / seen by the fake",
        f"{_n(made)} / {_n(seen)}",
        f"minimum {_n(minimum)}",
        f"{made / minimum:.2f}×",
    )
    table.add_row("  retries (audit)", _n(row["retries"]), "0", "")
    table.add_row(
        f"wall time, scaled (floor at the minimum {_n(minimum)} requests)",
        _s(wall),
        _s(at(minimum)),
        f"{wall / at(minimum):.2f}×",
    )
    table.add_row(f"  floor at the {_n(made)} requests made", "", _s(at(made)), f"{wall / at(made):.2f}×")
    asking = sum(times.seconds.get(step, 0.0) for step in ("extract", "details"))
    table.add_row(
        "  of it asking the board (extract + details steps)",
        _s(asking),
        _s(at(made)),
        f"{asking / at(made):.2f}×",
    )
    table.add_row("  of it transform and load (load step)", _s(times.seconds.get("load", 0.0)), "", "")
    table.add_row(
        f"  floor = max(requests ÷ {rate:g}/s, ⌈requests ÷ {concurrency}⌉ × {latency * 1000:.0f} ms)",
        "",
        "",
        "",
    )
    table.add_row(
        f"at real latency and rate limit (× {SCALE})",
        f"≈ {_s(wall * SCALE)}",
        f"real floor {_s(at(minimum) * SCALE)}",
        "",
    )
    ui.out.print(table)
    return {
        "board": board.name,
        "found": row["found"],
        "landed": landed,
        "requests": made,
        "minimum": minimum,
        "wall": wall,
        "floor": at(minimum),
    }


def sources_scenarios(engine: Engine, base: dict[str, Any], quick: bool, ui: UI) -> list[dict[str, Any]]:
    """Section 4: every board past its cap, then a summary (``base`` as :func:`per_board`)."""
    figures = [per_board(engine, base, board, f"4{'abc'[i]}", ui) for i, board in enumerate(boards(quick))]
    summary = _table(
        f"4d. Every board past its cap (time ÷ {SCALE})",
        "board",
        "found / landed",
        "requests / minimum",
        "wall / floor",
        "real floor",
    )
    for f in figures:
        summary.add_row(
            f["board"],
            f"{_n(f['found'])} / {_n(f['landed'])}",
            f"{_n(f['requests'])} / {_n(f['minimum'])} ({f['requests'] / f['minimum']:.2f}×)",
            f"{_s(f['wall'])} / {_s(f['floor'])} ({f['wall'] / f['floor']:.2f}×)",
            _s(f["floor"] * SCALE),
        )
    ui.out.print(summary)
    return figures


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = parser.parse_args(argv)
    console = Console(highlight=False)
    ui = UI(out=console, bars=Console(stderr=True))
    with contextlib.ExitStack() as stack:
        url, _ = stack.enter_context(database())
        schema = stack.enter_context(throwaway_schema(url, "jh_bench"))
        hh = stack.enter_context(FakeHH())
        base = {
            "database_url": url,
            "db_schema": schema,
            "var_dir": Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jh-bench-"))) / "var",
            "hh_base_url": hh.url,
            "hh_user_agent": USER_AGENT,
        }
        engine = make_engine(load_settings(_env_file=None, **base))
        stack.callback(engine.dispose)
        sources_scenarios(engine, base, args.quick, ui)
    return 0


if __name__ == "__main__":
    sys.exit(main())
