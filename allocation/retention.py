"""Retention: personal data of closed cases is anonymised after the municipality's period.

GDPR's storage limitation: once a case has been closed (or the citizen removed from
the list) for ``aftercare.retention_days`` (a per-municipality setting), the person
can no longer be identified from it. :func:`anonymise_expired` (cron: ``boligmatch
purge-personal-data``) clears the name, contact person, incomes, preferences, exact
place and wealth, replaces the CPR hash by a random value, blanks the free-text
decline notes, and deletes the letters and the outbox messages about the case. It
keeps what the anonymous statistics need: the municipality, situation, household size,
birth year, support method, the dates of registration and of the offers, steps and
follow-ups. A case counts as closed since its last change (a closed case cannot change).
The stored match runs that hold the case lose the same facts (:func:`scrub_runs`): a
run's problem snapshot and result name the citizen by the case's pseudonymous ref, next
to incomes, § 59 facts and offer texts with money. Every anonymisation is written to the
audit trail (ids only).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from allocation.models import (
    AreaPreference,
    CaseIncome,
    CaseStatus,
    CitizenCase,
    MatchRun,
    Offer,
    OfferLetter,
    OutboxMessage,
)
from kernel.audit import record
from kernel.db import utcnow
from kernel.settings import get_settings

ACTOR = "system:retention"
CLOSED_STATUSES = (CaseStatus.closed, CaseStatus.removed)


def expired_case_ids(session: Session, *, now: dt.datetime) -> list[int]:
    """Closed or removed cases, not yet anonymised, past their municipality's period."""
    settings = get_settings()
    rows = session.execute(
        select(CitizenCase.id, CitizenCase.municipality_code, CitizenCase.updated_at).where(
            CitizenCase.status.in_(CLOSED_STATUSES), CitizenCase.anonymised_at.is_(None)
        )
    )
    out = []
    for case_id, code, updated_at in rows:
        days = settings.policy_for(code).aftercare.retention_days
        changed = updated_at if updated_at.tzinfo else updated_at.replace(tzinfo=dt.UTC)
        if changed + dt.timedelta(days=days) <= now:
            out.append(case_id)
    return sorted(out)


def anonymise_case(session: Session, case: CitizenCase, *, actor: str = ACTOR) -> None:
    """Remove everything that identifies the person; keep the statistical facts."""
    case.name = None
    case.cpr_hash = "anon-" + secrets.token_hex(16)
    case.contact_name = case.contact_email = case.contact_organisation = None
    case.preferred_lat = case.preferred_lon = None
    case.wealth_dkk = 0.0
    case.kontanthjaelp_since = None
    case.deadline = None
    case.anonymised_at = utcnow()
    session.execute(delete(CaseIncome).where(CaseIncome.case_id == case.id))
    session.execute(delete(AreaPreference).where(AreaPreference.case_id == case.id))
    session.execute(delete(OfferLetter).where(OfferLetter.case_id == case.id))
    session.execute(delete(OutboxMessage).where(OutboxMessage.case_id == case.id))
    for offer in session.scalars(select(Offer).where(Offer.case_id == case.id)):
        offer.decline_note = None
        session.execute(delete(OutboxMessage).where(OutboxMessage.offer_id == offer.id))
    session.expire(case, ["income_items", "area_preferences"])
    session.flush()
    record(session, actor=actor, action="case.anonymise", entity="case", entity_id=case.id)


def anonymise_expired(session: Session, *, now: dt.datetime | None = None) -> list[int]:
    """Anonymise every case past its retention period, and the runs holding them; the
    ids done."""
    now = now or utcnow()
    done = []
    anonymised: dict[str, dict[str, dt.datetime]] = {}  # municipality -> case_ref -> created
    for case_id in expired_case_ids(session, now=now):
        case = session.get(CitizenCase, case_id, with_for_update=True)
        if case is not None and case.anonymised_at is None:
            anonymise_case(session, case)
            anonymised.setdefault(case.municipality_code, {})[case.case_ref] = case.created_at
            done.append(case_id)
    for code, refs in anonymised.items():
        scrub_runs(session, code, set(refs), since=min(refs.values()))
    return done


#: A citizen's facts in a run's problem snapshot, as an anonymised case keeps them:
#: everything else is set to "none given" (the snapshot stays a valid problem).
KEPT_FACTS = frozenset(
    {"id", "municipality_code", "birth_year", "household", "situation", "homeless_since",
     "registered_on", "support"}
)  # fmt: skip
_CLEARED_FACTS: dict[str, Any] = {
    "income": [],
    "wealth_dkk": 0.0,
    "deadline": None,
    "kontanthjaelp_since": None,
    "birth_date": None,
    "needs": {"wheelchair": False, "ground_floor": False, "pets": False},
    "preferences": {"areas": [], "avoid_areas": []},
    "area_facts": None,
}
ANONYMISED = {
    "da": "Anonymiseret efter kommunens opbevaringsfrist.",
    "en": "Anonymised after the municipality's retention period.",
}


def anonymous_citizen(document: Mapping[str, Any]) -> dict[str, Any]:
    """A run's citizen document with only the facts an anonymised case keeps."""
    return {
        name: value
        if name in KEPT_FACTS
        else _CLEARED_FACTS.get(name, False if isinstance(value, bool) else None)
        for name, value in document.items()
    }


def scrub_result(result: Mapping[str, Any], refs: set[str], text: str) -> dict[str, Any]:
    """A run's result without the money and texts of the citizens ``refs``: their offers
    and assignments keep rank, score and points, and their words become ``text``."""

    def scrubbed(entry: Mapping[str, Any], **words: Any) -> Mapping[str, Any]:
        if entry.get("citizen") not in refs:
            return entry
        changed = dict(entry)
        if "money" in changed:
            changed["money"] = None
        changed.update({name: value for name, value in words.items() if name in changed})
        return changed

    out = dict(result)
    out["assignments"] = [scrubbed(a) for a in result.get("assignments", [])]
    out["offers"] = [
        {**offer, "candidates": [scrubbed(c, why=text) for c in offer.get("candidates", [])]}
        for offer in result.get("offers", [])
    ]
    out["unmatched"] = [
        scrubbed(u, text=text, detail={"rule": None, "values": {}})
        for u in result.get("unmatched", [])
    ]
    if "pairs" in result:
        out["pairs"] = [scrubbed(p, reasons=[], failed=[]) for p in result["pairs"]]
    return out


def scrub_runs(
    session: Session, municipality_code: str, refs: set[str], *, since: dt.datetime
) -> int:
    """Remove the citizens ``refs``' personal facts from the municipality's stored runs
    made since ``since`` (a run cannot hold a case created after it); the runs changed.

    One run at a time (a large municipality's run is megabytes), each marked with
    ``stats.scrubbed_at`` so that a server's cached index of it is rebuilt
    (:func:`allocation.match_runs.why_not`).
    """
    run_ids = session.scalars(
        select(MatchRun.id)
        .where(MatchRun.municipality_code == municipality_code, MatchRun.created_at >= since)
        .order_by(MatchRun.id)
    ).all()
    changed = 0
    for run_id in run_ids:
        run = session.get_one(MatchRun, run_id, with_for_update=True)
        citizens = run.problem.get("citizens", [])
        held = refs & {c.get("id") for c in citizens}
        if held:
            language = run.problem.get("language", "da")
            run.problem = {
                **run.problem,
                "citizens": [anonymous_citizen(c) if c.get("id") in held else c for c in citizens],
            }
            run.result = scrub_result(run.result, held, ANONYMISED.get(language, ANONYMISED["da"]))
            run.stats = {**(run.stats or {}), "scrubbed_at": utcnow().isoformat()}
            session.flush()
            changed += 1
        session.expunge(run)
    return changed
