"""Keyset cursors of the grid's blocks, held in the web process for each user's views.

AG Grid's infinite row model asks for blocks by row number. Skipping 50,000 rows with OFFSET
reads all of them; knowing the sort value and id of row 49,999 (the last row of the block the
user scrolled through before) lets the next block start right after it in the index. Every block
served records the cursors of its first and last rows; a block whose start is known continues
from there, anything else falls back to OFFSET (correct, only slower), so a cursor is a cache:
another worker, a restart or an expired entry only costs time.

A cursor belongs to one user and one view (sort, filters, quick search, toggles): the key says
so, and a change of the user's marks (which moves rows in or out of views) forgets that user's
cursors. Rows added by a harvest meanwhile make a cursor continue after the row the user saw,
as keyset paging does, rather than shift every block by the rows inserted before it.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from typing import Any

from webapp.grid_query import Cursor, GridRequest

#: Entries kept in one process (a cursor is a few dozen bytes): the least recently used go first.
MAX_ENTRIES = 20_000
#: A view the user has not scrolled for this long starts again from OFFSET (seconds).
TTL = 1800.0

_lock = threading.Lock()
_entries: OrderedDict[tuple[int, str, int], tuple[float, Any, int]] = OrderedDict()


def view_key(request: GridRequest) -> str:
    """Everything but the block's rows: the sort (as run), filters, quick search and toggles."""
    view = {
        "sort": request.sort_model,
        "filter": request.filter_model,
        "quick": request.quick,
        "banned": request.show_banned,
        "favourites": request.only_favourites,
    }
    text = json.dumps(view, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def remember(user_id: int, view: str, position: int, value: Any, vacancy_id: int) -> None:
    """Row ``position`` of the user's view has this sort value and vacancy id."""
    with _lock:
        key = (user_id, view, position)
        _entries[key] = (time.monotonic(), value, vacancy_id)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def _get(key: tuple[int, str, int]) -> tuple[Any, int] | None:
    entry = _entries.get(key)
    if entry is None:
        return None
    if time.monotonic() - entry[0] > TTL:
        del _entries[key]
        return None
    _entries.move_to_end(key)
    return entry[1], entry[2]


def cursor_for(user_id: int, view: str, start: int) -> Cursor | None:
    """Where a block starting at row ``start`` continues from: just after row ``start - 1``, or
    at row ``start`` itself (a block asked for again); None when neither is known."""
    if start <= 0:
        return None
    with _lock:
        before = _get((user_id, view, start - 1))
        if before is not None:
            return Cursor(before[0], before[1], inclusive=False)
        at = _get((user_id, view, start))
        if at is not None:
            return Cursor(at[0], at[1], inclusive=True)
    return None


def forget(user_id: int) -> None:
    """Drop the user's cursors: a mark changed, so rows may have moved in or out of views."""
    with _lock:
        for key in [k for k in _entries if k[0] == user_id]:
            del _entries[key]


def clear() -> None:
    with _lock:
        _entries.clear()
