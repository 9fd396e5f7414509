"""Explanations staff can read to a citizen and defend in an appeal.

Two kinds: every pair's verdict (``--explain``: each broken hard rule in plain words
with its numbers, or the score part by part), computed on the scalar path of
:mod:`matcher.rules`; and, for every citizen the plan leaves without a home, the binding
reason with its numbers, read from the hard-rule funnel: the first rule after which no
home was left, or, when feasible homes existed, who got them and what housing this
citizen instead would cost the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.columns import I64, B, Columns
from matcher.offers import home_of
from matcher.rules import HARD_RULE_NAMES, RuleContext, check_pair
from matcher.scoring import FUNNEL_NAMES, ScoredProblem, score_pair

REASON_BY_RULE = {
    "allocation_right": "no_home_in_municipality",
    "household_fits": "no_home_of_right_size",
    "accessibility": "no_accessible_home",
    "pets": "no_home_allowing_pets",
    "youth_unit": "youth_units_only",
    "listed_area": "listed_area_only",
    "avoided_area": "avoided_areas_only",
    "available_by_deadline": "none_available_by_deadline",
    "affordability": "no_affordable_home",
}
"""The unmatched reason code when a hard rule leaves no home."""

MAX_NAMED_HOMES = 3
"""How many of an outranked citizen's feasible homes the explanation names."""


def _rule_text(scored: ScoredProblem, c: int, rule: str, before: int) -> str:
    cols = scored.cols
    citizen = cols.citizens[c]
    policy = cols.policies[int(cols.c_muni[c])]
    persons = citizen.household.adults + citizen.household.children
    homes = f"{before:,} home{'s' if before != 1 else ''}"
    if rule == "household_fits":
        return (
            f"no home of the right size: none of the {homes} left fits {persons} persons "
            f"(at most {policy.max_persons_per_room} per room, at most "
            f"{policy.max_spare_rooms} spare room(s), at least {policy.min_m2_per_person:g} m² "
            "per person)"
        )
    if rule == "accessibility":
        need = "a wheelchair-accessible home" if citizen.needs.wheelchair else "the ground floor"
        return f"no accessible home: none of the {homes} left gives {need} (or a lift)"
    if rule == "pets":
        return f"no home allowing pets: none of the {homes} left allows the citizen's pet"
    if rule == "youth_unit":
        age = cols.as_of.year - citizen.birth_year
        return (
            f"the {homes} left are youth units for citizens under {policy.youth_age_limit}; "
            f"the citizen is {age}"
        )
    if rule == "listed_area":
        return (
            f"the {homes} left are in designated areas (almenboligloven § 51 b) and the "
            f"citizen has received kontanthjælp for {int(cols.kontanthjaelp_months[c])} "
            f"consecutive months (limit {policy.listed_area_kontanthjaelp_months})"
        )
    if rule == "avoided_area":
        return f"the {homes} left are in areas the citizen asked to avoid"
    if rule == "available_by_deadline":
        deadline = citizen.deadline.isoformat() if citizen.deadline else "?"
        return f"none of the {homes} left is available by the citizen's deadline {deadline}"
    best = scored.best_unaffordable.get(c)
    text = f"no affordable home: none of the {homes} left is affordable"
    if best is not None:
        text += (
            f"; the closest, {cols.vacancy_ids[best['vacancy']]}, has gross rent "
            f"{best['gross_rent_dkk']:,} kr. and would leave {best['left_dkk']:,} kr. a month "
            f"against {best['required_left_dkk']:,} kr. required (income "
            f"{round(float(cols.income[c])):,} kr. a month)"
        )
    return text


def unmatched(
    scored: ScoredProblem,
    matched: B,
    loss: I64,
    relaxed_matched: B,
) -> list[dict[str, Any]]:
    """Every citizen without a home in the plan, with the binding reason and its numbers.

    ``relaxed_matched`` is the plan without side constraints: a citizen it houses but the
    constrained plan does not lost out to support capacity or department caps.
    """
    cols = scored.cols
    pc, pv, score = scored.pc, scored.pv, scored.score
    home = home_of(scored, matched)
    relaxed_home = home_of(scored, relaxed_matched).tolist()
    holder = np.full(cols.n_vacancies, -1, dtype=np.int64)
    holder_pair = np.full(cols.n_vacancies, -1, dtype=np.int64)
    holder[pv[matched]] = pc[matched]
    holder_pair[pv[matched]] = np.flatnonzero(matched)
    homeless = np.flatnonzero(home < 0)
    # each unmatched citizen's feasible pairs, least forecast loss first
    mine_all = np.flatnonzero(home[pc] < 0)
    order = mine_all[np.lexsort((pv[mine_all], -score[mine_all], loss[mine_all], pc[mine_all]))]
    starts = np.searchsorted(pc[order], np.arange(cols.n_citizens + 1)).tolist()
    context = _Named(
        vacancy=pv.tolist(),
        score=score.tolist(),
        loss=loss.tolist(),
        holder=holder.tolist(),
        holder_pair=holder_pair.tolist(),
    )
    order_list = order.tolist()
    out = []
    for c, row in zip(homeless.tolist(), scored.funnel[homeless].tolist(), strict=True):
        feasible = row[-1]
        reason, text = _reason(scored, c, row, feasible)
        if reason == "outranked":
            if relaxed_home[c] >= 0:
                reason = "capacity"
                text = (
                    "a support team's free places or a department cap rule out the home "
                    f"the plan would otherwise give ({cols.vacancy_ids[relaxed_home[c]]})"
                )
            else:
                text = _outranked_text(cols, order_list[starts[c] : starts[c + 1]], context)
        out.append(
            {
                "citizen": cols.citizen_ids[c],
                "reason": reason,
                "text": text,
                "funnel": dict(zip(FUNNEL_NAMES, row, strict=True)),
                "feasible_vacancies": feasible,
            }
        )
    return out


@dataclass(frozen=True)
class _Named:
    """Plain-list copies of the pair arrays, for fast per-citizen texts."""

    vacancy: list[int]
    score: list[int]
    loss: list[int]
    holder: list[int]
    holder_pair: list[int]


def _reason(scored: ScoredProblem, c: int, row: list[int], feasible: int) -> tuple[str, str]:
    cols = scored.cols
    code = cols.municipality_codes[int(cols.c_muni[c])]
    if row[0] == 0 or row[1] == 0:
        return (
            "no_home_in_municipality",
            f"none of the {row[0]:,} vacant homes considered carries municipality "
            f"{code}'s allocation right",
        )
    for s, rule in enumerate(HARD_RULE_NAMES[1:], start=2):
        if row[s] == 0:
            return REASON_BY_RULE[rule], _rule_text(scored, c, rule, row[s - 1])
    if feasible == 0:
        return "declined", f"all {row[-2]:,} feasible homes are excluded (declined offers)"
    return "outranked", ""


def _outranked_text(cols: Columns, mine: list[int], named_lists: _Named) -> str:
    n = named_lists
    named = []
    for k in mine[:MAX_NAMED_HOMES]:
        v = n.vacancy[k]
        if n.holder[v] < 0:
            named.append(f"{cols.vacancy_ids[v]} is left unassigned (score {n.score[k]:,})")
            continue
        named.append(
            f"{cols.vacancy_ids[v]} went to {cols.citizen_ids[n.holder[v]]} (score "
            f"{n.score[n.holder_pair[v]]:,} against this citizen's {n.score[k]:,})"
        )
    best = mine[0]
    return (
        f"all {len(mine):,} feasible homes went to citizens the plan scores higher: "
        + "; ".join(named)
        + ("; ..." if len(mine) > MAX_NAMED_HOMES else "")
        + f". Housing this citizen in {cols.vacancy_ids[n.vacancy[best]]} instead would "
        f"lower the plan's total by at least {n.loss[best]:,} points (forecast)"
    )


def pair_verdicts(scored: ScoredProblem) -> list[dict[str, Any]]:
    """Every citizen-vacancy pair's verdict on the scalar path, sorted by ids.

    Grows as citizens x vacancies: meant for a municipality's problem, not a nation's.
    """
    cols = scored.cols
    excluded = set(scored.excluded)
    contexts = [RuleContext(cols.as_of, p) for p in cols.policies]
    out = []
    for c, citizen in enumerate(cols.citizens):
        ctx = contexts[int(cols.c_muni[c])]
        for v, vacancy in enumerate(cols.vacancies):
            checks = check_pair(citizen, vacancy, ctx)
            reasons = [f"{ch.rule}: {ch.text}" for ch in checks if not ch.ok]
            if (citizen.id, vacancy.id) in excluded:
                reasons.append("excluded: the pair is excluded (declined offer)")
            entry: dict[str, Any] = {
                "citizen": citizen.id,
                "vacancy": vacancy.id,
                "feasible": not reasons,
                "reasons": reasons,
            }
            if not reasons:
                total, parts = score_pair(scored, c, v)
                entry["score"] = total
                entry["breakdown"] = parts
            out.append(entry)
    return out
