"""Password hashing with argon2id (argon2-cffi); plaintext is never stored."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 8
#: Longer passwords are refused before argon2 sees them: hashing megabytes costs a worker seconds.
MAX_LENGTH = 256


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    if len(password) > MAX_LENGTH:
        raise ValueError(f"a password has at most {MAX_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored hash (never for one over :data:`MAX_LENGTH`)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password that is easy to copy (URL-safe, 16 characters)."""
    return secrets.token_urlsafe(12)
