"""Offers over HTTP: send, read, accept, decline; and what associations may see of them.

Thin routes over :mod:`allocation.workflow`, which checks every transition against
the current state under row locks and audits it. Staff act on their own
municipality's offers only (others' answer 404). An answer may carry ``If-Match``
with the version last read (412 if it changed); without it the state checks alone
decide, which is what makes a late second answer a clear 409. Reading an overdue
offer expires it first.

Housing associations get a separate, citizen-free view of the offers on their own
homes: ids, status and dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, model_validator

from allocation import offer_views, workflow
from allocation.models import Offer, OfferStatus
from allocation.offer_states import DeclineReason
from api.auth import AssociationUser, StaffUser
from api.deps import IfMatchHeader, SessionDep, etag, optional_version
from api.errors import problem_responses
from api.idempotency import IdempotencyKeyHeader, idempotent
from api.routes.allocation_common import (
    Limit,
    OfferOut,
    Offset,
    allocation_problems,
    offer_out,
    runs_reasons,
    today,
)
from kernel.types import FreeText, NoNul, Page, RecordId, UtcDateTime

router = APIRouter(prefix="/offers", tags=["offers"])
association_router = APIRouter(prefix="/association", tags=["association"])


class OfferSend(BaseModel):
    """Send a proposal (``offer_id``), or a home staff chose (``vacancy_id`` and a case)."""

    model_config = ConfigDict(extra="forbid")

    offer_id: RecordId | None = Field(None, description="a proposed offer of a match run")
    vacancy_id: RecordId | None = Field(None, description="with case_id or case_ref: a chosen pair")
    case_id: RecordId | None = None
    case_ref: Annotated[str, NoNul] | None = Field(None, min_length=1, max_length=32)

    @model_validator(mode="after")
    def _one_form(self) -> OfferSend:
        chosen = self.vacancy_id is not None or self.case_id is not None or self.case_ref
        if (self.offer_id is None) == (not chosen):
            raise ValueError("give either offer_id, or vacancy_id with case_id or case_ref")
        if chosen and (self.vacancy_id is None or (self.case_id is None and not self.case_ref)):
            raise ValueError("a chosen pair needs vacancy_id and case_id (or case_ref)")
        return self


class OfferDecline(BaseModel):
    """Record the citizen's no, with a reason from the list and free text."""

    model_config = ConfigDict(extra="forbid")

    reason: DeclineReason = Field(
        description=(
            "too_expensive, wrong_area, too_small, accessibility, health, no_answer "
            "(could not be reached) or other"
        )
    )
    note: FreeText | None = Field(None, description="free text, no CPR numbers")
    counts_as_refusal: bool = Field(
        True,
        description=(
            "false when staff judge the home unsuitable for the citizen: then the decline "
            "does not count towards the refusal policy"
        ),
    )


class RefusalOut(BaseModel):
    """What the municipality's refusal policy did."""

    refused_offers: int
    max_refusals: int
    action: Literal["none", "review", "remove"]
    review_required: bool


class AnswerOut(BaseModel):
    """A decline (or an expiry): the offer, the refusal policy's verdict, the next proposal."""

    offer: OfferOut
    refusal: RefusalOut | None = Field(description="null when the decline did not count")
    case_status: str
    next_offer: OfferOut | None = Field(description="the next citizen proposed for the home")


class AssociationOfferOut(BaseModel):
    """An offer on one of the association's homes: no citizen identifier at all."""

    offer_id: int
    vacancy_id: int
    unit_ref: str
    department: str
    status: OfferStatus
    sent_at: UtcDateTime | None
    answer_deadline: dt.date | None
    answered_at: UtcDateTime | None


def _full(session: SessionDep, offers: list[Offer]) -> list[OfferOut]:
    """Offers with case refs and, where they came from a run, the matcher's why."""
    refs = offer_views.case_refs(session, [o.case_id for o in offers])
    runs = runs_reasons(session, (o.match_run_id for o in offers if o.match_run_id is not None))
    return [offer_out(o, refs, runs.get(o.match_run_id or -1)) for o in offers]


def _answer_out(session: SessionDep, outcome: workflow.AnswerOutcome) -> AnswerOut:
    offers = [outcome.offer] + ([outcome.next_offer] if outcome.next_offer else [])
    full = _full(session, offers)
    refusal = outcome.refusal
    return AnswerOut(
        offer=full[0],
        refusal=None
        if refusal is None
        else RefusalOut(
            refused_offers=refusal.refused_offers,
            max_refusals=refusal.max_refusals,
            action=refusal.action,
            review_required=refusal.review_required,
        ),
        case_status=outcome.case_status.value,
        next_offer=full[1] if len(full) > 1 else None,
    )


@router.post(
    "",
    response_model=OfferOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
def send_offer(
    body: OfferSend,
    request: Request,
    session: SessionDep,
    principal: StaffUser,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Send an offer: the citizen has until the answer deadline (policy days) to answer.

    The home becomes ``offered``; it can carry one sent offer at a time, and a citizen
    answers one offer at a time. A chosen pair must pass every hard rule (422 lists
    the rules it breaks).
    """
    code = principal.municipality_code or ""

    def create() -> tuple[OfferOut, dict[str, str]]:
        with allocation_problems(session):
            if body.offer_id is not None:
                offer = workflow.send_offer(
                    session=session,
                    offer_id=body.offer_id,
                    actor=principal.subject,
                    today=today(),
                    municipality_code=code,
                )
            else:
                case_id = body.case_id
                if case_id is None:
                    assert body.case_ref  # the body's validator asks for one or the other
                    case_id = offer_views.case_id_by_ref(
                        session, case_ref=body.case_ref, municipality_code=code
                    )
                assert body.vacancy_id is not None
                offer = workflow.send_chosen_offer(
                    session=session,
                    vacancy_id=body.vacancy_id,
                    case_id=case_id,
                    actor=principal.subject,
                    today=today(),
                    municipality_code=code,
                )
        headers = {"Location": f"{request.url.path}/{offer.id}", "ETag": etag(offer.version)}
        return _full(session, [offer])[0], headers

    return idempotent(
        session,
        request=request,
        principal=principal,
        key=idempotency_key,
        payload=body.model_dump(mode="json"),
        status_code=status.HTTP_201_CREATED,
        create=create,
    )


@router.get("", response_model=Page[OfferOut], responses=problem_responses(401, 403))
def list_offers(
    session: SessionDep,
    principal: StaffUser,
    vacancy_id: RecordId | None = Query(None),
    status_: OfferStatus | None = Query(None, alias="status"),
    match_run_id: RecordId | None = Query(None),
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[OfferOut]:
    """The municipality's offers, by home and rank, optionally filtered, one page."""
    with allocation_problems(session):
        offers, total = offer_views.list_offers(
            session=session,
            municipality_code=principal.municipality_code or "",
            today=today(),
            actor=principal.subject,
            vacancy_id=vacancy_id,
            status=status_,
            match_run_id=match_run_id,
            limit=limit,
            offset=offset,
        )
    return Page[OfferOut](items=_full(session, offers), total=total, limit=limit, offset=offset)


@router.get("/{offer_id}", response_model=OfferOut, responses=problem_responses(401, 403, 404))
def read_offer(
    offer_id: RecordId, response: Response, session: SessionDep, principal: StaffUser
) -> OfferOut:
    """One offer (expired first if its deadline has passed); ``ETag`` is its version."""
    with allocation_problems(session):
        offer = offer_views.get_offer(
            session=session,
            offer_id=offer_id,
            today=today(),
            actor=principal.subject,
            municipality_code=principal.municipality_code or "",
        )
    response.headers["ETag"] = etag(offer.version)
    return _full(session, [offer])[0]


@router.post(
    "/{offer_id}/accept",
    response_model=OfferOut,
    responses=problem_responses(401, 403, 404, 409, 412),
)
def accept_offer(
    offer_id: RecordId,
    response: Response,
    session: SessionDep,
    principal: StaffUser,
    if_match: IfMatchHeader = None,
) -> OfferOut:
    """The citizen accepts: the home is let, the case housed, all other open offers of
    the home and of the citizen withdrawn. 409 if the offer is not (or no longer) sent,
    including after its deadline (it is expired then)."""
    with allocation_problems(session):
        offer = workflow.accept_offer(
            session=session,
            offer_id=offer_id,
            actor=principal.subject,
            today=today(),
            municipality_code=principal.municipality_code or "",
            expected_version=optional_version(if_match),
        )
    response.headers["ETag"] = etag(offer.version)
    return _full(session, [offer])[0]


@router.post(
    "/{offer_id}/decline",
    response_model=AnswerOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
def decline_offer(
    offer_id: RecordId,
    body: OfferDecline,
    session: SessionDep,
    principal: StaffUser,
    if_match: IfMatchHeader = None,
) -> AnswerOut:
    """The citizen declines: the reason is recorded, the refusal policy applied, the
    home opened again and the next citizen proposed (the declined pair excluded)."""
    with allocation_problems(session):
        outcome = workflow.decline_offer(
            session=session,
            offer_id=offer_id,
            actor=principal.subject,
            today=today(),
            reason=body.reason.value,
            note=body.note,
            counts_as_refusal=body.counts_as_refusal,
            municipality_code=principal.municipality_code or "",
            expected_version=optional_version(if_match),
        )
    return _answer_out(session, outcome)


@association_router.get(
    "/offers", response_model=Page[AssociationOfferOut], responses=problem_responses(401, 403)
)
def association_offers(
    session: SessionDep,
    principal: AssociationUser,
    vacancy_id: RecordId | None = Query(None),
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AssociationOfferOut]:
    """Offers made on the association's own homes: status and dates, no citizen data."""
    assert principal.association_id is not None
    with allocation_problems(session):
        views, total = offer_views.association_offers(
            session=session,
            association_id=principal.association_id,
            today=today(),
            actor=principal.subject,
            vacancy_id=vacancy_id,
            limit=limit,
            offset=offset,
        )
    return Page[AssociationOfferOut](
        items=[AssociationOfferOut(**v.__dict__) for v in views],
        total=total,
        limit=limit,
        offset=offset,
    )
