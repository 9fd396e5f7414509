"""Ranked offers and options, the forecast loss, and re-solving after a decline."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from matcher_testkit import brute_force_optimum, citizen, pairs_of, problem, problems, vacancy

from matcher.api import resolve_without, solve_problem
from matcher.problem import parse_problem
from matcher.scoring import score_problem


def small_market() -> dict[str, Any]:
    citizens = [
        citizen("A", situation=1),
        citizen("B", situation=3),
        citizen("C", situation=5),
        citizen("D", situation=6, preferences={"areas": ["Korup"]}),
    ]
    homes = [vacancy("V1"), vacancy("V2", area="Korup")]
    return problem(citizens, homes)


def test_assigned_citizen_is_offered_first_then_alternates_by_loss() -> None:
    result = solve_problem(small_market())
    for offer in result["offers"]:
        candidates = offer["candidates"]
        assert candidates[0]["assigned"] and candidates[0]["rank"] == 1
        assert candidates[0]["loss"] == 0
        alternates = candidates[1:]
        keys = [(c["loss"], -c["score"], c["citizen"]) for c in alternates]
        assert keys == sorted(keys)
        assert [c["rank"] for c in candidates] == list(range(1, len(candidates) + 1))
        assert all("prognose" in c["why"] for c in alternates)
        assert "Kan betales" in candidates[0]["why"]
    english = solve_problem({**small_market(), "language": "en"})
    for offer in english["offers"]:
        assert all("forecast" in c["why"] for c in offer["candidates"][1:])
        assert "Affordable" in offer["candidates"][0]["why"]


def test_alternates_and_options_are_capped() -> None:
    result = solve_problem(small_market(), max_alternates=1, max_options=1)
    assert all(len(o["candidates"]) <= 2 for o in result["offers"])
    assert all(len(o["vacancies"]) <= 1 for o in result["options"])


def test_options_rank_the_assigned_home_first() -> None:
    result = solve_problem(small_market())
    assigned = {a["citizen"]: a["vacancy"] for a in result["assignments"]}
    for option in result["options"]:
        if option["citizen"] in assigned:
            assert option["vacancies"][0]["vacancy"] == assigned[option["citizen"]]
            assert option["vacancies"][0]["assigned"]
        assert option["feasible_vacancies"] == 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_citizens=5, max_vacancies=5))
def test_forecast_loss_is_a_lower_bound_of_the_true_loss(document: dict[str, Any]) -> None:
    """Forcing any feasible pair loses at least its forecast (checked by brute force)."""
    document.pop("support_capacity", None)
    result = solve_problem(document, max_options=10)
    pairs = pairs_of(score_problem(parse_problem(document)))
    cols = score_problem(parse_problem(document)).cols
    optimum = result["objective"]
    for option in result["options"]:
        c = cols.citizen_ids.index(option["citizen"])
        for entry in option["vacancies"]:
            v = cols.vacancy_ids.index(entry["vacancy"])
            rest = {(a, b): s for (a, b), s in pairs.items() if a != c and b != v}
            forced = pairs[(c, v)] + brute_force_optimum(rest)
            assert optimum - forced >= entry["loss"] >= 0


def test_resolve_without_excludes_the_declined_pair_and_accumulates() -> None:
    document = small_market()
    first = solve_problem(document)
    a = first["assignments"][0]
    second = resolve_without(document, first, [(a["citizen"], a["vacancy"])])
    assert (a["citizen"], a["vacancy"]) not in {
        (x["citizen"], x["vacancy"]) for x in second["assignments"]
    }
    assert second["excluded"] == [[a["citizen"], a["vacancy"]]]
    b = second["assignments"][0]
    third = resolve_without(document, second, [(b["citizen"], b["vacancy"])])
    assert sorted(map(tuple, third["excluded"])) == sorted(
        {(a["citizen"], a["vacancy"]), (b["citizen"], b["vacancy"])}
    )
    chosen = {(x["citizen"], x["vacancy"]) for x in third["assignments"]}
    assert (a["citizen"], a["vacancy"]) not in chosen and (b["citizen"], b["vacancy"]) not in chosen
    assert second["objective"] <= first["objective"]


def test_excluding_an_unknown_pair_names_it() -> None:
    import pytest

    from matcher.problem import ProblemError

    with pytest.raises(ProblemError, match=r"exclude\[0\]\.citizen: unknown citizen 'Z'"):
        solve_problem(small_market(), exclude={("Z", "V1")})
