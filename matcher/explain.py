"""Explanations staff can read to a citizen and defend in an appeal.

Two kinds: every pair's verdict (``--explain``: each broken hard rule in plain words
with its numbers, or the score part by part), computed column-wise in
:mod:`matcher.verdicts` (:func:`pair_verdicts_reference` is the one-pair-at-a-time path
the tests hold it to); and, for every citizen the plan leaves without
a home, the binding reason with its numbers, read from the hard-rule funnel: the first
rule after which no home was left, or, when feasible homes existed, who got them and
what housing this citizen instead would cost the plan. Each reason also comes as data
(``detail``: the rule and its numbers), so that no reader parses the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher import section59
from matcher.columns import I64, B, Columns
from matcher.offers import _first_per_group, citizen_order, commas, home_of
from matcher.rules import HARD_RULE_NAMES, HARD_RULES, Values
from matcher.scoring import FUNNEL_NAMES, ScoredProblem, score_pair
from matcher.verdicts import declined_reason, pair_money
from matcher.words import kr

REASON_BY_RULE = {
    "allocation_right": "no_home_in_municipality",
    "household_fits": "no_home_of_right_size",
    "accessibility": "no_accessible_home",
    "pets": "no_home_allowing_pets",
    "youth_unit": "youth_units_only",
    "unit_kind": "unit_kinds_only",
    "listed_area": "listed_area_only",
    "support_reach": "no_home_support_reaches",
    "avoided_area": "avoided_areas_only",
    "available_by_deadline": "none_available_by_deadline",
    "affordability": "no_affordable_home",
    "affordable_after_reduction": "unaffordable_after_reduction",
}
"""The unmatched reason code when a hard rule leaves no home."""

MAX_NAMED_HOMES = 3
"""How many of an outranked citizen's feasible homes the explanation names."""

_RULES = {rule.name: rule for rule in HARD_RULES}


def _homes(n: int, language: str) -> str:
    if language == "da":
        return f"{kr(n)} bolig{'er' if n != 1 else ''}"
    return f"{n:,} home{'s' if n != 1 else ''}"


def _rule_reason(scored: ScoredProblem, c: int, rule: str, before: int) -> tuple[str, Values]:
    """Why no home is left after ``rule``: the words and the numbers (``before`` homes were).

    The text starts with the rule's name for people (with its paragraph where the law
    has one), then the numbers.
    """
    cols = scored.cols
    da = cols.language == "da"
    citizen = cols.citizens[c]
    policy = cols.policies[int(cols.c_muni[c])]
    persons = int(cols.persons[c])
    homes = _homes(before, cols.language)
    values: Values = {"homes_left": before}
    title = _RULES[rule].title(cols.language)
    if rule == "household_fits":
        values |= {
            "persons": persons,
            "max_persons_per_room": policy.max_persons_per_room,
            "max_spare_rooms": policy.max_spare_rooms,
            "min_m2_per_person": policy.min_m2_per_person,
        }
        if da:
            return (
                f"{title}: ingen af de {homes}, der er tilbage, passer til {persons} personer "
                f"(højst {policy.max_persons_per_room} pr. værelse, højst "
                f"{policy.max_spare_rooms} ekstra værelse(r), mindst "
                f"{policy.min_m2_per_person:g} m² pr. person)"
            ), values
        return (
            f"{title}: none of the {homes} left fits {persons} persons "
            f"(at most {policy.max_persons_per_room} per room, at most "
            f"{policy.max_spare_rooms} spare room(s), at least {policy.min_m2_per_person:g} m² "
            "per person)"
        ), values
    if rule == "accessibility":
        values |= {
            "needs_wheelchair": citizen.needs.wheelchair,
            "needs_ground_floor": citizen.needs.ground_floor,
        }
        if da:
            need = "en kørestolsegnet bolig" if citizen.needs.wheelchair else "stueetage"
            return (
                f"{title}: ingen af de {homes}, der er tilbage, giver {need} (eller elevator)",
                values,
            )
        need = "a wheelchair-accessible home" if citizen.needs.wheelchair else "the ground floor"
        return f"{title}: none of the {homes} left gives {need} (or a lift)", values
    if rule == "pets":
        if da:
            return (
                f"{title}: ingen af de {homes}, der er tilbage, tillader borgerens husdyr",
                values,
            )
        return f"{title}: none of the {homes} left allows the citizen's pet", values
    if rule == "youth_unit":
        age = int(cols.age[c])
        values |= {"age": age, "youth_age_limit": policy.youth_age_limit}
        if da:
            return (
                f"{title}: de {homes}, der er tilbage, er ungdomsboliger for borgere under "
                f"{policy.youth_age_limit} år; borgeren er {age} år"
            ), values
        return (
            f"{title}: the {homes} left are youth units for citizens under "
            f"{policy.youth_age_limit}; the citizen is {age}"
        ), values
    if rule == "unit_kind":
        values |= {
            "age": int(cols.age[c]),
            "elderly_min_age": policy.elderly_min_age,
            "disability": citizen.disability,
            "skaev_target_group": citizen.skaev_target_group,
            "allow_transitional": policy.allow_transitional,
        }
        if da:
            return (
                f"{title}: de {homes}, der er tilbage, er udslusningsboliger, ældreboliger "
                "eller skæve boliger, som borgeren ikke kan få anvist (ældrebolig: mindst "
                f"{policy.elderly_min_age} år eller handicap; skæv bolig: vurderet i målgruppen)"
            ), values
        return (
            f"{title}: the {homes} left are transitional, elderly or skæv units the citizen "
            f"cannot be offered (elderly: aged {policy.elderly_min_age} or more or a "
            "disability; skæv: marked as target group)"
        ), values
    if rule == "listed_area":
        facts = section59.facts(citizen, cols.as_of)
        mask = int(cols.s59[c])
        values |= {
            "criteria_stk6": section59.met_codes(mask, section59.STK6_MASK),
            "criteria_stk7": section59.met_codes(mask, section59.STK7_MASK),
            **facts,
        }
        first = values["criteria_stk6"] or values["criteria_stk7"]
        stk = 6 if values["criteria_stk6"] else 7
        category = "udsat" if stk == 6 else "forebyggelse"
        why = section59.reason(stk, category, list(first), facts, cols.language)
        if da:
            return (
                f"{title}: de {homes}, der er tilbage, ligger i områder, hvor kommunen ikke må "
                f"anvise husstanden; {why}"
            ), values
        return (
            f"{title}: the {homes} left are in areas where the municipality may not allocate "
            f"to this household; {why}"
        ), values
    if rule == "support_reach":
        values["support"] = citizen.support
        if da:
            return (
                f"{title}: ingen af de {homes}, der er tilbage, ligger, hvor et "
                f"{citizen.support}-team i kommunen kan give borgeren støtte"
            ), values
        return (
            f"{title}: none of the {homes} left is where a {citizen.support} team of the "
            "municipality can support the citizen"
        ), values
    if rule == "avoided_area":
        values["avoid_areas"] = list(citizen.preferences.avoid_areas)
        if da:
            return (
                f"{title}: de {homes}, der er tilbage, ligger i områder, borgeren har fravalgt",
                values,
            )
        return f"{title}: the {homes} left are in areas the citizen asked to avoid", values
    if rule == "available_by_deadline":
        deadline = citizen.deadline.isoformat() if citizen.deadline else "?"
        values["deadline"] = citizen.deadline.isoformat() if citizen.deadline else None
        if da:
            return (
                f"{title}: ingen af de {homes}, der er tilbage, er ledig senest på borgerens "
                f"frist {deadline}",
                values,
            )
        return (
            f"{title}: none of the {homes} left is available by the citizen's deadline {deadline}",
            values,
        )
    income = round(float(cols.income[c]))
    disposable = int(cols.disposable[c])
    values["income_dkk"] = income
    values["disposable_income_dkk"] = disposable
    if rule == "affordable_after_reduction":
        if da:
            return (
                f"{title}: de {homes}, der er tilbage, kan kun betales, mens deres midlertidige "
                "huslejenedsættelse (almenboligloven § 98 f) varer, og kommunen kræver, at en "
                "bolig også kan betales, når den ophører (rådighedsbeløb efter skat "
                f"{kr(disposable)} kr. om måneden)"
            ), values
        return (
            f"{title}: the {homes} left are affordable only while their temporary rent "
            "reduction (almenboligloven § 98 f) lasts, and this municipality requires a home "
            f"to stay affordable after it ends (disposable income after tax {disposable:,} kr. "
            "a month)"
        ), values
    best = scored.best_unaffordable.get(c)
    if da:
        text = f"{title}: ingen af de {homes}, der er tilbage, kan betales"
    else:
        text = f"{title}: none of the {homes} left is affordable"
    if best is not None:
        closest = cols.vacancy_ids[best["vacancy"]]
        values |= {
            "closest_vacancy": closest,
            "gross_rent_dkk": best["gross_rent_dkk"],
            "left_dkk": best["left_dkk"],
            "required_left_dkk": best["required_left_dkk"],
        }
        share = policy.max_rent_share
        over_share = best["gross_rent_dkk"] > share * income
        values["max_rent_share"] = share
        if over_share:  # the rent-share test failed: say it as such, first
            if da:
                part = "halvdelen" if share == 0.5 else f"{share:.0%}".replace(".", ",")
                text += (
                    f"; huslejen i den nærmeste, {closest}, {kr(best['gross_rent_dkk'])} kr. "
                    f"inkl. forbrug, er over {part} af indkomsten ({kr(income)} kr. om måneden)"
                )
            else:
                part = "half" if share == 0.5 else f"{share:.0%}"
                text += (
                    f"; the rent of the closest, {closest}, {best['gross_rent_dkk']:,} kr. with "
                    f"utilities, is above {part} of income ({income:,} kr. a month)"
                )
        elif da:
            text += (
                f"; den nærmeste, {closest}, har en bruttohusleje på "
                f"{kr(best['gross_rent_dkk'])} kr. og ville efterlade {kr(best['left_dkk'])} "
                f"kr. om måneden efter skat mod {kr(best['required_left_dkk'])} kr. krævet "
                f"(indkomst {kr(income)} kr. om måneden før skat, {kr(disposable)} kr. efter "
                "skat)"
            )
        else:
            text += (
                f"; the closest, {closest}, has gross rent "
                f"{best['gross_rent_dkk']:,} kr. and would leave {best['left_dkk']:,} kr. a "
                f"month after tax against {best['required_left_dkk']:,} kr. required (income "
                f"{income:,} kr. a month before tax, {disposable:,} kr. after tax)"
            )
    return text, values


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
    named_scores = score[named_rows].tolist()
    named_losses = loss[named_rows].tolist()
    named_holder_scores = np.where(named_holder >= 0, score[holder_pair[named_v]], 0).tolist()
    # the texts show points without the housed bonus (an implementation detail)
    bonus = scored.bonus_by_muni
    fit = (score[named_rows] - bonus[cols.c_muni[owner]]).tolist()
    holder_fit = np.where(
        named_holder >= 0,
        score[holder_pair[named_v]] - bonus[cols.c_muni[np.maximum(named_holder, 0)]],
        0,
    ).tolist()
    context = _Named(
        vacancy=named_v.tolist(),
        score=commas(fit, cols.language),
        loss=commas(named_losses, cols.language),
        holder=named_holder.tolist(),
        holder_score=commas(holder_fit, cols.language),
        count=np.bincount(pc[mine_all], minlength=cols.n_citizens).tolist(),
        score_points=named_scores,
        loss_points=named_losses,
        holder_points=named_holder_scores,
        bonus=bonus.tolist(),
    )
    out = []
    rows = scored.funnel[homeless]
    open_funnel: list[bool] = np.all(rows > 0, axis=1).tolist()  # no stage left 0 homes
    for c, row, outranked in zip(homeless.tolist(), rows.tolist(), open_funnel, strict=True):
        feasible = row[-1]
        if outranked:
            reason, text, detail = "outranked", "", _NO_DETAIL
        else:
            reason, text, detail = _reason(scored, c, row, feasible)
        if reason == "outranked":
            if relaxed_home[c] >= 0:
                reason = "capacity"
                home_id = cols.vacancy_ids[relaxed_home[c]]
                text = (
                    "en støtteindsats' ledige pladser eller et loft over anvisninger til en "
                    f"afdeling udelukker den bolig, planen ellers ville give ({home_id})"
                    if cols.language == "da"
                    else "a support team's free places or a department cap rule out the home "
                    f"the plan would otherwise give ({home_id})"
                )
                detail = {"rule": None, "values": {"vacancy": home_id}}
            else:
                text = _outranked_text(cols, c, starts[c], starts[c + 1], context)
                detail = _outranked_detail(cols, c, starts[c], starts[c + 1], context)
        out.append(
            {
                "citizen": cols.citizen_ids[c],
                "detail": detail,
                "feasible_vacancies": feasible,
                "funnel": dict(zip(FUNNEL_NAMES, row, strict=True)),
                "reason": reason,
                "text": text,
            }
        )
    return out


_NO_DETAIL: dict[str, Any] = {"rule": None, "values": {}}


@dataclass(frozen=True)
class _Named:
    """Plain lists for the homes an outranked text names (each citizen's first few pairs).

    The points (``score``, ``loss``, ``holder_score``) are already in words (``1,234``);
    ``*_points`` are the same numbers as integers.
    """

    vacancy: list[int]
    score: list[str]
    bonus: list[int]
    loss: list[str]
    holder: list[int]
    holder_score: list[str]
    count: list[int]
    score_points: list[int]
    loss_points: list[int]
    holder_points: list[int]


def _reason(
    scored: ScoredProblem, c: int, row: list[int], feasible: int
) -> tuple[str, str, dict[str, Any]]:
    """The binding reason code, its words and its structured detail (rule and numbers)."""
    cols = scored.cols
    code = cols.municipality_codes[int(cols.c_muni[c])]
    da = cols.language == "da"
    if row[0] == 0 or row[1] == 0:
        title = _RULES["allocation_right"].title(cols.language)
        return (
            "no_home_in_municipality",
            f"{title}: ingen af de {_homes(row[0], 'da')} i betragtning har kommune {code} "
            "anvisningsret til"
            if da
            else f"{title}: none of the {row[0]:,} vacant homes considered carries "
            f"municipality {code}'s allocation right",
            {
                "rule": "allocation_right",
                "values": {"homes_considered": row[0], "municipality": code},
            },
        )
    for s, rule in enumerate(HARD_RULE_NAMES[1:], start=2):
        if row[s] == 0:
            text, values = _rule_reason(scored, c, rule, row[s - 1])
            return REASON_BY_RULE[rule], text, {"rule": rule, "values": values}
    if feasible == 0:
        return (
            "declined",
            f"alle {_homes(row[-2], 'da')}, der er mulige, er udelukket (afslåede tilbud)"
            if da
            else f"all {row[-2]:,} feasible homes are excluded (declined offers)",
            {"rule": "excluded", "values": {"feasible_before_exclusions": row[-2]}},
        )
    return "outranked", "", _NO_DETAIL


def _outranked_text(cols: Columns, c: int, first: int, stop: int, n: _Named) -> str:
    da = cols.language == "da"
    named = []
    for k in range(first, stop):
        v = n.vacancy[k]
        if n.holder[k] < 0:
            named.append(
                f"{cols.vacancy_ids[v]} anvises ikke ({n.score[k]} point)"
                if da
                else f"{cols.vacancy_ids[v]} is left unassigned ({n.score[k]} points)"
            )
            continue
        holder = cols.citizen_ids[n.holder[k]]
        named.append(
            f"{cols.vacancy_ids[v]} gik til {holder} ({n.holder_score[k]} point mod denne "
            f"borgers {n.score[k]})"
            if da
            else f"{cols.vacancy_ids[v]} went to {holder} ({n.holder_score[k]} points against "
            f"this citizen's {n.score[k]})"
        )
    count = n.count[c]
    home = cols.vacancy_ids[n.vacancy[first]]
    bonus = n.bonus[int(cols.c_muni[c])]
    loss = n.loss_points[first]
    if da:
        cost = (
            "ville planen anvise én borger færre"
            if bonus and loss >= bonus
            else f"ville planen miste mindst {n.loss[first]} point"
        )
        return (
            f"alle {_homes(count, 'da')}, der er mulige, gik til borgere med flere point: "
            + "; ".join(named)
            + ("; ..." if count > MAX_NAMED_HOMES else "")
            + f". Fik borgeren {home} i stedet, {cost} (prognose)"
        )
    cost = (
        "would house one citizen fewer"
        if bonus and loss >= bonus
        else f"would lower the plan's points by at least {n.loss[first]}"
    )
    return (
        f"all {count:,} feasible homes went to citizens with more points: "
        + "; ".join(named)
        + ("; ..." if count > MAX_NAMED_HOMES else "")
        + f". Housing this citizen in {home} instead {cost} (forecast)"
    )


def _outranked_detail(cols: Columns, c: int, first: int, stop: int, n: _Named) -> dict[str, Any]:
    """:func:`_outranked_text`'s numbers: the homes named, their holders and the points."""
    homes = []
    for k in range(first, stop):
        held = n.holder[k] >= 0
        homes.append(  # keys in sorted order, as the result is written (no re-sorting)
            {
                "holder": cols.citizen_ids[n.holder[k]] if held else None,
                "holder_score": n.holder_points[k] if held else None,
                "score": n.score_points[k],
                "vacancy": cols.vacancy_ids[n.vacancy[k]],
            }
        )
    return {
        "rule": None,
        "values": {
            "feasible_vacancies": n.count[c],
            "homes": homes,
            "loss": n.loss_points[first],
            "vacancy": cols.vacancy_ids[n.vacancy[first]],
        },
    }


def pair_verdicts_reference(scored: ScoredProblem) -> list[dict[str, Any]]:
    """Every pair's verdict one pair at a time: the reference the column-wise
    :func:`matcher.verdicts.pair_verdicts` is tested against (the tests and
    ``bench/explain.py`` call it, the solver does not).

    Each hard rule runs once over every pair (:meth:`matcher.rules.HardRule.checks`,
    which words each failure on its own); each feasible pair is scored on its own
    (:func:`matcher.scoring.score_pair`), and its money comes from the offers' money
    function (:func:`matcher.verdicts.pair_money`). About 25,000 pairs a second.
    """
    cols = scored.cols
    n_c, n_v = cols.n_citizens, cols.n_vacancies
    ci = np.repeat(np.arange(n_c, dtype=np.int64), n_v)
    vi = np.tile(np.arange(n_v, dtype=np.int64), n_c)
    per_rule = [rule.checks(cols, ci, vi) for rule in HARD_RULES] if ci.size else []
    titles = {rule.name: rule.title(cols.language) for rule in HARD_RULES}
    declined = declined_reason(cols.language)
    excluded = set(scored.excluded)
    out: list[dict[str, Any]] = []
    feasible: list[tuple[int, int, int]] = []  # (entry, citizen, vacancy)
    for k, (c, v) in enumerate(zip(ci.tolist(), vi.tolist(), strict=True)):
        citizen, vacancy = cols.citizen_ids[c], cols.vacancy_ids[v]
        failed = [checks[k] for checks in per_rule if not checks[k].ok]
        reasons = [f"{titles[ch.rule]}: {ch.text}" for ch in failed]
        details = [{"rule": ch.rule, "values": ch.values} for ch in failed]
        if (citizen, vacancy) in excluded:
            reasons.append(declined)
            details.append({"rule": "excluded", "values": {}})
        entry: dict[str, Any] = {
            "citizen": citizen,
            "vacancy": vacancy,
            "feasible": not reasons,
            "reasons": reasons,
            "failed": details,
        }
        if not reasons:
            total, parts = score_pair(scored, c, v)
            entry["score"] = total
            entry["breakdown"] = parts
            feasible.append((len(out), c, v))
        out.append(entry)
    # the money of the feasible pairs from the one money function, in one call
    at = [k for k, _, _ in feasible]
    money, flags = pair_money(
        scored,
        np.array([c for _, c, _ in feasible], dtype=np.int64),
        np.array([v for _, _, v in feasible], dtype=np.int64),
    )
    for k, cash, flagged in zip(at, money, flags, strict=True):
        out[k]["money"], out[k]["flags"] = cash, flagged
    return out
