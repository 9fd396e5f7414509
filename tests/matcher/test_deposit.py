"""Deposit loans (boligstøtteloven § 56): limits derived by hand from DOMAIN.md section 5.

2024 limits: 277,956 kr./year for a flat, 188,294 for a single room, +48,700 per child up
to four children; 2025-2026 carry them as UNCONFIRMED.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from matcher.deposit import DEPOSIT_LOAN_LIMITS, deposit_loan, deposit_loan_limits_for
from matcher.errors import InputError
from matcher.income import IncomeItem, housing_benefit_income
from matcher.rates import UnknownYearError


def test_single_on_kontanthjaelp_borrows_the_whole_deposit() -> None:
    # 12·12,064 = 144,768 ≤ 277,956 → the municipality must lend; the citizen pays 0.
    verdict = deposit_loan(deposit_dkk=12_000, monthly_income_dkk=12_064, year=2026)
    assert verdict.qualifies
    assert (verdict.loan_dkk, verdict.pay_dkk) == (12_000, 0)
    assert (verdict.yearly_income_dkk, verdict.income_limit_dkk) == (144_768, 277_956)
    assert "§ 56" in verdict.reason and "UNCONFIRMED" in verdict.source


def test_at_the_limit_qualifies_and_one_krone_above_does_not() -> None:
    # 277,956 / 12 = 23,163 exactly.
    at = deposit_loan(deposit_dkk=9_000, monthly_income_dkk=23_163, year=2024)
    above = deposit_loan(deposit_dkk=9_000, monthly_income_dkk=23_163.09, year=2024)
    assert at.qualifies and at.yearly_income_dkk == 277_956
    assert not above.qualifies and above.yearly_income_dkk == 277_957
    assert (above.loan_dkk, above.pay_dkk) == (0, 9_000)
    assert "above the limit of 277,956" in above.reason


@pytest.mark.parametrize(
    ("children", "limit"),
    [(0, 277_956), (1, 326_656), (4, 277_956 + 4 * 48_700), (6, 277_956 + 4 * 48_700)],
)
def test_the_limit_rises_per_child_up_to_four(children: int, limit: int) -> None:
    verdict = deposit_loan(deposit_dkk=1, monthly_income_dkk=0, children=children, year=2024)
    assert verdict.income_limit_dkk == limit


def test_a_single_room_has_the_lower_limit() -> None:
    # 12·16,000 = 192,000: within the flat limit, above the single-room limit 188,294.
    flat = deposit_loan(deposit_dkk=5_000, monthly_income_dkk=16_000, year=2026)
    room = deposit_loan(deposit_dkk=5_000, monthly_income_dkk=16_000, single_room=True, year=2026)
    assert flat.qualifies and not room.qualifies
    assert room.income_limit_dkk == 188_294 and room.pay_dkk == 5_000


def test_salary_counts_after_am_bidrag() -> None:
    # Salary 25,000: housing-benefit income 25,000·0.92 = 23,000 → 276,000 ≤ 277,956,
    # although the gross 300,000 is above the limit.
    income = housing_benefit_income([IncomeItem("salary", 25_000)], year=2026)
    assert deposit_loan(deposit_dkk=8_000, monthly_income_dkk=income, year=2026).qualifies


def test_no_loan_outside_almene_homes_or_without_a_deposit() -> None:
    private = deposit_loan(deposit_dkk=20_000, monthly_income_dkk=10_000, almen=False, year=2026)
    assert (private.qualifies, private.pay_dkk) == (False, 20_000)
    none = deposit_loan(deposit_dkk=0, monthly_income_dkk=10_000, year=2026)
    assert (none.qualifies, none.loan_dkk, none.pay_dkk) == (False, 0, 0)


def test_a_municipality_may_set_its_own_limits() -> None:
    own = dataclasses.replace(deposit_loan_limits_for(2026), flat_dkk=290_000, source="setting")
    verdict = deposit_loan(deposit_dkk=5_000, monthly_income_dkk=24_000, year=2026, limits=own)
    assert verdict.qualifies and verdict.income_limit_dkk == 290_000


def test_every_year_names_its_source_and_only_2024_is_confirmed() -> None:
    for year, limits in DEPOSIT_LOAN_LIMITS.items():
        assert ("UNCONFIRMED" in limits.source) == (year != 2024)
    with pytest.raises(UnknownYearError):
        deposit_loan_limits_for(2023)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deposit_dkk": -1}, "deposit_dkk"),
        ({"monthly_income_dkk": -1}, "monthly_income_dkk"),
        ({"children": -1}, "children"),
        ({"single_room": "no"}, "single_room"),
    ],
)
def test_bad_input_names_the_field(change: dict[str, Any], field: str) -> None:
    kwargs: dict[str, Any] = {"deposit_dkk": 1_000, "monthly_income_dkk": 10_000, "year": 2026}
    with pytest.raises(InputError) as caught:
        deposit_loan(**{**kwargs, **change})
    assert caught.value.field == field
