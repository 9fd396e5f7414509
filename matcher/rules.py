"""The matching rules, one named function each.

Hard rules decide whether a citizen may be offered a home at all; soft rules give a
feasible pair integer points. Each hard rule exists twice with the same verdicts:

* the *scalar* rule (``affordability(citizen, vacancy, ctx)``) reads the documents and
  returns a :class:`Check` with the verdict in plain words and its numbers; it is what
  ``--explain`` and the appeal texts use;
* its *vectorised twin* (``affordability_array(cols, ci, vi)``) evaluates the same rule
  over arrays of pairs of one component; it is what the solver uses. A test checks that
  both agree on every pair of many generated problems.

Soft rules are vectorised only; the scalar path calls them on one-element arrays, so the
two paths cannot disagree on a score. Points are integers (see :mod:`matcher.policy`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np

from matcher.affordability import (
    AffordabilityPolicy,
    Home,
    HomeColumns,
    HouseholdColumns,
    VerdictArrays,
    assess,
    assess_many,
    home_columns,
    household_columns,
)
from matcher.affordability import Household as AffordabilityHousehold
from matcher.columns import (
    I64,
    INTENSIVE_METHODS,
    B,
    Columns,
    citizen_income,
    effective_reduction,
    whole_months,
)
from matcher.policy import Policy
from matcher.problem import Citizen, Vacancy


@dataclass(frozen=True)
class Check:
    """One hard rule's verdict on one pair.

    Attributes
    ----------
    rule : str
        The rule's function name.
    ok : bool
        True when the rule holds.
    text : str
        The verdict in plain words with its numbers (empty when there is nothing to say).
    """

    rule: str
    ok: bool
    text: str = ""


@dataclass(frozen=True)
class RuleContext:
    """What a scalar rule needs beyond the pair: the day and the acting municipality's policy."""

    as_of: date
    policy: Policy


def _kr(amount: float) -> str:
    return f"{round(amount):,} kr."


# --- hard rules: scalar ------------------------------------------------------------------


def allocation_right(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: the municipality offering the home must hold its allocation right.

    The municipality may only offer homes it has the allocation right to (kommunal
    anvisningsret, almenboligloven § 59), and it offers them to citizens it is the acting
    municipality (handlekommune) for (DOMAIN.md sections 3 and 4).
    """
    if vacancy.allocation != "municipal":
        return Check(
            "allocation_right",
            False,
            "the housing association lets this home; the municipality has no allocation right",
        )
    if vacancy.municipality_code != citizen.municipality_code:
        return Check(
            "allocation_right",
            False,
            f"the allocation right belongs to municipality {vacancy.municipality_code}; the "
            f"citizen's acting municipality is {citizen.municipality_code}",
        )
    return Check("allocation_right", True)


def household_fits(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: the household fits the home by persons per room, spare rooms and m².

    No national rule: the limits are the municipality's ``max_persons_per_room``,
    ``max_spare_rooms`` and ``min_m2_per_person`` (DOMAIN.md section 1: a home must fit
    the person's needs; :class:`matcher.policy.Policy` for the defaults).
    """
    p = ctx.policy
    persons = citizen.household.adults + citizen.household.children
    problems = []
    if persons > vacancy.rooms * p.max_persons_per_room:
        problems.append(
            f"{persons} persons in {vacancy.rooms} rooms is more than "
            f"{p.max_persons_per_room} per room"
        )
    if vacancy.rooms > persons + p.max_spare_rooms:
        problems.append(
            f"{vacancy.rooms} rooms for {persons} persons is more than "
            f"{p.max_spare_rooms} spare room(s)"
        )
    if vacancy.size_m2 < persons * p.min_m2_per_person:
        problems.append(
            f"{vacancy.size_m2:g} m² for {persons} persons is less than "
            f"{p.min_m2_per_person:g} m² per person"
        )
    return Check("household_fits", not problems, "; ".join(problems))


def accessibility(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: wheelchair users get wheelchair homes they can reach; ground floor if needed.

    A wheelchair need requires a wheelchair-accessible home, and both a wheelchair and a
    ground-floor need require the ground floor (floor 0) or a lift (DOMAIN.md section 1:
    home and support must fit the person's needs).
    """
    problems = []
    if citizen.needs.wheelchair and not vacancy.wheelchair:
        problems.append("needs a wheelchair-accessible home; this one is not")
    if (
        (citizen.needs.wheelchair or citizen.needs.ground_floor)
        and vacancy.floor != 0
        and not vacancy.elevator
    ):
        problems.append(
            f"needs the ground floor or a lift; the home is on floor {vacancy.floor} without a lift"
        )
    return Check("accessibility", not problems, "; ".join(problems))


def pets(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: a citizen with a pet only gets homes where pets are allowed.

    The house rules of the housing department decide (DOMAIN.md section 1: a home the
    person can keep).
    """
    if citizen.needs.pets and not vacancy.pets_allowed:
        return Check("pets", False, "the citizen has a pet; pets are not allowed in this home")
    return Check("pets", True)


def youth_unit(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: youth units (ungdomsboliger) only go to citizens under the age limit.

    DOMAIN.md section 3 (youth units are for young people); the limit is the
    municipality's ``youth_age_limit`` (default 30). Age is the ``as_of`` year minus the
    birth year, as the problem carries birth years only.
    """
    age = ctx.as_of.year - citizen.birth_year
    if vacancy.kind == "youth" and age >= ctx.policy.youth_age_limit:
        return Check(
            "youth_unit",
            False,
            f"youth unit for citizens under {ctx.policy.youth_age_limit}; the citizen is "
            f"{age} (born {citizen.birth_year})",
        )
    return Check("youth_unit", True)


def listed_area(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: no listed-area homes for citizens on kontanthjælp 6 consecutive months.

    Kombineret udlejning in designated areas (almenboligloven § 51 b, DOMAIN.md section
    3): applicants who have received kontanthjælp for ``listed_area_kontanthjaelp_months``
    consecutive months (6 by law) are turned away.
    """
    since = citizen.kontanthjaelp_since
    limit = ctx.policy.listed_area_kontanthjaelp_months
    if vacancy.listed_area and since is not None:
        months = whole_months(since, ctx.as_of)
        if months >= limit:
            return Check(
                "listed_area",
                False,
                f"the home is in a designated area (almenboligloven § 51 b) and the citizen "
                f"has received kontanthjælp for {months} consecutive months since "
                f"{since.isoformat()} (limit {limit})",
            )
    return Check("listed_area", True)


def avoided_area(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: never offer a home in an area the citizen has asked to avoid.

    DOMAIN.md section 1 (Housing First: a home that fits the person, e.g. away from a
    former drug scene); the citizen's ``preferences.avoid_areas``.
    """
    if vacancy.area in citizen.preferences.avoid_areas:
        return Check("avoided_area", False, f"the citizen asked to avoid {vacancy.area}")
    return Check("avoided_area", True)


def available_by_deadline(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: the home is available by the citizen's release or discharge deadline.

    Applies only when the municipality sets ``require_available_by_deadline`` and the
    citizen has a ``deadline`` (situations 7 and 8, DOMAIN.md section 4).
    """
    deadline = citizen.deadline
    if (
        ctx.policy.require_available_by_deadline
        and deadline is not None
        and vacancy.available_from > deadline
    ):
        late = (vacancy.available_from - deadline).days
        return Check(
            "available_by_deadline",
            False,
            f"available from {vacancy.available_from.isoformat()}, {late} days after the "
            f"citizen's deadline {deadline.isoformat()}",
        )
    return Check("available_by_deadline", True)


def affordability_policy(policy: Policy) -> AffordabilityPolicy:
    """The affordability module's policy from a municipality's settings."""
    return AffordabilityPolicy(
        max_rent_share=policy.max_rent_share,
        min_left_per_adult_dkk=policy.min_left_per_adult_dkk,
        min_left_per_child_dkk=policy.min_left_per_child_dkk,
        boligydelse_caps_apply=policy.boligydelse_caps_apply,
    )


def affordability_household(citizen: Citizen) -> AffordabilityHousehold:
    """The citizen's household as the affordability module takes it."""
    kinds = {i.kind for i in citizen.income}
    return AffordabilityHousehold(
        adults=citizen.household.adults,
        children=citizen.household.children,
        monthly_income_dkk=citizen_income(citizen),
        wealth_dkk=citizen.wealth_dkk,
        pensioner="folkepension" in kinds,
        receives_foertidspension="foertidspension" in kinds,
    )


def affordability_home(vacancy: Vacancy, as_of: date, *, with_reduction: bool = True) -> Home:
    """The vacancy as the affordability module takes it (utilities a conto: heating separate)."""
    reduction = effective_reduction(vacancy, as_of) if with_reduction else 0.0
    return Home(
        rent_dkk=vacancy.rent_dkk,
        utilities_dkk=vacancy.utilities_dkk,
        size_m2=vacancy.size_m2,
        rent_reduction_dkk=reduction,
        rent_reduction_until=vacancy.rent_reduction_until if reduction > 0 else None,
        heating="separate",
    )


def affordability(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> Check:
    """Hard rule: the household can pay the home and keep enough to live on.

    The affordability module's verdict (DOMAIN.md section 5): gross rent at most
    ``max_rent_share`` of income, and at least ``min_left_per_adult_dkk`` per adult plus
    ``min_left_per_child_dkk`` per child left after the net housing cost (rent minus a
    current rent reduction plus utilities minus housing benefit). Rates of the ``as_of``
    year.
    """
    verdict = assess(
        affordability_household(citizen),
        affordability_home(vacancy, ctx.as_of),
        year=ctx.as_of.year,
        as_of=ctx.as_of,
        policy=affordability_policy(ctx.policy),
    )
    return Check("affordability", verdict.affordable, "" if verdict.affordable else verdict.summary)


HARD_RULES = (
    allocation_right,
    household_fits,
    accessibility,
    pets,
    youth_unit,
    listed_area,
    avoided_area,
    available_by_deadline,
    affordability,
)
"""The hard rules in funnel order: cheap rules first, affordability last."""
HARD_RULE_NAMES = tuple(rule.__name__ for rule in HARD_RULES)


def check_pair(citizen: Citizen, vacancy: Vacancy, ctx: RuleContext) -> list[Check]:
    """Every hard rule's verdict on one pair, in funnel order."""
    return [rule(citizen, vacancy, ctx) for rule in HARD_RULES]


# --- hard rules: vectorised twins --------------------------------------------------------


def allocation_right_array(cols: Columns, ci: I64, vi: I64) -> B:
    """Vectorised twin of :func:`allocation_right`."""
    return cols.municipal[vi] & (cols.v_muni[vi] == cols.c_muni[ci])


def household_fits_array(cols: Columns, ci: I64, vi: I64) -> B:
    """Vectorised twin of :func:`household_fits`."""
    persons = cols.persons[ci]
    rooms = cols.rooms[vi]
    per_room = cols.policy_values(ci, "max_persons_per_room")
    spare = cols.policy_values(ci, "max_spare_rooms")
    m2 = cols.policy_values(ci, "min_m2_per_person").astype(np.float64)
    ok: B = (
        (persons <= rooms * per_room)
        & (rooms <= persons + spare)
        & (cols.size_m2[vi] >= persons * m2)
    )
    return ok


def accessibility_array(cols: Columns, ci: I64, vi: I64) -> B:
    """Vectorised twin of :func:`accessibility`."""
    wheel = cols.need_wheelchair[ci]
    reachable = (cols.floor[vi] == 0) | cols.elevator[vi]
    ok: B = (~wheel | cols.wheelchair[vi]) & (~(wheel | cols.need_ground_floor[ci]) | reachable)
    return ok


def pets_array(cols: Columns, ci: I64, vi: I64) -> B:
    """Vectorised twin of :func:`pets`."""
    ok: B = ~cols.has_pets[ci] | cols.pets_allowed[vi]
    return ok


def youth_unit_array(cols: Columns, ci: I64, vi: I64) -> B:
    """Vectorised twin of :func:`youth_unit`."""
    ok: B = ~cols.youth[vi] | (cols.age[ci] < cols.policy_values(ci, "youth_age_limit"))
    return ok


def listed_area_array(cols: Columns, ci: I64, vi: I64) -> B:
    """Vectorised twin of :func:`listed_area` (months -1 = not on kontanthjælp)."""
    months = cols.kontanthjaelp_months[ci]
    limit = cols.policy_values(ci, "listed_area_kontanthjaelp_months")
    ok: B = ~cols.listed_area[vi] | (months < 0) | (months < limit)
    return ok


def avoided_area_array(cols: Columns, ci: I64, vi: I64) -> B:
    """Vectorised twin of :func:`avoided_area`."""
    if cols.avoid_keys.size == 0:
        return np.ones(ci.shape, dtype=np.bool_)
    keys = cols.area_key(ci, vi)
    at = np.minimum(np.searchsorted(cols.avoid_keys, keys), cols.avoid_keys.size - 1)
    ok: B = cols.avoid_keys[at] != keys
    return ok


def available_by_deadline_array(cols: Columns, ci: I64, vi: I64) -> B:
    """Vectorised twin of :func:`available_by_deadline`."""
    applies = cols.policy_values(ci, "require_available_by_deadline").astype(np.bool_)
    late = cols.available_days[vi] > cols.deadline_days[ci]
    ok: B = ~(applies & cols.has_deadline[ci] & late)
    return ok


def assess_pairs(cols: Columns, ci: I64, vi: I64, *, with_reduction: bool = True) -> VerdictArrays:
    """The affordability module's vectorised verdicts for pairs (rates of the as_of year)."""
    reduction = cols.reduction[vi] if with_reduction else np.zeros(vi.shape, dtype=np.float64)
    return assess_many(
        monthly_income_dkk=cols.income[ci],
        adults=cols.adults[ci],
        children=cols.children[ci],
        wealth_dkk=cols.wealth[ci],
        pensioner=cols.pensioner[ci],
        receives_foertidspension=cols.foertid[ci],
        rent_dkk=cols.rent[vi],
        utilities_dkk=cols.utilities[vi],
        size_m2=cols.size_m2[vi],
        rent_reduction_dkk=reduction,
        heating_included=np.zeros(vi.shape, dtype=np.bool_),
        max_rent_share=cols.policy_values(ci, "max_rent_share").astype(np.float64),
        min_left_per_adult_dkk=cols.policy_values(ci, "min_left_per_adult_dkk"),
        min_left_per_child_dkk=cols.policy_values(ci, "min_left_per_child_dkk"),
        year=cols.as_of.year,
        boligydelse_caps_apply=cols.policy_values(ci, "boligydelse_caps_apply").astype(np.bool_),
    )


def affordability_array(cols: Columns, ci: I64, vi: I64) -> B:
    """Vectorised twin of :func:`affordability`."""
    ok: B = np.asarray(assess_pairs(cols, ci, vi).affordable, dtype=np.bool_)
    return ok


def household_columns_of(cols: Columns) -> HouseholdColumns:
    """Every citizen's household as :func:`matcher.affordability.assess_indexed` takes it."""
    everyone = np.arange(cols.n_citizens, dtype=np.int64)
    return household_columns(
        monthly_income_dkk=cols.income,
        adults=cols.adults,
        children=cols.children,
        wealth_dkk=cols.wealth,
        pensioner=cols.pensioner,
        receives_foertidspension=cols.foertid,
        max_rent_share=cols.policy_values(everyone, "max_rent_share").astype(np.float64),
        min_left_per_adult_dkk=cols.policy_values(everyone, "min_left_per_adult_dkk"),
        min_left_per_child_dkk=cols.policy_values(everyone, "min_left_per_child_dkk"),
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
    )


def cheap_rule_masks(cols: Columns, cs: I64, vs: I64) -> Iterator[B]:
    """The hard rules before affordability as ``cs.size x vs.size`` masks, in funnel order.

    Row ``i``, column ``j`` is the rule's verdict on citizen ``cs[i]`` and vacancy
    ``vs[j]``: the vectorised twins' verdicts on the component's cross product (a test
    checks that they agree), computed from per-citizen columns and per-vacancy rows
    instead of one gathered value per pair.
    """

    def citizen(values: np.ndarray) -> np.ndarray:
        return values[:, None]

    def policy(name: str) -> np.ndarray:
        values = cols.policy_values(cs, name)
        return values[:, None] if np.ndim(values) else values

    muni = cols.v_muni[vs]
    yield cols.municipal[vs] & (muni == citizen(cols.c_muni[cs]))
    persons = citizen(cols.persons[cs])
    rooms = cols.rooms[vs]
    yield (
        (persons <= rooms * policy("max_persons_per_room"))
        & (rooms <= persons + policy("max_spare_rooms"))
        & (cols.size_m2[vs] >= persons * policy("min_m2_per_person").astype(np.float64))
    )
    wheel = citizen(cols.need_wheelchair[cs])
    reachable = (cols.floor[vs] == 0) | cols.elevator[vs]
    yield (~wheel | cols.wheelchair[vs]) & (
        ~(wheel | citizen(cols.need_ground_floor[cs])) | reachable
    )
    yield ~citizen(cols.has_pets[cs]) | cols.pets_allowed[vs]
    yield ~cols.youth[vs] | (citizen(cols.age[cs]) < policy("youth_age_limit"))
    months = citizen(cols.kontanthjaelp_months[cs])
    yield (
        ~cols.listed_area[vs] | (months < 0) | (months < policy("listed_area_kontanthjaelp_months"))
    )
    avoided = np.ones((cs.size, vs.size), dtype=np.bool_)
    if cols.avoid_keys.size:
        n_areas = len(cols.area_names)
        rows = np.flatnonzero(np.isin(cs, cols.avoid_keys // max(n_areas, 1)))
        if rows.size:
            keys = citizen(cs[rows]) * n_areas + cols.v_area[vs]
            at = np.minimum(np.searchsorted(cols.avoid_keys, keys), cols.avoid_keys.size - 1)
            avoided[rows] = cols.avoid_keys[at] != keys
    yield avoided
    applies = policy("require_available_by_deadline").astype(np.bool_)
    late = cols.available_days[vs] > citizen(cols.deadline_days[cs])
    yield ~(applies & citizen(cols.has_deadline[cs]) & late)


HARD_RULE_ARRAYS = (
    allocation_right_array,
    household_fits_array,
    accessibility_array,
    pets_array,
    youth_unit_array,
    listed_area_array,
    avoided_area_array,
    available_by_deadline_array,
    affordability_array,
)
"""Vectorised twins of :data:`HARD_RULES`, in the same order."""


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
    """
    months = np.maximum(cols.waiting_days[ci], 0) // 30
    points: I64 = np.minimum(
        months * cols.weight_values(ci, "waiting_points_per_month"),
        cols.weight_values(ci, "waiting_points_max"),
    )
    return points


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


CITIZEN_PARTS = {
    "situation": situation_urgency,
    "time_homeless": time_homeless,
    "deadline": deadline_urgency,
    "children": children_urgency,
    "time_on_list": time_on_list,
}
"""Soft rules that depend on the citizen only, by breakdown name."""
PAIR_PARTS = {
    "area_preference": area_preference,
    "distance": distance_to_place,
    "stays_affordable": stays_affordable,
    "support_fit": support_fit,
}
"""Soft rules that depend on the pair, by breakdown name."""
