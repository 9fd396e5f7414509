"""The offer life cycle on the database: send, accept, decline, expire, propose the next.

The state machine (which event each status allows, deadlines, the refusal policy's
verdict) is pure code in :mod:`allocation.offer_states`; the queries and row locks
are in :mod:`allocation.offer_repository`; the read views in
:mod:`allocation.offer_views`. This module applies the machine to locked rows:
every transition runs in the caller's transaction, is checked against the state it
finds *after* locking the rows it changes (vacancy → case → offer(s)), and is
written to the audit trail with its before and after state, without personal data.

Overdue offers are expired by the cron command ``boligmatch expire-offers`` and, so
that nobody ever sees a stale ``sent``, by every read through
:mod:`allocation.offer_views`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from allocation import notices
from allocation import offer_repository as repo
from allocation.match_runs import (
    judge_pair,
    latest_run_terms,
    matcher_policy,
    municipality_problem,
    pair_problem,
    replanner_for,
    solve_plan,
    store_run,
)
from allocation.models import CaseStatus, CitizenCase, Offer, OfferStatus
from allocation.offer_repository import Locked, record_offer, withdraw_offer
from allocation.offer_states import (
    REFUSAL_AUDIT_ACTIONS,
    DeclineReason,
    OfferEvent,
    RefusalAction,
    RefusalOutcome,
    answer_deadline,
    decline_reason,
    is_overdue,
    refusal_outcome,
    reopens_home,
    transition,
    vacancy_conflict,
)
from allocation.problem_builder import citizen_document, vacancy_document
from inventory.models import Vacancy, VacancyStatus
from kernel import messages
from kernel.audit import record
from kernel.db import utcnow
from kernel.errors import Conflict, Invalid, NotFound, ProblemItem, day_values, invalid
from kernel.settings import get_settings
from kernel.types import free_text_problem

__all__ = [
    "SYSTEM_ACTOR",
    "AnswerOutcome",
    "DeclineReason",
    "ExpiryReport",
    "RefusalAction",
    "RefusalOutcome",
    "accept_offer",
    "decline_offer",
    "expire_if_overdue",
    "expire_overdue",
    "pair_verdict",
    "propose_next",
    "send_chosen_offer",
    "send_offer",
    "withdraw_open_offers",
]

SYSTEM_ACTOR = "system:expire-offers"
"""The actor recorded when the cron command expires offers."""


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


# --- audited changes of cases and homes ----------------------------------------------


def _case_state(case: CitizenCase) -> dict[str, Any]:
    return {
        "status": case.status.value,
        "refused_offers": case.refused_offers,
        "version": case.version,
    }


def _vacancy_state(vacancy: Vacancy) -> dict[str, Any]:
    return {"status": vacancy.status.value, "version": vacancy.version}


def _set_offer_status(offer: Offer, event: OfferEvent) -> None:
    offer.status = transition(offer.id, offer.status, event)


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
    outcome = refusal_outcome(
        case.refused_offers, max_refusals=policy.max_refusals, policy_action=policy.action
    )
    if outcome.action == "remove" and case.status == CaseStatus.active:
        case.status = CaseStatus.removed
        for other in repo.open_offers(session, case_id=case.id):
            withdraw_offer(session, other, actor=actor, why="case removed after refusals")
    session.flush()
    record(
        session,
        actor=actor,
        action=REFUSAL_AUDIT_ACTIONS[outcome.action],
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
    """Give a home whose sent offer is gone back to the market (if it is still offered)."""
    if reopens_home(vacancy.status):
        _set_vacancy_status(session, vacancy, VacancyStatus.open, actor=actor, why=why)


# --- feasibility of one pair ----------------------------------------------------


def pair_verdict(
    session: Session,
    case: CitizenCase,
    vacancy: Vacancy,
    *,
    today: dt.date,
    language: messages.Lang = messages.DEFAULT_LANG,
) -> dict[str, Any]:
    """The matcher's verdict on one citizen and one home, on today's data.

    A one-citizen, one-home problem with the municipality's policy and the latest
    run's weights and housed bonus (so the score compares with the plan's), solved
    with explanations: ``feasible``, ``score`` and, when infeasible, every broken
    rule in plain words with its numbers (in ``language``).
    """
    terms = latest_run_terms(session, case.municipality_code)
    base: dict[str, Any] = {
        "format": "boligmatch.problem/1",
        "as_of": today.isoformat(),
        "language": language,
        "policy": matcher_policy(get_settings().policy_for(case.municipality_code)),
    }
    if terms.weights is not None:
        base["weights"] = terms.weights
    problem = pair_problem(
        base,
        citizen_document(case),
        vacancy_document(vacancy),
        housed_bonus=terms.housed_bonus,
    )
    return judge_pair(problem)


def _check_can_send(session: Session, locked: Locked, *, today: dt.date) -> dict[str, Any]:
    """Everything that must hold before a home is offered to a citizen."""
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    if case.status != CaseStatus.active:
        raise Conflict(
            "case-not-active",
            "Case is not active",
            key="case_gets_no_offers",
            values={"case_ref": case.case_ref, "status": case.status.value},
        )
    if vacancy.status != VacancyStatus.open:
        raise vacancy_conflict(vacancy.id, vacancy.status)
    waiting = repo.other_sent_offer(session, case.id, besides=offer.id)
    if waiting is not None:
        raise Conflict(
            "case-awaiting-answer",
            "Citizen is answering another offer",
            key="case_awaiting_answer",
            values={"case_ref": case.case_ref, "offer_id": waiting},
        )
    if repo.refused_offer(session, case.id, vacancy.id) is not None:
        raise Conflict(
            "pair-refused",
            "Citizen already refused this home",
            key="pair_refused",
            values={"case_ref": case.case_ref, "vacancy_id": vacancy.id},
        )
    verdict = pair_verdict(session, case, vacancy, today=today)
    if not verdict.get("feasible"):
        reasons = [str(r) for r in verdict.get("reasons", [])]
        # The same rules once more in English, for the English detail (a refusal is rare).
        english = pair_verdict(session, case, vacancy, today=today, language="en")
        raise Invalid(
            "pair-infeasible",
            "Home does not fit the citizen",
            errors=[ProblemItem(field="vacancy_id", problem=r) for r in reasons],
            key="pair_infeasible",
            values={
                "vacancy_id": vacancy.id,
                "case_ref": case.case_ref,
                "reasons_da": "; ".join(reasons),
                "reasons_en": "; ".join(str(r) for r in english.get("reasons", [])),
            },
        )
    return verdict


def _send_locked(
    session: Session, locked: Locked, *, actor: str, today: dt.date, checked: bool = False
) -> Offer:
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    transition(offer.id, offer.status, OfferEvent.send)  # refuse before the costly checks
    if not checked:
        _check_can_send(session, locked, today=today)
    days = get_settings().policy_for(case.municipality_code).answer_deadline_days
    before = repo.offer_state(offer)
    with repo.race_is_conflict(key="doing_send_offer", values={"offer_id": offer.id}):
        _set_offer_status(offer, OfferEvent.send)
        offer.sent_at = utcnow()
        offer.answer_deadline = answer_deadline(today, days)
        session.flush()
        record_offer(session, offer, actor=actor, action="offer.send", before=before)
        _set_vacancy_status(
            session, vacancy, VacancyStatus.offered, actor=actor, why=f"offer {offer.id} sent"
        )
    notices.on_offer_sent(
        session, offer=offer, vacancy=vacancy, case=case, actor=actor, today=today
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
    locked = repo.lock_offer(session, offer_id, municipality_code)
    repo.check_version(locked.offer, expected_version)
    return _send_locked(session, locked, actor=actor, today=today)


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
    vacancy, case = repo.lock_vacancy_and_case(session, vacancy_id, case_id)
    if vacancy is None or vacancy.unit.allocation_municipality_code != municipality_code:
        raise NotFound(
            "vacancy-not-found",
            "Vacancy not found",
            key="no_vacancy",
            values={"vacancy_id": vacancy_id},
        )
    if case is None or case.municipality_code != municipality_code:
        raise NotFound(
            "case-not-found", "Case not found", key="no_case", values={"case_id": case_id}
        )
    existing = repo.proposed_offer(session, case_id, vacancy_id)
    offer = existing or Offer(
        match_run_id=None,
        vacancy_id=vacancy_id,
        case_id=case_id,
        rank=1,
        status=OfferStatus.proposed,
    )
    if existing is None:
        verdict = _check_can_send(session, Locked(offer, vacancy, case), today=today)
        score = verdict.get("score")
        offer.score = int(score) if isinstance(score, int | float) else None
        session.add(offer)
        session.flush()
        record_offer(
            session, offer, actor=actor, action="offer.create", before=None, chosen_by_staff=True
        )
    return _send_locked(
        session, Locked(offer, vacancy, case), actor=actor, today=today, checked=existing is None
    )


def _expire_locked(
    session: Session, locked: Locked, *, actor: str, today: dt.date
) -> AnswerOutcome:
    """Expire an overdue sent offer; not answering counts as a refusal (DOMAIN.md 6)."""
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    before = repo.offer_state(offer)
    with repo.race_is_conflict(key="doing_expire_offer", values={"offer_id": offer.id}):
        _set_offer_status(offer, OfferEvent.expire)
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
    session: Session, locked: Locked, *, actor: str, today: dt.date, wanted: OfferEvent
) -> Conflict:
    """Expire an offer found overdue while answering it; the caller raises the result."""
    _expire_locked(session, locked, actor=actor, today=today)
    propose_next(session=session, vacancy_id=locked.vacancy.id, actor=actor, today=today)
    deadline = locked.offer.answer_deadline
    assert deadline is not None  # only an offer with a deadline can be overdue
    return Conflict(
        "offer-expired",
        "Offer has expired",
        persist=True,
        key="offer_answer_overdue",
        values={
            "offer_id": locked.offer.id,
            **day_values("deadline", deadline),
            "event": wanted.value,
        },
    )


def _overdue(locked: Locked, today: dt.date) -> bool:
    return is_overdue(locked.offer.status, locked.offer.answer_deadline, today)


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
    locked = repo.lock_offer(session, offer_id, municipality_code)
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    if _overdue(locked, today):
        raise _expire_and_refuse(
            session, locked, actor=actor, today=today, wanted=OfferEvent.accept
        )
    transition(offer.id, offer.status, OfferEvent.accept)
    repo.check_version(offer, expected_version)
    if vacancy.status in (VacancyStatus.let, VacancyStatus.withdrawn):
        raise vacancy_conflict(vacancy.id, vacancy.status)
    if case.status != CaseStatus.active:
        raise Conflict(
            "case-not-active",
            "Case is not active",
            key="case_cannot_accept",
            values={"case_ref": case.case_ref, "status": case.status.value},
        )
    before = repo.offer_state(offer)
    with repo.race_is_conflict(key="doing_accept_offer", values={"offer_id": offer.id}):
        for other in repo.open_offers(session, vacancy_id=vacancy.id, exclude_offer=offer.id):
            withdraw_offer(session, other, actor=actor, why=f"home let through offer {offer.id}")
        reopen: list[int] = []
        for other in repo.open_offers(session, case_id=case.id, exclude_offer=offer.id):
            if other.status == OfferStatus.sent:  # not through send_offer: one at a time
                reopen.append(other.vacancy_id)
            why = f"citizen housed through offer {offer.id}"
            withdraw_offer(session, other, actor=actor, why=why)
        for vacancy_id in reopen:
            held = repo.lock_vacancy(session, vacancy_id)
            if held is not None:
                _reopen(session, held, actor=actor, why="citizen housed elsewhere")
        _set_offer_status(offer, OfferEvent.accept)
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
    notices.on_offer_accepted(
        session, offer=offer, vacancy=vacancy, case=case, actor=actor, today=today
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
    why = decline_reason(reason)
    if (problem := free_text_problem(note)) is not None:  # the API's `FreeText` rule, for forms
        raise invalid(key="note_refused", field="note", problem=problem)
    locked = repo.lock_offer(session, offer_id, municipality_code)
    offer, vacancy, case = locked.offer, locked.vacancy, locked.case
    if _overdue(locked, today):
        raise _expire_and_refuse(
            session, locked, actor=actor, today=today, wanted=OfferEvent.decline
        )
    transition(offer.id, offer.status, OfferEvent.decline)
    repo.check_version(offer, expected_version)
    before = repo.offer_state(offer)
    with repo.race_is_conflict(key="doing_decline_offer", values={"offer_id": offer.id}):
        _set_offer_status(offer, OfferEvent.decline)
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

    For the use cases in :mod:`allocation.use_cases`: when an association withdraws
    a home, or staff close a case, its open offers are moot. A withdrawn *sent*
    offer gives its home back (``open``) unless the home itself is going away. Call
    it in the same transaction as the change that makes the offers moot, after
    locking that row.
    """
    if (vacancy_id is None) == (case_id is None):
        raise ValueError("give exactly one of vacancy_id and case_id")
    withdrawn = []
    with repo.race_is_conflict(key="doing_withdraw_offers"):
        # Homes first (the lock order): those the citizen holds a sent offer of.
        reopen: list[Vacancy] = []
        if case_id is not None:
            for held in repo.homes_on_offer_to(session, case_id):
                vacancy = repo.lock_vacancy(session, held)
                if vacancy is not None:
                    reopen.append(vacancy)
        for offer in repo.open_offers(session, vacancy_id=vacancy_id, case_id=case_id):
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
    repo.lock_municipality(session, code)
    weights = latest_run_terms(session, code).weights
    problem = municipality_problem(session, code, as_of=today, weights=weights)
    if not any(v["id"] == str(vacancy_id) for v in problem["vacancies"]):
        return None
    solved = solve_plan(
        problem, exclude=repo.refused_pairs(session, code), replanner=replanner_for(session, code)
    )
    repo.supersede_proposals(session, code, actor=actor, vacancy_id=vacancy_id)
    _, offers = store_run(
        session,
        municipality_code=code,
        actor=actor,
        plan=solved,
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
    report = ExpiryReport()
    overdue = repo.overdue_offer_ids(
        session, today, municipality_code=municipality_code, association_id=association_id
    )
    for offer_id in overdue:
        locked = repo.lock_offer(session, offer_id, None)
        if _overdue(locked, today):
            report.expired.append(_expire_locked(session, locked, actor=actor, today=today))
    if propose:
        for i, outcome in enumerate(report.expired):
            nxt = propose_next(
                session=session, vacancy_id=outcome.offer.vacancy_id, actor=actor, today=today
            )
            report.expired[i] = replace(outcome, next_offer=nxt)
    return report


def expire_if_overdue(
    *,
    session: Session,
    offer_id: int,
    today: dt.date,
    actor: str,
    municipality_code: str | None = None,
) -> Offer | None:
    """Expire one offer if it is overdue (and propose the next citizen); the offer, or None.

    For readers of one offer: nobody ever reads a stale ``sent``.
    """
    keys = repo.offer_keys(session, offer_id, municipality_code)
    if not is_overdue(keys.status, keys.answer_deadline, today):
        return None
    locked = repo.lock_offer(session, offer_id, municipality_code)
    if _overdue(locked, today):
        _expire_locked(session, locked, actor=actor, today=today)
        propose_next(session=session, vacancy_id=locked.vacancy.id, actor=actor, today=today)
    return locked.offer
