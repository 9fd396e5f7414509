"""What staff and associations read about offers: one offer, pages of offers, a case's history.

Reads are not neutral: every read through here first expires the reader's overdue
offers (:mod:`allocation.workflow`), so nobody ever sees a stale ``sent``. Lists are
paged in a stable order and counted, so no endpoint answers with an unbounded list;
in-process callers that already scope to one run or one case may leave ``limit`` out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from allocation import workflow
from allocation.cases import ACCESS_ACTIONS
from allocation.models import CitizenCase, Offer, OfferStatus
from allocation.offer_repository import case_id_by_ref, case_refs
from inventory.models import Department, Unit, Vacancy
from kernel.audit import AuditEvent

__all__ = [
    "AssociationOfferView",
    "association_offers",
    "case_history",
    "case_id_by_ref",
    "case_refs",
    "get_offer",
    "list_offers",
]

#: The most audit events a case's history shows.
HISTORY_LIMIT = 200


T = TypeVar("T")


def _page(
    session: Session, stmt: Select[T], *, limit: int | None, offset: int
) -> tuple[list[T], int]:
    """One page of ``stmt`` (already ordered) and how many rows it has in all."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = list(session.scalars(stmt.offset(offset)))
    return rows, int(total or 0)


def get_offer(
    *,
    session: Session,
    offer_id: int,
    today: dt.date,
    actor: str,
    municipality_code: str | None = None,
) -> Offer:
    """One offer of the municipality, expired first if it is overdue."""
    expired = workflow.expire_if_overdue(
        session=session,
        offer_id=offer_id,
        today=today,
        actor=actor,
        municipality_code=municipality_code,
    )
    if expired is not None:
        return expired
    offer = session.get(Offer, offer_id)
    assert offer is not None  # expire_if_overdue found it in scope
    return offer


def list_offers(
    *,
    session: Session,
    municipality_code: str,
    today: dt.date,
    actor: str,
    vacancy_id: int | None = None,
    status: OfferStatus | None = None,
    match_run_id: int | None = None,
    case_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[Offer], int]:
    """A page of the municipality's offers by home, rank and id, after expiring overdue ones."""
    workflow.expire_overdue(
        session=session, today=today, actor=actor, municipality_code=municipality_code
    )
    stmt = (
        select(Offer)
        .join(CitizenCase, CitizenCase.id == Offer.case_id)
        .where(CitizenCase.municipality_code == municipality_code)
    )
    if vacancy_id is not None:
        stmt = stmt.where(Offer.vacancy_id == vacancy_id)
    if status is not None:
        stmt = stmt.where(Offer.status == status)
    if match_run_id is not None:
        stmt = stmt.where(Offer.match_run_id == match_run_id)
    if case_id is not None:
        stmt = stmt.where(Offer.case_id == case_id)
    ordered = stmt.order_by(Offer.vacancy_id, Offer.rank, Offer.id)
    return _page(session, ordered, limit=limit, offset=offset)


@dataclass(frozen=True)
class AssociationOfferView:
    """What a housing association may know about an offer on its home: no citizen at all."""

    offer_id: int
    vacancy_id: int
    unit_ref: str
    department: str
    status: OfferStatus
    sent_at: dt.datetime | None
    answer_deadline: dt.date | None
    answered_at: dt.datetime | None


def association_offers(
    *,
    session: Session,
    association_id: int,
    today: dt.date,
    actor: str,
    vacancy_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[AssociationOfferView], int]:
    """A page of the offers actually made on the association's homes (never proposals).

    Proposals that were never sent are the municipality's planning, and listing
    them would tell the association how many citizens were considered; only offers
    with a ``sent_at`` are shown, with ids, status and dates, nothing about the
    citizen.
    """
    workflow.expire_overdue(
        session=session, today=today, actor=actor, association_id=association_id
    )
    stmt = (
        select(Offer)
        .join(Vacancy, Vacancy.id == Offer.vacancy_id)
        .join(Unit, Unit.id == Vacancy.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.association_id == association_id, Offer.sent_at.is_not(None))
        .order_by(Offer.vacancy_id, Offer.id)
    )
    if vacancy_id is not None:
        stmt = stmt.where(Offer.vacancy_id == vacancy_id)
    offers, total = _page(session, stmt, limit=limit, offset=offset)
    homes = {
        vacancy_id: (unit_ref, number)
        for vacancy_id, unit_ref, number in session.execute(
            select(Vacancy.id, Unit.unit_ref, Department.number)
            .join(Unit, Unit.id == Vacancy.unit_id)
            .join(Department, Department.id == Unit.department_id)
            .where(Vacancy.id.in_({o.vacancy_id for o in offers}))
        )
    }
    views = [
        AssociationOfferView(
            offer_id=offer.id,
            vacancy_id=offer.vacancy_id,
            unit_ref=homes[offer.vacancy_id][0],
            department=homes[offer.vacancy_id][1],
            status=offer.status,
            sent_at=offer.sent_at,
            answer_deadline=offer.answer_deadline,
            answered_at=offer.answered_at,
        )
        for offer in offers
    ]
    return views, total


def case_history(session: Session, case_id: int, offer_ids: Sequence[int]) -> list[AuditEvent]:
    """The changes of a case and its offers, newest first (no personal values in them).

    Reads of the case (access logging) are in the audit trail too, but are not changes.
    """
    conditions = [(AuditEvent.entity == "case") & (AuditEvent.entity_id == str(case_id))]
    if offer_ids:
        conditions.append(
            (AuditEvent.entity == "offer") & AuditEvent.entity_id.in_([str(i) for i in offer_ids])
        )
    stmt = (
        select(AuditEvent)
        .where(or_(*conditions), AuditEvent.action.not_in(ACCESS_ACTIONS))
        .order_by(AuditEvent.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return list(session.scalars(stmt))
