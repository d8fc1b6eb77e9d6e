"""Login throttling, kept in ``t12_jh_login_failures`` so every worker process sees it.

Three limits, all checked and recorded in one atomic step:

* one login from one address: after :data:`MAX_FAILURES` failures within :data:`LOCK_WINDOW`
  it is refused from that address until ``LOCK_WINDOW`` after the last failure;
* one address: refused altogether after :data:`MAX_FAILURES_PER_IP` failures (any logins);
* one login from anywhere (guessing spread over many addresses): after
  :data:`ACCOUNT_FREE_FAILURES` failures within :data:`ACCOUNT_WINDOW`, each further attempt
  must wait a delay that doubles with every failure, up to :data:`ACCOUNT_MAX_DELAY`. A refused
  attempt is not recorded, so an attacker cannot push the delay past that cap: the owner can
  always log in within a minute, and a guesser gets about one try a minute.

Atomic: :func:`admit` takes PostgreSQL advisory locks on the address and on the login, counts,
and records the attempt as a failure *before* the password is checked, all in one short
transaction. Sixteen parallel guesses therefore see each other: exactly :data:`MAX_FAILURES`
get their password checked. A successful login deletes its own record again (:func:`succeeded`).
The password itself is checked outside the lock, so argon2 never runs while a lock is held.

Flask-Limiter would give atomic counters too, but only on Redis, memcached or MongoDB storage;
its in-memory storage is per process, so with several gunicorn workers and the embedded default
(PostgreSQL only) the limits would multiply by the number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select

from core.schema import login_failures

MAX_FAILURES = 5
MAX_FAILURES_PER_IP = 20
LOCK_WINDOW = timedelta(minutes=5)
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_WINDOW = timedelta(minutes=15)
ACCOUNT_MAX_DELAY = timedelta(seconds=60)
FAILURE_RETENTION = timedelta(days=1)

# Advisory lock namespaces (first key of pg_advisory_xact_lock(int, int)): address, then login.
# Always taken in that order, so two attempts can never wait for each other in a cycle.
_IP_LOCK, _LOGIN_LOCK = 1_247_001, 1_247_002


@dataclass(frozen=True)
class Admission:
    """An attempt let through (``attempt_id`` names its provisional failure row) or refused."""

    attempt_id: int | None
    wait: timedelta | None = None


def account_delay(failures: int) -> timedelta:
    """How long after the last failure a login with ``failures`` recent failures must wait."""
    if failures < ACCOUNT_FREE_FAILURES:
        return timedelta(0)
    seconds = 2 ** min(failures - ACCOUNT_FREE_FAILURES, 16)
    return min(timedelta(seconds=seconds), ACCOUNT_MAX_DELAY)


def _wait(conn: Connection, login: str, ip: str, now: datetime) -> timedelta | None:
    since = now - max(LOCK_WINDOW, ACCOUNT_WINDOW)
    recent = login_failures.c.failed_at > now - LOCK_WINDOW
    same_login, same_ip = login_failures.c.login == login, login_failures.c.ip == ip
    row = conn.execute(
        select(
            func.count().filter(same_login, same_ip, recent).label("pair"),
            func.max(login_failures.c.failed_at).filter(same_login, same_ip, recent).label("pair_last"),
            func.count().filter(same_ip, recent).label("ip"),
            func.max(login_failures.c.failed_at).filter(same_ip, recent).label("ip_last"),
            func.count().filter(same_login).label("account"),
            func.max(login_failures.c.failed_at).filter(same_login).label("account_last"),
        ).where(login_failures.c.failed_at > since, (same_login) | (same_ip))
    ).one()
    remaining = []
    if row.pair >= MAX_FAILURES:
        remaining.append(row.pair_last + LOCK_WINDOW - now)
    if row.ip >= MAX_FAILURES_PER_IP:
        remaining.append(row.ip_last + LOCK_WINDOW - now)
    delay = account_delay(row.account)
    if delay and row.account_last + delay > now:
        remaining.append(row.account_last + delay - now)
    remaining = [r for r in remaining if r > timedelta(0)]
    return max(remaining) if remaining else None


def admit(conn: Connection, login: str, ip: str, now: datetime) -> Admission:
    """Check every limit and record the attempt, atomically (call inside a transaction)."""
    conn.execute(select(func.pg_advisory_xact_lock(_IP_LOCK, func.hashtext(ip))))
    conn.execute(select(func.pg_advisory_xact_lock(_LOGIN_LOCK, func.hashtext(login))))
    conn.execute(delete(login_failures).where(login_failures.c.failed_at < now - FAILURE_RETENTION))
    wait = _wait(conn, login, ip, now)
    if wait is not None:
        return Admission(None, wait)
    attempt = conn.execute(
        insert(login_failures).values(login=login, ip=ip, failed_at=now).returning(login_failures.c.id)
    ).scalar_one()
    return Admission(attempt)


def locked_after_failure(conn: Connection, login: str, ip: str, now: datetime) -> timedelta | None:
    """Whether the failure just recorded locks the next attempt (to say so at once)."""
    return _wait(conn, login, ip, now)


def succeeded(conn: Connection, login: str, ip: str) -> None:
    """The password was right: forget this login's failures from this address (and the attempt)."""
    conn.execute(delete(login_failures).where(login_failures.c.login == login, login_failures.c.ip == ip))


def clear(conn: Connection, login: str) -> None:
    """An administrator reset the password: forget the failed attempts for that login."""
    conn.execute(delete(login_failures).where(login_failures.c.login == login))
