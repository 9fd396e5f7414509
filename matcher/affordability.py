"""Affordability: can this household pay this home's rent and keep enough to live on?

Hard constraint of the matcher (DOMAIN.md section 5). Per month::

    gross rent        = rent − rent reduction          (what the tenant is charged)
    net housing cost  = gross rent + utilities − housing benefit
    left              = disposable income − net housing cost

with the two incomes of DOMAIN.md section 5, never mixed: the housing benefit is computed
on the *housing-benefit income* (taxable, before income tax, salary after AM-bidrag), and
what is left on the *disposable income* (after income tax, plus tax-free income such as
børne- og ungeydelse; :func:`matcher.income.household_incomes`). The rent-share test stays
on the gross income (taxable, before tax). With the municipality's
:class:`AffordabilityPolicy` (the law sets no number, so both rules are settings of
:class:`matcher.policy.Policy`, with DOMAIN.md's defaults):

* gross rent at most ``max_rent_share`` of gross household income (default half). In the
  law (boligstøtteloven § 15) this triggers an overall assessment, not a refusal, so the
  municipality chooses (``rent_share_rule``): a hard rule (default), or a pair that passes
  the other rule and is flagged ``needs_assessment``;
* at least ``min_left_per_adult_dkk`` per adult + ``min_left_per_child_dkk`` per child left
  (default 3,500 + 2,000).

A temporary reform rent reduction (almenboligloven § 98 f) counts while it lasts; the
verdict says whether the home stays affordable once it ends, from which day it would not,
and the rent then. A permanent one (§ 98 e) simply counts.

Money in verdicts is whole kroner: income, gross rent and utilities are each rounded half
up from the øre, the housing benefit is whole kroner already, and the rest follows by
integer arithmetic, so the numbers shown always add up. :func:`assess` (one pair, with
explanations) and :func:`assess_many` (NumPy, millions of pairs) give the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

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
from matcher.housing_benefit import (
    BenefitTerms,
    HeatingMode,
    HousingBenefitEstimate,
    HousingBenefitInput,
    broadcast,
    check_area_hundredths,
    check_flag,
    check_heating,
    estimate,
    home_benefit_arrays,
    household_benefit_terms,
    hundredths,
    hundredths_array,
    round_ore_to_dkk,
    round_ore_to_dkk_array,
    take_terms,
    validated_area_array,
    validated_year,
)
from matcher.policy import Policy
from matcher.words import kr

__all__ = [
    "AffordabilityPolicy",
    "HeatingMode",
    "Home",
    "Household",
    "Verdict",
    "VerdictArrays",
    "assess",
    "assess_many",
    "summary_text",
]

_PPM = 1_000_000


def share_ppm(share: float) -> int:
    """A share as whole parts per million, half up: the rent-share rule's exact form."""
    return math.floor(share * _PPM + 0.5)


def share_ppm_array(shares: NDArray[np.float64]) -> NDArray[np.int64]:
    """Vectorised :func:`share_ppm` (the same IEEE arithmetic, so the same integers)."""
    return np.floor(shares * _PPM + 0.5).astype(np.int64)


def _kr(amount: int) -> str:
    return f"{amount:,}"


def _percent(share: float) -> str:
    return f"{share * 100:g} %"


def _share_words(share: float) -> str:
    """ "half" for 50 %, else the percentage (the caseworker's words)."""
    return "half" if share == 0.5 else _percent(share)


def _default(name: str) -> Any:
    """The documented default of a :class:`matcher.policy.Policy` setting."""
    return Policy.model_fields[name].default


@dataclass(frozen=True)
class AffordabilityPolicy:
    """A municipality's affordability settings: the part of :class:`matcher.policy.Policy`
    this module needs, with its defaults (DOMAIN.md section 5).

    Parameters
    ----------
    max_rent_share : float
        Gross rent at most this share of household income; in (0, 1], used to the
        millionth.
    min_left_per_adult_dkk, min_left_per_child_dkk : int [DKK/month]
        Left after the net housing cost, at least, per adult and per child.
    boligydelse_caps_apply : bool
        Whether boligydelse's maximum housing expense and maximum benefit apply to homes
        the municipality does not allocate (see
        :class:`~matcher.housing_benefit.HousingBenefitInput`; a municipally allocated
        home, :attr:`Home.municipal_allocation`, never has them: § 14 stk. 4).
    rent_share_rule : "hard" or "assessment"
        ``hard``: a rent above the share is not affordable; ``assessment``: it is flagged
        ``needs_assessment`` (boligstøtteloven § 15) and the left-to-live-on rule decides.
    reduction_end_rule : "hard" or "warning"
        Whether a home must stay affordable after its temporary § 98 f reduction ends
        (the matcher's rule ``affordable_after_reduction``) or is only flagged.
    """

    max_rent_share: float = _default("max_rent_share")
    min_left_per_adult_dkk: int = _default("min_left_per_adult_dkk")
    min_left_per_child_dkk: int = _default("min_left_per_child_dkk")
    boligydelse_caps_apply: bool = _default("boligydelse_caps_apply")
    rent_share_rule: str = _default("rent_share_rule")
    reduction_end_rule: str = _default("reduction_end_rule")

    @property
    def rent_share_hard(self) -> bool:
        """A rent above the share rules the home out (else: needs an assessment)."""
        return self.rent_share_rule == "hard"

    @classmethod
    def of(cls, policy: Policy) -> AffordabilityPolicy:
        """The affordability settings of a municipality's policy."""
        return cls(
            max_rent_share=policy.max_rent_share,
            min_left_per_adult_dkk=policy.min_left_per_adult_dkk,
            min_left_per_child_dkk=policy.min_left_per_child_dkk,
            boligydelse_caps_apply=policy.boligydelse_caps_apply,
            rent_share_rule=policy.rent_share_rule,
            reduction_end_rule=policy.reduction_end_rule,
        )

    def __post_init__(self) -> None:
        check_number("max_rent_share", self.max_rent_share, maximum=1, positive=True)
        check_count(
            "min_left_per_adult_dkk",
            self.min_left_per_adult_dkk,
            minimum=0,
            maximum=MAX_MONTHLY_DKK,
        )
        check_count(
            "min_left_per_child_dkk",
            self.min_left_per_child_dkk,
            minimum=0,
            maximum=MAX_MONTHLY_DKK,
        )
        check_flag("boligydelse_caps_apply", self.boligydelse_caps_apply)
        if self.rent_share_rule not in ("hard", "assessment"):
            raise InputError(
                "rent_share_rule", f"must be 'hard' or 'assessment' (got {self.rent_share_rule!r})"
            )
        if self.reduction_end_rule not in ("hard", "warning"):
            raise InputError(
                "reduction_end_rule",
                f"must be 'hard' or 'warning' (got {self.reduction_end_rule!r})",
            )


@dataclass(frozen=True)
class Household:
    """A citizen's household as affordability needs it.

    Parameters
    ----------
    adults, children : int
    monthly_income_dkk : float [DKK/month]
        The household's gross income: taxable, before tax (the rent-share test's income).
    wealth_dkk : float [DKK]
    pensioner : bool
        Receives folkepension: boligydelse, else boligsikring.
    receives_foertidspension : bool
        Lifts boligsikring's 15 % cap for households without children.
    housing_benefit_income_dkk : float [DKK/month], optional
        The income the housing benefit is computed on (salary after AM-bidrag); None: the
        gross income (right when there is no salary).
    disposable_income_dkk : float [DKK/month], optional
        After income tax, plus tax-free income (:func:`matcher.income.household_incomes`):
        the income of the left-to-live-on rule. None: the gross income, for callers that
        know only one income (it overstates what is left; the matcher always passes it).
    mobility_impaired, doegnhjaelp, receives_seniorpension, foertidspension_before_2003 : bool
        The housing-benefit facts of :class:`~matcher.housing_benefit.HousingBenefitInput`.
    """

    adults: int
    children: int
    monthly_income_dkk: float
    wealth_dkk: float = 0.0
    pensioner: bool = False
    receives_foertidspension: bool = False
    housing_benefit_income_dkk: float | None = None
    disposable_income_dkk: float | None = None
    mobility_impaired: bool = False
    doegnhjaelp: bool = False
    receives_seniorpension: bool = False
    foertidspension_before_2003: bool = False

    def __post_init__(self) -> None:
        check_count("adults", self.adults, minimum=1)
        check_count("children", self.children, minimum=0)
        check_number("monthly_income_dkk", self.monthly_income_dkk, maximum=MAX_MONTHLY_DKK)
        for name in ("housing_benefit_income_dkk", "disposable_income_dkk"):
            if getattr(self, name) is not None:
                check_number(name, getattr(self, name), maximum=MAX_MONTHLY_DKK)
        check_number("wealth_dkk", self.wealth_dkk, maximum=MAX_WEALTH_DKK)
        for name in (
            "pensioner",
            "receives_foertidspension",
            "mobility_impaired",
            "doegnhjaelp",
            "receives_seniorpension",
            "foertidspension_before_2003",
        ):
            check_flag(name, getattr(self, name))

    @property
    def benefit_income_dkk(self) -> float:
        """The housing-benefit income in force (see ``housing_benefit_income_dkk``)."""
        income = self.housing_benefit_income_dkk
        return self.monthly_income_dkk if income is None else income

    @property
    def disposable_dkk(self) -> float:
        """The disposable income in force (see ``disposable_income_dkk``)."""
        income = self.disposable_income_dkk
        return self.monthly_income_dkk if income is None else income


@dataclass(frozen=True)
class Home:
    """A vacant home as affordability needs it.

    Parameters
    ----------
    rent_dkk : float [DKK/month]
        Excluding utilities, before any reduction.
    utilities_dkk : float [DKK/month]
        Paid a conto (forbrug).
    size_m2 : float [m²]
    rent_reduction_dkk : float [DKK/month]
        Reform subsidy (almenboligloven § 98 e/f); at most the rent.
    rent_reduction_until : date, optional
        Last day (inclusive) of a temporary reduction; None with a reduction > 0 means
        permanent (§ 98 e).
    heating : "separate" or "included"
        Whether heating and hot water are paid in the rent.
    electricity_included : bool
        Electricity paid in the rent (deducted per m² for housing benefit).
    municipal_allocation : bool
        The municipality allocates (anviser) this almen bolig: for boligydelse neither the
        maximum housing expense nor the maximum benefit applies (boligstøtteloven § 14
        stk. 4 nr. 2, § 23 stk. 2). Default False in this module; the matcher passes
        ``allocation == "municipal"``.
    """

    rent_dkk: float
    utilities_dkk: float
    size_m2: float
    rent_reduction_dkk: float = 0.0
    rent_reduction_until: date | None = None
    heating: HeatingMode = "separate"
    electricity_included: bool = False
    municipal_allocation: bool = False

    def __post_init__(self) -> None:
        check_number("rent_dkk", self.rent_dkk, maximum=MAX_MONTHLY_DKK)
        check_number("utilities_dkk", self.utilities_dkk, maximum=MAX_MONTHLY_DKK)
        check_number("size_m2", self.size_m2, maximum=MAX_AREA_M2, positive=True)
        check_area_hundredths("size_m2", hundredths(self.size_m2), self.size_m2)
        check_number("rent_reduction_dkk", self.rent_reduction_dkk, maximum=MAX_MONTHLY_DKK)
        if hundredths(self.rent_reduction_dkk) > hundredths(self.rent_dkk):
            raise InputError(
                "rent_reduction_dkk",
                f"must not exceed rent_dkk {self.rent_dkk!r} (got {self.rent_reduction_dkk!r})",
            )
        if self.rent_reduction_until is not None and not isinstance(
            self.rent_reduction_until, date
        ):
            raise InputError(
                "rent_reduction_until",
                f"must be a date or None (got {self.rent_reduction_until!r})",
            )
        check_heating("heating", self.heating)
        check_flag("electricity_included", self.electricity_included)
        check_flag("municipal_allocation", self.municipal_allocation)


@dataclass(frozen=True)
class Verdict:
    """Whether a household can afford a home, with the numbers and the reasons.

    Money is whole kroner per month.
    """

    affordable: bool
    """Both rules hold now (a rent above the share counts as held when the municipality
    only flags it: see ``needs_assessment``)."""
    housing_benefit_dkk: int
    gross_rent_dkk: int
    """Rent − reduction (what the tenant is charged), before housing benefit."""
    net_housing_cost_dkk: int
    """Gross rent + utilities − housing benefit."""
    left_dkk: int
    """Disposable income − net housing cost."""
    required_left_dkk: int
    max_gross_rent_dkk: int
    reasons: tuple[str, ...]
    """One plain-words sentence per rule, with numbers; failing ones say so."""
    summary: str
    affordable_after_reduction: bool | None
    """Whether it stays affordable once a temporary reduction ends; None without one."""
    unaffordable_from: date | None
    """First day it is not affordable once a temporary reduction ends; None otherwise."""
    income_dkk: int = 0
    """Gross income (the rent-share test's), whole kroner."""
    disposable_income_dkk: int = 0
    """After tax, plus tax-free income (the left-to-live-on rule's), whole kroner."""
    needs_assessment: bool = False
    """The rent is above the share and the municipality flags it (boligstøtteloven § 15)."""
    reduction_until: date | None = None
    """Last day of a temporary reduction in force; None without one."""
    rent_after_reduction_dkk: int | None = None
    """The gross rent once the temporary reduction ends; None without one."""
    left_after_reduction_dkk: int | None = None
    """What is left once the temporary reduction ends; None without one."""


@dataclass(frozen=True)
class _Numbers:
    income_dkk: int
    disposable_dkk: int
    gross_rent_dkk: int
    utilities_dkk: int
    benefit: HousingBenefitEstimate
    net_housing_cost_dkk: int
    left_dkk: int
    required_left_dkk: int
    max_gross_rent_dkk: int
    rent_share_ok: bool
    left_ok: bool
    rent_share_hard: bool

    @property
    def affordable(self) -> bool:
        return self.left_ok and (self.rent_share_ok or not self.rent_share_hard)

    @property
    def needs_assessment(self) -> bool:
        return not self.rent_share_ok and not self.rent_share_hard


def _numbers(
    household: Household, home: Home, reduction_ore: int, year: int, policy: AffordabilityPolicy
) -> _Numbers:
    """The verdict's numbers for one pair with a given reduction [øre/month]."""
    income_ore = hundredths(household.monthly_income_dkk)
    gross_ore = hundredths(home.rent_dkk) - reduction_ore
    benefit = estimate(
        HousingBenefitInput(
            income_dkk=household.benefit_income_dkk,
            rent_dkk=gross_ore / 100,
            area_m2=home.size_m2,
            adults=household.adults,
            children=household.children,
            wealth_dkk=household.wealth_dkk,
            heating=home.heating,
            pensioner=household.pensioner,
            receives_foertidspension=household.receives_foertidspension,
            electricity_included=home.electricity_included,
            boligydelse_caps_apply=policy.boligydelse_caps_apply,
            year=year,
            municipal_allocation=home.municipal_allocation,
            mobility_impaired=household.mobility_impaired,
            doegnhjaelp=household.doegnhjaelp,
            receives_seniorpension=household.receives_seniorpension,
            foertidspension_before_2003=household.foertidspension_before_2003,
        )
    )
    income_dkk = round_ore_to_dkk(income_ore)
    disposable_dkk = round_ore_to_dkk(hundredths(household.disposable_dkk))
    gross_dkk = round_ore_to_dkk(gross_ore)
    utilities_dkk = round_ore_to_dkk(hundredths(home.utilities_dkk))
    net = gross_dkk + utilities_dkk - benefit.monthly_benefit_dkk
    left = disposable_dkk - net
    required = (
        household.adults * policy.min_left_per_adult_dkk
        + household.children * policy.min_left_per_child_dkk
    )
    max_gross = share_ppm(policy.max_rent_share) * income_dkk // _PPM
    return _Numbers(
        income_dkk=income_dkk,
        disposable_dkk=disposable_dkk,
        gross_rent_dkk=gross_dkk,
        utilities_dkk=utilities_dkk,
        benefit=benefit,
        net_housing_cost_dkk=net,
        left_dkk=left,
        required_left_dkk=required,
        max_gross_rent_dkk=max_gross,
        rent_share_ok=gross_dkk <= max_gross,
        left_ok=left >= required,
        rent_share_hard=policy.rent_share_hard,
    )


def _rule_sentences(
    n: _Numbers, household: Household, policy: AffordabilityPolicy, rent_text: str
) -> list[str]:
    share = _percent(policy.max_rent_share)
    if n.rent_share_ok:
        rent_rule = (
            f"{rent_text} is at most {share} of the gross household income of "
            f"{_kr(n.income_dkk)} kr. ({_kr(n.max_gross_rent_dkk)} kr.): met."
        )
    else:
        rent_rule = (
            f"{rent_text} is above {_share_words(policy.max_rent_share)} of the gross "
            f"household income of {_kr(n.income_dkk)} kr. ({_kr(n.max_gross_rent_dkk)} kr.): "
            + (
                "not met."
                if n.rent_share_hard
                else "needs an overall assessment (boligstøtteloven § 15)."
            )
        )
    kind = n.benefit.kind
    left_rule = (
        f"{_kr(n.left_dkk)} kr. left of the disposable income of {_kr(n.disposable_dkk)} kr. "
        f"(after tax, with tax-free income) after the net housing cost of "
        f"{_kr(n.net_housing_cost_dkk)} kr. (rent {_kr(n.gross_rent_dkk)} + utilities "
        f"{_kr(n.utilities_dkk)} − {kind} {_kr(n.benefit.monthly_benefit_dkk)}); this "
        f"municipality requires {_kr(n.required_left_dkk)} ({household.adults} adult"
        f"{'s' if household.adults != 1 else ''} × {_kr(policy.min_left_per_adult_dkk)} + "
        f"{household.children} child{'ren' if household.children != 1 else ''} × "
        f"{_kr(policy.min_left_per_child_dkk)}): {'met' if n.left_ok else 'not met'}."
    )
    return [rent_rule, left_rule]


def summary_text(
    *,
    left_dkk: int,
    required_left_dkk: int,
    gross_rent_dkk: int,
    max_gross_rent_dkk: int,
    max_rent_share: float,
    rent_share_hard: bool = True,
    language: str = "en",
) -> str:
    """The verdict's one-line summary from its numbers (:class:`Verdict` or
    :class:`VerdictArrays`), so that both paths word a verdict alike; ``language`` ``da``
    writes the caseworker's Danish (4.950 kr., "over halvdelen af indkomsten")."""
    rent_share_ok = gross_rent_dkk <= max_gross_rent_dkk
    affordable = (rent_share_ok or not rent_share_hard) and left_dkk >= required_left_dkk
    if language == "da":
        return _summary_text_da(
            left_dkk, required_left_dkk, gross_rent_dkk, max_gross_rent_dkk, max_rent_share,
            rent_share_hard, rent_share_ok, affordable,
        )  # fmt: skip
    text = (
        f"{_kr(left_dkk)} kr. left after rent; this municipality requires {_kr(required_left_dkk)}"
    )
    if not rent_share_ok:
        text += (
            f"; rent {_kr(gross_rent_dkk)} kr. is above {_share_words(max_rent_share)} "
            f"of income ({_kr(max_gross_rent_dkk)} kr.)"
        )
        if not rent_share_hard:
            text += ", needs an overall assessment (boligstøtteloven § 15)"
    return f"{text}: {'affordable' if affordable else 'not affordable'}"


def _summary_text_da(
    left: int,
    required: int,
    gross: int,
    max_gross: int,
    share: float,
    hard: bool,
    share_ok: bool,
    affordable: bool,
) -> str:
    """:func:`summary_text` in Danish: the failing part first, with its numbers."""
    parts = []
    if not share_ok:
        share_words = "halvdelen" if share == 0.5 else f"{share * 100:g} %".replace(".", ",")
        parts.append(
            f"husleje {kr(gross)} kr. er over {share_words} af indkomsten "
            f"({kr(max_gross)} kr.)"
            + ("" if hard else ", kræver en samlet vurdering (boligstøtteloven § 15)")
        )
    enough = left >= required
    parts.append(
        f"borgeren har {kr(left)} kr. tilbage at leve for efter boligudgiften; kommunen kræver "
        f"{kr(required)} kr."
    )
    if enough and share_ok:
        parts.reverse()  # nothing fails: the money left first, as in the offer text
    return f"{'; '.join(parts)}: {'kan betales' if affordable else 'kan ikke betales'}"


def _summary(n: _Numbers, policy: AffordabilityPolicy) -> str:
    return summary_text(
        left_dkk=n.left_dkk,
        required_left_dkk=n.required_left_dkk,
        gross_rent_dkk=n.gross_rent_dkk,
        max_gross_rent_dkk=n.max_gross_rent_dkk,
        max_rent_share=policy.max_rent_share,
        rent_share_hard=policy.rent_share_hard,
    )


def assess(
    household: Household,
    home: Home,
    *,
    year: int,
    as_of: date,
    policy: AffordabilityPolicy = AffordabilityPolicy(),
) -> Verdict:
    """Hard constraint: the household can pay the home's rent and keep enough to live on.

    Parameters
    ----------
    household, home : Household, Home
    year : int
        Rate year of the housing benefit.
    as_of : date
        The day the verdict is for: a temporary reduction that ended before it does not
        count.
    policy : AffordabilityPolicy
        The municipality's settings.

    Returns
    -------
    Verdict
        Numbers equal to :func:`assess_many`'s for the reduction in force on ``as_of``.
    """
    validated_year(year)
    if not isinstance(as_of, date):
        raise InputError("as_of", f"must be a date (got {as_of!r})")
    reduction_ore = hundredths(home.rent_reduction_dkk)
    until = home.rent_reduction_until
    ended = reduction_ore > 0 and until is not None and until < as_of
    active_ore = 0 if ended else reduction_ore
    now = _numbers(household, home, active_ore, year, policy)

    rent_text = f"Rent {_kr(now.gross_rent_dkk)} kr."
    if active_ore:
        rent_text = (
            f"Rent {_kr(now.gross_rent_dkk)} kr. (after a rent reduction of "
            f"{_kr(round_ore_to_dkk(active_ore))} kr.)"
        )
    reasons = _rule_sentences(now, household, policy, rent_text)
    summary = _summary(now, policy)

    after_ok: bool | None = None
    unaffordable_from: date | None = None
    rent_after: int | None = None
    left_after: int | None = None
    if ended:
        reasons.append(
            f"The temporary rent reduction of {_kr(round_ore_to_dkk(reduction_ore))} kr. "
            f"ended on {until}; it is not counted."
        )
    elif active_ore and until is None:
        reasons.append(
            f"The rent reduction of {_kr(round_ore_to_dkk(active_ore))} kr. is permanent (§ 98 e)."
        )
    elif active_ore and until is not None:
        after = _numbers(household, home, 0, year, policy)
        after_ok = after.affordable
        rent_after, left_after = after.gross_rent_dkk, after.left_dkk
        if now.affordable and not after.affordable:
            unaffordable_from = until + timedelta(days=1)
        verdict_after = (
            "still affordable"
            if after.affordable
            else (
                f"not affordable from {unaffordable_from}"
                if unaffordable_from
                else "not affordable either"
            )
        )
        failing = [
            rule
            for rule, ok in (
                (
                    f"rent {_kr(after.gross_rent_dkk)} kr. above {_kr(after.max_gross_rent_dkk)}",
                    after.rent_share_ok or not after.rent_share_hard,
                ),
                (
                    f"{_kr(after.left_dkk)} kr. left, below {_kr(after.required_left_dkk)}",
                    after.left_ok,
                ),
            )
            if not ok
        ]
        detail = (
            "; ".join(failing)
            if failing
            else f"rent {_kr(after.gross_rent_dkk)} kr., {_kr(after.left_dkk)} kr. left"
        )
        reasons.append(
            f"The temporary rent reduction of {_kr(round_ore_to_dkk(active_ore))} kr. "
            f"(almenboligloven § 98 f) lasts until {until}; without it ({after.benefit.kind} "
            f"{_kr(after.benefit.monthly_benefit_dkk)}): {detail}: {verdict_after}."
        )
        if unaffordable_from is not None:
            summary += f"; not affordable from {unaffordable_from} when the rent reduction ends"

    return Verdict(
        affordable=now.affordable,
        housing_benefit_dkk=now.benefit.monthly_benefit_dkk,
        gross_rent_dkk=now.gross_rent_dkk,
        net_housing_cost_dkk=now.net_housing_cost_dkk,
        left_dkk=now.left_dkk,
        required_left_dkk=now.required_left_dkk,
        max_gross_rent_dkk=now.max_gross_rent_dkk,
        reasons=tuple(reasons),
        summary=summary,
        affordable_after_reduction=after_ok,
        unaffordable_from=unaffordable_from,
        income_dkk=now.income_dkk,
        disposable_income_dkk=now.disposable_dkk,
        needs_assessment=now.needs_assessment,
        reduction_until=until if after_ok is not None else None,
        rent_after_reduction_dkk=rent_after,
        left_after_reduction_dkk=left_after,
    )


@dataclass(frozen=True)
class VerdictArrays:
    """:class:`Verdict`'s numbers for whole arrays of pairs (whole kroner per month)."""

    housing_benefit_dkk: NDArray[np.int64]
    gross_rent_dkk: NDArray[np.int64]
    net_housing_cost_dkk: NDArray[np.int64]
    left_dkk: NDArray[np.int64]
    required_left_dkk: NDArray[np.int64]
    rent_share_ok: NDArray[np.bool_]
    left_ok: NDArray[np.bool_]
    affordable: NDArray[np.bool_]
    max_gross_rent_dkk: NDArray[np.int64]
    needs_assessment: NDArray[np.bool_]
    """Rent above the share where the municipality flags it rather than refusing."""


def concatenate_verdicts(parts: list[VerdictArrays]) -> VerdictArrays:
    """The verdicts of consecutive runs of pairs (chunks, components) as one run."""
    return VerdictArrays(
        **{
            name: np.concatenate([getattr(part, name) for part in parts])
            for name in VerdictArrays.__dataclass_fields__
        }
    )


_FLAGS = (
    "mobility_impaired",
    "doegnhjaelp",
    "receives_seniorpension",
    "foertidspension_before_2003",
)
"""The optional housing-benefit facts of a household, as :class:`Household` names them."""


def assess_many(
    *,
    monthly_income_dkk: ArrayLike,
    adults: ArrayLike,
    children: ArrayLike,
    wealth_dkk: ArrayLike,
    pensioner: ArrayLike,
    receives_foertidspension: ArrayLike,
    rent_dkk: ArrayLike,
    utilities_dkk: ArrayLike,
    size_m2: ArrayLike,
    rent_reduction_dkk: ArrayLike,
    heating_included: ArrayLike,
    max_rent_share: ArrayLike,
    min_left_per_adult_dkk: ArrayLike,
    min_left_per_child_dkk: ArrayLike,
    year: int,
    electricity_included: ArrayLike = False,
    boligydelse_caps_apply: ArrayLike = True,
    housing_benefit_income_dkk: ArrayLike | None = None,
    disposable_income_dkk: ArrayLike | None = None,
    mobility_impaired: ArrayLike = False,
    doegnhjaelp: ArrayLike = False,
    receives_seniorpension: ArrayLike = False,
    foertidspension_before_2003: ArrayLike = False,
    municipal_allocation: ArrayLike = False,
    rent_share_hard: ArrayLike = True,
) -> VerdictArrays:
    """Affordability for whole arrays of citizen–vacancy pairs.

    All array arguments are 1-D arrays aligned per pair, or scalars, broadcast together
    (NumPy rules), with the meanings and units of :class:`Household`, :class:`Home` and
    :class:`AffordabilityPolicy` (``rent_share_hard``: its ``rent_share_rule == "hard"``;
    None incomes: the gross income). ``rent_reduction_dkk`` is the reduction to count:
    call once with it and once with 0 to learn whether a pair stays affordable after a
    temporary reduction ends. Equals :func:`assess` number for number. Bad input raises
    :class:`~matcher.errors.InputError` naming the argument and the first bad index.
    """
    checked_year = validated_year(year)
    income = check_number_array("monthly_income_dkk", monthly_income_dkk, maximum=MAX_MONTHLY_DKK)
    hb_income = (
        income
        if housing_benefit_income_dkk is None
        else check_number_array(
            "housing_benefit_income_dkk", housing_benefit_income_dkk, maximum=MAX_MONTHLY_DKK
        )
    )
    disposable = (
        income
        if disposable_income_dkk is None
        else check_number_array(
            "disposable_income_dkk", disposable_income_dkk, maximum=MAX_MONTHLY_DKK
        )
    )
    adult_counts = check_count_array("adults", adults, minimum=1)
    child_counts = check_count_array("children", children, minimum=0)
    wealth = check_number_array("wealth_dkk", wealth_dkk, maximum=MAX_WEALTH_DKK)
    rent = check_number_array("rent_dkk", rent_dkk, maximum=MAX_MONTHLY_DKK)
    utilities = check_number_array("utilities_dkk", utilities_dkk, maximum=MAX_MONTHLY_DKK)
    area_c = validated_area_array("size_m2", size_m2)
    reduction = check_number_array(
        "rent_reduction_dkk", rent_reduction_dkk, maximum=MAX_MONTHLY_DKK
    )
    share = check_number_array("max_rent_share", max_rent_share, maximum=1, positive=True)
    per_adult = check_count_array(
        "min_left_per_adult_dkk", min_left_per_adult_dkk, minimum=0, maximum=MAX_MONTHLY_DKK
    )
    per_child = check_count_array(
        "min_left_per_child_dkk", min_left_per_child_dkk, minimum=0, maximum=MAX_MONTHLY_DKK
    )
    flags = {
        "mobility_impaired": mobility_impaired,
        "doegnhjaelp": doegnhjaelp,
        "receives_seniorpension": receives_seniorpension,
        "foertidspension_before_2003": foertidspension_before_2003,
    }
    names = (
        "income_ore", "hb_income_ore", "disposable_ore", "n_adults", "n_children",
        "wealth_ore", "pensioner", "receives_foertidspension", *_FLAGS, "rent_ore",
        "utilities_ore", "area", "reduction_ore", "heating_included", "ppm", "adult_min",
        "child_min", "electricity_included", "caps", "municipal", "rent_share_hard",
    )  # fmt: skip
    arrays: list[NDArray[Any]] = broadcast(
        hundredths_array(income),
        hundredths_array(hb_income),
        hundredths_array(disposable),
        adult_counts,
        child_counts,
        hundredths_array(wealth),
        check_bool_array("pensioner", pensioner),
        check_bool_array("receives_foertidspension", receives_foertidspension),
        *(check_bool_array(name, value) for name, value in flags.items()),
        hundredths_array(rent),
        hundredths_array(utilities),
        area_c,
        hundredths_array(reduction),
        check_bool_array("heating_included", heating_included),
        share_ppm_array(share),
        per_adult,
        per_child,
        check_bool_array("electricity_included", electricity_included),
        check_bool_array("boligydelse_caps_apply", boligydelse_caps_apply),
        check_bool_array("municipal_allocation", municipal_allocation),
        check_bool_array("rent_share_hard", rent_share_hard),
    )
    columns = dict(zip(names, arrays, strict=True))
    rent_ore, reduction_ore = columns.pop("rent_ore"), columns.pop("reduction_ore")
    too_big = np.flatnonzero(np.atleast_1d(reduction_ore > rent_ore))
    if too_big.size:
        index = int(too_big[0])
        label = "rent_reduction_dkk" if reduction_ore.ndim == 0 else f"rent_reduction_dkk[{index}]"
        raise InputError(
            label,
            f"must not exceed rent_dkk (got {np.atleast_1d(reduction_ore)[index] / 100} > "
            f"{np.atleast_1d(rent_ore)[index] / 100})",
        )
    columns["gross_ore"] = rent_ore - reduction_ore
    size = int(rent_ore.size)
    if rent_ore.ndim == 0 or size <= CHUNK_PAIRS:
        return _verdict_arrays(columns, checked_year)
    # Chunks keep the temporaries small (cache-friendly, bounded memory) for millions of pairs.
    return concatenate_verdicts(
        [
            _verdict_arrays(
                {name: c[lo : lo + CHUNK_PAIRS] for name, c in columns.items()}, checked_year
            )
            for lo in range(0, size, CHUNK_PAIRS)
        ]
    )


CHUNK_PAIRS = 1 << 16
"""Pairs computed at a time by :func:`assess_many`."""


def _verdict_arrays(
    c: dict[str, NDArray[Any]], year: int, terms: BenefitTerms | None = None
) -> VerdictArrays:
    """The verdict numbers of broadcast, validated fixed-point columns (see assess_many).

    ``terms``: the households' benefit terms per pair when the caller has them
    (:func:`matcher.housing_benefit.household_benefit_terms` of the same columns).
    """
    if terms is None:
        terms = household_benefit_terms(
            income_ore=c["hb_income_ore"],
            wealth_ore=c["wealth_ore"],
            adults=c["n_adults"],
            children=c["n_children"],
            pensioner=c["pensioner"],
            receives_foertidspension=c["receives_foertidspension"],
            boligydelse_caps_apply=c["caps"],
            year=year,
            **{name: c[name] for name in _FLAGS},
        )
    benefit = home_benefit_arrays(
        terms,
        rent_ore=c["gross_ore"],
        area_centi_m2=c["area"],
        heating_included=c["heating_included"],
        electricity_included=c["electricity_included"],
        municipal_allocation=c["municipal"],
    )
    income_kr = round_ore_to_dkk_array(c["income_ore"])
    gross_kr = round_ore_to_dkk_array(c["gross_ore"])
    net = gross_kr + round_ore_to_dkk_array(c["utilities_ore"]) - benefit
    left = round_ore_to_dkk_array(c["disposable_ore"]) - net
    required = c["n_adults"] * c["adult_min"] + c["n_children"] * c["child_min"]
    max_gross = c["ppm"] * income_kr // _PPM
    rent_share_ok = gross_kr <= max_gross
    left_ok = left >= required
    flagged = ~c["rent_share_hard"]
    return VerdictArrays(
        housing_benefit_dkk=benefit,
        gross_rent_dkk=np.asarray(gross_kr, dtype=np.int64),
        net_housing_cost_dkk=np.asarray(net, dtype=np.int64),
        left_dkk=np.asarray(left, dtype=np.int64),
        required_left_dkk=np.asarray(required, dtype=np.int64),
        rent_share_ok=np.asarray(rent_share_ok, dtype=np.bool_),
        left_ok=np.asarray(left_ok, dtype=np.bool_),
        affordable=np.asarray((rent_share_ok | flagged) & left_ok, dtype=np.bool_),
        max_gross_rent_dkk=np.asarray(max_gross, dtype=np.int64),
        needs_assessment=np.asarray(~rent_share_ok & flagged, dtype=np.bool_),
    )


@dataclass(frozen=True)
class HouseholdColumns:
    """Validated fixed-point household columns for :func:`assess_indexed` (one per household).

    ``columns`` holds :func:`assess_many`'s household columns by name (``income_ore``,
    ``hb_income_ore``, ``disposable_ore``, ``n_adults``, ...).
    """

    columns: dict[str, NDArray[Any]]


@dataclass(frozen=True)
class HomeColumns:
    """Validated fixed-point home columns for :func:`assess_indexed` (one per home)."""

    gross_rent_ore: NDArray[np.int64]
    utilities_ore: NDArray[np.int64]
    area_centi_m2: NDArray[np.int64]
    municipal: NDArray[np.bool_]


def household_columns(
    *,
    monthly_income_dkk: ArrayLike,
    adults: ArrayLike,
    children: ArrayLike,
    wealth_dkk: ArrayLike,
    pensioner: ArrayLike,
    receives_foertidspension: ArrayLike,
    max_rent_share: ArrayLike,
    min_left_per_adult_dkk: ArrayLike,
    min_left_per_child_dkk: ArrayLike,
    boligydelse_caps_apply: ArrayLike,
    housing_benefit_income_dkk: ArrayLike | None = None,
    disposable_income_dkk: ArrayLike | None = None,
    mobility_impaired: ArrayLike = False,
    doegnhjaelp: ArrayLike = False,
    receives_seniorpension: ArrayLike = False,
    foertidspension_before_2003: ArrayLike = False,
    rent_share_hard: ArrayLike = True,
) -> HouseholdColumns:
    """:func:`assess_many`'s checks and fixed-point conversion, once per household.

    1-D arrays of one length (scalars broadcast). Bad input raises
    :class:`~matcher.errors.InputError` naming the argument and the household's index.
    """
    income = check_number_array("monthly_income_dkk", monthly_income_dkk, maximum=MAX_MONTHLY_DKK)
    hb_income = (
        income
        if housing_benefit_income_dkk is None
        else check_number_array(
            "housing_benefit_income_dkk", housing_benefit_income_dkk, maximum=MAX_MONTHLY_DKK
        )
    )
    disposable = (
        income
        if disposable_income_dkk is None
        else check_number_array(
            "disposable_income_dkk", disposable_income_dkk, maximum=MAX_MONTHLY_DKK
        )
    )
    flags = {
        "mobility_impaired": mobility_impaired,
        "doegnhjaelp": doegnhjaelp,
        "receives_seniorpension": receives_seniorpension,
        "foertidspension_before_2003": foertidspension_before_2003,
    }
    names = (
        "income_ore", "hb_income_ore", "disposable_ore", "n_adults", "n_children",
        "wealth_ore", "pensioner", "receives_foertidspension", *_FLAGS, "ppm", "adult_min",
        "child_min", "caps", "rent_share_hard",
    )  # fmt: skip
    arrays = broadcast(
        hundredths_array(income),
        hundredths_array(hb_income),
        hundredths_array(disposable),
        check_count_array("adults", adults, minimum=1),
        check_count_array("children", children, minimum=0),
        hundredths_array(check_number_array("wealth_dkk", wealth_dkk, maximum=MAX_WEALTH_DKK)),
        check_bool_array("pensioner", pensioner),
        check_bool_array("receives_foertidspension", receives_foertidspension),
        *(check_bool_array(name, value) for name, value in flags.items()),
        share_ppm_array(
            check_number_array("max_rent_share", max_rent_share, maximum=1, positive=True)
        ),
        check_count_array(
            "min_left_per_adult_dkk", min_left_per_adult_dkk, minimum=0, maximum=MAX_MONTHLY_DKK
        ),
        check_count_array(
            "min_left_per_child_dkk", min_left_per_child_dkk, minimum=0, maximum=MAX_MONTHLY_DKK
        ),
        check_bool_array("boligydelse_caps_apply", boligydelse_caps_apply),
        check_bool_array("rent_share_hard", rent_share_hard),
    )
    return HouseholdColumns(dict(zip(names, arrays, strict=True)))


def home_columns(
    *,
    rent_dkk: ArrayLike,
    utilities_dkk: ArrayLike,
    size_m2: ArrayLike,
    rent_reduction_dkk: ArrayLike,
    municipal_allocation: ArrayLike = False,
) -> HomeColumns:
    """:func:`assess_many`'s checks and fixed-point conversion, once per home.

    ``rent_reduction_dkk`` is the reduction to count (0 for "after it ends"). Bad input
    raises :class:`~matcher.errors.InputError` naming the argument and the home's index.
    """
    rent = hundredths_array(check_number_array("rent_dkk", rent_dkk, maximum=MAX_MONTHLY_DKK))
    utilities = hundredths_array(
        check_number_array("utilities_dkk", utilities_dkk, maximum=MAX_MONTHLY_DKK)
    )
    area = validated_area_array("size_m2", size_m2)
    reduction = hundredths_array(
        check_number_array("rent_reduction_dkk", rent_reduction_dkk, maximum=MAX_MONTHLY_DKK)
    )
    municipal = check_bool_array("municipal_allocation", municipal_allocation)
    rent, utilities, area, reduction, municipal = broadcast(
        rent, utilities, area, reduction, municipal
    )
    too_big = np.flatnonzero(np.atleast_1d(reduction > rent))
    if too_big.size:
        index = int(too_big[0])
        raise InputError(
            f"rent_reduction_dkk[{index}]",
            f"must not exceed rent_dkk (got {np.atleast_1d(reduction)[index] / 100} > "
            f"{np.atleast_1d(rent)[index] / 100})",
        )
    return HomeColumns(rent - reduction, utilities, area, municipal)


def assess_indexed(
    households: HouseholdColumns,
    household: NDArray[np.int64],
    homes: HomeColumns,
    home: NDArray[np.int64],
    *,
    year: int,
) -> VerdictArrays:
    """:func:`assess_many` for the pairs ``(household[k], home[k])`` of validated columns.

    Number for number what :func:`assess_many` gives for the same pairs (no heating or
    electricity included), with the checks and conversions done once per household and
    home instead of once per pair.
    """
    checked_year = validated_year(year)
    h, v = households.columns, homes
    terms = household_benefit_terms(
        income_ore=h["hb_income_ore"],
        wealth_ore=h["wealth_ore"],
        adults=h["n_adults"],
        children=h["n_children"],
        pensioner=h["pensioner"],
        receives_foertidspension=h["receives_foertidspension"],
        boligydelse_caps_apply=h["caps"],
        year=checked_year,
        **{name: h[name] for name in _FLAGS},
    )
    needed = ("income_ore", "disposable_ore", "n_adults", "n_children", "ppm", "adult_min",
              "child_min", "rent_share_hard")  # fmt: skip
    parts = []
    for lo in range(0, max(int(household.size), 1), CHUNK_PAIRS):
        hi_ = household[lo : lo + CHUNK_PAIRS]
        vi_ = home[lo : lo + CHUNK_PAIRS]
        off = np.zeros(hi_.shape, dtype=np.bool_)
        columns = {name: h[name][hi_] for name in needed}
        columns |= {
            "gross_ore": v.gross_rent_ore[vi_],
            "utilities_ore": v.utilities_ore[vi_],
            "area": v.area_centi_m2[vi_],
            "municipal": v.municipal[vi_],
            "heating_included": off,
            "electricity_included": off,
        }
        parts.append(_verdict_arrays(columns, checked_year, take_terms(terms, hi_)))
    return parts[0] if len(parts) == 1 else concatenate_verdicts(parts)
