"""hh.ru application authorisation: obtain, store and check the application token.

hh.ru answers vacancy search reliably only to an application token, obtained once with the
client-credentials grant (``POST /token``). It never expires, a new one revokes the old, and
hh.ru allows a new one at most every five minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from core.secrets import store_file
from core.settings import HH_TOKEN_FILE, Settings
from etl.sources.hh.client import HHAuthError, HHClient, HHError

_GRANT_ERRORS = {
    "invalid_client": "hh.ru does not know this client id and secret: copy both again from dev.hh.ru/admin",
    "unsupported_grant_type": "hh.ru refused the client-credentials grant",
    "invalid_request": "hh.ru found the token request incomplete",
}


class TokenError(RuntimeError):
    """The token could not be obtained; the message says what to do."""


@dataclass(frozen=True)
class TokenStatus:
    ok: bool
    source: str  # "JH_HH_APP_TOKEN", "stored", or "none"
    message: str
    details: dict[str, Any] | None = None


def obtain_token(settings: Settings, client_id: str, client_secret: str) -> str:
    """Exchange client credentials for an application token and store it encrypted under var/."""
    try:
        response = requests.post(
            f"{settings.hh_base_url}/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret},
            headers={"User-Agent": settings.hh_user_agent, "HH-User-Agent": settings.hh_user_agent},
            timeout=settings.hh_timeout,
        )
    except requests.RequestException as error:
        raise TokenError(f"cannot reach hh.ru at {settings.hh_base_url}: {type(error).__name__}") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 200 and body.get("access_token"):
        store_file(settings, HH_TOKEN_FILE, body["access_token"])
        return body["access_token"]
    error = body.get("error") or (body.get("errors") or [{}])[0].get("type")
    description = body.get("error_description") or ""
    if "too early" in description:
        raise TokenError(
            "hh.ru issues a new application token at most every 5 minutes: try again later "
            "(the token you have keeps working)"
        )
    reason = _GRANT_ERRORS.get(
        error or "", f"hh.ru answered HTTP {response.status_code} {error or ''}".strip()
    )
    raise TokenError(reason)


def check_token(settings: Settings) -> TokenStatus:
    """Ask ``GET /me`` what the configured token is, in one plain sentence."""
    token = settings.hh_token
    source = (
        "JH_HH_APP_TOKEN"
        if settings.hh_app_token and settings.hh_app_token.get_secret_value()
        else ("stored" if token else "none")
    )
    if not token:
        return TokenStatus(
            False,
            source,
            "No hh.ru application token: run `jobhunter hh login --client-id ID` "
            "(see README, 'Getting an hh.ru token').",
        )
    with HHClient.from_settings(settings) as client:
        try:
            me = client.me()
        except HHAuthError as error:
            return TokenStatus(False, source, token_problem(error))
        except HHError as error:
            return TokenStatus(False, source, f"Could not check the token: {error}")
    if me.get("is_application") or me.get("auth_type") == "application":
        return TokenStatus(True, source, "The hh.ru application token works (application authorisation).", me)
    return TokenStatus(
        False,
        source,
        f"The token works but is not an application token ({me.get('auth_type')}): "
        "vacancy search needs the application's own token.",
        me,
    )


def token_problem(error: HHAuthError) -> str:
    """One plain sentence for a token problem hh.ru reported."""
    if error.value == "token_revoked":
        return (
            "hh.ru revoked the application token (a newer one was issued?): run `jobhunter hh login` again."
        )
    if error.error_type == "oauth":
        return "hh.ru does not accept the application token: run `jobhunter hh login` again."
    return "hh.ru requires an application token for vacancy search: run `jobhunter hh login --client-id ID`."
