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
    "young": "young",
    "area_preference": "area preference",
    "distance": "distance",
    "stays_affordable": "stays affordable",
    "support_fit": "support fit",
    "move_in": "move-in",
}
_LABELS_DA = {
    "housed": "anvist",
    "situation": "situation",
    "time_homeless": "tid som hjemløs",
    "deadline": "frist",
    "children": "børn",
    "time_on_list": "ventetid",
    "young": "ung",
    "area_preference": "ønsket område",
    "distance": "afstand",
    "stays_affordable": "forbliver betalbar",
    "support_fit": "bostøtte passer",
    "move_in": "indflytning",
}
"""The score parts' names for people, by language; the housed bonus is never shown in
words (it only makes the plan house as many as possible, :mod:`matcher.policy`)."""


def commas(values: list[int], language: str = "en") -> list[str]:
    """``f"{value:,}"`` of each value (Danish: ``.`` between thousands), each distinct once.

    Grouped formatting costs several times ``str``; the texts repeat few distinct values.
    """
    if language == "da":
        text = {value: f"{value:,}".replace(",", ".") for value in set(values)}
    else:
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
_AFFORDABLE_TEXT = {
    "en": (
        " Affordable: gross rent {} kr., housing benefit {} kr., net housing cost {} kr., "
        "{} kr. left a month ({} kr. required)."
    ),
    "da": (
        " Kan betales: bruttohusleje {} kr., boligstøtte {} kr., nettoboligudgift {} kr., "
        "{} kr. tilbage om måneden ({} kr. krævet)."
    ),
}
"""A candidate's affordability numbers (:data:`AFFORD_FIELDS` order), already in words
(:func:`commas`), by language."""
_HEAD_NAMES = PART_NAMES[1:_N_CITIZEN_PARTS]
"""The citizen-only parts a text names (the housed bonus left out)."""
_PAIR_NAMES = PART_NAMES[_N_CITIZEN_PARTS:]
_TEXTS = {
    "en": {
        "points": "points: {}",
        "no_points": "no points",
        "assigned": "The plan gives this home to {citizen} ({words}).{money}",
        "if_declines": "if {holder} declines",
        "nobody": "the plan assigns no one",
        "planned": "the plan houses this citizen in {vacancy}",
        "not_planned": "the plan does not house this citizen",
        "loss_none": "the plan loses nothing if this citizen gets the home",
        "loss_home": "the plan would house one citizen fewer if this citizen gets the home",
        "loss": "the plan loses at least {loss} points if this citizen gets the home",
        "alternate": "Alternate ({first}); forecast: {loss}; {where} ({words}).{money}",
    },
    "da": {
        "points": "point: {}",
        "no_points": "ingen point",
        "assigned": "Planen giver denne bolig til {citizen} ({words}).{money}",
        "if_declines": "hvis {holder} siger nej",
        "nobody": "planen anviser ingen",
        "planned": "planen anviser borgeren {vacancy}",
        "not_planned": "planen anviser ikke borgeren en bolig",
        "loss_none": "planen mister intet, hvis borgeren får boligen",
        "loss_home": "planen ville anvise én borger færre, hvis borgeren får boligen",
        "loss": "planen mister mindst {loss} point, hvis borgeren får boligen",
        "alternate": "Suppleant ({first}); prognose: {loss}; {where} ({words}).{money}",
    },
}
"""The offers' sentences by language (CONTRACT.md: Danish by default)."""


def part_labels(language: str) -> dict[str, str]:
    """The score parts' names for people in ``language``."""
    return _LABELS_DA if language == "da" else _LABELS


def home_of(scored: ScoredProblem, matched: B) -> I64:
    """Each citizen's assigned vacancy index, or -1."""
    home = np.full(scored.cols.n_citizens, -1, dtype=np.int64)
    home[scored.pc[matched]] = scored.pv[matched]
    return home


def citizen_order(scored: ScoredProblem, matched: B, loss: I64) -> I64:
    """Pairs by citizen; the assigned home first, then by loss, score (high first), then the
    earliest move-in, then home (id order)."""
    pv = scored.pv
    return lexorder(pv, scored.cols.available_days[pv], -scored.score, loss, ~matched, scored.pc)


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
    language = cols.language
    labels = part_labels(language)
    texts = _TEXTS[language]
    head_labels = [labels[n] for n in _HEAD_NAMES]
    pair_labels = [labels[n] for n in _PAIR_NAMES]
    head_parts = np.stack([scored.parts[n][rows[first]] for n in _HEAD_NAMES], 1)
    # each distinct number in words once (grouped formatting is slow)
    distinct = np.unique(head_parts).tolist()
    number = dict(zip(distinct, commas(distinct, language), strict=True))
    heads = [
        ", ".join(
            [
                f"{label} {number[value]}"
                for label, value in zip(head_labels, head, strict=True)
                if value
            ]
        )
        for head in head_parts.tolist()
    ]
    pair_parts = np.stack([scored.parts[n][rows] for n in _PAIR_NAMES], 1)
    # the pair parts in words, once per distinct combination (few: most are 0 or fixed)
    pair_keys = list(map(tuple, pair_parts.tolist()))
    tail_text = dict.fromkeys(pair_keys, "")
    for tail in tail_text:
        tail_text[tail] = ", ".join(
            [
                f"{label} {number}"
                for label, value, number in zip(
                    pair_labels, tail, commas(list(tail), language), strict=True
                )
                if value
            ]
        )
    affordable = list(
        map(
            _AFFORDABLE_TEXT[language].format,
            *(commas(scored.afford[n][rows].tolist(), language) for n in AFFORD_FIELDS),
        )
    )
    points_list = score[rows].tolist()
    lost_list = loss[rows].tolist()
    bonus_list = scored.bonus_by_muni[cols.c_muni[rows_c]].tolist()
    candidates = []
    for (
        breakdown,
        rank,
        c,
        v,
        points,
        lost,
        lost_text,
        bonus,
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
        lost_list,
        commas(lost_list, language),
        bonus_list,
        matched[rows].tolist(),
        home[rows_c].tolist(),
        map(heads.__getitem__, at.tolist()),
        map(tail_text.__getitem__, pair_keys),
        affordable,
        strict=True,
    ):
        citizen = citizen_ids[c]
        named = f"{head}, {tail}" if head and tail else head or tail
        words = texts["points"].format(named) if named else texts["no_points"]
        if assigned:
            why = texts["assigned"].format(citizen=citizen, words=words, money=money)
        else:
            first_text = (
                texts["if_declines"].format(holder=citizen_ids[holder[v]])
                if holder[v] >= 0
                else texts["nobody"]
            )
            where = (
                texts["planned"].format(vacancy=vacancy_ids[planned])
                if planned >= 0
                else texts["not_planned"]
            )
            if lost == 0:
                lost_words = texts["loss_none"]
            elif bonus and lost >= bonus:
                lost_words = texts["loss_home"]
            else:
                lost_words = texts["loss"].format(loss=lost_text)
            why = texts["alternate"].format(
                first=first_text, loss=lost_words, where=where, words=words, money=money
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
