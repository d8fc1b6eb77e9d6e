"""The Dash application: ``create_app(settings)`` builds it; ``.server`` is the Flask app.

Nothing is served before login except the login page and static assets (see ``webapp.auth``);
the layout is a function of the logged-in user, and every callback queries with
``current_user.id``.
"""

from __future__ import annotations

import html as html_escape
from pathlib import Path

import dash
from flask_login import current_user
from sqlalchemy import Engine

from core.db import make_engine
from core.settings import Settings, get_settings
from domain.resume.importer import MAX_DOCX_BYTES
from webapp import applications_export, applications_panel, auth, export, guard, headers, layout
from webapp.pages import admin, applications, documents, market, profile, searches, telegram, vacancies

ASSETS = Path(__file__).resolve().parents[1] / "assets"
#: The largest legitimate request: a DOCX at its size limit, base64-encoded in a callback, plus
#: room for the rest of the callback. Anything bigger gets 413 before it is read.
MAX_REQUEST_BYTES = MAX_DOCX_BYTES * 4 // 3 + 256 * 1024


class JobHunterDash(dash.Dash):
    """Dash whose page carries the user's theme and language on ``<html>`` from the first byte,
    so a dark-theme user never sees a white flash."""

    def interpolate_index(self, **kwargs: str) -> str:
        page = super().interpolate_index(**kwargs)
        theme, lang = "light", "ru"
        if current_user and current_user.is_authenticated:
            theme, lang = current_user.theme, current_user.lang
        attributes = (
            f'<html lang="{html_escape.escape(lang)}" data-bs-theme="{html_escape.escape(theme)}" '
            f'data-ag-theme-mode="{html_escape.escape(theme)}">'
        )
        return page.replace("<html>", attributes, 1)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> dash.Dash:
    """The whole web app for ``settings`` (default: the process settings)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings)
    app = JobHunterDash(
        __name__,
        title="Job Hunter",
        update_title=None,
        assets_folder=str(ASSETS),
        serve_locally=True,
        suppress_callback_exceptions=True,
        external_stylesheets=[],
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    server = app.server
    server.extensions["jobhunter"] = {"engine": engine, "settings": settings}
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    guard.install(app, layout.PAGES)
    auth.init_login(server, engine, settings)
    app.layout = layout.serve
    layout.register(app, engine)
    vacancies.register(app, engine)
    searches.register(app, engine)
    with guard.role(app, "admin"):
        admin.register(app, engine)
    telegram.register(app, engine)
    profile.register(app, engine)
    documents.register(app, engine)
    applications_panel.register(app, engine)
    applications.register(app, engine)
    market.register(app, engine)
    export.register(server, engine)
    applications_export.register(server, engine)
    guard.check_roles(app)
    headers.install(app, settings)
    return app
