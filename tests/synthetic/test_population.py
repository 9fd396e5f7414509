"""The seeded generator: deterministic, realistic, and valid input for the matcher."""

from __future__ import annotations

import json
from collections import Counter

from kernel.reference import municipality_counts
from matcher.rates import benefit_rates_for
from synthetic.population import BENEFIT_RATE_YEAR, generate, generate_problem


def test_same_seed_same_world_byte_for_byte() -> None:
    a = generate_problem(seed=5, n_citizens=120, n_vacancies=30)
    b = generate_problem(seed=5, n_citizens=120, n_vacancies=30)
    c = generate_problem(seed=6, n_citizens=120, n_vacancies=30)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert json.dumps(a, sort_keys=True) != json.dumps(c, sort_keys=True)


def test_demo_municipality_has_the_promised_shape() -> None:
    world = generate()
    assert len(world.units) == 400 and len(world.vacancies) == 40 and len(world.citizens) == 100
    assert {d.municipality_code for d in world.districts} == {"461"}
    assert len({d.association for d in world.departments}) == 5
    assert {u.kind for u in world.units} == {"family", "youth", "elderly", "skaev", "transitional"}
    reduced = [u for u in world.units if u.rent_reduction_dkk > 0]
    assert any(u.rent_reduction_until is None for u in reduced)  # § 98 e, permanent
    assert any(u.rent_reduction_until is not None for u in reduced)  # § 98 f, temporary
    for u in reduced:
        assert u.allocation == "municipal"  # reform money comes with full allocation right
    # Every unit lies inside its named district.
    from shapely.geometry import Point

    shapes = {d.name: d.polygon for d in world.districts}
    assert all(shapes[u.area].covers(Point(u.lon, u.lat)) for u in world.units)


def test_rents_follow_the_published_level() -> None:
    world = generate(seed=1, n_citizens=0, n_vacancies=100, n_units=3000)
    ordinary = [u for u in world.units if u.rent_reduction_dkk == 0 and u.kind == "family"]
    per_m2_year = sum(12 * u.rent_dkk / u.size_m2 for u in ordinary) / len(ordinary)
    assert 700 < per_m2_year < 900  # Syddanmark below the national 899 kr./m²/year (LBF)


def test_citizens_follow_vives_national_shares() -> None:
    world = generate(seed=2, n_citizens=4000, n_vacancies=10)
    situations = Counter(c.situation for c in world.citizens)
    assert abs(situations[3] / 4000 - 0.45) < 0.03  # shelter
    assert abs(situations[5] / 4000 - 0.24) < 0.03  # staying with others
    ages = Counter(world.as_of.year - c.birth_year < 30 for c in world.citizens)
    assert abs(ages[True] / 4000 - 0.27) < 0.03
    assert all(len(c.cpr) == 10 and c.cpr.isdigit() for c in world.citizens)


def test_national_mode_spreads_by_vive_count() -> None:
    problem = generate_problem(seed=3, n_citizens=5989, n_vacancies=600, national=True)
    per = Counter(c["municipality_code"] for c in problem["citizens"])
    counts = {m.code: m.homeless_2024 for m in municipality_counts()}
    assert len(problem["citizens"]) == 5989 and len(problem["vacancies"]) == 600
    assert per == {code: n for code, n in counts.items() if n > 0}  # exactly proportional


def test_incomes_are_the_matchers_benefit_rates() -> None:
    """The generator reads matcher/rates.py: every benefit income is a rate (or a sum)."""
    rates = benefit_rates_for(BENEFIT_RATE_YEAR)
    single = {
        "kontanthjaelp": {
            rates.kontanthjaelp_forhoejet_dkk,
            rates.kontanthjaelp_grundsats_dkk,
            rates.kontanthjaelp_forhoejet_dkk + rates.single_non_provider_supplement_dkk,
        },
        "foertidspension": {rates.foertidspension_single_dkk},
        "folkepension": {rates.folkepension_single_dkk},
    }
    seen: Counter[str] = Counter()
    for c in generate_problem(seed=9, n_citizens=400, n_vacancies=10)["citizens"]:
        for item in c["income"]:
            if item["kind"] in single:
                assert item["monthly_dkk"] in single[item["kind"]], item
                seen[item["kind"]] += 1
    assert set(seen) == set(single)
