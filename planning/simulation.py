"""Scenario simulation: one municipality, one replication, one scenario, month by month.

The behavioural model and its sources are in :mod:`planning.model` (every lever a field
of :class:`planning.model.ModelLevers`). Each round (``rounds_per_month`` a month) the
model

1. puts the citizens who arrived since the last round on the list: Poisson arrivals at
   ``(yearly_factor - 1) ×`` VIVE's 2024 count a year (the factor includes the counted),
   each a citizen of :mod:`synthetic.population` (national shares of situation and age,
   DOMAIN.md 4); the list starts with VIVE's count, registered on realistic past dates;
2. takes off the list everyone whose own exit clock has run out (they left without a
   municipal home: mean ``exit_mean_days``, the same day under every policy);
3. adds the vacancies announced since: per unit kind, the stock × kind share × kind
   turnover a year (LBF 2019), of which the municipality allocates ``allocation_share``
   (skæve boliger: all), plus the lever's extra § 98 e homes;
4. asks the matcher for offers among *all* free citizens and vacancies (the round's
   ``boligmatch.problem/1`` document with the support teams' free places, scored by
   :func:`matcher.scoring.score_problem`) under the scenario's matching policy; the
   candidate set is the same for every policy;
5. lets each offered citizen accept or decline with a probability that depends on the
   offer's fit (:func:`planning.model.decline_probability`); a declined home goes back
   to the pool without that citizen, and the refusal policy may take the citizen off the
   list; an accepted home is let from ``max(offer + answer_days, free day)`` and an
   ICM/ACT client takes a free place of a team reaching it, if there is one;
6. hands back at once every free home that nobody on the list could take this round
   (no feasible pair), for every policy alike; a home still unlet ``pass_on_days`` after
   it was free is passed on too.

Ages advance: a citizen's age in each round's problem is their age at registration plus
the whole years since (the youth-unit age limit); their income does not change.

Common random numbers: all randomness comes from the task's seed (a
:class:`numpy.random.SeedSequence`) through separate child streams for the templates,
the starting list, each month's arrivals, each month's lettings, the extra homes, the
preferred places and the support teams. The draws never depend on the levers of the
scenario (a letting's allocation is ``u < allocation_share`` with ``u`` drawn either
way; a refusal is ``u < P(decline)`` with the person's ``u`` for their k-th offer drawn
in advance), so scenarios and policies run on the same arrivals, exits, vacancies and
refusal draws, and a task gives identical results on any executor. Draws are made per
month, so the first months of a longer run equal a shorter run.

Citizens and units are drawn once per task as a *template pool* with the generator's
:class:`~synthetic.population.Sampler` (its distributions, not a copy of them), and each
arrival or letting picks a template uniformly (a letting: among its kind's templates).
Every arrival is a new person with its own id, days and decision draws.

Time: day 0 is ``params.start``. The matcher dates each round's problem on the *rate
anchor* (the last day of the latest year with housing-benefit rates) with every date
shifted by the same number of days, so the simulation runs in the anchor year's prices
(real terms): rents and benefits are not indexed over the horizon.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kernel.reference import MunicipalityCount, municipality_counts
from matcher.affordability import assess_many
from matcher.columns import Columns, build_columns
from matcher.greedy import first_come_first_served, greedy_priority
from matcher.policy import Policy, Weights
from matcher.problem import Citizen as CitizenModel
from matcher.problem import Problem, SupportTeam, parse_problem
from matcher.problem import Vacancy as VacancyModel
from matcher.rates import RATE_TABLES
from matcher.rules import (
    accessibility,
    allocation_right,
    avoided_area,
    household_fits,
    pets,
    youth_unit,
)
from matcher.scoring import ScoredProblem, score_problem
from matcher.solver import solve_component
from planning.baselines import fcfs_with_urgency_track
from planning.model import INTENSIVE, SUPPORT_SHARES, ModelLevers, decline_probability
from planning.scenarios import MatchingPolicy, Scenario, SimulationParameters
from planning.shortfall import case_group
from synthetic.population import Citizen as GenCitizen
from synthetic.population import Sampler, citizen_document, vacancy_document
from synthetic.population import Unit as GenUnit
from synthetic.population import Vacancy as GenVacancy

__all__ = [
    "AGE_BANDS",
    "MATCHERS",
    "ModelLevers",
    "Task",
    "TaskResult",
    "almene_stock",
    "child_seed",
    "month_starts",
    "rate_anchor",
    "run_task",
]

AGE_BANDS = ((18, 29, "18-29"), (30, 39, "30-39"), (40, 49, "40-49"), (50, 59, "50-59"))
"""VIVE's age bands (60+ above the last)."""

CEILING_98E_DKK = 3_500
"""§ 98 e homes let for at most 3,500 kr./month excluding utilities (DOMAIN.md 3)."""


def child_seed(seq: np.random.SeedSequence, *keys: int) -> np.random.SeedSequence:
    """The child ``seq.spawn(...)[k1].spawn(...)[k2]...`` without mutating ``seq``.

    ``SeedSequence.spawn`` counts the children it has handed out, so calling it twice gives
    different children; a task must give the same draws however often it runs.
    """
    return np.random.SeedSequence(
        seq.entropy, spawn_key=(*seq.spawn_key, *keys), pool_size=seq.pool_size
    )


def _rng(seq: np.random.SeedSequence, *keys: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(child_seed(seq, *keys)))


def rate_anchor(start: dt.date) -> dt.date:
    """The day every round's problem is dated on: 31 Dec of the latest rate year ≤ start."""
    years = sorted(y for y, t in RATE_TABLES.items() if t.housing_benefit is not None)
    earlier = [y for y in years if y <= start.year]
    return dt.date((earlier or years)[-1], 12, 31)


def almene_stock(m: MunicipalityCount, params: SimulationParameters) -> float:
    """Almene homes in a municipality [homes]: inhabitants × ``almene_per_inhabitant``.

    Inhabitants are VIVE's 2024 count / its per-1,000 rate × 1,000 (the only population
    figure the project ships), ``population_if_unknown`` where the rate is blank.
    """
    if m.per_1000_2024:
        population = m.homeless_2024 / m.per_1000_2024 * 1000
    else:
        population = float(params.population_if_unknown)
    return population * params.almene_per_inhabitant


def _age_band(age: int) -> str:
    for lo, hi, label in AGE_BANDS:
        if lo <= age <= hi:
            return label
    return "60+"


# --- tasks and results ----------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One independent unit of work: a replication of one municipality under one scenario.

    ``seed`` is the (replication, municipality) child of the run's root seed: every
    scenario of a replication shares it (common random numbers). ``levers`` are the
    behavioural model's assumptions (:class:`planning.model.ModelLevers`).
    """

    replication: int
    municipality: str
    scenario: Scenario
    params: SimulationParameters
    seed: np.random.SeedSequence
    extra_98e_homes: int = 0
    levers: ModelLevers = field(default_factory=ModelLevers)

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.replication, self.municipality, self.scenario.name)


@dataclass
class TaskResult:
    """A task's records: one row per citizen, per vacancy and per month."""

    key: tuple[int, str, str]
    citizens: pd.DataFrame
    vacancies: pd.DataFrame
    months: pd.DataFrame
    rounds: int = 0
    matcher_calls: int = 0


# --- the model's state ----------------------------------------------------------------


@dataclass
class _Person:
    no: int
    template: int
    arrival: int
    cohort: str
    declines: NDArray[np.float64]
    exit_day: int
    support_days: int
    offers: int = 0
    refusals: int = 0
    busy_until: int = -1
    housed: int | None = None
    removed: int | None = None
    left: int | None = None
    supported: bool = False
    excluded: set[str] = field(default_factory=set)
    model: CitizenModel | None = None
    birth_year: int = 0


@dataclass
class _Team:
    """An ICM or ACT team: the areas it reaches, its places and when held ones free up."""

    method: str
    name: str
    areas: frozenset[str]
    free: int
    releases: list[int]
    model: SupportTeam | None = None


@dataclass
class _Home:
    no: int
    template: int
    source: str
    announce: int
    available: int
    reduction_dkk: float
    reduction_until: int | None
    busy_until: int = -1
    end: int | None = None
    outcome: str = "open"
    model: VacancyModel | None = None


@dataclass
class _Templates:
    """Validated template models; each round copies them with its own ids and dates."""

    citizens: list[CitizenModel]
    citizen_offsets: list[tuple[int, int | None, bool]]
    citizen_groups: list[tuple[str, str, int, int, str, str]]
    units: list[VacancyModel]
    unit_until: list[int | None]
    family: NDArray[np.int64]
    households: dict[str, NDArray[Any]]
    by_kind: dict[str, NDArray[np.int64]]
    districts: list[str]
    places: list[tuple[float, float] | None]


def income_type(kinds: set[str]) -> str:
    """The citizen's main income type for the outcome tables (pensions first)."""
    for kind in ("folkepension", "foertidspension", "kontanthjaelp", "salary"):
        if kind in kinds:
            return kind
    return "other"


def _templates(
    m: MunicipalityCount,
    seq: np.random.SeedSequence,
    anchor: dt.date,
    size: int,
    levers: ModelLevers,
) -> _Templates:
    """Draw the task's citizen and unit templates with the generator's Sampler.

    A share ``levers.place_share`` of the citizen templates also name a place to live
    near, uniform over the municipality's districts (a stream of its own, so the
    Sampler's draws do not depend on the lever).
    """
    sampler = Sampler(_rng(seq, 0), anchor)
    districts, departments = sampler.places(m)
    citizens: list[GenCitizen] = [sampler.citizen(m, districts) for _ in range(size)]
    units: list[GenUnit] = [
        sampler.unit(m, departments[i % len(departments)], districts, 1.0) for i in range(size)
    ]
    west = min(d.polygon.bounds[0] for d in districts)
    south = min(d.polygon.bounds[1] for d in districts)
    east = max(d.polygon.bounds[2] for d in districts)
    north = max(d.polygon.bounds[3] for d in districts)
    place_rng = _rng(seq, 6)
    u_place = place_rng.random(size)
    lats = place_rng.uniform(south, north, size)
    lons = place_rng.uniform(west, east, size)
    models = []
    offsets: list[tuple[int, int | None, bool]] = []
    groups: list[tuple[str, str, int, int, str, str]] = []
    places: list[tuple[float, float] | None] = []
    for i, c in enumerate(citizens):
        kinds = {k for k, _ in c.income}
        offsets.append(
            (
                (c.homeless_since - anchor).days,
                None if c.deadline is None else (c.deadline - anchor).days,
                "kontanthjaelp" in kinds,
            )
        )
        age = anchor.year - c.birth_year
        groups.append(
            (
                _age_band(age),
                case_group(kinds, age),
                c.situation,
                c.children,
                c.support,
                income_type(kinds),
            )
        )
        document = citizen_document(c)
        place = None
        if u_place[i] < levers.place_share:
            place = (round(float(lats[i]), 6), round(float(lons[i]), 6))
            document["preferences"]["place"] = {"lat": place[0], "lon": place[1]}
        places.append(place)
        models.append(CitizenModel.model_validate(document))
    unit_models = []
    until: list[int | None] = []
    for u in units:
        u.allocation, u.allocation_municipality_code = "municipal", m.code
        until.append(
            None if u.rent_reduction_until is None else (u.rent_reduction_until - anchor).days
        )
        u.rent_reduction_until = None
        unit_models.append(VacancyModel.model_validate(vacancy_document(GenVacancy(u, anchor))))
    family = np.array([i for i, v in enumerate(unit_models) if v.kind == "family"], dtype=np.int64)
    by_kind = {
        kind: np.array([i for i, v in enumerate(unit_models) if v.kind == kind], dtype=np.int64)
        for kind in levers.kind_shares
    }
    households = {
        # the money facts come from the matcher's own columns (_static_feasibility)
        "kh": np.array([kh for _, _, kh in offsets], dtype=np.bool_),
    }
    return _Templates(
        models,
        offsets,
        groups,
        unit_models,
        until,
        family,
        households,
        by_kind,
        [d.name for d in districts],
        places,
    )


def _problem(
    anchor: dt.date,
    policy: Policy,
    citizens: list[CitizenModel],
    vacancies: list[VacancyModel],
    teams: list[SupportTeam] | None = None,
) -> Problem:
    """A problem document of already validated models, dated on the rate anchor.

    Built without validation: the models are copies of the validated templates with
    only their ids and dates changed, and re-validating them each round was costly.
    """
    return Problem.model_construct(
        format="boligmatch.problem/1",
        as_of=anchor,
        citizens=citizens,
        vacancies=vacancies,
        weights=Weights(),
        policy=policy,
        municipality_policies={},
        support_capacity=teams or [],
        department_caps=[],
    )


def _static_feasibility(
    templates: _Templates, anchor: dt.date, policy: Policy
) -> tuple[NDArray[np.bool_], Columns]:
    """The matcher's time-independent hard rules on every (citizen, unit) template pair.

    Shape ``(citizen templates, unit templates)``: allocation right, household fit,
    accessibility, pets, youth units and avoided areas, by the matcher's own vectorised
    rules. Used only to shortlist; the matcher re-checks every pair it is given. Also
    returns the templates' columns, for the matcher's urgency points.
    """
    problem = _problem(
        anchor,
        policy,
        [
            c.model_copy(update={"id": f"C{i:07d}", "deadline": None})
            for i, c in enumerate(templates.citizens)
        ],
        [v.model_copy(update={"id": f"V{i:07d}"}) for i, v in enumerate(templates.units)],
    )
    cols = build_columns(problem)
    n_c, n_v = len(templates.citizens), len(templates.units)
    ci = np.repeat(np.arange(n_c, dtype=np.int64), n_v)
    vi = np.tile(np.arange(n_v, dtype=np.int64), n_c)
    ok = np.ones(ci.size, dtype=np.bool_)
    for rule in (
        allocation_right,
        household_fits,
        accessibility,
        pets,
        youth_unit,
        avoided_area,
    ):
        ok &= np.asarray(rule(cols, ci, vi), dtype=np.bool_)
    # ids are zero-padded, so the matcher's id order is the template order
    return ok.reshape(n_c, n_v), cols


# --- matching policies on the scored graph ---------------------------------------------------


def _pairs(scored: ScoredProblem, matched: NDArray[np.bool_]) -> list[tuple[int, int]]:
    rows = np.flatnonzero(matched)
    return list(zip(scored.pc[rows].tolist(), scored.pv[rows].tolist(), strict=True))


def match_optimiser(scored: ScoredProblem) -> list[tuple[int, int]]:
    """boligmatch's optimiser: the exact maximum-score matching of every component."""
    matched = np.zeros(scored.n_pairs, dtype=np.bool_)
    for comp in scored.components:
        matched[comp.start : comp.stop] = solve_component(scored, comp).matched
    return _pairs(scored, matched)


def match_greedy(scored: ScoredProblem) -> list[tuple[int, int]]:
    """Greedy priority list (:func:`matcher.greedy.greedy_priority`)."""
    return _pairs(scored, greedy_priority(scored).matched)


def match_fcfs(scored: ScoredProblem) -> list[tuple[int, int]]:
    """First come, first served with an urgency track
    (:func:`planning.baselines.fcfs_with_urgency_track`): the fair baseline."""
    return _pairs(scored, fcfs_with_urgency_track(scored))


def match_fcfs_plain(scored: ScoredProblem) -> list[tuple[int, int]]:
    """Plain first come, first served (:func:`matcher.greedy.first_come_first_served`)."""
    return _pairs(scored, first_come_first_served(scored).matched)


MATCHERS: dict[str, Callable[[ScoredProblem], list[tuple[int, int]]]] = {
    "optimiser": match_optimiser,
    "greedy": match_greedy,
    "fcfs": match_fcfs,
}
"""The matching policies by name (:data:`planning.scenarios.MATCHING_POLICIES`)."""


# --- one task ---------------------------------------------------------------------------


def month_starts(params: SimulationParameters) -> list[int]:
    """Day numbers of the first day of each month of the horizon, and of the day after it."""
    starts = []
    day = min(params.start.day, 28)
    for k in range(params.months + 1):
        year = params.start.year + (params.start.month - 1 + k) // 12
        month = (params.start.month - 1 + k) % 12 + 1
        starts.append((dt.date(year, month, day) - params.start).days)
    return starts


class _Run:
    """The mutable state of one task while it runs."""

    def __init__(self, task: Task) -> None:
        counts = {m.code: m for m in municipality_counts()}
        self.task = task
        self.m = counts[task.municipality]
        self.params = task.params
        self.levers = task.levers
        self.scenario = task.scenario
        self.anchor = rate_anchor(task.params.start)
        self.templates = _templates(
            self.m, task.seed, self.anchor, task.params.template_pool, task.levers
        )
        self.starts = month_starts(task.params)
        self.horizon = self.starts[-1]
        self.policy = task.scenario.matcher_policy()
        self.persons: list[_Person] = []
        self.homes: list[_Home] = []
        self.teams: list[_Team] = []
        self.rounds = 0
        self.matcher_calls = 0
        self._dates: dict[int, dt.date] = {}
        self._next_person = self._next_home = 0
        self._afford: dict[tuple[int, float], NDArray[np.bool_]] = {}
        self._static: NDArray[np.bool_] | None = None
        self._template_cols: Columns | None = None
        self._today = 0
        self._draw()

    # draws (never depend on the levers other than by thresholds) ------------------------

    def _draw(self) -> None:
        p, s, seq, lv = self.params, self.scenario, self.task.seed, self.levers
        n_templates = len(self.templates.citizens)
        count = self.m.homeless_2024
        per_month = lv.arrivals_per_year(count, p.yearly_factor) / 12
        if p.initial_queue and count:
            rng = _rng(seq, 1)
            idx = rng.integers(n_templates, size=count)
            declines = rng.random((count, p.decline_draws))
            waited = rng.exponential(lv.initial_wait_mean(p.yearly_factor), size=count)
            exits = rng.exponential(lv.exit_mean_days, size=count)
            support = rng.exponential(lv.support_mean_days, size=count)
            for j in range(count):
                self._person(
                    int(idx[j]),
                    -int(waited[j]),
                    "initial",
                    declines[j],
                    math.ceil(exits[j]),
                    math.ceil(support[j]),
                )
        for k in range(p.months):
            rng = _rng(seq, 2, k)
            n = int(rng.poisson(per_month))
            idx = rng.integers(n_templates, size=n)
            days = np.sort(rng.integers(self.starts[k], self.starts[k + 1], size=n))
            declines = rng.random((n, p.decline_draws))
            exits = rng.exponential(lv.exit_mean_days, size=n)
            support = rng.exponential(lv.support_mean_days, size=n)
            for j in range(n):
                self._person(
                    int(idx[j]),
                    int(days[j]),
                    "arrival",
                    declines[j],
                    int(days[j]) + math.ceil(exits[j]),
                    math.ceil(support[j]),
                )
        lettings = lv.lettings_per_year(almene_stock(self.m, p))
        for k in range(p.months):
            rng = _rng(seq, 3, k)
            for kind in sorted(lv.kind_shares):  # a fixed order: the same draws every run
                n = int(rng.poisson(lettings.get(kind, 0.0) / 12))
                u_alloc = rng.random(n)
                pick = rng.random(n)
                days = rng.integers(self.starts[k], self.starts[k + 1], size=n)
                u_reduce = rng.random(n)
                pool = self.templates.by_kind.get(kind)
                if pool is None or pool.size == 0 or kind not in lettings:
                    continue
                share = 1.0 if kind == "skaev" else s.allocation_share  # skæve: municipal
                idx = pool[np.minimum((pick * pool.size).astype(np.int64), pool.size - 1)]
                for j in np.flatnonzero(u_alloc < share).tolist():
                    self._home(int(idx[j]), int(days[j]), "turnover", float(u_reduce[j]))
        self._extra_homes()
        self._support_teams()
        self.persons.sort(key=lambda x: (x.arrival, x.no))
        self.homes.sort(key=lambda h: (h.announce, h.no))

    def _support_teams(self) -> None:
        """ICM and ACT teams, each reaching an equal share of the districts (model.py)."""
        lv = self.levers
        districts = self.templates.districts
        rng = _rng(self.task.seed, 7)
        n_teams = min(lv.teams_per_method, len(districts))
        for method in INTENSIVE:
            places = self.m.homeless_2024 * SUPPORT_SHARES[method] * lv.support_capacity_ratio
            per_team = max(round(places / n_teams), 1)
            for t in range(n_teams):
                held = per_team - round(per_team * lv.support_free_share)
                releases = sorted(
                    math.ceil(x) for x in rng.exponential(lv.support_mean_days, size=held)
                )
                self.teams.append(
                    _Team(
                        method=method,
                        name=f"{method}-{t + 1}",
                        areas=frozenset(districts[t::n_teams]),
                        free=per_team - held,
                        releases=releases,
                    )
                )

    def _person(
        self,
        template: int,
        day: int,
        cohort: str,
        declines: NDArray[np.float64],
        exit_day: int,
        support_days: int,
    ) -> None:
        birth = self.templates.citizens[template].born_year
        self.persons.append(
            _Person(
                len(self.persons),
                template,
                day,
                cohort,
                declines,
                exit_day=exit_day,
                support_days=support_days,
                birth_year=birth,
            )
        )

    def _home(self, template: int, day: int, source: str, u_reduce: float) -> None:
        unit = self.templates.units[template]
        stock_until = self.templates.unit_until[template]
        s = self.scenario
        reduction = unit.rent_reduction_dkk
        until_days: int | None = None
        if reduction and stock_until is not None:  # a § 98 f reduction of the stock
            until_days = day + max(stock_until, 0)
        if source == "98e":
            reduction = max(unit.rent_dkk - CEILING_98E_DKK, 0.0)
            until_days = None
        elif (
            s.rent_reduction_dkk > 0
            and reduction == 0
            and unit.kind == "family"
            and 4_500 <= unit.rent_dkk <= 6_500
            and u_reduce < s.rent_reduction_share
        ):
            reduction = min(s.rent_reduction_dkk, unit.rent_dkk)
            until_days = day + round(s.rent_reduction_months * 365.25 / 12)
        announce = max(day - self.params.notice_days, 0)
        self.homes.append(
            _Home(len(self.homes), template, source, announce, day, reduction, until_days)
        )

    def _extra_homes(self) -> None:
        """The lever's § 98 e homes: built evenly over the build months, then turning over."""
        n, p, s = self.task.extra_98e_homes, self.params, self.scenario
        family = self.templates.family
        if n <= 0 or family.size == 0:
            return
        rng = _rng(self.task.seed, 4)
        build_end = self.starts[min(s.extra_98e_build_months, p.months)]
        built = [build_end * i // n for i in range(n)] if build_end else [0] * n
        idx = family[rng.integers(family.size, size=n)]
        for i in range(n):
            if built[i] < self.horizon:
                self._home(int(idx[i]), built[i], "98e", 1.0)
        for k in range(p.months):
            mrng = _rng(self.task.seed, 5, k)
            ready = sum(1 for b in built if b < self.starts[k])
            count = int(
                mrng.poisson(ready * self.levers.turnover_by_kind.get("family", 0.104) / 12)
            )
            pick = family[mrng.integers(family.size, size=count)]
            days = mrng.integers(self.starts[k], self.starts[k + 1], size=count)
            for j in range(count):
                self._home(int(pick[j]), int(days[j]), "98e", 1.0)

    # the round's problem ---------------------------------------------------------------

    def _date(self, day: int, today: int) -> dt.date:
        """Simulation day ``day`` as the matcher sees it on the round of day ``today``."""
        offset = day - today
        date = self._dates.get(offset)
        if date is None:
            date = self._dates[offset] = self.anchor + dt.timedelta(days=offset)
        return date

    def _citizen(self, person: _Person, today: int) -> CitizenModel:
        """The person's matcher model, dated for the round of day ``today``.

        Each person owns one copy of their template, made on first use; a round only
        moves its dates (the matcher reads problems, never keeps them).
        """
        since, deadline, kh = self.templates.citizen_offsets[person.template]
        model = person.model
        if model is None:
            model = person.model = self.templates.citizens[person.template].model_copy(
                update={"id": f"C{person.no:07d}"}
            )
        homeless_since = self._date(person.arrival + since, today)
        # Written to the field storage directly: the values are valid dates by
        # construction, and pydantic's checked __setattr__ dominated a round's cost.
        model.__dict__.update(
            # ages advance: whole years since registration added to the age then
            birth_year=person.birth_year - max(today - person.arrival, 0) * 4 // 1461,
            registered_on=self._date(person.arrival, today),
            homeless_since=homeless_since,
            deadline=None if deadline is None else self._date(person.arrival + deadline, today),
            # on kontanthjælp since they became homeless (assumption; the § 59 stk. 6 rule)
            kontanthjaelp_since=homeless_since if kh else None,
        )
        return model

    def _vacancy(self, home: _Home, today: int) -> VacancyModel:
        """The home's matcher model, dated for the round of day ``today`` (see _citizen)."""
        model = home.model
        if model is None:
            update: dict[str, Any] = {
                "id": f"V{home.no:07d}",
                "rent_reduction_dkk": home.reduction_dkk,
            }
            if home.source == "98e":
                update["kind"] = "family"
            model = home.model = self.templates.units[home.template].model_copy(update=update)
        model.__dict__.update(
            available_from=self._date(home.available, today),
            rent_reduction_until=(
                None if home.reduction_until is None else self._date(home.reduction_until, today)
            ),
        )
        return model

    # the loop --------------------------------------------------------------------------

    def run(self) -> TaskResult:
        p, s = self.params, self.scenario
        matcher = MATCHERS[s.policy]
        waiting: dict[int, _Person] = {}
        pool: dict[int, _Home] = {}
        month_rows = []
        for k in range(p.months):
            arrived = housed = removed = left = new_homes = let = passed = 0
            length = self.starts[k + 1] - self.starts[k]
            for r in range(p.rounds_per_month):
                today = self.starts[k] + length * r // p.rounds_per_month
                self.rounds += 1
                arrived += self._admit_people(waiting, today)
                new_homes += self._admit_homes(pool, today)
                left += self._exits(waiting, today)
                self._release_support(today)
                free_people = sorted(
                    (x for x in waiting.values() if x.busy_until <= today),
                    key=lambda x: (x.arrival, x.no),
                )
                free_homes = [h for h in pool.values() if h.busy_until <= today]
                self._today = today
                if p.candidate_limit is not None and len(free_people) > p.candidate_limit:
                    free_people = self._shortlist(free_people, free_homes)
                wanted: set[int] = set()
                if free_people and free_homes:
                    offers, wanted = self._match(matcher, free_people, free_homes, today)
                    for person, home in offers:
                        outcome = self._offer(person, home, today)
                        if outcome == "accepted":
                            del waiting[person.no]
                            del pool[home.no]
                            housed += 1
                            let += 1
                        elif outcome == "removed":
                            # off the list at once: nothing reads the list before the
                            # next round, and the month's queue is counted without them
                            del waiting[person.no]
                            removed += 1
                for home in free_homes:
                    if home.no not in pool or home.busy_until > today:
                        continue
                    if home.no not in wanted:  # nobody on the list can take it: at once
                        home.end, home.outcome = max(today, home.available), "handed_back"
                    elif home.available + p.pass_on_days <= today:
                        home.end, home.outcome = home.available + p.pass_on_days, "passed_on"
                    else:
                        continue
                    del pool[home.no]
                    passed += 1
            # whoever arrived (or was announced) after the month's last round waits for the next
            arrived += self._admit_people(waiting, self.starts[k + 1] - 1)
            new_homes += self._admit_homes(pool, self.starts[k + 1] - 1)
            left += self._exits(waiting, self.starts[k + 1] - 1)
            month_rows.append(
                {
                    "month": k,
                    "queue": len(waiting),
                    "arrivals": arrived,
                    "housed": housed,
                    "removed": removed,
                    "left": left,
                    "vacancies_new": new_homes,
                    "vacancies_let": let,
                    "vacancies_passed_on": passed,
                    "vacancies_open": len(pool),
                }
            )
        return self._result(month_rows)

    def _exits(self, waiting: dict[int, _Person], today: int) -> int:
        """Take off the list everyone whose exit day has come (left without a home)."""
        gone = [x for x in waiting.values() if x.exit_day <= today and x.busy_until <= today]
        for person in gone:
            person.left = max(person.exit_day, person.busy_until)
            del waiting[person.no]
        return len(gone)

    def _release_support(self, today: int) -> None:
        """Free the team places of clients whose support has ended by ``today``."""
        for team in self.teams:
            while team.releases and team.releases[0] <= today:
                team.releases.pop(0)
                team.free += 1

    def _team_for(self, person: _Person, home: _Home) -> _Team | None:
        """A team of the person's (intensive) method reaching the home, with a free place."""
        method = self.templates.citizens[person.template].support
        if method not in INTENSIVE:
            return None
        area = self.templates.units[home.template].area
        for team in self.teams:
            if team.method == method and team.free > 0 and area in team.areas:
                return team
        return None

    def _team_models(self) -> list[SupportTeam]:
        """The teams with their free places today, as the matcher's support_capacity."""
        out = []
        for team in self.teams:
            if team.model is None:
                team.model = SupportTeam(
                    municipality_code=self.m.code,
                    method=team.method,
                    team=team.name,
                    areas=sorted(team.areas),
                    free_places=0,
                )
            team.model.__dict__["free_places"] = team.free
            out.append(team.model)
        return out

    def _shortlist(self, people: list[_Person], homes: list[_Home]) -> list[_Person]:
        """Each home's ``candidates_per_home`` longest-waiting citizens who may take it.

        The same shortlist for every policy (waiting order): only used when the run sets
        ``candidate_limit``. ``people`` is in waiting order; homes take turns in id order
        and each draws its candidates from those no earlier home drew. "May take it": the
        matcher's time-independent hard rules on the templates, its affordability
        function with the home's reduction, and the listed-area rule; the matcher
        re-checks every rule on the pairs it is given.
        """
        if self._static is None:
            self._static, self._template_cols = _static_feasibility(
                self.templates, self.anchor, self.policy
            )
        templates = np.array([x.template for x in people], dtype=np.int64)
        offsets = self.templates.citizen_offsets
        arrival = np.array([x.arrival for x in people], dtype=np.int64)
        since = arrival + np.array([offsets[t][0] for t in templates.tolist()], dtype=np.int64)
        k = self.params.candidates_per_home
        chosen: set[int] = set()
        kh = self.templates.households["kh"][templates]
        months = self.policy.listed_area_kontanthjaelp_months
        free = np.ones(len(people), dtype=np.bool_)
        for home, affordable in zip(homes, self._affordable_templates(homes), strict=True):
            can = free & affordable[templates] & self._static[templates, home.template]
            if self.templates.units[home.template].listed_area:
                can &= ~(kh & ((self._today - since) * 12 >= months * 365))
            picked = np.flatnonzero(can)[:k]
            free[picked] = False
            chosen.update(picked.tolist())
        return [people[i] for i in sorted(chosen)]

    def _affordable_templates(self, homes: list[_Home]) -> list[NDArray[np.bool_]]:
        """For each home, which citizen templates can afford it.

        Cached per (unit template, reduction). The round's homes not yet cached are
        assessed in one vectorised :func:`assess_many` call: one call per home re-checked
        and re-converted the same citizen columns every time. The verdicts are elementwise,
        so batching does not change them.
        """
        keys = [(h.template, h.reduction_dkk) for h in homes]
        missing = sorted(set(keys) - self._afford.keys())
        if missing:
            units = [self.templates.units[t] for t, _ in missing]
            # The templates' columns as the matcher builds them: both incomes of
            # DOMAIN.md 5 (the minimum left is judged after tax in the citizen's
            # municipality) and the housing-benefit facts, from the same functions.
            cols = self._template_cols
            assert cols is not None  # built with the static feasibility, before this
            n = cols.n_citizens
            policy = self.policy

            def per_citizen(column: NDArray[Any]) -> NDArray[Any]:
                return np.tile(column, len(missing))

            def per_home(values: list[float]) -> NDArray[np.float64]:
                return np.repeat(np.array(values, dtype=np.float64), n)

            verdict = assess_many(
                monthly_income_dkk=per_citizen(cols.income),
                housing_benefit_income_dkk=per_citizen(cols.hb_income),
                disposable_income_dkk=per_citizen(cols.disposable),
                adults=per_citizen(cols.adults),
                children=per_citizen(cols.children),
                wealth_dkk=per_citizen(cols.wealth),
                pensioner=per_citizen(cols.pensioner),
                receives_foertidspension=per_citizen(cols.foertid),
                mobility_impaired=per_citizen(cols.mobility_impaired),
                doegnhjaelp=per_citizen(cols.doegnhjaelp),
                receives_seniorpension=per_citizen(cols.seniorpension),
                foertidspension_before_2003=per_citizen(cols.foertid_before_2003),
                rent_dkk=per_home([u.rent_dkk for u in units]),
                utilities_dkk=per_home([u.utilities_dkk for u in units]),
                size_m2=per_home([u.size_m2 for u in units]),
                rent_reduction_dkk=per_home([r for _, r in missing]),
                heating_included=False,
                municipal_allocation=True,  # every simulated home is municipally allocated
                max_rent_share=policy.max_rent_share,
                min_left_per_adult_dkk=policy.min_left_per_adult_dkk,
                min_left_per_child_dkk=policy.min_left_per_child_dkk,
                rent_share_hard=policy.rent_share_rule == "hard",
                boligydelse_caps_apply=policy.boligydelse_caps_apply,
                year=self.anchor.year,
            )
            table = np.asarray(verdict.affordable, dtype=np.bool_).reshape(len(missing), n)
            self._afford.update(zip(missing, table, strict=True))
        return [self._afford[key] for key in keys]

    def _admit_people(self, waiting: dict[int, _Person], today: int) -> int:
        """Put everyone who arrived by ``today`` on the list; how many."""
        n = 0
        while self._next_person < len(self.persons) and (
            self.persons[self._next_person].arrival <= today
        ):
            person = self.persons[self._next_person]
            waiting[person.no] = person
            self._next_person += 1
            n += 1
        return n

    def _admit_homes(self, pool: dict[int, _Home], today: int) -> int:
        """Put every vacancy announced by ``today`` in the pool; how many."""
        n = 0
        while self._next_home < len(self.homes) and self.homes[self._next_home].announce <= today:
            home = self.homes[self._next_home]
            pool[home.no] = home
            self._next_home += 1
            n += 1
        return n

    def _match(
        self,
        matcher: Callable[[ScoredProblem], list[tuple[int, int]]],
        people: list[_Person],
        homes: list[_Home],
        today: int,
    ) -> tuple[list[tuple[_Person, _Home]], set[int]]:
        """The round's offers in vacancy-id order, and the homes somebody could take."""
        problem = _problem(
            self.anchor,
            self.policy,
            [self._citizen(x, today) for x in people],
            [self._vacancy(h, today) for h in homes],
            self._team_models() if self.levers.matcher_sees_support else [],
        )
        home_ids = {f"V{h.no:07d}" for h in homes}
        exclude = {(f"C{x.no:07d}", v) for x in people for v in x.excluded if v in home_ids}
        scored = score_problem(parse_problem(problem), exclude=exclude)
        self.matcher_calls += 1
        if scored.n_pairs == 0:
            return [], set()
        person_of = {f"C{x.no:07d}": x for x in people}
        home_of = {f"V{h.no:07d}": h for h in homes}
        cols = scored.cols
        wanted = {home_of[cols.vacancy_ids[v]].no for v in np.unique(scored.pv).tolist()}
        pairs = matcher(scored)
        offers = [
            (person_of[cols.citizen_ids[c]], home_of[cols.vacancy_ids[v]])
            for c, v in sorted(pairs, key=lambda cv: cols.vacancy_ids[cv[1]])
        ]
        return offers, wanted

    def fit(self, person: _Person, home: _Home) -> tuple[bool, float, int, bool]:
        """The offer's misfits: outside the listed areas, km from the place, rooms, support."""
        citizen = self.templates.citizens[person.template]
        unit = self.templates.units[home.template]
        areas = citizen.preferences.areas
        outside = bool(areas) and unit.area not in areas
        place = self.templates.places[person.template]
        km = 0.0 if place is None else _km(place[0], place[1], unit.lat, unit.lon)
        rooms = abs(unit.rooms - (1 + citizen.household.children))
        no_support = citizen.support in INTENSIVE and self._team_for(person, home) is None
        return outside, km, rooms, no_support

    def _offer(self, person: _Person, home: _Home, today: int) -> str:
        p, s = self.params, self.scenario
        draw = person.declines[person.offers] if person.offers < person.declines.size else 1.0
        person.offers += 1
        answered = today + p.answer_days
        outside, km, rooms, no_support = self.fit(person, home)
        chance = float(
            decline_probability(
                s.decline_rate,
                self.levers,
                outside_areas=outside,
                km_from_place=km,
                room_misfit=rooms,
                no_support=no_support,
            )
        )
        if draw < chance:
            person.refusals += 1
            person.excluded.add(f"V{home.no:07d}")
            person.busy_until = home.busy_until = answered
            if s.refusal_action == "remove" and person.refusals > s.max_refusals:
                person.removed = answered
                return "removed"
            return "declined"
        lease = max(answered, home.available)
        person.housed = lease
        home.end, home.outcome = lease, "let"
        team = self._team_for(person, home)
        if team is not None:
            team.free -= 1
            bisect.insort(team.releases, lease + person.support_days)
            person.supported = True
        return "accepted"

    def _result(self, month_rows: list[dict[str, Any]]) -> TaskResult:
        rep, code, name = self.task.key
        policy: MatchingPolicy = self.scenario.policy
        ids: dict[str, Any] = {
            "replication": rep,
            "municipality": code,
            "scenario": name,
            "policy": policy,
        }
        groups = self.templates.citizen_groups
        persons = self.persons

        def day_or_nan(values: list[int | None]) -> NDArray[np.float64]:
            return np.array([math.nan if v is None else v for v in values], np.float64)

        citizens = pd.DataFrame(
            {
                "cohort": [x.cohort for x in persons],
                "age_band": [groups[x.template][0] for x in persons],
                "benefit_group": [groups[x.template][1] for x in persons],
                "situation": np.array([groups[x.template][2] for x in persons], np.int8),
                "children": np.array([groups[x.template][3] > 0 for x in persons], np.bool_),
                "support": [groups[x.template][4] for x in persons],
                "income_type": [groups[x.template][5] for x in persons],
                "registered_day": np.array([x.arrival for x in persons], np.int32),
                "housed_day": day_or_nan([x.housed for x in persons]),
                "left_day": day_or_nan([x.left for x in persons]),
                "removed_day": day_or_nan([x.removed for x in persons]),
                "removed": np.array([x.removed is not None for x in persons], np.bool_),
                "offers": np.array([x.offers for x in persons], np.int16),
                "refusals": np.array([x.refusals for x in persons], np.int16),
                "supported": np.array([x.supported for x in persons], np.bool_),
            }
        )
        units = self.templates.units
        rent = np.array([units[h.template].rent_dkk - h.reduction_dkk for h in self.homes])
        end = np.array(
            [self.horizon if h.end is None else h.end for h in self.homes], dtype=np.int64
        )
        available = np.array([h.available for h in self.homes], dtype=np.int64)
        days = np.clip(end - available, 0, None)
        vacancies = pd.DataFrame(
            {
                "source": [h.source for h in self.homes],
                "kind": [
                    "family" if h.source == "98e" else units[h.template].kind for h in self.homes
                ],
                "rent_dkk": rent,
                "available_day": available.astype(np.int32),
                "end_day": end.astype(np.int32),
                "outcome": [h.outcome for h in self.homes],
                "vacancy_days": days.astype(np.int32),
                "vacancy_cost_dkk": days * rent * 12 / 365,
            }
        )
        months = pd.DataFrame(month_rows)
        for frame in (citizens, vacancies, months):
            for column, value in reversed(ids.items()):
                frame.insert(0, column, value)
        return TaskResult(
            key=self.task.key,
            citizens=citizens,
            vacancies=vacancies,
            months=months,
            rounds=self.rounds,
            matcher_calls=self.matcher_calls,
        )


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance [km]."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def run_task(task: Task) -> TaskResult:
    """Run one task (a top-level function, so every executor can pickle it)."""
    return _Run(task).run()
