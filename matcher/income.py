"""Income from benefits: a household's monthly income, and standard benefit rates.

A citizen's case lists income items (``{kind, monthly_dkk}``, CONTRACT.md section 4);
the household's income is their sum. When the actual amounts are not known yet,
:func:`standard_monthly_benefit` gives the standard rate of the rate table for a person's
benefit kind, age and household.

Words: *kontanthjælp* is cash benefit (from 1 Jul 2025 with three rates: *forhøjet sats*,
*grundsats*, *mindstesats*); *førtidspension* is disability pension; *folkepension* the
state old-age pension; *dagpenge* unemployment insurance benefit; *uddannelseshjælp* the
former education benefit for under-30s, folded into kontanthjælp on 1 Jul 2025.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from matcher.errors import MAX_MONTHLY_DKK, InputError, check_count, check_number
from matcher.rates import BenefitRates, benefit_rates_for

IncomeKind = Literal[
    "kontanthjaelp",
    "uddannelseshjaelp",
    "foertidspension",
    "folkepension",
    "dagpenge",
    "salary",
    "other",
]
INCOME_KINDS: tuple[IncomeKind, ...] = get_args(IncomeKind)

KontanthjaelpRate = Literal["forhoejet", "grundsats", "mindstesats"]
KONTANTHJAELP_RATES: tuple[KontanthjaelpRate, ...] = get_args(KontanthjaelpRate)

FORHOEJET_SATS_FROM_AGE = 30
"""Kontanthjælp is paid at forhøjet sats from age 30 (Aalborg Kommune, 'Det skal du vide om
det nye kontanthjælpssystem'; 25-29-year-olds with 2½ years' work also qualify: pass
``kontanthjaelp_rate="forhoejet"`` for them)."""


def check_income_kind(kind: object, field: str = "kind") -> IncomeKind:
    """Return ``kind`` if it is a known income kind, else an error naming ``field``."""
    for known in INCOME_KINDS:
        if kind == known:
            return known
    raise InputError(field, f"unknown income kind {kind!r}; known kinds: {', '.join(INCOME_KINDS)}")


@dataclass(frozen=True)
class IncomeItem:
    """One income of a household.

    Parameters
    ----------
    kind : IncomeKind
    monthly_dkk : float [DKK/month]
        Before tax.
    """

    kind: IncomeKind
    monthly_dkk: float

    def __post_init__(self) -> None:
        check_income_kind(self.kind)
        check_number("monthly_dkk", self.monthly_dkk, maximum=MAX_MONTHLY_DKK)


def household_income(items: Sequence[IncomeItem]) -> float:
    """The household's total monthly income [DKK/month] before tax: the sum of its items.

    ``math.fsum`` keeps the sum exact to the last bit, independent of the items' order.
    """
    for index, item in enumerate(items):
        if not isinstance(item, IncomeItem):
            raise InputError(f"items[{index}]", f"must be an IncomeItem (got {item!r})")
    return math.fsum(item.monthly_dkk for item in items)


def _kontanthjaelp(
    rates: BenefitRates,
    *,
    age: int,
    single_non_provider: bool,
    rate: KontanthjaelpRate | None,
) -> int:
    if rate is None:
        rate = "forhoejet" if age >= FORHOEJET_SATS_FROM_AGE else "grundsats"
    elif rate not in KONTANTHJAELP_RATES:
        raise InputError(
            "kontanthjaelp_rate",
            f"unknown rate {rate!r}; known rates: {', '.join(KONTANTHJAELP_RATES)}",
        )
    amount = {
        "forhoejet": rates.kontanthjaelp_forhoejet_dkk,
        "grundsats": rates.kontanthjaelp_grundsats_dkk,
        "mindstesats": rates.kontanthjaelp_mindstesats_dkk,
    }[rate]
    # The supplement for single non-providers is paid on grundsats or forhøjet sats only.
    if single_non_provider and rate != "mindstesats":
        amount += rates.single_non_provider_supplement_dkk
    return amount


def standard_monthly_benefit(
    kind: IncomeKind,
    *,
    age: int,
    adults: int = 1,
    children: int = 0,
    single_non_provider: bool | None = None,
    year: int,
    kontanthjaelp_rate: KontanthjaelpRate | None = None,
) -> int:
    """The standard monthly amount [DKK/month, before tax] one person receives.

    Parameters
    ----------
    kind : IncomeKind
        ``kontanthjaelp``, ``foertidspension`` or ``folkepension``; other kinds have no
        standard rate (give the actual amount as an :class:`IncomeItem`).
    age : int [years]
        Decides the kontanthjælp rate: forhøjet sats from 30, grundsats below.
    adults, children : int
        The person's household. Only single rates of the pensions are in the rate table,
        so ``adults > 1`` is an error for them rather than a guessed couple rate.
    single_non_provider : bool, optional
        Living alone without children: adds the supplement for single non-providers to
        kontanthjælp on grundsats or forhøjet sats. Default: ``adults == 1 and
        children == 0``.
    year : int
        The rate year; a year without benefit rates is an error.
    kontanthjaelp_rate : "forhoejet", "grundsats" or "mindstesats", optional
        Overrides the rate chosen by age, e.g. mindstesats for someone who does not meet
        the residence and employment requirement.

    Returns
    -------
    int [DKK/month]
        Excludes child-related supplements (børnetillæg, forsørgertillæg), which the rate
        table does not hold.
    """
    kind = check_income_kind(kind)
    check_count("age", age, minimum=18, maximum=130)
    check_count("adults", adults, minimum=1)
    check_count("children", children, minimum=0)
    if single_non_provider is None:
        single_non_provider = adults == 1 and children == 0
    elif not isinstance(single_non_provider, bool):
        raise InputError(
            "single_non_provider", f"must be true or false (got {single_non_provider!r})"
        )
    elif single_non_provider and (adults > 1 or children > 0):
        raise InputError(
            "single_non_provider",
            f"cannot hold for a household of {adults} adults and {children} children",
        )
    rates = benefit_rates_for(year)
    if kind == "kontanthjaelp":
        return _kontanthjaelp(
            rates, age=age, single_non_provider=single_non_provider, rate=kontanthjaelp_rate
        )
    if kind in ("foertidspension", "folkepension"):
        if adults > 1:
            raise InputError(
                "adults",
                f"the rate table holds only the single rate of {kind}; give a couple's "
                "actual amounts as income items",
            )
        if kind == "foertidspension":
            return rates.foertidspension_single_dkk
        return rates.folkepension_single_dkk
    if kind == "uddannelseshjaelp":
        raise InputError(
            "kind",
            "uddannelseshjælp was folded into kontanthjælp on 1 Jul 2025: use 'kontanthjaelp'",
        )
    raise InputError(
        "kind", f"{kind!r} has no standard rate; give the actual amount as an income item"
    )
