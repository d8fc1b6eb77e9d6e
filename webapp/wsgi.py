"""WSGI entry point: ``gunicorn webapp.wsgi:server`` (what ``jobhunter web`` runs)."""

from __future__ import annotations

from webapp.app import create_app

app = create_app()
server = app.server
