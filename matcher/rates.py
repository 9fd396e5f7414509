"""Versioned rate tables: benefit rates and housing-benefit parameters, one table per year.

Rates are indexed every January, so every number lives in the table of its year together
with a ``source`` string per group of numbers. Asking for a year (or a part of a year's
table) that is not here raises :class:`UnknownYearError`; there is never a silent fallback
to a neighbouring year, because a wrong year's rate gives a confidently wrong verdict.

Words: *boligsikring* is the housing benefit for non-pensioners, *boligydelse* the one for
folkepension recipients (lov om individuel boligstøtte, "boligstøtteloven"). Amounts are
yearly DKK unless the name says otherwise; fractional numbers are :class:`~decimal.Decimal`
so that the calculation can turn them into exact integers.

Not modelled (not in DOMAIN.md and not needed for ordinary rented homes): the water and
maintenance additions of boligstøtteloven § 10, stk. 3-4, and § 22's extra threshold for
couples both under 30.

A figure DOMAIN.md marks UNCONFIRMED is kept at its last confirmed level with the word
UNCONFIRMED in its ``source``; a municipality may override it (e.g. pass its own
:class:`BenefitRates` to :func:`matcher.income.standard_monthly_benefit`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from matcher.errors import InputError

SchemeKind = Literal["boligsikring", "boligydelse"]

DOMAIN_2026 = (
    "DOMAIN.md section 5, 2026 housing-benefit rates (lov om individuel boligstøtte, LBK nr. 995 "
    "af 1.7.2025; corrected table VEJ nr. 9336 af 24.3.2026)"
)
AELDRESAGEN_2026 = (
    "Ældre Sagen, 'Beregning af boligstøtte' (edited 14 Jan 2026), "
    "https://www.aeldresagen.dk/viden-og-raadgivning/vaerd-at-vide/b/bolig/boligstoette/"
    "beregning-af-boligstoette"
)


class UnknownYearError(InputError):
    """No rate table (or no such part of a table) for the year asked for.

    Parameters
    ----------
    year : int
        The year asked for.
    available : tuple of int
        The years that do have what was asked for.
    what : str
        Which part of the table was missing ("rates", "benefit rates", ...).
    """

    def __init__(self, year: int, available: tuple[int, ...], what: str = "rates") -> None:
        self.year = year
        self.available = available
        years = ", ".join(str(y) for y in available) or "none"
        super().__init__("year", f"no {what} for {year}; years available: {years}")


@dataclass(frozen=True)
class BenefitRates:
    """Standard monthly rates [DKK/month] for one adult, before tax.

    Child-related supplements (børnetillæg, forsørgertillæg) and couple rates of the
    pensions are not in DOMAIN.md and so are not here.
    """

    kontanthjaelp_forhoejet_dkk: int
    """Kontanthjælp, forhøjet sats: aged 30 or over (or 25-29 with 2½ years' work)."""
    kontanthjaelp_grundsats_dkk: int
    """Kontanthjælp, grundsats: under 30."""
    kontanthjaelp_mindstesats_dkk: int
    """Kontanthjælp, mindstesats: those who do not meet the residence/employment rule."""
    kontanthjaelp_source: str
    single_non_provider_supplement_dkk: int
    """Tillæg til enlige ikke-forsørgere, paid on grundsats or forhøjet sats."""
    supplement_source: str
    foertidspension_single_dkk: int
    folkepension_single_dkk: int
    """Grundbeløb + pensionstillæg for a single pensioner."""
    pension_source: str


@dataclass(frozen=True)
class AreaCap:
    """Largest area housing benefit is paid for: first person + each further person [m²]."""

    first_person_m2: int
    per_extra_person_m2: int
    source: str


@dataclass(frozen=True)
class PerM2Rates:
    """Per-m² adjustments of the yearly housing expense [DKK/m²/year] (§ 10)."""

    heating_deduction: Decimal
    """Deducted when heating is included in the rent."""
    hot_water_deduction: Decimal
    """Deducted when hot water is included in the rent."""
    electricity_deduction: Decimal
    """Deducted when electricity is included in the rent."""
    heating_addition: Decimal
    """Added when heating is paid separately (a conto or to the supplier)."""
    source: str


@dataclass(frozen=True)
class WealthRule:
    """Wealth supplement to income (§ 8 a): a share of wealth above each limit [DKK].

    The shares are marginal: ``lower_share`` of the wealth between the limits and
    ``upper_share`` of the wealth above the upper limit.
    """

    lower_limit_dkk: int
    upper_limit_dkk: int
    lower_share: Decimal
    upper_share: Decimal
    source: str


@dataclass(frozen=True)
class BenefitFormula:
    """The yearly formula of one scheme (§ 21 boligydelse, § 22 boligsikring).

    ``benefit = min(rent_share·(B + expense_supplement) − income_share·max(0, I − threshold),
    B − max(own_payment_income_share·I, min_own_payment), max_benefit)``, further at most
    ``childless_cap_share·B`` for households without children when it is not None.
    """

    rent_share: Decimal
    expense_supplement_dkk: int
    income_share: Decimal
    income_threshold_dkk: int
    min_own_payment_dkk: int
    own_payment_income_share: Decimal
    max_benefit_dkk: int
    max_housing_expense_dkk: int
    childless_cap_share: Decimal | None
    min_payout_dkk: int
    """Nothing is paid when the yearly benefit is below this."""
    source: str


@dataclass(frozen=True)
class ChildRules:
    """Per-child rules: a higher income threshold, maximum expense and maximum benefit."""

    threshold_per_extra_child_dkk: int
    """Added to the income threshold for each child beyond the first ..."""
    threshold_children_counted_max: int
    """... up to and including this many children."""
    max_benefit_increase_share: Decimal
    """The maximum benefit rises by this share ..."""
    max_benefit_increase_from_children: int
    """... for households with at least this many children (§ 23 stk. 1, 2. pkt.)."""
    source: str
    max_expense_increase_per_child_share: Decimal = Decimal("0.05")
    """The maximum housing expense rises by this share per child (§ 14 stk. 1) ..."""
    max_expense_increase_children_max: int = 4
    """... counting at most this many children (4 or more: 20 %)."""
    max_expense_source: str = "boligstøtteloven § 14 stk. 1 (LBK nr. 995 af 1.7.2025)"


@dataclass(frozen=True)
class SpecialNeedsRules:
    """Raises for a severely mobility-impaired member in a suitable home, or døgnhjælp.

    Both raise the base amount once (a member with døgnhjælp counts only when nobody is
    covered by the mobility rule: § 14 stk. 3 and § 23 stk. 1, 4. pkt.).
    """

    max_expense_increase_share: Decimal
    """§ 14 stk. 2-3: the maximum housing expense rises by this share of the base amount."""
    max_benefit_increase_share: Decimal
    """§ 23 stk. 1, 3.-4. pkt.: the maximum benefit rises by this share of the base amount."""
    raised_amounts_round_to_dkk: int
    """§ 14 stk. 2, 2. pkt.: raised maximum expenses round to the nearest multiple of this."""
    source: str


SPECIAL_NEEDS = SpecialNeedsRules(
    max_expense_increase_share=Decimal("0.50"),
    max_benefit_increase_share=Decimal("0.50"),
    raised_amounts_round_to_dkk=100,
    source=(
        "boligstøtteloven (LBK nr. 995 af 1.7.2025) § 14 stk. 2-3 and § 23 stk. 1; "
        "DOMAIN.md section 5"
    ),
)


@dataclass(frozen=True)
class SchemeRates:
    """All numbers of one housing-benefit scheme for one year."""

    kind: SchemeKind
    formula: BenefitFormula
    wealth: WealthRule
    per_m2: PerM2Rates
    children: ChildRules
    special_needs: SpecialNeedsRules = SPECIAL_NEEDS


@dataclass(frozen=True)
class HousingBenefitRates:
    """Housing-benefit parameters for one year."""

    area_cap: AreaCap
    boligsikring: SchemeRates
    boligydelse: SchemeRates


@dataclass(frozen=True)
class ChildBenefitRates:
    """Børne- og ungeydelse [DKK/month per child], tax-free, by the child's age.

    Paid quarterly for children 0-14 and monthly for 15-17; stored as the monthly
    equivalent (a quarter's amount / 3, exact for every band). The income-dependent
    reduction for high incomes is not modelled (far above the incomes boligmatch meets).
    """

    age_0_2_dkk: int
    age_3_6_dkk: int
    age_7_14_dkk: int
    age_15_17_dkk: int
    source: str


@dataclass(frozen=True)
class RateTable:
    """Everything indexed for one calendar year; a part is None when no source gives it."""

    year: int
    benefits: BenefitRates | None
    housing_benefit: HousingBenefitRates | None
    child_benefit: ChildBenefitRates | None = None


_BENEFITS_2025 = BenefitRates(
    kontanthjaelp_forhoejet_dkk=12_064,
    kontanthjaelp_grundsats_dkk=6_955,
    kontanthjaelp_mindstesats_dkk=6_553,
    kontanthjaelp_source=(
        "DOMAIN.md section 5: kontanthjælp under the rules in force from 1 Jul 2025, "
        "2024 level; who gets which rate: Aalborg Kommune, 'Det skal du vide om det nye "
        "kontanthjælpssystem'"
    ),
    single_non_provider_supplement_dkk=1_092,
    supplement_source=(
        "DOMAIN.md section 5 (2025); paid on grundsats or forhøjet sats to singles "
        "without children: Kalundborg Kommune, 'Tillæg til kontanthjælp', satser 2025"
    ),
    foertidspension_single_dkk=21_103,
    folkepension_single_dkk=15_527,
    pension_source="DOMAIN.md section 5 (2025 rates, single)",
)

_UNCONFIRMED_2026 = (
    "UNCONFIRMED for 2026: DOMAIN.md section 5 gives only the 2025 level, kept here until "
    "the 2026 rate is confirmed; a municipality may override it"
)

_BENEFITS_2026 = BenefitRates(
    kontanthjaelp_forhoejet_dkk=12_064,
    kontanthjaelp_grundsats_dkk=6_955,
    kontanthjaelp_mindstesats_dkk=6_553,
    kontanthjaelp_source=(
        _UNCONFIRMED_2026 + " (aktivloven § 22, regulated each January; new kontanthjælp "
        "system since 1 Jul 2025, LOV 1655 af 30.12.2024)"
    ),
    single_non_provider_supplement_dkk=1_092,
    supplement_source=(
        _UNCONFIRMED_2026 + " (tillæg for enlige ikke-forsørgere, aktivloven § 19; "
        "Kalundborg Kommune, satser 2025)"
    ),
    foertidspension_single_dkk=21_103,
    folkepension_single_dkk=16_273,
    pension_source=(
        "folkepension 2026: grundbeløb 7,544 + pensionstillæg 8,729 = 16,273 (Ældre Sagen, "
        "14.01.2026, via DOMAIN.md section 5); førtidspension (tilkendt efter 2003), enlig: "
        + _UNCONFIRMED_2026
    ),
)

_CHILD_BENEFIT_2026 = ChildBenefitRates(
    age_0_2_dkk=1_790,
    age_3_6_dkk=1_416,
    age_7_14_dkk=1_114,
    age_15_17_dkk=1_114,
    source=(
        "DOMAIN.md section 5 (2026 column): 0-2 år 5,370/quarter, 3-6 år 4,248/quarter, "
        "7-14 år 3,342/quarter, 15-17 år 1,114/month (lov om børne- og ungeydelse)"
    ),
)

_AREA_CAP = AreaCap(
    first_person_m2=65,
    per_extra_person_m2=20,
    source="DOMAIN.md section 5: 65 m² for the first person + 20 m² per extra person",
)

_BOLIGSIKRING_2026 = SchemeRates(
    kind="boligsikring",
    formula=BenefitFormula(
        rent_share=Decimal("0.60"),
        expense_supplement_dkk=0,
        income_share=Decimal("0.18"),
        income_threshold_dkk=170_300,
        min_own_payment_dkk=28_700,
        own_payment_income_share=Decimal("0"),
        max_benefit_dkk=50_412,
        max_housing_expense_dkk=95_500,
        childless_cap_share=Decimal("0.15"),
        min_payout_dkk=3_696,
        source=DOMAIN_2026 + "; formula boligstøtteloven § 22",
    ),
    wealth=WealthRule(
        lower_limit_dkk=896_400,
        upper_limit_dkk=1_793_000,
        lower_share=Decimal("0.10"),
        upper_share=Decimal("0.20"),
        source=DOMAIN_2026 + "; marginal scale of boligstøtteloven § 8 a",
    ),
    per_m2=PerM2Rates(
        heating_deduction=Decimal("91.50"),
        hot_water_deduction=Decimal("29.00"),
        electricity_deduction=Decimal("69.00"),
        heating_addition=Decimal("35.00"),
        source=DOMAIN_2026 + "; boligstøtteloven § 10, stk. 2 and 5",
    ),
    children=ChildRules(
        threshold_per_extra_child_dkk=45_200,
        threshold_children_counted_max=4,
        max_benefit_increase_share=Decimal("0.25"),
        max_benefit_increase_from_children=4,
        source=(
            "threshold per child: "
            + AELDRESAGEN_2026
            + " (not in DOMAIN.md; the same page predates the corrected table VEJ nr. 9336 "
            "of 24.3.2026, DOMAIN.md section 5); rule of boligstøtteloven § 22 stk. 1; "
            "maximum benefit +25 % with 4 or more children: § 23 stk. 1, 2. pkt."
        ),
    ),
)

_BOLIGYDELSE_2026 = SchemeRates(
    kind="boligydelse",
    formula=BenefitFormula(
        rent_share=Decimal("0.75"),
        expense_supplement_dkk=8_500,
        income_share=Decimal("0.225"),
        income_threshold_dkk=201_400,
        min_own_payment_dkk=21_300,
        own_payment_income_share=Decimal("0.11"),
        max_benefit_dkk=59_628,
        max_housing_expense_dkk=113_000,
        childless_cap_share=None,
        min_payout_dkk=4_380,
        source=DOMAIN_2026 + "; formula boligstøtteloven § 21",
    ),
    wealth=WealthRule(
        lower_limit_dkk=1_011_700,
        upper_limit_dkk=2_023_700,
        lower_share=Decimal("0.10"),
        upper_share=Decimal("0.20"),
        source=(
            "The 2025 pensioners' limits (DOMAIN.md gives no 2026 boligydelse limits): "
            "Ældre Sagen, 'Satser 2025' (edited 15 Jan 2025), https://www.aeldresagen.dk/"
            "viden-og-raadgivning/vaerd-at-vide/b/bolig/boligstoette/satser; indexed limits "
            "only rise, so the 2025 ones count slightly more wealth (conservative)"
        ),
    ),
    per_m2=PerM2Rates(
        heating_deduction=Decimal("108.25"),
        hot_water_deduction=Decimal("34.25"),
        electricity_deduction=Decimal("81.75"),
        heating_addition=Decimal("41.50"),
        source=DOMAIN_2026 + "; boligstøtteloven § 10, stk. 2 and 5",
    ),
    children=ChildRules(
        threshold_per_extra_child_dkk=53_100,
        threshold_children_counted_max=4,
        max_benefit_increase_share=Decimal("0.25"),
        max_benefit_increase_from_children=4,
        source=AELDRESAGEN_2026 + " (not in DOMAIN.md); rule of boligstøtteloven § 21",
    ),
)

RATE_TABLES: Mapping[int, RateTable] = MappingProxyType(
    {
        2025: RateTable(year=2025, benefits=_BENEFITS_2025, housing_benefit=None),
        2026: RateTable(
            year=2026,
            benefits=_BENEFITS_2026,
            housing_benefit=HousingBenefitRates(
                area_cap=_AREA_CAP,
                boligsikring=_BOLIGSIKRING_2026,
                boligydelse=_BOLIGYDELSE_2026,
            ),
            child_benefit=_CHILD_BENEFIT_2026,
        ),
    }
)
"""Every year's table, keyed by calendar year."""


def _check_year(year: object) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError("year", f"must be a whole year such as 2026 (got {year!r})")
    return year


def rates_for(year: int) -> RateTable:
    """Return the rate table of ``year``; :class:`UnknownYearError` if there is none."""
    year = _check_year(year)
    try:
        return RATE_TABLES[year]
    except KeyError:
        raise UnknownYearError(year, tuple(sorted(RATE_TABLES))) from None


def benefit_rates_for(year: int) -> BenefitRates:
    """Return the benefit (income) rates of ``year``; :class:`UnknownYearError` if missing."""
    benefits = rates_for(year).benefits
    if benefits is None:
        available = tuple(y for y, t in sorted(RATE_TABLES.items()) if t.benefits is not None)
        raise UnknownYearError(year, available, "benefit rates")
    return benefits


def housing_benefit_rates_for(year: int) -> HousingBenefitRates:
    """Return the housing-benefit parameters of ``year``; :class:`UnknownYearError` if missing."""
    housing = rates_for(year).housing_benefit
    if housing is None:
        available = tuple(
            y for y, t in sorted(RATE_TABLES.items()) if t.housing_benefit is not None
        )
        raise UnknownYearError(year, available, "housing-benefit rates")
    return housing


def child_benefit_rates_for(year: int) -> ChildBenefitRates:
    """Return the børne- og ungeydelse rates of ``year``; :class:`UnknownYearError` if missing."""
    child = rates_for(year).child_benefit
    if child is None:
        available = tuple(y for y, t in sorted(RATE_TABLES.items()) if t.child_benefit is not None)
        raise UnknownYearError(year, available, "child-benefit rates")
    return child
