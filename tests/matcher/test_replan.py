"""Re-plans from an earlier problem's verdicts give a fresh solve's result, byte for byte.

:class:`matcher.replan.Replanner` reads the hard rules' verdicts of a problem whose rows
all appear, unchanged, in the last problem it judged in full. These tests solve random
subsets of random and generated problems (municipal and national, with department caps
that join municipalities into one component, § 59 areas and § 98 f reductions, both
languages) both ways and compare the written results, explanations included.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matcher_testkit import problems

from matcher.api import dumps_result, solve_problem
from matcher.problem import ProblemError
from matcher.replan import Replanner
from synthetic.population import generate_problem


def subset(document: dict[str, Any], rng: random.Random, keep: float) -> dict[str, Any]:
    """The document with a random share of its citizens and homes, in a shuffled order."""
    out = dict(document)
    for section in ("citizens", "vacancies"):
        rows = [copy.deepcopy(row) for row in document[section] if rng.random() < keep]
        rng.shuffle(rows)
        out[section] = rows
    return out


def exclusions(document: dict[str, Any], rng: random.Random, n: int) -> set[tuple[str, str]]:
    pairs = [(c["id"], v["id"]) for c in document["citizens"] for v in document["vacancies"]]
    return set(rng.sample(pairs, min(n, len(pairs))))


def assert_same(
    replanner: Replanner, document: dict[str, Any], exclude: set[tuple[str, str]], **options: Any
) -> dict[str, Any]:
    fresh = solve_problem(copy.deepcopy(document), exclude=exclude, **options)
    replanned = solve_problem(document, exclude=exclude, replanner=replanner, **options)
    assert dumps_result(replanned) == dumps_result(fresh)
    return fresh


def with_areas_and_reductions(document: dict[str, Any]) -> dict[str, Any]:
    categories = ["udsat", "parallelsamfund", "omdannelse", "forebyggelse", "none"]
    for k, home in enumerate(document["vacancies"][::3]):
        home["area_category"] = categories[k % len(categories)]
        if k % 2:
            home["rent_reduction_dkk"] = 900
            home["rent_reduction_until"] = "2027-06-30"
    return document


GENERATED = [
    # (seed, citizens, vacancies, national, language)
    (21, 160, 50, False, "da"),
    (22, 220, 70, True, "en"),
]


@pytest.mark.parametrize(("seed", "n_c", "n_v", "national", "language"), GENERATED)
def test_re_plans_of_subsets_equal_fresh_solves(
    seed: int, n_c: int, n_v: int, national: bool, language: str
) -> None:
    document = with_areas_and_reductions(
        generate_problem(seed=seed, n_citizens=n_c, n_vacancies=n_v, national=national)
    )
    document["language"] = language
    if national:  # one department across two municipalities: they form one component
        codes = sorted({v["municipality_code"] for v in document["vacancies"]})[:2]
        for home in document["vacancies"]:
            if home["municipality_code"] in codes:
                home["department"] = "fælles afdeling"
        document["department_caps"] = [{"department": "fælles afdeling", "max_allocations": 3}]
    rng = random.Random(seed)
    replanner = Replanner()
    first = assert_same(replanner, document, set(), explain_compact=True)
    assert (replanner.judged, replanner.reused) == (1, 0)
    joined = [c for c in first["stats"]["per_component"] if len(c["municipalities"]) > 1]
    assert bool(joined) == national
    for round_ in range(6):
        part = subset(document, rng, keep=rng.choice([0.5, 0.8, 0.95, 1.0]))
        options = {"explain": True} if round_ == 0 else {"explain_compact": True}
        assert_same(replanner, part, exclusions(part, rng, 3 * round_), **options)
    assert (replanner.judged, replanner.reused) == (1, 6)


def test_a_changed_row_or_setting_is_judged_afresh_and_becomes_the_base() -> None:
    document = with_areas_and_reductions(generate_problem(seed=5, n_citizens=80, n_vacancies=25))
    replanner = Replanner()
    assert_same(replanner, document, set())
    changed = copy.deepcopy(document)
    changed["citizens"][0]["income"][0]["monthly_dkk"] += 1500
    assert_same(replanner, changed, set())
    assert (replanner.judged, replanner.reused) == (2, 0)
    # the changed problem is now the base: the original citizen row no longer is in it
    assert_same(replanner, document, set())
    assert replanner.judged == 3
    reweighted = copy.deepcopy(document)
    reweighted["weights"] = {"child_points": 95}
    assert_same(replanner, reweighted, set())
    assert replanner.judged == 4
    assert_same(replanner, subset(reweighted, random.Random(1), 0.7), set())
    assert (replanner.judged, replanner.reused) == (4, 1)


def test_bad_input_is_refused_as_a_fresh_solve_refuses_it() -> None:
    document = generate_problem(seed=6, n_citizens=30, n_vacancies=10)
    replanner = Replanner()
    solve_problem(document, replanner=replanner)
    part = subset(document, random.Random(2), 0.9)
    unknown = {("no-such-citizen", part["vacancies"][0]["id"])}
    with pytest.raises(ProblemError) as fresh:
        solve_problem(copy.deepcopy(part), exclude=unknown)
    with pytest.raises(ProblemError) as replanned:
        solve_problem(part, exclude=unknown, replanner=replanner)
    assert replanned.value.issues == fresh.value.issues
    twice = dict(part, citizens=[*part["citizens"], part["citizens"][0]])
    with pytest.raises(ProblemError) as duplicate:
        solve_problem(twice, replanner=replanner)
    assert "duplicate id" in duplicate.value.issues[0][1]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_citizens=7, max_vacancies=7), st.randoms(use_true_random=False))
def test_re_plans_equal_fresh_solves_on_random_problems(
    document: dict[str, Any], rng: random.Random
) -> None:
    replanner = Replanner()
    assert_same(replanner, document, set())
    for _ in range(2):
        part = subset(document, rng, keep=0.7)
        assert_same(replanner, part, exclusions(part, rng, 2), explain=True)
    assert replanner.judged == 1
