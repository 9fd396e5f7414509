"""Retention reaches the stored match runs: an anonymised case's facts leave every run
that holds it, the runs stay valid problems, and no cached index answers from before."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from allocation import match_runs, retention
from allocation.models import CaseStatus, CitizenCase, MatchRun
from boligmatch.loading import load_world
from matcher.problem import parse_problem
from synthetic.population import generate

WORLD = generate(seed=21, n_citizens=40, n_vacancies=12, n_units=40)
CODE = "461"


def _citizen(run: MatchRun, ref: str) -> dict[str, Any]:
    return next(c for c in run.problem["citizens"] if c["id"] == ref)


def test_an_anonymised_case_leaves_the_runs_that_hold_it(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as s, s.begin():
        load_world(s, WORLD, cpr_secret="test-secret")
        first = match_runs.run_match(
            session=s, municipality_code=CODE, actor="t", as_of=WORLD.as_of
        )
        second = match_runs.run_match(
            session=s, municipality_code=CODE, actor="t", as_of=WORLD.as_of
        )
        candidate = first.result["offers"][0]["candidates"][0]
        ref, vacancy = candidate["citizen"], first.result["offers"][0]["vacancy"]
        case_id = s.query(CitizenCase.id).filter(CitizenCase.case_ref == ref).scalar()
        kept = {
            c["id"]: c for c in first.problem["citizens"] if c["id"] != ref
        }  # the others, as stored
        before = _citizen(first, ref)
        assert before["income"] and candidate["money"] is not None
        run_ids = (first.id, second.id)
    with sessions() as s:  # a server process has indexed the run and answered from it
        asked = match_runs.why_not(
            session=s, run_id=run_ids[0], municipality_code=CODE, citizen=ref, vacancy=vacancy
        )
        assert asked["why"] == candidate["why"] and "kr." in asked["why"]
    with sessions() as s, s.begin():
        s.execute(
            update(CitizenCase)
            .where(CitizenCase.id == case_id)
            .values(status=CaseStatus.closed, updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        )
    with sessions() as s, s.begin():
        assert retention.anonymise_expired(s) == [case_id]

    with sessions() as s:
        for run_id in run_ids:
            run = s.get_one(MatchRun, run_id)
            after = _citizen(run, ref)
            assert after["income"] == [] and after["wealth_dkk"] == 0.0
            assert after["area_facts"] is None and after["preferences"]["areas"] == []
            assert after["kontanthjaelp_since"] is None and after["deadline"] is None
            for fact in retention.KEPT_FACTS:
                assert after[fact] == before[fact]
            assert {c["id"]: c for c in run.problem["citizens"] if c["id"] != ref} == kept
            parse_problem(run.problem)  # still a valid problem for why-not
            mine = [
                c
                for offer in run.result["offers"]
                for c in offer["candidates"]
                if c["citizen"] == ref
            ]
            assert mine and all(
                c["money"] is None and c["why"] == retention.ANONYMISED["da"] for c in mine
            )
            others = [
                c
                for offer in run.result["offers"]
                for c in offer["candidates"]
                if c["citizen"] != ref
            ]
            assert others and all(c["money"] is not None for c in others)
            assert run.stats["scrubbed_at"]
        answer = match_runs.why_not(
            session=s, run_id=run_ids[0], municipality_code=CODE, citizen=ref, vacancy=vacancy
        )
        assert answer["why"] == retention.ANONYMISED["da"]  # not the cached words
    with sessions() as s, s.begin():
        assert retention.anonymise_expired(s) == []  # nothing left to do
