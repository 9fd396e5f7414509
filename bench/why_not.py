"""Benchmark: "why not this citizen for this home?" on demand, from a stored run.

Builds the run of ``bench/run_page.py`` (a fresh SQLite database, one generated
municipality of ``--citizens`` x ``--homes``, seed 461, matched in-process), serves the app
with uvicorn in its own process on 127.0.0.1 and asks, as a staff member with a bearer
token, ``GET /api/v1/match-runs/{id}/why-not?citizen=...&vacancy=...`` for ``--requests``
pairs drawn at random (seed 1) from the run's citizens and homes, one request at a time.
It prints the latency's p50, p90 and p99, and the same for ``GET /health`` in the same
run (the baseline: the floor of one HTTP round trip to this server), and the time of the
first question about the run, which reads and indexes the stored run in the server
process (``allocation.match_runs.why_not``); later questions use that index.

The issue's goal: p50 under 20 ms and p99 under 50 ms on a 2,000 x 450 stored run; the
script prints whether that holds and exits 1 if not.

Usage::

    .venv/bin/python bench/why_not.py                       # 2,000 x 450, 300 requests
    .venv/bin/python bench/why_not.py --citizens 500 --homes 120 --requests 50
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_page import CODE, prepare, server

from allocation import match_runs
from api.auth import Role, issue_token
from kernel.db import make_engine, session_factory

P50_GOAL_MS, P99_GOAL_MS = 20.0, 50.0


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p90 and p99 in milliseconds."""
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return cuts[49], cuts[89], cuts[98]


def pairs_of_run(url: str, run_id: int, count: int) -> list[tuple[str, str]]:
    """``count`` (citizen, home) pairs of the stored run, drawn with a fixed seed."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            run = match_runs.get_match_run(session=session, run_id=run_id, municipality_code=CODE)
            citizens = [c["id"] for c in run.problem["citizens"]]
            homes = [v["id"] for v in run.problem["vacancies"]]
    finally:
        engine.dispose()
    draw = random.Random(1)
    return [(draw.choice(citizens), draw.choice(homes)) for _ in range(count)]


def timed(client: httpx.Client, path: str, params: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    answer = client.get(path, params=params)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        raise RuntimeError(f"{path} {params}: HTTP {answer.status_code} {answer.text[:200]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=2000)
    parser.add_argument("--homes", type=int, default=450)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/why-not.db"
        run_id, _, _, _, match_s = prepare(url, args.citizens, args.homes)
        pairs = pairs_of_run(url, run_id, args.requests)
        token = issue_token(subject="bench-staff", role=Role.staff, municipality_code=CODE)
        headers = {"Authorization": f"Bearer {token}"}
        with server(url) as base, httpx.Client(base_url=base, headers=headers) as client:
            path = f"/api/v1/match-runs/{run_id}/why-not"
            timed(client, "/health")  # the connection is open before the first question
            first = timed(client, path, {"citizen": pairs[0][0], "vacancy": pairs[0][1]})
            for citizen, home in pairs[1:5]:  # warm the server's caches
                timed(client, path, {"citizen": citizen, "vacancy": home})
                timed(client, "/health")
            why_not = [timed(client, path, {"citizen": c, "vacancy": v}) for c, v in pairs]
            health = [timed(client, "/health") for _ in pairs]
    print(
        f"{args.citizens:,} cases x {args.homes:,} homes, match run {match_s:.1f}s; "
        f"{len(pairs)} requests each, one at a time"
    )
    print(f"{'request':<28}{'p50':>10}{'p90':>10}{'p99':>10}{'p50 x base':>12}")
    base50 = percentiles(health)[0]
    for name, seconds in (("GET /health (baseline)", health), ("GET .../why-not", why_not)):
        p50, p90, p99 = percentiles(seconds)
        print(f"{name:<28}{p50:>8.1f}ms{p90:>8.1f}ms{p99:>8.1f}ms{p50 / base50:>11.1f}x")
    print(f"{'first why-not of the run':<28}{first * 1000:>8.1f}ms (reads and indexes the run)")
    p50, _, p99 = percentiles(why_not)
    ok = p50 < P50_GOAL_MS and p99 < P99_GOAL_MS
    print(
        f"why-not: p50 {p50:.1f} ms (goal < {P50_GOAL_MS:g}), p99 {p99:.1f} ms "
        f"(goal < {P99_GOAL_MS:g}): {'PASS' if ok else 'FAIL'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
