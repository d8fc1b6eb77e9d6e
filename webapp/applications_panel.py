"""The application panel of one vacancy: its stage, notes, the next step in the user's time zone,
the history, and «Откликнуться на hh.ru» with the «Отклик отправлен?» question after it.

``layout(user_id, vacancy_id, lang, scope=...)`` is the component and ``register(app, engine)``
its callbacks (once per app). Every id is a pattern ``{"type": "jhapp-…", "scope": scope,
"vac": vacancy_id}`` and the callbacks use ``MATCH``, so the panel can sit in the vacancies'
details and on the applications page, even twice on one page under different scopes. After each
change the panel's ``{"type": "jhapp-changed", …}`` store gets new data: a page listens to it
(``Input({"type": "jhapp-changed", "scope": ALL, "vac": ALL}, "data")``) to refresh its board
or grid. The vacancy id comes from the browser, so every callback reads the link with
``current_user.id`` (:func:`webapp.applications_data.link`) and a made-up or somebody else's id
gets a refusal.
Notes are plain strings in the component tree: React renders them as text, never as HTML.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user
from sqlalchemy import Connection, Engine

from core.errors import UserInputError
from domain import applications as apps
from webapp import clock
from webapp.applications_data import (
    day,
    days_since,
    generation_dates,
    latest_done,
    link,
    quiet,
    valid_id,
)
from webapp.i18n import board_on, t

#: Stages from which «Откликнуться» makes sense (afterwards the button only opens the page).
APPLY_FROM = (None, "interested", "withdrawn")
#: The value format of ``<input type="datetime-local">``.
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def pid(kind: str, scope: str, vacancy_id: int) -> dict[str, Any]:
    """The id of one part of a panel."""
    return {"type": f"jhapp-{kind}", "scope": scope, "vac": vacancy_id}


def stage_label(stage: str | None, lang: str) -> str:
    return apps.label(stage, lang) if stage in apps.STAGES else t("apps.untracked", lang)


# -- views -----------------------------------------------------------------------------------------


def layout(
    user_id: int, vacancy_id: int, lang: str, *, scope: str = "details", engine: Engine | None = None
) -> Any:
    """The panel for one of the user's vacancies (a refusal for anybody else's)."""
    engine = engine or flask.current_app.extensions["jobhunter"]["engine"]
    with engine.connect() as conn:
        body = _body(conn, user_id, vacancy_id, lang, scope)
    vacancy_id = valid_id(vacancy_id) or 0
    return html.Div(
        [
            html.Div(body, id=pid("body", scope, vacancy_id)),
            dcc.Store(id=pid("changed", scope, vacancy_id)),
        ],
        id=pid("panel", scope, vacancy_id),
        className="jh-app-panel border rounded p-2 my-3",
    )


def _refusal(lang: str) -> Any:
    return dbc.Alert(t("error.not_yours", lang), color="warning", className="py-2 small jh-app-refused")


def _body(conn: Connection, user_id: int, vacancy_id: Any, lang: str, scope: str, message: Any = None) -> Any:
    row = link(conn, user_id, vacancy_id)
    if row is None:
        return _refusal(lang)
    vid = row["vacancy_id"]
    now = datetime.now(UTC)
    events = apps.history(conn, user_id, vid)
    gens = generation_dates(conn, user_id, {e["generation_id"] for e in events if e["generation_id"]})
    linked = next((gens.get(e["generation_id"]) for e in reversed(events) if e["generation_id"]), None)
    ready = latest_done(conn, user_id, vid)
    zone = clock.current_zone().key
    return [
        html.H5(t("apps.panel", lang), className="h6 mb-2"),
        _summary(row, lang, now, linked, scope),
        _quiet_offer(row, lang, now, scope),
        _apply(row, lang, scope, ready),
        _form(row, lang, scope, zone),
        html.Div(message, id=pid("status", scope, vid), role="status", className="small mb-2"),
        html.H6(t("apps.history", lang), className="small fw-semibold text-body-secondary mt-3 mb-1"),
        history_view(events, gens, lang, scope, vid),
    ]


def _summary(row: dict[str, Any], lang: str, now: datetime, linked: datetime | None, scope: str) -> Any:
    stage = row["stage"]
    parts: list[Any] = [
        html.Span(
            stage_label(stage, lang),
            className=f"badge jh-stage jh-stage-{stage or 'none'} me-2",
            id=pid("stage-now", scope, row["vacancy_id"]),
        )
    ]
    days = days_since(row["stage_at"], now)
    if stage and days is not None:
        parts.append(html.Span(t("apps.days", lang, n=days), className="me-2 text-body-secondary"))
    if linked is not None:
        parts.append(
            html.Span(
                t("apps.applied_with", lang, date=day(linked)),
                className="me-2",
                id=pid("applied-with", scope, row["vacancy_id"]),
            )
        )
    if row.get("next_step_at"):
        when = clock.when(row["next_step_at"])
        what = f" — {row['next_step_note']}" if row.get("next_step_note") else ""
        parts.append(html.Div(t("apps.next", lang, when=when) + what, className="fw-semibold mt-1"))
    if row.get("closed_at"):
        parts.append(
            html.Div(
                t("apps.closed", lang, date=day(row["closed_at"])),
                className="text-danger-emphasis mt-1 jh-app-closed",
            )
        )
    return html.Div(parts, className="small mb-2")


def _quiet_offer(row: dict[str, Any], lang: str, now: datetime, scope: str) -> Any:
    days = quiet(row, now)
    # ``hidden`` on a wrapper: Bootstrap's d-flex (display: flex !important) would outrank it
    return html.Div(
        html.Div(
            [
                html.Span(t("apps.quiet", lang, n=days or 0), className="me-2"),
                dbc.Button(
                    t("apps.mark_no_answer", lang),
                    id=pid("no-answer", scope, row["vacancy_id"]),
                    size="sm",
                    color="secondary",
                    outline=True,
                ),
            ],
            className="alert alert-info py-2 small d-flex align-items-center flex-wrap gap-1",
        ),
        hidden=days is None,
        id=pid("quiet", scope, row["vacancy_id"]),
    )


def _apply(row: dict[str, Any], lang: str, scope: str, ready: dict[str, Any] | None) -> Any:
    vid, url = row["vacancy_id"], row.get("url") or ""
    on_board = board_on(row.get("source") or "hh", lang)
    can_apply = row["stage"] in APPLY_FROM and url.startswith("https://")
    common = {"href": url or None, "target": "_blank", "rel": "noopener noreferrer"}
    hint = t("apps.will_link", lang, date=day(ready["created_at"])) if ready else ""
    return html.Div(
        [
            html.Div(
                [
                    html.A(
                        t("apps.apply_on", lang, board=on_board),
                        id=pid("apply", scope, vid),
                        className="btn btn-sm btn-primary",
                        hidden=not can_apply,
                        **common,
                    ),
                    html.A(
                        t("apps.open_on", lang, board=on_board),
                        className="btn btn-sm btn-outline-secondary",
                        hidden=can_apply or not url,
                        **common,
                    ),
                ],
                className="d-flex gap-2 flex-wrap",
            ),
            html.Div(
                html.Div(
                    [
                        html.Span(t("apps.sent_question", lang), className="fw-semibold me-2"),
                        dbc.Button(
                            t("apps.sent_yes", lang), id=pid("yes", scope, vid), size="sm", color="success"
                        ),
                        dbc.Button(
                            t("apps.sent_no", lang),
                            id=pid("no", scope, vid),
                            size="sm",
                            color="secondary",
                            outline=True,
                        ),
                        html.Div(hint, className="small text-body-secondary w-100 mt-1") if hint else None,
                    ],
                    className="alert alert-primary py-2 mt-2 mb-0 d-flex align-items-center flex-wrap gap-2",
                ),
                id=pid("confirm", scope, vid),
                hidden=True,
            ),
        ],
        className="mb-3",
    )


def _form(row: dict[str, Any], lang: str, scope: str, zone: str) -> Any:
    vid = row["vacancy_id"]
    options = [{"label": apps.label(s, lang), "value": s} for s in apps.STAGES]
    next_value = clock.local(row["next_step_at"]).strftime(LOCAL_INPUT) if row.get("next_step_at") else ""
    return html.Div(
        [
            dbc.Label(t("apps.stage", lang), className="small mb-0"),
            dbc.Select(
                id=pid("stage", scope, vid),
                options=options,
                value=row["stage"] or "",
                placeholder=t("apps.choose_stage", lang),
                size="sm",
                className="mb-2",
            ),
            dbc.Label(t("apps.next_at", lang, zone=zone), className="small mb-0"),
            html.Div(
                [
                    dbc.Input(
                        id=pid("next", scope, vid),
                        type="datetime-local",
                        value=next_value,
                        size="sm",
                        className="jh-app-next",
                    ),
                    dbc.Input(
                        id=pid("next-note", scope, vid),
                        value=row.get("next_step_note") or "",
                        placeholder=t("apps.next_note_hint", lang),
                        maxLength=apps.NOTE_LIMIT,
                        size="sm",
                    ),
                ],
                className="d-flex gap-2 flex-wrap flex-sm-nowrap mb-2",
            ),
            dbc.Label(t("apps.note", lang), className="small mb-0"),
            dbc.Textarea(
                id=pid("note", scope, vid),
                value="",
                placeholder=t("apps.note_hint", lang),
                maxLength=apps.NOTE_LIMIT,
                rows=2,
                size="sm",
                className="mb-2",
            ),
            dbc.Button(t("apps.save", lang), id=pid("save", scope, vid), size="sm", color="primary"),
        ],
        className="jh-app-form",
    )


def event_text(event: dict[str, Any], gens: dict[int, datetime], lang: str) -> list[Any]:
    parts: list[Any] = []
    if event["stage_to"]:
        before = (
            apps.label(event["stage_from"], lang) if event["stage_from"] else t("apps.was_untracked", lang)
        )
        parts.append(html.Span(f"{before} → {apps.label(event['stage_to'], lang)}", className="fw-semibold"))
    if event["next_step_at"]:
        what = f" — {event['next_step_note']}" if event.get("next_step_note") else ""
        parts.append(html.Div(t("apps.ev_next", lang, when=clock.when(event["next_step_at"])) + what))
    if not event["stage_to"] and not event["next_step_at"] and not event["note"]:
        parts.append(html.Div(t("apps.ev_next_cleared", lang)))
    if event.get("generation_id") in gens:
        parts.append(html.Div(t("apps.ev_with", lang, date=day(gens[event["generation_id"]]))))
    if event["note"]:
        # a plain string child: React puts it in a text node, markup in it is shown, not run
        parts.append(html.Div(event["note"], className="jh-app-note"))
    return parts


def history_view(
    events: list[dict[str, Any]], gens: dict[int, datetime], lang: str, scope: str, vacancy_id: int
) -> Any:
    if not events:
        return html.Div(t("apps.history_empty", lang), className="small text-body-secondary")
    items = []
    for event in reversed(events):
        via = event.get("via")
        items.append(
            html.Li(
                [
                    html.Div(
                        [
                            html.Span(clock.when(event["created_at"]), className="font-monospace me-2"),
                            html.Span(t(f"apps.via.{via}", lang), className="text-body-secondary")
                            if via in ("telegram", "cli")
                            else None,
                        ],
                        className="text-body-secondary",
                    ),
                    *event_text(event, gens, lang),
                ],
                className="small py-1 border-bottom",
            )
        )
    return html.Ul(items, className="list-unstyled mb-0 jh-app-history", id=pid("history", scope, vacancy_id))


# -- callbacks -------------------------------------------------------------------------------------


def _triggered() -> dict[str, Any] | None:
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(item.get("value") for item in ctx.triggered):
        return None
    return trigger


def save_changes(
    conn: Connection,
    user_id: int,
    row: dict[str, Any],
    *,
    stage: Any,
    next_at: Any,
    next_note: Any,
    note: Any,
    zone: str,
    now: datetime,
) -> bool:
    """Record what the form changed as one event; False when nothing did."""
    wanted = stage if isinstance(stage, str) and stage in apps.STAGES else None
    new_stage = wanted if wanted is not None and wanted != row["stage"] else None
    note_text = note if isinstance(note, str) and note.strip() else None
    next_text = next_at.strip() if isinstance(next_at, str) else ""
    next_note_text = (next_note if isinstance(next_note, str) else "").strip()
    shown = clock.local(row["next_step_at"]).strftime(LOCAL_INPUT) if row["next_step_at"] else ""
    moment, clear = None, False
    if next_text and (next_text != shown or next_note_text != (row["next_step_note"] or "")):
        moment = apps.local_moment(next_text, zone)
    elif not next_text and row["next_step_at"] is not None:
        clear = True
    if new_stage is None and note_text is None and moment is None and not clear:
        return False
    apps.record(
        conn,
        user_id,
        row["vacancy_id"],
        stage=new_stage,
        note=note_text,
        next_step_at=moment,
        next_step_note=next_note_text or None,
        clear_next_step=clear,
        via="web",
        now=now,
    )
    return True


def register(app: Dash, engine: Engine) -> None:
    """The panel's callbacks (once per app, whichever pages embed it)."""

    @app.callback(
        Output(pid("confirm", MATCH, MATCH), "hidden"),
        Input(pid("apply", MATCH, MATCH), "n_clicks"),
        Input(pid("no", MATCH, MATCH), "n_clicks"),
        prevent_initial_call=True,
    )
    def ask(_: Any, __: Any) -> bool:
        """The board's page opened in a new tab: ask whether the application went out."""
        trigger = _triggered()
        if trigger is None:
            raise PreventUpdate
        return trigger["type"] != "jhapp-apply"

    @app.callback(
        Output(pid("body", MATCH, MATCH), "children"),
        Output(pid("changed", MATCH, MATCH), "data"),
        Input(pid("save", MATCH, MATCH), "n_clicks"),
        Input(pid("yes", MATCH, MATCH), "n_clicks"),
        Input(pid("no-answer", MATCH, MATCH), "n_clicks"),
        State(pid("stage", MATCH, MATCH), "value"),
        State(pid("next", MATCH, MATCH), "value"),
        State(pid("next-note", MATCH, MATCH), "value"),
        State(pid("note", MATCH, MATCH), "value"),
        prevent_initial_call=True,
    )
    def act(_: Any, __: Any, ___: Any, stage: Any, next_at: Any, next_note: Any, note: Any) -> Any:
        trigger = _triggered()
        if trigger is None:
            raise PreventUpdate
        lang, user_id = current_user.lang, current_user.id
        scope = trigger.get("scope") if isinstance(trigger.get("scope"), str) else "details"
        kind, now = trigger.get("type"), datetime.now(UTC)
        message: Any = None
        changed = False
        try:
            with engine.begin() as conn:
                row = link(conn, user_id, trigger.get("vac"))
                if row is None:
                    return _refusal(lang), no_update
                if kind == "jhapp-yes":
                    if row["stage"] in APPLY_FROM:
                        ready = latest_done(conn, user_id, row["vacancy_id"])
                        apps.record(
                            conn,
                            user_id,
                            row["vacancy_id"],
                            stage="applied",
                            via="web",
                            generation_id=ready["id"] if ready else None,
                            now=now,
                        )
                        changed = True
                elif kind == "jhapp-no-answer":
                    if quiet(row, now) is not None:
                        apps.record(conn, user_id, row["vacancy_id"], stage="no_answer", via="web", now=now)
                        changed = True
                elif kind == "jhapp-save":
                    zone = clock.current_zone().key
                    changed = save_changes(
                        conn,
                        user_id,
                        row,
                        stage=stage,
                        next_at=next_at,
                        next_note=next_note,
                        note=note,
                        zone=zone,
                        now=now,
                    )
                    if not changed:
                        message = html.Span(t("apps.nothing", lang), className="text-body-secondary")
                else:
                    raise PreventUpdate
                if changed:
                    message = html.Span(f"✓ {t('apps.saved', lang)}", className="text-success")
                body = _body(conn, user_id, row["vacancy_id"], lang, scope, message)
        except UserInputError as error:
            message = html.Span(str(error), className="text-danger")
            with engine.connect() as conn:
                body = _body(conn, user_id, trigger.get("vac"), lang, scope, message)
            return body, no_update
        return body, ({"at": time.time(), "vacancy": row["vacancy_id"]} if changed else no_update)
