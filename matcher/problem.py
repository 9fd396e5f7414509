"""The problem and result documents of CONTRACT.md section 4, as pydantic models.

The models are the single source of the published JSON Schemas
(``matcher/schema/problem.schema.json`` and ``result.schema.json``, regenerated with
``python -m matcher.problem``). Validation is strict on purpose: unknown fields are an
error, dates must be ISO ``YYYY-MM-DD`` strings, numbers must be JSON numbers and
booleans JSON booleans, because a silently coerced or ignored field in a housing decision
is worse than a clear error. Every error names the JSON path of the offending field, e.g.
``citizens[3].household.adults: must be at least 1``.

The result models exist only to publish the result schema: the solver builds the result
document as plain dicts for speed, and a test checks it against the schema.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from matcher import bounds
from matcher.income import IncomeKind, TaxFreeIncomeKind
from matcher.policy import Policy, Weights

PROBLEM_FORMAT = "boligmatch.problem/1"
RESULT_FORMAT = "boligmatch.result/1"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """Accept only an ISO ``YYYY-MM-DD`` string (or a date from Python callers)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be an ISO date string YYYY-MM-DD (got {value!r})")
    return _date_of(value)


@lru_cache(maxsize=1 << 14)
def _date_of(value: str) -> date:
    """The date of an ISO ``YYYY-MM-DD`` string (cached: documents repeat their dates)."""
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"must be an ISO date string YYYY-MM-DD (got {value!r})")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"is not a valid date (got {value!r})") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Id = Annotated[str, Field(min_length=1, max_length=200)]
MunicipalityCode = Annotated[
    str, Field(pattern=r"^[0-9]{3}$", description="Official municipality code, e.g. '461'.")
]
SupportMethod = Literal["CTI", "ICM", "ACT", "SEL85", "none"]
UnitKind = Literal["family", "youth", "elderly", "skaev", "transitional"]
AreaCategory = Literal["none", "udsat", "parallelsamfund", "omdannelse", "forebyggelse"]
"""Restricted areas for municipal allocation (almenboligloven § 59 stk. 6 and 7)."""
Language = Literal["da", "en"]
"""The language of the texts in the result (explanations, reasons, offers)."""

_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class ProblemError(ValueError):
    """A problem document (or a solve request) is unusable.

    Parameters
    ----------
    issues : sequence of (path, message)
        Each offending field's JSON path (``citizens[3].household.adults``) and what is
        wrong with it in plain words.
    """

    def __init__(self, issues: Sequence[tuple[str, str]]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(f"{path}: {message}" for path, message in self.issues))


# --- problem document ---------------------------------------------------------------


class Household(BaseModel):
    """Who will live in the home."""

    model_config = _STRICT
    adults: int = Field(
        ge=bounds.ADULTS_MIN, le=bounds.ADULTS_MAX, description="Adults in the household (18+)."
    )
    children: int = Field(ge=0, le=bounds.CHILDREN_MAX, description="Children in the household.")


class IncomeItem(BaseModel):
    """One source of the household's income."""

    model_config = _STRICT
    kind: Literal[IncomeKind, TaxFreeIncomeKind] = Field(
        description=(
            "Kind of income (DOMAIN.md 5). boerne_og_ungeydelse and boernetilskud are "
            "tax-free: they count toward what is left to live on, not toward the gross "
            "income of the rent-share test or the housing-benefit income."
        )
    )
    monthly_dkk: float = Field(ge=0, le=bounds.DKK_MAX, description="Before tax [DKK/month].")
    person: int = Field(
        0,
        ge=0,
        le=bounds.ADULTS_MAX - 1,
        description=(
            "Which adult of the household receives it (0 = the citizen, default): income "
            "tax is personal, each adult has their own personfradrag."
        ),
    )


class Needs(BaseModel):
    """Physical needs the home must meet (hard rules)."""

    model_config = _STRICT
    wheelchair: bool = Field(False, description="Needs a wheelchair-accessible home.")
    ground_floor: bool = Field(False, description="Needs the ground floor or a lift.")
    pets: bool = Field(False, description="Has a pet that must be allowed.")


class Place(BaseModel):
    """A point the citizen wants to live near (work, family, treatment)."""

    model_config = _STRICT
    lat: float = Field(ge=-90, le=90, description="Latitude, WGS84 [degrees].")
    lon: float = Field(ge=-180, le=180, description="Longitude, WGS84 [degrees].")


class Preferences(BaseModel):
    """The citizen's wishes: ranked areas (soft), avoided areas (hard), a place (soft)."""

    model_config = _STRICT
    areas: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, max_length=50, description="Preferred areas, best first."
    )
    avoid_areas: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, max_length=200, description="Areas never to be offered."
    )
    place: Place | None = Field(None, description="A place to live near, if any.")


class AreaFacts(BaseModel):
    """The household facts of almenboligloven § 59 stk. 6 and 7 (DOMAIN.md section 3).

    Each applies if *any* member of the household meets it. The 6 months are the law's.
    Every field is optional; absent means the fact does not apply.
    """

    model_config = _STRICT
    released_from_prison_on: IsoDate | None = Field(
        None,
        description=(
            "Last day a member was released after serving a sentence (stk. 6 nr. 1: "
            "within 6 months). A citizen in situation 7 with a deadline counts as released "
            "on the deadline."
        ),
    )
    secure_institution_released_on: IsoDate | None = Field(
        None,
        description=(
            "Last day a member under 18 was released from a secure youth institution "
            "(sikret institution) after a conviction (stk. 6 nr. 2: within 6 months)."
        ),
    )
    lease_terminated_on: IsoDate | None = Field(
        None,
        description=(
            "Last day a member's lease was ended for gross breach of good order "
            "(stk. 6 nr. 3: within 6 months)."
        ),
    )
    non_eu_citizen: bool = Field(
        False,
        description=(
            "A member is not a citizen of an EU/EEA country or Switzerland and is not a "
            "student (stk. 6 nr. 4)."
        ),
    )
    foertidspension: bool = Field(
        False,
        description=(
            "A member receives førtidspension (stk. 6 nr. 6); also true when the income "
            "lists foertidspension."
        ),
    )
    hjemrejseydelse_since: IsoDate | None = Field(
        None,
        description=(
            "First day of a member's current unbroken period on selvforsørgelses- og "
            "hjemrejseydelse or overgangsydelse (stk. 6 nr. 5 and stk. 7: 6 consecutive "
            "months). kontanthjaelp_since covers kontanthjælp and uddannelseshjælp."
        ),
    )
    dagpenge_since: IsoDate | None = Field(
        None,
        description=(
            "First day of a member's current unbroken period on dagpenge, sygedagpenge or "
            "ressourceforløbsydelse (stk. 6 nr. 7: 6 consecutive months)."
        ),
    )


class Citizen(BaseModel):
    """A homeless citizen with a case at their acting municipality (handlekommune)."""

    model_config = _STRICT
    id: Id = Field(description="Case id, unique in the document.")
    municipality_code: MunicipalityCode = Field(description="The acting municipality.")
    birth_year: int | None = Field(
        None,
        ge=1900,
        le=2100,
        description=(
            "Year of birth; required unless birth_date is given (then it must agree). Without "
            "birth_date, age is the as_of year minus this."
        ),
    )
    household: Household
    income: list[IncomeItem] = Field(description="The household's income items.")
    wealth_dkk: float = Field(0.0, ge=0, le=bounds.DKK_MAX, description="Wealth [DKK].")
    situation: int = Field(
        ge=bounds.SITUATION_MIN,
        le=bounds.SITUATION_MAX,
        description="National homelessness situation 1-9 (DOMAIN.md 4).",
    )
    homeless_since: IsoDate = Field(description="First day of the current homelessness.")
    registered_on: IsoDate = Field(description="Day the citizen was put on the list.")
    deadline: IsoDate | None = Field(
        None, description="Release or discharge date (situations 7 and 8), if any."
    )
    support: SupportMethod = Field(
        "none", description="Support method (servicelov § 85 a: CTI, ICM, ACT; § 85: SEL85)."
    )
    needs: Needs = Field(default_factory=Needs)
    preferences: Preferences = Field(default_factory=Preferences)
    kontanthjaelp_since: IsoDate | None = Field(
        None,
        description=(
            "First day of the current unbroken period on kontanthjælp (cash benefit); null "
            "if not on kontanthjælp. Used by the listed_area rule."
        ),
    )
    # --- eligibility facts (issue 12: § 59 areas, unit kinds); all optional ---
    birth_date: IsoDate | None = Field(
        None,
        description=(
            "Date of birth; when given, age is exact (whole years on as_of) for the youth and "
            "elderly units. Default: null (age from birth_year)."
        ),
    )
    area_facts: AreaFacts | None = Field(
        None,
        description=(
            "The household facts almenboligloven § 59 stk. 6 and 7 ask for (restricted "
            "areas). Default: null = none of them applies."
        ),
    )
    disability: bool = Field(
        False,
        description=(
            "A member has a disability giving a particular need for an ældrebolig "
            "(almenboligloven § 54), whatever the age. Default: false."
        ),
    )
    skaev_target_group: bool = Field(
        False,
        description=(
            "Staff have judged the citizen to be in the target group of skæve boliger. "
            "Default: false (skæve boliger are not offered)."
        ),
    )

    @property
    def born_year(self) -> int:
        """The year of birth, from birth_date when given."""
        if self.birth_date is not None:
            return self.birth_date.year
        assert self.birth_year is not None  # the validator requires one of them
        return self.birth_year

    def age_on(self, day: date) -> int:
        """Age on ``day`` [years]: exact from birth_date, else ``day.year - birth_year``."""
        born = self.birth_date
        if born is None:
            return day.year - self.born_year
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    # --- money facts (issue 12: income tax and housing benefit; all optional) ---
    church_member: bool = Field(
        False,
        description=(
            "Member of the folkekirke: pays kirkeskat (default false, the cautious reading: "
            "more is left)."
        ),
    )
    mobility_impaired: bool = Field(
        False,
        description=(
            "A household member is severely mobility-impaired (stærkt bevægelseshæmmet); the "
            "homes offered are taken as suitable: boligstøtteloven § 14 stk. 2, § 22 stk. 3, "
            "§ 23 stk. 1. Default false."
        ),
    )
    doegnhjaelp: bool = Field(
        False,
        description=(
            "A household member receives døgnhjælp: boligstøtteloven § 14 stk. 3, § 22 stk. "
            "3, § 23 stk. 1. Default false."
        ),
    )
    seniorpension: bool = Field(
        False,
        description=(
            "A household member receives seniorpension: no 15 % cap on boligsikring for a "
            "household without children (§ 22 stk. 3). Default false."
        ),
    )
    foertidspension_before_2003: bool = Field(
        False,
        description=(
            "The førtidspension was granted (or applied for) before 1 January 2003: "
            "boligydelse instead of boligsikring. Default false."
        ),
    )


class Vacancy(BaseModel):
    """A vacant home that a municipality or housing association can let."""

    model_config = _STRICT
    id: Id = Field(description="Vacancy id, unique in the document.")
    municipality_code: MunicipalityCode = Field(description="Municipality the home is in.")
    area: str = Field(
        min_length=1, max_length=bounds.SHORT_TEXT_MAX, description="District or area name."
    )
    lat: float = Field(ge=-90, le=90, description="Latitude, WGS84 [degrees].")
    lon: float = Field(ge=-180, le=180, description="Longitude, WGS84 [degrees].")
    kind: UnitKind = Field(description="Kind of almen bolig (DOMAIN.md 3).")
    rooms: int = Field(ge=bounds.ROOMS_MIN, le=bounds.ROOMS_MAX, description="Number of rooms.")
    size_m2: float = Field(gt=0, le=bounds.SIZE_M2_MAX, description="Floor area [m²].")
    rent_dkk: float = Field(
        ge=0, le=bounds.DKK_MAX, description="Rent excl. utilities [DKK/month]."
    )
    utilities_dkk: float = Field(
        ge=0, le=bounds.DKK_MAX, description="Utilities a conto [DKK/month]."
    )
    rent_reduction_dkk: float = Field(
        0.0, ge=0, le=bounds.DKK_MAX, description="Reform rent reduction (§ 98 f) [DKK/month]."
    )
    rent_reduction_until: IsoDate | None = Field(
        None, description="Last day of the rent reduction; null = permanent."
    )
    deposit_dkk: float = Field(0.0, ge=0, le=bounds.DKK_MAX, description="Deposit [DKK].")
    allocation: Literal["municipal", "association"] = Field(
        description="Who lets the unit: the municipality (anvisningsret, § 59) or the association."
    )
    wheelchair: bool = Field(False, description="Wheelchair accessible.")
    floor: int = Field(
        0, ge=bounds.FLOOR_MIN, le=bounds.FLOOR_MAX, description="Floor; 0 = ground floor."
    )
    elevator: bool = Field(False, description="The building has a lift.")
    pets_allowed: bool = Field(False, description="Pets are allowed.")
    available_from: IsoDate = Field(description="First day the home can be moved into.")
    department: str = Field(min_length=1, description="Housing department (afdeling) id.")
    listed_area: bool = Field(
        False,
        description=(
            "In an udsat boligområde (almenboligloven § 59 stk. 6); the same as "
            "area_category 'udsat'. Kept for documents written before area_category."
        ),
    )
    # --- eligibility facts (issue 12) ---
    area_category: AreaCategory | None = Field(
        None,
        description=(
            "The area on the national lists (almenboligloven § 61 a-b) that restricts "
            "municipal allocation: 'udsat', 'parallelsamfund' and 'omdannelse' (§ 59 stk. "
            "6), 'forebyggelse' (§ 59 stk. 7), or 'none'. Default: 'udsat' when "
            "listed_area is true, else 'none'."
        ),
    )

    @property
    def restricted_area(self) -> AreaCategory:
        """The area category in force: ``area_category``, else ``udsat`` for a listed area."""
        if self.area_category is not None:
            return self.area_category
        return "udsat" if self.listed_area else "none"


class SupportTeam(BaseModel):
    """Free places of one support team (side constraint and support-fit soft rule)."""

    model_config = _STRICT
    municipality_code: MunicipalityCode
    method: Literal["CTI", "ICM", "ACT", "SEL85"] = Field(description="Support method.")
    team: str = Field(min_length=1, description="Team name, unique per municipality/method.")
    areas: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description=(
            "Areas the team reaches; empty = the whole municipality. Teams of the same "
            "municipality and method must not overlap."
        ),
    )
    free_places: int = Field(ge=0, le=100_000, description="Citizens the team can take on now.")


class DepartmentCap(BaseModel):
    """At most ``max_allocations`` municipal allocations to a department in this period."""

    model_config = _STRICT
    department: str = Field(min_length=1, description="Housing department (afdeling) id.")
    max_allocations: int = Field(ge=0, le=100_000, description="Allocations still allowed.")
    period: str | None = Field(None, description="Label of the period the cap is for.")


class Problem(BaseModel):
    """A self-contained matching problem (CONTRACT.md section 4)."""

    model_config = _STRICT
    format: Literal["boligmatch.problem/1"] = Field(description="Document format and version.")
    as_of: IsoDate = Field(description="The day the plan is made; sets the benefit-rate year.")
    citizens: list[Citizen]
    vacancies: list[Vacancy]
    weights: Weights = Field(default_factory=Weights, description="Default score weights.")
    policy: Policy = Field(default_factory=Policy, description="Default municipal policy.")
    municipality_policies: dict[MunicipalityCode, Policy] = Field(
        default_factory=dict,
        description="Policies by municipality code; each replaces the default as a whole.",
    )
    support_capacity: list[SupportTeam] = Field(default_factory=list)
    department_caps: list[DepartmentCap] = Field(default_factory=list)
    language: Language = Field(
        "da",
        description=(
            "Language of the result's texts (reasons, explanations, offers): 'da' (Danish, "
            "default) or 'en'. The structured data (rules, values, codes) is the same in both."
        ),
    )

    def policy_for(self, municipality_code: str) -> Policy:
        """The policy in force for one municipality."""
        return self.municipality_policies.get(municipality_code, self.policy)

    def weights_for(self, municipality_code: str) -> Weights:
        """The weights in force for one municipality."""
        policy = self.policy_for(municipality_code)
        return self.weights if policy.weights is None else policy.weights


# --- result document (schema only) ------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Breakdown(_Out):
    """A pair's score, part by part [points]; the parts sum to the score."""

    housed: int
    situation: int
    time_homeless: int
    deadline: int
    children: int
    time_on_list: int
    young: int
    area_preference: int
    distance: int
    stays_affordable: int
    support_fit: int
    move_in: int


OfferFlag = Literal["needs_assessment", "unaffordable_after_reduction"]
"""Flags on an offer: a rule the municipality made a flag instead of a refusal."""


class ReductionEnd(_Out):
    """A temporary rent reduction (almenboligloven § 98 f): when it ends and what then."""

    until: str = Field(description="Last day of the reduction (YYYY-MM-DD).")
    rent_after_dkk: int = Field(description="Gross rent once it has ended [DKK/month].")
    housing_benefit_after_dkk: int = Field(description="Housing benefit then [DKK/month].")
    left_after_dkk: int = Field(description="Left to live on then [DKK/month].")
    affordable_after: bool = Field(description="Still affordable once it has ended.")
    unaffordable_from: str | None = Field(
        description="First day it is not affordable (the day after 'until'), or null."
    )


class Deposit(_Out):
    """The home's beboerindskud: what the citizen pays, or may borrow from the municipality."""

    deposit_dkk: int = Field(description="The beboerindskud [DKK].")
    loan_qualifies: bool = Field(
        description="The municipality must grant a beboerindskudslån (boligstøtteloven § 56)."
    )
    loan_dkk: int = Field(description="What the citizen may borrow [DKK].")
    pay_dkk: int = Field(description="What the citizen must pay themselves [DKK].")
    income_limit_dkk: int = Field(description="The loan's household-income limit [DKK/year].")
    yearly_income_dkk: int = Field(description="The household income it is held against.")


class Money(_Out):
    """An offer's money, per month unless stated: what the citizen pays and has left."""

    income_dkk: int = Field(description="Gross income (taxable, before tax).")
    disposable_income_dkk: int = Field(
        description="After income tax, plus tax-free income (DOMAIN.md 5)."
    )
    gross_rent_dkk: int = Field(description="Rent minus the reduction in force.")
    housing_benefit_dkk: int
    net_housing_cost_dkk: int
    left_dkk: int = Field(description="Disposable income minus the net housing cost.")
    required_left_dkk: int
    max_gross_rent_dkk: int = Field(description="max_rent_share of the gross income.")
    needs_assessment: bool = Field(
        description=(
            "Rent above max_rent_share where the municipality's rent_share_rule is "
            "'assessment' (boligstøtteloven § 15)."
        )
    )
    reduction: ReductionEnd | None = Field(
        description="The temporary § 98 f reduction in force, or null."
    )
    deposit: Deposit | None = Field(
        description="The deposit and any beboerindskudslån; null without limits for the year."
    )


class Assignment(_Out):
    citizen: str
    vacancy: str
    score: int
    breakdown: Breakdown
    solver: Literal["min_cost_flow", "cp_sat"]
    money: Money | None = Field(None, description="The offer's money (issue 12).")
    flags: list[OfferFlag] = Field(
        default_factory=list,
        description="Flags staff must act on: needs_assessment, unaffordable_after_reduction.",
    )


class RuleDetail(_Out):
    """Why a pair fails, or why a citizen is left without a home, as data.

    The text beside it words the same numbers; a reader that formats its own sentences
    (the web, in Danish) uses these and never parses the text.
    """

    rule: str | None = Field(
        description=(
            "The hard rule (allocation_right, household_fits, accessibility, pets, "
            "youth_unit, unit_kind, listed_area, support_reach, avoided_area, "
            "available_by_deadline, affordability, affordable_after_reduction), "
            "'excluded' for a declined pair, or null when no rule binds (outranked, capacity)."
        )
    )
    values: dict[str, Any] = Field(
        description=(
            "The numbers the verdict rests on, by name (money in DKK/month, areas in m², "
            "dates as YYYY-MM-DD); the names depend on the rule."
        )
    )


class Candidate(_Out):
    citizen: str
    rank: int = Field(description="1 = offer first.")
    score: int
    loss: int = Field(description="Forecast loss of plan score if this citizen gets the home.")
    assigned: bool = Field(description="The plan gives this citizen this home.")
    planned_vacancy: str | None = Field(description="The home the plan gives this citizen.")
    why: str
    breakdown: Breakdown | None = Field(
        None, description="The score part by part (the numbers 'why' words)."
    )
    money: Money | None = Field(None, description="The offer's money (issue 12).")
    flags: list[OfferFlag] = Field(
        default_factory=list,
        description="Flags staff must act on: needs_assessment, unaffordable_after_reduction.",
    )


class Offer(_Out):
    vacancy: str
    feasible_citizens: int
    candidates: list[Candidate]


class Option(_Out):
    vacancy: str
    rank: int
    score: int
    loss: int
    assigned: bool


class Options(_Out):
    citizen: str
    feasible_vacancies: int
    vacancies: list[Option]


class PairVerdict(_Out):
    citizen: str
    vacancy: str
    feasible: bool
    score: int | None = None
    breakdown: Breakdown | None = None
    money: Money | None = Field(
        None, description="A feasible pair's money, as its offer would state it (issue 12)."
    )
    flags: list[OfferFlag] | None = Field(
        None, description="A feasible pair's flags, as its offer would carry them."
    )
    reasons: list[str]
    failed: list[RuleDetail] | None = Field(
        None, description="The reasons as data, in the same order: each failed rule's numbers."
    )


class ClosestHome(_Out):
    """The home a citizen comes closest to without getting it, and why not."""

    vacancy: str
    money_gap_dkk: int = Field(
        description=(
            "DKK a month the home is out of reach by: how much less is left to live on "
            "than required, plus how far the gross rent is above the municipality's maximum "
            "share of income where rent_share_rule is 'hard'; 0 when it is affordable."
        )
    )
    reasons: list[str] = Field(description="Each failed rule in plain words, as in 'pairs'.")
    failed: list[RuleDetail] = Field(description="The reasons as data, in the same order.")


class CompactVerdict(_Out):
    """One citizen's verdicts in short (``--explain-compact``): counts, not every pair."""

    citizen: str
    feasible_vacancies: int
    funnel: dict[str, int] = Field(
        description="Homes left after each hard rule, in order (as 'unmatched[].funnel')."
    )
    failed_by_rule: dict[str, int] = Field(
        description=(
            "Per hard rule, how many of the component's homes it fails on its own (a home "
            "may fail several rules)."
        )
    )
    closest: ClosestHome | None = Field(
        description=(
            "The closest home the citizen cannot get: the fewest failed rules (a declined "
            "offer's exclusion counts as one), then the smallest money_gap_dkk, then the "
            "lowest vacancy id; null when every home of the component is feasible."
        )
    )


class Unmatched(_Out):
    citizen: str
    reason: Literal[
        "no_home_in_municipality",
        "no_home_of_right_size",
        "no_accessible_home",
        "no_home_allowing_pets",
        "youth_units_only",
        "unit_kinds_only",
        "listed_area_only",
        "no_home_support_reaches",
        "avoided_areas_only",
        "none_available_by_deadline",
        "no_affordable_home",
        "unaffordable_after_reduction",
        "declined",
        "outranked",
        "capacity",
    ]
    text: str
    funnel: dict[str, int] = Field(description="Homes left after each hard rule, in order.")
    feasible_vacancies: int
    detail: RuleDetail | None = Field(
        None,
        description=(
            "The reason as data: the binding rule and the numbers 'text' words (for "
            "outranked: the homes named, who got them and the scores; for capacity: the "
            "home the plan would otherwise give)."
        ),
    )


class ComponentStats(_Out):
    municipalities: list[str]
    citizens: int
    vacancies: int
    pairs_evaluated: int
    feasible_pairs: int
    solver: Literal["min_cost_flow", "cp_sat", "none"]
    status: Literal["OPTIMAL", "FEASIBLE"]
    objective: int


class Stats(_Out):
    citizens: int
    vacancies: int
    components: int
    components_cp_sat: int
    pairs_evaluated: int
    feasible_pairs: int
    excluded_pairs: int
    housed: int
    unmatched: int
    vacancies_unfilled: int
    housed_bonus: int
    loss_basis: str
    deposit_limits_source: str | None = Field(
        description=(
            "Where the beboerindskudslån limits of the offers' money.deposit come from "
            "(UNCONFIRMED where they are), or null without limits for the year."
        )
    )
    per_component: list[ComponentStats]


class Result(_Out):
    """The result document (CONTRACT.md section 4)."""

    format: Literal["boligmatch.result/1"]
    as_of: str
    status: Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE"]
    objective: int = Field(description="Sum of the assigned pairs' scores.")
    stats: Stats
    excluded: list[list[str]] = Field(description="Excluded [citizen, vacancy] pairs.")
    assignments: list[Assignment]
    offers: list[Offer]
    options: list[Options]
    pairs: list[PairVerdict] | None = None
    pairs_compact: list[CompactVerdict] | None = Field(
        None,
        description=(
            "Only with --explain-compact: per citizen the hard-rule funnel, each rule's "
            "failed homes and the closest home out of reach (grows as citizens, where "
            "'pairs' grows as citizens x vacancies). Only the homes of the citizen's "
            "component count (the homes of their municipality, and of any municipality a "
            "department cap joins to it); other municipalities' homes are left out."
        ),
    )
    unmatched: list[Unmatched]


# --- parsing and errors --------------------------------------------------------------


def json_path(location: Iterable[int | str]) -> str:
    """Render a pydantic error location as a JSON path: ``citizens[3].household.adults``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            path += f".{part}" if path else part
        else:
            path += f"[{json.dumps(part, ensure_ascii=False)}]"
    return path or "(document)"


_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


def _message(error: Any) -> str:
    kind = error["type"]
    if kind in _MESSAGES:
        return str(_MESSAGES[kind])
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    if kind != "value_error" and "input" in error and not isinstance(error["input"], dict | list):
        message += f" (got {json.dumps(error['input'], default=str, ensure_ascii=False)})"
    return message


def problem_error_from(error: ValidationError) -> ProblemError:
    """Turn pydantic's errors into :class:`ProblemError` issues with JSON paths.

    Pydantic reports a union's failures once per member (``deadline.date``); the member
    name is dropped so the path is the document's path.
    """
    issues: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for item in error.errors(include_url=False):
        location = [p for p in item["loc"] if p not in ("date", "function-before[_iso_date()]")]
        issue = (json_path(location), _message(item))
        if issue not in seen:
            seen.add(issue)
            issues.append(issue)
    return ProblemError(issues)


def _check_consistency(problem: Problem) -> None:
    """Cross-field checks pydantic cannot express: unique ids, non-overlapping teams."""
    issues: list[tuple[str, str]] = []
    id_lists = (
        ("citizens", [c.id for c in problem.citizens]),
        ("vacancies", [v.id for v in problem.vacancies]),
    )
    for name, ids in id_lists:
        first_index: dict[str, int] = {}
        for index, item_id in enumerate(ids):
            if item_id in first_index:
                issues.append(
                    (
                        f"{name}[{index}].id",
                        f"duplicate id {item_id!r} (also {name}[{first_index[item_id]}])",
                    )
                )
            else:
                first_index[item_id] = index
    teams: dict[tuple[str, str], list[tuple[int, SupportTeam]]] = {}
    for index, team in enumerate(problem.support_capacity):
        teams.setdefault((team.municipality_code, team.method), []).append((index, team))
    for (code, method), members in teams.items():
        covered: dict[str, str] = {}
        names: set[str] = set()
        whole = [t for _, t in members if not t.areas]
        for index, team in members:
            path = f"support_capacity[{index}]"
            if team.team in names:
                issues.append(
                    (f"{path}.team", f"duplicate team {team.team!r} for {method} in {code}")
                )
            names.add(team.team)
            if whole and len(members) > 1:
                issues.append(
                    (
                        f"{path}.areas",
                        f"{method} teams in {code} overlap: one covers the whole municipality",
                    )
                )
                continue
            for area in team.areas:
                if area in covered and covered[area] != team.team:
                    issues.append(
                        (
                            f"{path}.areas",
                            f"area {area!r} is also covered by {method} team {covered[area]!r}",
                        )
                    )
                covered[area] = team.team
    seen_departments: dict[str, int] = {}
    for index, cap in enumerate(problem.department_caps):
        if cap.department in seen_departments:
            first = seen_departments[cap.department]
            issues.append(
                (
                    f"department_caps[{index}].department",
                    f"duplicate department {cap.department!r} (also department_caps[{first}])",
                )
            )
        seen_departments.setdefault(cap.department, index)
    for index, citizen in enumerate(problem.citizens):
        born = citizen.birth_date
        if born is None and citizen.birth_year is None:
            issues.append((f"citizens[{index}]", "birth_year or birth_date is required"))
        elif born is not None and citizen.birth_year not in (None, born.year):
            issues.append((f"citizens[{index}].birth_year", "must be the year of birth_date"))
        for item_index, item in enumerate(citizen.income):
            if item.person >= citizen.household.adults:
                issues.append(
                    (
                        f"citizens[{index}].income[{item_index}].person",
                        f"must name one of the household's {citizen.household.adults} "
                        f"adult(s): 0 to {citizen.household.adults - 1} (got {item.person})",
                    )
                )
    for index, vacancy in enumerate(problem.vacancies):
        if vacancy.rent_reduction_dkk > vacancy.rent_dkk:
            issues.append((f"vacancies[{index}].rent_reduction_dkk", "must not exceed rent_dkk"))
    if issues:
        raise ProblemError(issues)


def parse_problem(document: object) -> Problem:
    """Validate a problem document (a parsed JSON object) into a :class:`Problem`.

    Raises
    ------
    ProblemError
        With one issue per offending field, each naming its JSON path.
    """
    if isinstance(document, Problem):
        _check_consistency(document)
        return document
    if not isinstance(document, dict):
        raise ProblemError([("(document)", "must be a JSON object")])
    if document.get("format") != PROBLEM_FORMAT:
        raise ProblemError(
            [("format", f"must be {PROBLEM_FORMAT!r} (got {document.get('format')!r})")]
        )
    try:
        problem = Problem.model_validate(document)
    except ValidationError as error:
        raise problem_error_from(error) from None
    _check_consistency(problem)
    return problem


def loads_problem(text: str | bytes) -> Problem:
    """Validate a problem document's JSON text into a :class:`Problem`.

    pydantic-core validates the text directly, without building the intermediate dicts
    of ``json.loads`` (on a national instance this takes about 40 % less time). Any
    failure, whether invalid JSON or an invalid document, is parsed again by ``json.loads`` and
    :func:`parse_problem`, so the errors are exactly theirs.

    Raises
    ------
    json.JSONDecodeError
        When the text is not JSON.
    ProblemError
        With one issue per offending field, each naming its JSON path.
    """
    try:
        problem = Problem.model_validate_json(text)
    except ValueError:  # ValidationError, or text pydantic-core will not read
        return parse_problem(json.loads(text))
    _check_consistency(problem)
    return problem


# --- schemas ---------------------------------------------------------------------------

SCHEMA_DIR = Path(__file__).parent / "schema"


def problem_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of the problem document, generated from :class:`Problem`."""
    schema = Problem.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://boligmatch.dk/schema/problem.schema.json"
    return schema


def result_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of the result document, generated from :class:`Result`."""
    schema = Result.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://boligmatch.dk/schema/result.schema.json"
    return schema


def schema_texts() -> dict[str, str]:
    """The committed schema files' exact contents, by file name."""

    def text(schema: dict[str, Any]) -> str:
        return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    return {
        "problem.schema.json": text(problem_schema()),
        "result.schema.json": text(result_schema()),
    }


if __name__ == "__main__":  # pragma: no cover - developer tool: regenerate the schemas
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, content in schema_texts().items():
        (SCHEMA_DIR / name).write_text(content, encoding="utf-8")
        print(f"wrote {SCHEMA_DIR / name}", file=sys.stderr)
