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
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from allocation.models import CitizenCase, MatchRun, Offer, OfferStatus
from allocation.offer_repository import (
    active_case_ids,
    cases_awaiting_answer,
    lock_municipality,
    refused_pairs,
    supersede_proposals,
)
from allocation.problem_builder import ProblemDocument, build_problem
from kernel.audit import record
from kernel.errors import Invalid, NotFound, ProblemItem
from kernel.policy import MunicipalityPolicy
from kernel.settings import get_settings

if TYPE_CHECKING:  # the matcher is imported when a run solves (a lean CLI start-up)
    from matcher.replan import Replanner

RUN_ENTITY = "match_run"

K = TypeVar("K")
V = TypeVar("V")


def matcher_policy(policy: MunicipalityPolicy) -> dict[str, Any]:
    """The problem document's ``policy`` for a municipality's settings (kernel.policy)."""
    return policy.problem_policy()


def municipality_problem(
    session: Session,
    municipality_code: str,
    *,
    as_of: dt.date,
    weights: dict[str, Any] | None = None,
) -> ProblemDocument:
    """The problem document a match run solves, with the municipality's own policy.

    Open vacancies under the municipality's allocation right and its active cases,
    minus the citizens who are waiting to answer an offer already sent.
    """
    from matcher.api import paused_gc  # the matcher's own pause; imported when a run solves

    # Thousands of small documents and no reference cycles: the collector is paused
    # while they are built, as the matcher pauses it (a full collection over the
    # process's heap in the middle of a decline made its slowest tenth 100 ms slower).
    with paused_gc():
        problem = build_problem(
            session,
            municipality_code,
            as_of=as_of,
            policy=matcher_policy(get_settings().policy_for(municipality_code)),
            weights=weights,
        )
    waiting = cases_awaiting_answer(session, municipality_code)
    if waiting:
        problem["citizens"] = [c for c in problem["citizens"] if c["id"] not in waiting]
    return problem


def _solve_document(
    problem: Mapping[str, Any],
    *,
    exclude: Iterable[tuple[str, str]],
    explain: bool,
    replanner: Replanner | None = None,
) -> dict[str, Any]:
    """The matcher's answer for ``problem``; an unusable document raises ``ProblemError``.

    Exclusions of citizens or homes no longer in the problem (housed, removed, let,
    left out) are dropped: the matcher refuses pairs it does not know.
    """
    from matcher.api import solve_problem

    citizens = {c["id"] for c in problem.get("citizens", [])}
    vacancies = {v["id"] for v in problem.get("vacancies", [])}
    relevant = frozenset((c, v) for c, v in exclude if c in citizens and v in vacancies)
    return solve_problem(dict(problem), explain=explain, exclude=relevant, replanner=replanner)


class _Recent(Generic[K, V]):
    """The few most recently used values of a process, by key, shared by its threads."""

    def __init__(self, kept: int) -> None:
        self._values: OrderedDict[K, V] = OrderedDict()
        self._kept = kept
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` unless a value for ``key`` is already kept; the kept one."""
        with self._lock:
            kept = self._values.setdefault(key, value)
            self._values.move_to_end(key)
            while len(self._values) > self._kept:
                self._values.popitem(last=False)
            return kept


def _database_of(session: Session) -> str:
    """The session's database URL without its password: part of a process cache's key,
    so two databases' rows with one id are never confused."""
    return session.connection().engine.url.render_as_string(hide_password=True)


# municipalities kept per process (about 40 MB each for 1,500 x 400)
_REPLANNERS: _Recent[tuple[str, str], Replanner] = _Recent(kept=4)


def replanner_for(session: Session, municipality_code: str) -> Replanner:
    """This process's :class:`matcher.replan.Replanner` of a municipality's plans.

    A re-plan after a decline, an expiry, a withdrawal or an acceptance is mostly the
    last plan's problem minus the citizens and homes still under offer: the replanner
    then reads the hard rules' verdicts of that problem instead of judging every pair
    again, with the same result (it compares the rows themselves, so no change in the
    database can slip past it). Kept per database and municipality, for the few most
    recently planned municipalities.
    """
    from matcher.replan import Replanner

    key = (_database_of(session), municipality_code)
    return _REPLANNERS.get(key) or _REPLANNERS.put(key, Replanner())


def _invalid(issues: Iterable[tuple[str, str]]) -> Invalid:
    issues = list(issues)
    return Invalid(
        "invalid-problem",
        "The matching problem is invalid",
        "; ".join(f"{path}: {message}" for path, message in issues),
        errors=[ProblemItem(field=path, problem=message) for path, message in issues],
    )


def solve(
    problem: Mapping[str, Any],
    *,
    exclude: Iterable[tuple[str, str]] = (),
    explain: bool = False,
) -> dict[str, Any]:
    """Solve ``problem`` with the matcher; unusable input becomes :class:`Invalid`.

    For a document as given (a stored snapshot, a one-pair problem), where nothing
    may be left out; a match run solves through :func:`solve_plan`, which isolates
    unusable rows instead. The matcher's field paths are passed on for the client.
    """
    from matcher.problem import ProblemError

    try:
        return _solve_document(problem, exclude=exclude, explain=explain)
    except ProblemError as error:
        raise _invalid(error.issues) from None


#: A matcher issue about one citizen or vacancy: ``vacancies[3].floor`` -> kind, index, field.
_ITEM_ISSUE = re.compile(r"(citizens|vacancies)\[([0-9]+)\](?:\.(.+))?")
_ITEM_KIND = {"citizens": "citizen", "vacancies": "vacancy"}


def _without_unusable(
    problem: ProblemDocument, issues: Iterable[tuple[str, str]]
) -> tuple[ProblemDocument, list[dict[str, Any]]]:
    """``problem`` minus each citizen and vacancy an issue names, and what was left out.

    Each left-out item is ``{"kind", "id", "reasons": [{"field", "problem"}]}`` (the
    matcher's own words). Issues about anything else (the weights, the policy) are
    not the rows' fault and are left to the caller.
    """
    named: dict[tuple[str, int], list[dict[str, str]]] = {}
    for path, message in issues:
        match = _ITEM_ISSUE.fullmatch(path)
        if match:
            key = (match[1], int(match[2]))
            named.setdefault(key, []).append({"field": match[3] or "", "problem": message})
    left_out: list[dict[str, Any]] = []
    document: dict[str, Any] = dict(problem)
    for section in ("citizens", "vacancies"):
        keep = []
        for index, item in enumerate(document[section]):
            reasons = named.get((section, index))
            if reasons is None:
                keep.append(item)
            else:
                left_out.append(
                    {"kind": _ITEM_KIND[section], "id": str(item["id"]), "reasons": reasons}
                )
        document[section] = keep
    return cast(ProblemDocument, document), left_out


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


@dataclass(frozen=True)
class Plan:
    """What the matcher answered for one problem, and how long it took: ready to store.

    ``problem`` is the document actually solved; ``left_out`` lists the citizens and
    vacancies the matcher could not use (see :func:`solve_plan`), each with its reasons.
    """

    problem: ProblemDocument
    result: dict[str, Any]
    solve_seconds: float
    left_out: tuple[dict[str, Any], ...] = ()


def solve_plan(
    problem: ProblemDocument,
    *,
    exclude: Iterable[tuple[str, str]] = (),
    replanner: Replanner | None = None,
) -> Plan:
    """Solve ``problem`` (the refused pairs in ``exclude`` left out), timing the solver.

    With a ``replanner`` (:func:`replanner_for`) the matcher may re-use the hard rules'
    verdicts of the municipality's previous problem; the plan is the same.

    Fault isolation: a citizen or vacancy the matcher cannot use (a row stored before
    the bounds of ``matcher.bounds`` existed, or written around them) is left out of
    the plan with the matcher's reasons, and the rest of the municipality is planned;
    one bad row never blocks a run. Only a problem with the request itself (invalid
    weights) raises :class:`Invalid`. The common case validates once: rows are only
    sorted out after the matcher has refused the whole document.
    """
    from matcher.problem import ProblemError

    pairs = tuple(exclude)
    left_out: list[dict[str, Any]] = []
    started = time.perf_counter()
    while True:  # each round leaves out at least one row, so this ends
        try:
            result = _solve_document(problem, exclude=pairs, explain=False, replanner=replanner)
        except ProblemError as error:
            problem, removed = _without_unusable(problem, error.issues)
            if not removed:
                raise _invalid(error.issues) from None
            left_out.extend(removed)
            continue
        return Plan(problem, result, time.perf_counter() - started, tuple(left_out))


def store_run(
    session: Session,
    *,
    municipality_code: str,
    actor: str,
    plan: Plan,
    weights: dict[str, Any] | None,
    purpose: str,
    only_vacancy: str | None = None,
) -> tuple[MatchRun, list[Offer]]:
    """Store a solved plan as a run with its proposed offers, and audit it (no solving here).

    ``only_vacancy`` limits the proposed offers to one vacancy (a re-offer after a
    refusal); the stored result is still the whole plan, so the run explains itself.
    """
    problem, result = plan.problem, plan.result
    run = MatchRun(
        municipality_code=municipality_code,
        created_by=actor,
        method=_method(result)[:32],
        status=str(result["status"]),
        problem=dict(problem),
        result=result,
        stats={
            "purpose": purpose,
            "vacancy_id": only_vacancy,
            "weights": weights,
            "excluded_pairs": [list(pair) for pair in result.get("excluded", [])],
            "solve_seconds": round(plan.solve_seconds, 4),
            "solver": result.get("stats", {}),
            "left_out": list(plan.left_out),
        },
    )
    session.add(run)
    session.flush()

    case_ids = active_case_ids(session, municipality_code)
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
            "left_out": [f"{item['kind']} {item['id']}" for item in plan.left_out],
        },
    )
    return run, offers


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
    solved = solve_plan(
        problem,
        exclude=refused_pairs(session, municipality_code),
        replanner=replanner_for(session, municipality_code),
    )
    supersede_proposals(session, municipality_code, actor=actor)
    run, _ = store_run(
        session,
        municipality_code=municipality_code,
        actor=actor,
        plan=solved,
        weights=weights,
        purpose="match",
    )
    return run


def run_not_found(run_id: int) -> NotFound:
    """The one answer for a run that is missing or another municipality's."""
    return NotFound(
        "match-run-not-found", "Match run not found", key="no_match_run", values={"run_id": run_id}
    )


def get_match_run(*, session: Session, run_id: int, municipality_code: str) -> MatchRun:
    """The run, if it belongs to ``municipality_code`` (otherwise :class:`NotFound`)."""
    run = session.get(MatchRun, run_id)
    if run is None or run.municipality_code != municipality_code:
        raise run_not_found(run_id)
    return run


def latest_match_run(session: Session, municipality_code: str) -> MatchRun | None:
    """The municipality's newest run (a re-offer and the staff pages keep its terms)."""
    return session.scalar(
        select(MatchRun)
        .where(MatchRun.municipality_code == municipality_code)
        .order_by(MatchRun.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class RunTerms:
    """What a re-offer and a pair check keep of the newest run: its weights and bonus."""

    weights: dict[str, Any] | None
    housed_bonus: int | None


def latest_run_terms(session: Session, municipality_code: str) -> RunTerms:
    """The newest run's terms, read from its small ``stats`` column only.

    :func:`latest_match_run` loads the run's problem snapshot and result document
    (megabytes of JSON for a large municipality); every decline, expiry and send
    needs only the weights and the housed bonus, which ``stats`` also holds.
    """
    stats = session.scalar(
        select(MatchRun.stats)
        .where(MatchRun.municipality_code == municipality_code)
        .order_by(MatchRun.id.desc())
        .limit(1)
    )
    if not isinstance(stats, dict):
        return RunTerms(None, None)
    weights = stats.get("weights")
    bonus = (stats.get("solver") or {}).get("housed_bonus")
    return RunTerms(
        weights if isinstance(weights, dict) else None,
        bonus if isinstance(bonus, int) else None,
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
    base: Mapping[str, Any],
    citizen: Mapping[str, Any],
    vacancy: Mapping[str, Any],
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


def run_left_out(run: MatchRun) -> list[dict[str, Any]]:
    """The citizens and vacancies ``run`` left out as unusable, with the reasons (or none)."""
    left_out = run.stats.get("left_out")
    return [dict(item) for item in left_out] if isinstance(left_out, list) else []


def run_weights(run: MatchRun | None) -> dict[str, Any] | None:
    """The score weights ``run`` was asked with, if it set any."""
    weights = run.stats.get("weights") if run is not None else None
    return weights if isinstance(weights, dict) else None


def judge_pair(problem: dict[str, Any]) -> dict[str, Any]:
    """The matcher's verdict on a :func:`pair_problem`: feasible, score, breakdown, reasons."""
    pairs = solve(problem, explain=True).get("pairs") or []
    if not pairs:
        return {"feasible": False, "score": None, "breakdown": None, "reasons": []}
    return dict(pairs[0])


@dataclass(frozen=True)
class RunIndex:
    """A stored run's documents, indexed for "why (not) this pair" lookups.

    A run's snapshot does not change once stored (a re-plan is a new run; only retention
    scrubs an anonymised case from it, and marks the run), so the index of a run can be
    kept and reused: building it parses the run's documents, which for a
    2,000 x 450 municipality takes far longer than judging one pair.
    """

    problem: Mapping[str, Any]
    citizens: Mapping[str, Mapping[str, Any]]
    vacancies: Mapping[str, Mapping[str, Any]]
    candidates: Mapping[tuple[str, str], Mapping[str, Any]]
    assignments: Mapping[str, Mapping[str, Any]]
    unmatched: Mapping[str, Mapping[str, Any]]
    excluded: frozenset[tuple[str, str]]
    housed_bonus: int | None

    @classmethod
    def of(
        cls, problem: Mapping[str, Any], result: Mapping[str, Any], stats: Mapping[str, Any]
    ) -> RunIndex:
        bonus = (result.get("stats") or {}).get("housed_bonus")
        return cls(
            problem=problem,
            citizens={c["id"]: c for c in problem.get("citizens", [])},
            vacancies={v["id"]: v for v in problem.get("vacancies", [])},
            candidates={
                (o["vacancy"], c["citizen"]): c
                for o in result.get("offers", [])
                for c in o["candidates"]
            },
            assignments={a["citizen"]: a for a in result.get("assignments", [])},
            unmatched={u["citizen"]: u for u in result.get("unmatched", [])},
            excluded=frozenset((c, v) for c, v in stats.get("excluded_pairs", [])),
            housed_bonus=bonus if isinstance(bonus, int) else None,
        )


def explain_pair(*, run: MatchRun, citizen: str, vacancy: str) -> dict[str, Any]:
    """Why the run proposed (or could not propose) ``vacancy`` to ``citizen``.

    Judges the pair from the run's stored snapshot (its rows as they were, its
    policy and weights, its housed bonus: so the numbers are the run's) and adds
    where the pair stands in the plan: its rank among the home's candidates, the
    matcher's reasoning, whether the plan assigns it, and why the citizen was left
    unmatched if they were. A pair excluded because the citizen refused the home
    before says so.
    """
    return explain_indexed(RunIndex.of(run.problem, run.result, run.stats), citizen, vacancy)


def explain_indexed(index: RunIndex, citizen: str, vacancy: str) -> dict[str, Any]:
    """:func:`explain_pair` on a run's :class:`RunIndex`."""
    citizen_doc = index.citizens.get(citizen)
    vacancy_doc = index.vacancies.get(vacancy)
    if citizen_doc is None:
        raise NotFound(
            "citizen-not-in-run",
            "Citizen not in this match run",
            key="citizen_not_in_run",
            values={"citizen": repr(citizen)},
        )
    if vacancy_doc is None:
        raise NotFound(
            "vacancy-not-in-run",
            "Vacancy not in this match run",
            key="vacancy_not_in_run",
            values={"vacancy": repr(vacancy)},
        )
    verdict = judge_pair(
        pair_problem(index.problem, citizen_doc, vacancy_doc, housed_bonus=index.housed_bonus)
    )
    candidate = index.candidates.get((vacancy, citizen))
    assignment = index.assignments.get(citizen)
    is_excluded = (citizen, vacancy) in index.excluded
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
        "rules": [str(f["rule"]) for f in (verdict.get("failed") or [])] if verdict else [],
        "money": verdict.get("money") if verdict and not is_excluded else None,
        "language": index.problem.get("language", "da"),
        "housed_bonus": index.housed_bonus,
        "rank": candidate["rank"] if candidate else None,
        "why": candidate.get("why") if candidate else None,
        "assigned": bool(assignment and assignment["vacancy"] == vacancy),
        "assigned_vacancy": assignment["vacancy"] if assignment else None,
        "unmatched": dict(unmatched) if (unmatched := index.unmatched.get(citizen)) else None,
    }


# runs whose index a process keeps (a large one is some tens of MB)
_INDEXES: _Recent[tuple[str, int, dt.datetime, str | None], RunIndex] = _Recent(kept=4)


def why_not(
    *, session: Session, run_id: int, municipality_code: str, citizen: str, vacancy: str
) -> dict[str, Any]:
    """:func:`explain_pair` for a stored run, answered from this process's index of it.

    Only the run's id, owner, time and scrub time are read per call; the documents are
    read and indexed on the first question about a run and kept for the next (the few
    most recently asked runs; a stored run changes only when retention scrubs it). The
    key names the database as well, so two databases' runs with one id are never
    confused.
    """
    row = session.execute(
        select(
            MatchRun.municipality_code,
            MatchRun.created_at,
            MatchRun.stats["scrubbed_at"].as_string().label("scrubbed_at"),
        ).where(MatchRun.id == run_id)
    ).one_or_none()
    if row is None or row.municipality_code != municipality_code:
        raise run_not_found(run_id)
    # A run changes only when retention scrubs an anonymised case from it (its stats say
    # when): the key names that too, so no process answers from the unscrubbed documents.
    key = (_database_of(session), run_id, row.created_at, row.scrubbed_at)
    index = _INDEXES.get(key)
    if index is None:
        problem, result, stats = session.execute(
            select(MatchRun.problem, MatchRun.result, MatchRun.stats).where(MatchRun.id == run_id)
        ).one()
        index = _INDEXES.put(key, RunIndex.of(problem, result, stats or {}))
    return explain_indexed(index, citizen, vacancy)


# --- reads for pages that show a run of any size ---------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """A run without its documents: what a list of runs shows (its stats are small)."""

    id: int
    created_at: dt.datetime
    status: str
    purpose: str
    housed: int | None
    vacancies: int | None


def get_run_result(*, session: Session, run_id: int, municipality_code: str) -> MatchRun:
    """:func:`get_match_run` without reading the problem snapshot until it is used (a page
    of the plan needs only the result)."""
    run = session.get(MatchRun, run_id, options=[defer(MatchRun.problem)])
    if run is None or run.municipality_code != municipality_code:
        raise run_not_found(run_id)
    return run


def run_summaries(
    session: Session, municipality_code: str, *, limit: int
) -> tuple[list[RunSummary], int]:
    """The municipality's newest runs, newest first, without reading their problem and
    result documents (megabytes each for a large municipality); and how many in all."""
    total = session.scalar(
        select(func.count())
        .select_from(MatchRun)
        .where(MatchRun.municipality_code == municipality_code)
    )
    rows = session.execute(
        select(MatchRun.id, MatchRun.created_at, MatchRun.status, MatchRun.stats)
        .where(MatchRun.municipality_code == municipality_code)
        .order_by(MatchRun.id.desc())
        .limit(limit)
    ).all()
    summaries = []
    for run_id, created_at, status, stats in rows:
        solver = (stats or {}).get("solver") or {}
        summaries.append(
            RunSummary(
                id=run_id,
                created_at=created_at,
                status=status,
                purpose=str((stats or {}).get("purpose") or "match"),
                housed=solver.get("housed"),
                vacancies=solver.get("vacancies"),
            )
        )
    return summaries, int(total or 0)


def plan_offers(
    session: Session, *, municipality_code: str, run_id: int, vacancy_ids: Iterable[int]
) -> list[Offer]:
    """The offers a run page shows for some homes: the run's own, and the live (proposed
    or sent) ones of any run (a re-plan after a decline proposes only its one home).

    The caller expires overdue offers first (``workflow.expire_overdue``), as every read
    of offers does.
    """
    wanted = sorted(set(vacancy_ids))
    if not wanted:
        return []
    return list(
        session.scalars(
            select(Offer)
            .join(CitizenCase, CitizenCase.id == Offer.case_id)
            .where(
                CitizenCase.municipality_code == municipality_code,
                Offer.vacancy_id.in_(wanted),
                (Offer.match_run_id == run_id)
                | Offer.status.in_((OfferStatus.proposed, OfferStatus.sent)),
            )
            .order_by(Offer.vacancy_id, Offer.rank, Offer.id)
        )
    )
