"""Pydantic shapes of units and vacancies as the API takes and returns them.

Bounds mirror the database's CHECK constraints and the importer's rules, so a
request the schema accepts is one the database accepts (no 500 from a constraint),
and the OpenAPI document tells clients the real limits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field, model_validator

from inventory.importer import ImportSummary
from inventory.models import AllocationRight, Unit, UnitKind, Vacancy, VacancyStatus
from kernel.types import (
    AddressText,
    Floor,
    Latitude,
    Longitude,
    Money,
    RecordId,
    RefText,
    Rooms,
    ShortText,
    SizeM2,
    UtcDateTime,
)


class UnitIn(BaseModel):
    """A new unit of one of the caller's departments (field meanings as the import list's)."""

    model_config = ConfigDict(extra="forbid")

    department_id: RecordId
    unit_ref: RefText
    address: AddressText
    lat: Latitude
    lon: Longitude
    area: ShortText | None = Field(None, description="district; found from lat/lon when left out")
    kind: UnitKind
    rooms: Rooms
    size_m2: SizeM2
    floor: Floor
    elevator: bool
    wheelchair: bool
    pets_allowed: bool
    rent_dkk: Money = Field(description="[DKK/month] excluding utilities")
    utilities_dkk: Money = Field(description="[DKK/month] a conto")
    deposit_dkk: Money = Field(description="[DKK] beboerindskud")
    rent_reduction_dkk: Money = Field(0.0, description="[DKK/month] reform reduction")
    rent_reduction_until: dt.date | None = None
    allocation: AllocationRight
    allocation_municipality_code: str | None = Field(
        None,
        min_length=3,
        max_length=4,
        pattern=r"^[0-9]{3,4}$",
        description="who holds the allocation right (default: the department's municipality)",
    )

    @model_validator(mode="after")
    def _reduction_within_rent(self) -> UnitIn:
        if self.rent_reduction_dkk > self.rent_dkk:
            raise ValueError("rent_reduction_dkk must not exceed rent_dkk")
        return self


#: The facts of a unit, spelled once: every field of :class:`UnitIn` but the keys that
#: place it (department and the association's own ref). The service copies these onto a
#: new unit, :class:`UnitOut` reads them back, the web form asks for them and the
#: matcher's vacancy document takes those it knows (``allocation.problem_builder``).
UNIT_KEYS = ("department_id", "unit_ref")
UNIT_FACTS: tuple[str, ...] = tuple(name for name in UnitIn.model_fields if name not in UNIT_KEYS)


class VacancyCreate(BaseModel):
    """A vacancy for an existing unit (``unit_id``) or for a new one (``unit``), not both."""

    model_config = ConfigDict(extra="forbid")

    unit_id: RecordId | None = None
    unit: UnitIn | None = None
    available_from: dt.date

    @model_validator(mode="after")
    def _one_unit(self) -> VacancyCreate:
        if (self.unit_id is None) == (self.unit is None):
            raise ValueError("give exactly one of unit_id and unit")
        return self


class VacancyUpdate(BaseModel):
    """Changes to an open vacancy and its unit; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    available_from: dt.date | None = None
    rent_dkk: Money | None = None
    utilities_dkk: Money | None = None
    deposit_dkk: Money | None = None
    rent_reduction_dkk: Money | None = None
    rent_reduction_until: dt.date | None = Field(None, description="null clears it")
    pets_allowed: bool | None = None
    wheelchair: bool | None = None
    elevator: bool | None = None


class UnitOut(BaseModel):
    """A unit as associations and staff see it (no personal data exists on units)."""

    id: int
    unit_ref: str
    association_id: int
    association: str
    department_id: int
    department: str
    municipality_code: str
    address: str
    lat: float
    lon: float
    area: str
    kind: UnitKind
    rooms: int
    size_m2: float
    floor: int
    elevator: bool
    wheelchair: bool
    pets_allowed: bool
    rent_dkk: float
    utilities_dkk: float
    deposit_dkk: float
    rent_reduction_dkk: float
    rent_reduction_until: dt.date | None
    allocation: AllocationRight
    allocation_municipality_code: str | None
    listed_area: bool
    area_category: str | None = Field(
        None,
        description=(
            "the department's national list (almenboligloven § 59 stk. 6 and 7); null = "
            "udsat when listed_area, else none"
        ),
    )

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        department = unit.department
        return cls(
            id=unit.id,
            unit_ref=unit.unit_ref,
            association_id=department.association_id,
            association=department.association.name,
            department_id=department.id,
            department=department.number,
            municipality_code=department.municipality_code,
            listed_area=department.listed_area,
            area_category=department.area_category,
            **{name: getattr(unit, name) for name in UNIT_FACTS},
        )


class VacancyOut(BaseModel):
    """A vacancy with its unit; ``version`` is also sent as the ``ETag`` header."""

    id: int
    unit: UnitOut
    available_from: dt.date
    status: VacancyStatus
    version: int
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @classmethod
    def of(cls, vacancy: Vacancy) -> VacancyOut:
        return cls(
            id=vacancy.id,
            unit=UnitOut.of(vacancy.unit),
            available_from=vacancy.available_from,
            status=vacancy.status,
            version=vacancy.version,
            created_at=vacancy.created_at,
            updated_at=vacancy.updated_at,
        )


class ImportResult(BaseModel):
    """What an accepted vacancy list changed."""

    rows: int
    units_created: int
    units_updated: int
    vacancies_created: int
    vacancies_updated: int

    @classmethod
    def of(cls, summary: ImportSummary) -> ImportResult:
        return cls(**asdict(summary))
