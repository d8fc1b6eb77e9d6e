"""Telegram names each vacancy's board and links its stored page (issue 13): the outbox reads the
board from t01, the message and the CSV show it. Real PostgreSQL, no network."""

from __future__ import annotations

import csv
import io

from etl.telegram import outbox
from etl.telegram.messages import build_csv, build_message
from tests.web.support import add_user, load_vacancies


def test_queued_vacancies_of_every_board_name_it_and_link_their_own_page(engine) -> None:
    anna, searches = add_user(engine, "anna")
    hh = load_vacancies(engine, anna, searches[0], 2, first_id=1_000, seed=1)
    sj = load_vacancies(engine, anna, searches[0], 2, first_id=5_000, seed=2, source="superjob")
    tv = load_vacancies(engine, anna, searches[0], 1, first_id=7_000, seed=3, source="trudvsem")
    with engine.begin() as conn:
        assert outbox.enqueue(conn, run_id="test", search_id=searches[0], user_id=anna) == 5
        items = [item for _, item in outbox.pending(conn, anna)]
    boards = {item.vacancy_id: (item.source, item.url) for item in items}
    assert boards == {r["id"]: (r["source"], r["url"]) for r in hh + sj + tv}

    message = build_message(items, list_size=5)
    for row, label in [(r, "hh.ru") for r in hh] + [(r, "SuperJob") for r in sj] + [(tv[0], "Работа России")]:
        assert f'href="{row["url"]}"' in message.text
        line = next(i for i, text in enumerate(message.text.splitlines()) if row["url"] in text)
        assert message.text.splitlines()[line + 1].endswith(f"· {label}")
    # a surrogate id never becomes an hh.ru address
    assert all(f'hh.ru/vacancy/{r["id"]}"' not in message.text for r in sj + tv)

    table = list(
        csv.DictReader(
            io.StringIO(build_csv(items, time_zone="Europe/Moscow").decode("utf-8-sig")), delimiter=";"
        )
    )
    assert {(r["Источник"], r["Ссылка"]) for r in table} == {
        *(("hh.ru", r["url"]) for r in hh),
        *(("SuperJob", r["url"]) for r in sj),
        ("Работа России", tv[0]["url"]),
    }
