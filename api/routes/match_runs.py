"""Match runs over HTTP: staff ask for a plan of their municipality and read it back.

Thin routes over :mod:`allocation.match_runs`; a run and everything in it belong to
one municipality, and another municipality's run answers 404 like a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from allocation import match_runs, offer_views
from allocation.models import MatchRun
from api.auth import StaffUser
from api.deps import SessionDep
from api.errors import problem_responses
from api.idempotency import IdempotencyKeyHeader, idempotent
from api.routes.allocation_common import (
    Limit,
    OfferOut,
    Offset,
    allocation_problems,
    candidate_reasons,
    offer_out,
    today,
)
from kernel.types import Page, RecordId, UtcDateTime

router = APIRouter(prefix="/match-runs", tags=["match runs"])


class MatchRunCreate(BaseModel):
    """Ask for a plan. Both fields are optional."""

    model_config = ConfigDict(extra="forbid")

    as_of: dt.date | None = Field(
        None,
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),
        description="planning day; default today (Denmark)",
    )
    weights: dict[str, Any] | None = Field(
        None,
        description=(
            "score weights in the matcher's Weights shape (see the problem schema); "
            "default the documented weights"
        ),
    )


class AssignmentOut(BaseModel):
    """One home the plan gives to one citizen, with the score part by part [points]."""

    citizen: str = Field(description="case_ref")
    vacancy: str = Field(description="vacancy id")
    score: int
    breakdown: dict[str, int]


class UnmatchedOut(BaseModel):
    """A citizen the plan leaves without a home, and why."""

    citizen: str = Field(description="case_ref")
    reason: str
    text: str
    feasible_vacancies: int
    funnel: dict[str, int] = Field(description="homes left after each hard rule, in order")


class LeftOutReasonOut(BaseModel):
    """One field of a left-out row that the matcher cannot use, and what is wrong with it."""

    field: str = Field(description="the field in the matcher's document, e.g. 'floor'")
    problem: str = Field(description="the matcher's words")


class LeftOutOut(BaseModel):
    """A case or vacancy the run left out because the matcher cannot use it (fix and re-run)."""

    kind: Literal["citizen", "vacancy"]
    id: str = Field(description="case_ref of a citizen, or the vacancy id")
    reasons: list[LeftOutReasonOut]


class MatchRunSummary(BaseModel):
    """A stored match run in a list: who asked, what the solver said, how much it housed."""

    id: int
    municipality_code: str
    created_at: UtcDateTime
    created_by: str
    purpose: str = Field(description="'match' (asked by staff) or 'propose_next' (re-offer)")
    method: str = Field(description="solver(s) used: min_cost_flow, cp_sat")
    status: str = Field(description="OPTIMAL or FEASIBLE")
    as_of: str
    objective: int = Field(description="sum of the assigned pairs' scores")
    citizens: int
    vacancies: int
    housed: int = Field(description="citizens the plan gives a home")
    unmatched_citizens: int = Field(description="citizens the plan leaves without one")


class MatchRunOut(MatchRunSummary):
    """A stored match run: who asked, what the solver said, the plan."""

    excluded_pairs: list[list[str]] = Field(description="declined/expired [citizen, vacancy]")
    stats: dict[str, Any] = Field(description="the solver's statistics")
    assignments: list[AssignmentOut]
    unmatched: list[UnmatchedOut]
    left_out: list[LeftOutOut] = Field(
        description=(
            "cases and vacancies left out of the plan because the matcher cannot use them "
            "(a row stored before today's bounds), each with its reasons; the rest was planned"
        )
    )


class ExplanationOut(BaseModel):
    """Why the run proposed a home to a citizen, or why it could not."""

    citizen: str
    vacancy: str
    feasible: bool
    excluded: bool = Field(description="the citizen declined or let this home expire before")
    score: int | None
    breakdown: dict[str, int] | None
    reasons: list[str] = Field(description="each broken hard rule with its numbers")
    rules: list[str] = Field(
        default_factory=list, description="the broken hard rules' names, in the reasons' order"
    )
    money: dict[str, Any] | None = Field(
        None,
        description=(
            "a feasible pair's money as its offer states it: rent, housing benefit, what is "
            "left after tax, a § 98 f reduction's end and the rent after it, the deposit"
        ),
    )
    language: str = Field("da", description="the language of the run's texts (reasons, why)")
    housed_bonus: int | None = Field(
        None, description="the run's constant bonus for housing a citizen, part of every score"
    )
    rank: int | None = Field(description="rank among the home's candidates, if listed")
    why: str | None
    assigned: bool
    assigned_vacancy: str | None
    unmatched: dict[str, Any] | None


def run_summary(run: MatchRun) -> dict[str, Any]:
    """The fields of :class:`MatchRunSummary` of a stored run."""
    result = run.result
    return {
        "id": run.id,
        "municipality_code": run.municipality_code,
        "created_at": run.created_at,
        "created_by": run.created_by,
        "purpose": str(run.stats.get("purpose", "match")),
        "method": run.method,
        "status": run.status,
        "as_of": str(result.get("as_of", run.problem.get("as_of"))),
        "objective": int(result.get("objective", 0)),
        "citizens": len(run.problem.get("citizens", [])),
        "vacancies": len(run.problem.get("vacancies", [])),
        "housed": len(result.get("assignments", [])),
        "unmatched_citizens": len(result.get("unmatched", [])),
    }


def run_out(run: MatchRun) -> MatchRunOut:
    result = run.result
    return MatchRunOut(
        **run_summary(run),
        excluded_pairs=[list(p) for p in run.stats.get("excluded_pairs", [])],
        stats=dict(result.get("stats", {})),
        assignments=[
            AssignmentOut(
                citizen=a["citizen"],
                vacancy=a["vacancy"],
                score=a["score"],
                breakdown=a["breakdown"],
            )
            for a in result.get("assignments", [])
        ],
        unmatched=[
            UnmatchedOut(
                citizen=u["citizen"],
                reason=u["reason"],
                text=u["text"],
                feasible_vacancies=u["feasible_vacancies"],
                funnel=u.get("funnel", {}),
            )
            for u in result.get("unmatched", [])
        ],
        left_out=[LeftOutOut.model_validate(item) for item in match_runs.run_left_out(run)],
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MatchRunOut,
    responses=problem_responses(401, 403, 409, 422),
)
def create_match_run(
    body: MatchRunCreate,
    request: Request,
    session: SessionDep,
    principal: StaffUser,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Any:
    """Plan the municipality's open homes and create the ranked proposed offers.

    Earlier proposals that were never sent are withdrawn; pairs a citizen declined
    or let expire are excluded. A retried request with the same Idempotency-Key
    gets the first run back instead of a second plan.
    """
    assert principal.municipality_code is not None

    def create() -> tuple[MatchRunOut, dict[str, str]]:
        with allocation_problems(session):
            run = match_runs.run_match(
                session=session,
                municipality_code=principal.municipality_code or "",
                actor=principal.subject,
                as_of=body.as_of or today(),
                weights=body.weights,
            )
        return run_out(run), {"Location": f"{request.url.path}/{run.id}"}

    return idempotent(
        session,
        request=request,
        principal=principal,
        key=idempotency_key,
        payload=body.model_dump(mode="json"),
        status_code=status.HTTP_201_CREATED,
        create=create,
    )


@router.get("", response_model=Page[MatchRunSummary], responses=problem_responses(401, 403))
def list_match_runs(
    session: SessionDep,
    principal: StaffUser,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[MatchRunSummary]:
    """The municipality's match runs, newest first, paginated (the plans themselves by id)."""
    runs, total = match_runs.list_match_runs(
        session=session,
        municipality_code=principal.municipality_code or "",
        limit=limit,
        offset=offset,
    )
    return Page[MatchRunSummary](
        items=[MatchRunSummary(**run_summary(run)) for run in runs],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{run_id}", response_model=MatchRunOut, responses=problem_responses(401, 403, 404))
def read_match_run(run_id: RecordId, session: SessionDep, principal: StaffUser) -> MatchRunOut:
    """The run: solver status and stats, the assignments and who was left unmatched, why."""
    with allocation_problems(session):
        run = match_runs.get_match_run(
            session=session, run_id=run_id, municipality_code=principal.municipality_code or ""
        )
    return run_out(run)


@router.get(
    "/{run_id}/offers", response_model=Page[OfferOut], responses=problem_responses(401, 403, 404)
)
def read_match_run_offers(
    run_id: RecordId,
    session: SessionDep,
    principal: StaffUser,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[OfferOut]:
    """The run's offers by home and rank (rank 1 = the plan's choice), with the matcher's why."""
    code = principal.municipality_code or ""
    with allocation_problems(session):
        run = match_runs.get_match_run(session=session, run_id=run_id, municipality_code=code)
        offers, total = offer_views.list_offers(
            session=session,
            municipality_code=code,
            today=today(),
            actor=principal.subject,
            match_run_id=run.id,
            limit=limit,
            offset=offset,
        )
    refs = offer_views.case_refs(session, [o.case_id for o in offers])
    reasons = candidate_reasons(run)
    return Page[OfferOut](
        items=[offer_out(o, refs, reasons) for o in offers],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/{run_id}/why-not",
    response_model=ExplanationOut,
    responses=problem_responses(401, 403, 404),
)
@router.get(
    "/{run_id}/explain",
    response_model=ExplanationOut,
    responses=problem_responses(401, 403, 404),
    description="The same as `/why-not` (its first name).",
)
def explain_match_run_pair(
    run_id: RecordId,
    session: SessionDep,
    principal: StaffUser,
    citizen: str = Query(description="case_ref of the citizen", max_length=64),
    vacancy: str = Query(description="vacancy id", max_length=32),
) -> ExplanationOut:
    """Why this citizen was (or was not) proposed for this home in this run.

    Every hard rule that failed, with its numbers; or the score part by part, the
    rank among the home's candidates and the matcher's reasoning.
    """
    with allocation_problems(session):
        explanation = match_runs.why_not(
            session=session,
            run_id=run_id,
            municipality_code=principal.municipality_code or "",
            citizen=citizen,
            vacancy=vacancy,
        )
    return ExplanationOut(**explanation)
