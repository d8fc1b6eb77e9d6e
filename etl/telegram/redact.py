"""Keep secrets (the bot token is part of every Bot API URL) out of logs and error messages.

:func:`protect` registers a secret and installs, once per process, a log-record factory that
replaces every registered secret in each record's message and traceback. It works for records of
any logger (``urllib3`` logs request lines with the URL at DEBUG level; ``requests`` errors quote
the URL), whatever handlers the process has.
"""

from __future__ import annotations

import logging
import threading

_MASK = "***"
_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def protect(secret: str | None) -> None:
    """Never let ``secret`` (and, for a bot token, its part after ``:``) reach a log record."""
    if not secret:
        return
    with _lock:
        _secrets.add(secret)
        tail = secret.partition(":")[2]
        if len(tail) >= 8:
            _secrets.add(tail)
        _install()


def redact(text: str) -> str:
    """``text`` with every registered secret masked."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, _MASK)
    return text


def _install() -> None:
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _secrets:
            _scrub(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed record: leave it to logging's own error handling
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        clean_text = redact(text)
        if clean_text != text:
            record.exc_info, record.exc_text = None, clean_text
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
