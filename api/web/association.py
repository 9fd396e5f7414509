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
from api.web.i18n import Lang, translator
from api.web.pages import (
    error_page,
    guard,
    lang_of,
    problem_text,
    redirect,
    refused_page,
    render,
    transaction,
)
from api.web.session import csrf_ok
from inventory import service as inventory
from inventory.importer import (
    COLUMNS,
    CellProblem,
    ImportFailed,
    check_vacancy_list,
    message,
    read_amount,
    read_day,
    template_csv,
    template_xlsx,
)
from inventory.models import Unit, Vacancy, VacancyStatus
from inventory.schemas import VacancyCreate, VacancyUpdate
from kernel.errors import DomainError, PreconditionFailed
from kernel.messages import validation_problem

router = APIRouter(prefix="/association", include_in_schema=False)

#: Messages a redirect may ask the start page to show (``?done=``): a whitelist.
DONE_MESSAGES = ("reported", "uploaded", "withdrawn", "updated")


def _assoc(request: Request) -> Principal | Response:
    return guard(request, Role.association)


def _association_id(principal: Principal) -> int:
    assert principal.association_id is not None  # api.auth guarantees it
    return principal.association_id


def own_units(session: Session, principal: Principal) -> list[Unit]:
    """The association's units (unit facts only; units carry no personal data)."""
    return inventory.list_units(session, scope=scope_of(principal))


def _vacancies(session: Session, principal: Principal) -> list[Vacancy]:
    """The association's open vacancies: a let, offered or withdrawn home is not vacant."""
    page, _ = inventory.list_vacancies(
        session,
        scope=scope_of(principal),
        filters=inventory.VacancyFilters(status=VacancyStatus.open),
        limit=500,
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
                errors[_field_of(where)] = validation_problem(error, lang_of(request))
        except DomainError as problem:
            _, detail = problem.in_language(lang_of(request))
            for item in problem.errors or []:
                # a keyed refusal's detail is in the page's language; the item's own
                # words are the API's (English)
                errors[_field_of(item.field or "")] = (
                    detail if problem.key and detail else item.problem
                )
            if not problem.errors:
                errors["unit_id"] = problem_text(problem, lang_of(request))
        if errors:
            return _report_form(
                request, session, principal, values=values, errors=errors, status_code=422
            )
    return redirect("/association?done=reported")


def _upload_page(
    request: Request,
    *,
    problems: list[dict[str, Any]] | None = None,
    total: int = 0,
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
            "total": total,
            "summary": summary,
            "file_error": file_error,
            "filename": filename,
            "columns": COLUMNS,
            "max_bytes": MAX_UPLOAD_BYTES,
            "max_mb": MAX_UPLOAD_BYTES // 1_048_576,
        },
        status_code=status_code,
    )


@router.get("/upload")
def upload_form(request: Request) -> Response:
    """The upload form, with the template and the list's columns documented."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    return _upload_page(request)


def _template_example(session: Session, principal: Principal, lang: Lang) -> dict[str, str]:
    """The template's example row made the association's own: its name, a department of
    its own and a district (with a point inside it) of that department's municipality."""
    example: dict[str, str] = {}
    association = inventory.get_association(session, scope=scope_of(principal))
    if association is not None:
        example["association"] = association.name
    departments = inventory.list_departments(session, scope=scope_of(principal))
    if departments:
        department = departments[0]
        example |= {
            "department": department.number,
            "department_name": department.name,
            "municipality_code": department.municipality_code,
        }
        districts = inventory.districts(session, [department.municipality_code])
        if districts:
            point = districts[0].polygon.representative_point()
            decimal = "," if lang == "da" else "."
            example |= {
                "area": districts[0].name,
                "lat": f"{point.y:.5f}".replace(".", decimal),
                "lon": f"{point.x:.5f}".replace(".", decimal),
            }
    return example


TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/template.{kind}")
def template(request: Request, kind: str) -> Response:
    """The vacancy list's template in the page's language: headings and an example row."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    if kind not in TEMPLATE_TYPES:
        return error_page(request, 404, "not_found")
    lang = lang_of(request)
    with transaction(request) as session:
        example = _template_example(session, principal, lang)
    data = template_csv(lang, **example) if kind == "csv" else template_xlsx(lang, **example)
    name = "ledige-boliger-skabelon" if lang == "da" else "vacancy-list-template"
    return Response(
        data,
        media_type=TEMPLATE_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


def _shown_problems(failed: ImportFailed, lang: Lang) -> list[dict[str, Any]]:
    """The list's problems in row order, in the page's language, as the user named the
    columns."""
    return [
        {"row": e.row, "column": e.column_label(lang), "problem": e.text(lang)}
        for e in failed.errors
    ]


@router.post("/upload")
def upload(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Check the whole list; show every problem at once, or save it all (never a part).

    The list is checked first (:func:`inventory.importer.check_vacancy_list`, read only)
    so its problems can be shown in the page's language; a clean list is then imported
    through the service exactly as through the API (which checks it again).
    """
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    if file is None or not file.filename:
        return _upload_page(request, file_error="no_file", status_code=422)
    lang = lang_of(request)
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _upload_page(
            request, file_error="file_too_large", filename=file.filename, status_code=413
        )
    failed: ImportFailed | None = None
    try:
        with transaction(request) as session:
            association = inventory.get_association(session, scope=scope_of(principal))
            if association is None:
                return error_page(request, 403, "forbidden")
            try:
                check_vacancy_list(session, data, file.filename, only_association=association.name)
            except ImportFailed as failure:
                failed = failure
            else:
                summary = inventory.import_vacancies(
                    session,
                    scope=scope_of(principal),
                    actor=principal.subject,
                    data=data,
                    filename=file.filename,
                )
    except DomainError as problem:  # the transaction was rolled back: nothing saved
        shown = [
            {"row": p.row, "column": p.column, "problem": p.problem} for p in problem.errors or []
        ]
        return _upload_page(
            request,
            problems=shown
            or [{"row": None, "column": None, "problem": problem.in_language(lang_of(request))[1]}],
            total=len(shown) or 1,
            filename=file.filename,
            status_code=422,
        )
    if failed is not None:
        return _upload_page(
            request,
            problems=_shown_problems(failed, lang),
            total=failed.total,
            filename=file.filename,
            status_code=422,
        )
    return _upload_page(request, summary=summary, filename=file.filename)


# --- editing an open vacancy ----------------------------------------------------------------

#: The edit form's amounts and yes/no facts (:class:`inventory.schemas.VacancyUpdate`'s).
EDIT_AMOUNTS = ("rent_dkk", "utilities_dkk", "deposit_dkk", "rent_reduction_dkk")
EDIT_FLAGS = ("elevator", "wheelchair", "pets_allowed")


def _amount_text(value: float, lang: Lang) -> str:
    """An amount as the form shows it: ``4.950`` or ``4.950,50`` (Danish), ``4950.5``."""
    if lang == "en":
        return f"{value:g}" if value < 1e15 else str(value)
    whole = f"{int(value):,}".replace(",", ".")
    cents = round(value * 100) % 100
    return whole if cents == 0 else f"{whole},{cents:02d}"


def _edit_values(vacancy: Vacancy, lang: Lang) -> dict[str, str]:
    unit = vacancy.unit
    values = {name: _amount_text(getattr(unit, name), lang) for name in EDIT_AMOUNTS}
    values |= {name: "yes" if getattr(unit, name) else "" for name in EDIT_FLAGS}
    values["available_from"] = vacancy.available_from.isoformat()
    values["rent_reduction_until"] = (
        unit.rent_reduction_until.isoformat() if unit.rent_reduction_until else ""
    )
    values["version"] = str(vacancy.version)
    return values


def _edit_page(
    request: Request,
    vacancy: Vacancy,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "association_edit.html",
        {
            "v": vacancy,
            "values": values,
            "errors": errors or {},
            "amounts": EDIT_AMOUNTS,
            "flags": EDIT_FLAGS,
        },
        status_code=status_code,
    )


@router.get("/vacancies/{vacancy_id}/edit")
def edit_form(request: Request, vacancy_id: int) -> Response:
    """The form to change an open vacancy: its day, its amounts, its access facts."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    try:
        with transaction(request) as session:
            vacancy = inventory.get_vacancy(
                session, scope=scope_of(principal), vacancy_id=vacancy_id
            )
            return _edit_page(request, vacancy, _edit_values(vacancy, lang_of(request)))
    except DomainError as error:
        return refused_page(request, error)


def check_edit(form: dict[str, str], lang: Lang) -> tuple[VacancyUpdate | None, dict[str, str]]:
    """The changes typed into the edit form, or a message per field (all at once).

    Amounts are read by the vacancy list's rules, so ``4.950`` is 4950 kr. here as in
    a list and ``4,950`` is refused as ambiguous.
    """
    say = translator(lang)
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for name in EDIT_AMOUNTS:
        text = form.get(name, "").strip()
        if not text:
            if name == "rent_reduction_dkk":
                changes[name] = 0.0
                continue
            errors[name] = say("field_required")
            continue
        try:
            changes[name] = read_amount(text)
        except CellProblem as problem:
            errors[name] = message(problem.key, lang, problem.values)
    day_problem = available_from_problem(form.get("available_from", ""))
    if day_problem is not None:
        errors["available_from"] = say(day_problem)
    else:
        changes["available_from"] = dt.date.fromisoformat(form["available_from"].strip())
    until = form.get("rent_reduction_until", "").strip()
    try:
        changes["rent_reduction_until"] = read_day(until) if until else None
    except CellProblem as problem:
        errors["rent_reduction_until"] = message(problem.key, lang, problem.values)
    for name in EDIT_FLAGS:
        changes[name] = bool(form.get(name))
    reduction, rent = changes.get("rent_reduction_dkk"), changes.get("rent_dkk")
    if isinstance(reduction, float) and isinstance(rent, float) and reduction > rent:
        errors["rent_reduction_dkk"] = say("reduction_exceeds_rent")
    if errors:
        return None, errors
    return VacancyUpdate(**changes), {}


@router.post("/vacancies/{vacancy_id}/edit")
async def edit(request: Request, vacancy_id: int) -> Response:
    """Save the changes if the vacancy is still as the form showed it (else say so)."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if not csrf_ok(request, form.get("csrf", "")):
        return error_page(request, 403, "csrf_failed")
    lang = lang_of(request)
    changes, errors = check_edit(form, lang)
    version = form.get("version", "")
    try:
        with transaction(request) as session:
            vacancy = inventory.get_vacancy(
                session, scope=scope_of(principal), vacancy_id=vacancy_id
            )
            if changes is not None and version.isdigit():
                try:
                    with session.begin_nested():
                        inventory.update_vacancy(
                            session,
                            scope=scope_of(principal),
                            actor=principal.subject,
                            vacancy_id=vacancy_id,
                            expected_version=int(version),
                            changes=changes,
                        )
                except PreconditionFailed:
                    errors["form"] = translator(lang)("changed_meanwhile")
                    form = _edit_values(vacancy, lang)
                except DomainError as problem:
                    errors["form"] = translator(lang)(
                        "could_not_save", detail=problem_text(problem, lang)
                    )
            elif changes is not None:
                errors["form"] = translator(lang)("changed_meanwhile")
            if errors:
                return _edit_page(request, vacancy, form, errors=errors, status_code=422)
    except DomainError as error:
        return refused_page(request, error)
    return redirect("/association?done=updated")
