"""The offer state machine without a database: every (status, event) pair, deadlines,
overdue judgement and the refusal policy's verdict."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from allocation.models import OfferStatus
from allocation.offer_states import (
    OPEN_OFFER_STATUSES,
    REFUSAL_AUDIT_ACTIONS,
    REFUSED_OFFER_STATUSES,
    TRANSITIONS,
    DeclineReason,
    OfferEvent,
    allowed,
    answer_deadline,
    decline_reason,
    is_overdue,
    refusal_outcome,
    reopens_home,
    transition,
    vacancy_conflict,
)
from inventory.models import VacancyStatus
from kernel.errors import Conflict, Invalid

S, E = OfferStatus, OfferEvent

#: The machine as DOMAIN.md section 6 draws it, written out independently of the table.
EXPECTED = {
    (S.proposed, E.send): S.sent,
    (S.proposed, E.withdraw): S.withdrawn,
    (S.sent, E.accept): S.accepted,
    (S.sent, E.decline): S.declined,
    (S.sent, E.expire): S.expired,
    (S.sent, E.withdraw): S.withdrawn,
}

PAST = {
    E.send: "sent",
    E.accept: "accepted",
    E.decline: "declined",
    E.expire: "expired",
    E.withdraw: "withdrawn",
}

CONFLICT_CODES = {
    S.proposed: "offer-not-sent",
    S.sent: "offer-already-sent",
    S.accepted: "offer-already-accepted",
    S.declined: "offer-declined",
    S.expired: "offer-expired",
    S.withdrawn: "offer-withdrawn",
}


@pytest.mark.parametrize(("status", "event"), list(itertools.product(S, E)))
def test_every_status_and_event(status: OfferStatus, event: OfferEvent) -> None:
    if (status, event) in EXPECTED:
        assert allowed(status, event)
        assert transition(7, status, event) is EXPECTED[(status, event)]
        return
    assert not allowed(status, event)
    with pytest.raises(Conflict) as refused:
        transition(7, status, event)
    assert refused.value.code == CONFLICT_CODES[status]
    assert refused.value.detail == f"Offer 7 is {status.value}; it cannot be {PAST[event]}."


def test_the_table_is_the_drawn_machine() -> None:
    assert TRANSITIONS == EXPECTED
    # Answered and withdrawn offers are final: nothing leaves them.
    finals = {S.accepted, S.declined, S.expired, S.withdrawn}
    assert not any(status in finals for status, _ in TRANSITIONS)
    assert set(OPEN_OFFER_STATUSES) == {status for status, _ in TRANSITIONS}
    assert set(REFUSED_OFFER_STATUSES) == {S.declined, S.expired}


def test_deadline_is_inclusive_and_overdue_from_the_next_day() -> None:
    sent_on = dt.date(2026, 3, 2)
    deadline = answer_deadline(sent_on, 14)
    assert deadline == dt.date(2026, 3, 16)
    assert not is_overdue(S.sent, deadline, deadline)
    assert is_overdue(S.sent, deadline, deadline + dt.timedelta(days=1))
    assert answer_deadline(sent_on, 0) == sent_on
    # Only a sent offer with a deadline can be overdue.
    later = deadline + dt.timedelta(days=30)
    for status in S:
        assert is_overdue(status, deadline, later) is (status is S.sent)
    assert not is_overdue(S.sent, None, later)


@pytest.mark.parametrize(
    ("refused", "max_refusals", "policy", "action"),
    [
        (1, 2, "remove", "none"),
        (2, 2, "remove", "none"),
        (3, 2, "remove", "remove"),
        (3, 2, "review", "review"),
        (9, 2, "none", "none"),
        (1, 0, "review", "review"),
        (0, 0, "remove", "none"),
    ],
)
def test_refusal_policy_acts_beyond_max_refusals(
    refused: int, max_refusals: int, policy: str, action: str
) -> None:
    outcome = refusal_outcome(refused, max_refusals=max_refusals, policy_action=policy)  # type: ignore[arg-type]
    assert (outcome.refused_offers, outcome.max_refusals, outcome.action) == (
        refused,
        max_refusals,
        action,
    )
    assert outcome.review_required is (action == "review")
    assert REFUSAL_AUDIT_ACTIONS[outcome.action].startswith("case.")


def test_decline_reasons_are_a_fixed_list() -> None:
    assert decline_reason("wrong_area") is DeclineReason.wrong_area
    with pytest.raises(Invalid) as refused:
        decline_reason("meh")
    assert refused.value.code == "invalid-decline-reason"
    assert refused.value.errors and refused.value.errors[0].field == "reason"
    assert all(r.value in refused.value.errors[0].problem for r in DeclineReason)


def test_homes_and_their_conflicts() -> None:
    assert reopens_home(VacancyStatus.offered)
    assert not any(reopens_home(s) for s in VacancyStatus if s is not VacancyStatus.offered)
    codes = {s: vacancy_conflict(4, s).code for s in VacancyStatus if s is not VacancyStatus.open}
    assert codes == {
        VacancyStatus.offered: "vacancy-already-offered",
        VacancyStatus.let: "vacancy-let",
        VacancyStatus.withdrawn: "vacancy-withdrawn",
    }
