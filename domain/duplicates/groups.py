"""Duplicate groups in PostgreSQL: regroup what a harvest loaded, and each user's splits.

:func:`regroup` finds candidates cheaply in SQL and leaves the decision to
:mod:`domain.duplicates.decide`; :func:`split` / :func:`unsplit` write ``t20_jh_group_splits``;
:func:`group_members` / :func:`group_members_of` are what the web app shows as "also on …".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Text,
    and_,
    bindparam,
    delete,
    exists,
    func,
    literal,
    select,
    true,
    union,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert

from core.db import unprepared
from core.errors import UserInputError
from core.schema import SCHEMA, dictionaries, group_splits, user_vacancies, vacancies
from domain.duplicates.decide import MAIN_CITIES, MAX_DAYS, Candidate, Parents, assign
from domain.duplicates.normalise import SALARY_SLACK, normalise_employer
from domain.sources import SOURCES

BATCH = 500
"""Vacancies looked up per statement in :func:`regroup`."""
TITLE_TRIGRAMS = 0.3
"""The least pg_trgm similarity of two titles for :func:`regroup` to compare them (a likely
duplicate's titles are well above it: "Водитель" and "Водитель автомобиля" have 0.45)."""

_FIELDS = [vacancies.c[name] for name in Candidate.__dataclass_fields__]
_LOCK = literal(0x6A68_6475)  # 'jhdu': with the schema's name, the advisory lock regroups take


_PARENTS: dict[Any, dict[str, str]] = {}


def _parents(conn: Connection) -> dict[str, str]:
    """hh.ru's areas tree as ``{area: parent}`` (the built-in main cities when it is not cached);
    parsed once per version of the cached tree."""
    areas = dictionaries.c.name == "areas"
    fetched = conn.execute(select(dictionaries.c.fetched_at).where(areas)).scalar()
    if fetched not in _PARENTS:
        tree = conn.execute(select(dictionaries.c.payload).where(areas)).scalar()
        _PARENTS.clear()
        _PARENTS[fetched] = _area_parents(tree)
    return _PARENTS[fetched]


def _area_parents(tree: Any) -> dict[str, str]:
    parents = dict(MAIN_CITIES)

    def walk(nodes: Iterable[Mapping[str, Any]], parent: str | None) -> None:
        for node in nodes:
            if parent is not None:
                parents[str(node.get("id"))] = parent
            walk(node.get("areas") or (), str(node.get("id")))

    walk(tree if isinstance(tree, list) else (), None)
    return parents


def search_keys(employer_name: str | None) -> list[str]:
    """What :func:`regroup` looks an employer up by in the trigram index: the normalised name with
    and without abbreviations ("ск восток" and "строительная компания восток")."""
    short, full = normalise_employer(employer_name), normalise_employer(employer_name, abbreviate=False)
    return list(dict.fromkeys(key for key in (short, full) if key))


def _candidate_pairs() -> Any:
    """``(probe, candidate)`` ids: other boards' vacancies published within MAX_DAYS of the probe,
    with a compatible salary (or none) and a title of similar trigrams, whose employer has the
    probe's INN or whose name holds one of the probe's :func:`search_keys` (``<%``: pg_trgm word
    similarity, served by the trigram index on employer_name)."""
    given = (
        func.unnest(
            bindparam("ids", type_=ARRAY(BigInteger)),
            bindparam("cores", type_=ARRAY(Text)),
            bindparam("inns", type_=ARRAY(Text)),
        )
        .table_valued("id", "core", "inn")
        .render_derived(name="p")
    )
    n, c = vacancies.alias("n"), vacancies.alias("c")
    days = timedelta(days=MAX_DAYS)

    def salary(t: Any) -> tuple[Any, Any]:
        low = func.coalesce(t.c.salary_from_rub, t.c.salary_to_rub)
        high = func.coalesce(t.c.salary_to_rub, t.c.salary_from_rub)
        return func.least(low, high), func.greatest(low, high)

    def near(other: Any) -> list[Any]:
        (cl, ch), (nl, nh) = salary(other), salary(n)
        return [
            other.c.source != n.c.source,
            other.c.published_at.between(n.c.published_at - days, n.c.published_at + days),
            func.coalesce(and_(cl <= nh * SALARY_SLACK, nl <= ch * SALARY_SLACK), true()),
            # titles alike; the function, not the operator %: the employer's index must lead,
            # a title index would return every "Продавец-кассир" of the fortnight
            func.similarity(other.c.name, n.c.name) >= TITLE_TRIGRAMS,
        ]

    # Each employer is looked up in the trigram index once per batch, not once per probe: a big
    # employer's thousands of vacancies were rechecked for every one of its probes. The lookup is
    # bounded by the batch's publication span; each probe then keeps what is near to it.
    keys = select(given.c.core).where(given.c.core.is_not(None)).distinct().cte("keys")
    span = (
        select(func.min(n.c.published_at).label("low"), func.max(n.c.published_at).label("high"))
        .where(n.c.id.in_(select(given.c.id).scalar_subquery()))
        .cte("span")
    )
    e = vacancies.alias("e")
    employed = (
        select(keys.c.core, e.c.id)
        .select_from(keys.join(e, keys.c.core.op("<%")(e.c.employer_name)).join(span, true()))
        .where(e.c.published_at.between(span.c.low - days, span.c.high + days))
        .cte("employed")
    )
    named = (
        select(given.c.id.label("probe"), c.c.id.label("candidate"))
        .select_from(
            given.join(n, n.c.id == given.c.id)
            .join(employed, employed.c.core == given.c.core)
            .join(c, c.c.id == employed.c.id)
        )
        .where(*near(c))
    )
    c2 = vacancies.alias("c2")
    inn = select(given.c.id, c2.c.id).select_from(
        given.join(n, n.c.id == given.c.id).join(c2, and_(c2.c.employer_inn == given.c.inn, *near(c2)))
    )
    return union(named, inn)


_PAIRS = _candidate_pairs()


def _rows(conn: Connection, where: Any) -> list[Any]:
    return list(conn.execute(select(*_FIELDS, vacancies.c.group_id).where(where)))


def _boards_present(conn: Connection) -> list[str]:
    """The boards with any vacancy stored (an index probe each: the key leads with the board)."""
    return [
        name
        for name in SOURCES
        if conn.execute(select(exists().where(vacancies.c.source == name))).scalar_one()
    ]


def regroup(conn: Connection, vacancy_ids: Iterable[int]) -> int:
    """Place the given vacancies (just loaded by a harvest) in their duplicate groups; returns how
    many vacancies changed group.

    In the caller's transaction, which it holds an advisory lock of the schema for (two boards'
    harvests must not build groups from each other's half-written state). Idempotent: the same
    ids again change nothing. Groups are changed only where a given vacancy joins or leaves.

    Per batch of :data:`BATCH` vacancies: one statement for them, one for their candidates (see
    :func:`_candidate_pairs`; areas are compared in Python, since Trudvsem names a region where
    the others name its city), one or two for the candidates and their groups' members, and one
    update. About 3 ms a vacancy on the benchmark's synthetic 10,000 (``bench/duplicates.py``).
    """
    ids = sorted(set(vacancy_ids))
    if not ids or len(_boards_present(conn)) < 2:  # one board's vacancies only: nothing to group
        return 0
    schema = (conn.get_execution_options().get("schema_translate_map") or {}).get(SCHEMA, SCHEMA)
    conn.execute(select(func.pg_advisory_xact_lock(_LOCK, func.hashtext(schema))))
    parents = _parents(conn)
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += _regroup_batch(conn, ids[start : start + BATCH], parents)
    return changed


def _regroup_batch(conn: Connection, ids: list[int], parents: Parents) -> int:
    probes = _rows(conn, vacancies.c.id.in_(ids))
    if not probes:
        return 0
    keys = [(r, key) for r in probes for key in search_keys(r.employer_name) or [None]]
    params = {
        "ids": [r.id for r, _ in keys],
        "cores": [key for _, key in keys],
        "inns": [r.employer_inn for r, _ in keys],
    }
    neighbours: dict[int, set[int]] = {}
    for probe, candidate in unprepared(conn, _PAIRS, params):
        neighbours.setdefault(probe, set()).add(candidate)
    found = {c for cs in neighbours.values() for c in cs}
    known = {r.id: r for r in probes}
    extra = found - known.keys()
    if extra:
        known |= {r.id: r for r in _rows(conn, vacancies.c.id.in_(extra))}
    group_ids = {r.group_id for r in known.values() if r.group_id is not None}
    if group_ids:  # every member of a group touched, to keep one board per group
        known |= {r.id: r for r in _rows(conn, vacancies.c.group_id.in_(group_ids))}
    mates: dict[int, set[int]] = {}
    for r in known.values():
        if r.group_id is not None:
            mates.setdefault(r.group_id, set()).add(r.id)
    for r in probes:  # a probe's group mates are its neighbours too
        if r.group_id is not None:
            neighbours.setdefault(r.id, set()).update(mates[r.group_id])
    placed = assign(
        [Candidate.of(r._mapping) for r in known.values()],
        [r.id for r in probes],
        groups={r.id: r.group_id for r in known.values()},
        neighbours=neighbours,
        parents=parents,
    )
    moved = {rid: gid for rid, gid in placed.items() if known[rid].group_id != gid}
    if not moved:
        return 0
    target = (
        func.unnest(bindparam("mids", type_=ARRAY(BigInteger)), bindparam("gids", type_=ARRAY(BigInteger)))
        .table_valued("id", "group_id")
        .render_derived(name="m")
    )
    stmt = (
        update(vacancies)
        .where(vacancies.c.id == target.c.id)
        .where(vacancies.c.group_id.is_distinct_from(target.c.group_id))
        .values(group_id=target.c.group_id)
    )
    written = unprepared(
        conn, stmt.returning(vacancies.c.id), {"mids": list(moved), "gids": list(moved.values())}
    )
    return len(written)


# -- a user's view ----------------------------------------------------------------------------------


def _authorise(conn: Connection, user_id: int, vacancy_id: int) -> None:
    linked = conn.execute(
        select(user_vacancies.c.vacancy_id).where(
            user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == vacancy_id
        )
    ).first()
    if linked is None:
        raise UserInputError(
            f"vacancy {vacancy_id} is not among your vacancies", code="vacancy_not_found", id=vacancy_id
        )


def split(conn: Connection, user_id: int, vacancy_id: int) -> bool:
    """Take a vacancy out of its group for this user (it shows as a row of its own); True when
    it was not split before. Only a vacancy the user's searches found (``UserInputError``
    otherwise)."""
    _authorise(conn, user_id, vacancy_id)
    stmt = insert(group_splits).values(user_id=user_id, vacancy_id=vacancy_id).on_conflict_do_nothing()
    return conn.execute(stmt.returning(group_splits.c.vacancy_id)).first() is not None


def unsplit(conn: Connection, user_id: int, vacancy_id: int) -> bool:
    """Put a vacancy back in its group for this user; True when it was split. Authorised as
    :func:`split`."""
    _authorise(conn, user_id, vacancy_id)
    stmt = delete(group_splits).where(
        group_splits.c.user_id == user_id, group_splits.c.vacancy_id == vacancy_id
    )
    return conn.execute(stmt.returning(group_splits.c.vacancy_id)).first() is not None
