"""Duplicate groups across boards: the normalisers, the decision, regroup in PostgreSQL, splits."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from bench.duplicates import FLOOR_PRECISION, FLOOR_RECALL, decide, load_set, pairwise, parts
from core.errors import UserInputError
from core.schema import dictionaries, group_splits, vacancies
from domain import duplicates as d
from domain.duplicates import Candidate, likely_same
from etl import load
from tests.harvesting import harvest
from tests.helpers import add_user_and_search, audit, snapshot
from tests.helpers import vacancies as make_vacancies

WHEN = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def candidate(id: int = 1, source: str = "hh", **fields: Any) -> Candidate:
    values: dict[str, Any] = {
        "employer_name": "ООО Ромашка",
        "employer_inn": None,
        "name": "Бухгалтер",
        "area_id": "1",
        "salary_from_rub": 60_000,
        "salary_to_rub": 80_000,
        "published_at": WHEN,
    }
    return Candidate(id=id, source=source, **(values | fields))


# -- normalisers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        'ООО "Ромашка"',
        "Ромашка, ООО",
        "ООО «Ромашка»",
        "Общество с ограниченной ответственностью «Ромашка»",
        'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА"',
        "  ромашка  ",
    ],
)
def test_employer_legal_forms_quotes_and_case_go(name):
    assert d.normalise_employer(name) == "ромашка"


def test_employer_normaliser_knows_public_bodies_and_abbreviations():
    assert d.normalise_employer('МБОУ "СРЕДНЯЯ ОБЩЕОБРАЗОВАТЕЛЬНАЯ ШКОЛА № 5"') == "сош 5"
    assert d.normalise_employer("Муниципальное бюджетное общеобразовательное учреждение СОШ №5") == "сош 5"
    assert d.normalise_employer('ПАО "Ёлка"') == "елка"
    assert d.normalise_employer("Строительная компания Восток") == d.normalise_employer("СК «Восток»")
    assert d.normalise_employer("ИП Иванов Иван Иванович") == "иванов иван иванович"


def test_employer_similarity_ignores_word_order_but_not_numbers():
    assert d.employer_similarity("Уют, кафе", "Кафе «Уют»") == 1.0
    assert d.employer_similarity("МБДОУ Детский сад № 12", 'МБДОУ "ДЕТСКИЙ САД № 15"') == 0.0
    assert d.employer_similarity("Альфа", "Альфа-Банк") < d.EMPLOYER_FLOOR


@pytest.mark.parametrize(
    ("title", "normal"),
    [
        ("Бухгалтер (м/ж)", "бухгалтер"),
        ("Требуется продавец-кассир!", "продавец кассир"),
        ("Курьер м/ж", "курьер"),
        ("Менеджёр по продажам (B2B, удалённо)", "менеджер продажам"),
        ("Повар [ТЦ (Мега)]", "повар"),
    ],
)
def test_title_normaliser(title, normal):
    assert d.normalise_title(title) == normal


def test_title_similarity_keeps_ranks_and_grades_apart():
    assert d.title_similarity("Бухгалтер", "бухгалтер (м/ж)") == 1.0
    assert d.title_similarity("Бухгалтер", "Главный бухгалтер") == 0.0
    assert d.title_similarity("Python-разработчик (Senior)", "Python-разработчик") == 0.0
    assert d.title_similarity("Токарь 4 разряда", "Токарь 5 разряда") == 0.0
    assert d.title_similarity("Продавец-кассир", "Кассир-продавец") == 1.0
    assert d.title_similarity("Медсестра палатная", "Медицинская сестра палатная") == 1.0
    assert d.title_similarity("Повар горячего цеха", "Повар холодного цеха") == 0.5


def test_salaries_compare_in_monthly_roubles_with_slack():
    assert d.salaries_compatible((60_000, 80_000), (65_000, None)) is True
    assert d.salaries_compatible((52_000, 60_000), (60_000, 69_000)) is True  # net against gross
    assert d.salaries_compatible((45_000, 50_000), (150_000, 250_000)) is False
    assert d.salaries_compatible((None, None), (50_000, 60_000)) is None
    assert d.salaries_compatible((0, 0), (50_000, 60_000)) is None  # 0: not given


def test_areas_region_holds_its_cities():
    assert d.areas_compatible("3", "1261")  # Екатеринбург in Свердловская область
    assert d.areas_compatible("1261", "3")
    assert d.areas_compatible(None, "2")
    assert not d.areas_compatible("1", "2")
    assert not d.areas_compatible("4", "1261")


# -- the decision ----------------------------------------------------------------------------------


def test_one_job_on_two_boards_is_likely_the_same():
    hh = candidate(1, "hh", name="Бухгалтер (м/ж)")
    tv = candidate(
        2,
        "trudvsem",
        employer_name='ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА"',
        employer_inn="7701234567",
        published_at=WHEN + timedelta(days=2),
    )
    assert likely_same(hh, tv) and likely_same(tv, hh)


def test_two_vacancies_of_one_board_are_never_the_same():
    assert not likely_same(candidate(1, "hh"), candidate(2, "hh"))
    placed = d.assign([candidate(1, "hh"), candidate(2, "hh"), candidate(3, "superjob")], [1, 2, 3])
    assert placed == {1: 1, 2: None, 3: 1}


@pytest.mark.parametrize(
    "other",
    [
        {"name": "Главный бухгалтер"},
        {"area_id": "2"},
        {"salary_from_rub": 150_000, "salary_to_rub": 200_000},
        {"employer_name": "Ромашка Плюс"},
        {"employer_name": "Вектор"},
        {"published_at": WHEN + timedelta(days=30)},
        {"employer_inn": "7700000002"},
    ],
    ids=["rank", "city", "salary", "near-name", "employer", "a month later", "inn"],
)
def test_hard_negatives_stay_apart(other):
    hh = candidate(1, "hh", employer_inn="7700000001" if "employer_inn" in other else None)
    assert not likely_same(hh, candidate(2, "superjob", **other))


def test_a_chain_of_near_matches_makes_no_group():
    """Complete linkage: hh matches Trudvsem and Trudvsem matches SuperJob, hh and SuperJob differ."""
    hh = candidate(1, "hh", salary_from_rub=60_000, salary_to_rub=60_000)
    tv = candidate(2, "trudvsem", salary_from_rub=None, salary_to_rub=None)
    sj = candidate(3, "superjob", salary_from_rub=150_000, salary_to_rub=150_000)
    assert likely_same(hh, tv) and likely_same(tv, sj) and not likely_same(hh, sj)
    placed = d.assign([hh, tv, sj], [1, 2, 3])
    assert sorted(Counter(g for g in placed.values() if g).values()) == [2]


def test_the_labelled_set_never_puts_two_of_one_board_in_a_group():
    records = load_set()
    groups = decide(records)
    boards: dict[int, list[str]] = {}
    for r in records:
        if groups[r["id"]] is not None:
            boards.setdefault(groups[r["id"]], []).append(r["source"])
    assert boards and all(len(b) == len(set(b)) >= 2 for b in boards.values())


def test_the_labelled_set_stays_at_its_floors():
    records = load_set()
    assert len(records) >= 150 and {r["source"] for r in records} == {"hh", "trudvsem", "superjob"}
    groups = decide(records)
    scores = {name: pairwise(labels, groups) for name, labels in parts(records).items()}
    for name, s in scores.items():
        assert s.precision >= FLOOR_PRECISION, (name, s)
    assert scores["all"].recall >= FLOOR_RECALL, scores["all"]
    assert scores["tuning"].recall >= FLOOR_RECALL, scores["tuning"]


# -- in PostgreSQL ----------------------------------------------------------------------------------


def row(source: str, source_id: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "source": source,
        "source_id": source_id,
        "name": "Бухгалтер",
        "employer_name": "ООО Ромашка",
        "employer_inn": None,
        "area_id": "1",
        "salary_from_rub": 60_000,
        "salary_to_rub": 80_000,
        "url": f"https://example.com/{source}/{source_id}",
        "published_at": WHEN,
    } | fields
    values["content_hash"] = hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()
    return values


def put(engine: Engine, *rows: dict[str, Any]) -> list[int]:
    """Load rows (board by board, as the harvest does) and return their ids in order."""
    ids: dict[tuple[str, str], int] = {}
    for source in dict.fromkeys(r["source"] for r in rows):
        with engine.begin() as conn:
            batch = [r for r in rows if r["source"] == source]
            counts = load.upsert_vacancies(conn, batch, datetime.now(UTC), "test")
        ids |= {(source, sid): vid for sid, vid in counts.ids.items()}
    return [ids[(r["source"], r["source_id"])] for r in rows]


def regroup(engine: Engine, ids: list[int]) -> int:
    with engine.begin() as conn:
        return d.regroup(conn, ids)


def group_ids(engine: Engine, ids: list[int]) -> list[int | None]:
    with engine.connect() as conn:
        query = select(vacancies.c.id, vacancies.c.group_id).where(vacancies.c.id.in_(ids))
        found = {r.id: r.group_id for r in conn.execute(query)}
    return [found[i] for i in ids]


def test_regroup_sets_the_smallest_id_and_is_idempotent(engine):
    [sj] = put(engine, row("superjob", "s1", employer_name="Ромашка, ООО", name="Бухгалтер (м/ж)"))
    assert regroup(engine, [sj]) == 0  # alone until another board has the job
    [hh] = put(engine, row("hh", "h1"))
    assert regroup(engine, [hh]) == 2
    tv, other = put(
        engine,
        row(
            "trudvsem",
            "t1",
            employer_name='ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА"',
            employer_inn="7701234567",
            name="БУХГАЛТЕР",
        ),
        row("trudvsem", "t2", name="Главный бухгалтер", salary_from_rub=150_000, salary_to_rub=None),
    )
    assert regroup(engine, [tv, other]) == 1
    assert group_ids(engine, [sj, hh, tv, other]) == [sj, sj, sj, None]
    assert min(sj, hh, tv) == sj

    before = snapshot(engine)
    assert regroup(engine, [sj, hh, tv, other]) == 0
    assert snapshot(engine) == before


def test_regroup_keeps_one_vacancy_per_board(engine):
    hh1, tv = put(engine, row("hh", "h1"), row("trudvsem", "t1", employer_name='ООО "РОМАШКА"'))
    regroup(engine, [hh1, tv])
    [hh2] = put(engine, row("hh", "h2", published_at=WHEN + timedelta(hours=1)))  # a second opening

    assert regroup(engine, [hh2]) == 0
    assert group_ids(engine, [hh1, tv, hh2]) == [hh1, hh1, None]


def test_a_vacancy_that_changed_leaves_its_group(engine):
    hh, sj = put(engine, row("hh", "h1"), row("superjob", "s1"))
    regroup(engine, [hh, sj])
    assert group_ids(engine, [hh, sj]) == [hh, hh]

    put(engine, row("hh", "h1", name="Главный бухгалтер"))
    assert regroup(engine, [hh]) == 2
    assert group_ids(engine, [hh, sj]) == [None, None]


def test_regroup_finds_legal_form_variants_and_a_region_for_a_city(engine):
    hh, tv = put(
        engine,
        row("hh", "h1", employer_name="Уралмашзавод", name="Токарь 5 разряда", area_id="3"),
        row(
            "trudvsem",
            "t1",
            employer_name='ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "УРАЛМАШЗАВОД"',
            employer_inn="6673000001",
            name="Токарь 5 разряда",
            area_id="1261",
            published_at=WHEN + timedelta(days=3),
        ),
    )
    assert regroup(engine, [tv]) == 2
    assert group_ids(engine, [hh, tv]) == [hh, hh]


def test_regroup_reads_regions_and_cities_from_the_cached_areas_tree(engine):
    tree = [
        {
            "id": "113",
            "name": "Россия",
            "areas": [
                {
                    "id": "1384",
                    "name": "Ульяновская область",
                    "areas": [{"id": "98", "name": "Ульяновск", "areas": []}],
                }
            ],
        }
    ]
    with engine.begin() as conn:
        conn.execute(insert(dictionaries).values(name="areas", payload=tree))
    hh, tv = put(
        engine,
        row("hh", "h1", area_id="98"),
        row("trudvsem", "t1", employer_name='ООО "РОМАШКА"', area_id="1384"),
    )
    assert regroup(engine, [tv]) == 2
    assert group_ids(engine, [hh, tv]) == [hh, hh]


# -- a user's splits --------------------------------------------------------------------------------


def link(engine: Engine, user_id: int, search_id: int, ids: list[int]) -> None:
    with engine.begin() as conn:
        load.link_to_user(conn, user_id=user_id, search_id=search_id, run_id="test", vacancy_ids=ids)


def test_split_and_unsplit_are_each_users_own(engine):
    hh, sj, tv = put(
        engine, row("hh", "h1"), row("superjob", "s1"), row("trudvsem", "t1", employer_name='ООО "РОМАШКА"')
    )
    regroup(engine, [hh, sj, tv])
    alice, alice_search = add_user_and_search(engine, "alice")
    bob, bob_search = add_user_and_search(engine, "bob")
    link(engine, alice, alice_search, [hh])
    link(engine, bob, bob_search, [hh, sj])

    with engine.begin() as conn:
        with pytest.raises(UserInputError):
            d.split(conn, alice, sj)  # not among alice's vacancies
        assert d.split(conn, bob, sj) is True
        assert d.split(conn, bob, sj) is False

    with engine.begin() as conn:
        assert conn.execute(select(group_splits.c.user_id, group_splits.c.vacancy_id)).all() == [(bob, sj)]
        with pytest.raises(UserInputError):
            d.unsplit(conn, alice, sj)
        assert d.unsplit(conn, bob, sj) is True
        assert d.unsplit(conn, bob, sj) is False
        assert conn.execute(select(group_splits)).all() == []


def test_candidate_of_a_row_ignores_other_columns():
    c = Candidate.of({"id": 5, "source": "hh", "name": "X", "published_at": WHEN, "url": "u"})
    assert c == replace(c, employer_name=None) and c.id == 5


# -- the harvest -----------------------------------------------------------------------------------


def test_the_load_step_groups_what_it_loaded_with_other_boards(
    engine, settings_factory, fake_hh, last_day, window
):
    start, end = last_day
    hh_items = make_vacancies(3, start, end)
    fake_hh.add(hh_items)
    first = hh_items[0]
    [copy] = put(
        engine,
        row(
            "superjob",
            "s1",
            name=f"{first['name']} (м/ж)",
            employer_name=f"{first['employer']['name']}, ООО",
            area_id=first["area"]["id"],
            salary_from_rub=None,
            salary_to_rub=None,
            published_at=datetime.fromisoformat(first["published_at"]),
        ),
    )
    add_user_and_search(engine)
    settings = settings_factory(hh_base_url=fake_hh.url)

    run_id = harvest(engine, settings, window=window)

    [audit_row] = audit(engine, run_id)
    assert audit_row["status"] == "success", audit_row["error"]
    assert audit_row["step_stats"]["load"]["grouped"] == 2
    with engine.connect() as conn:
        hh_id = conn.execute(select(vacancies.c.id).where(vacancies.c.source_id == first["id"])).scalar_one()
    assert group_ids(engine, [copy, hh_id]) == [copy, copy]

    again = harvest(engine, settings, window=window)
    assert audit(engine, again)[0]["step_stats"]["load"]["grouped"] == 0
