"""Writes ``tests/data/duplicates.json``, the labelled set of cross-board duplicates.

    .venv/bin/python tests/data/build_duplicates.py

Every record of ``duplicates.psv`` was written by hand, one line per vacancy: ``label | board |
employer | INN | title | area | salary from | salary to | day``. Vacancies that are one job on
several boards share a label; every other label is one vacancy. They imitate how each board
names things (see README.md beside this file): hh.ru and SuperJob show brand names and city
areas, Trudvsem the legal name in capitals with its INN and a region area. ``day`` is days
after 2026-11-16 09:00 MSK.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
URL = {
    "hh": "https://hh.ru/vacancy/{n}",
    "trudvsem": "https://trudvsem.ru/vacancy/card/{n}/{n}",
    "superjob": "https://www.superjob.ru/vakansii/{n}.html",
}

# Areas: 1 Москва, 2 Санкт-Петербург, 3 Екатеринбург, 4 Новосибирск, 88 Казань, 66 Нижний Новгород,
# 53 Краснодар, 78 Самара, 76 Ростов-на-Дону; regions (Trudvsem): 1261 Свердловская обл.,
# 1202 Новосибирская, 1624 Татарстан, 1679 Нижегородская, 1438 Краснодарский край, 1586 Самарская,
# 1530 Ростовская, 2019 Московская обл.
SOURCE = Path(__file__).with_name("duplicates.psv")


def records() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    part = "tuning"
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            part = line.strip().strip("[]")
        if not line.strip() or line.startswith(("#", "[")):
            continue
        label, source, employer, inn, title, area, low, high, day = (p.strip() for p in line.split("|"))
        n = 1000 + len(out) + 1
        out.append(
            {
                "id": n,
                "source": source,
                "employer_name": employer,
                "employer_inn": inn or None,
                "name": title,
                "area_id": area or None,
                "salary_from_rub": int(low) if low else None,
                "salary_to_rub": int(high) if high else None,
                "published_at": (BASE + timedelta(days=float(day))).isoformat(),
                "url": URL[source].format(n=n),
                "group": label,
                "part": part,
            }
        )
    return out


def main() -> None:
    about = (
        "Hand-written vacancies of hh, trudvsem and superjob; records sharing 'group' are one job "
        "on several boards. Built by tests/data/build_duplicates.py; see tests/data/README.md."
    )
    path = Path(__file__).with_name("duplicates.json")
    data = {"about": about, "records": records()}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{path}: {len(data['records'])} records")


if __name__ == "__main__":
    main()
