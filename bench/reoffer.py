"""Benchmark: a decline and its re-offer, against the bare re-solve of the same problem.

On a generated 1,500-case x 400-home municipality (``synthetic.population.generate``,
seed 461, loaded through the real loader) and a first match run, each round sends a
rank-1 proposal (not timed), then times ``workflow.decline_offer`` with the next
proposal made and stored (lock, re-plan, supersede, store the run and its offers,
audit) up to and including the commit. The baseline of the ratio, measured in the same
run on the same state: ``match_runs.solve_plan`` of the municipality's problem (built
beforehand, not timed) with the refused pairs excluded: the matcher alone. Also timed:
the same call with the municipality's replanner (``matcher.replan``: the hard rules'
verdicts kept from an earlier problem), as the decline's re-plan makes it.

Run: ``.venv/bin/python bench/reoffer.py [--rounds N] [--postgres URL] [--no-sqlite]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("BOLIGMATCH_CPR_HASH_SECRET", "reoffer-benchmark-" + "x" * 24)
os.environ.setdefault("BOLIGMATCH_JWT_SECRET", "reoffer-benchmark-" + "x" * 24)

from benchkit import postgres_database
from sqlalchemy import select

from allocation import match_runs, offer_repository, workflow
from allocation.models import Offer, OfferStatus
from boligmatch.loading import load_world
from boligmatch.migrate import upgrade
from inventory.reference_load import load_municipalities
from kernel.db import make_engine, session_factory
from synthetic.population import generate

CODE = "461"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(name: str, url: str, rounds: int, n_citizens: int, n_vacancies: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    world = generate(seed=461, n_citizens=n_citizens, n_vacancies=n_vacancies)
    today = world.as_of
    with sessions() as s, s.begin():
        load_municipalities(s)
        load_world(s, world, cpr_secret=os.environ["BOLIGMATCH_CPR_HASH_SECRET"])
        run = match_runs.run_match(session=s, municipality_code=CODE, actor="bench", as_of=today)
        size = (len(run.problem["citizens"]), len(run.problem["vacancies"]))
        stats = run.result["stats"]
    declines: list[float] = []
    bare: list[float] = []
    kept: list[float] = []
    with sessions() as s:
        replanner = match_runs.replanner_for(s, CODE)
    reused = 0  # declines whose re-plan read the kept verdicts
    for _ in range(rounds):
        with sessions() as s, s.begin():
            offer = s.scalars(
                select(Offer)
                .where(Offer.status == OfferStatus.proposed, Offer.rank == 1)
                .order_by(Offer.id)
                .limit(1)
            ).first()
            if offer is None:
                break
            offer_id = offer.id
            workflow.send_offer(session=s, offer_id=offer_id, actor="bench", today=today)
        reused_before = replanner.reused
        began = time.perf_counter()
        with sessions() as s, s.begin():
            workflow.decline_offer(
                session=s,
                offer_id=offer_id,
                actor="bench",
                today=today,
                reason="other",
                counts_as_refusal=False,
            )
        declines.append(time.perf_counter() - began)
        reused += replanner.reused > reused_before
        with sessions() as s:
            terms = match_runs.latest_run_terms(s, CODE)
            problem = match_runs.municipality_problem(s, CODE, as_of=today, weights=terms.weights)
            refused = offer_repository.refused_pairs(s, CODE)
        began = time.perf_counter()
        match_runs.solve_plan(problem, exclude=refused)
        bare.append(time.perf_counter() - began)
        began = time.perf_counter()
        match_runs.solve_plan(problem, exclude=refused, replanner=replanner)
        kept.append(time.perf_counter() - began)
    engine.dispose()
    d50, b50, k50 = (statistics.median(x) for x in (declines, bare, kept))
    print(
        f"{name:<11} {size[0]:>5}x{size[1]:<4} components {stats['components']:>3} "
        f"feasible pairs {stats['feasible_pairs']:>8,}  rounds {len(declines):>3}\n"
        f"{'':<11} decline -> next proposal stored: p50 {d50 * 1000:7.1f} ms  "
        f"p90 {percentile(declines, 0.9) * 1000:7.1f} ms\n"
        f"{'':<11} bare re-solve (baseline):        p50 {b50 * 1000:7.1f} ms  "
        f"p90 {percentile(bare, 0.9) * 1000:7.1f} ms   ratio {d50 / b50:.2f}x\n"
        f"{'':<11} re-solve from kept verdicts:     p50 {k50 * 1000:7.1f} ms  "
        f"p90 {percentile(kept, 0.9) * 1000:7.1f} ms   ratio {k50 / b50:.2f}x\n"
        f"{'':<11} declines whose re-plan read the kept verdicts: {reused} of {len(declines)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--citizens", type=int, default=1500)
    parser.add_argument("--vacancies", type=int, default=400)
    parser.add_argument("--postgres", default=os.environ.get("BOLIGMATCH_TEST_POSTGRES_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    sizes = (args.rounds, args.citizens, args.vacancies)
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            measure("sqlite", f"sqlite:///{folder}/reoffer.db", *sizes)
    if args.postgres:
        with postgres_database(args.postgres, "bm_reoffer") as url:
            measure("postgresql", url, *sizes)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
