"""Market analytics of a user's vacancies: salaries, demand, skills and where the user stands.

``figures(conn, scope)`` is the one entry point (``domain.market.model`` holds what it returns).
"""

from domain.market.queries import ScopeError, figures

__all__ = ["ScopeError", "figures"]
