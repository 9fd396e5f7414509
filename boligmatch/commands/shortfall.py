"""`boligmatch shortfall`: the planner's shortfall table (CONTRACT.md sections 3 and 6).

A thin layer over :func:`planning.shortfall.shortfall`: reads the live stock and case list
from the configured database (migrating it first, like every database command), prints a
readable table, or the JSON document with ``--json``, and writes CSV and PNG on request.
Bad input goes to stderr with exit code 2.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from boligmatch.commands._common import band_line, fail, migrated_sessions, reflow_help
from kernel.cli_messages import cli_language, say, translator
from kernel.formats import day_text, number, percent
from kernel.messages import Lang

if TYPE_CHECKING:
    from planning.schemas import ShortfallReport


def table(report: ShortfallReport, lang: Lang) -> str:
    """The report as a fixed-width table, one line per municipality, totals last."""
    say_ = translator(lang)

    def num(value: float | None, digits: int = 1) -> str:
        return say_("sf_missing") if value is None else number(value, lang, digits)

    shares = report.parameters.allocation_shares
    head = (
        f"{say_('sf_code'):>4} {say_('sf_municipality'):<18} {'2022':>5} {'2024':>5} "
        f"{say_('sf_source'):>5} {say_('sf_demand'):>9} {say_('sf_supply'):>9} "
        f"{say_('sf_gap'):>9} "
        + " ".join(f"{say_('sf_years_at', share=percent(s, lang)):>8}" for s in shares)
    )
    lines = [head, "-" * len(head)]
    for r in report.municipalities:
        lines.append(
            f"{r.code:>4} {r.name[:18]:<18} {num(r.homeless_2022, 0):>5} "
            f"{num(r.homeless_2024, 0):>5} {r.demand_source:>5} {num(r.yearly_demand):>9} "
            f"{num(r.supply_per_year):>9} {num(r.gap_per_year):>9} "
            + " ".join(f"{num(s.years_to_clear):>8}" for s in r.shares)
            + (" *" if r.suppressed else "")
        )
    t = report.totals
    lines.append("-" * len(head))
    lines.append(
        f"{'':>4} {say_('sf_total'):<18} {num(t.homeless_2022, 0):>5} "
        f"{num(t.homeless_2024, 0):>5} {'':>5} {num(t.yearly_demand):>9} "
        f"{num(t.supply_per_year):>9} {num(t.gap_per_year):>9}"
    )
    p = report.parameters
    lines.append(
        say_(
            "sf_note",
            as_of=day_text(p.as_of, lang),
            factor=number(p.yearly_factor, lang, 1).removesuffix(",0").removesuffix(".0"),
            turnover=percent(p.turnover_rate, lang),
        )
    )
    return "\n".join(lines) + "\n"


def command(
    municipality: str | None = typer.Option(
        None, "--municipality", "-m", help="One municipality code, e.g. 461; default all 98."
    ),
    json_output: bool = typer.Option(
        False, "--json", help="Print the boligmatch.shortfall/1 JSON document."
    ),
    csv_path: Path | None = typer.Option(None, "--csv", help="Also write the table as CSV here."),
    png_path: Path | None = typer.Option(None, "--png", help="Also write a chart (PNG) here."),
    bands: bool = typer.Option(
        False, "--bands", help="Also print the rent bands (needs --municipality)."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Day of the table (YYYY-MM-DD)."),
    turnover_rate: float | None = typer.Option(
        None, "--turnover-rate", help="Share of the stock let per year (default the setting, 0.14)."
    ),
    yearly_factor: float = typer.Option(
        2.5, "--yearly-factor", help="VIVE week count -> persons homeless in a year (VIVE: 2.5)."
    ),
    demand_source: str = typer.Option(
        "auto", "--demand-source", help="auto (live where cases exist), vive or live."
    ),
    no_database: bool = typer.Option(
        False, "--no-database", help="VIVE-based demand only, no stock (supply 0)."
    ),
) -> None:
    """The planner's shortfall table: VIVE counts, yearly demand, affordable supply, gap.

    For every municipality (or one): VIVE's 2022 and 2024 counts, the yearly demand (count
    x 2.5, or the live case list where the municipality uses boligmatch), lettings per
    year of homes with a municipal allocation right that each benefit group can afford,
    the gap, and the years to house the queue if the municipality allocated 25 % or 50 %
    of the affordable homes let each year. Small live counts are suppressed.
    """
    from planning.shortfall import ShortfallParameters, rent_band_summary, shortfall, to_csv

    try:
        as_of_day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        fail(say("bad_as_of", value=as_of))
    try:
        params = ShortfallParameters(
            as_of=as_of_day,
            turnover_rate=turnover_rate,
            yearly_factor=yearly_factor,
            demand_source=demand_source,
        )
    except ValueError as error:
        fail(say("invalid_parameters", problem=error))
    if turnover_rate is not None and not 0 < turnover_rate < 1:
        fail(say("turnover_range"))
    if bands and municipality is None:
        fail(say("bands_need_municipality"))
    try:
        if no_database:
            report = shortfall(None, municipality=municipality, params=params)
            band_rows = []
        else:
            with migrated_sessions()() as session:
                report = shortfall(session, municipality=municipality, params=params)
                band_rows = (
                    rent_band_summary(session, municipality, params=params)
                    if bands and municipality
                    else []
                )
    except KeyError:
        if municipality is None:  # not the unknown code, a real bug: let it show
            raise
        fail(say("unknown_municipality", codes=municipality))
    if csv_path is not None:
        csv_path.write_text(to_csv(report), encoding="utf-8")
    if png_path is not None:
        from planning.charts import shortfall_png

        shortfall_png(report, png_path)
    if json_output:
        typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    lang = cli_language()
    typer.echo(table(report, lang), nl=False)
    for band in band_rows:
        typer.echo(band_line(band, lang))


reflow_help(command)
