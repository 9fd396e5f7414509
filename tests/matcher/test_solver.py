"""The solver is exact: optimal against SciPy and brute force, with a dual certificate."""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from matcher_testkit import (
    brute_force_optimum,
    citizen,
    pairs_of,
    problem,
    problems,
    scipy_optimum,
    vacancy,
)

from matcher.api import dumps_result, solve_problem
from matcher.problem import parse_problem
from matcher.scoring import score_problem
from matcher.solver import dual_prices, max_score_matching, side_constraints

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems(max_citizens=8, max_vacancies=7))
def test_objective_equals_scipy_sparse_matcher(document: dict[str, Any]) -> None:
    document.pop("support_capacity", None)  # side constraints are tested below
    result = solve_problem(document)
    scored = score_problem(parse_problem(document))
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == scipy_optimum(scored)
    assert result["objective"] == sum(a["score"] for a in result["assignments"])


@SETTINGS
@given(problems(max_citizens=5, max_vacancies=5))
def test_objective_equals_brute_force(document: dict[str, Any]) -> None:
    document.pop("support_capacity", None)
    result = solve_problem(document)
    scored = score_problem(parse_problem(document))
    assert result["objective"] == brute_force_optimum(pairs_of(scored))


@SETTINGS
@given(problems(max_citizens=8, max_vacancies=7))
def test_assignment_is_a_matching_of_feasible_pairs(document: dict[str, Any]) -> None:
    result = solve_problem(document)
    scored = score_problem(parse_problem(document))
    feasible = {
        (scored.cols.citizen_ids[c], scored.cols.vacancy_ids[v]): s
        for (c, v), s in pairs_of(scored).items()
    }
    citizens = [a["citizen"] for a in result["assignments"]]
    homes = [a["vacancy"] for a in result["assignments"]]
    assert len(set(citizens)) == len(citizens)
    assert len(set(homes)) == len(homes)
    for a in result["assignments"]:
        assert feasible[(a["citizen"], a["vacancy"])] == a["score"]
        assert sum(a["breakdown"].values()) == a["score"]


@SETTINGS
@given(problems(max_citizens=8, max_vacancies=7))
def test_dual_prices_certify_optimality(document: dict[str, Any]) -> None:
    """u + p >= score on every feasible pair, tight on matched ones, u, p >= 0."""
    scored = score_problem(parse_problem(document))
    for comp in scored.components:
        ci = scored.pc[comp.start : comp.stop]
        vi = scored.pv[comp.start : comp.stop]
        score = scored.score[comp.start : comp.stop]
        lc = np.searchsorted(comp.citizens, ci)
        lv = np.searchsorted(comp.vacancies, vi)
        n_c, n_v = comp.citizens.size, comp.vacancies.size
        matched = max_score_matching(n_c, n_v, lc, lv, score)
        citizen_optimal = dual_prices(n_c, n_v, lc, lv, score, matched)
        p_max, u_min = dual_prices(n_v, n_c, lv, lc, score, matched)
        for u, p in (citizen_optimal, (u_min, p_max)):
            reduced = u[lc] + p[lv] - score
            assert (u >= 0).all() and (p >= 0).all()
            assert (reduced >= 0).all()
            assert (reduced[matched] == 0).all()
            # the dual objective equals the primal one, so both are optimal
            assert int(u.sum() + p.sum()) == int(score[matched].sum())
        assert (p_max >= citizen_optimal[1]).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_citizens=5, max_vacancies=5, side_constraints=True))
def test_side_constraints_are_respected_and_optimal(document: dict[str, Any]) -> None:
    result = solve_problem(document)
    scored = score_problem(parse_problem(document))
    constraints = []
    for comp in scored.components:
        for constraint in side_constraints(scored, comp):
            members = {
                (int(scored.pc[comp.start + k]), int(scored.pv[comp.start + k]))
                for k in constraint.members.tolist()
            }
            constraints.append((members, constraint.limit))
    chosen = {
        (scored.cols.citizen_ids.index(a["citizen"]), scored.cols.vacancy_ids.index(a["vacancy"]))
        for a in result["assignments"]
    }
    for members, limit in constraints:
        assert len(chosen & members) <= limit
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == brute_force_optimum(pairs_of(scored), constraints)


def test_binding_department_cap_uses_cp_sat() -> None:
    citizens = [citizen(f"C{i}") for i in range(3)]
    vacancies = [vacancy(f"V{i}") for i in range(3)]
    document = problem(
        citizens, vacancies, department_caps=[{"department": "FAB/1", "max_allocations": 1}]
    )
    result = solve_problem(document)
    assert len(result["assignments"]) == 1
    assert result["assignments"][0]["solver"] == "cp_sat"
    assert result["stats"]["components_cp_sat"] == 1
    assert {u["reason"] for u in result["unmatched"]} == {"capacity"}


def test_slack_support_capacity_keeps_the_flow_solution() -> None:
    citizens = [citizen("C1", support="ACT"), citizen("C2", support="ACT")]
    team = {"municipality_code": "461", "method": "ACT", "team": "Øst", "free_places": 5}
    result = solve_problem(
        problem(citizens, [vacancy("V1"), vacancy("V2")], support_capacity=[team])
    )
    assert result["stats"]["components_cp_sat"] == 0
    assert len(result["assignments"]) == 2


def test_housed_bonus_houses_as_many_as_possible() -> None:
    """With the default bonus, two housed beat one housed with a better fit."""
    urgent = citizen("A", situation=1, household={"adults": 1, "children": 0})
    other = citizen("B", situation=6)
    # A fits both homes, B only V2; V2 is A's preferred area, so best-fit would give A V2.
    homes = [
        vacancy("V1", area="Korup"),
        vacancy("V2", area="Bolbro"),
    ]
    urgent["preferences"]["areas"] = ["Bolbro"]
    other["needs"]["pets"] = True
    homes[1]["pets_allowed"] = True
    result = solve_problem(problem([urgent, other], homes))
    assert {(a["citizen"], a["vacancy"]) for a in result["assignments"]} == {
        ("A", "V1"),
        ("B", "V2"),
    }
    # with housing weighted at 0 and no other reason to house B, fit wins
    best_fit = solve_problem(
        problem([urgent, other], homes, weights={"housed": 0, "area_rank_points": [100000]})
    )
    assert ("A", "V2") in {(a["citizen"], a["vacancy"]) for a in best_fit["assignments"]}


def test_same_input_gives_identical_bytes_in_any_order() -> None:
    rng = random.Random(7)
    citizens = [
        citizen(
            f"C{i}",
            situation=rng.randint(1, 9),
            preferences={"areas": [rng.choice(["Korup", "Vollsmose"])]},
        )
        for i in range(12)
    ]
    vacancies = [vacancy(f"V{i}", area=rng.choice(["Korup", "Vollsmose"])) for i in range(6)]
    first = dumps_result(solve_problem(problem(citizens, vacancies), explain=True))
    rng.shuffle(citizens)
    rng.shuffle(vacancies)
    again = dumps_result(
        solve_problem(json.loads(json.dumps(problem(citizens, vacancies))), explain=True)
    )
    assert first == again


def test_generated_national_instance_decomposes_by_municipality() -> None:
    from synthetic.population import generate_problem

    document = generate_problem(seed=3, n_citizens=600, n_vacancies=200, national=True)
    result = solve_problem(document)
    scored = score_problem(parse_problem(document))
    assert result["status"] == "OPTIMAL"
    assert result["stats"]["components"] > 50
    assert result["objective"] == scipy_optimum(scored)
    assert result["stats"]["pairs_evaluated"] < 600 * 200 / 5


def test_cp_sat_components_are_deterministic() -> None:
    from synthetic.population import generate_problem

    document = generate_problem(seed=11, n_citizens=80, n_vacancies=30)
    departments = sorted({v["department"] for v in document["vacancies"]})
    document["department_caps"] = [{"department": d, "max_allocations": 1} for d in departments[:4]]
    document["support_capacity"] = [
        {"municipality_code": "461", "method": "CTI", "team": "CTI Odense", "free_places": 2}
    ]
    first = solve_problem(document)
    assert first["stats"]["components_cp_sat"] == 1
    assert dumps_result(first) == dumps_result(solve_problem(document))
    scored = score_problem(parse_problem(document))
    assert first["objective"] <= scipy_optimum(scored)
