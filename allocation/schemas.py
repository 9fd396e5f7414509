"""Pydantic shapes of citizens' cases as staff send and read them.

The CPR number is accepted only in `CaseCreate`, as a `SecretStr` (its repr and
any accidental log of the model show asterisks) and marked write-only; no output
model has a field that could carry it or its hash.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from allocation.models import CaseStatus, CitizenCase, IncomeKind, SupportMethod
from kernel.types import Adults, Children, Money, NoCpr, NoNul, ShortText, Situation, UtcDateTime
from matcher import bounds
from matcher.columns import whole_months

KONTANTHJAELP_MONTHS = 6  # almenboligloven § 59 stk. 6 nr. 5

CaseRef = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")]
Name = Annotated[str | None, Field(max_length=bounds.NAME_MAX), NoNul, NoCpr]


class Household(BaseModel):
    model_config = ConfigDict(extra="forbid")

    adults: Adults = 1
    children: Children = 0


class IncomeItem(BaseModel):
    """One income of the household [DKK/month, before tax]."""

    model_config = ConfigDict(extra="forbid")

    kind: IncomeKind
    monthly_dkk: Money
    person: int = Field(
        0,
        ge=0,
        le=bounds.ADULTS_MAX - 1,
        description="which adult receives it (0 = the citizen): income tax is personal",
    )


class BenefitFacts(BaseModel):
    """What income tax and housing benefit need to know beyond the income (issue 12).

    Every fact defaults to false, as in the matcher's problem document.
    """

    model_config = ConfigDict(extra="forbid")

    church_member: bool = Field(False, description="member of the folkekirke: pays kirkeskat")
    mobility_impaired: bool = Field(
        False,
        description="a member is severely mobility-impaired (boligstøtteloven § 14 stk. 2)",
    )
    doegnhjaelp: bool = Field(False, description="a member receives døgnhjælp (§ 14 stk. 3)")
    seniorpension: bool = Field(False, description="a member receives seniorpension (§ 22 stk. 3)")
    foertidspension_before_2003: bool = Field(
        False, description="førtidspension granted before 2003: boligydelse"
    )

    @classmethod
    def of(cls, case: CitizenCase) -> BenefitFacts:
        return cls(**{name: getattr(case, name) for name in cls.model_fields})


class Needs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wheelchair: bool = False
    ground_floor: bool = False
    pets: bool = False


class Preferences(BaseModel):
    """Districts wanted (best first) and districts to avoid; no district in both."""

    model_config = ConfigDict(extra="forbid")

    areas: list[ShortText] = Field(default_factory=list, max_length=20)
    avoid_areas: list[ShortText] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _distinct(self) -> Preferences:
        if len(set(self.areas)) != len(self.areas) or len(set(self.avoid_areas)) != len(
            self.avoid_areas
        ):
            raise ValueError("an area is listed twice")
        if set(self.areas) & set(self.avoid_areas):
            raise ValueError("an area is both preferred and avoided")
        return self


class EligibilityFacts(BaseModel):
    """What staff record for the unit kinds and the § 59 areas (issue 12).

    Each § 59 fact applies if any member of the household meets it; the law's 6 months
    are counted by the matcher on the planning day.
    """

    model_config = ConfigDict(extra="forbid")

    disability: bool = Field(False, description="a disability giving a need for an ældrebolig")
    skaev_target_group: bool = Field(
        False, description="staff judge: target group of skæve boliger"
    )
    released_from_prison_on: dt.date | None = Field(
        None, description="last release after serving a sentence (§ 59 stk. 6 nr. 1)"
    )
    secure_institution_released_on: dt.date | None = Field(
        None, description="last release of a member under 18 from a secure institution (nr. 2)"
    )
    lease_terminated_on: dt.date | None = Field(
        None, description="lease ended for gross breach of good order (nr. 3)"
    )
    non_eu_citizen: bool = Field(
        False, description="a member outside EU/EEA/Switzerland, not a student (nr. 4)"
    )
    foertidspension: bool = Field(False, description="a member receives førtidspension (nr. 6)")
    hjemrejseydelse_since: dt.date | None = Field(
        None,
        description=(
            "on selvforsørgelses- og hjemrejseydelse or overgangsydelse since (nr. 5, stk. 7)"
        ),
    )
    dagpenge_since: dt.date | None = Field(
        None, description="on dagpenge, sygedagpenge or ressourceforløbsydelse since (nr. 7)"
    )

    @classmethod
    def of(cls, case: CitizenCase) -> EligibilityFacts:
        """The facts as stored on a case."""
        return cls(**{name: getattr(case, name) for name in cls.model_fields})

    def apply_to(self, case: CitizenCase) -> None:
        """Store the facts on a case (each one a column of the same name)."""
        for name in type(self).model_fields:
            setattr(case, name, getattr(self, name))


class CaseFields(BaseModel):
    """What staff record about a case (shared by create and read)."""

    model_config = ConfigDict(extra="forbid")

    name: Name = None
    household: Household = Household()
    income: list[IncomeItem] = Field(default_factory=list, max_length=10)
    wealth_dkk: Money = 0.0
    situation: Situation
    homeless_since: dt.date
    deadline: dt.date | None = Field(None, description="release or discharge date, if any")
    support: SupportMethod = SupportMethod.none
    needs: Needs = Needs()
    preferences: Preferences = Preferences()
    kontanthjaelp_since: dt.date | None = Field(
        None,
        description=(
            "start of the current unbroken period on kontanthjælp or uddannelseshjælp "
            "(almenboligloven § 59 stk. 6 nr. 5), if any"
        ),
    )
    eligibility: EligibilityFacts = Field(
        default_factory=EligibilityFacts,
        description="facts for the unit kinds and almenboligloven § 59 stk. 6 and 7",
    )
    benefit_facts: BenefitFacts = BenefitFacts()

    @model_validator(mode="after")
    def _income_persons(self) -> CaseFields:
        _check_persons(self.income, self.household.adults)
        return self


def _check_persons(income: list[IncomeItem], adults: int) -> None:
    for item in income:
        if item.person >= adults:
            raise ValueError(
                f"an income item names person {item.person}; the household has {adults} adult(s)"
            )


class CaseCreate(CaseFields):
    """A new case. ``cpr`` is stored only as a keyed hash and never returned."""

    cpr: SecretStr = Field(
        min_length=10,
        max_length=11,
        description="CPR number, DDMMYYNNNN or DDMMYY-NNNN (write-only)",
    )
    case_ref: CaseRef | None = Field(None, description="your reference; generated when left out")
    registered_on: dt.date | None = Field(None, description="default: today")


class CaseUpdate(BaseModel):
    """Changes to an active case; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: Name = None
    household: Household | None = None
    income: list[IncomeItem] | None = Field(None, max_length=10)
    wealth_dkk: Money | None = None
    situation: Situation | None = None
    homeless_since: dt.date | None = None
    registered_on: dt.date | None = None
    deadline: dt.date | None = Field(None, description="null clears it")
    support: SupportMethod | None = None
    needs: Needs | None = None
    preferences: Preferences | None = None
    kontanthjaelp_since: dt.date | None = Field(None, description="null clears it")
    eligibility: EligibilityFacts | None = Field(None, description="replaced as a whole")
    benefit_facts: BenefitFacts | None = None


class CloseReason(StrEnum):
    """Why a case is closed (a fixed list, so no free text with personal data is stored)."""

    housed = "housed"
    housed_elsewhere = "housed_elsewhere"
    moved_away = "moved_away"
    no_longer_homeless = "no_longer_homeless"
    no_contact = "no_contact"
    deceased = "deceased"
    duplicate = "duplicate"
    other = "other"


class CaseClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: CloseReason


class CaseOut(CaseFields):
    """A case as its own municipality's staff see it (never the CPR number or its hash)."""

    model_config = ConfigDict(extra="ignore")

    id: int
    case_ref: str
    municipality_code: str
    birth_year: int
    registered_on: dt.date
    kontanthjaelp_6_months: bool = Field(
        description=(
            "on kontanthjælp 6 consecutive months today (almenboligloven § 59 stk. 6 nr. 5: "
            "no homes in udsatte boligområder by municipal allocation)"
        )
    )
    refused_offers: int
    status: CaseStatus
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @classmethod
    def of(cls, case: CitizenCase, *, today: dt.date | None = None) -> CaseOut:
        since = case.kontanthjaelp_since
        on_benefit_6_months = (
            since is not None
            and whole_months(since, today or dt.date.today()) >= KONTANTHJAELP_MONTHS
        )
        return cls(
            id=case.id,
            case_ref=case.case_ref,
            name=case.name,
            municipality_code=case.municipality_code,
            birth_year=case.birth_year,
            household=Household(adults=case.adults, children=case.children),
            income=[
                IncomeItem(kind=i.kind, monthly_dkk=i.monthly_dkk, person=i.person)
                for i in case.income_items
            ],
            benefit_facts=BenefitFacts.of(case),
            wealth_dkk=case.wealth_dkk,
            situation=case.situation,
            homeless_since=case.homeless_since,
            registered_on=case.registered_on,
            deadline=case.deadline,
            support=case.support,
            needs=Needs(
                wheelchair=case.needs_wheelchair,
                ground_floor=case.needs_ground_floor,
                pets=case.has_pets,
            ),
            preferences=Preferences(areas=case.preferred_areas, avoid_areas=case.avoided_areas),
            kontanthjaelp_since=since,
            eligibility=EligibilityFacts.of(case),
            kontanthjaelp_6_months=on_benefit_6_months,
            refused_offers=case.refused_offers,
            status=case.status,
            version=case.version,
            created_at=case.created_at,
            updated_at=case.updated_at,
        )


class LetterLanguage(StrEnum):
    da = "da"
    en = "en"


class ContactPerson(BaseModel):
    """Who reaches the citizen: caseworker, shelter or support worker (never the CPR).

    Offers and notices about the case go to this person (homeless citizens are often
    exempt from Digital Post); without an e-mail address they go to the print batch.
    """

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=120), NoNul]
    email: Annotated[
        str | None, Field(max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), NoNul
    ] = None
    organisation: Annotated[str | None, Field(max_length=120), NoNul] = None
    letter_language: LetterLanguage = LetterLanguage.da


class NoticeAddress(BaseModel):
    """Where a housing association receives notices about its homes."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=120), NoNul]
    email: Annotated[str, Field(max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), NoNul]
