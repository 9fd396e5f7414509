"""Retention: personal data of closed cases is anonymised after the municipality's period.

GDPR's storage limitation: once a case has been closed (or the citizen removed from
the list) for ``aftercare.retention_days`` (a per-municipality setting), the person
can no longer be identified from it. :func:`anonymise_expired` (cron: ``boligmatch
purge-personal-data``) clears the name, contact person, incomes, preferences, exact
place and wealth, replaces the CPR hash by a random value, blanks the free-text
decline notes, and deletes the letters and the outbox messages about the case. It
keeps what the anonymous statistics need: the municipality, situation, household size,
birth year, support method, the dates of registration and of the offers, steps and
follow-ups. A case counts as closed since its last change (a closed case cannot change).
Every anonymisation is written to the audit trail (ids only).
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from allocation.models import (
    AreaPreference,
    CaseIncome,
    CaseStatus,
    CitizenCase,
    Offer,
    OfferLetter,
    OutboxMessage,
)
from kernel.audit import record
from kernel.db import utcnow
from kernel.settings import get_settings

ACTOR = "system:retention"
CLOSED_STATUSES = (CaseStatus.closed, CaseStatus.removed)


def expired_case_ids(session: Session, *, now: dt.datetime) -> list[int]:
    """Closed or removed cases, not yet anonymised, past their municipality's period."""
    settings = get_settings()
    rows = session.execute(
        select(CitizenCase.id, CitizenCase.municipality_code, CitizenCase.updated_at).where(
            CitizenCase.status.in_(CLOSED_STATUSES), CitizenCase.anonymised_at.is_(None)
        )
    )
    out = []
    for case_id, code, updated_at in rows:
        days = settings.policy_for(code).aftercare.retention_days
        changed = updated_at if updated_at.tzinfo else updated_at.replace(tzinfo=dt.UTC)
        if changed + dt.timedelta(days=days) <= now:
            out.append(case_id)
    return sorted(out)


def anonymise_case(session: Session, case: CitizenCase, *, actor: str = ACTOR) -> None:
    """Remove everything that identifies the person; keep the statistical facts."""
    case.name = None
    case.cpr_hash = "anon-" + secrets.token_hex(16)
    case.contact_name = case.contact_email = case.contact_organisation = None
    case.preferred_lat = case.preferred_lon = None
    case.wealth_dkk = 0.0
    case.kontanthjaelp_since = None
    case.deadline = None
    case.anonymised_at = utcnow()
    session.execute(delete(CaseIncome).where(CaseIncome.case_id == case.id))
    session.execute(delete(AreaPreference).where(AreaPreference.case_id == case.id))
    session.execute(delete(OfferLetter).where(OfferLetter.case_id == case.id))
    session.execute(delete(OutboxMessage).where(OutboxMessage.case_id == case.id))
    for offer in session.scalars(select(Offer).where(Offer.case_id == case.id)):
        offer.decline_note = None
        session.execute(delete(OutboxMessage).where(OutboxMessage.offer_id == offer.id))
    session.expire(case, ["income_items", "area_preferences"])
    session.flush()
    record(session, actor=actor, action="case.anonymise", entity="case", entity_id=case.id)


def anonymise_expired(session: Session, *, now: dt.datetime | None = None) -> list[int]:
    """Anonymise every case past its retention period; the ids done."""
    now = now or utcnow()
    done = []
    for case_id in expired_case_ids(session, now=now):
        case = session.get(CitizenCase, case_id, with_for_update=True)
        if case is not None and case.anonymised_at is None:
            anonymise_case(session, case)
            done.append(case_id)
    return done
