"""Citizens' case endpoints for municipal staff: thin routes over `allocation.cases`.

Only staff, and only their own municipality's cases; another municipality's case
is 404 like a missing one. The CPR number is accepted on create and never returned.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from allocation import cases as service
from allocation import use_cases
from allocation.models import CaseStatus
from allocation.schemas import CaseClose, CaseCreate, CaseOut, CaseUpdate
from api.auth import Principal, StaffUser
from api.deps import IfMatchHeader, SessionDep, etag, expected_version, optional_version
from api.errors import problem_responses
from api.idempotency import IdempotencyKeyHeader, idempotent
from kernel.settings import get_settings
from kernel.types import MAX_ID, NoNul, Page

router = APIRouter(prefix="/cases", tags=["cases"], responses=problem_responses(401, 403, 422))

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="the case's id")]


def _municipality(principal: Principal) -> str:
    assert principal.municipality_code is not None  # staff tokens always carry one
    return principal.municipality_code


@router.post(
    "",
    response_model=CaseOut,
    status_code=201,
    summary="Register a citizen's case",
    responses=problem_responses(409),
)
def create_case(
    request: Request,
    session: SessionDep,
    principal: StaffUser,
    body: CaseCreate,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """One active case per person (409 otherwise); the CPR number is kept only as a hash."""

    def create() -> tuple[CaseOut, dict[str, str]]:
        case = service.create_case(
            session,
            municipality_code=_municipality(principal),
            actor=principal.subject,
            body=body,
            cpr_secret=get_settings().cpr_hash_secret,
        )
        headers = {"ETag": etag(case.version), "Location": f"{request.url.path}/{case.id}"}
        return CaseOut.of(case), headers

    payload = body.model_dump(mode="json") | {"cpr": body.cpr.get_secret_value()}
    return idempotent(
        session,
        request=request,
        principal=principal,
        key=idempotency_key,
        payload=payload,
        status_code=201,
        create=create,
    )


@router.get("", response_model=Page[CaseOut], summary="List or search cases")
def list_cases(
    session: SessionDep,
    principal: StaffUser,
    case_ref: Annotated[
        str | None, Query(max_length=32, description="exact case ref"), NoNul
    ] = None,
    status: CaseStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[CaseOut]:
    """Your municipality's cases in registration order; ``case_ref`` finds one.

    Each page handed out is recorded in the audit trail (which case ids, to whom)."""
    items, total = service.list_cases(
        session,
        municipality_code=_municipality(principal),
        actor=principal.subject,
        case_ref=case_ref,
        status=status,
        limit=limit,
        offset=offset,
    )
    return Page[CaseOut](
        items=[CaseOut.of(c) for c in items], total=total, limit=limit, offset=offset
    )


@router.get(
    "/{case_id}", response_model=CaseOut, summary="Read a case", responses=problem_responses(404)
)
def read_case(
    case_id: CaseId, session: SessionDep, principal: StaffUser, response: Response
) -> CaseOut:
    """One case; its ``ETag`` is what ``If-Match`` must send to change it. The read is audited."""
    case = service.read_case(
        session,
        municipality_code=_municipality(principal),
        actor=principal.subject,
        case_id=case_id,
    )
    response.headers["ETag"] = etag(case.version)
    return CaseOut.of(case)


@router.patch(
    "/{case_id}",
    response_model=CaseOut,
    summary="Change an active case",
    responses=problem_responses(404, 409, 412, 428),
)
def update_case(
    case_id: CaseId,
    body: CaseUpdate,
    session: SessionDep,
    principal: StaffUser,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CaseOut:
    """Needs ``If-Match``: 428 without it, 412 if someone changed the case meanwhile."""
    version = expected_version(if_match)
    case = service.update_case(
        session,
        municipality_code=_municipality(principal),
        actor=principal.subject,
        case_id=case_id,
        expected_version=version,
        changes=body,
    )
    response.headers["ETag"] = etag(case.version)
    return CaseOut.of(case)


@router.post(
    "/{case_id}/close",
    response_model=CaseOut,
    summary="Close an active case",
    responses=problem_responses(404, 409, 412),
)
def close_case(
    case_id: CaseId,
    body: CaseClose,
    session: SessionDep,
    principal: StaffUser,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CaseOut:
    """Status becomes ``closed`` with a reason and the case's open offers are withdrawn;
    ``If-Match`` is checked when sent."""
    case = use_cases.close_case(
        session=session,
        municipality_code=_municipality(principal),
        actor=principal.subject,
        case_id=case_id,
        reason=body.reason,
        expected_version=optional_version(if_match),
    )
    response.headers["ETag"] = etag(case.version)
    return CaseOut.of(case)
