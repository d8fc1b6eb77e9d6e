"""Export of the current grid view (filters, sort, quick search, toggles) to XLSX or CSV.

``POST /export`` (a plain form on the vacancies page, with the session's CSRF token) streams
the first :data:`webapp.queries.EXPORT_LIMIT` rows of the user's own view: CSV as UTF-8 with a
BOM (Excel opens Cyrillic correctly), XLSX written row by row (XlsxWriter's constant-memory
mode) into a temporary file, so neither format holds the rows in memory.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import flask
import xlsxwriter
from flask_login import current_user
from sqlalchemy import Engine

from domain import applications as apps
from webapp import auth, clock, queries
from webapp.grid_query import GridRequest
from webapp.i18n import board, experience_text, t, work_format_text

#: (header key, row key) of the exported columns, in order.
COLUMNS = (
    ("col.title", "name"),
    ("col.employer", "employer_name"),
    ("col.salary_from", "salary_from_rub"),
    ("col.salary_to", "salary_to_rub"),
    ("col.area", "area_name"),
    ("col.experience", "experience"),
    ("col.work_format", "work_format"),
    ("col.published", "published_at"),
    ("col.first_seen", "first_seen_at"),
    ("col.times_seen", "times_seen"),
    ("col.searches", "searches"),
    ("col.favourite", "is_favourite"),
    ("col.hidden", "hidden"),
    # the match score, empty when the vacancy is not scored; the board and the link stay last
    ("col.score", "score"),
    ("col.stage", "stage_label"),
    ("col.source", "source_label"),
    ("col.link", "url"),
)


def request_from_view(raw: str) -> GridRequest:
    """The grid view a form posted (JSON), cleaned like any grid request."""
    try:
        view = json.loads(raw or "{}")
    except ValueError:
        view = {}
    view = view if isinstance(view, dict) else {}
    return GridRequest.from_ag_grid(
        {
            "startRow": 0,
            "endRow": 1,
            "sortModel": view.get("sortModel"),
            "filterModel": view.get("filterModel"),
        },
        quick=view.get("quick", ""),
        show_banned=view.get("showHidden", False),
        only_favourites=view.get("onlyFavourites", False),
    )


def _cell(key: str, value: Any, lang: str) -> Any:
    if value is None:
        return ""
    if key in ("published_at", "first_seen_at"):
        return clock.local(datetime.fromisoformat(value)).replace(tzinfo=None)
    if key == "searches":
        return ", ".join(value)
    if isinstance(value, bool):
        return ("да" if value else "") if lang == "ru" else ("yes" if value else "")
    return value


def rows(engine: Engine, user_id: int, request: GridRequest, lang: str) -> Iterator[list[Any]]:
    with engine.connect() as conn:
        for row in queries.export_rows(conn, user_id, request):
            # hh.ru names experience and work formats in Russian: the export speaks the user's language
            row = {
                **row,
                "experience": experience_text(row, lang),
                "work_format": work_format_text(row, lang),
                "source_label": board(row.get("source") or "", lang),
                "stage_label": apps.label(row["stage"], lang) if row.get("stage") else None,
            }
            yield [_cell(key, row.get(key), lang) for _, key in COLUMNS]


def csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet must not take text from hh.ru for a formula
    return value


def csv_stream(engine: Engine, user_id: int, request: GridRequest, lang: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([t(header, lang) for header, _ in COLUMNS])
    for i, row in enumerate(rows(engine, user_id, request, lang)):
        writer.writerow([csv_value(v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(engine: Engine, user_id: int, request: GridRequest, lang: str) -> Any:
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to send_file, closed by it
    book = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet("Job Hunter")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "# ##0"})
    when = book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    link = book.add_format({"font_color": "blue", "underline": 1})
    widths = [50, 30, 12, 12, 18, 18, 22, 16, 16, 8, 24, 8, 8, 12, 18, 16, 30]  # as COLUMNS
    assert len(widths) == len(COLUMNS)
    for col, (header, _) in enumerate(COLUMNS):
        sheet.write_string(0, col, t(header, lang), bold)
        sheet.set_column(col, col, widths[col])
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows(engine, user_id, request, lang), start=1):
        for c, value in enumerate(row):
            key = COLUMNS[c][1]
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, when)
            elif key in ("salary_from_rub", "salary_to_rub") and isinstance(value, int):
                sheet.write_number(r, c, value, money)
            elif key == "url" and isinstance(value, str) and value.startswith("https://"):
                sheet.write_url(r, c, value, link, string=value)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                # write_string never turns text into a formula ("=..." stays text)
                sheet.write_string(r, c, str(value))
    book.close()
    handle.seek(0)
    return handle


def register(server: flask.Flask, engine: Engine) -> None:
    @server.route("/export", methods=["POST"], endpoint="export")
    def _export() -> Any:
        if not auth.csrf_ok():
            return flask.abort(400)
        lang = current_user.lang
        request = request_from_view(flask.request.form.get("view", ""))
        stamp = clock.local(datetime.now(UTC)).strftime("%Y-%m-%d_%H%M")
        if flask.request.form.get("format") == "csv":
            stream = flask.stream_with_context(csv_stream(engine, current_user.id, request, lang))
            response = flask.Response(stream, mimetype="text/csv; charset=utf-8")
            response.headers["Content-Disposition"] = f'attachment; filename="vacancies_{stamp}.csv"'
            return response
        handle = xlsx_file(engine, current_user.id, request, lang)
        return flask.send_file(
            handle,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=f"vacancies_{stamp}.xlsx",
        )
