"""Re-offers on generated histories: every stored re-plan equals a from-scratch re-plan.

A generated municipality is planned, then a seeded random history of sends, declines
(counted and not), expiries, withdrawals and accepts runs through the real workflow
on SQLite and PostgreSQL. After each event the newest run's stored result document is
compared, byte for byte (canonical JSON), with a plan made from scratch of the same
database state: the municipality's problem rebuilt from the rows, every refused pair
excluded, the same weights. The workflow's re-plans read the earlier problem's
hard-rule verdicts where they can (:mod:`matcher.replan`); the fresh plans never do.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from allocation import match_runs, offer_repository, workflow
from allocation.models import MatchRun, Offer, OfferStatus
from boligmatch.loading import load_world
from matcher.api import dumps_result
from synthetic.population import generate

CODE = "461"
WORLD = generate(seed=1616, n_citizens=70, n_vacancies=18, n_units=60)
STAFF = "staff:history"
WEIGHTS = {"child_points": 80, "waiting_points_per_month": 12}


def _rank_one_proposals(s: Session) -> list[Offer]:
    return list(
        s.scalars(
            select(Offer)
            .where(Offer.status == OfferStatus.proposed, Offer.rank == 1)
            .order_by(Offer.id)
        )
    )


def _sent(s: Session) -> list[Offer]:
    return list(s.scalars(select(Offer).where(Offer.status == OfferStatus.sent).order_by(Offer.id)))


def _check_newest_run(s: Session, today: dt.date) -> None:
    """The newest stored run equals a full re-plan of the database as it is now."""
    run = s.scalar(select(MatchRun).order_by(MatchRun.id.desc()).limit(1))
    assert run is not None
    if run.stats.get("purpose") != "propose_next":
        return
    terms = match_runs.latest_run_terms(s, CODE)
    assert terms.weights == run.stats.get("weights")
    assert terms.housed_bonus == run.result["stats"]["housed_bonus"]
    problem = match_runs.municipality_problem(s, CODE, as_of=today, weights=terms.weights)
    fresh = match_runs.solve_plan(problem, exclude=offer_repository.refused_pairs(s, CODE))
    assert dumps_result(run.result) == dumps_result(fresh.result)
    assert run.problem == fresh.problem


@pytest.mark.parametrize("seed", [1, 2])
def test_every_re_offer_equals_a_full_re_plan(sessions: sessionmaker[Session], seed: int) -> None:
    rng = random.Random(seed)
    today = WORLD.as_of
    with sessions() as s, s.begin():
        load_world(s, WORLD, cpr_secret="history-secret")
        match_runs.run_match(
            session=s, municipality_code=CODE, actor=STAFF, as_of=today, weights=WEIGHTS
        )
    replans = 0
    with sessions() as s:
        replanner = match_runs.replanner_for(s, CODE)
    reused_before = replanner.reused
    for _ in range(14):
        with sessions() as s, s.begin():
            runs_before = s.scalar(select(MatchRun.id).order_by(MatchRun.id.desc()).limit(1))
            sent = _sent(s)
            event = rng.choice(["send", "decline", "decline_unsuitable", "expire", "accept"])
            if event == "send" or not sent:
                proposals = _rank_one_proposals(s)
                if not proposals:
                    break
                offer = rng.choice(proposals)
                try:
                    workflow.send_offer(session=s, offer_id=offer.id, actor=STAFF, today=today)
                except Exception:  # the case may be answering another offer: skip it
                    continue
            elif event.startswith("decline"):
                workflow.decline_offer(
                    session=s,
                    offer_id=rng.choice(sent).id,
                    actor=STAFF,
                    today=today,
                    reason="other",
                    counts_as_refusal=event == "decline",
                )
            elif event == "expire":
                today = max(o.answer_deadline for o in sent if o.answer_deadline) + dt.timedelta(
                    days=1
                )
                workflow.expire_overdue(session=s, today=today, actor=STAFF)
            else:
                workflow.accept_offer(
                    session=s, offer_id=rng.choice(sent).id, actor=STAFF, today=today
                )
            newest = s.scalar(select(MatchRun.id).order_by(MatchRun.id.desc()).limit(1))
            if newest != runs_before:
                replans += 1
                _check_newest_run(s, today)
    assert replans >= 2, "the history re-planned at least twice"
    # the re-plans read the earlier problem's verdicts (matcher.replan), at least once
    assert replanner.reused > reused_before
