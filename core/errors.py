"""Errors that carry a message meant for the person at the keyboard."""

from __future__ import annotations

from typing import Any


class UserInputError(ValueError):
    """Bad input from a person (CLI argument, form field); the message says what to fix.

    The message is English (the CLI's language). ``code`` and ``params``, when given, let the web
    app say the same in the user's language (``webapp.i18n.error_text``)."""

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params
