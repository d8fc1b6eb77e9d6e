"""Demo mode: a labelled, generated dataset so a newcomer sees the product before hh.ru access.

``load_demo`` creates a demo user with a filled (fictional) resume profile, saved searches, a few
thousand hh.ru-shaped vacancies (``testing.synthetic``, the generator the benchmarks use) run through
the real transform and load, full texts, favourites and bans, and audit rows. Every row it writes
is marked ``is_demo`` (or hangs off one that is, and goes with it). The vacancies are spread over
the three boards the way a real harvest brings them (mostly hh.ru), and their board ids start
with ``demo-``, so they never meet a real vacancy. ``clear_demo`` removes all of it and nothing
else.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from core.errors import UserInputError
from core.passwords import generate_password
from core.schema import (
    banned_employers,
    dictionaries,
    etl_runs,
    resume_profiles,
    searches,
    user_vacancies,
    users,
    vacancies,
)
from core.searches import create_search
from core.users import create_user, get_user
from domain.market import store as market
from domain.matching import store as matching
from domain.sources import SOURCES
from etl import load
from etl.demo_profile import DEMO_PROFILE
from etl.harvest.steps import batches
from etl.transform import currency_rates, details_row, vacancy_row
from testing.synthetic import generate_vacancies, to_search_item
from testing.synthetic_reference import AREAS_TREE, DICTIONARIES, PROFESSIONAL_ROLES_TREE

DEMO_LOGIN = "demo"
DEMO_FIRST_ID = 9_000_000_000  # of the generator's hh.ru-shaped items; stored as "demo-<id>"
DEMO_RUN = "demo__generated"
BATCH = 500

# name, search filters, and the rule that decides which generated vacancies it "found"
_SEARCHES: list[tuple[str, dict[str, Any], Callable[[dict[str, Any]], bool]]] = [
    (
        "Python-разработчик",
        {"text": "python", "professional_roles": ["96"]},
        lambda v: "python" in (v["name"] + " ".join(s["name"] for s in v["key_skills"])).lower(),
    ),
    ("Аналитик данных", {"text": "аналитик"}, lambda v: "аналитик" in v["name"].lower()),
    (
        "Удалённая работа",
        {"work_formats": ["REMOTE"]},
        lambda v: any(f["id"] == "REMOTE" for f in v.get("work_format") or []),
    ),
    (
        "Все вакансии: Москва и Санкт-Петербург",
        {"areas": ["1", "2"]},
        lambda v: v["area"]["id"] in ("1", "2"),
    ),
    ("Все вакансии", {}, lambda v: True),
]


@dataclass(frozen=True)
class DemoSummary:
    login: str
    password: str
    vacancies: int
    searches: int


def demo_loaded(conn: Connection) -> bool:
    return bool(conn.execute(select(func.count()).select_from(users).where(users.c.is_demo)).scalar())


def load_demo(
    engine: Engine,
    *,
    count: int = 3000,
    seed: int = 2026,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Load the demo dataset; :class:`UserInputError` when it is already there."""
    now = now or datetime.now(UTC)
    password = generate_password()
    with engine.begin() as conn:
        if demo_loaded(conn):
            raise UserInputError("demo data is already loaded (remove it with `jobhunter demo clear`)")
        if get_user(conn, DEMO_LOGIN) is not None:
            raise UserInputError(f"a real user is called {DEMO_LOGIN!r}; the demo needs that login")
        user = create_user(conn, DEMO_LOGIN, password, display_name="Демо-пользователь")
        conn.execute(update(users).where(users.c.id == user.id).values(is_demo=True))
        # a filled master resume, so resume generation can be tried at once (goes with the user)
        conn.execute(insert(resume_profiles).values(user_id=user.id, document=DEMO_PROFILE, revision=1))
        search_ids = [create_search(conn, user.id, name=name, **filters) for name, filters, _ in _SEARCHES]
        conn.execute(update(searches).where(searches.c.id.in_(search_ids)).values(is_demo=True))
        _cache_dictionaries(conn)
        rates = currency_rates(
            conn.execute(select(dictionaries.c.payload).where(dictionaries.c.name == "dictionaries")).scalar()
        )
    generated = generate_vacancies(
        count,
        seed=seed,
        start=now - timedelta(days=14),
        end=now - timedelta(hours=1),
        first_id=DEMO_FIRST_ID,
        hostile_html_share=0.01,
    )
    done = 0
    linked: list[int] = []
    for batch in batches(generated, BATCH):
        rows = [_demo_row(v, rates) for v in batch]
        with engine.begin() as conn:
            ids: dict[str, int] = {}
            for source in SOURCES:
                mine = [r for r in rows if r["source"] == source]
                ids |= load.upsert_vacancies(conn, mine, now, DEMO_RUN).ids
            vacancy_ids = [ids[r["source_id"]] for r in rows]
            load.upsert_details(
                conn,
                [
                    details_row(v, r["content_hash"]) | {"vacancy_id": vid}
                    for v, r, vid in zip(batch, rows, vacancy_ids, strict=True)
                ],
                run_id=DEMO_RUN,
            )
            for search_id, (_, _, matches) in zip(search_ids, _SEARCHES, strict=True):
                load.link_to_user(
                    conn,
                    user_id=user.id,
                    search_id=search_id,
                    run_id=DEMO_RUN,
                    vacancy_ids=[vid for v, vid in zip(batch, vacancy_ids, strict=True) if matches(v)],
                )
            # Scored as a harvest scores them, so the demo grid opens ranked by fit.
            matching.score_vacancies(conn, vacancy_ids, today=now.date())
            market.refresh(conn, vacancy_ids)
        linked += vacancy_ids
        done += len(batch)
        if progress:
            progress(done, count)
    with engine.begin() as conn:
        _marks(conn, user.id, linked, random.Random(seed))
        _audit(conn, user.id, search_ids, now, random.Random(seed))
    return DemoSummary(DEMO_LOGIN, password, count, len(search_ids))


def _demo_row(vacancy: dict[str, Any], rates: dict[str, float]) -> dict[str, Any]:
    """The stored row of a generated vacancy, on the board a harvest would have found it on."""
    row = vacancy_row(to_search_item(vacancy), rates) | {"is_demo": True}
    number = row.pop("id")
    source = "trudvsem" if number % 5 == 0 else "superjob" if number % 7 == 0 else "hh"
    row |= {"source": source, "source_id": f"demo-{number}"}
    if source != "hh":  # their boards name employers by their own ids
        row["employer_id"] = f"{source}:{row['employer_id']}" if row["employer_id"] else None
        row["url"] = _DEMO_URLS[source].format(number)
    return row


_DEMO_URLS = {
    "trudvsem": "https://trudvsem.ru/vacancy/card/demo/{}",
    "superjob": "https://www.superjob.ru/vakansii/demo-{}.html",
}


def clear_demo(engine: Engine) -> dict[str, int]:
    """Remove every demo row (vacancies with their texts and links, the demo user, audit rows)."""
    with engine.begin() as conn:
        runs = conn.execute(delete(etl_runs).where(etl_runs.c.is_demo)).rowcount
        gone = conn.execute(delete(vacancies).where(vacancies.c.is_demo)).rowcount
        people = conn.execute(delete(users).where(users.c.is_demo)).rowcount
    return {"vacancies": gone, "users": people, "audit rows": runs}


def _cache_dictionaries(conn: Connection) -> None:
    """Give the saved-search pickers reference data when hh.ru was never reached (real data wins)."""
    for name, payload in (
        ("dictionaries", DICTIONARIES),
        ("areas", AREAS_TREE),
        ("professional_roles", PROFESSIONAL_ROLES_TREE),
    ):
        if conn.execute(select(dictionaries.c.name).where(dictionaries.c.name == name)).first() is None:
            conn.execute(insert(dictionaries).values(name=name, payload=payload))


def _marks(conn: Connection, user_id: int, ids: list[int], rnd: random.Random) -> None:
    """A few favourites, a few banned vacancies and one banned employer, as a real user would have."""
    chosen = rnd.sample(ids, min(len(ids), 20))
    favourites, banned = chosen[:14], chosen[14:19]
    rows = user_vacancies.c
    conn.execute(
        update(user_vacancies)
        .where(rows.user_id == user_id, rows.vacancy_id.in_(favourites))
        .values(is_favourite=True)
    )
    conn.execute(
        update(user_vacancies)
        .where(rows.user_id == user_id, rows.vacancy_id.in_(banned))
        .values(is_banned=True)
    )
    employer = conn.execute(
        select(vacancies.c.employer_id, vacancies.c.employer_name).where(vacancies.c.id == chosen[-1])
    ).one()
    if employer.employer_id:
        conn.execute(
            insert(banned_employers).values(
                user_id=user_id, employer_id=employer.employer_id, employer_name=employer.employer_name
            )
        )


def _audit(conn: Connection, user_id: int, search_ids: list[int], now: datetime, rnd: random.Random) -> None:
    """Plausible audit rows for the last working days: mostly success, one partial, one captcha."""
    rows = []
    hours = [now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=h) for h in (1, 2, 3, 26, 27)]
    for index, start in enumerate(hours):
        for search_id, (name, _, _) in zip(search_ids, _SEARCHES, strict=True):
            status = "success"
            if index == 2 and name == "Удалённая работа":
                status = "partial"
            if index == 4 and name == "Аналитик данных":
                status = "captcha"
            found = rnd.randint(40, 400)
            new = rnd.randint(0, found // 5)
            rows.append(
                {
                    "run_id": f"demo__scheduled__{start:%Y-%m-%dT%H:%M}",
                    "search_id": search_id,
                    "source": "hh",
                    "search_name": name,
                    "user_id": user_id,
                    "trigger": "scheduled" if index else "manual",
                    "window_from": start - timedelta(hours=2),
                    "window_to": start,
                    "started_at": start,
                    "finished_at": start + timedelta(seconds=rnd.randint(5, 90)),
                    "status": status,
                    "http_requests": found // 100 + 1 + new,
                    "pages": found // 100 + 1,
                    "found": found,
                    "received": found,
                    "new": new,
                    "updated": rnd.randint(0, 5),
                    "unchanged": found - new,
                    "details_fetched": new,
                    "retries": rnd.randint(0, 2),
                    "error": {
                        "partial": "3 full vacancies could not be fetched; next run retries",
                        "captcha": "hh.ru demands a captcha: configure an application token",
                    }.get(status),
                    "is_demo": True,
                }
            )
    conn.execute(insert(etl_runs), rows)
