"""The five kinds of failure every source maps its board's answers onto (see :mod:`etl.sources.base`)."""

from __future__ import annotations

from typing import Any, ClassVar


class SourceError(Exception):
    """A board answered with an error or could not be reached; ``kind`` says which of five."""

    kind: ClassVar[str] = "unavailable"

    def __init__(self, message: str, *, status: int | None = None, source: str | None = None, **details: Any):
        super().__init__(message)
        self.status = status
        self.source = source
        self.details = details


class AuthError(SourceError):
    """The board refuses our key or token (or wants one we do not have)."""

    kind = "auth"


class CaptchaError(SourceError):
    """The board demands a captcha: retrying does not help."""

    kind = "captcha"


class NotFoundError(SourceError):
    """The vacancy (or the path) is gone: a vacancy that answers this is closed."""

    kind = "not_found"


class UnavailableError(SourceError):
    """The board kept failing (5xx, 429, network, garbled answers) after every retry."""

    kind = "unavailable"


class LimitError(SourceError):
    """The request asks for more than the board serves (depth, page size, a rejected parameter)."""

    kind = "limit"


ERROR_KINDS = {c.kind: c for c in (AuthError, CaptchaError, NotFoundError, UnavailableError, LimitError)}
