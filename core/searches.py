"""Saved searches: validation, creation and look-up.

A search speaks hh.ru's vocabulary (its ids are the canonical lists); each board's adapter maps
it onto its own parameters. ``sources`` names the boards it runs on (empty: every enabled one),
and each board keeps its own cursor (``watermarks``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from core.errors import UserInputError
from core.schema import dictionaries, search_cursors, searches, users
from core.sources import check as check_sources

# hh.ru dictionary ids (GET /dictionaries); searches are validated against them so a typo
# fails here with a clear message instead of being silently ignored by hh.ru.
EXPERIENCE = ("noExperience", "between1And3", "between3And6", "moreThan6")
WORK_FORMATS = ("ON_SITE", "REMOTE", "HYBRID", "FIELD_WORK")
EMPLOYMENT_FORMS = ("FULL", "PART", "PROJECT", "FLY_IN_FLY_OUT")
SCHEDULES = ("fullDay", "shift", "flexible", "remote", "flyInFlyOut")
SEARCH_FIELDS = ("name", "company_name", "description")
# ASCII digits only: "\d" would also take "²" or "٣", which int() and hh.ru refuse.
_NUMERIC_ID = re.compile(r"[0-9]{1,10}")
#: The salary column is a PostgreSQL integer.
MAX_SALARY = 2**31 - 1
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class SavedSearch:
    id: int
    user_id: int
    user_login: str
    name: str
    text: str
    search_fields: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    professional_roles: list[str] = field(default_factory=list)
    experience: list[str] = field(default_factory=list)
    work_formats: list[str] = field(default_factory=list)
    employment_forms: list[str] = field(default_factory=list)
    schedules: list[str] = field(default_factory=list)
    salary: int | None = None
    currency: str = "RUR"
    only_with_salary: bool = False
    sources: list[str] = field(default_factory=list)
    is_active: bool = True
    watermarks: dict[str, datetime] = field(default_factory=dict)


def _choices(name: str, values: Sequence[str], allowed: Sequence[str]) -> list[str]:
    for value in values:
        if value not in allowed:
            raise UserInputError(f"{name} {value!r} is not known to hh.ru; use one of: {', '.join(allowed)}")
    return list(dict.fromkeys(values))


def _ids(name: str, values: Sequence[str]) -> list[str]:
    for value in values:
        if not _NUMERIC_ID.fullmatch(str(value)):
            raise UserInputError(f"{name} {value!r} must be a numeric hh.ru id (e.g. 1 for Москва)")
    return list(dict.fromkeys(str(v) for v in values))


def validate(
    *,
    name: str,
    text: str = "",
    search_fields: Sequence[str] = (),
    areas: Sequence[str] = (),
    professional_roles: Sequence[str] = (),
    experience: Sequence[str] = (),
    work_formats: Sequence[str] = (),
    employment_forms: Sequence[str] = (),
    schedules: Sequence[str] = (),
    salary: int | None = None,
    currency: str = "RUR",
    only_with_salary: bool = False,
    sources: Sequence[str] = (),
) -> dict[str, object]:
    """Column values for a saved search, or :class:`UserInputError` naming the bad field."""
    name = name.strip()
    if not name or len(name) > 100:
        raise UserInputError("a saved search needs a name of 1-100 characters", code="search_name")
    text = text.strip()
    if len(text) > 3000:
        raise UserInputError(
            "the search text is longer than hh.ru accepts (3000 characters)", code="search_text_long"
        )
    if salary is not None and salary <= 0:
        raise UserInputError("salary must be a positive number", code="salary_positive")
    if salary is not None and salary > MAX_SALARY:
        raise UserInputError(f"salary must be at most {MAX_SALARY}", code="salary_too_large", n=MAX_SALARY)
    if not _CURRENCY.fullmatch(currency):
        raise UserInputError(f"currency {currency!r} must be an hh.ru currency code such as RUR or USD")
    try:
        chosen = check_sources(sources)
    except ValueError as error:
        raise UserInputError(str(error), code="search_unknown_source", value=str(error)) from None
    return {
        "name": name,
        "text": text,
        "search_fields": _choices("search field", search_fields, SEARCH_FIELDS),
        "areas": _ids("area", areas),
        "professional_roles": _ids("professional role", professional_roles),
        "experience": _choices("experience", experience, EXPERIENCE),
        "work_formats": _choices("work format", work_formats, WORK_FORMATS),
        "employment_forms": _choices("employment form", employment_forms, EMPLOYMENT_FORMS),
        "schedules": _choices("schedule", schedules, SCHEDULES),
        "salary": salary,
        "currency": currency,
        "only_with_salary": only_with_salary,
        "sources": chosen,
    }


def _area_ids(nodes: object, out: set[str]) -> set[str]:
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, dict) and "id" in node:
            out.add(str(node["id"]))
            _area_ids(node.get("areas"), out)
    return out


def _role_ids(payload: object) -> set[str]:
    categories = payload.get("categories", []) if isinstance(payload, dict) else []
    return {
        str(role["id"])
        for category in categories
        if isinstance(category, dict)
        for role in category.get("roles", [])
        if isinstance(role, dict) and "id" in role
    }


def known_ids(conn: Connection) -> dict[str, set[str] | None]:
    """The area and professional role ids of the cached hh.ru dictionaries (None: not cached yet)."""
    cached = dict(
        conn.execute(
            select(dictionaries.c.name, dictionaries.c.payload).where(
                dictionaries.c.name.in_(("areas", "professional_roles"))
            )
        ).all()
    )
    return {
        "area": _area_ids(cached["areas"], set()) if cached.get("areas") else None,
        "professional role": _role_ids(cached["professional_roles"])
        if cached.get("professional_roles")
        else None,
    }


def check_known(conn: Connection, row: dict[str, object]) -> None:
    """Refuse area and role ids hh.ru does not know (a search with one silently finds nothing).

    Checked against the cached dictionaries; while nothing is cached there is nothing to check against.
    """
    known = known_ids(conn)
    for name, values in (("area", row["areas"]), ("professional role", row["professional_roles"])):
        allowed = known[name]
        unknown = [v for v in values if allowed is not None and v not in allowed]  # type: ignore[union-attr]
        if unknown:
            raise UserInputError(
                f"{name} {unknown[0]!r} is not known to hh.ru (see its /areas and /professional_roles)",
                code=f"search_unknown_{name.replace(' ', '_')}",
                value=unknown[0],
            )


def create_search(conn: Connection, user_id: int, **values: object) -> int:
    """Insert a validated saved search for ``user_id`` and return its id."""
    row = validate(**values)  # type: ignore[arg-type]
    check_known(conn, row)
    taken = conn.execute(
        select(searches.c.id).where(searches.c.user_id == user_id, searches.c.name == row["name"])
    ).first()
    if taken:
        raise UserInputError(
            f"this user already has a saved search named {row['name']!r}",
            code="search_taken",
            name=row["name"],
        )
    return conn.execute(insert(searches).values(user_id=user_id, **row).returning(searches.c.id)).scalar_one()


def list_searches(
    conn: Connection,
    *,
    ids: Sequence[int] | None = None,
    active_only: bool = False,
    user_id: int | None = None,
) -> list[SavedSearch]:
    """Saved searches with their owner's login and their cursors, ordered by id."""
    cursors = (
        select(func.jsonb_object_agg(search_cursors.c.source, search_cursors.c.watermark))
        .where(search_cursors.c.search_id == searches.c.id)
        .scalar_subquery()
    )
    query = (
        select(searches, users.c.login.label("user_login"), cursors.label("watermarks"))
        .join(users, users.c.id == searches.c.user_id)
        .order_by(searches.c.id)
    )
    if ids is not None:
        query = query.where(searches.c.id.in_(list(ids)))
    if active_only:  # what a harvest may run: demo searches never reach hh.ru
        query = query.where(searches.c.is_active, users.c.is_active, ~searches.c.is_demo)
    if user_id is not None:
        query = query.where(searches.c.user_id == user_id)
    names = SavedSearch.__dataclass_fields__
    found = []
    for row in conn.execute(query):
        values = {k: v for k, v in row._mapping.items() if k in names}
        values["watermarks"] = {
            source: datetime.fromisoformat(moment) for source, moment in (row.watermarks or {}).items()
        }
        found.append(SavedSearch(**values))
    return found


def update_search(conn: Connection, user_id: int, search_id: int, **values: object) -> None:
    """Replace the filters of one of ``user_id``'s saved searches (validated like a new one).

    Raises :class:`UserInputError` when it is not this user's search or the new name is taken.
    """
    row = validate(**values)  # type: ignore[arg-type]
    check_known(conn, row)
    taken = conn.execute(
        select(searches.c.id).where(
            searches.c.user_id == user_id, searches.c.name == row["name"], searches.c.id != search_id
        )
    ).first()
    if taken:
        raise UserInputError(
            f"this user already has a saved search named {row['name']!r}",
            code="search_taken",
            name=row["name"],
        )
    result = conn.execute(
        update(searches)
        .where(searches.c.id == search_id, searches.c.user_id == user_id)
        .values(**row, updated_at=func.now())
    )
    if result.rowcount == 0:
        raise UserInputError(f"no saved search {search_id} of this user")


def set_search_active(conn: Connection, user_id: int, search_id: int, active: bool) -> None:
    """Pause or resume one of ``user_id``'s saved searches."""
    result = conn.execute(
        update(searches)
        .where(searches.c.id == search_id, searches.c.user_id == user_id)
        .values(is_active=active, updated_at=func.now())
    )
    if result.rowcount == 0:
        raise UserInputError(f"no saved search {search_id} of this user")


def delete_search(conn: Connection, user_id: int, search_id: int) -> str:
    """Delete one of ``user_id``'s saved searches; returns its name. Found vacancies stay."""
    name = conn.execute(
        delete(searches)
        .where(searches.c.id == search_id, searches.c.user_id == user_id)
        .returning(searches.c.name)
    ).scalar_one_or_none()
    if name is None:
        raise UserInputError(f"no saved search {search_id} of this user")
    return name
