"""The documents panel inside a vacancy's details: generate a tailored resume and cover letter,
review what the truthfulness check changed, download both DOCX files, and find earlier ones.

``panel(vacancy_id)`` is the component (the vacancy id is kept in ``docs-vacancy``), and
``register(app, engine)`` its callbacks. The button starts a background generation
(:mod:`domain.resume.service`); a ``dcc.Interval`` polls its row once a second while a spinner
shows. Every callback re-checks with ``current_user.id`` that the vacancy is linked to the user
and that a generation is theirs: an id made up in the browser gets a refusal and nothing else.
DOCX files are rendered from the stored structure on every download (``dcc.Download``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user
from sqlalchemy import Engine

from core.settings import Settings, get_settings
from domain.resume import errors, render, service, store
from domain.resume.texts import tr
from domain.resume.truth import describe
from webapp import clock
from webapp.pages.profile import PATH as PROFILE_PATH

_log = logging.getLogger(__name__)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
POLL_MS = 1000
_HIDDEN = {"display": "none"}
_SHOWN: dict[str, str] = {}


def _settings() -> Settings:
    return flask.current_app.extensions.get("jobhunter", {}).get("settings") or get_settings()


def _when(value: datetime | None) -> str:
    return clock.when(value)


def panel(vacancy_id: int) -> Any:
    """The documents block for one vacancy (its content loads through a callback)."""
    lang = current_user.lang
    return html.Div(
        [
            html.H5(tr("docs.title", lang), className="h6 mb-1"),
            html.Div(id="docs-note", className="small text-body-secondary mb-2"),
            html.Div(
                [
                    dbc.Button(tr("docs.generate", lang), id="docs-generate", color="primary", size="sm"),
                    dbc.Button(
                        tr("docs.generate_offline", lang),
                        id="docs-generate-offline",
                        color="secondary",
                        outline=True,
                        size="sm",
                        style=_HIDDEN,
                    ),
                ],
                className="d-flex gap-2 flex-wrap mb-2",
            ),
            html.Div(id="docs-status", role="status", **{"aria-live": "polite"}),
            html.Div(id="docs-result"),
            html.Div(
                [
                    html.H6(
                        tr("docs.history", lang), className="small fw-semibold text-body-secondary mt-3 mb-1"
                    ),
                    html.Div(id="docs-history"),
                ]
            ),
            dcc.Store(id="docs-vacancy", data=vacancy_id),
            dcc.Store(id="docs-job"),
            dcc.Interval(id="docs-poll", interval=POLL_MS, disabled=True),
            dcc.Download(id="docs-download-resume"),
            dcc.Download(id="docs-download-letter"),
        ],
        id="docs-panel",
        className="jh-docs border rounded p-2 my-3",
    )


# -- views -----------------------------------------------------------------------------------------


def _profile_link(lang: str) -> Any:
    return html.A(tr("docs.profile_link", lang), href=PROFILE_PATH, className="alert-link")


def note(stored: store.StoredProfile, settings: Settings, lang: str) -> Any:
    gaps = stored.profile.missing()
    if gaps:
        return dbc.Alert(
            [
                tr("docs.need_profile", lang, gaps="; ".join(tr(g, lang) for g in gaps)),
                " ",
                _profile_link(lang),
            ],
            color="warning",
            className="py-2 mb-0",
            id="docs-need-profile",
        )
    info = service.provider_info(settings, stored)
    if info.kind == "gigachat":
        source = tr(f"docs.source_{info.source}", lang)
        return html.Span(tr("docs.via_gigachat", lang, model=info.model, source=source), id="docs-provider")
    return html.Span(
        [tr("docs.via_offline", lang), " ", html.A(tr("docs.profile_link", lang), href=PROFILE_PATH)],
        id="docs-provider",
    )


def _spinner(lang: str) -> Any:
    return dbc.Alert(
        [dbc.Spinner(size="sm", color="primary", spinner_class_name="me-2"), tr("docs.working", lang)],
        color="light",
        className="py-2 small d-flex align-items-center border",
        id="docs-working",
    )


def _failure(row: dict[str, Any], lang: str) -> Any:
    text = errors.message(row.get("error_kind"), row.get("error_detail"), lang)
    return dbc.Alert(
        [html.Div(tr("docs.failed", lang, message=text)), html.Div(tr("docs.kept", lang), className="small")],
        color="danger",
        className="py-2 small",
        id="docs-error",
    )


def _download_buttons(generation_id: int, where: str, lang: str, *, short: bool = False) -> list[Any]:
    size = "sm"
    return [
        dbc.Button(
            tr("docs.resume_short" if short else "docs.download_resume", lang),
            id={"type": "docs-dl", "kind": "resume", "gen": generation_id, "where": where},
            size=size,
            color="success" if not short else "link",
            className="" if not short else "p-0 me-2",
        ),
        dbc.Button(
            tr("docs.letter_short" if short else "docs.download_letter", lang),
            id={"type": "docs-dl", "kind": "letter", "gen": generation_id, "where": where},
            size=size,
            color="success" if not short else "link",
            outline=not short,
            className="" if not short else "p-0 me-2",
        ),
    ]


def result_view(row: dict[str, Any], lang: str) -> Any:
    """A finished generation: who made it, what the check changed, the downloads, a preview."""
    report = row.get("report") or {}
    output = row.get("output") or {}
    findings = report.get("findings") or []
    when = _when(row.get("finished_at") or row.get("created_at"))
    if row.get("provider") == "gigachat":
        done = tr("docs.done_gigachat", lang, model=row.get("model") or "GigaChat", when=when)
    else:
        done = tr("docs.done_offline", lang, when=when)
    if findings:
        truth = dbc.Alert(
            [
                html.Div(tr("docs.truth_changed", lang, n=len(findings)), className="fw-semibold"),
                html.Ul(
                    [html.Li(describe(f, lang)) for f in findings], className="mb-0 ps-3", id="docs-findings"
                ),
            ],
            color="warning",
            className="py-2 small mb-2",
            id="docs-truth",
        )
    else:
        truth = dbc.Alert(
            tr("docs.truth_clean", lang), color="success", className="py-2 small mb-2", id="docs-truth"
        )
    skills_lines = []
    if report.get("matched"):
        skills_lines.append(html.Div(tr("docs.matched", lang, skills=", ".join(report["matched"]))))
    if report.get("missing"):
        skills_lines.append(
            html.Div(
                tr("docs.missing", lang, skills=", ".join(report["missing"])), className="text-body-secondary"
            )
        )
    resume = output.get("resume") or {}
    letter = output.get("cover_letter") or {}
    preview_resume = html.Details(
        [
            html.Summary(tr("docs.preview_resume", lang), className="small"),
            html.Div(
                [
                    html.Div(resume.get("headline", ""), className="fw-semibold"),
                    html.Div(" · ".join(resume.get("skills") or []), className="mb-1"),
                    html.Ul(
                        [
                            html.Li(f"{job['role']} — {job['employer']}")
                            for job in resume.get("experience") or []
                        ],
                        className="mb-0 ps-3",
                    ),
                ],
                className="small p-2",
            ),
        ],
        className="mb-1",
    )
    preview_letter = html.Details(
        [
            html.Summary(tr("docs.preview_letter", lang), className="small"),
            html.Div(
                [html.P(letter.get("greeting", ""), className="mb-1")]
                + [html.P(p, className="mb-1") for p in letter.get("paragraphs") or []]
                + [html.P(letter.get("closing", ""), className="mb-0")],
                className="small p-2",
                id="docs-letter-text",
            ),
        ]
    )
    return html.Div(
        [
            html.Div(done, className="small mb-2", id="docs-done"),
            truth,
            html.Div(skills_lines, className="small mb-2") if skills_lines else None,
            html.Div(_download_buttons(row["id"], "result", lang), className="d-flex gap-2 flex-wrap mb-2"),
            preview_resume,
            preview_letter,
        ],
        className="jh-docs-result",
        id={"type": "docs-result-of", "gen": row["id"]},
    )


def history_view(rows: list[dict[str, Any]], lang: str) -> Any:
    if not rows:
        return html.Div(
            tr("docs.history_empty", lang), className="small text-body-secondary", id="docs-history-empty"
        )
    items = []
    for row in rows:
        status = row["status"]
        badges = []
        if row["provider"] == "gigachat":
            badges.append(dbc.Badge(row.get("model") or "GigaChat", color="info", className="me-1"))
        else:
            badges.append(dbc.Badge(tr("docs.offline_badge", lang), color="secondary", className="me-1"))
        if status == "failed":
            badges.append(dbc.Badge(tr("docs.failed_badge", lang), color="danger", className="me-1"))
        elif status == "running":
            badges.append(html.Span(tr("docs.running_badge", lang), className="badge jh-skill border me-1"))
        elif (row.get("report") or {}).get("findings"):
            n = len(row["report"]["findings"])
            badges.append(
                dbc.Badge(
                    tr("docs.changes_badge", lang, n=n), color="warning", text_color="dark", className="me-1"
                )
            )
        actions: list[Any] = []
        if status == "done":
            actions = [
                dbc.Button(
                    tr("docs.show", lang),
                    id={"type": "docs-show", "gen": row["id"]},
                    size="sm",
                    color="link",
                    className="p-0 me-2",
                ),
                *_download_buttons(row["id"], "history", lang, short=True),
            ]
        items.append(
            html.Li(
                [
                    html.Span(_when(row["created_at"]), className="me-2 font-monospace"),
                    *badges,
                    html.Span(actions, className="ms-1"),
                ],
                className="small py-1 border-bottom",
            )
        )
    return html.Ul(items, className="list-unstyled mb-0", id="docs-history-list")


# -- callbacks -------------------------------------------------------------------------------------


def _clicked() -> Any:
    trigger = ctx.triggered_id
    if trigger is None or not any(item.get("value") for item in ctx.triggered):
        return None
    return trigger


def _refusal(lang: str) -> Any:
    return dbc.Alert(tr("docs.not_yours", lang), color="warning", className="py-2 small", id="docs-refused")


def register(app: Dash, engine: Engine) -> None:
    @app.callback(
        Output("docs-note", "children"),
        Output("docs-history", "children"),
        Output("docs-result", "children"),
        Output("docs-job", "data"),
        Output("docs-poll", "disabled"),
        Output("docs-status", "children"),
        Output("docs-generate", "disabled"),
        Input("docs-vacancy", "data"),
    )
    def load(vacancy_id: Any) -> Any:
        lang = current_user.lang
        settings = _settings()
        with engine.begin() as conn:
            vacancy = store.load_vacancy(conn, current_user.id, vacancy_id)
            if vacancy is None:
                return _refusal(lang), None, None, None, True, None, True
            store.expire_stale(conn, current_user.id, service.stale_after(settings))
            stored = store.load_profile(conn, current_user.id)
            rows = store.list_generations(conn, current_user.id, vacancy.id)
        running = next((r for r in rows if r["status"] == "running"), None)
        latest_done = next((r for r in rows if r["status"] == "done"), None)
        result = result_view(latest_done, lang) if latest_done else None
        if running is not None:
            return (
                note(stored, settings, lang),
                history_view(rows, lang),
                result,
                running["id"],
                False,
                _spinner(lang),
                True,
            )
        return (
            note(stored, settings, lang),
            history_view(rows, lang),
            result,
            None,
            True,
            None,
            bool(stored.profile.missing()),
        )

    @app.callback(
        Output("docs-job", "data", allow_duplicate=True),
        Output("docs-poll", "disabled", allow_duplicate=True),
        Output("docs-status", "children", allow_duplicate=True),
        Output("docs-generate", "disabled", allow_duplicate=True),
        Output("docs-generate-offline", "style", allow_duplicate=True),
        Output("docs-history", "children", allow_duplicate=True),
        Input("docs-generate", "n_clicks"),
        Input("docs-generate-offline", "n_clicks"),
        State("docs-vacancy", "data"),
        prevent_initial_call=True,
    )
    def generate(_: Any, __: Any, vacancy_id: Any) -> Any:
        trigger = _clicked()
        if trigger not in ("docs-generate", "docs-generate-offline"):
            raise PreventUpdate
        lang = current_user.lang
        settings = _settings()
        started = service.start(
            engine, settings, current_user.id, vacancy_id, force_offline=trigger == "docs-generate-offline"
        )
        if started.status == "not_yours":
            return None, True, _refusal(lang), True, _HIDDEN, no_update
        if started.status == "busy":
            message = dbc.Alert(tr("docs.busy", lang), color="info", className="py-2 small", id="docs-busy")
            return None, True, message, False, _HIDDEN, no_update
        if started.status == "no_profile":
            gaps = "; ".join(tr(g, lang) for g in started.gaps)
            message = dbc.Alert(
                [tr("docs.need_profile", lang, gaps=gaps), " ", _profile_link(lang)],
                color="warning",
                className="py-2 small",
                id="docs-need-profile",
            )
            return None, True, message, False, _HIDDEN, no_update
        with engine.connect() as conn:
            rows = store.list_generations(conn, current_user.id, vacancy_id)
        return started.generation_id, False, _spinner(lang), True, _HIDDEN, history_view(rows, lang)

    @app.callback(
        Output("docs-poll", "disabled", allow_duplicate=True),
        Output("docs-status", "children", allow_duplicate=True),
        Output("docs-result", "children", allow_duplicate=True),
        Output("docs-history", "children", allow_duplicate=True),
        Output("docs-generate", "disabled", allow_duplicate=True),
        Output("docs-generate-offline", "style", allow_duplicate=True),
        Input("docs-poll", "n_intervals"),
        State("docs-job", "data"),
        State("docs-vacancy", "data"),
        prevent_initial_call=True,
    )
    def poll(_: Any, generation_id: Any, vacancy_id: Any) -> Any:
        lang = current_user.lang
        settings = _settings()
        with engine.begin() as conn:
            row = store.get_generation(conn, current_user.id, generation_id)
            if row is None or row["vacancy_id"] != vacancy_id:
                return True, None, no_update, no_update, False, _HIDDEN
            if row["status"] == "running":
                if not store.expire_stale(conn, current_user.id, service.stale_after(settings)):
                    raise PreventUpdate
                row = store.get_generation(conn, current_user.id, generation_id) or row
            rows = store.list_generations(conn, current_user.id, row["vacancy_id"])
        if row["status"] == "done":
            return True, None, result_view(row, lang), history_view(rows, lang), False, _HIDDEN
        offline_button = _SHOWN if row["provider"] == "gigachat" else _HIDDEN
        return True, _failure(row, lang), no_update, history_view(rows, lang), False, offline_button

    @app.callback(
        Output("docs-result", "children", allow_duplicate=True),
        Input({"type": "docs-show", "gen": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def show(_: Any) -> Any:
        trigger = _clicked()
        if not isinstance(trigger, dict):
            raise PreventUpdate
        lang = current_user.lang
        with engine.connect() as conn:
            row = store.get_generation(conn, current_user.id, trigger.get("gen"))
        if row is None or row["status"] != "done":
            return dbc.Alert(tr("docs.gone", lang), color="warning", className="py-2 small")
        return result_view(row, lang)

    def download(kind: str) -> Any:
        trigger = _clicked()
        if not isinstance(trigger, dict) or trigger.get("kind") != kind:
            raise PreventUpdate
        with engine.connect() as conn:
            row = store.get_generation(conn, current_user.id, trigger.get("gen"))
        if row is None or row["status"] != "done" or not row.get("output"):
            raise PreventUpdate  # somebody else's, or made up: nothing is sent
        output = row["output"]
        resume_name, letter_name = render.filenames(output)
        made = row.get("finished_at") or row.get("created_at")
        when = clock.local(made) if made else None  # the letter is dated the user's day
        if kind == "resume":
            return dcc.send_bytes(render.resume_docx(output, when), resume_name, type=DOCX_TYPE)
        return dcc.send_bytes(render.letter_docx(output, when), letter_name, type=DOCX_TYPE)

    @app.callback(
        Output("docs-download-resume", "data"),
        Input({"type": "docs-dl", "kind": "resume", "gen": ALL, "where": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def download_resume(_: Any) -> Any:
        return download("resume")

    @app.callback(
        Output("docs-download-letter", "data"),
        Input({"type": "docs-dl", "kind": "letter", "gen": ALL, "where": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def download_letter(_: Any) -> Any:
        return download("letter")
