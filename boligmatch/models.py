"""Every ORM model, imported in one place so metadata and Alembic see them all."""

from allocation.models import (
    AreaPreference,
    AuditEvent,
    CaseIncome,
    CaseStatus,
    CitizenCase,
    IncomeKind,
    MatchRun,
    Offer,
    OfferStatus,
    SupportMethod,
)
from api.models import ApiKey, IdempotencyRecord  # noqa: F401  (registers the tables)
from boligmatch.db import Base
from inventory.models import (
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

__all__ = [
    "AllocationRight",
    "AreaPreference",
    "AuditEvent",
    "Base",
    "CaseIncome",
    "CaseStatus",
    "CitizenCase",
    "Department",
    "District",
    "HousingAssociation",
    "IncomeKind",
    "MatchRun",
    "Municipality",
    "Offer",
    "OfferStatus",
    "SupportMethod",
    "Unit",
    "UnitKind",
    "Vacancy",
    "VacancyStatus",
]
