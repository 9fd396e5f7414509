"""Rate tables: DOMAIN.md's numbers, a source per number group, and clear errors."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from matcher.errors import InputError
from matcher.housing_benefit import _scheme_ints
from matcher.rates import (
    RATE_TABLES,
    UnknownYearError,
    benefit_rates_for,
    child_benefit_rates_for,
    housing_benefit_rates_for,
    rates_for,
)


def _groups(obj: Any) -> list[Any]:
    """Every nested dataclass of a table (each is one group of numbers)."""
    found = [obj]
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            found += _groups(value)
    return found


def test_domain_2026_housing_benefit_numbers() -> None:
    hb = housing_benefit_rates_for(2026)
    bs, yd = hb.boligsikring, hb.boligydelse
    assert (hb.area_cap.first_person_m2, hb.area_cap.per_extra_person_m2) == (65, 20)
    assert (bs.formula.rent_share, bs.formula.income_share) == (Decimal("0.60"), Decimal("0.18"))
    assert bs.formula.income_threshold_dkk == 170_300
    assert bs.formula.min_own_payment_dkk == 28_700
    assert bs.formula.max_benefit_dkk == 50_412
    assert bs.formula.max_housing_expense_dkk == 95_500
    assert bs.formula.childless_cap_share == Decimal("0.15")
    assert bs.formula.min_payout_dkk == 3_696
    assert (bs.wealth.lower_limit_dkk, bs.wealth.upper_limit_dkk) == (896_400, 1_793_000)
    assert (bs.per_m2.heating_deduction, bs.per_m2.hot_water_deduction) == (
        Decimal("91.50"),
        Decimal("29.00"),
    )
    assert (bs.per_m2.electricity_deduction, bs.per_m2.heating_addition) == (
        Decimal("69.00"),
        Decimal("35.00"),
    )
    assert (yd.formula.rent_share, yd.formula.expense_supplement_dkk) == (Decimal("0.75"), 8_500)
    assert (yd.formula.income_share, yd.formula.income_threshold_dkk) == (
        Decimal("0.225"),
        201_400,
    )
    assert (yd.formula.own_payment_income_share, yd.formula.min_own_payment_dkk) == (
        Decimal("0.11"),
        21_300,
    )
    assert (yd.formula.max_benefit_dkk, yd.formula.max_housing_expense_dkk) == (59_628, 113_000)
    assert yd.formula.childless_cap_share is None
    assert yd.formula.min_payout_dkk == 4_380
    assert (
        yd.per_m2.heating_deduction,
        yd.per_m2.hot_water_deduction,
        yd.per_m2.electricity_deduction,
        yd.per_m2.heating_addition,
    ) == (Decimal("108.25"), Decimal("34.25"), Decimal("81.75"), Decimal("41.50"))


def test_domain_2025_benefit_numbers() -> None:
    b = benefit_rates_for(2025)
    assert b.kontanthjaelp_forhoejet_dkk == 12_064
    assert b.kontanthjaelp_grundsats_dkk == 6_955
    assert b.kontanthjaelp_mindstesats_dkk == 6_553
    assert b.single_non_provider_supplement_dkk == 1_092
    assert b.foertidspension_single_dkk == 21_103
    assert b.folkepension_single_dkk == 15_527


def test_domain_2026_benefit_numbers_and_unconfirmed_marks() -> None:
    b = benefit_rates_for(2026)
    # Ældre Sagen 14.01.2026: grundbeløb 7,544 + pensionstillæg 8,729 = 16,273.
    assert b.folkepension_single_dkk == 7_544 + 8_729 == 16_273
    # DOMAIN.md marks these UNCONFIRMED for 2026 and gives only the 2025 level.
    assert (
        b.kontanthjaelp_forhoejet_dkk,
        b.kontanthjaelp_grundsats_dkk,
        b.kontanthjaelp_mindstesats_dkk,
        b.single_non_provider_supplement_dkk,
        b.foertidspension_single_dkk,
    ) == (12_064, 6_955, 6_553, 1_092, 21_103)
    assert "UNCONFIRMED" in b.kontanthjaelp_source
    assert "UNCONFIRMED" in b.supplement_source
    assert "UNCONFIRMED" in b.pension_source and "16,273" in b.pension_source
    assert "UNCONFIRMED" not in benefit_rates_for(2025).kontanthjaelp_source


def test_domain_2026_child_benefit_by_age_band() -> None:
    c = child_benefit_rates_for(2026)
    # Quarterly amounts / 3 (exact), and 1,114 a month for 15-17.
    assert c.age_0_2_dkk * 3 == 5_370
    assert c.age_3_6_dkk * 3 == 4_248
    assert c.age_7_14_dkk * 3 == 3_342
    assert c.age_15_17_dkk == 1_114


def test_2026_special_needs_and_child_raises_follow_the_law() -> None:
    for scheme in (
        housing_benefit_rates_for(2026).boligsikring,
        housing_benefit_rates_for(2026).boligydelse,
    ):
        assert scheme.children.max_expense_increase_per_child_share == Decimal("0.05")
        assert scheme.children.max_expense_increase_children_max == 4
        assert scheme.children.max_benefit_increase_from_children == 4  # § 23 stk. 1
        assert scheme.special_needs.max_expense_increase_share == Decimal("0.50")
        assert scheme.special_needs.max_benefit_increase_share == Decimal("0.50")
        assert scheme.special_needs.raised_amounts_round_to_dkk == 100


@pytest.mark.parametrize("year", sorted(RATE_TABLES))
def test_every_number_group_names_its_source(year: int) -> None:
    table = rates_for(year)
    for group in _groups(table)[1:]:
        numbers = [
            f.name
            for f in dataclasses.fields(group)
            if isinstance(getattr(group, f.name), int | Decimal)
        ]
        if not numbers:  # a container of groups, not a group of numbers
            continue
        sources = [f.name for f in dataclasses.fields(group) if f.name.endswith("source")]
        assert sources, f"{type(group).__name__} has no source field"
        for name in sources:
            assert len(getattr(group, name)) > 10, f"{type(group).__name__}.{name} is empty"


@pytest.mark.parametrize(
    "year", [y for y, t in sorted(RATE_TABLES.items()) if t.housing_benefit is not None]
)
@pytest.mark.parametrize("kind", ["boligsikring", "boligydelse"])
def test_rates_convert_exactly_to_the_integer_units(year: int, kind: Any) -> None:
    # Shares must be whole ‰ and money whole øre, or the exact arithmetic would be wrong.
    ints = _scheme_ints(year, kind)
    assert ints.rent_pm in (600, 750)


def test_unknown_year_names_the_year_and_the_years_available() -> None:
    with pytest.raises(UnknownYearError) as caught:
        rates_for(1999)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.field == "year"
    assert "1999" in str(error) and "2025" in str(error) and "2026" in str(error)
    assert error.year == 1999 and error.available == (2025, 2026)


def test_a_year_without_housing_benefit_rates_is_an_error_not_a_fallback() -> None:
    with pytest.raises(UnknownYearError, match=r"no housing-benefit rates for 2025.*2026"):
        housing_benefit_rates_for(2025)


def test_a_year_without_benefit_rates_is_an_error_not_a_fallback() -> None:
    with pytest.raises(UnknownYearError, match=r"no rates for 2024.*2025, 2026"):
        benefit_rates_for(2024)
    with pytest.raises(UnknownYearError, match=r"no child-benefit rates for 2025.*2026"):
        child_benefit_rates_for(2025)


@pytest.mark.parametrize("year", ["2026", 2026.0, True, None])
def test_a_year_that_is_not_a_whole_number_is_an_error(year: Any) -> None:
    with pytest.raises(InputError, match=r"^year: must be a whole year"):
        rates_for(year)
