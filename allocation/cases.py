"""Citizens' case use cases for municipal staff, scoped to the caller's municipality.

A case of another municipality answers exactly like a missing one (404), so
staff cannot probe which cases exist elsewhere. The CPR number enters only in
`create_case`, is validated, turned into its keyed hash and dropped; audit events
record *which* fields changed, never their (personal) values. Closing a case withdraws
its offers too, so it lives in :mod:`allocation.use_cases`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from allocation.cpr import InvalidCPR, birth_date, cpr_hash
from allocation.models import (
    AreaPreference,
    CaseIncome,
    CaseStatus,
    CitizenCase,
    SupportMethod,
)
from allocation.schemas import CaseCreate, CaseUpdate, IncomeItem, Preferences
from kernel import audit
from kernel.db import utcnow
from kernel.errors import Invalid, check_version, conflict, invalid, not_found

# `CaseUpdate` fields that map one-to-one onto a column; only the clearable ones take null.
_COLUMN_FIELDS = frozenset(
    {
        "name",
        "wealth_dkk",
        "situation",
        "homeless_since",
        "registered_on",
        "deadline",
        "support",
        "kontanthjaelp_since",
    }
)
_CLEARABLE_FIELDS = frozenset({"name", "deadline", "kontanthjaelp_since"})

#: Audit actions of reads (access logging); a case's change history leaves them out.
READ_ACTION = "case.read"
LIST_ACTION = "case.list"
ACCESS_ACTIONS = frozenset({READ_ACTION, LIST_ACTION})


def _cases(municipality_code: str) -> Select[CitizenCase]:
    return (
        select(CitizenCase)
        .where(CitizenCase.municipality_code == municipality_code)
        .options(selectinload(CitizenCase.income_items), selectinload(CitizenCase.area_preferences))
    )


def _cpr_problem(problem: str) -> Invalid:
    return invalid(key="cpr_invalid", field="body.cpr", problem=problem)


def _income_rows(items: list[IncomeItem]) -> list[CaseIncome]:
    return [CaseIncome(kind=i.kind, monthly_dkk=i.monthly_dkk, person=i.person) for i in items]


def _preference_rows(preferences: Preferences) -> list[AreaPreference]:
    return [
        AreaPreference(area=area, rank=rank, avoid=False)
        for rank, area in enumerate(preferences.areas, start=1)
    ] + [AreaPreference(area=area, rank=None, avoid=True) for area in preferences.avoid_areas]


def _check_dates(homeless_since: dt.date, registered_on: dt.date, deadline: dt.date | None) -> None:
    if homeless_since > registered_on:
        raise invalid(
            key="registered_before_homeless",
            field="body.homeless_since",
            problem="after registered_on",
        )
    if deadline is not None and deadline < homeless_since:
        raise invalid(
            key="deadline_before_homeless",
            field="body.deadline",
            problem="before homeless_since",
        )


def create_case(
    session: Session,
    *,
    municipality_code: str,
    actor: str,
    body: CaseCreate,
    cpr_secret: str,
    today: dt.date | None = None,
) -> CitizenCase:
    """Register a case; 409 if the person already has an active case anywhere."""
    cpr = body.cpr.get_secret_value()
    try:
        born = birth_date(cpr)
        hashed = cpr_hash(cpr, cpr_secret)
    except InvalidCPR as exc:
        raise _cpr_problem(str(exc)) from None
    today = today or dt.date.today()
    if not 1900 <= born.year <= today.year:
        raise _cpr_problem("the birth date is not plausible")
    registered_on = body.registered_on or today
    _check_dates(body.homeless_since, registered_on, body.deadline)
    if session.scalar(
        select(CitizenCase.id).where(
            CitizenCase.cpr_hash == hashed, CitizenCase.status == CaseStatus.active
        )
    ):
        raise conflict("case-exists", key="person_has_case")
    case_ref = body.case_ref or f"{municipality_code}-{secrets.token_hex(5).upper()}"
    if session.scalar(select(CitizenCase.id).where(CitizenCase.case_ref == case_ref)):
        raise conflict("case-ref-exists", key="case_ref_taken")
    case = CitizenCase(
        case_ref=case_ref,
        cpr_hash=hashed,
        name=body.name,
        municipality_code=municipality_code,
        birth_year=born.year,
        adults=body.household.adults,
        children=body.household.children,
        wealth_dkk=body.wealth_dkk,
        situation=body.situation,
        homeless_since=body.homeless_since,
        registered_on=registered_on,
        deadline=body.deadline,
        support=body.support,
        needs_wheelchair=body.needs.wheelchair,
        needs_ground_floor=body.needs.ground_floor,
        has_pets=body.needs.pets,
        kontanthjaelp_since=body.kontanthjaelp_since,
        birth_date=born,
        **body.benefit_facts.model_dump(),
        status=CaseStatus.active,
    )
    body.eligibility.apply_to(case)
    case.income_items = _income_rows(body.income)
    case.area_preferences = _preference_rows(body.preferences)
    session.add(case)
    try:
        session.flush()
    except IntegrityError:  # a concurrent request registered the same person or ref
        raise conflict("case-exists", key="person_has_case") from None
    audit.record(
        session,
        actor=actor,
        action="case.create",
        entity="case",
        entity_id=case.id,
        after={"status": case.status, "version": case.version},
    )
    return case


def get_case(session: Session, *, municipality_code: str, case_id: int) -> CitizenCase:
    """One case of the caller's municipality (404 for other municipalities' cases)."""
    case = session.scalar(_cases(municipality_code).where(CitizenCase.id == case_id))
    if case is None:
        raise not_found("case")
    return case


def read_case(session: Session, *, municipality_code: str, actor: str, case_id: int) -> CitizenCase:
    """One case for a person to read, with the read kept in the audit trail.

    A case holds personal data (name, household, income, situation); GDPR practice
    for CPR-bearing records is to log who read which record when, so every read by
    a person (API or page) goes through here. Internal lookups use :func:`get_case`.
    """
    case = get_case(session, municipality_code=municipality_code, case_id=case_id)
    audit.record(session, actor=actor, action=READ_ACTION, entity="case", entity_id=case.id)
    return case


@dataclass(frozen=True)
class CaseFilters:
    """What staff may narrow a case list by; ``None`` leaves a criterion out.

    ``text`` finds a part of the case ref or the name (case-insensitive; SQLite folds
    ASCII letters only). ``has_deadline`` true/false keeps cases with/without a
    deadline; ``deadline_by`` keeps those whose deadline falls on or before that day
    (passed deadlines included: they are the most urgent).
    """

    text: str | None = None
    case_ref: str | None = None
    situation: int | None = None
    support: SupportMethod | None = None
    status: CaseStatus | None = None
    has_deadline: bool | None = None
    deadline_by: dt.date | None = None


#: The orders a case list may be sorted in (each with the case id as tie-breaker).
CASE_SORTS: dict[str, Any] = {
    "id": CitizenCase.id,
    "case_ref": CitizenCase.case_ref,
    "name": CitizenCase.name,
    "situation": CitizenCase.situation,
    "homeless_since": CitizenCase.homeless_since,
    "registered_on": CitizenCase.registered_on,
    "deadline": CitizenCase.deadline,
    "support": CitizenCase.support,
    "status": CitizenCase.status,
    "refused_offers": CitizenCase.refused_offers,
}


def _filtered(query: Select[CitizenCase], filters: CaseFilters) -> Select[CitizenCase]:
    if filters.text:
        text = filters.text.strip()
        query = query.where(
            CitizenCase.case_ref.icontains(text, autoescape=True)
            | CitizenCase.name.icontains(text, autoescape=True)
        )
    if filters.case_ref is not None:
        query = query.where(CitizenCase.case_ref == filters.case_ref)
    if filters.situation is not None:
        query = query.where(CitizenCase.situation == filters.situation)
    if filters.support is not None:
        query = query.where(CitizenCase.support == filters.support)
    if filters.status is not None:
        query = query.where(CitizenCase.status == filters.status)
    if filters.has_deadline is True:
        query = query.where(CitizenCase.deadline.is_not(None))
    elif filters.has_deadline is False:
        query = query.where(CitizenCase.deadline.is_(None))
    if filters.deadline_by is not None:
        query = query.where(CitizenCase.deadline <= filters.deadline_by)
    return query


def search_cases(
    session: Session,
    *,
    municipality_code: str,
    actor: str,
    filters: CaseFilters = CaseFilters(),
    sort: str = "id",
    descending: bool = False,
    limit: int,
    offset: int,
) -> tuple[list[CitizenCase], int]:
    """A page of the municipality's cases matching ``filters``, in ``sort`` order.

    Empty values (no name, no deadline) sort last in either direction. A list of cases
    is an export of personal data: the ids handed to ``actor`` are kept in the audit
    trail (one event per page, never the data itself).
    """
    if sort not in CASE_SORTS:
        raise invalid(
            key="unknown_sort", field="query.sort", problem=f"not one of {sorted(CASE_SORTS)}"
        )
    query = _filtered(_cases(municipality_code), filters)
    total = session.scalar(
        select(func.count()).select_from(query.with_only_columns(CitizenCase.id).subquery())
    )
    column = CASE_SORTS[sort]
    order = [column.is_(None), column.desc() if descending else column.asc()]
    tie = CitizenCase.id.desc() if descending else CitizenCase.id.asc()
    page = list(session.scalars(query.order_by(*order, tie).limit(limit).offset(offset)))
    if page:
        audit.record(
            session,
            actor=actor,
            action=LIST_ACTION,
            entity="case_list",
            entity_id=municipality_code,
            after={"case_ids": [case.id for case in page], "total": int(total or 0)},
        )
    return page, int(total or 0)


def list_cases(
    session: Session,
    *,
    municipality_code: str,
    actor: str,
    case_ref: str | None = None,
    status: CaseStatus | None = None,
    limit: int,
    offset: int,
) -> tuple[list[CitizenCase], int]:
    """A page of the municipality's cases by id, optionally one ``case_ref`` or ``status``
    (audited as :func:`search_cases`)."""
    return search_cases(
        session,
        municipality_code=municipality_code,
        actor=actor,
        filters=CaseFilters(case_ref=case_ref, status=status),
        limit=limit,
        offset=offset,
    )


def update_case(
    session: Session,
    *,
    municipality_code: str,
    actor: str,
    case_id: int,
    expected_version: int,
    changes: CaseUpdate,
) -> CitizenCase:
    """Apply ``changes`` to an active case still at ``expected_version`` (412 otherwise)."""
    case = get_case(session, municipality_code=municipality_code, case_id=case_id)
    check_version("case", current=case.version, expected=expected_version)
    if case.status is not CaseStatus.active:
        raise conflict(
            "case-not-active", key="case_cannot_change", values={"status": case.status.value}
        )
    changed: list[str] = []
    for name, value in changes.model_dump(exclude_unset=True).items():
        if name not in _COLUMN_FIELDS:
            continue  # a nested part, replaced as a whole below
        if value is None and name not in _CLEARABLE_FIELDS:
            continue  # null means "leave as is" for fields that cannot be empty
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    if changes.household is not None:
        case.adults, case.children = changes.household.adults, changes.household.children
        changed.append("household")
    if changes.needs is not None:
        case.needs_wheelchair = changes.needs.wheelchair
        case.needs_ground_floor = changes.needs.ground_floor
        case.has_pets = changes.needs.pets
        changed.append("needs")
    if changes.income is not None:
        case.income_items = _income_rows(changes.income)
        changed.append("income")
    if changes.eligibility is not None:
        changes.eligibility.apply_to(case)
        changed.append("eligibility")
    if changes.benefit_facts is not None:
        for name, value in changes.benefit_facts.model_dump().items():
            setattr(case, name, value)
        changed.append("benefit_facts")
    if any(item.person >= case.adults for item in case.income_items):
        raise invalid(
            key="income_person_missing",
            field="body.income",
            problem="person must be below the number of adults",
        )
    if changes.preferences is not None:
        case.area_preferences.clear()
        session.flush()  # delete old rows before inserting ones with the same area
        case.area_preferences = _preference_rows(changes.preferences)
        changed.append("preferences")
    _check_dates(case.homeless_since, case.registered_on, case.deadline)
    case.updated_at = utcnow()  # always touch the row, so every update bumps the version
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="case.update",
        entity="case",
        entity_id=case.id,
        before={"version": expected_version},
        after={"version": case.version, "changed": sorted(changed)},
    )
    return case
