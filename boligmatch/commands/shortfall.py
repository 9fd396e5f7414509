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

from boligmatch.commands._common import fail, migrated_sessions, reflow_help

if TYPE_CHECKING:
    from planning.schemas import ShortfallReport


def _num(value: float | None, digits: int = 1) -> str:
    return "null" if value is None else f"{value:,.{digits}f}"


def table(report: ShortfallReport) -> str:
    """The report as a fixed-width table, one line per municipality, totals last."""
    shares = report.parameters.allocation_shares
    head = (
        f"{'code':>4} {'municipality':<18} {'2022':>5} {'2024':>5} {'src':>4} "
        f"{'demand/yr':>9} {'supply/yr':>9} {'gap/yr':>9} "
        + " ".join(f"{'yrs@' + format(s, '.0%'):>8}" for s in shares)
    )
    lines = [head, "-" * len(head)]
    for r in report.municipalities:
        lines.append(
            f"{r.code:>4} {r.name[:18]:<18} {r.homeless_2022:>5} {r.homeless_2024:>5} "
            f"{r.demand_source:>4} {_num(r.yearly_demand):>9} {_num(r.supply_per_year):>9} "
            f"{_num(r.gap_per_year):>9} "
            + " ".join(f"{_num(s.years_to_clear):>8}" for s in r.shares)
            + (" *" if r.suppressed else "")
        )
    t = report.totals
    lines.append("-" * len(head))
    lines.append(
        f"{'':>4} {'total':<18} {t.homeless_2022:>5} {t.homeless_2024:>5} {'':>4} "
        f"{_num(t.yearly_demand):>9} {_num(t.supply_per_year):>9} {_num(t.gap_per_year):>9}"
    )
    p = report.parameters
    lines.append(
        f"as of {p.as_of}; demand = VIVE 2024 count x {p.yearly_factor:g} (src vive) or the "
        f"live case list (src live); supply = lettings/year (turnover {p.turnover_rate:.0%}) "
        "of municipal-right homes affordable to at least one benefit group; yrs@share = "
        "queue / (share x affordable lettings). * = small live counts suppressed (null)."
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
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
        params = ShortfallParameters(
            as_of=day,
            turnover_rate=turnover_rate,
            yearly_factor=yearly_factor,
            demand_source=demand_source,
        )
    except ValueError as error:
        fail(str(error))
    if turnover_rate is not None and not 0 < turnover_rate < 1:
        fail("--turnover-rate must be between 0 and 1")
    if bands and municipality is None:
        fail("--bands needs --municipality")
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
    except KeyError as error:
        fail(str(error.args[0]))
    if csv_path is not None:
        csv_path.write_text(to_csv(report), encoding="utf-8")
    if png_path is not None:
        from planning.charts import shortfall_png

        shortfall_png(report, png_path)
    if json_output:
        typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    typer.echo(table(report), nl=False)
    for band in band_rows:
        typer.echo(band.line())


reflow_help(command)
