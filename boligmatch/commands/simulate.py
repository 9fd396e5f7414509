"""`boligmatch simulate`: scenario replications month by month (CONTRACT.md section 6).

A thin layer over :mod:`planning.runner`: builds the scenarios from the levers (one per
matching policy, on the same random arrivals and vacancies), runs replications ×
municipalities × scenarios on the chosen executor, writes the records to Parquet and the
outcome tables of :mod:`planning.outcomes` (Kaplan–Meier waits with confidence intervals,
per municipality and pooled, by group) to ``outcomes.csv`` and ``outcomes.json``, and
prints the pooled outcomes side by side.

Executors. CONTRACT.md section 6 says "on Dask (a local cluster by default)"; issue 6 says
"a local process pool by default". Both run, with identical results (every task has its
own seed): the default is the process pool, which needs no cluster start-up and suits
one machine; ``--dask-local N`` starts a local Dask cluster of N workers and
``--scheduler ADDRESS`` uses an existing one.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import typer

from boligmatch.commands._common import fail, reflow_help
from kernel.cli_messages import cli_language, code_words, count, say, translator
from kernel.formats import number
from kernel.messages import LANGS, Lang
from kernel.reference import municipality_counts
from planning.model import ModelLevers
from planning.outcomes import outcome_table
from planning.runner import (
    ExecutorKind,
    SchedulerUnreachable,
    SimulationResults,
    run_simulation,
)
from planning.scenarios import MATCHING_POLICIES, Scenario, SimulationParameters

_LEVERS = Scenario()
"""The levers at their defaults (the policy model's), for the options' defaults."""
OUTCOME_COLUMNS = (
    "scenario",
    "n",
    "housed",
    "left",
    "still_waiting",
    "median_days",
    "median_days_lo",
    "median_days_hi",
    "p90_days",
    "rmst365_days",
    "housed_3m",
    "housed_12m",
    "refusals",
    "lettings_per_year",
    "vacancy_days",
)
"""The pooled outcome columns printed by the command (the files hold them all)."""

SUMMARY_COLUMNS = (
    "arrived",
    "housed",
    "removed",
    "median_days",
    "p90_days",
    "share_within_60_days",
    "mean_queue",
    "vacancy_days",
    "vacancy_cost_dkk",
)


def _cell(value: object, lang: Lang) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return translator(lang)("sim_missing")
        return number(value, lang, 2 if abs(value) < 10 else 0)
    if isinstance(value, int):
        return number(value, lang)
    return str(value)


def heading(column: str, lang: Lang) -> str:
    """A column's heading in ``lang`` (one word, so the columns stay apart)."""
    return code_words("sim", column, lang)


def summary_table(summary: pd.DataFrame, lang: Lang) -> str:
    """A fixed-width table of :func:`planning.runner.summarise`'s output."""
    columns = [heading(str(c), lang) for c in summary.columns]
    cells = [[_cell(v, lang) for v in row] for row in summary.itertuples(index=False)]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines) + "\n"


def command(
    municipality: list[str] = typer.Option(
        [], "--municipality", "-m", help="Municipality code (repeat for more); default all 98."
    ),
    replications: int = typer.Option(1, "--replications", "-r", min=1),
    months: int = typer.Option(60, "--months", min=1),
    seed: int = typer.Option(2026, "--seed", help="Root seed (NumPy SeedSequence entropy)."),
    policy: str = typer.Option(
        ",".join(MATCHING_POLICIES),
        "--policy",
        help="Matching policies to compare, comma-separated: optimiser, greedy, fcfs.",
    ),
    baseline: bool = typer.Option(
        False, "--baseline", help="Also run the default levers, to compare against."
    ),
    allocation_share: float = typer.Option(0.25, "--allocation-share", help="§ 59 share, 0-1."),
    extra_98e_homes: int = typer.Option(
        0, "--extra-98e-homes", help="New § 98 e homes (national total, by VIVE count)."
    ),
    rent_reduction_dkk: float = typer.Option(
        0.0, "--rent-reduction-dkk", help="§ 98 f-style reduction [DKK/month]; 0 = off."
    ),
    rent_reduction_share: float = typer.Option(
        _LEVERS.rent_reduction_share, "--rent-reduction-share"
    ),
    max_rent_share: float = typer.Option(_LEVERS.max_rent_share, "--max-rent-share"),
    min_left_per_adult_dkk: int = typer.Option(
        _LEVERS.min_left_per_adult_dkk, "--min-left-per-adult-dkk"
    ),
    decline_rate: float = typer.Option(_LEVERS.decline_rate, "--decline-rate"),
    max_refusals: int = typer.Option(_LEVERS.max_refusals, "--max-refusals"),
    refusal_action: str = typer.Option(
        _LEVERS.refusal_action, "--refusal-action", help="remove, review, none"
    ),
    rounds_per_month: int = typer.Option(2, "--rounds-per-month", min=1),
    candidate_limit: int | None = typer.Option(
        None,
        "--candidate-limit",
        help="Shortlist rounds with more free citizens than this (the same shortlist, by "
        "waiting order, for every policy); default: everyone goes to the matcher.",
        min=1,
    ),
    yearly_factor: float = typer.Option(
        2.5, "--yearly-factor", help="Yearly prevalence / one-week count (arrivals (f-1)x)."
    ),
    exit_mean_days: float = typer.Option(
        365.25, "--exit-mean-days", help="Mean days until a citizen leaves without a home."
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="Chart labels and printed words: da or en (default: BOLIGMATCH_LANG, else da).",
    ),
    template_pool: int = typer.Option(
        256, "--template-pool", min=1, help="Citizen/unit templates drawn per task (variety)."
    ),
    by: str = typer.Option(
        "", "--by", help="Also break down by: age_band, situation, benefit_group, municipality."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Run on an existing Dask cluster (scheduler address)."
    ),
    dask_local: int | None = typer.Option(
        None, "--dask-local", help="Start a local Dask cluster with N workers.", min=1
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Process-pool size (default: CPU count).", min=1
    ),
    serial: bool = typer.Option(False, "--serial", help="Run in this process (debugging)."),
    out: Path = typer.Option(
        Path("var/simulation"), "--out", help="Directory for the Parquet files and run.json."
    ),
    png_path: Path | None = typer.Option(None, "--png", help="Write a chart (PNG) here."),
    json_output: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar."),
) -> None:
    """Simulate months of arrivals, vacancies, offers and declines; compare policies.

    Each replication of each municipality draws its arrivals ((yearly factor - 1) x VIVE
    2024 count a year, on top of a starting list of the count), exits from the list
    (mean --exit-mean-days), vacancies (stock by unit kind x LBF 2019 turnover x
    allocation share) and refusal draws once; every scenario (one per --policy) runs on
    those same draws (common random numbers). fcfs is first come, first served with an
    urgency track (deadlines and families with children first). Prints the pooled
    outcomes (Kaplan-Meier median and p90 wait with 95 % interval, restricted mean wait
    over 365 days, share housed within 3 and 12 months, refusals, lettings, vacancy
    days) per scenario; writes every record to Parquet and the outcome tables per
    municipality and group to outcomes.csv/outcomes.json in --out. --png draws the
    survival curves (Danish labels; --lang en for English).

    Executors: a local process pool by default (issue 6; no cluster to start);
    --dask-local N starts a local Dask cluster, --scheduler ADDRESS uses an existing
    one (CONTRACT.md section 6). Results are identical on every executor.
    """
    if lang is not None and lang not in LANGS:
        fail(say("unknown_lang", lang=lang))
    words: Lang = "en" if lang == "en" else "da" if lang == "da" else cli_language()
    say_ = translator(words)
    policies = [p.strip() for p in policy.split(",") if p.strip()]
    bad = [p for p in policies if p not in MATCHING_POLICIES]
    if bad or not policies:
        fail(
            say_(
                "unknown_policy",
                policies=", ".join(bad) or say_("no_policy"),
                known=", ".join(MATCHING_POLICIES),
            )
        )
    if sum(x is not None and x is not False for x in (scheduler, dask_local, serial)) > 1:
        fail(say_("one_executor"))
    # checked before the run, so that a typo does not cost a whole simulation
    keys = ["scenario"] + [b.strip() for b in by.split(",") if b.strip()]
    unknown = set(keys) - {"scenario", "age_band", "situation", "benefit_group", "municipality"}
    if unknown:
        fail(say_("unknown_by", columns=", ".join(sorted(unknown))))
    try:
        levers = Scenario(
            name="levers",
            allocation_share=allocation_share,
            extra_98e_homes=extra_98e_homes,
            rent_reduction_dkk=rent_reduction_dkk,
            rent_reduction_share=rent_reduction_share,
            max_rent_share=max_rent_share,
            min_left_per_adult_dkk=min_left_per_adult_dkk,
            decline_rate=decline_rate,
            max_refusals=max_refusals,
            refusal_action=refusal_action,  # type: ignore[arg-type]
        )
        params = SimulationParameters(
            months=months,
            rounds_per_month=rounds_per_month,
            candidate_limit=candidate_limit,
            template_pool=template_pool,
            yearly_factor=yearly_factor,
        )
        levers_model = ModelLevers(exit_mean_days=exit_mean_days)
    except ValueError as error:
        fail(say_("invalid_levers", problem=error))
    default = Scenario()
    changed = {k: v for k, v in levers.as_dict().items() if getattr(default, k) != v}
    changed.pop("name", None)
    base = Scenario(name="baseline") if not changed else levers
    scenarios = [base.with_policy(p) for p in policies]  # type: ignore[arg-type]
    if baseline and changed:
        scenarios = [Scenario().with_policy(p) for p in policies] + scenarios  # type: ignore[arg-type]
    kind: ExecutorKind = "process"
    if scheduler:
        kind = "dask"
    elif dask_local:
        kind = "dask-local"
    elif serial:
        kind = "serial"
    try:
        results: SimulationResults = run_simulation(
            scenarios=scenarios,
            params=params,
            replications=replications,
            municipalities=municipality or None,
            seed=seed,
            kind=kind,
            workers=dask_local or workers,
            address=scheduler,
            progress=progress,
            levers=levers_model,
        )
    except KeyError as error:
        if not municipality:  # not an unknown code, a real bug: let it show
            raise
        known = {m.code for m in municipality_counts()}
        unknown_codes = [m for m in municipality if m not in known] or [str(error.args[0])]
        fail(say_("unknown_municipality", codes=", ".join(unknown_codes)))
    except SchedulerUnreachable as error:
        fail(say_("scheduler_unreachable", problem=error))
    results.to_parquet(out)
    outcomes = outcome_table(
        results.citizens, results.vacancies, end_day=int(results.meta["horizon_days"])
    )
    outcomes.to_csv(out / "outcomes.csv", index=False)
    (out / "outcomes.json").write_text(
        json.dumps(
            {
                "format": "boligmatch.simulation-outcomes/1",
                "run": results.meta,
                "rows": json.loads(outcomes.to_json(orient="records")),
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        "utf-8",
    )
    pooled = outcomes[(outcomes["municipality"] == "all") & (outcomes["dimension"] == "all")]
    pooled = pooled[[c for c in OUTCOME_COLUMNS if c in pooled.columns]]
    summary = results.summary(by=("scenario",))
    summary = summary[["scenario", *[c for c in SUMMARY_COLUMNS if c in summary.columns]]]
    detail = results.summary(by=keys) if len(keys) > 1 else None
    if png_path is not None:
        from planning.charts import simulation_png

        simulation_png(results, png_path, lang=words)
    if json_output:
        document = {
            "format": "boligmatch.simulation-summary/1",
            "run": results.meta,
            "summary": json.loads(summary.to_json(orient="records")),
            "outcomes": json.loads(pooled.to_json(orient="records")),
        }
        if detail is not None:
            document["by"] = json.loads(detail.to_json(orient="records"))
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    typer.echo(summary_table(pooled, words), nl=False)
    if detail is not None:
        typer.echo()
        typer.echo(summary_table(detail, words), nl=False)
    typer.echo(
        say_(
            "sim_note",
            tasks=count(int(results.meta["tasks"]), "task", words),
            replications=count(replications, "replication", words),
            municipalities=count(len(results.meta["municipalities"]), "municipality", words),
            months=count(months, "month", words),
            out=out,
        )
    )


reflow_help(command)
