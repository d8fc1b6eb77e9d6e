"""Database set-up shared by the benchmarks (:mod:`bench.harvest`, :mod:`bench.web`)."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from core.db import sqlalchemy_url
from core.migrate import upgrade

__all__ = ["bench_schema", "database", "percentile", "throwaway_schema"]


@contextlib.contextmanager
def database() -> Iterator[tuple[str, str]]:
    """``(url, where)``: the configured PostgreSQL, else a throw-away embedded server."""
    for name in ("JH_BENCH_DATABASE_URL", "JH_TEST_DATABASE_URL"):
        if os.environ.get(name):
            yield sqlalchemy_url(os.environ[name]), name
            return
    from core import embedded

    with tempfile.TemporaryDirectory(prefix="jh-bench-pg-") as tmp:
        url = embedded.start(Path(tmp))
        try:
            yield url, "embedded server"
        finally:
            import pgserver

            pgserver.get_server(Path(tmp).resolve() / "pg").cleanup()
            # Its exit hook would log once more, to a stream the test runner has closed by then.
            logging.getLogger("pgserver").disabled = True


@contextlib.contextmanager
def throwaway_schema(url: str, prefix: str, *, keep: bool = False) -> Iterator[str]:
    """A freshly migrated schema ``<prefix>_<random>``, dropped at the end unless ``keep``."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    try:
        upgrade(admin, name)
        yield name
    finally:
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def bench_schema(url: str, reuse: str | None, keep: bool, prefix: str) -> Iterator[tuple[str, bool]]:
    """``(schema, fresh)``: a migrated schema of our own (dropped unless kept), or the reused one."""
    if reuse:
        admin = create_engine(url)
        upgrade(admin, reuse)
        yield reuse, False
        admin.dispose()
        return
    with throwaway_schema(url, prefix, keep=keep) as name:
        yield name, True


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of timings (``share`` 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
