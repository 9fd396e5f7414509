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


POLICY_LABELS = {
    "da": {
        "optimiser": "boligmatch-optimering",
        "greedy": "prioriteret liste (grådig)",
        "fcfs": "først til mølle med hastespor",
    },
    "en": {
        "optimiser": "boligmatch optimiser",
        "greedy": "greedy priority list",
        "fcfs": "first come, first served with urgency track",
    },
}

_TEXT = {
    "da": {
        "survival_title": "Ventetid til bolig (Kaplan-Meier)",
        "survival_x": "dage fra skrivning på listen",
        "survival_y": "andel der stadig venter",
        "queue_title": "Venteliste",
        "queue_x": "måned",
        "queue_y": "borgere på listen (gns. over replikationer)",
        "cost_title": "Husleje for tomme boliger",
        "cost_y": "mio. kr. pr. kørsel (gns. over replikationer)",
        "suptitle": "boligmatch-simulering: {reps} replikation(er), {munis} kommune(r), "
        "{months} måneder; de der stadig venter er censureret, ikke udeladt",
    },
    "en": {
        "survival_title": "Wait for a home (Kaplan-Meier)",
        "survival_x": "days from registration",
        "survival_y": "share still waiting",
        "queue_title": "Queue",
        "queue_x": "month",
        "queue_y": "citizens waiting (mean over replications)",
        "cost_title": "Rent paid for empty homes",
        "cost_y": "million DKK per run (mean over replications)",
        "suptitle": "boligmatch simulation: {reps} replication(s), {munis} municipalities, "
        "{months} months; people still waiting are censored, not dropped",
    },
}


def _label(scenario: str, lang: str) -> str:
    """A scenario's label: its policy in words (``levers/greedy`` keeps its prefix)."""
    prefix, _, policy = scenario.rpartition("/")
    words = POLICY_LABELS[lang].get(policy, policy)
    return f"{prefix}: {words}" if prefix else words


def simulation_png(
    results: SimulationResults, path: Path | None = None, *, lang: str = "da"
) -> bytes:
    """Survival curves of the wait, queue over time and vacancy cost, per scenario.

    The survival curves are Kaplan-Meier estimates pooled over replications and
    municipalities (:func:`planning.outcomes.survival_curves`): people still waiting at
    the end, or who left the list, are censored. Labels are Danish by default
    (``lang="en"`` for English).
    """
    from planning.outcomes import survival_curves

    text = _TEXT["en" if lang == "en" else "da"]
    lang = "en" if lang == "en" else "da"
    months = results.months
    citizens = results.citizens
    horizon = int(results.meta.get("horizon_days", 0)) or (
        int(citizens["registered_day"].max()) if len(citizens) else 0
    )
    fig, (wait_ax, queue_ax, cost_ax) = plt.subplots(1, 3, figsize=(17, 5))
    scenarios = sorted(citizens["scenario"].unique()) if len(citizens) else []
    curves = survival_curves(citizens, horizon) if scenarios else {}
    for name in scenarios:
        curve = curves.get(str(name))
        if curve is not None and curve.times.size:
            xs = np.concatenate(([0.0], curve.times))
            ys = np.concatenate(([1.0], curve.survival))
            wait_ax.step(xs, ys, where="post", label=_label(str(name), lang))
        m = months[months["scenario"] == name]
        per_month = m.groupby(["replication", "month"])["queue"].sum().groupby("month").mean()
        queue_ax.plot(per_month.index + 1, per_month.to_numpy(), label=_label(str(name), lang))
    for days in (91, 365):
        wait_ax.axvline(days, color="grey", linestyle=":", linewidth=1)
    wait_ax.axhline(0.5, color="grey", linestyle="--", linewidth=0.8)
    wait_ax.set_ylim(0, 1.02)
    wait_ax.set_xlim(0, max(horizon, 365))
    wait_ax.set_xlabel(text["survival_x"])
    wait_ax.set_ylabel(text["survival_y"])
    wait_ax.set_title(text["survival_title"])
    wait_ax.legend(fontsize=8)
    queue_ax.set_xlabel(text["queue_x"])
    queue_ax.set_ylabel(text["queue_y"])
    queue_ax.set_title(text["queue_title"])
    queue_ax.legend(fontsize=8)
    if scenarios and len(results.vacancies):
        v = results.vacancies
        per_run = v.groupby("scenario")["vacancy_cost_dkk"].sum() / max(
            v["replication"].nunique(), 1
        )
        cost_ax.bar([_label(str(n), lang) for n in per_run.index], per_run.to_numpy() / 1e6)
        cost_ax.tick_params(axis="x", rotation=20)
    cost_ax.set_ylabel(text["cost_y"])
    cost_ax.set_title(text["cost_title"])
    fig.suptitle(
        text["suptitle"].format(
            reps=results.meta.get("replications", "?"),
            munis=len(results.meta.get("municipalities", [])),
            months=results.meta.get("parameters", {}).get("months", "?"),
        ),
        fontsize=10,
    )
    return _png(fig, path)
