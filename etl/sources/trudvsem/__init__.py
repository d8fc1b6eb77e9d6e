"""Trudvsem («Работа России» open data): no key; see :mod:`.source` for how searches stay complete."""

from etl.sources.trudvsem.client import TrudvsemClient
from etl.sources.trudvsem.source import Trudvsem

__all__ = ["Trudvsem", "TrudvsemClient"]
