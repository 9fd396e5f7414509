"""Housing benefit (boligstøtte) estimated the way Udbetaling Danmark computes it.

Two schemes (lov om individuel boligstøtte, LBK nr. 995 af 1.7.2025): *boligsikring* for
non-pensioners (§ 22) and *boligydelse* for folkepension recipients and those granted
førtidspension before 2003 (§ 21). The yearly calculation, with the numbers of
:mod:`matcher.rates` (2026: the corrected table VEJ nr. 9336 af 24.3.2026):

1. Housing expense ``B = 12 × rent``, minus per-m² deductions for heating and hot water
   (and electricity) included in the rent, plus a per-m² addition when heating is paid
   separately (§ 10). The per-m² amounts use the home's full area: DOMAIN.md gives no
   firmer rule, and the area cap in step 2 then scales the adjusted expense as a whole.
2. Area cap: 65 m² for the first person + 20 m² per further person; a larger home has
   ``B`` scaled by cap/area. Then ``B`` is capped at the maximum housing expense (§ 14),
   raised 5 % per child up to 20 % (stk. 1) and 50 % for a severely mobility-impaired
   member in a suitable home or a member with døgnhjælp (stk. 2-3), a raised amount
   rounded to the nearest 100 kr. (stk. 2, 2. pkt.). No maximum at all when the
   municipality allocates an almen bolig to someone entitled to boligydelse (stk. 4 nr. 2).
3. Income ``I`` = 12 × monthly household income + a wealth supplement (§ 8 a: 10 % of the
   wealth between the two limits, 20 % of the wealth above the upper one).
4. The formula of the scheme (see :class:`matcher.rates.BenefitFormula`); the maximum
   benefit (§ 23 stk. 1: +25 % with 4 or more children, +50 % for a severely
   mobility-impaired member in a suitable home or døgnhjælp; none in a municipally
   allocated almen bolig for boligydelse, § 23 stk. 2); and for boligsikring the 15 % cap
   for households without children unless a member receives førtidspension or
   seniorpension, is severely mobility-impaired in a suitable home, or receives døgnhjælp
   (§ 22 stk. 3).
5. The yearly amount is paid as 12 equal whole-krone months: the monthly amount is the
   yearly one / 12 rounded half up (DOMAIN.md's checks: 926.25 → 926, 559.5 → 560,
   499.5 → 500), so the yearly benefit is ``12 × monthly`` ("et årligt kronebeløb, som er
   deleligt med 12"). Nothing is paid when that is below the minimum payout.

Exactness: money is taken to the øre and areas to the hundredth of a m², and everything
after that is integer arithmetic (``B`` in 1/10,000 kr., income in 1/10,000,000 kr., the
formula in 1/10,000,000,000 kr.), so a result sitting exactly on a half krone rounds the
same way every time, and the scalar path (:func:`estimate`, with explanations) and the
NumPy path (:func:`estimate_many`) give identical numbers. The only rounding inside the
calculation is the area scaling, to 1/10,000 kr., half up.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from matcher.errors import (
    MAX_AREA_M2,
    MAX_MONTHLY_DKK,
    MAX_WEALTH_DKK,
    InputError,
    check_bool_array,
    check_count,
    check_count_array,
    check_number,
    check_number_array,
)
from matcher.rates import SchemeKind, SchemeRates, housing_benefit_rates_for

HeatingMode = Literal["separate", "included"]
HEATING_MODES: tuple[HeatingMode, ...] = ("separate", "included")

# Fixed-point units of the exact calculation.
_U_PER_ORE = 100  # housing expense B: 1 unit = 1/10,000 kr.
_V_PER_ORE = 100_000  # income I: 1 unit = 1/10,000,000 kr.
_N_PER_U = 1_000_000  # formula terms: 1 unit = 1/10,000,000,000 kr.
_N_PER_DKK = 10**10
_U_PER_DKK = 10_000


def hundredths(value: float) -> int:
    """Round a non-negative float to hundredths, half up (kr. → øre, m² → 1/100 m²).

    The NumPy path does the same with ``np.floor(x * 100 + 0.5)``: IEEE arithmetic is the
    same in both, so both give the same integer.
    """
    return math.floor(value * 100 + 0.5)


def hundredths_array(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """Vectorised :func:`hundredths`."""
    return np.floor(values * 100 + 0.5).astype(np.int64)


def round_ore_to_dkk(ore: int) -> int:
    """Whole kroner from øre, half up (for non-negative amounts)."""
    return (2 * ore + 100) // 200


def round_ore_to_dkk_array(ore: NDArray[np.int64]) -> NDArray[np.int64]:
    """Vectorised :func:`round_ore_to_dkk`."""
    return (2 * ore + 100) // 200


def _permille(value: Decimal, name: str) -> int:
    scaled = value * 1000
    if scaled != scaled.to_integral_value():
        raise ValueError(f"rate table: {name} = {value} is not a whole number of ‰")
    return int(scaled)


def _ore(value: Decimal | int, name: str) -> int:
    scaled = Decimal(value) * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"rate table: {name} = {value} is not a whole number of øre")
    return int(scaled)


@dataclass(frozen=True)
class _SchemeInts:
    """One scheme's numbers for one year as exact integers in the calculation's units."""

    rates: SchemeRates
    rent_pm: int
    supplement_u: int
    income_pm: int
    threshold_v: int
    per_child_v: int
    extra_children_counted: int
    own_min_u: int
    own_income_pm: int
    max_benefit_u: int
    max_increase_pm: int
    max_increase_from_children: int
    max_expense_u: int
    expense_per_child_pm: int
    expense_children_max: int
    special_expense_pm: int
    special_benefit_pm: int
    expense_round_u: int
    childless_cap_pm: int  # -1: no cap
    min_payout_dkk: int
    wealth_lower_ore: int
    wealth_upper_ore: int
    wealth_lower_pm: int
    wealth_upper_pm: int
    heating_deduction_ore: int
    hot_water_deduction_ore: int
    electricity_deduction_ore: int
    heating_addition_ore: int
    first_person_c: int
    per_extra_person_c: int


@functools.cache
def _scheme_ints(year: int, kind: SchemeKind) -> _SchemeInts:
    housing = housing_benefit_rates_for(year)
    scheme = housing.boligydelse if kind == "boligydelse" else housing.boligsikring
    f, w, m, c = scheme.formula, scheme.wealth, scheme.per_m2, scheme.children
    return _SchemeInts(
        rates=scheme,
        rent_pm=_permille(f.rent_share, "rent_share"),
        supplement_u=_ore(f.expense_supplement_dkk, "expense_supplement") * _U_PER_ORE,
        income_pm=_permille(f.income_share, "income_share"),
        threshold_v=_ore(f.income_threshold_dkk, "income_threshold") * _V_PER_ORE,
        per_child_v=_ore(c.threshold_per_extra_child_dkk, "threshold_per_child") * _V_PER_ORE,
        extra_children_counted=c.threshold_children_counted_max - 1,
        own_min_u=_ore(f.min_own_payment_dkk, "min_own_payment") * _U_PER_ORE,
        own_income_pm=_permille(f.own_payment_income_share, "own_payment_income_share"),
        max_benefit_u=_ore(f.max_benefit_dkk, "max_benefit") * _U_PER_ORE,
        max_increase_pm=_permille(c.max_benefit_increase_share, "max_benefit_increase"),
        max_increase_from_children=c.max_benefit_increase_from_children,
        max_expense_u=_ore(f.max_housing_expense_dkk, "max_housing_expense") * _U_PER_ORE,
        expense_per_child_pm=_permille(
            c.max_expense_increase_per_child_share, "max_expense_increase_per_child"
        ),
        expense_children_max=c.max_expense_increase_children_max,
        special_expense_pm=_permille(
            scheme.special_needs.max_expense_increase_share, "special_expense_increase"
        ),
        special_benefit_pm=_permille(
            scheme.special_needs.max_benefit_increase_share, "special_benefit_increase"
        ),
        expense_round_u=scheme.special_needs.raised_amounts_round_to_dkk * _U_PER_DKK,
        childless_cap_pm=(
            -1
            if f.childless_cap_share is None
            else _permille(f.childless_cap_share, "childless_cap_share")
        ),
        min_payout_dkk=f.min_payout_dkk,
        wealth_lower_ore=_ore(w.lower_limit_dkk, "wealth_lower"),
        wealth_upper_ore=_ore(w.upper_limit_dkk, "wealth_upper"),
        wealth_lower_pm=_permille(w.lower_share, "wealth_lower_share"),
        wealth_upper_pm=_permille(w.upper_share, "wealth_upper_share"),
        heating_deduction_ore=_ore(m.heating_deduction, "heating_deduction"),
        hot_water_deduction_ore=_ore(m.hot_water_deduction, "hot_water_deduction"),
        electricity_deduction_ore=_ore(m.electricity_deduction, "electricity_deduction"),
        heating_addition_ore=_ore(m.heating_addition, "heating_addition"),
        first_person_c=housing.area_cap.first_person_m2 * 100,
        per_extra_person_c=housing.area_cap.per_extra_person_m2 * 100,
    )


def check_area_hundredths(field_name: str, area_c: int, value: float) -> None:
    if area_c < 1:
        raise InputError(field_name, f"must be at least 0.01 m² (got {value!r})")


def check_heating(field_name: str, heating: object) -> HeatingMode:
    if heating not in HEATING_MODES:
        raise InputError(field_name, f"must be 'separate' or 'included' (got {heating!r})")
    return "included" if heating == "included" else "separate"


def check_flag(field_name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InputError(field_name, f"must be true or false (got {value!r})")
    return value


@dataclass(frozen=True)
class HousingBenefitInput:
    """One household in one home, as the housing-benefit calculation needs them.

    Parameters
    ----------
    income_dkk : float [DKK/month]
        The household's total income before tax.
    rent_dkk : float [DKK/month]
        The rent the household is charged, excluding utilities (after any reform rent
        reduction).
    area_m2 : float [m²]
        The home's area.
    adults, children : int
        Household members; every member counts for the area cap.
    wealth_dkk : float [DKK]
        The household's wealth (formue).
    heating : "separate" or "included"
        ``included``: heating and hot water are paid in the rent (deducted per m²);
        ``separate``: heating is paid a conto or to the supplier (added per m²).
    pensioner : bool
        Receives folkepension (or førtidspension granted before 2003): boligydelse instead
        of boligsikring.
    receives_foertidspension : bool
        A member receives førtidspension: lifts boligsikring's 15 % cap for households
        without children (§ 22 stk. 3 nr. 1).
    electricity_included : bool
        Electricity is paid in the rent (deducted per m²); rare for almene boliger.
    boligydelse_caps_apply : bool
        Kept for callers from before :attr:`municipal_allocation`: False has the same
        effect as ``municipal_allocation=True`` (no maximum housing expense or maximum
        benefit for boligydelse).
    year : int
        The rate year.
    municipal_allocation : bool
        The municipality allocates (anviser) this almen bolig. For someone entitled to
        boligydelse neither the maximum housing expense (§ 14 stk. 4 nr. 2) nor the maximum
        benefit (§ 23 stk. 2) applies; boligsikring is unaffected.
    mobility_impaired : bool
        A member is severely mobility-impaired (stærkt bevægelseshæmmet) and the home is
        suitable: maximum housing expense +50 % (§ 14 stk. 2), maximum benefit +50 %
        (§ 23 stk. 1, 3. pkt.), no 15 % cap (§ 22 stk. 3 nr. 2).
    doegnhjaelp : bool
        A member receives døgnhjælp (round-the-clock help, serviceloven): the same raises
        as ``mobility_impaired``, not added to them (§ 14 stk. 3, § 23 stk. 1, 4. pkt.,
        § 22 stk. 3 nr. 3).
    receives_seniorpension : bool
        A member receives seniorpension: no 15 % cap (§ 22 stk. 3 nr. 1).
    foertidspension_before_2003 : bool
        A member receives førtidspension granted (or applied for) before 1 January 2003:
        boligydelse instead of boligsikring, as ``pensioner``.
    """

    income_dkk: float
    rent_dkk: float
    area_m2: float
    adults: int = 1
    children: int = 0
    wealth_dkk: float = 0.0
    heating: HeatingMode = "separate"
    pensioner: bool = False
    receives_foertidspension: bool = False
    electricity_included: bool = False
    boligydelse_caps_apply: bool = True
    year: int = 2026
    municipal_allocation: bool = False
    mobility_impaired: bool = False
    doegnhjaelp: bool = False
    receives_seniorpension: bool = False
    foertidspension_before_2003: bool = False

    def __post_init__(self) -> None:
        check_number("income_dkk", self.income_dkk, maximum=MAX_MONTHLY_DKK)
        check_number("rent_dkk", self.rent_dkk, maximum=MAX_MONTHLY_DKK)
        check_number("area_m2", self.area_m2, maximum=MAX_AREA_M2, positive=True)
        check_area_hundredths("area_m2", hundredths(self.area_m2), self.area_m2)
        check_count("adults", self.adults, minimum=1)
        check_count("children", self.children, minimum=0)
        check_number("wealth_dkk", self.wealth_dkk, maximum=MAX_WEALTH_DKK)
        check_heating("heating", self.heating)
        check_flag("pensioner", self.pensioner)
        check_flag("receives_foertidspension", self.receives_foertidspension)
        check_flag("electricity_included", self.electricity_included)
        check_flag("boligydelse_caps_apply", self.boligydelse_caps_apply)
        for name in (
            "municipal_allocation",
            "mobility_impaired",
            "doegnhjaelp",
            "receives_seniorpension",
            "foertidspension_before_2003",
        ):
            check_flag(name, getattr(self, name))
        check_count("year", self.year, minimum=0, maximum=10_000)
        housing_benefit_rates_for(self.year)

    @property
    def boligydelse(self) -> bool:
        """Entitled to boligydelse (§ 21): folkepension, or førtidspension from before 2003."""
        return self.pensioner or self.foertidspension_before_2003

    @property
    def special_needs(self) -> bool:
        """A severely mobility-impaired member in a suitable home, or døgnhjælp."""
        return self.mobility_impaired or self.doegnhjaelp

    @property
    def caps_apply(self) -> bool:
        """Whether the maximum housing expense and maximum benefit apply (§ 14/§ 23 stk. 4/2)."""
        return not (
            self.boligydelse and (self.municipal_allocation or not self.boligydelse_caps_apply)
        )


@dataclass(frozen=True)
class HousingBenefitEstimate:
    """The estimated housing benefit and how it was reached.

    Attributes
    ----------
    kind : "boligsikring" or "boligydelse"
    monthly_benefit_dkk : int [DKK/month]
        Whole kroner, as Udbetaling Danmark pays it.
    net_rent_dkk : int [DKK/month]
        Rent (whole kroner) minus the monthly benefit.
    yearly_benefit_dkk : int [DKK/year]
        12 × the monthly benefit.
    housing_expense_dkk : float [DKK/year]
        The housing expense B after the per-m² adjustments and both caps.
    income_dkk : float [DKK/year]
        The income I the formula uses, wealth supplement included.
    area_cap_m2 : int [m²]
    steps : tuple of str
        One plain-words sentence per step of the calculation, with its numbers.
    """

    kind: SchemeKind
    monthly_benefit_dkk: int
    net_rent_dkk: int
    yearly_benefit_dkk: int
    housing_expense_dkk: float
    income_dkk: float
    area_cap_m2: int
    steps: tuple[str, ...] = field(default=())


def _scale_half_up(value: int, numerator: int, denominator: int) -> int:
    """``round_half_up(value × numerator / denominator)`` exactly, without large products."""
    quotient, remainder = divmod(value, denominator)
    return quotient * numerator + (2 * remainder * numerator + denominator) // (2 * denominator)


def _money(value: int, per_dkk: int) -> str:
    """Format an amount held in 1/per_dkk kroner: thousands separators, øre only if any."""
    amount = (Decimal(value) / per_dkk).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


_DIGIT_MARK = re.compile(r"(?<=\d)[.,](?=\d)")
"""A thousands or decimal mark between digits, which Danish writes the other way round."""


def _swap_mark(match: re.Match[str]) -> str:
    return "." if match.group() == "," else ","


def _pct(share: Decimal) -> str:
    return f"{(share * 100).normalize():f} %"


def _m2(area_c: int) -> str:
    return _money(area_c, 100)


def max_expense_units(s: _SchemeInts, children: int, special: bool) -> tuple[int, int]:
    """(raise in ‰, maximum housing expense in 1/10,000 kr.) for one household (§ 14).

    The base amount rises 5 % per child (at most 4 children, stk. 1) and 50 % with special
    needs (stk. 2-3); a raised amount is rounded to the nearest 100 kr., half up (stk. 2,
    2. pkt.; the base amounts are multiples of 100 already).
    """
    raise_pm = s.expense_per_child_pm * min(children, s.expense_children_max)
    if special:
        raise_pm += s.special_expense_pm
    if raise_pm == 0:
        return 0, s.max_expense_u
    step = s.expense_round_u * 1000
    raised = (2 * s.max_expense_u * (1000 + raise_pm) + step) // (2 * step) * s.expense_round_u
    return raise_pm, raised


def estimate(inp: HousingBenefitInput, language: str = "en") -> HousingBenefitEstimate:
    """Estimate the housing benefit of one household in one home, with explanations.

    Parameters
    ----------
    inp : HousingBenefitInput
        Validated when it was constructed.
    language : str
        The steps' language: ``en`` (default) or ``da``, the caseworker's Danish with
        Danish number forms (60.000 kr., 35,00); the numbers are the same.

    Returns
    -------
    HousingBenefitEstimate
        The same numbers as :func:`estimate_many` gives for the same input.
    """
    kind: SchemeKind = "boligydelse" if inp.boligydelse else "boligsikring"
    s = _scheme_ints(inp.year, kind)
    r = s.rates
    steps: list[str] = []
    rent_ore = hundredths(inp.rent_dkk)
    income_ore = hundredths(inp.income_dkk)
    wealth_ore = hundredths(inp.wealth_dkk)
    area_c = hundredths(inp.area_m2)
    persons = inp.adults + inp.children

    da = language == "da"

    def say(english: str, danish: str) -> str:
        return danish if da else english

    # 1. Housing expense with the per-m² adjustments.
    rent_year_u = 12 * rent_ore * _U_PER_ORE
    text = say("Housing expense B: 12 × rent", "Boligudgift B: 12 × husleje") + (
        f" {_money(rent_ore, 100)} = {_money(rent_year_u, _U_PER_DKK)}"
    )
    if inp.heating == "included":
        per_m2 = -(s.heating_deduction_ore + s.hot_water_deduction_ore)
        text += say(
            "; heating and hot water included in the rent: − (",
            "; varme og varmt vand betales i huslejen: − (",
        ) + (f"{r.per_m2.heating_deduction} + {r.per_m2.hot_water_deduction}) × {_m2(area_c)} m²")
    else:
        per_m2 = s.heating_addition_ore
        text += say("; heating paid separately: + ", "; varme betales særskilt: + ") + (
            f"{r.per_m2.heating_addition} × {_m2(area_c)} m²"
        )
    if inp.electricity_included:
        per_m2 -= s.electricity_deduction_ore
        text += say("; electricity included: − ", "; el betales i huslejen: − ") + (
            f"{r.per_m2.electricity_deduction} × {_m2(area_c)} m²"
        )
    expense_u = max(0, rent_year_u + area_c * per_m2)
    steps.append(f"{text} → {_money(expense_u, _U_PER_DKK)} " + say("kr./year.", "kr./år."))

    # 2. Area cap, then the maximum housing expense.
    cap_c = s.first_person_c + s.per_extra_person_c * (persons - 1)
    who = say(
        "1 person" if persons == 1 else f"{persons} persons",
        f"{persons} person" + ("" if persons == 1 else "er"),
    )
    if area_c > cap_c:
        scaled_u = _scale_half_up(expense_u, cap_c, area_c)
        steps.append(
            say(
                f"Area {_m2(area_c)} m² is above the cap of {_m2(cap_c)} m² for {who}: "
                f"B scaled by {_m2(cap_c)}/{_m2(area_c)} to {_money(scaled_u, _U_PER_DKK)}.",
                f"Arealet {_m2(area_c)} m² er over grænsen på {_m2(cap_c)} m² for {who}: "
                f"B nedsættes med {_m2(cap_c)}/{_m2(area_c)} til {_money(scaled_u, _U_PER_DKK)}.",
            )
        )
    else:
        scaled_u = expense_u
        steps.append(
            say(
                f"Area {_m2(area_c)} m² is within the cap of {_m2(cap_c)} m² for {who}.",
                f"Arealet {_m2(area_c)} m² er inden for grænsen på {_m2(cap_c)} m² for {who}.",
            )
        )
    caps = inp.caps_apply
    raise_pm, max_expense_u = max_expense_units(s, inp.children, inp.special_needs)
    max_expense = _money(max_expense_u, _U_PER_DKK)
    if raise_pm:
        reasons = []
        if inp.children:
            n = min(inp.children, s.expense_children_max)
            reasons.append(
                f"{n} × {s.expense_per_child_pm // 10} % "
                + say("for children (§ 14 stk. 1)", "for børn (§ 14 stk. 1)")
            )
        if inp.special_needs:
            why = (
                say("mobility impairment", "stærkt bevægelseshæmmet")
                if inp.mobility_impaired
                else "døgnhjælp"
            )
            para = "stk. 2" if inp.mobility_impaired else "stk. 3"
            reasons.append(f"{s.special_expense_pm // 10} % for {why} (§ 14 {para})")
        max_expense += say(
            f" ({_money(s.max_expense_u, _U_PER_DKK)} raised by {' + '.join(reasons)}, "
            "rounded to the nearest 100 kr.)",
            f" ({_money(s.max_expense_u, _U_PER_DKK)} forhøjet med {' + '.join(reasons)}, "
            "afrundet til nærmeste 100 kr.)",
        )
    if not caps:
        b_u = scaled_u
        steps.append(
            say(
                "No maximum housing expense or maximum benefit: the municipality allocates "
                "this almen bolig to someone entitled to boligydelse (§ 14 stk. 4 nr. 2, "
                "§ 23 stk. 2).",
                "Ingen maksimal boligudgift og ingen maksimal støtte: kommunen anviser denne "
                "almene bolig til en, der har ret til boligydelse (§ 14 stk. 4 nr. 2, "
                "§ 23 stk. 2).",
            )
        )
    elif scaled_u > max_expense_u:
        b_u = max_expense_u
        steps.append(
            say(
                f"B capped at the maximum housing expense {max_expense} (§ 14).",
                f"B nedsættes til den maksimale boligudgift {max_expense} (§ 14).",
            )
        )
    else:
        b_u = scaled_u
        steps.append(
            say(
                f"B is within the maximum housing expense {max_expense} (§ 14).",
                f"B er inden for den maksimale boligudgift {max_expense} (§ 14).",
            )
        )

    # 3. Income with the wealth supplement.
    band_ore = s.wealth_upper_ore - s.wealth_lower_ore
    between_ore = min(max(0, wealth_ore - s.wealth_lower_ore), band_ore)
    above_ore = max(0, wealth_ore - s.wealth_upper_ore)
    wealth_v = (s.wealth_lower_pm * between_ore + s.wealth_upper_pm * above_ore) * 100
    income_v = 12 * income_ore * _V_PER_ORE + wealth_v
    text = say("Income I", "Indkomst I") + f": 12 × {_money(income_ore, 100)}"
    if wealth_v:
        w = r.wealth
        text += say(
            f" + {_pct(w.lower_share)} of wealth between {w.lower_limit_dkk:,} and "
            f"{w.upper_limit_dkk:,} + {_pct(w.upper_share)} of wealth above "
            f"{w.upper_limit_dkk:,} ({_money(wealth_v, 10**7)} for wealth "
            f"{_money(wealth_ore, 100)})",
            f" + {_pct(w.lower_share)} af formuen mellem {w.lower_limit_dkk:,} og "
            f"{w.upper_limit_dkk:,} + {_pct(w.upper_share)} af formuen over "
            f"{w.upper_limit_dkk:,} ({_money(wealth_v, 10**7)} for en formue på "
            f"{_money(wealth_ore, 100)})",
        )
    steps.append(f"{text} = {_money(income_v, 10**7)} " + say("kr./year.", "kr./år."))

    # 4. The formula, the minimum own payment, the maximum and the 15 % cap.
    extra_children = min(max(inp.children - 1, 0), s.extra_children_counted)
    threshold_v = s.threshold_v + extra_children * s.per_child_v
    excess_v = max(0, income_v - threshold_v)
    formula_n = s.rent_pm * (b_u + s.supplement_u) * 1000 - s.income_pm * excess_v
    f = r.formula
    of = say("of", "af")
    share_of = (
        f"{_pct(f.rent_share)} {of} (B + {f.expense_supplement_dkk:,})"
        if f.expense_supplement_dkk
        else f"{_pct(f.rent_share)} {of} B"
    )
    steps.append(
        f"{share_of} = {_money(s.rent_pm * (b_u + s.supplement_u) * 1000, _N_PER_DKK)} − "
        f"{_pct(f.income_share)} "
        + say("of income above", "af indkomsten over")
        + f" {_money(threshold_v, 10**7)}"
        + (
            say(
                f" (raised for {extra_children} "
                f"{'child' if extra_children == 1 else 'children'} beyond the first)",
                f" (forhøjet for {extra_children} "
                f"{'barn' if extra_children == 1 else 'børn'} ud over det første)",
            )
            if extra_children
            else ""
        )
        + f" ({_money(s.income_pm * excess_v, _N_PER_DKK)}) = {_money(formula_n, _N_PER_DKK)}."
    )
    own_n = max(s.own_income_pm * income_v, s.own_min_u * _N_PER_U)
    own_limit_n = b_u * _N_PER_U - own_n
    if s.own_income_pm:
        own_text = say(
            f"the larger of {_pct(f.own_payment_income_share)} of I and "
            f"{f.min_own_payment_dkk:,} ({_money(own_n, _N_PER_DKK)})",
            f"det største af {_pct(f.own_payment_income_share)} af I og "
            f"{f.min_own_payment_dkk:,} ({_money(own_n, _N_PER_DKK)})",
        )
    else:
        own_text = f"{f.min_own_payment_dkk:,}"
    steps.append(
        say("B − minimum own payment", "B − mindste egenbetaling")
        + f" {own_text} = {_money(own_limit_n, _N_PER_DKK)}."
    )
    candidates = [formula_n, own_limit_n]
    if caps:
        raised = inp.children >= s.max_increase_from_children
        benefit_raise_pm = (s.max_increase_pm if raised else 0) + (
            s.special_benefit_pm if inp.special_needs else 0
        )
        max_n = s.max_benefit_u * (1000 + benefit_raise_pm) * 1000
        candidates.append(max_n)
        increases: list[str] = []
        if raised:
            increases.append(
                f"+{s.max_increase_pm // 10} % for {inp.children} " + say("children", "børn")
            )
        if inp.special_needs:
            need = (
                say("mobility impairment", "stærkt bevægelseshæmmet")
                if inp.mobility_impaired
                else "døgnhjælp"
            )
            increases.append(f"+{s.special_benefit_pm // 10} % for {need}")
        steps.append(
            say("Maximum benefit", "Maksimal støtte")
            + f" {_money(max_n, _N_PER_DKK)}"
            + (f" ({', '.join(increases)}; § 23 stk. 1)." if increases else " (§ 23 stk. 1).")
        )
    if inp.children == 0 and s.childless_cap_pm >= 0:
        exemptions = [
            text
            for flag, text in (
                (
                    inp.receives_foertidspension,
                    say("receives førtidspension", "får førtidspension"),
                ),
                (inp.receives_seniorpension, say("receives seniorpension", "får seniorpension")),
                (
                    inp.mobility_impaired,
                    say(
                        "is severely mobility-impaired in a suitable home",
                        "er stærkt bevægelseshæmmet i en egnet bolig",
                    ),
                ),
                (inp.doegnhjaelp, say("receives døgnhjælp", "får døgnhjælp")),
            )
            if flag
        ]
        cap_share = _pct(f.childless_cap_share or Decimal(0))
        if exemptions:
            steps.append(
                say(
                    f"No children, but a member {' and '.join(exemptions)}: the "
                    f"{cap_share} cap does not apply (§ 22 stk. 3).",
                    f"Ingen børn, men et medlem af husstanden {' og '.join(exemptions)}: "
                    f"loftet på {cap_share} gælder ikke (§ 22 stk. 3).",
                )
            )
        else:
            cap_n = s.childless_cap_pm * b_u * 1000
            candidates.append(cap_n)
            steps.append(
                say(
                    f"No children: at most {cap_share} of B",
                    f"Ingen børn: højst {cap_share} af B",
                )
                + f" = {_money(cap_n, _N_PER_DKK)} (§ 22 stk. 3)."
            )
    yearly_n = max(0, min(candidates))

    # 5. Whole kroner per month, and the minimum payout.
    monthly = (2 * yearly_n + 12 * _N_PER_DKK) // (24 * _N_PER_DKK)
    steps.append(
        say(
            f"Yearly benefit {_money(yearly_n, _N_PER_DKK)} kr. / 12 = "
            f"{_money(yearly_n, 12 * _N_PER_DKK)} → {monthly:,} kr./month (half up to whole "
            "kroner).",
            f"Årlig støtte {_money(yearly_n, _N_PER_DKK)} kr. / 12 = "
            f"{_money(yearly_n, 12 * _N_PER_DKK)} → {monthly:,} kr./md. (afrundet til hele "
            "kroner, halve op).",
        )
    )
    if 0 < 12 * monthly < s.min_payout_dkk:
        steps.append(
            say(
                f"12 × {monthly:,} = {12 * monthly:,} kr./year is below the minimum payout of "
                f"{s.min_payout_dkk:,} kr./year: nothing is paid.",
                f"12 × {monthly:,} = {12 * monthly:,} kr./år er under mindste udbetaling på "
                f"{s.min_payout_dkk:,} kr./år: der udbetales intet.",
            )
        )
        monthly = 0
    rent_dkk = round_ore_to_dkk(rent_ore)
    steps.append(
        say("Net rent", "Husleje efter støtte")
        + f": {rent_dkk:,} − {monthly:,} = {rent_dkk - monthly:,} "
        + say("kr./month.", "kr./md.")
    )
    if da:  # Danish number forms: 60.000 and 35,00
        steps = [_DIGIT_MARK.sub(_swap_mark, step) for step in steps]
    return HousingBenefitEstimate(
        kind=kind,
        monthly_benefit_dkk=monthly,
        net_rent_dkk=rent_dkk - monthly,
        yearly_benefit_dkk=12 * monthly,
        housing_expense_dkk=float(Decimal(b_u) / _U_PER_DKK),
        income_dkk=float(Decimal(income_v) / 10**7),
        area_cap_m2=cap_c // 100,
        steps=tuple(steps),
    )


def monthly_benefit_arrays(
    *,
    rent_ore: NDArray[np.int64],
    income_ore: NDArray[np.int64],
    wealth_ore: NDArray[np.int64],
    area_centi_m2: NDArray[np.int64],
    adults: NDArray[np.int64],
    children: NDArray[np.int64],
    heating_included: NDArray[np.bool_],
    electricity_included: NDArray[np.bool_],
    pensioner: NDArray[np.bool_],
    receives_foertidspension: NDArray[np.bool_],
    boligydelse_caps_apply: NDArray[np.bool_],
    year: int,
    mobility_impaired: NDArray[np.bool_] | None = None,
    doegnhjaelp: NDArray[np.bool_] | None = None,
    receives_seniorpension: NDArray[np.bool_] | None = None,
    foertidspension_before_2003: NDArray[np.bool_] | None = None,
    municipal_allocation: NDArray[np.bool_] | None = None,
) -> NDArray[np.int64]:
    """Monthly benefit [DKK/month] from already validated fixed-point arrays.

    The arithmetic is :func:`estimate`'s, step for step, in int64; the arrays broadcast
    together. Used by :func:`estimate_many` and :func:`matcher.affordability.assess_many`.
    The flags after ``year`` are those of :class:`HousingBenefitInput` (None: all False).
    """
    terms = household_benefit_terms(
        income_ore=income_ore,
        wealth_ore=wealth_ore,
        adults=adults,
        children=children,
        pensioner=pensioner,
        receives_foertidspension=receives_foertidspension,
        boligydelse_caps_apply=boligydelse_caps_apply,
        year=year,
        mobility_impaired=mobility_impaired,
        doegnhjaelp=doegnhjaelp,
        receives_seniorpension=receives_seniorpension,
        foertidspension_before_2003=foertidspension_before_2003,
    )
    return home_benefit_arrays(
        terms,
        rent_ore=rent_ore,
        area_centi_m2=area_centi_m2,
        heating_included=heating_included,
        electricity_included=electricity_included,
        municipal_allocation=municipal_allocation,
    )


def _flag(value: NDArray[np.bool_] | None, like: NDArray[Any]) -> NDArray[np.bool_]:
    """An optional flag array; None means False everywhere (the shape of ``like``)."""
    if value is None:
        return np.zeros(np.shape(like), dtype=np.bool_)
    return np.asarray(value, dtype=np.bool_)


BenefitTerms = dict[str, Any]
"""The household-only terms of :func:`monthly_benefit_arrays` (arrays or plain ints)."""


def household_benefit_terms(
    *,
    income_ore: NDArray[np.int64],
    wealth_ore: NDArray[np.int64],
    adults: NDArray[np.int64],
    children: NDArray[np.int64],
    pensioner: NDArray[np.bool_],
    receives_foertidspension: NDArray[np.bool_],
    boligydelse_caps_apply: NDArray[np.bool_],
    year: int,
    mobility_impaired: NDArray[np.bool_] | None = None,
    doegnhjaelp: NDArray[np.bool_] | None = None,
    receives_seniorpension: NDArray[np.bool_] | None = None,
    foertidspension_before_2003: NDArray[np.bool_] | None = None,
) -> BenefitTerms:
    """The part of :func:`monthly_benefit_arrays` that depends on the household only.

    Computed once per household, then gathered per pair (:func:`take_terms`) for
    :func:`home_benefit_arrays`: the same int64 arithmetic, element for element. The
    optional flags are those of :class:`HousingBenefitInput` (None: False everywhere).
    """
    bs = _scheme_ints(year, "boligsikring")
    yd = _scheme_ints(year, "boligydelse")
    boligydelse = np.asarray(pensioner, dtype=np.bool_) | _flag(
        foertidspension_before_2003, pensioner
    )
    mobility = _flag(mobility_impaired, pensioner)
    special = mobility | _flag(doegnhjaelp, pensioner)
    no_childless_cap = (
        np.asarray(receives_foertidspension, dtype=np.bool_)
        | _flag(receives_seniorpension, pensioner)
        | special
    )

    everyone = bs if not boligydelse.any() else yd if boligydelse.all() else None

    def pick(name: str) -> Any:
        """The scheme's parameter per pair (a plain int when every pair has one scheme)."""
        if everyone is not None:
            return getattr(everyone, name)
        return np.where(boligydelse, getattr(yd, name), getattr(bs, name)).astype(np.int64)

    persons = adults + children
    lower = pick("wealth_lower_ore")
    upper = pick("wealth_upper_ore")
    between = np.minimum(np.maximum(0, wealth_ore - lower), upper - lower)
    above = np.maximum(0, wealth_ore - upper)
    wealth_v = (pick("wealth_lower_pm") * between + pick("wealth_upper_pm") * above) * 100
    income_v = 12 * income_ore * _V_PER_ORE + wealth_v

    extra_children = np.minimum(np.maximum(children - 1, 0), pick("extra_children_counted"))
    threshold_v = pick("threshold_v") + extra_children * pick("per_child_v")
    excess_v = np.maximum(0, income_v - threshold_v)
    raised = children >= pick("max_increase_from_children")
    cap_pm = pick("childless_cap_pm")
    # § 14: the maximum housing expense, raised per child and for special needs, rounded
    # to the nearest 100 kr. (max_expense_units, element for element).
    expense_raise = pick("expense_per_child_pm") * np.minimum(
        children, pick("expense_children_max")
    ) + np.where(special, pick("special_expense_pm"), 0)
    round_u = pick("expense_round_u")
    max_expense = np.where(
        expense_raise > 0,
        (2 * pick("max_expense_u") * (1000 + expense_raise) + round_u * 1000)
        // (2 * round_u * 1000)
        * round_u,
        pick("max_expense_u"),
    )
    benefit_raise = np.where(raised, pick("max_increase_pm"), 0) + np.where(
        special, pick("special_benefit_pm"), 0
    )
    return {
        "hot": -(pick("heating_deduction_ore") + pick("hot_water_deduction_ore")),
        "heating": pick("heating_addition_ore"),
        "electricity": pick("electricity_deduction_ore"),
        "cap_c": bs.first_person_c + bs.per_extra_person_c * (persons - 1),
        "caps": ~boligydelse | boligydelse_caps_apply,
        "boligydelse": boligydelse,
        "max_expense": max_expense,
        "rent_pm": pick("rent_pm"),
        "supplement": pick("supplement_u"),
        "income_cut": pick("income_pm") * excess_v,
        "own_n": np.maximum(pick("own_income_pm") * income_v, pick("own_min_u") * _N_PER_U),
        "max_n": pick("max_benefit_u") * (1000 + benefit_raise) * 1000,
        "cap_pm": cap_pm,
        "childless_cap": (children == 0) & (cap_pm >= 0) & ~no_childless_cap,
        "min_payout": pick("min_payout_dkk"),
    }


def take_terms(terms: BenefitTerms, index: NDArray[np.int64]) -> BenefitTerms:
    """Per-household terms gathered per pair (``index`` names each pair's household)."""
    return {
        name: value[index] if isinstance(value, np.ndarray) and value.ndim else value
        for name, value in terms.items()
    }


def home_benefit_arrays(
    terms: BenefitTerms,
    *,
    rent_ore: NDArray[np.int64],
    area_centi_m2: NDArray[np.int64],
    heating_included: NDArray[np.bool_],
    electricity_included: NDArray[np.bool_],
    municipal_allocation: NDArray[np.bool_] | None = None,
) -> NDArray[np.int64]:
    """:func:`monthly_benefit_arrays` from the household terms and the homes' arrays.

    ``municipal_allocation`` (per home or pair; None: False) lifts both maxima for
    households entitled to boligydelse (§ 14 stk. 4 nr. 2, § 23 stk. 2).
    """
    t = terms
    per_m2 = np.where(heating_included, t["hot"], t["heating"]) - np.where(
        electricity_included, t["electricity"], 0
    )
    expense = np.maximum(0, 12 * rent_ore * _U_PER_ORE + area_centi_m2 * per_m2)
    cap_c = t["cap_c"]
    quotient, remainder = np.divmod(expense, area_centi_m2)
    scaled = np.where(
        area_centi_m2 > cap_c,
        quotient * cap_c + (2 * remainder * cap_c + area_centi_m2) // (2 * area_centi_m2),
        expense,
    )
    caps = t["caps"]
    if municipal_allocation is not None:
        caps = caps & ~(t["boligydelse"] & np.asarray(municipal_allocation, dtype=np.bool_))
    b = np.where(caps, np.minimum(scaled, t["max_expense"]), scaled)
    formula_n = t["rent_pm"] * (b + t["supplement"]) * 1000 - t["income_cut"]
    yearly_n = np.minimum(formula_n, b * _N_PER_U - t["own_n"])
    yearly_n = np.where(caps, np.minimum(yearly_n, t["max_n"]), yearly_n)
    yearly_n = np.where(t["childless_cap"], np.minimum(yearly_n, t["cap_pm"] * b * 1000), yearly_n)
    yearly_n = np.maximum(0, yearly_n)

    monthly = (2 * yearly_n + 12 * _N_PER_DKK) // (24 * _N_PER_DKK)
    monthly = np.where(12 * monthly < t["min_payout"], 0, monthly)
    return np.asarray(monthly, dtype=np.int64)


def validated_area_array(field_name: str, value: ArrayLike) -> NDArray[np.int64]:
    """Areas [m²] checked and turned into hundredths of a m²."""
    area = check_number_array(field_name, value, maximum=MAX_AREA_M2, positive=True)
    area_c = hundredths_array(area)
    small = np.flatnonzero(np.atleast_1d(area_c) < 1)
    if small.size:
        index = int(small[0])
        label = f"{field_name}[{index}]" if area.ndim == 1 else field_name
        bad = float(np.atleast_1d(area)[index])
        raise InputError(label, f"must be at least 0.01 m² (got {bad!r})")
    return area_c


def broadcast(*arrays: NDArray[Any]) -> list[NDArray[Any]]:
    """``np.broadcast_arrays``, with an :class:`InputError` when the lengths do not match."""
    try:
        return list(np.broadcast_arrays(*arrays))
    except ValueError:
        lengths = sorted({a.shape[0] for a in arrays if a.ndim == 1})
        raise InputError(
            "arrays", f"must be scalars or 1-D arrays of one common length (got lengths {lengths})"
        ) from None


def validated_year(year: object) -> int:
    """A year that has housing-benefit rates, else an error naming ``year``."""
    checked = check_count("year", year, minimum=0, maximum=10_000)
    housing_benefit_rates_for(checked)
    return checked


def estimate_many(
    *,
    income_dkk: ArrayLike,
    rent_dkk: ArrayLike,
    area_m2: ArrayLike,
    adults: ArrayLike = 1,
    children: ArrayLike = 0,
    wealth_dkk: ArrayLike = 0.0,
    heating_included: ArrayLike = False,
    pensioner: ArrayLike = False,
    receives_foertidspension: ArrayLike = False,
    electricity_included: ArrayLike = False,
    boligydelse_caps_apply: ArrayLike = True,
    year: int = 2026,
    municipal_allocation: ArrayLike = False,
    mobility_impaired: ArrayLike = False,
    doegnhjaelp: ArrayLike = False,
    receives_seniorpension: ArrayLike = False,
    foertidspension_before_2003: ArrayLike = False,
) -> NDArray[np.int64]:
    """Monthly housing benefit [DKK/month] for whole arrays of households and homes.

    Every argument is a scalar or a 1-D array (broadcast together, NumPy rules), with the
    meaning and units of :class:`HousingBenefitInput`; ``heating_included`` is the boolean
    form of ``heating == "included"``. Gives exactly :func:`estimate`'s
    ``monthly_benefit_dkk``. Bad input raises :class:`~matcher.errors.InputError` naming
    the argument and the first bad index.
    """
    checked_year = validated_year(year)
    income = check_number_array("income_dkk", income_dkk, maximum=MAX_MONTHLY_DKK)
    rent = check_number_array("rent_dkk", rent_dkk, maximum=MAX_MONTHLY_DKK)
    area_c = validated_area_array("area_m2", area_m2)
    adult_counts = check_count_array("adults", adults, minimum=1)
    child_counts = check_count_array("children", children, minimum=0)
    wealth = check_number_array("wealth_dkk", wealth_dkk, maximum=MAX_WEALTH_DKK)
    arrays = broadcast(
        hundredths_array(rent),
        hundredths_array(income),
        hundredths_array(wealth),
        area_c,
        adult_counts,
        child_counts,
        check_bool_array("heating_included", heating_included),
        check_bool_array("electricity_included", electricity_included),
        check_bool_array("pensioner", pensioner),
        check_bool_array("receives_foertidspension", receives_foertidspension),
        check_bool_array("boligydelse_caps_apply", boligydelse_caps_apply),
        check_bool_array("municipal_allocation", municipal_allocation),
        check_bool_array("mobility_impaired", mobility_impaired),
        check_bool_array("doegnhjaelp", doegnhjaelp),
        check_bool_array("receives_seniorpension", receives_seniorpension),
        check_bool_array("foertidspension_before_2003", foertidspension_before_2003),
    )
    return monthly_benefit_arrays(
        rent_ore=arrays[0],
        income_ore=arrays[1],
        wealth_ore=arrays[2],
        area_centi_m2=arrays[3],
        adults=arrays[4],
        children=arrays[5],
        heating_included=arrays[6],
        electricity_included=arrays[7],
        pensioner=arrays[8],
        receives_foertidspension=arrays[9],
        boligydelse_caps_apply=arrays[10],
        year=checked_year,
        municipal_allocation=arrays[11],
        mobility_impaired=arrays[12],
        doegnhjaelp=arrays[13],
        receives_seniorpension=arrays[14],
        foertidspension_before_2003=arrays[15],
    )
