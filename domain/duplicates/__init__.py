"""Likely duplicates across boards: the same job on hh.ru, Trudvsem and SuperJob, as one group.

A group holds **at most one vacancy per board**: two vacancies of one board are never merged,
so two real openings of one employer are never silently shown as one. Its ``group_id`` (in
``t01_jh_vacancies``) is the smallest id of its members; a vacancy alone has NULL.

- :mod:`.normalise`: employer names, titles and salaries made comparable (pure Python);
- :mod:`.decide`: :func:`score`, :func:`likely_same` and :func:`assign` (pure Python), so the
  labelled set in ``tests/data/duplicates.json`` measures exactly what runs;
- :mod:`.groups`: :func:`regroup` finds candidates for the vacancies a harvest just loaded
  cheaply in PostgreSQL (other boards, published within :data:`MAX_DAYS`, same INN or an
  employer name found by the trigram index), decides in Python and writes the groups; a user
  may take a vacancy out of its group for themselves (:func:`split`, :func:`unsplit`). What a
  user's grid shows of a group ("also on …", one row per group) is the web app's query
  (``webapp/grid_query.py``, ``webapp/queries.py``).
"""

from domain.duplicates.decide import (
    EMPLOYER_FLOOR,
    MAIN_CITIES,
    MAX_DAYS,
    THRESHOLD,
    Candidate,
    Parents,
    areas_compatible,
    assign,
    likely_same,
    score,
)
from domain.duplicates.groups import (
    BATCH,
    regroup,
    search_keys,
    split,
    unsplit,
)
from domain.duplicates.normalise import (
    SALARY_SLACK,
    employer_similarity,
    normalise_employer,
    normalise_title,
    salaries_compatible,
    stem,
    title_similarity,
)

__all__ = [
    "BATCH",
    "EMPLOYER_FLOOR",
    "MAIN_CITIES",
    "MAX_DAYS",
    "SALARY_SLACK",
    "THRESHOLD",
    "Candidate",
    "Parents",
    "areas_compatible",
    "assign",
    "employer_similarity",
    "likely_same",
    "normalise_employer",
    "normalise_title",
    "regroup",
    "salaries_compatible",
    "score",
    "search_keys",
    "split",
    "stem",
    "title_similarity",
    "unsplit",
]
