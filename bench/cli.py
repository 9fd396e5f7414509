"""Benchmark: the console script's start-up against its floors, measured in the same run.

* ``--help``: ``boligmatch --help`` in a fresh interpreter, against the floor of a bare
  ``python -c pass`` and of a two-command Typer app's ``--help`` (Typer and Rich alone),
  and, with ``--compare-ref REF`` (default ``main``), the same ``--help`` from that git
  revision's tree (``git archive``), i.e. before the lazy command line;
* ``solve``: ``boligmatch solve NATIONAL.json --json`` in a fresh interpreter (output to
  /dev/null), against the same work in process after imports are warm: read the file,
  :func:`matcher.api.solve_timed`, :func:`matcher.api.dumps_result` (the baseline of the
  ratio the issue asks for, at most 1.3x).

Times are medians (and minima) of ``--repeat`` runs. The national instance is
``synthetic.population.generate_problem(seed=2026, 6000, 2000, national=True)``, as in
``bench/solve.py``.

Run: ``.venv/bin/python bench/cli.py [--repeat N] [--compare-ref REF]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchkit import ROOT, tree_of

BARE_TYPER = """
import typer
app = typer.Typer(no_args_is_help=True, add_completion=False)
@app.command()
def a(x: int = 1) -> None:
    "A."
@app.command()
def b() -> None:
    "B."
app()
"""
SCRIPT = "import sys\nfrom boligmatch.cli import main\nsys.argv[0] = 'boligmatch'\nmain()"


def timed(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """Median and minimum wall time [s] of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def process(argv: list[str], pythonpath: Path = ROOT) -> Callable[[], object]:
    """A fresh interpreter running ``argv`` in ``pythonpath`` (stdout discarded).

    The working directory is ``pythonpath`` too: ``python -c`` puts it first on the path.
    """
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}

    def run() -> object:
        return subprocess.run(
            [sys.executable, *argv],
            env=env,
            cwd=pythonpath,
            stdout=subprocess.DEVNULL,
            check=True,
        )

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--compare-ref", default="main", help="git revision ('' to skip)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows: list[tuple[str, tuple[float, float]]] = [
            ("python -c pass", timed(args.repeat, process(["-c", "pass"]))),
            ("bare Typer app --help", timed(args.repeat, process(["-c", BARE_TYPER, "--help"]))),
            ("boligmatch --help", timed(args.repeat, process(["-c", SCRIPT, "--help"]))),
        ]
        if args.compare_ref:
            old = tree_of(args.compare_ref, work)
            rows.append(
                (
                    f"boligmatch --help at {args.compare_ref}",
                    timed(args.repeat, process(["-c", SCRIPT, "--help"], old)),
                )
            )
        help_median = rows[2][1][0]
        print(f"\n{'start-up':<34} {'median':>8} {'min':>8} {'vs --help':>10}")
        for name, (median, least) in rows:
            print(f"{name:<34} {median:>7.3f}s {least:>7.3f}s {median / help_median:>9.2f}x")

        from matcher.api import dumps_result, solve_timed
        from synthetic.population import generate_problem

        problem = work / "national.json"
        document = generate_problem(seed=2026, n_citizens=6000, n_vacancies=2000, national=True)
        problem.write_text(json.dumps(document), encoding="utf-8")

        def in_process() -> object:
            result, _ = solve_timed(problem.read_text(encoding="utf-8"))
            return dumps_result(result)

        in_process()  # warm: imports, caches
        solve_args = ["-c", SCRIPT, "solve", str(problem), "--json"]
        inside = timed(args.repeat, in_process)
        cli = timed(args.repeat, process(solve_args))
        print(f"\n{'national 6000x2000 solve':<34} {'median':>8} {'min':>8} {'ratio':>10}")
        print(f"{'in process (baseline)':<34} {inside[0]:>7.3f}s {inside[1]:>7.3f}s {1:>9.2f}x")
        print(
            f"{'boligmatch solve --json':<34} {cli[0]:>7.3f}s {cli[1]:>7.3f}s "
            f"{cli[0] / inside[0]:>9.2f}x"
        )
        if args.compare_ref:
            before = timed(args.repeat, process(solve_args, old))
            print(
                f"{'  the same at ' + args.compare_ref:<34} {before[0]:>7.3f}s "
                f"{before[1]:>7.3f}s {before[0] / inside[0]:>9.2f}x"
            )
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
