"""Application tracking: where each of a user's applications stands, and its whole history.

Boards no longer let third-party apps apply, so the user applies on the board and tells us. A
tracked vacancy has a *stage*; every change (of stage, note or next step) is an event appended to
``t21_jh_application_events`` in the same transaction as the link's current state changes, so
the history is never overwritten and the grid can filter by the stage without reading it.

Open stages run Интересно → Отклик отправлен → Тестовое задание → Собеседование → Оффер →
Принят; the closing ones are Отказ, Нет ответа and Отозвал отклик. Any stage may follow any other
(people skip the test task, or are asked back after a refusal): the history says what happened.
«Нет ответа» is only ever *suggested* (:func:`suggest_no_answer`), never set for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, insert, select, update

from core.errors import UserInputError
from core.schema import application_events, user_vacancies, users, vacancies

OPEN: Final = ("interested", "applied", "test_task", "interview", "offer", "hired")
CLOSING: Final = ("rejected", "no_answer", "withdrawn")
STAGES: Final = OPEN + CLOSING

LABELS: Final[dict[str, tuple[str, str]]] = {
    "interested": ("Интересно", "Interested"),
    "applied": ("Отклик отправлен", "Applied"),
    "test_task": ("Тестовое задание", "Test task"),
    "interview": ("Собеседование", "Interview"),
    "offer": ("Оффер", "Offer"),
    "hired": ("Принят", "Hired"),
    "rejected": ("Отказ", "Rejected"),
    "no_answer": ("Нет ответа", "No answer"),
    "withdrawn": ("Отозвал отклик", "Withdrawn"),
}

#: Days in «Отклик отправлен» without a change after which «Нет ответа» is suggested.
NO_ANSWER_AFTER_DAYS: Final = 14
NOTE_LIMIT: Final = 2000

Via = Literal["web", "telegram", "cli"]


def label(stage: str, lang: str = "ru") -> str:
    ru, en = LABELS[stage]
    return en if lang == "en" else ru


def parse_stage(value: str) -> str:
    """A stage from its code or its label in either language (case and spacing ignored)."""
    wanted = " ".join(str(value).casefold().replace("ё", "е").split())
    for code, names in LABELS.items():
        if wanted == code or wanted in {" ".join(n.casefold().replace("ё", "е").split()) for n in names}:
            return code
    raise UserInputError(f"unknown stage {value!r}; use one of: {', '.join(STAGES)}")


def clean_note(value: str | None) -> str | None:
    """A note as plain text: control characters dropped, at most :data:`NOTE_LIMIT` characters."""
    if value is None:
        return None
    text = "".join(ch for ch in str(value) if ch in "\n\t" or ch >= " ").strip()
    if len(text) > NOTE_LIMIT:
        raise UserInputError(f"the note is too long: at most {NOTE_LIMIT} characters")
    return text or None


@dataclass(frozen=True)
class Change:
    """What :func:`record` changed: the stage before and after (equal when only notes moved)."""

    vacancy_id: int
    stage_from: str | None
    stage_to: str | None
    event_id: int


def record(
    conn: Connection,
    user_id: int,
    vacancy_id: int,
    *,
    stage: str | None = None,
    note: str | None = None,
    next_step_at: datetime | None = None,
    next_step_note: str | None = None,
    clear_next_step: bool = False,
    via: Via,
    generation_id: int | None = None,
    now: datetime,
) -> Change:
    """Move the user's application for ``vacancy_id`` to ``stage`` (None: keep it) and/or add a
    note or a next step, as one event. The link is the user's own or :class:`UserInputError`;
    the row is locked, so two changes at once are both kept, in order."""
    if stage is not None and stage not in STAGES:
        raise UserInputError(f"unknown stage {stage!r}; use one of: {', '.join(STAGES)}")
    note = clean_note(note)
    next_step_note = clean_note(next_step_note)
    if next_step_at is not None and next_step_at.tzinfo is None:
        raise UserInputError("the next step needs a time zone")
    uv = user_vacancies.c
    current = conn.execute(
        select(uv.stage, uv.next_step_at, uv.next_step_note)
        .where(uv.user_id == user_id, uv.vacancy_id == vacancy_id)
        .with_for_update()
    ).first()
    if current is None:
        raise UserInputError(f"vacancy {vacancy_id} is not among your vacancies")
    if stage is None and note is None and next_step_at is None and not clear_next_step:
        raise UserInputError("nothing to change: give a stage, a note or a next step")
    values: dict[str, Any] = {"updated_at": now}
    if stage is not None and stage != current.stage:
        values |= {"stage": stage, "stage_at": now}
    if next_step_at is not None:
        values |= {"next_step_at": next_step_at, "next_step_note": next_step_note}
    elif clear_next_step:
        values |= {"next_step_at": None, "next_step_note": None}
    conn.execute(
        update(user_vacancies).where(uv.user_id == user_id, uv.vacancy_id == vacancy_id).values(values)
    )
    event_id = conn.execute(
        insert(application_events)
        .values(
            user_id=user_id,
            vacancy_id=vacancy_id,
            stage_from=current.stage,
            stage_to=stage if stage is not None and stage != current.stage else None,
            note=note,
            next_step_at=next_step_at,
            next_step_note=next_step_note if next_step_at is not None else None,
            via=via,
            generation_id=generation_id,
            created_at=now,
        )
        .returning(application_events.c.id)
    ).scalar_one()
    return Change(vacancy_id, current.stage, stage if stage is not None else current.stage, event_id)


def history(conn: Connection, user_id: int, vacancy_id: int) -> list[dict[str, Any]]:
    """The events of one application, oldest first."""
    ev = application_events.c
    rows = conn.execute(
        select(application_events).where(ev.user_id == user_id, ev.vacancy_id == vacancy_id).order_by(ev.id)
    )
    return [dict(r._mapping) for r in rows]


def applications(conn: Connection, user_id: int, *, stage: str | None = None) -> list[dict[str, Any]]:
    """The user's tracked vacancies with their current state, newest change first."""
    uv, v = user_vacancies.c, vacancies.c
    query = (
        select(
            uv.vacancy_id,
            uv.stage,
            uv.stage_at,
            uv.next_step_at,
            uv.next_step_note,
            uv.score,
            v.name,
            v.employer_name,
            v.source,
            v.url,
            v.closed_at,
        )
        .join(vacancies, v.id == uv.vacancy_id)
        .where(uv.user_id == user_id, uv.stage.is_not(None))
        .order_by(uv.stage_at.desc(), uv.vacancy_id.desc())
    )
    if stage is not None:
        query = query.where(uv.stage == stage)
    return [dict(r._mapping) for r in conn.execute(query)]


def counts(conn: Connection, user_id: int) -> dict[str, int]:
    """How many applications are in each stage (every stage named, zeros too)."""
    uv = user_vacancies.c
    rows = conn.execute(
        select(uv.stage, func.count()).where(uv.user_id == user_id, uv.stage.is_not(None)).group_by(uv.stage)
    )
    found = {stage: count for stage, count in rows}
    return {stage: int(found.get(stage, 0)) for stage in STAGES}


def funnel(conn: Connection, user_id: int) -> list[tuple[str, int, float | None]]:
    """Applied → interview → offer: how many applications ever reached each step (from their
    history, so a later refusal still counts the interview), and the share of the step before."""
    ev = application_events.c
    reached = {
        step: select(func.count(func.distinct(ev.vacancy_id)))
        .where(ev.user_id == user_id, ev.stage_to.in_(stages))
        .scalar_subquery()
        for step, stages in (
            ("applied", ("applied", "test_task", "interview", "offer", "hired")),
            ("interview", ("interview", "offer", "hired")),
            ("offer", ("offer", "hired")),
        )
    }
    row = conn.execute(select(*(q.label(step) for step, q in reached.items()))).one()
    steps: list[tuple[str, int, float | None]] = []
    before: int | None = None
    for step in reached:
        count = int(getattr(row, step))
        steps.append((step, count, None if before is None else (count / before if before else None)))
        before = count
    return steps


def suggest_no_answer(
    conn: Connection, user_id: int, *, now: datetime, days: int = NO_ANSWER_AFTER_DAYS
) -> list[int]:
    """Vacancies in «Отклик отправлен» with no change for ``days``: «Нет ответа» is suggested
    for them (the user decides)."""
    uv = user_vacancies.c
    quiet_since = now - timedelta(days=days)
    return list(
        conn.execute(
            select(uv.vacancy_id)
            .where(uv.user_id == user_id, and_(uv.stage == "applied", uv.stage_at <= quiet_since))
            .order_by(uv.stage_at)
        ).scalars()
    )


def local_moment(value: str, time_zone: str) -> datetime:
    """``value`` (ISO 8601) as a moment: a time without an offset is read in ``time_zone``."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UserInputError(f"not a date and time: {value!r}; write e.g. 2026-12-12T15:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(time_zone))


def time_zone_of(conn: Connection, user_id: int, default: str) -> str:
    """The user's own time zone (set with their Telegram preferences), else ``default``."""
    return conn.execute(select(users.c.time_zone).where(users.c.id == user_id)).scalar() or default
