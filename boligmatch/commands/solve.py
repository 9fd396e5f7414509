"""`boligmatch solve PROBLEM.json [--json] [--explain] [--explain-compact]` (CONTRACT.md 3).

``--explain`` adds every pair's verdict (``pairs``); ``--explain-compact`` adds, per
citizen, the homes each rule rules out and the closest one (``pairs_compact``), which
stays small for a national problem.

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
from kernel.cli_messages import cli_language, code_words, say, translator
from kernel.formats import number
from kernel.messages import Lang


def _table(result: dict[str, Any], lang: Lang) -> str:
    """The plan as a plain-text table: assignments, then unmatched citizens by reason."""
    say_ = translator(lang)
    stats = result["stats"]

    def n(value: float) -> str:
        return number(value, lang)

    lines = [
        say_(
            "solve_summary",
            status=code_words("status", result["status"], lang),
            objective=n(result["objective"]),
            housed=n(stats["housed"]),
            citizens=n(stats["citizens"]),
            vacancies=n(stats["vacancies"]),
            unfilled=n(stats["vacancies_unfilled"]),
            components=n(stats["components"]),
        ),
        "",
        f"{say_('col_vacancy'):<16} {say_('col_citizen'):<16} {say_('col_score'):>12}  "
        f"{say_('col_next')}",
    ]
    offers = {offer["vacancy"]: offer["candidates"] for offer in result["offers"]}
    for a in sorted(result["assignments"], key=lambda a: a["vacancy"]):
        alternates = [c["citizen"] for c in offers.get(a["vacancy"], []) if not c["assigned"]]
        lines.append(
            f"{a['vacancy']:<16} {a['citizen']:<16} {n(a['score']):>12}  "
            f"{', '.join(alternates[:3]) or '-'}"
        )
    if result["unmatched"]:
        counts: dict[str, int] = {}
        for u in result["unmatched"]:
            counts[u["reason"]] = counts.get(u["reason"], 0) + 1
        words = {reason: code_words("reason", reason, lang) for reason in counts}
        width = max(28, *(len(w) for w in words.values()))
        lines += ["", say_("unmatched_by_reason")]
        lines += [
            f"  {words[reason]:<{width}} {n(count):>6}" for reason, count in sorted(counts.items())
        ]
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
        fail(say("cannot_read", file=problem_file, why=error.strerror or error))
    try:
        result, timings = solve_timed(text, explain=explain, explain_compact=explain_compact)
    except json.JSONDecodeError as error:
        fail(
            say(
                "not_json",
                file=problem_file,
                line=error.lineno,
                column=error.colno,
                why=error.msg,
            )
        )
    except ProblemError as error:
        for path, message in error.issues:
            typer.echo(say("problem_field", path=path, message=message), err=True)
        raise typer.Exit(code=2) from None
    if json_output:
        sys.stdout.write(dumps_result(result))
        return
    lang = cli_language()
    typer.echo(_table(result, lang), nl=False)
    stages = ", ".join(f"{name} {number(seconds, lang, 3)}" for name, seconds in timings.items())
    typer.echo(say("timings", stages=stages), err=True)
