"""Duplicate grouping benchmark: pairwise precision, recall and F1 on the labelled set.

    .venv/bin/python bench/duplicates.py [--python-only] [--scale N]

Reads ``tests/data/duplicates.json`` (hand-written vacancies of the three boards; a shared
``group`` label means one job; see ``tests/data/README.md``) and groups it twice:

1. the pure decision, :func:`domain.duplicates.assign` over every record;
2. through PostgreSQL as the harvest does it: each board's vacancies loaded by
   ``etl.load.upsert_vacancies`` into a fresh schema, then :func:`domain.duplicates.regroup` for
   the ids just loaded (hh.ru, then Trudvsem, then SuperJob), which finds candidates by SQL
   (the blocking) before deciding. A second regroup of every id must change nothing;
3. ``regroup`` at scale: synthetic vacancies (``--scale``, default 10,000) loaded and regrouped
   1,000 at a time as the load step does, then all of them regrouped again (the hourly "seen
   again" case). Made-up employer names share syllables, so the trigram lookup finds more
   candidates than real names would: the times are on the high side.

A pair counts as found when both vacancies end in one group. The set has a ``tuning`` part (the
rules were adjusted on it), a ``holdout`` (seen once, then two generic fixes) and a
``holdout-2`` written after the last change: that one is the honest estimate. Database:
``JH_BENCH_DATABASE_URL``, else ``JH_TEST_DATABASE_URL``, else a throw-away embedded server.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/duplicates.py` puts bench/ first, not the repo root
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from domain.duplicates import Candidate, assign, regroup  # noqa: E402

DATA = ROOT / "tests" / "data" / "duplicates.json"
FLOOR_PRECISION = 0.95
FLOOR_RECALL = 0.75
FLOOR_F1 = 0.85
"""The floors tests/test_duplicates.py holds the whole set to (precision also each part)."""
BOARD_ORDER = ("hh", "trudvsem", "superjob")


@dataclass(frozen=True)
class Scores:
    """Pairwise figures: ``true`` pairs labelled one job, ``found`` pairs put in one group."""

    true: int
    found: int
    hits: int

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.true if self.true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_set(path: Path = DATA) -> list[dict[str, Any]]:
    """The labelled records, ``published_at`` as a datetime."""
    records = json.loads(path.read_text(encoding="utf-8"))["records"]
    return [r | {"published_at": datetime.fromisoformat(r["published_at"])} for r in records]


def pairwise(labels: Mapping[int, str], groups: Mapping[int, int | None]) -> Scores:
    """Precision and recall over every pair of ``labels``' ids (``groups``: id → group or None)."""
    true = found = hits = 0
    for a, b in itertools.combinations(sorted(labels), 2):
        same = labels[a] == labels[b]
        grouped = groups.get(a) is not None and groups.get(a) == groups.get(b)
        true += same
        found += grouped
        hits += same and grouped
    return Scores(true, found, hits)


def decide(records: Sequence[Mapping[str, Any]]) -> dict[int, int | None]:
    """The pure decision over the whole set."""
    candidates = [Candidate.of(r) for r in records]
    return assign(candidates, [c.id for c in candidates])


def parts(records: Sequence[Mapping[str, Any]]) -> dict[str, dict[int, str]]:
    """``{part: {id: label}}`` for the tuning part, the holdout and the whole set."""
    out: dict[str, dict[int, str]] = {}
    for record in records:
        out.setdefault(str(record.get("part", "tuning")), {})[record["id"]] = record["group"]
    out["all"] = {r["id"]: r["group"] for r in records}
    return out


def _row(record: Mapping[str, Any]) -> dict[str, Any]:
    digest = hashlib.sha256(json.dumps(record, default=str, sort_keys=True).encode()).hexdigest()
    return {
        "source": record["source"],
        "source_id": str(record["id"]),
        "name": record["name"],
        "employer_name": record["employer_name"],
        "employer_inn": record["employer_inn"],
        "area_id": record["area_id"],
        "salary_from_rub": record["salary_from_rub"],
        "salary_to_rub": record["salary_to_rub"],
        "url": record["url"],
        "published_at": record["published_at"],
        "content_hash": digest,
    }


def through_postgres(
    engine: Any, records: Sequence[Mapping[str, Any]]
) -> tuple[dict[int, int | None], Stats]:
    """Load board by board and regroup each load; ``({record id: group}, figures)``."""
    from core.schema import vacancies
    from etl import load

    observed = datetime.now(UTC)
    db_of: dict[int, int] = {}
    changed = 0
    started = time.perf_counter()
    regroup_s = 0.0
    for board in BOARD_ORDER:
        rows = [_row(r) for r in records if r["source"] == board]
        with engine.begin() as conn:
            counts = load.upsert_vacancies(conn, rows, observed, "bench")
        db_of |= {int(sid): vid for sid, vid in counts.ids.items()}
        t = time.perf_counter()
        with engine.begin() as conn:
            changed += regroup(conn, counts.ids.values())
        regroup_s += time.perf_counter() - t
    t = time.perf_counter()
    with engine.begin() as conn:
        again = regroup(conn, db_of.values())
    again_s = time.perf_counter() - t
    with engine.connect() as conn:
        group_of = dict(conn.execute(select(vacancies.c.id, vacancies.c.group_id)).all())
    record_of = {vid: rid for rid, vid in db_of.items()}
    groups = {
        rid: (record_of[group_of[vid]] if group_of[vid] is not None else None) for rid, vid in db_of.items()
    }
    figures = Stats(
        grouped=changed,
        again=again,
        regroup_s=regroup_s,
        again_s=again_s,
        wall_s=time.perf_counter() - started,
    )
    return groups, figures


@dataclass(frozen=True)
class Stats:
    grouped: int
    again: int
    regroup_s: float
    again_s: float
    wall_s: float


SYLLABLES = (
    "ка",
    "ро",
    "ми",
    "тел",
    "вар",
    "сан",
    "дор",
    "лик",
    "мер",
    "нов",
    "тех",
    "про",
    "сиб",
    "урал",
    "гран",
)


def _name(i: int) -> str:
    """A made-up employer name, distinct for each ``i`` below 3,375 ("Карока", "Ророка" …)."""
    n = len(SYLLABLES)
    return (SYLLABLES[i % n] + SYLLABLES[(i // n) % n] + SYLLABLES[(i // n // n) % n]).capitalize()


TITLES = (
    "Бухгалтер",
    "Главный бухгалтер",
    "Менеджер по продажам",
    "Водитель категории B",
    "Продавец-кассир",
    "Кладовщик",
    "Повар",
    "Инженер-конструктор",
    "Оператор call-центра",
    "Электромонтер",
    "Слесарь-ремонтник",
    "Администратор",
)


def synthetic(n: int, employers: int, start_id: int = 10_000_000) -> list[dict[str, Any]]:
    """``n`` vacancies of ``employers`` employers and a dozen titles (a user's searches gather
    alike titles), over the three boards, 10 areas and 14 days; every third one a SuperJob copy
    of the hh.ru one two before it (same job)."""
    base = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    out: list[dict[str, Any]] = []
    for i in range(n):
        k = i - i % 3 if i % 3 == 2 else i  # the third of each triple copies the first
        employer = _name(k % employers)
        board = BOARD_ORDER[i % 3]
        forms = {"hh": "{}", "trudvsem": 'ООО "{}"', "superjob": "{}, ООО"}
        out.append(
            {
                "id": start_id + i,
                "source": board,
                "employer_name": forms[board].format(employer),
                "employer_inn": f"77{k:08d}" if board == "trudvsem" else None,
                "name": TITLES[(k // 7) % len(TITLES)],
                "area_id": str(1 + k % 10),
                "salary_from_rub": 40_000 + (k % 50) * 2_000,
                "salary_to_rub": 60_000 + (k % 50) * 2_000,
                "published_at": base + timedelta(minutes=(k * 37) % (14 * 24 * 60)),
                "url": f"https://example.com/{board}/{i}",
            }
        )
    return out


def scale(engine: Any, n: int, employers: int) -> dict[str, float]:
    """Load ``n`` synthetic vacancies board by board in batches of 1,000, regroup each batch as the
    load step does, then regroup everything again; seconds and figures."""
    from core.schema import vacancies
    from etl import load

    rows = synthetic(n, employers)
    observed = datetime.now(UTC)
    ids: list[int] = []
    regroup_s = 0.0
    grouped = 0
    for board in BOARD_ORDER:
        mine = [_row(r) for r in rows if r["source"] == board]
        for start in range(0, len(mine), 1000):
            with engine.begin() as conn:
                counts = load.upsert_vacancies(conn, mine[start : start + 1000], observed, "bench")
            t = time.perf_counter()
            with engine.begin() as conn:
                grouped += regroup(conn, counts.ids.values())
            regroup_s += time.perf_counter() - t
            ids.extend(counts.ids.values())
    t = time.perf_counter()
    with engine.begin() as conn:
        again = regroup(conn, ids)
    again_s = time.perf_counter() - t
    with engine.connect() as conn:
        in_groups = conn.execute(
            select(func.count()).select_from(vacancies).where(vacancies.c.group_id.is_not(None))
        ).scalar_one()
    return {
        "regroup_s": regroup_s,
        "again_s": again_s,
        "grouped": grouped,
        "again": again,
        "in_groups": in_groups,
    }


def _met(ok: bool) -> str:
    return "[green]yes[/]" if ok else "[red]NO[/]"


def _table(title: str, *columns: str, left: int = 1) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i < left else "right")
    return table


def scores_table(title: str, results: Iterable[tuple[str, Scores]]) -> Table:
    table = _table(
        title,
        "labelled part",
        "true pairs",
        "grouped pairs",
        "correct",
        "precision",
        f"floor ≥ {FLOOR_PRECISION:.2f}",
        "recall",
        f"floor ≥ {FLOOR_RECALL:.2f}",
        "F1",
        f"floor ≥ {FLOOR_F1:.2f}",
        left=1,
    )
    for name, s in results:
        table.add_row(
            name,
            str(s.true),
            str(s.found),
            str(s.hits),
            f"{s.precision:.3f}",
            _met(s.precision >= FLOOR_PRECISION),
            f"{s.recall:.3f}",
            _met(s.recall >= FLOOR_RECALL),
            f"{s.f1:.3f}",
            _met(s.f1 >= FLOOR_F1),
        )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python-only", action="store_true", help="skip the PostgreSQL passes")
    parser.add_argument(
        "--scale", type=int, default=10_000, help="synthetic vacancies for section 3 (0: skip)"
    )
    parser.add_argument("--employers", type=int, default=300, help="distinct employers among them")
    args = parser.parse_args(argv)
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 130
    console = Console(width=width, highlight=False)
    records = load_set()
    labelled = parts(records)
    boards = {b: sum(r["source"] == b for r in records) for b in BOARD_ORDER}
    console.print(
        f"Job Hunter duplicate grouping benchmark: {len(records)} labelled vacancies "
        f"({', '.join(f'{b} {n}' for b, n in boards.items())}), "
        f"{len(set(labelled['all'].values()))} jobs"
    )
    started = time.perf_counter()
    groups = decide(records)
    python_s = time.perf_counter() - started
    console.print(
        scores_table(
            f"1. The decision in Python (domain.duplicates.assign, {python_s:.2f} s)",
            [(name, pairwise(labels, groups)) for name, labels in labelled.items()],
        )
    )
    if args.python_only:
        return 0
    from bench.common import database, throwaway_schema
    from core.db import make_engine
    from core.settings import load_settings

    with contextlib.ExitStack() as stack:
        url, where = stack.enter_context(database())
        schema = stack.enter_context(throwaway_schema(url, "jh_bench_dupes"))
        settings = load_settings(database_url=url, db_schema=schema, _env_file=None)
        engine = make_engine(settings)
        stack.callback(engine.dispose)
        db_groups, figures = through_postgres(engine, records)
        big = scale(engine, args.scale, args.employers) if args.scale else None
    console.print(
        scores_table(
            f"2. Through PostgreSQL ({where}): load each board, regroup its ids "
            "(SQL blocking, then the decision)",
            [(name, pairwise(labels, db_groups)) for name, labels in labelled.items()],
        )
    )
    runs = _table("2b. regroup runs", "figure", "value", "target", "met")
    runs.add_row("vacancies that changed group (three loads)", str(figures.grouped), "", "")
    runs.add_row("regroup of every id again: changed", str(figures.again), "0", _met(figures.again == 0))
    runs.add_row("regroup time, three loads", f"{figures.regroup_s:.2f} s", "", "")
    runs.add_row(f"regroup time, all {len(records)} ids again", f"{figures.again_s:.2f} s", "", "")
    agree = sum(
        1
        for a, b in itertools.combinations(sorted(groups), 2)
        if _together(groups, a, b) != _together(db_groups, a, b)
    )
    runs.add_row("pairs where PostgreSQL and Python disagree", str(agree), "0", _met(agree == 0))
    console.print(runs)
    if big is not None:
        n = args.scale
        third = _table(
            f"3. regroup at scale: {n:,} synthetic vacancies of {args.employers} employers "
            "(a third are copies), loaded and regrouped 1,000 at a time",
            "figure",
            "value",
        )
        third.add_row("regroup time over all loads", f"{big['regroup_s']:.2f} s")
        third.add_row("  per 1,000 vacancies loaded", f"{big['regroup_s'] / n * 1000:.3f} s")
        third.add_row("vacancies in a group", f"{big['in_groups']:,} (expected {2 * (n // 3):,})")
        third.add_row(f"regroup of all {n:,} ids again", f"{big['again_s']:.2f} s, changed {big['again']}")
        console.print(third)
    if agree:
        by_id = {r["id"]: r for r in records}
        for a, b in itertools.combinations(sorted(groups), 2):
            if _together(groups, a, b) != _together(db_groups, a, b):
                console.print(
                    f"  {'Python' if _together(groups, a, b) else 'PostgreSQL'} only: "
                    f"{_brief(by_id[a])}  ~  {_brief(by_id[b])}"
                )
    return 0


def _brief(record: Mapping[str, Any]) -> str:
    return f"{record['source']} «{record['name']}» ({record['employer_name']})"


def _together(groups: Mapping[int, int | None], a: int, b: int) -> bool:
    return groups.get(a) is not None and groups.get(a) == groups.get(b)


if __name__ == "__main__":
    sys.exit(main())
