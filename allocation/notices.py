"""Who is told what, and when: every notice is an outbox row written with its event.

Hooks called by the offer workflow, in its transaction:

* :func:`on_offer_sent`: the letter is generated and stored; the case's contact
  person (caseworker, shelter or support worker) gets it by e-mail with the PDF, or,
  without an e-mail address, it goes into the day's print batch. A re-offer says so.
* :func:`on_offer_accepted`: the association is told its home is let and receives
  what the lease needs, and nothing more: the tenant's name and the contact person.
  That disclosure is recorded in the audit trail (which fields, to whom, never the
  values). The move-in steps are created.
* :func:`on_sent_offer_withdrawn`: the association and the contact person are told.

:func:`queue_daily_digest` is the staff's morning list: offers whose deadline is
within N days, late move-in steps and due follow-ups (case refs only).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from allocation import letters, move_in, outbox
from allocation.models import (
    AssociationContact,
    CitizenCase,
    Offer,
    OfferStatus,
    OutboxMessage,
)
from inventory.models import Department, Unit, Vacancy
from kernel.audit import record
from kernel.settings import get_settings

#: What an association learns of the tenant when its home is accepted (the lease needs it).
DISCLOSED_TO_ASSOCIATION = ("tenant_name", "contact_name", "contact_email", "contact_organisation")


def _contact_channel(case: CitizenCase) -> tuple[str, str]:
    """(channel, recipient) for the case's contact person: e-mail, or the print batch."""
    if case.contact_email:
        return outbox.EMAIL, case.contact_email
    who = case.contact_organisation or case.contact_name or "kommunens borgerservice"
    return outbox.PRINT, who


def _association_channel(session: Session, vacancy: Vacancy) -> tuple[str, str, int]:
    association_id = vacancy.unit.department.association_id
    contact = session.get(AssociationContact, association_id)
    if contact is not None:
        return outbox.EMAIL, contact.email, association_id
    return outbox.PRINT, vacancy.unit.department.association.name, association_id


def on_offer_sent(
    session: Session,
    *,
    offer: Offer,
    vacancy: Vacancy,
    case: CitizenCase,
    actor: str,
    today: dt.date,
) -> OutboxMessage:
    """Write the offer letter and queue it for the contact person."""
    letter = letters.create_offer_letter(
        session, offer=offer, vacancy=vacancy, case=case, sent_on=today
    )
    facts = letter.facts
    channel, recipient = _contact_channel(case)
    english = letter.language == "en"
    if english:
        subject = ("New offer" if facts["reoffer"] else "Offer") + f" of a home: {facts['address']}"
        body = (
            f"{'Dear ' + case.contact_name if case.contact_name else 'Hello'},\n\n"
            f"The municipality offers the citizen of case {case.case_ref} the home at "
            f"{facts['address']}, moving in {facts['move_in']}. The letter is attached; "
            f"please give it to the citizen and help them answer by {facts['answer_deadline']}.\n\n"
            "Not answering in time counts as a refusal.\n"
        )
    else:
        subject = (
            "Nyt tilbud" if facts["reoffer"] else "Tilbud"
        ) + f" om bolig: {facts['address']}"
        body = (
            f"{'Kære ' + case.contact_name if case.contact_name else 'Hej'}.\n\n"
            f"Kommunen tilbyder borgeren i sag {case.case_ref} boligen {facts['address']} "
            f"med indflytning {facts['move_in']}. Brevet er vedhæftet. Giv det til borgeren, "
            f"og hjælp med at svare senest {facts['answer_deadline']}.\n\n"
            "Kommer der ikke svar til tiden, tæller det som et afslag.\n"
        )
    message = outbox.enqueue(
        session,
        kind="offer_letter",
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        attachment=letter.pdf,
        attachment_name=f"tilbud-{offer.id}.pdf",
        municipality_code=case.municipality_code,
        case_id=case.id,
        offer_id=offer.id,
    )
    record(
        session,
        actor=actor,
        action="notice.offer_letter",
        entity="offer",
        entity_id=offer.id,
        after={"channel": channel, "message_id": message.id, "reoffer": facts["reoffer"]},
    )
    return message


def on_offer_accepted(
    session: Session,
    *,
    offer: Offer,
    vacancy: Vacancy,
    case: CitizenCase,
    actor: str,
    today: dt.date,
) -> OutboxMessage:
    """Tell the association (tenant's name and contact person only) and create the steps."""
    channel, recipient, association_id = _association_channel(session, vacancy)
    unit: Unit = vacancy.unit
    department: Department = unit.department
    contact = ", ".join(
        part for part in (case.contact_name, case.contact_organisation, case.contact_email) if part
    )
    body = (
        "Kommunen har anvist jeres bolig, og borgeren har sagt ja.\n\n"
        f"Bolig: {unit.address} (afdeling {department.number}, lejemål {unit.unit_ref})\n"
        f"Indflytning: {vacancy.available_from.isoformat()}\n"
        f"Lejer: {case.name or '(navnet oplyses af kommunen)'}\n"
        f"Kontaktperson: {contact or '(oplyses af kommunen)'}\n\n"
        "Send lejekontrakten til kontaktpersonen. Oplysningerne må kun bruges til lejemålet.\n"
    )
    message = outbox.enqueue(
        session,
        kind="association_accepted",
        channel=channel,
        recipient=recipient,
        subject=f"Bolig anvist og accepteret: {unit.address}",
        body=body,
        municipality_code=case.municipality_code,
        case_id=case.id,
        offer_id=offer.id,
    )
    record(
        session,
        actor=actor,
        action="disclosure.association",
        entity="case",
        entity_id=case.id,
        after={
            "association_id": association_id,
            "offer_id": offer.id,
            "fields": list(DISCLOSED_TO_ASSOCIATION),
            "purpose": "lease",
            "message_id": message.id,
        },
    )
    move_in.create_steps(session, offer=offer, vacancy=vacancy, case=case, accepted_on=today)
    return message


def on_sent_offer_withdrawn(session: Session, *, offer: Offer, why: str) -> None:
    """A sent offer was withdrawn: tell the association and the contact person (no names)."""
    vacancy = session.get(Vacancy, offer.vacancy_id)
    case = session.get(CitizenCase, offer.case_id)
    if vacancy is None or case is None:
        return
    channel, recipient, _ = _association_channel(session, vacancy)
    subject = f"Tilbud trukket tilbage: {vacancy.unit.address}"
    outbox.enqueue(
        session,
        kind="association_withdrawn",
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=(
            f"Kommunens tilbud nr. {offer.id} om boligen {vacancy.unit.address} "
            f"(lejemål {vacancy.unit.unit_ref}) er trukket tilbage.\n"
        ),
        municipality_code=case.municipality_code,
        offer_id=offer.id,
    )
    channel, recipient = _contact_channel(case)
    outbox.enqueue(
        session,
        kind="contact_withdrawn",
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=(
            f"Tilbuddet til borgeren i sag {case.case_ref} om boligen {vacancy.unit.address} "
            "er trukket tilbage. Det tæller ikke som et afslag. Kommunen vender tilbage, "
            "når der er et nyt tilbud.\n"
        ),
        municipality_code=case.municipality_code,
        case_id=case.id,
        offer_id=offer.id,
    )


def queue_daily_digest(
    session: Session, *, municipality_code: str, today: dt.date
) -> OutboxMessage | None:
    """The staff's digest for ``today`` (at most one per day; None without an address or news)."""
    policy = get_settings().policy_for(municipality_code).aftercare
    if not policy.staff_email:
        return None
    kind = f"digest:{today.isoformat()}"
    exists = session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.kind == kind, OutboxMessage.municipality_code == municipality_code
        )
    )
    if exists is not None:
        return None
    horizon = today + dt.timedelta(days=policy.digest_days)
    offers = session.execute(
        select(Offer.id, Offer.answer_deadline, CitizenCase.case_ref)
        .join(CitizenCase, CitizenCase.id == Offer.case_id)
        .where(
            CitizenCase.municipality_code == municipality_code,
            Offer.status == OfferStatus.sent,
            Offer.answer_deadline <= horizon,
        )
        .order_by(Offer.answer_deadline, Offer.id)
    ).all()
    steps = [
        v
        for v in move_in.step_views(session, municipality_code=municipality_code, today=today)
        if v.late
    ]
    follow_ups = move_in.follow_up_views(
        session, municipality_code=municipality_code, today=today, due_only=True
    )
    if not (offers or steps or follow_ups):
        return None
    lines = [f"Boligmatch, status {today.isoformat()}", ""]
    lines.append(f"Tilbud med svarfrist inden for {policy.digest_days} dage: {len(offers)}")
    lines += [f"  - tilbud {oid}, sag {ref}, svarfrist {deadline}" for oid, deadline, ref in offers]
    lines.append(f"Indflytningstrin, der er forsinket: {len(steps)}")
    lines += [
        f"  - {'HASTER: ' if v.urgent else ''}sag {v.case_ref}, {v.step.kind}, "
        f"frist {v.step.due_on}, ansvarlig {v.step.owner}"
        for v in steps
    ]
    lines.append(f"Opfølgninger, der skal laves: {len(follow_ups)}")
    lines += [
        f"  - sag {f.case_ref}, {f.follow_up.months} måneder, frist {f.follow_up.due_on}"
        for f in follow_ups
    ]
    return outbox.enqueue(
        session,
        kind=kind,
        channel=outbox.EMAIL,
        recipient=policy.staff_email,
        subject=f"Boligmatch: dagens frister ({today.isoformat()})",
        body="\n".join(lines) + "\n",
        municipality_code=municipality_code,
    )


def set_contact_person(
    session: Session,
    *,
    case_id: int,
    municipality_code: str,
    actor: str,
    name: str,
    email: str | None,
    organisation: str | None,
    letter_language: str,
) -> CitizenCase:
    """Record the case's contact person (audited: which fields changed, not the values)."""
    case = session.get(CitizenCase, case_id)
    if case is None or case.municipality_code != municipality_code:
        from kernel.errors import not_found

        raise not_found("case")
    case.contact_name, case.contact_email = name, email
    case.contact_organisation, case.letter_language = organisation, letter_language
    session.flush()
    record(
        session,
        actor=actor,
        action="case.contact_person",
        entity="case",
        entity_id=case.id,
        after={"changed": ["contact_person"], "has_email": email is not None},
    )
    return case


def set_notice_address(
    session: Session, *, association_id: int, actor: str, name: str, email: str
) -> AssociationContact:
    """Set where an association receives notices (its own choice)."""
    contact = session.get(AssociationContact, association_id)
    if contact is None:
        contact = AssociationContact(association_id=association_id, name=name, email=email)
        session.add(contact)
    else:
        contact.name, contact.email = name, email
    session.flush()
    record(
        session,
        actor=actor,
        action="association.notice_address",
        entity="association",
        entity_id=association_id,
    )
    return contact
