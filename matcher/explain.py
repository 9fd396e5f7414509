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
from matcher.offers import _first_per_group, citizen_order, commas, home_of
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
    *,
    order: I64 | None = None,
) -> list[dict[str, Any]]:
    """Every citizen without a home in the plan, with the binding reason and its numbers.

    ``relaxed_matched`` is the plan without side constraints: a citizen it houses but the
    constrained plan does not lost out to support capacity or department caps. ``order``
    is :func:`matcher.offers.citizen_order` when the caller has it already.
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
    # each unmatched citizen's feasible pairs, least forecast loss first (their pairs are
    # all unmatched, so the citizen order ranks them by loss, score, vacancy)
    if order is None:
        order = citizen_order(scored, matched, loss)
    mine_all = order[home[pc[order]] < 0]
    named_rows, _ = _first_per_group(pc, mine_all, MAX_NAMED_HOMES)
    owner = pc[named_rows]
    starts = np.searchsorted(owner, np.arange(cols.n_citizens + 1)).tolist()
    named_v = pv[named_rows]
    named_holder = holder[named_v]
    context = _Named(
        vacancy=named_v.tolist(),
        score=commas(score[named_rows].tolist()),
        loss=commas(loss[named_rows].tolist()),
        holder=named_holder.tolist(),
        holder_score=commas(np.where(named_holder >= 0, score[holder_pair[named_v]], 0).tolist()),
        count=np.bincount(pc[mine_all], minlength=cols.n_citizens).tolist(),
    )
    out = []
    rows = scored.funnel[homeless]
    open_funnel: list[bool] = np.all(rows > 0, axis=1).tolist()  # no stage left 0 homes
    for c, row, outranked in zip(homeless.tolist(), rows.tolist(), open_funnel, strict=True):
        feasible = row[-1]
        reason, text = ("outranked", "") if outranked else _reason(scored, c, row, feasible)
        if reason == "outranked":
            if relaxed_home[c] >= 0:
                reason = "capacity"
                text = (
                    "a support team's free places or a department cap rule out the home "
                    f"the plan would otherwise give ({cols.vacancy_ids[relaxed_home[c]]})"
                )
            else:
                text = _outranked_text(cols, c, starts[c], starts[c + 1], context)
        out.append(
            {
                "citizen": cols.citizen_ids[c],
                "feasible_vacancies": feasible,
                "funnel": dict(zip(FUNNEL_NAMES, row, strict=True)),
                "reason": reason,
                "text": text,
            }
        )
    return out


@dataclass(frozen=True)
class _Named:
    """Plain lists for the homes an outranked text names (each citizen's first few pairs).

    The points (``score``, ``loss``, ``holder_score``) are already in words (``1,234``).
    """

    vacancy: list[int]
    score: list[str]
    loss: list[str]
    holder: list[int]
    holder_score: list[str]
    count: list[int]


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


def _outranked_text(cols: Columns, c: int, first: int, stop: int, n: _Named) -> str:
    named = []
    for k in range(first, stop):
        v = n.vacancy[k]
        if n.holder[k] < 0:
            named.append(f"{cols.vacancy_ids[v]} is left unassigned (score {n.score[k]})")
            continue
        named.append(
            f"{cols.vacancy_ids[v]} went to {cols.citizen_ids[n.holder[k]]} (score "
            f"{n.holder_score[k]} against this citizen's {n.score[k]})"
        )
    count = n.count[c]
    return (
        f"all {count:,} feasible homes went to citizens the plan scores higher: "
        + "; ".join(named)
        + ("; ..." if count > MAX_NAMED_HOMES else "")
        + f". Housing this citizen in {cols.vacancy_ids[n.vacancy[first]]} instead would "
        f"lower the plan's total by at least {n.loss[first]} points (forecast)"
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
