"""The staff run page's data: a plan of any size shown one page of homes at a time.

A Copenhagen-sized run (2,000 cases x 450 homes) stores a result of several megabytes;
the page shows :data:`HOMES_PER_PAGE` homes (sorted by number, filterable by home and by
citizen), :data:`UNMATCHED_PER_PAGE` of the citizens the plan leaves without a home
(with their reason in words, from the result's structured ``unmatched[].detail``), and
one "why not" form that explains any pair from the stored snapshot
(:func:`allocation.match_runs.why_not`). Nothing is repeated per home that grows
with the number of citizens.

Ranking is shown as staff can read it: each candidate's rank and points without the
plan's constant base (the ``housed`` bonus every housed citizen gets), only the score
parts that differ between a home's candidates, and in words why an alternate stands
where it does (the order follows what the plan as a whole loses, not the candidate's own
points). Rank 1 is the plan's choice; when the plan gives the home to nobody the page
says so instead.

Proposals shown are the plan's current ones: after a decline the re-plan stores a new
run that proposes only the declined home, so the other homes' live proposals (from the
run before) are shown on every run page too, and stay reachable.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from allocation.match_runs import RunSummary
from allocation.models import Offer, OfferStatus
from kernel import formats
from kernel.calendar import DANISH_TIME

HOMES_PER_PAGE = 25
UNMATCHED_PER_PAGE = 50
RECENT_RUNS = 10
#: The score part every housed citizen gets alike: never shown (it would add 100,000s).
BASE_PART = "housed"
#: The parts in the order staff read them (the matcher's breakdown keys).
PARTS = (
    "situation",
    "time_homeless",
    "deadline",
    "children",
    "time_on_list",
    "area_preference",
    "distance",
    "stays_affordable",
    "support_fit",
)
LIVE = (OfferStatus.proposed, OfferStatus.sent)

Say = Callable[..., str]


def number(value: object) -> str:
    """An integer the Danish way (12.064), or the value as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return formats.number(round(value), "da")


def local_time(moment: dt.datetime) -> str:
    """A stored UTC moment as Danish local time: 23.10.2026 14:05."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(DANISH_TIME).strftime("%d.%m.%Y %H:%M")


def danish_day(text: str | None) -> str:
    """An ISO day as 23.10.2026 (other text as it is)."""
    if not text:
        return "–"
    try:
        return dt.date.fromisoformat(text).strftime("%d.%m.%Y")
    except ValueError:
        return text


def home_key(vacancy_id: str) -> tuple[int, str]:
    """Sort homes by number (#2 before #11), ids that are not numbers last."""
    return (int(vacancy_id), "") if vacancy_id.isdigit() else (2**62, vacancy_id)


@dataclass(frozen=True)
class Paged:
    """One page of a longer list: its items, the page number and how many pages."""

    items: list[Any]
    page: int
    pages: int
    total: int


def paged(items: Sequence[Any], page: int, size: int) -> Paged:
    pages = max(1, math.ceil(len(items) / size))
    page = min(max(1, page), pages)
    return Paged(list(items[(page - 1) * size : page * size]), page, pages, len(items))


def select_homes(
    entries: Iterable[Mapping[str, Any]], *, home: str = "", citizen: str = ""
) -> list[Mapping[str, Any]]:
    """The result's ``offers`` entries by home number, kept if they match the filters."""
    chosen = [
        e
        for e in entries
        if (not home or e["vacancy"] == home)
        and (not citizen or any(c["citizen"] == citizen for c in e.get("candidates", [])))
    ]
    return sorted(chosen, key=lambda e: home_key(str(e["vacancy"])))


def _points(candidate: Mapping[str, Any], breakdown: Mapping[str, Any] | None) -> int:
    """The candidate's score without the constant base."""
    base = int((breakdown or {}).get(BASE_PART, 0) or 0)
    return int(candidate.get("score", 0)) - base


def differing_parts(breakdowns: Sequence[Mapping[str, Any] | None]) -> list[str]:
    """The parts whose points differ between a home's candidates (one candidate: its
    parts that are not zero). The base is never among them."""
    known = [b for b in breakdowns if b]
    if not known:
        return []
    if len(known) == 1:
        return [p for p in PARTS if known[0].get(p)]
    return [p for p in PARTS if len({int(b.get(p, 0) or 0) for b in known}) > 1]


def why_ranked(
    candidate: Mapping[str, Any],
    *,
    holder: str | None,
    higher: Sequence[tuple[int, str, int]],
    points: int,
    say: Say,
) -> str:
    """Why the candidate stands where they do, in the page's words.

    ``higher`` are the candidates ranked above: (rank, case ref, points).
    """
    ref = candidate["citizen"]
    if candidate.get("assigned"):
        return say("why_plan_choice", ref=ref)
    parts = []
    if holder is None:
        parts.append(say("why_nobody_first" if candidate["rank"] == 1 else "why_nobody_next"))
    else:
        parts.append(say("why_if_declines", holder=holder))
    loss = candidate.get("loss")
    if isinstance(loss, int):
        parts.append(say("why_loss", ref=ref, loss=number(loss)))
    planned = candidate.get("planned_vacancy")
    parts.append(
        say("why_planned_elsewhere", ref=ref, home=planned)
        if planned
        else say("why_not_housed", ref=ref)
    )
    outscored = [r for r, _, p in higher if p < points]
    if outscored:
        parts.append(say("why_more_points", rank=outscored[0]))
    return " ".join(parts)


def candidate_rows(
    entry: Mapping[str, Any],
    assigned_breakdowns: Mapping[tuple[str, str], Mapping[str, Any] | None],
    offer_of: Callable[[str], Offer | None],
    case_ids: Mapping[str, int],
    say: Say,
) -> tuple[list[dict[str, Any]], list[str], str | None]:
    """A home's candidates as the page shows them, the parts shown, and the plan's choice."""
    candidates = entry.get("candidates", [])
    holder = next((c["citizen"] for c in candidates if c.get("assigned")), None)
    breakdowns = [
        c.get("breakdown") or assigned_breakdowns.get((entry["vacancy"], c["citizen"]))
        for c in candidates
    ]
    shown = differing_parts(breakdowns)
    rows: list[dict[str, Any]] = []
    higher: list[tuple[int, str, int]] = []
    for candidate, breakdown in zip(candidates, breakdowns, strict=True):
        points = _points(candidate, breakdown)
        rows.append(
            {
                "rank": candidate["rank"],
                "case_ref": candidate["citizen"],
                "case_id": case_ids.get(candidate["citizen"]),
                "assigned": bool(candidate.get("assigned")),
                "points": points,
                "parts": [(p, int((breakdown or {}).get(p, 0) or 0)) for p in shown]
                if breakdown
                else None,
                "why": why_ranked(candidate, holder=holder, higher=higher, points=points, say=say),
                "offer": offer_of(candidate["citizen"]),
            }
        )
        higher.append((candidate["rank"], candidate["citizen"], points))
    return rows, shown, holder


def current_offers(
    run_offers: Iterable[Offer], live_offers: Iterable[Offer], refs: Mapping[int, str]
) -> dict[tuple[str, str], Offer]:
    """The offer to show per (home, case ref): a live one (proposed or sent, from any run:
    a re-plan after a decline proposes only its one home), else this run's."""
    chosen: dict[tuple[str, str], Offer] = {}
    for offer in run_offers:
        chosen[str(offer.vacancy_id), refs.get(offer.case_id, "")] = offer
    for offer in sorted(live_offers, key=lambda o: o.id):
        chosen[str(offer.vacancy_id), refs.get(offer.case_id, "")] = offer
    return chosen


def unmatched_text(item: Mapping[str, Any], say: Say, base: int = 0) -> str:
    """Why the plan leaves a citizen without a home, in words, from its structured detail.

    ``base`` is the run's constant "housed" bonus, taken out of the points compared (as
    everywhere on the pages: the base is the same for every candidate).
    """
    reason = str(item.get("reason", ""))
    detail = item.get("detail") or {}
    values: dict[str, Any] = dict(detail.get("values") or {})
    rule = detail.get("rule")
    if reason == "outranked":
        homes = values.get("homes") or []

        def points(score: object) -> str:
            return number(score - base) if isinstance(score, int) else number(score)

        named = [
            say(
                "um_home_to",
                home=h.get("vacancy"),
                holder=h.get("holder"),
                theirs=points(h.get("holder_score")),
                mine=points(h.get("score")),
            )
            if h.get("holder")
            else say("um_home_unassigned", home=h.get("vacancy"), mine=points(h.get("score")))
            for h in homes
        ]
        more = int(values.get("feasible_vacancies", 0) or 0) > len(homes)
        return say(
            "um_outranked",
            n=number(values.get("feasible_vacancies", len(homes))),
            named="; ".join(named) + ("; …" if more else ""),
            home=values.get("vacancy", "?"),
            loss=number(values.get("loss", 0)),
        )
    if reason == "capacity":
        return say("um_capacity", home=values.get("vacancy", "?"))
    key = f"um_rule_{rule}" if rule else f"um_{reason}"
    shown = {name: number(v) for name, v in values.items() if not isinstance(v, list | dict)}
    if "deadline" in values:
        shown["deadline"] = danish_day(values.get("deadline"))
    shown.setdefault("homes_left", number(values.get("homes_left", 0)))
    try:
        text = say(key, **shown)
    except (KeyError, IndexError):  # a detail of another shape (an older matcher's)
        text = key
    return text if text != key else say("um_other", reason=reason)


def run_label(run: RunSummary, say: Say) -> dict[str, Any]:
    """One earlier run for the list: number, local time, purpose, how many homes assigned."""
    return {
        "id": run.id,
        "when": local_time(run.created_at),
        "purpose": say(f"run_purpose_{run.purpose}"),
        "assigned": "–" if run.housed is None else run.housed,
        "vacancies": "–" if run.vacancies is None else run.vacancies,
    }
