"""The association's form for a vacancy in a unit boligmatch does not know yet.

The second form of the report page (:mod:`api.web.association` has the first, for
an existing unit). It asks for the facts of :class:`inventory.schemas.UnitIn` an
association knows and the day the unit becomes free, and creates both with
:func:`inventory.service.create_vacancy` under the principal's scope
(:func:`api.routes.vacancies.scope_of`), so a department of another association is
refused by the service exactly as in the API. Every message is shown next to its
field in the page's language, and what was typed comes back with it; numbers may be
typed with a Danish decimal comma.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from pydantic import BaseModel, ValidationError, create_model
from pydantic_core import ErrorDetails
from sqlalchemy.orm import Session

from api.auth import Principal
from api.routes.vacancies import scope_of
from api.web.association import _assoc, available_from_problem
from api.web.i18n import Lang, translator
from api.web.pages import error_page, lang_of, problem_text, redirect, render, transaction
from api.web.session import csrf_ok
from inventory import service as inventory
from inventory.importer import CellProblem, message, read_amount
from inventory.models import AllocationRight, Department, UnitKind
from inventory.schemas import UnitIn, VacancyCreate
from kernel.errors import DomainError

router = APIRouter(prefix="/association", include_in_schema=False)

FORM = "form"  # errors that belong to no one field, shown above the form
DECIMAL_FIELDS = ("lat", "lon", "size_m2")
MONEY_FIELDS = ("rent_dkk", "utilities_dkk", "deposit_dkk", "rent_reduction_dkk")
#: What the form leaves to its default: the allocation right lies with the department's
#: municipality, as the service assumes for a municipal allocation.
NOT_ASKED = ("allocation_municipality_code",)
#: The unit's fields as :class:`inventory.schemas.UnitIn` defines them (the one spelling).
UNIT_FIELDS = tuple(name for name in UnitIn.model_fields if name not in NOT_ASKED)
FIELDS = (*UNIT_FIELDS, "available_from")
#: The yes/no facts, shown as checkboxes (an unticked box sends nothing: ``False``).
FLAG_FIELDS = tuple(n for n in UNIT_FIELDS if UnitIn.model_fields[n].annotation is bool)

# pydantic error types -> message keys (bounds are filled in from the error's context)
TYPE_KEYS = {
    "missing": "field_required",
    "string_too_short": "field_required",
    "string_too_long": "too_long",
    "greater_than_equal": "at_least",
    "greater_than": "more_than",
    "less_than_equal": "at_most",
    "less_than": "below",
    "enum": "choose_one",
}
BOUND_OF = {
    "too_long": "max_length",
    "at_least": "ge",
    "more_than": "gt",
    "at_most": "le",
    "below": "lt",
}
# the service's field problems (:func:`inventory.service._new_unit`) -> message keys
PROBLEM_KEYS = {
    "department_id": "unknown_department",
    "area": "area_not_found",
    "allocation": "unknown_municipality",
}
MESSAGE_KEYS = frozenset(
    {
        *TYPE_KEYS.values(),
        *PROBLEM_KEYS.values(),
        "must_be_number",
        "must_be_whole_number",
        "invalid_date",
        "date_too_old",
        "invalid_value",
        "reduction_exceeds_rent",
        "unknown_district",
        "unit_exists",
        "could_not_save",
    }
)

_GROUPED = re.compile(r"-?\d{1,3}(\.\d{3})+")


class _TypedForm(BaseModel):
    """What every submission carries besides the unit's fields."""

    csrf: str = ""
    available_from: str = ""


if TYPE_CHECKING:
    NewUnitForm = _TypedForm
else:
    # The form as typed, text only, one field per unit field (read by :func:`unit_payload`).
    NewUnitForm = create_model(
        "NewUnitForm", __base__=_TypedForm, **{name: (str, "") for name in UNIT_FIELDS}
    )


def typed(form: _TypedForm, name: str) -> str:
    """The text typed into field ``name`` (the unit's fields are made from ``UnitIn``)."""
    return str(getattr(form, name))


def decimal_text(raw: str, *, money: bool = False) -> str:
    """A typed number as pydantic reads it: ``1234,50`` and ``1.234,50`` become ``1234.50``.

    A lone comma is a decimal comma (Danish); a lone point a decimal point, except
    that an amount of kroner written ``4.250`` is Danish for 4250 (no rent has
    three decimals). Both separators: the last one is the decimal separator.
    """
    text = "".join(raw.split())
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if decimal == "," else ","
        return text.replace(group, "").replace(decimal, ".")
    if "," in text:
        return text.replace(",", ".")
    if money and _GROUPED.fullmatch(text):
        return text.replace(".", "")
    return text


def unit_payload(form: _TypedForm) -> dict[str, Any]:
    """The ``UnitIn`` fields as typed: blanks left out (so required ones are "missing")."""
    unit: dict[str, Any] = {}
    for name in UNIT_FIELDS:
        if name in FLAG_FIELDS:
            unit[name] = bool(typed(form, name))
            continue
        text = typed(form, name).strip()
        if name in MONEY_FIELDS and text:
            try:  # the vacancy list's rule for amounts: 4.950 is 4950, 4,950 is refused
                text = repr(read_amount(text))
            except CellProblem:
                text = decimal_text(text, money=True)  # check_form says what is wrong
        elif name in DECIMAL_FIELDS:
            text = decimal_text(text)
        if text:
            unit[name] = text
    return unit


def _figure(value: object, lang: Lang) -> str:
    """A bound from an error's context as the page writes numbers (54; 7,5; 1.000.000)."""
    if not isinstance(value, int | float):
        return str(value)
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "da" else text


def _field_of(location: Sequence[str | int], message: str = "") -> str:
    """The form field of an error location (``unit.rent_dkk``, ``body.unit.area``, ...)."""
    parts = [str(p) for p in location if p != "body"]
    if parts[:1] == ["unit"]:
        parts = parts[1:]
        if not parts:  # a rule on the whole unit; today only the reduction's
            return "rent_reduction_dkk" if "rent_reduction" in message else FORM
    name = parts[0] if parts else FORM
    if name == "allocation_municipality_code":
        return "allocation"
    return name if name in FIELDS else FORM


def _message(error: ErrorDetails, field: str, lang: Lang) -> str:
    """A pydantic error in the page's words."""
    say = translator(lang)
    kind = error["type"]
    key = TYPE_KEYS.get(kind)
    if key is not None and key in BOUND_OF:
        bound = error.get("ctx", {}).get(BOUND_OF[key])
        return say(key, n=_figure(bound, lang))
    if key is not None:
        return say(key)
    if kind.startswith("int_"):
        return say("must_be_whole_number")
    if kind.startswith("float_") or kind == "finite_number":
        return say("must_be_number")
    if kind.startswith("date_"):
        return say("invalid_date")
    if field == "rent_reduction_dkk" and "rent_reduction" in str(error.get("msg", "")):
        return say("reduction_exceeds_rent")
    return say("invalid_value")


def _reduction_exceeds_rent(unit: dict[str, Any]) -> bool:
    """The model's own rule, checked here too so it shows alongside the other messages.

    (pydantic runs ``UnitIn``'s model validator only once every field is valid.)
    """
    try:
        return float(unit.get("rent_reduction_dkk", 0)) > float(unit["rent_dkk"])
    except (KeyError, ValueError):
        return False  # the fields' own messages say what is wrong


def check_form(form: _TypedForm, lang: Lang) -> tuple[VacancyCreate | None, dict[str, str]]:
    """The vacancy to create, or the message for each field (all at once)."""
    say = translator(lang)
    errors: dict[str, str] = {}
    unit = unit_payload(form)
    date_problem = available_from_problem(form.available_from)
    if date_problem is not None:
        errors["available_from"] = say(date_problem)
    for name in MONEY_FIELDS:
        text = typed(form, name).strip()
        if text:
            try:
                read_amount(text)
            except CellProblem as problem:
                errors[name] = message(problem.key, lang, problem.values)
    if _reduction_exceeds_rent(unit):
        errors["rent_reduction_dkk"] = say("reduction_exceeds_rent")
    payload: dict[str, Any] = {"unit": unit}
    if form.available_from.strip():
        payload["available_from"] = form.available_from.strip()
    try:
        body = VacancyCreate.model_validate(payload)
    except ValidationError as invalid:
        for error in invalid.errors():
            field = _field_of(error.get("loc", ()), str(error.get("msg", "")))
            errors.setdefault(field, _message(error, field, lang))
        return None, errors
    return (None, errors) if errors else (body, errors)


def _own_departments(session: Session, principal: Principal) -> list[Department]:
    return inventory.list_departments(session, scope=scope_of(principal))


def _districts(session: Session, departments: list[Department]) -> list[tuple[str, list[str]]]:
    """The district names of the departments' municipalities, by municipality name."""
    return inventory.district_names(session, {d.municipality_code for d in departments})


def _district_problem(session: Session, departments: list[Department], form: _TypedForm) -> bool:
    """True if the chosen district does not lie in the chosen (own) department's municipality.

    A department that is not the association's own is left to the service to refuse.
    """
    area = typed(form, "area").strip()
    chosen = typed(form, "department_id").strip()
    department = next((d for d in departments if str(d.id) == chosen), None)
    if not area or department is None:
        return False
    names = {d.name for d in inventory.districts(session, [department.municipality_code])}
    return area not in names


def _page(
    request: Request,
    session: Session,
    departments: list[Department],
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The form; ``departments`` are the association's own, already read by the caller."""
    return render(
        request,
        "association_report.html",
        {
            "mode": "new",
            "departments": departments,
            "districts": _districts(session, departments),
            "kinds": list(UnitKind),
            "allocations": list(AllocationRight),
            "flag_fields": FLAG_FIELDS,
            "values": values or {},
            "errors": errors or {},
        },
        status_code=status_code,
    )


@router.get("/report-new")
def new_unit_form(request: Request) -> Response:
    """The form to report a vacancy in a unit that is not in the association's list yet."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    with transaction(request) as session:
        return _page(request, session, _own_departments(session, principal))


def _service_messages(problem: DomainError, say: Callable[..., str], lang: Lang) -> dict[str, str]:
    """The service's refusal, next to the field it names (in the page's words)."""
    errors: dict[str, str] = {}
    _, detail = problem.in_language(lang)
    for item in problem.errors or []:
        field = _field_of((item.field or "").split("."), item.problem)
        key = PROBLEM_KEYS.get(field)
        # a keyed refusal's detail is in the page's language; the item's words are English
        words = detail if problem.key and detail else item.problem
        errors.setdefault(field, say(key) if key else say("could_not_save", detail=words))
    if not problem.errors:
        if problem.code == "unit-exists":
            errors["unit_ref"] = say("unit_exists")
        else:
            errors[FORM] = say("could_not_save", detail=problem_text(problem, lang))
    return errors


@router.post("/report-new")
def report_new_unit(request: Request, form: Annotated[NewUnitForm, Form()]) -> Response:
    """Check every field, then create the unit and its vacancy through the service."""
    principal = _assoc(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, form.csrf):
        return error_page(request, 403, "csrf_failed")
    lang = lang_of(request)
    say = translator(lang)
    values = form.model_dump(exclude={"csrf"})
    body, errors = check_form(form, lang)
    with transaction(request) as session:
        departments = _own_departments(session, principal)
        if "area" not in errors and _district_problem(session, departments, form):
            errors["area"] = say("unknown_district")
            body = None
        if body is not None:
            try:
                with session.begin_nested():  # a refusal leaves nothing behind
                    inventory.create_vacancy(
                        session, scope=scope_of(principal), actor=principal.subject, body=body
                    )
            except DomainError as problem:
                errors = _service_messages(problem, say, lang)
        if errors:
            return _page(
                request, session, departments, values=values, errors=errors, status_code=422
            )
    return redirect("/association?done=reported")
