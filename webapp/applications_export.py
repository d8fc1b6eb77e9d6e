"""Export of the user's applications (``POST /applications/export``, a form with the CSRF token):
every tracked vacancy with its stage, dates, next step, the resume it went out with, its notes
and its stage history, as XLSX or CSV (UTF-8 with a BOM), in the user's language and time zone.

The list is one user's applications (hundreds, not millions), so it is built in memory; the
cells go through :mod:`webapp.export`'s rules (a CSV cell never starts a formula, XLSX writes text
as text).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import flask
import xlsxwriter
from flask_login import current_user
from sqlalchemy import Engine, select

from core.schema import application_events
from domain import applications as apps
from webapp import applications_data as reads
from webapp import auth, clock
from webapp.export import csv_value
from webapp.i18n import board, t
from webapp.queries import web_url

#: (header key, row key) of the exported columns, in order.
COLUMNS = (
    ("col.title", "name"),
    ("col.employer", "employer_name"),
    ("col.stage", "stage"),
    ("apps.col.stage_at", "stage_at"),
    ("apps.col.days", "days"),
    ("apps.col.next", "next_step_at"),
    ("apps.col.next_note", "next_step_note"),
    ("apps.col.score", "score"),
    ("apps.col.applied_with", "applied_with"),
    ("apps.col.closed", "closed_at"),
    ("apps.col.notes", "notes"),
    ("apps.col.history", "history"),
    ("col.source", "source"),
    ("col.link", "url"),
)
WIDTHS = (44, 28, 18, 16, 10, 16, 24, 10, 12, 16, 50, 50, 14, 30)


def _local(value: datetime | None) -> datetime | None:
    return clock.local(value).replace(tzinfo=None) if value else None


def rows(engine: Engine, user_id: int, lang: str) -> list[list[Any]]:
    """The export's rows (without the header), newest change first, all the user's own."""
    now = datetime.now(UTC)
    ev = application_events.c
    with engine.connect() as conn:
        tracked = apps.applications(conn, user_id)
        resumes = reads.applied_with(conn, user_id)
        events = conn.execute(
            select(ev.vacancy_id, ev.created_at, ev.stage_from, ev.stage_to, ev.note)
            .where(ev.user_id == user_id)
            .order_by(ev.vacancy_id, ev.id)
        ).all()
    notes: dict[int, list[str]] = defaultdict(list)
    history: dict[int, list[str]] = defaultdict(list)
    for event in events:
        when = clock.local(event.created_at).strftime("%d.%m.%Y %H:%M")
        if event.note:
            notes[event.vacancy_id].append(f"{when}: {event.note}")
        if event.stage_to:
            before = apps.label(event.stage_from, lang) if event.stage_from else t("apps.was_untracked", lang)
            history[event.vacancy_id].append(f"{when}: {before} → {apps.label(event.stage_to, lang)}")
    result = []
    for row in tracked:
        vid = row["vacancy_id"]
        values = {
            "name": row["name"],
            "employer_name": row.get("employer_name") or "",
            "stage": apps.label(row["stage"], lang),
            "stage_at": _local(row["stage_at"]),
            "days": reads.days_since(row["stage_at"], now),
            "next_step_at": _local(row["next_step_at"]),
            "next_step_note": row.get("next_step_note") or "",
            "score": row.get("score"),
            "applied_with": _local(resumes.get(vid)),
            "closed_at": _local(row["closed_at"]),
            "notes": "\n".join(notes[vid]),
            "history": "\n".join(history[vid]),
            "source": board(row.get("source") or "", lang),
            "url": web_url(row.get("url")) or "",
        }
        result.append([values[key] for _, key in COLUMNS])
    return result


def csv_text(engine: Engine, user_id: int, lang: str) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([t(header, lang) for header, _ in COLUMNS])
    for row in rows(engine, user_id, lang):
        writer.writerow(["" if v is None else csv_value(v) for v in row])
    return buffer.getvalue()


def xlsx_bytes(engine: Engine, user_id: int, lang: str) -> bytes:
    handle = io.BytesIO()
    book = xlsxwriter.Workbook(handle, {"in_memory": True})
    sheet = book.add_worksheet(t("apps.title", lang))
    bold = book.add_format({"bold": True})
    when = book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    link = book.add_format({"font_color": "blue", "underline": 1})
    for col, (header, _) in enumerate(COLUMNS):
        sheet.write_string(0, col, t(header, lang), bold)
        sheet.set_column(col, col, WIDTHS[col])
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows(engine, user_id, lang), start=1):
        for c, value in enumerate(row):
            key = COLUMNS[c][1]
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, when)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif key == "url" and isinstance(value, str) and value.startswith("https://"):
                sheet.write_url(r, c, value, link, string=value)
            else:
                # write_string never turns text into a formula ("=..." stays text)
                sheet.write_string(r, c, str(value), wrap if key in ("notes", "history") else None)
    book.close()
    return handle.getvalue()


def register(server: flask.Flask, engine: Engine) -> None:
    @server.route("/applications/export", methods=["POST"], endpoint="applications_export")
    def _export() -> Any:
        if not auth.csrf_ok():
            return flask.abort(400)
        lang = current_user.lang
        stamp = clock.local(datetime.now(UTC)).strftime("%Y-%m-%d_%H%M")
        if flask.request.form.get("format") == "csv":
            response = flask.Response(
                csv_text(engine, current_user.id, lang), mimetype="text/csv; charset=utf-8"
            )
            response.headers["Content-Disposition"] = f'attachment; filename="applications_{stamp}.csv"'
            return response
        return flask.send_file(
            io.BytesIO(xlsx_bytes(engine, current_user.id, lang)),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=f"applications_{stamp}.xlsx",
        )
