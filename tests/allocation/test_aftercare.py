"""After the offer: association notices, move-in steps, follow-ups and reopening.

Real database on both backends, real solver, real outbox rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from aftercare_testkit import first_sendable, set_contact
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from allocation import match_runs, move_in, notices, workflow
from allocation.models import (
    AssociationContact,
    CaseStatus,
    CitizenCase,
    FollowUp,
    FollowUpOutcome,
    MoveInStep,
    OutboxMessage,
)
from boligmatch.loading import load_world
from inventory.models import Vacancy
from kernel.audit import AuditEvent
from kernel.errors import Conflict, Invalid
from synthetic.population import generate

CODE = "461"
WORLD = generate(seed=461, n_citizens=30, n_vacancies=8, n_units=40)
TODAY = WORLD.as_of
STAFF = "staff:test"


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions() as s, s.begin():
        load_world(s, WORLD, cpr_secret="test-secret")
    return sessions


def _accepted(world: sessionmaker[Session]) -> tuple[int, int]:
    """Send and accept one offer; the association has a notice address. (offer, case)."""
    with world() as s, s.begin():
        run = match_runs.run_match(session=s, municipality_code=CODE, actor=STAFF, as_of=TODAY)
        offer = first_sendable(s, run)
        set_contact(s, offer.case_id, "kirsten@shelter.test", name="Jens Testborger")
        vacancy = s.get_one(Vacancy, offer.vacancy_id)
        s.add(
            AssociationContact(
                association_id=vacancy.unit.department.association_id,
                name="Udlejning",
                email="udlejning@bolig.test",
            )
        )
        workflow.send_offer(session=s, offer_id=offer.id, actor=STAFF, today=TODAY)
        workflow.accept_offer(session=s, offer_id=offer.id, actor=STAFF, today=TODAY)
        return offer.id, offer.case_id


def test_association_is_told_only_what_the_lease_needs(world: sessionmaker[Session]) -> None:
    offer_id, case_id = _accepted(world)
    with world() as s:
        case = s.get_one(CitizenCase, case_id)
        [notice] = s.scalars(
            select(OutboxMessage).where(
                OutboxMessage.offer_id == offer_id, OutboxMessage.kind == "association_accepted"
            )
        ).all()
        assert notice.recipient == "udlejning@bolig.test" and notice.channel == "email"
        fields = dict(line.split(": ", 1) for line in notice.body.splitlines() if ": " in line)
        assert set(fields) == {"Bolig", "Indflytning", "Lejer", "Kontaktperson"}
        assert fields["Lejer"] == "Jens Testborger"
        assert fields["Kontaktperson"] == (
            "Kirsten Kontakt, Forsorgshjemmet Vejen, kirsten@shelter.test"
        )
        # Nothing else about the citizen: no case ref, income, situation or CPR hash.
        for private in (case.case_ref, case.cpr_hash, str(case.situation) + " ·"):
            assert private not in notice.body
        for item in case.income_items:
            assert f"{item.monthly_dkk:.0f}" not in notice.body
        # The disclosure is in the audit trail: which fields, to whom, never the values.
        event = s.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "disclosure.association",
                AuditEvent.entity_id == str(case_id),
            )
        )
        assert event is not None and event.after is not None
        assert event.after["fields"] == list(notices.DISCLOSED_TO_ASSOCIATION)
        assert "Jens" not in str(event.after)


def test_withdrawing_a_sent_offer_tells_association_and_contact(
    world: sessionmaker[Session],
) -> None:
    with world() as s, s.begin():
        run = match_runs.run_match(session=s, municipality_code=CODE, actor=STAFF, as_of=TODAY)
        offer = first_sendable(s, run)
        set_contact(s, offer.case_id, None)  # no e-mail: the print batch
        workflow.send_offer(session=s, offer_id=offer.id, actor=STAFF, today=TODAY)
        workflow.withdraw_open_offers(
            session=s, actor=STAFF, why="home withdrawn", vacancy_id=offer.vacancy_id
        )
        offer_id = offer.id
    with world() as s:
        kinds = {
            (m.kind, m.channel)
            for m in s.scalars(select(OutboxMessage).where(OutboxMessage.offer_id == offer_id))
        }
        assert kinds == {
            ("offer_letter", "print"),
            ("association_withdrawn", "print"),
            ("contact_withdrawn", "print"),
        }


def test_move_in_steps_late_urgent_done_and_follow_ups(world: sessionmaker[Session]) -> None:
    offer_id, case_id = _accepted(world)
    with world() as s:
        steps = {
            st.kind: st
            for st in s.scalars(select(MoveInStep).where(MoveInStep.offer_id == offer_id))
        }
        assert list(steps) == list(move_in.STEP_KINDS)
        lease = steps["lease_signed"]
        assert lease.owner == "boligorganisation"
        assert lease.due_on >= TODAY + dt.timedelta(days=1)
        lease_id, team_id, moved_id = lease.id, steps["support_started"].id, steps["moved_in"].id
        lease_due = lease.due_on
    # The day after the lease was due, it is late; near the move-in it is urgent (haster).
    with world() as s:
        views = {
            v.step.kind: v
            for v in move_in.step_views(
                s, municipality_code=CODE, today=lease_due + dt.timedelta(days=1)
            )
        }
        assert views["lease_signed"].late
        assert views["lease_signed"].urgent == (
            (views["lease_signed"].move_in - lease_due).days - 1 <= 7
        )
        assert not views["moved_in"].late or views[
            "moved_in"
        ].step.due_on < lease_due + dt.timedelta(days=1)
    with world() as s, s.begin(), pytest.raises(Invalid):
        move_in.complete_step(
            s, step_id=team_id, municipality_code=CODE, actor=STAFF, done_on=TODAY
        )
    with world() as s, s.begin():
        move_in.complete_step(
            s, step_id=lease_id, municipality_code=CODE, actor=STAFF, done_on=TODAY
        )
        move_in.complete_step(
            s,
            step_id=team_id,
            municipality_code=CODE,
            actor=STAFF,
            done_on=TODAY,
            detail="ICM-team Vest",
        )
        with pytest.raises(Conflict):
            move_in.complete_step(
                s, step_id=lease_id, municipality_code=CODE, actor=STAFF, done_on=TODAY
            )
    moved = TODAY + dt.timedelta(days=20)
    with world() as s, s.begin():
        move_in.complete_step(
            s, step_id=moved_id, municipality_code=CODE, actor=STAFF, done_on=moved
        )
    with world() as s:
        dues = sorted(
            (f.months, f.due_on)
            for f in s.scalars(select(FollowUp).where(FollowUp.case_id == case_id))
        )
        assert dues == [
            (3, move_in.add_months(moved, 3)),
            (6, move_in.add_months(moved, 6)),
            (12, move_in.add_months(moved, 12)),
        ]
        due = move_in.follow_up_views(
            s, municipality_code=CODE, today=move_in.add_months(moved, 3), due_only=True
        )
        assert [v.follow_up.months for v in due] == [3]
        three = due[0].follow_up.id
    # 3 months: still there. 6 months: returned to homelessness -> no 12-month follow-up; reopen.
    with world() as s, s.begin():
        move_in.record_follow_up(
            s,
            follow_up_id=three,
            municipality_code=CODE,
            actor=STAFF,
            outcome=FollowUpOutcome.still_housed,
            outcome_on=move_in.add_months(moved, 3),
        )
        six = s.scalar(select(FollowUp.id).where(FollowUp.case_id == case_id, FollowUp.months == 6))
        assert six is not None
        back = move_in.add_months(moved, 5)
        move_in.record_follow_up(
            s,
            follow_up_id=six,
            municipality_code=CODE,
            actor=STAFF,
            outcome=FollowUpOutcome.returned_homeless,
            outcome_on=back,
        )
    with world() as s, s.begin():
        assert (
            s.scalar(select(FollowUp.id).where(FollowUp.case_id == case_id, FollowUp.months == 12))
            is None
        )
        old = s.get_one(CitizenCase, case_id)
        assert move_in.can_reopen(s, old)
        new = move_in.reopen_case(
            s,
            case_id=case_id,
            municipality_code=CODE,
            actor=STAFF,
            today=move_in.add_months(moved, 6),
        )
        assert new.status == CaseStatus.active and new.reopened_from_id == case_id
        assert new.homeless_since == back and new.cpr_hash == old.cpr_hash
        assert old.status == CaseStatus.closed
        assert [c.id for c in move_in.case_chain(s, new)] == [case_id]
        with pytest.raises(Conflict):
            move_in.reopen_case(
                s, case_id=case_id, municipality_code=CODE, actor=STAFF, today=TODAY
            )
