"""Matching: every vacancy scored against its user's profile, with the reasons (see :mod:`.score`)."""

from domain.matching.score import Match, MatchProfile, VacancyFacts, score

__all__ = ["Match", "MatchProfile", "VacancyFacts", "score"]
