"""In-process fakes of the external services Job Hunter talks to (for tests, benchmarks and demos)."""

from .hh import FakeHH, RecordedRequest

__all__ = ["FakeHH", "RecordedRequest"]
