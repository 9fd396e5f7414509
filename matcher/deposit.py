"""Deposit loans (beboerindskudslån): what a citizen must pay, or may borrow, to move in.

Why: an almen home asks a beboerindskud (deposit) before moving in, often several thousand
kroner that a homeless citizen does not have. Boligstøtteloven kapitel 10 (§ 56) makes the
municipality *grant* a loan for it ("pligtlån") when the household's income is at most a
folkepension couple's grundbeløb + pensionstillæg + 5 % (for a flat; a single pensioner's
for a single room), raised per child up to four children. The loan covers the beboerindskud
of an almen home only, never a depositum or prepaid rent (DOMAIN.md section 5; STAR, "Lån
til beboerindskud").

The income is the household income as boligstøtteloven counts it (the housing-benefit
income of :func:`matcher.income.housing_benefit_income`, × 12). The limits are indexed each
year; DOMAIN.md gives the 2024 ones, so later years carry them with UNCONFIRMED in their
source and take a municipality's own figures through ``limits``.

Not modelled: the municipality's judgement of need (wealth enough to pay, rent above half
the income, an unpaid earlier loan), voluntary loans or guarantees above the limit, and the
condition that the building was taken into use on or after 1 April 1964.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from matcher.errors import MAX_MONTHLY_DKK, InputError, check_count, check_number
from matcher.housing_benefit import check_flag
from matcher.rates import UnknownYearError


@dataclass(frozen=True)
class DepositLoanLimits:
    """Yearly household-income limits for a municipal deposit loan (§ 56) [DKK/year]."""

    year: int
    flat_dkk: int
    """For a flat (lejlighed): a folkepension couple's pension + 5 %."""
    single_room_dkk: int
    """For a single room (enkeltværelse): a single pensioner's pension + 5 %."""
    per_child_dkk: int
    """Added per child ..."""
    children_counted_max: int
    """... up to and including this many children."""
    source: str


_SOURCE_2024 = (
    "DOMAIN.md section 5 (2024: 277,956 for a flat, 188,294 for a single room, +48,700 per "
    "child up to 4 children); Københavns Kommune, 'Lån til beboerindskud'; "
    "boligstøtteloven § 56"
)


def _unconfirmed(year: int) -> DepositLoanLimits:
    return DepositLoanLimits(
        year=year,
        flat_dkk=277_956,
        single_room_dkk=188_294,
        per_child_dkk=48_700,
        children_counted_max=4,
        source=(
            f"UNCONFIRMED for {year}: the 2024 limits, kept until the {year} ones are "
            f"confirmed (indexed limits only rise, so these refuse rather than overpromise); "
            f"a municipality may set its own. {_SOURCE_2024}"
        ),
    )


DEPOSIT_LOAN_LIMITS: Mapping[int, DepositLoanLimits] = MappingProxyType(
    {
        2024: DepositLoanLimits(
            year=2024,
            flat_dkk=277_956,
            single_room_dkk=188_294,
            per_child_dkk=48_700,
            children_counted_max=4,
            source=_SOURCE_2024,
        ),
        2025: _unconfirmed(2025),
        2026: _unconfirmed(2026),
    }
)
"""The limits of each year."""


def deposit_loan_limits_for(year: int) -> DepositLoanLimits:
    """The limits of ``year``; :class:`UnknownYearError` if there are none (no fallback)."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError("year", f"must be a whole year such as 2026 (got {year!r})")
    try:
        return DEPOSIT_LOAN_LIMITS[year]
    except KeyError:
        raise UnknownYearError(
            year, tuple(sorted(DEPOSIT_LOAN_LIMITS)), "deposit-loan limits"
        ) from None


@dataclass(frozen=True)
class DepositVerdict:
    """What the citizen pays up front and may borrow for one home's deposit.

    ``pay_dkk + loan_dkk == deposit_dkk``.

    Attributes
    ----------
    qualifies : bool
        The municipality must grant a loan (income at or below the limit, an almen home).
    deposit_dkk : int [DKK]
    loan_dkk : int [DKK]
        What the citizen may borrow from the municipality.
    pay_dkk : int [DKK]
        What the citizen must pay themselves.
    income_limit_dkk : int [DKK/year]
    yearly_income_dkk : int [DKK/year]
    reason : str
        One sentence with the numbers and the paragraph.
    source : str
        Where the limit comes from (UNCONFIRMED where it is).
    """

    qualifies: bool
    deposit_dkk: int
    loan_dkk: int
    pay_dkk: int
    income_limit_dkk: int
    yearly_income_dkk: int
    reason: str
    source: str


def deposit_loan(
    *,
    deposit_dkk: float,
    monthly_income_dkk: float,
    children: int = 0,
    single_room: bool = False,
    almen: bool = True,
    year: int,
    limits: DepositLoanLimits | None = None,
) -> DepositVerdict:
    """Whether a household qualifies for a deposit loan, and what it pays or borrows.

    Parameters
    ----------
    deposit_dkk : float [DKK]
        The home's beboerindskud (whole kroner, half up).
    monthly_income_dkk : float [DKK/month]
        The household income as boligstøtteloven counts it (salary after AM-bidrag, no
        tax-free income): :func:`matcher.income.housing_benefit_income`.
    children : int
        Children in the household: the limit rises per child up to four.
    single_room : bool
        The home is a single room (enkeltværelse), not a flat: the lower limit applies.
    almen : bool
        The home is almen; a loan under § 56 is for almene homes only.
    year : int
        The limits' year (2026: UNCONFIRMED, see :data:`DEPOSIT_LOAN_LIMITS`).
    limits : DepositLoanLimits, optional
        A municipality's own limits, replacing the table's.
    """
    deposit = check_number("deposit_dkk", deposit_dkk, maximum=100 * MAX_MONTHLY_DKK)
    income = check_number("monthly_income_dkk", monthly_income_dkk, maximum=MAX_MONTHLY_DKK)
    check_count("children", children, minimum=0)
    check_flag("single_room", single_room)
    check_flag("almen", almen)
    if limits is None:
        limits = deposit_loan_limits_for(year)
    deposit_kr = math.floor(deposit + 0.5)
    yearly = math.floor(12 * income + 0.5)
    base = limits.single_room_dkk if single_room else limits.flat_dkk
    counted = min(children, limits.children_counted_max)
    limit = base + counted * limits.per_child_dkk
    home = "single room" if single_room else "flat"
    limit_text = f"{base:,} for a {home}" + (
        f" + {counted} × {limits.per_child_dkk:,} for children" if counted else ""
    )
    if deposit_kr == 0:
        qualifies, reason = False, "No deposit: nothing to pay or borrow."
    elif not almen:
        qualifies = False
        reason = (
            f"The citizen pays the deposit of {deposit_kr:,} kr.: a municipal deposit loan "
            "(boligstøtteloven § 56) is for almene homes only."
        )
    elif yearly <= limit:
        qualifies = True
        reason = (
            f"Household income {yearly:,} kr./year is within the limit of {limit:,} "
            f"({limit_text}): the municipality must lend the deposit of {deposit_kr:,} kr. "
            "(beboerindskudslån, boligstøtteloven § 56)."
        )
    else:
        qualifies = False
        reason = (
            f"Household income {yearly:,} kr./year is above the limit of {limit:,} "
            f"({limit_text}; boligstøtteloven § 56): the citizen pays the deposit of "
            f"{deposit_kr:,} kr. (the municipality may still lend or guarantee voluntarily)."
        )
    loan = deposit_kr if qualifies else 0
    return DepositVerdict(
        qualifies=qualifies,
        deposit_dkk=deposit_kr,
        loan_dkk=loan,
        pay_dkk=deposit_kr - loan,
        income_limit_dkk=limit,
        yearly_income_dkk=yearly,
        reason=reason,
        source=limits.source,
    )


@dataclass(frozen=True)
class DepositArrays:
    """:func:`deposit_loans_many`'s result, one entry per household-home pair."""

    qualifies: NDArray[np.bool_]
    deposit_dkk: NDArray[np.int64]
    loan_dkk: NDArray[np.int64]
    pay_dkk: NDArray[np.int64]
    income_limit_dkk: NDArray[np.int64]
    yearly_income_dkk: NDArray[np.int64]
    source: str


def deposit_loans_many(
    *,
    deposit_dkk: NDArray[np.float64],
    monthly_income_dkk: NDArray[np.float64],
    children: NDArray[np.int64],
    year: int,
    limits: DepositLoanLimits | None = None,
) -> DepositArrays:
    """:func:`deposit_loan` for arrays of pairs (flats in almene homes), number for number.

    The arrays broadcast together; the values are taken as already checked (the problem
    document's bounds). ``single_room`` is False: the problem document does not say
    whether a home is a single room without its own kitchen (enkeltværelse), so the flat's
    limit applies.
    """
    if limits is None:
        limits = deposit_loan_limits_for(year)
    deposit = np.floor(np.asarray(deposit_dkk, dtype=np.float64) + 0.5).astype(np.int64)
    yearly = np.floor(12 * np.asarray(monthly_income_dkk, dtype=np.float64) + 0.5).astype(np.int64)
    counted = np.minimum(np.asarray(children, dtype=np.int64), limits.children_counted_max)
    limit = limits.flat_dkk + counted * limits.per_child_dkk
    deposit, yearly, limit = np.broadcast_arrays(deposit, yearly, limit)
    qualifies = (deposit > 0) & (yearly <= limit)
    loan = np.where(qualifies, deposit, 0)
    return DepositArrays(
        qualifies=qualifies,
        deposit_dkk=deposit,
        loan_dkk=loan,
        pay_dkk=deposit - loan,
        income_limit_dkk=limit,
        yearly_income_dkk=yearly,
        source=limits.source,
    )


def deposit_limits_source(year: int) -> str | None:
    """Where ``year``'s limits come from, or None when there are none for it."""
    limits = DEPOSIT_LOAN_LIMITS.get(year)
    return None if limits is None else limits.source
