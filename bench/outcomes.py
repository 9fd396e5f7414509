"""Outcomes for citizens: the three policies side by side, per municipality and pooled.

Runs boligmatch's optimiser, the greedy priority list and first-come-first-served with an
urgency track on all 98 municipalities for each horizon (24 and 60 months by default),
8 replications, with the model of :mod:`planning.model` at its documented defaults, and
prints for Copenhagen (101), Aarhus (751), Odense (461), a small municipality (Ringsted,
329) and all 98 pooled the Kaplan–Meier outcomes of :mod:`planning.outcomes` (means over
replications, 95 % intervals), the groups of issue 17 and its four criteria, measured.

    .venv/bin/python bench/outcomes.py                # 98 x (24, 60) months x 8 replications
    .venv/bin/python bench/outcomes.py --quick        # 2 replications, 24 months

The figures are recorded, not tuned: the optimiser's objective is to change (issue 17,
item 1), and these are today's.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from planning.outcomes import outcome_table
from planning.runner import SimulationResults, run_simulation
from planning.scenarios import Scenario, SimulationParameters, policy_comparison

SHOWN = {"101": "København", "751": "Aarhus", "461": "Odense", "329": "Ringsted", "all": "all 98"}
POLICIES = ("optimiser", "greedy", "fcfs")
GROUPS: dict[str, Callable[[pd.DataFrame], Any]] = {
    "street/night shelter (1-2)": lambda c: c["situation"].isin((1, 2)),
    "prison release (7)": lambda c: c["situation"] == 7,
    "hospital discharge (8)": lambda c: c["situation"] == 8,
    "families with children": lambda c: c["children"],
}


def _fmt(value: float, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "ci":
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


def _pooled(
    table: pd.DataFrame, area: str, dimension: str = "all", group: str = "all"
) -> dict[str, Any]:
    rows = table[
        (table["municipality"] == area)
        & (table["dimension"] == dimension)
        & (table["group"] == group)
    ]
    return {r["scenario"]: r for _, r in rows.iterrows()}


def _line(
    label: str, rows: dict[str, Any], metric: str, kind: str = "num", ci: bool = False
) -> str:
    cells = []
    for policy in POLICIES:
        row = rows.get(policy)
        if row is None:
            cells.append("-")
            continue
        text = _fmt(row[metric], kind)
        if ci and f"{metric}_lo" in row and not math.isnan(row[f"{metric}_lo"]):
            text += f" [{_fmt(row[f'{metric}_lo'], kind)}-{_fmt(row[f'{metric}_hi'], kind)}]"
        cells.append(text)
    return f"  {label:<34}" + "".join(f"{c:>26}" for c in cells)


def _group_table(results: SimulationResults, end_day: int, areas: list[str]) -> pd.DataFrame:
    """Outcomes of the issue's named groups (situations 1-2 together, 7, 8, children)."""
    frames = []
    c = results.citizens
    for name, select in GROUPS.items():
        sub = c[select(c)]
        if not len(sub):
            continue
        table = outcome_table(sub, None, end_day=end_day, breakdowns=(), municipalities=areas)
        table = table[table["municipality"].isin(areas)]
        frames.append(table.assign(dimension="named", group=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def report(results: SimulationResults, months: int) -> tuple[str, pd.DataFrame]:
    end_day = int(results.meta["horizon_days"])
    table = outcome_table(
        results.citizens, results.vacancies, end_day=end_day, municipalities=list(SHOWN)
    )
    areas = [a for a in SHOWN if a == "all" or a in set(table["municipality"])]
    named = _group_table(results, end_day, areas)
    out = [f"\n=== {months} months ({results.meta['replications']} replications) ==="]
    header = f"  {'':<34}" + "".join(f"{p:>26}" for p in POLICIES)
    criteria = []
    for area in areas:
        rows = _pooled(table, area)
        out.append(f"\n{SHOWN[area]} ({area})\n{header}")
        out.append(_line("citizens on the list (n)", rows, "n"))
        out.append(_line("housed", rows, "housed"))
        out.append(_line("left without a home", rows, "left"))
        out.append(_line("still waiting at the end", rows, "still_waiting"))
        out.append(_line("lettings per year", rows, "lettings_per_year"))
        out.append(_line("vacancy days", rows, "vacancy_days"))
        out.append(_line("refusals", rows, "refusals"))
        out.append(_line("KM median wait [days]", rows, "median_days", "ci", ci=True))
        out.append(_line("KM p90 wait [days]", rows, "p90_days", "ci", ci=True))
        out.append(_line("restricted mean wait 365 [days]", rows, "rmst365_days", ci=True))
        out.append(_line("housed within 3 months", rows, "housed_3m", "share"))
        out.append(_line("housed within 12 months", rows, "housed_12m", "share", ci=True))
        out.append(_line("longest wait of the housed", rows, "longest_wait_days"))
        out.append(_line("longest wait still open", rows, "longest_open_wait_days"))
        if len(named):
            for name in GROUPS:
                g = _pooled(named, area, "named", name)
                out.append(_line(f"median: {name}", g, "median_days", "ci"))
        worst = []
        for dimension in ("situation", "age_band"):
            sub = table[(table["municipality"] == area) & (table["dimension"] == dimension)]
            for group in sorted(sub["group"].unique()):
                g = _pooled(table, area, dimension, group)
                out.append(_line(f"12-month share: {dimension} {group}", g, "housed_12m", "share"))
                if "optimiser" in g and "fcfs" in g:
                    worst.append(
                        (g["optimiser"]["housed_12m"] - g["fcfs"]["housed_12m"], dimension, group)
                    )
        criteria.append(_criteria(area, rows, named, worst))
    out.append("\nissue 17's criteria, measured (optimiser against fcfs/greedy):")
    out.extend(criteria)
    return "\n".join(out), table


def _criteria(
    area: str, rows: dict[str, Any], named: pd.DataFrame, worst: list[tuple[float, str, str]]
) -> str:
    o, f, g = rows.get("optimiser"), rows.get("fcfs"), rows.get("greedy")
    if o is None or f is None or g is None:
        return f"  {SHOWN[area]}: policies missing"
    a = (
        o["lettings_per_year"] >= f["lettings_per_year"]
        and o["vacancy_days"] < f["vacancy_days"]
        and o["refusals"] < f["refusals"]
    )
    street = _pooled(named, area, "named", "street/night shelter (1-2)") if len(named) else {}
    so, sf = (street.get(p, {}).get("median_days", math.nan) for p in ("optimiser", "fcfs"))
    b1 = so <= 0.5 * sf if not (math.isnan(so) or math.isnan(sf)) else False
    track = []
    for name in ("prison release (7)", "hospital discharge (8)", "families with children"):
        t = _pooled(named, area, "named", name) if len(named) else {}
        to, tf = (t.get(p, {}).get("median_days", math.nan) for p in ("optimiser", "fcfs"))
        track.append((name, to, tf))
    b2 = all(not math.isnan(to) and not math.isnan(tf) and to <= tf for _, to, tf in track)
    finite = [w for w in worst if not math.isnan(w[0])]
    gap, dim, grp = min(finite) if finite else (math.nan, "", "")
    c = not math.isnan(gap) and gap >= -0.02
    d = o["rmst365_days"] <= 0.9 * f["rmst365_days"] and o["rmst365_days"] <= g["rmst365_days"]
    yes = {True: "met", False: "NOT met"}
    return (
        f"  {SHOWN[area]}: (a) {yes[bool(a)]} (lettings/yr {o['lettings_per_year']:.1f} vs "
        f"{f['lettings_per_year']:.1f}, vacancy days {o['vacancy_days']:,.0f} vs "
        f"{f['vacancy_days']:,.0f}, refusals {o['refusals']:.0f} vs {f['refusals']:.0f}); "
        f"(b) street/night shelter median {_fmt(so, 'ci')} vs {_fmt(sf, 'ci')} days: "
        f"{yes[b1]}, track groups "
        + ", ".join(f"{n.split(' (')[0]} {_fmt(x, 'ci')} vs {_fmt(y, 'ci')}" for n, x, y in track)
        + f": {yes[b2]}; (c) worst 12-month gap {gap:+.1%} ({dim} {grp}): {yes[c]}; "
        f"(d) RMST {o['rmst365_days']:.0f} vs fcfs {f['rmst365_days']:.0f}, greedy "
        f"{g['rmst365_days']:.0f}: {yes[bool(d)]}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=8)
    parser.add_argument("--months", default="24,60", help="horizons, e.g. 24,60")
    parser.add_argument("--rounds-per-month", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="2 replications, 24 months")
    parser.add_argument("--out", type=Path, default=Path("var/bench-outcomes"))
    parser.add_argument(
        "--overdue-after-months",
        type=int,
        default=None,
        help="the optimiser's (and greedy's) longest acceptable wait (Weights); off if unset",
    )
    args = parser.parse_args(argv)
    base = Scenario(overdue_after_months=args.overdue_after_months)
    replications = 2 if args.quick else args.replications
    horizons = [24] if args.quick else [int(m) for m in args.months.split(",")]
    print(
        f"outcomes: 98 municipalities x {horizons} months x {replications} replications x "
        f"3 policies, {args.rounds_per_month} rounds/month, {args.workers} workers, seed "
        f"{args.seed}, overdue after {args.overdue_after_months or 'no limit'} months, load "
        f"average before {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    for months in horizons:
        start = time.perf_counter()
        params = SimulationParameters(months=months, rounds_per_month=args.rounds_per_month)
        results = run_simulation(
            scenarios=policy_comparison(base),
            params=params,
            replications=replications,
            seed=args.seed,
            kind="process",
            workers=args.workers,
            progress=sys.stderr.isatty(),
        )
        wall = time.perf_counter() - start
        text, table = report(results, months)
        directory = args.out / f"{months}m"
        results.to_parquet(directory)
        table.to_csv(directory / "outcomes.csv", index=False)
        print(
            f"{months} months: {wall:.1f} s wall ({results.meta['tasks']} tasks, "
            f"{results.meta['matcher_calls']:,} matcher calls, load average now "
            f"{os.getloadavg()[0]:.1f}); records and outcomes.csv in {directory}/",
            flush=True,
        )
        print(text, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
