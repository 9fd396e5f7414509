"""Write a generated `World` (the demo municipality, or a test world) into the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from allocation.cpr import cpr_hash
from allocation.models import AreaPreference, CaseIncome, CitizenCase, IncomeKind, SupportMethod
from inventory.models import (
    AllocationRight,
    Department,
    District,
    HousingAssociation,
    Unit,
    UnitKind,
    Vacancy,
)
from kernel.db import refresh_statistics
from synthetic.population import World


def load_world(session: Session, world: World, *, cpr_secret: str) -> None:
    """Insert the world's stock, vacancies and citizens (municipalities must be loaded).

    CPR numbers are hashed with ``cpr_secret`` on the way in; the clear number is
    never written. PostgreSQL's statistics are refreshed afterwards (a bulk load).
    """
    for d in world.districts:
        session.add(
            District(municipality_code=d.municipality_code, name=d.name, polygon_wkt=d.polygon.wkt)
        )
    associations: dict[str, HousingAssociation] = {
        a.name: a for a in session.scalars(select(HousingAssociation))
    }
    departments: dict[str, Department] = {}
    for dep in world.departments:
        association = associations.get(dep.association)
        if association is None:
            association = associations[dep.association] = HousingAssociation(name=dep.association)
            session.add(association)
        row = Department(
            association=association,
            number=dep.number,
            name=dep.name,
            municipality_code=dep.municipality_code,
            social_caretaker=dep.social_caretaker,
            listed_area=dep.listed_area,
        )
        departments[dep.number] = row
        session.add(row)
    units: dict[str, Unit] = {}
    for u in world.units:
        unit = Unit(
            department=departments[u.department],
            unit_ref=u.ref,
            address=u.address,
            lat=u.lat,
            lon=u.lon,
            area=u.area,
            kind=UnitKind(u.kind),
            rooms=u.rooms,
            size_m2=u.size_m2,
            floor=u.floor,
            elevator=u.elevator,
            wheelchair=u.wheelchair,
            pets_allowed=u.pets_allowed,
            rent_dkk=u.rent_dkk,
            utilities_dkk=u.utilities_dkk,
            deposit_dkk=u.deposit_dkk,
            rent_reduction_dkk=u.rent_reduction_dkk,
            rent_reduction_until=u.rent_reduction_until,
            allocation=AllocationRight(u.allocation),
            allocation_municipality_code=u.allocation_municipality_code,
        )
        units[u.ref] = unit
        session.add(unit)
    for v in world.vacancies:
        session.add(Vacancy(unit=units[v.unit.ref], available_from=v.available_from))
    for c in world.citizens:
        case = CitizenCase(
            case_ref=c.id,
            cpr_hash=cpr_hash(c.cpr, cpr_secret),
            municipality_code=c.municipality_code,
            birth_year=c.birth_year,
            adults=c.adults,
            children=c.children,
            situation=c.situation,
            homeless_since=c.homeless_since,
            registered_on=c.registered_on,
            deadline=c.deadline,
            support=SupportMethod(c.support),
            needs_wheelchair=c.needs["wheelchair"],
            needs_ground_floor=c.needs["ground_floor"],
            has_pets=c.needs["pets"],
            kontanthjaelp_since=c.kontanthjaelp_since,
            disability=c.disability,
            skaev_target_group=c.skaev_target_group,
        )
        case.income_items = [CaseIncome(kind=IncomeKind(k), monthly_dkk=a) for k, a in c.income]
        case.area_preferences = [
            AreaPreference(area=a, rank=i + 1, avoid=False) for i, a in enumerate(c.areas)
        ] + [AreaPreference(area=a, rank=None, avoid=True) for a in c.avoid_areas]
        session.add(case)
    session.flush()
    refresh_statistics(session)
