"""The match score in the details panel: the score, each component's points out of its weight,
the skills matched and missing, and what to learn (:mod:`domain.matching.learn`).

Everything shown comes from the user's own link (``t08.score``, ``t08.score_parts``) and the
weights of :data:`domain.matching.weights.WEIGHTS`; skill names come from vacancies and render
as text only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from domain.matching.weights import GOOD, WEIGHTS
from webapp.i18n import number, t

#: The phrase naming each component, in the order of WEIGHTS.
COMPONENT_NAMES = {
    "skills": "match.skills",
    "title": "match.title_fit",
    "experience": "match.experience",
    "salary": "match.salary",
    "area": "match.area",
    "format": "match.format",
}


def level(share: float) -> str:
    """The bar's colour class: good (the score's :data:`GOOD` share or more), fair, poor."""
    return "good" if share >= GOOD / 100 else "fair" if share >= 0.4 else "poor"


def bar(share: float, *, label: str, **attrs: Any) -> Any:
    """A small horizontal bar filled to ``share`` (0-1), with its value for screen readers."""
    share = max(0.0, min(1.0, share))
    return html.Span(
        html.Span(className=f"jh-bar-fill jh-bar-{level(share)}", style={"width": f"{share * 100:.0f}%"}),
        className="jh-bar",
        role="meter",
        **{
            "aria-valuemin": 0,
            "aria-valuemax": 100,
            "aria-valuenow": round(share * 100),
            "aria-label": label,
        },
        **attrs,
    )


def _points(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _skills(names: Any) -> list[str]:
    return [str(n) for n in names if isinstance(n, str | int)][:40] if isinstance(names, list) else []


def _badges(names: Sequence[str], kind: str, element_id: str) -> Any:
    return html.Div(
        [html.Span(n, className=f"badge jh-skill jh-skill-{kind} me-1 mb-1") for n in names],
        id=element_id,
    )


def match_view(
    score: int | None,
    parts: Mapping[str, Any] | None,
    learn: Sequence[tuple[str, int]],
    best: int,
    lang: str,
) -> Any:
    """The panel's "fit to your profile" section; an invitation to fill in the profile when the
    vacancy has no score."""
    heading = html.H5(t("match.title", lang), className="h6 mb-1")
    if score is None:
        return html.Section(
            [
                heading,
                html.P(t("match.none", lang), className="small mb-0"),
            ],
            className="jh-match my-3 p-2 rounded border",
            id="details-match",
        )
    parts = parts if isinstance(parts, Mapping) else {}
    points = parts.get("points") if isinstance(parts.get("points"), Mapping) else {}
    rows = []
    for name, weight in WEIGHTS.items():
        got = _points(points.get(name))
        label = t(COMPONENT_NAMES[name], lang)
        of = t("match.of", lang, points=number(round(got, 1), lang), weight=weight)
        rows.append(
            html.Tr(
                [
                    html.Th(label, scope="row", className="fw-normal"),
                    html.Td(bar(got / weight, label=f"{label}: {of}")),
                    html.Td(of, className="text-end text-nowrap jh-match-of"),
                ],
                id=f"details-match-{name}",
            )
        )
    matched, missing = _skills(parts.get("matched")), _skills(parts.get("missing"))
    children: list[Any] = [
        html.Div(
            [heading, html.Span(t("match.total", lang, score=score), className="fw-semibold")],
            className="d-flex justify-content-between align-items-baseline gap-2",
        ),
        bar(score / 100, label=t("match.total", lang, score=score), id="details-score-bar"),
        html.Table(html.Tbody(rows), className="jh-match-parts mt-2 mb-2", id="details-match-parts"),
    ]
    if matched:
        children += [
            html.Div(t("match.matched", lang), className="small fw-semibold"),
            _badges(matched, "have", "details-matched"),
        ]
    children.append(html.Div(t("match.missing", lang), className="small fw-semibold"))
    children.append(
        _badges(missing, "missing", "details-missing")
        if missing
        else html.Div(t("match.nothing_missing", lang), className="small mb-1", id="details-missing")
    )
    if learn:
        children += [
            html.Div(t("match.learn", lang), className="small fw-semibold mt-2"),
            html.Div(t("match.learn_help", lang, n=best), className="form-text mt-0 mb-1"),
            html.Ol(
                [
                    html.Li(
                        [
                            html.Span(skill),
                            " ",
                            html.Span(
                                t("match.learn_hits", lang, hits=hits, n=best),
                                className="text-body-secondary",
                            ),
                        ]
                    )
                    for skill, hits in learn
                ],
                className="small mb-0 jh-learn",
                id="details-learn",
            ),
        ]
    return html.Section(children, className="jh-match my-3 p-2 rounded border", id="details-match")
