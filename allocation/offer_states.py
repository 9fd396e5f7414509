"""The offer state machine as pure code: no database, no session, no clock.

::

    proposed ──send──▶ sent ──accept──▶ accepted   (vacancy let, case housed)
        │               ├──decline──▶ declined   (vacancy open again, next proposal)
        │               └──deadline─▶ expired    (vacancy open again, next proposal)
        └──────── withdrawn (a newer plan, or the home/citizen went elsewhere)

Which event an offer in a given status allows, when its answer is due, when it is
overdue and what the municipality's refusal policy makes of one more refusal are
rules of the domain (DOMAIN.md section 6) that do not depend on how rows are stored
or locked. Keeping them here, as functions of plain values, lets them be tested
exhaustively without a database; :mod:`allocation.workflow` applies them to locked
rows and writes the audit trail.

Deadline semantics: an offer sent on day *d* must be answered by day *d* +
``answer_deadline_days`` inclusive; from the next day it is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from allocation.models import OfferStatus
from inventory.models import VacancyStatus
from kernel.errors import Conflict, Invalid, ProblemItem, either


class OfferEvent(StrEnum):
    """What can happen to an offer."""

    send = "send"
    accept = "accept"
    decline = "decline"
    expire = "expire"
    withdraw = "withdraw"


#: The allowed transitions: (status, event) → the status after it. Nothing else is allowed.
TRANSITIONS: dict[tuple[OfferStatus, OfferEvent], OfferStatus] = {
    (OfferStatus.proposed, OfferEvent.send): OfferStatus.sent,
    (OfferStatus.proposed, OfferEvent.withdraw): OfferStatus.withdrawn,
    (OfferStatus.sent, OfferEvent.accept): OfferStatus.accepted,
    (OfferStatus.sent, OfferEvent.decline): OfferStatus.declined,
    (OfferStatus.sent, OfferEvent.expire): OfferStatus.expired,
    (OfferStatus.sent, OfferEvent.withdraw): OfferStatus.withdrawn,
}

#: Offer statuses that still take part in the workflow (neither answered nor withdrawn).
OPEN_OFFER_STATUSES = (OfferStatus.proposed, OfferStatus.sent)
#: Answers that rule a (citizen, vacancy) pair out of every later plan.
REFUSED_OFFER_STATUSES = (OfferStatus.declined, OfferStatus.expired)

_STATUS_CONFLICTS: dict[OfferStatus, tuple[str, str]] = {
    OfferStatus.proposed: ("offer-not-sent", "Offer has not been sent"),
    OfferStatus.sent: ("offer-already-sent", "Offer has already been sent"),
    OfferStatus.accepted: ("offer-already-accepted", "Offer was already accepted"),
    OfferStatus.declined: ("offer-declined", "Offer was declined"),
    OfferStatus.expired: ("offer-expired", "Offer has expired"),
    OfferStatus.withdrawn: ("offer-withdrawn", "Offer was withdrawn"),
}

_VACANCY_CONFLICTS: dict[VacancyStatus, tuple[str, str]] = {
    VacancyStatus.offered: ("vacancy-already-offered", "Home is already offered"),
    VacancyStatus.let: ("vacancy-let", "Home is already let"),
    VacancyStatus.withdrawn: ("vacancy-withdrawn", "Home was withdrawn"),
}


def allowed(status: OfferStatus, event: OfferEvent) -> bool:
    """Whether an offer in ``status`` may undergo ``event``."""
    return (status, event) in TRANSITIONS


def status_conflict(offer_id: int, status: OfferStatus, event: OfferEvent) -> Conflict:
    """The conflict an offer in ``status`` answers ``event`` with (its code names the status)."""
    code, title = _STATUS_CONFLICTS[status]
    return Conflict(
        code,
        title,
        key="offer_status_conflict",
        values={"offer_id": offer_id, "status": status.value, "event": event.value},
    )


def transition(offer_id: int, status: OfferStatus, event: OfferEvent) -> OfferStatus:
    """The status after ``event``, or :class:`Conflict` when the state machine forbids it."""
    after = TRANSITIONS.get((status, event))
    if after is None:
        raise status_conflict(offer_id, status, event)
    return after


def vacancy_conflict(vacancy_id: int, status: VacancyStatus) -> Conflict:
    """Why a home in ``status`` (offered, let or withdrawn) cannot take this step."""
    code, title = _VACANCY_CONFLICTS[status]
    return Conflict(
        code,
        title,
        key="vacancy_status_conflict",
        values={"vacancy_id": vacancy_id, "status": status.value},
    )


def answer_deadline(sent_on: dt.date, answer_deadline_days: int) -> dt.date:
    """The last day (inclusive) to answer an offer sent on ``sent_on``."""
    return sent_on + dt.timedelta(days=answer_deadline_days)


def is_overdue(status: OfferStatus, deadline: dt.date | None, today: dt.date) -> bool:
    """A sent offer whose last day to answer has passed."""
    return status == OfferStatus.sent and deadline is not None and today > deadline


def reopens_home(vacancy_status: VacancyStatus) -> bool:
    """Whether a home whose sent offer is gone goes back to the market.

    Only an ``offered`` home does: one that was let or withdrawn meanwhile stays so.
    """
    return vacancy_status == VacancyStatus.offered


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


def decline_reason(reason: str) -> DeclineReason:
    """``reason`` as a :class:`DeclineReason`, or :class:`Invalid` listing the allowed ones."""
    try:
        return DeclineReason(reason)
    except ValueError:
        allowed_da, allowed_reasons = either([r.value for r in DeclineReason])
        raise Invalid(
            "invalid-decline-reason",
            "Unknown decline reason",
            errors=[ProblemItem(field="reason", problem=f"must be one of: {allowed_reasons}")],
            key="decline_reason_unknown",
            values={"reason": repr(reason), "allowed": allowed_reasons, "allowed_da": allowed_da},
        ) from None


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


def refusal_outcome(
    refused_offers: int, *, max_refusals: int, policy_action: RefusalAction
) -> RefusalOutcome:
    """The refusal policy's verdict once the citizen has ``refused_offers`` refusals in all.

    Refusals up to ``max_refusals`` are allowed; the one beyond triggers the policy's
    action (DOMAIN.md 6).
    """
    action: RefusalAction = "none"
    if refused_offers > max_refusals and policy_action != "none":
        action = policy_action
    return RefusalOutcome(refused_offers, max_refusals, action)


#: The audit action a refusal outcome is recorded under.
REFUSAL_AUDIT_ACTIONS: dict[RefusalAction, str] = {
    "none": "case.refusal",
    "review": "case.review_required",
    "remove": "case.remove",
}
