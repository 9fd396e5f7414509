"""Exact solvers for one component of the scored graph.

Plain 1:1 matching is a min-cost flow: source -> citizen (capacity 1), citizen -> vacancy
(capacity 1, cost = -score), vacancy -> sink (capacity 1), plus a zero-cost source -> sink
bypass so nobody has to be matched. The minimum-cost flow is then a maximum-*score*
matching over the feasible pairs, solved exactly and fast by OR-Tools'
``SimpleMinCostFlow`` on integer costs.

The side constraints ``support_capacity`` (free places per support team) and
``department_caps`` (allocations per department) break the flow structure. A component
they touch is first solved as a flow anyway: when that optimum already respects them it
is optimal for the constrained problem too. Otherwise CP-SAT solves the component,
hinted with the flow optimum repaired to feasibility, with a fixed seed and a
deterministic time limit; it reports ``FEASIBLE`` honestly when it cannot prove
optimality within the limit. The number of CP-SAT workers is a parameter: 1 (default)
keeps the output byte-identical; ``os.cpu_count()`` uses every core.

Ties between equally good plans are broken deterministically: pairs enter the solvers in
(citizen id, vacancy id) order and the solvers are deterministic, so the same input gives
the same plan byte for byte.

:func:`dual_prices` recovers LP dual prices from the optimal matching; the *reduced
cost* ``u[c] + p[v] - score(c, v)`` of a pair is a lower bound on what the plan loses if
that pair is forced, and ranks the alternates (a forecast, not a promise: a decline is
answered by a re-solve). The duals used are the home-optimal ones (each home's price as
high as it can be, which is its marginal value to the plan), so for an alternate the plan
does not house elsewhere the bound is "what this home adds to the plan minus what it
would score with this citizen", exact whenever the rest of the plan need not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from ortools.graph.python import min_cost_flow

from matcher.columns import I64, B
from matcher.rules import support_team
from matcher.scoring import Component, ScoredProblem

Status = Literal["OPTIMAL", "FEASIBLE"]
SolverName = Literal["min_cost_flow", "cp_sat", "none"]

DEFAULT_TIME_LIMIT_S = 10.0
"""CP-SAT's deterministic time limit per component [deterministic seconds]."""


@dataclass
class ComponentSolution:
    """A solved component: which of its pairs are assigned, and each pair's forecast loss."""

    matched: B
    solver: SolverName
    status: Status
    objective: int
    loss: I64
    relaxed_matched: B


def max_score_matching(n_citizens: int, n_vacancies: int, lc: I64, lv: I64, score: I64) -> B:
    """A maximum-score matching by min-cost flow.

    Parameters
    ----------
    n_citizens, n_vacancies : int
        Sizes of the component.
    lc, lv : int arrays
        Local citizen and vacancy index of each feasible pair.
    score : int array [points]
        Each pair's score (positive).

    Returns
    -------
    bool array
        True for the pairs in the matching.
    """
    n_pairs = int(lc.size)
    if n_pairs == 0:
        return np.zeros(0, dtype=np.bool_)
    source, sink = n_citizens + n_vacancies, n_citizens + n_vacancies + 1
    citizens = np.arange(n_citizens, dtype=np.int64)
    vacancies = np.arange(n_citizens, n_citizens + n_vacancies, dtype=np.int64)
    tails = np.concatenate([lc, np.full(n_citizens, source), vacancies, [source]])
    heads = np.concatenate([n_citizens + lv, citizens, np.full(n_vacancies, sink), [sink]])
    capacities = np.ones(tails.size, dtype=np.int64)
    capacities[-1] = n_citizens
    costs = np.concatenate([-score, np.zeros(n_citizens + n_vacancies + 1, dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities, costs
    )
    flow.set_node_supply(source, n_citizens)
    flow.set_node_supply(sink, -n_citizens)
    status = flow.solve()
    if status != flow.OPTIMAL:  # cannot happen: the bypass makes every instance feasible
        raise RuntimeError(f"min-cost flow failed with status {status}")
    matched: B = flow.flows(np.arange(n_pairs, dtype=np.int32)) > 0
    return matched


def dual_prices(
    n_citizens: int, n_vacancies: int, lc: I64, lv: I64, score: I64, matched: B
) -> tuple[I64, I64]:
    """The citizen-optimal LP duals ``(u, p)`` of an optimal matching.

    The assignment LP's dual: ``u[c] + p[v] >= score(c, v)``, ``u, p >= 0``, tight on
    matched pairs, zero on unmatched citizens and vacancies. Given the matching, the
    smallest prices ``p`` are a longest-path fixpoint (``p[v] >= score(c, v)`` for an
    unmatched citizen ``c``; ``p[v] >= p[home(c)] + score(c, v) - score(c, home(c))`` for
    a matched one), found by vectorised Bellman-Ford rounds; it converges because an
    optimal matching has no improving cycle.
    """
    home = np.full(n_citizens, -1, dtype=np.int64)
    home_score = np.zeros(n_citizens, dtype=np.int64)
    home[lc[matched]] = lv[matched]
    home_score[lc[matched]] = score[matched]
    is_matched = home[lc] >= 0

    prices = np.zeros(n_vacancies, dtype=np.int64)
    free = ~is_matched
    if free.any():
        order = np.argsort(lv[free], kind="stable")
        v_sorted = lv[free][order]
        starts = np.flatnonzero(np.r_[True, v_sorted[1:] != v_sorted[:-1]])
        prices[v_sorted[starts]] = np.maximum.reduceat(score[free][order], starts)

    chain = is_matched & ~matched
    if chain.any():
        order = np.argsort(lv[chain], kind="stable")
        a_to = lv[chain][order]
        a_from = home[lc[chain]][order]
        a_gain = (score[chain] - home_score[lc[chain]])[order]
        starts = np.flatnonzero(np.r_[True, a_to[1:] != a_to[:-1]])
        targets = a_to[starts]
        for _ in range(n_citizens + n_vacancies + 2):
            best = np.maximum.reduceat(prices[a_from] + a_gain, starts)
            raised = best > prices[targets]
            if not raised.any():
                break
            prices[targets[raised]] = best[raised]
        else:  # pragma: no cover - only if the matching is not optimal
            raise RuntimeError("dual prices did not converge: the matching is not optimal")
    citizen_values = np.zeros(n_citizens, dtype=np.int64)
    has_home = home >= 0
    citizen_values[has_home] = home_score[has_home] - prices[home[has_home]]
    return citizen_values, prices


@dataclass(frozen=True)
class SideConstraint:
    """At most ``limit`` of the pairs ``members`` (local pair indices) may be assigned."""

    label: str
    members: I64
    limit: int


def side_constraints(scored: ScoredProblem, comp: Component) -> list[SideConstraint]:
    """The support-capacity and department-cap constraints that touch a component."""
    cols = scored.cols
    ci = scored.pc[comp.start : comp.stop]
    vi = scored.pv[comp.start : comp.stop]
    constraints = []
    if cols.team_free.size and ci.size:
        team = support_team(cols, ci, vi)
        for t in np.unique(team[team >= 0]).tolist():
            constraints.append(
                SideConstraint(
                    f"support team {cols.team_labels[t]}",
                    np.flatnonzero(team == t).astype(np.int64),
                    int(cols.team_free[t]),
                )
            )
    caps = {cap.department: cap.max_allocations for cap in cols.problem.department_caps}
    if caps and ci.size:
        department = cols.v_department[vi]
        for d in np.unique(department).tolist():
            name = cols.department_names[d]
            if name in caps:
                constraints.append(
                    SideConstraint(
                        f"department {name}",
                        np.flatnonzero(department == d).astype(np.int64),
                        caps[name],
                    )
                )
    return constraints


def repair(matched: B, score: I64, constraints: list[SideConstraint]) -> B:
    """Drop the lowest-scoring assignments until every side constraint holds."""
    fixed = matched.copy()
    for constraint in constraints:
        chosen = constraint.members[fixed[constraint.members]]
        excess = chosen.size - constraint.limit
        if excess > 0:
            order = np.lexsort((-chosen, score[chosen]))
            fixed[chosen[order[:excess]]] = False
    return fixed


def solve_cp_sat(
    lc: I64,
    lv: I64,
    score: I64,
    constraints: list[SideConstraint],
    hint: B,
    *,
    time_limit_s: float,
    workers: int = 1,
) -> tuple[B, Status]:
    """Maximum-score matching under side constraints with CP-SAT.

    With one worker (the default) the search is deterministic: fixed seed and a
    deterministic time limit, so the same input gives the same plan whatever the
    machine's load. More workers run CP-SAT's parallel portfolio, which can be faster
    but may return a different one of several equally good plans from run to run
    (CP-SAT's deterministic parallel mode, ``interleave_search``, was 10x slower here).
    A wall-clock limit of ten times the deterministic one guards against a stalled run.
    """
    # Imported here: CP-SAT's module pulls in pandas (about 0.2 s), and only problems
    # with side constraints need it, so `boligmatch solve` without them never pays.
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    # Variables: one boolean per feasible pair.
    x = [model.new_bool_var(f"x{k}") for k in range(lc.size)]
    # Each citizen gets at most one home, each home at most one citizen.
    for index in (lc, lv):
        order = np.argsort(index, kind="stable")
        starts = np.flatnonzero(np.r_[True, index[order][1:] != index[order][:-1]])
        for group in np.split(order, starts[1:]):
            if group.size > 1:
                model.add_at_most_one(x[k] for k in group.tolist())
    # Side constraints: support teams' free places, department caps.
    for constraint in constraints:
        model.add(sum(x[k] for k in constraint.members.tolist()) <= constraint.limit)
    # Objective: the total score.
    model.maximize(cp_model.LinearExpr.weighted_sum(x, score.tolist()))
    for k, value in enumerate(hint.tolist()):
        model.add_hint(x[k], value)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(workers, 1)
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = time_limit_s
    solver.parameters.max_time_in_seconds = 10 * time_limit_s
    status = solver.solve(model)
    if status == cp_model.OPTIMAL:
        return np.asarray([solver.boolean_value(v) for v in x], dtype=np.bool_), "OPTIMAL"
    if status == cp_model.FEASIBLE:
        found = np.asarray([solver.boolean_value(v) for v in x], dtype=np.bool_)
        if int(score[found].sum()) >= int(score[hint].sum()):
            return found, "FEASIBLE"
    return hint, "FEASIBLE"


def solve_component(
    scored: ScoredProblem,
    comp: Component,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    cp_sat_workers: int = 1,
) -> ComponentSolution:
    """Solve one component exactly (flow, or CP-SAT when side constraints bind)."""
    ci = scored.pc[comp.start : comp.stop]
    vi = scored.pv[comp.start : comp.stop]
    score = scored.score[comp.start : comp.stop]
    if ci.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        nothing = empty.astype(np.bool_)
        return ComponentSolution(nothing, "none", "OPTIMAL", 0, empty, nothing)
    lc = np.searchsorted(comp.citizens, ci).astype(np.int64)
    lv = np.searchsorted(comp.vacancies, vi).astype(np.int64)
    n_c, n_v = int(comp.citizens.size), int(comp.vacancies.size)
    relaxed = max_score_matching(n_c, n_v, lc, lv, score)
    matched = relaxed
    p, u = dual_prices(n_v, n_c, lv, lc, score, relaxed)  # home-optimal: prices maximal
    loss: I64 = u[lc] + p[lv] - score
    solver: SolverName = "min_cost_flow"
    status: Status = "OPTIMAL"
    constraints = side_constraints(scored, comp)
    if any(int(matched[c.members].sum()) > c.limit for c in constraints):
        hint = repair(matched, score, constraints)
        matched, status = solve_cp_sat(
            lc, lv, score, constraints, hint, time_limit_s=time_limit_s, workers=cp_sat_workers
        )
        solver = "cp_sat"
    return ComponentSolution(matched, solver, status, int(score[matched].sum()), loss, relaxed)
