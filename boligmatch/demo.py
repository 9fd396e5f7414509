"""`boligmatch demo`: the main job end to end on the embedded database.

Migrate, load the demo municipality (a generated, Odense-like 461), run the
matcher on its open vacancies and active cases, store the run, and print the
ranked offers and a shortfall line per rent band. No server, no network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from allocation.models import CitizenCase
from boligmatch.loading import load_world
from inventory.models import Department, Municipality, Unit, Vacancy
from kernel.cli_messages import cli_language, code_words, count, translator
from kernel.formats import day_text, number
from kernel.messages import Lang
from kernel.settings import get_settings
from synthetic.population import DEMO_AS_OF, DEMO_MUNICIPALITY, generate


def ensure_demo_loaded(sessions: sessionmaker[Session], *, cpr_secret: str) -> bool:
    """Load the demo municipality unless its stock is already there; True if loaded now."""
    with sessions() as session, session.begin():
        existing = session.scalar(
            select(func.count())
            .select_from(Unit)
            .join(Department)
            .where(Department.municipality_code == DEMO_MUNICIPALITY)
        )
        if existing:
            return False
        load_world(session, generate(seed=461, as_of=DEMO_AS_OF), cpr_secret=cpr_secret)
    return True


def format_offers(
    result: dict[str, Any], vacancies: dict[str, Vacancy], lang: Lang = "da", limit: int = 3
) -> str:
    """A readable table of each vacancy's ranked candidates (offer to #1 first)."""
    say = translator(lang)
    lines = [
        f"{say('col_vacancy'):>7}  {say('col_address'):<26} {say('col_area'):<12} "
        f"{say('col_kind'):<16} {say('col_rooms'):>8} {say('col_rent'):>11}  "
        f"{say('col_offer_to')}",
    ]
    offers = sorted(result["offers"], key=lambda o: (len(o["vacancy"]), o["vacancy"]))
    for offer in offers:
        vacancy = vacancies[offer["vacancy"]]
        unit = vacancy.unit
        rent = unit.rent_dkk - unit.rent_reduction_dkk
        candidates = offer["candidates"][:limit]
        if not candidates:
            who = say("no_eligible")
        elif not candidates[0]["assigned"]:
            who = say(
                "nobody_planned",
                alternates=", ".join(
                    say("planned_for", citizen=c["citizen"], vacancy=c["planned_vacancy"])
                    if c["planned_vacancy"]
                    else c["citizen"]
                    for c in candidates
                ),
            )
        else:
            first, *rest = candidates
            who = f"{first['citizen']} ({number(first['score'], lang)})"
            if rest:
                who += " · " + ", ".join(c["citizen"] for c in rest)
        lines.append(
            f"{offer['vacancy']:>7}  {unit.address[:26]:<26} {unit.area[:12]:<12} "
            f"{code_words('kind', unit.kind.value, lang):<16} {unit.rooms:>8} "
            f"{number(rent, lang):>11}  {who}"
        )
    return "\n".join(lines)


def run_demo(
    sessions: sessionmaker[Session],
    *,
    echo: Callable[[str], None] = print,
    as_of: dt.date = DEMO_AS_OF,
    lang: Lang | None = None,
) -> dict[str, Any]:
    """Load, match, store and print (in ``lang``, default ``BOLIGMATCH_LANG``); returns the
    result document."""
    from allocation.match_runs import run_match
    from boligmatch.commands._common import band_line
    from planning.shortfall import ShortfallParameters, rent_band_summary

    lang = lang or cli_language()
    say = translator(lang)

    settings = get_settings()
    loaded = ensure_demo_loaded(sessions, cpr_secret=settings.cpr_hash_secret)
    with sessions() as session, session.begin():
        municipality = session.get(Municipality, DEMO_MUNICIPALITY)
        assert municipality is not None
        run = run_match(
            session=session, municipality_code=DEMO_MUNICIPALITY, actor="demo", as_of=as_of
        )
        result = run.result
        vacancy_ids = [int(o["vacancy"]) for o in result["offers"]]
        vacancies = {
            str(v.id): v
            for v in session.scalars(select(Vacancy).where(Vacancy.id.in_(vacancy_ids)))
        }
        for v in vacancies.values():
            _ = v.unit.department
        cases = session.scalar(
            select(func.count())
            .select_from(CitizenCase)
            .where(CitizenCase.municipality_code == DEMO_MUNICIPALITY)
        )
        bands = rent_band_summary(
            session, DEMO_MUNICIPALITY, params=ShortfallParameters(as_of=as_of)
        )
        run_id = run.id
    stats = result.get("stats", {})

    def figure(value: object) -> str:
        return number(value, lang) if isinstance(value, int | float) else "?"

    echo(
        say(
            "demo_title",
            name=municipality.name,
            code=municipality.code,
            as_of=day_text(as_of, lang),
        )
    )
    echo(
        say(
            "demo_database",
            url=settings.database_url,
            loaded=say("demo_loaded_now" if loaded else "demo_loaded_before"),
            vacancies=count(len(vacancies), "open_vacancy", lang),
            cases=count(cases or 0, "citizen_case", lang),
        )
    )
    echo(
        say(
            "demo_matcher",
            method=run.method,
            status=code_words("status", result["status"], lang),
            objective=figure(result["objective"]),
            assigned=figure(len(result["assignments"])),
            vacancies=figure(len(vacancies)),
            unmatched=count(len(result["unmatched"]), "citizen", lang),
            feasible=figure(stats.get("feasible_pairs")),
            pairs=figure(stats.get("pairs_evaluated")),
        )
    )
    echo(say("demo_stored", run_id=run_id) + "\n")
    echo(say("demo_offers"))
    echo(format_offers(result, vacancies, lang))
    echo("")
    echo(say("demo_bands"))
    for band in bands:
        echo(f"  {band_line(band, lang)}")
    return result
