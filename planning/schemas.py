"""Planner-facing documents: the shortfall table and the rent-band lines.

These pydantic models are the single source of the ``boligmatch shortfall --json``
document (CONTRACT.md section 6), of the planner API's JSON and of the CSV columns. They
carry aggregates only: no case, no person. Counts derived from live case data below the
suppression threshold are ``null`` and named in ``suppressed`` so that a reader can tell a
suppressed figure from a missing one; VIVE's published counts are public and always shown.

Units are in the field names or descriptions: ``_per_year`` fields are homes or persons
per year, ``years_to_clear`` is years, rents are DKK per month excluding utilities.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SHORTFALL_FORMAT: Literal["boligmatch.shortfall/1"] = "boligmatch.shortfall/1"

BenefitGroupKey = Literal["kh_under_30", "kh_30_plus", "foertidspension", "folkepension"]
BENEFIT_GROUP_KEYS: tuple[BenefitGroupKey, ...] = (
    "kh_under_30",
    "kh_30_plus",
    "foertidspension",
    "folkepension",
)
"""The four benefit groups of issue 6, hardest-hit (kontanthjælp under 30) first."""

DemandSource = Literal["vive", "live"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShareScenario(_Out):
    """The ministry's 2022 question for one allocation share (DOMAIN.md section 7).

    The municipality allocates ``share`` of the affordable homes let each year (whatever
    their allocation right today); everyone in the queue is housed at that pace.
    """

    share: float = Field(description="Share of the affordable lettings allocated, 0-1.")
    supply_per_year: float = Field(description="Homes allocated per year at this share.")
    gap_per_year: float | None = Field(
        description="Yearly demand minus supply [persons/year]; negative = surplus."
    )
    years_to_clear: float | None = Field(
        description=(
            "Queue / supply [years]: the ministry's method (new arrivals not counted); "
            "null when there is no supply or the queue is suppressed."
        )
    )


class GroupShortfall(_Out):
    """Demand, supply and gap for one benefit group (a representative single adult)."""

    group: BenefitGroupKey
    label: str
    monthly_income_dkk: int = Field(description="Standard benefit of the group [DKK/month].")
    affordable_units: int = Field(description="Units in the stock the group can afford.")
    municipal_right_units: int = Field(
        description="Of those, units the municipality holds the allocation right on."
    )
    supply_per_year: float = Field(
        description="Expected lettings per year of those municipal-right units [homes/year]."
    )
    demand_per_year: float | None = Field(description="Yearly demand of the group [persons/year].")
    queue: float | None = Field(description="Persons of the group waiting now.")
    gap_per_year: float | None = Field(description="demand_per_year - supply_per_year.")
    shares: list[ShareScenario]


class ShortfallRow(_Out):
    """One municipality's line of the planner's shortfall table."""

    code: str = Field(description="Official municipality code, e.g. '461'.")
    name: str
    region: str
    homeless_2022: int = Field(description="VIVE count, week 6 of 2022 (published).")
    homeless_2024: int = Field(description="VIVE count, week 6 of 2024 (published).")
    demand_source: DemandSource = Field(
        description="'vive': count x yearly factor; 'live': the municipality's own case list."
    )
    yearly_demand: float | None = Field(description="Estimated persons needing a home per year.")
    queue: float | None = Field(
        description="Persons waiting now: the VIVE 2024 count, or the active live cases."
    )
    stock_units: int = Field(description="Almene units in the database's stock here.")
    municipal_right_units: int = Field(description="Units with a municipal allocation right.")
    affordable_units: int = Field(
        description="Units affordable to at least one benefit group (any allocation right)."
    )
    supply_per_year: float = Field(
        description=(
            "Expected lettings per year of municipal-right units affordable to at least one "
            "benefit group [homes/year]: an upper bound on what can go to homeless citizens."
        )
    )
    gap_per_year: float | None = Field(
        description="yearly_demand - supply_per_year [homes/year]; positive = shortfall."
    )
    shares: list[ShareScenario]
    groups: list[GroupShortfall]
    suppressed: list[str] = Field(
        default_factory=list,
        description="Fields shown as null because a live count below the threshold is hidden.",
    )


class LeftOutUnit(_Out):
    """A stored unit the shortfall could not use (issue 13: one bad row must not break the
    figures of every municipality), with the reason."""

    unit_id: int | None = Field(description="The unit's id in the database, if known.")
    municipality_code: str
    reason: str


class ShortfallParametersOut(_Out):
    """The parameters a table was computed with (shown so that any figure can be redone)."""

    as_of: dt.date
    yearly_factor: float
    turnover_rate: float
    allocation_shares: list[float]
    suppress_below: int
    benefit_year: int
    housing_benefit_year: int
    tax_year: int | None = Field(
        None, description="Income-tax year of the benefit groups' disposable incomes."
    )
    demand_group_shares: dict[str, float]


class ShortfallTotals(_Out):
    """National (or selection) totals; sums of the rows, suppressed figures left out."""

    homeless_2022: int
    homeless_2024: int
    yearly_demand: float
    supply_per_year: float
    gap_per_year: float


class ShortfallReport(_Out):
    """The ``boligmatch shortfall --json`` document."""

    format: Literal["boligmatch.shortfall/1"] = SHORTFALL_FORMAT
    parameters: ShortfallParametersOut
    municipalities: list[ShortfallRow]
    totals: ShortfallTotals
    left_out: list[LeftOutUnit] = Field(
        default_factory=list,
        description="Stored units left out of every figure because a value is unusable.",
    )


class RentBand(_Out):
    """One rent band of a municipality's stock (rent after any reduction in force)."""

    label: str = Field(description="e.g. '3,500-4,499 kr.'")
    min_rent_dkk: int | None = Field(description="Lowest rent in the band [DKK/month].")
    max_rent_dkk: int | None = Field(description="Rent below which the band ends [DKK/month].")
    units: int = Field(description="Units in the band (any allocation right).")
    municipal_right_units: int
    lettings_per_year: float = Field(description="Expected lettings/year of municipal-right units.")
    affordable_by_group: dict[str, int] = Field(
        description="Municipal-right units in the band each benefit group can afford."
    )
    groups_affording: int = Field(
        description="Benefit groups that can afford at least half the band's municipal-right units."
    )

    def line(self) -> str:
        """A one-line summary for a terminal or a report."""
        groups = "group" if self.groups_affording == 1 else "groups"
        return (
            f"{self.label:>16}: {self.municipal_right_units:5d} units with municipal right, "
            f"{self.lettings_per_year:6.1f} lettings/year, affordable to "
            f"{self.groups_affording} of 4 benefit {groups}"
        )
