"""The steps from "yes" to moving in, and the follow-ups after it (issue 15).

After an acceptance the lease, the deposit (paid, or the municipal loan granted),
the housing benefit at the new address, the support (a CTI/ICM/ACT team named), the
furniture/establishment help and the move itself are where people are lost ("Housing
First haster"). Each becomes a :class:`MoveInStep` with a due date and an owner from
the municipality's policy (:class:`kernel.settings.AftercarePolicy`). A step is
*late* once its due day has passed undone, and *urgent* ("haster") when it is late,
must be done before moving in, and the move-in date is near or past.

Recording "moved in" (with its date) schedules the follow-ups at 3, 6 and 12 months:
does the person still live there, moved on, evicted, or returned to homelessness. A
citizen who returned to homelessness can have the case reopened as a new case linked
to the old one, so the history stays.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from allocation.models import (
    AreaPreference,
    CaseIncome,
    CaseStatus,
    CitizenCase,
    FollowUp,
    FollowUpOutcome,
    MoveInStep,
    Offer,
    OfferStatus,
)
from inventory.models import Vacancy
from kernel.audit import record
from kernel.db import utcnow
from kernel.errors import Conflict, Invalid, NotFound, ProblemItem, day_values
from kernel.settings import get_settings

#: The steps, in the order they are shown.
STEP_KINDS = (
    "lease_signed",
    "deposit",
    "benefit_changed",
    "support_started",
    "furniture",
    "moved_in",
)
#: Steps that must be done before the citizen can move in: late ones endanger the move.
BLOCKS_MOVE_IN = frozenset({"lease_signed", "deposit", "furniture"})
FOLLOW_UP_MONTHS = (3, 6, 12)
#: Outcomes after which a case may be reopened (the person is homeless again).
REOPENS = frozenset({FollowUpOutcome.returned_homeless, FollowUpOutcome.evicted})


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def create_steps(
    session: Session, *, offer: Offer, vacancy: Vacancy, case: CitizenCase, accepted_on: dt.date
) -> list[MoveInStep]:
    """The move-in steps of an accepted offer, due per the municipality's policy."""
    rules = get_settings().policy_for(case.municipality_code).aftercare.steps
    steps = []
    for kind in STEP_KINDS:
        rule = rules.get(kind)
        if rule is None:  # the municipality does not track this step
            continue
        due = max(
            vacancy.available_from + dt.timedelta(days=rule.days_from_move_in),
            accepted_on + dt.timedelta(days=rule.min_days_after_acceptance),
        )
        steps.append(
            MoveInStep(case_id=case.id, offer_id=offer.id, kind=kind, owner=rule.owner, due_on=due)
        )
    session.add_all(steps)
    session.flush()
    return steps


@dataclass(frozen=True)
class StepView:
    """A step as staff see it: late, and urgent ("haster") when it endangers the move-in."""

    step: MoveInStep
    case_ref: str
    move_in: dt.date
    late: bool
    urgent: bool

    @property
    def done(self) -> bool:
        return self.step.done_on is not None


def step_views(
    session: Session,
    *,
    municipality_code: str,
    today: dt.date,
    case_id: int | None = None,
    open_only: bool = False,
) -> list[StepView]:
    """The municipality's (or one case's) move-in steps with their late/urgent marks."""
    stmt = (
        select(MoveInStep, CitizenCase.case_ref, Vacancy.available_from)
        .join(CitizenCase, CitizenCase.id == MoveInStep.case_id)
        .join(Offer, Offer.id == MoveInStep.offer_id)
        .join(Vacancy, Vacancy.id == Offer.vacancy_id)
        .where(CitizenCase.municipality_code == municipality_code)
        .order_by(MoveInStep.due_on, MoveInStep.id)
    )
    if case_id is not None:
        stmt = stmt.where(MoveInStep.case_id == case_id)
    rows = list(session.execute(stmt))
    moved_in = {s.offer_id for s, _, _ in rows if s.kind == "moved_in" and s.done_on is not None}
    urgent_days = get_settings().policy_for(municipality_code).aftercare.urgent_days
    views = []
    for step, ref, move_in in rows:
        if open_only and step.done_on is not None:
            continue
        late = step.done_on is None and today > step.due_on
        urgent = (
            late
            and step.kind in BLOCKS_MOVE_IN
            and step.offer_id not in moved_in
            and (move_in - today).days <= urgent_days
        )
        views.append(StepView(step, ref, move_in, late, urgent))
    return views


def _scoped_step(session: Session, step_id: int, municipality_code: str) -> MoveInStep:
    step = session.scalar(
        select(MoveInStep)
        .join(CitizenCase, CitizenCase.id == MoveInStep.case_id)
        .where(MoveInStep.id == step_id, CitizenCase.municipality_code == municipality_code)
        .with_for_update(of=MoveInStep)
    )
    if step is None:
        raise NotFound(
            "step-not-found",
            "Step not found",
            key="no_move_in_step",
            values={"step_id": step_id},
        )
    return step


def complete_step(
    session: Session,
    *,
    step_id: int,
    municipality_code: str,
    actor: str,
    done_on: dt.date,
    detail: str | None = None,
) -> MoveInStep:
    """Mark a step done on ``done_on``; "moved in" schedules the 3/6/12-month follow-ups.

    "Support started" needs the team's name (``detail``): a named team is what makes
    the support real.
    """
    step = _scoped_step(session, step_id, municipality_code)
    if step.done_on is not None:
        raise Conflict(
            "step-done",
            "Step already done",
            key="step_done",
            values={"step_id": step_id, **day_values("done_on", step.done_on)},
        )
    detail = (detail or "").strip() or None
    if step.kind == "support_started" and detail is None:
        raise Invalid(
            "team-required",
            "Name the support team",
            errors=[ProblemItem(field="detail", problem="required for support_started")],
            key="team_required",
        )
    step.done_on = done_on
    step.detail = detail[:120] if detail else None
    session.flush()
    record(
        session,
        actor=actor,
        action="move_in.step",
        entity="case",
        entity_id=step.case_id,
        after={"step": step.kind, "done_on": done_on, "offer_id": step.offer_id},
    )
    if step.kind == "moved_in":
        for months in FOLLOW_UP_MONTHS:
            session.add(
                FollowUp(
                    case_id=step.case_id,
                    offer_id=step.offer_id,
                    months=months,
                    due_on=add_months(done_on, months),
                )
            )
        session.flush()
    return step


# --- follow-up ---------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpView:
    follow_up: FollowUp
    case_ref: str
    due: bool


def follow_up_views(
    session: Session,
    *,
    municipality_code: str,
    today: dt.date,
    case_id: int | None = None,
    due_only: bool = False,
) -> list[FollowUpView]:
    """Follow-ups (one case's, or the municipality's due and unrecorded ones)."""
    stmt = (
        select(FollowUp, CitizenCase.case_ref)
        .join(CitizenCase, CitizenCase.id == FollowUp.case_id)
        .where(CitizenCase.municipality_code == municipality_code)
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    if case_id is not None:
        stmt = stmt.where(FollowUp.case_id == case_id)
    views = []
    for follow_up, ref in session.execute(stmt):
        due = follow_up.outcome is None and follow_up.due_on <= today
        if due_only and not due:
            continue
        views.append(FollowUpView(follow_up, ref, due))
    return views


def record_follow_up(
    session: Session,
    *,
    follow_up_id: int,
    municipality_code: str,
    actor: str,
    outcome: FollowUpOutcome,
    outcome_on: dt.date,
) -> FollowUp:
    """Record what the follow-up found; a person who left needs no later follow-ups."""
    follow_up = session.scalar(
        select(FollowUp)
        .join(CitizenCase, CitizenCase.id == FollowUp.case_id)
        .where(FollowUp.id == follow_up_id, CitizenCase.municipality_code == municipality_code)
    )
    if follow_up is None:
        raise NotFound(
            "follow-up-not-found",
            "Follow-up not found",
            key="no_follow_up",
            values={"follow_up_id": follow_up_id},
        )
    if follow_up.outcome is not None:
        raise Conflict("follow-up-recorded", "Already recorded", key="follow_up_recorded")
    follow_up.outcome = outcome
    follow_up.outcome_on = outcome_on
    follow_up.recorded_at = utcnow()
    follow_up.recorded_by = actor
    if outcome != FollowUpOutcome.still_housed:
        session.execute(
            delete(FollowUp).where(
                FollowUp.offer_id == follow_up.offer_id,
                FollowUp.months > follow_up.months,
                FollowUp.outcome.is_(None),
            )
        )
    session.flush()
    record(
        session,
        actor=actor,
        action="follow_up.record",
        entity="case",
        entity_id=follow_up.case_id,
        after={"months": follow_up.months, "outcome": outcome, "outcome_on": outcome_on},
    )
    return follow_up


def can_reopen(session: Session, case: CitizenCase) -> bool:
    """A housed or closed case whose follow-up found the person homeless again."""
    if case.status not in (CaseStatus.housed, CaseStatus.closed) or case.anonymised_at:
        return False
    newer = session.scalar(select(CitizenCase.id).where(CitizenCase.reopened_from_id == case.id))
    if newer is not None:
        return False
    return (
        session.scalar(
            select(FollowUp.id)
            .where(FollowUp.case_id == case.id, FollowUp.outcome.in_(REOPENS))
            .limit(1)
        )
        is not None
    )


def reopen_case(
    session: Session, *, case_id: int, municipality_code: str, actor: str, today: dt.date
) -> CitizenCase:
    """Open a new active case for a citizen who became homeless again, linked to the old one.

    A new case (not the old row made active again) keeps the old offers, steps and
    follow-ups as they were, so the outcome statistics of the first home stand; the
    old case is closed.
    """
    old = session.get(CitizenCase, case_id, with_for_update=True)
    if old is None or old.municipality_code != municipality_code:
        raise NotFound("case-not-found", "Case not found", key="no_such", values={"what": "case"})
    if not can_reopen(session, old):
        raise Conflict(
            "case-not-reopenable",
            "Case cannot be reopened",
            key="case_not_reopenable",
        )
    homeless_since = session.scalar(
        select(FollowUp.outcome_on)
        .where(FollowUp.case_id == old.id, FollowUp.outcome.in_(REOPENS))
        .order_by(FollowUp.months.desc())
    )
    new = CitizenCase(
        case_ref=f"{old.case_ref[:28]}-R{_reopen_count(session, old) + 1}",
        cpr_hash=old.cpr_hash,
        name=old.name,
        municipality_code=old.municipality_code,
        birth_year=old.birth_year,
        adults=old.adults,
        children=old.children,
        wealth_dkk=old.wealth_dkk,
        situation=old.situation,
        homeless_since=min(homeless_since or today, today),
        registered_on=today,
        deadline=None,
        support=old.support,
        needs_wheelchair=old.needs_wheelchair,
        needs_ground_floor=old.needs_ground_floor,
        has_pets=old.has_pets,
        kontanthjaelp_since=old.kontanthjaelp_since,
        preferred_lat=old.preferred_lat,
        preferred_lon=old.preferred_lon,
        contact_name=old.contact_name,
        contact_email=old.contact_email,
        contact_organisation=old.contact_organisation,
        letter_language=old.letter_language,
        reopened_from_id=old.id,
        status=CaseStatus.active,
    )
    new.income_items = [
        CaseIncome(kind=i.kind, monthly_dkk=i.monthly_dkk) for i in old.income_items
    ]
    new.area_preferences = [
        AreaPreference(area=p.area, rank=p.rank, avoid=p.avoid) for p in old.area_preferences
    ]
    before = old.status
    old.status = CaseStatus.closed
    session.add(new)
    session.flush()
    record(
        session,
        actor=actor,
        action="case.close",
        entity="case",
        entity_id=old.id,
        before={"status": before},
        after={"status": old.status, "reason": "returned_homeless", "reopened_as": new.id},
    )
    record(
        session,
        actor=actor,
        action="case.reopen",
        entity="case",
        entity_id=new.id,
        after={"status": new.status, "reopened_from": old.id},
    )
    return new


def _reopen_count(session: Session, case: CitizenCase) -> int:
    count, current = 0, case
    while current.reopened_from_id is not None and count < 50:
        count += 1
        parent = session.get(CitizenCase, current.reopened_from_id)
        if parent is None:
            break
        current = parent
    return count


def case_chain(session: Session, case: CitizenCase) -> Sequence[CitizenCase]:
    """The case's earlier cases, newest first (for the case page's history)."""
    chain: list[CitizenCase] = []
    current = case
    while current.reopened_from_id is not None and len(chain) < 50:
        parent = session.get(CitizenCase, current.reopened_from_id)
        if parent is None:
            break
        chain.append(parent)
        current = parent
    return chain


def accepted_offer(session: Session, case_id: int) -> Offer | None:
    return session.scalar(
        select(Offer).where(Offer.case_id == case_id, Offer.status == OfferStatus.accepted)
    )
