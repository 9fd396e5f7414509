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


def _money(amount: float) -> str:
    return f"{amount:,.0f}".replace(",", ".")


def format_offers(result: dict[str, Any], vacancies: dict[str, Vacancy], limit: int = 3) -> str:
    """A readable table of each vacancy's ranked candidates (offer to #1 first)."""
    lines = [
        f"{'vacancy':>7}  {'address':<26} {'area':<12} {'kind':<12} {'rooms':>5} "
        f"{'rent kr.':>9}  offer to (score) · then, if declined",
    ]
    offers = sorted(result["offers"], key=lambda o: (len(o["vacancy"]), o["vacancy"]))
    for offer in offers:
        vacancy = vacancies[offer["vacancy"]]
        unit = vacancy.unit
        rent = unit.rent_dkk - unit.rent_reduction_dkk
        candidates = offer["candidates"][:limit]
        if not candidates:
            who = "no eligible citizen"
        elif not candidates[0]["assigned"]:
            who = "nobody planned; alternates " + ", ".join(
                f"{c['citizen']} (planned for {c['planned_vacancy']})"
                if c["planned_vacancy"]
                else c["citizen"]
                for c in candidates
            )
        else:
            first, *rest = candidates
            who = f"{first['citizen']} ({first['score']:,})"
            if rest:
                who += " · " + ", ".join(c["citizen"] for c in rest)
        lines.append(
            f"{offer['vacancy']:>7}  {unit.address[:26]:<26} {unit.area[:12]:<12} "
            f"{unit.kind.value:<12} {unit.rooms:>5} {_money(rent):>9}  {who}"
        )
    return "\n".join(lines)


def run_demo(
    sessions: sessionmaker[Session],
    *,
    echo: Callable[[str], None] = print,
    as_of: dt.date = DEMO_AS_OF,
) -> dict[str, Any]:
    """Load, match, store and print; returns the result document."""
    from allocation.match_runs import run_match
    from planning.shortfall import ShortfallParameters, rent_band_summary

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
    echo(f"boligmatch demo: {municipality.name} ({municipality.code}), as of {as_of.isoformat()}")
    echo(
        f"database: {settings.database_url} "
        f"({'demo municipality loaded' if loaded else 'demo municipality already loaded'}; "
        f"{len(vacancies)} open vacancies, {cases} citizens' cases)"
    )
    echo(
        f"matcher: {run.method}; status {result['status']}; objective {result['objective']}; "
        f"{len(result['assignments'])} of {len(vacancies)} vacancies assigned; "
        f"{len(result['unmatched'])} citizens without a home this round; "
        f"{stats.get('feasible_pairs', '?')} feasible pairs of {stats.get('pairs_evaluated', '?')}"
    )
    echo(f"stored as match run {run_id}\n")
    echo("Ranked offers (offer to the first; the others are alternates, a forecast):")
    echo(format_offers(result, vacancies))
    echo("")
    echo("Shortfall per rent band (homes with a municipal allocation right):")
    for band in bands:
        echo(f"  {band.line()}")
    return result
