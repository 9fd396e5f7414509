"""Assignments and ranked offers: who to offer each home, and who next if they decline.

Per vacancy the citizen the plan assigns comes first; then the alternates, ranked by how
little the plan is forecast to lose if they get the home instead (the pair's reduced cost,
:func:`matcher.solver.dual_prices`), then by score, then by id. Per citizen, their
feasible homes are ranked the same way. The ranking is labelled a forecast: the loss is a
lower bound from the LP duals, and when an offer is declined the right answer is a
re-solve without that pair (:func:`matcher.api.resolve_without`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from matcher.columns import I64, B
from matcher.scoring import PART_NAMES, ScoredProblem

_LABELS = {
    "housed": "housed",
    "situation": "situation",
    "time_homeless": "time homeless",
    "deadline": "deadline",
    "children": "children",
    "time_on_list": "time on list",
    "area_preference": "area preference",
    "distance": "distance",
    "stays_affordable": "stays affordable",
    "support_fit": "support fit",
}


def breakdown(scored: ScoredProblem, k: int) -> dict[str, int]:
    """The score of pair ``k`` part by part [points]; the parts sum to the score."""
    return {name: int(scored.parts[name][k]) for name in PART_NAMES}


def breakdown_rows(scored: ScoredProblem, rows: I64) -> list[list[int]]:
    """The breakdowns of many pairs at once, as lists in :data:`PART_NAMES` order."""
    if rows.size == 0:
        return []
    matrix: list[list[int]] = np.stack([scored.parts[n][rows] for n in PART_NAMES], 1).tolist()
    return matrix


def breakdown_text(score: int, parts: list[int]) -> str:
    """A score in words, non-zero parts only."""
    named = ", ".join(
        f"{_LABELS[name]} {value:,}" for name, value in zip(PART_NAMES, parts, strict=True) if value
    )
    return f"score {score:,} ({named})" if named else "score 0"


AFFORD_ORDER = (
    "gross_rent_dkk",
    "housing_benefit_dkk",
    "net_housing_cost_dkk",
    "left_dkk",
    "required_left_dkk",
)


def affordability_rows(scored: ScoredProblem, rows: I64) -> list[list[int]]:
    """Affordability numbers of many pairs at once, in :data:`AFFORD_ORDER` [DKK/month]."""
    if rows.size == 0:
        return []
    matrix: list[list[int]] = np.stack([scored.afford[n][rows] for n in AFFORD_ORDER], 1).tolist()
    return matrix


def affordability_text(numbers: list[int]) -> str:
    """A pair's affordability numbers in words [DKK/month]."""
    gross, benefit, net, left, required = numbers
    return (
        f"gross rent {gross:,} kr., housing benefit {benefit:,} kr., net housing cost "
        f"{net:,} kr., {left:,} kr. left a month ({required:,} kr. required)"
    )


def home_of(scored: ScoredProblem, matched: B) -> I64:
    """Each citizen's assigned vacancy index, or -1."""
    home = np.full(scored.cols.n_citizens, -1, dtype=np.int64)
    home[scored.pc[matched]] = scored.pv[matched]
    return home


def assignments(
    scored: ScoredProblem, matched: B, solver_of_pair: list[str]
) -> list[dict[str, Any]]:
    """The plan's pairs sorted by citizen id, each with its score and breakdown."""
    cols = scored.cols
    rows = np.flatnonzero(matched)
    out = []
    for k, c, v, score, parts in zip(
        rows.tolist(),
        scored.pc[rows].tolist(),
        scored.pv[rows].tolist(),
        scored.score[rows].tolist(),
        breakdown_rows(scored, rows),
        strict=True,
    ):
        out.append(
            {
                "citizen": cols.citizen_ids[c],
                "vacancy": cols.vacancy_ids[v],
                "score": score,
                "breakdown": dict(zip(PART_NAMES, parts, strict=True)),
                "solver": solver_of_pair[k],
            }
        )
    return out


def _first_per_group(group: I64, order: I64, limit: int) -> tuple[I64, I64]:
    """Within ``order`` (sorted by ``group``), the rows ranked below ``limit`` and their rank."""
    g = group[order]
    new = np.r_[True, g[1:] != g[:-1]] if g.size else np.zeros(0, dtype=np.bool_)
    starts = np.flatnonzero(new)
    rank = np.arange(g.size) - np.repeat(starts, np.diff(np.r_[starts, g.size]))
    keep = rank < limit
    return order[keep], rank[keep]


def vacancy_offers(
    scored: ScoredProblem, matched: B, loss: I64, *, max_alternates: int
) -> list[dict[str, Any]]:
    """Per vacancy (sorted by id): the assigned citizen, then up to ``max_alternates``."""
    cols = scored.cols
    pc, pv, score = scored.pc, scored.pv, scored.score
    home = home_of(scored, matched).tolist()
    holder_array = np.full(cols.n_vacancies, -1, dtype=np.int64)
    holder_array[pv[matched]] = pc[matched]
    holder = holder_array.tolist()
    order = np.lexsort((pc, -score, loss, ~matched, pv))
    rows, ranks = _first_per_group(pv, order, max_alternates + 1)
    per_vacancy: list[list[dict[str, Any]]] = [[] for _ in range(cols.n_vacancies)]
    for rank, c, v, points, lost, assigned, parts, money in zip(
        ranks.tolist(),
        pc[rows].tolist(),
        pv[rows].tolist(),
        score[rows].tolist(),
        loss[rows].tolist(),
        matched[rows].tolist(),
        breakdown_rows(scored, rows),
        affordability_rows(scored, rows),
        strict=True,
    ):
        planned = home[c]
        if assigned:
            why = (
                f"The plan gives this home to {cols.citizen_ids[c]}: "
                f"{breakdown_text(points, parts)}."
            )
        else:
            first = (
                f"if {cols.citizen_ids[holder[v]]} declines"
                if holder[v] >= 0
                else "the plan assigns no one"
            )
            where = (
                f"the plan houses this citizen in {cols.vacancy_ids[planned]}"
                if planned >= 0
                else "the plan does not house this citizen"
            )
            why = (
                f"Alternate ({first}); forecast: the plan loses at least {lost:,} points if "
                f"this citizen gets the home; {where}; {breakdown_text(points, parts)}."
            )
        why += f" Affordable: {affordability_text(money)}."
        per_vacancy[v].append(
            {
                "citizen": cols.citizen_ids[c],
                "rank": rank + 1,
                "score": points,
                "loss": lost,
                "assigned": assigned,
                "planned_vacancy": cols.vacancy_ids[planned] if planned >= 0 else None,
                "why": why,
            }
        )
    feasible = np.bincount(pv, minlength=cols.n_vacancies).tolist()
    return [
        {
            "vacancy": cols.vacancy_ids[v],
            "feasible_citizens": feasible[v],
            "candidates": per_vacancy[v],
        }
        for v in range(cols.n_vacancies)
    ]


def citizen_options(
    scored: ScoredProblem, matched: B, loss: I64, *, max_options: int
) -> list[dict[str, Any]]:
    """Per citizen (sorted by id): their assigned home first, then feasible homes by loss."""
    cols = scored.cols
    pc, pv, score = scored.pc, scored.pv, scored.score
    order = np.lexsort((pv, -score, loss, ~matched, pc))
    rows, ranks = _first_per_group(pc, order, max_options)
    per_citizen: list[list[dict[str, Any]]] = [[] for _ in range(cols.n_citizens)]
    vacancy_ids = cols.vacancy_ids
    for rank, c, v, points, lost, assigned in zip(
        ranks.tolist(),
        pc[rows].tolist(),
        pv[rows].tolist(),
        score[rows].tolist(),
        loss[rows].tolist(),
        matched[rows].tolist(),
        strict=True,
    ):
        per_citizen[c].append(
            {
                "vacancy": vacancy_ids[v],
                "rank": rank + 1,
                "score": points,
                "loss": lost,
                "assigned": assigned,
            }
        )
    feasible = np.bincount(pc, minlength=cols.n_citizens).tolist()
    return [
        {
            "citizen": cols.citizen_ids[c],
            "feasible_vacancies": feasible[c],
            "vacancies": per_citizen[c],
        }
        for c in range(cols.n_citizens)
    ]
