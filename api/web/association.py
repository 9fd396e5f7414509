"""Pages for housing associations: their units, vacancies and the offers made on them.

An association never sees a citizen: offers come from
:func:`allocation.offer_views.association_offers`, which returns ids, status and dates
only. Units and vacancies are read, reported, withdrawn and imported through
:mod:`inventory.service` and :mod:`allocation.use_cases` with the scope the API gives
the same principal (:func:`api.routes.vacancies.scope_of`), so a list naming another
association's units is refused here exactly as in the API, and withdrawing a home
withdraws its proposals here exactly as there.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import ValidationError
from sqlalchemy.orm import Session

from allocation import offer_views, use_cases
from api.auth import Principal, Role
from api.routes.allocation_common import today as danish_today
from api.routes.vacancies import MAX_UPLOAD_BYTES, scope_of
from api.web.pages import error_page, guard, redirect, refused_page, render, transaction
from api.web.session import csrf_ok
from inventory import service as inventory
from inventory.importer import COLUMNS
from inventory.models import Unit, Vacancy
from inventory.schemas import VacancyCreate
from kernel.errors import DomainError, ProblemItem

router = APIRouter(prefix="/association", include_in_schema=False)

#: Messages a redirect may ask the start page to show (``?done=``): a whitelist.
DONE_MESSAGES = ("reported", "uploaded", "withdrawn")


def _assoc(request: Request) -> Principal | Response:
    return guard(request, Role.association)


def _association_id(principal: Principal) -> int:
    assert principal.association_id is not None  # api.auth guarantees it
    return principal.association_id


def own_units(session: Session, principal: Principal) -> list[Unit]:
    """The association's units (unit facts only; units carry no personal data)."""
    return inventory.list_units(session, scope=scope_of(principal))


def _vacancies(session: Session, principal: Principal) -> list[Vacancy]:
    page, _ = inventory.list_vacancies(
        session,
        scope=scope_of(principal),
        filters=inventory.VacancyFilters(),
        limit=200,
        offset=0,
    )
    return page


@router.get("")
def start(request: Request, done: str | None = None) -> Response:
    """The start page: vacancies, offer status on them (no citizen), all units."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    with transaction(request) as session:
        association = inventory.get_association(session, scope=scope_of(principal))
        if association is None:
            return error_page(request, 403, "forbidden")
        offers, _ = offer_views.association_offers(
            session=session,
            association_id=_association_id(principal),
            today=danish_today(),
            actor=principal.subject,
        )
        context: dict[str, Any] = {
            "association": association,
            "vacancies": _vacancies(session, principal),
            "offers": offers,
            "units": own_units(session, principal),
            "done": done if done in DONE_MESSAGES else None,
        }
        return render(request, "association_start.html", context)


def _report_form(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    units = own_units(session, principal)
    return render(
        request,
        "association_report.html",
        {"units": units, "values": values or {}, "errors": errors or {}},
        status_code=status_code,
    )


@router.get("/report")
def report_form(request: Request) -> Response:
    """The form to report one of the association's units as vacant."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    with transaction(request) as session:
        return _report_form(request, session, principal)


@router.post("/vacancies/{vacancy_id}/withdraw")
def withdraw(request: Request, vacancy_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    """Take an open home off the market; its proposals go with it (as through the API)."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    try:
        with transaction(request) as session:
            use_cases.withdraw_vacancy(
                session=session,
                scope=scope_of(principal),
                actor=principal.subject,
                vacancy_id=vacancy_id,
            )
    except DomainError as error:
        return refused_page(request, error)
    return redirect("/association?done=withdrawn")


def available_from_problem(text: str) -> str | None:
    """The message key of what is wrong with a typed available-from day, or None.

    A vacancy may be reported up to 30 days late; shared by both report forms.
    """
    if not text.strip():
        return "field_required"
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return "invalid_date"
    if day < danish_today() - dt.timedelta(days=30):
        return "date_too_old"
    return None


def _field_of(location: str) -> str:
    """Map a service/pydantic error location onto the form field it belongs to."""
    if "available_from" in location:
        return "available_from"
    return "unit_id"


@router.post("/report")
def report(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
    available_from: Annotated[str, Form()] = "",
) -> Response:
    """Validate next to each field, then create the vacancy through the service."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    values = {"unit_id": unit_id, "available_from": available_from}
    errors: dict[str, str] = {}
    if not unit_id.strip():
        errors["unit_id"] = "field_required"
    elif not unit_id.strip().isdigit():
        errors["unit_id"] = "unknown_unit"
    date_problem = available_from_problem(available_from)
    if date_problem is not None:
        errors["available_from"] = date_problem
    with transaction(request) as session:
        if errors:
            return _report_form(
                request, session, principal, values=values, errors=errors, status_code=422
            )
        try:
            body = VacancyCreate(unit_id=int(unit_id), available_from=available_from.strip())
            with session.begin_nested():
                inventory.create_vacancy(
                    session, scope=scope_of(principal), actor=principal.subject, body=body
                )
        except ValidationError as invalid:
            for error in invalid.errors():
                where = ".".join(str(p) for p in error.get("loc", ()))
                errors[_field_of(where)] = str(error.get("msg", "invalid"))
        except DomainError as problem:
            for item in problem.errors or []:
                errors[_field_of(item.field or "")] = item.problem
            if not problem.errors:
                errors["unit_id"] = problem.detail or problem.title
        if errors:
            return _report_form(
                request, session, principal, values=values, errors=errors, status_code=422
            )
    return redirect("/association?done=reported")


def _upload_page(
    request: Request,
    *,
    problems: list[ProblemItem] | None = None,
    summary: Any = None,
    file_error: str | None = None,
    filename: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "association_upload.html",
        {
            "problems": problems,
            "summary": summary,
            "file_error": file_error,
            "filename": filename,
            "columns": COLUMNS,
        },
        status_code=status_code,
    )


@router.get("/upload")
def upload_form(request: Request) -> Response:
    """The upload form, with the list's columns documented."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    return _upload_page(request)


@router.post("/upload")
def upload(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Check the whole list; show every row's error, or save it all (never a part)."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    if file is None or not file.filename:
        return _upload_page(request, file_error="no_file", status_code=422)
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _upload_page(request, file_error="no_file", filename=file.filename, status_code=413)
    try:
        with transaction(request) as session:
            summary = inventory.import_vacancies(
                session,
                scope=scope_of(principal),
                actor=principal.subject,
                data=data,
                filename=file.filename,
            )
    except DomainError as problem:  # the transaction was rolled back: nothing saved
        # The service's row errors are shown as they are; a refusal without any, as one line.
        problems = problem.errors or [ProblemItem(problem=problem.detail or problem.title)]
        return _upload_page(request, problems=problems, filename=file.filename, status_code=422)
    return _upload_page(request, summary=summary, filename=file.filename)
