"""The offer life cycle: send, accept, decline, expire, and propose the next citizen.

::

    proposed ──send──▶ sent ──accept──▶ accepted   (vacancy let, case housed)
        │               ├──decline──▶ declined   (vacancy open again, next proposal)
        │               └──deadline─▶ expired    (vacancy open again, next proposal)
        └──────── withdrawn (a newer plan, or the home/citizen went elsewhere)

Every transition runs in the caller's transaction and is checked against the state
it finds *after* locking the rows it changes. Rows are locked in one fixed order,
vacancy → case → offer(s), with ``SELECT ... FOR UPDATE`` on PostgreSQL (SQLite
has a single writer and ignores it), so two staff members answering for the same
home queue up instead of both winning. The version columns of offers, vacancies and
cases add optimistic checking on top (a stale write raises, and clients may send
the version they saw), and the database's partial unique indexes refuse a second
accepted offer per vacancy or per citizen whatever the code does. Every change is
written to the audit trail with its before and after state, without personal data.

Deadline semantics: an offer sent on day *d* must be answered by day *d* +
``answer_deadline_days`` (the municipality's policy, DOMAIN.md section 6) inclusive;
from the next day it is overdue. Overdue offers are expired by the cron command
``boligmatch expire-offers`` and, so that nobody ever sees a stale ``sent``, by
every read of an offer through this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from allocation.match_runs import (
    OPEN_OFFER_STATUSES,
    REFUSED_OFFER_STATUSES,
    judge_pair,
    latest_match_run,
    lock_municipality,
    matcher_policy,
    municipality_problem,
    offer_state,
    pair_problem,
    record_offer,
    refused_pairs,
    run_housed_bonus,
    run_weights,
    store_run,
    supersede_proposals,
    withdraw_offer,
)
from allocation.models import CaseStatus, CitizenCase, Offer, OfferStatus
from allocation.problem_builder import citizen_document, vacancy_document
from inventory.models import Department, Unit, Vacancy, VacancyStatus
from kernel.audit import record
from kernel.db import utcnow
from kernel.errors import Conflict, Invalid, NotFound, PreconditionFailed, ProblemItem, invalid
from kernel.settings import get_settings
from kernel.types import free_text_problem

SYSTEM_ACTOR = "system:expire-offers"
"""The actor recorded when the cron command expires offers."""


class DeclineReason(StrEnum):
    """Why a citizen declined an offer (stored on the offer, counted in statistics).

    ``too_expensive``: the net housing cost is too high for the household;
    ``wrong_area``: the area is unsuitable (far from network, treatment, conflicts);
    ``too_small``: the home does not fit the household; ``accessibility``: stairs,
    no lift, not wheelchair-accessible; ``health``: the citizen's health stands in the
    way right now; ``no_answer``: the citizen could not be reached and staff record
    a refusal before the deadline; ``other``: anything else (say what in the note).
    """

    too_expensive = "too_expensive"
    wrong_area = "wrong_area"
    too_small = "too_small"
    accessibility = "accessibility"
    health = "health"
    no_answer = "no_answer"
    other = "other"


RefusalAction = Literal["none", "review", "remove"]


@dataclass(frozen=True)
class RefusalOutcome:
    """What the municipality's refusal policy did after a decline or an expiry.

    ``action`` is ``none`` while the citizen is within ``max_refusals``; beyond it the
    policy's action: ``review`` flags the case for a caseworker, ``remove`` takes it
    off the list.
    """

    refused_offers: int
    max_refusals: int
    action: RefusalAction

    @property
    def review_required(self) -> bool:
        return self.action == "review"


@dataclass(frozen=True)
class AnswerOutcome:
    """A decline or an expiry: the offer, the refusal policy's verdict, the next proposal."""

    offer: Offer
    refusal: RefusalOutcome | None
    case_status: CaseStatus
    next_offer: Offer | None = None


@dataclass
class ExpiryReport:
    """What :func:`expire_overdue` did."""

    expired: list[AnswerOutcome] = field(default_factory=list)

    @property
    def next_offers(self) -> list[Offer]:
        return [o.next_offer for o in self.expired if o.next_offer is not None]


_STATUS_CONFLICTS: dict[OfferStatus, tuple[str, str]] = {
    OfferStatus.proposed: ("offer-not-sent", "Offer has not been sent"),
    OfferStatus.sent: ("offer-already-sent", "Offer has already been sent"),
    OfferStatus.accepted: ("offer-already-accepted", "Offer was already accepted"),
    OfferStatus.declined: ("offer-declined", "Offer was declined"),
    OfferStatus.expired: ("offer-expired", "Offer has expired"),
    OfferStatus.withdrawn: ("offer-withdrawn", "Offer was withdrawn"),
}


def _status_conflict(offer: Offer, wanted: str) -> Conflict:
    code, title = _STATUS_CONFLICTS[offer.status]
    return Conflict(
        code, title, f"Offer {offer.id} is {offer.status.value}; it cannot be {wanted}."
    )


_VACANCY_CONFLICTS: dict[VacancyStatus, tuple[str, str]] = {
    VacancyStatus.offered: ("vacancy-already-offered", "Home is already offered"),
    VacancyStatus.let: ("vacancy-let", "Home is already let"),
    VacancyStatus.withdrawn: ("vacancy-withdrawn", "Home was withdrawn"),
}


def _vacancy_conflict(vacancy: Vacancy) -> Conflict:
    code, title = _VACANCY_CONFLICTS[vacancy.status]
    return Conflict(code, title, f"Vacancy {vacancy.id} is {vacancy.status.value}.")


@contextmanager
def _race_is_conflict(what: str) -> Iterator[None]:
    """Turn a lost race into :class:`Conflict`: a stale version or a unique index.

    Either means another transaction changed the same rows first; the caller's
    transaction must be rolled back and the request may be retried on fresh state.
    """
    try:
        yield
    except StaleDataError:
        raise Conflict(
            "version-conflict",
            "Changed by someone else",
            f"{what}: the data changed while the request ran; reload and try again.",
        ) from None
    except OperationalError as error:
        # PostgreSQL gave up one of two transactions waiting on each other's rows.
        if getattr(error.orig, "sqlstate", None) not in ("40P01", "40001"):
            raise
        raise Conflict(
            "concurrent-update",
            "Changed by someone else",
            f"{what}: another request was changing the same rows; try again.",
        ) from None
    except IntegrityError as error:
        raise Conflict(
            "integrity-conflict",
            "Conflicts with another answer",
            f"{what}: the database refused the change ({type(error.orig).__name__}); "
            "a home can be accepted once and a citizen can accept one home.",
        ) from None


# --- loading and locking ------------------------------------------------------------


def _case_state(case: CitizenCase) -> dict[str, Any]:
    return {
        "status": case.status.value,
        "refused_offers": case.refused_offers,
        "version": case.version,
    }


def _vacancy_state(vacancy: Vacancy) -> dict[str, Any]:
    return {"status": vacancy.status.value, "version": vacancy.version}


@dataclass(frozen=True)
class _OfferKeys:
    """What locating an offer needs, read without loading (or locking) the rows."""

    offer_id: int
    vacancy_id: int
    case_id: int
    municipality_code: str
    status: OfferStatus
    answer_deadline: dt.date | None


def _offer_keys(session: Session, offer_id: int, municipality_code: str | None) -> _OfferKeys:
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
        raise NotFound("offer-not-found", "Offer not found", f"No offer {offer_id}.")
    return _OfferKeys(*row)


@dataclass(frozen=True)
class _Locked:
    offer: Offer
    vacancy: Vacancy
    case: CitizenCase


def _lock_offer(session: Session, offer_id: int, municipality_code: str | None) -> _Locked:
    """Load and lock an offer with its vacancy and case, in the fixed lock order.

    ``municipality_code`` scopes the lookup: another municipality's offer is
    reported as not found, so ids reveal nothing across municipalities. Rows this
    transaction loaded earlier are refreshed; if another transaction changed them
    in between, that is a lost race (409).
    """
    keys = _offer_keys(session, offer_id, municipality_code)
    with _race_is_conflict(f"Locking offer {offer_id}"):
        vacancy = session.get(
            Vacancy, keys.vacancy_id, with_for_update=True, populate_existing=True
        )
        case = session.get(CitizenCase, keys.case_id, with_for_update=True, populate_existing=True)
        locked = session.get(Offer, offer_id, with_for_update=True, populate_existing=True)
    assert vacancy is not None and case is not None and locked is not None
    return _Locked(locked, vacancy, case)


def _check_version(offer: Offer, expected_version: int | None) -> None:
    if expected_version is not None and offer.version != expected_version:
        raise PreconditionFailed(
            "precondition-failed",
            "Precondition Failed",
            f"Offer {offer.id} is at version {offer.version}, not {expected_version}; "
            "reload it and try again.",
            current_version=offer.version,
        )


def is_overdue(offer: Offer | _OfferKeys, today: dt.date) -> bool:
    """A sent offer whose last day to answer has passed (judged on a loaded or unloaded offer)."""
    return (
        offer.status == OfferStatus.sent
        and offer.answer_deadline is not None
        and today > offer.answer_deadline
    )


# --- refusal policy ---------------------------------------------------------------


def _apply_refusal(
    session: Session, case: CitizenCase, *, actor: str, counts: bool
) -> RefusalOutcome | None:
    """Count one refusal and apply the municipality's refusal policy (DOMAIN.md 6).

    ``counts`` is false when staff judge the home unsuitable for the citizen: only
    declining a suitable home (or not answering) counts against them.
    """
    if not counts:
        return None
    policy = get_settings().policy_for(case.municipality_code).refusal
    before = _case_state(case)
    case.refused_offers += 1
    action: RefusalAction = "none"
    if case.refused_offers > policy.max_refusals and policy.action != "none":
        action = policy.action
    if action == "remove" and case.status == CaseStatus.active:
        case.status = CaseStatus.removed
        for other in _open_offers(session, case_id=case.id):
            withdraw_offer(session, other, actor=actor, why="case removed after refusals")
    session.flush()
    outcome = RefusalOutcome(case.refused_offers, policy.max_refusals, action)
    record(
        session,
        actor=actor,
        action={
            "none": "case.refusal",
            "review": "case.review_required",
            "remove": "case.remove",
        }[action],
        entity="case",
        entity_id=case.id,
        before=before,
        after={
            **_case_state(case),
            "max_refusals": policy.max_refusals,
            "policy_action": policy.action,
            "review_required": outcome.review_required,
        },
    )
    return outcome


def _open_offers(
    session: Session,
    *,
    case_id: int | None = None,
    vacancy_id: int | None = None,
    exclude_offer: int | None = None,
) -> Sequence[Offer]:
    stmt = select(Offer).where(Offer.status.in_(OPEN_OFFER_STATUSES))
    if case_id is not None:
        stmt = stmt.where(Offer.case_id == case_id)
    if vacancy_id is not None:
        stmt = stmt.where(Offer.vacancy_id == vacancy_id)
    if exclude_offer is not None:
        stmt = stmt.where(Offer.id != exclude_offer)
    return session.scalars(stmt.order_by(Offer.id).with_for_update()).all()


def _set_vacancy_status(
    session: Session, vacancy: Vacancy, status: VacancyStatus, *, actor: str, why: str
) -> None:
    if vacancy.status == status:
        return
    before = _vacancy_state(vacancy)
    vacancy.status = status
    session.flush()
    record(
        session,
        actor=actor,
        action=f"vacancy.{status.value}",
        entity="vacancy",
        entity_id=vacancy.id,
        before=before,
        after={**_vacancy_state(vacancy), "why": why},
    )


def _reopen(session: Session, vacancy: Vacancy, *, actor: str, why: str) -> None:
    """Give a home whose sent offer is gone back to the market (only an ``offered`` one:
    a home that was let or withdrawn meanwhile stays so)."""
    if vacancy.status == VacancyStatus.offered:
        _set_vacancy_status(session, vacancy, VacancyStatus.open, actor=actor, why=why)


# --- feasibility of one pair ----------------------------------------------------


def pair_verdict(
    session: Session, case: CitizenCase, vacancy: Vacancy, *, today: dt.date
) -> dict[str, Any]:
    """The matcher's verdict on one citizen and one home, on today's data.

    A one-citizen, one-home problem with the municipality's policy and the latest
    run's weights and housed bonus (so the score compares with the plan's), solved
    with explanations: ``feasible``, ``score`` and, when infeasible, every broken
    rule in plain words with its numbers.
    """
    latest = latest_match_run(session, case.municipality_code)
    base: dict[str, Any] = {
        "format": "boligmatch.problem/1",
        "as_of": today.isoformat(),
        "policy": matcher_policy(get_settings().policy_for(case.municipality_code)),
    }
    weights = run_weights(latest)
    if weights is not None:
        base["weights"] = weights
    problem = pair_problem(
        base,
        citizen_document(case),
        vacancy_document(vacancy),
        housed_bonus=run_housed_bonus(latest),
    )
    return judge_pair(problem)


def _check_can_send(session: Session, locked: _Locked, *, today: dt.date) -> dict[str, Any]:
    """Everything that must hold before a home is offered to a citizen."""
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    if case.status != CaseStatus.active:
        raise Conflict(
            "case-not-active",
            "Case is not active",
            f"Case {case.case_ref} is {case.status.value}; only active cases get offers.",
        )
    if vacancy.status != VacancyStatus.open:
        raise _vacancy_conflict(vacancy)
    waiting_stmt = select(Offer.id).where(
        Offer.case_id == case.id, Offer.status == OfferStatus.sent
    )
    if offer.id is not None:
        waiting_stmt = waiting_stmt.where(Offer.id != offer.id)
    waiting = session.scalar(waiting_stmt.limit(1))
    if waiting is not None:
        raise Conflict(
            "case-awaiting-answer",
            "Citizen is answering another offer",
            f"Case {case.case_ref} has sent offer {waiting} open; one offer at a time.",
        )
    refused = session.scalar(
        select(Offer.id)
        .where(
            Offer.case_id == case.id,
            Offer.vacancy_id == vacancy.id,
            Offer.status.in_(REFUSED_OFFER_STATUSES),
        )
        .limit(1)
    )
    if refused is not None:
        raise Conflict(
            "pair-refused",
            "Citizen already refused this home",
            f"Case {case.case_ref} declined or let an offer of vacancy {vacancy.id} expire.",
        )
    verdict = pair_verdict(session, case, vacancy, today=today)
    if not verdict.get("feasible"):
        reasons = [str(r) for r in verdict.get("reasons", [])]
        raise Invalid(
            "pair-infeasible",
            "Home does not fit the citizen",
            f"Vacancy {vacancy.id} cannot be offered to case {case.case_ref}: "
            + "; ".join(reasons),
            errors=[ProblemItem(field="vacancy_id", problem=r) for r in reasons],
        )
    return verdict


def _send_locked(
    session: Session, locked: _Locked, *, actor: str, today: dt.date, checked: bool = False
) -> Offer:
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    if offer.status != OfferStatus.proposed:
        raise _status_conflict(offer, "sent")
    if not checked:
        _check_can_send(session, locked, today=today)
    days = get_settings().policy_for(case.municipality_code).answer_deadline_days
    before = offer_state(offer)
    with _race_is_conflict(f"Sending offer {offer.id}"):
        offer.status = OfferStatus.sent
        offer.sent_at = utcnow()
        offer.answer_deadline = today + dt.timedelta(days=days)
        session.flush()
        record_offer(session, offer, actor=actor, action="offer.send", before=before)
        _set_vacancy_status(
            session, vacancy, VacancyStatus.offered, actor=actor, why=f"offer {offer.id} sent"
        )
    return offer


# --- transitions ------------------------------------------------------------------


def send_offer(
    *,
    session: Session,
    offer_id: int,
    actor: str,
    today: dt.date,
    municipality_code: str | None = None,
    expected_version: int | None = None,
) -> Offer:
    """Send a proposed offer: the citizen gets until today + the policy's days to answer.

    The vacancy must be open (at most one sent offer per home), the case active and
    not already answering another offer, the pair not refused before and still
    feasible on today's data (incomes and homes change after a run). The vacancy
    becomes ``offered``.
    """
    locked = _lock_offer(session, offer_id, municipality_code)
    _check_version(locked.offer, expected_version)
    return _send_locked(session, locked, actor=actor, today=today)


def case_id_by_ref(session: Session, *, case_ref: str, municipality_code: str) -> int:
    """The id of the municipality's case ``case_ref`` (another municipality's: not found)."""
    case_id = session.scalar(
        select(CitizenCase.id).where(
            CitizenCase.case_ref == case_ref, CitizenCase.municipality_code == municipality_code
        )
    )
    if case_id is None:
        raise NotFound("case-not-found", "Case not found", "No such case.")
    return case_id


def send_chosen_offer(
    *,
    session: Session,
    vacancy_id: int,
    case_id: int,
    actor: str,
    today: dt.date,
    municipality_code: str,
) -> Offer:
    """Send a home to a citizen staff chose themselves (not from a run's proposals).

    Staff decide, but not against the hard rules: the pair must be feasible for the
    matcher on today's data, and the home must be under the municipality's
    allocation right. Any proposals of the home to other citizens stay proposals.
    """
    with _race_is_conflict(f"Locking vacancy {vacancy_id} and case {case_id}"):
        vacancy = session.get(Vacancy, vacancy_id, with_for_update=True, populate_existing=True)
        case = session.get(CitizenCase, case_id, with_for_update=True, populate_existing=True)
    if vacancy is None or vacancy.unit.allocation_municipality_code != municipality_code:
        raise NotFound("vacancy-not-found", "Vacancy not found", f"No vacancy {vacancy_id}.")
    if case is None or case.municipality_code != municipality_code:
        raise NotFound("case-not-found", "Case not found", f"No case {case_id}.")
    existing = session.scalar(
        select(Offer)
        .where(
            Offer.vacancy_id == vacancy_id,
            Offer.case_id == case_id,
            Offer.status == OfferStatus.proposed,
        )
        .order_by(Offer.id.desc())
        .with_for_update()
    )
    offer = existing or Offer(
        match_run_id=None,
        vacancy_id=vacancy_id,
        case_id=case_id,
        rank=1,
        status=OfferStatus.proposed,
    )
    if existing is None:
        verdict = _check_can_send(session, _Locked(offer, vacancy, case), today=today)
        score = verdict.get("score")
        offer.score = int(score) if isinstance(score, int | float) else None
        session.add(offer)
        session.flush()
        record_offer(
            session, offer, actor=actor, action="offer.create", before=None, chosen_by_staff=True
        )
    return _send_locked(
        session, _Locked(offer, vacancy, case), actor=actor, today=today, checked=existing is None
    )


def _expire_locked(
    session: Session, locked: _Locked, *, actor: str, today: dt.date
) -> AnswerOutcome:
    """Expire an overdue sent offer; not answering counts as a refusal (DOMAIN.md 6)."""
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    before = offer_state(offer)
    with _race_is_conflict(f"Expiring offer {offer.id}"):
        offer.status = OfferStatus.expired
        offer.answered_at = utcnow()
        session.flush()
        record_offer(
            session,
            offer,
            actor=actor,
            action="offer.expire",
            before=before,
            today=today.isoformat(),
        )
        _reopen(session, vacancy, actor=actor, why=f"offer {offer.id} expired")
        refusal = _apply_refusal(session, case, actor=actor, counts=True)
    return AnswerOutcome(offer=offer, refusal=refusal, case_status=case.status)


def _expire_and_refuse(
    session: Session, locked: _Locked, *, actor: str, today: dt.date, wanted: str
) -> Conflict:
    """Expire an offer found overdue while answering it; the caller raises the result."""
    _expire_locked(session, locked, actor=actor, today=today)
    propose_next(session=session, vacancy_id=locked.vacancy.id, actor=actor, today=today)
    deadline = locked.offer.answer_deadline
    return Conflict(
        "offer-expired",
        "Offer has expired",
        f"Offer {locked.offer.id} had to be answered by {deadline}; it cannot be {wanted}.",
        persist=True,
    )


def accept_offer(
    *,
    session: Session,
    offer_id: int,
    actor: str,
    today: dt.date,
    municipality_code: str | None = None,
    expected_version: int | None = None,
) -> Offer:
    """The citizen says yes: the home is let, the citizen housed, the rest withdrawn.

    Only a sent offer can be accepted, and only until its deadline (an overdue offer
    is expired on the spot and the accept refused with a ``persist`` conflict, so the
    expiry is kept). The citizen's other open offers and the home's other offers are
    withdrawn. Should two accepts for the same home race, the vacancy lock queues
    them and the second finds its offer withdrawn; the database's unique indexes
    are the last line.
    """
    locked = _lock_offer(session, offer_id, municipality_code)
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    if is_overdue(offer, today):
        raise _expire_and_refuse(session, locked, actor=actor, today=today, wanted="accepted")
    if offer.status != OfferStatus.sent:
        raise _status_conflict(offer, "accepted")
    _check_version(offer, expected_version)
    if vacancy.status in (VacancyStatus.let, VacancyStatus.withdrawn):
        raise _vacancy_conflict(vacancy)
    if case.status != CaseStatus.active:
        raise Conflict(
            "case-not-active",
            "Case is not active",
            f"Case {case.case_ref} is {case.status.value}; it cannot accept a home.",
        )
    before = offer_state(offer)
    with _race_is_conflict(f"Accepting offer {offer.id}"):
        for other in _open_offers(session, vacancy_id=vacancy.id, exclude_offer=offer.id):
            withdraw_offer(session, other, actor=actor, why=f"home let through offer {offer.id}")
        reopen: list[int] = []
        for other in _open_offers(session, case_id=case.id, exclude_offer=offer.id):
            if other.status == OfferStatus.sent:  # not through send_offer: one at a time
                reopen.append(other.vacancy_id)
            why = f"citizen housed through offer {offer.id}"
            withdraw_offer(session, other, actor=actor, why=why)
        for vacancy_id in reopen:
            held = session.get(Vacancy, vacancy_id, with_for_update=True, populate_existing=True)
            if held is not None:
                _reopen(session, held, actor=actor, why="citizen housed elsewhere")
        offer.status = OfferStatus.accepted
        offer.answered_at = utcnow()
        session.flush()
        record_offer(session, offer, actor=actor, action="offer.accept", before=before)
        _set_vacancy_status(
            session, vacancy, VacancyStatus.let, actor=actor, why=f"offer {offer.id} accepted"
        )
        case_before = _case_state(case)
        case.status = CaseStatus.housed
        session.flush()
        record(
            session,
            actor=actor,
            action="case.housed",
            entity="case",
            entity_id=case.id,
            before=case_before,
            after={**_case_state(case), "offer_id": offer.id},
        )
    return offer


def decline_offer(
    *,
    session: Session,
    offer_id: int,
    actor: str,
    today: dt.date,
    reason: str,
    note: str | None = None,
    counts_as_refusal: bool = True,
    municipality_code: str | None = None,
    expected_version: int | None = None,
    propose: bool = True,
) -> AnswerOutcome:
    """The citizen says no: record why, apply the refusal policy, propose the next.

    ``reason`` must be a :class:`DeclineReason`; ``note`` is free text. Declining
    counts as a refusal unless staff judged the home unsuitable
    (``counts_as_refusal=False``); beyond the municipality's ``max_refusals`` its
    policy removes the case or flags it for review. The home opens again and, with
    ``propose``, the next citizen is proposed for it (the declined pair excluded).
    """
    try:
        why = DeclineReason(reason)
    except ValueError:
        allowed = ", ".join(r.value for r in DeclineReason)
        raise Invalid(
            "invalid-decline-reason",
            "Unknown decline reason",
            f"{reason!r} is not one of: {allowed}.",
            errors=[ProblemItem(field="reason", problem=f"must be one of: {allowed}")],
        ) from None
    if (problem := free_text_problem(note)) is not None:  # the API's `FreeText` rule, for forms
        raise invalid("The note is not accepted.", field="note", problem=problem)
    locked = _lock_offer(session, offer_id, municipality_code)
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    if is_overdue(offer, today):
        raise _expire_and_refuse(session, locked, actor=actor, today=today, wanted="declined")
    if offer.status != OfferStatus.sent:
        raise _status_conflict(offer, "declined")
    _check_version(offer, expected_version)
    before = offer_state(offer)
    with _race_is_conflict(f"Declining offer {offer.id}"):
        offer.status = OfferStatus.declined
        offer.decline_reason = why.value
        offer.decline_note = note
        offer.answered_at = utcnow()
        session.flush()
        record_offer(
            session,
            offer,
            actor=actor,
            action="offer.decline",
            before=before,
            counts_as_refusal=counts_as_refusal,
        )
        _reopen(session, vacancy, actor=actor, why=f"offer {offer.id} declined")
        refusal = _apply_refusal(session, case, actor=actor, counts=counts_as_refusal)
    next_offer = (
        propose_next(session=session, vacancy_id=vacancy.id, actor=actor, today=today)
        if propose
        else None
    )
    return AnswerOutcome(
        offer=offer, refusal=refusal, case_status=case.status, next_offer=next_offer
    )


def withdraw_open_offers(
    *,
    session: Session,
    actor: str,
    why: str,
    vacancy_id: int | None = None,
    case_id: int | None = None,
) -> list[Offer]:
    """Withdraw every proposed or sent offer of a home or of a citizen.

    For the vacancy and case services: when an association withdraws a home, or
    staff close a case, its open offers are moot. A withdrawn *sent* offer gives
    its home back (``open``) unless the home itself is going away. Call it in the
    same transaction as the change that makes the offers moot, after locking that
    row.
    """
    if (vacancy_id is None) == (case_id is None):
        raise ValueError("give exactly one of vacancy_id and case_id")
    withdrawn = []
    with _race_is_conflict("Withdrawing offers"):
        # Homes first (the module's lock order): those the citizen holds a sent offer of.
        reopen: list[Vacancy] = []
        if case_id is not None:
            sent_on = session.scalars(
                select(Offer.vacancy_id)
                .where(Offer.case_id == case_id, Offer.status == OfferStatus.sent)
                .order_by(Offer.vacancy_id)
            ).all()
            for held in sent_on:
                vacancy = session.get(Vacancy, held, with_for_update=True, populate_existing=True)
                if vacancy is not None:
                    reopen.append(vacancy)
        for offer in _open_offers(session, vacancy_id=vacancy_id, case_id=case_id):
            withdraw_offer(session, offer, actor=actor, why=why)
            withdrawn.append(offer)
        for vacancy in reopen:
            _reopen(session, vacancy, actor=actor, why=why)
    return withdrawn


def propose_next(*, session: Session, vacancy_id: int, actor: str, today: dt.date) -> Offer | None:
    """Re-plan the municipality and propose the next citizen for an open home.

    The whole municipality is re-solved (so the home goes to whoever the best plan
    now gives it to, or the best alternate) with every declined or expired
    (citizen, home) pair excluded, using the latest run's weights. The home's old
    proposals are withdrawn and its new ranked candidates stored as ``proposed``
    offers of a new run (purpose ``propose_next``). Returns the rank-1 proposal, or
    None when the home is not open or nobody fits it.
    """
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None or vacancy.status != VacancyStatus.open:
        return None
    code = vacancy.unit.allocation_municipality_code
    if code is None:
        return None
    lock_municipality(session, code)
    weights = run_weights(latest_match_run(session, code))
    problem = municipality_problem(session, code, as_of=today, weights=weights)
    if not any(v["id"] == str(vacancy_id) for v in problem["vacancies"]):
        return None
    supersede_proposals(session, code, actor=actor, vacancy_id=vacancy_id)
    _, offers = store_run(
        session,
        municipality_code=code,
        actor=actor,
        problem=problem,
        exclude=refused_pairs(session, code),
        weights=weights,
        purpose="propose_next",
        only_vacancy=str(vacancy_id),
    )
    return min(offers, key=lambda o: o.rank, default=None)


def expire_overdue(
    *,
    session: Session,
    today: dt.date,
    actor: str = SYSTEM_ACTOR,
    municipality_code: str | None = None,
    association_id: int | None = None,
    propose: bool = True,
) -> ExpiryReport:
    """Expire every sent offer whose deadline has passed, then propose the next citizens.

    Runs from cron (``boligmatch expire-offers``) over everything, and before every
    read of offers over the reader's scope (a municipality or an association). Each
    offer is re-checked under its locks, so a concurrent answer or expiry is never
    applied twice. Proposals come after all expiries so each re-plan sees them all.
    """
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
    report = ExpiryReport()
    for offer_id in session.scalars(stmt).all():
        locked = _lock_offer(session, offer_id, None)
        if is_overdue(locked.offer, today):
            report.expired.append(_expire_locked(session, locked, actor=actor, today=today))
    if propose:
        for i, outcome in enumerate(report.expired):
            nxt = propose_next(
                session=session, vacancy_id=outcome.offer.vacancy_id, actor=actor, today=today
            )
            report.expired[i] = replace(outcome, next_offer=nxt)
    return report


# --- reading ----------------------------------------------------------------------


def get_offer(
    *,
    session: Session,
    offer_id: int,
    today: dt.date,
    actor: str,
    municipality_code: str | None = None,
) -> Offer:
    """One offer, expired first if it is overdue (nobody ever reads a stale ``sent``)."""
    if is_overdue(_offer_keys(session, offer_id, municipality_code), today):
        locked = _lock_offer(session, offer_id, municipality_code)
        if is_overdue(locked.offer, today):
            _expire_locked(session, locked, actor=actor, today=today)
            propose_next(session=session, vacancy_id=locked.vacancy.id, actor=actor, today=today)
        return locked.offer
    offer = session.get(Offer, offer_id)
    assert offer is not None
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
) -> list[Offer]:
    """The municipality's offers, filtered, after expiring its overdue ones."""
    expire_overdue(session=session, today=today, actor=actor, municipality_code=municipality_code)
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
    return list(session.scalars(stmt.order_by(Offer.vacancy_id, Offer.rank, Offer.id)))


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
) -> list[AssociationOfferView]:
    """Offers actually made on the association's homes (never internal proposals).

    Proposals that were never sent are the municipality's planning, and listing
    them would tell the association how many citizens were considered; only offers
    with a ``sent_at`` are shown, with ids, status and dates, nothing about the
    citizen.
    """
    expire_overdue(session=session, today=today, actor=actor, association_id=association_id)
    stmt = (
        select(Offer, Unit.unit_ref, Department.number)
        .join(Vacancy, Vacancy.id == Offer.vacancy_id)
        .join(Unit, Unit.id == Vacancy.unit_id)
        .join(Department, Department.id == Unit.department_id)
        .where(Department.association_id == association_id, Offer.sent_at.is_not(None))
        .order_by(Offer.vacancy_id, Offer.id)
    )
    if vacancy_id is not None:
        stmt = stmt.where(Offer.vacancy_id == vacancy_id)
    return [
        AssociationOfferView(
            offer_id=offer.id,
            vacancy_id=offer.vacancy_id,
            unit_ref=unit_ref,
            department=number,
            status=offer.status,
            sent_at=offer.sent_at,
            answer_deadline=offer.answer_deadline,
            answered_at=offer.answered_at,
        )
        for offer, unit_ref, number in session.execute(stmt)
    ]


def case_refs(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    """Case ids to pseudonymous case refs, for staff views of offers."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CitizenCase.id, CitizenCase.case_ref).where(CitizenCase.id.in_(set(case_ids)))
    )
    return {case_id: ref for case_id, ref in rows}
