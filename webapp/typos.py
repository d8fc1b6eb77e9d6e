"""Typo correction for the quick search, as pure functions (the database work is in queries).

A word of the quick search that matches nothing is replaced by the closest lexeme of the
full-text vocabulary when one is close: pg_trgm similarity proposes candidates, and the
optimal-string-alignment distance (one typo in a short word, two in a word of seven letters
or more; a swap of two letters counts as one) decides. Search syntax is kept: quotes,
``-word`` exclusions and ``or``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_TOKEN = re.compile(r'"[^"]*"|\S+')
_WORD = re.compile(r"^(-?)([\w]+)$", re.UNICODE)
_OPERATORS = frozenset({"or", "and", "not", "или"})


def osa_distance(a: str, b: str) -> int:
    """Edit distance where insert, delete, substitute and swapping neighbours each cost one."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def allowed_distance(word: str) -> int:
    return 0 if len(word) < 4 else (1 if len(word) < 7 else 2)


def best_match(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` within its allowed distance (first one wins a tie)."""
    limit = allowed_distance(word)
    best: tuple[int, str] | None = None
    for candidate in candidates:
        distance = osa_distance(word, candidate)
        if 0 < distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def correct(text: str, matches: Callable[[str], bool], propose: Callable[[str], list[str]]) -> str | None:
    """``text`` with each plain word that ``matches`` nothing replaced by its closest proposal.

    Returns None when nothing was replaced.
    """
    changed = False
    tokens = []
    for token in _TOKEN.findall(text):
        found = _WORD.match(token)
        if found is None or found.group(2).lower() in _OPERATORS:
            tokens.append(token)
            continue
        sign, word = found.groups()
        lowered = word.lower()
        if allowed_distance(lowered) and not matches(lowered):
            replacement = best_match(lowered, propose(lowered))
            if replacement:
                tokens.append(sign + replacement)
                changed = True
                continue
        tokens.append(token)
    return " ".join(tokens) if changed else None
