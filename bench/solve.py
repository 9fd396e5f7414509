"""Benchmark: `boligmatch solve` end to end against the bare solvers of the same graph.

For each generated instance (the foundation's generator, ``synthetic.population``) it
measures, in the same run:

* **end to end**: JSON text -> parse -> hard rules and scores -> solve every component ->
  offers, options, explanations of the unmatched -> canonical JSON text (no ``pairs``),
  i.e. what ``boligmatch solve PROBLEM.json --json`` does after reading the file;
* **bare flow**: OR-Tools ``SimpleMinCostFlow`` on the same scored graph, one network for
  the whole instance (building the arcs and solving), the baseline of the ratio;
* **SciPy**: ``min_weight_full_bipartite_matching`` on the same graph (one dummy column per
  citizen so a full matching exists), also checking that its optimum equals ours;

and the quality of the greedy baselines (:mod:`matcher.greedy`) against the optimum:
citizens housed and total score. Times are the best of ``--repeat`` runs.

Run: ``.venv/bin/python bench/solve.py [--repeat N] [--only NAME ...]``
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from matcher.api import dumps_result, solve_timed
from matcher.greedy import first_come_first_served, greedy_priority
from matcher.problem import parse_problem
from matcher.scoring import ScoredProblem, score_problem
from matcher.solver import max_score_matching
from synthetic.population import generate_problem

INSTANCES = (
    ("municipal 200x50", 200, 50, False),
    ("municipal 1400x400", 1400, 400, False),
    ("national 6000x2000", 6000, 2000, True),
    ("national 15000x5000", 15000, 5000, True),
)


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs [s] and the last run's value."""
    best, value = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - start)
    return best, value


def end_to_end(text: str) -> tuple[str, dict[str, Any], dict[str, float]]:
    result, timings = solve_timed(text)
    return dumps_result(result), result, timings


def bare_flow(scored: ScoredProblem) -> NDArray[np.bool_]:
    """Max-score matching of the whole scored graph as one min-cost flow (matched pairs).

    The matcher's own network (:func:`matcher.solver.max_score_matching`), built once for
    the whole instance instead of once per component.
    """
    n_c, n_v = scored.cols.n_citizens, scored.cols.n_vacancies
    return max_score_matching(n_c, n_v, scored.pc, scored.pv, scored.score)


def scipy_matching(scored: ScoredProblem) -> int:
    """The same optimum by SciPy's sparse minimum-weight full bipartite matching."""
    rows, r = np.unique(scored.pc, return_inverse=True)
    n_rows, n_v = rows.size, scored.cols.n_vacancies
    top = int(scored.score.max()) + 1
    data = np.concatenate([top - scored.score, np.full(n_rows, top)]).astype(np.float64)
    graph = csr_matrix(
        (
            data,
            (
                np.concatenate([r, np.arange(n_rows)]),
                np.concatenate([scored.pv, n_v + np.arange(n_rows)]),
            ),
        ),
        shape=(n_rows, n_v + n_rows),
    )
    _, match = min_weight_full_bipartite_matching(graph)
    real = match < n_v
    return int((top - graph[np.flatnonzero(real), match[real]].A1).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best of)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", nargs="*", help="instance names containing these words")
    args = parser.parse_args()

    print(
        f"{'instance':<22}{'pairs eval.':>12}{'feasible':>10}{'end to end':>12}"
        f"{'bare flow':>11}{'ratio':>7}{'SciPy':>9}{'SciPy/flow':>11}"
    )
    quality = []
    for name, n_c, n_v, national in INSTANCES:
        if args.only and not any(word in name for word in args.only):
            continue
        document = generate_problem(
            seed=args.seed, n_citizens=n_c, n_vacancies=n_v, national=national
        )
        text = json.dumps(document)
        repeat = args.repeat if n_c <= 6000 else max(1, args.repeat - 1)
        e2e, (_, result, stages) = best_of(repeat, partial(end_to_end, text))
        scored = score_problem(parse_problem(document))
        flow_s, flow_matched = best_of(repeat, partial(bare_flow, scored))
        flow_objective = int(scored.score[flow_matched].sum())
        scipy_s, scipy_objective = best_of(1, partial(scipy_matching, scored))
        if not result["objective"] == flow_objective == scipy_objective:
            raise AssertionError(
                f"{name}: objectives differ: solve {result['objective']}, flow "
                f"{flow_objective}, SciPy {scipy_objective}"
            )
        stats = result["stats"]
        print(
            f"{name:<22}{stats['pairs_evaluated']:>12,}{stats['feasible_pairs']:>10,}"
            f"{e2e:>11.3f}s{flow_s:>10.3f}s{e2e / flow_s:>6.1f}x{scipy_s:>8.2f}s"
            f"{scipy_s / flow_s:>10.1f}x"
        )
        print(
            "    stages: "
            + ", ".join(f"{stage} {seconds:.3f}s" for stage, seconds in stages.items())
        )
        fit = scored.score - scored.parts["housed"]
        plans = {
            "optimum": flow_matched,
            "greedy": greedy_priority(scored).matched,
            "FCFS": first_come_first_served(scored).matched,
        }
        quality.append((name, {k: (int(m.sum()), int(fit[m].sum())) for k, m in plans.items()}))

    print()
    print("Quality on the same scored graph: citizens housed, and fit points (score minus the")
    print("housed bonus: urgency, waiting, preferences, affordability after reductions, support)")
    print(
        f"{'instance':<22}{'housed: optimum':>16}{'greedy':>8}{'FCFS':>7}"
        f"{'fit: optimum':>14}{'greedy':>18}{'FCFS':>18}"
    )
    for name, q in quality:
        (oh, of), (gh, gf), (fh, ff) = q["optimum"], q["greedy"], q["FCFS"]
        greedy_fit = f"{gf:,} ({gf / of:.0%})"
        fcfs_fit = f"{ff:,} ({ff / of:.0%})"
        print(f"{name:<22}{oh:>16,}{gh:>8,}{fh:>7,}{of:>14,}{greedy_fit:>18}{fcfs_fit:>18}")


if __name__ == "__main__":
    main()
