"""Affordability verdicts: hand-derived numbers, reasons, reductions, vectorised = scalar."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.affordability import (
    CHUNK_PAIRS,
    AffordabilityPolicy,
    Home,
    Household,
    VerdictArrays,
    assess,
    assess_many,
)
from matcher.errors import InputError
from matcher.rates import UnknownYearError

AS_OF = date(2026, 3, 1)
SINGLE = Household(adults=1, children=0, monthly_income_dkk=12_000)


def test_domain_example_as_a_verdict() -> None:
    # DOMAIN.md's check (income 12,000, rent 6,000, 60 m², heating separate): benefit 926.
    # With utilities 700: net = 6,000 + 700 − 926 = 5,774; left = 12,000 − 5,774 = 6,226;
    # required 3,500; rent 6,000 is exactly half of 12,000 (max 6,000): both rules met.
    verdict = assess(
        SINGLE, Home(rent_dkk=6_000, utilities_dkk=700, size_m2=60), year=2026, as_of=AS_OF
    )
    assert verdict.housing_benefit_dkk == 926
    assert verdict.gross_rent_dkk == 6_000
    assert verdict.net_housing_cost_dkk == 5_774
    assert verdict.left_dkk == 6_226
    assert verdict.required_left_dkk == 3_500
    assert verdict.max_gross_rent_dkk == 6_000
    assert verdict.affordable
    assert (
        verdict.summary == "6,226 kr. left after rent; this municipality requires 3,500: affordable"
    )
    assert verdict.affordable_after_reduction is None and verdict.unaffordable_from is None
    assert len(verdict.reasons) == 2
    assert (
        "at most 50 % of the gross household income of 12,000 kr. (6,000 kr.): met"
        in verdict.reasons[0]
    )
    assert "6,226 kr. left" in verdict.reasons[1] and "boligsikring 926" in verdict.reasons[1]


def test_rent_one_krone_above_half_the_income_fails_the_rent_share_rule() -> None:
    # Rent 6,001 > 6,000. Benefit: B = 72,012 + 2,100 = 74,112; 0.15·B = 11,116.80
    # → 926.4 → 926. Left = 12,000 − (6,001 + 700 − 926) = 6,225 ≥ 3,500, but the rent
    # share fails, so the home is not affordable.
    verdict = assess(
        SINGLE, Home(rent_dkk=6_001, utilities_dkk=700, size_m2=60), year=2026, as_of=AS_OF
    )
    assert (verdict.housing_benefit_dkk, verdict.left_dkk) == (926, 6_225)
    assert not verdict.affordable
    assert verdict.reasons[0].endswith("not met.")
    assert verdict.reasons[1].endswith(": met.")
    assert verdict.summary.endswith(": not affordable")
    # issue 12 item 11: "rent is above half of income" said as such
    assert "above half of income (6,000 kr.)" in verdict.summary


def test_family_left_after_rent_below_the_requirement() -> None:
    # Couple + 2 children on 30,000, rent 7,000, utilities 1,200, 95 m²: benefit 2,199
    # (hand case in test_housing_benefit). Net = 7,000 + 1,200 − 2,199 = 6,001;
    # left = 23,999 ≥ 2·3,500 + 2·2,000 = 11,000: affordable. A municipality requiring
    # 9,000 per adult (18,000 + 4,000 = 22,000) still passes; 10,000 (24,000) fails.
    family = Household(adults=2, children=2, monthly_income_dkk=30_000)
    home = Home(rent_dkk=7_000, utilities_dkk=1_200, size_m2=95)
    verdict = assess(family, home, year=2026, as_of=AS_OF)
    assert (verdict.housing_benefit_dkk, verdict.net_housing_cost_dkk) == (2_199, 6_001)
    assert (verdict.left_dkk, verdict.required_left_dkk, verdict.affordable) == (
        23_999,
        11_000,
        True,
    )
    assert "2 adults × 3,500 + 2 children × 2,000" in verdict.reasons[1]
    strict = assess(
        family,
        home,
        year=2026,
        as_of=AS_OF,
        policy=AffordabilityPolicy(min_left_per_adult_dkk=10_000),
    )
    assert (strict.required_left_dkk, strict.affordable) == (24_000, False)
    assert strict.reasons[1].endswith("not met.")
    assert (
        strict.summary
        == "23,999 kr. left after rent; this municipality requires 24,000: not affordable"
    )


def test_rent_share_policy_override() -> None:
    # Max share 0.29 of 12,000 = 3,480 exactly (kept exact: 0.29·12,000 in floats is
    # 3,479.999...). Rent 3,480 passes, 3,481 fails.
    policy = AffordabilityPolicy(max_rent_share=0.29)
    ok = assess(
        SINGLE,
        Home(rent_dkk=3_480, utilities_dkk=0, size_m2=40),
        year=2026,
        as_of=AS_OF,
        policy=policy,
    )
    too_much = assess(
        SINGLE,
        Home(rent_dkk=3_481, utilities_dkk=0, size_m2=40),
        year=2026,
        as_of=AS_OF,
        policy=policy,
    )
    assert ok.max_gross_rent_dkk == 3_480 and ok.affordable
    assert not too_much.affordable and "29 %" in too_much.reasons[0]


REDUCED = Home(
    rent_dkk=6_500,
    utilities_dkk=700,
    size_m2=60,
    rent_reduction_dkk=2_000,
    rent_reduction_until=date(2027, 6, 30),
)
ON_FORHOEJET = Household(adults=1, children=0, monthly_income_dkk=12_064)


def test_temporary_reduction_affordable_now_not_after() -> None:
    # Now: gross 4,500; B = 54,000 + 2,100 = 56,100; 0.15·B = 8,415 → 701.25 → 701;
    # net = 4,500 + 700 − 701 = 4,499; left = 12,064 − 4,499 = 7,565; max 6,032: affordable.
    # After 30 Jun 2027: gross 6,500 > 6,032: not affordable from 1 Jul 2027.
    verdict = assess(ON_FORHOEJET, REDUCED, year=2026, as_of=AS_OF)
    assert (verdict.gross_rent_dkk, verdict.housing_benefit_dkk, verdict.left_dkk) == (
        4_500,
        701,
        7_565,
    )
    assert verdict.affordable
    assert verdict.affordable_after_reduction is False
    assert verdict.unaffordable_from == date(2027, 7, 1)
    assert "not affordable from 2027-07-01" in verdict.reasons[2]
    assert "rent 6,500 kr. above 6,032" in verdict.reasons[2]
    assert verdict.summary.endswith("not affordable from 2027-07-01 when the rent reduction ends")


def test_temporary_reduction_still_affordable_after() -> None:
    # Income 14,000 (max 7,000): after, gross 6,500; B = 80,100 → 0.15·B = 12,015 → 1,001;
    # left = 14,000 − (6,500 + 700 − 1,001) = 7,801: still affordable.
    richer = replace(ON_FORHOEJET, monthly_income_dkk=14_000)
    verdict = assess(richer, REDUCED, year=2026, as_of=AS_OF)
    assert verdict.affordable and verdict.affordable_after_reduction is True
    assert verdict.unaffordable_from is None
    assert "7,801 kr. left: still affordable" in verdict.reasons[2]


def test_reduction_that_already_ended_does_not_count() -> None:
    verdict = assess(ON_FORHOEJET, REDUCED, year=2026, as_of=date(2027, 7, 1))
    assert verdict.gross_rent_dkk == 6_500 and not verdict.affordable
    assert verdict.affordable_after_reduction is None
    assert "ended on 2027-06-30" in verdict.reasons[2]


def test_last_day_of_the_reduction_still_counts() -> None:
    verdict = assess(ON_FORHOEJET, REDUCED, year=2026, as_of=date(2027, 6, 30))
    assert verdict.gross_rent_dkk == 4_500 and verdict.affordable


def test_permanent_reduction_counts_without_an_end() -> None:
    # § 98 e: rent brought to 3,500 for good.
    home = Home(rent_dkk=5_200, utilities_dkk=600, size_m2=50, rent_reduction_dkk=1_700)
    verdict = assess(ON_FORHOEJET, home, year=2026, as_of=AS_OF)
    assert verdict.gross_rent_dkk == 3_500
    assert verdict.housing_benefit_dkk == 547  # hand case "single on forhøjet sats"
    assert verdict.affordable_after_reduction is None and verdict.unaffordable_from is None
    assert "permanent" in verdict.reasons[2]


def test_pensioner_gets_boligydelse_and_the_caps_setting_is_the_municipalitys() -> None:
    pensioner = Household(adults=1, children=0, monthly_income_dkk=15_527, pensioner=True)
    home = Home(rent_dkk=12_000, utilities_dkk=0, size_m2=60)
    capped = assess(pensioner, home, year=2026, as_of=AS_OF)
    uncapped = assess(
        pensioner,
        home,
        year=2026,
        as_of=AS_OF,
        policy=AffordabilityPolicy(boligydelse_caps_apply=False),
    )
    assert (capped.housing_benefit_dkk, uncapped.housing_benefit_dkk) == (4_969, 9_687)
    assert "boligydelse 4,969" in capped.reasons[1]


# --- Vectorised path = scalar path --------------------------------------------------------

HOUSEHOLD = st.builds(
    Household,
    adults=st.integers(1, 3),
    children=st.integers(0, 6),
    monthly_income_dkk=st.floats(0, 60_000, allow_nan=False),
    wealth_dkk=st.one_of(st.just(0.0), st.floats(0, 3e6, allow_nan=False)),
    pensioner=st.booleans(),
    receives_foertidspension=st.booleans(),
)


@st.composite
def homes(draw: st.DrawFn) -> Home:
    rent = draw(st.floats(0, 15_000, allow_nan=False))
    reduction = draw(
        st.one_of(st.just(0.0), st.floats(0, 1, allow_nan=False).map(lambda f: f * rent))
    )
    return Home(
        rent_dkk=rent,
        utilities_dkk=draw(st.floats(0, 3_000, allow_nan=False)),
        size_m2=draw(st.floats(5, 250, allow_nan=False)),
        rent_reduction_dkk=reduction,
        rent_reduction_until=draw(
            st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2030, 1, 1)))
        ),
        heating=draw(st.sampled_from(["separate", "included"])),
        electricity_included=draw(st.booleans()),
    )


POLICY = st.builds(
    AffordabilityPolicy,
    max_rent_share=st.sampled_from([0.5, 0.4, 0.33, 0.29, 1.0]),
    min_left_per_adult_dkk=st.integers(0, 8_000),
    min_left_per_child_dkk=st.integers(0, 4_000),
    boligydelse_caps_apply=st.booleans(),
)


def _arrays(
    pairs: list[tuple[Household, Home, AffordabilityPolicy]], reductions: list[float]
) -> VerdictArrays:
    def col(values: list[Any]) -> Any:
        return np.array(values)

    return assess_many(
        monthly_income_dkk=col([h.monthly_income_dkk for h, _, _ in pairs]),
        adults=col([h.adults for h, _, _ in pairs]),
        children=col([h.children for h, _, _ in pairs]),
        wealth_dkk=col([h.wealth_dkk for h, _, _ in pairs]),
        pensioner=col([h.pensioner for h, _, _ in pairs]),
        receives_foertidspension=col([h.receives_foertidspension for h, _, _ in pairs]),
        rent_dkk=col([u.rent_dkk for _, u, _ in pairs]),
        utilities_dkk=col([u.utilities_dkk for _, u, _ in pairs]),
        size_m2=col([u.size_m2 for _, u, _ in pairs]),
        rent_reduction_dkk=col(reductions),
        heating_included=col([u.heating == "included" for _, u, _ in pairs]),
        electricity_included=col([u.electricity_included for _, u, _ in pairs]),
        max_rent_share=col([p.max_rent_share for _, _, p in pairs]),
        min_left_per_adult_dkk=col([p.min_left_per_adult_dkk for _, _, p in pairs]),
        min_left_per_child_dkk=col([p.min_left_per_child_dkk for _, _, p in pairs]),
        boligydelse_caps_apply=col([p.boligydelse_caps_apply for _, _, p in pairs]),
        year=2026,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(HOUSEHOLD, homes(), POLICY), min_size=1, max_size=60))
def test_vectorised_equals_scalar(pairs: list[tuple[Household, Home, AffordabilityPolicy]]) -> None:
    verdicts = [assess(h, u, year=2026, as_of=AS_OF, policy=p) for h, u, p in pairs]
    active = [
        0.0
        if u.rent_reduction_until is not None and u.rent_reduction_until < AS_OF
        else u.rent_reduction_dkk
        for _, u, _ in pairs
    ]
    now = _arrays(pairs, active)
    assert now.housing_benefit_dkk.tolist() == [v.housing_benefit_dkk for v in verdicts]
    assert now.gross_rent_dkk.tolist() == [v.gross_rent_dkk for v in verdicts]
    assert now.net_housing_cost_dkk.tolist() == [v.net_housing_cost_dkk for v in verdicts]
    assert now.left_dkk.tolist() == [v.left_dkk for v in verdicts]
    assert now.required_left_dkk.tolist() == [v.required_left_dkk for v in verdicts]
    assert now.max_gross_rent_dkk.tolist() == [v.max_gross_rent_dkk for v in verdicts]
    assert now.affordable.tolist() == [v.affordable for v in verdicts]
    assert (now.affordable == (now.rent_share_ok & now.left_ok)).all()
    # The matcher's second call, without the reduction, gives "affordable after".
    after = _arrays(pairs, [0.0] * len(pairs))
    for i, verdict in enumerate(verdicts):
        if verdict.affordable_after_reduction is not None:
            assert bool(after.affordable[i]) == verdict.affordable_after_reduction
            assert (verdict.unaffordable_from is not None) == (
                verdict.affordable and not verdict.affordable_after_reduction
            )


def test_vectorised_broadcasts_scalars_against_arrays() -> None:
    # One household against three homes.
    result = assess_many(
        monthly_income_dkk=12_000.0,
        adults=1,
        children=0,
        wealth_dkk=0.0,
        pensioner=False,
        receives_foertidspension=False,
        rent_dkk=np.array([6_000.0, 6_001.0, 3_500.0]),
        utilities_dkk=700.0,
        size_m2=np.array([60.0, 60.0, 50.0]),
        rent_reduction_dkk=0.0,
        heating_included=False,
        max_rent_share=0.5,
        min_left_per_adult_dkk=3_500,
        min_left_per_child_dkk=2_000,
        year=2026,
    )
    # 3,500 in 50 m²: B = 42,000 + 1,750 = 43,750; 0.15·B = 6,562.50 → 546.875 → 547.
    assert result.housing_benefit_dkk.tolist() == [926, 926, 547]
    assert result.left_dkk.tolist() == [6_226, 6_225, 12_000 - (3_500 + 700 - 547)]
    assert result.rent_share_ok.tolist() == [True, False, True]
    assert result.affordable.tolist() == [True, False, True]


def _piece(arrays: dict[str, Any], part: slice) -> dict[str, Any]:
    return {k: v[part] if isinstance(v, np.ndarray) else v for k, v in arrays.items()}


def test_chunked_evaluation_equals_evaluation_in_one_piece() -> None:
    # More pairs than CHUNK_PAIRS go through the chunked loop; slices below it do not.
    rng = np.random.default_rng(7)
    n = CHUNK_PAIRS + 4_321
    rent = rng.uniform(0, 12_000, n)
    arrays: dict[str, Any] = dict(
        monthly_income_dkk=rng.uniform(0, 40_000, n),
        adults=rng.integers(1, 3, n),
        children=rng.integers(0, 5, n),
        wealth_dkk=0.0,
        pensioner=rng.random(n) < 0.3,
        receives_foertidspension=rng.random(n) < 0.2,
        rent_dkk=rent,
        utilities_dkk=rng.uniform(0, 2_000, n),
        size_m2=rng.uniform(20, 150, n),
        rent_reduction_dkk=rent * (rng.random(n) < 0.1),
        heating_included=rng.random(n) < 0.5,
        max_rent_share=0.5,
        min_left_per_adult_dkk=3_500,
        min_left_per_child_dkk=2_000,
        year=2026,
    )
    whole = assess_many(**arrays)
    cut = CHUNK_PAIRS // 2
    head = assess_many(**_piece(arrays, slice(None, cut)))
    tail = assess_many(**_piece(arrays, slice(cut, None)))
    assert n > CHUNK_PAIRS >= max(cut, n - cut)  # the pieces go through the one-piece path
    for name in VerdictArrays.__dataclass_fields__:
        joined = np.concatenate([getattr(head, name), getattr(tail, name)])
        assert np.array_equal(getattr(whole, name), joined), name


# --- Bad input ----------------------------------------------------------------------------


NOT_A_DATE: Any = "2027-01-01"
NOT_A_MODE: Any = "gas"
NOT_A_COUNT: Any = 1.5


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Household(adults=0, children=0, monthly_income_dkk=1.0), "adults"),
        (lambda: Household(adults=1, children=-1, monthly_income_dkk=1.0), "children"),
        (lambda: Household(adults=1, children=0, monthly_income_dkk=-1.0), "monthly_income_dkk"),
        (
            lambda: Household(adults=1, children=0, monthly_income_dkk=1.0, wealth_dkk=-1.0),
            "wealth_dkk",
        ),
        (lambda: Home(rent_dkk=-1, utilities_dkk=0, size_m2=50), "rent_dkk"),
        (lambda: Home(rent_dkk=1, utilities_dkk=-1, size_m2=50), "utilities_dkk"),
        (lambda: Home(rent_dkk=1, utilities_dkk=0, size_m2=-50), "size_m2"),
        (lambda: Home(rent_dkk=1, utilities_dkk=0, size_m2=0), "size_m2"),
        (
            lambda: Home(rent_dkk=100, utilities_dkk=0, size_m2=50, rent_reduction_dkk=101),
            "rent_reduction_dkk",
        ),
        (
            lambda: Home(rent_dkk=100, utilities_dkk=0, size_m2=50, rent_reduction_dkk=-1),
            "rent_reduction_dkk",
        ),
        (
            lambda: Home(
                rent_dkk=100, utilities_dkk=0, size_m2=50, rent_reduction_until=NOT_A_DATE
            ),
            "rent_reduction_until",
        ),
        (lambda: Home(rent_dkk=100, utilities_dkk=0, size_m2=50, heating=NOT_A_MODE), "heating"),
        (lambda: AffordabilityPolicy(max_rent_share=0), "max_rent_share"),
        (lambda: AffordabilityPolicy(max_rent_share=1.5), "max_rent_share"),
        (lambda: AffordabilityPolicy(min_left_per_adult_dkk=-1), "min_left_per_adult_dkk"),
        (lambda: AffordabilityPolicy(min_left_per_child_dkk=NOT_A_COUNT), "min_left_per_child_dkk"),
        (
            lambda: assess(
                SINGLE, Home(rent_dkk=1, utilities_dkk=0, size_m2=5), year=2025, as_of=AS_OF
            ),
            "year",
        ),
        (
            lambda: assess(
                SINGLE, Home(rent_dkk=1, utilities_dkk=0, size_m2=5), year=2026, as_of=NOT_A_DATE
            ),
            "as_of",
        ),
    ],
)
def test_bad_input_names_the_field(make: Any, field: str) -> None:
    with pytest.raises(InputError) as caught:
        make()
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_unknown_year_is_an_unknown_year_error() -> None:
    with pytest.raises(UnknownYearError, match="2031"):
        assess(SINGLE, Home(rent_dkk=1, utilities_dkk=0, size_m2=5), year=2031, as_of=AS_OF)


GOOD_ARRAYS: dict[str, Any] = dict(
    monthly_income_dkk=np.array([12_000.0, 13_000.0]),
    adults=np.array([1, 2]),
    children=np.array([0, 1]),
    wealth_dkk=0.0,
    pensioner=np.array([False, True]),
    receives_foertidspension=False,
    rent_dkk=np.array([5_000.0, 6_000.0]),
    utilities_dkk=500.0,
    size_m2=np.array([50.0, 70.0]),
    rent_reduction_dkk=0.0,
    heating_included=False,
    max_rent_share=0.5,
    min_left_per_adult_dkk=3_500,
    min_left_per_child_dkk=2_000,
    year=2026,
)


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"rent_dkk": np.array([5_000.0, -6_000.0])}, "rent_dkk[1]"),
        ({"size_m2": np.array([-1.0, 70.0])}, "size_m2[0]"),
        ({"adults": np.array([1, 0])}, "adults[1]"),
        ({"children": np.array([-1, 0])}, "children[0]"),
        ({"utilities_dkk": np.array([1.0, np.inf])}, "utilities_dkk[1]"),
        ({"monthly_income_dkk": -1.0}, "monthly_income_dkk"),
        ({"rent_reduction_dkk": np.array([0.0, 6_000.5])}, "rent_reduction_dkk[1]"),
        ({"max_rent_share": 0.0}, "max_rent_share"),
        ({"min_left_per_adult_dkk": np.array([3_500, -1])}, "min_left_per_adult_dkk[1]"),
        ({"pensioner": np.array(["no", "yes"])}, "pensioner"),
        ({"rent_dkk": np.ones(3)}, "arrays"),
        ({"year": 2025}, "year"),
    ],
)
def test_vectorised_bad_input_names_the_field_and_index(change: dict[str, Any], label: str) -> None:
    with pytest.raises(InputError) as caught:
        assess_many(**{**GOOD_ARRAYS, **change})
    assert caught.value.field == label
