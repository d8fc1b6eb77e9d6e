"""Web benchmark: one grid block (100 rows) with filters, sorts and quick searches, on 1,000,000
synthetic hh.ru vacancies of one user, and the memory of a real web process.

    .venv/bin/python bench/web.py [--rows 1000000] [--requests 30] [--schema NAME]

PostgreSQL: ``JH_BENCH_DATABASE_URL``, else ``JH_TEST_DATABASE_URL``, else a throw-away embedded
server. The data goes into a fresh schema dropped at the end (``--schema NAME`` reuses a schema
loaded before and keeps it; ``--keep`` keeps the fresh one). A measurement tool: it prints
figures beside their targets and asserts nothing.

1. time :func:`webapp.queries.grid_block` - the function the grid's callback calls - for typical
   views, each ``--requests`` times on a connection from the pool, as a callback does;
2. start gunicorn on ``webapp.wsgi:server`` (one worker, as ``jobhunter web`` runs it), log in,
   send the same views as real callback requests, and read the worker's resident memory.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/web.py` puts bench/ first, not the repo root
    sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import requests  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.common import bench_schema, database, percentile  # noqa: E402
from bench.datagen import bulk_load  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.schema import user_vacancies, users  # noqa: E402
from core.searches import create_search  # noqa: E402
from core.settings import load_settings  # noqa: E402
from core.users import create_user, set_password  # noqa: E402
from webapp import grid_cursors, grid_query, queries  # noqa: E402
from webapp.grid_query import GridRequest  # noqa: E402

TARGET_P95_MS = 150.0
TARGET_RSS_MB = 300.0
LOGIN, PASSWORD = "bench", "bench password 1"

SCORE_SORT = {"colId": "score", "sort": "desc"}
SCORE_60 = {"filterType": "number", "type": "greaterThanOrEqual", "filter": 60}
#: (label, AG Grid getRowsRequest without start/end, quick-search text)
VIEWS: list[tuple[str, dict[str, Any], str]] = [
    ("newest first, no filter", {"sortModel": [{"colId": "published_at", "sort": "desc"}]}, ""),
    (
        "salary ≥ 150 000 ₽ in Москва/СПб, by salary",
        {
            "sortModel": [{"colId": "salary_from_rub", "sort": "desc"}],
            "filterModel": {
                "salary_from_rub": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 150000},
                "area": {"filterType": "multi", "values": ["1", "2"]},
            },
        },
        "",
    ),
    ("quick search «python разработчик»", {}, "python разработчик"),
    ("typo «pyhton» (corrected)", {}, "pyhton"),
    (
        "experience 1–6 years + remote/hybrid",
        {
            "filterModel": {
                "experience": {"filterType": "multi", "values": ["between1And3", "between3And6"]},
                "work_format": {"filterType": "multi", "values": ["REMOTE", "HYBRID"]},
            }
        },
        "",
    ),
    (
        "employer contains «банк»",
        {"filterModel": {"employer_name": {"filterType": "text", "type": "contains", "filter": "банк"}}},
        "",
    ),
    (
        "quick «курьер» + Москва, by first seen",
        {
            "sortModel": [{"colId": "first_seen_at", "sort": "desc"}],
            "filterModel": {"area": {"filterType": "multi", "values": ["1"]}},
        },
        "курьер",
    ),
    ("block 50 (rows 5000-5100), no filter", {"startRow": 5000, "endRow": 5100}, ""),
    # the match score (issue 14): the order of a user with a profile, and the "score ≥ N" filter
    ("best match first (by score)", {"sortModel": [SCORE_SORT]}, ""),
    ("score ≥ 60, by score", {"sortModel": [SCORE_SORT], "filterModel": {"score": SCORE_60}}, ""),
    (
        "score ≥ 60 + Москва, by score",
        {"sortModel": [SCORE_SORT], "filterModel": {"score": SCORE_60, "area": {"values": ["1"]}}},
        "",
    ),
    (
        "score ≥ 60 + quick «python», by score",
        {"sortModel": [SCORE_SORT], "filterModel": {"score": SCORE_60}},
        "python",
    ),
    ("block 50 by score (rows 5000-5100)", {"sortModel": [SCORE_SORT], "startRow": 5000, "endRow": 5100}, ""),
]
# issue 17: every sortable column in both directions, the rare and the common quick-search word,
# the key-skills filter
SORTABLE = [
    ("title", "name"),
    ("employer", "employer_name"),
    ("salary from", "salary_from_rub"),
    ("salary to", "salary_to_rub"),
    ("published", "published_at"),
    ("first seen", "first_seen_at"),
    ("score", "score"),
]
VIEWS += [
    (f"sort by {label} {arrow}", {"sortModel": [{"colId": col, "sort": direction}]}, "")
    for label, col in SORTABLE
    for direction, arrow in (("asc", "↑"), ("desc", "↓"))
]
RARE_WORD, COMMON_WORD = "мегасерв", "опыт"
SKILLS = {"skills": {"filterType": "multi", "values": ["Python"]}}
RARE_SKILLS = {"skills": {"filterType": "multi", "values": ["ClickHouse", "Airflow"]}}
VIEWS += [
    (f"quick search, rare word «{RARE_WORD}»", {}, RARE_WORD),
    (f"quick search, common word «{COMMON_WORD}»", {}, COMMON_WORD),
    ("key skills: Python", {"filterModel": SKILLS}, ""),
    (
        "key skills: ClickHouse or Airflow, by title",
        {"filterModel": RARE_SKILLS, "sortModel": [{"colId": "name", "sort": "asc"}]},
        "",
    ),
]
#: Deep blocks: (label, view, quick search, first row). Timed twice: "scrolled" (the blocks before
#: it were read, as the infinite model does while the user scrolls: the block continues from the
#: cursor of the one before) and "jumped" (no cursor: the OFFSET fallback, a dragged scrollbar).
DEEP: list[tuple[str, dict[str, Any], str, int]] = [
    (f"{label}, rows {start:,}–{start + 100:,}", view, quick, start)
    for start in (5_000, 50_000)
    for label, view, quick in (
        ("newest", {"sortModel": [{"colId": "published_at", "sort": "desc"}]}, ""),
        ("by title", {"sortModel": [{"colId": "name", "sort": "asc"}]}, ""),
        (f"quick «{COMMON_WORD}»", {}, COMMON_WORD),
    )
]
#: The index a block sorted by score must be read from (checked with EXPLAIN, shown in the table).
SCORE_INDEX = "ix_t08_jh_user_vacancies_score"


def grid_request(view: dict[str, Any], quick: str) -> GridRequest:
    request = {"startRow": 0, "endRow": 100, **view}
    return GridRequest.from_ag_grid(request, quick=quick)


def score_index_used(engine: Any, user_id: int, request: GridRequest) -> str:
    """For a view sorted by score: "yes" when the block's plan reads :data:`SCORE_INDEX`."""
    if not request.sort_model or request.sort_model[0][0] != "score":
        return ""
    with engine.connect() as conn:
        if request.quick:  # the windowed search reads its candidates in the grid's order
            statement = grid_query.candidates_query(user_id, request, queries.WINDOW_START)
        else:  # the block's first index range (webapp.queries reads single sorts this way)
            statement = grid_query.ordered_parts(user_id, request, grid_query.block_columns(user_id))[0]
        return "yes" if SCORE_INDEX in queries.indexes_used(queries.plan(conn, statement)) else "NO"


def _timed(engine: Any, user_id: int, request: GridRequest, repeats: int, *, jump: bool = False) -> Any:
    """``repeats`` timed calls after two warm-up calls; ``jump``: each without a cursor."""
    times: list[float] = []
    block = None
    for i in range(repeats + 2):
        if jump:
            grid_cursors.clear()
        started = time.perf_counter()
        with engine.connect() as conn:
            block = queries.grid_block(conn, user_id, request)
        if i >= 2:  # two warm-up calls (plan cache, vocabulary, pool)
            times.append((time.perf_counter() - started) * 1000)
    assert block is not None
    return block, times


def _result(label: str, block: Any, times: list[float], index: str = "") -> dict[str, Any]:
    return {
        "label": label,
        "rows": len(block.rows),
        "matched": block.matched,
        "estimated": block.estimated,
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
        "index": index,
    }


def scroll_to(engine: Any, user_id: int, view: dict[str, Any], quick: str, start: int) -> None:
    """Read the blocks before ``start`` in order, as the grid does while the user scrolls."""
    grid_cursors.clear()
    for row in range(0, start, 100):
        with engine.connect() as conn:
            queries.grid_block(
                conn, user_id, grid_request({**view, "startRow": row, "endRow": row + 100}, quick)
            )


def time_queries(engine: Any, user_id: int, repeats: int) -> list[dict[str, Any]]:
    results = []
    for label, view, quick in VIEWS:
        request = grid_request(view, quick)
        block, times = _timed(engine, user_id, request, repeats)
        results.append(_result(label, block, times, score_index_used(engine, user_id, request)))
    for label, view, quick, start in DEEP:
        request = grid_request({**view, "startRow": start, "endRow": start + 100}, quick)
        scroll_to(engine, user_id, view, quick, start)
        block, times = _timed(engine, user_id, request, repeats)
        results.append(_result(f"{label}, scrolled", block, times))
        block, times = _timed(engine, user_id, request, max(3, repeats // 3), jump=True)
        results.append(_result(f"{label}, jumped (no cursor)", block, times))
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def web_process(url: str, schema: str, repeats: int) -> dict[str, Any]:
    """gunicorn with one worker; the grid callback over HTTP; the worker's RSS afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="jh-web-bench-") as var:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JH_")}
        env |= {
            "JH_DATABASE_URL": url,
            "JH_DB_SCHEMA": schema,
            "JH_VAR_DIR": var,
            "JH_WEB_SECRET_KEY": secrets.token_urlsafe(32),
            "JH_HH_USER_AGENT": "JobHunterBench/1.0 (bench@example.com)",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "webapp.wsgi:server",
        ]
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            base = f"http://127.0.0.1:{port}"
            session = requests.Session()
            # Generous limits, not measurements: on a loaded machine the worker may take a minute
            # to import the app, and the first request waits for it once the socket accepts.
            deadline = time.monotonic() + 300
            while True:
                try:
                    page = session.get(f"{base}/login", timeout=(5, 300))
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(
                            "gunicorn did not start: "
                            + (process.stderr.read().decode() if process.stderr else "")
                        ) from None
                    time.sleep(0.3)
            token = page.text.split('name="csrf" value="')[1].split('"')[0]
            session.post(
                f"{base}/login", data={"login": LOGIN, "password": PASSWORD, "csrf": token}, timeout=120
            )
            session.get(f"{base}/", timeout=120)
            # as dash-renderer does: the CSRF cookie goes back as a header on every callback
            session.headers["X-CSRFToken"] = session.cookies.get("_csrf_token", "")
            outputs = session.get(f"{base}/_dash-dependencies", timeout=120).json()
            key = next(d["output"] for d in outputs if "grid.getRowsResponse" in d["output"])
            times: list[float] = []
            for _, view, quick in VIEWS:
                for _ in range(max(3, repeats // 3)):
                    body = {
                        "output": key,
                        "outputs": [
                            {"id": "grid", "property": "getRowsResponse"},
                            {"id": "grid-status", "property": "children"},
                        ],
                        "inputs": [
                            {
                                "id": "grid",
                                "property": "getRowsRequest",
                                "value": {"startRow": 0, "endRow": 100, **view},
                            }
                        ],
                        "changedPropIds": ["grid.getRowsRequest"],
                        "state": [
                            {"id": "quick", "property": "value", "value": quick},
                            {"id": "show-hidden", "property": "value", "value": False},
                            {"id": "only-favourites", "property": "value", "value": False},
                        ],
                    }
                    started = time.perf_counter()
                    response = session.post(f"{base}/_dash-update-component", json=body, timeout=120)
                    times.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
            master = psutil.Process(process.pid)
            workers = master.children(recursive=True)
            rss = {p.pid: p.memory_info().rss / 2**20 for p in workers}
            return {
                "requests": len(times),
                "p50": statistics.median(times),
                "p95": percentile(times, 0.95),
                "worker_rss": max(rss.values()) if rss else float("nan"),
                "master_rss": master.memory_info().rss / 2**20,
            }
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic vacancies (default 1,000,000)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per view (default 30)")
    parser.add_argument("--schema", help="reuse this already loaded schema (kept) instead of a fresh one")
    parser.add_argument("--keep", action="store_true", help="keep the fresh schema (for --schema next time)")
    args = parser.parse_args()
    out = Console(width=150)
    with (
        database() as (url, where),
        bench_schema(url, args.schema, args.keep, "jh_webbench") as (schema, fresh),
    ):
        settings = load_settings(database_url=url, db_schema=schema, _env_file=None)
        engine = make_engine(settings)
        with engine.begin() as conn:
            existing = conn.execute(users.select().where(users.c.login == LOGIN)).first()
            if existing is None:
                user = create_user(conn, LOGIN, PASSWORD)
                search_ids = [
                    create_search(conn, user.id, name=n, text=n) for n in ("python", "продажи", "все")
                ]
                user_id = user.id
            else:  # a reused schema: its bench user gets our password
                user_id = existing.id
                search_ids = []
                set_password(conn, LOGIN, PASSWORD)
        out.print(f"PostgreSQL: {where}; schema {schema}")
        if fresh or search_ids:
            started = time.perf_counter()
            loaded = 0

            def progress(n: int) -> None:
                nonlocal loaded
                loaded += n
                print(f"\rloading {loaded:,} / {args.rows:,}", end="", file=sys.stderr, flush=True)

            bulk_load(url, schema, user_id=user_id, search_ids=search_ids, n=args.rows, progress=progress)
            print(file=sys.stderr)
            seconds = time.perf_counter() - started
            out.print(f"loaded {args.rows:,} vacancies in {seconds:,.0f} s (COPY, indexes rebuilt)")
        with engine.connect() as conn:
            total = conn.execute(
                select(func.count()).select_from(user_vacancies).where(user_vacancies.c.user_id == user_id)
            ).scalar_one()

        load_before = os.getloadavg()
        results = time_queries(engine, user_id, args.requests)
        load_after = os.getloadavg()
        table = Table(
            title=f"Grid block of 100 rows, {total:,} vacancies of one user, {args.requests} requests each"
            f" (a jump: {max(3, args.requests // 3)}); load average before "
            + " / ".join(f"{x:.1f}" for x in load_before)
            + ", after "
            + " / ".join(f"{x:.1f}" for x in load_after)
            + f" (1 / 5 / 15 min, {os.cpu_count()} CPUs)",
            title_justify="left",
        )
        for name in (
            "view",
            "rows",
            "matched",
            "p50 ms",
            "p95 ms",
            "max ms",
            f"p95 ≤ {TARGET_P95_MS:.0f} ms",
            "score index",
        ):
            table.add_column(name, justify="left" if name == "view" else "right")
        for r in results:
            matched = "" if r["matched"] is None else ("≈" if r["estimated"] else "") + f"{r['matched']:,}"
            if r["matched"] is not None and r["matched"] > 10_000 and not r["estimated"]:
                matched = "> 10,000"
            table.add_row(
                r["label"],
                str(r["rows"]),
                matched,
                f"{r['p50']:.1f}",
                f"{r['p95']:.1f}",
                f"{r['max']:.1f}",
                "[green]yes[/]" if r["p95"] <= TARGET_P95_MS else "[red]NO[/]",
                r["index"],
            )
        out.print(table)
        engine.dispose()

        web = web_process(url, schema, args.requests)
        memory = Table(title="The web process (gunicorn, 1 worker, 4 threads)", title_justify="left")
        for name in ("measure", "value", "target", "met"):
            memory.add_column(name, justify="left" if name == "measure" else "right")
        memory.add_row(
            f"callback over HTTP, p50 / p95 ({web['requests']} requests)",
            f"{web['p50']:.0f} / {web['p95']:.0f} ms",
            "",
            "",
        )
        memory.add_row(
            "worker resident memory after them",
            f"{web['worker_rss']:.0f} MB",
            f"< {TARGET_RSS_MB:.0f} MB",
            "[green]yes[/]" if web["worker_rss"] < TARGET_RSS_MB else "[red]NO[/]",
        )
        memory.add_row("gunicorn master resident memory", f"{web['master_rss']:.0f} MB", "", "")
        out.print(memory)


if __name__ == "__main__":
    main()
