"""A validated problem laid out as NumPy columns, for the vectorised rules and scores.

Citizens and vacancies are sorted by id, so index order is id order: every tie the
matcher breaks "by id" is broken by index, and a document listing the same citizens in a
different order gives the same result byte for byte. Dates become day counts relative to
``as_of`` so that every rule is integer arithmetic. Every column is a named field of
:class:`Columns`, built by name (:func:`build_columns`); the rules read them by name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any, get_args

import numpy as np
from numpy.typing import NDArray

from matcher.errors import InputError
from matcher.income import TAX_FREE_KINDS, household_income, household_incomes_many
from matcher.income import IncomeItem as IncomeItemIn
from matcher.policy import Policy, Weights
from matcher.problem import Citizen, Language, Problem, SupportMethod, Vacancy
from matcher.section59 import AREA_CATEGORIES, criteria_mask, whole_months
from matcher.tax import LocalTaxRates, local_tax_rates

__all__ = ["whole_months"]  # re-exported: the listed-area months, as before

SUPPORT_METHODS: tuple[SupportMethod, ...] = get_args(SupportMethod)
"""Support methods in index order (the ``support`` column holds these indices); the
problem model's list, so a method added there gets a column index here too."""
INTENSIVE_METHODS = (SUPPORT_METHODS.index("ICM"), SUPPORT_METHODS.index("ACT"))

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]


def lexorder(*keys: NDArray[Any]) -> I64:
    """``np.lexsort(keys)`` (last key primary), with the keys packed into few int64 words.

    Keys whose value ranges multiply to less than 2**62 share a word (the more important
    key in the high digits), so the sort makes one pass per word instead of one per key;
    the order is the same, ties included (both sorts are stable).
    """
    n = keys[0].size if keys else 0
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    words: list[I64] = []
    word: I64 | None = None
    span = 1
    for key in reversed(keys):  # primary first
        lo, hi = int(key.min()), int(key.max())
        size = hi - lo + 1
        if size >= 1 << 62:  # too wide to offset or share a word: a word of its own
            if word is not None:
                words.append(word)
            words.append(key.astype(np.int64))
            word, span = None, 1
            continue
        digit = key.astype(np.int64) - lo
        if word is not None and span * size < 1 << 62:
            word = word * size + digit
            span *= size
        else:
            if word is not None:
                words.append(word)
            word, span = digit, size
    if word is not None:
        words.append(word)
    if len(words) == 1:
        order: I64 = np.argsort(words[0], kind="stable")
        return order
    packed: I64 = np.lexsort(words[::-1])
    return packed


def effective_reduction(vacancy: Vacancy, as_of: date) -> float:
    """The rent reduction that counts on ``as_of`` [DKK/month]: 0 once it has ended."""
    if vacancy.rent_reduction_until is not None and vacancy.rent_reduction_until < as_of:
        return 0.0
    return vacancy.rent_reduction_dkk


def citizen_income(citizen: Citizen) -> float:
    """The household's gross monthly income [DKK/month]: taxable items, before tax.

    The rent-share test's income; tax-free items (børne- og ungeydelse, børnetilskud) are
    left out (:func:`matcher.income.household_income`).
    """
    return household_income(citizen_income_items(citizen))


def citizen_income_items(citizen: Citizen) -> list[IncomeItemIn]:
    """The citizen's income items as :mod:`matcher.income` takes them."""
    return [IncomeItemIn(i.kind, i.monthly_dkk, i.person) for i in citizen.income]


def citizen_income_fast(citizen: Citizen) -> float:
    """:func:`citizen_income` without re-validating the items (the problem model did).

    ``household_income`` is documented as ``math.fsum`` of the taxable items; the scalar
    path keeps calling it, and the agreement test would catch any divergence.
    """
    return math.fsum(i.monthly_dkk for i in citizen.income if i.kind not in TAX_FREE_KINDS)


def citizen_tax_rates(citizen: Citizen, policy: Policy, year: int) -> LocalTaxRates:
    """The kommuneskat and kirkeskat the citizen's household pays (DOMAIN.md 5).

    The municipality's ``kommuneskat_pct`` setting if it has one, else the shipped table's
    rate of the citizen's ``municipality_code``; a code the table does not hold (not a
    Danish municipality: test and demo documents) gets the national average, and its
    source says so. Kirkeskat only for ``church_member``.
    """
    try:
        return local_tax_rates(
            year=year,
            municipality_code=citizen.municipality_code,
            church_member=citizen.church_member,
            kommuneskat_pct=policy.kommuneskat_pct,
        )
    except InputError as error:
        if error.field != "municipality_code":
            raise
        rates = local_tax_rates(
            year=year, church_member=citizen.church_member, kommuneskat_pct=policy.kommuneskat_pct
        )
        return LocalTaxRates(
            year=rates.year,
            kommuneskat_pct=rates.kommuneskat_pct,
            kirkeskat_pct=rates.kirkeskat_pct,
            kommuneskat_source=(
                f"municipality {citizen.municipality_code} is not in the tax-rate table: "
                f"{rates.kommuneskat_source}"
            ),
            kirkeskat_source=rates.kirkeskat_source,
        )


def money_columns(
    citizens: list[Citizen], policies: list[Policy], muni: I64, year: int
) -> tuple[F64, I64]:
    """Every household's housing-benefit income [DKK/month] and disposable income [kr.].

    :func:`matcher.income.household_incomes_many` over the citizens' items, person by
    person, with each citizen's local tax rates (:func:`citizen_tax_rates`): the numbers of
    :func:`matcher.income.household_incomes` on each citizen's items.
    """
    household: list[int] = []
    salary: list[float] = []
    other: list[float] = []
    free: list[float] = []
    kommune: list[int] = []
    kirke: list[int] = []
    rates: dict[tuple[str, bool, int], tuple[int, int]] = {}
    for ci, citizen in enumerate(citizens):
        m = int(muni[ci])
        key = (citizen.municipality_code, citizen.church_member, m)
        if key not in rates:
            local = citizen_tax_rates(citizen, policies[m], year)
            rates[key] = (local.kommuneskat_pcm, local.kirkeskat_pcm)
        k_pcm, c_pcm = rates[key]
        items = citizen.income
        if len(items) == 1 and items[0].person == 0:  # the common case: one item, no sums
            item = items[0]
            amount = item.monthly_dkk
            is_free = item.kind in TAX_FREE_KINDS
            household.append(ci)
            salary.append(amount if item.kind == "salary" else 0.0)
            other.append(0.0 if is_free or item.kind == "salary" else amount)
            free.append(amount if is_free else 0.0)
            kommune.append(k_pcm)
            kirke.append(c_pcm)
            continue
        by_person: dict[int, tuple[list[float], list[float], list[float]]] = {}
        for item in citizen.income:
            sums = by_person.setdefault(item.person, ([], [], []))
            if item.kind in TAX_FREE_KINDS:
                sums[2].append(item.monthly_dkk)
            elif item.kind == "salary":
                sums[0].append(item.monthly_dkk)
            else:
                sums[1].append(item.monthly_dkk)
        for a, b, c in by_person.values():
            household.append(ci)
            salary.append(math.fsum(a))
            other.append(math.fsum(b))
            free.append(math.fsum(c))
            kommune.append(k_pcm)
            kirke.append(c_pcm)
    incomes = household_incomes_many(
        household=np.asarray(household, dtype=np.int64),
        households=len(citizens),
        salary_dkk=np.asarray(salary, dtype=np.float64),
        other_taxable_dkk=np.asarray(other, dtype=np.float64),
        tax_free_dkk=np.asarray(free, dtype=np.float64),
        kommuneskat_pcm=np.asarray(kommune, dtype=np.int64),
        kirkeskat_pcm=np.asarray(kirke, dtype=np.int64),
        year=year,
    )
    return incomes.housing_benefit_income_dkk, incomes.disposable_dkk


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
    language: Language
    # citizens
    c_muni: I64
    adults: I64
    children: I64
    persons: I64
    income: F64
    """Gross income [DKK/month]: taxable items before tax (the rent-share test's)."""
    hb_income: F64
    """Housing-benefit income [DKK/month]: taxable, salary after AM-bidrag."""
    disposable: I64
    """Disposable income [kr./month]: after income tax, plus tax-free income."""
    tax_year: int | None
    """The income-tax year of ``disposable`` (the as_of year); None when there is no tax
    table for it, and then ``disposable`` must not be used (affordability refuses)."""
    wealth: F64
    pensioner: B
    foertid: B
    foertid_before_2003: B
    seniorpension: B
    mobility_impaired: B
    doegnhjaelp: B
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
    avoids: B  # the citizen asked to avoid some areas
    place_lat: F64
    place_lon: F64
    # eligibility facts (issue 12)
    s59: I64  # § 59 criteria met, one bit each (matcher.section59.CRITERIA)
    disability: B
    skaev_target: B
    needs_team: B  # the acting municipality lists a support team of the citizen's method
    # vacancies
    v_muni: I64
    municipal: B
    rooms: I64
    size_m2: F64
    rent: F64
    utilities: F64
    deposit: F64
    reduction: F64
    reduction_temporary: B
    wheelchair: B
    floor: I64
    elevator: B
    pets_allowed: B
    available_days: I64
    listed_area: B
    youth: B
    v_area_cat: I64  # index into matcher.section59.AREA_CATEGORIES
    transitional: B
    elderly: B
    skaev: B
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


def _ints(values: Iterable[int], n: int) -> I64:
    return np.fromiter(values, dtype=np.int64, count=n)


def _floats(values: Iterable[float], n: int) -> F64:
    return np.fromiter(values, dtype=np.float64, count=n)


def _bools(values: Iterable[bool], n: int) -> B:
    return np.fromiter(values, dtype=np.bool_, count=n)


def build_columns(problem: Problem) -> Columns:
    """Lay a validated problem out as columns (citizens and vacancies sorted by id).

    Every column is built by name from its own expression over the documents.
    """
    as_of = problem.as_of
    citizens = sorted(problem.citizens, key=lambda c: c.id)
    vacancies = sorted(problem.vacancies, key=lambda v: v.id)
    n_c, n_v = len(citizens), len(vacancies)
    today = as_of.toordinal()
    support_index = {method: i for i, method in enumerate(SUPPORT_METHODS)}
    households = [c.household for c in citizens]
    needs = [c.needs for c in citizens]
    preferences = [c.preferences for c in citizens]
    places = [p.place for p in preferences]
    kinds = [{i.kind for i in c.income} for c in citizens]
    c_codes = [c.municipality_code for c in citizens]
    c_pref_areas = [p.areas for p in preferences]
    c_avoid_areas = [p.avoid_areas for p in preferences]
    v_codes = [v.municipality_code for v in vacancies]
    v_areas = [v.area for v in vacancies]
    v_departments = [v.department for v in vacancies]
    v_reduction = [effective_reduction(v, as_of) for v in vacancies]
    codes = sorted(
        set(c_codes) | set(v_codes) | {t.municipality_code for t in problem.support_capacity}
    )
    muni_index = {code: i for i, code in enumerate(codes)}
    policies = [problem.policy_for(code) for code in codes]
    weights = [problem.weights_for(code) for code in codes]

    areas = sorted(
        set(v_areas)
        | set(chain.from_iterable(c_pref_areas))
        | set(chain.from_iterable(c_avoid_areas))
        | {a for t in problem.support_capacity for a in t.areas}
    )
    area_index = {a: i for i, a in enumerate(areas)}
    departments = sorted(set(v_departments))
    department_index = {d: i for i, d in enumerate(departments)}

    n_areas = len(areas)
    pref: dict[int, int] = {}
    avoid: set[int] = set()
    for ci, (pref_areas, avoid_areas) in enumerate(zip(c_pref_areas, c_avoid_areas, strict=True)):
        for rank, area in enumerate(pref_areas):
            pref.setdefault(ci * n_areas + area_index[area], rank)
        for area in avoid_areas:
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

    team_methods = {(t.municipality_code, t.method) for t in teams}
    area_cat_index = {name: i for i, name in enumerate(AREA_CATEGORIES)}
    adults = _ints((h.adults for h in households), n_c)
    children = _ints((h.children for h in households), n_c)
    c_muni = _ints((muni_index[code] for code in c_codes), n_c)
    income = _floats(map(citizen_income_fast, citizens), n_c)
    tax_year: int | None = as_of.year
    try:
        hb_income, disposable = money_columns(citizens, policies, c_muni, as_of.year)
    except InputError as error:
        if "year" not in error.field:
            raise
        # No tax table for the year: affordability refuses the year (as the housing
        # benefit's table does), so these columns are never read.
        tax_year, hb_income, disposable = None, income, np.zeros(n_c, dtype=np.int64)
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
        language=problem.language,
        # citizens
        c_muni=c_muni,
        adults=adults,
        children=children,
        persons=adults + children,
        income=income,
        hb_income=hb_income,
        disposable=disposable,
        tax_year=tax_year,
        wealth=_floats((c.wealth_dkk for c in citizens), n_c),
        pensioner=_bools(("folkepension" in k for k in kinds), n_c),
        foertid=_bools(("foertidspension" in k for k in kinds), n_c),
        foertid_before_2003=_bools((c.foertidspension_before_2003 for c in citizens), n_c),
        seniorpension=_bools((c.seniorpension for c in citizens), n_c),
        mobility_impaired=_bools((c.mobility_impaired for c in citizens), n_c),
        doegnhjaelp=_bools((c.doegnhjaelp for c in citizens), n_c),
        age=_ints((c.age_on(as_of) for c in citizens), n_c),
        situation=_ints((c.situation for c in citizens), n_c),
        homeless_days=_ints((today - c.homeless_since.toordinal() for c in citizens), n_c),
        waiting_days=_ints((today - c.registered_on.toordinal() for c in citizens), n_c),
        has_deadline=_bools((c.deadline is not None for c in citizens), n_c),
        deadline_days=_ints(
            (0 if c.deadline is None else c.deadline.toordinal() - today for c in citizens), n_c
        ),
        kontanthjaelp_months=_ints(
            (
                -1 if c.kontanthjaelp_since is None else whole_months(c.kontanthjaelp_since, as_of)
                for c in citizens
            ),
            n_c,
        ),
        support=_ints((support_index[c.support] for c in citizens), n_c),
        need_wheelchair=_bools((n.wheelchair for n in needs), n_c),
        need_ground_floor=_bools((n.ground_floor for n in needs), n_c),
        has_pets=_bools((n.pets for n in needs), n_c),
        has_place=_bools((p is not None for p in places), n_c),
        avoids=_bools(map(bool, c_avoid_areas), n_c),
        place_lat=_floats((math.nan if p is None else p.lat for p in places), n_c),
        place_lon=_floats((math.nan if p is None else p.lon for p in places), n_c),
        s59=_ints((criteria_mask(c, as_of) for c in citizens), n_c),
        disability=_bools((c.disability for c in citizens), n_c),
        skaev_target=_bools((c.skaev_target_group for c in citizens), n_c),
        needs_team=_bools(
            ((c.municipality_code, c.support) in team_methods for c in citizens), n_c
        ),
        # vacancies
        v_muni=_ints((muni_index[code] for code in v_codes), n_v),
        municipal=_bools((v.allocation == "municipal" for v in vacancies), n_v),
        rooms=_ints((v.rooms for v in vacancies), n_v),
        size_m2=_floats((v.size_m2 for v in vacancies), n_v),
        rent=_floats((v.rent_dkk for v in vacancies), n_v),
        utilities=_floats((v.utilities_dkk for v in vacancies), n_v),
        deposit=_floats((v.deposit_dkk for v in vacancies), n_v),
        reduction=_floats(v_reduction, n_v),
        reduction_temporary=_bools(
            (
                v.rent_reduction_until is not None and reduction > 0
                for v, reduction in zip(vacancies, v_reduction, strict=True)
            ),
            n_v,
        ),
        wheelchair=_bools((v.wheelchair for v in vacancies), n_v),
        floor=_ints((v.floor for v in vacancies), n_v),
        elevator=_bools((v.elevator for v in vacancies), n_v),
        pets_allowed=_bools((v.pets_allowed for v in vacancies), n_v),
        available_days=_ints((v.available_from.toordinal() - today for v in vacancies), n_v),
        listed_area=_bools((v.listed_area for v in vacancies), n_v),
        youth=_bools((v.kind == "youth" for v in vacancies), n_v),
        v_area_cat=_ints((area_cat_index[v.restricted_area] for v in vacancies), n_v),
        transitional=_bools((v.kind == "transitional" for v in vacancies), n_v),
        elderly=_bools((v.kind == "elderly" for v in vacancies), n_v),
        skaev=_bools((v.kind == "skaev" for v in vacancies), n_v),
        v_lat=_floats((v.lat for v in vacancies), n_v),
        v_lon=_floats((v.lon for v in vacancies), n_v),
        v_area=_ints((area_index[area] for area in v_areas), n_v),
        v_department=_ints((department_index[d] for d in v_departments), n_v),
        # lookups
        area_names=areas,
        department_names=departments,
        pref_keys=pref_keys,
        pref_ranks=pref_ranks,
        avoid_keys=np.asarray(sorted(avoid), dtype=np.int64),
        team_of=team_of,
        team_free=_ints((t.free_places for t in teams), len(teams)),
        team_labels=[f"{t.municipality_code}/{t.method}/{t.team}" for t in teams],
        team_methods=_ints((SUPPORT_METHODS.index(t.method) for t in teams), len(teams)),
        policy_table={
            name: np.asarray([getattr(p, name) for p in policies])
            for name in Policy.model_fields
            if name != "weights"
        },
        uniform=all(p == policies[0] for p in policies) and all(w == weights[0] for w in weights),
        weight_table={
            **{
                name: np.asarray([getattr(w, name) for w in weights], dtype=np.int64)
                for name, info in Weights.model_fields.items()
                if info.annotation is int
            },
            # The overdue rule as two integers: months (0 = no limit) and its points.
            "overdue_after_months": np.asarray(
                [w.overdue_after_months or 0 for w in weights], dtype=np.int64
            ),
            "overdue_points": np.asarray([w.overdue_bonus() for w in weights], dtype=np.int64),
        },
    )
