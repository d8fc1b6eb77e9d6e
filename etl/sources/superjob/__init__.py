"""SuperJob API 2.0 (``X-Api-App-Id``): see :mod:`.source` for how searches get past the depth cap."""

from etl.sources.superjob.client import SuperJobClient
from etl.sources.superjob.source import SuperJob

__all__ = ["SuperJob", "SuperJobClient"]
