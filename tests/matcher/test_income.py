"""Income from benefits: household totals and the standard rates of DOMAIN.md section 5."""

from __future__ import annotations

from typing import Any

import pytest

from matcher.errors import InputError
from matcher.income import IncomeItem, household_income, standard_monthly_benefit
from matcher.rates import UnknownYearError


def test_household_income_is_the_sum_of_the_items() -> None:
    items = [IncomeItem("kontanthjaelp", 12_064.0), IncomeItem("salary", 3_250.5)]
    assert household_income(items) == 15_314.5


def test_household_income_of_no_items_is_zero() -> None:
    assert household_income([]) == 0.0


def test_household_income_is_exact_whatever_the_order() -> None:
    items = [IncomeItem("other", 0.1) for _ in range(10)] + [IncomeItem("salary", 1e6)]
    assert household_income(items) == household_income(list(reversed(items))) == 1_000_001.0


@pytest.mark.parametrize(
    ("kind", "monthly", "field"),
    [
        ("pension", 100.0, "kind"),
        ("salary", -1.0, "monthly_dkk"),
        ("salary", float("nan"), "monthly_dkk"),
        ("salary", "100", "monthly_dkk"),
    ],
)
def test_bad_income_item_names_the_field(kind: Any, monthly: Any, field: str) -> None:
    with pytest.raises(InputError) as caught:
        IncomeItem(kind, monthly)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_household_income_rejects_something_that_is_not_an_item() -> None:
    with pytest.raises(InputError, match=r"^items\[1\]"):
        household_income([IncomeItem("salary", 1.0), 5.0])  # type: ignore[list-item]


# Standard rates, 2025 (DOMAIN.md section 5), each derived by hand from the table:
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # 30 or over, single without children: forhøjet sats 12,064 + supplement 1,092.
        ({"kind": "kontanthjaelp", "age": 30}, 12_064 + 1_092),
        # Under 30, single without children: grundsats 6,955 + supplement 1,092.
        ({"kind": "kontanthjaelp", "age": 29}, 6_955 + 1_092),
        # Under 30 in a couple: grundsats only (not single).
        ({"kind": "kontanthjaelp", "age": 24, "adults": 2}, 6_955),
        # 30+ with a child: a provider, so no non-provider supplement (child supplements
        # are not in the table).
        ({"kind": "kontanthjaelp", "age": 45, "children": 1}, 12_064),
        # Mindstesats never carries the supplement.
        ({"kind": "kontanthjaelp", "age": 40, "kontanthjaelp_rate": "mindstesats"}, 6_553),
        # 25-29 with 2½ years' work: forhøjet sats chosen explicitly, + supplement.
        ({"kind": "kontanthjaelp", "age": 27, "kontanthjaelp_rate": "forhoejet"}, 13_156),
        # Single, but the caller says not a non-provider (e.g. lives with others).
        ({"kind": "kontanthjaelp", "age": 35, "single_non_provider": False}, 12_064),
        ({"kind": "foertidspension", "age": 50}, 21_103),
        ({"kind": "folkepension", "age": 70}, 15_527),
    ],
)
def test_standard_monthly_benefit(kwargs: dict[str, Any], expected: int) -> None:
    assert standard_monthly_benefit(**kwargs, year=2025) == expected


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "bitcoin", "age": 40}, "kind"),
        ({"kind": "salary", "age": 40}, "kind"),
        ({"kind": "dagpenge", "age": 40}, "kind"),
        ({"kind": "uddannelseshjaelp", "age": 22}, "kind"),
        ({"kind": "kontanthjaelp", "age": 17}, "age"),
        ({"kind": "kontanthjaelp", "age": 40, "adults": 0}, "adults"),
        ({"kind": "kontanthjaelp", "age": 40, "children": -1}, "children"),
        ({"kind": "kontanthjaelp", "age": 40, "kontanthjaelp_rate": "high"}, "kontanthjaelp_rate"),
        (
            {"kind": "kontanthjaelp", "age": 40, "children": 2, "single_non_provider": True},
            "single_non_provider",
        ),
        ({"kind": "folkepension", "age": 70, "adults": 2}, "adults"),
        ({"kind": "foertidspension", "age": 50, "adults": 2}, "adults"),
    ],
)
def test_bad_requests_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        standard_monthly_benefit(**kwargs, year=2025)
    assert caught.value.field == field


def test_a_year_without_benefit_rates_is_a_clear_error() -> None:
    with pytest.raises(UnknownYearError, match="2024"):
        standard_monthly_benefit("kontanthjaelp", age=40, year=2024)
    with pytest.raises(UnknownYearError, match="1990"):
        standard_monthly_benefit("kontanthjaelp", age=40, year=1990)
