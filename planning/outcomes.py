"""Honest outcome metrics of a simulation: survival analysis of the wait for a home.

A citizen's wait runs from registration to the day they are housed. Not everybody is
housed within a run, and dropping them (or counting them as waiting forever) biases
every figure, so the wait is a *time-to-event* with censoring:

* housed by the end of observation: an event at ``housed_day - registered_day``;
* still waiting at the end, or left the list without a municipal home, or taken off it
  by the refusal policy: censored at that day (the model's exit clock is independent of
  everything else, so censoring at an exit is not informative about the wait);
* registered before day 0 (the starting list): observed only from day 0 on, so they
  enter the risk set at ``-registered_day`` (delayed entry, left truncation), not at 0.

On that the Kaplan–Meier estimator gives the survival curve ``S(t)`` = share still
waiting after ``t`` days, and from it the median and 90th percentile wait (the first
``t`` with ``S(t) <= 0.5`` resp. ``0.1``; NaN when the curve never gets there within the
run: "longer than the run shows"), the restricted mean wait over 365 days (the area under
``S`` from 0 to 365) and the share housed within 3 months (91 days) and 12 months (365
days) (``1 - S(t)``: the share that would be housed if nobody left the list).

Every figure is computed per replication and reported as the mean over replications with
a 95 % confidence interval (Student t over replications). Groups whose mean size per
replication is under :data:`SUPPRESS_BELOW` are suppressed (figures null), as planners'
tables are elsewhere (DOMAIN.md 2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

__all__ = [
    "BREAKDOWNS",
    "SUPPRESS_BELOW",
    "KaplanMeier",
    "kaplan_meier",
    "outcome_table",
    "survival_curves",
    "wait_records",
]

SUPPRESS_BELOW = 5
"""Groups with fewer citizens than this (mean per replication) are suppressed."""

BREAKDOWNS = ("situation", "age_band", "children", "support", "income_type")
"""Citizen columns the outcome table is broken down by (besides everyone)."""

THREE_MONTHS_DAYS = 91
TWELVE_MONTHS_DAYS = 365
RESTRICT_DAYS = 365

METRICS = (
    "median_days",
    "p90_days",
    "rmst365_days",
    "housed_3m",
    "housed_12m",
    "longest_wait_days",
    "longest_open_wait_days",
    "n",
    "housed",
    "left",
    "removed",
    "still_waiting",
    "refusals",
    "refusals_per_offer",
    "housed_without_support",
)
"""Per-citizen-group metrics, in table order."""

VACANCY_METRICS = ("lettings_per_year", "vacancy_days", "vacancy_days_per_letting", "handed_back")
"""Per-municipality vacancy metrics (group 'all' only)."""


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan–Meier curve: ``survival[i]`` is S(t) from ``times[i]`` until the next time."""

    times: NDArray[np.float64]
    survival: NDArray[np.float64]

    def at(self, t: float) -> float:
        """S(t): the share still waiting after ``t`` days (1 before the first event)."""
        i = int(np.searchsorted(self.times, t, side="right"))
        return 1.0 if i == 0 else float(self.survival[i - 1])

    def quantile(self, q: float) -> float:
        """The first time with S <= 1 - q (the q-quantile of the wait); NaN if never."""
        hit = np.flatnonzero(self.survival <= 1.0 - q + 1e-12)
        return float(self.times[hit[0]]) if hit.size else math.nan

    def restricted_mean(self, tau: float) -> float:
        """The area under S from 0 to ``tau`` [days]: the mean wait counted up to tau."""
        edges = np.concatenate(([0.0], self.times[self.times < tau], [tau]))
        levels = np.concatenate(([1.0], self.survival[self.times < tau]))
        return float(np.sum(np.diff(edges) * levels))


def kaplan_meier(
    duration: NDArray[np.float64],
    event: NDArray[np.bool_],
    entry: NDArray[np.float64] | None = None,
) -> KaplanMeier:
    """The Kaplan–Meier estimate with right censoring and delayed entry.

    At each event time ``t`` the risk set is everyone with ``entry < t <= duration``;
    ``S(t) = prod over event times u <= t of (1 - d_u / n_u)``.
    """
    duration = np.asarray(duration, dtype=np.float64)
    event = np.asarray(event, dtype=np.bool_)
    entry = np.zeros_like(duration) if entry is None else np.asarray(entry, dtype=np.float64)
    entry = np.minimum(entry, duration)
    times, deaths = np.unique(duration[event], return_counts=True)
    if times.size == 0:
        return KaplanMeier(np.zeros(0), np.zeros(0))
    size = duration.size
    at_risk = (size - np.searchsorted(np.sort(duration), times, side="left")) - (
        size - np.searchsorted(np.sort(entry), times, side="left")
    )
    survival = np.cumprod(1.0 - deaths / np.maximum(at_risk, 1))
    return KaplanMeier(times.astype(np.float64), survival)


def wait_records(citizens: pd.DataFrame, end_day: int) -> pd.DataFrame:
    """Each citizen registered by ``end_day`` with duration, event and entry of the wait.

    Adds ``duration`` [days], ``event`` (housed by ``end_day``), ``entry`` [days already
    waited at day 0], ``outcome`` ("housed", "left", "removed", "waiting") and
    ``open_wait`` (the wait of those still on the list at ``end_day``, else NaN).
    """
    c = citizens[citizens["registered_day"] <= end_day]
    registered = c["registered_day"].to_numpy(dtype=np.float64)
    housed = c["housed_day"].to_numpy(dtype=np.float64)
    left = c["left_day"].to_numpy(dtype=np.float64) if "left_day" in c else np.full(len(c), np.nan)
    removed = (
        c["removed_day"].to_numpy(dtype=np.float64)
        if "removed_day" in c
        else np.full(len(c), np.nan)
    )
    is_housed = housed <= end_day  # NaN compares False
    stop = np.fmin(np.fmin(left, removed), float(end_day))
    is_left = ~is_housed & (left <= end_day) & ~(removed < left)
    is_removed = ~is_housed & (removed <= end_day) & ~is_left
    outcome = np.where(
        is_housed, "housed", np.where(is_left, "left", np.where(is_removed, "removed", "waiting"))
    )
    duration = np.where(is_housed, housed, stop) - registered
    return c.assign(
        duration=duration,
        event=is_housed,
        entry=np.maximum(-registered, 0.0),
        outcome=outcome,
        open_wait=np.where(outcome == "waiting", end_day - registered, np.nan),
    )


def _group_metrics(g: pd.DataFrame) -> dict[str, float]:
    """One replication's metrics for one group of :func:`wait_records` rows."""
    curve = kaplan_meier(g["duration"].to_numpy(), g["event"].to_numpy(), g["entry"].to_numpy())
    housed_waits = g.loc[g["event"], "duration"]
    offers = float(g["offers"].sum()) if "offers" in g else math.nan
    refusals = float(g["refusals"].sum()) if "refusals" in g else math.nan
    outcome = g["outcome"]
    return {
        "median_days": curve.quantile(0.5),
        "p90_days": curve.quantile(0.9),
        "rmst365_days": curve.restricted_mean(RESTRICT_DAYS),
        "housed_3m": 1.0 - curve.at(THREE_MONTHS_DAYS),
        "housed_12m": 1.0 - curve.at(TWELVE_MONTHS_DAYS),
        "longest_wait_days": float(housed_waits.max()) if len(housed_waits) else math.nan,
        "longest_open_wait_days": float(g["open_wait"].max())
        if g["open_wait"].notna().any()
        else math.nan,
        "n": float(len(g)),
        "housed": float((outcome == "housed").sum()),
        "left": float((outcome == "left").sum()),
        "removed": float((outcome == "removed").sum()),
        "still_waiting": float((outcome == "waiting").sum()),
        "refusals": refusals,
        "refusals_per_offer": refusals / offers if offers else math.nan,
        "housed_without_support": float(
            (g["event"] & g["support"].isin(("ICM", "ACT")) & ~g["supported"]).sum()
        )
        if "supported" in g
        else math.nan,
    }


def _vacancy_metrics(v: pd.DataFrame, end_day: int) -> dict[str, float]:
    """One replication's vacancy metrics over the homes free by ``end_day``."""
    v = v[v["available_day"] <= end_day]
    end = np.minimum(v["end_day"].to_numpy(), end_day)
    days = np.clip(end - v["available_day"].to_numpy(), 0, None)
    let = int(((v["outcome"] == "let") & (v["end_day"] <= end_day)).sum())
    return {
        "lettings_per_year": let / (end_day / 365.25) if end_day > 0 else math.nan,
        "vacancy_days": float(days.sum()),
        "vacancy_days_per_letting": float(days.sum()) / let if let else math.nan,
        "handed_back": float(((v["outcome"] == "handed_back") & (v["end_day"] <= end_day)).sum()),
    }


def _summarise(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean over replications and its 95 % t interval; NaN if any replication is NaN."""
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0 or np.isnan(x).any():
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if x.size < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return mean, mean - half, mean + half


def _cells(
    records: pd.DataFrame, breakdowns: Iterable[str]
) -> Iterable[tuple[str, str, pd.DataFrame]]:
    yield "all", "all", records
    for column in breakdowns:
        if column not in records:
            continue
        for value, group in records.groupby(column, sort=True, observed=True):
            yield column, _label(value), group


def _label(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    return str(value)


def outcome_table(
    citizens: pd.DataFrame,
    vacancies: pd.DataFrame | None,
    *,
    end_day: int,
    by_municipality: bool = True,
    breakdowns: Sequence[str] = BREAKDOWNS,
    suppress_below: int = SUPPRESS_BELOW,
    municipalities: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The outcome table: per scenario, municipality (and "all" pooled) and group.

    Parameters
    ----------
    citizens, vacancies : DataFrame
        :class:`planning.runner.SimulationResults` records (several replications).
    end_day : int
        Last day observed (the horizon, or earlier to read a shorter run).
    by_municipality : bool
        Also one block per municipality (always the pooled "all" block).
    breakdowns : sequence of str
        Citizen columns to break down by.
    municipalities : sequence of str, optional
        Only these municipalities' own blocks (the pooled block is always all of them).

    Returns
    -------
    DataFrame
        One row per (scenario, municipality, dimension, group) with ``replications``,
        each metric's mean and, for the wait metrics, ``_lo``/``_hi`` 95 % bounds, and
        ``suppressed``.
    """
    records = wait_records(citizens, end_day)
    reps = sorted(citizens["replication"].unique().tolist()) if len(citizens) else []
    areas: list[tuple[str, pd.DataFrame, pd.DataFrame | None]] = [("all", records, vacancies)]
    if by_municipality:
        for code, own in records.groupby("municipality", sort=True):
            if municipalities is not None and str(code) not in municipalities:
                continue
            v = None if vacancies is None else vacancies[vacancies["municipality"] == code]
            areas.append((str(code), own, v))
    rows: list[dict[str, Any]] = []
    scenarios = sorted(records["scenario"].unique().tolist()) if len(records) else []
    for scenario in scenarios:
        for area, area_records, area_vacancies in areas:
            mine = area_records[area_records["scenario"] == scenario]
            for dimension, group, cell in _cells(mine, breakdowns):
                per_rep = {r: cell[cell["replication"] == r] for r in reps}
                values = [_group_metrics(frame) for frame in per_rep.values()]
                row: dict[str, Any] = {
                    "scenario": scenario,
                    "municipality": area,
                    "dimension": dimension,
                    "group": group,
                    "replications": len(reps),
                }
                size = float(np.mean([len(f) for f in per_rep.values()])) if reps else 0.0
                row["suppressed"] = size < suppress_below
                for metric in METRICS:
                    mean, lo, hi = _summarise([v[metric] for v in values])
                    if row["suppressed"]:
                        mean = lo = hi = math.nan
                    row[metric] = mean
                    if metric.startswith("housed_") and not math.isnan(lo):
                        lo, hi = max(lo, 0.0), min(hi, 1.0)  # a share stays a share
                    if metric in ("median_days", "p90_days", "rmst365_days", "housed_12m"):
                        row[f"{metric}_lo"], row[f"{metric}_hi"] = lo, hi
                if dimension == "all" and area_vacancies is not None and len(area_vacancies):
                    own = area_vacancies[area_vacancies["scenario"] == scenario]
                    vac = [_vacancy_metrics(own[own["replication"] == r], end_day) for r in reps]
                    for metric in VACANCY_METRICS:
                        row[metric] = _summarise([x[metric] for x in vac])[0]
                rows.append(row)
    return pd.DataFrame(rows)


def survival_curves(
    citizens: pd.DataFrame, end_day: int, *, by: str = "scenario"
) -> dict[str, KaplanMeier]:
    """Pooled Kaplan–Meier curves (all replications and municipalities) per ``by`` value."""
    records = wait_records(citizens, end_day)
    return {
        str(key): kaplan_meier(
            g["duration"].to_numpy(), g["event"].to_numpy(), g["entry"].to_numpy()
        )
        for key, g in records.groupby(by, sort=True)
    }
