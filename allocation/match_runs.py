"""Match runs: ask the matcher for a municipality's plan and keep what it said.

A match run is the record staff decide from. It stores the exact problem document
the matcher saw (a snapshot, so a run can be explained later even after cases and
vacancies have changed), the weights and exclusions used, the solver's statistics and
the result document, and it turns the result's ranked candidates into ``proposed``
offers: rank 1 is the citizen the plan assigns the home to, the alternates follow in
the order to offer them if the first declines (DOMAIN.md section 6: the solver
proposes; staff decide).

Explanations are recomputed from the snapshot rather than stored: the matcher gives
the same output for the same input byte for byte (CONTRACT.md section 4), and the
``pairs`` section grows as citizens x vacancies, far too large to keep per run.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from allocation.models import CaseStatus, CitizenCase, MatchRun, Offer, OfferStatus
from allocation.problem_builder import build_problem
from inventory.models import Municipality
from kernel.audit import record
from kernel.errors import Invalid, NotFound, ProblemItem
from kernel.policy import MunicipalityPolicy
from kernel.settings import get_settings

RUN_ENTITY = "match_run"
OFFER_ENTITY = "offer"

#: Offer statuses that still take part in the workflow (neither answered nor withdrawn).
OPEN_OFFER_STATUSES = (OfferStatus.proposed, OfferStatus.sent)
#: Answers that rule a (citizen, vacancy) pair out of every later plan.
REFUSED_OFFER_STATUSES = (OfferStatus.declined, OfferStatus.expired)


def matcher_policy(policy: MunicipalityPolicy) -> dict[str, Any]:
    """The problem document's ``policy`` for a municipality's settings (kernel.policy)."""
    return policy.problem_policy()


def refused_pairs(session: Session, municipality_code: str) -> set[tuple[str, str]]:
    """Every (case_ref, vacancy id) pair the citizen declined or let expire.

    These pairs are excluded from every later plan of the municipality: asking the
    same citizen again about the same home would only repeat the refusal.
    """
    stmt = (
        select(CitizenCase.case_ref, Offer.vacancy_id)
        .join(CitizenCase, CitizenCase.id == Offer.case_id)
        .where(
            CitizenCase.municipality_code == municipality_code,
            Offer.status.in_(REFUSED_OFFER_STATUSES),
        )
    )
    return {(ref, str(vacancy_id)) for ref, vacancy_id in session.execute(stmt)}


def _cases_awaiting_answer(session: Session, municipality_code: str) -> set[str]:
    """Case refs with a sent offer: one citizen is offered one home at a time."""
    stmt = (
        select(CitizenCase.case_ref)
        .join(Offer, Offer.case_id == CitizenCase.id)
        .where(
            CitizenCase.municipality_code == municipality_code,
            Offer.status == OfferStatus.sent,
        )
    )
    return set(session.scalars(stmt))


def municipality_problem(
    session: Session,
    municipality_code: str,
    *,
    as_of: dt.date,
    weights: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The problem document a match run solves, with the municipality's own policy.

    Open vacancies under the municipality's allocation right and its active cases,
    minus the citizens who are waiting to answer an offer already sent.
    """
    extra: dict[str, Any] = {
        "policy": matcher_policy(get_settings().policy_for(municipality_code)),
    }
    if weights is not None:
        extra["weights"] = weights
    problem = build_problem(session, municipality_code, as_of=as_of, extra=extra)
    waiting = _cases_awaiting_answer(session, municipality_code)
    if waiting:
        problem["citizens"] = [c for c in problem["citizens"] if c["id"] not in waiting]
    return problem


def solve(
    problem: dict[str, Any],
    *,
    exclude: Iterable[tuple[str, str]] = (),
    explain: bool = False,
) -> dict[str, Any]:
    """Solve ``problem`` with the matcher; unusable input becomes :class:`Invalid`.

    Only ``weights`` can be wrong here (the rest comes from validated rows), so the
    matcher's field paths are passed on for the client to fix. Exclusions of
    citizens or homes no longer in the problem (housed, removed, let) are dropped:
    the matcher refuses pairs it does not know.
    """
    from matcher.api import solve_problem
    from matcher.problem import ProblemError

    citizens = {c["id"] for c in problem.get("citizens", [])}
    vacancies = {v["id"] for v in problem.get("vacancies", [])}
    relevant = frozenset((c, v) for c, v in exclude if c in citizens and v in vacancies)
    try:
        return solve_problem(problem, explain=explain, exclude=relevant)
    except ProblemError as error:
        raise Invalid(
            "invalid-problem",
            "The matching problem is invalid",
            "; ".join(f"{path}: {message}" for path, message in error.issues),
            errors=[ProblemItem(field=path, problem=message) for path, message in error.issues],
        ) from None


def _method(result: dict[str, Any]) -> str:
    """Which solvers produced the plan, e.g. ``min_cost_flow`` or ``cp_sat+min_cost_flow``."""
    stats = result.get("stats") or {}
    solvers = {
        str(c.get("solver"))
        for c in stats.get("per_component", [])
        if c.get("solver") not in (None, "none")
    }
    solvers |= {str(a["solver"]) for a in result.get("assignments", []) if a.get("solver")}
    return "+".join(sorted(solvers)) or "none"


def offer_state(offer: Offer) -> dict[str, Any]:
    """An offer's workflow state for the audit trail: ids and dates, no personal data."""
    return {
        "status": offer.status.value,
        "vacancy_id": offer.vacancy_id,
        "case_id": offer.case_id,
        "rank": offer.rank,
        "answer_deadline": offer.answer_deadline.isoformat() if offer.answer_deadline else None,
        "decline_reason": offer.decline_reason,
        "version": offer.version,
    }


def record_offer(
    session: Session,
    offer: Offer,
    *,
    actor: str,
    action: str,
    before: dict[str, Any] | None,
    **extra: Any,
) -> None:
    """Audit an offer's transition: ``before`` → its state now, plus ``extra`` facts.

    Call it after flushing the change, so the recorded version is the new one.
    """
    record(
        session,
        actor=actor,
        action=action,
        entity=OFFER_ENTITY,
        entity_id=offer.id,
        before=before,
        after={**offer_state(offer), **extra},
    )


def withdraw_offer(session: Session, offer: Offer, *, actor: str, why: str) -> None:
    """Withdraw an open offer and audit it (``why`` says what made it moot)."""
    before = offer_state(offer)
    offer.status = OfferStatus.withdrawn
    session.flush()
    record_offer(session, offer, actor=actor, action="offer.withdraw", before=before, why=why)


def store_run(
    session: Session,
    *,
    municipality_code: str,
    actor: str,
    problem: dict[str, Any],
    exclude: set[tuple[str, str]],
    weights: dict[str, Any] | None,
    purpose: str,
    only_vacancy: str | None = None,
) -> tuple[MatchRun, list[Offer]]:
    """Solve ``problem``, store the run and its proposed offers, audit it.

    ``only_vacancy`` limits the proposed offers to one vacancy (a re-offer after a
    refusal); the stored result is still the whole plan, so the run explains itself.
    """
    started = time.perf_counter()
    result = solve(problem, exclude=exclude)
    solve_seconds = time.perf_counter() - started
    run = MatchRun(
        municipality_code=municipality_code,
        created_by=actor,
        method=_method(result)[:32],
        status=str(result["status"]),
        problem=problem,
        result=result,
        stats={
            "purpose": purpose,
            "vacancy_id": only_vacancy,
            "weights": weights,
            "excluded_pairs": [list(pair) for pair in result.get("excluded", [])],
            "solve_seconds": round(solve_seconds, 4),
            "solver": result.get("stats", {}),
        },
    )
    session.add(run)
    session.flush()

    rows = session.execute(
        select(CitizenCase.case_ref, CitizenCase.id).where(
            CitizenCase.municipality_code == municipality_code,
            CitizenCase.status == CaseStatus.active,
        )
    )
    case_ids: dict[str, int] = {ref: case_id for ref, case_id in rows}
    offers: list[Offer] = []
    for entry in result.get("offers", []):
        if only_vacancy is not None and entry["vacancy"] != only_vacancy:
            continue
        for candidate in entry["candidates"]:
            offer = Offer(
                match_run_id=run.id,
                vacancy_id=int(entry["vacancy"]),
                case_id=case_ids[candidate["citizen"]],
                rank=int(candidate["rank"]),
                score=int(candidate["score"]),
                status=OfferStatus.proposed,
            )
            session.add(offer)
            offers.append(offer)
    session.flush()
    record(
        session,
        actor=actor,
        action="match_run.create",
        entity=RUN_ENTITY,
        entity_id=run.id,
        after={
            "purpose": purpose,
            "municipality_code": municipality_code,
            "vacancy_id": only_vacancy,
            "status": run.status,
            "method": run.method,
            "citizens": len(problem["citizens"]),
            "vacancies": len(problem["vacancies"]),
            "assignments": len(result.get("assignments", [])),
            "proposed_offers": len(offers),
            "excluded_pairs": len(result.get("excluded", [])),
        },
    )
    return run, offers


def supersede_proposals(
    session: Session, municipality_code: str, *, actor: str, vacancy_id: int | None = None
) -> None:
    """Withdraw proposed (never sent) offers of earlier runs: the newest plan replaces them."""
    stmt = (
        select(Offer)
        .join(CitizenCase, CitizenCase.id == Offer.case_id)
        .where(
            Offer.status == OfferStatus.proposed,
            CitizenCase.municipality_code == municipality_code,
        )
        .order_by(Offer.id)
        .with_for_update(of=Offer)
    )
    if vacancy_id is not None:
        stmt = stmt.where(Offer.vacancy_id == vacancy_id)
    for offer in session.scalars(stmt):
        withdraw_offer(session, offer, actor=actor, why="superseded by a newer match run")


def lock_municipality(session: Session, municipality_code: str) -> None:
    """Serialise planning per municipality (``SELECT ... FOR UPDATE`` on PostgreSQL).

    Two plans made at once would each withdraw the other's proposals and leave
    duplicates; holding the municipality's row for the transaction makes the
    second wait for the first. SQLite serialises writers anyway.
    """
    session.execute(
        select(Municipality.code).where(Municipality.code == municipality_code).with_for_update()
    )


def run_match(
    *,
    session: Session,
    municipality_code: str,
    actor: str,
    as_of: dt.date,
    weights: dict[str, Any] | None = None,
) -> MatchRun:
    """Plan the municipality's open vacancies and create the ranked proposed offers.

    Parameters
    ----------
    session : Session
        The caller's transaction; nothing is committed here.
    municipality_code : str
        The acting municipality (its allocation right decides which vacancies count).
    actor : str
        Who asked, for the audit trail.
    as_of : date
        The planning day (ages, time homeless, benefit-rate year).
    weights : dict, optional
        Score weights in the matcher's ``Weights`` shape; invalid ones raise
        :class:`Invalid` naming the field.

    Proposed offers of earlier runs are withdrawn (a newer plan replaces them) and
    every pair a citizen has declined or let expire is excluded.
    """
    lock_municipality(session, municipality_code)
    problem = municipality_problem(session, municipality_code, as_of=as_of, weights=weights)
    exclude = refused_pairs(session, municipality_code)
    supersede_proposals(session, municipality_code, actor=actor)
    run, _ = store_run(
        session,
        municipality_code=municipality_code,
        actor=actor,
        problem=problem,
        exclude=exclude,
        weights=weights,
        purpose="match",
    )
    return run


def get_match_run(*, session: Session, run_id: int, municipality_code: str) -> MatchRun:
    """The run, if it belongs to ``municipality_code`` (otherwise :class:`NotFound`)."""
    run = session.get(MatchRun, run_id)
    if run is None or run.municipality_code != municipality_code:
        raise NotFound("match-run-not-found", "Match run not found", f"No match run {run_id}.")
    return run


def latest_match_run(session: Session, municipality_code: str) -> MatchRun | None:
    """The municipality's newest run (a re-offer and the staff pages keep its terms)."""
    return session.scalar(
        select(MatchRun)
        .where(MatchRun.municipality_code == municipality_code)
        .order_by(MatchRun.id.desc())
        .limit(1)
    )


def list_match_runs(
    *, session: Session, municipality_code: str, limit: int, offset: int
) -> tuple[list[MatchRun], int]:
    """The municipality's runs, newest first (by id), one page; and how many in all."""
    total = session.scalar(
        select(func.count())
        .select_from(MatchRun)
        .where(MatchRun.municipality_code == municipality_code)
    )
    runs = session.scalars(
        select(MatchRun)
        .where(MatchRun.municipality_code == municipality_code)
        .order_by(MatchRun.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(runs), int(total or 0)


def pair_problem(
    base: dict[str, Any],
    citizen: dict[str, Any],
    vacancy: dict[str, Any],
    *,
    housed_bonus: int | None,
) -> dict[str, Any]:
    """A one-citizen, one-home problem under ``base``'s policies and weights.

    Every hard rule and every part of a score is a function of the pair alone, except
    the automatic housed bonus, which grows with the problem; pinning it to the
    bonus the full plan used (``housed_bonus``) makes the pair's score equal to its
    score in that plan. Solving this takes milliseconds where explaining every pair
    of a municipality grows as citizens x vacancies.
    """
    problem = {k: v for k, v in base.items() if k not in ("citizens", "vacancies")}
    problem["citizens"], problem["vacancies"] = [citizen], [vacancy]
    if housed_bonus is None:
        return problem

    def pinned(weights: dict[str, Any]) -> dict[str, Any]:
        if weights.get("housed") is None:
            return {**weights, "housed": housed_bonus}
        return weights

    # The document's weights, and any policy's own weights that replace them.
    problem["weights"] = pinned(dict(problem.get("weights") or {}))
    if isinstance((problem.get("policy") or {}).get("weights"), dict):
        problem["policy"] = {**problem["policy"], "weights": pinned(problem["policy"]["weights"])}
    if problem.get("municipality_policies"):
        problem["municipality_policies"] = {
            code: (
                {**policy, "weights": pinned(policy["weights"])}
                if isinstance(policy.get("weights"), dict)
                else policy
            )
            for code, policy in problem["municipality_policies"].items()
        }
    return problem


def run_weights(run: MatchRun | None) -> dict[str, Any] | None:
    """The score weights ``run`` was asked with, if it set any."""
    weights = run.stats.get("weights") if run is not None else None
    return weights if isinstance(weights, dict) else None


def run_housed_bonus(run: MatchRun | None) -> int | None:
    """The automatic housed bonus ``run``'s solver used (for :func:`pair_problem`)."""
    bonus = (run.result.get("stats") or {}).get("housed_bonus") if run is not None else None
    return bonus if isinstance(bonus, int) else None


def judge_pair(problem: dict[str, Any]) -> dict[str, Any]:
    """The matcher's verdict on a :func:`pair_problem`: feasible, score, breakdown, reasons."""
    pairs = solve(problem, explain=True).get("pairs") or []
    if not pairs:
        return {"feasible": False, "score": None, "breakdown": None, "reasons": []}
    return dict(pairs[0])


def explain_pair(*, run: MatchRun, citizen: str, vacancy: str) -> dict[str, Any]:
    """Why the run proposed (or could not propose) ``vacancy`` to ``citizen``.

    Judges the pair from the run's stored snapshot (its rows as they were, its
    policy and weights, its housed bonus: so the numbers are the run's) and adds
    where the pair stands in the plan: its rank among the home's candidates, the
    matcher's reasoning, whether the plan assigns it, and why the citizen was left
    unmatched if they were. A pair excluded because the citizen refused the home
    before says so.
    """
    citizen_doc = next((c for c in run.problem.get("citizens", []) if c["id"] == citizen), None)
    vacancy_doc = next((v for v in run.problem.get("vacancies", []) if v["id"] == vacancy), None)
    if citizen_doc is None:
        raise NotFound(
            "citizen-not-in-run", "Citizen not in this match run", f"No citizen {citizen!r}."
        )
    if vacancy_doc is None:
        raise NotFound(
            "vacancy-not-in-run", "Vacancy not in this match run", f"No vacancy {vacancy!r}."
        )
    excluded = {(c, v) for c, v in run.stats.get("excluded_pairs", [])}
    verdict = judge_pair(
        pair_problem(run.problem, citizen_doc, vacancy_doc, housed_bonus=run_housed_bonus(run))
    )
    candidate = next(
        (
            c
            for o in run.result.get("offers", [])
            if o["vacancy"] == vacancy
            for c in o["candidates"]
            if c["citizen"] == citizen
        ),
        None,
    )
    assignment = next(
        (a for a in run.result.get("assignments", []) if a["citizen"] == citizen), None
    )
    unmatched = next((u for u in run.result.get("unmatched", []) if u["citizen"] == citizen), None)
    is_excluded = (citizen, vacancy) in excluded
    reasons = list(verdict.get("reasons", [])) if verdict else []
    if is_excluded and not reasons:
        reasons = ["the citizen has already declined or let an offer of this home expire"]
    return {
        "citizen": citizen,
        "vacancy": vacancy,
        "feasible": bool(verdict and verdict.get("feasible")) and not is_excluded,
        "excluded": is_excluded,
        "score": verdict.get("score") if verdict else None,
        "breakdown": verdict.get("breakdown") if verdict else None,
        "reasons": reasons,
        "rank": candidate["rank"] if candidate else None,
        "why": candidate.get("why") if candidate else None,
        "assigned": bool(assignment and assignment["vacancy"] == vacancy),
        "assigned_vacancy": assignment["vacancy"] if assignment else None,
        "unmatched": unmatched,
    }
