"""Every ORM model, imported in one place so metadata and Alembic see them all."""

from allocation.models import (
    AreaPreference,
    AssociationContact,
    CaseIncome,
    CaseStatus,
    CitizenCase,
    FollowUp,
    IncomeKind,
    MatchRun,
    MoveInStep,
    Offer,
    OfferLetter,
    OfferStatus,
    OutboxMessage,
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
    "AssociationContact",
    "AuditEvent",
    "Base",
    "CaseIncome",
    "CaseStatus",
    "CitizenCase",
    "Department",
    "District",
    "FollowUp",
    "HousingAssociation",
    "IncomeKind",
    "MatchRun",
    "MoveInStep",
    "Municipality",
    "Offer",
    "OfferLetter",
    "OfferStatus",
    "OutboxMessage",
    "SupportMethod",
    "Unit",
    "UnitKind",
    "Vacancy",
    "VacancyStatus",
]
