"""Vacancy use cases, scoped to what the caller may see and change.

An association sees and changes only its own units; municipal staff see the
vacancies their municipality may allocate (§ 59 allocation right) and those in
units lying in the municipality. Every change writes an audit event in the same
transaction. Functions are keyword-only and work inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from inventory.importer import ImportFailed, ImportSummary, district_at, import_vacancy_list
from inventory.models import (
    ACTIVE_VACANCY_STATUSES,
    AllocationRight,
    Department,
    District,
    HousingAssociation,
    Municipality,
    Unit,
    UnitKind,
    Vacancy,
    VacancyStatus,
)
from inventory.schemas import UNIT_FACTS, VacancyCreate, VacancyUpdate
from kernel import audit
from kernel.db import utcnow
from kernel.errors import (
    Forbidden,
    Invalid,
    ProblemItem,
    check_version,
    conflict,
    invalid,
    not_found,
)

AUDITED_VACANCY_FIELDS = ("unit_id", "available_from", "status", "version")


@dataclass(frozen=True)
class VacancyScope:
    """Whose vacancies a caller may see: one association's, or one municipality's.

    ``unrestricted`` (every vacancy) is for administrators only; an empty scope sees
    nothing, so a caller that fits no role can never fall back to "everything".
    """

    association_id: int | None = None
    municipality_code: str | None = None
    unrestricted: bool = False


@dataclass(frozen=True)
class VacancyFilters:
    status: VacancyStatus | None = None
    kind: UnitKind | None = None
    area: str | None = None
    max_rent_dkk: float | None = None
    available_before: dt.date | None = None


def _visible(scope: VacancyScope) -> ColumnElement[bool]:
    if scope.association_id is not None:
        return Department.association_id == scope.association_id
    if scope.municipality_code is not None:
        return or_(
            Unit.allocation_municipality_code == scope.municipality_code,
            Department.municipality_code == scope.municipality_code,
        )
    if scope.unrestricted:
        return Unit.id.is_not(None)
    return Unit.id.is_(None)  # no scope, nothing visible


def _vacancies(scope: VacancyScope) -> Select[Vacancy]:
    return (
        select(Vacancy)
        .join(Vacancy.unit)
        .join(Unit.department)
        .where(_visible(scope))
        .options(
            joinedload(Vacancy.unit).joinedload(Unit.department).joinedload(Department.association)
        )
    )


def _snapshot(vacancy: Vacancy) -> dict[str, Any]:
    return {name: getattr(vacancy, name) for name in AUDITED_VACANCY_FIELDS}


def get_vacancy(session: Session, *, scope: VacancyScope, vacancy_id: int) -> Vacancy:
    """One visible vacancy (404 when missing or out of scope, so existence does not leak)."""
    vacancy = session.scalar(_vacancies(scope).where(Vacancy.id == vacancy_id))
    if vacancy is None:
        raise not_found("vacancy")
    return vacancy


def _filtered(query: Select[Any], filters: VacancyFilters) -> Select[Any]:
    if filters.status is not None:
        query = query.where(Vacancy.status == filters.status)
    if filters.kind is not None:
        query = query.where(Unit.kind == filters.kind)
    if filters.area is not None:
        query = query.where(Unit.area == filters.area)
    if filters.max_rent_dkk is not None:
        query = query.where(Unit.rent_dkk - Unit.rent_reduction_dkk <= filters.max_rent_dkk)
    if filters.available_before is not None:
        query = query.where(Vacancy.available_from < filters.available_before)
    return query


def _total(session: Session, query: Select[Any]) -> int:
    """How many rows ``query`` selects (for a page's ``total``)."""
    counted = select(func.count()).select_from(query.with_only_columns(Vacancy.id).subquery())
    return int(session.scalar(counted) or 0)


def list_vacancies(
    session: Session,
    *,
    scope: VacancyScope,
    filters: VacancyFilters,
    limit: int,
    offset: int,
) -> tuple[list[Vacancy], int]:
    """A page of visible vacancies ordered by availability then id, and the total count."""
    query = _filtered(_vacancies(scope), filters)
    page = session.scalars(
        query.order_by(Vacancy.available_from, Vacancy.id).limit(limit).offset(offset)
    ).all()
    return list(page), _total(session, query)


_UNIT_FACT_COLUMNS = tuple(getattr(Unit, name) for name in UNIT_FACTS)
_VACANCY_ROW_COLUMNS = (
    Vacancy.id,
    Vacancy.available_from,
    Vacancy.status,
    Vacancy.version,
    Vacancy.created_at,
    Vacancy.updated_at,
    Unit.id,
    Unit.unit_ref,
    Department.association_id,
    HousingAssociation.name,
    Department.id,
    Department.number,
    Department.municipality_code,
    Department.listed_area,
    *_UNIT_FACT_COLUMNS,
)
_FIXED = 14  # columns before the unit facts in _VACANCY_ROW_COLUMNS


def list_vacancy_rows(
    session: Session,
    *,
    scope: VacancyScope,
    filters: VacancyFilters,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """:func:`list_vacancies` as plain rows shaped like ``VacancyOut``, for the JSON API.

    The same filter, order and page, but one SELECT of the columns the answer shows
    (no ORM objects, no identity map) and one COUNT: two statements whatever the page
    size, and no per-row object construction beyond the dictionaries themselves.
    """
    query = _filtered(
        select(*_VACANCY_ROW_COLUMNS)
        .join(Unit, Unit.id == Vacancy.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .join(HousingAssociation, HousingAssociation.id == Department.association_id)
        .where(_visible(scope)),
        filters,
    )
    rows = session.execute(
        query.order_by(Vacancy.available_from, Vacancy.id).limit(limit).offset(offset)
    ).all()
    items = [
        {
            "id": row[0],
            "available_from": row[1],
            "status": row[2],
            "version": row[3],
            "created_at": row[4],
            "updated_at": row[5],
            "unit": {
                "id": row[6],
                "unit_ref": row[7],
                "association_id": row[8],
                "association": row[9],
                "department_id": row[10],
                "department": row[11],
                "municipality_code": row[12],
                "listed_area": row[13],
                **dict(zip(UNIT_FACTS, row[_FIXED:], strict=True)),
            },
        }
        for row in rows
    ]
    total = len(items) + offset if 0 < len(items) < limit else _total(session, query)
    return items, total


def vacancies_by_id(
    session: Session, *, scope: VacancyScope, vacancy_ids: Iterable[int]
) -> dict[int, Vacancy]:
    """The visible ones of ``vacancy_ids``, in one query (pages list many homes at once)."""
    wanted = set(vacancy_ids)
    if not wanted:
        return {}
    found = session.scalars(_vacancies(scope).where(Vacancy.id.in_(wanted))).unique()
    return {vacancy.id: vacancy for vacancy in found}


def list_units(session: Session, *, scope: VacancyScope) -> list[Unit]:
    """The units in scope by department and ref (unit facts only; no personal data)."""
    stmt = (
        select(Unit)
        .join(Unit.department)
        .where(_visible(scope))
        .options(joinedload(Unit.department))
        .order_by(Department.number, Unit.unit_ref)
    )
    return list(session.scalars(stmt))


def list_departments(session: Session, *, scope: VacancyScope) -> list[Department]:
    """The departments in scope (an association's own, or those lying in a municipality)."""
    stmt = select(Department).order_by(Department.number)
    if scope.association_id is not None:
        stmt = stmt.where(Department.association_id == scope.association_id)
    elif scope.municipality_code is not None:
        stmt = stmt.where(Department.municipality_code == scope.municipality_code)
    elif not scope.unrestricted:
        return []
    return list(session.scalars(stmt))


def get_association(session: Session, *, scope: VacancyScope) -> HousingAssociation | None:
    """The association of an association scope (None for any other scope)."""
    if scope.association_id is None:
        return None
    return session.get(HousingAssociation, scope.association_id)


def list_associations(session: Session, *, limit: int) -> list[HousingAssociation]:
    """The first ``limit`` associations by id (public names; the demo sign-in offers them)."""
    stmt = select(HousingAssociation).order_by(HousingAssociation.id).limit(limit)
    return list(session.scalars(stmt))


def get_municipality(session: Session, code: str) -> Municipality | None:
    """A municipality by its code (public reference data)."""
    return session.get(Municipality, code)


def districts(session: Session, municipality_codes: Iterable[str]) -> list[District]:
    """The districts of the municipalities (public geography), by municipality and name."""
    stmt = (
        select(District)
        .where(District.municipality_code.in_(set(municipality_codes)))
        .order_by(District.municipality_code, District.name)
    )
    return list(session.scalars(stmt))


def district_names(
    session: Session, municipality_codes: Iterable[str]
) -> list[tuple[str, list[str]]]:
    """The municipalities' district names grouped by municipality name, both sorted."""
    rows = session.execute(
        select(Municipality.name, District.name)
        .join(District, District.municipality_code == Municipality.code)
        .where(Municipality.code.in_(set(municipality_codes)))
        .order_by(Municipality.name, District.name)
    )
    grouped: dict[str, list[str]] = {}
    for municipality, district in rows:
        grouped.setdefault(municipality, []).append(district)
    return list(grouped.items())


def _own_department(session: Session, *, scope: VacancyScope, department_id: int) -> Department:
    department = session.get(Department, department_id)
    if department is None or (
        scope.association_id is not None and department.association_id != scope.association_id
    ):
        raise invalid(
            key="department_not_yours",
            field="body.unit.department_id",
            problem="unknown department",
        )
    return department


def _new_unit(session: Session, *, scope: VacancyScope, body: VacancyCreate) -> Unit:
    assert body.unit is not None
    spec = body.unit
    department = _own_department(session, scope=scope, department_id=spec.department_id)
    clash = session.scalar(
        select(Unit.id).where(Unit.department_id == department.id, Unit.unit_ref == spec.unit_ref)
    )
    if clash is not None:
        raise conflict(
            "unit-exists", key="unit_exists", values={"unit_ref": spec.unit_ref, "unit_id": clash}
        )
    area = spec.area or district_at(session, department.municipality_code, spec.lat, spec.lon)
    if area is None:
        raise invalid(
            key="unit_area_unknown",
            field="body.unit.area",
            problem="no area given and the point lies in no known district",
        )
    allocation_code = spec.allocation_municipality_code
    if allocation_code is None and spec.allocation is AllocationRight.municipal:
        allocation_code = department.municipality_code
    if allocation_code is not None and session.get(Municipality, allocation_code) is None:
        raise invalid(
            key="municipality_code_unknown",
            field="body.unit.allocation_municipality_code",
            problem="unknown municipality",
        )
    facts = {name: getattr(spec, name) for name in UNIT_FACTS}
    facts.update(area=area, allocation_municipality_code=allocation_code)
    unit = Unit(department=department, unit_ref=spec.unit_ref, **facts)
    session.add(unit)
    session.flush()
    return unit


def create_vacancy(
    session: Session, *, scope: VacancyScope, actor: str, body: VacancyCreate
) -> Vacancy:
    """A new open vacancy for one of the caller's units (an existing one, or new with it)."""
    if body.unit_id is not None:
        unit = session.scalar(
            select(Unit).join(Unit.department).where(Unit.id == body.unit_id, _visible(scope))
        )
        if unit is None:
            raise invalid(key="unit_not_yours", field="body.unit_id", problem="unknown unit")
        active = session.scalar(
            select(Vacancy.id).where(
                Vacancy.unit_id == unit.id, Vacancy.status.in_(ACTIVE_VACANCY_STATUSES)
            )
        )
        if active is not None:
            raise conflict("vacancy-exists", key="vacancy_exists", values={"vacancy_id": active})
    else:
        unit = _new_unit(session, scope=scope, body=body)
    vacancy = Vacancy(unit=unit, available_from=body.available_from, status=VacancyStatus.open)
    session.add(vacancy)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="vacancy.create",
        entity="vacancy",
        entity_id=vacancy.id,
        after=_snapshot(vacancy),
    )
    return get_vacancy(session, scope=scope, vacancy_id=vacancy.id)


def _require_open(vacancy: Vacancy) -> None:
    if vacancy.status is not VacancyStatus.open:
        raise conflict(
            "vacancy-not-open",
            key="vacancy_not_open_for_change",
            values={"status": vacancy.status.value},
        )


def update_vacancy(
    session: Session,
    *,
    scope: VacancyScope,
    actor: str,
    vacancy_id: int,
    expected_version: int,
    changes: VacancyUpdate,
) -> Vacancy:
    """Apply ``changes`` if the vacancy is still at ``expected_version`` (412 otherwise).

    The version check is repeated by the database (SQLAlchemy's version column puts
    ``WHERE version = :expected`` in the UPDATE), so of concurrent writers holding
    the same version exactly one wins and the others get 412.
    """
    vacancy = get_vacancy(session, scope=scope, vacancy_id=vacancy_id)
    check_version("vacancy", current=vacancy.version, expected=expected_version)
    _require_open(vacancy)
    given = changes.model_dump(exclude_unset=True)
    unit = vacancy.unit
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in given.items():
        if value is None and name != "rent_reduction_until":
            continue  # null means "leave as is" for fields that cannot be empty
        target: Any = vacancy if name == "available_from" else unit
        if getattr(target, name) != value:
            before[name], after[name] = getattr(target, name), value
            setattr(target, name, value)
    if unit.rent_reduction_dkk > unit.rent_dkk:
        raise invalid(
            key="rent_reduction_exceeds_rent",
            field="body.rent_reduction_dkk",
            problem="exceeds rent_dkk",
        )
    # Always touch the vacancy row, so even a unit-only change bumps its version.
    vacancy.updated_at = utcnow()
    session.flush()
    after["version"] = vacancy.version
    before["version"] = expected_version
    audit.record(
        session,
        actor=actor,
        action="vacancy.update",
        entity="vacancy",
        entity_id=vacancy.id,
        before=before,
        after=after,
    )
    return vacancy


def withdraw_vacancy(
    session: Session,
    *,
    scope: VacancyScope,
    actor: str,
    vacancy_id: int,
    expected_version: int | None = None,
) -> Vacancy:
    """Take an open vacancy off the market (status ``withdrawn``)."""
    vacancy = get_vacancy(session, scope=scope, vacancy_id=vacancy_id)
    check_version("vacancy", current=vacancy.version, expected=expected_version)
    _require_open(vacancy)
    before = _snapshot(vacancy)
    vacancy.status = VacancyStatus.withdrawn
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="vacancy.withdraw",
        entity="vacancy",
        entity_id=vacancy.id,
        before=before,
        after=_snapshot(vacancy),
    )
    return vacancy


def import_vacancies(
    session: Session,
    *,
    scope: VacancyScope,
    actor: str,
    data: bytes,
    filename: str,
) -> ImportSummary:
    """Import a whole vacancy list or nothing (422 problem listing every row's problem).

    An association may only list its own units; the caller's transaction rolls the
    whole list back on any problem.
    """
    only_association: str | None = None
    if scope.association_id is not None:
        association = session.get(HousingAssociation, scope.association_id)
        if association is None:
            raise Forbidden("forbidden", "Forbidden", key="association_unknown")
        only_association = association.name
    elif not scope.unrestricted:
        raise Forbidden("forbidden", "Forbidden", key="import_not_allowed")
    try:
        summary = import_vacancy_list(session, data, filename, only_association=only_association)
    except ImportFailed as failed:
        raise Invalid(
            "import-failed",
            "Vacancy list rejected",
            errors=[
                ProblemItem(row=e.row, column=e.column, problem=e.problem) for e in failed.errors
            ],
            key="import_failed",
            values={"total": failed.total},
        ) from None
    audit.record(
        session,
        actor=actor,
        action="vacancy.import",
        entity="vacancy_list",
        entity_id=filename[:64],
        after=asdict(summary),
    )
    return summary
