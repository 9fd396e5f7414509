"""Every ORM model, imported in one place so metadata and Alembic see them all."""

from allocation.models import (
    AreaPreference,
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
from kernel.audit import AuditEvent
from kernel.db import Base

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
