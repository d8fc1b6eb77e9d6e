"""Match score benchmark: ranking quality on the labelled set, and rescoring throughput.

    .venv/bin/python bench/match.py [--links 100000] [--quick]

1. Quality: for each profile of ``tests/data/match_eval.json`` (see ``tests/data/match_eval.md``
   for the labelling rule), its vacancies ranked three ways: by the match score
   (:func:`domain.matching.score`), newest first (the grid's default order without a score), and
   by plain keyword overlap (the share of the profile's skill words found, as written, in the
   vacancy's title, key skills and text: no synonyms, no word forms). NDCG@10 uses the labels as
   gains (relevant 2, partly 1, irrelevant 0); precision@10 is the share of the top ten
   labelled *relevant* (partly does not count). Ties are broken by vacancy id, newest id first,
   as the grid does.
2. Throughput: ``--links`` synthetic hh.ru vacancies (with details) linked to one user in a
   throw-away schema, a profile saved, then :func:`domain.matching.store.rescore` over all of
   them, cold (every description stemmed and its terms stored) and warm (the profile changed
   again: the stored terms are read). Beside it the floor: one bare ``UPDATE`` writing a score,
   parts and revision into the same rows.

PostgreSQL: ``JH_BENCH_DATABASE_URL``, else ``JH_TEST_DATABASE_URL``, else a throw-away embedded
server. ``--quick`` runs section 2 on 2,000 links (for the smoke test). A measurement tool: it
prints figures beside their targets and asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/match.py` puts bench/ first, not the repo root
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from domain import skills  # noqa: E402
from domain.matching.score import MatchProfile, VacancyFacts, score  # noqa: E402
from domain.resume.model import Profile  # noqa: E402

DATA = ROOT / "tests" / "data" / "match_eval.json"
K = 10
TARGET_S = 30.0
"""Rescoring 100,000 links must take at most this long (issue #14)."""
TARGET_LINKS = 100_000


@dataclass(frozen=True)
class Case:
    """One profile of the labelled set and its vacancies."""

    name: str
    profile: Profile
    today: date
    vacancies: list[dict[str, Any]]


def load_set(path: Path = DATA) -> list[Case]:
    data = json.loads(path.read_text(encoding="utf-8"))
    today = date.fromisoformat(data["today"])
    return [
        Case(p["id"], Profile.model_validate(p["profile"]), today, p["vacancies"]) for p in data["profiles"]
    ]


def facts(vacancy: Mapping[str, Any]) -> VacancyFacts:
    """A labelled vacancy as the score reads it (as ``domain.matching.store`` builds it from a
    vacancy with details: its terms are those of its key skills and description)."""
    return VacancyFacts(
        name=vacancy["name"],
        key_skills=tuple(vacancy["key_skills"]),
        terms=skills.terms(*vacancy["key_skills"], vacancy["description"]),
        role_names=(vacancy["professional_role"],),
        experience_id=vacancy["experience_id"],
        salary_from_rub=vacancy["salary_from_rub"],
        salary_to_rub=vacancy["salary_to_rub"],
        area_name=vacancy["area_name"],
        work_format_ids=tuple(vacancy["work_format_ids"]),
    )


# -- the three orders -------------------------------------------------------------------------------

Ranker = Callable[[Case], list[dict[str, Any]]]


def _ordered(
    vacancies: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> list[dict[str, Any]]:
    return sorted(vacancies, key=lambda v: (key(v), v["id"]), reverse=True)


def by_score(case: Case) -> list[dict[str, Any]]:
    mine = MatchProfile.of(case.profile, case.today)
    scores = {v["id"]: score(mine, facts(v)).score for v in case.vacancies}
    return _ordered(case.vacancies, lambda v: scores[v["id"]])


def newest_first(case: Case) -> list[dict[str, Any]]:
    return _ordered(case.vacancies, lambda v: datetime.fromisoformat(v["published_at"]))


_PLAIN_WORD = re.compile(r"[\w+#]+")


def plain_words(text: str) -> set[str]:
    """Lower-cased words as written: no stemming, no synonyms."""
    return set(_PLAIN_WORD.findall(text.casefold()))


def keyword_overlap(case: Case) -> list[dict[str, Any]]:
    wanted = plain_words(" ".join(case.profile.skills))

    def share(v: dict[str, Any]) -> float:
        found = plain_words(" ".join((v["name"], *v["key_skills"], v["description"])))
        return len(wanted & found) / len(wanted) if wanted else 0.0

    return _ordered(case.vacancies, share)


RANKERS: dict[str, Ranker] = {
    "match score": by_score,
    "newest first": newest_first,
    "keyword overlap": keyword_overlap,
}


def ndcg(ranked: Sequence[Mapping[str, Any]], k: int = K) -> float:
    """NDCG@k with the labels as gains (2, 1, 0)."""

    def dcg(gains: Iterable[int]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(gains))

    ideal = dcg(sorted((v["label"] for v in ranked), reverse=True)[:k])
    return dcg(v["label"] for v in ranked[:k]) / ideal if ideal else 0.0


def precision(ranked: Sequence[Mapping[str, Any]], k: int = K) -> float:
    """Share of the top ``k`` labelled relevant (2)."""
    return sum(v["label"] == 2 for v in ranked[:k]) / k


def quality(cases: Sequence[Case] | None = None) -> dict[str, dict[str, tuple[float, float]]]:
    """``{profile: {ranker: (NDCG@10, precision@10)}}``."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for case in cases if cases is not None else load_set():
        out[case.name] = {}
        for name, rank in RANKERS.items():
            ranked = rank(case)
            out[case.name][name] = (ndcg(ranked), precision(ranked))
    return out


# -- throughput --------------------------------------------------------------------------------------

BENCH_PROFILE = {
    "headline": "Python-разработчик",
    "skills": ["Python", "Django", "FastAPI", "PostgreSQL", "Redis", "Celery", "Docker", "Git", "Linux",
               "REST API", "SQL", "RabbitMQ", "Kafka", "Kubernetes"],
    "experience": [{"employer": "ООО «Финтех»", "role": "Backend-разработчик", "start": "2020-01"}],
    "wishes": {"roles": ["Python-разработчик"], "salary": 200_000, "areas": ["Москва"],
               "work_formats": ["REMOTE", "HYBRID"]},
}  # fmt: skip


def throughput(url: str, links: int, today: date) -> dict[str, float]:
    """Seconds to rescore ``links`` links cold and warm, and the bare UPDATE floor."""
    from sqlalchemy import text

    from bench.common import throwaway_schema
    from bench.datagen import bulk_load
    from core.db import make_engine
    from core.schema import user_vacancies
    from core.searches import create_search
    from core.settings import load_settings
    from core.users import create_user
    from domain.matching.store import pending, rescore
    from domain.resume.store import save_profile

    with throwaway_schema(url, "jh_bench_match") as schema:
        engine = make_engine(load_settings(database_url=url, db_schema=schema, _env_file=None))
        try:
            with engine.begin() as conn:
                user = create_user(conn, "bench", "bench password 1")
                searches = [create_search(conn, user.id, name=n, text=n) for n in ("python", "все")]
            started = time.perf_counter()
            bulk_load(url, schema, user_id=user.id, search_ids=searches, n=links)
            load_s = time.perf_counter() - started
            profile = Profile.model_validate(BENCH_PROFILE)
            figures = {"load_s": load_s}
            for run in ("cold", "warm"):
                if run == "warm":
                    profile.wishes.salary = (profile.wishes.salary or 0) + 10_000
                with engine.begin() as conn:
                    save_profile(conn, user.id, profile)
                seen: list[tuple[int, int]] = []
                started = time.perf_counter()
                done = rescore(
                    engine, user.id, today=today, progress=lambda d, t, seen=seen: seen.append((d, t))
                )
                figures[f"{run}_s"] = time.perf_counter() - started
                figures[f"{run}_done"] = float(done or 0)
                figures[f"{run}_updates"] = float(len(seen))
            with engine.connect() as conn:
                stale, total = pending(conn, user.id)
            figures["stale_after"] = float(stale)
            table = f'"{schema}".{user_vacancies.name}'
            started = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(
                    text(
                        f"UPDATE {table} SET score = 50, scored_rev = -1, score_parts = "  # noqa: S608
                        """'{"points": {"skills": 20, "title": 15, "experience": 5, "salary": 5, """
                        """"area": 3, "format": 2}, "matched": ["Python"], "missing": ["Java"]}'::jsonb """
                        "WHERE user_id = :user_id"
                    ),
                    {"user_id": user.id},
                )
            figures["floor_s"] = time.perf_counter() - started
            figures["total"] = float(total)
            return figures
        finally:
            engine.dispose()


# -- printing ----------------------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "[green]yes[/]" if ok else "[red]NO[/]"


def quality_table(results: Mapping[str, Mapping[str, tuple[float, float]]], cases: Sequence[Case]) -> Table:
    table = Table(
        title=f"1. Ranking quality on the labelled set ({sum(len(c.vacancies) for c in cases)} vacancies): "
        "NDCG@10 (gain: relevant 2, partly 1) and precision@10 (share of the top 10 labelled relevant)",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("profile", justify="left")
    table.add_column("vacancies (rel/partly/irr)", justify="right")
    for name in RANKERS:
        table.add_column(f"{name} NDCG", justify="right")
        table.add_column(f"{name} P@10", justify="right")
    table.add_column("score beats both (NDCG)", justify="right")
    by_name = {c.name: c for c in cases}
    for profile, figures in results.items():
        labels = [v["label"] for v in by_name[profile].vacancies]
        row = [profile, f"{len(labels)} ({labels.count(2)}/{labels.count(1)}/{labels.count(0)})"]
        for name in RANKERS:
            row += [f"{figures[name][0]:.3f}", f"{figures[name][1]:.2f}"]
        ours = figures["match score"][0]
        row.append(_met(all(ours > figures[n][0] for n in RANKERS if n != "match score")))
        table.add_row(*row)
    mean = {n: [sum(f[n][i] for f in results.values()) / len(results) for i in (0, 1)] for n in RANKERS}
    table.add_row("mean", "", *(f"{mean[n][i]:.{3 if i == 0 else 2}f}" for n in RANKERS for i in (0, 1)), "")
    return table


def throughput_table(figures: Mapping[str, float], links: int) -> Table:
    table = Table(
        title=f"2. Rescoring {links:,} links of one user (domain.matching.store.rescore, "
        f"batches of 2,000, one transaction each; loaded in {figures['load_s']:.0f} s)",
        title_justify="left",
        title_style="bold",
    )
    for name in ("run", "links", "seconds", "links/s", f"per {TARGET_LINKS:,}", f"target ≤ {TARGET_S:.0f} s",
                 "floor (bare UPDATE)", "× floor"):  # fmt: skip
        table.add_column(name, justify="left" if name == "run" else "right")
    scale = TARGET_LINKS / links
    floor = figures["floor_s"]
    for run, label in (("cold", "cold: texts stemmed, terms stored"), ("warm", "warm: stored terms read")):
        seconds = figures[f"{run}_s"]
        done = figures[f"{run}_done"]
        table.add_row(
            label,
            f"{done:,.0f}",
            f"{seconds:.2f}",
            f"{done / seconds:,.0f}" if seconds else "",
            f"{seconds * scale:.1f} s",
            _met(seconds * scale <= TARGET_S),
            f"{floor:.2f} s ({links / floor:,.0f}/s)" if floor else "",
            f"{seconds / floor:.1f}" if floor else "",
        )
    table.add_row(
        "links still stale afterwards",
        f"{figures['stale_after']:,.0f}",
        "",
        "",
        "",
        _met(not figures["stale_after"]),
    )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=TARGET_LINKS, help="links to rescore (default 100,000)")
    parser.add_argument("--quick", action="store_true", help="a small run: 2,000 links")
    parser.add_argument("--quality-only", action="store_true", help="skip the throughput section")
    args = parser.parse_args(argv)
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160
    console = Console(width=width, highlight=False)
    cases = load_set()
    console.print(f"Job Hunter match score benchmark: {len(cases)} labelled profiles")
    console.print(quality_table(quality(cases), cases))
    if args.quality_only:
        return 0
    from bench.common import database

    links = 2_000 if args.quick else args.links
    with contextlib.ExitStack() as stack:
        url, where = stack.enter_context(database())
        console.print(f"PostgreSQL: {where}")
        before = os.getloadavg()[0]
        figures = throughput(url, links, cases[0].today)
    console.print(throughput_table(figures, links))
    console.print(
        f"load average (1 min) before / after: {before:.1f} / {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs: the database and this process share them"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
