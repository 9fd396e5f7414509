"""The simulation's behavioural model: every lever with its default and its source.

:class:`ModelLevers` holds the assumptions :mod:`planning.simulation` makes about people
and homes that the policy levers (:class:`planning.scenarios.Scenario`) and the run's
parameters (:class:`planning.scenarios.SimulationParameters`) do not cover. Each field
says where its default comes from; where no published figure exists the field says
"assumption" and is there to be varied, never to be tuned toward a result.

Demand (DOMAIN.md 1 and 7). VIVE's one-week count ``N`` times the prevalence factor
``f`` (``SimulationParameters.yearly_factor``, 2.5) is the number homeless during a year,
and that *includes* the ``N`` counted, so new arrivals are ``(f - 1) × N`` a year. People
also leave the list without a municipal home (family, a private lease, treatment, moving
away, death): an exponential clock with mean :attr:`ModelLevers.exit_mean_days`, drawn
per person and the same under every policy. The list holds ``N`` at the start, each with
a registration date already behind them: by Little's law the mean time on the list of
a population of ``N`` fed by ``(f - 1) × N`` a year is ``1 / (f - 1)`` years, and for
exponential stays the time already spent is exponential with that mean.

Supply (DOMAIN.md 3). The almene stock is split by unit kind with the synthetic
generator's shares (:data:`synthetic.population.KIND_SHARES`) and each kind turns over
at its own yearly rate (LBF 2019: family 10.4 %, youth 39.9 %). Transitional units are
not a permanent home (a citizen there is still homeless, situation 6), so they are not
offered by default.

Refusals. No published figure links refusals to fit. The form is an assumption, stated
so that it can be varied: the log-odds of declining an offer are those of the
scenario's ``decline_rate`` (the rate for an offer that fits) plus a term per misfit::

    logit P(decline) = logit(decline_rate)
                       + area_logit      × [citizen listed areas and the home is in none]
                       + per_km_logit    × km from the citizen's preferred place
                       + per_room_logit  × |rooms - (1 + children)|
                       + no_support_logit × [needs ICM/ACT and no team with a free
                                             place reaches the home]

so a better fit lowers the refusal probability and a perfect fit gives ``decline_rate``.

Support (servicelov § 85 a, DOMAIN.md 4). Citizens needing ICM or ACT need a team of that
method that reaches the home's area and has a free place. Each municipality has
:attr:`ModelLevers.teams_per_method` teams per method, each reaching an equal share of
the districts; places are VIVE's count × the method's share among the homeless × a
capacity ratio, a share of them free at the start; a housed client holds a place for an
exponential time with mean :attr:`ModelLevers.support_mean_days` (ICM and ACT have no
time limit: an assumption).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from synthetic.population import KIND_SHARES

__all__ = ["INTENSIVE", "ModelLevers", "decline_probability", "logit"]

INTENSIVE = ("ICM", "ACT")
"""Support methods that need a team reaching the home (the matcher's support-fit rule)."""

SUPPORT_SHARES = {"ICM": 0.25, "ACT": 0.10}
"""Share of homeless citizens needing each intensive method: the synthetic generator's
support distribution (:mod:`synthetic.population`), kept equal to it on purpose."""


def _default_kind_shares() -> dict[str, float]:
    return dict(KIND_SHARES)


def _default_turnover() -> dict[str, float]:
    return {
        "family": 0.104,
        "youth": 0.399,
        "elderly": 0.104,
        "skaev": 0.104,
        "transitional": 0.5,
    }


@dataclass(frozen=True)
class ModelLevers:
    """The behavioural assumptions of the simulation (module docstring for the forms).

    Parameters
    ----------
    exit_mean_days : float [days]
        Mean time until a citizen leaves the list without a municipal home (exponential).
        "On average after about a year" (issue 17, DOMAIN.md 7): an assumption.
    initial_wait_mean_days : float, optional [days]
        Mean time the starting list has already waited; None = Little's law,
        ``365.25 / (yearly_factor - 1)`` (243 days at 2.5).
    kind_shares : dict [share of the almene stock]
        Stock by unit kind (the synthetic generator's shares, an assumption).
    turnover_by_kind : dict [1/year]
        Share of each kind let per year. Family 0.104 and youth 0.399: LBF, move-outs
        2019 (DOMAIN.md 3). Elderly and skæve: no figure, the family rate (assumption).
        Transitional: temporary leases, 0.5 (assumption; not offered by default).
    offer_transitional : bool
        Offer transitional units as homes. False: they are not a permanent home
        (DOMAIN.md 3, situation 6).
    area_logit, per_km_logit, per_room_logit, no_support_logit : float [log-odds]
        Refusal terms per misfit (module docstring); assumptions, no published figure.
    place_share : float
        Share of citizens who name a place to live near (family, work, treatment);
        the place is uniform over the municipality's districts. An assumption.
    teams_per_method : int
        ICM and ACT teams per municipality, each reaching an equal share of the
        districts (at least one district each). An assumption.
    support_capacity_ratio : float
        Places per method = VIVE count × the method's share among the homeless
        (:data:`SUPPORT_SHARES`) × this ratio, at least 1 per team. 1.5 is about the
        caseload if (f - 1) / 2 × N are housed a year and each holds a place two years
        (0.75 N × share × 2): an assumption.
    matcher_sees_support : bool
        Give the matcher the teams' free places (``support_capacity``): the optimiser
        then scores support fit and never plans more ICM/ACT clients into a team's area
        than it has free places (the product as deployed). The baselines ignore them;
        whoever is housed without a free place is counted as housed without support.
    support_free_share : float
        Share of the places free at day 0; the others are held by current clients who
        leave at the same rate as new ones. An assumption.
    support_mean_days : float [days]
        Mean time a housed ICM/ACT client holds a team place (exponential; no legal
        limit). An assumption.
    """

    exit_mean_days: float = 365.25
    initial_wait_mean_days: float | None = None
    kind_shares: dict[str, float] = field(default_factory=_default_kind_shares)
    turnover_by_kind: dict[str, float] = field(default_factory=_default_turnover)
    offer_transitional: bool = False
    area_logit: float = 1.0
    per_km_logit: float = 0.25
    per_room_logit: float = 0.4
    no_support_logit: float = 1.0
    place_share: float = 0.5
    teams_per_method: int = 2
    support_capacity_ratio: float = 1.5
    matcher_sees_support: bool = False
    support_free_share: float = 0.2
    support_mean_days: float = 730.0

    def __post_init__(self) -> None:
        if self.exit_mean_days <= 0:
            raise ValueError("exit_mean_days must be positive")
        if self.initial_wait_mean_days is not None and self.initial_wait_mean_days <= 0:
            raise ValueError("initial_wait_mean_days must be positive")
        for kind, rate in self.turnover_by_kind.items():
            if not 0 <= rate <= 1:
                raise ValueError(f"turnover of {kind} must be in [0, 1]")
        if set(self.kind_shares) - set(self.turnover_by_kind):
            raise ValueError("every kind in kind_shares needs a turnover rate")
        if min(self.kind_shares.values(), default=0) < 0 or sum(self.kind_shares.values()) <= 0:
            raise ValueError("kind_shares must be non-negative and not all zero")
        for name in ("place_share", "support_free_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in [0, 1]")
        if self.teams_per_method < 1 or self.support_capacity_ratio < 0:
            raise ValueError("teams_per_method >= 1 and support_capacity_ratio >= 0")
        if self.support_mean_days <= 0:
            raise ValueError("support_mean_days must be positive")

    def initial_wait_mean(self, yearly_factor: float) -> float:
        """Mean days the starting list has already waited (Little's law by default)."""
        if self.initial_wait_mean_days is not None:
            return self.initial_wait_mean_days
        return 365.25 / max(yearly_factor - 1.0, 1e-9)

    def arrivals_per_year(self, count: float, yearly_factor: float) -> float:
        """New arrivals a year: ``(factor - 1) × count`` (the factor includes the counted)."""
        return max(yearly_factor - 1.0, 0.0) * count

    def lettings_per_year(self, stock: float) -> dict[str, float]:
        """Lettings a year by unit kind: stock × kind share × kind turnover."""
        total = sum(self.kind_shares.values())
        return {
            kind: stock * share / total * self.turnover_by_kind[kind]
            for kind, share in self.kind_shares.items()
            if self.offer_transitional or kind != "transitional"
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def logit(p: float) -> float:
    """log(p / (1 - p)), ±inf at 0 and 1."""
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return math.log(p / (1 - p))


def decline_probability(
    base_rate: float,
    levers: ModelLevers,
    *,
    outside_areas: NDArray[np.bool_] | bool,
    km_from_place: NDArray[np.float64] | float,
    room_misfit: NDArray[np.int64] | int,
    no_support: NDArray[np.bool_] | bool,
) -> NDArray[np.float64]:
    """P(decline) of offers by the logistic form of the module docstring (vectorised).

    ``base_rate`` 0 or 1 gives exactly 0 or 1 whatever the fit.
    """
    terms = (
        levers.area_logit * np.asarray(outside_areas, dtype=np.float64)
        + levers.per_km_logit * np.asarray(km_from_place, dtype=np.float64)
        + levers.per_room_logit * np.asarray(room_misfit, dtype=np.float64)
        + levers.no_support_logit * np.asarray(no_support, dtype=np.float64)
    )
    if base_rate <= 0:
        return np.zeros_like(terms)
    if base_rate >= 1:
        return np.ones_like(terms)
    out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-(logit(base_rate) + terms)))
    return out
