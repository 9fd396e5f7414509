"""Offer letters, contact persons and association notice addresses over HTTP (issue 15).

Thin routes: staff read the letter of one of their municipality's offers (its facts
as JSON, or the PDF that was sent) and set a case's contact person; an association
sets where it receives notices about its homes. Reading a letter is audited, since
it names the citizen.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel

from allocation import letters, notices
from allocation.schemas import ContactPerson, NoticeAddress
from api.auth import AssociationUser, StaffUser
from api.deps import SessionDep
from api.errors import problem_responses
from kernel.audit import record
from kernel.types import RecordId, UtcDateTime

router = APIRouter(tags=["letters"])


class LetterOut(BaseModel):
    offer_id: int
    language: str
    created_at: UtcDateTime
    facts: dict[str, Any]
    pdf: str
    html: str


def _code(principal: Any) -> str:
    assert principal.municipality_code is not None
    return str(principal.municipality_code)


@router.get(
    "/offers/{offer_id}/letter",
    response_model=LetterOut,
    responses=problem_responses(401, 403, 404),
)
def read_letter(offer_id: RecordId, principal: StaffUser, session: SessionDep) -> LetterOut:
    """The letter sent with an offer: what it states, and where its PDF and HTML are."""
    letter = letters.get_letter(session, offer_id=offer_id, municipality_code=_code(principal))
    record(
        session, actor=principal.subject, action="letter.read", entity="offer", entity_id=offer_id
    )
    return LetterOut(
        offer_id=offer_id,
        language=letter.language,
        created_at=letter.created_at,
        facts=letter.facts,
        pdf=f"/api/v1/offers/{offer_id}/letter.pdf",
        html=f"/staff/offers/{offer_id}/letter",
    )


@router.get(
    "/offers/{offer_id}/letter.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **problem_responses(401, 403, 404)},
)
def read_letter_pdf(offer_id: RecordId, principal: StaffUser, session: SessionDep) -> Response:
    """The letter as the PDF that was sent."""
    letter = letters.get_letter(session, offer_id=offer_id, municipality_code=_code(principal))
    record(
        session, actor=principal.subject, action="letter.read", entity="offer", entity_id=offer_id
    )
    return Response(
        letter.pdf,
        media_type="application/pdf",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'inline; filename="tilbud-{offer_id}.pdf"',
        },
    )


@router.put(
    "/cases/{case_id}/contact-person",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
def put_contact_person(
    case_id: RecordId, body: ContactPerson, principal: StaffUser, session: SessionDep
) -> Response:
    """Set the caseworker, shelter or support worker who receives the case's offers."""
    notices.set_contact_person(
        session,
        case_id=case_id,
        municipality_code=_code(principal),
        actor=principal.subject,
        name=body.name,
        email=body.email,
        organisation=body.organisation,
        letter_language=body.letter_language.value,
    )
    return Response(status_code=204)


@router.put(
    "/association/notice-address",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 422),
)
def put_notice_address(
    body: NoticeAddress, principal: AssociationUser, session: SessionDep
) -> Response:
    """Where the association receives notices (a home accepted, an offer withdrawn)."""
    assert principal.association_id is not None
    notices.set_notice_address(
        session,
        association_id=principal.association_id,
        actor=principal.subject,
        name=body.name,
        email=body.email,
    )
    return Response(status_code=204)
