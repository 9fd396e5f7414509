"""Scores: integer parts that sum to the score, the housed bonus, and decomposition."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from matcher_testkit import citizen, problem, problems, vacancy

from matcher.api import solve_problem
from matcher.policy import Weights, auto_housed_bonus
from matcher.problem import parse_problem
from matcher.scoring import FUNNEL_NAMES, PART_NAMES, find_components, score_problem


def test_breakdown_sums_to_the_score() -> None:
    c = citizen(
        situation=1,
        household={"adults": 1, "children": 1},
        deadline="2026-11-20",
        preferences={"areas": ["Vollsmose"], "place": {"lat": 55.41, "lon": 10.44}},
    )
    scored = score_problem(parse_problem(problem([c], [vacancy(rooms=2)])))
    assert scored.n_pairs == 1
    parts = {name: int(scored.parts[name][0]) for name in PART_NAMES}
    assert sum(parts.values()) == int(scored.score[0])
    assert parts["situation"] == 400
    assert parts["children"] == 50
    assert parts["deadline"] == 300 * (60 - 18) // 60
    assert parts["area_preference"] == 120
    assert parts["distance"] == 100
    assert parts["housed"] == scored.housed_bonus


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_auto_bonus_exceeds_any_component_s_other_parts(document: dict[str, Any]) -> None:
    """The lexicographic guarantee: B > (most citizens a component can house) x S."""
    document.pop("weights", None)
    scored = score_problem(parse_problem(document))
    if scored.n_pairs == 0:
        return
    others = scored.score - scored.parts["housed"]
    largest = max(min(c.citizens.size, c.vacancies.size) for c in scored.components)
    assert scored.housed_bonus > largest * int(others.max())


def test_auto_bonus_is_a_readable_power_of_ten() -> None:
    weights = Weights()
    bonus = auto_housed_bonus([weights], 50)
    assert bonus > 50 * weights.max_other_parts()
    assert str(bonus).strip("0") == "1"


def test_explicit_housed_weight_is_used() -> None:
    document = problem([citizen()], [vacancy()], weights={"housed": 7})
    scored = score_problem(parse_problem(document))
    assert int(scored.parts["housed"][0]) == 7


def test_municipality_policy_replaces_the_default() -> None:
    document = problem(
        [citizen("A", birth_year=1990), citizen("B", municipality_code="101", birth_year=1990)],
        [vacancy("V1", kind="youth"), vacancy("V2", kind="youth", municipality_code="101")],
        municipality_policies={"101": {"youth_age_limit": 40, "weights": {"housed": 3}}},
    )
    scored = score_problem(parse_problem(document))
    pairs = {
        (scored.cols.citizen_ids[c], scored.cols.vacancy_ids[v])
        for c, v in zip(scored.pc, scored.pv, strict=True)
    }
    assert pairs == {("B", "V2")}
    assert int(scored.parts["housed"][0]) == 3


def test_components_are_municipalities_merged_by_department_caps() -> None:
    document = problem(
        [
            citizen("A"),
            citizen("B", municipality_code="101"),
            citizen("C", municipality_code="147"),
        ],
        [
            vacancy("V1"),
            vacancy("V2", municipality_code="101", department="Shared/1"),
            vacancy("V3", municipality_code="147", department="Shared/1"),
        ],
    )
    cols = score_problem(parse_problem(document)).cols
    assert len(find_components(cols)) == 3
    document["department_caps"] = [{"department": "Shared/1", "max_allocations": 1}]
    scored = score_problem(parse_problem(document))
    assert sorted(len(c.municipalities) for c in scored.components) == [1, 2]


def test_funnel_counts_homes_left_after_each_rule() -> None:
    c = citizen(needs={"pets": True})
    homes = [
        vacancy("V1", allocation="association"),
        vacancy("V2", rooms=4, size_m2=90.0),
        vacancy("V3"),
        vacancy("V4", pets_allowed=True, rent_dkk=9000),
        vacancy("V5", pets_allowed=True),
    ]
    scored = score_problem(parse_problem(problem([c], homes)))
    funnel = dict(zip(FUNNEL_NAMES, scored.funnel[0].tolist(), strict=True))
    assert funnel["in_component"] == 5
    assert funnel["allocation_right"] == 4
    assert funnel["household_fits"] == 3
    assert funnel["pets"] == 2
    assert funnel["affordability"] == 1
    assert funnel["not_excluded"] == 1


def _overdue_race(**weights: Any) -> dict[str, Any]:
    """One home; A is as urgent as can be, B has waited 21 months in a lower situation."""
    # (The home fits both: two rooms for a parent and child, or one spare for B.)
    urgent = citizen(
        "A",
        situation=1,
        birth_year=2004,
        household={"adults": 1, "children": 1},
        deadline="2026-11-01",
        registered_on="2026-10-01",
        preferences={"areas": ["Vollsmose"], "place": {"lat": 55.41, "lon": 10.44}},
    )
    waited = citizen("B", situation=6, registered_on="2025-02-01", homeless_since="2025-01-01")
    return problem([urgent, waited], [vacancy(rooms=2)], weights=weights)


def test_an_overdue_citizen_comes_first_for_any_home_they_fit() -> None:
    without = solve_problem(_overdue_race())
    assert [a["citizen"] for a in without["assignments"]] == ["A"]
    with_limit = solve_problem(_overdue_race(overdue_after_months=18))
    assert [a["citizen"] for a in with_limit["assignments"]] == ["B"]
    scored = score_problem(parse_problem(_overdue_race(overdue_after_months=18)))
    time_parts = {
        scored.cols.citizen_ids[c]: int(scored.parts["time_on_list"][k])
        for k, c in enumerate(scored.pc)
    }
    weights = Weights(overdue_after_months=18)
    # B: 21 whole months x 10 points, plus the automatic overdue points; A: one month.
    assert time_parts == {
        "A": 10,
        "B": 210 + weights.max_other_parts() - weights.overdue_bonus() + 1,
    }
    assert weights.overdue_bonus() > Weights().max_other_parts()
    # Not yet overdue (limit 24 months): the urgent citizen keeps the home.
    later = solve_problem(_overdue_race(overdue_after_months=24))
    assert [a["citizen"] for a in later["assignments"]] == ["A"]
    # Explicit points are used as given; the housed bonus still outweighs everything.
    explicit = score_problem(
        parse_problem(_overdue_race(overdue_after_months=18, overdue_points=5))
    )
    b = list(explicit.cols.citizen_ids).index("B")
    at = next(k for k, c in enumerate(explicit.pc) if c == b)
    assert int(explicit.parts["time_on_list"][at]) == 215
    assert explicit.housed_bonus > 2 * int((explicit.score - explicit.parts["housed"]).max())


def test_the_alternate_reads_why_the_overdue_citizen_leads() -> None:
    result = solve_problem(_overdue_race(overdue_after_months=18))
    (offer,) = result["offers"]
    first, second = offer["candidates"]
    assert (first["citizen"], second["citizen"]) == ("B", "A")
    # Points stand with what they mean: the months waited and the limit passed.
    assert "ventetid 3.181 (21 md. på listen, over kommunens grænse på 18 md.)" in first["why"]
    assert "ventetid 10 (1 md. på listen)" in second["why"]
    english = solve_problem({**_overdue_race(overdue_after_months=18), "language": "en"})
    assert (
        "(21 months on the list, over the limit of 18)"
        in english["offers"][0]["candidates"][0]["why"]
    )
