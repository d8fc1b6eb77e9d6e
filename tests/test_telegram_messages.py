"""Telegram message text, buttons and CSV: pure functions (no database, no network)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest

from core.settings import SettingsError, load_settings
from core.telegram_links import format_quiet_hours, is_quiet, parse_quiet_hours
from etl.telegram.messages import (
    CSV_COLUMNS,
    MAX_TEXT,
    Item,
    build_csv,
    build_message,
    csv_filename,
    parse_callback,
    plural,
    salary_text,
)
from testing.fakes.telegram import parse_html

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def item(n: int, **kwargs) -> Item:
    values = {
        "vacancy_id": 100_000_000 + n,
        "name": f"Python-разработчик {n}",
        "employer_name": "ООО «Ромашка»",
        "salary_from_rub": 150_000,
        "salary_to_rub": 200_000,
        "salary_currency": "RUR",
        "area_name": "Москва",
        "experience_name": "От 1 года до 3 лет",
        "work_format_names": ["Удалённо", "Гибрид"],
        "published_at": T0 - timedelta(minutes=n),
        "url": f"https://hh.ru/vacancy/{100_000_000 + n}",
        "search_name": "Python в Москве",
        "run_id": "scheduled__1",
    }
    return Item(**(values | kwargs))


def test_salary_in_roubles() -> None:
    assert salary_text(item(1)) == "150 000 – 200 000 ₽"
    assert salary_text(item(1, salary_to_rub=None)) == "от 150 000 ₽"
    assert salary_text(item(1, salary_from_rub=None, salary_to_rub=90_000)) == "до 90 000 ₽"
    assert salary_text(item(1, salary_from_rub=None, salary_to_rub=None)) == "з/п не указана"
    assert salary_text(item(1, salary_currency="USD", salary_to_rub=None)) == "≈ от 150 000 ₽ (USD)"


def test_russian_plurals() -> None:
    forms = ("вакансия", "вакансии", "вакансий")
    assert [plural(n, *forms) for n in (1, 2, 5, 11, 12, 21, 22, 25, 101, 111)] == [
        "вакансия",
        "вакансии",
        "вакансий",
        "вакансий",
        "вакансий",
        "вакансия",
        "вакансии",
        "вакансий",
        "вакансия",
        "вакансий",
    ]


def test_message_escapes_html_lists_the_first_few_and_counts_per_search() -> None:
    items = [item(i) for i in range(1, 8)]
    items[0] = item(1, name="Python <b>& Go</b>", employer_name="A&B <Co>")
    items[5] = item(6, search_name="Удалёнка <script>")
    message = build_message(items, list_size=3)

    plain = parse_html(message.text)  # what Telegram shows; raises as Telegram would on bad HTML
    assert "Python &lt;b&gt;&amp; Go&lt;/b&gt;" in message.text
    assert "Python <b>& Go</b>" in plain and "A&B <Co>" in plain
    assert plain.startswith("🔔 7 новых вакансий")
    assert "• Python в Москве: 6" in plain and "• Удалёнка <script>: 1" in plain
    assert "150 000 – 200 000 ₽" in plain
    assert '<a href="https://hh.ru/vacancy/100000001">' in message.text
    assert "…и ещё 4 вакансии — в файле ниже." in plain
    assert message.listed == 3 and message.total == 7 and message.needs_document
    assert [[b.callback_data for b in row] for row in message.keyboard] == [
        ["fav:100000001", "ban:100000001", "app:100000001"],
        ["fav:100000002", "ban:100000002", "app:100000002"],
        ["fav:100000003", "ban:100000003", "app:100000003"],
    ]
    assert [b.text for b in message.keyboard[1]] == ["⭐ 2", "🚫 2", "✅ Откликнулся"]


def test_a_short_batch_needs_no_document_and_a_digest_says_so() -> None:
    message = build_message([item(1, run_id="r1"), item(2, run_id="r2")], list_size=5)
    assert not message.needs_document and message.listed == 2
    assert "сводка за 2 запуска" in message.text
    assert "в файле" not in message.text


def test_message_never_exceeds_telegrams_limit() -> None:
    long = "Очень длинное название " * 40
    items = [item(i, name=long, employer_name=long, search_name=f"{long}{i}") for i in range(40)]
    message = build_message(items, list_size=10)
    assert len(message.text) <= MAX_TEXT
    assert len(parse_html(message.text)) <= MAX_TEXT
    assert message.listed >= 1


def test_only_http_links_are_trusted() -> None:
    """An untrusted stored url gives no link at all: the vacancy id is the database's own, so a
    board's address made from it would point at some other vacancy."""
    message = build_message([item(1, url='javascript:alert(1)" onclick="x')])
    assert "href" not in message.text and "javascript" not in message.text
    assert "<b>Python-разработчик 1</b>" in message.text


def test_callback_data_round_trip_and_rejects_anything_else() -> None:
    assert parse_callback("fav:123") == ("fav", 123)
    assert parse_callback("ban:9") == ("ban", 9)
    assert parse_callback("app:7") == ("app", 7) and parse_callback("noa:7") == ("noa", 7)
    assert parse_callback("int:7") == ("int", 7)
    for bad in (None, "", "fav:", "fav:abc", "del:1", "fav:1:2", "fav:" + "9" * 30):
        assert parse_callback(bad) is None


def test_csv_is_utf8_with_bom_semicolons_and_every_column() -> None:
    items = [
        item(1, name='=HYPERLINK("http://evil")', salary_to_rub=None),
        item(2, salary_currency="USD", work_format_names=[]),
    ]
    data = build_csv(items, time_zone="Europe/Moscow")

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1] == [
        '\'=HYPERLINK("http://evil")',  # never a formula in Excel
        "ООО «Ромашка»",
        "150000",
        "",
        "RUR",
        "Москва",
        "От 1 года до 3 лет",
        "Удалённо, Гибрид",
        "2026-11-24 10:59",  # 07:59 UTC in Moscow
        "hh.ru",
        "https://hh.ru/vacancy/100000001",
    ]
    assert rows[2][4] == "USD" and rows[2][7] == ""
    assert len(rows) == 3
    assert csv_filename(T0.date()) == "vacancies-2026-11-24.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00-08:00", (time(22), time(8))),
        ("22-8", (time(22), time(8))),
        ("23:30 – 07:15", (time(23, 30), time(7, 15))),
        ("off", None),
        ("08:00-08:00", None),
    ],
)
def test_quiet_hours_parse(text, expected) -> None:
    assert parse_quiet_hours(text) == expected


def test_quiet_hours_in_the_users_time_zone() -> None:
    night = parse_quiet_hours("22:00-08:00")
    assert format_quiet_hours(night) == "22:00-08:00"
    # 04:00 UTC is 07:00 in Moscow (quiet) and 11:00 in Novosibirsk (not)
    four_utc = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
    assert is_quiet(four_utc, "Europe/Moscow", night)
    assert not is_quiet(four_utc, "Asia/Novosibirsk", night)
    assert not is_quiet(datetime(2026, 11, 24, 8, 0, tzinfo=UTC), "Europe/Moscow", night)  # 11:00
    assert is_quiet(datetime(2026, 11, 24, 13, 0, tzinfo=UTC), "Europe/Moscow", parse_quiet_hours("15-17"))
    assert not is_quiet(four_utc, "Europe/Moscow", None)
    with pytest.raises(ValueError):
        parse_quiet_hours("25:00-08:00")


def test_telegram_settings_are_checked_and_the_token_never_echoed() -> None:
    settings = load_settings(
        _env_file=None,
        telegram_bot_token=" 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw ",
        telegram_api_url="http://127.0.0.1:8081/",
        telegram_bot_username="@JobHunterBot",
        telegram_quiet_hours="23-7",
    )
    assert settings.telegram_token == "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.telegram_bot_username == "JobHunterBot"
    assert settings.telegram_quiet_hours == "23:00-07:00"
    assert load_settings(_env_file=None, telegram_bot_token="").telegram_token is None

    with pytest.raises(SettingsError) as bad_token:
        load_settings(_env_file=None, telegram_bot_token="123:short secret")
    assert str(bad_token.value).startswith("JH_TELEGRAM_BOT_TOKEN: must be the token")
    assert "secret" not in str(bad_token.value)
    with pytest.raises(SettingsError, match="JH_TELEGRAM_TIME_ZONE: 'Mars/Olympus' is not an IANA time zone"):
        load_settings(_env_file=None, telegram_time_zone="Mars/Olympus")
    with pytest.raises(SettingsError, match="JH_TELEGRAM_QUIET_HOURS"):
        load_settings(_env_file=None, telegram_quiet_hours="night")


def test_each_vacancy_names_its_board_and_links_its_stored_page() -> None:
    """A vacancy's id is the database's surrogate key: its link is the page stored with it, on
    its own board, and the message and the CSV say which board that is."""
    superjob = item(
        1, vacancy_id=7, source="superjob", url="https://www.superjob.ru/vakansii/razrabotchik-5551.html"
    )
    trudvsem = item(2, vacancy_id=8, source="trudvsem", url="https://trudvsem.ru/vacancy/card/1027/abc-1")
    message = build_message([superjob, trudvsem])
    assert 'href="https://www.superjob.ru/vakansii/razrabotchik-5551.html"' in message.text
    assert 'href="https://trudvsem.ru/vacancy/card/1027/abc-1"' in message.text
    assert "hh.ru/vacancy/7" not in message.text and "hh.ru/vacancy/8" not in message.text
    lines = message.text.splitlines()
    at = next(i for i, line in enumerate(lines) if "razrabotchik-5551" in line)
    assert lines[at + 1].rstrip().endswith("· SuperJob")
    at = next(i for i, line in enumerate(lines) if "abc-1" in line)
    assert lines[at + 1].rstrip().endswith("· Работа России")
    rows = list(
        csv.DictReader(
            io.StringIO(build_csv([superjob, trudvsem], time_zone="Europe/Moscow").decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert [(r["Источник"], r["Ссылка"]) for r in rows] == [
        ("SuperJob", "https://www.superjob.ru/vakansii/razrabotchik-5551.html"),
        ("Работа России", "https://trudvsem.ru/vacancy/card/1027/abc-1"),
    ]
    assert CSV_COLUMNS[-2:] == ("Источник", "Ссылка")
