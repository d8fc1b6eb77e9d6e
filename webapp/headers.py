"""Security headers of every response, set by flask-talisman.

The Content-Security-Policy allows scripts only from this origin plus the exact inline scripts
Dash writes into its page (``app.csp_hashes()``: the renderer's start and the clientside
callbacks), so an injected ``<script>`` or ``onerror=`` cannot run. Styles keep
``'unsafe-inline'``: React and AG Grid set ``style`` attributes, which carry no script. Images
may come from https (employer logos on hh.ru) and ``data:`` (Bootstrap's icons).

Talisman has no Cross-Origin-Opener-Policy; that one header is added here. HTTPS is not forced
(a reverse proxy terminates TLS); HSTS is sent whenever the request came over HTTPS.
"""

from __future__ import annotations

import dash
import flask
from flask_talisman import Talisman

from core.settings import Settings

PERMISSIONS_POLICY = {
    feature: "()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
}


def content_security_policy(app: dash.Dash) -> dict[str, str | list[str]]:
    """The policy for ``app``; call it after every clientside callback is registered."""
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def install(app: dash.Dash, settings: Settings) -> Talisman:
    """Send the headers on every response of ``app`` (the last step of building the app)."""
    talisman = Talisman(
        app.server,
        force_https=False,
        frame_options="DENY",
        content_security_policy=content_security_policy(app),
        permissions_policy=PERMISSIONS_POLICY,
        referrer_policy="same-origin",
        session_cookie_secure=settings.web_secure_cookies,
        session_cookie_samesite="Lax",
    )

    @app.server.after_request
    def _more_headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not flask.request.path.startswith("/assets/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return talisman
