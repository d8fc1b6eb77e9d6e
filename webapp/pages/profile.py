"""The resume profile page: the user's master resume (edited, or imported from pasted text or a
DOCX) and their own GigaChat key and options.

``layout(user)`` is the page content, ``register(app, engine)`` its callbacks. Every callback
works on ``current_user.id`` only. The form keeps whatever the user typed until it is saved:
adding or removing a job, importing and a failed save re-render it from the values in the
browser. «Что я ищу» holds the wishes the match score reads and the Telegram threshold
(``t05.notify_min_score``); a save that changes the profile rescores the user's vacancies in the
background (:mod:`webapp.rescoring`), and the page shows how far that got while any is stale.
The GigaChat key goes one way: it is encrypted on save and the page only ever says
whether one is stored.
"""

from __future__ import annotations

import base64
import binascii
import logging
from datetime import UTC, datetime
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import Connection, Engine, select

from core.schema import users
from core.settings import GIGACHAT_SCOPES, Settings, get_settings
from core.users import set_notify_min_score
from domain.matching import store as matching
from domain.resume import importer, store
from domain.resume.model import WORK_FORMATS, Profile, describe_errors
from domain.resume.texts import tr
from webapp import rescoring
from webapp.i18n import WORK_FORMAT_NAMES, name_of, number

_log = logging.getLogger(__name__)

PATH = "/profile"
JOB_FIELDS = ("employer", "role", "start", "end", "bullets")
SCHOOL_FIELDS = ("institution", "degree", "year")
FIXED_FIELDS = ("name", "headline", "email", "phone", "location", "links", "summary", "skills", "languages")
#: «Что я ищу»: the profile's wishes, and the Telegram threshold (kept on the user, not the profile).
WISH_FIELDS = ("roles", "salary", "areas", "work_formats", "years", "notify_min")
MAX_UPLOAD = importer.MAX_DOCX_BYTES
POLL_MS = 1000


def nav_label(lang: str) -> str:
    """The navbar link's text: «Профиль для резюме» / "Resume profile"."""
    return tr("profile.title", lang)


def _runtime() -> tuple[Engine, Settings]:
    jobhunter = flask.current_app.extensions.get("jobhunter", {})
    return jobhunter["engine"], jobhunter.get("settings") or get_settings()


# -- profile <-> form values -----------------------------------------------------------------------


def display_date(value: str) -> str:
    """``2021-03`` → ``03.2021``; anything else (already typed by hand) unchanged."""
    year, dash_, month = (value or "").partition("-")
    if year.isdigit() and len(year) == 4 and (not dash_ or (month.isdigit() and len(month) == 2)):
        return f"{month}.{year}" if month else year
    return value or ""


def to_form(document: dict[str, Any]) -> dict[str, Any]:
    """Form values from a profile-shaped dict (a stored profile or an import)."""
    contacts = document.get("contacts") or {}
    wishes = document.get("wishes") or {}
    return {
        "roles": "\n".join(wishes.get("roles") or []),
        "salary": _amount_text(wishes.get("salary")),
        "areas": "\n".join(wishes.get("areas") or []),
        "work_formats": [f for f in wishes.get("work_formats") or [] if f in WORK_FORMATS],
        "years": "" if wishes.get("years") in (None, "") else _years_text(wishes["years"]),
        "name": document.get("name", ""),
        "headline": document.get("headline", ""),
        "email": contacts.get("email", ""),
        "phone": contacts.get("phone", ""),
        "location": contacts.get("location", ""),
        "links": "\n".join(contacts.get("links") or []),
        "summary": document.get("summary", ""),
        "skills": ", ".join(document.get("skills") or []),
        "languages": "\n".join(
            f"{item.get('name', '')} — {item['level']}" if item.get("level") else item.get("name", "")
            for item in document.get("languages") or []
        ),
        "experience": [
            {
                "employer": job.get("employer", ""),
                "role": job.get("role", ""),
                "start": display_date(job.get("start", "")),
                "end": display_date(job.get("end", "")),
                "bullets": "\n".join(job.get("bullets") or []),
            }
            for job in document.get("experience") or []
        ],
        "education": [
            {
                "institution": school.get("institution", ""),
                "degree": school.get("degree", ""),
                "year": display_date(school.get("year", "")),
            }
            for school in document.get("education") or []
        ],
    }


def from_form(values: dict[str, Any]) -> dict[str, Any]:
    """A profile-shaped dict from form values, for :class:`Profile` to validate."""

    def blank(item: dict[str, Any]) -> bool:
        return not any(str(v or "").strip() for v in item.values())

    return {
        "name": values.get("name"),
        "headline": values.get("headline"),
        "contacts": {
            "email": values.get("email"),
            "phone": values.get("phone"),
            "location": values.get("location"),
            "links": values.get("links") or "",
        },
        "summary": values.get("summary"),
        "skills": values.get("skills") or "",
        "languages": values.get("languages") or "",
        "experience": [job for job in values.get("experience", []) if not blank(job)],
        "education": [school for school in values.get("education", []) if not blank(school)],
        "wishes": {
            "roles": values.get("roles") or "",
            "salary": values.get("salary"),
            "areas": values.get("areas") or "",
            "work_formats": values.get("work_formats") or [],
            "years": values.get("years"),
        },
    }


def _amount_text(value: Any) -> str:
    """250000 → "250 000" (spaces, which the salary field reads back in either language)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", " ")
    return "" if value is None else str(value)


def _years_text(value: Any) -> str:
    """7.0 → "7", 7.5 → "7.5" (as the user would type it)."""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


class BadThreshold(ValueError):
    """The Telegram threshold is not a whole number from 0 to 100."""


def clean_threshold(value: Any) -> int | None:
    """The Telegram threshold as typed: empty or 0 = every vacancy (None, as ``/min 0`` in the
    bot), else 1..100."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        number_ = float(text.replace(",", "."))
    except ValueError:
        raise BadThreshold(text) from None
    if not number_.is_integer() or not 0 <= number_ <= 100:
        raise BadThreshold(text)
    return int(number_) or None


def load_threshold(conn: Connection, user_id: int) -> int | None:
    return conn.execute(select(users.c.notify_min_score).where(users.c.id == user_id)).scalar_one_or_none()


def _computed_years(values: dict[str, Any]) -> float | None:
    """The years the jobs in the form add up to (the hint beside an empty years field)."""
    try:
        jobs = Profile.model_validate({"experience": from_form(values)["experience"]})
    except ValidationError:
        return None
    return jobs.years(datetime.now(UTC).date())


# -- the form --------------------------------------------------------------------------------------


def _field(label: str, control: Any, help_text: str | None = None, **col: Any) -> Any:
    return dbc.Col(
        html.Div(
            [
                dbc.Label(label, className="small mb-1"),
                control,
                dbc.FormText(help_text) if help_text else None,
            ]
        ),
        className="mb-2",
        **col,
    )


def _input(id_: Any, value: Any, max_length: int, **kwargs: Any) -> Any:
    return dbc.Input(id=id_, value=value or "", maxLength=max_length, size="sm", **kwargs)


def _textarea(id_: Any, value: Any, rows: int, max_length: int, **kwargs: Any) -> Any:
    return dbc.Textarea(id=id_, value=value or "", rows=rows, maxLength=max_length, size="sm", **kwargs)


def _entry_header(kind: str, index: int, lang: str) -> Any:
    """The title of the n-th job or school card, with its remove button."""
    return html.Div(
        [
            html.Span(tr(f"profile.{kind}", lang, n=index + 1), className="fw-semibold small"),
            dbc.Button(
                tr("profile.remove", lang),
                id={"type": f"resume-{kind}-remove", "index": index},
                size="sm",
                color="link",
                className="text-danger p-0",
            ),
        ],
        className="d-flex justify-content-between align-items-center mb-1",
    )


def _job_card(index: int, job: dict[str, Any], lang: str) -> Any:
    def pid(name: str) -> dict[str, Any]:
        return {"type": "resume-job", "field": name, "index": index}

    return dbc.Card(
        dbc.CardBody(
            [
                _entry_header("job", index, lang),
                dbc.Row(
                    [
                        _field(
                            tr("field.employer", lang),
                            _input(pid("employer"), job.get("employer"), 200),
                            md=6,
                        ),
                        _field(tr("field.role", lang), _input(pid("role"), job.get("role"), 200), md=6),
                    ],
                    className="g-2",
                ),
                dbc.Row(
                    [
                        _field(
                            tr("field.start", lang),
                            _input(pid("start"), job.get("start"), 40, placeholder="03.2021"),
                            tr("profile.date_help", lang),
                            xs=6,
                            md=3,
                        ),
                        _field(
                            tr("field.end", lang),
                            _input(pid("end"), job.get("end"), 40),
                            tr("profile.end_help", lang),
                            xs=6,
                            md=3,
                        ),
                    ],
                    className="g-2",
                ),
                dbc.Row(
                    _field(
                        tr("field.bullets", lang),
                        _textarea(pid("bullets"), job.get("bullets"), 4, 12000),
                        tr("profile.bullets_help", lang),
                    ),
                    className="g-2",
                ),
            ],
            className="py-2",
        ),
        className="mb-2 jh-resume-job",
    )


def _school_card(index: int, school: dict[str, Any], lang: str) -> Any:
    def pid(name: str) -> dict[str, Any]:
        return {"type": "resume-school", "field": name, "index": index}

    return dbc.Card(
        dbc.CardBody(
            [
                _entry_header("school", index, lang),
                dbc.Row(
                    [
                        _field(
                            tr("field.institution", lang),
                            _input(pid("institution"), school.get("institution"), 300),
                            md=5,
                        ),
                        _field(
                            tr("field.degree", lang), _input(pid("degree"), school.get("degree"), 300), md=5
                        ),
                        _field(tr("field.year", lang), _input(pid("year"), school.get("year"), 20), md=2),
                    ],
                    className="g-2",
                ),
            ],
            className="py-2",
        ),
        className="mb-2",
    )


def _section(title: str, body: Any, id_: str | None = None) -> Any:
    return dbc.Card(
        [dbc.CardHeader(html.H2(title, className="h6 mb-0")), dbc.CardBody(body)],
        className="mb-3",
        id=id_ or "",
    )


def form(values: dict[str, Any], lang: str) -> list[Any]:
    """The editable profile (re-rendered from the browser's values on every structural change)."""
    jobs = values.get("experience") or []
    schools = values.get("education") or []
    return [
        _section(
            tr("profile.main", lang),
            [
                dbc.Row(
                    [
                        _field(tr("field.name", lang), _input("resume-name", values.get("name"), 120), md=6),
                        _field(
                            tr("field.headline", lang),
                            _input("resume-headline", values.get("headline"), 150),
                            md=6,
                        ),
                    ],
                    className="g-2",
                ),
                dbc.Row(
                    [
                        _field(
                            tr("field.email", lang),
                            _input("resume-email", values.get("email"), 250, type="email"),
                            md=4,
                        ),
                        _field(
                            tr("field.phone", lang), _input("resume-phone", values.get("phone"), 30), md=4
                        ),
                        _field(
                            tr("field.location", lang),
                            _input("resume-location", values.get("location"), 120),
                            md=4,
                        ),
                    ],
                    className="g-2",
                ),
                dbc.Row(
                    [
                        _field(
                            tr("field.links", lang),
                            _textarea("resume-links", values.get("links"), 2, 2000),
                            tr("profile.links_help", lang),
                            xs=12,
                            md=5,
                        ),
                        _field(
                            tr("field.summary", lang),
                            _textarea("resume-summary", values.get("summary"), 4, 3000),
                            xs=12,
                            md=7,
                        ),
                    ],
                    className="g-2",
                ),
            ],
        ),
        _section(
            f"{tr('field.skills', lang)} · {tr('field.languages', lang)}",
            dbc.Row(
                [
                    _field(
                        tr("field.skills", lang),
                        _textarea("resume-skills", values.get("skills"), 3, 8000),
                        tr("profile.skills_help", lang),
                        md=7,
                    ),
                    _field(
                        tr("field.languages", lang),
                        _textarea("resume-languages", values.get("languages"), 3, 1000),
                        tr("profile.languages_help", lang),
                        md=5,
                    ),
                ],
                className="g-2",
            ),
        ),
        wishes_section(values, lang),
        _section(
            tr("field.experience", lang),
            [
                *(
                    [_job_card(i, job, lang) for i, job in enumerate(jobs)]
                    or [html.P(tr("profile.no_jobs", lang), className="text-body-secondary small")]
                ),
                dbc.Button(
                    tr("profile.add_job", lang),
                    id="resume-job-add",
                    size="sm",
                    color="secondary",
                    outline=True,
                ),
            ],
        ),
        _section(
            tr("field.education", lang),
            [
                *(
                    [_school_card(i, school, lang) for i, school in enumerate(schools)]
                    or [html.P(tr("profile.no_schools", lang), className="text-body-secondary small")]
                ),
                dbc.Button(
                    tr("profile.add_school", lang),
                    id="resume-school-add",
                    size="sm",
                    color="secondary",
                    outline=True,
                ),
            ],
        ),
    ]


def wishes_section(values: dict[str, Any], lang: str) -> Any:
    """«Что я ищу»: what the match score compares every vacancy with, and the Telegram threshold."""
    computed = _computed_years(values)
    years_help = (
        tr("profile.years_help", lang, years=tr("profile.years_unit", lang, years=number(computed, lang)))
        if computed is not None
        else tr("profile.years_help_none", lang)
    )
    return _section(
        tr("field.wishes", lang),
        [
            html.P(tr("profile.wishes_help", lang), className="small text-body-secondary mb-2"),
            dbc.Row(
                [
                    _field(
                        tr("field.roles", lang),
                        _textarea("resume-roles", values.get("roles"), 3, 1300),
                        tr("profile.roles_help", lang),
                        md=6,
                    ),
                    _field(
                        tr("field.areas", lang),
                        _textarea("resume-areas", values.get("areas"), 3, 2500),
                        tr("profile.areas_help", lang),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            dbc.Row(
                [
                    _field(
                        tr("field.salary", lang),
                        _input("resume-salary", values.get("salary"), 20, inputMode="numeric"),
                        tr("profile.salary_help", lang),
                        xs=6,
                        md=3,
                    ),
                    _field(
                        tr("field.years", lang),
                        _input("resume-years", values.get("years"), 10, inputMode="decimal"),
                        years_help,
                        xs=6,
                        md=3,
                    ),
                    _field(
                        tr("field.work_formats", lang),
                        dbc.Checklist(
                            id="resume-work_formats",
                            options=[
                                {"label": name_of(WORK_FORMAT_NAMES, code, lang), "value": code}
                                for code in WORK_FORMATS
                            ],
                            value=list(values.get("work_formats") or []),
                            inline=True,
                            className="small",
                        ),
                        tr("profile.formats_help", lang),
                        md=6,
                    ),
                ],
                className="g-2",
            ),
            dbc.Row(
                _field(
                    tr("profile.notify_min", lang),
                    _input(
                        "resume-notify_min",
                        values.get("notify_min"),
                        5,
                        inputMode="numeric",
                        placeholder="70",
                        style={"maxWidth": "8rem"},
                    ),
                    tr("profile.notify_min_help", lang),
                ),
                className="g-2",
            ),
        ],
        id_="resume-wishes",
    )


# -- rescoring progress ----------------------------------------------------------------------------


def progress(stale: int, total: int, lang: str) -> Any:
    """«Пересчитываем соответствие: 12 000 из 100 000» with a bar; nothing when none is stale."""
    if not stale:
        return None
    done = total - stale
    return dbc.Alert(
        [
            html.Div(
                tr("profile.rescoring", lang, done=number(done, lang), total=number(total, lang)),
                id="resume-rescoring-text",
                className="mb-1",
            ),
            dbc.Progress(value=done, max=max(total, 1), striped=True, animated=True, style={"height": "6px"}),
        ],
        color="info",
        className="py-2 small mb-3",
    )


def rescoring_card(engine: Engine, server: Any, user_id: int, lang: str) -> tuple[Any, bool]:
    """The progress the page opens with, and whether to poll (a job is on, restarted if a dead
    process left stale links behind)."""
    running = rescoring.of(server, engine).resume(user_id)
    if not running:
        return None, False
    with engine.connect() as conn:
        stale, total = matching.pending(conn, user_id)
    return progress(stale, total, lang), True


# -- the GigaChat card -----------------------------------------------------------------------------


def key_status(stored: store.StoredProfile, settings: Settings, lang: str) -> Any:
    if stored.has_key:
        return dbc.Alert(
            tr("profile.key_saved", lang), color="success", className="py-2 small mb-2", id="resume-key-saved"
        )
    if settings.gigachat_key:
        return dbc.Alert(tr("profile.key_server", lang), color="info", className="py-2 small mb-2")
    return dbc.Alert(tr("profile.key_none", lang), color="secondary", className="py-2 small mb-2")


def ai_card(stored: store.StoredProfile, settings: Settings, lang: str) -> Any:
    options = stored.options
    return _section(
        tr("profile.ai", lang),
        [
            html.P(tr("profile.ai_help", lang), className="small text-body-secondary"),
            html.Div(key_status(stored, settings, lang), id="resume-key-status"),
            _field(
                tr("profile.key", lang),
                dbc.Input(
                    id="resume-key-input",
                    type="password",
                    value="",
                    maxLength=1024,
                    size="sm",
                    autocomplete="new-password",
                    placeholder=tr("profile.key_placeholder", lang),
                ),
            ),
            _field(
                tr("profile.scope", lang),
                dbc.Select(
                    id="resume-ai-scope",
                    options=[
                        {
                            "label": tr("profile.model_default", lang, model=settings.gigachat_scope),
                            "value": "default",
                        }
                    ]
                    + [{"label": s, "value": s} for s in GIGACHAT_SCOPES],
                    value=options.get("scope") or "default",
                    size="sm",
                ),
            ),
            _field(
                tr("profile.model", lang),
                dbc.Input(
                    id="resume-ai-model",
                    value=options.get("model", ""),
                    maxLength=64,
                    size="sm",
                    list="resume-ai-models",
                    placeholder=tr("profile.model_default", lang, model=settings.gigachat_model),
                ),
            ),
            html.Datalist(
                [html.Option(value=m) for m in ("GigaChat-2", "GigaChat-2-Pro", "GigaChat-2-Max")],
                id="resume-ai-models",
            ),
            _field(
                tr("profile.temperature", lang),
                dbc.Input(
                    id="resume-ai-temperature",
                    type="number",
                    min=0,
                    max=2,
                    step=0.1,
                    value=options.get("temperature"),
                    size="sm",
                    placeholder=str(settings.gigachat_temperature),
                ),
                tr("profile.temperature_help", lang, value=settings.gigachat_temperature),
            ),
            html.Div(
                [
                    dbc.Button(tr("profile.ai_save", lang), id="resume-ai-save", size="sm", color="primary"),
                    dbc.Button(
                        tr("profile.key_remove", lang),
                        id="resume-key-remove",
                        size="sm",
                        color="danger",
                        outline=True,
                        disabled=not stored.has_key,
                    ),
                ],
                className="d-flex gap-2 flex-wrap mt-1",
            ),
            dbc.Alert(id="resume-ai-feedback", is_open=False, className="py-2 small mt-2 mb-0"),
        ],
        id_="resume-ai-card",
    )


def import_card(lang: str) -> Any:
    return _section(
        tr("profile.import", lang),
        [
            html.P(tr("profile.import_help", lang), className="small text-body-secondary mb-2"),
            dbc.Textarea(
                id="resume-import-text",
                rows=4,
                maxLength=60000,
                size="sm",
                placeholder=tr("profile.import_placeholder", lang),
                className="mb-2",
            ),
            html.Div(
                [
                    dbc.Button(
                        tr("profile.import_parse", lang),
                        id="resume-import-parse",
                        size="sm",
                        color="secondary",
                        outline=True,
                    ),
                    dcc.Upload(
                        dbc.Button(
                            tr("profile.import_upload", lang), size="sm", color="secondary", outline=True
                        ),
                        id="resume-import-upload",
                        accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        max_size=MAX_UPLOAD,
                        multiple=False,
                    ),
                ],
                className="d-flex gap-2 flex-wrap",
            ),
        ],
    )


def layout(user: Any, side: list[Any] | None = None) -> Any:
    """The page for ``user`` (the logged-in user); ``side`` are more cards for the right column
    under the GigaChat card (e.g. ``webapp.pages.telegram.card(...)``)."""
    lang = user.lang
    engine, settings = _runtime()
    with engine.connect() as conn:
        stored = store.load_profile(conn, user.id)
        threshold = load_threshold(conn, user.id)
    values = to_form(stored.document or stored.profile.model_dump())
    values["notify_min"] = "" if threshold is None else str(threshold)
    shown, polling = rescoring_card(engine, flask.current_app, user.id, lang)
    return html.Div(
        [
            html.Div(
                [
                    html.H1(tr("profile.title", lang), className="h4 mb-1"),
                    html.P(tr("profile.help", lang), className="text-body-secondary small mb-0"),
                ],
                className="mb-3",
            ),
            html.Div(shown, id="resume-rescoring", role="status", **{"aria-live": "polite"}),
            dcc.Interval(id="resume-rescoring-poll", interval=POLL_MS, disabled=not polling),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            import_card(lang),
                            html.Div(form(values, lang), id="resume-form"),
                            html.Div(
                                [
                                    dbc.Button(tr("profile.save", lang), id="resume-save", color="primary"),
                                    dbc.Alert(
                                        id="resume-feedback",
                                        is_open=False,
                                        className="py-2 small mb-0 flex-grow-1",
                                    ),
                                ],
                                className="d-flex gap-3 align-items-start flex-wrap position-sticky bottom-0 "
                                "bg-body border-top py-2 jh-resume-savebar",
                                style={"zIndex": 5},
                            ),
                        ],
                        lg=8,
                    ),
                    dbc.Col([ai_card(stored, settings, lang), *(side or [])], lg=4),
                ],
                className="gx-3",  # gutters within the phone layout's 0.5rem padding: no sideways scroll
            ),
        ],
        id="resume-page",
        className="jh-resume-page pb-3",
    )


# -- callbacks -------------------------------------------------------------------------------------

_STATES = [
    *[State(f"resume-{name}", "value") for name in FIXED_FIELDS],
    *[State(f"resume-{name}", "value") for name in WISH_FIELDS],
    *[State({"type": "resume-job", "field": name, "index": ALL}, "value") for name in JOB_FIELDS],
    *[State({"type": "resume-school", "field": name, "index": ALL}, "value") for name in SCHOOL_FIELDS],
]


def _values_from_states() -> dict[str, Any]:
    """The form's values as the browser sent them (``ctx.states``), jobs and schools by index."""
    states = ctx.states_list
    values: dict[str, Any] = {}
    jobs: dict[int, dict[str, Any]] = {}
    schools: dict[int, dict[str, Any]] = {}
    for item in states:
        if isinstance(item, dict):
            name = str(item["id"]).removeprefix("resume-")
            if name in FIXED_FIELDS or name in WISH_FIELDS:
                values[name] = item.get("value")
            continue
        for one in item:
            pid = one["id"]
            index, name = pid.get("index"), pid.get("field")
            if not isinstance(index, int):
                continue
            if pid.get("type") == "resume-job" and name in JOB_FIELDS:
                jobs.setdefault(index, {})[name] = one.get("value")
            elif pid.get("type") == "resume-school" and name in SCHOOL_FIELDS:
                schools.setdefault(index, {})[name] = one.get("value")
    values["experience"] = [{f: jobs[i].get(f) or "" for f in JOB_FIELDS} for i in sorted(jobs)][:40]
    values["education"] = [{f: schools[i].get(f) or "" for f in SCHOOL_FIELDS} for i in sorted(schools)][:20]
    for name in (*FIXED_FIELDS, *WISH_FIELDS):
        if name == "work_formats":
            chosen = values.get(name)
            values[name] = [f for f in chosen if f in WORK_FORMATS] if isinstance(chosen, list) else []
        else:
            values[name] = values.get(name) or ""
    return values


def _clicked() -> Any:
    trigger = ctx.triggered_id
    if trigger is None or not any(item.get("value") for item in ctx.triggered):
        return None
    return trigger


def _imported_values(draft: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Imported values over the current form: what the import found replaces, the rest stays."""
    imported = to_form(draft)
    merged = dict(current)
    for key, value in imported.items():
        if value:
            merged[key] = value
    return merged


def register(app: Dash, engine: Engine) -> None:
    @app.callback(
        Output("resume-form", "children"),
        Output("resume-feedback", "children"),
        Output("resume-feedback", "color"),
        Output("resume-feedback", "is_open"),
        Output("resume-import-upload", "contents"),
        Input("resume-job-add", "n_clicks"),
        Input({"type": "resume-job-remove", "index": ALL}, "n_clicks"),
        Input("resume-school-add", "n_clicks"),
        Input({"type": "resume-school-remove", "index": ALL}, "n_clicks"),
        Input("resume-import-parse", "n_clicks"),
        Input("resume-import-upload", "contents"),
        State("resume-import-text", "value"),
        *_STATES,
        prevent_initial_call=True,
    )
    def restructure(*args: Any) -> Any:
        lang = current_user.lang
        trigger = _clicked()
        if trigger is None:
            raise PreventUpdate
        values = _values_from_states()
        feedback: tuple[Any, Any, Any] = (no_update, no_update, no_update)
        if trigger == "resume-job-add":
            values["experience"].append(dict.fromkeys(JOB_FIELDS, ""))
        elif trigger == "resume-school-add":
            values["education"].append(dict.fromkeys(SCHOOL_FIELDS, ""))
        elif isinstance(trigger, dict) and trigger.get("type") == "resume-job-remove":
            index = trigger.get("index")
            values["experience"] = [j for i, j in enumerate(values["experience"]) if i != index]
        elif isinstance(trigger, dict) and trigger.get("type") == "resume-school-remove":
            index = trigger.get("index")
            values["education"] = [s for i, s in enumerate(values["education"]) if i != index]
        elif trigger in ("resume-import-parse", "resume-import-upload"):
            try:
                if trigger == "resume-import-parse":
                    draft = importer.parse_text(str(args[6] or ""))
                else:
                    draft = importer.parse_docx(_upload_bytes(args[5]))
            except importer.ImportFailed as error:
                message = {
                    "too_big": tr("profile.import_too_big", lang, mb=MAX_UPLOAD // 1024 // 1024),
                    "too_long": tr(
                        "profile.import_too_long",
                        lang,
                        chars=f"{importer.MAX_TEXT_CHARS:,}".replace(",", "\u00a0" if lang == "ru" else ","),
                    ),
                }.get(error.reason) or tr("profile.import_bad_file", lang)
                return no_update, message, "danger", True, None
            found = importer.counts(draft)
            if not any(found.values()) and not draft.get("name"):
                return no_update, tr("profile.import_empty", lang), "warning", True, None
            values = _imported_values(draft, values)
            feedback = (tr("profile.imported", lang, **found), "info", True)
        else:
            raise PreventUpdate
        return form(values, lang), *feedback, None

    @app.callback(
        Output("resume-form", "children", allow_duplicate=True),
        Output("resume-feedback", "children", allow_duplicate=True),
        Output("resume-feedback", "color", allow_duplicate=True),
        Output("resume-feedback", "is_open", allow_duplicate=True),
        Output("resume-rescoring", "children", allow_duplicate=True),
        Output("resume-rescoring-poll", "disabled", allow_duplicate=True),
        Input("resume-save", "n_clicks"),
        *_STATES,
        prevent_initial_call=True,
    )
    def save(n_clicks: Any, *_: Any) -> Any:
        if not n_clicks:
            raise PreventUpdate
        lang = current_user.lang
        values = _values_from_states()
        problems: list[str] = []
        profile = None
        threshold = None
        try:
            profile = Profile.model_validate(from_form(values))
        except ValidationError as error:
            problems = describe_errors(error, lang)
        try:
            threshold = clean_threshold(values.get("notify_min"))
        except BadThreshold:
            problems.append(f"{tr('profile.notify_min', lang)}: {tr('profile.bad_min_score', lang)}")
        if profile is None or problems:
            message = [
                tr("profile.not_saved", lang),
                html.Ul([html.Li(p) for p in problems[:12]], className="mb-0"),
            ]
            return no_update, message, "danger", True, no_update, no_update  # the form keeps what was typed
        user_id = current_user.id
        with engine.begin() as conn:
            changed = store.save_profile(conn, user_id, profile)
            set_notify_min_score(conn, user_id, threshold)
        saved = to_form(profile.model_dump())
        saved["notify_min"] = "" if threshold is None else str(threshold)
        shown: Any = no_update
        disabled: Any = no_update
        if changed:
            rescoring.of(flask.current_app, engine).start(user_id)
            with engine.connect() as conn:
                stale, total = matching.pending(conn, user_id)
            shown, disabled = progress(stale, total, lang), not stale
        return form(saved, lang), tr("profile.saved", lang), "success", True, shown, disabled

    @app.callback(
        Output("resume-rescoring", "children"),
        Output("resume-rescoring-poll", "disabled"),
        Input("resume-rescoring-poll", "n_intervals"),
        prevent_initial_call=True,
    )
    def poll_rescoring(_: Any) -> Any:
        """How far the user's rescoring got; stops polling when no link is stale."""
        lang = current_user.lang
        user_id = current_user.id
        runner = rescoring.of(flask.current_app, engine)
        with engine.connect() as conn:
            stale, total = matching.pending(conn, user_id)
        if not stale:
            return dbc.Alert(
                tr("profile.rescored", lang, total=number(total, lang)),
                color="success",
                className="py-2 small mb-3",
                dismissable=True,
            ), True
        if not runner.running(user_id):
            runner.start(user_id)  # the job died with its process: carry on
        return progress(stale, total, lang), False

    @app.callback(
        Output("resume-key-status", "children"),
        Output("resume-key-input", "value"),
        Output("resume-key-remove", "disabled"),
        Output("resume-ai-feedback", "children"),
        Output("resume-ai-feedback", "color"),
        Output("resume-ai-feedback", "is_open"),
        Input("resume-ai-save", "n_clicks"),
        State("resume-key-input", "value"),
        State("resume-ai-scope", "value"),
        State("resume-ai-model", "value"),
        State("resume-ai-temperature", "value"),
        prevent_initial_call=True,
    )
    def save_ai(n_clicks: Any, key: Any, scope: Any, model: Any, temperature: Any) -> Any:
        if not n_clicks:
            raise PreventUpdate
        lang = current_user.lang
        _, settings = _runtime()
        try:
            options = store.clean_options(scope, model, temperature)
            with engine.begin() as conn:
                if isinstance(key, str) and key.strip():
                    store.save_key(conn, settings, current_user.id, key)
                store.save_options(conn, current_user.id, options)
                stored = store.load_profile(conn, current_user.id)
        except store.BadKey:
            # the field is emptied: a wrong key is not sent back to the browser either
            return no_update, "", no_update, tr("profile.key_bad", lang), "danger", True
        except store.BadOption as error:
            return no_update, no_update, no_update, tr(f"profile.bad_{error.field}", lang), "danger", True
        status = key_status(stored, settings, lang)
        return status, "", not stored.has_key, tr("profile.ai_saved", lang), "success", True

    @app.callback(
        Output("resume-key-status", "children", allow_duplicate=True),
        Output("resume-key-remove", "disabled", allow_duplicate=True),
        Output("resume-ai-feedback", "children", allow_duplicate=True),
        Output("resume-ai-feedback", "color", allow_duplicate=True),
        Output("resume-ai-feedback", "is_open", allow_duplicate=True),
        Input("resume-key-remove", "n_clicks"),
        prevent_initial_call=True,
    )
    def remove_key(n_clicks: Any) -> Any:
        if not n_clicks:
            raise PreventUpdate
        lang = current_user.lang
        _, settings = _runtime()
        with engine.begin() as conn:
            store.remove_key(conn, current_user.id)
            stored = store.load_profile(conn, current_user.id)
        return key_status(stored, settings, lang), True, tr("profile.key_removed", lang), "success", True


def _upload_bytes(contents: Any) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL."""
    if not isinstance(contents, str) or "," not in contents:
        raise importer.ImportFailed("bad_file")
    encoded = contents.split(",", 1)[1]
    if len(encoded) > MAX_UPLOAD * 4 // 3 + 16:
        raise importer.ImportFailed("too_big")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise importer.ImportFailed("bad_file") from None
