"""Almenboligloven § 59 stk. 6 and 7: whom a municipality may not house in which areas.

In an *udsat boligområde* (including *parallelsamfund* and *omdannelsesområder*, § 59
stk. 6) the municipality may not allocate a home to a household where any member meets
one of criteria 1-7; in a *forebyggelsesområde* (§ 59 stk. 7) criteria 1-4 apply, plus
6 months of selvforsørgelses- og hjemrejseydelse or overgangsydelse (DOMAIN.md section
3; BL, "Begrænsninger i den kommunale anvisning"; L 23 (2021-22)). The 6 months are the
law's, so they are constants here, not settings.

Each criterion is one bit of a per-citizen mask (:func:`criteria_mask`), so the rule
over citizens x homes is two integer tests; the reason text names the paragraph and
each criterion met, with its date or months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from matcher.problem import AreaCategory, AreaFacts, Citizen

NO_FACTS = AreaFacts()
"""A citizen without ``area_facts``: none of them applies."""

LAW_MONTHS = 6
"""The law's period for every time criterion [months] (§ 59 stk. 6 nr. 1-3, 5, 7; stk. 7)."""

AREA_CATEGORIES: tuple[AreaCategory, ...] = (
    "none",
    "udsat",
    "parallelsamfund",
    "omdannelse",
    "forebyggelse",
)
"""Area categories in index order (the ``v_area_cat`` column holds these indices)."""
STK6_AREAS = (1, 2, 3)
"""udsat, parallelsamfund, omdannelse: § 59 stk. 6."""
STK7_AREAS = (4,)
"""forebyggelse: § 59 stk. 7."""


@dataclass(frozen=True)
class Criterion:
    """One criterion: its code, the numbers in each paragraph, its words per language."""

    code: str
    stk6: int | None
    stk7: int | None
    da: str
    en: str


CRITERIA = (
    Criterion(
        "prison_release",
        1,
        1,
        "et medlem af husstanden er løsladt efter afsoning inden for de seneste 6 måneder "
        "(løsladt {released_from_prison_on})",
        "a member of the household was released after serving a sentence within the last "
        "6 months (released {released_from_prison_on})",
    ),
    Criterion(
        "secure_institution",
        2,
        2,
        "et medlem under 18 år er løsladt fra en sikret institution efter en dom inden for "
        "de seneste 6 måneder (løsladt {secure_institution_released_on})",
        "a member under 18 was released from a secure youth institution after a conviction "
        "within the last 6 months (released {secure_institution_released_on})",
    ),
    Criterion(
        "lease_breach",
        3,
        3,
        "et medlem har fået sit lejemål ophævet for grov overtrædelse af god skik og orden "
        "inden for de seneste 6 måneder (ophævet {lease_terminated_on})",
        "a member had a lease ended for gross breach of good order within the last 6 "
        "months (ended {lease_terminated_on})",
    ),
    Criterion(
        "citizenship",
        4,
        4,
        "et medlem er ikke statsborger i et EU-/EØS-land eller Schweiz (og er ikke studerende)",
        "a member is not a citizen of an EU/EEA country or Switzerland (and not a student)",
    ),
    Criterion(
        "cash_benefit",
        5,
        None,
        "et medlem har modtaget kontanthjælp, uddannelseshjælp, selvforsørgelses- og "
        "hjemrejseydelse eller overgangsydelse i {cash_benefit_months} sammenhængende "
        "måneder (mindst 6)",
        "a member has received kontanthjælp, uddannelseshjælp, selvforsørgelses- og "
        "hjemrejseydelse or overgangsydelse for {cash_benefit_months} consecutive months "
        "(6 or more)",
    ),
    Criterion(
        "foertidspension",
        6,
        None,
        "et medlem modtager førtidspension",
        "a member receives førtidspension",
    ),
    Criterion(
        "unemployment_benefit",
        7,
        None,
        "et medlem har modtaget dagpenge, sygedagpenge eller ressourceforløbsydelse i "
        "{dagpenge_months} sammenhængende måneder (mindst 6)",
        "a member has received dagpenge, sygedagpenge or ressourceforløbsydelse for "
        "{dagpenge_months} consecutive months (6 or more)",
    ),
    Criterion(
        "hjemrejseydelse",
        None,
        5,
        "et medlem har modtaget selvforsørgelses- og hjemrejseydelse eller overgangsydelse "
        "i {hjemrejseydelse_months} sammenhængende måneder (mindst 6)",
        "a member has received selvforsørgelses- og hjemrejseydelse or overgangsydelse for "
        "{hjemrejseydelse_months} consecutive months (6 or more)",
    ),
)
"""The criteria in bit order; ``stk6``/``stk7`` are their numbers in each paragraph."""

STK6_MASK = sum(1 << k for k, c in enumerate(CRITERIA) if c.stk6 is not None)
STK7_MASK = sum(1 << k for k, c in enumerate(CRITERIA) if c.stk7 is not None)


def whole_months(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 if ``end`` is not later)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def within_law_months(day: date | None, as_of: date) -> bool:
    """True when ``day`` is on or after ``as_of`` or less than 6 whole months before it."""
    return day is not None and (day >= as_of or whole_months(day, as_of) < LAW_MONTHS)


def months_on(since: date | None, as_of: date) -> int:
    """Whole months of an unbroken period begun ``since`` (-1 when there is none)."""
    return -1 if since is None else whole_months(since, as_of)


def release_day(citizen: Citizen) -> date | None:
    """The latest prison release of the household, counting a situation-7 deadline."""
    days = [(citizen.area_facts or NO_FACTS).released_from_prison_on]
    if citizen.situation == 7 and citizen.deadline is not None:
        days.append(citizen.deadline)
    known = [day for day in days if day is not None]
    return max(known) if known else None


def receives_foertidspension(citizen: Citizen) -> bool:
    """Any member receives førtidspension: the fact, or an income item of that kind."""
    return (citizen.area_facts or NO_FACTS).foertidspension or any(
        item.kind == "foertidspension" for item in citizen.income
    )


def facts(citizen: Citizen, as_of: date) -> dict[str, Any]:
    """The household's § 59 facts as a reason's numbers (dates ISO, months -1 if none)."""
    f = citizen.area_facts or NO_FACTS
    released = release_day(citizen)

    def iso(day: date | None) -> str | None:
        return None if day is None else day.isoformat()

    return {
        "released_from_prison_on": iso(released),
        "secure_institution_released_on": iso(f.secure_institution_released_on),
        "lease_terminated_on": iso(f.lease_terminated_on),
        "non_eu_citizen": f.non_eu_citizen,
        "cash_benefit_months": max(
            months_on(citizen.kontanthjaelp_since, as_of),
            months_on(f.hjemrejseydelse_since, as_of),
        ),
        "foertidspension": receives_foertidspension(citizen),
        "dagpenge_months": months_on(f.dagpenge_since, as_of),
        "hjemrejseydelse_months": months_on(f.hjemrejseydelse_since, as_of),
    }


def criteria_mask(citizen: Citizen, as_of: date) -> int:
    """The criteria the household meets on ``as_of``, one bit each (:data:`CRITERIA` order)."""
    f = citizen.area_facts
    if (
        f is None
        and citizen.kontanthjaelp_since is None
        and citizen.situation != 7
        and not receives_foertidspension(citizen)
    ):
        return 0  # no fact given: nothing to count (the common case, kept cheap)
    f = f or NO_FACTS
    cash_months = max(
        months_on(citizen.kontanthjaelp_since, as_of), months_on(f.hjemrejseydelse_since, as_of)
    )
    met = (  # the numbers of facts(), without building its dict and ISO texts
        within_law_months(release_day(citizen), as_of),
        within_law_months(f.secure_institution_released_on, as_of),
        within_law_months(f.lease_terminated_on, as_of),
        f.non_eu_citizen,
        cash_months >= LAW_MONTHS,
        receives_foertidspension(citizen),
        months_on(f.dagpenge_since, as_of) >= LAW_MONTHS,
        months_on(f.hjemrejseydelse_since, as_of) >= LAW_MONTHS,
    )
    return sum(1 << k for k, hit in enumerate(met) if hit)


def met_codes(mask: int, paragraph_mask: int) -> list[str]:
    """The codes of the criteria in ``mask`` that the paragraph counts, in order."""
    return [c.code for k, c in enumerate(CRITERIA) if mask & paragraph_mask & (1 << k)]


_BY_CODE = {c.code: c for c in CRITERIA}


def reason(stk: int, category: str, codes: list[str], numbers: dict[str, Any], lang: str) -> str:
    """The reason a home in ``category`` is ruled out: paragraph first, then each criterion."""
    names = {
        "da": {
            "udsat": "et udsat boligområde",
            "parallelsamfund": "et parallelsamfund",
            "omdannelse": "et omdannelsesområde",
            "forebyggelse": "et forebyggelsesområde",
        },
        "en": {
            "udsat": "an udsat boligområde (deprived area)",
            "parallelsamfund": "a parallelsamfund (parallel society)",
            "omdannelse": "an omdannelsesområde (transformation area)",
            "forebyggelse": "a forebyggelsesområde (prevention area)",
        },
    }[lang]
    parts = []
    for code in codes:
        c = _BY_CODE[code]
        number = c.stk6 if stk == 6 else c.stk7
        words = (c.da if lang == "da" else c.en).format(**numbers)
        parts.append(f"nr. {number}: {words}")
    if lang == "da":
        return (
            f"almenboligloven § 59, stk. {stk}: boligen ligger i {names[category]}, og "
            "kommunen må ikke anvise den til husstanden, fordi " + "; ".join(parts)
        )
    return (
        f"almenboligloven § 59, stk. {stk}: the home is in {names[category]}, where the "
        "municipality may not allocate to this household, because " + "; ".join(parts)
    )
