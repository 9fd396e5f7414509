"""Shared builders, Hypothesis strategies and reference solvers for the matcher tests.

The builders make small, readable problem documents; the strategy makes whole,
consistent random ones (two municipalities, every rule able to bite); the reference
solvers (SciPy's sparse matcher, brute force) check the matcher's optimality
independently of OR-Tools.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from matcher.scoring import ScoredProblem

AS_OF = "2026-11-02"


def citizen(cid: str = "C1", **overrides: Any) -> dict[str, Any]:
    """A single adult on kontanthjælp in Odense (461), in a shelter since January."""
    document: dict[str, Any] = {
        "id": cid,
        "municipality_code": "461",
        "birth_year": 1980,
        "household": {"adults": 1, "children": 0},
        "income": [{"kind": "kontanthjaelp", "monthly_dkk": 12064}],
        "situation": 3,
        "homeless_since": "2026-01-01",
        "registered_on": "2026-02-01",
        "deadline": None,
        "support": "none",
        "needs": {"wheelchair": False, "ground_floor": False, "pets": False},
        "preferences": {"areas": [], "avoid_areas": []},
    }
    return _merge(document, overrides)


def vacancy(vid: str = "V1", **overrides: Any) -> dict[str, Any]:
    """A cheap two-room ground-floor family unit in Vollsmose with municipal allocation."""
    document: dict[str, Any] = {
        "id": vid,
        "municipality_code": "461",
        "area": "Vollsmose",
        "lat": 55.41,
        "lon": 10.44,
        "kind": "family",
        "rooms": 2,
        "size_m2": 45.0,
        "rent_dkk": 3500,
        "utilities_dkk": 600,
        "rent_reduction_dkk": 0,
        "rent_reduction_until": None,
        "deposit_dkk": 10000,
        "allocation": "municipal",
        "wheelchair": False,
        "floor": 0,
        "elevator": False,
        "pets_allowed": False,
        "available_from": "2026-11-01",
        "department": "FAB/1",
        "listed_area": False,
    }
    return _merge(document, overrides)


def problem(
    citizens: list[dict[str, Any]], vacancies: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    """A problem document around the given citizens and vacancies."""
    return {
        "format": "boligmatch.problem/1",
        "as_of": AS_OF,
        "citizens": citizens,
        "vacancies": vacancies,
        **extra,
    }


def _merge(document: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(document)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


AREAS = ["Vollsmose", "Korup", "Bolbro", "Centrum"]


@st.composite
def citizens_st(draw: st.DrawFn, cid: str, codes: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["kontanthjaelp", "salary", "folkepension", "foertidspension"]))
    amount = draw(st.integers(5000, 26000))
    adults = draw(st.integers(1, 2))
    extra_items: list[list[dict[str, Any]]] = [
        [],
        [{"kind": "boerne_og_ungeydelse", "monthly_dkk": 1114}],
    ]
    if adults == 2:  # a second adult's own salary: taxed with their own personfradrag
        extra_items.append([{"kind": "salary", "monthly_dkk": 9000, "person": 1}])
    deadline = draw(st.none() | st.sampled_from(["2026-11-05", "2026-12-20", "2027-02-01"]))
    place = draw(
        st.none()
        | st.builds(lambda a, b: {"lat": a, "lon": b}, st.floats(55.3, 55.5), st.floats(10.3, 10.5))
    )
    dates = st.none() | st.sampled_from(["2026-03-01", "2026-06-15", "2027-01-01"])
    born = draw(st.integers(1950, 2006))
    extra: dict[str, Any] = {}
    if draw(st.booleans()):  # issue 12's optional facts
        extra = {
            "birth_date": f"{born}-{draw(st.sampled_from(['01-15', '11-02', '12-31']))}",
            "disability": draw(st.booleans()),
            "skaev_target_group": draw(st.booleans()),
            "area_facts": {
                "released_from_prison_on": draw(dates),
                "secure_institution_released_on": draw(dates),
                "lease_terminated_on": draw(dates),
                "non_eu_citizen": draw(st.booleans()) and draw(st.booleans()),
                "foertidspension": draw(st.booleans()) and draw(st.booleans()),
                "hjemrejseydelse_since": draw(st.none() | st.sampled_from(["2025-05-01"])),
                "dagpenge_since": draw(st.none() | st.sampled_from(["2025-05-01", "2026-07-01"])),
            },
        }
    return citizen(
        cid,
        municipality_code=draw(st.sampled_from(codes)),
        birth_year=born,
        household={"adults": adults, "children": draw(st.integers(0, 3))},
        income=[{"kind": kind, "monthly_dkk": amount}, *draw(st.sampled_from(extra_items))],
        situation=draw(st.integers(1, 9)),
        homeless_since=draw(st.sampled_from(["2024-03-01", "2025-09-15", "2026-10-01"])),
        registered_on=draw(st.sampled_from(["2025-01-01", "2026-06-01", "2026-11-01"])),
        deadline=deadline,
        support=draw(st.sampled_from(["CTI", "ICM", "ACT", "SEL85", "none"])),
        needs={
            "wheelchair": draw(st.booleans()) and draw(st.booleans()),
            "ground_floor": draw(st.booleans()),
            "pets": draw(st.booleans()),
        },
        preferences={
            "areas": draw(st.lists(st.sampled_from(AREAS), max_size=3, unique=True)),
            "avoid_areas": draw(st.lists(st.sampled_from(AREAS), max_size=1)),
            "place": place,
        },
        kontanthjaelp_since=draw(st.none() | st.sampled_from(["2025-01-01", "2026-08-01"])),
        **extra,
        **draw(money_facts_st()),
    )


@st.composite
def money_facts_st(draw: st.DrawFn) -> dict[str, Any]:
    """Issue 12's optional citizen facts: church membership and the housing-benefit flags."""
    if not draw(st.booleans()):
        return {}
    return {
        "church_member": draw(st.booleans()),
        "mobility_impaired": draw(st.booleans()) and draw(st.booleans()),
        "doegnhjaelp": draw(st.booleans()) and draw(st.booleans()),
        "seniorpension": draw(st.booleans()) and draw(st.booleans()),
        "foertidspension_before_2003": draw(st.booleans()) and draw(st.booleans()),
    }


@st.composite
def vacancies_st(draw: st.DrawFn, vid: str, codes: list[str]) -> dict[str, Any]:
    rent = draw(st.integers(2500, 9000))
    reduced = draw(st.booleans()) and draw(st.booleans())
    return vacancy(
        vid,
        municipality_code=draw(st.sampled_from(codes)),
        area=draw(st.sampled_from(AREAS)),
        lat=draw(st.floats(55.3, 55.5)),
        lon=draw(st.floats(10.3, 10.5)),
        kind=draw(
            st.sampled_from(["family", "family", "youth", "elderly", "skaev", "transitional"])
        ),
        rooms=draw(st.integers(1, 4)),
        size_m2=float(draw(st.integers(25, 110))),
        rent_dkk=rent,
        utilities_dkk=draw(st.integers(300, 1200)),
        rent_reduction_dkk=1400 if reduced else 0,
        rent_reduction_until=draw(st.sampled_from([None, "2027-06-30"])) if reduced else None,
        allocation=draw(st.sampled_from(["municipal", "municipal", "municipal", "association"])),
        wheelchair=draw(st.booleans()),
        floor=draw(st.integers(0, 3)),
        elevator=draw(st.booleans()),
        pets_allowed=draw(st.booleans()),
        available_from=draw(st.sampled_from(["2026-11-01", "2026-12-01", "2027-01-15"])),
        department=draw(st.sampled_from(["FAB/1", "FAB/2", "Civica/7"])),
        listed_area=draw(st.booleans()),
        area_category=draw(
            st.none()
            | st.sampled_from(["none", "udsat", "parallelsamfund", "omdannelse", "forebyggelse"])
        ),
    )


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    max_citizens: int = 7,
    max_vacancies: int = 6,
    side_constraints: bool = False,
) -> dict[str, Any]:
    """Whole, consistent random problem documents, small enough for brute force."""
    codes = draw(st.sampled_from([["461"], ["461", "101"]]))
    n_c = draw(st.integers(0, max_citizens))
    n_v = draw(st.integers(0, max_vacancies))
    citizens = [draw(citizens_st(f"C{i:02d}", codes)) for i in range(n_c)]
    vacancies = [draw(vacancies_st(f"V{i:02d}", codes)) for i in range(n_v)]
    extra: dict[str, Any] = {}
    if draw(st.booleans()):
        extra["policy"] = {
            "require_available_by_deadline": draw(st.booleans()),
            "min_m2_per_person": float(draw(st.sampled_from([0, 10, 20]))),
            "youth_age_limit": draw(st.sampled_from([25, 30, 35])),
            "allow_transitional": draw(st.booleans()),
            "elderly_min_age": draw(st.sampled_from([60, 65])),
            "rent_share_rule": draw(st.sampled_from(["hard", "assessment"])),
            "reduction_end_rule": draw(st.sampled_from(["hard", "warning"])),
        }
    extra["language"] = draw(st.sampled_from(["da", "en"]))
    if draw(st.booleans()):
        extra["weights"] = {"housed": draw(st.sampled_from([None, 0, 500]))}
    if side_constraints or draw(st.booleans()):
        extra["support_capacity"] = [
            {
                "municipality_code": "461",
                "method": method,
                "team": f"{method} Odense",
                "areas": draw(st.lists(st.sampled_from(AREAS), max_size=2, unique=True)),
                "free_places": draw(st.integers(0, 2)),
            }
            for method in ("ACT", "ICM")
        ]
    if side_constraints:
        extra["department_caps"] = [
            {"department": "FAB/1", "max_allocations": draw(st.integers(0, 2))}
        ]
    return problem(citizens, vacancies, **extra)


def scipy_optimum(scored: ScoredProblem) -> int:
    """The maximum total score over the scored graph, by SciPy's sparse matcher.

    Each citizen with a feasible pair gets a private dummy column so that a full
    matching of the rows always exists; weights ``M + 1 - score`` (dummy ``M + 1``) turn
    the maximum-score matching into SciPy's minimum-weight full matching.
    """
    if scored.n_pairs == 0:
        return 0
    rows = np.unique(scored.pc)
    row_of = {int(c): r for r, c in enumerate(rows)}
    n_rows, n_vac = rows.size, scored.cols.n_vacancies
    top = int(scored.score.max()) + 1
    r = np.asarray([row_of[int(c)] for c in scored.pc])
    data = np.concatenate([top - scored.score, np.full(n_rows, top)]).astype(np.float64)
    row_index = np.concatenate([r, np.arange(n_rows)])
    col_index = np.concatenate([scored.pv, n_vac + np.arange(n_rows)])
    graph = csr_matrix((data, (row_index, col_index)), shape=(n_rows, n_vac + n_rows))
    _, match = min_weight_full_bipartite_matching(graph)
    total = 0
    score_of = {
        (int(a), int(b)): int(s) for a, b, s in zip(r, scored.pv, scored.score, strict=True)
    }
    for row, column in enumerate(match):
        if column < n_vac:
            total += score_of[(row, int(column))]
    return total


def brute_force_optimum(
    pairs: dict[tuple[int, int], int],
    constraints: list[tuple[set[tuple[int, int]], int]] = (),  # type: ignore[assignment]
) -> int:
    """The best total score over all matchings of ``pairs`` (tiny instances only)."""
    citizens = sorted({c for c, _ in pairs})
    best = 0

    def walk(i: int, used: set[int], chosen: list[tuple[int, int]], total: int) -> None:
        nonlocal best
        if i == len(citizens):
            if all(sum(p in members for p in chosen) <= limit for members, limit in constraints):
                best = max(best, total)
            return
        walk(i + 1, used, chosen, total)
        c = citizens[i]
        for (cc, v), s in pairs.items():
            if cc == c and v not in used:
                used.add(v)
                chosen.append((c, v))
                walk(i + 1, used, chosen, total + s)
                chosen.pop()
                used.discard(v)

    walk(0, set(), [], 0)
    return best


def pairs_of(scored: ScoredProblem) -> dict[tuple[int, int], int]:
    """The scored graph as a dict (citizen index, vacancy index) -> score."""
    return {
        (int(c), int(v)): int(s) for c, v, s in zip(scored.pc, scored.pv, scored.score, strict=True)
    }


__all__ = [
    "AS_OF",
    "brute_force_optimum",
    "citizen",
    "pairs_of",
    "problem",
    "problems",
    "scipy_optimum",
    "vacancy",
]
