"""The frame of every page: navbar (pages, theme and language switches, user menu) and router."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import Dash, Input, Output, State, dcc, html
from flask_login import current_user
from sqlalchemy import Engine

from webapp import auth, clock, queries
from webapp.i18n import display_name, t
from webapp.pages import admin, applications, market, profile, searches, telegram, vacancies

#: Every page path the router serves (any other path is a 404, see webapp.guard).
PAGES = ("/", "/searches", applications.PATH, market.PATH, profile.PATH, "/admin/users", "/admin/runs")


def _logout_form(lang: str) -> html.Form:
    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf", value=auth.csrf_token()),
            html.Button(t("nav.logout", lang), type="submit", className="dropdown-item", id="logout-button"),
        ],
        method="POST",
        action="/logout",
        className="m-0",
    )


def sessions_card(lang: str) -> dbc.Card:
    """The profile page's "log out everywhere": a plain form, like logout (POST with the token)."""
    form = html.Form(
        [
            dcc.Input(type="hidden", name="csrf", value=auth.csrf_token()),
            dcc.Input(type="hidden", name="everywhere", value="1"),
            html.Button(
                t("sessions.end_all", lang),
                type="submit",
                className="btn btn-outline-danger btn-sm",
                id="logout-everywhere",
            ),
        ],
        method="POST",
        action="/logout",
        className="m-0",
    )
    body = dbc.CardBody([html.P(t("sessions.help", lang), className="small text-body-secondary"), form])
    return dbc.Card([dbc.CardHeader(t("sessions.title", lang)), body], id="sessions-card", className="mb-3")


def navbar(pathname: str = "/") -> dbc.Navbar:
    user = current_user
    lang = user.lang
    links = [
        dbc.NavItem(dbc.NavLink(t("nav.vacancies", lang), href="/", active="exact", id="nav-vacancies")),
        dbc.NavItem(
            dbc.NavLink(t("nav.searches", lang), href="/searches", active="exact", id="nav-searches")
        ),
        dbc.NavItem(
            dbc.NavLink(
                t("nav.applications", lang), href=applications.PATH, active="exact", id="nav-applications"
            )
        ),
        dbc.NavItem(dbc.NavLink(t("nav.market", lang), href=market.PATH, active="exact", id="nav-market")),
    ]
    links.append(
        dbc.NavItem(dbc.NavLink(profile.nav_label(lang), href=profile.PATH, active="exact", id="nav-profile"))
    )
    if user.is_admin:
        links += [
            dbc.NavItem(
                dbc.NavLink(t("nav.users", lang), href="/admin/users", active="exact", id="nav-users")
            ),
            dbc.NavItem(dbc.NavLink(t("nav.runs", lang), href="/admin/runs", active="exact", id="nav-runs")),
        ]
    controls = html.Div(
        [
            dbc.Switch(
                id="theme-switch",
                label=t("nav.theme", lang),
                value=user.theme == "dark",
                className="mb-0 me-3 jh-theme-switch",
            ),
            dbc.Button(t("nav.lang", lang), id="lang-switch", color="link", size="sm", className="me-2 px-1"),
            dbc.DropdownMenu(
                [
                    dbc.DropdownMenuItem(
                        f"{user.login} · {t('nav.role.' + user.role, lang)}", header=True, id="user-role"
                    ),
                    _logout_form(lang),
                ],
                label=display_name(user.display_name, user.login, lang, is_demo=user.is_demo),
                id="user-menu",
                align_end=True,
                size="sm",
                color="secondary",
            ),
        ],
        className="d-flex align-items-center flex-wrap gap-1 jh-nav-controls",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [html.Span("JH", className="jh-logo me-2", **{"aria-hidden": "true"}), "Job Hunter"],
                    href="/",
                    className="jh-brand",
                ),
                *(
                    [
                        dbc.Badge(
                            t("demo.badge", lang),
                            color="warning",
                            text_color="dark",
                            className="me-3 jh-demo-badge",
                            id="demo-badge",
                            title=t("demo.title", lang),
                        )
                    ]
                    if user.is_demo
                    else []
                ),
                dbc.NavbarToggler(id="nav-toggler"),
                dbc.Collapse(
                    [dbc.Nav(links, navbar=True, className="me-auto"), controls],
                    id="nav-collapse",
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        className="jh-navbar border-bottom mb-3",
        color=None,
        dark=False,
        expand="lg",
    )


def access_banner(engine: Engine) -> Any:
    """A plain sentence when the latest harvest could not reach hh.ru (token missing, revoked, captcha)."""
    problem = queries.hh_access_problem(engine, current_user.id, is_admin=current_user.is_admin)
    if problem is None:
        return None
    status, error = problem
    alert = dbc.Alert(t(f"access.{status}", current_user.lang), color="danger", className="py-2 mb-2")
    return html.Div(alert, id="access-banner", title=error, className="mx-3")


def serve() -> Any:
    """The layout for the logged-in user (Dash calls this for every page load)."""
    if not current_user.is_authenticated:  # the guard answers before this; kept for safety
        return html.Div()
    engine = flask.current_app.extensions["jobhunter"]["engine"]
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="lang-store"),
            html.Div(id="lang-done", hidden=True),
            dcc.Store(id="theme-store", data=current_user.theme),
            # the user's time zone, for the dates the grids format in the browser
            html.Div(id="jh-zone", hidden=True, **{"data-zone": clock.current_zone().key}),
            html.Div(id="theme-done", hidden=True),
            navbar(flask.request.path),
            access_banner(engine),
            html.Main(id="page", className="container-fluid jh-main"),
        ]
    )


def register(app: Dash, engine: Engine) -> None:
    @app.callback(Output("page", "children"), Input("url", "pathname"), State("url", "search"))
    def route(pathname: str | None, search: str | None = None) -> Any:
        lang = current_user.lang
        path = (pathname or "/").rstrip("/") or "/"
        if path == "/":
            return vacancies.page(engine, current_user, search)
        if path == market.PATH:
            return market.page(engine, current_user, search)
        if path == "/searches":
            return searches.page(engine, current_user)
        if path == applications.PATH:
            return applications.page(engine, current_user)
        if path == profile.PATH:
            settings = flask.current_app.extensions["jobhunter"]["settings"]
            side = [telegram.card(engine, current_user, settings), sessions_card(lang)]
            return profile.layout(current_user, side=side)
        if path.startswith("/admin"):
            if not current_user.is_admin:
                return dbc.Alert(t("forbidden", lang), color="warning")
            if path == "/admin/users":
                return admin.users_page(engine, current_user)
            if path == "/admin/runs":
                return admin.runs_page(engine, current_user)
        return dbc.Alert(t("not_found", lang), color="secondary")

    @app.callback(
        Output("nav-collapse", "is_open"),
        Input("nav-toggler", "n_clicks"),
        State("nav-collapse", "is_open"),
        prevent_initial_call=True,
    )
    def toggle_nav(_: int, is_open: bool) -> bool:
        return not is_open

    @app.callback(Output("theme-store", "data"), Input("theme-switch", "value"), prevent_initial_call=True)
    def save_theme(dark: bool) -> str:
        theme = "dark" if dark else "light"
        with engine.begin() as conn:
            queries.save_preference(conn, current_user.id, "theme", theme)
        dash_response = flask.g.setdefault("jh_cookies", {})
        dash_response["jh_theme"] = theme
        return theme

    app.clientside_callback(
        """function (theme) {
            document.documentElement.setAttribute('data-bs-theme', theme);
            document.documentElement.setAttribute('data-ag-theme-mode', theme);
            return theme;
        }""",
        Output("theme-done", "children"),
        Input("theme-store", "data"),
    )

    @app.callback(Output("lang-store", "data"), Input("lang-switch", "n_clicks"), prevent_initial_call=True)
    def switch_language(_: int) -> str:
        lang = "ru" if current_user.lang == "en" else "en"
        with engine.begin() as conn:
            queries.save_preference(conn, current_user.id, "lang", lang)
        flask.g.setdefault("jh_cookies", {})["jh_lang"] = lang
        return lang

    # every text of the page changes: load it again in the new language
    app.clientside_callback(
        """function (lang) { if (lang) { window.location.reload(); } return lang; }""",
        Output("lang-done", "children"),
        Input("lang-store", "data"),
        prevent_initial_call=True,
    )

    @app.server.after_request
    def _preference_cookies(response: flask.Response) -> flask.Response:
        # theme and language also go to plain cookies so the login page can follow them
        for name, value in (flask.g.get("jh_cookies") or {}).items():
            response.set_cookie(name, value, max_age=365 * 86400, samesite="Lax", httponly=True)
        return response
