"""The two incomes of DOMAIN.md section 5: housing-benefit income and disposable income.

Expected amounts are derived by hand (2026 figures; the tax steps are those of
tests/matcher/test_tax.py).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.errors import InputError
from matcher.housing_benefit import HousingBenefitInput, estimate
from matcher.income import (
    IncomeItem,
    child_benefit_monthly,
    disposable_income,
    household_income,
    household_incomes,
    household_incomes_many,
    housing_benefit_income,
    standard_monthly_benefit,
    tax_free_income,
)
from matcher.rates import UnknownYearError, benefit_rates_for
from matcher.tax import local_rates_pcm


def test_domain_example_money_left_after_tax() -> None:
    # A person under 30 on kontanthjælp: grundsats 6,955 + tillæg 1,092 = 8,047 (2026
    # UNCONFIRMED = the 2025 level). Tax 1,311 (test_tax) → disposable 6,736.
    amount = standard_monthly_benefit("kontanthjaelp", age=25, year=2026)
    assert amount == 8_047
    items = [IncomeItem("kontanthjaelp", amount)]
    incomes = household_incomes(items, year=2026)
    assert (incomes.gross_dkk, incomes.tax_dkk, incomes.disposable_dkk) == (8_047, 1_311, 6_736)
    # A 4,000 kr. home, 40 m², heating separate: B = 48,000 + 35·40 = 49,400;
    # I = 96,564 < 170,300 → 0.6·B = 29,640; no children: 0.15·B = 7,410 → /12 = 617.5
    # → 618 (boligstøtteloven § 22). Net housing cost 4,000 − 618 = 3,382.
    benefit = estimate(
        HousingBenefitInput(
            income_dkk=incomes.housing_benefit_income_dkk, rent_dkk=4_000, area_m2=40
        )
    ).monthly_benefit_dkk
    assert benefit == 618
    # Left before tax (today's rule) 8,047 − 3,382 = 4,665; after tax 6,736 − 3,382 = 3,354,
    # below the 3,500 minimum per adult.
    assert incomes.gross_dkk - (4_000 - benefit) == 4_665
    assert incomes.disposable_dkk - (4_000 - benefit) == 3_354


def test_salary_counts_after_am_bidrag_for_housing_benefit_and_after_tax_to_live_on() -> None:
    # Salary 30,000: housing-benefit income 30,000·0.92 = 27,600; tax 9,999 (test_tax).
    items = [IncomeItem("salary", 30_000)]
    assert housing_benefit_income(items, year=2026) == 27_600
    assert disposable_income(items, year=2026) == 30_000 - 9_999
    assert household_income(items) == 30_000  # the rent-share test stays on gross income


def test_tax_free_income_counts_to_live_on_but_not_for_housing_benefit() -> None:
    # Single parent on kontanthjælp 12,064 (forhøjet sats) with children aged 1 and 8:
    # børne- og ungeydelse 5,370/3 + 3,342/3 = 1,790 + 1,114 = 2,904 a month.
    child = child_benefit_monthly([1, 8], year=2026)
    assert child == 2_904
    items = [
        IncomeItem("kontanthjaelp", 12_064),
        IncomeItem("boerne_og_ungeydelse", child),
        IncomeItem("boernetilskud", 600.5),
    ]
    # Tax: 12·12,064 = 144,768 − 54,100 = 90,668; 37.059 % = 33,600.65 → /12 = 2,800.05
    # → 2,800.
    incomes = household_incomes(items, year=2026)
    assert incomes.housing_benefit_income_dkk == 12_064
    assert household_income(items) == 12_064
    assert tax_free_income(items) == 3_504.5
    assert incomes.tax_dkk == 2_800
    assert incomes.tax_free_dkk == 3_505  # 3,504.50 half up
    assert incomes.disposable_dkk == 12_064 - 2_800 + 3_505


def test_each_adult_has_their_own_personfradrag() -> None:
    # Two adults on 8,047 each pay 1,311 each; the same 16,094 on one person pays more:
    # 12·16,094 = 193,128 − 54,100 = 139,028 · 37.059 % = 51,522.39 → 4,293.53 → 4,294.
    two = household_incomes(
        [IncomeItem("kontanthjaelp", 8_047), IncomeItem("kontanthjaelp", 8_047, person=1)],
        year=2026,
    )
    one = household_incomes([IncomeItem("kontanthjaelp", 16_094)], year=2026)
    assert (two.tax_dkk, one.tax_dkk) == (2 * 1_311, 4_294)
    assert len(two.persons) == 2


@pytest.mark.parametrize(
    ("ages", "expected"),
    [
        ([], 0),
        ([0], 1_790),
        ([2, 3], 1_790 + 1_416),
        ([6, 7, 14], 1_416 + 2 * 1_114),
        ([15, 17, 18], 2 * 1_114),
    ],
)
def test_child_benefit_by_age_band(ages: list[int], expected: int) -> None:
    assert child_benefit_monthly(ages, year=2026) == expected


def test_child_benefit_errors() -> None:
    with pytest.raises(InputError) as caught:
        child_benefit_monthly([3, -1], year=2026)
    assert caught.value.field == "child_ages[1]"
    with pytest.raises(UnknownYearError):
        child_benefit_monthly([3], year=2025)


def test_an_override_replaces_an_unconfirmed_rate() -> None:
    import dataclasses

    own = dataclasses.replace(benefit_rates_for(2026), kontanthjaelp_grundsats_dkk=7_100)
    assert standard_monthly_benefit("kontanthjaelp", age=25, year=2026, rates=own) == 8_192


def test_bad_person_index_names_the_field() -> None:
    with pytest.raises(InputError) as caught:
        IncomeItem("salary", 100.0, person=-1)
    assert caught.value.field == "person"


ITEM = st.tuples(
    st.sampled_from(
        [
            "salary",
            "kontanthjaelp",
            "folkepension",
            "other",
            "boerne_og_ungeydelse",
            "boernetilskud",
        ]
    ),
    st.floats(0, 40_000, allow_nan=False),
    st.integers(0, 1),
)
HOUSEHOLD = st.tuples(
    st.lists(ITEM, max_size=5), st.sampled_from([None, "101", "751"]), st.booleans()
)


@settings(max_examples=60, deadline=None)
@given(st.lists(HOUSEHOLD, min_size=1, max_size=25))
def test_vectorised_households_equal_scalar(households: list[Any]) -> None:
    index, salary, other, free, codes, church = [], [], [], [], [], []
    expected = []
    for h, (raw, code, member) in enumerate(households):
        items = [IncomeItem(kind, amount, person=p) for kind, amount, p in raw]
        expected.append(
            household_incomes(items, year=2026, municipality_code=code, church_member=member)
        )
        persons = max((p for _, _, p in raw), default=0) + 1
        for p in range(persons):
            mine = [i for i in items if i.person == p]
            index.append(h)
            salary.append(math.fsum(i.monthly_dkk for i in mine if i.kind == "salary"))
            other.append(
                sum(
                    i.monthly_dkk
                    for i in mine
                    if i.kind in ("kontanthjaelp", "folkepension", "other")
                )
            )
            free.append(math.fsum(i.monthly_dkk for i in mine if i.tax_free))
            codes.append(code)
            church.append(member)
    k, c = local_rates_pcm(codes, church, year=2026)
    many = household_incomes_many(
        household=np.array(index),
        households=len(households),
        salary_dkk=salary,
        other_taxable_dkk=other,
        tax_free_dkk=free,
        kommuneskat_pcm=k,
        kirkeskat_pcm=c,
        year=2026,
    )
    assert many.disposable_dkk.tolist() == [e.disposable_dkk for e in expected]
    assert many.tax_dkk.tolist() == [e.tax_dkk for e in expected]
    assert many.gross_dkk.tolist() == [e.gross_dkk for e in expected]
    assert many.tax_free_dkk.tolist() == [e.tax_free_dkk for e in expected]
    assert np.allclose(
        many.housing_benefit_income_dkk, [e.housing_benefit_income_dkk for e in expected]
    )
