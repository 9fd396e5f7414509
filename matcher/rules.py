"""The matching rules, one named function each.

Hard rules decide whether a citizen may be offered a home at all; soft rules give a
feasible pair integer points. Each hard rule is written once, as array functions over
citizens x homes: ``rule(cols, ci, vi)`` takes index arrays of citizens and homes that
broadcast against each other, so the same code serves

* the funnel over a component's cross product (``ci`` a column, ``vi`` a row:
  :func:`cheap_rule_masks`),
* lists of pairs (``ci`` and ``vi`` of equal length), and
* the scalar case (one-element arrays: :meth:`HardRule.check`, used by ``--explain``
  and the appeal texts), which also gives the failed pair's reason: the words of each
  clause that failed and the rule's numbers as structured values, computed from the same
  columns the verdict read.

A rule is the conjunction of its clauses (:class:`Clause`): the clause is the condition
in one place, with the sentence that says it failed. Soft rules are vectorised only; the
scalar path calls them on one-element arrays, so the two paths cannot disagree on a
score. Points are integers (see :mod:`matcher.policy`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from matcher import section59
from matcher.affordability import (
    HomeColumns,
    HouseholdColumns,
    VerdictArrays,
    assess_many,
    home_columns,
    household_columns,
    summary_text,
)
from matcher.columns import I64, INTENSIVE_METHODS, B, Columns
from matcher.housing_benefit import hundredths_array, round_ore_to_dkk_array
from matcher.words import day, kr

Values = dict[str, Any]
"""A reason's numbers by name: int, float, str, bool or None (JSON scalars)."""
Numbers = Callable[["Columns", I64, I64], dict[str, list[Any]]]
"""A rule's numbers for pairs ``(ci[k], vi[k])``: one list per name, one value per pair."""
RuleArray = Callable[[Columns, I64, I64], B]
"""An array rule: ``(cols, ci, vi)`` with broadcastable index arrays -> verdicts."""


@dataclass(frozen=True)
class Check:
    """One hard rule's verdict on one pair.

    Attributes
    ----------
    rule : str
        The rule's name.
    ok : bool
        True when the rule holds.
    text : str
        The verdict in plain words with its numbers (empty when the rule holds).
    values : dict
        The numbers the verdict rests on, by name (empty when the rule holds).
    """

    rule: str
    ok: bool
    text: str = ""
    values: Values = field(default_factory=dict)


@dataclass(frozen=True)
class Clause:
    """One condition of a hard rule and the sentence that says it failed.

    ``holds`` is the condition over broadcastable index arrays; ``words`` formats the
    failure from the rule's numbers of the pair (:attr:`HardRule.numbers`).
    """

    holds: RuleArray
    words: Callable[[Values], str]
    da: Callable[[Values], str] | None = None
    """The sentence in Danish (the default language); None = ``words`` in every language."""

    def say(self, values: Values, language: str) -> str:
        """The failure in ``language`` (``da`` or ``en``)."""
        if language == "da" and self.da is not None:
            return self.da(values)
        return self.words(values)


def _count_da(n: Any, one: str, many: str) -> str:
    """A Danish count with the right noun form: "1 person", "3 personer"."""
    return f"{n} {one if n == 1 else many}"


RULE_TITLES = {"affordability": ("Betalingsevne", "Affordability")}
"""Titles of rules that do not carry their own (``HardRule.titles``)."""


@dataclass(frozen=True)
class HardRule:
    """A hard rule: its clauses (all must hold) and the numbers a failed pair is told.

    Calling the rule gives its verdicts over citizens x homes (see the module
    docstring); :meth:`check` is the one-pair verdict with its reason.
    """

    name: str
    doc: str
    clauses: tuple[Clause, ...]
    numbers: Numbers
    titles: tuple[str, str] = ("", "")
    """The rule's name for people, in Danish and English (empty = ``name``)."""

    def title(self, language: str) -> str:
        """The rule's name for people in ``language``, which a reason starts with."""
        da, en = self.titles if any(self.titles) else RULE_TITLES.get(self.name, ("", ""))
        return (da if language == "da" else en) or self.name

    def __call__(self, cols: Columns, ci: I64, vi: I64) -> B:
        ok = self.clauses[0].holds(cols, ci, vi)
        for clause in self.clauses[1:]:
            ok = ok & clause.holds(cols, ci, vi)
        shape = np.broadcast_shapes(ci.shape, vi.shape)
        verdict: B = ok if ok.shape == shape else np.broadcast_to(ok, shape)
        return verdict

    def checks(self, cols: Columns, ci: I64, vi: I64) -> list[Check]:
        """The verdicts on pairs ``(ci[k], vi[k])`` (1-D arrays), each failure with its reason.

        The clauses run once over all the pairs; the numbers are read, and the words
        written, for the failed pairs only.
        """
        held = [np.broadcast_to(clause.holds(cols, ci, vi), ci.shape) for clause in self.clauses]
        ok = np.logical_and.reduce(held) if len(held) > 1 else held[0]
        out = [Check(self.name, True)] * ci.size
        bad = np.flatnonzero(~ok)
        if bad.size == 0:
            return out
        columns = self.numbers(cols, ci[bad], vi[bad])
        names = list(columns)
        failing = np.stack([~h[bad] for h in held], axis=1).tolist()
        for k, row, clause_failed in zip(
            bad.tolist(), zip(*columns.values(), strict=True), failing, strict=True
        ):
            values = dict(zip(names, row, strict=True))
            text = "; ".join(
                clause.say(values, cols.language)
                for clause, failed in zip(self.clauses, clause_failed, strict=True)
                if failed
            )
            out[k] = Check(self.name, False, text, values)
        return out

    def check(self, cols: Columns, c: int, v: int) -> Check:
        """The verdict on citizen ``c`` and home ``v``: :meth:`checks` on one pair."""
        return self.checks(cols, np.asarray([c], dtype=np.int64), np.asarray([v], dtype=np.int64))[
            0
        ]


def _each(values: Any, ci: I64) -> list[Any]:
    """A per-citizen or per-pair value (a scalar when uniform) as one plain value per pair."""
    out: list[Any] = np.broadcast_to(values, ci.shape).tolist()
    return out


# --- allocation right ---------------------------------------------------------------------


def _municipal(cols: Columns, ci: I64, vi: I64) -> B:
    return cols.municipal[vi]


def _same_municipality(cols: Columns, ci: I64, vi: I64) -> B:
    ok: B = ~cols.municipal[vi] | (cols.v_muni[vi] == cols.c_muni[ci])
    return ok


def _allocation_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    codes = cols.municipality_codes
    return {
        "allocation": [cols.vacancies[v].allocation for v in vi.tolist()],
        "vacancy_municipality": [codes[m] for m in cols.v_muni[vi].tolist()],
        "citizen_municipality": [codes[m] for m in cols.c_muni[ci].tolist()],
    }


allocation_right = HardRule(
    "allocation_right",
    """Hard rule: the municipality offering the home must hold its allocation right.

    The municipality may only offer homes it has the allocation right to (kommunal
    anvisningsret, almenboligloven § 59), and it offers them to citizens it is the acting
    municipality (handlekommune) for (DOMAIN.md sections 3 and 4).
    """,
    (
        Clause(
            _municipal,
            lambda n: (
                "the housing association lets this home; the municipality has no allocation right"
            ),
            lambda n: (
                "boligorganisationen udlejer selv denne bolig; kommunen har ikke anvisningsret"
            ),
        ),
        Clause(
            _same_municipality,
            lambda n: (
                f"the allocation right belongs to municipality {n['vacancy_municipality']}; "
                f"the citizen's acting municipality is {n['citizen_municipality']}"
            ),
            lambda n: (
                f"anvisningsretten tilhører kommune {n['vacancy_municipality']}; borgerens "
                f"handlekommune er {n['citizen_municipality']}"
            ),
        ),
    ),
    _allocation_numbers,
    ("Anvisningsret (almenboligloven § 59)", "Allocation right (almenboligloven § 59)"),
)


# --- household fits -----------------------------------------------------------------------


def _not_crowded(cols: Columns, ci: I64, vi: I64) -> B:
    ok: B = cols.persons[ci] <= cols.rooms[vi] * cols.policy_values(ci, "max_persons_per_room")
    return ok


def _few_spare_rooms(cols: Columns, ci: I64, vi: I64) -> B:
    ok: B = cols.rooms[vi] <= cols.persons[ci] + cols.policy_values(ci, "max_spare_rooms")
    return ok


def _enough_m2(cols: Columns, ci: I64, vi: I64) -> B:
    m2 = cols.policy_values(ci, "min_m2_per_person").astype(np.float64)
    ok: B = cols.size_m2[vi] >= cols.persons[ci] * m2
    return ok


def _household_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    return {
        "persons": cols.persons[ci].tolist(),
        "rooms": cols.rooms[vi].tolist(),
        "size_m2": cols.size_m2[vi].tolist(),
        **{
            name: _each(cols.policy_values(ci, name), ci)
            for name in ("max_persons_per_room", "max_spare_rooms", "min_m2_per_person")
        },
    }


household_fits = HardRule(
    "household_fits",
    """Hard rule: the household fits the home by persons per room, spare rooms and m².

    No national rule: the limits are the municipality's ``max_persons_per_room``,
    ``max_spare_rooms`` and ``min_m2_per_person`` (DOMAIN.md section 1: a home must fit
    the person's needs; :class:`matcher.policy.Policy` for the defaults).
    """,
    (
        Clause(
            _not_crowded,
            lambda n: (
                f"{n['persons']} persons in {n['rooms']} rooms is more than "
                f"{n['max_persons_per_room']} per room"
            ),
            lambda n: (
                f"{_count_da(n['persons'], 'person', 'personer')} i "
                f"{_count_da(n['rooms'], 'værelse', 'værelser')} er flere end "
                f"{n['max_persons_per_room']} pr. værelse"
            ),
        ),
        Clause(
            _few_spare_rooms,
            lambda n: (
                f"{n['rooms']} rooms for {n['persons']} persons is more than "
                f"{n['max_spare_rooms']} spare room(s)"
            ),
            lambda n: (
                f"{_count_da(n['rooms'], 'værelse', 'værelser')} til "
                f"{_count_da(n['persons'], 'person', 'personer')} er mere end "
                f"{_count_da(n['max_spare_rooms'], 'ekstra værelse', 'ekstra værelser')}"
            ),
        ),
        Clause(
            _enough_m2,
            lambda n: (
                f"{n['size_m2']:g} m² for {n['persons']} persons is less than "
                f"{n['min_m2_per_person']:g} m² per person"
            ),
            lambda n: (
                f"{n['size_m2']:g} m² til {_count_da(n['persons'], 'person', 'personer')} er "
                "mindre end "
                f"{n['min_m2_per_person']:g} m² pr. person"
            ),
        ),
    ),
    _household_numbers,
    ("Husstanden passer ikke til boligen", "The household does not fit the home"),
)


# --- accessibility ------------------------------------------------------------------------


def _wheelchair_home(cols: Columns, ci: I64, vi: I64) -> B:
    ok: B = ~cols.need_wheelchair[ci] | cols.wheelchair[vi]
    return ok


def _reachable(cols: Columns, ci: I64, vi: I64) -> B:
    needs = cols.need_wheelchair[ci] | cols.need_ground_floor[ci]
    ok: B = ~needs | ((cols.floor[vi] == 0) | cols.elevator[vi])
    return ok


def _accessibility_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    return {
        "needs_wheelchair": cols.need_wheelchair[ci].tolist(),
        "needs_ground_floor": cols.need_ground_floor[ci].tolist(),
        "wheelchair": cols.wheelchair[vi].tolist(),
        "floor": cols.floor[vi].tolist(),
        "elevator": cols.elevator[vi].tolist(),
    }


accessibility = HardRule(
    "accessibility",
    """Hard rule: wheelchair users get wheelchair homes they can reach; ground floor if needed.

    A wheelchair need requires a wheelchair-accessible home, and both a wheelchair and a
    ground-floor need require the ground floor (floor 0) or a lift (DOMAIN.md section 1:
    home and support must fit the person's needs).
    """,
    (
        Clause(
            _wheelchair_home,
            lambda n: "needs a wheelchair-accessible home; this one is not",
            lambda n: "har brug for en kørestolsegnet bolig; denne er det ikke",
        ),
        Clause(
            _reachable,
            lambda n: (
                f"needs the ground floor or a lift; the home is on floor {n['floor']} without "
                "a lift"
            ),
            lambda n: (
                f"har brug for stueetage eller elevator; boligen ligger på {n['floor']}. sal "
                "uden elevator"
            ),
        ),
    ),
    _accessibility_numbers,
    ("Tilgængelighed", "Accessibility"),
)


# --- pets ---------------------------------------------------------------------------------


def _pets_allowed(cols: Columns, ci: I64, vi: I64) -> B:
    ok: B = ~cols.has_pets[ci] | cols.pets_allowed[vi]
    return ok


pets = HardRule(
    "pets",
    """Hard rule: a citizen with a pet only gets homes where pets are allowed.

    The house rules of the housing department decide (DOMAIN.md section 1: a home the
    person can keep).
    """,
    (
        Clause(
            _pets_allowed,
            lambda n: "the citizen has a pet; pets are not allowed in this home",
            lambda n: "borgeren har et husdyr; husdyr er ikke tilladt i denne bolig",
        ),
    ),
    lambda cols, ci, vi: {"pets_allowed": cols.pets_allowed[vi].tolist()},
    ("Husdyr", "Pets"),
)


# --- youth units ---------------------------------------------------------------------------


def _young_enough(cols: Columns, ci: I64, vi: I64) -> B:
    ok: B = ~cols.youth[vi] | (cols.age[ci] < cols.policy_values(ci, "youth_age_limit"))
    return ok


def _born(citizen: Any) -> str:
    """The birth date (ISO) when known, else the birth year, as a reason shows it."""
    return citizen.birth_date.isoformat() if citizen.birth_date else str(citizen.born_year)


def _youth_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    return {
        "age": cols.age[ci].tolist(),
        "born": [_born(cols.citizens[c]) for c in ci.tolist()],
        "youth_age_limit": _each(cols.policy_values(ci, "youth_age_limit"), ci),
    }


youth_unit = HardRule(
    "youth_unit",
    """Hard rule: youth units (ungdomsboliger) only go to citizens under the age limit.

    DOMAIN.md section 3 (youth units are for young people); the limit is the
    municipality's ``youth_age_limit`` (default 30). Age is exact, in whole years on
    ``as_of``, from ``birth_date``; without it, the ``as_of`` year minus ``birth_year``.
    """,
    (
        Clause(
            _young_enough,
            lambda n: (
                f"youth unit for citizens under {n['youth_age_limit']}; the citizen is "
                f"{n['age']} (born {n['born']})"
            ),
            lambda n: (
                f"ungdomsbolig for borgere under {n['youth_age_limit']} år; borgeren er "
                f"{n['age']} år (født {n['born']})"
            ),
        ),
    ),
    _youth_numbers,
    ("Ungdomsbolig", "Youth unit"),
)


# --- other unit kinds -----------------------------------------------------------------------


def _permanent(cols: Columns, ci: I64, vi: I64) -> B:
    allowed = cols.policy_values(ci, "allow_transitional").astype(np.bool_)
    ok: B = ~cols.transitional[vi] | allowed
    return ok


def _elderly_fit(cols: Columns, ci: I64, vi: I64) -> B:
    old_enough = cols.age[ci] >= cols.policy_values(ci, "elderly_min_age")
    ok: B = ~cols.elderly[vi] | old_enough | cols.disability[ci]
    return ok


def _skaev_fit(cols: Columns, ci: I64, vi: I64) -> B:
    ok: B = ~cols.skaev[vi] | cols.skaev_target[ci]
    return ok


def _kind_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    return {
        "kind": [cols.vacancies[v].kind for v in vi.tolist()],
        "age": cols.age[ci].tolist(),
        "elderly_min_age": _each(cols.policy_values(ci, "elderly_min_age"), ci),
        "disability": cols.disability[ci].tolist(),
        "skaev_target_group": cols.skaev_target[ci].tolist(),
    }


unit_kind = HardRule(
    "unit_kind",
    """Hard rule: transitional, elderly and skæv units only for those they are meant for.

    DOMAIN.md section 3 (unit kinds are rules, not labels): a transitional unit
    (udslusningsbolig) has no permanent lease, so it is not offered unless the
    municipality sets ``allow_transitional``; an ældrebolig (almenboligloven § 54) only
    for a citizen at least ``elderly_min_age`` old or with ``disability``; a skæv bolig
    only for a citizen staff have marked as its target group (``skaev_target_group``).
    """,
    (
        Clause(
            _permanent,
            lambda n: (
                "transitional unit (udslusningsbolig) without a permanent lease; the "
                "municipality does not offer these"
            ),
            lambda n: "udslusningsbolig uden permanent lejekontrakt; kommunen anviser ikke disse",
        ),
        Clause(
            _elderly_fit,
            lambda n: (
                f"ældrebolig (almenboligloven § 54) for citizens aged {n['elderly_min_age']} or "
                f"more or with a disability; the citizen is {n['age']} without a disability"
            ),
            lambda n: (
                f"ældrebolig (almenboligloven § 54) for borgere på mindst "
                f"{n['elderly_min_age']} år eller med et handicap; borgeren er {n['age']} år "
                "uden handicap"
            ),
        ),
        Clause(
            _skaev_fit,
            lambda n: "skæv bolig; staff have not marked the citizen as its target group",
            lambda n: "skæv bolig; borgeren er ikke vurderet til at være i målgruppen",
        ),
    ),
    _kind_numbers,
    ("Boligtype", "Kind of home"),
)


# --- restricted areas (almenboligloven § 59 stk. 6 and 7) -----------------------------------

_STK6_AREAS = np.asarray(section59.STK6_AREAS, dtype=np.int64)
_STK7_AREAS = np.asarray(section59.STK7_AREAS, dtype=np.int64)


def _stk6_allowed(cols: Columns, ci: I64, vi: I64) -> B:
    in_area = (cols.v_area_cat[vi] >= _STK6_AREAS.min()) & (
        cols.v_area_cat[vi] <= _STK6_AREAS.max()
    )
    ok: B = ~in_area | ((cols.s59[ci] & section59.STK6_MASK) == 0)
    return ok


def _stk7_allowed(cols: Columns, ci: I64, vi: I64) -> B:
    in_area = cols.v_area_cat[vi] == _STK7_AREAS[0]
    ok: B = ~in_area | ((cols.s59[ci] & section59.STK7_MASK) == 0)
    return ok


def _listed_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    categories = [section59.AREA_CATEGORIES[a] for a in cols.v_area_cat[vi].tolist()]
    masks = cols.s59[ci].tolist()
    # one list per distinct (criteria met, paragraph), shared by its pairs (never changed)
    met: dict[tuple[int, bool], list[str]] = {}

    def criteria(mask: int, category: str) -> list[str]:
        key = (mask, category == "forebyggelse")
        if key not in met:
            paragraph = section59.STK7_MASK if key[1] else section59.STK6_MASK
            met[key] = section59.met_codes(mask, paragraph)
        return met[key]

    numbers: dict[str, list[Any]] = {
        "area_category": categories,
        "paragraph": [7 if a == "forebyggelse" else 6 for a in categories],
        "criteria": list(map(criteria, masks, categories)),
    }
    # the facts are the citizen's: built once per citizen, then handed to each pair
    citizens, inverse = np.unique(ci, return_inverse=True)
    facts = [section59.facts(cols.citizens[c], cols.as_of) for c in citizens.tolist()]
    at = inverse.tolist()
    for name in facts[0] if facts else ():
        numbers[name] = list(map([f[name] for f in facts].__getitem__, at))
    return numbers


def _area_words(stk: int, language: str) -> Callable[[Values], str]:
    def words(n: Values) -> str:
        return section59.reason(stk, n["area_category"], n["criteria"], n, language)

    return words


listed_area = HardRule(
    "listed_area",
    """Hard rule: the municipality may not allocate homes in restricted areas to some households.

    Almenboligloven § 59 stk. 6 (udsatte boligområder, parallelsamfund,
    omdannelsesområder: criteria 1-7) and stk. 7 (forebyggelsesområder: criteria 1-4 and
    6 months of selvforsørgelses- og hjemrejseydelse or overgangsydelse), each criterion
    met if any member of the household meets it (:mod:`matcher.section59`; DOMAIN.md
    section 3). A vacancy's ``area_category``; ``listed_area: true`` means ``udsat``.
    """,
    (
        Clause(_stk6_allowed, _area_words(6, "en"), _area_words(6, "da")),
        Clause(_stk7_allowed, _area_words(7, "en"), _area_words(7, "da")),
    ),
    _listed_numbers,
    ("Områdebegrænsning (almenboligloven § 59)", "Restricted area (almenboligloven § 59)"),
)


# --- support reaches the home ---------------------------------------------------------------


def _support_reaches(cols: Columns, ci: I64, vi: I64) -> B:
    ok: B = ~cols.needs_team[ci] | (cols.team_of[cols.support[ci], vi] >= 0)
    return ok


def _support_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    return {
        "support": [cols.citizens[c].support for c in ci.tolist()],
        "area": [cols.area_names[a] for a in cols.v_area[vi].tolist()],
    }


support_reach = HardRule(
    "support_reach",
    """Hard rule: support follows the person, so a team of the citizen's method must reach the home.

    Servicelov § 85 a (DOMAIN.md section 4: support is often mismatched and teams have
    limited places). When the acting municipality lists support teams of the citizen's
    method (``support_capacity``), a home in an area none of them covers is a stated
    mismatch, never a silent zero; the team covering the home takes the citizen on and
    its free places limit the plan (:func:`matcher.solver.side_constraints`). Without
    teams of that method listed there is nothing to check.
    """,
    (
        Clause(
            _support_reaches,
            lambda n: (
                f"the citizen needs {n['support']} support; no {n['support']} team of the "
                f"municipality reaches {n['area']}"
            ),
            lambda n: (
                f"borgeren har brug for {n['support']}-støtte; intet {n['support']}-team i "
                f"kommunen dækker {n['area']}"
            ),
        ),
    ),
    _support_numbers,
    ("Bostøtte (serviceloven § 85 a)", "Support (servicelov § 85 a)"),
)


# --- avoided areas ------------------------------------------------------------------------


def _outside_avoided(cols: Columns, ci: I64, vi: I64) -> B:
    """True where the home's area is not among the citizen's avoided areas."""
    keys = ci * len(cols.area_names) + cols.v_area[vi]
    at = np.minimum(np.searchsorted(cols.avoid_keys, keys), cols.avoid_keys.size - 1)
    ok: B = cols.avoid_keys[at] != keys
    return ok


def _not_avoided(cols: Columns, ci: I64, vi: I64) -> B:
    shape = np.broadcast_shapes(ci.shape, vi.shape)
    ok = np.ones(shape, dtype=np.bool_)
    asks = cols.avoids[ci]
    if cols.avoid_keys.size == 0 or not asks.any():
        return ok
    # only the citizens who asked to avoid areas are looked up
    if ci.ndim == 2 and ci.shape[1] == 1:  # citizens as a column: their rows
        rows = np.flatnonzero(asks[:, 0])
        ok[rows] = _outside_avoided(cols, ci[rows], vi)
    else:
        asks = np.broadcast_to(asks, shape)
        ok[asks] = _outside_avoided(
            cols, np.broadcast_to(ci, shape)[asks], np.broadcast_to(vi, shape)[asks]
        )
    return ok


avoided_area = HardRule(
    "avoided_area",
    """Hard rule: never offer a home in an area the citizen has asked to avoid.

    DOMAIN.md section 1 (Housing First: a home that fits the person, e.g. away from a
    former drug scene); the citizen's ``preferences.avoid_areas``.
    """,
    (
        Clause(
            _not_avoided,
            lambda n: f"the citizen asked to avoid {n['area']}",
            lambda n: f"borgeren har bedt om ikke at bo i {n['area']}",
        ),
    ),
    lambda cols, ci, vi: {"area": [cols.area_names[a] for a in cols.v_area[vi].tolist()]},
    ("Område fravalgt", "Avoided area"),
)


# --- available by the deadline ------------------------------------------------------------


def _available_in_time(cols: Columns, ci: I64, vi: I64) -> B:
    applies = cols.policy_values(ci, "require_available_by_deadline").astype(np.bool_)
    late = cols.available_days[vi] > cols.deadline_days[ci]
    ok: B = ~(applies & cols.has_deadline[ci] & late)
    return ok


def _deadline_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    deadlines = [cols.citizens[c].deadline for c in ci.tolist()]
    return {
        "available_from": [cols.vacancies[v].available_from.isoformat() for v in vi.tolist()],
        "deadline": [day.isoformat() if day else None for day in deadlines],
        "days_late": (cols.available_days[vi] - cols.deadline_days[ci]).tolist(),
    }


available_by_deadline = HardRule(
    "available_by_deadline",
    """Hard rule: the home is available by the citizen's release or discharge deadline.

    Applies only when the municipality sets ``require_available_by_deadline`` and the
    citizen has a ``deadline`` (situations 7 and 8, DOMAIN.md section 4).
    """,
    (
        Clause(
            _available_in_time,
            lambda n: (
                f"available from {n['available_from']}, {n['days_late']} days after the "
                f"citizen's deadline {n['deadline']}"
            ),
            lambda n: (
                f"ledig fra {n['available_from']}, {n['days_late']} dage efter borgerens "
                f"frist {n['deadline']}"
            ),
        ),
    ),
    _deadline_numbers,
    ("Ledig inden fristen", "Available by the deadline"),
)


# --- affordability ------------------------------------------------------------------------


def _tax_year(cols: Columns) -> int:
    """The income-tax year of the disposable incomes; an error when there is no table."""
    if cols.tax_year is None:
        from matcher.tax_rates import tax_rates_for  # raises the year's UnknownYearError

        tax_rates_for(cols.as_of.year)
    return cols.as_of.year


def _hard_share(cols: Columns, ci: I64) -> B:
    """Per pair: the municipality's rent-share rule is a hard rule (else a flag)."""
    hard: B = np.asarray(cols.policy_values(ci, "rent_share_rule") == "hard", dtype=np.bool_)
    return hard


def assess_pairs(cols: Columns, ci: I64, vi: I64, *, with_reduction: bool = True) -> VerdictArrays:
    """The affordability module's vectorised verdicts for pairs (rates of the as_of year).

    Left to live on from the disposable income (after tax, with tax-free income), the
    housing benefit on the housing-benefit income, the rent share on the gross income;
    a home the municipality allocates has no boligydelse maxima (§ 14 stk. 4).
    """
    _tax_year(cols)
    reduction = cols.reduction[vi] if with_reduction else np.zeros(vi.shape, dtype=np.float64)
    return assess_many(
        monthly_income_dkk=cols.income[ci],
        housing_benefit_income_dkk=cols.hb_income[ci],
        disposable_income_dkk=cols.disposable[ci],
        adults=cols.adults[ci],
        children=cols.children[ci],
        wealth_dkk=cols.wealth[ci],
        pensioner=cols.pensioner[ci],
        receives_foertidspension=cols.foertid[ci],
        mobility_impaired=cols.mobility_impaired[ci],
        doegnhjaelp=cols.doegnhjaelp[ci],
        receives_seniorpension=cols.seniorpension[ci],
        foertidspension_before_2003=cols.foertid_before_2003[ci],
        rent_dkk=cols.rent[vi],
        utilities_dkk=cols.utilities[vi],
        size_m2=cols.size_m2[vi],
        rent_reduction_dkk=reduction,
        heating_included=np.zeros(vi.shape, dtype=np.bool_),
        municipal_allocation=cols.municipal[vi],
        max_rent_share=cols.policy_values(ci, "max_rent_share").astype(np.float64),
        min_left_per_adult_dkk=cols.policy_values(ci, "min_left_per_adult_dkk"),
        min_left_per_child_dkk=cols.policy_values(ci, "min_left_per_child_dkk"),
        rent_share_hard=_hard_share(cols, ci),
        year=cols.as_of.year,
        boligydelse_caps_apply=cols.policy_values(ci, "boligydelse_caps_apply").astype(np.bool_),
    )


def _affordable(cols: Columns, ci: I64, vi: I64) -> B:
    ok: B = np.asarray(assess_pairs(cols, ci, vi).affordable, dtype=np.bool_)
    return ok


AFFORDABILITY_NUMBERS = (
    "gross_rent_dkk",
    "housing_benefit_dkk",
    "net_housing_cost_dkk",
    "left_dkk",
    "required_left_dkk",
    "max_gross_rent_dkk",
)
"""The affordability verdict's numbers a failed pair is told [DKK/month]."""


def _income_numbers(cols: Columns, ci: I64) -> dict[str, list[Any]]:
    return {
        "income_dkk": [round(x) for x in cols.income[ci].tolist()],
        "disposable_income_dkk": cols.disposable[ci].tolist(),
        "max_rent_share": _each(cols.policy_values(ci, "max_rent_share"), ci),
        "rent_share_rule": _each(cols.policy_values(ci, "rent_share_rule"), ci),
    }


def _affordability_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    verdict = assess_pairs(cols, ci, vi)
    numbers = {name: _each(getattr(verdict, name), ci) for name in AFFORDABILITY_NUMBERS}
    return numbers | _income_numbers(cols, ci)


def _summary_words(n: Values, language: str = "en") -> str:
    return summary_text(
        left_dkk=n["left_dkk"],
        required_left_dkk=n["required_left_dkk"],
        gross_rent_dkk=n["gross_rent_dkk"],
        max_gross_rent_dkk=n["max_gross_rent_dkk"],
        max_rent_share=n["max_rent_share"],
        rent_share_hard=n["rent_share_rule"] == "hard",
        language=language,
    )


def _summary_words_da(n: Values) -> str:
    return _summary_words(n, "da")


affordability = HardRule(
    "affordability",
    """Hard rule: the household can pay the home and keep enough to live on.

    The affordability module's verdict (DOMAIN.md section 5): at least
    ``min_left_per_adult_dkk`` per adult plus ``min_left_per_child_dkk`` per child left of
    the disposable income (after income tax, plus tax-free income) after the net housing
    cost (rent minus a current rent reduction plus utilities minus housing benefit), and
    gross rent at most ``max_rent_share`` of gross income where the municipality's
    ``rent_share_rule`` is ``hard`` (boligstøtteloven § 15 makes it a trigger for an
    overall assessment: with ``assessment`` the pair is flagged instead). Rates of the
    ``as_of`` year; kommuneskat of the citizen's municipality.
    """,
    (Clause(_affordable, _summary_words, _summary_words_da),),
    _affordability_numbers,
)


# --- affordable after a temporary rent reduction (§ 98 f) -------------------------------


def _after_reduction(n: Values) -> Values:
    """The numbers once the reduction has ended, under the summary's names."""
    return {**n, "left_dkk": n["left_after_dkk"], "gross_rent_dkk": n["rent_after_dkk"]}


def _date_da(iso: str | None) -> str:
    """An ISO date as 23.10.2026 (unchanged if absent or not a date)."""
    try:
        return day(date.fromisoformat(str(iso)))
    except ValueError:
        return str(iso)


def reduction_end_verdicts(cols: Columns, ci: I64, vi: I64) -> VerdictArrays:
    """The affordability verdicts of pairs once their temporary reduction has ended."""
    return assess_pairs(cols, ci, vi, with_reduction=False)


def _stays_affordable_hard(cols: Columns, ci: I64, vi: I64) -> B:
    """True unless the home has a temporary reduction, the municipality's
    ``reduction_end_rule`` is hard, and the home is not affordable without the reduction."""
    shape = np.broadcast_shapes(ci.shape, vi.shape)
    ok = np.ones(shape, dtype=np.bool_)
    hard = np.broadcast_to(cols.policy_values(ci, "reduction_end_rule") == "hard", shape)
    check = hard & np.broadcast_to(cols.reduction_temporary[vi], shape)
    if check.any():
        c, v = np.broadcast_to(ci, shape)[check], np.broadcast_to(vi, shape)[check]
        ok[check] = reduction_end_verdicts(cols, c, v).affordable
    return ok


def _reduction_end_numbers(cols: Columns, ci: I64, vi: I64) -> dict[str, list[Any]]:
    after = reduction_end_verdicts(cols, ci, vi)
    until = [cols.vacancies[v].rent_reduction_until for v in vi.tolist()]
    return {
        "reduction_until": [d.isoformat() if d else None for d in until],
        "unaffordable_from": [(d + timedelta(days=1)).isoformat() if d else None for d in until],
        "rent_after_dkk": after.gross_rent_dkk.tolist(),
        "housing_benefit_after_dkk": after.housing_benefit_dkk.tolist(),
        "left_after_dkk": after.left_dkk.tolist(),
        "required_left_dkk": after.required_left_dkk.tolist(),
        "max_gross_rent_dkk": after.max_gross_rent_dkk.tolist(),
        "reduction_dkk": round_ore_to_dkk_array(hundredths_array(cols.reduction[vi])).tolist(),
        **_income_numbers(cols, ci),
    }


affordable_after_reduction = HardRule(
    "affordable_after_reduction",
    """Hard rule: a home with a temporary rent reduction stays affordable after it ends.

    Almenboligloven § 98 f reductions last a fixed time; a home the citizen can pay only
    while the reduction lasts is no permanent home (DOMAIN.md section 5). Applies where the
    municipality's ``reduction_end_rule`` is ``hard`` (default); with ``warning`` the offer
    is flagged instead. Every offer states the end date and the rent after it.
    """,
    (
        Clause(
            _stays_affordable_hard,
            lambda n: (
                f"the temporary rent reduction (almenboligloven § 98 f) of "
                f"{n['reduction_dkk']:,} kr. ends on {n['reduction_until']}; from "
                f"{n['unaffordable_from']} the rent is {n['rent_after_dkk']:,} kr. and "
                + _summary_words(_after_reduction(n))
            ),
            lambda n: (
                f"den midlertidige huslejenedsættelse (almenboligloven § 98 f) på "
                f"{kr(n['reduction_dkk'])} kr. slutter {_date_da(n['reduction_until'])}; "
                f"fra {_date_da(n['unaffordable_from'])} er huslejen "
                f"{kr(n['rent_after_dkk'])} kr., og " + _summary_words(_after_reduction(n), "da")
            ),
        ),
    ),
    _reduction_end_numbers,
)


HARD_RULES = (
    allocation_right,
    household_fits,
    accessibility,
    pets,
    youth_unit,
    unit_kind,
    listed_area,
    support_reach,
    avoided_area,
    available_by_deadline,
    affordability,
    affordable_after_reduction,
)
"""The hard rules in funnel order: cheap rules first, the money rules last."""
HARD_RULE_NAMES = tuple(rule.name for rule in HARD_RULES)
MONEY_RULES = (affordability, affordable_after_reduction)
"""The costly rules, run only on the pairs the cheap rules leave (in this order)."""
CHEAP_RULES = tuple(rule for rule in HARD_RULES if rule not in MONEY_RULES)
"""The hard rules before the money rules: cheap enough for a component's cross product."""


def check_pair(cols: Columns, c: int, v: int) -> list[Check]:
    """Every hard rule's verdict on citizen ``c`` and home ``v``, in funnel order."""
    return [rule.check(cols, c, v) for rule in HARD_RULES]


def cheap_rule_masks(cols: Columns, cs: I64, vs: I64) -> Iterator[B]:
    """The hard rules before the money rules as ``cs.size x vs.size`` masks, in funnel order.

    Row ``i``, column ``j`` is the rule's verdict on citizen ``cs[i]`` and vacancy
    ``vs[j]``: each rule called once with the citizens as a column and the homes as a
    row, so per-citizen and per-home values are read once and broadcast, never gathered
    per pair.
    """
    column, row = cs[:, None], vs[None, :]
    for rule in CHEAP_RULES:
        yield rule(cols, column, row)


def household_columns_of(cols: Columns) -> HouseholdColumns:
    """Every citizen's household as :func:`matcher.affordability.assess_indexed` takes it."""
    _tax_year(cols)
    everyone = np.arange(cols.n_citizens, dtype=np.int64)
    return household_columns(
        monthly_income_dkk=cols.income,
        housing_benefit_income_dkk=cols.hb_income,
        disposable_income_dkk=cols.disposable,
        adults=cols.adults,
        children=cols.children,
        wealth_dkk=cols.wealth,
        pensioner=cols.pensioner,
        receives_foertidspension=cols.foertid,
        mobility_impaired=cols.mobility_impaired,
        doegnhjaelp=cols.doegnhjaelp,
        receives_seniorpension=cols.seniorpension,
        foertidspension_before_2003=cols.foertid_before_2003,
        max_rent_share=cols.policy_values(everyone, "max_rent_share").astype(np.float64),
        min_left_per_adult_dkk=cols.policy_values(everyone, "min_left_per_adult_dkk"),
        min_left_per_child_dkk=cols.policy_values(everyone, "min_left_per_child_dkk"),
        rent_share_hard=_hard_share(cols, everyone),
        boligydelse_caps_apply=cols.policy_values(everyone, "boligydelse_caps_apply").astype(
            np.bool_
        ),
    )


def home_columns_of(cols: Columns, *, with_reduction: bool = True) -> HomeColumns:
    """Every vacancy as :func:`matcher.affordability.assess_indexed` takes it."""
    return home_columns(
        rent_dkk=cols.rent,
        utilities_dkk=cols.utilities,
        size_m2=cols.size_m2,
        rent_reduction_dkk=cols.reduction if with_reduction else np.zeros(cols.n_vacancies),
        municipal_allocation=cols.municipal,
    )


# --- soft rules (vectorised; the scalar path calls them on one-element arrays) -----------


def situation_urgency(cols: Columns, ci: I64) -> I64:
    """Soft rule: urgency points for the citizen's homelessness situation.

    The national situations 1-9 (VIVE, DOMAIN.md section 4) with the points of
    ``weights.situation``; there is no national points system, so these are the
    municipality's transparent decision aid.
    """
    table = np.asarray([w.situation.as_list() for w in cols.weights], dtype=np.int64).reshape(-1, 9)
    points: I64 = table[cols.c_muni[ci], cols.situation[ci] - 1]
    return points


def time_homeless(cols: Columns, ci: I64) -> I64:
    """Soft rule: urgency points per whole month (30 days) homeless, capped.

    DOMAIN.md section 4 (urgency is built from, among others, time homeless);
    ``homeless_points_per_month`` up to ``homeless_points_max``.
    """
    months = np.maximum(cols.homeless_days[ci], 0) // 30
    points: I64 = np.minimum(
        months * cols.weight_values(ci, "homeless_points_per_month"),
        cols.weight_values(ci, "homeless_points_max"),
    )
    return points


def deadline_urgency(cols: Columns, ci: I64) -> I64:
    """Soft rule: urgency points as a release or discharge deadline nears.

    DOMAIN.md section 4 (situations 7 and 8: released or discharged within a month
    without housing; a housing offer "cannot hang for weeks"). ``deadline_points`` when
    the deadline is today or past, falling linearly to 0 at ``deadline_window_days``
    before it; 0 without a deadline.
    """
    window = cols.weight_values(ci, "deadline_window_days")
    full = cols.weight_values(ci, "deadline_points")
    inside = np.clip(window - cols.deadline_days[ci], 0, window)
    points: I64 = np.where(cols.has_deadline[ci], full * inside // window, 0)
    return points


def children_urgency(cols: Columns, ci: I64) -> I64:
    """Soft rule: urgency points for children in the household, capped.

    DOMAIN.md section 4 (urgency is built from, among others, children in the
    household); ``child_points`` per child up to ``child_points_max``.
    """
    points: I64 = np.minimum(
        cols.children[ci] * cols.weight_values(ci, "child_points"),
        cols.weight_values(ci, "child_points_max"),
    )
    return points


def time_on_list(cols: Columns, ci: I64) -> I64:
    """Soft rule: points per whole month (30 days) since the citizen was registered, capped.

    Waiting time is the ordinary fairness criterion of waiting lists (DOMAIN.md section
    6: municipal practice); ``waiting_points_per_month`` up to ``waiting_points_max``.
    From ``overdue_after_months`` on (when the municipality sets it) the citizen is
    overdue and gets ``overdue_points`` on top (:class:`matcher.policy.Weights`).
    """
    months = np.maximum(cols.waiting_days[ci], 0) // 30
    points: I64 = np.minimum(
        months * cols.weight_values(ci, "waiting_points_per_month"),
        cols.weight_values(ci, "waiting_points_max"),
    )
    after = cols.weight_values(ci, "overdue_after_months")
    overdue = (after > 0) & (months >= after)
    bonus: I64 = np.where(overdue, cols.weight_values(ci, "overdue_points"), 0)
    return points + bonus


def area_preference(cols: Columns, ci: I64, vi: I64) -> I64:
    """Soft rule: points by the rank of the home's area in the citizen's preferences.

    CONTRACT.md section 4 (``preferences.areas``: a ranked list); the 1st, 2nd, ...
    listed area gets ``area_rank_points[0]``, ``[1]``, ...; unlisted areas get 0.
    """
    longest = max((len(w.area_rank_points) for w in cols.weights), default=0)
    table = np.zeros((len(cols.weights), longest + 1), dtype=np.int64)
    for m, w in enumerate(cols.weights):
        table[m, : len(w.area_rank_points)] = w.area_rank_points
    rank = np.full(ci.shape, longest, dtype=np.int64)
    if cols.pref_keys.size:
        keys = cols.area_key(ci, vi)
        at = np.searchsorted(cols.pref_keys, keys)
        at_clipped = np.minimum(at, cols.pref_keys.size - 1)
        found = cols.pref_keys[at_clipped] == keys
        rank = np.where(found, np.minimum(cols.pref_ranks[at_clipped], longest), longest)
    points: I64 = table[cols.c_muni[ci], rank]
    return points


EARTH_RADIUS_M = 6_371_000.0
"""Mean Earth radius [m] (IUGG), for the haversine distance."""


def distance_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> I64:
    """Great-circle (haversine) distance rounded to whole metres [m]."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    metres: I64 = np.rint(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h))).astype(np.int64)
    return metres


def distance_to_place(cols: Columns, ci: I64, vi: I64) -> I64:
    """Soft rule: points for a home near the citizen's preferred place, when one is given.

    CONTRACT.md section 4 (preferences); ``distance_points`` at the place, falling
    linearly with the great-circle distance to 0 at ``distance_zero_km``.
    """
    has = cols.has_place[ci]
    points = np.zeros(ci.shape, dtype=np.int64)
    if not has.any():
        return points
    c, v = ci[has], vi[has]
    metres = distance_m(cols.place_lat[c], cols.place_lon[c], cols.v_lat[v], cols.v_lon[v])
    zero = np.asarray([round(w.distance_zero_km * 1000) for w in cols.weights], dtype=np.int64)[
        cols.c_muni[c]
    ]  # whole metres
    full = cols.weight_values(c, "distance_points")
    points[has] = full * np.maximum(zero - metres, 0) // zero
    return points


def stays_affordable(cols: Columns, ci: I64, vi: I64) -> I64:
    """Soft rule: points when the home stays affordable after a temporary rent reduction.

    DOMAIN.md section 3 (§ 98 f: a temporary reduction with an end date) and section 5
    ("say when the home stops being affordable after it ends"): homes without a
    temporary reduction, or affordable without it, get ``stays_affordable_points``.
    """
    full = cols.weight_values(ci, "stays_affordable_points")
    temporary = cols.reduction_temporary[vi]
    stays = np.ones(ci.shape, dtype=np.bool_)
    if temporary.any():
        verdict = assess_pairs(cols, ci[temporary], vi[temporary], with_reduction=False)
        stays[temporary] = np.asarray(verdict.affordable, dtype=np.bool_)
    points: I64 = np.where(stays, full, 0)
    return points


def support_team(cols: Columns, ci: I64, vi: I64) -> I64:
    """The support team (index into ``support_capacity``) reaching a pair's home, or -1."""
    team: I64 = cols.team_of[cols.support[ci], vi]
    return team


def support_fit(cols: Columns, ci: I64, vi: I64) -> I64:
    """Soft rule: points when a citizen needing ACT or ICM is housed where support reaches.

    Servicelov § 85 a (DOMAIN.md section 4: support is often mismatched and teams have
    limited free places): a team of the citizen's method covers the home's area and has
    free places (``support_capacity``).
    """
    intensive = np.isin(cols.support[ci], INTENSIVE_METHODS)
    team = support_team(cols, ci, vi)
    free = np.zeros(ci.shape, dtype=np.bool_)
    if cols.team_free.size:
        free = (team >= 0) & (cols.team_free[np.maximum(team, 0)] > 0)
    points: I64 = np.where(intensive & free, cols.weight_values(ci, "support_fit_points"), 0)
    return points


def young_urgency(cols: Columns, ci: I64) -> I64:
    """Soft rule: urgency points for a citizen younger than ``young_age_limit``.

    DOMAIN.md section 4 (youth homelessness rose sharply; the reform and the seeds
    prioritise young people): ``young_points``; age as the youth units count it.
    """
    young = cols.age[ci] < cols.weight_values(ci, "young_age_limit")
    points: I64 = np.where(young, cols.weight_values(ci, "young_points"), 0)
    return points


def move_in_time(cols: Columns, ci: I64, vi: I64) -> I64:
    """Soft rule: points for a home that can be moved into soon.

    DOMAIN.md section 3 (every day a home stands empty costs the municipality its rent)
    and section 4 (a housing offer cannot hang for weeks): ``move_in_points`` when the
    home is available on ``as_of`` or earlier, falling linearly to 0 at
    ``move_in_window_days`` after it.
    """
    window = cols.weight_values(ci, "move_in_window_days")
    full = cols.weight_values(ci, "move_in_points")
    left = np.clip(window - np.maximum(cols.available_days[vi], 0), 0, window)
    points: I64 = full * left // window
    return points


CITIZEN_PARTS = {
    "situation": situation_urgency,
    "time_homeless": time_homeless,
    "deadline": deadline_urgency,
    "children": children_urgency,
    "time_on_list": time_on_list,
    "young": young_urgency,
}
"""Soft rules that depend on the citizen only, by breakdown name."""
PAIR_PARTS = {
    "area_preference": area_preference,
    "distance": distance_to_place,
    "stays_affordable": stays_affordable,
    "support_fit": support_fit,
    "move_in": move_in_time,
}
"""Soft rules that depend on the pair, by breakdown name."""
