"""Shortfall: how far the affordable stock with a municipal allocation right is from the need.

The ministry answered one question by hand in 2022: how many years would it take to house
everyone counted homeless if municipalities allocated 25 % or 50 % of the cheap homes let
each year (DOMAIN.md section 7)? This module answers it from live data for every one of
the 98 municipalities, and splits it by benefit group and rent band.

Definitions (per municipality; every number not fixed by law is a parameter of
:class:`ShortfallParameters` with its source):

* **queue** [persons]: VIVE's 2024 count, or the municipality's active cases when it
  keeps its case list in boligmatch ("live").
* **yearly demand** [persons/year]: VIVE's 2024 count × ``yearly_factor`` (2.5: a one-week
  count times about 2.5 gives the number homeless during a year, VIVE via DOMAIN.md
  section 1), or, live, the cases registered in the last 365 days, annualised when the
  list is younger than a year.
* **affordable to a benefit group**: a representative single adult of the group on the
  standard benefit rate (:func:`matcher.income.standard_monthly_benefit`) passes the
  municipality's affordability rule (:func:`matcher.affordability.assess_many`, the
  matcher's function: housing benefit on the housing-benefit income, what is left on the
  income after tax in the unit's municipality (:func:`matcher.income.household_incomes_many`),
  the rent share on the gross income, § 14 stk. 4 for units with a municipal allocation
  right, the reform reduction in force on ``as_of`` counted).
* **left out**: a stored unit with an unusable value (a rent of 1e300, a size of 0, a
  reduction above the rent) is left out of every figure and listed in the report's
  ``left_out`` with the reason, so one bad row never breaks the table (issue 13).
* **supply** [homes/year]: units with a municipal allocation right that the group can
  afford × ``turnover_rate`` (14 %/year: ~80,000 of ~590,000 almene homes let a year, LBF
  2010-13, DOMAIN.md section 3). The headline supply counts units affordable to at
  least one group (an upper bound; a home can be let only once).
* **gap** [homes/year] = yearly demand − supply; positive is a shortfall.
* **share scenario** (the ministry's question): the municipality allocates ``share`` of
  *all* affordable homes let each year: supply = share × affordable units × turnover;
  years to clear = queue / supply (new arrivals not counted, as the ministry did).

Privacy: planners see aggregates only. A count derived from live case data between 1 and
``suppress_below`` − 1 is shown as null and named in the row's ``suppressed`` list, and so
is every figure computed from it. VIVE's published counts are shown as published.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from allocation.models import CaseIncome, CaseStatus, CitizenCase
from inventory.models import AllocationRight, Department, Unit
from kernel.reference import MunicipalityCount, municipality_counts
from kernel.settings import Settings, get_settings
from matcher import bounds
from matcher.affordability import AffordabilityPolicy, assess_many
from matcher.errors import MAX_AREA_M2, MAX_MONTHLY_DKK, InputError
from matcher.income import IncomeKind, household_incomes_many, standard_monthly_benefit
from matcher.rates import RATE_TABLES
from matcher.tax import local_tax_rates
from matcher.tax_rates import TAX_TABLES
from planning.schemas import (
    BENEFIT_GROUP_KEYS,
    BenefitGroupKey,
    DemandSource,
    GroupShortfall,
    LeftOutUnit,
    RentBand,
    ShareScenario,
    ShortfallParametersOut,
    ShortfallReport,
    ShortfallRow,
    ShortfallTotals,
)

__all__ = [
    "BENEFIT_GROUPS",
    "DEFAULT_DEMAND_GROUP_SHARES",
    "BenefitGroup",
    "LiveDemand",
    "ShortfallParameters",
    "Stock",
    "affordable_matrix",
    "compute_shortfall",
    "flat_rows",
    "load_live_demand",
    "load_stock",
    "rent_band_summary",
    "rent_bands",
    "shortfall",
    "to_csv",
]


# --- benefit groups -----------------------------------------------------------------


@dataclass(frozen=True)
class BenefitGroup:
    """A benefit group, represented by one single adult without children.

    Parameters
    ----------
    key, label : str
    kind : IncomeKind
        The benefit.
    age : int [years]
        The representative's age: decides the kontanthjælp rate (grundsats under 30).
    pensioner : bool
        Folkepension: boligydelse instead of boligsikring.
    foertidspension : bool
        Lifts boligsikring's 15 % cap for households without children.
    """

    key: BenefitGroupKey
    label: str
    kind: IncomeKind
    age: int
    pensioner: bool = False
    foertidspension: bool = False

    def monthly_income_dkk(self, benefit_year: int) -> int:
        """The group's standard benefit [DKK/month], single-person supplement included."""
        return standard_monthly_benefit(self.kind, age=self.age, year=benefit_year)


BENEFIT_GROUPS: tuple[BenefitGroup, ...] = (
    BenefitGroup("kh_under_30", "kontanthjælp under 30", "kontanthjaelp", 25),
    BenefitGroup("kh_30_plus", "kontanthjælp 30+", "kontanthjaelp", 40),
    BenefitGroup("foertidspension", "førtidspension", "foertidspension", 45, foertidspension=True),
    BenefitGroup("folkepension", "folkepension", "folkepension", 70, pensioner=True),
)
"""The four groups of issue 6, in :data:`planning.schemas.BENEFIT_GROUP_KEYS` order."""

DEFAULT_DEMAND_GROUP_SHARES: Mapping[str, float] = {
    "kh_under_30": 0.27,
    "kh_30_plus": 0.54,
    "foertidspension": 0.14,
    "folkepension": 0.05,
}
"""How VIVE-based demand splits over the benefit groups (fractions summing to 1).

VIVE publishes ages, not benefits. 18-29: 27 % (VIVE 2024) → kontanthjælp under 30. Of
the 60+ (9 %), those 67+ (assumed spread evenly over 60-75, so 9/16) → folkepension,
about 5 %. Of the other 30+ (68 %), 20 % on førtidspension is the demo generator's
assumption (no published figure) → 14 %; the rest on kontanthjælp 30+ → 54 %.
"""


def _latest_year(as_of_year: int, part: str) -> int:
    """The latest rate year not after ``as_of_year`` whose table has ``part``."""
    years = sorted(y for y, t in RATE_TABLES.items() if getattr(t, part) is not None)
    earlier = [y for y in years if y <= as_of_year]
    return earlier[-1] if earlier else years[0]


# --- parameters ---------------------------------------------------------------------


@dataclass(frozen=True)
class ShortfallParameters:
    """Every number of the shortfall that the law does not fix, with its default.

    Parameters
    ----------
    as_of : date
        The day the table is for: reductions in force, the live case window, rate years.
    yearly_factor : float [persons/year per person counted]
        One-week count → people homeless during a year (2.5, VIVE; DOMAIN.md section 1).
    turnover_rate : float [1/year], optional
        Share of the stock let per year; default the setting ``BOLIGMATCH_TURNOVER_RATE``
        (0.14, LBF).
    allocation_shares : tuple of float
        The ministry's scenarios: 25 % (every 4th vacancy, almenboligloven § 59) and 50 %.
    suppress_below : int [persons]
        Live counts from 1 to this − 1 are suppressed (5: the usual statistical rule).
    demand_source : "auto", "vive" or "live"
        ``auto`` uses the live case list where a municipality has any case, else VIVE.
    live_window_days : int [days]
        Registrations counted for live yearly demand (annualised if the list is younger).
    demand_group_shares : mapping
        Split of VIVE-based demand over benefit groups (:data:`DEFAULT_DEMAND_GROUP_SHARES`).
    rent_band_edges : tuple of int [DKK/month]
        Band limits of :func:`rent_bands` (3,500: the § 98 e ceiling; 4,500/5,500: the
        § 98 f range's lower part).
    benefit_year, housing_benefit_year : int, optional
        Rate years; default the latest table years not after ``as_of``.
    """

    as_of: dt.date = field(default_factory=dt.date.today)
    yearly_factor: float = 2.5
    turnover_rate: float | None = None
    allocation_shares: tuple[float, ...] = (0.25, 0.5)
    suppress_below: int = 5
    demand_source: str = "auto"
    live_window_days: int = 365
    demand_group_shares: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_DEMAND_GROUP_SHARES)
    )
    rent_band_edges: tuple[int, ...] = (3500, 4500, 5500)
    benefit_year: int | None = None
    housing_benefit_year: int | None = None

    def __post_init__(self) -> None:
        if self.demand_source not in ("auto", "vive", "live"):
            raise ValueError(f"demand_source must be auto, vive or live: {self.demand_source!r}")
        if self.yearly_factor < 0:
            raise ValueError("yearly_factor must not be negative")
        if any(not 0 < s <= 1 for s in self.allocation_shares):
            raise ValueError("allocation shares must be in (0, 1]")
        if self.suppress_below < 1:
            raise ValueError("suppress_below must be at least 1")
        if set(self.demand_group_shares) != set(BENEFIT_GROUP_KEYS):
            raise ValueError(f"demand_group_shares needs exactly {', '.join(BENEFIT_GROUP_KEYS)}")
        if list(self.rent_band_edges) != sorted(set(self.rent_band_edges)):
            raise ValueError("rent_band_edges must be increasing")

    def turnover(self, settings: Settings) -> float:
        """The turnover rate in force [1/year]."""
        return settings.turnover_rate if self.turnover_rate is None else self.turnover_rate

    def years(self) -> tuple[int, int]:
        """(benefit rate year, housing-benefit rate year)."""
        return (
            self.benefit_year or _latest_year(self.as_of.year, "benefits"),
            self.housing_benefit_year or _latest_year(self.as_of.year, "housing_benefit"),
        )

    def tax_year(self) -> int:
        """The income-tax year: the housing-benefit year's, else the latest table before it."""
        _, hb_year = self.years()
        earlier = [y for y in sorted(TAX_TABLES) if y <= hb_year]
        return earlier[-1] if earlier else min(TAX_TABLES)


# --- inputs: stock and live demand ---------------------------------------------------


@dataclass(frozen=True)
class Stock:
    """Units as columns (one entry per unit).

    Attributes
    ----------
    location : list of str
        Municipality code where the unit is (its department's).
    right : list of str or None
        Municipality holding the allocation right (None: the association lets it).
    rent_dkk, utilities_dkk, size_m2 : ndarray [DKK/month, DKK/month, m²]
    reduction_dkk : ndarray [DKK/month]
        Reform rent reduction in force on the day of the table (0 once it has ended).
    """

    location: list[str]
    right: list[str | None]
    rent_dkk: NDArray[np.float64]
    utilities_dkk: NDArray[np.float64]
    size_m2: NDArray[np.float64]
    reduction_dkk: NDArray[np.float64]
    left_out: list[LeftOutUnit] = field(default_factory=list)
    """Stored units whose values the figures cannot use, with the reason (not in the columns)."""

    def __len__(self) -> int:
        return len(self.location)

    @classmethod
    def empty(cls) -> Stock:
        z = np.zeros(0, dtype=np.float64)
        return cls([], [], z, z, z, z)

    @classmethod
    def from_records(
        cls,
        records: Sequence[Mapping[str, object]],
        *,
        as_of: dt.date,
    ) -> Stock:
        """From dicts with ``municipality_code``, ``allocation``, ``allocation_municipality_code``,
        ``rent_dkk``, ``utilities_dkk``, ``size_m2``, ``rent_reduction_dkk`` and
        ``rent_reduction_until`` (the vacancy/unit fields of CONTRACT.md section 4)."""

        def num(r: Mapping[str, object], key: str) -> float:
            value = r.get(key, 0.0)
            return float(value) if isinstance(value, int | float) else 0.0

        left_out: list[LeftOutUnit] = []
        usable = []
        for r in records:
            reason = unusable_reason(r, num)
            if reason is None:
                usable.append(r)
            else:
                unit_id = r.get("id")
                left_out.append(
                    LeftOutUnit(
                        unit_id=unit_id if isinstance(unit_id, int) else None,
                        municipality_code=str(r.get("municipality_code")),
                        reason=reason,
                    )
                )
        records = usable
        location = [str(r["municipality_code"]) for r in records]
        right: list[str | None] = []
        reduction: list[float] = []
        for r, loc in zip(records, location, strict=True):
            holder = r.get("allocation_municipality_code")
            right.append(
                (str(holder) if holder else loc) if r.get("allocation") == "municipal" else None
            )
            until = r.get("rent_reduction_until")
            ended = isinstance(until, dt.date) and until < as_of
            reduction.append(0.0 if ended else num(r, "rent_reduction_dkk"))
        return cls(
            location=location,
            right=right,
            rent_dkk=np.array([num(r, "rent_dkk") for r in records], dtype=np.float64),
            utilities_dkk=np.array([num(r, "utilities_dkk") for r in records], dtype=np.float64),
            size_m2=np.array([num(r, "size_m2") for r in records], dtype=np.float64),
            reduction_dkk=np.array(reduction, dtype=np.float64),
            left_out=left_out,
        )

    @property
    def effective_rent_dkk(self) -> NDArray[np.float64]:
        """Rent after the reduction in force [DKK/month]."""
        return np.asarray(self.rent_dkk - self.reduction_dkk, dtype=np.float64)


def unusable_reason(
    record: Mapping[str, object], num: Callable[[Mapping[str, object], str], float]
) -> str | None:
    """Why a stored unit cannot enter the figures, or None: money and area must be finite,
    within the matcher's bounds (:mod:`matcher.errors`), the area positive and the
    reduction at most the rent."""
    for key, maximum in (
        ("rent_dkk", MAX_MONTHLY_DKK),
        ("utilities_dkk", MAX_MONTHLY_DKK),
        ("rent_reduction_dkk", MAX_MONTHLY_DKK),
        ("size_m2", MAX_AREA_M2),
    ):
        value = num(record, key)
        if not math.isfinite(value) or value < 0 or value > maximum:
            return f"{key} {value!r} is outside 0 to {maximum:,}"
    if round(num(record, "size_m2"), 2) < 0.01:
        return f"size_m2 {num(record, 'size_m2')!r} is not a positive area"
    if num(record, "rent_reduction_dkk") > num(record, "rent_dkk"):
        return "rent_reduction_dkk is above rent_dkk"
    return None


@dataclass(frozen=True)
class LiveDemand:
    """One municipality's live case list, aggregated (no person in it).

    Attributes
    ----------
    queue_by_group : dict [persons]
        Active cases per benefit group; ``other`` for salary, dagpenge and the like.
    registered_by_group : dict [persons]
        Cases registered in the window, any status.
    window_days : int [days]
        Length of the window the registrations were counted over (≤ the parameter's
        window when the list is younger).
    """

    queue_by_group: Mapping[str, int]
    registered_by_group: Mapping[str, int]
    window_days: int

    @property
    def queue(self) -> int:
        return sum(self.queue_by_group.values())

    @property
    def registered(self) -> int:
        return sum(self.registered_by_group.values())

    def annualise(self, count: int) -> float:
        """A count over the window as persons per year."""
        return count * 365.0 / max(self.window_days, 1)


def case_group(income_kinds: Collection[str], age: int) -> str:
    """The benefit group a live case counts in (pensions first, then kontanthjælp by age)."""
    if "folkepension" in income_kinds:
        return "folkepension"
    if "foertidspension" in income_kinds:
        return "foertidspension"
    if "kontanthjaelp" in income_kinds or "uddannelseshjaelp" in income_kinds:
        return "kh_under_30" if age < 30 else "kh_30_plus"
    return "other"


def load_stock(
    session: Session, *, as_of: dt.date, municipalities: Collection[str] | None = None
) -> Stock:
    """The database's units (of ``municipalities``, or all) as :class:`Stock` columns."""
    stmt = select(
        Unit.id,
        Department.municipality_code,
        Unit.allocation,
        Unit.allocation_municipality_code,
        Unit.rent_dkk,
        Unit.utilities_dkk,
        Unit.size_m2,
        Unit.rent_reduction_dkk,
        Unit.rent_reduction_until,
    ).join(Unit.department)
    if municipalities is not None:
        codes = list(municipalities)
        stmt = stmt.where(
            (Department.municipality_code.in_(codes))
            | (Unit.allocation_municipality_code.in_(codes))
        )
    records = [
        {
            "id": unit_id,
            "municipality_code": loc,
            "allocation": allocation.value
            if isinstance(allocation, AllocationRight)
            else allocation,
            "allocation_municipality_code": holder,
            "rent_dkk": rent,
            "utilities_dkk": utilities,
            "size_m2": size,
            "rent_reduction_dkk": reduction,
            "rent_reduction_until": until,
        }
        for (
            unit_id,
            loc,
            allocation,
            holder,
            rent,
            utilities,
            size,
            reduction,
            until,
        ) in session.execute(stmt.order_by(Unit.id))
    ]
    return Stock.from_records([r for r in records if _usable(r)], as_of=as_of)


def _usable(record: Mapping[str, object]) -> bool:
    """Whether a unit's figures are within ``matcher.bounds`` (fault isolation, issue 13).

    A unit stored before the bounds existed (a rent of 1e300) would make the
    affordability check refuse the whole table, for every municipality; such a unit
    is left out of the supply instead (the match run reports it when it is vacant).
    """

    def within(key: str, low: float, high: float, *, open_low: bool = False) -> bool:
        value = record.get(key)
        if value is None:
            return True  # the column's default applies (Stock reads it as 0)
        if not isinstance(value, int | float) or not math.isfinite(value):
            return False
        return (value > low if open_low else value >= low) and value <= high

    return (
        within("rent_dkk", 0, bounds.DKK_MAX)
        and within("utilities_dkk", 0, bounds.DKK_MAX)
        and within("rent_reduction_dkk", 0, bounds.DKK_MAX)
        and within("size_m2", 0, bounds.SIZE_M2_MAX, open_low=True)
    )


def load_live_demand(
    session: Session,
    *,
    as_of: dt.date,
    window_days: int = 365,
    municipalities: Collection[str] | None = None,
) -> dict[str, LiveDemand]:
    """Aggregate each municipality's live case list (only municipalities with cases).

    Only counts leave this function: the queue (active cases) and registrations in the
    window, per benefit group.
    """
    stmt = select(
        CitizenCase.id,
        CitizenCase.municipality_code,
        CitizenCase.birth_year,
        CitizenCase.registered_on,
        CitizenCase.status,
    ).where(CitizenCase.registered_on <= as_of)
    if municipalities is not None:
        stmt = stmt.where(CitizenCase.municipality_code.in_(list(municipalities)))
    cases = list(session.execute(stmt))
    kinds: dict[int, set[str]] = {}
    income_stmt = select(CaseIncome.case_id, CaseIncome.kind)
    if municipalities is not None:
        income_stmt = income_stmt.join(CitizenCase).where(
            CitizenCase.municipality_code.in_(list(municipalities))
        )
    for case_id, kind in session.execute(income_stmt):
        kinds.setdefault(case_id, set()).add(str(getattr(kind, "value", kind)))
    start = as_of - dt.timedelta(days=window_days)
    first: dict[str, dt.date] = {}
    queue: dict[str, dict[str, int]] = {}
    registered: dict[str, dict[str, int]] = {}
    for case_id, code, birth_year, registered_on, status in cases:
        group = case_group(kinds.get(case_id, set()), as_of.year - birth_year)
        first[code] = min(first.get(code, registered_on), registered_on)
        queue.setdefault(code, {})
        registered.setdefault(code, {})
        if status == CaseStatus.active:
            queue[code][group] = queue[code].get(group, 0) + 1
        if registered_on > start:
            registered[code][group] = registered[code].get(group, 0) + 1
    return {
        code: LiveDemand(
            queue_by_group=queue[code],
            registered_by_group=registered[code],
            window_days=min(window_days, (as_of - first[code]).days + 1),
        )
        for code in sorted(first)
    }


# --- affordability per unit and group ---------------------------------------------------


def affordable_matrix(
    stock: Stock,
    *,
    benefit_year: int,
    housing_benefit_year: int,
    minimums: Callable[[str], AffordabilityPolicy],
    tax_year: int | None = None,
) -> NDArray[np.bool_]:
    """Whether each benefit group can afford each unit: shape ``(len(stock), 4)``.

    Each unit is judged by the affordability settings of the municipality it is in
    (``minimums(code)``), with the group's benefit taxed at that municipality's kommuneskat
    (a code the tax table lacks: the national average; no kirkeskat) in ``tax_year``
    (default: the housing-benefit year's table, else the latest before it). Heating is
    taken as paid separately (the stock table has no heating field), which gives the
    larger housing-benefit addition; units with a municipal allocation right have no
    boligydelse maxima (boligstøtteloven § 14 stk. 4).
    """
    n = len(stock)
    out = np.zeros((n, len(BENEFIT_GROUPS)), dtype=np.bool_)
    if n == 0:
        return out
    if tax_year is None:
        earlier = [y for y in sorted(TAX_TABLES) if y <= housing_benefit_year]
        tax_year = earlier[-1] if earlier else min(TAX_TABLES)
    codes = sorted(set(stock.location))
    code_index = {code: i for i, code in enumerate(codes)}
    at = np.array([code_index[c] for c in stock.location], dtype=np.int64)
    policy = {code: minimums(code) for code in codes}
    share = np.array([policy[c].max_rent_share for c in stock.location], dtype=np.float64)
    per_adult = np.array([policy[c].min_left_per_adult_dkk for c in stock.location])
    hard = np.array([policy[c].rent_share_hard for c in stock.location], dtype=np.bool_)
    municipal = np.array([r is not None for r in stock.right], dtype=np.bool_)
    kommune = np.array([_kommuneskat_pcm(code, tax_year) for code in codes], dtype=np.int64)
    for g, group in enumerate(BENEFIT_GROUPS):
        income = float(group.monthly_income_dkk(benefit_year))
        incomes = household_incomes_many(
            household=np.arange(len(codes), dtype=np.int64),
            households=len(codes),
            other_taxable_dkk=np.full(len(codes), income),
            kommuneskat_pcm=kommune,
            year=tax_year,
        )
        verdict = assess_many(
            monthly_income_dkk=income,
            housing_benefit_income_dkk=incomes.housing_benefit_income_dkk[at],
            disposable_income_dkk=incomes.disposable_dkk[at],
            adults=1,
            children=0,
            wealth_dkk=0.0,
            pensioner=group.pensioner,
            receives_foertidspension=group.foertidspension,
            rent_dkk=stock.rent_dkk,
            utilities_dkk=stock.utilities_dkk,
            size_m2=np.round(stock.size_m2, 2),
            rent_reduction_dkk=stock.reduction_dkk,
            heating_included=False,
            municipal_allocation=municipal,
            max_rent_share=share,
            min_left_per_adult_dkk=per_adult,
            min_left_per_child_dkk=0,
            rent_share_hard=hard,
            year=housing_benefit_year,
        )
        out[:, g] = np.broadcast_to(verdict.affordable, (n,))
    return out


def _kommuneskat_pcm(code: str, year: int) -> int:
    """The kommuneskat of a municipality [pcm]; the national average for an unknown code."""
    try:
        return local_tax_rates(year=year, municipality_code=code).kommuneskat_pcm
    except InputError as error:
        if error.field != "municipality_code":
            raise
        return local_tax_rates(year=year).kommuneskat_pcm


def _affordable(stock: Stock, params: ShortfallParameters, settings: Settings) -> NDArray[np.bool_]:
    """:func:`affordable_matrix` at the parameters' rate years and each municipality's rules.

    The table and the rent bands must judge a unit the same way, so both call this.
    """
    benefit_year, hb_year = params.years()
    return affordable_matrix(
        stock,
        tax_year=params.tax_year(),
        benefit_year=benefit_year,
        housing_benefit_year=hb_year,
        minimums=lambda code: settings.policy_for(code).affordability,
    )


# --- the table --------------------------------------------------------------------------


def _suppress(count: int, threshold: int) -> bool:
    return 0 < count < threshold


def _share_scenarios(
    shares: Sequence[float],
    affordable_units: int,
    turnover: float,
    demand: float | None,
    queue: float | None,
) -> list[ShareScenario]:
    out = []
    for s in shares:
        supply = s * affordable_units * turnover
        out.append(
            ShareScenario(
                share=s,
                supply_per_year=supply,
                gap_per_year=None if demand is None else demand - supply,
                years_to_clear=None if queue is None or supply <= 0 else queue / supply,
            )
        )
    return out


def compute_shortfall(
    counts: Sequence[MunicipalityCount],
    stock: Stock,
    live: Mapping[str, LiveDemand],
    params: ShortfallParameters,
    *,
    settings: Settings | None = None,
) -> ShortfallReport:
    """The shortfall table for ``counts``' municipalities (pure: no database).

    Parameters
    ----------
    counts : sequence of MunicipalityCount
        The municipalities to list, with VIVE's counts.
    stock : Stock
        Units of (at least) those municipalities.
    live : mapping
        Live case aggregates of municipalities that keep their list in boligmatch.
    params : ShortfallParameters
    settings : Settings, optional
        Turnover rate and each municipality's affordability settings.
    """
    settings = settings or get_settings()
    turnover = params.turnover(settings)
    benefit_year, hb_year = params.years()
    afford = _affordable(stock, params, settings)
    any_group = afford.any(axis=1)
    location = np.array(stock.location, dtype=object)
    right = np.array([r or "" for r in stock.right], dtype=object)
    incomes = {g.key: g.monthly_income_dkk(benefit_year) for g in BENEFIT_GROUPS}
    threshold = params.suppress_below
    rows: list[ShortfallRow] = []
    for m in counts:
        here = location == m.code
        mine = right == m.code
        suppressed: list[str] = []
        live_m = live.get(m.code)
        source: DemandSource = (
            "live"
            if params.demand_source == "live"
            or (params.demand_source == "auto" and live_m is not None)
            else "vive"
        )
        if source == "live":
            live_m = live_m or LiveDemand({}, {}, params.live_window_days)
            queue_count = live_m.queue
            reg_count = live_m.registered
            queue: float | None = float(queue_count)
            demand: float | None = live_m.annualise(reg_count)
            if _suppress(queue_count, threshold):
                queue = None
                suppressed.append("queue")
            if _suppress(reg_count, threshold):
                demand = None
                suppressed.append("yearly_demand")
        else:
            queue = float(m.homeless_2024)
            demand = m.homeless_2024 * params.yearly_factor
        supply = float(np.count_nonzero(mine & any_group)) * turnover
        groups: list[GroupShortfall] = []
        for g, group in enumerate(BENEFIT_GROUPS):
            can = afford[:, g]
            g_affordable = int(np.count_nonzero(here & can))
            g_right = int(np.count_nonzero(mine & can))
            g_supply = g_right * turnover
            g_queue: float | None
            g_demand: float | None
            if source == "live":
                assert live_m is not None
                qn = int(live_m.queue_by_group.get(group.key, 0))
                rn = int(live_m.registered_by_group.get(group.key, 0))
                g_queue = None if _suppress(qn, threshold) else float(qn)
                g_demand = None if _suppress(rn, threshold) else live_m.annualise(rn)
                if g_queue is None:
                    suppressed.append(f"groups.{group.key}.queue")
                if g_demand is None:
                    suppressed.append(f"groups.{group.key}.demand_per_year")
            else:
                share = params.demand_group_shares[group.key]
                g_queue = m.homeless_2024 * share
                g_demand = m.homeless_2024 * params.yearly_factor * share
            groups.append(
                GroupShortfall(
                    group=group.key,
                    label=group.label,
                    monthly_income_dkk=incomes[group.key],
                    affordable_units=g_affordable,
                    municipal_right_units=g_right,
                    supply_per_year=g_supply,
                    demand_per_year=g_demand,
                    queue=g_queue,
                    gap_per_year=None if g_demand is None else g_demand - g_supply,
                    shares=_share_scenarios(
                        params.allocation_shares, g_affordable, turnover, g_demand, g_queue
                    ),
                )
            )
        affordable_any = int(np.count_nonzero(here & any_group))
        rows.append(
            ShortfallRow(
                code=m.code,
                name=m.name,
                region=m.region,
                homeless_2022=m.homeless_2022,
                homeless_2024=m.homeless_2024,
                demand_source=source,
                yearly_demand=demand,
                queue=queue,
                stock_units=int(np.count_nonzero(here)),
                municipal_right_units=int(np.count_nonzero(mine)),
                affordable_units=affordable_any,
                supply_per_year=supply,
                gap_per_year=None if demand is None else demand - supply,
                shares=_share_scenarios(
                    params.allocation_shares, affordable_any, turnover, demand, queue
                ),
                groups=groups,
                suppressed=suppressed,
            )
        )
    known = [r for r in rows if r.yearly_demand is not None]
    totals = ShortfallTotals(
        homeless_2022=sum(r.homeless_2022 for r in rows),
        homeless_2024=sum(r.homeless_2024 for r in rows),
        yearly_demand=math.fsum(r.yearly_demand or 0.0 for r in known),
        supply_per_year=math.fsum(r.supply_per_year for r in rows),
        gap_per_year=math.fsum(r.gap_per_year or 0.0 for r in known),
    )
    return ShortfallReport(
        parameters=ShortfallParametersOut(
            as_of=params.as_of,
            yearly_factor=params.yearly_factor,
            turnover_rate=turnover,
            allocation_shares=list(params.allocation_shares),
            suppress_below=threshold,
            benefit_year=benefit_year,
            housing_benefit_year=hb_year,
            tax_year=params.tax_year(),
            demand_group_shares=dict(params.demand_group_shares),
        ),
        municipalities=rows,
        totals=totals,
        left_out=list(stock.left_out),
    )


def _select(municipality: str | None) -> list[MunicipalityCount]:
    counts = list(municipality_counts())
    if municipality is None:
        return counts
    chosen = [c for c in counts if c.code == municipality]
    if not chosen:
        raise KeyError(f"unknown municipality code {municipality!r}")
    return chosen


def shortfall(
    session: Session | None,
    *,
    municipality: str | None = None,
    params: ShortfallParameters | None = None,
    settings: Settings | None = None,
) -> ShortfallReport:
    """The planner's shortfall table for all 98 municipalities, or one.

    Parameters
    ----------
    session : Session or None
        The database with the live stock and case list; None gives the VIVE-based table
        with no stock (supply 0) for every municipality.
    municipality : str, optional
        One municipality code, e.g. ``"461"``; unknown codes raise :class:`KeyError`.
    params : ShortfallParameters, optional
    settings : Settings, optional

    Returns
    -------
    ShortfallReport
        ``report.model_dump(mode="json")`` is the ``--json`` document.
    """
    params = params or ShortfallParameters()
    counts = _select(municipality)
    codes = None if municipality is None else [municipality]
    if session is None:
        stock, live = Stock.empty(), {}
    else:
        stock = load_stock(session, as_of=params.as_of, municipalities=codes)
        live = load_live_demand(
            session, as_of=params.as_of, window_days=params.live_window_days, municipalities=codes
        )
    return compute_shortfall(counts, stock, live, params, settings=settings)


# --- rent bands ---------------------------------------------------------------------------


def _band_label(lo: int | None, hi: int | None) -> str:
    if lo is None:
        return f"<{hi:,} kr."
    if hi is None:
        return f"≥{lo:,} kr."
    return f"{lo:,}-{hi - 1:,} kr."


def rent_bands(
    stock: Stock,
    municipality_code: str,
    params: ShortfallParameters,
    *,
    settings: Settings | None = None,
) -> list[RentBand]:
    """Rent bands of one municipality's stock (pure; see :func:`rent_band_summary`)."""
    settings = settings or get_settings()
    turnover = params.turnover(settings)
    afford = _affordable(stock, params, settings)
    rent = stock.effective_rent_dkk
    here = np.array([loc == municipality_code for loc in stock.location], dtype=np.bool_)
    mine = np.array([r == municipality_code for r in stock.right], dtype=np.bool_)
    edges: list[int | None] = [None, *params.rent_band_edges, None]
    out = []
    for lo, hi in itertools.pairwise(edges):
        in_band = np.ones(len(stock), dtype=np.bool_)
        if lo is not None:
            in_band &= rent >= lo
        if hi is not None:
            in_band &= rent < hi
        right_units = int(np.count_nonzero(in_band & mine))
        by_group = {
            g.key: int(np.count_nonzero(in_band & mine & afford[:, i]))
            for i, g in enumerate(BENEFIT_GROUPS)
        }
        out.append(
            RentBand(
                label=_band_label(lo, hi),
                min_rent_dkk=lo,
                max_rent_dkk=hi,
                units=int(np.count_nonzero(in_band & here)),
                municipal_right_units=right_units,
                lettings_per_year=right_units * turnover,
                affordable_by_group=by_group,
                groups_affording=sum(
                    1 for n in by_group.values() if right_units and 2 * n >= right_units
                ),
            )
        )
    return out


def rent_band_summary(
    session: Session,
    municipality_code: str,
    *,
    params: ShortfallParameters | None = None,
    settings: Settings | None = None,
) -> list[RentBand]:
    """One municipality's stock by rent band: municipal-right units, lettings, who can pay.

    Bands are by rent after the reduction in force (default <3,500, 3,500-4,499,
    4,500-5,499 and ≥5,500 kr./month). ``band.line()`` gives a one-line summary, e.g.
    ``"<3,500 kr.:    41 units with municipal right,    5.7 lettings/year, affordable
    to 3 of 4 benefit groups"``.
    """
    params = params or ShortfallParameters()
    stock = load_stock(session, as_of=params.as_of, municipalities=[municipality_code])
    return rent_bands(stock, municipality_code, params, settings=settings)


# --- flat table (CSV, terminal) ---------------------------------------------------------------


def flat_rows(report: ShortfallReport) -> list[dict[str, object]]:
    """One flat dict per municipality: the row's figures plus per-group and per-share columns.

    Suppressed figures are empty; ``suppressed`` lists their names separated by ``;``.
    """
    out: list[dict[str, object]] = []
    for row in report.municipalities:
        flat: dict[str, object] = {
            "code": row.code,
            "name": row.name,
            "region": row.region,
            "homeless_2022": row.homeless_2022,
            "homeless_2024": row.homeless_2024,
            "demand_source": row.demand_source,
            "yearly_demand": row.yearly_demand,
            "queue": row.queue,
            "stock_units": row.stock_units,
            "municipal_right_units": row.municipal_right_units,
            "affordable_units": row.affordable_units,
            "supply_per_year": row.supply_per_year,
            "gap_per_year": row.gap_per_year,
        }
        for s in row.shares:
            pct = f"{s.share * 100:g}pct"
            flat[f"supply_per_year_{pct}"] = s.supply_per_year
            flat[f"years_to_clear_{pct}"] = s.years_to_clear
        for g in row.groups:
            flat[f"{g.group}_municipal_right_units"] = g.municipal_right_units
            flat[f"{g.group}_supply_per_year"] = g.supply_per_year
            flat[f"{g.group}_demand_per_year"] = g.demand_per_year
            flat[f"{g.group}_gap_per_year"] = g.gap_per_year
        flat["suppressed"] = ";".join(row.suppressed)
        out.append(flat)
    return out


def to_csv(report: ShortfallReport) -> str:
    """The table as CSV text (UTF-8, comma-separated, header first, '.' decimals)."""
    import csv
    import io

    rows = flat_rows(report)
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: ("" if v is None else (round(v, 4) if isinstance(v, float) else v))
                    for k, v in row.items()
                }
            )
    return buffer.getvalue()
