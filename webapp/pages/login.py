"""The login page: plain server-rendered HTML (no Dash), so nothing of the app loads before login.

Its language comes from ``?lang=`` (remembered in the ``jh_lang`` cookie), its theme from the
``jh_theme`` cookie the app sets when a user switches themes.
"""

from __future__ import annotations

import flask

from webapp.i18n import lang_of, t

_TEMPLATE = """<!doctype html>
<html lang="{{ lang }}" data-bs-theme="{{ theme }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }} · Job Hunter</title>
  <link rel="stylesheet" href="/assets/01-bootstrap-5.3.8.min.css">
  <link rel="stylesheet" href="/assets/02-jobhunter.css">
</head>
<body class="jh-login-body">
  <main class="jh-login card shadow-sm">
    <div class="card-body p-4">
      <div class="d-flex justify-content-between align-items-center mb-3">
        <h1 class="h4 mb-0 jh-brand"><span class="jh-logo me-2" aria-hidden="true">JH</span>Job Hunter</h1>
        <a class="small" href="?lang={{ other_lang }}{% if next %}&next={{ next | urlencode }}{% endif %}"
           id="lang-switch">{{ other_label }}</a>
      </div>
      <h2 class="h5 mb-3">{{ title }}</h2>
      {% if notice %}<div class="alert alert-success py-2" role="status">{{ notice }}</div>{% endif %}
      {% if error %}
      <div class="alert alert-danger py-2" role="alert" id="login-error">{{ error }}</div>
      {% endif %}
      <form method="post" action="/login{% if next %}?next={{ next | urlencode }}{% endif %}" novalidate>
        <input type="hidden" name="csrf" value="{{ csrf }}">
        <div class="mb-3">
          <label class="form-label" for="login">{{ login_label }}</label>
          <input class="form-control" id="login" name="login" value="{{ login }}" autocomplete="username"
                 autocapitalize="none" spellcheck="false" required autofocus maxlength="64">
        </div>
        <div class="mb-3">
          <label class="form-label" for="password">{{ password_label }}</label>
          <input class="form-control" id="password" name="password" type="password"
                 autocomplete="current-password" required maxlength="256">
        </div>
        <button class="btn btn-primary w-100" type="submit" id="login-submit">{{ submit }}</button>
      </form>
      <p class="text-body-secondary small mt-3 mb-0">{{ hint }}</p>
    </div>
  </main>
</body>
</html>
"""


def request_lang() -> str:
    """``?lang=`` when given, else the ``jh_lang`` cookie, else Russian."""
    return lang_of(flask.request.args.get("lang") or flask.request.cookies.get("jh_lang"))


def render(
    *,
    lang: str,
    csrf: str,
    error: str | None = None,
    minutes: int = 0,
    login: str = "",
    notice: str | None = None,
) -> flask.Response:
    theme = "dark" if flask.request.cookies.get("jh_theme") == "dark" else "light"
    html = flask.render_template_string(
        _TEMPLATE,
        lang=lang,
        theme=theme,
        title=t("login.title", lang),
        other_lang="ru" if lang == "en" else "en",
        other_label=t("nav.lang", lang),
        next=flask.request.args.get("next", ""),
        notice=t("login.logged_out", lang) if notice else None,
        error=t(error, lang, minutes=minutes) if error else None,
        csrf=csrf,
        login=login[:64],
        login_label=t("login.login", lang),
        password_label=t("login.password", lang),
        submit=t("login.submit", lang),
        hint=t("login.hint", lang),
    )
    response = flask.make_response(html)
    if flask.request.args.get("lang") in ("ru", "en"):
        response.set_cookie("jh_lang", lang, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response
