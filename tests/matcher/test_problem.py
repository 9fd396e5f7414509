"""The problem document: strict validation with JSON paths, and the published schemas."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from matcher_testkit import citizen, problem, vacancy

from matcher.api import solve_problem
from matcher.problem import (
    SCHEMA_DIR,
    ProblemError,
    loads_problem,
    parse_problem,
    problem_schema,
    result_schema,
    schema_texts,
)
from synthetic.population import generate_problem


def issues(document: Any) -> list[tuple[str, str]]:
    with pytest.raises(ProblemError) as caught:
        parse_problem(document)
    return caught.value.issues


def test_a_valid_document_parses() -> None:
    parsed = parse_problem(problem([citizen()], [vacancy()]))
    assert parsed.citizens[0].household.adults == 1
    assert parsed.as_of.isoformat() == "2026-11-02"


@pytest.mark.parametrize(
    ("mutate", "path", "words"),
    [
        (lambda d: d["citizens"][0].update(nickname="x"), "citizens[0].nickname", "unknown field"),
        (
            lambda d: d["citizens"][0]["household"].update(adults=0),
            "citizens[0].household.adults",
            "greater than or equal to 1",
        ),
        (
            lambda d: d["citizens"][0]["household"].update(adults="2"),
            "citizens[0].household.adults",
            "integer",
        ),
        (lambda d: d["citizens"][0].pop("registered_on"), "citizens[0].registered_on", "required"),
        (
            lambda d: d["citizens"][0].update(homeless_since="01-02-2026"),
            "citizens[0].homeless_since",
            "ISO date",
        ),
        (
            lambda d: d["citizens"][0].update(homeless_since="2026-02-30"),
            "citizens[0].homeless_since",
            "not a valid date",
        ),
        (lambda d: d["citizens"][0].update(deadline=20261201), "citizens[0].deadline", "ISO date"),
        (
            lambda d: d["citizens"][0]["income"][0].update(kind="lottery"),
            "citizens[0].income[0].kind",
            "kontanthjaelp",
        ),
        (lambda d: d["vacancies"][0].update(wheelchair=1), "vacancies[0].wheelchair", "boolean"),
        (
            lambda d: d["vacancies"][0].update(municipality_code=461),
            "vacancies[0].municipality_code",
            "string",
        ),
        (
            lambda d: d["vacancies"][0].update(rent_reduction_dkk=5000),
            "vacancies[0].rent_reduction_dkk",
            "rent_dkk",
        ),
        (lambda d: d.update(policy={"youth_age": 30}), "policy.youth_age", "unknown field"),
        (
            lambda d: d.update(weights={"housed": -1}),
            "weights.housed",
            "greater than or equal to 0",
        ),
        (lambda d: d.update(format="boligmatch.problem/2"), "format", "boligmatch.problem/1"),
        (lambda d: d["citizens"].append(citizen("C1")), "citizens[1].id", "duplicate id"),
    ],
)
def test_bad_input_names_the_field_path(mutate: Any, path: str, words: str) -> None:
    document = problem([citizen("C1")], [vacancy("V1")])
    mutate(document)
    found = issues(document)
    assert any(p == path and words in m for p, m in found), found
    with pytest.raises(ProblemError) as from_text:
        loads_problem(json.dumps(document))
    assert from_text.value.issues == found


def test_overlapping_support_teams_are_an_error() -> None:
    team = {"municipality_code": "461", "method": "ACT", "free_places": 1}
    document = problem(
        [citizen()],
        [vacancy()],
        support_capacity=[
            {**team, "team": "Øst", "areas": ["Vollsmose", "Korup"]},
            {**team, "team": "Vest", "areas": ["Korup"]},
        ],
    )
    assert issues(document) == [
        ("support_capacity[1].areas", "area 'Korup' is also covered by ACT team 'Øst'")
    ]


def test_not_an_object() -> None:
    assert issues([1, 2]) == [("(document)", "must be a JSON object")]
    with pytest.raises(ProblemError) as caught:
        loads_problem("[1, 2]")
    assert caught.value.issues == [("(document)", "must be a JSON object")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_text_and_parsed_json_give_the_same_problem(seed: int) -> None:
    document = generate_problem(seed=seed, n_citizens=300, n_vacancies=100, national=seed == 3)
    text = json.dumps(document)
    assert loads_problem(text) == parse_problem(json.loads(text))
    assert loads_problem(text.encode()) == parse_problem(document)


@pytest.mark.parametrize("text", ["", "{", '{"format": "boligmatch.problem/1",}', "[1] 2"])
def test_text_that_is_not_json_is_a_json_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        loads_problem(text)


def test_committed_schema_files_equal_the_generated_ones() -> None:
    for name, text in schema_texts().items():
        assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: run python -m matcher.problem"
        )


def test_schema_rejects_unknown_fields_and_accepts_valid_documents() -> None:
    schema = problem_schema()
    jsonschema.validate(problem([citizen()], [vacancy()]), schema)
    bad = problem([citizen(nickname="x")], [vacancy()])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_every_field_is_documented_in_the_schema() -> None:
    definitions = problem_schema()["$defs"]
    for model in ("Citizen", "Vacancy", "Policy", "Weights"):
        for name, prop in definitions[model]["properties"].items():
            assert prop.get("description") or "$ref" in prop or "allOf" in prop, (model, name)


def test_results_validate_against_the_result_schema() -> None:
    from synthetic.population import generate_problem

    document = generate_problem(seed=5, n_citizens=30, n_vacancies=12)
    result = solve_problem(document, explain=True, explain_compact=True)
    assert result["pairs"] and result["pairs_compact"]
    jsonschema.validate(json.loads(json.dumps(result)), result_schema())
