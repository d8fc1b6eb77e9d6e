"""Secrets at rest: values encrypted with Fernet (AES-128-CBC + HMAC) under one master key.

The master key is ``JH_SECRET_KEY`` when set (a Fernet key, e.g. from a secrets manager), else
one generated on first use into ``<var_dir>/secret.key`` with mode 0600. Losing the key makes
the stored secrets unreadable; they can always be entered again.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from core.settings import Settings

KEY_FILE = "secret.key"


class SecretUnreadable(RuntimeError):
    """A stored secret cannot be decrypted with the current key."""


def _key(settings: Settings) -> bytes:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    path = Path(settings.var_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
    return path.read_bytes().strip()


def encrypt(settings: Settings, value: str) -> bytes:
    return Fernet(_key(settings)).encrypt(value.encode())


def decrypt(settings: Settings, token: bytes) -> str:
    try:
        return Fernet(_key(settings)).decrypt(token).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "a stored secret cannot be read with the current key (JH_SECRET_KEY changed?)"
        ) from None


def store_file(settings: Settings, name: str, value: str) -> Path:
    """Write an encrypted secret to ``<var_dir>/<name>`` (0600)."""
    path = Path(settings.var_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = encrypt(settings, value)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return path


def read_file(settings: Settings, name: str) -> str | None:
    path = Path(settings.var_dir) / name
    return decrypt(settings, path.read_bytes()) if path.exists() else None
