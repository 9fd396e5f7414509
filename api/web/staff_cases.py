"""Staff's case pages: find cases, register a case, change it, and the case page's extras.

The routes call the services the JSON API calls (:mod:`api.routes.cases`):
:func:`allocation.cases.create_case`, :func:`~allocation.cases.update_case` with the
version the form was opened at (a stale edit is refused as the API's 412 is, and the
form says so), and :func:`~allocation.cases.search_cases` for the list (each page handed
out is audited). Closing stays on the case page (``api.web.staff``), which calls
:func:`allocation.use_cases.close_case`.

The CPR number is typed only into the new-case form; it goes to the service, which
keeps only its keyed hash, and no page shows it again. Every message stands next to
its field in the page's language, and what was typed comes back with it.

:func:`case_page_extras` gives the case page (``api.web.staff.case_page``) its readable
parts: household in singular or plural, needs, the refusal policy's next step, and the
history in Danish local time with event names instead of audit codes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from pydantic import BaseModel, ValidationError, create_model
from pydantic_core import ErrorDetails
from sqlalchemy.orm import Session

from allocation import cases as service
from allocation.cpr import InvalidCPR, birth_date
from allocation.models import CaseStatus, CitizenCase, IncomeKind, SupportMethod
from allocation.offer_states import refusal_outcome
from allocation.schemas import CaseCreate, CaseFields, CaseUpdate
from api.auth import Principal, Role
from api.web.association_units import decimal_text
from api.web.i18n import STRINGS, Lang, translator
from api.web.pages import (
    guard,
    guard_form,
    lang_of,
    problem_text,
    redirect,
    refused_page,
    render,
    templates,
    transaction,
)
from inventory import service as inventory
from kernel.audit import AuditEvent
from kernel.calendar import DANISH_TIME
from kernel.calendar import today as danish_today
from kernel.errors import Conflict, DomainError, Invalid, NotFound, PreconditionFailed
from kernel.settings import get_settings
from matcher import bounds

router = APIRouter(prefix="/staff", include_in_schema=False)

FORM = "form"  # messages that belong to no one field, shown above the form
PAGE_SIZE = 50
#: Income rows on the form: as many as a case may hold (``CaseFields.income``'s bound).
INCOME_ROWS = next(
    int(getattr(c, "max_length", 0)) for c in CaseFields.model_fields["income"].metadata
)
BLANK_INCOME_ROWS = 2  # empty rows offered below a case's own incomes
NEED_FIELDS = ("wheelchair", "ground_floor", "pets")
DATE_FIELDS = ("homeless_since", "registered_on", "deadline", "kontanthjaelp_since")
TEXT_FIELDS = (
    "cpr",
    "case_ref",
    "name",
    "adults",
    "children",
    "wealth_dkk",
    "situation",
    *DATE_FIELDS,
    "support",
    "areas",
    "avoid_areas",
    "version",
)
#: Columns the list may be sorted by (the service's names), in the table's order.
LIST_SORTS = (
    "case_ref",
    "name",
    "situation",
    "homeless_since",
    "deadline",
    "support",
    "status",
    "refused_offers",
)
DEFAULT_SORT = "deadline"
DEADLINE_CHOICES = ("", "has", "none", "within")
DEFAULT_DAYS = 30
MAX_DAYS = 3650

# pydantic error types -> message keys (bounds are filled in from the error's context)
TYPE_KEYS = {
    "missing": "field_required",
    "string_too_short": "field_required",
    "string_too_long": "too_long",
    "too_long": "too_many",
    "greater_than_equal": "at_least",
    "greater_than": "more_than",
    "less_than_equal": "at_most",
    "less_than": "below",
    "enum": "choose_one",
    "string_pattern_mismatch": "case_ref_format",
}
BOUND_OF = {
    "too_long": "max_length",
    "too_many": "max_length",
    "at_least": "ge",
    "more_than": "gt",
    "at_most": "le",
    "below": "lt",
}
# what the service's CPR check says (allocation.cpr, allocation.cases) -> message keys
CPR_PROBLEMS = {
    "must be 10 digits": "cpr_format",
    "valid date": "cpr_date",
    "not plausible": "cpr_birth",
}
# the service's other field problems (allocation.cases._check_dates) -> (field, key)
DATE_PROBLEMS = {
    "body.homeless_since": ("homeless_since", "homeless_after_registered"),
    "body.deadline": ("deadline", "deadline_before_homeless"),
}
CONFLICT_KEYS = {
    "case-exists": ("cpr", "case_exists"),
    "case-ref-exists": ("case_ref", "case_ref_exists"),
    "case-not-active": (FORM, "case_not_active"),
}
MESSAGE_KEYS = frozenset(
    {
        *TYPE_KEYS.values(),
        *CPR_PROBLEMS.values(),
        *(key for _, key in DATE_PROBLEMS.values()),
        *(key for _, key in CONFLICT_KEYS.values()),
        "invalid_date_da",
        "must_be_number",
        "must_be_whole_number",
        "invalid_value",
        "no_cpr_in_text",
        "area_twice",
        "area_both",
        "stale_edit",
    }
)
#: Audit actions of a case's history with a readable name (``event_`` + dots as ``_``).
EVENT_ACTIONS = (
    "case.create",
    "case.update",
    "case.close",
    "case.housed",
    "case.refusal",
    "case.review_required",
    "case.remove",
    "offer.create",
    "offer.send",
    "offer.accept",
    "offer.decline",
    "offer.expire",
    "offer.withdraw",
)


# --- dates, times and words the pages share ------------------------------------------------


def da_date(value: dt.date | dt.datetime | None) -> str:
    """A date the Danish way, 23.10.2026 (a time is taken in Danish local time first)."""
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def local(value: dt.datetime) -> dt.datetime:
    """A stored time (UTC; SQLite hands it back naive) in Danish local time."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(DANISH_TIME)


def local_time(value: dt.datetime | None) -> str:
    """A stored time as Danish staff read it: 23.10.2026 14:05, Europe/Copenhagen."""
    if value is None:
        return "–"
    moment = local(value)
    return f"{da_date(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


templates.env.filters["da_date"] = da_date
templates.env.filters["local_time"] = local_time


def counted(t: Callable[..., str], n: int, one: str, many: str) -> str:
    """``n`` with the singular or plural wording: "1 voksen", "2 voksne"."""
    return t(one if n == 1 else many, n=n)


def household_text(t: Callable[..., str], adults: int, children: int) -> str:
    return (
        f"{counted(t, adults, 'adults_one', 'adults_many')}, "
        f"{counted(t, children, 'children_one', 'children_many')}"
    )


def needs_text(t: Callable[..., str], case: CitizenCase) -> str:
    flags = zip(
        NEED_FIELDS, (case.needs_wheelchair, case.needs_ground_floor, case.has_pets), strict=True
    )
    return ", ".join(t(f"need_{name}") for name, on in flags if on) or "–"


def event_name(t: Callable[..., str], action: str) -> str:
    """An audit action in words (``offer.withdraw``: "Tilbud trukket tilbage")."""
    key = "event_" + action.replace(".", "_")
    return t(key) if key in STRINGS else action


def refusal_status(t: Callable[..., str], case: CitizenCase) -> str:
    """What the next counted refusal means under the municipality's refusal policy.

    The same verdict the workflow will reach (:func:`allocation.offer_states.refusal_outcome`
    with the case's refusals plus one), so the page cannot promise something else.
    """
    policy = get_settings().policy_for(case.municipality_code).refusal
    if policy.action == "none":
        return t("refusal_policy_none")
    after = case.refused_offers + 1
    outcome = refusal_outcome(after, max_refusals=policy.max_refusals, policy_action=policy.action)
    if outcome.action == "remove":
        return t("refusal_next_remove", max=policy.max_refusals)
    if outcome.action == "review":
        return t("refusal_next_review", max=policy.max_refusals)
    return t("refusal_next_counted", n=after, max=policy.max_refusals)


@dataclass(frozen=True)
class HistoryRow:
    at: str
    what: str
    who: str
    subject: str


def history_rows(t: Callable[..., str], events: Iterable[AuditEvent]) -> list[HistoryRow]:
    """A case's history in words: local time, event name (with a close reason), its subject."""
    rows = []
    for event in events:
        what = event_name(t, event.action)
        reason = (event.after or {}).get("reason") if event.action == "case.close" else None
        if isinstance(reason, str) and f"close_reason_{reason}" in STRINGS:
            what += f" ({t('close_reason_' + reason)})"
        subject = t("entity_offer", id=event.entity_id) if event.entity == "offer" else t("case")
        rows.append(HistoryRow(local_time(event.at), what, event.actor, subject))
    return rows


def case_page_extras(
    request: Request, case: CitizenCase, history: Iterable[AuditEvent]
) -> dict[str, Any]:
    """What the case page shows beyond the service's objects, in the page's language."""
    t = translator(lang_of(request))
    done = request.query_params.get("done")
    return {
        "household_text": household_text(t, case.adults, case.children),
        "needs_text": needs_text(t, case),
        "refusal_text": refusal_status(t, case),
        "history_rows": history_rows(t, history),
        "case_done": done if done in ("created", "saved") else None,
    }


# --- the form ------------------------------------------------------------------------------


class _TypedForm(BaseModel):
    csrf: str = ""
    wheelchair: str = ""
    ground_floor: str = ""
    pets: str = ""


def _income_fields() -> dict[str, Any]:
    return {f"income_{part}_{i}": (str, "") for i in range(INCOME_ROWS) for part in ("kind", "dkk")}


if TYPE_CHECKING:
    CaseForm = _TypedForm
else:
    # The form as typed, text only (read by :func:`typed`).
    CaseForm = create_model(
        "CaseForm",
        __base__=_TypedForm,
        **{name: (str, "") for name in TEXT_FIELDS},
        **_income_fields(),
    )


def typed(form: _TypedForm, name: str) -> str:
    return str(getattr(form, name, "")).strip()


_DK_DATE = re.compile(r"^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})$")


def date_text(raw: str) -> str:
    """A typed date as pydantic reads it: 23.10.2026 (or 23-10-2026) becomes 2026-10-23."""
    match = _DK_DATE.match(raw.strip())
    if match is None:
        return raw.strip()
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _areas(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", raw) if part.strip()]


def _payload(form: _TypedForm) -> tuple[dict[str, Any], list[int]]:
    """The case's fields as typed (blanks left out, so required ones are "missing") and
    the form row of each income item sent."""
    data: dict[str, Any] = {"name": typed(form, "name") or None}
    household = {key: typed(form, key) for key in ("adults", "children") if typed(form, key) != ""}
    data["household"] = household
    rows, income = [], []
    for i in range(INCOME_ROWS):
        kind, amount = typed(form, f"income_kind_{i}"), typed(form, f"income_dkk_{i}")
        if not kind and not amount:
            continue
        item: dict[str, Any] = {}
        if kind:
            item["kind"] = kind
        if amount:
            item["monthly_dkk"] = decimal_text(amount, money=True)
        rows.append(i)
        income.append(item)
    data["income"] = income
    if typed(form, "wealth_dkk"):
        data["wealth_dkk"] = decimal_text(typed(form, "wealth_dkk"), money=True)
    for name in ("situation", "support"):
        if typed(form, name):
            data[name] = typed(form, name)
    for name in ("homeless_since", "deadline", "kontanthjaelp_since"):
        data[name] = date_text(typed(form, name)) or None
    data["needs"] = {name: bool(typed(form, name)) for name in NEED_FIELDS}
    data["preferences"] = {
        "areas": _areas(typed(form, "areas")),
        "avoid_areas": _areas(typed(form, "avoid_areas")),
    }
    if data["homeless_since"] is None:
        del data["homeless_since"]  # required: "missing"
    return data, rows


def _figure(value: object, lang: Lang) -> str:
    if not isinstance(value, int | float):
        return str(value)
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "da" else text


def _field_of(location: Sequence[str | int], rows: Sequence[int]) -> str:
    """The form field of a pydantic error location (``income.1.monthly_dkk``, ...)."""
    parts = [p for p in location if p != "body"]
    head = parts[0] if parts else FORM
    if head == "household" and len(parts) > 1:
        return str(parts[1])
    if head == "income":
        if len(parts) > 2 and isinstance(parts[1], int) and parts[1] < len(rows):
            return f"income_{'kind' if parts[2] == 'kind' else 'dkk'}_{rows[parts[1]]}"
        return "income_kind_0"
    if head == "preferences":
        return "avoid_areas" if len(parts) > 1 and parts[1] == "avoid_areas" else "areas"
    if head == "needs":
        return str(parts[1]) if len(parts) > 1 else FORM
    return str(head) if head in TEXT_FIELDS else FORM


def _message(error: ErrorDetails, lang: Lang) -> str:
    """A pydantic error in the page's words."""
    say = translator(lang)
    kind, text = error["type"], str(error.get("msg", ""))
    key = TYPE_KEYS.get(kind)
    if key is not None and key in BOUND_OF:
        return say(key, n=_figure(error.get("ctx", {}).get(BOUND_OF[key]), lang))
    if key is not None:
        return say(key)
    if kind.startswith("int_"):
        return say("must_be_whole_number")
    if kind.startswith("float_") or kind == "finite_number":
        return say("must_be_number")
    if kind.startswith("date_"):
        return say("invalid_date_da")
    if "CPR" in text:
        return say("no_cpr_in_text")
    if "listed twice" in text:
        return say("area_twice")
    if "both preferred and avoided" in text:
        return say("area_both")
    return say("invalid_value")


def _validation_messages(
    invalid: ValidationError, rows: Sequence[int], lang: Lang
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in invalid.errors():
        field = _field_of(error.get("loc", ()), rows)
        if field == "cpr" and error["type"] != "missing":
            errors.setdefault(field, translator(lang)("cpr_format"))  # too short or too long
        errors.setdefault(field, _message(error, lang))
    return errors


def check_new(form: _TypedForm, lang: Lang) -> tuple[CaseCreate | None, dict[str, str]]:
    """The case to register, or a message for each field (all at once)."""
    data, rows = _payload(form)
    data["cpr"] = typed(form, "cpr")
    if typed(form, "case_ref"):
        data["case_ref"] = typed(form, "case_ref")
    data["registered_on"] = date_text(typed(form, "registered_on")) or None
    errors: dict[str, str] = {}
    if not data["cpr"]:
        del data["cpr"]
    else:
        # The service checks it again; checked here too so its message comes with the rest.
        try:
            birth_date(data["cpr"])
        except InvalidCPR as bad:
            errors["cpr"] = translator(lang)(_cpr_key(str(bad)))
    try:
        body = CaseCreate.model_validate(data)
    except ValidationError as invalid:
        return None, errors | _validation_messages(invalid, rows, lang)
    return (None, errors) if errors else (body, errors)


def _cpr_key(problem: str) -> str:
    return next((key for text, key in CPR_PROBLEMS.items() if text in problem), "cpr_format")


def check_edit(form: _TypedForm, lang: Lang) -> tuple[CaseUpdate | None, dict[str, str]]:
    """The whole case as changed (every field sent, so clearing one clears it)."""
    data, rows = _payload(form)
    errors: dict[str, str] = {}
    registered = date_text(typed(form, "registered_on"))
    if not registered:
        errors["registered_on"] = translator(lang)("field_required")
    fields: CaseFields | None = None
    try:
        fields = CaseFields.model_validate(data)
    except ValidationError as invalid:
        errors = _validation_messages(invalid, rows, lang) | errors
    try:
        on = dt.date.fromisoformat(registered) if registered else None
    except ValueError:
        errors.setdefault("registered_on", translator(lang)("invalid_date_da"))
        on = None
    if fields is None or on is None or errors:
        return None, errors
    return CaseUpdate.model_validate({**fields.model_dump(), "registered_on": on}), {}


def service_messages(problem: DomainError, lang: Lang) -> dict[str, str]:
    """The service's refusal next to the field it concerns, in the page's words."""
    say = translator(lang)
    if isinstance(problem, PreconditionFailed):
        return {FORM: say("stale_edit")}
    if isinstance(problem, Conflict) and problem.code in CONFLICT_KEYS:
        field, key = CONFLICT_KEYS[problem.code]
        return {field: say(key)}
    if isinstance(problem, Invalid):
        errors: dict[str, str] = {}
        for item in problem.errors or []:
            if item.field == "body.cpr":
                errors.setdefault("cpr", say(_cpr_key(item.problem)))
            elif item.field in DATE_PROBLEMS:
                field, key = DATE_PROBLEMS[item.field]
                errors.setdefault(field, say(key))
        if errors:
            return errors
    return {FORM: say("could_not_save_case", detail=problem_text(problem, lang))}


def _money_text(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".replace(".", ",")


def values_of(case: CitizenCase) -> dict[str, str]:
    """The form's fields filled from a stored case (no CPR: it is not stored)."""
    values = {
        "case_ref": case.case_ref,
        "name": case.name or "",
        "adults": str(case.adults),
        "children": str(case.children),
        "wealth_dkk": _money_text(case.wealth_dkk),
        "situation": str(case.situation),
        "support": case.support.value,
        "areas": ", ".join(case.preferred_areas),
        "avoid_areas": ", ".join(case.avoided_areas),
        "version": str(case.version),
        "wheelchair": "on" if case.needs_wheelchair else "",
        "ground_floor": "on" if case.needs_ground_floor else "",
        "pets": "on" if case.has_pets else "",
    }
    for name in DATE_FIELDS:
        day = getattr(case, name)
        values[name] = da_date(day) if day else ""
    for i, item in enumerate(case.income_items):
        values[f"income_kind_{i}"] = item.kind.value
        values[f"income_dkk_{i}"] = _money_text(item.monthly_dkk)
    return values


def _income_row_count(values: Mapping[str, str]) -> int:
    used = [
        i
        for i in range(INCOME_ROWS)
        if values.get(f"income_kind_{i}") or values.get(f"income_dkk_{i}")
    ]
    return min(INCOME_ROWS, max(3, (max(used) + 1 if used else 0) + BLANK_INCOME_ROWS))


def _form_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    case: CitizenCase | None,
    values: Mapping[str, str],
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    districts = inventory.district_names(session, [_code(principal)])
    return render(
        request,
        "staff_case_form.html",
        {
            "case": case,
            "values": values,
            "errors": errors or {},
            "income_rows": _income_row_count(values),
            "income_kinds": [k.value for k in IncomeKind],
            "supports": [s.value for s in SupportMethod],
            "situations": range(bounds.SITUATION_MIN, bounds.SITUATION_MAX + 1),
            "need_fields": NEED_FIELDS,
            "district_names": [name for _, names in districts for name in names],
        },
        status_code=status_code,
    )


def _staff(request: Request) -> Principal | Response:
    return guard(request, Role.staff)


def _staff_form(request: Request, csrf: str | None) -> Principal | Response:
    return guard_form(request, csrf, Role.staff)


def _code(principal: Principal) -> str:
    assert principal.municipality_code is not None  # api.auth guarantees it for staff
    return principal.municipality_code


# --- routes --------------------------------------------------------------------------------


@router.get("/cases/new")
def new_case_form(request: Request) -> Response:
    """The form to register a citizen's case (the API's ``POST /cases``)."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    values = {"adults": "1", "children": "0", "support": SupportMethod.none.value}
    values["registered_on"] = da_date(danish_today())
    with transaction(request) as session:
        return _form_page(request, session, principal, case=None, values=values)


@router.post("/cases/new")
def create_case(request: Request, form: Annotated[CaseForm, Form()]) -> Response:
    """Check every field, then register the case through the service (CPR kept as a hash)."""
    principal = _staff_form(request, form.csrf)
    if isinstance(principal, Response):
        return principal
    lang = lang_of(request)
    values = form.model_dump(exclude={"csrf"})
    body, errors = check_new(form, lang)
    status = 422
    case_id: int | None = None
    with transaction(request) as session:
        if body is not None:
            try:
                with session.begin_nested():  # a refusal leaves nothing behind
                    case = service.create_case(
                        session,
                        municipality_code=_code(principal),
                        actor=principal.subject,
                        body=body,
                        cpr_secret=get_settings().cpr_hash_secret,
                        today=danish_today(),
                    )
                    case_id = case.id
            except DomainError as problem:
                errors = service_messages(problem, lang)
                status = 409 if isinstance(problem, Conflict) else 422
        if errors or case_id is None:
            return _form_page(
                request,
                session,
                principal,
                case=None,
                values=values,
                errors=errors,
                status_code=status,
            )
    return redirect(f"/staff/cases/{case_id}?done=created")


@router.get("/cases/{case_id}/edit")
def edit_case_form(request: Request, case_id: int) -> Response:
    """The case's form filled in, remembering the version it shows (for ``If-Match``)."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    try:
        with transaction(request) as session:
            case = service.read_case(
                session,
                municipality_code=_code(principal),
                actor=principal.subject,
                case_id=case_id,
            )
            if case.status is not CaseStatus.active:
                return redirect(f"/staff/cases/{case.id}")
            return _form_page(request, session, principal, case=case, values=values_of(case))
    except DomainError as error:
        return refused_page(request, error)


@router.post("/cases/{case_id}/edit")
def edit_case(request: Request, case_id: int, form: Annotated[CaseForm, Form()]) -> Response:
    """Save the changes if nobody changed the case since the form was opened (else say so)."""
    principal = _staff_form(request, form.csrf)
    if isinstance(principal, Response):
        return principal
    lang = lang_of(request)
    values = form.model_dump(exclude={"csrf", "cpr"})
    changes, errors = check_edit(form, lang)
    version = typed(form, "version")
    status = 422
    try:
        with transaction(request) as session:
            case = service.get_case(session, municipality_code=_code(principal), case_id=case_id)
            if changes is not None:
                try:
                    with session.begin_nested():
                        service.update_case(
                            session,
                            municipality_code=_code(principal),
                            actor=principal.subject,
                            case_id=case_id,
                            expected_version=int(version) if version.isdigit() else 0,
                            changes=changes,
                        )
                except DomainError as problem:
                    if isinstance(problem, NotFound):
                        raise
                    errors = service_messages(problem, lang)
                    status = 412 if isinstance(problem, PreconditionFailed) else 409
                    if isinstance(problem, Invalid):
                        status = 422
                    session.refresh(case)
            if errors:
                values["case_ref"] = case.case_ref
                return _form_page(
                    request,
                    session,
                    principal,
                    case=case,
                    values=values,
                    errors=errors,
                    status_code=status,
                )
    except DomainError as error:
        return refused_page(request, error)
    return redirect(f"/staff/cases/{case_id}?done=saved")


# --- the list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListQuery:
    """The list page's query as understood: anything unusable falls back to its default."""

    q: str = ""
    situation: str = ""
    support: str = ""
    status: str = CaseStatus.active.value
    deadline: str = ""
    days: int = DEFAULT_DAYS
    sort: str = DEFAULT_SORT
    dir: str = "asc"
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> ListQuery:
        def number(name: str, default: int, high: int) -> int:
            text = params.get(name, "").strip()
            return min(int(text), high) if text.isdigit() and int(text) >= 1 else default

        situation = params.get("situation", "")
        support = params.get("support", "")
        status = params.get("status", CaseStatus.active.value)
        deadline = params.get("deadline", "")
        sort = params.get("sort", DEFAULT_SORT)
        return cls(
            q=params.get("q", "").strip()[:100].replace("\x00", ""),
            situation=situation
            if situation.isdigit()
            and bounds.SITUATION_MIN <= int(situation) <= bounds.SITUATION_MAX
            else "",
            support=support if support in SupportMethod.__members__.values() else "",
            status=status if status == "all" or status in set(CaseStatus) else "active",
            deadline=deadline if deadline in DEADLINE_CHOICES else "",
            days=number("days", DEFAULT_DAYS, MAX_DAYS),
            sort=sort if sort in LIST_SORTS else DEFAULT_SORT,
            dir="desc" if params.get("dir") == "desc" else "asc",
            page=number("page", 1, 100_000),
        )

    def filters(self, today: dt.date) -> service.CaseFilters:
        return service.CaseFilters(
            text=self.q or None,
            situation=int(self.situation) if self.situation else None,
            support=SupportMethod(self.support) if self.support else None,
            status=None if self.status == "all" else CaseStatus(self.status),
            has_deadline={"has": True, "none": False, "within": True}.get(self.deadline),
            deadline_by=today + dt.timedelta(days=self.days) if self.deadline == "within" else None,
        )

    def url(self, **changes: Any) -> str:
        """The list's URL with ``changes`` (defaults left out, so links stay short)."""
        query = replace(self, **changes)
        params = {
            name: str(getattr(query, name))
            for name in ListQuery.__dataclass_fields__
            if getattr(query, name) != getattr(ListQuery(), name)
        }
        if query.deadline != "within":
            params.pop("days", None)
        return "/staff/cases" + (f"?{urlencode(params)}" if params else "")


@router.get("/cases")
def case_list(request: Request) -> Response:
    """Find cases by ref or name, situation, deadline, support and status; sorted, in pages."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    query = ListQuery.parse(request.query_params)
    with transaction(request) as session:
        items, total = service.search_cases(
            session,
            municipality_code=_code(principal),
            actor=principal.subject,
            filters=query.filters(danish_today()),
            sort=query.sort,
            descending=query.dir == "desc",
            limit=PAGE_SIZE,
            offset=(query.page - 1) * PAGE_SIZE,
        )
        pages = max(1, math.ceil(total / PAGE_SIZE))
        t = translator(lang_of(request))
        sorts = {
            name: {
                "url": query.url(
                    sort=name,
                    dir="desc" if query.sort == name and query.dir == "asc" else "asc",
                    page=1,
                ),
                "aria": ("ascending" if query.dir == "asc" else "descending")
                if query.sort == name
                else None,
            }
            for name in LIST_SORTS
        }
        return render(
            request,
            "staff_cases.html",
            {
                "query": query,
                "cases": items,
                "households": {c.id: household_text(t, c.adults, c.children) for c in items},
                "total": total,
                "pages": pages,
                "previous_url": query.url(page=query.page - 1) if query.page > 1 else None,
                "next_url": query.url(page=query.page + 1) if query.page < pages else None,
                "sorts": sorts,
                "situations": range(bounds.SITUATION_MIN, bounds.SITUATION_MAX + 1),
                "supports": [s.value for s in SupportMethod],
                "statuses": [s.value for s in CaseStatus],
            },
        )
