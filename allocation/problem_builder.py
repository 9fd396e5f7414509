"""Turn the database's open vacancies and active cases into a matcher problem document.

This is the one place that maps ORM rows onto the pure matcher's input
(CONTRACT.md section 4), so the API, the demo and the planners all ask the
matcher the same question.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from allocation.models import CaseStatus, CitizenCase
from inventory.models import Department, Unit, Vacancy, VacancyStatus


def vacancy_document(vacancy: Vacancy) -> dict[str, Any]:
    """A vacancy as the matcher sees it; ``id`` is the vacancy's database id as text."""
    unit: Unit = vacancy.unit
    department: Department = unit.department
    return {
        "id": str(vacancy.id),
        "municipality_code": unit.allocation_municipality_code or department.municipality_code,
        "area": unit.area,
        "lat": unit.lat,
        "lon": unit.lon,
        "kind": unit.kind.value,
        "rooms": unit.rooms,
        "size_m2": unit.size_m2,
        "rent_dkk": unit.rent_dkk,
        "utilities_dkk": unit.utilities_dkk,
        "rent_reduction_dkk": unit.rent_reduction_dkk,
        "rent_reduction_until": (
            unit.rent_reduction_until.isoformat() if unit.rent_reduction_until else None
        ),
        "deposit_dkk": unit.deposit_dkk,
        "allocation": unit.allocation.value,
        "wheelchair": unit.wheelchair,
        "floor": unit.floor,
        "elevator": unit.elevator,
        "pets_allowed": unit.pets_allowed,
        "available_from": vacancy.available_from.isoformat(),
        "department": f"{department.association.name}/{department.number}",
        "listed_area": department.listed_area,
    }


def citizen_document(case: CitizenCase) -> dict[str, Any]:
    """A case as the matcher sees it: pseudonymous ``case_ref``, never name or CPR hash."""
    preferences: dict[str, Any] = {
        "areas": case.preferred_areas,
        "avoid_areas": case.avoided_areas,
    }
    if case.preferred_lat is not None and case.preferred_lon is not None:
        preferences["place"] = {"lat": case.preferred_lat, "lon": case.preferred_lon}
    return {
        "id": case.case_ref,
        "municipality_code": case.municipality_code,
        "birth_year": case.birth_year,
        "household": {"adults": case.adults, "children": case.children},
        "income": [
            {"kind": item.kind.value, "monthly_dkk": item.monthly_dkk} for item in case.income_items
        ],
        "situation": case.situation,
        "homeless_since": case.homeless_since.isoformat(),
        "registered_on": case.registered_on.isoformat(),
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "support": case.support.value,
        "needs": {
            "wheelchair": case.needs_wheelchair,
            "ground_floor": case.needs_ground_floor,
            "pets": case.has_pets,
        },
        "preferences": preferences,
        "wealth_dkk": case.wealth_dkk,
        "kontanthjaelp_since": (
            case.kontanthjaelp_since.isoformat() if case.kontanthjaelp_since else None
        ),
    }


def open_vacancies(session: Session, municipality_code: str) -> list[Vacancy]:
    """Open vacancies on which ``municipality_code`` holds the allocation right."""
    stmt = (
        select(Vacancy)
        .join(Vacancy.unit)
        .where(
            Vacancy.status == VacancyStatus.open,
            Unit.allocation_municipality_code == municipality_code,
        )
        .options(
            selectinload(Vacancy.unit)
            .selectinload(Unit.department)
            .selectinload(Department.association)
        )
        .order_by(Vacancy.id)
    )
    return list(session.scalars(stmt))


def active_cases(session: Session, municipality_code: str) -> list[CitizenCase]:
    stmt = (
        select(CitizenCase)
        .where(
            CitizenCase.municipality_code == municipality_code,
            CitizenCase.status == CaseStatus.active,
        )
        .options(selectinload(CitizenCase.income_items), selectinload(CitizenCase.area_preferences))
        .order_by(CitizenCase.case_ref)
    )
    return list(session.scalars(stmt))


def build_problem(
    session: Session,
    municipality_code: str,
    *,
    as_of: dt.date,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The municipality's matching problem as of ``as_of`` (plus optional weights etc.)."""
    document: dict[str, Any] = {
        "format": "boligmatch.problem/1",
        "as_of": as_of.isoformat(),
        "citizens": [citizen_document(c) for c in active_cases(session, municipality_code)],
        "vacancies": [vacancy_document(v) for v in open_vacancies(session, municipality_code)],
    }
    document.update(extra or {})
    return document
