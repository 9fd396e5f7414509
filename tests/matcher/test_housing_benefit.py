"""Housing benefit: DOMAIN.md's worked examples, hand-derived cases, properties, errors, CLI.

Every expected number below is computed by hand from the law's formula with the 2026 rates
of DOMAIN.md section 5; the comment above each case shows the arithmetic. Notation: B the
yearly housing expense, I the yearly income, "/12 → x" the monthly amount rounded half up.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from matcher.errors import InputError
from matcher.housing_benefit import HousingBenefitInput, estimate, estimate_many
from matcher.rates import UnknownYearError


def _both_paths(**kwargs: Any) -> int:
    """The monthly benefit from the scalar path, asserting the NumPy path agrees."""
    scalar = estimate(HousingBenefitInput(**kwargs)).monthly_benefit_dkk
    heating = kwargs.pop("heating", "separate")
    vector = estimate_many(**kwargs, heating_included=heating == "included")
    assert int(vector) == scalar
    return scalar


# --- DOMAIN.md section 5: "Check" --------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "rent", "expected"),
    [(12_000, 6_000, 926), (25_000, 4_000, 560), (32_000, 6_000, 500)],
)
def test_domain_worked_examples(income: int, rent: int, expected: int) -> None:
    # Single, no children, 60 m², heating paid separately.
    assert _both_paths(income_dkk=income, rent_dkk=rent, area_m2=60) == expected


def test_domain_example_net_rent_and_kind() -> None:
    result = estimate(HousingBenefitInput(income_dkk=12_000, rent_dkk=6_000, area_m2=60))
    assert result.kind == "boligsikring"
    assert result.net_rent_dkk == 6_000 - 926
    assert result.yearly_benefit_dkk == 12 * 926
    assert result.housing_expense_dkk == 74_100.0
    assert any("15 %" in step and "11,115" in step for step in result.steps)


# --- Cases derived by hand from the formula ----------------------------------------------

# fmt: off
HAND_CASES: list[tuple[str, dict[str, Any], int]] = [
    # B = 12·3,500 + 35·50 = 43,750; I = 144,768 < 170,300 → 0.6·B = 26,250;
    # B − 28,700 = 15,050; no children: 0.15·B = 6,562.50 → /12 = 546.875 → 547.
    ("single on forhøjet sats", dict(income_dkk=12_064, rent_dkk=3_500, area_m2=50), 547),
    # Heating and hot water in the rent: B = 72,000 − (91.50 + 29.00)·60 = 64,770;
    # 0.15·B = 9,715.50 → /12 = 809.625 → 810.
    ("single, heating included", dict(income_dkk=12_000, rent_dkk=6_000, area_m2=60,
                                      heating="included"), 810),
    # Electricity too: B = 60,000 − (91.50 + 29.00 + 69.00)·40 = 52,420;
    # 0.15·B = 7,863 → /12 = 655.25 → 655.
    ("single, heating and electricity included",
     dict(income_dkk=12_000, rent_dkk=5_000, area_m2=40, heating="included",
          electricity_included=True), 655),
    # Couple + 2 children, cap 125 m²: B = 84,000 + 35·95 = 87,325; threshold
    # 170,300 + 45,200 (one child beyond the first) = 215,500; I = 360,000 →
    # 0.6·B − 0.18·144,500 = 52,395 − 26,010 = 26,385; B − 28,700 = 58,625;
    # max 50,412 → 26,385 /12 = 2,198.75 → 2,199.
    ("couple with two children", dict(income_dkk=30_000, rent_dkk=7_000, area_m2=95,
                                      adults=2, children=2), 2_199),
    # Single parent + 1 child (cap 85 m², no threshold increase for the first child):
    # B = 66,000 + 35·70 = 68,450; I = 240,000 → 41,070 − 0.18·69,700 = 41,070 − 12,546
    # = 28,524; B − 28,700 = 39,750 → 28,524 /12 = 2,377.
    ("single parent", dict(income_dkk=20_000, rent_dkk=5_500, area_m2=70, children=1), 2_377),
    # Same home, income at the threshold (I = 170,292 ≤ 170,300): 0.6·B = 41,070, but
    # the minimum own payment binds: B − 28,700 = 39,750 → /12 = 3,312.5 → 3,313 (half up).
    ("single parent below the threshold",
     dict(income_dkk=14_191, rent_dkk=5_500, area_m2=70, children=1), 3_313),
    # Monthly amount = 5,977 − 0.18·income for this home (see above):
    # income 31,495 → 307.9 → 308; 12·308 = 3,696 is not below the minimum: paid.
    ("at the minimum payout", dict(income_dkk=31_495, rent_dkk=5_500, area_m2=70,
                                   children=1), 308),
    # income 31,498 → 307.36 → 307; 12·307 = 3,684 < 3,696: nothing is paid.
    ("just below the minimum payout", dict(income_dkk=31_498, rent_dkk=5_500, area_m2=70,
                                           children=1), 0),
    # income 45,000: 41,070 − 0.18·369,700 = 41,070 − 66,546 < 0 → 0.
    ("income far above the threshold", dict(income_dkk=45_000, rent_dkk=5_500, area_m2=70,
                                            children=1), 0),
    # Wealth 1,000,000 between the limits: I = 240,000 + 10 %·(1,000,000 − 896,400)
    # = 250,360 → 41,070 − 0.18·80,060 = 41,070 − 14,410.80 = 26,659.20 → /12 = 2,221.6
    # → 2,222.
    ("wealth between the limits", dict(income_dkk=20_000, rent_dkk=5_500, area_m2=70,
                                       children=1, wealth_dkk=1_000_000), 2_222),
    # Wealth 2,000,000: + 10 %·896,600 + 20 %·207,000 = 89,660 + 41,400 = 131,060;
    # I = 371,060 → 41,070 − 0.18·200,760 = 41,070 − 36,136.80 = 4,933.20 → 411.1 → 411.
    ("wealth above the upper limit", dict(income_dkk=20_000, rent_dkk=5_500, area_m2=70,
                                          children=1, wealth_dkk=2_000_000), 411),
    # Single in 100 m² (cap 65): B = (84,000 + 3,500)·65/100 = 56,875; 0.15·B = 8,531.25
    # → /12 = 710.9375 → 711.
    ("home above the area cap", dict(income_dkk=10_000, rent_dkk=7_000, area_m2=100), 711),
    # Couple + 1 child (cap 105), B = 108,000 + 3,500 = 111,500 → capped at the maximum
    # housing expense raised 5 % for one child (§ 14 stk. 1): 95,500·1.05 = 100,275 →
    # nearest 100: 100,300; I = 180,000: 0.6·100,300 − 0.18·9,700 = 60,180 − 1,746 =
    # 58,434; B − 28,700 = 71,600; max 50,412 binds → /12 = 4,201.
    ("maximum housing expense and maximum benefit",
     dict(income_dkk=15_000, rent_dkk=9_000, area_m2=100, adults=2, children=1), 4_201),
    # 2 adults + 5 children (cap 185): B = 120,000 + 35·150 = 125,250 → capped at the
    # maximum housing expense raised 20 % (4 or more children, § 14 stk. 1):
    # 95,500·1.20 = 114,600; threshold 170,300 + 3·45,200 (children 2-4) = 305,900 >
    # I = 120,000 → 0.6·B = 68,760; B − 28,700 = 85,900; maximum benefit raised 25 %
    # (4 or more children, § 23 stk. 1) = 50,412·1.25 = 63,015 binds → /12 = 5,251.25
    # → 5,251.
    ("five children", dict(income_dkk=10_000, rent_dkk=10_000, area_m2=150, adults=2,
                           children=5), 5_251),
    # Førtidspension lifts the 15 % cap: I = 253,236; B = 74,100;
    # 44,460 − 0.18·82,936 = 44,460 − 14,928.48 = 29,531.52 → 2,460.96 → 2,461.
    ("single on førtidspension", dict(income_dkk=21_103, rent_dkk=6_000, area_m2=60,
                                      receives_foertidspension=True), 2_461),
    # Same without førtidspension: the 15 % cap, 11,115 → 926.25 → 926.
    ("same income without førtidspension", dict(income_dkk=21_103, rent_dkk=6_000,
                                                area_m2=60), 926),
    # Boligydelse, single on folkepension: B = 60,000 + 41.50·55 = 62,282.50;
    # I = 186,324 < 201,400 → 0.75·(B + 8,500) = 53,086.875; own payment
    # max(0.11·I = 20,495.64, 21,300) → B − 21,300 = 40,982.50 → /12 = 3,415.21 → 3,415.
    ("pensioner, single", dict(income_dkk=15_527, rent_dkk=5_000, area_m2=55,
                               pensioner=True), 3_415),
    # Pensioner couple, heating included, 80 m² (cap 85): B = 84,000 − 142.50·80 = 72,600;
    # I = 360,000: 0.75·81,100 − 0.225·158,600 = 60,825 − 35,685 = 25,140;
    # B − max(39,600, 21,300) = 33,000 → 25,140 /12 = 2,095.
    ("pensioner couple, heating included",
     dict(income_dkk=30_000, rent_dkk=7_000, area_m2=80, adults=2, heating="included",
          pensioner=True), 2_095),
    # Pensioner with a high rent: B = 144,000 + 2,490 = 146,490 → capped 113,000;
    # 0.75·121,500 = 91,125; B − 21,300 = 91,700; max 59,628 → /12 = 4,969.
    ("pensioner at the maximum", dict(income_dkk=15_527, rent_dkk=12_000, area_m2=60,
                                      pensioner=True), 4_969),
    # Same with boligydelse's caps switched off: B = 146,490;
    # 0.75·154,990 = 116,242.50; B − 21,300 = 125,190 → /12 = 9,686.875 → 9,687.
    ("pensioner, caps not applied", dict(income_dkk=15_527, rent_dkk=12_000, area_m2=60,
                                         pensioner=True, boligydelse_caps_apply=False), 9_687),
    # Pensioner wealth 1,500,000 (2025 pensioners' limits 1,011,700 / 2,023,700), 90 m²
    # with heating included: B = 60,000 − 142.50·90 = 47,175, × 65/90 = 34,070.83;
    # I = 186,324 + 10 %·488,300 = 235,154: 0.75·42,570.83 − 0.225·33,754
    # = 31,928.125 − 7,594.65 = 24,333.475; B − 0.11·I = 34,070.83 − 25,866.94
    # = 8,203.89 → /12 = 683.66 → 684.
    ("pensioner with wealth in a large home",
     dict(income_dkk=15_527, rent_dkk=5_000, area_m2=90, heating="included", pensioner=True,
          wealth_dkk=1_500_000), 684),
    # Boligydelse minimum payout 4,380 a year (365 a month): single pensioner, 55 m²
    # (B = 62,282.50), monthly = (53,086.875 − 0.225·(12·income − 201,400))/12;
    # income 31,000: 0.225·170,600 = 38,385 → 14,701.875 → 1,225.16 → 1,225.
    ("pensioner with a higher income", dict(income_dkk=31_000, rent_dkk=5_000, area_m2=55,
                                            pensioner=True), 1_225),
    # income 35,000: 0.225·218,600 = 49,185 → 3,901.875 → 325.16 → 325 < 365: nothing.
    ("pensioner below the minimum payout",
     dict(income_dkk=35_000, rent_dkk=5_000, area_m2=55, pensioner=True), 0),
]
# fmt: on


@pytest.mark.parametrize(
    ("kwargs", "expected"), [c[1:] for c in HAND_CASES], ids=[c[0] for c in HAND_CASES]
)
def test_hand_derived_cases(kwargs: dict[str, Any], expected: int) -> None:
    assert _both_paths(**dict(kwargs)) == expected


def test_boligydelse_is_used_for_pensioners() -> None:
    result = estimate(
        HousingBenefitInput(income_dkk=15_527, rent_dkk=5_000, area_m2=55, pensioner=True)
    )
    assert result.kind == "boligydelse"
    assert result.net_rent_dkk == 5_000 - 3_415


# --- The rules of boligstøtteloven added for issue 12 -----------------------------------

# fmt: off
LAW_CASES: list[tuple[str, dict[str, Any], int]] = [
    # § 14 stk. 1: maximum housing expense +5 % per child. Single parent + 1 child (cap
    # 85 m²), rent 9,000, 80 m²: B = 108,000 + 35·80 = 110,800 → max 95,500·1.05 = 100,275
    # → nearest 100 (stk. 2, 2. pkt.) = 100,300. I = 240,000: 0.6·100,300 − 0.18·69,700
    # = 60,180 − 12,546 = 47,634; B − 28,700 = 71,600; max 50,412 → /12 = 3,969.5 → 3,970.
    # (Without the raise: 0.6·95,500 − 12,546 = 44,754 → 3,730.)
    ("§ 14 stk. 1, one child", dict(income_dkk=20_000, rent_dkk=9_000, area_m2=80,
                                    children=1), 3_970),
    # Three children: 95,500·1.15 = 109,825 → 109,800. Couple + 3 children (cap 145), rent
    # 10,000, 120 m²: B = 124,200 → 109,800; threshold 170,300 + 2·45,200 = 260,700;
    # I = 360,000: 0.6·109,800 − 0.18·99,300 = 65,880 − 17,874 = 48,006 → /12 = 4,000.5
    # → 4,001.
    ("§ 14 stk. 1, three children", dict(income_dkk=30_000, rent_dkk=10_000, area_m2=120,
                                         adults=2, children=3), 4_001),
    # § 14 stk. 2 + § 23 stk. 1 + § 22 stk. 3 nr. 2: a severely mobility-impaired single in
    # a suitable home, rent 10,000, 60 m²: B = 120,000 + 2,100 = 122,100 ≤ 95,500·1.5 =
    # 143,250 → 143,300; I = 144,000 below the threshold → 0.6·B = 73,260; B − 28,700 =
    # 93,400; max 50,412·1.5 = 75,618; no 15 % cap → 73,260 /12 = 6,105.
    ("§ 14 stk. 2, mobility-impaired", dict(income_dkk=12_000, rent_dkk=10_000, area_m2=60,
                                           mobility_impaired=True), 6_105),
    # The same without: B capped at 95,500, 15 % cap 14,325 → /12 = 1,193.75 → 1,194.
    ("same, not impaired", dict(income_dkk=12_000, rent_dkk=10_000, area_m2=60), 1_194),
    # § 14 stk. 3: døgnhjælp gives the same raises, and not on top of stk. 2.
    ("§ 14 stk. 3, døgnhjælp", dict(income_dkk=12_000, rent_dkk=10_000, area_m2=60,
                                    doegnhjaelp=True), 6_105),
    ("døgnhjælp and mobility-impaired", dict(income_dkk=12_000, rent_dkk=10_000, area_m2=60,
                                             doegnhjaelp=True, mobility_impaired=True), 6_105),
    # § 22 stk. 3 nr. 1: seniorpension lifts the 15 % cap. DOMAIN.md's first check home:
    # B = 74,100; 0.6·B = 44,460; B − 28,700 = 45,400; max 50,412 → /12 = 3,705.
    ("§ 22 stk. 3, seniorpension", dict(income_dkk=12_000, rent_dkk=6_000, area_m2=60,
                                        receives_seniorpension=True), 3_705),
    # § 23 stk. 1, 2. pkt.: the maximum benefit +25 % from 4 children. Couple + 4 children
    # (cap 165), rent 10,000, 150 m²: B = 125,250 → 95,500·1.20 = 114,600; threshold
    # 305,900 > I → 0.6·114,600 = 68,760; B − 28,700 = 85,900; max 50,412·1.25 = 63,015
    # binds → /12 = 5,251.25 → 5,251.
    ("§ 23 stk. 1, four children", dict(income_dkk=10_000, rent_dkk=10_000, area_m2=150,
                                        adults=2, children=4), 5_251),
    # Both raises add on the base: couple + 4 children + mobility, rent 15,000, 150 m²:
    # B = 185,250 → 95,500·(1 + 0.20 + 0.50) = 162,350 → 162,400; 0.6·B = 97,440;
    # B − 28,700 = 133,700; max 50,412·(1 + 0.25 + 0.50) = 88,221 binds → /12 = 7,351.75
    # → 7,352.
    ("children and mobility together", dict(income_dkk=10_000, rent_dkk=15_000, area_m2=150,
                                            adults=2, children=4, mobility_impaired=True),
     7_352),
    # § 14 stk. 4 nr. 2 and § 23 stk. 2: a pensioner allocated an almen bolig by the
    # municipality: no maxima. B = 144,000 + 41.50·60 = 146,490; 0.75·154,990 =
    # 116,242.50; B − 21,300 = 125,190 → /12 = 9,686.875 → 9,687 (4,969 with the maxima).
    ("§ 14 stk. 4, municipal allocation, pensioner",
     dict(income_dkk=15_527, rent_dkk=12_000, area_m2=60, pensioner=True,
          municipal_allocation=True), 9_687),
    # The rule concerns boligydelse only: boligsikring keeps its maxima (DOMAIN.md: 926).
    ("municipal allocation, boligsikring", dict(income_dkk=12_000, rent_dkk=6_000, area_m2=60,
                                                municipal_allocation=True), 926),
    # Førtidspension granted before 2003 gives boligydelse (§ 21). Rent 6,000, 60 m²:
    # B = 72,000 + 41.50·60 = 74,490; I = 253,236: 0.75·(74,490 + 8,500) − 0.225·51,836
    # = 62,242.50 − 11,663.10 = 50,579.40; B − max(0.11·I = 27,855.96, 21,300) =
    # 46,634.04; max 59,628 → /12 = 3,886.17 → 3,886.
    ("førtidspension before 2003", dict(income_dkk=21_103, rent_dkk=6_000, area_m2=60,
                                        foertidspension_before_2003=True), 3_886),
]
# fmt: on


@pytest.mark.parametrize(
    ("kwargs", "expected"), [c[1:] for c in LAW_CASES], ids=[c[0] for c in LAW_CASES]
)
def test_rules_of_the_law(kwargs: dict[str, Any], expected: int) -> None:
    assert _both_paths(**dict(kwargs)) == expected


def test_rules_are_named_in_the_steps() -> None:
    result = estimate(
        HousingBenefitInput(
            income_dkk=15_527,
            rent_dkk=12_000,
            area_m2=60,
            pensioner=True,
            municipal_allocation=True,
        )
    )
    assert any("§ 14 stk. 4 nr. 2" in step and "§ 23 stk. 2" in step for step in result.steps)
    impaired = estimate(
        HousingBenefitInput(income_dkk=12_000, rent_dkk=10_000, area_m2=60, mobility_impaired=True)
    )
    assert any("143,300" in step and "§ 14 stk. 2" in step for step in impaired.steps)
    assert any("§ 22 stk. 3" in step for step in impaired.steps)
    assert any("75,618" in step and "§ 23 stk. 1" in step for step in impaired.steps)
    assert (
        estimate(
            HousingBenefitInput(
                income_dkk=21_103, rent_dkk=6_000, area_m2=60, foertidspension_before_2003=True
            )
        ).kind
        == "boligydelse"
    )


def test_household_terms_split_keeps_the_new_rules() -> None:
    # The matcher's path: household terms once, gathered per pair, then the homes; the
    # municipal allocation belongs to the home.
    from matcher.housing_benefit import home_benefit_arrays, household_benefit_terms, take_terms

    terms = household_benefit_terms(
        income_ore=np.array([1_552_700, 1_200_000]),
        wealth_ore=np.array([0, 0]),
        adults=np.array([1, 1]),
        children=np.array([0, 0]),
        pensioner=np.array([True, False]),
        receives_foertidspension=np.array([False, False]),
        boligydelse_caps_apply=np.array([True, True]),
        year=2026,
        mobility_impaired=np.array([False, True]),
    )
    pairs = take_terms(terms, np.array([0, 0, 1]))
    monthly = home_benefit_arrays(
        pairs,
        rent_ore=np.array([1_200_000, 1_200_000, 1_000_000]),
        area_centi_m2=np.array([6_000, 6_000, 6_000]),
        heating_included=np.array([False, False, False]),
        electricity_included=np.array([False, False, False]),
        municipal_allocation=np.array([False, True, False]),
    )
    assert monthly.tolist() == [4_969, 9_687, 6_105]


# --- Properties --------------------------------------------------------------------------

CASE = st.fixed_dictionaries(
    {
        "income_dkk": st.floats(0, 80_000, allow_nan=False),
        "rent_dkk": st.floats(0, 20_000, allow_nan=False),
        "area_m2": st.floats(1, 250, allow_nan=False),
        "adults": st.integers(1, 4),
        "children": st.integers(0, 7),
        "wealth_dkk": st.one_of(st.just(0.0), st.floats(0, 3_000_000, allow_nan=False)),
        "heating": st.sampled_from(["separate", "included"]),
        "pensioner": st.booleans(),
        "receives_foertidspension": st.booleans(),
        "electricity_included": st.booleans(),
        "boligydelse_caps_apply": st.booleans(),
        "municipal_allocation": st.booleans(),
        "mobility_impaired": st.booleans(),
        "doegnhjaelp": st.booleans(),
        "receives_seniorpension": st.booleans(),
        "foertidspension_before_2003": st.booleans(),
    }
)


def _columns(cases: list[dict[str, Any]]) -> dict[str, Any]:
    columns = {key: np.array([c[key] for c in cases]) for key in cases[0] if key != "heating"}
    columns["heating_included"] = np.array([c["heating"] == "included" for c in cases])
    return columns


@settings(max_examples=60, deadline=None)
@given(st.lists(CASE, min_size=1, max_size=120))
def test_vectorised_equals_scalar(cases: list[dict[str, Any]]) -> None:
    vector = estimate_many(**_columns(cases), year=2026)
    scalar = [estimate(HousingBenefitInput(**c)).monthly_benefit_dkk for c in cases]
    assert vector.dtype == np.int64
    assert vector.tolist() == scalar


def test_vectorised_equals_scalar_on_many_random_cases() -> None:
    rng = np.random.default_rng(20260101)
    n = 5_000
    columns: dict[str, Any] = {
        "income_dkk": np.where(
            rng.random(n) < 0.5, np.round(rng.uniform(0, 60_000, n)), rng.uniform(0, 60_000, n)
        ),
        "rent_dkk": np.round(rng.uniform(0, 15_000, n), 2),
        "area_m2": np.round(rng.uniform(10, 200, n), 1),
        "adults": rng.integers(1, 3, n),
        "children": rng.integers(0, 6, n),
        "wealth_dkk": np.where(rng.random(n) < 0.8, 0.0, rng.uniform(0, 3e6, n)),
        "heating_included": rng.random(n) < 0.4,
        "pensioner": rng.random(n) < 0.3,
        "receives_foertidspension": rng.random(n) < 0.2,
    }
    vector = estimate_many(**columns, year=2026)
    for i in range(n):
        inp = HousingBenefitInput(
            income_dkk=float(columns["income_dkk"][i]),
            rent_dkk=float(columns["rent_dkk"][i]),
            area_m2=float(columns["area_m2"][i]),
            adults=int(columns["adults"][i]),
            children=int(columns["children"][i]),
            wealth_dkk=float(columns["wealth_dkk"][i]),
            heating="included" if columns["heating_included"][i] else "separate",
            pensioner=bool(columns["pensioner"][i]),
            receives_foertidspension=bool(columns["receives_foertidspension"][i]),
        )
        assert int(vector[i]) == estimate(inp).monthly_benefit_dkk, inp
    assert (vector > 0).mean() > 0.3  # the sample exercises paying cases, not just zeros


def _boligydelse(case: dict[str, Any]) -> bool:
    return bool(case["pensioner"] or case.get("foertidspension_before_2003"))


def _caps_apply(case: dict[str, Any]) -> bool:
    """§ 14 stk. 4 nr. 2 / § 23 stk. 2: no maxima for boligydelse in an allocated almen bolig."""
    lifted = case.get("municipal_allocation") or not case["boligydelse_caps_apply"]
    return not (_boligydelse(case) and lifted)


def _monthly_maximum(case: dict[str, Any]) -> int:
    """The yearly maximum benefit (§ 23 stk. 1) /12, half up, for a case where caps apply."""
    share = 1.0
    if case["children"] >= 4:
        share += 0.25  # 2. pkt.: 4 or more children
    if case.get("mobility_impaired") or case.get("doegnhjaelp"):
        share += 0.50  # 3.-4. pkt.
    yearly = (59_628 if _boligydelse(case) else 50_412) * share
    return int(yearly / 12 + 0.5)


@settings(max_examples=300, deadline=None)
@given(CASE)
def test_benefit_is_never_negative_and_never_above_the_maximum(case: dict[str, Any]) -> None:
    result = estimate(HousingBenefitInput(**case))
    assert result.monthly_benefit_dkk >= 0
    if _caps_apply(case):
        assert result.monthly_benefit_dkk <= _monthly_maximum(case)
    # Net rent is the rent in whole kroner minus the benefit (the rent is taken to the øre
    # first, then to the krone: within half a krone and half an øre).
    rent_back = result.net_rent_dkk + result.monthly_benefit_dkk
    assert abs(rent_back - case["rent_dkk"]) <= 0.505 + 1e-9


@settings(max_examples=300, deadline=None)
@given(CASE, st.floats(0.01, 30_000, allow_nan=False), st.floats(0, 2e6, allow_nan=False))
def test_benefit_never_rises_when_income_or_wealth_rises(
    case: dict[str, Any], more_income: float, more_wealth: float
) -> None:
    base = estimate(HousingBenefitInput(**case)).monthly_benefit_dkk
    richer = dict(case, income_dkk=case["income_dkk"] + more_income)
    wealthier = dict(case, wealth_dkk=case["wealth_dkk"] + more_wealth)
    assert estimate(HousingBenefitInput(**richer)).monthly_benefit_dkk <= base
    assert estimate(HousingBenefitInput(**wealthier)).monthly_benefit_dkk <= base
    # The same through the vectorised path, as one array.
    column = estimate_many(**_columns([case, richer]), year=2026)
    assert column[1] <= column[0]


# --- Bad input ---------------------------------------------------------------------------

GOOD: dict[str, Any] = {"income_dkk": 12_000, "rent_dkk": 6_000, "area_m2": 60}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rent_dkk": -1}, "rent_dkk"),
        ({"income_dkk": -0.5}, "income_dkk"),
        ({"area_m2": -60}, "area_m2"),
        ({"area_m2": 0}, "area_m2"),
        ({"area_m2": 0.001}, "area_m2"),
        ({"wealth_dkk": -10}, "wealth_dkk"),
        ({"adults": 0}, "adults"),
        ({"children": -1}, "children"),
        ({"adults": 1.5}, "adults"),
        ({"heating": "district"}, "heating"),
        ({"rent_dkk": float("nan")}, "rent_dkk"),
        ({"rent_dkk": float("inf")}, "rent_dkk"),
        ({"rent_dkk": "6000"}, "rent_dkk"),
        ({"pensioner": "yes"}, "pensioner"),
        ({"year": 2025}, "year"),
        ({"year": 1999}, "year"),
    ],
)
def test_bad_input_names_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        HousingBenefitInput(**{**GOOD, **change})
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_unknown_year_is_unknown_year_error_listing_the_years() -> None:
    with pytest.raises(
        UnknownYearError, match="no housing-benefit rates for 2025; years available: 2026"
    ):
        HousingBenefitInput(**GOOD, year=2025)


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"rent_dkk": np.array([6_000.0, 5_000.0, -1.0])}, "rent_dkk[2]"),
        ({"area_m2": np.array([60.0, 0.0])}, "area_m2[1]"),
        ({"adults": np.array([1, 0, 0])}, "adults[1]"),
        ({"children": np.array([-2, 0])}, "children[0]"),
        ({"wealth_dkk": np.array([0.0, np.nan])}, "wealth_dkk[1]"),
        ({"income_dkk": -5.0}, "income_dkk"),
        ({"adults": np.array([1.0, 2.0])}, "adults"),
        ({"pensioner": np.array([0, 1])}, "pensioner"),
        ({"year": 2030}, "year"),
        ({"rent_dkk": np.ones(3), "income_dkk": np.ones(2)}, "arrays"),
    ],
)
def test_vectorised_bad_input_names_the_field_and_first_bad_index(
    change: dict[str, Any], label: str
) -> None:
    with pytest.raises(InputError) as caught:
        estimate_many(**{**GOOD, **change})
    assert caught.value.field == label


# --- Command line ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The real CLI app when every command module exists, else one with this command only."""
    from boligmatch import cli

    try:
        if not cli.app.registered_commands:
            cli._register()
        return cli.app
    except ImportError:  # another command module is not written yet
        from boligmatch.commands import housing_benefit

        alone = typer.Typer()
        alone.callback()(lambda: None)
        alone.command("housing-benefit")(housing_benefit.command)
        return alone


def test_cli_json_reproduces_the_domain_example(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app,
        [
            "housing-benefit",
            "--income-dkk",
            "12000",
            "--rent-dkk",
            "6000",
            "--area-m2",
            "60",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["monthly_benefit_dkk"] == 926
    assert isinstance(document["monthly_benefit_dkk"], int)
    assert document["net_rent_dkk"] == 5_074
    assert document["kind"] == "boligsikring"
    assert document["yearly_benefit_dkk"] == 11_112
    assert document["steps"] and document["year"] == 2026


def test_cli_every_option(app: typer.Typer) -> None:
    # The pensioner-with-wealth hand case above, through every option of CONTRACT.md.
    result = CliRunner().invoke(
        app,
        [
            "housing-benefit",
            "--income-dkk",
            "15527",
            "--rent-dkk",
            "5000",
            "--area-m2",
            "90",
            "--adults",
            "1",
            "--children",
            "0",
            "--wealth-dkk",
            "1500000",
            "--heating",
            "included",
            "--pensioner",
            "--year",
            "2026",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["kind"], document["monthly_benefit_dkk"]) == ("boligydelse", 684)
    assert document["net_rent_dkk"] == 5_000 - 684


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        # The law cases above, through the flags of CONTRACT.md section 3.
        (
            [
                "--income-dkk",
                "15527",
                "--rent-dkk",
                "12000",
                "--pensioner",
                "--municipal-allocation",
            ],
            9_687,
        ),
        (["--income-dkk", "12000", "--rent-dkk", "10000", "--mobility-impaired"], 6_105),
        (["--income-dkk", "12000", "--rent-dkk", "10000", "--doegnhjaelp"], 6_105),
        (["--income-dkk", "12000", "--rent-dkk", "6000", "--seniorpension"], 3_705),
        (["--income-dkk", "21103", "--rent-dkk", "6000", "--foertidspension"], 2_461),
    ],
)
def test_cli_flags_of_the_law(app: typer.Typer, flags: list[str], expected: int) -> None:
    result = CliRunner().invoke(app, ["housing-benefit", *flags, "--area-m2", "60", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["monthly_benefit_dkk"] == expected
    rent = float(flags[flags.index("--rent-dkk") + 1])
    assert document["net_rent_dkk"] == rent - expected


def test_cli_help_names_the_year_and_the_sources(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["housing-benefit", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Rates in force: 2026" in text
    assert "VEJ nr. 9336" in text and "LBK nr. 995" in text
    for flag in (
        "--municipal-allocation",
        "--mobility-impaired",
        "--seniorpension",
        "--foertidspension",
    ):
        assert flag in text


def test_cli_without_json_explains(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["housing-benefit", "--income-dkk", "12000", "--rent-dkk", "6000", "--area-m2", "60"]
    )
    assert result.exit_code == 0
    assert "926 kr./md." in result.stdout  # Danish by default (BOLIGMATCH_LANG)
    assert "Ingen børn: højst 15 % af B = 11.115 (§ 22 stk. 3)." in result.stdout


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"heating": "included", "electricity_included": True, "children": 3, "adults": 2},
        {"wealth_dkk": 900_000, "area_m2": 140},
        {"pensioner": True, "receives_foertidspension": True, "mobility_impaired": True},
        {"pensioner": True, "municipal_allocation": True, "doegnhjaelp": True},
        {"income_dkk": 40_000, "rent_dkk": 3_000},  # below the minimum payout
    ],
)
def test_danish_steps_say_the_same_numbers_in_the_same_order(changes: dict[str, Any]) -> None:
    """The Danish steps are the English ones in Danish words and number forms."""
    inp = HousingBenefitInput(
        **({"income_dkk": 12_000, "rent_dkk": 6_000, "area_m2": 60, "year": 2026} | changes)
    )
    english, danish = estimate(inp).steps, estimate(inp, language="da").steps
    assert len(english) == len(danish) >= 7
    for en, da in zip(english, danish, strict=True):
        assert re.findall(r"\d+", en.replace(",", "")) == re.findall(r"\d+", da.replace(".", ""))
        assert " of " not in da and "kr./year" not in da and "kr./month" not in da


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--rent-dkk", "-6000"], "--rent-dkk"),
        (["--area-m2", "-1"], "--area-m2"),
        (["--adults", "0"], "--adults"),
        (["--children", "-1"], "--children"),
        (["--wealth-dkk", "-1"], "--wealth-dkk"),
        (["--heating", "district"], "--heating"),
        (["--year", "2025"], "--year"),
    ],
)
def test_cli_bad_input_names_the_option(app: typer.Typer, args: list[str], option: str) -> None:
    base = {"--income-dkk": "12000", "--rent-dkk": "6000", "--area-m2": "60"}
    for name, value in zip(args[::2], args[1::2], strict=True):
        base[name] = value
    argv = ["housing-benefit", *[x for pair in base.items() for x in pair], "--json"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert f"fejl: {option}:" in result.stderr


def _run_console_script(area_m2: str) -> subprocess.CompletedProcess[str]:
    """``boligmatch housing-benefit`` in a fresh interpreter, 25,000 kr. income, 4,000 rent."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from boligmatch.cli import main; main()",
            "housing-benefit",
            "--income-dkk",
            "25000",
            "--rent-dkk",
            "4000",
            "--area-m2",
            area_m2,
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_console_script_runs_for_real() -> None:
    """The real entry point in a fresh interpreter (once), JSON on stdout."""
    pytest.importorskip(
        "boligmatch.commands.solve",
        reason="boligmatch.cli registers a solve command not yet written",
    )
    run = _run_console_script("60")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["monthly_benefit_dkk"] == 560
    bad = _run_console_script("-60")
    assert bad.returncode != 0 and "--area-m2" in bad.stderr and bad.stdout == ""
