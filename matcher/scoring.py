"""From a problem to a scored graph: components, the hard-rule funnel and integer scores.

The problem is decomposed into independent components before any pair is built: a
citizen may only be offered homes their acting municipality holds the allocation right
to (:func:`matcher.rules.allocation_right`), so a component is a municipality (merged
with others only when a ``department_caps`` entry spans several). Only pairs inside a
component are evaluated, never the national cross product.

Inside a component the hard rules run as a funnel in :data:`matcher.rules.HARD_RULES`
order (the cheap rules over the component's citizens x homes, the money rules
(affordability, then affordability after a temporary § 98 f reduction) only on the pairs
still alive), and the number of homes left after each rule is kept per citizen:
that funnel is what explains an unmatched citizen.
A feasible pair's score is the sum of the soft rules' integer points plus the housed
bonus (:mod:`matcher.policy`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from matcher.affordability import (
    HomeColumns,
    HouseholdColumns,
    assess_indexed,
    concatenate_verdicts,
)
from matcher.columns import I64, B, Columns, build_columns, lexorder
from matcher.errors import InputError
from matcher.housing_benefit import validated_year
from matcher.policy import auto_housed_bonus, housed_bonus
from matcher.problem import Problem, ProblemError
from matcher.rules import (
    CITIZEN_PARTS,
    HARD_RULE_NAMES,
    PAIR_PARTS,
    assess_pairs,
    cheap_rule_masks,
    home_columns_of,
    household_columns_of,
    reduction_end_verdicts,
)

PART_NAMES = ("housed", *CITIZEN_PARTS, *PAIR_PARTS)
"""The breakdown's parts, in the order they are shown."""
FUNNEL_NAMES = ("in_component", *HARD_RULE_NAMES, "not_excluded")
"""Funnel stages: homes evaluated, then homes left after each hard rule and exclusions."""


@dataclass
class Component:
    """One independent part of the problem.

    Attributes
    ----------
    municipalities : list of int
        Municipality indices (into ``Columns.municipality_codes``).
    citizens, vacancies : int arrays
        Global indices, ascending (= id order).
    start, stop : int
        The component's feasible pairs are ``ScoredProblem.pc[start:stop]``.
    pairs_evaluated : int
        Citizens x vacancies of the component.
    """

    municipalities: list[int]
    citizens: I64
    vacancies: I64
    start: int = 0
    stop: int = 0
    pairs_evaluated: int = 0

    def __post_init__(self) -> None:
        self.pairs_evaluated = int(self.citizens.size * self.vacancies.size)


@dataclass
class ScoredProblem:
    """The scored graph the solvers and baselines work on.

    Feasible, non-excluded pairs ``(pc[k], pv[k])`` are grouped by component and sorted by
    citizen then vacancy inside it; ``score[k]`` is their integer score and ``parts`` its
    breakdown. ``funnel[c, s]`` is how many homes citizen ``c`` had left after funnel stage
    ``s`` (:data:`FUNNEL_NAMES`).
    """

    cols: Columns
    components: list[Component]
    pc: I64
    pv: I64
    score: I64
    parts: dict[str, I64]
    afford: dict[str, I64]
    funnel: I64
    excluded: list[tuple[str, str]]
    housed_bonus: int
    bonus_by_muni: I64
    priority: I64
    best_unaffordable: dict[int, dict[str, int]] = field(default_factory=dict)

    @property
    def n_pairs(self) -> int:
        return int(self.pc.size)


def find_components(cols: Columns) -> list[Component]:
    """Group municipalities into independent components (union-find over department caps)."""
    parent = list(range(len(cols.municipality_codes)))

    def root(m: int) -> int:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    capped = {cap.department for cap in cols.problem.department_caps}
    if capped:
        first: dict[int, int] = {}
        for vi, vacancy in enumerate(cols.vacancies):
            if vacancy.department in capped:
                d = int(cols.v_department[vi])
                m = int(cols.v_muni[vi])
                if d in first:
                    a, b = root(first[d]), root(m)
                    parent[max(a, b)] = min(a, b)
                else:
                    first[d] = m
    roots = np.asarray([root(m) for m in range(len(parent))], dtype=np.int64)
    components = []
    c_root = roots[cols.c_muni] if cols.n_citizens else np.zeros(0, dtype=np.int64)
    v_root = roots[cols.v_muni] if cols.n_vacancies else np.zeros(0, dtype=np.int64)
    for r in sorted(set(roots.tolist())):
        components.append(
            Component(
                municipalities=[m for m in range(len(parent)) if roots[m] == r],
                citizens=np.flatnonzero(c_root == r).astype(np.int64),
                vacancies=np.flatnonzero(v_root == r).astype(np.int64),
            )
        )
    return components


def score_parts(cols: Columns, ci: I64, vi: I64, bonus_by_muni: I64) -> dict[str, I64]:
    """Every soft rule's points for feasible pairs, plus the housed bonus, by part name."""
    parts: dict[str, I64] = {"housed": bonus_by_muni[cols.c_muni[ci]]}
    for name, citizen_rule in CITIZEN_PARTS.items():
        parts[name] = citizen_rule(cols, ci)
    for name, pair_rule in PAIR_PARTS.items():
        parts[name] = pair_rule(cols, ci, vi)
    return parts


def score_pair(scored: ScoredProblem, c: int, v: int) -> tuple[int, dict[str, int]]:
    """The scalar path: one pair's score and breakdown (the soft rules on 1-element arrays)."""
    one_c = np.asarray([c], dtype=np.int64)
    one_v = np.asarray([v], dtype=np.int64)
    parts = score_parts(scored.cols, one_c, one_v, scored.bonus_by_muni)
    breakdown = {name: int(parts[name][0]) for name in PART_NAMES}
    return sum(breakdown.values()), breakdown


def total_score(parts: dict[str, I64]) -> I64:
    """The score: the sum of the parts [points]."""
    total = np.zeros_like(parts["housed"])
    for name in PART_NAMES:
        total = total + parts[name]
    return total


def _exclusion_keys(
    cols: Columns, exclude: Iterable[tuple[str, str]]
) -> tuple[I64, list[tuple[str, str]]]:
    c_index = {cid: i for i, cid in enumerate(cols.citizen_ids)}
    v_index = {vid: i for i, vid in enumerate(cols.vacancy_ids)}
    pairs = sorted(set(exclude))
    issues = []
    keys = []
    for n, (cid, vid) in enumerate(pairs):
        if cid not in c_index:
            issues.append((f"exclude[{n}].citizen", f"unknown citizen {cid!r}"))
        elif vid not in v_index:
            issues.append((f"exclude[{n}].vacancy", f"unknown vacancy {vid!r}"))
        else:
            keys.append(c_index[cid] * max(cols.n_vacancies, 1) + v_index[vid])
    if issues:
        raise ProblemError(issues)
    return np.asarray(sorted(keys), dtype=np.int64), pairs


AFFORD_FIELDS = (
    "gross_rent_dkk",
    "housing_benefit_dkk",
    "net_housing_cost_dkk",
    "left_dkk",
    "required_left_dkk",
)
"""A feasible pair's affordability numbers the offer texts word, in this order."""
MONEY_FIELDS = (*AFFORD_FIELDS, "max_gross_rent_dkk", "needs_assessment")
"""Every affordability number kept per feasible pair (``needs_assessment`` as 0/1)."""
AFTER_FIELDS = (
    "rent_after_dkk",
    "housing_benefit_after_dkk",
    "left_after_dkk",
    "affordable_after",
)
"""Per feasible pair, the numbers once a temporary § 98 f reduction ends (-1 without one;
``affordable_after`` as 0/1)."""
_AFTER_SOURCE = {
    "rent_after_dkk": "gross_rent_dkk",
    "housing_benefit_after_dkk": "housing_benefit_dkk",
    "left_after_dkk": "left_dkk",
    "affordable_after": "affordable",
}


def score_problem(
    problem: Problem, *, exclude: Iterable[tuple[str, str]] = frozenset()
) -> ScoredProblem:
    """Build the scored graph of a validated problem.

    Parameters
    ----------
    problem : Problem
    exclude : iterable of (citizen id, vacancy id)
        Pairs never to propose (declined offers).

    Raises
    ------
    ProblemError
        For unknown ids in ``exclude`` or a benefit-rate year the rate tables lack.
    """
    cols = build_columns(problem)
    components = find_components(cols)
    return scored_from(cols, components, judge_hard_rules(cols, components), exclude=exclude)


VERDICT_FIELDS = ("affordable", *MONEY_FIELDS, *AFTER_FIELDS)
"""The money rules' numbers kept per pair that passed every cheap rule."""


@dataclass
class HardVerdicts:
    """The hard rules' verdicts on one problem, before exclusions, in its index space.

    ``funnel`` holds the cheap rules' columns of the funnel (:data:`FUNNEL_NAMES` up to
    affordability; the later columns are filled by :func:`scored_from`). ``pc, pv`` are
    the pairs every cheap rule leaves, grouped by component (``block``) and sorted by
    citizen then vacancy inside it; ``money`` their money rules' numbers
    (:data:`VERDICT_FIELDS`). With ``keep_passed``, ``passed[k]`` is component ``k``'s
    ``citizens x vacancies`` count of cheap rules passed in a row, so that a re-plan of a
    smaller problem can read its funnel from it (:mod:`matcher.replan`); else each is
    empty.
    """

    funnel: I64
    pc: I64
    pv: I64
    block: I64
    money: dict[str, I64]
    passed: list[NDArray[np.int8]]


def joined_blocks(blocks: list[tuple[I64, I64]]) -> tuple[I64, I64, I64]:
    """Each component's ``(citizens, vacancies)`` pairs as one run: ``pc, pv, block``."""
    empty = np.zeros(0, dtype=np.int64)
    pc = np.concatenate([c for c, _ in blocks]) if blocks else empty
    pv = np.concatenate([v for _, v in blocks]) if blocks else empty
    return pc, pv, np.repeat(np.arange(len(blocks)), [c.size for c, _ in blocks])


def judge_hard_rules(
    cols: Columns, components: list[Component], *, keep_passed: bool = False
) -> HardVerdicts:
    """Every hard rule over the components' pairs: the cheap rules as a funnel over each
    component's citizens x homes, then the money rules once over the pairs still alive.
    ``keep_passed`` keeps the per-component pass counts a re-plan reads (else empty).

    Raises
    ------
    ProblemError
        For a benefit-rate year the rate tables lack, or a bad value a money rule reads.
    """
    funnel = np.zeros((cols.n_citizens, len(FUNNEL_NAMES)), dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    blocks: list[tuple[I64, I64]] = []  # each component's pairs left before affordability
    passed: list[NDArray[np.int8]] = []
    try:
        afford_now = affordability_columns(cols)
        for comp in components:
            cs, vs = comp.citizens, comp.vacancies
            funnel[cs, 0] = vs.size
            count = np.zeros((cs.size, vs.size) if keep_passed else (0, 0), dtype=np.int8)
            ci, vi = empty, empty
            if cs.size and vs.size:
                alive: B | None = None
                for stage, mask in enumerate(cheap_rule_masks(cols, cs, vs), start=1):
                    alive = mask if alive is None else alive & mask
                    funnel[cs, stage] = alive.sum(axis=1)
                    if keep_passed:
                        count += alive
                assert alive is not None
                rows, columns = np.nonzero(alive)
                ci, vi = cs[rows], vs[columns]
            blocks.append((ci, vi))
            passed.append(count)
        # affordability, the costly rule, once over every component's surviving pairs
        pc, pv, block = joined_blocks(blocks)
        money: dict[str, I64] = {name: empty for name in VERDICT_FIELDS}
        if pc.size:
            if afford_now is None:  # per component, as before: errors name the same index
                verdict = concatenate_verdicts(
                    [assess_pairs(cols, c, v) for c, v in blocks if c.size]
                )
            else:
                verdict = assess_indexed(afford_now[0], pc, afford_now[1], pv, year=cols.as_of.year)
            money = {
                name: np.asarray(getattr(verdict, name), dtype=np.int64)
                for name in ("affordable", *MONEY_FIELDS)
            }
            # § 98 f: the same verdict once a temporary reduction has ended, for the pairs
            # affordable now
            money |= _after_reduction(cols, pc, pv, afford_now, money["affordable"] != 0)
    except InputError as error:
        field_name = "as_of" if "year" in error.field else error.field
        raise ProblemError([(field_name, error.problem)]) from None
    return HardVerdicts(funnel, pc, pv, block, money, passed)


def scored_from(
    cols: Columns,
    components: list[Component],
    hard: HardVerdicts,
    *,
    exclude: Iterable[tuple[str, str]] = frozenset(),
) -> ScoredProblem:
    """The scored graph from the hard rules' verdicts: the money rules' funnel columns,
    the exclusions, the housed bonus and every soft rule's points.

    The one tail of a fresh scoring (:func:`score_problem`) and of a re-plan from an
    earlier problem's verdicts (:mod:`matcher.replan`), so both give the same graph.
    """
    largest = max((min(c.citizens.size, c.vacancies.size) for c in components), default=0)
    auto = auto_housed_bonus(cols.weights, largest)
    bonus_by_muni = np.asarray([housed_bonus(w, auto) for w in cols.weights], dtype=np.int64)
    excluded_keys, excluded = _exclusion_keys(cols, exclude)
    n_stages = len(FUNNEL_NAMES)
    funnel = hard.funnel.copy()
    money_stage = len(HARD_RULE_NAMES) - 1  # affordability's funnel column
    pc, pv, block, money = hard.pc, hard.pv, hard.block, hard.money
    best_unaffordable: dict[int, dict[str, int]] = {}
    afford: dict[str, I64] = {name: money[name] for name in (*MONEY_FIELDS, *AFTER_FIELDS)}
    if pc.size:
        ok = money["affordable"] != 0
        _note_unaffordable(cols, pc[~ok], pv[~ok], money, ~ok, best_unaffordable)
        funnel[:, money_stage] = np.bincount(pc[ok], minlength=cols.n_citizens)
        # one mask keeps the pairs both money rules leave (§ 98 f hard or not)
        hard_end = np.asarray(
            cols.policy_values(pc, "reduction_end_rule") == "hard", dtype=np.bool_
        )
        keep = ok & ~(hard_end & (money["affordable_after"] == 0))
        afford = {name: values[keep] for name, values in afford.items()}
        pc, pv, block = pc[keep], pv[keep], block[keep]
    funnel[:, money_stage + 1] = np.bincount(pc, minlength=cols.n_citizens)
    if excluded_keys.size and pc.size:
        keep = ~np.isin(pc * max(cols.n_vacancies, 1) + pv, excluded_keys)
        pc, pv, block = pc[keep], pv[keep], block[keep]
        afford = {name: values[keep] for name, values in afford.items()}
    funnel[:, n_stages - 1] = np.bincount(pc, minlength=cols.n_citizens)
    stops = np.cumsum(np.bincount(block, minlength=len(components))).tolist()
    for comp, start, stop in zip(components, [0, *stops][:-1], stops, strict=True):
        comp.start, comp.stop = start, stop

    if afford["left_dkk"].size != pc.size:  # components that stopped early add no verdicts
        raise AssertionError("affordability verdicts out of step with pairs")
    everyone = np.arange(cols.n_citizens, dtype=np.int64)
    per_citizen = {name: rule(cols, everyone) for name, rule in CITIZEN_PARTS.items()}
    parts: dict[str, I64] = {"housed": bonus_by_muni[cols.c_muni[pc]]}
    for name in CITIZEN_PARTS:  # the citizen-only rules, once per citizen (score_parts' values)
        parts[name] = per_citizen[name][pc]
    for name, pair_rule in PAIR_PARTS.items():
        if name == "stays_affordable":  # stays_affordable's points from the verdicts above
            full = cols.weight_values(pc, "stays_affordable_points")
            parts[name] = np.where(afford["affordable_after"] != 0, full, 0).astype(np.int64)
            continue
        parts[name] = pair_rule(cols, pc, pv)
    # the priority list's points (greedy baseline): the citizen-only rules' sum
    priority = np.zeros(cols.n_citizens, dtype=np.int64)
    for points in per_citizen.values():
        priority += points
    return ScoredProblem(
        cols=cols,
        components=components,
        pc=pc,
        pv=pv,
        score=total_score(parts),
        parts=parts,
        afford=afford,
        funnel=funnel,
        excluded=excluded,
        housed_bonus=auto,
        bonus_by_muni=bonus_by_muni,
        priority=priority,
        best_unaffordable=best_unaffordable,
    )


def _after_reduction(
    cols: Columns,
    pc: I64,
    pv: I64,
    columns: tuple[HouseholdColumns, HomeColumns] | None,
    among: B,
) -> dict[str, I64]:
    """:data:`AFTER_FIELDS` of the pairs ``among`` marks: -1 where the home has no
    temporary reduction (and for pairs not marked)."""
    out = {name: np.full(pc.size, -1, dtype=np.int64) for name in AFTER_FIELDS}
    temporary = cols.reduction_temporary[pv] & among
    if not temporary.any():
        return out
    c, v = pc[temporary], pv[temporary]
    if columns is None:
        verdict = reduction_end_verdicts(cols, c, v)
    else:
        verdict = assess_indexed(
            columns[0], c, home_columns_of(cols, with_reduction=False), v, year=cols.as_of.year
        )
    for name, source in _AFTER_SOURCE.items():
        out[name][temporary] = np.asarray(getattr(verdict, source), dtype=np.int64)
    return out


def affordability_columns(cols: Columns) -> tuple[HouseholdColumns, HomeColumns] | None:
    """Every citizen's and vacancy's validated affordability columns, or None on bad input.

    With None the funnel calls :func:`matcher.rules.assess_pairs` per pair instead, which
    reports a bad value exactly as before (and only if a pair reaches affordability).
    """
    try:
        validated_year(cols.as_of.year)
        return household_columns_of(cols), home_columns_of(cols)
    except InputError:
        return None


def _note_unaffordable(
    cols: Columns,
    ci: I64,
    vi: I64,
    money: dict[str, I64],
    failed: B,
    best: dict[int, dict[str, int]],
) -> None:
    """Keep, per citizen, the unaffordable home that came closest (for explanations)."""
    if ci.size == 0:
        return
    left = money["left_dkk"][failed]
    required = money["required_left_dkk"][failed]
    gross = money["gross_rent_dkk"][failed]
    margin = left - required
    order = lexorder(vi, -margin, ci)  # np.lexsort's order, one packed word
    first = np.ones(order.size, dtype=np.bool_)
    first[1:] = ci[order][1:] != ci[order][:-1]
    k = order[first]
    for c, v, left_k, required_k, gross_k in zip(
        ci[k].tolist(),
        vi[k].tolist(),
        left[k].tolist(),
        required[k].tolist(),
        gross[k].tolist(),
        strict=True,
    ):
        best[c] = {
            "vacancy": v,
            "left_dkk": left_k,
            "required_left_dkk": required_k,
            "gross_rent_dkk": gross_k,
        }
