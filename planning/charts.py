"""Charts a planner can put in a report (matplotlib, Agg backend: no display needed).

Each function returns the PNG bytes (and writes them to ``path`` when given), so the
command line, the API and tests share one drawing code path.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from planning.runner import SimulationResults
from planning.schemas import ShortfallReport

__all__ = ["shortfall_png", "simulation_png"]

TOP_MUNICIPALITIES = 20
"""Municipalities shown in the national chart (largest yearly demand first); the table
and CSV list all 98."""


def _png(fig: Figure, path: Path | None) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    data = buffer.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


def shortfall_png(report: ShortfallReport, path: Path | None = None) -> bytes:
    """Yearly demand against supply, and years to clear the queue at each share.

    One municipality: per benefit group. Several: the :data:`TOP_MUNICIPALITIES` with the
    largest yearly demand. Suppressed figures are drawn as missing and say so.
    """
    rows = report.municipalities
    shares = report.parameters.allocation_shares
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 6.5))
    if len(rows) == 1:
        row = rows[0]
        labels = [g.label for g in row.groups]
        demand = [g.demand_per_year for g in row.groups]
        supply = [g.supply_per_year for g in row.groups]
        years = [[g.shares[i].years_to_clear for g in row.groups] for i in range(len(shares))]
        title = f"{row.name} ({row.code}): demand {row.demand_source}"
    else:
        chosen = sorted(rows, key=lambda r: -(r.yearly_demand or 0.0))[:TOP_MUNICIPALITIES]
        labels = [r.name for r in chosen]
        demand = [r.yearly_demand for r in chosen]
        supply = [r.supply_per_year for r in chosen]
        years = [[r.shares[i].years_to_clear for r in chosen] for i in range(len(shares))]
        title = f"{len(chosen)} municipalities with the largest yearly demand"
    y = np.arange(len(labels))
    height = 0.38

    def values(xs: Sequence[float | None]) -> np.ndarray:
        return np.array([math.nan if x is None else x for x in xs], dtype=np.float64)

    left.barh(y - height / 2, values(demand), height, label="yearly demand", color="#b2182b")
    left.barh(
        y + height / 2,
        values(supply),
        height,
        label="lettings/year, municipal right, affordable",
        color="#2166ac",
    )
    left.set_yticks(y, labels)
    left.invert_yaxis()
    left.set_xlabel("persons or homes per year")
    left.set_title(title)
    left.legend(loc="lower right", fontsize=8)
    width = 0.8 / max(len(shares), 1)
    for i, share in enumerate(shares):
        right.barh(
            y - 0.4 + width * (i + 0.5),
            values(years[i]),
            width,
            label=f"{share:.0%} of affordable lettings",
        )
    right.set_yticks(y, [""] * len(labels))
    right.invert_yaxis()
    right.set_xlabel("years to house the queue (new arrivals not counted)")
    right.set_title("The ministry's question: years to clear")
    right.legend(loc="lower right", fontsize=8)
    fig.suptitle(
        f"boligmatch shortfall, {report.parameters.as_of.isoformat()} "
        f"(turnover {report.parameters.turnover_rate:.0%}/year; missing bar = no supply "
        "or a suppressed small count)",
        fontsize=10,
    )
    return _png(fig, path)


def simulation_png(results: SimulationResults, path: Path | None = None) -> bytes:
    """Queue over time, time-to-home distribution and vacancy cost, per scenario."""
    months = results.months
    citizens = results.citizens
    fig, (queue_ax, wait_ax, cost_ax) = plt.subplots(1, 3, figsize=(16, 5))
    scenarios = sorted(citizens["scenario"].unique()) if len(citizens) else []
    for name in scenarios:
        m = months[months["scenario"] == name]
        per_month = m.groupby(["replication", "month"])["queue"].sum().groupby("month").mean()
        queue_ax.plot(per_month.index + 1, per_month.to_numpy(), label=name)
        c = citizens[citizens["scenario"] == name]
        wait = (c["housed_day"] - c["registered_day"]).dropna().to_numpy()
        if wait.size:
            xs = np.sort(wait)
            share = np.arange(1, xs.size + 1) / len(c)
            wait_ax.step(xs, share, where="post", label=name)
    queue_ax.set_xlabel("month")
    queue_ax.set_ylabel("citizens waiting (mean over replications)")
    queue_ax.set_title("Queue")
    queue_ax.legend(fontsize=8)
    wait_ax.axvline(60, color="grey", linestyle=":", linewidth=1)
    wait_ax.set_xlabel("days from registration to home")
    wait_ax.set_ylabel("share of all citizens housed")
    wait_ax.set_title("Time to home")
    wait_ax.legend(fontsize=8)
    if scenarios:
        summary = results.summary(by=("scenario",))
        cost_ax.bar(summary["scenario"], summary["vacancy_cost_dkk"] / 1e6, color="#762a83")
        cost_ax.tick_params(axis="x", rotation=30)
    cost_ax.set_ylabel("million DKK per run (mean over replications)")
    cost_ax.set_title("Rent paid for empty homes")
    fig.suptitle(
        f"boligmatch simulation: {results.meta.get('replications', '?')} replication(s), "
        f"{len(results.meta.get('municipalities', []))} municipalities, "
        f"{results.meta.get('parameters', {}).get('months', '?')} months",
        fontsize=10,
    )
    return _png(fig, path)
