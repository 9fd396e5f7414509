"""National scenario simulation: wall time on 1 and 2 workers, and the policies side by side.

Runs the three matching policies (boligmatch's optimiser, a greedy priority list,
first-come-first-served) on all 98 municipalities for 60 months and several
replications, once per worker count, on the same seeds. The 1-worker run is the baseline
of the speed-up ratio; the script fails if the runs' records differ (they must be
identical whatever the executor and worker count).

    .venv/bin/python bench/simulate.py                      # 3 replications, 1 and 2 workers
    .venv/bin/python bench/simulate.py --executor dask-local --workers 1,2
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd

from planning.runner import ExecutorKind, SimulationResults, run_simulation
from planning.scenarios import SimulationParameters, policy_comparison


def _same(a: SimulationResults, b: SimulationResults) -> bool:
    try:
        for name in ("citizens", "vacancies", "months"):
            pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    except AssertionError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--rounds-per-month", type=int, default=1)
    parser.add_argument("--workers", default="1,2", help="worker counts to time, e.g. 1,2")
    parser.add_argument(
        "--executor", default="process", choices=["process", "dask-local"], help="executor kind"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("var/bench-simulate"))
    args = parser.parse_args(argv)
    params = SimulationParameters(months=args.months, rounds_per_month=args.rounds_per_month)
    scenarios = policy_comparison()
    kind: ExecutorKind = args.executor
    counts = [int(w) for w in args.workers.split(",")]
    print(
        f"national simulation: 98 municipalities x {args.months} months x "
        f"{args.replications} replications x {len(scenarios)} policies "
        f"({params.rounds_per_month} matching round(s)/month), executor {kind}, "
        f"load average before {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    runs: list[tuple[int, float, SimulationResults]] = []
    for workers in counts:
        start = time.perf_counter()
        results = run_simulation(
            scenarios=scenarios,
            params=params,
            replications=args.replications,
            seed=args.seed,
            kind=kind,
            workers=workers,
            processes=True,
            progress=sys.stderr.isatty(),
        )
        wall = time.perf_counter() - start
        runs.append((workers, wall, results))
        print(
            f"  {workers} worker(s): {wall:8.1f} s wall  "
            f"({results.meta['tasks']} tasks, {results.meta['matcher_calls']:,} matcher calls, "
            f"load average now {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    base_workers, base_wall, base = runs[0]
    for workers, wall, results in runs[1:]:
        print(f"  speed-up {workers} vs {base_workers} worker(s): {base_wall / wall:.2f}x")
        if not _same(base, results):
            print("error: results differ between worker counts", file=sys.stderr)
            return 1
    if len(runs) > 1:
        print("  records identical on every worker count: yes")
    base.to_parquet(args.out)
    summary = base.summary(by=("scenario",))
    columns = [
        "scenario",
        "arrived",
        "housed",
        "median_days",
        "p90_days",
        "share_within_60_days",
        "mean_queue",
        "vacancy_days",
        "vacancy_cost_dkk",
    ]
    table = summary[columns].copy()
    table["vacancy_cost_dkk"] = (table["vacancy_cost_dkk"] / 1e6).round(1)
    table = table.rename(columns={"vacancy_cost_dkk": "vacancy_cost_mDKK"})
    print("\ntime from registration to home, all 98 municipalities (per run: sum over")
    print("municipalities; arrived/housed/vacancy figures summed over replications except")
    print("vacancy days and cost, which are per replication):")
    print(table.to_string(index=False, float_format=lambda x: f"{x:,.2f}"))
    print(f"\nrecords: {args.out}/ (Parquet)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
