"""`boligmatch housing-benefit`: estimate housing benefit for one household and one home.

A thin layer over :mod:`matcher.housing_benefit` (CONTRACT.md section 3): it reads the
options, prints the estimate as JSON (``--json``) or as a readable explanation, and turns
bad input into a message on stderr that names the option, with a non-zero exit code.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from kernel.cli_messages import cli_language, say
from kernel.formats import number
from matcher.errors import InputError
from matcher.housing_benefit import (
    HEATING_MODES,
    HousingBenefitEstimate,
    HousingBenefitInput,
    estimate,
)
from matcher.rates import DOMAIN_2026, RATE_TABLES

DEFAULT_YEAR = 2026

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
    "municipal_allocation": "--municipal-allocation",
    "mobility_impaired": "--mobility-impaired",
    "doegnhjaelp": "--doegnhjaelp",
    "receives_seniorpension": "--seniorpension",
    "receives_foertidspension": "--foertidspension",
}


def rates_help(year: int = DEFAULT_YEAR) -> str:
    """Which year's rates are in force by default, and where each group comes from."""
    table = RATE_TABLES[year].housing_benefit
    assert table is not None, f"no housing-benefit rates for {year}"
    years = ", ".join(str(y) for y, t in sorted(RATE_TABLES.items()) if t.housing_benefit)
    groups: list[tuple[str, str]] = [("area cap", table.area_cap.source)]
    for scheme in (table.boligsikring, table.boligydelse):
        groups += [
            (f"{scheme.kind} formula and amounts", scheme.formula.source),
            (f"{scheme.kind} wealth limits", scheme.wealth.source),
            (f"{scheme.kind} per-m² amounts", scheme.per_m2.source),
            (f"{scheme.kind} per child", scheme.children.source),
        ]
    groups.append(("mobility impairment and døgnhjælp", table.boligsikring.special_needs.source))
    lines = [
        f"Rates in force: {year} (--year; years with housing-benefit rates: {years}). "
        f"[D] = {DOMAIN_2026}. Sources:"
    ]
    lines += [
        f"{label}: {source.replace(DOMAIN_2026, '[D]').rstrip('.')}." for label, source in groups
    ]
    return "\n\n".join(lines)


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
            "foertidspension": inp.receives_foertidspension,
            "seniorpension": inp.receives_seniorpension,
            "mobility_impaired": inp.mobility_impaired,
            "doegnhjaelp": inp.doegnhjaelp,
            "municipal_allocation": inp.municipal_allocation,
        },
        "steps": list(result.steps),
    }


def command(
    income_dkk: Annotated[
        float,
        typer.Option(
            "--income-dkk",
            help="Household income before income tax, as boligstøtteloven counts it (salary "
            "after AM-bidrag, no tax-free income) [DKK/month].",
        ),
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
        typer.Option(
            "--pensioner",
            help="Receives folkepension, or førtidspension granted before 2003: boligydelse, "
            "not boligsikring (boligstøtteloven § 21).",
        ),
    ] = False,
    foertidspension: Annotated[
        bool,
        typer.Option(
            "--foertidspension",
            help="A member receives førtidspension: no 15 % cap for households without "
            "children (§ 22 stk. 3 nr. 1).",
        ),
    ] = False,
    seniorpension: Annotated[
        bool,
        typer.Option(
            "--seniorpension",
            help="A member receives seniorpension: no 15 % cap (§ 22 stk. 3 nr. 1).",
        ),
    ] = False,
    mobility_impaired: Annotated[
        bool,
        typer.Option(
            "--mobility-impaired",
            help="A member is severely mobility-impaired and the home is suitable: maximum "
            "housing expense and maximum benefit +50 %, no 15 % cap (§ 14 stk. 2, § 23 stk. 1, "
            "§ 22 stk. 3 nr. 2).",
        ),
    ] = False,
    doegnhjaelp: Annotated[
        bool,
        typer.Option(
            "--doegnhjaelp",
            help="A member receives døgnhjælp: the same raises as --mobility-impaired, not "
            "added to them (§ 14 stk. 3, § 23 stk. 1, § 22 stk. 3 nr. 3).",
        ),
    ] = False,
    municipal_allocation: Annotated[
        bool,
        typer.Option(
            "--municipal-allocation",
            help="The municipality allocates this almen bolig: with boligydelse, no maximum "
            "housing expense and no maximum benefit (§ 14 stk. 4 nr. 2, § 23 stk. 2).",
        ),
    ] = False,
    year: Annotated[int, typer.Option("--year", help="Rate year.")] = DEFAULT_YEAR,
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON document.")] = False,
) -> None:
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
            receives_foertidspension=foertidspension,
            receives_seniorpension=seniorpension,
            mobility_impaired=mobility_impaired,
            doegnhjaelp=doegnhjaelp,
            municipal_allocation=municipal_allocation,
            year=year,
        )
        result = estimate(inp)
    except InputError as error:
        option = OPTION_OF_FIELD.get(error.field, error.field)
        typer.echo(say("option_problem", option=option, problem=error.problem), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if json_output:
        typer.echo(json.dumps(estimate_document(inp, result), ensure_ascii=False, indent=2))
        return
    lang = cli_language()
    typer.echo(
        say(
            "benefit_headline",
            kind=say(f"benefit_{result.kind}"),
            year=year,
            monthly=number(result.monthly_benefit_dkk, lang),
            yearly=number(result.yearly_benefit_dkk, lang),
            net=number(result.net_rent_dkk, lang),
        )
    )
    typer.echo(say("benefit_steps"))
    for step in estimate(inp, language=lang).steps:
        typer.echo(f"  - {step}")


command.__doc__ = (
    "Estimate housing benefit (boligsikring, or boligydelse with --pensioner) under lov om "
    "individuel boligstøtte.\n\n" + rates_help()
)
