"""How many of the score's 100 points each component gives, and why: the one place they are set.

A component that cannot be judged (the vacancy names no salary, the user gave no areas) gives
half its points, so it neither lifts nor sinks a vacancy against others the user cannot judge
either: "unknown is neutral".
"""

from __future__ import annotations

from typing import Final

#: Points per component; they add up to 100. Set by reasoning first; the labelled set
#: (``bench/match.py``) then showed town and format counting too little at 6 and 4 points: a
#: vacancy in the wrong town ranked among the best, though the user cannot take it (mean NDCG@10
#: 0.913 with 40/30/10/10/6/4, 0.974 with these). The nearby splits tried (skills 34-38, title
#: 24-26, salary 10-12) give 0.958-0.974: the ranking does not hang on the exact figures.
WEIGHTS: Final[dict[str, int]] = {
    # What the job is made of: the strongest evidence of fit, and the one the user can act on
    # (the "missing" list). Counted against the vacancy's key skills and its text.
    "skills": 36,
    # A Python developer reads "Python-разработчик" first: the title says what the job is even
    # when the vacancy lists no skills (most Trudvsem and many hh.ru vacancies do not). Less
    # than skills: titles are short, and the same words name different jobs («менеджер»).
    "title": 24,
    # hh.ru's experience bucket is coarse and often overstated by employers: a light weight.
    "experience": 10,
    # Below the desired salary the fit falls fast; above it adds nothing more. Light, because a
    # third of vacancies state none and the rest often understate it.
    "salary": 10,
    # The wrong town is a dealbreaker for on-site work (the user said where they will work),
    # but remote work makes it moot: as heavy as the experience and salary together, nearly.
    "area": 12,
    # Office, hybrid or remote: the user's stated condition, though one many bend on.
    "format": 8,
}

assert sum(WEIGHTS.values()) == 100

#: Fraction of its points a component gives when it cannot be judged.
NEUTRAL: Final = 0.5

#: How many of the user's skills found in a vacancy make the "evidence" part of the skills
#: component full: a vacancy that lists nothing but mentions four of them in its text is a match.
SKILLS_FOR_FULL_EVIDENCE: Final = 4

#: The skills component blends coverage (the share of what the vacancy asks for that the user
#: has) with evidence (how many of the user's skills it names at all).
COVERAGE_SHARE: Final = 0.6

#: How many skills' worth of "unknown" (NEUTRAL) the coverage share starts from: with few
#: skills asked, one missing does not sink the component; with many it hardly matters.
COVERAGE_PRIOR: Final = 1.0

#: A skill the vacancy's text names counts for this much of one it lists as a key skill.
TEXT_SKILL_WEIGHT: Final = 0.5

#: Experience fit by how many of hh.ru's buckets the user is over / under the one asked for.
OVER_QUALIFIED: Final = (1.0, 0.9, 0.8, 0.7)
UNDER_QUALIFIED: Final = (1.0, 0.4, 0.1, 0.0)

#: hh.ru's professional role («Программист, разработчик») is a broad category, not the job: as
#: a second title it counts for this much of the vacancy's own.
ROLE_TRUST: Final = 0.6

#: Salary fit below the desired salary: 1 - SALARY_SHORTFALL × the share short. 10% short keeps
#: three quarters, 20% short is as good as an unstated salary (neutral), 40% short gives nothing.
SALARY_SHORTFALL: Final = 2.5

#: A score at or above this is "a good match" (the grid's badge colour, Telegram's "best").
GOOD: Final = 70
