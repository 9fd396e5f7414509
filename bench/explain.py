"""Benchmark: `boligmatch solve --explain` and `--explain-compact` against the plain run.

In the same run, on instances from ``synthetic.population.generate_problem`` (seed 2026):

* **baseline**: the run without explanations, end to end (JSON text -> parse -> rules and
  scores -> solve -> offers -> canonical JSON text with :func:`matcher.api.dumps_result`),
  what ``boligmatch solve PROBLEM.json --json`` does after reading the file;
* **full** (municipal 1,400 x 400): the same with ``--explain`` (every pair's verdict):
  the ``pairs`` section alone (:func:`matcher.verdicts.pair_verdicts` on the scored
  problem) and the whole run, both as pairs a second; and the old per-pair path
  (:func:`matcher.explain.pair_verdicts_reference`) on the same scored problem, once, for
  the ratio, with a check that both write the same bytes;
* **compact** (national 6,000 x 2,000): the whole run with ``--explain-compact``, as a
  ratio to the baseline of the same instance.

The garbage collector is paused around each timed call, as :func:`matcher.api.solve_timed`
pauses it. Times are the best of ``--repeat`` runs (the per-pair path runs once); the
``stages`` lines are the last run's.

Run: ``.venv/bin/python bench/explain.py [--repeat N] [--skip-reference]``
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from typing import Any

from matcher.api import dumps_result, solve_timed
from matcher.explain import pair_verdicts_reference
from matcher.problem import parse_problem
from matcher.scoring import score_problem
from matcher.verdicts import pair_verdicts
from synthetic.population import generate_problem


def timed(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs [s] (collector paused) and the last run's value."""
    best, value = float("inf"), None
    for _ in range(repeat):
        value = None  # free the previous run's document before the next
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            value = run()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best, value


def whole_run(
    text: str, *, explain: bool = False, explain_compact: bool = False
) -> tuple[str, dict[str, float]]:
    """End to end: the result's JSON text and the stage timings (with ``dumps_result``)."""
    result, timings = solve_timed(text, explain=explain, explain_compact=explain_compact)
    start = time.perf_counter()
    written = dumps_result(result)
    timings["dumps_result"] = time.perf_counter() - start
    return written, timings


def municipal(repeat: int, *, reference: bool) -> list[str]:
    doc = generate_problem(seed=2026, n_citizens=1400, n_vacancies=400, national=False)
    text = json.dumps(doc)
    n_pairs = 1400 * 400
    base, (_, base_stages) = timed(repeat, lambda: whole_run(text))
    full, (full_text, full_stages) = timed(repeat, lambda: whole_run(text, explain=True))
    scored = score_problem(parse_problem(doc))
    section, pairs = timed(repeat, lambda: pair_verdicts(scored))
    lines = [
        "municipal 1400x400, --explain (560,000 pairs)",
        f"  baseline, no explanations, end to end   {base:8.3f}s",
        f"  pairs section (column-wise)             {section:8.3f}s  "
        f"{n_pairs / section:>11,.0f} pairs/s",
        f"  whole run with --explain, incl. dumps   {full:8.3f}s  "
        f"{n_pairs / full:>11,.0f} pairs/s  {full / base:5.1f}x baseline",
        f"    stages: {stages(full_stages)}; document {len(full_text) / 1e6:,.0f} MB",
        f"    baseline stages: {stages(base_stages)}",
    ]
    if reference:
        old, old_pairs = timed(1, lambda: pair_verdicts_reference(scored))
        same = dumps_result({"pairs": pairs}) == dumps_result({"pairs": old_pairs})
        lines.append(
            f"  pairs section (per-pair reference)      {old:8.3f}s  "
            f"{n_pairs / old:>11,.0f} pairs/s  column-wise {old / section:5.1f}x faster, "
            f"same bytes: {same}"
        )
        if not same:
            raise SystemExit("the column-wise pairs differ from the reference")
    return lines


def national(repeat: int) -> list[str]:
    doc = generate_problem(seed=2026, n_citizens=6000, n_vacancies=2000, national=True)
    text = json.dumps(doc)
    base, (base_text, base_stages) = timed(repeat, lambda: whole_run(text))
    compact, (compact_text, compact_stages) = timed(
        repeat, lambda: whole_run(text, explain_compact=True)
    )
    return [
        "national 6000x2000, --explain-compact",
        f"  baseline, no explanations, end to end   {base:8.3f}s  "
        f"document {len(base_text) / 1e6:,.1f} MB",
        f"  whole run with --explain-compact        {compact:8.3f}s  "
        f"{compact / base:5.2f}x baseline  document {len(compact_text) / 1e6:,.1f} MB",
        f"    stages: {stages(compact_stages)}",
        f"    baseline stages: {stages(base_stages)}",
    ]


def stages(timings: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.3f}s" for name, seconds in timings.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--skip-reference", action="store_true", help="Do not run the per-pair path (~15 s)."
    )
    args = parser.parse_args()
    for line in [
        *municipal(args.repeat, reference=not args.skip_reference),
        *national(args.repeat),
    ]:
        print(line, flush=True)


if __name__ == "__main__":
    main()
