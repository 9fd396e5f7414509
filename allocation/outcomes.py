"""Outcome reporting for planners: from registration to a kept home, without personal data.

Per municipality, overall and by situation, age band, household with children and
support method: the median days from registration to the first offer, to acceptance
and to moving in; offers sent per letting; declines by reason as a share of answered
offers; and the share still housed at 6 and 12 months against the Housing First
anchor of 8-9 in 10 (DOMAIN.md 6). Every figure is built from counts of cases or
offers, and any figure resting on fewer than :data:`MIN_COUNT` is suppressed
(``None``, shown as "–"), so no row points at a person. The rows carry no case refs,
names or dates of individuals; anonymised cases count like any other.

Not included: the share of the municipality's § 59 quota used (the quota itself is
not recorded in the database yet).
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from allocation.models import (
    CitizenCase,
    FollowUp,
    FollowUpOutcome,
    MoveInStep,
    Offer,
    OfferStatus,
)
from allocation.offer_states import DeclineReason

MIN_COUNT = 5
ANCHOR = (0.8, 0.9)
GROUPINGS = ("all", "situation", "age_band", "children", "support")


def age_band(age: int) -> str:
    for upper, band in ((24, "18-24"), (29, "25-29"), (39, "30-39"), (49, "40-49"), (64, "50-64")):
        if age <= upper:
            return band
    return "65+"


@dataclass
class _CaseFacts:
    groups: dict[str, str]
    offer_days: int | None = None
    accept_days: int | None = None
    move_in_days: int | None = None
    sent: int = 0
    declined: dict[str, int] | None = None
    answered: int = 0
    housed: dict[int, bool | None] | None = None


@dataclass(frozen=True)
class Row:
    """One figure of the report; ``n`` and ``value`` are None when suppressed."""

    grouping: str
    group: str
    metric: str
    n: int | None
    value: float | None


def _housed_at(months: int, follow_ups: list[FollowUp]) -> bool | None:
    """Still housed at ``months``: the follow-up says so; an earlier departure says no."""
    for f in follow_ups:
        if f.months == months and f.outcome is not None:
            return f.outcome == FollowUpOutcome.still_housed
    for f in follow_ups:
        if f.months < months and f.outcome not in (None, FollowUpOutcome.still_housed):
            return False
    return None


def _facts(session: Session, municipality_code: str) -> list[_CaseFacts]:
    cases = session.scalars(
        select(CitizenCase).where(CitizenCase.municipality_code == municipality_code)
    ).all()
    offers: dict[int, list[Offer]] = defaultdict(list)
    for offer in session.scalars(
        select(Offer)
        .join(CitizenCase, CitizenCase.id == Offer.case_id)
        .where(CitizenCase.municipality_code == municipality_code, Offer.sent_at.is_not(None))
    ):
        offers[offer.case_id].append(offer)
    moved: dict[int, MoveInStep] = {
        s.case_id: s
        for s in session.scalars(
            select(MoveInStep)
            .join(CitizenCase, CitizenCase.id == MoveInStep.case_id)
            .where(
                CitizenCase.municipality_code == municipality_code,
                MoveInStep.kind == "moved_in",
                MoveInStep.done_on.is_not(None),
            )
        )
    }
    follow_ups: dict[int, list[FollowUp]] = defaultdict(list)
    for f in session.scalars(
        select(FollowUp)
        .join(CitizenCase, CitizenCase.id == FollowUp.case_id)
        .where(CitizenCase.municipality_code == municipality_code)
    ):
        follow_ups[f.case_id].append(f)
    result = []
    for case in cases:
        age = case.registered_on.year - case.birth_year
        facts = _CaseFacts(
            groups={
                "all": "all",
                "situation": str(case.situation),
                "age_band": age_band(age),
                "children": "yes" if case.children else "no",
                "support": case.support.value,
            },
            declined=defaultdict(int),
            housed={},
        )
        sent = sorted(offers.get(case.id, []), key=lambda o: o.sent_at or o.created_at)
        facts.sent = len(sent)
        if sent and sent[0].sent_at is not None:
            facts.offer_days = (sent[0].sent_at.date() - case.registered_on).days
        for offer in sent:
            if offer.status in (OfferStatus.accepted, OfferStatus.declined, OfferStatus.expired):
                facts.answered += 1
            if offer.status == OfferStatus.declined and offer.decline_reason:
                assert facts.declined is not None
                facts.declined[offer.decline_reason] += 1
            if offer.status == OfferStatus.expired:
                assert facts.declined is not None
                facts.declined["expired"] += 1
            if offer.status == OfferStatus.accepted and offer.answered_at is not None:
                facts.accept_days = (offer.answered_at.date() - case.registered_on).days
        step = moved.get(case.id)
        if step is not None and step.done_on is not None:
            facts.move_in_days = (step.done_on - case.registered_on).days
            assert facts.housed is not None
            for months in (6, 12):
                facts.housed[months] = _housed_at(months, follow_ups.get(case.id, []))
        result.append(facts)
    return result


def _row(
    grouping: str, group: str, metric: str, n: int, value: float | None, min_count: int
) -> Row:
    if n < min_count:
        return Row(grouping, group, metric, None, None)
    return Row(grouping, group, metric, n, value)


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def outcome_report(
    session: Session, municipality_code: str, *, min_count: int = MIN_COUNT
) -> list[Row]:
    """Every figure of the report, overall and by each grouping, small counts suppressed.

    A figure is suppressed when the number of cases (or offers) it rests on is below
    ``min_count``.
    """
    facts = _facts(session, municipality_code)
    rows: list[Row] = []
    for grouping in GROUPINGS:
        by_group: dict[str, list[_CaseFacts]] = defaultdict(list)
        for f in facts:
            by_group[f.groups[grouping]].append(f)
        for group in sorted(by_group):
            members = by_group[group]
            for metric, pick in (
                ("days_to_offer", lambda f: f.offer_days),
                ("days_to_accept", lambda f: f.accept_days),
                ("days_to_move_in", lambda f: f.move_in_days),
            ):
                values = _values(members, pick)
                rows.append(_row(grouping, group, metric, len(values), _median(values), min_count))
            lettings = sum(1 for f in members if f.accept_days is not None)
            sent = sum(f.sent for f in members)
            rows.append(
                _row(
                    grouping,
                    group,
                    "offers_per_letting",
                    lettings,
                    sent / lettings if lettings else None,
                    min_count,
                )
            )
            answered = sum(f.answered for f in members)
            for reason in [r.value for r in DeclineReason] + ["expired"]:
                count = sum((f.declined or {}).get(reason, 0) for f in members)
                rows.append(
                    _row(
                        grouping,
                        group,
                        f"refusal_rate:{reason}",
                        answered,
                        count / answered if answered else None,
                        min_count,
                    )
                )
            for months in (6, 12):
                known = [h for f in members if (h := (f.housed or {}).get(months)) is not None]
                rows.append(
                    _row(
                        grouping,
                        group,
                        f"housed_{months}m",
                        len(known),
                        sum(known) / len(known) if known else None,
                        min_count,
                    )
                )
    return rows


def _values(members: Iterable[_CaseFacts], pick: Callable[[_CaseFacts], int | None]) -> list[int]:
    return [v for f in members if (v := pick(f)) is not None]


def rows_csv(rows: Iterable[Row]) -> str:
    """The report as CSV (suppressed figures empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["grouping", "group", "metric", "n", "value"])
    for r in rows:
        writer.writerow(
            [
                r.grouping,
                r.group,
                r.metric,
                "" if r.n is None else r.n,
                "" if r.value is None else round(r.value, 4),
            ]
        )
    return out.getvalue()
