"""`boligmatch solve PROBLEM.json [--json] [--explain]` (CONTRACT.md section 3).

Solves a self-contained problem document without a database. With ``--json`` it prints
the result document exactly as :func:`matcher.api.dumps_result` writes it (the same input
gives the same bytes); otherwise a readable table of the plan. Stage timings go to
stderr only with ``--json`` omitted, never into the document.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from boligmatch.commands._common import fail


def _table(result: dict[str, Any]) -> str:
    """The plan as a plain-text table: assignments, then unmatched citizens by reason."""
    stats = result["stats"]
    lines = [
        f"status {result['status']}  objective {result['objective']:,}  housed "
        f"{stats['housed']:,} of {stats['citizens']:,} citizens  vacancies "
        f"{stats['vacancies']:,} ({stats['vacancies_unfilled']:,} unfilled)  components "
        f"{stats['components']}",
        "",
        f"{'vacancy':<16} {'citizen':<16} {'score':>12}  next if declined",
    ]
    offers = {offer["vacancy"]: offer["candidates"] for offer in result["offers"]}
    for a in sorted(result["assignments"], key=lambda a: a["vacancy"]):
        alternates = [c["citizen"] for c in offers.get(a["vacancy"], []) if not c["assigned"]]
        lines.append(
            f"{a['vacancy']:<16} {a['citizen']:<16} {a['score']:>12,}  "
            f"{', '.join(alternates[:3]) or '-'}"
        )
    if result["unmatched"]:
        counts: dict[str, int] = {}
        for u in result["unmatched"]:
            counts[u["reason"]] = counts.get(u["reason"], 0) + 1
        lines += ["", "unmatched citizens by reason:"]
        lines += [f"  {reason:<28} {n:>6,}" for reason, n in sorted(counts.items())]
    return "\n".join(lines) + "\n"


def command(
    problem_file: Path = typer.Argument(..., help="Problem document (boligmatch.problem/1 JSON)."),
    json_output: bool = typer.Option(False, "--json", help="Print the result document as JSON."),
    explain: bool = typer.Option(False, "--explain", help="Add every pair's verdict ('pairs')."),
    explain_compact: bool = typer.Option(
        False,
        "--explain-compact",
        help="Add per citizen the rule funnel and the closest home out of reach ('pairs_compact').",
    ),
) -> None:
    """Solve a problem file: assignments, ranked offers and reasons, no database."""
    from matcher.api import dumps_result, solve_timed
    from matcher.problem import ProblemError

    try:
        text = problem_file.read_text(encoding="utf-8")
    except OSError as error:
        fail(f"{problem_file}: cannot read the file ({error.strerror or error})")
    try:
        result, timings = solve_timed(text, explain=explain, explain_compact=explain_compact)
    except json.JSONDecodeError as error:
        fail(
            f"{problem_file}: not valid JSON "
            f"(line {error.lineno}, column {error.colno}: {error.msg})"
        )
    except ProblemError as error:
        for path, message in error.issues:
            typer.echo(f"error: {path}: {message}", err=True)
        raise typer.Exit(code=2) from None
    if json_output:
        sys.stdout.write(dumps_result(result))
        return
    typer.echo(_table(result), nl=False)
    typer.echo(
        "timings [s]: " + ", ".join(f"{name} {seconds:.3f}" for name, seconds in timings.items()),
        err=True,
    )
