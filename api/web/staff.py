"""Pages for allocation staff (boligsocial anvisning) of one municipality.

Everything here goes through the services the API uses, with the signed-in
principal's municipality as their scope: ``inventory.service`` for vacancies,
``allocation.cases`` for cases, ``allocation.match_runs`` for plans and
explanations, ``allocation.workflow`` for sending and answering offers. A case or
offer of another municipality is "not found" here exactly as in the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from allocation import cases as case_service
from allocation import match_runs, workflow
from allocation.models import CaseStatus, MatchRun, OfferStatus
from api.auth import Principal, Role
from api.errors import ProblemError
from api.routes.allocation_common import today as danish_today
from api.routes.vacancies import scope_of
from api.web.map import municipality_map
from api.web.pages import error_page, guard, redirect, render, transaction
from api.web.session import csrf_ok
from inventory import service as inventory
from inventory.models import ACTIVE_VACANCY_STATUSES, Municipality, Vacancy
from kernel.audit import AuditEvent
from kernel.errors import DomainError, NotFound

router = APIRouter(prefix="/staff", include_in_schema=False)

#: A sent offer with this many days or fewer left is highlighted.
DEADLINE_WARNING_DAYS = 2
#: Messages a redirect may ask a page to show (``?done=``): a whitelist, never free text.
DONE_MESSAGES = {"sent", "accepted", "declined"}
_SCORE_PARTS = re.compile(r"score ([\d,]+) \(([^)]*)\)")
_PART = re.compile(r"^(.*\S) (-?[\d,]+)$")


def _staff(request: Request) -> Principal | Response:
    return guard(request, Role.staff)


def _code(principal: Principal) -> str:
    assert principal.municipality_code is not None  # api.auth guarantees it for staff
    return principal.municipality_code


def score_parts(why: str | None) -> list[tuple[str, int]]:
    """The score's parts as the matcher worded them, e.g. ``("housed", 100000)``.

    The matcher's ``why`` text names each part of an alternate's score ("score
    100,534 (housed 100,000, situation 250, ...)"); the assigned candidate's parts
    come structured from the run's assignments. Both are shown the same way.
    """
    if not why:
        return []
    found = _SCORE_PARTS.search(why)
    if not found:
        return []
    parts = []
    for part in found.group(2).split(", "):
        named = _PART.match(part.strip())
        if named:
            parts.append((named.group(1), int(named.group(2).replace(",", ""))))
    return parts


def _breakdown_parts(breakdown: dict[str, Any] | None) -> list[tuple[str, int]]:
    """A structured breakdown as the same (label, points) pairs, zero parts left out."""
    return [
        (key.replace("_", " "), int(value))
        for key, value in (breakdown or {}).items()
        if isinstance(value, int | float) and value
    ]


def _service_error(request: Request, error: Exception) -> Response:
    """A refused action (conflict, not found, invalid) as an error page with the reason."""
    if isinstance(error, DomainError):
        status = ProblemError.from_domain(error).status
        return error_page(request, status, "error", f"{error.title}: {error.detail or ''}")
    raise error


def _live_vacancies(session: Session, principal: Principal) -> list[Vacancy]:
    """The open, then the offered, homes the principal may see (each list by availability).

    The service filters by one status at a time, so the active statuses are listed in turn.
    """
    vacancies: list[Vacancy] = []
    for status in ACTIVE_VACANCY_STATUSES:
        page, _ = inventory.list_vacancies(
            session,
            scope=scope_of(principal),
            filters=inventory.VacancyFilters(status=status),
            limit=200,
            offset=0,
        )
        vacancies += page
    return vacancies


def _run_summary(run: MatchRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "created_at": run.created_at,
        "status": run.status,
        "assigned": len(run.result.get("assignments", [])),
        "vacancies": len(run.problem.get("vacancies", [])),
        "citizens": len(run.problem.get("citizens", [])),
    }


def _sent_offers(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Sent offers waiting for an answer, soonest deadline first, with days left."""
    today = danish_today()
    offers = workflow.list_offers(
        session=session,
        municipality_code=_code(principal),
        today=today,
        actor=principal.subject,
        status=OfferStatus.sent,
    )
    refs = workflow.case_refs(session, [o.case_id for o in offers])
    rows = []
    for offer in offers:
        days = (offer.answer_deadline - today).days if offer.answer_deadline else None
        rows.append(
            {
                "offer": offer,
                "case_ref": refs.get(offer.case_id, "?"),
                "days_left": days,
                "soon": days is not None and days <= DEADLINE_WARNING_DAYS,
            }
        )
    rows.sort(key=lambda r: (r["days_left"] is None, r["days_left"] or 0))
    return rows


@router.get("")
def start(request: Request, done: str | None = None) -> Response:
    """The start page: latest plan, offers waiting for answers, open homes, active cases."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    code = _code(principal)
    with transaction(request) as session:
        municipality = session.get(Municipality, code)
        vacancies = sorted(
            _live_vacancies(session, principal), key=lambda v: (v.available_from, v.id)
        )
        cases, total_cases = case_service.list_cases(
            session, municipality_code=code, status=CaseStatus.active, limit=500, offset=0
        )
        run = match_runs.latest_match_run(session, code)
        context = {
            "municipality": municipality,
            "vacancies": vacancies,
            "cases": cases,
            "total_cases": total_cases,
            "run": _run_summary(run) if run else None,
            "sent": _sent_offers(session, principal),
            "done": done if done in DONE_MESSAGES else None,
        }
        return render(request, "staff_start.html", context)


@router.post("/match")
def run_match(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Plan the municipality's open homes now (the API's ``POST /match-runs``)."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    try:
        with transaction(request) as session:
            run = match_runs.run_match(
                session=session,
                municipality_code=_code(principal),
                actor=principal.subject,
                as_of=danish_today(),
            )
            run_id = run.id
    except DomainError as error:
        return _service_error(request, error)
    return redirect(f"/staff/runs/{run_id}")


def _vacancy_blocks(session: Session, principal: Principal, run: MatchRun) -> list[dict[str, Any]]:
    """Per home of the run: the home, and its ranked candidates with offer state and why."""
    code = _code(principal)
    offers = workflow.list_offers(
        session=session,
        municipality_code=code,
        today=danish_today(),
        actor=principal.subject,
        match_run_id=run.id,
    )
    refs = workflow.case_refs(session, [o.case_id for o in offers])
    by_pair = {(str(o.vacancy_id), refs.get(o.case_id)): o for o in offers}
    case_ids = {ref: cid for cid, ref in refs.items()}
    breakdowns = {
        (a["vacancy"], a["citizen"]): a.get("breakdown") or {}
        for a in run.result.get("assignments", [])
    }
    scope = scope_of(principal)
    blocks = []
    for entry in run.result.get("offers", []):
        try:
            vacancy = inventory.get_vacancy(session, scope=scope, vacancy_id=int(entry["vacancy"]))
        except NotFound:
            continue
        candidates = []
        for cand in entry.get("candidates", []):
            ref = cand["citizen"]
            candidates.append(
                {
                    "case_ref": ref,
                    "case_id": case_ids.get(ref),
                    "rank": cand["rank"],
                    "score": cand["score"],
                    "why": cand.get("why"),
                    "parts": _breakdown_parts(breakdowns.get((entry["vacancy"], ref)))
                    or score_parts(cand.get("why")),
                    "offer": by_pair.get((entry["vacancy"], ref)),
                }
            )
        blocks.append(
            {
                "vacancy": vacancy,
                "feasible_citizens": entry.get("feasible_citizens"),
                "candidates": candidates,
            }
        )
    return blocks


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: int, done: str | None = None) -> Response:
    """A plan's ranked offers per home, each candidate's score parts, send buttons."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    try:
        with transaction(request) as session:
            run = match_runs.get_match_run(
                session=session, run_id=run_id, municipality_code=_code(principal)
            )
            citizens = sorted(c["id"] for c in run.problem.get("citizens", []))
            context = {
                "run": _run_summary(run),
                "blocks": _vacancy_blocks(session, principal, run),
                "citizens": citizens,
                "unmatched": run.result.get("unmatched", []),
                "done": done if done in DONE_MESSAGES else None,
            }
            return render(request, "staff_run.html", context)
    except DomainError as error:
        return _service_error(request, error)


@router.get("/runs/{run_id}/explain")
def explain(request: Request, run_id: int, vacancy: str = "", citizen: str = "") -> Response:
    """Why a citizen was (or was not) proposed for a home: failed rules or score parts."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    try:
        with transaction(request) as session:
            run = match_runs.get_match_run(
                session=session, run_id=run_id, municipality_code=_code(principal)
            )
            explanation = match_runs.explain_pair(run=run, citizen=citizen, vacancy=vacancy)
    except DomainError as error:
        return _service_error(request, error)
    return render(
        request,
        "staff_explain.html",
        {"run_id": run_id, "x": explanation},
    )


def _back(next_url: str, fallback: str) -> str:
    return next_url if next_url.startswith("/staff") and "//" not in next_url else fallback


def _with_done(url: str, done: str) -> str:
    path, _, anchor = url.partition("#")
    sep = "&" if "?" in path else "?"
    return f"{path}{sep}done={done}" + (f"#{anchor}" if anchor else "")


def _answer(
    request: Request,
    offer_id: int,
    csrf: str,
    next_url: str,
    action: Callable[..., object],
    done: str,
    **details: object,
) -> Response:
    """Run one offer transition for the signed-in staff member and return to the page.

    ``details`` are the transition's own arguments beyond the shared ones (a decline's
    reason, note and whether it counts as a refusal).
    """
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    try:
        with transaction(request) as session:
            action(
                session=session,
                offer_id=offer_id,
                actor=principal.subject,
                today=danish_today(),
                municipality_code=_code(principal),
                **details,
            )
    except DomainError as error:
        return _service_error(request, error)
    return redirect(_with_done(_back(next_url, "/staff"), done))


@router.post("/offers/{offer_id}/send")
def send(
    request: Request,
    offer_id: int,
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Send a proposed offer; the answer deadline follows the municipality's policy."""
    return _answer(request, offer_id, csrf, next, workflow.send_offer, "sent")


@router.post("/offers/{offer_id}/accept")
def accept(
    request: Request,
    offer_id: int,
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Record that the citizen said yes: the home is let and the case housed."""
    return _answer(request, offer_id, csrf, next, workflow.accept_offer, "accepted")


@router.post("/offers/{offer_id}/decline")
def decline(
    request: Request,
    offer_id: int,
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    counts: Annotated[str, Form()] = "",
) -> Response:
    """Record a decline with its reason; the refusal policy applies, the next is proposed."""
    return _answer(
        request,
        offer_id,
        csrf,
        next,
        workflow.decline_offer,
        "declined",
        reason=reason,
        note=note.strip() or None,
        counts_as_refusal=counts == "on",
    )


def _case_history(session: Session, case_id: int, offer_ids: list[int]) -> list[AuditEvent]:
    """The audit trail of the case and its offers, newest first (no personal values)."""
    conditions = [(AuditEvent.entity == "case") & (AuditEvent.entity_id == str(case_id))]
    if offer_ids:
        conditions.append(
            (AuditEvent.entity == "offer") & AuditEvent.entity_id.in_([str(i) for i in offer_ids])
        )
    stmt = select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.id.desc()).limit(200)
    return list(session.scalars(stmt))


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, done: str | None = None) -> Response:
    """A citizen's case: the facts staff need, the offers made, the history."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    code = _code(principal)
    try:
        with transaction(request) as session:
            case = case_service.get_case(session, municipality_code=code, case_id=case_id)
            offers = workflow.list_offers(
                session=session,
                municipality_code=code,
                today=danish_today(),
                actor=principal.subject,
                case_id=case.id,
            )
            scope = scope_of(principal)
            homes = {}
            for offer in offers:
                try:
                    homes[offer.vacancy_id] = inventory.get_vacancy(
                        session, scope=scope, vacancy_id=offer.vacancy_id
                    )
                except NotFound:
                    continue
            history = _case_history(session, case.id, [o.id for o in offers])
            return render(
                request,
                "staff_case.html",
                {
                    "case": case,
                    "offers": sorted(offers, key=lambda o: o.id, reverse=True),
                    "homes": homes,
                    "history": history,
                    "decline_reasons": [r.value for r in workflow.DeclineReason],
                    "warning_days": DEADLINE_WARNING_DAYS,
                    "done": done if done in DONE_MESSAGES else None,
                },
            )
    except DomainError as error:
        return _service_error(request, error)


@router.get("/map")
def map_page(request: Request) -> Response:
    """The municipality's districts and the homes staff may see, as an offline SVG map."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    code = _code(principal)
    with transaction(request) as session:
        municipality = session.get(Municipality, code)
        drawing = municipality_map(session, code, _live_vacancies(session, principal))
        return render(
            request, "map.html", {"municipality": municipality, "map": drawing, "role": "staff"}
        )
