"""Profiles, users' GigaChat keys and generations in PostgreSQL. Every function takes the user's id
and touches only that user's rows; a vacancy is read only through the user's own link to it
(``t08_jh_user_vacancies``).

The key is stored encrypted (``core.secrets``, Fernet) in ``t16_jh_resume_profiles.gigachat_key``;
it is decrypted only to call GigaChat, and nothing here returns it to a page.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError

from core.schema import details, resume_generations, resume_profiles, user_vacancies, vacancies
from core.secrets import decrypt, encrypt
from core.settings import GIGACHAT_SCOPES, Settings
from domain.resume.model import Profile, Vacancy

HISTORY_LIMIT = 20
_log = logging.getLogger(__name__)
_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


@dataclass(frozen=True)
class StoredProfile:
    profile: Profile
    has_key: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None
    exists: bool = False
    document: dict[str, Any] = field(default_factory=dict)  # as stored (shown even if no longer valid)


class BadKey(ValueError):
    """The text given is not a GigaChat authorization key."""


class BadOption(ValueError):
    """A GigaChat option is out of range (``field`` names which)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.field = name


# -- profile ---------------------------------------------------------------------------------------


def load_profile(conn: Connection, user_id: int) -> StoredProfile:
    row = conn.execute(
        select(
            resume_profiles.c.document,
            resume_profiles.c.gigachat_key.isnot(None).label("has_key"),
            resume_profiles.c.gigachat_options,
            resume_profiles.c.updated_at,
        ).where(resume_profiles.c.user_id == user_id)
    ).one_or_none()
    if row is None:
        return StoredProfile(Profile())
    document = dict(row.document or {})
    try:
        profile = Profile.model_validate(document)
    except ValidationError:  # stored under older rules: the form shows it to be fixed and saved
        _log.warning("the stored resume profile of user %s no longer validates", user_id)
        profile = Profile()
    return StoredProfile(
        profile, bool(row.has_key), dict(row.gigachat_options or {}), row.updated_at, True, document
    )


def _upsert(conn: Connection, user_id: int, **values: Any) -> None:
    statement = pg_insert(resume_profiles).values(user_id=user_id, **values)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[resume_profiles.c.user_id], set_={**values, "updated_at": func.now()}
        )
    )


def save_profile(conn: Connection, user_id: int, profile: Profile) -> bool:
    """Store the master resume; a changed one gets a new revision, which makes the user's match
    scores stale (``domain.matching.store.rescore`` brings them up to date). Returns whether it
    changed."""
    document = profile.model_dump(mode="json")
    statement = pg_insert(resume_profiles).values(user_id=user_id, document=document, revision=1)
    changed = conn.execute(
        statement.on_conflict_do_update(
            index_elements=[resume_profiles.c.user_id],
            set_={"document": document, "revision": resume_profiles.c.revision + 1, "updated_at": func.now()},
            where=resume_profiles.c.document != statement.excluded.document,
        ).returning(resume_profiles.c.revision)
    ).first()
    return changed is not None


# -- the user's GigaChat key and options -----------------------------------------------------------


def normalise_key(text: str) -> str:
    """The authorization key as pasted (a "Basic " prefix and spaces removed), or :class:`BadKey`."""
    key = "".join((text or "").split()).removeprefix("Basic")
    if not 16 <= len(key) <= 1024:
        raise BadKey("not a GigaChat key")
    try:
        base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raise BadKey("not a GigaChat key") from None
    return key


def save_key(conn: Connection, settings: Settings, user_id: int, text: str) -> None:
    _upsert(conn, user_id, gigachat_key=encrypt(settings, normalise_key(text)))


def remove_key(conn: Connection, user_id: int) -> None:
    conn.execute(
        update(resume_profiles)
        .where(resume_profiles.c.user_id == user_id)
        .values(gigachat_key=None, updated_at=func.now())
    )


def read_key(conn: Connection, settings: Settings, user_id: int) -> str | None:
    """The user's key in clear, only to call GigaChat; :class:`core.secrets.SecretUnreadable` if lost."""
    token = conn.execute(
        select(resume_profiles.c.gigachat_key).where(resume_profiles.c.user_id == user_id)
    ).scalar_one_or_none()
    return decrypt(settings, bytes(token)) if token else None


def clean_options(scope: Any, model: Any, temperature: Any) -> dict[str, Any]:
    """The user's GigaChat options, checked; empty values mean "as the server says"."""
    options: dict[str, Any] = {}
    scope = str(scope or "").strip().upper()
    if scope and scope != "DEFAULT":
        if scope not in GIGACHAT_SCOPES:
            raise BadOption("scope")
        options["scope"] = scope
    model = str(model or "").strip()
    if model:
        if not _MODEL_NAME.fullmatch(model):
            raise BadOption("model")
        options["model"] = model
    if temperature not in (None, ""):
        try:
            value = float(str(temperature).replace(",", "."))
        except ValueError:
            raise BadOption("temperature") from None
        if not 0 <= value <= 2:
            raise BadOption("temperature")
        options["temperature"] = value
    return options


def save_options(conn: Connection, user_id: int, options: dict[str, Any]) -> None:
    _upsert(conn, user_id, gigachat_options=options)


# -- vacancies -------------------------------------------------------------------------------------


def load_vacancy(conn: Connection, user_id: int, vacancy_id: Any) -> Vacancy | None:
    """The vacancy as generation sees it, or None when it is not linked to this user."""
    if not isinstance(vacancy_id, int) or isinstance(vacancy_id, bool) or not 0 < vacancy_id < 2**63:
        return None
    row = conn.execute(
        select(
            vacancies.c.id,
            vacancies.c.name,
            vacancies.c.employer_name,
            vacancies.c.area_name,
            vacancies.c.experience_name,
            vacancies.c.url,
            vacancies.c.snippet_requirement,
            vacancies.c.snippet_responsibility,
            details.c.description_text,
            details.c.key_skills,
        )
        .select_from(
            user_vacancies.join(vacancies, vacancies.c.id == user_vacancies.c.vacancy_id).outerjoin(
                details, details.c.vacancy_id == vacancies.c.id
            )
        )
        .where(user_vacancies.c.user_id == user_id, user_vacancies.c.vacancy_id == vacancy_id)
    ).one_or_none()
    if row is None:
        return None
    description = row.description_text or "\n".join(
        p for p in (row.snippet_requirement, row.snippet_responsibility) if p
    )
    return Vacancy(
        id=row.id,
        name=row.name,
        employer=row.employer_name,
        area=row.area_name,
        key_skills=tuple(row.key_skills or ()),
        description=description or "",
        experience=row.experience_name,
        url=row.url,
    )


# -- generations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    generation_id: int
    created: bool  # False: one was already running for this vacancy


def start_generation(
    conn: Connection,
    user_id: int,
    vacancy: Vacancy,
    *,
    provider: str,
    model: str | None,
    lang: str,
) -> Started:
    """A ``running`` row, unless this user already has one running for this vacancy (then that one)."""
    try:
        with conn.begin_nested():
            new_id = conn.execute(
                insert(resume_generations)
                .values(
                    user_id=user_id,
                    vacancy_id=vacancy.id,
                    status="running",
                    provider=provider,
                    model=model,
                    lang=lang,
                    vacancy_name=vacancy.name,
                    employer_name=vacancy.employer,
                )
                .returning(resume_generations.c.id)
            ).scalar_one()
        return Started(new_id, True)
    except IntegrityError:
        running = running_generation(conn, user_id, vacancy.id)
        if running is None:
            raise
        return Started(running, False)


def running_generation(conn: Connection, user_id: int, vacancy_id: int) -> int | None:
    return conn.execute(
        select(resume_generations.c.id).where(
            resume_generations.c.user_id == user_id,
            resume_generations.c.vacancy_id == vacancy_id,
            resume_generations.c.status == "running",
        )
    ).scalar_one_or_none()


def count_running(conn: Connection, user_id: int) -> int:
    return conn.execute(
        select(func.count())
        .select_from(resume_generations)
        .where(resume_generations.c.user_id == user_id, resume_generations.c.status == "running")
    ).scalar_one()


def finish_generation(
    conn: Connection,
    generation_id: int,
    output: dict[str, Any],
    report: dict[str, Any],
    provider: str,
    model: str | None,
) -> None:
    conn.execute(
        update(resume_generations)
        .where(resume_generations.c.id == generation_id, resume_generations.c.status == "running")
        .values(
            status="done",
            output=output,
            report=report,
            provider=provider,
            model=model,
            finished_at=func.now(),
        )
    )


def fail_generation(conn: Connection, generation_id: int, kind: str, detail: dict[str, Any]) -> None:
    conn.execute(
        update(resume_generations)
        .where(resume_generations.c.id == generation_id, resume_generations.c.status == "running")
        .values(status="failed", error_kind=kind, error_detail=detail, finished_at=func.now())
    )


def expire_stale(conn: Connection, user_id: int, older_than: timedelta) -> int:
    """Mark this user's generations still "running" after ``older_than`` as interrupted."""
    cutoff = datetime.now(UTC) - older_than
    return conn.execute(
        update(resume_generations)
        .where(
            resume_generations.c.user_id == user_id,
            resume_generations.c.status == "running",
            resume_generations.c.created_at < cutoff,
        )
        .values(status="failed", error_kind="interrupted", error_detail={}, finished_at=func.now())
    ).rowcount


def get_generation(conn: Connection, user_id: int, generation_id: Any) -> dict[str, Any] | None:
    """One of this user's generations (None for anybody else's, or a made-up id)."""
    if not isinstance(generation_id, int) or isinstance(generation_id, bool) or not 0 < generation_id < 2**63:
        return None
    row = conn.execute(
        select(resume_generations).where(
            and_(resume_generations.c.id == generation_id, resume_generations.c.user_id == user_id)
        )
    ).one_or_none()
    return dict(row._mapping) if row else None


def list_generations(
    conn: Connection, user_id: int, vacancy_id: int, limit: int = HISTORY_LIMIT
) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(resume_generations)
        .where(resume_generations.c.user_id == user_id, resume_generations.c.vacancy_id == vacancy_id)
        .order_by(resume_generations.c.created_at.desc(), resume_generations.c.id.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]
