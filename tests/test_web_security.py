"""The web app's security findings (issue 12), each sent again as the attacker sent it.

Sessions that logout really ends, the admin guard bound to the server's own record of a
callback, the login throttle under parallel guesses and across addresses, the security headers
(and the pages working under them in Chromium), CSRF on every POST, links from sources, the
Telegram link limit, the log of a mismatched callback and unknown paths. Hostile input is in
``test_web_hostile_input``, the resume import's limits in ``test_resume_import_limits``.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from core.schema import login_failures, telegram_links, web_sessions
from core.users import set_password
from tests.web.browser import requires_chromium
from tests.web.security_support import (
    ALICE_FIRST,
    CALLBACK,
    TG_TOKEN,
    auth_token,
    grid_body,
)
from tests.web.support import (
    PASSWORD,
    add_user,
    callback,
    client_for,
    csrf_of,
    grid_rows,
    load_vacancies,
    login,
    serve,
)
from webapp import auth, throttle
from webapp.app import create_app


@pytest.fixture(autouse=True)
def _fresh_vocabulary() -> Any:
    """The quick search caches the database's lexemes per schema: leave none of ours behind."""
    yield
    from webapp import queries

    queries._vocabulary_cache.clear()


@pytest.fixture
def app(engine, settings_factory):
    settings = settings_factory(telegram_bot_token=TG_TOKEN, telegram_bot_username="JobHunterTestBot")
    return create_app(settings, engine)


@pytest.fixture
def people(engine) -> dict[str, Any]:
    alice, alice_searches = add_user(engine, "alice")
    bob, _ = add_user(engine, "bob")
    root, _ = add_user(engine, "root", role="admin", searches=0)
    rows = load_vacancies(engine, alice, alice_searches[0], 20, first_id=ALICE_FIRST, seed=5)
    return {"alice": alice, "bob": bob, "root": root, "alice_rows": rows, "alice_search": alice_searches[0]}


# -- 3: sessions end on the server ----------------------------------------------------------------------


def _session_cookie(client) -> str:
    return client.get_cookie("jh_session").value


def _replay(app, cookie: str):
    """Another client with a copy of the session cookie (and the CSRF token any page hands out)."""
    thief = app.server.test_client()
    thief.set_cookie("jh_session", cookie)
    thief.get("/")
    token = thief.get_cookie("_csrf_token")
    if token is not None:
        thief.environ_base["HTTP_X_CSRFTOKEN"] = token.value
    return thief


def test_a_cookie_replayed_after_logout_reads_nothing(app, people, engine) -> None:
    alice = client_for(app, "alice")
    cookie = _session_cookie(alice)
    assert grid_rows(_replay(app, cookie), {}).status_code == 200  # a copy works while logged in
    response = alice.post("/logout", data={"csrf": auth_token(alice)})
    assert response.status_code == 302
    thief = _replay(app, cookie)
    assert grid_rows(thief, {}).status_code == 401
    assert thief.get("/").status_code == 302
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(web_sessions)).scalar() == 0


def test_log_out_everywhere_ends_every_session(app, people) -> None:
    laptop, phone = client_for(app, "alice"), client_for(app, "alice")
    bob = client_for(app, "bob")
    page = callback(laptop, [("page", "children")], [("url", "pathname", "/profile")])
    text = json.dumps(page.json, ensure_ascii=False)
    assert "Выйти на всех устройствах" in text and '"everywhere"' in text
    response = laptop.post("/logout", data={"csrf": auth_token(laptop), "everywhere": "1"})
    assert response.status_code == 302
    assert grid_rows(laptop, {}).status_code == 401
    assert grid_rows(phone, {}).status_code == 401
    assert grid_rows(bob, {}).status_code == 200


def test_a_new_password_and_disabling_end_sessions(app, people, engine) -> None:
    alice, bob = client_for(app, "alice"), client_for(app, "bob")
    alice_cookie, bob_cookie = _session_cookie(alice), _session_cookie(bob)
    with engine.begin() as conn:
        set_password(conn, "alice", "another long password")
    assert grid_rows(_replay(app, alice_cookie), {}).status_code == 401

    root = client_for(app, "root")
    buttons = ["admin-create", "admin-reset", "admin-active", "admin-role"]
    disabled = callback(
        root,
        [
            ("admin-feedback", "children"),
            ("admin-feedback", "color"),
            ("admin-feedback", "is_open"),
            ("admin-users", "rowData"),
            ("admin-new-login", "value"),
            ("admin-new-name", "value"),
        ],
        [(b, "n_clicks", 1 if b == "admin-active" else None) for b in buttons],
        [
            ("admin-users", "selectedRows", [{"id": people["bob"]}]),
            ("admin-new-login", "value", ""),
            ("admin-new-name", "value", ""),
            ("admin-new-role", "value", "user"),
        ],
        changed=[2],
    )
    assert disabled.json["response"]["admin-feedback"]["color"] == "success"
    with engine.connect() as conn:
        left = conn.execute(select(web_sessions.c.user_id).where(web_sessions.c.user_id == people["bob"]))
        assert left.all() == []
    assert grid_rows(_replay(app, bob_cookie), {}).status_code == 401


# -- 4: the admin guard ---------------------------------------------------------------------------------


def test_admin_callbacks_are_refused_whatever_ids_the_client_lists(app, people, monkeypatch) -> None:
    from webapp.pages import admin

    ran = []
    real = admin._require_admin
    monkeypatch.setattr(admin, "_require_admin", lambda: ran.append(1) or real())
    alice = client_for(app, "alice")
    key = next(k for k in app.callback_map if k.startswith("..admin-feedback.children"))
    body = {
        "output": key,
        "outputs": [],
        "inputs": [{"id": f"x{i}", "property": "n_clicks", "value": 1} for i in range(4)],
        "changedPropIds": ["x0.n_clicks"],
        "state": [{"id": f"y{i}", "property": "value", "value": "carol"} for i in range(4)],
    }
    response = alice.post(CALLBACK, json=body)
    assert response.status_code == 403
    assert ran == []  # refused by the guard, before the callback's own check
    body["outputs"] = None
    assert alice.post(CALLBACK, json=body).status_code in (400, 403)
    assert ran == []


def test_every_admin_callback_is_declared_admin(app) -> None:
    roles = app.server.extensions["jobhunter_callback_roles"]
    admin_keys = [k for k in app.callback_map if "admin-" in k]
    assert admin_keys and all(roles.get(k) == "admin" for k in admin_keys)


# -- 5: the login throttle ------------------------------------------------------------------------------


def test_parallel_wrong_passwords_are_checked_at_most_the_limit(app, people, engine) -> None:
    attempts = 16
    statuses: list[int] = []
    with serve(app) as url:
        sessions = []
        for _ in range(attempts):
            session = requests.Session()
            sessions.append((session, csrf_of(session.get(f"{url}/login", timeout=30).text)))
        start = threading.Barrier(attempts)

        def guess(session: requests.Session, token: str) -> None:
            start.wait()
            response = session.post(
                f"{url}/login",
                data={"login": "alice", "password": "wrong password", "csrf": token},
                allow_redirects=False,
                timeout=60,
            )
            statuses.append(response.status_code)

        threads = [threading.Thread(target=guess, args=pair) for pair in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert len(statuses) == attempts and set(statuses) <= {401, 429}, statuses
    assert statuses.count(429) >= attempts - auth.MAX_FAILURES
    with engine.connect() as conn:  # one row per password actually checked
        recorded = conn.execute(select(func.count()).select_from(login_failures)).scalar()
    assert recorded == auth.MAX_FAILURES


def test_guessing_from_many_addresses_is_slowed_but_never_locks_the_owner_out(people, engine) -> None:
    t0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    free = throttle.ACCOUNT_FREE_FAILURES
    for i in range(free):
        result = auth.authenticate(engine, "alice", "guess", f"10.0.0.{i}", now=t0)
        assert result.error in ("login.failed", "login.locked")
    # the next guess, from yet another address, must wait
    refused = auth.authenticate(engine, "alice", PASSWORD, "10.9.9.9", now=t0)
    assert refused.user is None and refused.error == "login.locked"
    # a guesser keeps trying as soon as allowed: the delay grows, but never past the cap
    when = t0
    for i in range(30):
        when += throttle.ACCOUNT_MAX_DELAY
        auth.authenticate(engine, "alice", "guess", f"10.1.{i}.1", now=when)
    with engine.connect() as conn:
        recorded = conn.execute(select(func.count()).select_from(login_failures)).scalar()
    assert recorded <= free + 30  # refused attempts are not recorded, so they cannot pile up
    owner = auth.authenticate(engine, "alice", PASSWORD, "192.0.2.7", now=when + throttle.ACCOUNT_MAX_DELAY)
    assert owner.user is not None and owner.user.login == "alice"


def test_an_overlong_password_is_refused_before_hashing(app, people, monkeypatch) -> None:
    from core import passwords

    calls = []
    real = passwords._hasher

    class Spy:
        def verify(self, *args: Any) -> bool:
            calls.append(1)
            return real.verify(*args)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    response = login(app.server.test_client(), "alice", "x" * 20_000)
    assert response.status_code == 401
    assert calls == []


# -- 7: headers -----------------------------------------------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(app, people) -> None:
    alice = client_for(app, "alice")
    response = alice.get("/")
    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    scripts = policy["script-src"].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts and "'self'" in scripts
    assert set(app.csp_hashes()) <= set(scripts)
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    login_page = app.server.test_client().get("/login")
    assert "Content-Security-Policy" in login_page.headers


# -- 9: the smaller findings ----------------------------------------------------------------------------


def test_callbacks_need_the_csrf_header(app, people) -> None:
    alice = client_for(app, "alice")
    assert grid_rows(alice, {}).status_code == 200
    token = alice.environ_base.pop("HTTP_X_CSRFTOKEN")
    assert grid_rows(alice, {}).status_code == 400
    foreign = alice.post(CALLBACK, json=grid_body(alice, {}), headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 400 and "CSRF" in foreign.json["error"]
    assert alice.post(CALLBACK, json=grid_body(alice, {}), headers={"X-CSRFToken": token}).status_code == 200
    assert alice.get_cookie("_csrf_token") is not None  # where dash-renderer reads it from


def test_only_http_links_from_a_source_reach_the_page(app, engine) -> None:
    user, searches_ = add_user(engine, "dora")
    hostile = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="

    def mutate(item: dict[str, Any]) -> None:
        item["alternate_url"] = hostile
        item.setdefault("employer", {})["alternate_url"] = "javascript:alert(1)"

    rows = load_vacancies(engine, user, searches_[0], 3, first_id=ALICE_FIRST + 900, seed=7, mutate=mutate)
    dora = client_for(app, "dora")
    grid = grid_rows(dora, {}).json["response"]["grid"]["getRowsResponse"]["rowData"]
    assert grid and all(row["url"] is None for row in grid)
    details = callback(
        dora,
        [("details", "is_open"), ("details-body", "children"), ("details-id", "data")],
        [("grid", "cellClicked", {"rowId": str(rows[0]["id"]), "colId": "name", "value": "x"})],
    )
    text = json.dumps(details.json, ensure_ascii=False)
    assert "data:" not in text and "javascript:" not in text


def test_telegram_links_are_rate_limited(app, people, engine) -> None:
    alice = client_for(app, "alice")
    answers = [
        callback(alice, [("tg-link", "children")], [("tg-make-link", "n_clicks", i + 1)]) for i in range(8)
    ]
    assert all(a.status_code == 200 for a in answers)
    assert "Слишком много ссылок" in json.dumps(answers[-1].json, ensure_ascii=False)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(telegram_links)).scalar() == 5


def test_a_mismatched_callback_logs_ids_only(app, people, caplog) -> None:
    alice = client_for(app, "alice")
    body = grid_body(alice, {})
    body["outputs"] = body["outputs"][:1]  # one output where the callback returns two
    with caplog.at_level(logging.INFO):
        response = alice.post(CALLBACK, json=body)
    assert response.status_code == 400
    logged = caplog.text
    assert "getRowsResponse" in logged
    assert not any(row["name"] in logged for row in people["alice_rows"])
    assert "Найдено" not in logged


@pytest.mark.parametrize("path", ["/loginx", "/login/x", "/searchesx", "/admin/usersx", "/nothing/here"])
def test_unknown_paths_are_404(app, people, path) -> None:
    assert app.server.test_client().get(path).status_code == 404
    assert client_for(app, "alice").get(path).status_code == 404


def test_known_pages_still_load(app, people) -> None:
    alice = client_for(app, "alice")
    for path in ("/", "/searches", "/profile", "/searches/"):
        assert alice.get(path).status_code == 200, path
    assert alice.get("/admin/users").status_code == 403
    assert client_for(app, "root").get("/admin/runs").status_code == 200


def test_sessions_expire_on_the_server(app, people, engine) -> None:
    alice = client_for(app, "alice")
    with engine.begin() as conn:
        conn.execute(web_sessions.update().values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert grid_rows(alice, {}).status_code == 401


@requires_chromium
def test_the_pages_run_under_the_policy_in_a_browser(app, people) -> None:
    """Chromium enforces the CSP: every page works and the console reports no refused script."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    from tests.web.browser import make_driver, wait

    driver = make_driver()
    try:
        with serve(app) as url:
            driver.get(url + "/")
            wait(driver, ec.presence_of_element_located((By.ID, "login")))
            driver.find_element(By.ID, "login").send_keys("alice")
            driver.find_element(By.ID, "password").send_keys(PASSWORD)
            driver.find_element(By.ID, "login-submit").click()
            wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".ag-row .jh-title")))
            wait(driver, lambda d: d.find_element(By.ID, "grid-status").text == "Найдено: 20")
            driver.find_element(By.ID, "quick").send_keys("zzqxj")  # a callback and a clientside one
            wait(driver, lambda d: d.find_element(By.ID, "grid-status").text != "Найдено: 20")
            for path, marker in (("/searches", "searches-list"), ("/profile", "logout-everywhere")):
                driver.get(url + path)
                wait(driver, ec.presence_of_element_located((By.ID, marker)))
            logs = driver.get_log("browser")
    finally:
        driver.quit()
    refused = [
        e["message"] for e in logs if "Content Security Policy" in e["message"] or "Refused" in e["message"]
    ]
    assert refused == []
