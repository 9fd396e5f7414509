"""Every pair's verdict, column-wise: ``--explain``'s ``pairs`` and its compact form.

The per-pair path (:func:`matcher.explain.pair_verdicts_reference`) asks every hard rule
about one pair at a time and words each failure on its own. Here each rule runs once over
all pairs (the rules are array functions, :mod:`matcher.rules`); its numbers are read
for the failed pairs only, column by column (:attr:`matcher.rules.HardRule.numbers`);
and a sentence is written once per distinct tuple of numbers (with the clauses that
failed), since many pairs share one: the household rule's sentence depends on the
household's size and the home's rooms and m², not on who the citizen is. The pairs then
take their sentences and numbers by index, at C level (``map``, ``zip``). The result is
the same document, byte for byte as :func:`matcher.api.dumps_result` writes it; pairs
with the same numbers share one ``values`` dict (a result is read, never edited).

The compact form (``--explain compact``, :func:`compact_verdicts`) is for problems
whose cross product is too large to list: per citizen the hard-rule funnel, how many of
the component's homes each rule fails, and the closest home the citizen cannot get with
its reasons and numbers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import numpy as np

from matcher.affordability import HomeColumns, HouseholdColumns, assess_indexed
from matcher.columns import I64, B, Columns
from matcher.offers import money_rows
from matcher.rules import HARD_RULES, MONEY_RULES, HardRule, affordability, assess_pairs
from matcher.scoring import (
    FUNNEL_NAMES,
    PART_NAMES,
    ScoredProblem,
    affordability_columns,
    score_pair,
)

_SORTED_PARTS = tuple(sorted(PART_NAMES))
"""The breakdown's keys in the order the result is written (no re-sorting)."""
_EXCLUDED_DETAIL: dict[str, Any] = {"rule": "excluded", "values": {}}


def declined_reason(language: str) -> str:
    """The reason a pair excluded by a declined offer is given (both paths say it alike)."""
    return (
        "Udelukket: parret er udelukket (afslået tilbud)"
        if language == "da"
        else "Excluded: the pair is excluded (declined offer)"
    )


@dataclass(frozen=True)
class RuleFailures:
    """One hard rule's failures among pairs ``(ci[k], vi[k])``.

    Attributes
    ----------
    at : int array
        The positions (into the pair arrays) where the rule fails, ascending.
    reasons : list of str
        Per failure: the rule's title, then each failed clause's sentence.
    failed : list of dict
        Per failure: ``{"rule", "values"}`` (values in key order; equal numbers share
        one dict).
    """

    at: I64
    reasons: list[str]
    failed: list[dict[str, Any]]


def clause_verdicts(rule: HardRule, cols: Columns, ci: I64, vi: I64) -> list[B]:
    """Each clause's verdicts on pairs ``(ci[k], vi[k])`` (flat arrays of equal length).

    The money rules read the pairs as they are; the others are called with the pairs'
    citizens as a column and homes as a row when the pairs are a whole cross product
    in citizen order (``ci`` runs over the citizens, ``vi`` over the homes, equal
    counts each), so per-citizen values are read once, not per pair.
    """
    shape = ci.shape
    grid = _grid(ci, vi)
    if grid is not None and rule not in MONEY_RULES:
        cs, vs = grid
        column, row = cs[:, None], vs[None, :]
        full = (cs.size, vs.size)
        return [
            np.broadcast_to(clause.holds(cols, column, row), full).reshape(shape)
            for clause in rule.clauses
        ]
    return [np.broadcast_to(clause.holds(cols, ci, vi), shape) for clause in rule.clauses]


def _grid(ci: I64, vi: I64) -> tuple[I64, I64] | None:
    """``(citizens, homes)`` when the pairs are their cross product in citizen order."""
    if ci.size == 0:
        return None
    first = int(np.searchsorted(ci, ci[0], side="right"))
    if ci.size % first:
        return None
    cs, vs = ci[::first], vi[:first]
    if not (np.array_equal(np.repeat(cs, first), ci) and np.array_equal(np.tile(vs, cs.size), vi)):
        return None
    return cs, vs


def rule_failures(
    rule: HardRule,
    cols: Columns,
    ci: I64,
    vi: I64,
    held: Sequence[B] | None = None,
) -> RuleFailures:
    """The rule's failures among the pairs, worded as :meth:`HardRule.checks` words them.

    ``held`` is :func:`clause_verdicts` when the caller has it. The numbers are read for
    the failed pairs only; each distinct (failed clauses, numbers) tuple is worded once.
    """
    if held is None:
        held = clause_verdicts(rule, cols, ci, vi)
    ok = np.logical_and.reduce(held) if len(held) > 1 else held[0]
    bad = np.flatnonzero(~ok)
    if bad.size == 0:
        return RuleFailures(bad, [], [])
    columns = rule.numbers(cols, ci[bad], vi[bad])
    names = list(columns)
    pattern = np.zeros(bad.size, dtype=np.int64)
    for j, h in enumerate(held):
        pattern |= (~h[bad]).astype(np.int64) << j
    keyed = [_hashable(columns[name]) for name in names]
    keys: list[Any] = list(zip(pattern.tolist(), *(k for k, _ in keyed), strict=True))
    try:
        distinct: dict[Any, Any] = dict.fromkeys(keys)
    except TypeError:  # a value that cannot be a key: word every failure on its own
        keys = list(range(bad.size))
        rows = list(zip(pattern.tolist(), *(columns[name] for name in names), strict=True))
        distinct = dict.fromkeys(keys)
        return _worded(rule, cols.language, names, distinct, keys, bad, rows=rows)
    restore = [was_list for _, was_list in keyed]
    return _worded(rule, cols.language, names, distinct, keys, bad, restore=restore)


def _worded(
    rule: HardRule,
    language: str,
    names: list[str],
    distinct: dict[Any, Any],
    keys: list[Any],
    bad: I64,
    *,
    restore: list[bool] | None = None,
    rows: list[tuple[Any, ...]] | None = None,
) -> RuleFailures:
    """Word each distinct key once, then hand every failure its words by key."""
    order = sorted(range(len(names)), key=names.__getitem__)
    sorted_names = [names[i] for i in order]
    title = rule.title(language)
    clauses = rule.clauses
    for key in distinct:
        row = rows[key] if rows is not None else key
        failed_clauses, numbers = row[0], row[1:]
        values = {
            name: list(numbers[i]) if restore and restore[i] else numbers[i]
            for name, i in zip(sorted_names, order, strict=True)
        }
        text = "; ".join(
            clause.say(values, language)
            for j, clause in enumerate(clauses)
            if failed_clauses >> j & 1
        )
        distinct[key] = (f"{title}: {text}", {"rule": rule.name, "values": values})
    worded = list(map(distinct.__getitem__, keys))
    return RuleFailures(
        bad,
        list(map(itemgetter(0), worded)),
        list(map(itemgetter(1), worded)),
    )


def _hashable(column: list[Any]) -> tuple[list[Any], bool]:
    """The column with its lists as tuples (so rows can be keys), and whether it had any."""
    if list not in set(map(type, column)):
        return column, False
    return [tuple(x) if type(x) is list else x for x in column], True


def verdict_lists(
    cols: Columns, ci: I64, vi: I64, excluded: B
) -> tuple[list[list[str]], list[list[dict[str, Any]]], B]:
    """Per pair: the reasons, their data (rule order, then exclusion) and feasibility.

    Each rule's failures are appended to their pairs' lists at C level
    (``map(list.append, ...)``), rule after rule, so each list ends in rule order.
    """
    n = ci.size
    reasons: list[list[str]] = [[] for _ in range(n)]
    failed: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    feasible = ~excluded
    for rule in HARD_RULES:
        fails = rule_failures(rule, cols, ci, vi)
        feasible[fails.at] = False
        at = fails.at.tolist()
        _append(map(reasons.__getitem__, at), fails.reasons)
        _append(map(failed.__getitem__, at), fails.failed)
    declined = np.flatnonzero(excluded).tolist()
    _append(map(reasons.__getitem__, declined), repeat(declined_reason(cols.language)))
    _append(map(failed.__getitem__, declined), repeat(_EXCLUDED_DETAIL))
    return reasons, failed, feasible


def _append(lists: Iterable[list[Any]], items: Iterable[Any]) -> None:
    """``lists[k].append(items[k])`` for every k, without a Python-level loop."""
    deque(map(list.append, lists, items), maxlen=0)


def excluded_mask(scored: ScoredProblem, ci: I64, vi: I64) -> B:
    """Per pair: excluded by a declined offer."""
    cols = scored.cols
    if not scored.excluded or ci.size == 0:
        return np.zeros(ci.size, dtype=np.bool_)
    c_index = {cid: i for i, cid in enumerate(cols.citizen_ids)}
    v_index = {vid: i for i, vid in enumerate(cols.vacancy_ids)}
    width = max(cols.n_vacancies, 1)
    keys = np.asarray(
        sorted(c_index[c] * width + v_index[v] for c, v in scored.excluded), dtype=np.int64
    )
    mask: B = np.isin(ci * width + vi, keys)
    return mask


def graph_rows(scored: ScoredProblem, ci: I64, vi: I64) -> tuple[I64, B]:
    """Each pair's row in the scored graph, and whether it is there (a feasible pair
    always is, unless the rules and the funnel disagree)."""
    if scored.n_pairs == 0 or ci.size == 0:
        return np.zeros(ci.size, dtype=np.int64), np.zeros(ci.size, dtype=np.bool_)
    width = max(scored.cols.n_vacancies, 1)
    keys = scored.pc * width + scored.pv
    order = np.argsort(keys, kind="stable")
    wanted = ci * width + vi
    rows: I64 = order[np.minimum(np.searchsorted(keys[order], wanted), keys.size - 1)]
    found: B = keys[rows] == wanted
    return rows, found


def scores_of(
    scored: ScoredProblem, ci: I64, vi: I64, located: tuple[I64, B] | None = None
) -> tuple[list[int], list[dict[str, int]]]:
    """Feasible pairs' scores and breakdowns, read from the scored graph (``located``:
    their :func:`graph_rows`, when the caller has them).

    A pair missing there (it would mean the funnel and the rules disagree) is scored on
    its own (:func:`matcher.scoring.score_pair`).
    """
    rows, found = located or graph_rows(scored, ci, vi)
    totals: list[int] = [0] * ci.size
    breakdowns: list[dict[str, int]] = [{}] * ci.size
    if scored.n_pairs:
        totals = scored.score[rows].tolist()
        columns = [scored.parts[name][rows].tolist() for name in _SORTED_PARTS]
        breakdowns = list(map(dict, map(zip, repeat(_SORTED_PARTS), zip(*columns, strict=True))))
    for k in np.flatnonzero(~found).tolist():
        total, parts = score_pair(scored, int(ci[k]), int(vi[k]))
        totals[k] = total
        breakdowns[k] = {name: parts[name] for name in _SORTED_PARTS}
    return totals, breakdowns


def pair_verdicts(scored: ScoredProblem) -> list[dict[str, Any]]:
    """Every citizen-vacancy pair's verdict, sorted by ids, each failure with its reason.

    The same content as :func:`matcher.explain.pair_verdicts_reference`, computed
    column-wise (see the module docstring). Grows as citizens x vacancies: meant for a
    municipality's problem; :func:`compact_verdicts` is the form for a nation's.
    """
    cols = scored.cols
    n_c, n_v = cols.n_citizens, cols.n_vacancies
    if n_c == 0 or n_v == 0:
        return []
    ci = np.repeat(np.arange(n_c, dtype=np.int64), n_v)
    vi = np.tile(np.arange(n_v, dtype=np.int64), n_c)
    reasons, failed, feasible = verdict_lists(cols, ci, vi, excluded_mask(scored, ci, vi))
    citizens = list(chain.from_iterable(map(repeat, cols.citizen_ids, repeat(n_v))))
    vacancies = cols.vacancy_ids * n_c
    out: list[dict[str, Any]] = [
        {"citizen": c, "failed": f, "feasible": False, "reasons": r, "vacancy": v}
        for c, f, r, v in zip(citizens, failed, reasons, vacancies, strict=True)
    ]
    good = np.flatnonzero(feasible)
    located = graph_rows(scored, ci[good], vi[good])  # found once for scores and money
    totals, breakdowns = scores_of(scored, ci[good], vi[good], located)
    money, flags = pair_money(scored, ci[good], vi[good], located)
    for k, total, parts, cash, flagged in zip(
        good.tolist(), totals, breakdowns, money, flags, strict=True
    ):
        entry = out[k]
        out[k] = {
            "breakdown": parts,
            "citizen": entry["citizen"],
            "failed": entry["failed"],
            "feasible": True,
            "flags": flagged,
            "money": cash,
            "reasons": entry["reasons"],
            "score": total,
            "vacancy": entry["vacancy"],
        }
    return out


def pair_money(
    scored: ScoredProblem, ci: I64, vi: I64, located: tuple[I64, B] | None = None
) -> tuple[list[Any], list[list[str]]]:
    """Feasible pairs' money (rent, benefit, left after tax, the § 98 f end and the rent
    after it, the deposit) and flags, as an offer states them (:func:`matcher.offers.money_rows`).
    """
    rows, found = located or graph_rows(scored, ci, vi)
    money: list[Any] = [None] * ci.size
    flags: list[list[str]] = [[] for _ in range(ci.size)]
    if found.any():
        where = np.flatnonzero(found)
        got_money, got_flags, _ = money_rows(scored, rows[where], words=False)
        for k, cash, flagged in zip(where.tolist(), got_money, got_flags, strict=True):
            money[k], flags[k] = cash, flagged
    return money, flags


# --- the compact form ----------------------------------------------------------------------


def compact_verdicts(scored: ScoredProblem) -> list[dict[str, Any]]:
    """Per citizen: the funnel, each rule's failed homes and the closest home out of reach.

    Only the homes of the citizen's component count (homes of other municipalities fail
    the allocation right and are not listed). ``failed_by_rule`` counts, per hard rule,
    the homes it fails on its own (a home may fail several rules); ``funnel`` is the same
    sequential count as ``unmatched[].funnel`` (homes left after each rule, in order).
    The closest home is the infeasible one with the fewest failed rules (a declined
    offer's exclusion counts as one), then the smallest money gap (DKK a month: how
    much less is left to live on than required, plus how far the gross rent is above the
    municipality's maximum share of income where that rule is hard; 0 when the home is
    affordable), then the lowest vacancy id; it comes with each failed rule's reason and
    numbers, as in ``pairs``. None when every home of the component is feasible.
    """
    cols = scored.cols
    n_rules = len(HARD_RULES)
    counts = np.zeros((cols.n_citizens, n_rules), dtype=np.int64)
    best_v = np.full(cols.n_citizens, -1, dtype=np.int64)
    money = affordability_columns(cols)
    for comp in scored.components:
        cs, vs = comp.citizens, comp.vacancies
        if cs.size == 0 or vs.size == 0:
            continue
        ci = np.repeat(cs, vs.size)
        vi = np.tile(vs, cs.size)
        gap, affordable = _money_gap(cols, ci, vi, money)
        n_failed = np.zeros(ci.size, dtype=np.int64)
        for r, rule in enumerate(HARD_RULES):
            if rule is affordability:  # its verdict came with the money gap
                bad = ~affordable
            else:
                held = clause_verdicts(rule, cols, ci, vi)
                bad = ~(np.logical_and.reduce(held) if len(held) > 1 else held[0])
            counts[cs, r] = bad.reshape(cs.size, vs.size).sum(axis=1)
            n_failed += bad
        n_failed += excluded_mask(scored, ci, vi)
        # the closest infeasible home per citizen: fewest failed rules, smallest gap, id
        big = np.iinfo(np.int64).max // 4
        rank_failed = np.where(n_failed > 0, n_failed, big).reshape(cs.size, vs.size)
        gaps = gap.reshape(cs.size, vs.size)
        order = np.lexsort((np.broadcast_to(vs, gaps.shape), gaps, rank_failed), axis=1)
        first = order[:, 0]
        rows = np.arange(cs.size)
        any_out = rank_failed[rows, first] < big
        best_v[cs[any_out]] = vs[first[any_out]]
    closest = _closest(scored, best_v)
    out = []
    funnel = scored.funnel.tolist()
    for c, cid in enumerate(cols.citizen_ids):
        out.append(
            {
                "citizen": cid,
                "closest": closest.get(c),
                "failed_by_rule": dict(
                    zip((rule.name for rule in HARD_RULES), counts[c].tolist(), strict=True)
                ),
                "feasible_vacancies": funnel[c][-1],
                "funnel": dict(zip(FUNNEL_NAMES, funnel[c], strict=True)),
            }
        )
    return out


def _money_gap(
    cols: Columns, ci: I64, vi: I64, money: tuple[HouseholdColumns, HomeColumns] | None
) -> tuple[I64, B]:
    """Per pair: DKK a month the home is out of reach by (see :func:`compact_verdicts`),
    and the affordability verdict it comes from."""
    if money is None:  # bad input: the per-pair path reports it as it always has
        verdict = assess_pairs(cols, ci, vi)
    else:
        verdict = assess_indexed(money[0], ci, money[1], vi, year=cols.as_of.year)
    left = np.asarray(verdict.left_dkk, dtype=np.int64)
    required = np.asarray(verdict.required_left_dkk, dtype=np.int64)
    gross = np.asarray(verdict.gross_rent_dkk, dtype=np.int64)
    max_gross = np.asarray(verdict.max_gross_rent_dkk, dtype=np.int64)
    hard = np.asarray(cols.policy_values(ci, "rent_share_rule") == "hard", dtype=np.bool_)
    over_share = np.where(hard, np.maximum(gross - max_gross, 0), 0)
    gap: I64 = np.maximum(required - left, 0) + over_share
    return gap, np.asarray(verdict.affordable, dtype=np.bool_)


def _closest(scored: ScoredProblem, best_v: I64) -> dict[int, dict[str, Any]]:
    """The closest home per citizen (``best_v``, -1 for none) with its reasons and numbers."""
    cols = scored.cols
    has = np.flatnonzero(best_v >= 0)
    if has.size == 0:
        return {}
    ci, vi = has.astype(np.int64), best_v[has]
    reasons, failed, _ = verdict_lists(cols, ci, vi, excluded_mask(scored, ci, vi))
    money = affordability_columns(cols)
    gap = _money_gap(cols, ci, vi, money)[0].tolist()
    return {
        c: {
            "failed": f,
            "money_gap_dkk": g,
            "reasons": r,
            "vacancy": cols.vacancy_ids[v],
        }
        for c, v, r, f, g in zip(has.tolist(), vi.tolist(), reasons, failed, gap, strict=True)
    }
