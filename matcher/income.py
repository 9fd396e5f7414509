"""A household's income: its items, the two incomes the law uses, and standard rates.

A citizen's case lists income items (``{kind, monthly_dkk}``, CONTRACT.md section 4).
DOMAIN.md section 5 uses two incomes, never mixed (:func:`household_incomes` gives both):

* the **housing-benefit income** (:func:`housing_benefit_income`): taxable income as
  boligstøtteloven counts it, before income tax; salary after AM-bidrag; tax-free income
  left out. The housing benefit is computed on it.
* the **disposable income** (:func:`disposable_income`): after income tax
  (:mod:`matcher.tax`), plus tax-free income (børne- og ungeydelse, børnetilskud), which
  counts toward what a family has to live on. The minimum-left test uses it.

:func:`household_income` (the plain sum of the taxable items, before tax) stays the gross
income of the rent-share test. When the actual amounts are not known yet,
:func:`standard_monthly_benefit` gives the standard rate of the rate table for a person's
benefit kind, age and household, and :func:`child_benefit_monthly` the børne- og
ungeydelse for the children's ages.

Words: *kontanthjælp* is cash benefit (from 1 Jul 2025 with three rates: *forhøjet sats*,
*grundsats*, *mindstesats*); *førtidspension* is disability pension; *folkepension* the
state old-age pension; *dagpenge* unemployment insurance benefit; *uddannelseshjælp* the
former education benefit for under-30s, folded into kontanthjælp on 1 Jul 2025.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

from matcher.errors import (
    MAX_MONTHLY_DKK,
    InputError,
    check_count,
    check_number,
    check_number_array,
)
from matcher.rates import BenefitRates, benefit_rates_for, child_benefit_rates_for
from matcher.tax import LocalTaxRates, PersonTax, local_tax_rates, person_tax, tax_many

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

TaxFreeIncomeKind = Literal["boerne_og_ungeydelse", "boernetilskud"]
"""Tax-free income: børne- og ungeydelse (child benefit) and børnetilskud (child allowance,
e.g. for single providers). Not in the problem document's kinds yet (CONTRACT.md section 4):
an :class:`IncomeItem` accepts them so that callers can add them."""
TAX_FREE_KINDS: tuple[TaxFreeIncomeKind, ...] = get_args(TaxFreeIncomeKind)
ALL_INCOME_KINDS: tuple[str, ...] = INCOME_KINDS + TAX_FREE_KINDS

SALARY_KINDS: tuple[IncomeKind, ...] = ("salary",)
"""Income subject to AM-bidrag. Every other taxable kind (kontanthjælp, pensions, dagpenge,
"other") is A-income without AM-bidrag (KSL § 43 stk. 2); "other" is taken as taxable, the
cautious reading when its nature is not known."""

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
    kind : IncomeKind or TaxFreeIncomeKind
    monthly_dkk : float [DKK/month]
        Before tax.
    person : int
        Which adult receives it (0, 1, ...): income tax is personal, each adult has their
        own personfradrag. Default 0, the citizen.
    """

    kind: IncomeKind | TaxFreeIncomeKind
    monthly_dkk: float
    person: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ALL_INCOME_KINDS:
            raise InputError(
                "kind",
                f"unknown income kind {self.kind!r}; known kinds: {', '.join(ALL_INCOME_KINDS)}",
            )
        check_number("monthly_dkk", self.monthly_dkk, maximum=MAX_MONTHLY_DKK)
        check_count("person", self.person, minimum=0)

    @property
    def tax_free(self) -> bool:
        return self.kind in TAX_FREE_KINDS


def _checked(items: Sequence[IncomeItem]) -> Sequence[IncomeItem]:
    for index, item in enumerate(items):
        if not isinstance(item, IncomeItem):
            raise InputError(f"items[{index}]", f"must be an IncomeItem (got {item!r})")
    return items


def household_income(items: Sequence[IncomeItem]) -> float:
    """The household's gross monthly income [DKK/month]: the sum of its taxable items.

    Before tax and AM-bidrag; tax-free items (which older callers never pass) are left out,
    so this is the income of the rent-share test. ``math.fsum`` keeps the sum exact to the
    last bit, independent of the items' order.
    """
    return math.fsum(item.monthly_dkk for item in _checked(items) if not item.tax_free)


def tax_free_income(items: Sequence[IncomeItem]) -> float:
    """The household's tax-free monthly income [DKK/month] (børne- og ungeydelse, ...)."""
    return math.fsum(item.monthly_dkk for item in _checked(items) if item.tax_free)


@dataclass(frozen=True)
class HouseholdIncomes:
    """A household's two incomes of DOMAIN.md section 5, per month.

    Whole kroner, adding up exactly: ``disposable_dkk = gross_dkk − tax_dkk +
    tax_free_dkk``. ``housing_benefit_income_dkk`` is the input for
    :class:`matcher.housing_benefit.HousingBenefitInput` ``income_dkk``.

    Attributes
    ----------
    gross_dkk : int [DKK/month]
        Taxable income before tax and AM-bidrag.
    housing_benefit_income_dkk : float [DKK/month]
        Taxable income as boligstøtteloven counts it: salary after AM-bidrag.
    tax_dkk : int [DKK/month]
        AM-bidrag + income taxes of all persons.
    tax_free_dkk : int [DKK/month]
    disposable_dkk : int [DKK/month]
        After tax, plus tax-free income: what the household has to live on before housing.
    persons : tuple of PersonTax
        Each person's tax with its steps (index = ``IncomeItem.person``).
    """

    gross_dkk: int
    housing_benefit_income_dkk: float
    tax_dkk: int
    tax_free_dkk: int
    disposable_dkk: int
    persons: tuple[PersonTax, ...]


def _per_person(items: Sequence[IncomeItem]) -> list[tuple[float, float, float]]:
    """(salary, other taxable, tax-free) [DKK/month] per person index, 0 .. max."""
    count = max((item.person for item in items), default=0) + 1
    sums: list[tuple[list[float], list[float], list[float]]] = [([], [], []) for _ in range(count)]
    for item in items:
        salary, other, free = sums[item.person]
        if item.tax_free:
            free.append(item.monthly_dkk)
        elif item.kind in SALARY_KINDS:
            salary.append(item.monthly_dkk)
        else:
            other.append(item.monthly_dkk)
    return [(math.fsum(a), math.fsum(b), math.fsum(c)) for a, b, c in sums]


def household_incomes(
    items: Sequence[IncomeItem],
    *,
    year: int,
    municipality_code: str | None = None,
    church_member: bool = False,
    kommuneskat_pct: float | str | None = None,
    kirkeskat_pct: float | str | None = None,
    local: LocalTaxRates | None = None,
) -> HouseholdIncomes:
    """Both incomes of a household, with each person's tax explained.

    Parameters
    ----------
    items : sequence of IncomeItem
        Each item's ``person`` says whose income it is (tax is personal).
    year : int
        Income-tax year (2025 or 2026).
    municipality_code : str, optional
        Where the household lives (its kommuneskat); None: the national average.
    church_member : bool
        The members pay kirkeskat (the same for every person of the household).
    kommuneskat_pct, kirkeskat_pct : optional
        A municipality's setting overriding the shipped rates (:func:`matcher.tax.local_tax_rates`).
    local : LocalTaxRates, optional
        Already resolved local rates; replaces the four arguments above.
    """
    items = _checked(items)
    if local is None:
        local = local_tax_rates(
            year=year,
            municipality_code=municipality_code,
            church_member=church_member,
            kommuneskat_pct=kommuneskat_pct,
            kirkeskat_pct=kirkeskat_pct,
        )
    persons = []
    free_total = 0
    for salary, other, free in _per_person(items):
        persons.append(
            person_tax(salary_dkk=salary, other_taxable_dkk=other, year=year, local=local)
        )
        free_total += (2 * math.floor(free * 100 + 0.5) + 100) // 200  # øre → kr., half up
    gross = sum(p.monthly_income_dkk for p in persons)
    tax = sum(p.monthly_tax_dkk for p in persons)
    return HouseholdIncomes(
        gross_dkk=gross,
        housing_benefit_income_dkk=math.fsum(p.monthly_housing_benefit_income_dkk for p in persons),
        tax_dkk=tax,
        tax_free_dkk=free_total,
        disposable_dkk=gross - tax + free_total,
        persons=tuple(persons),
    )


def housing_benefit_income(items: Sequence[IncomeItem], *, year: int) -> float:
    """The housing-benefit income [DKK/month]: taxable, salary after AM-bidrag, no tax-free.

    Does not depend on the municipality (AM-bidrag is national).
    """
    return household_incomes(items, year=year).housing_benefit_income_dkk


def disposable_income(
    items: Sequence[IncomeItem],
    *,
    year: int,
    municipality_code: str | None = None,
    church_member: bool = False,
    kommuneskat_pct: float | str | None = None,
    kirkeskat_pct: float | str | None = None,
) -> int:
    """Disposable income [DKK/month, whole kroner]: after tax, plus tax-free income.

    The income of the minimum-left test (``left = disposable − net housing cost``).
    """
    return household_incomes(
        items,
        year=year,
        municipality_code=municipality_code,
        church_member=church_member,
        kommuneskat_pct=kommuneskat_pct,
        kirkeskat_pct=kirkeskat_pct,
    ).disposable_dkk


@dataclass(frozen=True)
class IncomeArrays:
    """:func:`household_incomes_many`'s result, one entry per household (see HouseholdIncomes)."""

    gross_dkk: NDArray[np.int64]
    housing_benefit_income_dkk: NDArray[np.float64]
    tax_dkk: NDArray[np.int64]
    tax_free_dkk: NDArray[np.int64]
    disposable_dkk: NDArray[np.int64]


def household_incomes_many(
    *,
    household: ArrayLike,
    households: int,
    salary_dkk: ArrayLike = 0.0,
    other_taxable_dkk: ArrayLike = 0.0,
    tax_free_dkk: ArrayLike = 0.0,
    kommuneskat_pcm: ArrayLike | None = None,
    kirkeskat_pcm: ArrayLike = 0,
    year: int,
) -> IncomeArrays:
    """:func:`household_incomes` for many households at once, from per-person arrays.

    One entry per person: ``household`` (0 .. households − 1) says whose household each
    person is in; ``salary_dkk``, ``other_taxable_dkk`` and ``tax_free_dkk`` are that
    person's monthly sums; ``kommuneskat_pcm``/``kirkeskat_pcm`` as in
    :func:`matcher.tax.tax_many` (:func:`matcher.tax.local_rates_pcm` makes them).
    Gives exactly :func:`household_incomes`'s numbers.
    """
    index = np.asarray(household)
    if index.dtype.kind not in "iu" or index.ndim != 1:
        raise InputError("household", "must be a 1-D array of household indices")
    if index.size and (index.min() < 0 or index.max() >= households):
        raise InputError("household", f"indices must be in 0 .. {households - 1}")
    taxed = tax_many(
        salary_dkk=np.broadcast_to(np.asarray(salary_dkk, dtype=np.float64), index.shape),
        other_taxable_dkk=other_taxable_dkk,
        kommuneskat_pcm=kommuneskat_pcm,
        kirkeskat_pcm=kirkeskat_pcm,
        year=year,
    )
    free = check_number_array("tax_free_dkk", tax_free_dkk, maximum=MAX_MONTHLY_DKK)
    free_dkk = (
        2 * np.floor(np.broadcast_to(free, index.shape) * 100 + 0.5).astype(np.int64) + 100
    ) // 200

    def total(values: NDArray[Any]) -> NDArray[Any]:
        out = np.zeros(households, dtype=values.dtype)
        np.add.at(out, index, values)
        return out

    gross = total(taxed.monthly_income_dkk)
    tax = total(taxed.monthly_tax_dkk)
    free_sum = total(free_dkk)
    return IncomeArrays(
        gross_dkk=gross,
        housing_benefit_income_dkk=total(taxed.monthly_housing_benefit_income_dkk),
        tax_dkk=tax,
        tax_free_dkk=free_sum,
        disposable_dkk=gross - tax + free_sum,
    )


def child_benefit_monthly(child_ages: Sequence[int], *, year: int) -> int:
    """Børne- og ungeydelse [DKK/month, tax-free] for children of these ages [years].

    Age bands 0-2, 3-6, 7-14 and 15-17 (:class:`matcher.rates.ChildBenefitRates`); 18 and
    over get none. Add it as a ``boerne_og_ungeydelse`` item when the actual amount is not
    known.
    """
    rates = child_benefit_rates_for(year)
    total = 0
    for index, age in enumerate(child_ages):
        check_count(f"child_ages[{index}]", age, minimum=0, maximum=130)
        if age <= 2:
            total += rates.age_0_2_dkk
        elif age <= 6:
            total += rates.age_3_6_dkk
        elif age <= 14:
            total += rates.age_7_14_dkk
        elif age <= 17:
            total += rates.age_15_17_dkk
    return total


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
    rates: BenefitRates | None = None,
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
    rates : BenefitRates, optional
        A municipality's own rates overriding the table's (e.g. once an UNCONFIRMED 2026
        figure is known); default the table of ``year``.

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
    if rates is None:
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
