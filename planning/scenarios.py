"""Scenario levers and the simulation's base parameters, each with a documented default.

A :class:`Scenario` is what a planner changes to test a policy before spending money: the
matching policy itself, extra § 98 e homes, rent reductions, the allocation share, the
affordability minimums and the refusal policy. :class:`SimulationParameters` are the
model's assumptions, the same for every scenario of a run so that scenarios compare on
the same random arrivals and vacancies (common random numbers).

Every number the law does not fix is a field here with its default and source; none is a
hidden constant in :mod:`planning.simulation`. The levers that are a municipality's
settings take their defaults from the one policy model: the matching rules from
:class:`matcher.policy.Policy`, the answer deadline and refusal policy from
:class:`kernel.policy.MunicipalityPolicy`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from kernel.policy import MunicipalityPolicy
from matcher.policy import Policy, Weights

MatchingPolicy = Literal["optimiser", "greedy", "fcfs"]
MATCHING_POLICIES: tuple[MatchingPolicy, ...] = ("optimiser", "greedy", "fcfs")
"""boligmatch's optimiser (maximum-score matching), a greedy priority list (most urgent
citizen first takes their best home), first-come-first-served (longest on the list first
takes the earliest home)."""

RefusalAction = Literal["remove", "review", "none"]

_SETTINGS = MunicipalityPolicy()
"""A municipality's settings at their defaults: where the levers' defaults come from."""


@dataclass(frozen=True)
class Scenario:
    """One policy to test: the levers.

    Parameters
    ----------
    name : str
        Label in tables, plots and Parquet files.
    policy : "optimiser", "greedy" or "fcfs"
        How offers are chosen each round.
    allocation_share : float
        Share of the almene homes let each year that the municipality allocates
        (almenboligloven § 59: every 4th family unit = 0.25 by default, up to 1 by
        agreement).
    extra_98e_homes : int [homes, national total]
        New "særligt billige" family homes (§ 98 e: rent at most 3,500 kr./month, full
        municipal allocation right), apportioned over municipalities by VIVE's 2024 count
        (the reform funded about 2,250, DOMAIN.md section 3). Finished evenly over the
        first ``extra_98e_build_months`` months.
    extra_98e_build_months : int [months]
    rent_reduction_dkk : float [DKK/month]
        A § 98 f-style temporary reduction added to family homes with rent 4,500-6,500 that
        have none (the 2023 grant, 16,965 kr./year, is 1,414 kr./month); 0 = lever off.
    rent_reduction_share : float
        Share of those eligible vacancies that get it.
    rent_reduction_months : int [months]
        How long the reduction lasts from the day the home is free.
    max_rent_share, min_left_per_adult_dkk, min_left_per_child_dkk : float, int, int
        The affordability minimums (:class:`matcher.policy.Policy`'s defaults, DOMAIN.md
        section 5; no national rule).
    decline_rate : float
        Probability that a citizen declines an offer (no published figure: an assumption
        to vary).
    max_refusals : int
        Declines tolerated before ``refusal_action`` (the settings' default).
    refusal_action : "remove", "review" or "none"
        ``remove`` takes the case off the list (Albertslund's practice); ``review`` and
        ``none`` keep the citizen waiting (a review does not change the queue here).
    overdue_after_months : int or None [months]
        The longest acceptable wait (:class:`matcher.policy.Weights`'s
        ``overdue_after_months``): from then on a citizen comes before everyone who has
        not waited as long, for any home they fit. None: no such limit (the default).
    """

    name: str = "baseline"
    policy: MatchingPolicy = "optimiser"
    allocation_share: float = 0.25
    extra_98e_homes: int = 0
    extra_98e_build_months: int = 12
    rent_reduction_dkk: float = 0.0
    rent_reduction_share: float = 0.15
    rent_reduction_months: int = 48
    max_rent_share: float = _SETTINGS.matching.max_rent_share
    min_left_per_adult_dkk: int = _SETTINGS.matching.min_left_per_adult_dkk
    min_left_per_child_dkk: int = _SETTINGS.matching.min_left_per_child_dkk
    decline_rate: float = 0.15
    max_refusals: int = _SETTINGS.refusal.max_refusals
    refusal_action: RefusalAction = _SETTINGS.refusal.action
    overdue_after_months: int | None = None

    def __post_init__(self) -> None:
        if self.policy not in MATCHING_POLICIES:
            raise ValueError(f"unknown matching policy {self.policy!r}")
        if not 0 < self.allocation_share <= 1:
            raise ValueError("allocation_share must be in (0, 1]")
        for name in ("decline_rate", "rent_reduction_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in [0, 1]")
        if not 0 < self.max_rent_share <= 1:
            raise ValueError("max_rent_share must be in (0, 1]")
        for name in (
            "extra_98e_homes",
            "extra_98e_build_months",
            "rent_reduction_months",
            "min_left_per_adult_dkk",
            "min_left_per_child_dkk",
            "max_refusals",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.rent_reduction_dkk < 0:
            raise ValueError("rent_reduction_dkk must not be negative")
        if self.refusal_action not in ("remove", "review", "none"):
            raise ValueError(f"unknown refusal action {self.refusal_action!r}")
        if self.overdue_after_months is not None and self.overdue_after_months < 1:
            raise ValueError("overdue_after_months must be at least 1")

    def matcher_policy(self) -> Policy:
        """The matcher's policy under these levers (the other rules at their defaults)."""
        return Policy(
            max_rent_share=self.max_rent_share,
            min_left_per_adult_dkk=self.min_left_per_adult_dkk,
            min_left_per_child_dkk=self.min_left_per_child_dkk,
            weights=(
                None
                if self.overdue_after_months is None
                else Weights(overdue_after_months=self.overdue_after_months)
            ),
        )

    def with_policy(self, policy: MatchingPolicy) -> Scenario:
        """The same levers under another matching policy, named after it."""
        name = policy if self.name == "baseline" else f"{self.name}/{policy}"
        return replace(self, policy=policy, name=name)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def policy_comparison(base: Scenario | None = None) -> list[Scenario]:
    """The three matching policies on otherwise equal levers (for side-by-side runs)."""
    base = base or Scenario()
    return [base.with_policy(p) for p in MATCHING_POLICIES]


@dataclass(frozen=True)
class SimulationParameters:
    """The model's assumptions, shared by every scenario of a run.

    Parameters
    ----------
    months : int
        Length of the simulation.
    start : date
        Day 0 of the simulation (calendar labels only: see ``rate_anchor``).
    rounds_per_month : int
        Matching rounds per month (2 = fortnightly); offers are made at each round.
    yearly_factor : float [persons/year per person counted]
        Yearly prevalence against VIVE's one-week 2024 count (2.5, VIVE; DOMAIN.md 1 and
        7). It includes the counted, so the simulation's new arrivals are (this - 1) ×
        the count a year (:mod:`planning.model`).
    initial_queue : bool
        Start with everyone counted homeless in 2024 on the list (the ministry's
        question); False starts with an empty list.
    turnover_rate : float [1/year]
        Share of the stock let per year (0.14, LBF 2010-13; the ``turnover_rate`` setting).
        The simulation uses the turnover by unit kind of :mod:`planning.model` instead.
    almene_per_inhabitant : float [homes/person]
        Almene homes per inhabitant: about 590,000 (BL, 2023) / 5.93 million inhabitants
        (VIVE's counts divided by their per-1,000 rates) ≈ 0.0995. The stock of a
        municipality is its inhabitants (same derivation) × this.
    population_if_unknown : int [persons]
        Inhabitants where VIVE gives no per-1,000 rate (Læsø, count 0; ~1,800, Danmarks
        Statistik 2024).
    notice_days : int [days]
        A vacancy is known (and can be offered) this many days before it is free. Tenants
        give three months' notice, but associations report later: an assumption.
    answer_days : int [days]
        Days a citizen has to answer an offer (the settings' ``answer_deadline_days``).
    pass_on_days : int [days]
        A municipal vacancy nobody on the list can take is let to others after this many
        days empty (the municipality pays the rent meanwhile): an assumption. A vacancy
        nobody on the list can take at all is handed back at once.
    candidate_limit : int, optional
        Rounds with at most this many free citizens put all of them to the matcher
        (exact). Above it, each free home in turn brings the ``candidates_per_home``
        longest-waiting citizens, not yet brought by another home, who may take it (the
        matcher's own rules) and the matcher chooses among them: a caseworker's
        shortlist, which keeps rounds fast where queues grow into the thousands.
        The shortlist is the same for every policy (waiting order). None (default) =
        always everyone.
    candidates_per_home : int
        Shortlist length per home (see ``candidate_limit``).
    decline_draws : int
        Decline draws kept per citizen (offers beyond this are accepted).
    followup_days : int [days]
        Time-to-home percentiles count only citizens registered at least this long before
        the end, so that a long wait is not cut short by the horizon (those still waiting
        count as not housed).
    template_pool : int
        Citizen and unit templates drawn per task (:mod:`planning.simulation`); a sample
        size, not a model number: more gives more variety for more generation time.
    """

    months: int = 60
    start: dt.date = dt.date(2027, 1, 1)
    rounds_per_month: int = 2
    yearly_factor: float = 2.5
    initial_queue: bool = True
    turnover_rate: float = 0.14
    almene_per_inhabitant: float = 590_000 / 5_933_000
    population_if_unknown: int = 1_800
    notice_days: int = 14
    answer_days: int = _SETTINGS.answer_deadline_days
    pass_on_days: int = 30
    candidate_limit: int | None = None
    candidates_per_home: int = 5
    decline_draws: int = 16
    followup_days: int = 180
    template_pool: int = 256

    def __post_init__(self) -> None:
        if self.months < 1 or self.rounds_per_month < 1:
            raise ValueError("months and rounds_per_month must be at least 1")
        if not 0 < self.turnover_rate < 1:
            raise ValueError("turnover_rate must be in (0, 1)")
        if self.candidate_limit is not None and self.candidate_limit < 1:
            raise ValueError("candidate_limit must be at least 1")
        if self.candidates_per_home < 1:
            raise ValueError("candidates_per_home must be at least 1")
        if self.template_pool < 1:
            raise ValueError("template_pool must be at least 1")
        if self.answer_days < 0 or self.notice_days < 0 or self.pass_on_days < 1:
            raise ValueError("answer_days and notice_days >= 0, pass_on_days >= 1")

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["start"] = self.start.isoformat()
        return out
