"""Danish personal income tax, per person and month: what is left of an income after tax.

Why: what a household has to live on is its income *after* tax (DOMAIN.md section 5). A
person under 30 on 8,047 kr. of kontanthjælp keeps about 6,736 kr. after tax, not 8,047.

The model (one person, one income year; figures from :mod:`matcher.tax_rates`)::

    AM-bidrag            = 8 % of salary                        (arbejdsmarkedsbidragsloven § 1)
    personal income P    = salary − AM-bidrag + taxable benefits (PSL § 3)
    employment allowance = min(12.75 % of salary, 63,300)        (LL § 9 J; 2026)
    taxable income S     = P − employment allowance              (kommuneskat base)
    bundskat             = 12.01 % of max(0, P − personfradrag)  (PSL § 6, § 10)
    kommuneskat          = municipality's % of max(0, S − personfradrag)
    kirkeskat            = church % of max(0, S − personfradrag), members only
    − the value of personfradrag unused against kommune- and kirkeskat, set off in
      bundskat (PSL § 10 stk. 2), at most the bundskat

Kontanthjælp, førtidspension, folkepension and dagpenge are A-income without AM-bidrag
(KSL § 43 stk. 2): they enter P directly. The monthly tax is a twelfth of the year's tax,
which is what the forskudsopgørelse withholds for an income that is the same every month.

Exactness: incomes are taken to the øre, AM-bidrag and the employment allowance are
rounded to the øre (half up), rates are whole pcm (1/100,000), so every tax is an exact
integer in øre·pcm and the monthly tax is rounded once, half up, to whole kroner.
:func:`person_tax` (with explanations) and :func:`tax_many` (NumPy) give the same numbers.
What is not modelled is listed in :mod:`matcher.tax_rates`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from matcher.errors import MAX_MONTHLY_DKK, InputError, check_number, check_number_array
from matcher.housing_benefit import broadcast, hundredths, hundredths_array
from matcher.tax_rates import (
    MUNICIPAL_RATES_SOURCE,
    PCM_PER_PERCENT,
    municipal_tax_rate,
    percent_to_pcm,
    tax_rates_for,
)

_PCM = 100 * PCM_PER_PERCENT  # 100,000 pcm = 100 %
_MONTH_DIVISOR = 12 * 100 * _PCM  # øre·pcm per year → kroner per month
MAX_LOCAL_RATE_PCT = Decimal(40)
"""Upper bound accepted for an overriding kommuneskat or kirkeskat [%] (a typo guard)."""


@dataclass(frozen=True)
class _YearInts:
    personfradrag_ore: int
    bundskat_pcm: int
    am_pcm: int
    employment_pcm: int
    employment_max_ore: int


@functools.cache
def _year_ints(year: int) -> _YearInts:
    r = tax_rates_for(year)
    return _YearInts(
        personfradrag_ore=r.personfradrag_dkk * 100,
        bundskat_pcm=percent_to_pcm(r.bundskat_pct, "bundskat"),
        am_pcm=percent_to_pcm(r.am_bidrag_pct, "am_bidrag"),
        employment_pcm=percent_to_pcm(r.beskaeftigelsesfradrag_pct, "beskaeftigelsesfradrag"),
        employment_max_ore=r.beskaeftigelsesfradrag_max_dkk * 100,
    )


@dataclass(frozen=True)
class LocalTaxRates:
    """The kommuneskat and kirkeskat that apply to one person, with where they come from.

    ``kirkeskat_pct`` is 0 for a person outside the folkekirke.
    """

    year: int
    kommuneskat_pct: Decimal
    kirkeskat_pct: Decimal
    kommuneskat_source: str
    kirkeskat_source: str

    @property
    def kommuneskat_pcm(self) -> int:
        return percent_to_pcm(self.kommuneskat_pct, "kommuneskat")

    @property
    def kirkeskat_pcm(self) -> int:
        return percent_to_pcm(self.kirkeskat_pct, "kirkeskat")


def _override(name: str, value: Decimal | float | str) -> Decimal:
    try:
        pct = Decimal(str(value))
    except ArithmeticError:
        raise InputError(name, f"must be a percentage such as 25.049 (got {value!r})") from None
    if not pct.is_finite() or pct < 0 or pct > MAX_LOCAL_RATE_PCT:
        raise InputError(name, f"must be between 0 and {MAX_LOCAL_RATE_PCT} % (got {value!r})")
    if pct * PCM_PER_PERCENT != (pct * PCM_PER_PERCENT).to_integral_value():
        raise InputError(name, f"must be given to at most 0.001 % (got {value!r})")
    return pct


def local_tax_rates(
    *,
    year: int,
    municipality_code: str | None = None,
    church_member: bool = False,
    kommuneskat_pct: Decimal | float | str | None = None,
    kirkeskat_pct: Decimal | float | str | None = None,
) -> LocalTaxRates:
    """The local tax rates for a person living in ``municipality_code`` in ``year``.

    Parameters
    ----------
    municipality_code : str, optional
        Official code ("461"); None gives the national averages (the default when the
        municipality is not known). An unknown code is an error, never a silent average.
    church_member : bool
        Member of the folkekirke: pays kirkeskat.
    kommuneskat_pct, kirkeskat_pct : optional
        A municipality's own setting, overriding the shipped table (whose 2026 column rests
        on one transcription). ``kirkeskat_pct`` counts only for church members.
    """
    if not isinstance(church_member, bool):
        raise InputError("church_member", f"must be true or false (got {church_member!r})")
    rates = tax_rates_for(year)
    local = municipal_tax_rate(municipality_code, year)
    if kommuneskat_pct is not None:
        kommune, kommune_source = _override("kommuneskat_pct", kommuneskat_pct), "setting"
    elif local is not None:
        kommune = local.kommuneskat_pct
        kommune_source = (
            f"{local.municipality} ({local.municipality_code}): {MUNICIPAL_RATES_SOURCE}"
        )
    else:
        kommune, kommune_source = rates.kommuneskat_average_pct, rates.kommuneskat_source
    if not church_member:
        kirke, kirke_source = Decimal(0), "not a member of the folkekirke: no kirkeskat"
    elif kirkeskat_pct is not None:
        kirke, kirke_source = _override("kirkeskat_pct", kirkeskat_pct), "setting"
    elif local is not None:
        kirke = local.kirkeskat_pct
        kirke_source = f"{local.municipality} ({local.municipality_code}): {MUNICIPAL_RATES_SOURCE}"
    else:
        kirke, kirke_source = rates.kirkeskat_average_pct, rates.kirkeskat_source
    return LocalTaxRates(
        year=year,
        kommuneskat_pct=kommune,
        kirkeskat_pct=kirke,
        kommuneskat_source=kommune_source,
        kirkeskat_source=kirke_source,
    )


@dataclass(frozen=True)
class PersonTax:
    """One person's income tax for a month, and how it was reached.

    Monthly amounts are whole kroner (``monthly_income_dkk − monthly_tax_dkk =
    monthly_after_tax_dkk`` exactly); yearly amounts are kroner to the øre.

    Attributes
    ----------
    monthly_income_dkk : int [DKK/month]
        Salary + taxable benefits before tax and AM-bidrag.
    monthly_tax_dkk : int [DKK/month]
        AM-bidrag + bundskat + kommuneskat + kirkeskat, a twelfth of the year's.
    monthly_after_tax_dkk : int [DKK/month]
    monthly_housing_benefit_income_dkk : float [DKK/month]
        Personal income P / 12: salary after AM-bidrag + taxable benefits, the income
        boligstøtteloven counts (gross of income tax).
    steps : tuple of str
        One sentence per step, with its numbers and its paragraph.
    """

    year: int
    monthly_income_dkk: int
    monthly_tax_dkk: int
    monthly_after_tax_dkk: int
    monthly_housing_benefit_income_dkk: float
    am_bidrag_dkk: float
    beskaeftigelsesfradrag_dkk: float
    personal_income_dkk: float
    taxable_income_dkk: float
    bundskat_dkk: float
    kommuneskat_dkk: float
    kirkeskat_dkk: float
    personfradrag_offset_dkk: float
    local: LocalTaxRates
    steps: tuple[str, ...] = field(default=())


def _half_up(numerator: int, denominator: int) -> int:
    """``round_half_up(numerator / denominator)`` for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def _kr(ore: int) -> str:
    """Øre as kroner: thousands separators, øre only if any."""
    amount = Decimal(ore) / 100
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def _kr_pcm(value: int) -> str:
    """An amount held in øre·pcm, to the øre."""
    return _kr(_half_up(value, _PCM))


def person_tax(
    *,
    salary_dkk: float = 0.0,
    other_taxable_dkk: float = 0.0,
    year: int,
    local: LocalTaxRates | None = None,
) -> PersonTax:
    """One person's monthly income tax, with explanations.

    Parameters
    ----------
    salary_dkk : float [DKK/month]
        Wages subject to AM-bidrag (before AM-bidrag).
    other_taxable_dkk : float [DKK/month]
        Taxable income without AM-bidrag: kontanthjælp, pensions, dagpenge (KSL § 43 stk. 2).
    year : int
        Income year; one without a tax table is an error.
    local : LocalTaxRates, optional
        From :func:`local_tax_rates`; default the national average, no kirkeskat.
    """
    salary_m = hundredths(check_number("salary_dkk", salary_dkk, maximum=MAX_MONTHLY_DKK))
    other_m = hundredths(
        check_number("other_taxable_dkk", other_taxable_dkk, maximum=MAX_MONTHLY_DKK)
    )
    y = _year_ints(year)
    r = tax_rates_for(year)
    if local is None:
        local = local_tax_rates(year=year)
    elif local.year != year:
        raise InputError("local", f"rates are for {local.year}, the tax year is {year}")
    k_pcm, c_pcm = local.kommuneskat_pcm, local.kirkeskat_pcm
    steps: list[str] = []

    salary = 12 * salary_m
    other = 12 * other_m
    am = _half_up(salary * y.am_pcm, _PCM)
    employment = min(_half_up(salary * y.employment_pcm, _PCM), y.employment_max_ore)
    personal = salary - am + other
    taxable = personal - employment
    pf = y.personfradrag_ore
    if salary:
        steps.append(
            f"Salary {_kr(salary)} kr./year: AM-bidrag {r.am_bidrag_pct} % = {_kr(am)} "
            "(arbejdsmarkedsbidragsloven § 1); employment allowance "
            f"{r.beskaeftigelsesfradrag_pct} %, at most {r.beskaeftigelsesfradrag_max_dkk:,} "
            f"= {_kr(employment)} (LL § 9 J)."
        )
    steps.append(
        f"Personal income P = {_kr(salary)} − {_kr(am)} + taxable benefits {_kr(other)} = "
        f"{_kr(personal)} kr./year; taxable income S = P − {_kr(employment)} = {_kr(taxable)}."
    )
    bund = y.bundskat_pcm * max(0, personal - pf)
    kommune = k_pcm * max(0, taxable - pf)
    kirke = c_pcm * max(0, taxable - pf)
    offset = min(bund, (k_pcm + c_pcm) * max(0, pf - taxable))
    steps.append(
        f"Bundskat {r.bundskat_pct} % of (P − personfradrag {r.personfradrag_dkk:,}) = "
        f"{_kr_pcm(bund)} (PSL § 6, § 10)."
    )
    steps.append(
        f"Kommuneskat {local.kommuneskat_pct} % of (S − {r.personfradrag_dkk:,}) = "
        f"{_kr_pcm(kommune)}"
        + (f"; kirkeskat {local.kirkeskat_pct} % = {_kr_pcm(kirke)}." if c_pcm else ".")
    )
    if offset:
        steps.append(
            f"Personfradrag not used against kommune- and kirkeskat is set off in bundskat "
            f"(PSL § 10 stk. 2): − {_kr_pcm(offset)}."
        )
    total = am * _PCM + bund + kommune + kirke - offset
    monthly_tax = _half_up(total, _MONTH_DIVISOR)
    monthly_income = _half_up(salary_m + other_m, 100)
    steps.append(
        f"Tax {_kr_pcm(total)} kr./year / 12 → {monthly_tax:,} kr./month; left after tax "
        f"{monthly_income:,} − {monthly_tax:,} = {monthly_income - monthly_tax:,} kr./month."
    )
    return PersonTax(
        year=year,
        monthly_income_dkk=monthly_income,
        monthly_tax_dkk=monthly_tax,
        monthly_after_tax_dkk=monthly_income - monthly_tax,
        monthly_housing_benefit_income_dkk=personal / 1200,
        am_bidrag_dkk=am / 100,
        beskaeftigelsesfradrag_dkk=employment / 100,
        personal_income_dkk=personal / 100,
        taxable_income_dkk=taxable / 100,
        bundskat_dkk=_half_up(bund, _PCM) / 100,
        kommuneskat_dkk=_half_up(kommune, _PCM) / 100,
        kirkeskat_dkk=_half_up(kirke, _PCM) / 100,
        personfradrag_offset_dkk=_half_up(offset, _PCM) / 100,
        local=local,
        steps=tuple(steps),
    )


@dataclass(frozen=True)
class TaxArrays:
    """:func:`tax_many`'s result: one entry per person [DKK/month, whole kroner]."""

    monthly_income_dkk: NDArray[np.int64]
    monthly_tax_dkk: NDArray[np.int64]
    monthly_after_tax_dkk: NDArray[np.int64]
    monthly_housing_benefit_income_dkk: NDArray[np.float64]


def local_rates_pcm(
    municipality_codes: Sequence[str | None],
    church_member: Sequence[bool] | bool,
    *,
    year: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Kommuneskat and kirkeskat [pcm] per person, for :func:`tax_many`."""
    n = len(municipality_codes)
    church = [church_member] * n if isinstance(church_member, bool) else list(church_member)
    if len(church) != n:
        raise InputError("church_member", f"needs {n} entries (got {len(church)})")
    pairs = {
        (code, member): local_tax_rates(year=year, municipality_code=code, church_member=member)
        for code, member in zip(municipality_codes, church, strict=True)
    }
    kommune = np.array(
        [pairs[(c, m)].kommuneskat_pcm for c, m in zip(municipality_codes, church, strict=True)],
        dtype=np.int64,
    )
    kirke = np.array(
        [pairs[(c, m)].kirkeskat_pcm for c, m in zip(municipality_codes, church, strict=True)],
        dtype=np.int64,
    )
    return kommune, kirke


def tax_many(
    *,
    salary_dkk: ArrayLike = 0.0,
    other_taxable_dkk: ArrayLike = 0.0,
    kommuneskat_pcm: ArrayLike | None = None,
    kirkeskat_pcm: ArrayLike = 0,
    year: int,
) -> TaxArrays:
    """:func:`person_tax` for whole arrays of persons (broadcast together, NumPy rules).

    ``kommuneskat_pcm`` / ``kirkeskat_pcm`` are whole pcm (25.049 % = 25,049; see
    :func:`local_rates_pcm`); default the year's national average and no kirkeskat.
    Gives exactly :func:`person_tax`'s monthly numbers.
    """
    y = _year_ints(year)
    if kommuneskat_pcm is None:
        kommuneskat_pcm = local_tax_rates(year=year).kommuneskat_pcm
    salary_m, other_m, k_pcm, c_pcm = broadcast(
        hundredths_array(check_number_array("salary_dkk", salary_dkk, maximum=MAX_MONTHLY_DKK)),
        hundredths_array(
            check_number_array("other_taxable_dkk", other_taxable_dkk, maximum=MAX_MONTHLY_DKK)
        ),
        _pcm_array("kommuneskat_pcm", kommuneskat_pcm),
        _pcm_array("kirkeskat_pcm", kirkeskat_pcm),
    )
    salary = 12 * salary_m
    other = 12 * other_m
    am = (2 * salary * y.am_pcm + _PCM) // (2 * _PCM)
    employment = np.minimum(
        (2 * salary * y.employment_pcm + _PCM) // (2 * _PCM), y.employment_max_ore
    )
    personal = salary - am + other
    taxable = personal - employment
    pf = y.personfradrag_ore
    bund = y.bundskat_pcm * np.maximum(0, personal - pf)
    local_base = np.maximum(0, taxable - pf)
    offset = np.minimum(bund, (k_pcm + c_pcm) * np.maximum(0, pf - taxable))
    total = am * _PCM + bund + k_pcm * local_base + c_pcm * local_base - offset
    monthly_tax = (2 * total + _MONTH_DIVISOR) // (2 * _MONTH_DIVISOR)
    monthly_income = (2 * (salary_m + other_m) + 100) // 200
    return TaxArrays(
        monthly_income_dkk=np.asarray(monthly_income, dtype=np.int64),
        monthly_tax_dkk=np.asarray(monthly_tax, dtype=np.int64),
        monthly_after_tax_dkk=np.asarray(monthly_income - monthly_tax, dtype=np.int64),
        monthly_housing_benefit_income_dkk=np.asarray(personal / 1200, dtype=np.float64),
    )


def _pcm_array(name: str, value: ArrayLike) -> NDArray[np.int64]:
    array = np.asarray(value)
    if array.dtype.kind not in "iu" or array.ndim > 1:
        raise InputError(name, "must be whole pcm (1/100,000) as integers, e.g. 25049")
    if array.size and (array.min() < 0 or array.max() > int(MAX_LOCAL_RATE_PCT) * PCM_PER_PERCENT):
        raise InputError(name, f"must be between 0 and {int(MAX_LOCAL_RATE_PCT) * PCM_PER_PERCENT}")
    return array.astype(np.int64)
