"""Inventory tables: municipalities, districts, housing associations, departments, units, vacancies.

Words: an *almen bolig* is a non-profit home; a *boligorganisation* (housing
association) owns *afdelinger* (departments, i.e. estates). The municipality's
*anvisningsret* (allocation right, almenboligloven § 59) says who may allocate a unit.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.db import Base, enum_column, utcnow


class UnitKind(StrEnum):
    """Kinds of almene boliger (DOMAIN.md section 3)."""

    family = "family"
    youth = "youth"
    elderly = "elderly"
    skaev = "skaev"
    transitional = "transitional"


class AllocationRight(StrEnum):
    """Who allocates the unit: the municipality (§ 59) or the association's waiting list."""

    municipal = "municipal"
    association = "association"


class VacancyStatus(StrEnum):
    open = "open"
    offered = "offered"
    let = "let"
    withdrawn = "withdrawn"


ACTIVE_VACANCY_STATUSES = (VacancyStatus.open, VacancyStatus.offered)


class Municipality(Base):
    """One of the 98 municipalities, with VIVE's published homelessness counts."""

    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    region: Mapped[str] = mapped_column(String(32))
    homeless_2022: Mapped[int]
    homeless_2024: Mapped[int]
    per_1000_2024: Mapped[float | None]


class District(Base):
    """A named area of a municipality, as a WGS84 polygon stored as WKT (portable)."""

    __tablename__ = "districts"
    __table_args__ = (UniqueConstraint("municipality_code", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    polygon_wkt: Mapped[str] = mapped_column(Text)

    @property
    def polygon(self) -> BaseGeometry:
        """The district's shape (lon/lat axis order, as shapely and GeoJSON expect)."""
        return shapely.from_wkt(self.polygon_wkt)


class HousingAssociation(Base):
    """A boligorganisation: reports vacancies, sees only its own units."""

    __tablename__ = "housing_associations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    departments: Mapped[list[Department]] = relationship(back_populates="association")


class Department(Base):
    """An afdeling (estate) of an association.

    ``listed_area`` marks estates on the national list of udsatte boligområder, and
    ``area_category`` names the list (``udsat``, ``parallelsamfund``, ``omdannelse``,
    ``forebyggelse`` or ``none``; null = ``udsat`` when ``listed_area``, else ``none``):
    almenboligloven § 59 stk. 6 and 7 restrict whom the municipality may house there.
    """

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("association_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("housing_associations.id"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    social_caretaker: Mapped[bool] = mapped_column(default=False)
    listed_area: Mapped[bool] = mapped_column(default=False)
    area_category: Mapped[str | None] = mapped_column(String(16), default=None)

    association: Mapped[HousingAssociation] = relationship(back_populates="departments")
    units: Mapped[list[Unit]] = relationship(back_populates="department")


class Unit(Base):
    """A home. Rent is monthly excluding utilities; a reform reduction is stored apart."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("department_id", "unit_ref"),
        CheckConstraint("rooms >= 1", name="rooms_positive"),
        CheckConstraint("size_m2 > 0", name="size_positive"),
        CheckConstraint("rent_dkk >= 0", name="rent_not_negative"),
        CheckConstraint("utilities_dkk >= 0", name="utilities_not_negative"),
        CheckConstraint("deposit_dkk >= 0", name="deposit_not_negative"),
        CheckConstraint(
            "rent_reduction_dkk >= 0 AND rent_reduction_dkk <= rent_dkk",
            name="reduction_within_rent",
        ),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="wgs84"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    unit_ref: Mapped[str] = mapped_column(String(64), doc="the association's own id of the unit")
    address: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float]
    lon: Mapped[float]
    area: Mapped[str] = mapped_column(String(80), doc="district name")
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind, "unit_kind"))
    rooms: Mapped[int]
    size_m2: Mapped[float]
    floor: Mapped[int]
    elevator: Mapped[bool]
    wheelchair: Mapped[bool]
    pets_allowed: Mapped[bool]
    rent_dkk: Mapped[float]
    utilities_dkk: Mapped[float]
    deposit_dkk: Mapped[float]
    rent_reduction_dkk: Mapped[float] = mapped_column(default=0.0)
    rent_reduction_until: Mapped[dt.date | None]
    allocation: Mapped[AllocationRight] = mapped_column(
        enum_column(AllocationRight, "allocation_right")
    )
    allocation_municipality_code: Mapped[str | None] = mapped_column(
        ForeignKey("municipalities.code"), index=True
    )

    department: Mapped[Department] = relationship(back_populates="units")
    vacancies: Mapped[list[Vacancy]] = relationship(back_populates="unit")


class Vacancy(Base):
    """A unit standing (or about to stand) empty. ``version`` guards concurrent updates."""

    __tablename__ = "vacancies"
    __table_args__ = (
        # A unit has at most one vacancy that is still open or offered.
        Index(
            "uq_vacancies_active_unit",
            "unit_id",
            unique=True,
            sqlite_where=text("status IN ('open', 'offered')"),
            postgresql_where=text("status IN ('open', 'offered')"),
        ),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    available_from: Mapped[dt.date]
    status: Mapped[VacancyStatus] = mapped_column(
        enum_column(VacancyStatus, "vacancy_status"), default=VacancyStatus.open, index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="vacancies")

    __mapper_args__ = {"version_id_col": version}
