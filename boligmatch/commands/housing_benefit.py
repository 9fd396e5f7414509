"""`boligmatch housing-benefit`: estimate housing benefit for one household and one home.

A thin layer over :mod:`matcher.housing_benefit` (CONTRACT.md section 3): it reads the
options, prints the estimate as JSON (``--json``) or as a readable explanation, and turns
bad input into a message on stderr that names the option, with a non-zero exit code.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from matcher.errors import InputError
from matcher.housing_benefit import (
    HEATING_MODES,
    HousingBenefitEstimate,
    HousingBenefitInput,
    estimate,
)

EXIT_BAD_INPUT = 2
"""Exit code for bad input, the same as Typer's own usage errors."""

OPTION_OF_FIELD = {
    "income_dkk": "--income-dkk",
    "rent_dkk": "--rent-dkk",
    "area_m2": "--area-m2",
    "adults": "--adults",
    "children": "--children",
    "wealth_dkk": "--wealth-dkk",
    "heating": "--heating",
    "pensioner": "--pensioner",
    "year": "--year",
}


def estimate_document(inp: HousingBenefitInput, result: HousingBenefitEstimate) -> dict[str, Any]:
    """The JSON document of one estimate: the input, the benefit and the steps."""
    return {
        "kind": result.kind,
        "year": inp.year,
        "monthly_benefit_dkk": result.monthly_benefit_dkk,
        "net_rent_dkk": result.net_rent_dkk,
        "yearly_benefit_dkk": result.yearly_benefit_dkk,
        "yearly_housing_expense_dkk": round(result.housing_expense_dkk, 2),
        "yearly_income_dkk": round(result.income_dkk, 2),
        "area_cap_m2": result.area_cap_m2,
        "input": {
            "income_dkk": inp.income_dkk,
            "rent_dkk": inp.rent_dkk,
            "area_m2": inp.area_m2,
            "adults": inp.adults,
            "children": inp.children,
            "wealth_dkk": inp.wealth_dkk,
            "heating": inp.heating,
            "pensioner": inp.pensioner,
        },
        "steps": list(result.steps),
    }


def command(
    income_dkk: Annotated[
        float,
        typer.Option("--income-dkk", help="Household income before tax [DKK/month]."),
    ],
    rent_dkk: Annotated[
        float, typer.Option("--rent-dkk", help="Rent excluding utilities [DKK/month].")
    ],
    area_m2: Annotated[float, typer.Option("--area-m2", help="The home's area in m².")],
    adults: Annotated[int, typer.Option("--adults", help="Adults in the household.")] = 1,
    children: Annotated[int, typer.Option("--children", help="Children in the household.")] = 0,
    wealth_dkk: Annotated[
        float, typer.Option("--wealth-dkk", help="The household's wealth [DKK].")
    ] = 0.0,
    heating: Annotated[
        str,
        typer.Option(
            "--heating",
            help="separate: heating paid a conto or to the supplier; included: heating and "
            "hot water paid in the rent.",
            metavar="separate|included",
        ),
    ] = "separate",
    pensioner: Annotated[
        bool,
        typer.Option("--pensioner", help="Receives folkepension: boligydelse, not boligsikring."),
    ] = False,
    year: Annotated[int, typer.Option("--year", help="Rate year.")] = 2026,
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON document.")] = False,
) -> None:
    """Estimate housing benefit (boligsikring, or boligydelse with --pensioner)."""
    try:
        if heating not in HEATING_MODES:
            raise InputError("heating", f"must be 'separate' or 'included' (got {heating!r})")
        inp = HousingBenefitInput(
            income_dkk=income_dkk,
            rent_dkk=rent_dkk,
            area_m2=area_m2,
            adults=adults,
            children=children,
            wealth_dkk=wealth_dkk,
            heating="included" if heating == "included" else "separate",
            pensioner=pensioner,
            year=year,
        )
        result = estimate(inp)
    except InputError as error:
        option = OPTION_OF_FIELD.get(error.field, error.field)
        typer.echo(f"Error: {option}: {error.problem}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if json_output:
        typer.echo(json.dumps(estimate_document(inp, result), ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{result.kind.capitalize()} ({year} rates): {result.monthly_benefit_dkk:,} kr./month "
        f"({result.yearly_benefit_dkk:,} kr./year); net rent {result.net_rent_dkk:,} kr./month."
    )
    for step in result.steps:
        typer.echo(f"  - {step}")
