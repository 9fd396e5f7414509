"""Assignments and ranked offers: who to offer each home, and who next if they decline.

Per vacancy the citizen the plan assigns comes first; then the alternates, ranked by how
little the plan is forecast to lose if they get the home instead (the pair's reduced cost,
:func:`matcher.solver.dual_prices`), then by score, then by id. Per citizen, their
feasible homes are ranked the same way. The ranking is labelled a forecast: the loss is a
lower bound from the LP duals, and when an offer is declined the right answer is a
re-solve without that pair (:func:`matcher.api.resolve_without`).
"""

from __future__ import annotations

from itertools import pairwise, repeat
from typing import Any

import numpy as np

from matcher.columns import I64, B, lexorder
from matcher.rules import CITIZEN_PARTS
from matcher.scoring import AFFORD_FIELDS, PART_NAMES, ScoredProblem

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


def commas(values: list[int]) -> list[str]:
    """``f"{value:,}"`` of each value, formatting each distinct value once.

    Grouped formatting costs several times ``str``; the texts repeat few distinct values.
    """
    text = {value: f"{value:,}" for value in set(values)}
    return list(map(text.__getitem__, values))


def breakdown_rows(
    scored: ScoredProblem, rows: I64, names: tuple[str, ...] = PART_NAMES
) -> list[list[int]]:
    """The breakdowns of many pairs at once, as lists in ``names`` order."""
    if rows.size == 0:
        return []
    matrix: list[list[int]] = np.stack([scored.parts[n][rows] for n in names], 1).tolist()
    return matrix


_SORTED_PARTS = tuple(sorted(PART_NAMES))
"""The parts in key order: many breakdowns built in the order the result is written in."""


_N_CITIZEN_PARTS = 1 + len(CITIZEN_PARTS)
_AFFORDABLE_TEXT = (
    " Affordable: gross rent {} kr., housing benefit {} kr., net housing cost {} kr., "
    "{} kr. left a month ({} kr. required)."
)
"""A candidate's affordability numbers (:data:`AFFORD_FIELDS` order), already in words
(:func:`commas`)."""
_LABEL_LIST = tuple(_LABELS[name] for name in PART_NAMES)
_HEAD_LABELS = _LABEL_LIST[:_N_CITIZEN_PARTS]
_PAIR_LABELS = _LABEL_LIST[_N_CITIZEN_PARTS:]


def home_of(scored: ScoredProblem, matched: B) -> I64:
    """Each citizen's assigned vacancy index, or -1."""
    home = np.full(scored.cols.n_citizens, -1, dtype=np.int64)
    home[scored.pc[matched]] = scored.pv[matched]
    return home


def citizen_order(scored: ScoredProblem, matched: B, loss: I64) -> I64:
    """Pairs by citizen; the assigned home first, then by loss, score (high first), home."""
    return lexorder(scored.pv, -scored.score, loss, ~matched, scored.pc)


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
                "breakdown": dict(zip(PART_NAMES, parts, strict=True)),
                "citizen": cols.citizen_ids[c],
                "score": score,
                "solver": solver_of_pair[k],
                "vacancy": cols.vacancy_ids[v],
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


def _split(items: list[Any], group: I64, n_groups: int) -> list[list[Any]]:
    """``items`` (sorted by ``group``) as one list per group index 0..n_groups-1."""
    bounds = np.searchsorted(group, np.arange(n_groups + 1)).tolist()
    return [items[a:b] for a, b in pairwise(bounds)]


def vacancy_offers(
    scored: ScoredProblem, matched: B, loss: I64, *, max_alternates: int
) -> list[dict[str, Any]]:
    """Per vacancy (sorted by id): the assigned citizen, then up to ``max_alternates``."""
    cols = scored.cols
    pc, pv, score = scored.pc, scored.pv, scored.score
    home = home_of(scored, matched)
    holder_array = np.full(cols.n_vacancies, -1, dtype=np.int64)
    holder_array[pv[matched]] = pc[matched]
    holder = holder_array.tolist()
    order = lexorder(pc, -score, loss, ~matched, pv)
    rows, ranks = _first_per_group(pv, order, max_alternates + 1)
    citizen_ids, vacancy_ids = cols.citizen_ids, cols.vacancy_ids
    rows_c = pc[rows]
    # the citizen-only parts in words, once per citizen listed
    _, first, at = np.unique(rows_c, return_index=True, return_inverse=True)
    head_parts = np.stack([scored.parts[n][rows[first]] for n in PART_NAMES[:_N_CITIZEN_PARTS]], 1)
    heads = [
        ", ".join(
            [f"{label} {value:,}" for label, value in zip(_HEAD_LABELS, head, strict=True) if value]
        )
        for head in head_parts.tolist()
    ]
    pair_parts = np.stack([scored.parts[n][rows] for n in PART_NAMES[_N_CITIZEN_PARTS:]], 1)
    # the pair parts in words, once per distinct combination (few: most are 0 or fixed)
    pair_keys = list(map(tuple, pair_parts.tolist()))
    tail_text = dict.fromkeys(pair_keys, "")
    for tail in tail_text:
        tail_text[tail] = ", ".join(
            [f"{label} {value:,}" for label, value in zip(_PAIR_LABELS, tail, strict=True) if value]
        )
    affordable = list(
        map(
            _AFFORDABLE_TEXT.format,
            *(commas(scored.afford[n][rows].tolist()) for n in AFFORD_FIELDS),
        )
    )
    points_list = score[rows].tolist()
    lost_list = loss[rows].tolist()
    candidates = []
    for (
        breakdown,
        rank,
        c,
        v,
        points,
        points_text,
        lost,
        lost_text,
        assigned,
        planned,
        head,
        tail,
        money,
    ) in zip(
        map(dict, map(zip, repeat(_SORTED_PARTS), breakdown_rows(scored, rows, _SORTED_PARTS))),
        (ranks + 1).tolist(),
        rows_c.tolist(),
        pv[rows].tolist(),
        points_list,
        commas(points_list),
        lost_list,
        commas(lost_list),
        matched[rows].tolist(),
        home[rows_c].tolist(),
        map(heads.__getitem__, at.tolist()),
        map(tail_text.__getitem__, pair_keys),
        affordable,
        strict=True,
    ):
        citizen = citizen_ids[c]
        named = f"{head}, {tail}" if head and tail else head or tail
        words = f"score {points_text} ({named})" if named else "score 0"
        if assigned:
            why = f"The plan gives this home to {citizen}: {words}.{money}"
        else:
            first_text = (
                f"if {citizen_ids[holder[v]]} declines"
                if holder[v] >= 0
                else "the plan assigns no one"
            )
            where = (
                f"the plan houses this citizen in {vacancy_ids[planned]}"
                if planned >= 0
                else "the plan does not house this citizen"
            )
            why = (
                f"Alternate ({first_text}); forecast: the plan loses at least {lost_text} points "
                f"if this citizen gets the home; {where}; {words}.{money}"
            )
        candidates.append(
            {
                "assigned": assigned,
                "breakdown": breakdown,
                "citizen": citizen,
                "loss": lost,
                "planned_vacancy": vacancy_ids[planned] if planned >= 0 else None,
                "rank": rank,
                "score": points,
                "why": why,
            }
        )
    per_vacancy = _split(candidates, pv[rows], cols.n_vacancies)
    feasible = np.bincount(pv, minlength=cols.n_vacancies).tolist()
    return [
        {"candidates": listed, "feasible_citizens": count, "vacancy": vacancy_id}
        for listed, count, vacancy_id in zip(per_vacancy, feasible, vacancy_ids, strict=True)
    ]


_OPTION_KEYS = ("assigned", "loss", "rank", "score", "vacancy")


def citizen_options(
    scored: ScoredProblem, matched: B, loss: I64, *, max_options: int, order: I64 | None = None
) -> list[dict[str, Any]]:
    """Per citizen (sorted by id): their assigned home first, then feasible homes by loss.

    ``order`` is :func:`citizen_order` when the caller has it already.
    """
    cols = scored.cols
    pc, pv, score = scored.pc, scored.pv, scored.score
    if order is None:
        order = citizen_order(scored, matched, loss)
    rows, ranks = _first_per_group(pc, order, max_options)
    vacancy_ids = cols.vacancy_ids
    entries = list(
        map(
            dict,
            map(
                zip,
                repeat(_OPTION_KEYS),
                zip(
                    matched[rows].tolist(),
                    loss[rows].tolist(),
                    (ranks + 1).tolist(),
                    score[rows].tolist(),
                    map(vacancy_ids.__getitem__, pv[rows].tolist()),
                    strict=True,
                ),
            ),
        )
    )
    per_citizen = _split(entries, pc[rows], cols.n_citizens)
    feasible = np.bincount(pc, minlength=cols.n_citizens).tolist()
    return [
        {"citizen": citizen_id, "feasible_vacancies": count, "vacancies": listed}
        for citizen_id, count, listed in zip(cols.citizen_ids, feasible, per_citizen, strict=True)
    ]
