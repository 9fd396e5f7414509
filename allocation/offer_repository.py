"""Offers in the database: the queries, the row locks, and the audited write of one row.

Rows are locked in one fixed order, vacancy → case → offer(s), with
``SELECT ... FOR UPDATE`` on PostgreSQL (SQLite has a single writer and ignores it),
so two staff members answering for the same home queue up instead of both winning.
The version columns of offers, vacancies and cases add optimistic checking on top,
and the database's partial unique indexes refuse a second accepted offer per vacancy
or per citizen whatever the code does. A lost race of any of these kinds becomes
:class:`kernel.errors.Conflict` through :func:`race_is_conflict`.

The state machine itself lives in :mod:`allocation.offer_states` (pure), the
transitions in :mod:`allocation.workflow`, the read views in
:mod:`allocation.offer_views`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from allocation.models import CaseStatus, CitizenCase, Offer, OfferStatus
from allocation.offer_states import OPEN_OFFER_STATUSES, REFUSED_OFFER_STATUSES
from inventory.models import Department, Municipality, Unit, Vacancy
from kernel import messages
from kernel.audit import record
from kernel.errors import Conflict, NotFound
from kernel.errors import check_version as check_entity_version

OFFER_ENTITY = "offer"


@contextmanager
def race_is_conflict(key: str, values: Mapping[str, object] | None = None) -> Iterator[None]:
    """Turn a lost race into :class:`Conflict`: a stale version, a deadlock or a unique index.

    Each means another transaction changed the same rows first; the caller's
    transaction must be rolled back and the request may be retried on fresh state.
    ``key`` and ``values`` name what was being done (a ``doing_*`` entry of
    :mod:`kernel.messages`), which starts the conflict's detail in either language.
    """
    doing = {
        "doing_da": messages.detail(key, "da", dict(values or {})),
        "doing_en": messages.detail(key, "en", dict(values or {})),
    }
    try:
        yield
    except StaleDataError:
        raise Conflict(
            "version-conflict",
            "Changed by someone else",
            key="race_version_conflict",
            values={**doing},
        ) from None
    except OperationalError as error:
        # PostgreSQL gave up one of two transactions waiting on each other's rows.
        if getattr(error.orig, "sqlstate", None) not in ("40P01", "40001"):
            raise
        raise Conflict(
            "concurrent-update",
            "Changed by someone else",
            key="race_concurrent_update",
            values={**doing},
        ) from None
    except IntegrityError as error:
        raise Conflict(
            "integrity-conflict",
            "Conflicts with another answer",
            key="race_integrity_conflict",
            values={**doing, "error": type(error.orig).__name__},
        ) from None


# --- locating and locking -------------------------------------------------------


@dataclass(frozen=True)
class OfferKeys:
    """What locating an offer needs, read without loading (or locking) the rows."""

    offer_id: int
    vacancy_id: int
    case_id: int
    municipality_code: str
    status: OfferStatus
    answer_deadline: dt.date | None


def offer_keys(session: Session, offer_id: int, municipality_code: str | None) -> OfferKeys:
    """The offer's keys, scoped: another municipality's offer is not found.

    Plain columns, not ORM objects: an object loaded here would sit in the
    identity map with the version read now, and the locking reload that follows
    would see a newer version committed meanwhile as stale data.
    """
    row = session.execute(
        select(
            Offer.id,
            Offer.vacancy_id,
            Offer.case_id,
            CitizenCase.municipality_code,
            Offer.status,
            Offer.answer_deadline,
        )
        .join(CitizenCase, CitizenCase.id == Offer.case_id)
        .where(Offer.id == offer_id)
    ).first()
    if row is None or (municipality_code is not None and row[3] != municipality_code):
        raise NotFound(
            "offer-not-found", "Offer not found", key="no_offer", values={"offer_id": offer_id}
        )
    return OfferKeys(*row)


@dataclass(frozen=True)
class Locked:
    """An offer with its home and citizen's case, all three locked for the transaction."""

    offer: Offer
    vacancy: Vacancy
    case: CitizenCase


def lock_offer(session: Session, offer_id: int, municipality_code: str | None) -> Locked:
    """Load and lock an offer with its vacancy and case, in the fixed lock order.

    ``municipality_code`` scopes the lookup: another municipality's offer is
    reported as not found, so ids reveal nothing across municipalities. Rows this
    transaction loaded earlier are refreshed; if another transaction changed them
    in between, that is a lost race (409).
    """
    keys = offer_keys(session, offer_id, municipality_code)
    with race_is_conflict(key="doing_lock_offer", values={"offer_id": offer_id}):
        vacancy = lock_vacancy(session, keys.vacancy_id)
        case = session.get(CitizenCase, keys.case_id, with_for_update=True, populate_existing=True)
        locked = session.get(Offer, offer_id, with_for_update=True, populate_existing=True)
    assert vacancy is not None and case is not None and locked is not None
    return Locked(locked, vacancy, case)


def lock_vacancy(session: Session, vacancy_id: int) -> Vacancy | None:
    """The vacancy, reloaded and locked (None if there is no such row)."""
    return session.get(Vacancy, vacancy_id, with_for_update=True, populate_existing=True)


def lock_vacancy_and_case(
    session: Session, vacancy_id: int, case_id: int
) -> tuple[Vacancy | None, CitizenCase | None]:
    """A home and a case for a pair staff chose, locked in the fixed order."""
    with race_is_conflict(
        key="doing_lock_pair", values={"vacancy_id": vacancy_id, "case_id": case_id}
    ):
        vacancy = lock_vacancy(session, vacancy_id)
        case = session.get(CitizenCase, case_id, with_for_update=True, populate_existing=True)
    return vacancy, case


def lock_municipality(session: Session, municipality_code: str) -> None:
    """Serialise planning per municipality (``SELECT ... FOR UPDATE`` on PostgreSQL).

    Two plans made at once would each withdraw the other's proposals and leave
    duplicates; holding the municipality's row for the transaction makes the
    second wait for the first. SQLite serialises writers anyway.
    """
    session.execute(
        select(Municipality.code).where(Municipality.code == municipality_code).with_for_update()
    )


def check_version(offer: Offer, expected_version: int | None) -> None:
    """:class:`PreconditionFailed` when the client saw another version of the offer."""
    check_entity_version("offer", current=offer.version, expected=expected_version)


# --- queries ---------------------------------------------------------------------


def open_offers(
    session: Session,
    *,
    case_id: int | None = None,
    vacancy_id: int | None = None,
    exclude_offer: int | None = None,
) -> Sequence[Offer]:
    """Proposed and sent offers of a case or a home, locked, by id."""
    stmt = select(Offer).where(Offer.status.in_(OPEN_OFFER_STATUSES))
    if case_id is not None:
        stmt = stmt.where(Offer.case_id == case_id)
    if vacancy_id is not None:
        stmt = stmt.where(Offer.vacancy_id == vacancy_id)
    if exclude_offer is not None:
        stmt = stmt.where(Offer.id != exclude_offer)
    return session.scalars(stmt.order_by(Offer.id).with_for_update()).all()


def homes_on_offer_to(session: Session, case_id: int) -> Sequence[int]:
    """Ids of the homes the citizen holds a sent offer of, in lock order."""
    return session.scalars(
        select(Offer.vacancy_id)
        .where(Offer.case_id == case_id, Offer.status == OfferStatus.sent)
        .order_by(Offer.vacancy_id)
    ).all()


def other_sent_offer(session: Session, case_id: int, *, besides: int | None) -> int | None:
    """The id of a sent offer of the case other than ``besides``, if any."""
    stmt = select(Offer.id).where(Offer.case_id == case_id, Offer.status == OfferStatus.sent)
    if besides is not None:
        stmt = stmt.where(Offer.id != besides)
    return session.scalar(stmt.limit(1))


def refused_offer(session: Session, case_id: int, vacancy_id: int) -> int | None:
    """The id of an offer of this home the citizen declined or let expire, if any."""
    return session.scalar(
        select(Offer.id)
        .where(
            Offer.case_id == case_id,
            Offer.vacancy_id == vacancy_id,
            Offer.status.in_(REFUSED_OFFER_STATUSES),
        )
        .limit(1)
    )


def proposed_offer(session: Session, case_id: int, vacancy_id: int) -> Offer | None:
    """The newest proposed offer of the pair, locked, if any."""
    return session.scalar(
        select(Offer)
        .where(
            Offer.vacancy_id == vacancy_id,
            Offer.case_id == case_id,
            Offer.status == OfferStatus.proposed,
        )
        .order_by(Offer.id.desc())
        .with_for_update()
    )


def overdue_offer_ids(
    session: Session,
    today: dt.date,
    *,
    municipality_code: str | None = None,
    association_id: int | None = None,
) -> Sequence[int]:
    """Sent offers past their deadline, in a municipality's or an association's scope."""
    stmt = (
        select(Offer.id)
        .join(CitizenCase, CitizenCase.id == Offer.case_id)
        .where(Offer.status == OfferStatus.sent, Offer.answer_deadline < today)
        .order_by(Offer.id)
    )
    if municipality_code is not None:
        stmt = stmt.where(CitizenCase.municipality_code == municipality_code)
    if association_id is not None:
        stmt = (
            stmt.join(Vacancy, Vacancy.id == Offer.vacancy_id)
            .join(Unit, Unit.id == Vacancy.unit_id)
            .join(Department, Department.id == Unit.department_id)
            .where(Department.association_id == association_id)
        )
    return session.scalars(stmt).all()


def case_id_by_ref(session: Session, *, case_ref: str, municipality_code: str) -> int:
    """The id of the municipality's case ``case_ref`` (another municipality's: not found)."""
    case_id = session.scalar(
        select(CitizenCase.id).where(
            CitizenCase.case_ref == case_ref, CitizenCase.municipality_code == municipality_code
        )
    )
    if case_id is None:
        raise NotFound("case-not-found", "Case not found", key="no_such", values={"what": "case"})
    return case_id


def case_refs(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    """Case ids to pseudonymous case refs, for staff views of offers."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CitizenCase.id, CitizenCase.case_ref).where(CitizenCase.id.in_(set(case_ids)))
    )
    return {case_id: ref for case_id, ref in rows}


def active_case_ids(session: Session, municipality_code: str) -> dict[str, int]:
    """The municipality's active cases: case_ref → id (a run's citizens are case refs)."""
    rows = session.execute(
        select(CitizenCase.case_ref, CitizenCase.id).where(
            CitizenCase.municipality_code == municipality_code,
            CitizenCase.status == CaseStatus.active,
        )
    )
    return {ref: case_id for ref, case_id in rows}


def refused_pairs(session: Session, municipality_code: str) -> set[tuple[str, str]]:
    """Every (case_ref, vacancy id) pair the citizen declined or let expire.

    These pairs are excluded from every later plan of the municipality: asking the
    same citizen again about the same home would only repeat the refusal.
    """
    stmt = (
        select(CitizenCase.case_ref, Offer.vacancy_id)
        .join(CitizenCase, CitizenCase.id == Offer.case_id)
        .where(
            CitizenCase.municipality_code == municipality_code,
            Offer.status.in_(REFUSED_OFFER_STATUSES),
        )
    )
    return {(ref, str(vacancy_id)) for ref, vacancy_id in session.execute(stmt)}


def cases_awaiting_answer(session: Session, municipality_code: str) -> set[str]:
    """Case refs with a sent offer: one citizen is offered one home at a time."""
    stmt = (
        select(CitizenCase.case_ref)
        .join(Offer, Offer.case_id == CitizenCase.id)
        .where(
            CitizenCase.municipality_code == municipality_code,
            Offer.status == OfferStatus.sent,
        )
    )
    return set(session.scalars(stmt))


def proposals(
    session: Session, municipality_code: str, *, vacancy_id: int | None = None
) -> Sequence[Offer]:
    """The municipality's proposed (never sent) offers, locked, optionally of one home."""
    stmt = (
        select(Offer)
        .join(CitizenCase, CitizenCase.id == Offer.case_id)
        .where(
            Offer.status == OfferStatus.proposed,
            CitizenCase.municipality_code == municipality_code,
        )
        .order_by(Offer.id)
        .with_for_update(of=Offer)
    )
    if vacancy_id is not None:
        stmt = stmt.where(Offer.vacancy_id == vacancy_id)
    return session.scalars(stmt).all()


# --- the audited write of one offer -------------------------------------------------


def offer_state(offer: Offer) -> dict[str, Any]:
    """An offer's workflow state for the audit trail: ids and dates, no personal data."""
    return {
        "status": offer.status.value,
        "vacancy_id": offer.vacancy_id,
        "case_id": offer.case_id,
        "rank": offer.rank,
        "answer_deadline": offer.answer_deadline.isoformat() if offer.answer_deadline else None,
        "decline_reason": offer.decline_reason,
        "version": offer.version,
    }


def record_offer(
    session: Session,
    offer: Offer,
    *,
    actor: str,
    action: str,
    before: dict[str, Any] | None,
    **extra: Any,
) -> None:
    """Audit an offer's transition: ``before`` → its state now, plus ``extra`` facts.

    Call it after flushing the change, so the recorded version is the new one.
    """
    record(
        session,
        actor=actor,
        action=action,
        entity=OFFER_ENTITY,
        entity_id=offer.id,
        before=before,
        after={**offer_state(offer), **extra},
    )


def withdraw_offer(session: Session, offer: Offer, *, actor: str, why: str) -> None:
    """Withdraw an open offer and audit it (``why`` says what made it moot)."""
    before = offer_state(offer)
    offer.status = OfferStatus.withdrawn
    session.flush()
    record_offer(session, offer, actor=actor, action="offer.withdraw", before=before, why=why)
    if before["status"] == OfferStatus.sent.value:  # the association and citizen knew of it
        from allocation.notices import on_sent_offer_withdrawn

        on_sent_offer_withdrawn(session, offer=offer, why=why)


def supersede_proposals(
    session: Session, municipality_code: str, *, actor: str, vacancy_id: int | None = None
) -> None:
    """Withdraw proposed (never sent) offers of earlier runs: the newest plan replaces them."""
    for offer in proposals(session, municipality_code, vacancy_id=vacancy_id):
        withdraw_offer(session, offer, actor=actor, why="superseded by a newer match run")
