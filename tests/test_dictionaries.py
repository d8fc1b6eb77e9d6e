"""Cached hh.ru dictionaries: a failed fetch is said truthfully, remembered, and not retried on every run."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, update

from etl import dictionaries
from etl.sources.hh.client import HHClient
from tests.helpers import count

DAY = timedelta(hours=24)


def _refresh(engine, settings, **kwargs) -> list[str]:
    with HHClient.from_settings(settings) as client:
        return dictionaries.refresh(engine, client, max_age=DAY, **kwargs)


def test_a_failed_fetch_without_a_copy_says_so_and_is_not_retried_by_the_next_runs(
    engine, settings_factory, fake_hh, caplog
) -> None:
    settings = settings_factory(hh_base_url=fake_hh.url, hh_max_retries=2)
    fake_hh.fail_next(1000, 503, path_prefix="/areas")

    with caplog.at_level(logging.WARNING, logger="etl.dictionaries"):
        assert _refresh(engine, settings) == ["dictionaries", "professional_roles"]
    [message] = [r.getMessage() for r in caplog.records if r.name == "etl.dictionaries"]
    assert "could not fetch hh.ru /areas and there is no cached copy yet" in message
    assert "keeping the cached copy" not in message
    attempts = fake_hh.count("areas")
    assert attempts == 3  # the client's retries, once

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="etl.dictionaries"):
        assert _refresh(engine, settings) == []  # the next run starts its searches at once
    assert fake_hh.count("areas") == attempts and caplog.records == []
    with engine.connect() as conn:
        assert dictionaries.load(conn, "areas") is None
        assert "503" in dictionaries.last_failure(conn, "areas")


def test_a_failed_fetch_is_tried_again_after_the_interval_and_a_success_clears_it(
    engine, settings_factory, fake_hh
) -> None:
    settings = settings_factory(hh_base_url=fake_hh.url, hh_max_retries=0)
    fake_hh.fail_next(1, 503, path_prefix="/areas")
    _refresh(engine, settings)
    with engine.begin() as conn:  # the failure is older than the back-off interval
        table = dictionaries.dictionaries
        age = dictionaries.RETRY_AFTER + timedelta(minutes=1)
        conn.execute(update(table).values(fetched_at=func.now() - age))

    assert _refresh(engine, settings) == ["areas"]
    with engine.connect() as conn:
        assert dictionaries.load(conn, "areas") and dictionaries.last_failure(conn, "areas") is None
    assert count(engine, "t10_jh_dictionaries") == 3


def test_a_failed_refresh_keeps_the_cached_copy_and_says_from_when(
    engine, settings_factory, fake_hh, caplog
) -> None:
    settings = settings_factory(hh_base_url=fake_hh.url, hh_max_retries=0)
    _refresh(engine, settings)
    fake_hh.fail_next(1, 503, path_prefix="/areas")

    with caplog.at_level(logging.WARNING, logger="etl.dictionaries"):
        assert "areas" not in _refresh(engine, settings, force=True)
    [message] = [r.getMessage() for r in caplog.records if r.name == "etl.dictionaries"]
    assert "could not refresh hh.ru /areas, keeping the cached copy of " in message
    with engine.connect() as conn:
        assert dictionaries.load(conn, "areas")  # still there for the pickers and id checks
