"""Explanations: every pair's verdict, and the binding reason for every unmatched citizen."""

from __future__ import annotations

from typing import Any

from matcher_testkit import citizen, problem, vacancy

from matcher.api import solve_problem


def reason_of(document: dict[str, Any], cid: str = "C1") -> dict[str, Any]:
    """The citizen's unmatched entry; texts in English, as these tests read them."""
    result = solve_problem({"language": "en", **document})
    return next(u for u in result["unmatched"] if u["citizen"] == cid)


def test_no_affordable_home_names_the_numbers() -> None:
    u = reason_of(
        problem([citizen()], [vacancy("V1", rent_dkk=9000), vacancy("V2", rent_dkk=8000)])
    )
    assert u["reason"] == "no_affordable_home"
    # V2's rent is above half of the income: said as such, with the numbers
    assert "V2" in u["text"] and "above half of income" in u["text"] and "12,064" in u["text"]
    assert u["text"].startswith("Affordability: none of the 2 homes left")
    assert u["funnel"]["household_fits"] == 2 and u["funnel"]["affordability"] == 0
    u = reason_of(
        problem(
            [citizen()],
            [vacancy("V1", rent_dkk=5800)],
            policy={"min_left_per_adult_dkk": 9000},
        )
    )
    assert "required" in u["text"] and "V1" in u["text"]


def test_no_home_of_the_right_size() -> None:
    family = citizen(household={"adults": 2, "children": 4})
    u = reason_of(problem([family], [vacancy(rooms=1), vacancy("V2", rooms=2)]))
    assert u["reason"] == "no_home_of_right_size"
    assert "6 persons" in u["text"] and "2 homes" in u["text"]
    danish = solve_problem(problem([family], [vacancy(rooms=1), vacancy("V2", rooms=2)]))
    assert "6 personer" in danish["unmatched"][0]["text"]


def test_no_home_in_municipality() -> None:
    u = reason_of(problem([citizen(municipality_code="101")], [vacancy()]))
    assert u["reason"] == "no_home_in_municipality"
    assert "101" in u["text"]


def test_other_binding_rules() -> None:
    assert (
        reason_of(problem([citizen(needs={"pets": True})], [vacancy()]))["reason"]
        == "no_home_allowing_pets"
    )
    assert (
        reason_of(problem([citizen(needs={"wheelchair": True})], [vacancy()]))["reason"]
        == "no_accessible_home"
    )
    assert (
        reason_of(problem([citizen(birth_year=1970)], [vacancy(kind="youth")]))["reason"]
        == "youth_units_only"
    )
    assert (
        reason_of(
            problem([citizen(kontanthjaelp_since="2025-01-01")], [vacancy(listed_area=True)])
        )["reason"]
        == "listed_area_only"
    )
    assert (
        reason_of(problem([citizen(preferences={"avoid_areas": ["Vollsmose"]})], [vacancy()]))[
            "reason"
        ]
        == "avoided_areas_only"
    )
    late = problem(
        [citizen(deadline="2026-11-10")],
        [vacancy(available_from="2027-01-01")],
        policy={"require_available_by_deadline": True},
    )
    assert reason_of(late)["reason"] == "none_available_by_deadline"


def test_outranked_citizen_is_told_who_got_the_home_and_the_numbers() -> None:
    document = problem(
        [citizen("A", situation=1), citizen("C1", situation=6)], [vacancy("V1")], language="en"
    )
    result = solve_problem(document)
    assert [(a["citizen"], a["vacancy"]) for a in result["assignments"]] == [("A", "V1")]
    u = result["unmatched"][0]
    assert u["reason"] == "outranked"
    bonus = result["stats"]["housed_bonus"]
    a_score = result["assignments"][0]["score"] - bonus  # the texts leave the bonus out
    c_score = next(c for c in result["offers"][0]["candidates"] if c["citizen"] == "C1")["score"]
    c_score -= bonus
    assert f"V1 went to A ({a_score:,} points against this citizen's {c_score:,})" in u["text"]
    assert f"by at least {a_score - c_score:,}" in u["text"]


def test_declined_offers_are_the_reason_when_all_feasible_homes_are_excluded() -> None:
    result = solve_problem(problem([citizen()], [vacancy()]), exclude={("C1", "V1")})
    assert result["unmatched"][0]["reason"] == "declined"


def test_explain_lists_every_pair_with_its_verdict() -> None:
    document = problem(
        [citizen("A"), citizen("B", needs={"pets": True}, municipality_code="101")],
        [vacancy("V1"), vacancy("V2", rent_dkk=9000)],
    )
    result = solve_problem(document, explain=True)
    pairs = {(p["citizen"], p["vacancy"]): p for p in result["pairs"]}
    assert list(pairs) == [("A", "V1"), ("A", "V2"), ("B", "V1"), ("B", "V2")]
    # each reason starts with the rule's name for people (Danish by default)
    assert [r.split(":")[0] for r in pairs[("B", "V2")]["reasons"]] == [
        "Anvisningsret (almenboligloven § 59)",
        "Husdyr",
        "Betalingsevne",
    ]
    result = solve_problem({**document, "language": "en"}, explain=True)
    pairs = {(p["citizen"], p["vacancy"]): p for p in result["pairs"]}
    assert pairs[("A", "V1")]["feasible"] and pairs[("A", "V1")]["reasons"] == []
    assert pairs[("A", "V1")]["score"] == result["assignments"][0]["score"]
    assert pairs[("A", "V1")]["breakdown"] == result["assignments"][0]["breakdown"]
    assert [r.split(":")[0] for r in pairs[("A", "V2")]["reasons"]] == ["Affordability"]
    assert [f["rule"] for f in pairs[("B", "V2")]["failed"]] == [
        "allocation_right",
        "pets",
        "affordability",
    ]
    assert [r.split(":")[0] for r in pairs[("B", "V2")]["reasons"]] == [
        "Allocation right (almenboligloven § 59)",
        "Pets",
        "Affordability",
    ]
    assert "pairs" not in solve_problem(document)


def test_reasons_come_as_data_beside_the_words() -> None:
    """``failed`` and ``detail`` carry the numbers the texts word (nobody parses prose)."""
    document = problem(
        [citizen("A"), citizen("C1", household={"adults": 2, "children": 4})],
        [vacancy("V1"), vacancy("V2", rent_dkk=9000)],
    )
    result = solve_problem({**document, "language": "en"}, explain=True, exclude={("A", "V1")})
    pairs = {(p["citizen"], p["vacancy"]): p for p in result["pairs"]}
    failed = pairs[("A", "V2")]["failed"]
    assert [f["rule"] for f in failed] == ["affordability"]
    numbers = failed[0]["values"]
    assert f"{numbers['left_dkk']:,} kr. left" in pairs[("A", "V2")]["reasons"][0]
    assert numbers["gross_rent_dkk"] == 9000 and numbers["max_rent_share"] == 0.5
    assert pairs[("A", "V1")]["failed"] == [{"rule": "excluded", "values": {}}]
    crowded = pairs[("C1", "V1")]["failed"][0]
    assert crowded["rule"] == "household_fits"
    assert crowded["values"]["persons"] == 6 and crowded["values"]["max_persons_per_room"] == 2
    assert pairs[("C1", "V1")]["reasons"][0].startswith(
        "The household does not fit the home: 6 persons in 2 rooms"
    )
    assert all(p["failed"] == [] for p in result["pairs"] if p["feasible"])

    by_citizen = {u["citizen"]: u for u in result["unmatched"]}
    size = by_citizen["C1"]["detail"]
    assert size == {
        "rule": "household_fits",
        "values": {
            "homes_left": 2,
            "persons": 6,
            "max_persons_per_room": 2,
            "max_spare_rooms": 1,
            "min_m2_per_person": 10.0,
        },
    }
    declined = by_citizen["A"]["detail"]
    assert by_citizen["A"]["reason"] == "declined"
    assert declined == {"rule": "excluded", "values": {"feasible_before_exclusions": 1}}


def test_outranked_detail_names_the_homes_holders_and_points() -> None:
    document = problem([citizen("A", situation=1), citizen("C1", situation=6)], [vacancy("V1")])
    result = solve_problem(document)
    a_score = result["assignments"][0]["score"]
    c_score = next(c for c in result["offers"][0]["candidates"] if c["citizen"] == "C1")["score"]
    detail = result["unmatched"][0]["detail"]
    assert detail["rule"] is None
    assert detail["values"] == {
        "feasible_vacancies": 1,
        "homes": [{"vacancy": "V1", "score": c_score, "holder": "A", "holder_score": a_score}],
        "vacancy": "V1",
        "loss": a_score - c_score,
    }


def test_every_candidate_carries_its_breakdown() -> None:
    """The parts the ``why`` text words, as data; they sum to the candidate's score."""
    document = problem(
        [citizen("A", situation=1), citizen("C1", situation=6, deadline="2026-12-01")],
        [vacancy("V1")],
    )
    result = solve_problem(document)
    candidates = result["offers"][0]["candidates"]
    assert len(candidates) == 2
    for candidate in candidates:
        parts = candidate["breakdown"]
        assert sum(parts.values()) == candidate["score"]
        assert f"situation {parts['situation']:,}" in candidate["why"]
    assert candidates[0]["breakdown"] == result["assignments"][0]["breakdown"]
