"""Pages for allocation staff (boligsocial anvisning) of one municipality.

Everything here goes through the services the API uses, with the signed-in
principal's municipality as their scope: ``inventory.service`` for vacancies,
districts and the municipality, ``allocation.cases`` for cases (reads audited),
``allocation.match_runs`` for plans and explanations, ``allocation.workflow`` for
sending and answering offers, ``allocation.offer_views`` for lists and a case's
history, ``allocation.use_cases`` for closing a case. A case or offer of another
municipality is "not found" here exactly as in the API. Score parts come from the
matcher's structured ``breakdown``; nothing here parses the matcher's prose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from allocation import cases as case_service
from allocation import letters, match_runs, move_in, offer_views, use_cases, workflow
from allocation.models import CaseStatus, FollowUpOutcome, MatchRun, OfferStatus
from allocation.offer_states import DeclineReason
from allocation.schemas import CloseReason
from api.auth import Principal, Role
from api.routes.allocation_common import today as danish_today
from api.routes.vacancies import scope_of
from api.web import run_views
from api.web.i18n import translator
from api.web.map import municipality_map
from api.web.pages import (
    error_page,
    guard,
    lang_of,
    redirect,
    refused_page,
    render,
    transaction,
)
from api.web.session import csrf_ok
from api.web.staff_cases import case_page_extras
from inventory import service as inventory
from inventory.models import ACTIVE_VACANCY_STATUSES, Vacancy
from kernel.audit import record
from kernel.errors import DomainError
from kernel.formats import day_text
from kernel.messages import Lang

router = APIRouter(prefix="/staff", include_in_schema=False)

#: A sent offer with this many days or fewer left is highlighted.
DEADLINE_WARNING_DAYS = 2
#: Messages a redirect may ask a page to show (``?done=``): a whitelist, never free text.
DONE_MESSAGES = {"sent", "accepted", "declined", "closed", "step", "follow_up", "reopened"}


def _staff(request: Request) -> Principal | Response:
    return guard(request, Role.staff)


def _code(principal: Principal) -> str:
    assert principal.municipality_code is not None  # api.auth guarantees it for staff
    return principal.municipality_code


def breakdown_parts(breakdown: dict[str, Any] | None) -> list[tuple[str, int]]:
    """The matcher's structured score breakdown as (label, points), zero parts left out.

    Every candidate of a result's ``offers`` carries its ``breakdown`` (as every
    assignment does). A run stored before candidates had one still has the assigned
    pair's, from its ``assignments``; for its alternates no parts are shown.
    """
    return [
        (key.replace("_", " "), int(value))
        for key, value in (breakdown or {}).items()
        if isinstance(value, int | float) and value
    ]


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
    offers, _ = offer_views.list_offers(
        session=session,
        municipality_code=_code(principal),
        today=today,
        actor=principal.subject,
        status=OfferStatus.sent,
    )
    refs = offer_views.case_refs(session, [o.case_id for o in offers])
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
        municipality = inventory.get_municipality(session, code)
        vacancies = sorted(
            _live_vacancies(session, principal), key=lambda v: (v.available_from, v.id)
        )
        cases, total_cases = case_service.list_cases(
            session,
            municipality_code=code,
            actor=principal.subject,
            status=CaseStatus.active,
            limit=500,
            offset=0,
        )
        run = match_runs.latest_match_run(session, code)
        context = {
            "municipality": municipality,
            "vacancies": vacancies,
            "cases": cases,
            "total_cases": total_cases,
            "run": _run_summary(run) if run else None,
            "sent": _sent_offers(session, principal),
            "late_steps": [
                v
                for v in move_in.step_views(
                    session, municipality_code=code, today=danish_today(), open_only=True
                )
                if v.late
            ],
            "due_follow_ups": move_in.follow_up_views(
                session, municipality_code=code, today=danish_today(), due_only=True
            ),
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
        return refused_page(request, error)
    return redirect(f"/staff/runs/{run_id}")


def _run_offers(
    session: Session, principal: Principal, run: MatchRun, homes: set[str]
) -> tuple[dict[tuple[str, str], Any], dict[str, int]]:
    """The offers to show for ``homes`` (see :func:`api.web.run_views.current_offers`) and
    the case ids of their case refs, read for those homes only."""
    code = _code(principal)
    workflow.expire_overdue(
        session=session, today=danish_today(), actor=principal.subject, municipality_code=code
    )
    offers = match_runs.plan_offers(
        session,
        municipality_code=code,
        run_id=run.id,
        vacancy_ids=[int(h) for h in homes if h.isdigit()],
    )
    refs = offer_views.case_refs(session, [o.case_id for o in offers])
    own = [o for o in offers if o.match_run_id == run.id]
    live = [o for o in offers if o.status in run_views.LIVE]
    return run_views.current_offers(own, live, refs), {ref: cid for cid, ref in refs.items()}


def _home_blocks(
    session: Session, principal: Principal, run: MatchRun, entries: list[Any], say: Any
) -> list[dict[str, Any]]:
    """Per home of the page: the home, its ranked candidates with offer state and why."""
    ids = {str(e["vacancy"]) for e in entries}
    homes = inventory.vacancies_by_id(
        session, scope=scope_of(principal), vacancy_ids=[int(i) for i in ids if i.isdigit()]
    )
    offers, case_ids = _run_offers(session, principal, run, ids)
    assigned = {
        (a["vacancy"], a["citizen"]): a.get("breakdown") for a in run.result.get("assignments", [])
    }
    blocks = []
    for entry in entries:
        vacancy = homes.get(int(entry["vacancy"])) if str(entry["vacancy"]).isdigit() else None
        if vacancy is None:  # no longer visible to this municipality
            continue
        home = str(entry["vacancy"])
        rows, shown, holder = run_views.candidate_rows(
            entry,
            assigned,
            lambda ref, home=home: offers.get((home, ref)),  # type: ignore[misc]
            case_ids,
            say,
        )
        listed = {r["case_ref"] for r in rows}
        extra = [  # live proposals of this home from a later re-plan, not in this run's list
            {"case_ref": ref, "case_id": case_ids.get(ref), "offer": offer}
            for (h, ref), offer in offers.items()
            if h == home and ref not in listed and offer.status in run_views.LIVE
        ]
        blocks.append(
            {
                "vacancy": vacancy,
                "feasible_citizens": entry.get("feasible_citizens"),
                "candidates": rows,
                "parts": shown,
                "holder": holder,
                "extra": sorted(extra, key=lambda x: x["offer"].rank),
            }
        )
    return blocks


def _run_summary_text(run: MatchRun) -> dict[str, Any]:
    """The run's headline from its result (its problem snapshot is not read)."""
    stats = run.result.get("stats") or {}
    return {
        "id": run.id,
        "status": run.status,
        "when": run_views.local_time(run.created_at),
        "assigned": len(run.result.get("assignments", [])),
        "vacancies": stats.get("vacancies", len(run.result.get("offers", []))),
        "citizens": stats.get("citizens", len(run.result.get("options", []))),
        "unmatched": len(run.result.get("unmatched", [])),
    }


@router.get("/runs/{run_id}")
def run_page(
    request: Request,
    run_id: int,
    done: str | None = None,
    home: str = "",
    citizen: str = "",
    page: int = 1,
    upage: int = 1,
) -> Response:
    """A plan one page of homes at a time: ranked candidates (points without the base,
    the parts that differ, why in words), the live proposals, the unmatched citizens
    with their reason, one "why not" form and the earlier runs."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    say = translator(lang_of(request))
    home, citizen = home.strip().lstrip("#"), citizen.strip()
    try:
        with transaction(request) as session:
            run = match_runs.get_run_result(
                session=session, run_id=run_id, municipality_code=_code(principal)
            )
            entries = run_views.select_homes(
                run.result.get("offers", []), home=home, citizen=citizen
            )
            homes_page = run_views.paged(entries, page, run_views.HOMES_PER_PAGE)
            unmatched = sorted(
                (
                    u
                    for u in run.result.get("unmatched", [])
                    if not citizen or u["citizen"] == citizen
                ),
                key=lambda u: str(u["citizen"]),
            )
            unmatched_page = run_views.paged(unmatched, upage, run_views.UNMATCHED_PER_PAGE)
            runs, total_runs = match_runs.run_summaries(
                session, _code(principal), limit=run_views.RECENT_RUNS
            )
            context = {
                "run": _run_summary_text(run),
                "blocks": _home_blocks(session, principal, run, homes_page.items, say),
                "homes_page": homes_page,
                "unmatched": [
                    {
                        "citizen": u["citizen"],
                        "text": run_views.unmatched_text(u, say, base=_housed_bonus(run.result)),
                    }
                    for u in unmatched_page.items
                ],
                "unmatched_page": unmatched_page,
                "filters": {"home": home, "citizen": citizen},
                "runs": [run_views.run_label(r, say) for r in runs],
                "total_runs": total_runs,
                "latest_id": runs[0].id if runs else run.id,
                "left_out": match_runs.run_left_out(run),
                "done": done if done in DONE_MESSAGES else None,
            }
            return render(request, "staff_run.html", context)
    except DomainError as error:
        return refused_page(request, error)


def _housed_bonus(result: dict[str, Any]) -> int:
    """The run's constant bonus for housing a citizen (the base the pages leave out)."""
    bonus = (result.get("stats") or {}).get("housed_bonus")
    return bonus if isinstance(bonus, int) else 0


def _failed_rules(explanation: dict[str, Any]) -> list[str]:
    """The names of the hard rules a pair fails (``allocation_right`` ...), in order."""
    rules = list(explanation.get("rules", []))
    if explanation.get("excluded") and "excluded" not in rules:
        rules.append("excluded")
    return rules


def _reduction_days(money: dict[str, Any] | None, lang: Lang) -> dict[str, str]:
    """The § 98 f reduction's days in the page's form (23.10.2026 in Danish)."""
    reduction = (money or {}).get("reduction") or {}
    return {
        name: day_text(dt.date.fromisoformat(reduction[name]), lang)
        for name in ("until", "unaffordable_from")
        if reduction.get(name)
    }


def _reason_words(explanation: dict[str, Any], lang: str) -> list[str]:
    """Each failed rule's words with its numbers ("husleje 6.155 kr. er over ..."), in the
    order of :func:`_failed_rules`; empty when the run's texts are in another language
    than the page (the rule names alone are shown then)."""
    if explanation.get("language", "da") != lang:
        return []
    # the reasons are "<the rule's title>: <words>", one per rule of _failed_rules
    words = [
        str(r).split(":", 1)[1].strip() for r in explanation.get("reasons", []) if ":" in str(r)
    ]
    return [w[:1].upper() + w[1:] + ("" if w.endswith(".") else ".") for w in words if w]


@router.get("/runs/{run_id}/explain")
def explain(request: Request, run_id: int, vacancy: str = "", citizen: str = "") -> Response:
    """Why a citizen was (or was not) proposed for a home: failed rules or score parts,
    judged by the matcher on the run's stored snapshot."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    say = translator(lang_of(request))
    vacancy, citizen = vacancy.strip().lstrip("#"), citizen.strip()
    if not vacancy or not citizen:
        return error_page(request, 422, "why_not_choose_both")
    try:
        with transaction(request) as session:
            explanation = match_runs.why_not(
                session=session,
                run_id=run_id,
                municipality_code=_code(principal),
                citizen=citizen,
                vacancy=vacancy,
            )
    except DomainError as error:
        return refused_page(request, error)
    breakdown = explanation.get("breakdown") or {}
    base = int(breakdown.get(run_views.BASE_PART, 0) or 0)
    unmatched = explanation.get("unmatched")
    return render(
        request,
        "staff_explain.html",
        {
            "run_id": run_id,
            "x": explanation,
            "points": (explanation["score"] - base)
            if explanation.get("score") is not None
            else None,
            "parts": [
                (p, int(breakdown.get(p, 0) or 0)) for p in run_views.PARTS if breakdown.get(p)
            ],
            "rules": _failed_rules(explanation),
            # the matcher's words with their numbers, where the run speaks the page's language
            "reason_words": _reason_words(explanation, lang_of(request)),
            "money": explanation.get("money"),
            "money_days": _reduction_days(explanation.get("money"), lang_of(request)),
            "unmatched_text": run_views.unmatched_text(
                unmatched, say, base=int(explanation.get("housed_bonus") or base)
            )
            if unmatched
            else None,
        },
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
        return refused_page(request, error)
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


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, done: str | None = None) -> Response:
    """A citizen's case: the facts staff need, the offers made, the history."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    code = _code(principal)
    try:
        with transaction(request) as session:
            case = case_service.read_case(
                session, municipality_code=code, actor=principal.subject, case_id=case_id
            )
            offers, _ = offer_views.list_offers(
                session=session,
                municipality_code=code,
                today=danish_today(),
                actor=principal.subject,
                case_id=case.id,
            )
            homes = inventory.vacancies_by_id(
                session, scope=scope_of(principal), vacancy_ids=[o.vacancy_id for o in offers]
            )
            history = offer_views.case_history(session, case.id, [o.id for o in offers])
            today = danish_today()
            return render(
                request,
                "staff_case.html",
                {
                    "case": case,
                    "offers": sorted(offers, key=lambda o: o.id, reverse=True),
                    "homes": homes,
                    "history": history,
                    "decline_reasons": [r.value for r in DeclineReason],
                    "close_reasons": [r.value for r in CloseReason],
                    "warning_days": DEADLINE_WARNING_DAYS,
                    "letters": letters.letters_of_case(session, case.id),
                    "steps": move_in.step_views(
                        session, municipality_code=code, today=today, case_id=case.id
                    ),
                    "follow_ups": move_in.follow_up_views(
                        session, municipality_code=code, today=today, case_id=case.id
                    ),
                    "outcomes": [o.value for o in FollowUpOutcome],
                    "can_reopen": move_in.can_reopen(session, case),
                    "earlier_cases": move_in.case_chain(session, case),
                    "done": done if done in DONE_MESSAGES else None,
                    **case_page_extras(request, case, history),
                },
            )
    except DomainError as error:
        return refused_page(request, error)


@router.post("/cases/{case_id}/close")
def close_case(
    request: Request,
    case_id: int,
    csrf: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Close an active case with a reason; its open offers are withdrawn (as through the API)."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    try:
        why = CloseReason(reason)
    except ValueError:
        return error_page(request, 422, "invalid_value")
    try:
        with transaction(request) as session:
            use_cases.close_case(
                session=session,
                municipality_code=_code(principal),
                actor=principal.subject,
                case_id=case_id,
                reason=why,
            )
    except DomainError as error:
        return refused_page(request, error)
    return redirect(f"/staff/cases/{case_id}?done=closed")


@router.get("/map")
def map_page(request: Request) -> Response:
    """The municipality's districts and the homes staff may see, as an offline SVG map."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    code = _code(principal)
    with transaction(request) as session:
        municipality = inventory.get_municipality(session, code)
        drawing = municipality_map(session, code, _live_vacancies(session, principal))
        return render(
            request, "map.html", {"municipality": municipality, "map": drawing, "role": "staff"}
        )


# --- letters, move-in steps, follow-up (issue 15) ---------------------------------------


def _letter(request: Request, offer_id: int, pdf: bool) -> Response:
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    try:
        with transaction(request) as session:
            letter = letters.get_letter(
                session, offer_id=offer_id, municipality_code=_code(principal)
            )
            record(
                session,
                actor=principal.subject,
                action="letter.read",
                entity="offer",
                entity_id=offer_id,
                after={"format": "pdf" if pdf else "html"},
            )
            content = letter.pdf if pdf else letter.html.encode()
    except DomainError as error:
        return refused_page(request, error)
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if pdf:
        headers["Content-Disposition"] = f'inline; filename="tilbud-{offer_id}.pdf"'
    media = "application/pdf" if pdf else "text/html; charset=utf-8"
    return Response(content, media_type=media, headers=headers)


@router.get("/offers/{offer_id}/letter")
def letter_html(request: Request, offer_id: int) -> Response:
    """The offer letter as sent (HTML); reading it is audited (it names the citizen)."""
    return _letter(request, offer_id, pdf=False)


@router.get("/offers/{offer_id}/letter.pdf")
def letter_pdf(request: Request, offer_id: int) -> Response:
    """The offer letter as the PDF that was sent."""
    return _letter(request, offer_id, pdf=True)


def _parse_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else danish_today()
    except ValueError:
        return None


@router.post("/steps/{step_id}/done")
def step_done(
    request: Request,
    step_id: int,
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
    done_on: Annotated[str, Form()] = "",
    detail: Annotated[str, Form()] = "",
) -> Response:
    """Mark a move-in step done (moving in schedules the follow-ups)."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    day = _parse_day(done_on)
    if day is None:
        return error_page(request, 422, "invalid_value")
    try:
        with transaction(request) as session:
            move_in.complete_step(
                session,
                step_id=step_id,
                municipality_code=_code(principal),
                actor=principal.subject,
                done_on=day,
                detail=detail,
            )
    except DomainError as error:
        return refused_page(request, error)
    return redirect(_with_done(_back(next, "/staff"), "step"))


@router.post("/follow-ups/{follow_up_id}")
def follow_up(
    request: Request,
    follow_up_id: int,
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    outcome_on: Annotated[str, Form()] = "",
) -> Response:
    """Record a 3/6/12-month follow-up."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    day = _parse_day(outcome_on)
    try:
        result = FollowUpOutcome(outcome)
    except ValueError:
        return error_page(request, 422, "invalid_value")
    if day is None:
        return error_page(request, 422, "invalid_value")
    try:
        with transaction(request) as session:
            move_in.record_follow_up(
                session,
                follow_up_id=follow_up_id,
                municipality_code=_code(principal),
                actor=principal.subject,
                outcome=result,
                outcome_on=day,
            )
    except DomainError as error:
        return refused_page(request, error)
    return redirect(_with_done(_back(next, "/staff"), "follow_up"))


@router.post("/cases/{case_id}/reopen")
def reopen(request: Request, case_id: int, csrf: Annotated[str, Form()] = "") -> Response:
    """Open a new case, linked to this one, for a citizen who is homeless again."""
    principal = _staff(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    try:
        with transaction(request) as session:
            new = move_in.reopen_case(
                session,
                case_id=case_id,
                municipality_code=_code(principal),
                actor=principal.subject,
                today=danish_today(),
            )
            new_id = new.id
    except DomainError as error:
        return refused_page(request, error)
    return redirect(f"/staff/cases/{new_id}?done=reopened")
