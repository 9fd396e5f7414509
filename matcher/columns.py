"""A validated problem laid out as NumPy columns, for the vectorised rules and scores.

Citizens and vacancies are sorted by id, so index order is id order: every tie the
matcher breaks "by id" is broken by index, and a document listing the same citizens in a
different order gives the same result byte for byte. Dates become day counts relative to
``as_of`` so that every rule is integer arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from matcher.income import IncomeItem as IncomeItemIn
from matcher.income import household_income
from matcher.policy import Policy, Weights
from matcher.problem import Citizen, Problem, Vacancy

SUPPORT_METHODS = ("CTI", "ICM", "ACT", "SEL85", "none")
"""Support methods in index order (the ``support`` column holds these indices)."""
INTENSIVE_METHODS = (SUPPORT_METHODS.index("ICM"), SUPPORT_METHODS.index("ACT"))

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]


def whole_months(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 if ``end`` is not later)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def effective_reduction(vacancy: Vacancy, as_of: date) -> float:
    """The rent reduction that counts on ``as_of`` [DKK/month]: 0 once it has ended."""
    if vacancy.rent_reduction_until is not None and vacancy.rent_reduction_until < as_of:
        return 0.0
    return vacancy.rent_reduction_dkk


def citizen_income(citizen: Citizen) -> float:
    """The household's monthly income [DKK/month] as the affordability module sums it."""
    return household_income([IncomeItemIn(i.kind, i.monthly_dkk) for i in citizen.income])


def citizen_income_fast(citizen: Citizen) -> float:
    """:func:`citizen_income` without re-validating the items (the problem model did).

    ``household_income`` is documented as ``math.fsum`` of the items; the scalar path
    keeps calling it, and the agreement test would catch any divergence.
    """
    return math.fsum(i.monthly_dkk for i in citizen.income)


@dataclass(frozen=True)
class Columns:
    """Column arrays of a problem (see the module docstring)."""

    problem: Problem
    as_of: date
    citizens: list[Citizen]
    vacancies: list[Vacancy]
    citizen_ids: list[str]
    vacancy_ids: list[str]
    municipality_codes: list[str]
    policies: list[Policy]
    weights: list[Weights]
    # citizens
    c_muni: I64
    adults: I64
    children: I64
    persons: I64
    income: F64
    wealth: F64
    pensioner: B
    foertid: B
    age: I64
    situation: I64
    homeless_days: I64
    waiting_days: I64
    has_deadline: B
    deadline_days: I64
    kontanthjaelp_months: I64
    support: I64
    need_wheelchair: B
    need_ground_floor: B
    has_pets: B
    has_place: B
    place_lat: F64
    place_lon: F64
    # vacancies
    v_muni: I64
    municipal: B
    rooms: I64
    size_m2: F64
    rent: F64
    utilities: F64
    reduction: F64
    reduction_temporary: B
    wheelchair: B
    floor: I64
    elevator: B
    pets_allowed: B
    available_days: I64
    listed_area: B
    youth: B
    v_lat: F64
    v_lon: F64
    v_area: I64
    v_department: I64
    # lookups
    area_names: list[str]
    department_names: list[str]
    pref_keys: I64
    pref_ranks: I64
    avoid_keys: I64
    team_of: I64
    team_free: I64
    team_labels: list[str]
    team_methods: I64
    policy_table: dict[str, np.ndarray]
    weight_table: dict[str, I64]
    uniform: bool

    @property
    def n_citizens(self) -> int:
        return len(self.citizens)

    @property
    def n_vacancies(self) -> int:
        return len(self.vacancies)

    def policy_values(self, ci: I64, name: str) -> np.ndarray:
        """A policy setting per pair (a scalar when every municipality has the same)."""
        table = self.policy_table[name]
        return table[0] if self.uniform and table.size else table[self.c_muni[ci]]

    def weight_values(self, ci: I64, name: str) -> I64:
        """A weight per pair (a scalar when every municipality has the same)."""
        table = self.weight_table[name]
        values: I64 = table[0] if self.uniform and table.size else table[self.c_muni[ci]]
        return values

    def area_key(self, ci: I64, vi: I64) -> I64:
        """One integer per pair naming (citizen, home's area), for preference lookups."""
        return ci * len(self.area_names) + self.v_area[vi]


def build_columns(problem: Problem) -> Columns:
    """Lay a validated problem out as columns (citizens and vacancies sorted by id)."""
    as_of = problem.as_of
    citizens = sorted(problem.citizens, key=lambda c: c.id)
    vacancies = sorted(problem.vacancies, key=lambda v: v.id)
    codes = sorted(
        {c.municipality_code for c in citizens}
        | {v.municipality_code for v in vacancies}
        | {t.municipality_code for t in problem.support_capacity}
    )
    muni_index = {code: i for i, code in enumerate(codes)}
    policies = [problem.policy_for(code) for code in codes]
    weights = [problem.weights_for(code) for code in codes]

    areas = sorted(
        {v.area for v in vacancies}
        | {a for c in citizens for a in c.preferences.areas}
        | {a for c in citizens for a in c.preferences.avoid_areas}
        | {a for t in problem.support_capacity for a in t.areas}
    )
    area_index = {a: i for i, a in enumerate(areas)}
    departments = sorted({v.department for v in vacancies})
    department_index = {d: i for i, d in enumerate(departments)}

    def ints(values: list[int]) -> I64:
        return np.asarray(values, dtype=np.int64).reshape(-1)

    def floats(values: list[float]) -> F64:
        return np.asarray(values, dtype=np.float64).reshape(-1)

    def bools(values: list[bool]) -> B:
        return np.asarray(values, dtype=np.bool_).reshape(-1)

    kinds = [[i.kind for i in c.income] for c in citizens]
    n_areas = len(areas)
    pref: dict[int, int] = {}
    avoid: set[int] = set()
    for ci, citizen in enumerate(citizens):
        for rank, area in enumerate(citizen.preferences.areas):
            pref.setdefault(ci * n_areas + area_index[area], rank)
        for area in citizen.preferences.avoid_areas:
            avoid.add(ci * n_areas + area_index[area])
    pref_keys = np.asarray(sorted(pref), dtype=np.int64)
    pref_ranks = np.asarray([pref[k] for k in sorted(pref)], dtype=np.int64)

    teams = problem.support_capacity
    team_of = np.full((len(SUPPORT_METHODS), len(vacancies)), -1, dtype=np.int64)
    for t_index, team in enumerate(teams):
        method = SUPPORT_METHODS.index(team.method)
        reach = set(team.areas)
        for vi, vacancy in enumerate(vacancies):
            if vacancy.municipality_code == team.municipality_code and (
                not reach or vacancy.area in reach
            ):
                team_of[method, vi] = t_index

    place = [c.preferences.place for c in citizens]
    return Columns(
        problem=problem,
        as_of=as_of,
        citizens=citizens,
        vacancies=vacancies,
        citizen_ids=[c.id for c in citizens],
        vacancy_ids=[v.id for v in vacancies],
        municipality_codes=codes,
        policies=policies,
        weights=weights,
        c_muni=ints([muni_index[c.municipality_code] for c in citizens]),
        adults=ints([c.household.adults for c in citizens]),
        children=ints([c.household.children for c in citizens]),
        persons=ints([c.household.adults + c.household.children for c in citizens]),
        income=floats([citizen_income_fast(c) for c in citizens]),
        wealth=floats([c.wealth_dkk for c in citizens]),
        pensioner=bools(["folkepension" in k for k in kinds]),
        foertid=bools(["foertidspension" in k for k in kinds]),
        age=ints([as_of.year - c.birth_year for c in citizens]),
        situation=ints([c.situation for c in citizens]),
        homeless_days=ints([(as_of - c.homeless_since).days for c in citizens]),
        waiting_days=ints([(as_of - c.registered_on).days for c in citizens]),
        has_deadline=bools([c.deadline is not None for c in citizens]),
        deadline_days=ints(
            [(c.deadline - as_of).days if c.deadline is not None else 0 for c in citizens]
        ),
        kontanthjaelp_months=ints(
            [
                -1 if c.kontanthjaelp_since is None else whole_months(c.kontanthjaelp_since, as_of)
                for c in citizens
            ]
        ),
        support=ints([SUPPORT_METHODS.index(c.support) for c in citizens]),
        need_wheelchair=bools([c.needs.wheelchair for c in citizens]),
        need_ground_floor=bools([c.needs.ground_floor for c in citizens]),
        has_pets=bools([c.needs.pets for c in citizens]),
        has_place=bools([p is not None for p in place]),
        place_lat=floats([p.lat if p is not None else math.nan for p in place]),
        place_lon=floats([p.lon if p is not None else math.nan for p in place]),
        v_muni=ints([muni_index[v.municipality_code] for v in vacancies]),
        municipal=bools([v.allocation == "municipal" for v in vacancies]),
        rooms=ints([v.rooms for v in vacancies]),
        size_m2=floats([v.size_m2 for v in vacancies]),
        rent=floats([v.rent_dkk for v in vacancies]),
        utilities=floats([v.utilities_dkk for v in vacancies]),
        reduction=floats([effective_reduction(v, as_of) for v in vacancies]),
        reduction_temporary=bools(
            [
                v.rent_reduction_until is not None and effective_reduction(v, as_of) > 0
                for v in vacancies
            ]
        ),
        wheelchair=bools([v.wheelchair for v in vacancies]),
        floor=ints([v.floor for v in vacancies]),
        elevator=bools([v.elevator for v in vacancies]),
        pets_allowed=bools([v.pets_allowed for v in vacancies]),
        available_days=ints([(v.available_from - as_of).days for v in vacancies]),
        listed_area=bools([v.listed_area for v in vacancies]),
        youth=bools([v.kind == "youth" for v in vacancies]),
        v_lat=floats([v.lat for v in vacancies]),
        v_lon=floats([v.lon for v in vacancies]),
        v_area=ints([area_index[v.area] for v in vacancies]),
        v_department=ints([department_index[v.department] for v in vacancies]),
        area_names=areas,
        department_names=departments,
        pref_keys=pref_keys,
        pref_ranks=pref_ranks,
        avoid_keys=np.asarray(sorted(avoid), dtype=np.int64),
        team_of=team_of,
        team_free=ints([t.free_places for t in teams]),
        team_labels=[f"{t.municipality_code}/{t.method}/{t.team}" for t in teams],
        team_methods=ints([SUPPORT_METHODS.index(t.method) for t in teams]),
        policy_table={
            name: np.asarray([getattr(p, name) for p in policies])
            for name in Policy.model_fields
            if name != "weights"
        },
        uniform=all(p == policies[0] for p in policies) and all(w == weights[0] for w in weights),
        weight_table={
            name: np.asarray([getattr(w, name) for w in weights], dtype=np.int64)
            for name, info in Weights.model_fields.items()
            if info.annotation is int
        },
    )
