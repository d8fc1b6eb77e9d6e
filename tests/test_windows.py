"""Publication windows: alignment to hh.ru's 5-minute grid and exact splitting."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from etl.windows import STEP, Window, floor_step, hh_time, incremental_window


def at(h: int, m: int = 0, s: int = 0) -> datetime:
    return datetime(2026, 11, 20, h, m, s, tzinfo=UTC)


def test_floor_and_format() -> None:
    assert floor_step(at(10, 7, 31)) == at(10, 5)
    assert hh_time(at(8)) == "2026-11-20T08:00:00+0000"


def test_split_covers_the_window_exactly_on_the_grid() -> None:
    window = Window(at(8), at(16))
    for parts in (2, 3, 7, 50, 1000):
        slices = window.split(parts)
        assert slices[0].start == window.start and slices[-1].end == window.end
        assert all(a.end == b.start for a, b in itertools.pairwise(slices))
        assert all((s.start - window.start) % STEP == timedelta(0) for s in slices)
        assert len(slices) == min(parts, 96) or parts < 2


def test_smallest_window_cannot_split() -> None:
    assert not Window(at(8), at(8, 5)).can_split()
    assert Window(at(8), at(8, 10)).can_split()


def test_window_rejects_naive_and_empty() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Window(datetime(2026, 1, 1), datetime(2026, 1, 2))
    with pytest.raises(ValueError, match="empty"):
        Window(at(9), at(8))


def test_incremental_window() -> None:
    first = incremental_window(None, at(10, 3), overlap=timedelta(hours=1), lookback=timedelta(days=7))
    assert first == Window(at(10) - timedelta(days=7), at(10))
    later = incremental_window(at(9), at(10, 3), overlap=timedelta(hours=1), lookback=timedelta(days=7))
    assert later == Window(at(8), at(10))
