"""Waiting for a condition instead of sleeping: the suite must pass on a loaded machine."""

from __future__ import annotations

import time
from collections.abc import Callable

PATIENCE = 120.0  # seconds; generous, since a loaded 2-core machine can be slow, and only a hang waits it out


def wait_for(
    condition: Callable[[], object], what: str, *, timeout: float = PATIENCE, every: float = 0.05
) -> None:
    """Return as soon as ``condition()`` is true; fail naming ``what`` if it never becomes true.
    ``every``: seconds between two checks (longer for a costly check of a slow process)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(every)
