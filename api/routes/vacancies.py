"""Vacancy endpoints: thin routes over `inventory.service`.

Associations (by token or API key) report and change their own vacancies; staff
read those their municipality may allocate; planners have no access here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse

from allocation import use_cases
from api.auth import AssociationOrAdmin, AssociationOrStaff, AssociationUser, Principal, Role
from api.deps import IfMatchHeader, SessionDep, etag, expected_version, optional_version
from api.errors import ProblemError, problem_responses
from api.idempotency import IdempotencyKeyHeader, idempotent
from inventory import service
from inventory.importer import MAX_FILE_BYTES
from inventory.models import UnitKind, VacancyStatus
from inventory.schemas import ImportResult, VacancyCreate, VacancyOut, VacancyUpdate
from kernel.types import MAX_ID, NoNul, Page

router = APIRouter(
    prefix="/vacancies",
    tags=["vacancies"],
    responses=problem_responses(401, 403, 422),
)

VacancyId = Annotated[int, Path(ge=1, le=MAX_ID, description="the vacancy's id")]
#: The importer's own file limit, the one definition (an upload is read to one byte more).
MAX_UPLOAD_BYTES = MAX_FILE_BYTES


VacancyPage = Page[VacancyOut]
"""The list's answer (parametrised once: pydantic builds a class per ``Page[...]``)."""


def scope_of(principal: Principal) -> service.VacancyScope:
    """The vacancies ``principal`` may see: its association's, or its municipality's."""
    if principal.role is Role.association:
        return service.VacancyScope(association_id=principal.association_id)
    if principal.role is Role.staff:
        return service.VacancyScope(municipality_code=principal.municipality_code)
    if principal.role is Role.admin:
        return service.VacancyScope(unrestricted=True)
    return service.VacancyScope()


@router.get("", response_model=Page[VacancyOut], summary="List vacancies")
def list_vacancies(
    session: SessionDep,
    principal: AssociationOrStaff,
    status: VacancyStatus | None = None,
    kind: UnitKind | None = None,
    area: Annotated[str | None, Query(max_length=80), NoNul] = None,
    max_rent_dkk: Annotated[
        float | None, Query(ge=0, le=1_000_000, description="rent after reduction, at most")
    ] = None,
    available_before: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """Vacancies you may see, earliest available first, filtered and paginated."""
    filters = service.VacancyFilters(
        status=status,
        kind=kind,
        area=area,
        max_rent_dkk=max_rent_dkk,
        available_before=available_before,
    )
    items, total = service.list_vacancy_rows(
        session, scope=scope_of(principal), filters=filters, limit=limit, offset=offset
    )
    page = VacancyPage.model_validate(
        {"items": items, "total": total, "limit": limit, "offset": offset}
    )
    # Serialised once here; FastAPI would validate the page again against response_model.
    return Response(page.model_dump_json(), media_type="application/json")


@router.post(
    "",
    response_model=VacancyOut,
    status_code=201,
    summary="Report a vacancy",
    responses=problem_responses(409),
)
def create_vacancy(
    request: Request,
    session: SessionDep,
    principal: AssociationUser,
    body: VacancyCreate,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """A vacancy for one of your units, or a new unit and its vacancy in one body."""

    def create() -> tuple[VacancyOut, dict[str, str]]:
        vacancy = service.create_vacancy(
            session, scope=scope_of(principal), actor=principal.subject, body=body
        )
        headers = {
            "ETag": etag(vacancy.version),
            "Location": f"{request.url.path}/{vacancy.id}",
        }
        return VacancyOut.of(vacancy), headers

    return idempotent(
        session,
        request=request,
        principal=principal,
        key=idempotency_key,
        payload=body.model_dump(mode="json"),
        status_code=201,
        create=create,
    )


@router.post(
    "/import",
    response_model=ImportResult,
    summary="Upload a vacancy list (CSV or Excel), all or nothing",
    responses=problem_responses(409, 413),
)
def import_vacancies(
    request: Request,
    session: SessionDep,
    principal: AssociationOrAdmin,
    file: Annotated[UploadFile, File(description="the list as .csv (UTF-8) or .xlsx")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Every row is validated first; any problem rejects the whole list (422 with rows)."""
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ProblemError(
            413,
            "content-too-large",
            "Content Too Large",
            key="vacancy_list_too_large",
            values={"max_mb": MAX_UPLOAD_BYTES // 1_048_576},
        )
    filename = file.filename or "upload"

    def create() -> tuple[ImportResult, dict[str, str]]:
        summary = service.import_vacancies(
            session,
            scope=scope_of(principal),
            actor=principal.subject,
            data=data,
            filename=filename,
        )
        return ImportResult.of(summary), {}

    return idempotent(
        session,
        request=request,
        principal=principal,
        key=idempotency_key,
        payload={"filename": filename, "data": data.hex()},
        status_code=200,
        create=create,
    )


@router.get(
    "/{vacancy_id}",
    response_model=VacancyOut,
    summary="Read a vacancy",
    responses=problem_responses(404),
)
def read_vacancy(
    vacancy_id: VacancyId,
    session: SessionDep,
    principal: AssociationOrStaff,
    response: Response,
) -> VacancyOut:
    """One vacancy; its ``ETag`` is what ``If-Match`` must send to change it."""
    vacancy = service.get_vacancy(session, scope=scope_of(principal), vacancy_id=vacancy_id)
    response.headers["ETag"] = etag(vacancy.version)
    return VacancyOut.of(vacancy)


@router.patch(
    "/{vacancy_id}",
    response_model=VacancyOut,
    summary="Change an open vacancy",
    responses=problem_responses(404, 409, 412, 428),
)
def update_vacancy(
    vacancy_id: VacancyId,
    body: VacancyUpdate,
    session: SessionDep,
    principal: AssociationUser,
    response: Response,
    if_match: IfMatchHeader = None,
) -> VacancyOut:
    """Needs ``If-Match``: 428 without it, 412 if someone changed the vacancy meanwhile."""
    version = expected_version(if_match)
    vacancy = service.update_vacancy(
        session,
        scope=scope_of(principal),
        actor=principal.subject,
        vacancy_id=vacancy_id,
        expected_version=version,
        changes=body,
    )
    response.headers["ETag"] = etag(vacancy.version)
    return VacancyOut.of(vacancy)


@router.post(
    "/{vacancy_id}/withdraw",
    response_model=VacancyOut,
    summary="Withdraw an open vacancy",
    responses=problem_responses(404, 409, 412),
)
def withdraw_vacancy(
    vacancy_id: VacancyId,
    session: SessionDep,
    principal: AssociationUser,
    response: Response,
    if_match: IfMatchHeader = None,
) -> VacancyOut:
    """Status becomes ``withdrawn`` (only from ``open``) and the home's proposals are
    withdrawn; ``If-Match`` is checked when sent."""
    vacancy = use_cases.withdraw_vacancy(
        session=session,
        scope=scope_of(principal),
        actor=principal.subject,
        vacancy_id=vacancy_id,
        expected_version=optional_version(if_match),
    )
    response.headers["ETag"] = etag(vacancy.version)
    return VacancyOut.of(vacancy)
