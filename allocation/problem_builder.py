"""Turn the database's open vacancies and active cases into a matcher problem document.

This is the one place that maps ORM rows onto the pure matcher's input
(CONTRACT.md section 4), so the API, the demo and the planners all ask the
matcher the same question.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any, NotRequired, TypedDict, cast

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.orm import Session

from allocation.models import (
    AreaPreference,
    CaseIncome,
    CaseStatus,
    CitizenCase,
    avoided_areas,
    preferred_areas,
)
from inventory.models import Department, HousingAssociation, Unit, Vacancy, VacancyStatus
from inventory.schemas import UNIT_FACTS

# --- the documents' shapes (matcher/problem.py's models, as the builders fill them) -----


class VacancyDocument(TypedDict):
    """A vacancy as ``matcher.problem.Vacancy`` reads it (a test checks the two agree)."""

    id: str
    municipality_code: str
    area: str
    lat: float
    lon: float
    kind: str
    rooms: int
    size_m2: float
    rent_dkk: float
    utilities_dkk: float
    rent_reduction_dkk: float
    rent_reduction_until: str | None
    deposit_dkk: float
    allocation: str
    wheelchair: bool
    floor: int
    elevator: bool
    pets_allowed: bool
    available_from: str
    department: str
    listed_area: bool
    area_category: str


class HouseholdDocument(TypedDict):
    adults: int
    children: int


class IncomeDocument(TypedDict):
    kind: str
    monthly_dkk: float
    person: int


class NeedsDocument(TypedDict):
    wheelchair: bool
    ground_floor: bool
    pets: bool


class PlaceDocument(TypedDict):
    lat: float
    lon: float


class PreferencesDocument(TypedDict):
    areas: list[str]
    avoid_areas: list[str]
    place: NotRequired[PlaceDocument]


class AreaFactsDocument(TypedDict):
    """The household facts of almenboligloven § 59 stk. 6 and 7 (``matcher.problem.AreaFacts``)."""

    released_from_prison_on: str | None
    secure_institution_released_on: str | None
    lease_terminated_on: str | None
    non_eu_citizen: bool
    foertidspension: bool
    hjemrejseydelse_since: str | None
    dagpenge_since: str | None


class CitizenDocument(TypedDict):
    """A citizen as ``matcher.problem.Citizen`` reads it (a test checks the two agree)."""

    id: str
    municipality_code: str
    birth_year: int
    household: HouseholdDocument
    income: list[IncomeDocument]
    situation: int
    homeless_since: str
    registered_on: str
    deadline: str | None
    support: str
    needs: NeedsDocument
    preferences: PreferencesDocument
    wealth_dkk: float
    kontanthjaelp_since: str | None
    birth_date: str | None
    area_facts: AreaFactsDocument
    disability: bool
    skaev_target_group: bool
    church_member: bool
    mobility_impaired: bool
    doegnhjaelp: bool
    seniorpension: bool
    foertidspension_before_2003: bool


class ProblemDocument(TypedDict):
    """A problem document (``matcher.problem.Problem``) as a match run builds it.

    ``policy`` and ``weights`` are the matcher's own shapes, passed through as given.
    """

    format: str
    as_of: str
    citizens: list[CitizenDocument]
    vacancies: list[VacancyDocument]
    policy: NotRequired[dict[str, Any]]
    weights: NotRequired[dict[str, Any]]


#: The unit facts the matcher reads under the same name and meaning; the rest of a
#: vacancy document comes from the vacancy, its department and its allocation right.
MATCHER_UNIT_FACTS = tuple(name for name in VacancyDocument.__annotations__ if name in UNIT_FACTS)


def _plain(value: object) -> object:
    """A column value as JSON: enums by value, dates as ISO strings."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def vacancy_document(vacancy: Vacancy) -> VacancyDocument:
    """A vacancy as the matcher sees it; ``id`` is the vacancy's database id as text."""
    unit: Unit = vacancy.unit
    department: Department = unit.department
    return _vacancy_document(
        vacancy.id,
        vacancy.available_from,
        {name: getattr(unit, name) for name in MATCHER_UNIT_FACTS},
        unit.allocation_municipality_code or department.municipality_code,
        f"{department.association.name}/{department.number}",
        department.listed_area,
        department.area_category,
    )


def _vacancy_document(
    vacancy_id: int,
    available_from: dt.date,
    unit_facts: dict[str, Any],
    municipality_code: str,
    department: str,
    listed_area: bool,
    area_category: str | None,
) -> VacancyDocument:
    """The document from its parts, read from ORM objects or from one joined row."""
    document: dict[str, Any] = {
        "id": str(vacancy_id),
        "municipality_code": municipality_code,
        **{name: _plain(value) for name, value in unit_facts.items()},
        "available_from": available_from.isoformat(),
        "department": department,
        "listed_area": listed_area,
        # null on the department: listed_area decides, as before issue 12
        "area_category": area_category or ("udsat" if listed_area else "none"),
    }
    # The matcher's field order (the stored snapshot reads as the schema does).
    return cast(VacancyDocument, {name: document[name] for name in VacancyDocument.__annotations__})


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def citizen_document(case: CitizenCase | CaseRow) -> CitizenDocument:
    """A case as the matcher sees it: pseudonymous ``case_ref``, never name or CPR hash."""
    preferences = PreferencesDocument(areas=case.preferred_areas, avoid_areas=case.avoided_areas)
    if case.preferred_lat is not None and case.preferred_lon is not None:
        preferences["place"] = PlaceDocument(lat=case.preferred_lat, lon=case.preferred_lon)
    return CitizenDocument(
        id=case.case_ref,
        municipality_code=case.municipality_code,
        birth_year=case.birth_year,
        household=HouseholdDocument(adults=case.adults, children=case.children),
        income=[
            IncomeDocument(kind=item.kind.value, monthly_dkk=item.monthly_dkk, person=item.person)
            for item in case.income_items
        ],
        situation=case.situation,
        homeless_since=case.homeless_since.isoformat(),
        registered_on=case.registered_on.isoformat(),
        deadline=case.deadline.isoformat() if case.deadline else None,
        support=case.support.value,
        needs=NeedsDocument(
            wheelchair=case.needs_wheelchair,
            ground_floor=case.needs_ground_floor,
            pets=case.has_pets,
        ),
        preferences=preferences,
        wealth_dkk=case.wealth_dkk,
        kontanthjaelp_since=(
            case.kontanthjaelp_since.isoformat() if case.kontanthjaelp_since else None
        ),
        area_facts=AreaFactsDocument(
            released_from_prison_on=_iso(case.released_from_prison_on),
            secure_institution_released_on=_iso(case.secure_institution_released_on),
            lease_terminated_on=_iso(case.lease_terminated_on),
            non_eu_citizen=case.non_eu_citizen,
            foertidspension=case.foertidspension,
            hjemrejseydelse_since=_iso(case.hjemrejseydelse_since),
            dagpenge_since=_iso(case.dagpenge_since),
        ),
        disability=case.disability,
        skaev_target_group=case.skaev_target_group,
        birth_date=_iso(case.birth_date),
        church_member=case.church_member,
        mobility_impaired=case.mobility_impaired,
        doegnhjaelp=case.doegnhjaelp,
        seniorpension=case.seniorpension,
        foertidspension_before_2003=case.foertidspension_before_2003,
    )


def _open_here(municipality_code: str) -> tuple[ColumnElement[bool], ...]:
    return (
        Vacancy.status == VacancyStatus.open,
        Unit.allocation_municipality_code == municipality_code,
    )


def open_vacancy_documents(session: Session, municipality_code: str) -> list[VacancyDocument]:
    """Open vacancies on which ``municipality_code`` holds the allocation right, as
    documents from one joined query of plain rows (no ORM objects: a re-offer reads them
    on every decline)."""
    rows = session.execute(
        select(
            Vacancy.id,
            Vacancy.available_from,
            *(getattr(Unit, name) for name in MATCHER_UNIT_FACTS),
            Unit.allocation_municipality_code,
            Department.municipality_code.label("department_municipality_code"),
            Department.number,
            Department.listed_area,
            Department.area_category,
            HousingAssociation.name.label("association_name"),
        )
        .join(Vacancy.unit)
        .join(Unit.department)
        .join(Department.association)
        .where(*_open_here(municipality_code))
        .order_by(Vacancy.id)
    )
    return [
        _vacancy_document(
            row.id,
            row.available_from,
            {name: getattr(row, name) for name in MATCHER_UNIT_FACTS},
            row.allocation_municipality_code or row.department_municipality_code,
            f"{row.association_name}/{row.number}",
            row.listed_area,
            row.area_category,
        )
        for row in rows
    ]


_CASE_FIELDS = (
    "id", "case_ref", "municipality_code", "birth_year", "adults", "children", "situation",
    "homeless_since", "registered_on", "deadline", "support", "needs_wheelchair",
    "needs_ground_floor", "has_pets", "preferred_lat", "preferred_lon", "wealth_dkk",
    "kontanthjaelp_since", "released_from_prison_on", "secure_institution_released_on",
    "lease_terminated_on", "non_eu_citizen", "foertidspension", "hjemrejseydelse_since",
    "dagpenge_since", "disability", "skaev_target_group", "birth_date", "church_member",
    "mobility_impaired", "doegnhjaelp", "seniorpension", "foertidspension_before_2003",
)  # fmt: skip
"""The case columns :func:`citizen_document` reads (never name, CPR hash or contact)."""


class CaseRow:
    """A case read as plain rows for a match run: the columns the matcher needs, with its
    income items and area preferences, read like a :class:`CitizenCase`.

    A run reads every active case of the municipality on every decline; plain rows cost
    a fraction of ORM objects (identity map, instrumentation) for the same document.
    """

    income_items: list[Any]
    area_preferences: list[Any]

    def __init__(self, row: Row[Any], income_items: list[Any], area_preferences: list[Any]):
        self.__dict__.update(row._mapping)  # the columns as plain attributes
        self.income_items = income_items
        self.area_preferences = area_preferences

    def __getattr__(self, name: str) -> Any:  # for mypy: the columns set above
        raise AttributeError(name)

    @property
    def preferred_areas(self) -> list[str]:
        return preferred_areas(self.area_preferences)

    @property
    def avoided_areas(self) -> list[str]:
        return avoided_areas(self.area_preferences)


def active_cases(session: Session, municipality_code: str) -> list[CaseRow]:
    """The municipality's active cases by case_ref, in three queries of plain rows."""
    active = (
        CitizenCase.municipality_code == municipality_code,
        CitizenCase.status == CaseStatus.active,
    )
    cases = session.execute(
        select(*(getattr(CitizenCase, name) for name in _CASE_FIELDS))
        .where(*active)
        .order_by(CitizenCase.case_ref)
    ).all()
    incomes: dict[int, list[Any]] = {}
    for item in session.execute(
        select(CaseIncome.case_id, CaseIncome.kind, CaseIncome.monthly_dkk, CaseIncome.person)
        .join(CitizenCase)
        .where(*active)
        .order_by(CaseIncome.id)
    ):
        incomes.setdefault(item.case_id, []).append(item)
    choices: dict[int, list[Any]] = {}
    for choice in session.execute(
        select(
            AreaPreference.case_id, AreaPreference.area, AreaPreference.rank, AreaPreference.avoid
        )
        .join(CitizenCase)
        .where(*active)
        .order_by(AreaPreference.id)
    ):
        choices.setdefault(choice.case_id, []).append(choice)
    return [CaseRow(row, incomes.get(row.id, []), choices.get(row.id, [])) for row in cases]


def build_problem(
    session: Session,
    municipality_code: str,
    *,
    as_of: dt.date,
    policy: dict[str, Any] | None = None,
    weights: dict[str, Any] | None = None,
) -> ProblemDocument:
    """The municipality's matching problem as of ``as_of``, with its policy and weights."""
    document = ProblemDocument(
        format="boligmatch.problem/1",
        as_of=as_of.isoformat(),
        citizens=[citizen_document(c) for c in active_cases(session, municipality_code)],
        vacancies=open_vacancy_documents(session, municipality_code),
    )
    if policy is not None:
        document["policy"] = policy
    if weights is not None:
        document["weights"] = weights
    return document
