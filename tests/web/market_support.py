"""Hand-made :class:`domain.market.model.Market` objects for the «Рынок» page's chart tests (the
pure chart builders need no database), and helpers shared by the page's server and browser tests."""

from __future__ import annotations

from datetime import date, timedelta

from domain.market.model import (
    Band,
    Bin,
    DayCount,
    Demand,
    Employer,
    Lifetime,
    Market,
    Salaries,
    Scope,
    SkillGap,
    Skills,
    SkillSalary,
    SkillShare,
    Standing,
    Week,
)

TODAY = date(2026, 12, 2)


def sample_market(*, search_id: int | None = 7, standing: bool = True, basis: str = "all") -> Market:
    scope = Scope(user_id=1, today=TODAY, days=30, search_id=search_id, basis=basis)
    start = TODAY - timedelta(days=29)
    grades = [
        Band("noExperience", "Нет опыта", 12, 60_000, 75_000, 90_000, gross=8, net=4),
        Band("between1And3", "От 1 года до 3 лет", 40, 120_000, 150_000, 190_000, gross=30, net=10),
        Band("between3And6", "От 3 до 6 лет", 55, 210_000, 260_000, 320_000, gross=40, net=15),
        Band("moreThan6", "Более 6 лет", 9, 300_000, 380_000, 450_000, gross=9, net=0),
    ]
    areas = [
        Band("1", "Москва", 70, 180_000, 240_000, 310_000, gross=50, net=20),
        Band("2", "Санкт-Петербург", 30, 150_000, 200_000, 260_000, gross=20, net=10),
        Band("88", "Казань", 6, 90_000, 120_000, 150_000, gross=6, net=0),
    ]
    formats = [
        Band("REMOTE", "Удалённо", 50, 170_000, 230_000, 300_000, gross=40, net=10),
        Band("ON_SITE", "На месте работодателя", 45, 140_000, 190_000, 250_000, gross=30, net=15),
        Band("HYBRID", "Гибрид", 21, 160_000, 210_000, 280_000, gross=17, net=4),
    ]
    histogram = [
        Bin(low, low + 50_000, n)
        for low, n in zip(range(0, 500_000, 50_000), [1, 8, 16, 25, 22, 18, 12, 8, 4, 2], strict=True)
    ]
    weeks = [
        Week(
            start + timedelta(days=7 * i), 20 + i, 150_000 + i * 1000, 200_000 + i * 2000, 260_000 + i * 1500
        )
        for i in range(5)
    ]
    salaries = Salaries(
        vacancies=160,
        with_salary=116,
        without_salary=44,
        gross=87,
        net=29,
        unknown_basis=0,
        overall=Band("all", "", 116, 150_000, 205_000, 270_000, gross=87, net=29),
        by_grade=grades,
        by_area=areas,
        by_format=formats,
        histogram=histogram,
        weekly=weeks,
    )
    days = [start + timedelta(days=i) for i in range(30)]
    demand = Demand(
        new_per_day=[DayCount(d, (i * 7) % 11) for i, d in enumerate(days)],
        open_per_day=[DayCount(d, 80 + i * 2) for i, d in enumerate(days)],
        top_by_open=[
            Employer(f"e{i}", name, 12 - i, 15 - i, 10 - i, 200_000 + 10_000 * i)
            for i, name in enumerate(
                ["Сбер", "Яндекс", "Тинькофф", "ООО «Очень длинное название работодателя»", "Ozon"]
            )
        ],
        top_by_salary=[
            Employer(f"e{i}", name, 3, 5, 5, 400_000 - 20_000 * i)
            for i, name in enumerate(["Авито", "Яндекс", "VK"])
        ],
        lifetime=[
            Lifetime("between1And3", "От 1 года до 3 лет", 14, 6, 12, 21),
            Lifetime("between3And6", "От 3 до 6 лет", 9, 9, 17, 30),
        ],
    )
    skills = Skills(
        with_skills=120,
        previous_with_skills=100,
        top=[
            SkillShare(name, n, n / 120, p)
            for name, n, p in [
                ("Python", 96, 0.7),
                ("SQL", 70, 0.6),
                ("Kafka", 41, 0.2),
                ("Docker", 38, 0.35),
                ("PostgreSQL", 35, 0.3),
            ]
        ],
        rising=[SkillShare("Kafka", 41, 41 / 120, 0.2), SkillShare("Python", 96, 0.8, 0.7)],
        falling=[SkillShare("Docker", 38, 38 / 120, 0.35), SkillShare("1С", 5, 5 / 120, 0.1)],
        salary=[
            SkillSalary("Kafka", 30, 280_000, 86, 190_000),
            SkillSalary("Python", 80, 230_000, 36, 160_000),
        ],
    )
    standing_value = (
        Standing(
            desired_salary=250_000,
            grade="between3And6",
            area="Москва",
            percentile=58.0,
            peers=40,
            skills=[SkillGap("Python", 0.8, True), SkillGap("Kafka", 0.34, False)],
        )
        if standing
        else None
    )
    return Market(scope, start, TODAY, 160, salaries, demand, skills, standing_value)
