"""Column-wise pair verdicts: the same document as the one-pair-at-a-time path.

:func:`matcher.verdicts.pair_verdicts` must write exactly what
:func:`matcher.explain.pair_verdicts_reference` writes (byte for byte, as the result is
written), on random problems and on generated municipalities, in both languages, with
exclusions, assessment and warning rules, § 59 area categories and rent reductions. The
compact form is checked against the same reference pairs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matcher_testkit import citizen, problem, problems, vacancy
from typer.testing import CliRunner

from boligmatch.commands.solve import command
from matcher.api import dumps_result, solve_problem
from matcher.explain import pair_verdicts_reference
from matcher.problem import parse_problem
from matcher.scoring import ScoredProblem, score_problem
from matcher.verdicts import compact_verdicts, pair_verdicts
from synthetic.population import generate_problem

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def scored_of(document: dict[str, Any], exclude: set[tuple[str, str]]) -> ScoredProblem:
    return score_problem(parse_problem(document), exclude=exclude)


def assert_same_pairs(scored: ScoredProblem) -> list[dict[str, Any]]:
    """The two paths agree as data and as written text; returns the reference pairs."""
    new, reference = pair_verdicts(scored), pair_verdicts_reference(scored)
    assert new == reference
    assert dumps_result({"pairs": new}) == dumps_result({"pairs": reference})
    return reference


@st.composite
def problems_with_exclusions(draw: st.DrawFn) -> tuple[dict[str, Any], set[tuple[str, str]]]:
    document = draw(problems(max_citizens=6, max_vacancies=6))
    pairs = [(c["id"], v["id"]) for c in document["citizens"] for v in document["vacancies"]]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=4)) if pairs else []
    return document, set(chosen)


@SETTINGS
@given(problems_with_exclusions())
def test_column_wise_verdicts_equal_the_reference_on_random_problems(
    case: tuple[dict[str, Any], set[tuple[str, str]]],
) -> None:
    document, exclude = case
    scored = scored_of(document, exclude)
    reference = assert_same_pairs(scored)
    assert_compact_agrees(scored, reference)


GENERATED = [
    # (seed, citizens, vacancies, national, language, policy)
    (7, 90, 30, False, "da", None),
    (8, 90, 30, False, "en", {"rent_share_rule": "assessment", "reduction_end_rule": "warning"}),
    (9, 120, 40, True, "en", {"require_available_by_deadline": True, "allow_transitional": True}),
    (10, 120, 40, True, "da", {"rent_share_rule": "assessment", "min_m2_per_person": 20.0}),
]


@pytest.mark.parametrize(("seed", "n_c", "n_v", "national", "language", "policy"), GENERATED)
def test_column_wise_verdicts_equal_the_reference_on_generated_problems(
    seed: int,
    n_c: int,
    n_v: int,
    national: bool,
    language: str,
    policy: dict[str, Any] | None,
) -> None:
    document = generate_problem(seed=seed, n_citizens=n_c, n_vacancies=n_v, national=national)
    document["language"] = language
    if policy is not None:
        document["policy"] = {**document.get("policy", {}), **policy}
    categories = ["udsat", "parallelsamfund", "omdannelse", "forebyggelse", "none"]
    for k, home in enumerate(document["vacancies"][::3]):  # § 59 areas and § 98 f reductions
        home["area_category"] = categories[k % len(categories)]
        if k % 2:
            home["rent_reduction_dkk"] = 900
            home["rent_reduction_until"] = "2027-06-30"
    exclude = {
        (c["id"], v["id"])
        for c, v in zip(document["citizens"][::7], document["vacancies"][::2], strict=False)
    }
    scored = scored_of(document, exclude)
    reference = assert_same_pairs(scored)
    rules = {f["rule"] for p in reference for f in p["failed"]}
    assert {"excluded", "listed_area", "household_fits", "affordability"} <= rules
    assert any(p["feasible"] for p in reference)
    assert_compact_agrees(scored, reference)


def assert_compact_agrees(scored: ScoredProblem, reference: list[dict[str, Any]]) -> None:
    """The compact form, recounted from the reference pairs of each citizen's component."""
    cols = scored.cols
    component_homes = {}
    for comp in scored.components:
        homes = {cols.vacancy_ids[v] for v in comp.vacancies.tolist()}
        for c in comp.citizens.tolist():
            component_homes[cols.citizen_ids[c]] = homes
    compact = {entry["citizen"]: entry for entry in compact_verdicts(scored)}
    assert list(compact) == cols.citizen_ids
    by_citizen: dict[str, list[dict[str, Any]]] = {}
    for pair in reference:
        if pair["vacancy"] in component_homes[pair["citizen"]]:
            by_citizen.setdefault(pair["citizen"], []).append(pair)
    for cid, entry in compact.items():
        mine = by_citizen.get(cid, [])
        for rule, count in entry["failed_by_rule"].items():
            assert count == sum(any(f["rule"] == rule for f in p["failed"]) for p in mine)
        assert entry["feasible_vacancies"] == sum(p["feasible"] for p in mine)
        assert entry["funnel"]["in_component"] == len(mine)
        out = [p for p in mine if not p["feasible"]]
        if not out:
            assert entry["closest"] is None
            continue
        best = min(out, key=lambda p: (len(p["failed"]), gap_of(p), p["vacancy"]))
        closest = entry["closest"]
        assert closest["vacancy"] == best["vacancy"]
        assert closest["money_gap_dkk"] == gap_of(best)
        assert closest["reasons"] == best["reasons"]
        assert closest["failed"] == best["failed"]


def gap_of(pair: dict[str, Any]) -> int:
    """The money gap as the compact form defines it, from a reference pair's numbers."""
    for failure in pair["failed"]:
        if failure["rule"] == "affordability":
            n = failure["values"]
            over = n["gross_rent_dkk"] - n["max_gross_rent_dkk"]
            share = max(over, 0) if n["rent_share_rule"] == "hard" else 0
            return int(max(n["required_left_dkk"] - n["left_dkk"], 0) + share)
    return 0


def test_compact_form_names_the_closest_home_and_its_numbers() -> None:
    document = problem(
        [citizen("A", needs={"pets": True})],
        [vacancy("V1", rent_dkk=9000), vacancy("V2", rent_dkk=8000), vacancy("V3")],
        language="en",
    )
    result = solve_problem(document, explain_compact=True)
    assert "pairs" not in result
    (entry,) = result["pairs_compact"]
    # every home fails pets; V1 and V2 fail affordability too
    assert entry["failed_by_rule"]["pets"] == 3 and entry["failed_by_rule"]["affordability"] == 2
    assert entry["funnel"]["pets"] == 0 and entry["feasible_vacancies"] == 0
    closest = entry["closest"]
    assert closest["vacancy"] == "V3" and closest["money_gap_dkk"] == 0
    assert [f["rule"] for f in closest["failed"]] == ["pets"]
    assert closest["reasons"] == ["Pets: the citizen has a pet; pets are not allowed in this home"]
    assert "pairs_compact" not in solve_problem(document)


def test_cli_explain_compact(tmp_path: Path) -> None:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem([citizen("A")], [vacancy("V1"), vacancy("V2")])))
    app = typer.Typer()
    app.command()(command)
    compact = CliRunner().invoke(app, [str(path), "--json", "--explain-compact"])
    assert compact.exit_code == 0, compact.output
    result = json.loads(compact.stdout)
    assert "pairs" not in result and len(result["pairs_compact"]) == 1
    full = json.loads(CliRunner().invoke(app, [str(path), "--json", "--explain"]).stdout)
    assert "pairs_compact" not in full and len(full["pairs"]) == 2


def test_feasible_pairs_state_the_money_their_offer_states() -> None:
    """Issue 12: every explanation of a feasible pair carries its money (the § 98 f end
    and the rent after it included), the same object as the pair's offer."""
    document = generate_problem(seed=9, n_citizens=120, n_vacancies=40, national=False)
    result = solve_problem(document, explain=True)
    by_pair = {(p["citizen"], p["vacancy"]): p for p in result["pairs"]}
    feasible = [p for p in result["pairs"] if p["feasible"]]
    assert feasible and all(p["money"] is not None for p in feasible)
    assert all("money" not in p for p in result["pairs"] if not p["feasible"])
    offered = [(o["vacancy"], c) for o in result["offers"] for c in o["candidates"]]
    assert offered
    for home, candidate in offered:
        pair = by_pair[(candidate["citizen"], home)]
        assert pair["money"] == candidate["money"]
        assert pair["flags"] == candidate["flags"]
    assert any(p["money"]["reduction"] for p in feasible)  # some homes have a § 98 f end
