"""Publication windows: how a run decides what to ask hh.ru for, and how it splits them."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

STEP = timedelta(minutes=5)  # hh.ru rounds date_from / date_to to 5 minutes


def utc(moment: datetime) -> datetime:
    """An aware ``moment`` as a plain ``datetime`` in UTC (pendulum's DateTime included)."""
    if moment.tzinfo is None:
        raise ValueError("window bounds must carry a time zone")
    return datetime.fromtimestamp(moment.timestamp(), tz=UTC)


def floor_step(moment: datetime) -> datetime:
    """``moment`` in UTC rounded down to hh.ru's 5-minute grid."""
    moment = utc(moment)
    return moment - timedelta(
        minutes=moment.minute % 5, seconds=moment.second, microseconds=moment.microsecond
    )


def hh_time(moment: datetime) -> str:
    """The ISO 8601 form hh.ru documents: ``2026-11-20T08:00:00+0000``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


@dataclass(frozen=True, order=True)
class Window:
    """A publication window [start, end) on the 5-minute grid."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("window bounds must carry a time zone")
        if self.end <= self.start:
            raise ValueError(f"window is empty: {self}")

    @classmethod
    def aligned(cls, start: datetime, end: datetime) -> Window:
        start, end = floor_step(start), floor_step(end)
        if end <= start:
            end = start + STEP
        return cls(start, end)

    @property
    def key(self) -> str:
        return f"{hh_time(self.start)}/{hh_time(self.end)}"

    def params(self) -> list[tuple[str, str]]:
        return [("date_from", hh_time(self.start)), ("date_to", hh_time(self.end))]

    def can_split(self) -> bool:
        return self.end - self.start >= 2 * STEP

    def split(self, parts: int) -> list[Window]:
        """Up to ``parts`` contiguous slices on the 5-minute grid, covering the window exactly."""
        steps = (self.end - self.start) // STEP
        parts = max(2, min(parts, steps))
        bounds = [self.start + STEP * math.floor(steps * i / parts) for i in range(parts)] + [self.end]
        return [Window(a, b) for a, b in itertools.pairwise(bounds) if b > a]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M} UTC"


def incremental_window(
    watermark: datetime | None, now: datetime, *, overlap: timedelta, lookback: timedelta
) -> Window:
    """A scheduled run's window: from the watermark minus an overlap (or a look-back) up to now."""
    start = (watermark - overlap) if watermark else (now - lookback)
    return Window.aligned(start, now)
