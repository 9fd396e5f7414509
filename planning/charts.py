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
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from planning.runner import SimulationResults
from planning.schemas import ShortfallReport

__all__ = [
    "danish_number",
    "run_title",
    "shortfall_figure",
    "shortfall_png",
    "simulation_figure",
    "simulation_png",
]

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


def danish_number(value: float, digits: int = 0) -> str:
    """``1234.5`` → ``"1.234,5"``: thousands dot and decimal comma (Danish)."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def _tick_label(value: float, _position: int) -> str:
    """An axis tick in the chart's language: Danish separators, no needless decimals."""
    for digits in (0, 1, 2):
        if abs(value - round(value, digits)) < 1e-9:
            return danish_number(value, digits)
    return danish_number(value, 2)


def _format_axes(lang: str, *axes: Axes, which: str = "xy") -> None:
    """Danish number formats on the numeric axes ``which`` (English keeps matplotlib's).

    Axes whose ticks are names (municipalities, groups, policies) must be left out.
    """
    if lang != "da":
        return
    for ax in axes:
        if "x" in which:
            ax.xaxis.set_major_formatter(FuncFormatter(_tick_label))
        if "y" in which:
            ax.yaxis.set_major_formatter(FuncFormatter(_tick_label))


def _empty_panel(ax: Axes, message: str) -> None:
    """A panel with nothing to draw says so instead of showing empty axes."""
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        wrap=True,
        fontsize=11,
        transform=ax.transAxes,
        color="#444",
    )


_SHORTFALL_TEXT = {
    "da": {
        "demand": "efterspørgsel pr. år",
        "supply": "udlejninger pr. år, kommunal anvisningsret, betalelige",
        "per_year": "personer eller boliger pr. år",
        "years": "år til listen er tom (nye tilkomne ikke talt med)",
        "years_title": "Ministeriets spørgsmål: år til listen er tom",
        "share": "{pct} af de betalelige udlejninger",
        "one": "{name} ({code}): efterspørgsel fra {source}",
        "many": "{n} kommuner med størst årlig efterspørgsel",
        "missing": "mangler data",
        "no_data": "Ingen data at tegne: {what} mangler for alle viste rækker.",
        "no_demand": "efterspørgslen",
        "no_years": "udbuddet",
        "suptitle": "boligmatch boligmangel, {date} (fraflytning {turnover} pr. år; "
        '– og "mangler data" = ingen boliger i systemet eller et skjult lille tal)',
        "source_vive": "VIVE-tælling",
        "source_live": "kommunens sager",
        "source_vive_short": "VIVE",
        "source_live_short": "sager",
    },
    "en": {
        "demand": "yearly demand",
        "supply": "lettings/year, municipal right, affordable",
        "per_year": "persons or homes per year",
        "years": "years to house the queue (new arrivals not counted)",
        "years_title": "The ministry's question: years to clear",
        "share": "{pct} of affordable lettings",
        "one": "{name} ({code}): demand from {source}",
        "many": "{n} municipalities with the largest yearly demand",
        "missing": "no data",
        "no_data": "Nothing to draw: {what} is missing for every row shown.",
        "no_demand": "demand",
        "no_years": "supply",
        "suptitle": "boligmatch shortfall, {date} (turnover {turnover}/year; "
        '"no data" = no homes in the system or a suppressed small count)',
        "source_vive": "VIVE count",
        "source_live": "own case list",
        "source_vive_short": "VIVE",
        "source_live_short": "cases",
    },
}

GROUP_LABELS = {
    "da": {
        "kh_under_30": "kontanthjælp under 30 år",
        "kh_30_plus": "kontanthjælp 30 år og derover",
        "foertidspension": "førtidspension",
        "folkepension": "folkepension",
    },
    "en": {
        "kh_under_30": "social assistance under 30",
        "kh_30_plus": "social assistance 30 and over",
        "foertidspension": "disability pension",
        "folkepension": "state pension",
    },
}


def _pct(share: float, lang: str) -> str:
    return f"{danish_number(share * 100, 0)} %" if lang == "da" else f"{share:.0%}"


def shortfall_png(report: ShortfallReport, path: Path | None = None, *, lang: str = "da") -> bytes:
    """:func:`shortfall_figure` as PNG bytes (also written to ``path`` when given)."""
    return _png(shortfall_figure(report, lang=lang), path)


def shortfall_figure(report: ShortfallReport, *, lang: str = "da") -> Figure:
    """Yearly demand against supply, and years to clear the queue at each share.

    One municipality: per benefit group. Several: the :data:`TOP_MUNICIPALITIES` with the
    largest yearly demand, each label naming its demand source. Missing figures (no homes
    in the database for the municipality, or a suppressed small count) are never drawn
    as 0: the bar is left out and labelled "mangler data", and a panel with no data at
    all says so instead of showing empty axes. Danish labels and number formats by
    default (``lang="en"`` for English).
    """
    lang = "en" if lang == "en" else "da"
    text = _SHORTFALL_TEXT[lang]
    rows = report.municipalities
    shares = report.parameters.allocation_shares
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 6.5))
    demand: list[float | None]
    supply: list[float | None]
    if len(rows) == 1:
        row = rows[0]
        known = row.stock_units > 0
        labels = [GROUP_LABELS[lang].get(g.group, g.label) for g in row.groups]
        demand = [g.demand_per_year for g in row.groups]
        supply = [g.supply_per_year if known else None for g in row.groups]
        years = [
            [g.shares[i].years_to_clear if known else None for g in row.groups]
            for i in range(len(shares))
        ]
        title = text["one"].format(
            name=row.name, code=row.code, source=text[f"source_{row.demand_source}"]
        )
    else:
        chosen = sorted(rows, key=lambda r: -(r.yearly_demand or 0.0))[:TOP_MUNICIPALITIES]
        labels = [f"{r.name} ({text[f'source_{r.demand_source}_short']})" for r in chosen]
        demand = [r.yearly_demand for r in chosen]
        supply = [r.supply_per_year if r.stock_units > 0 else None for r in chosen]
        years = [
            [r.shares[i].years_to_clear if r.stock_units > 0 else None for r in chosen]
            for i in range(len(shares))
        ]
        title = text["many"].format(n=len(chosen))
    y = np.arange(len(labels))
    height = 0.38

    def values(xs: Sequence[float | None]) -> np.ndarray:
        return np.array([math.nan if x is None else x for x in xs], dtype=np.float64)

    def mark_missing(ax: Axes, xs: Sequence[float | None], offsets: Sequence[float]) -> None:
        for yi, (x, off) in enumerate(zip(xs, offsets, strict=True)):
            if x is None:
                ax.text(
                    0,
                    yi + off,
                    f" {text['missing']}",
                    va="center",
                    fontsize=7,
                    color="#555",
                    style="italic",
                )

    d, s = values(demand), values(supply)
    if np.isnan(d).all() and np.isnan(s).all():
        _empty_panel(left, text["no_data"].format(what=text["no_demand"]))
    else:
        left.barh(y - height / 2, d, height, label=text["demand"], color="#b2182b")
        left.barh(y + height / 2, s, height, label=text["supply"], color="#2166ac")
        mark_missing(left, demand, [-height / 2] * len(demand))
        mark_missing(left, supply, [height / 2] * len(supply))
        left.set_yticks(y, labels)
        left.invert_yaxis()
        left.set_xlabel(text["per_year"])
        left.legend(loc="lower right", fontsize=8)
    left.set_title(title)
    grid = np.array([values(ys) for ys in years]) if years else np.zeros((0, 0))
    if grid.size == 0 or np.isnan(grid).all():
        _empty_panel(right, text["no_data"].format(what=text["no_years"]))
    else:
        width = 0.8 / max(len(shares), 1)
        for i, share in enumerate(shares):
            right.barh(
                y - 0.4 + width * (i + 0.5),
                grid[i],
                width,
                label=text["share"].format(pct=_pct(share, lang)),
            )
        mark_missing(right, years[0], [-0.4 + width * 0.5] * len(labels))
        right.set_yticks(y, [""] * len(labels))
        right.invert_yaxis()
        right.set_xlabel(text["years"])
        right.legend(loc="lower right", fontsize=8)
    right.set_title(text["years_title"])
    _format_axes(lang, left, right, which="x")
    date = report.parameters.as_of
    fig.suptitle(
        text["suptitle"].format(
            date=date.strftime("%d.%m.%Y") if lang == "da" else date.isoformat(),
            turnover=_pct(report.parameters.turnover_rate, lang),
        ),
        fontsize=10,
    )
    return fig


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
        "queue_y": "borgere på listen (gns. over gentagelser)",
        "cost_title": "Husleje for tomme boliger",
        "cost_y": "mio. kr. pr. kørsel (gns. over gentagelser)",
        "no_data": "Ingen data at tegne i denne kørsel.",
        "suptitle": "boligmatch-simulering: {run}; de der stadig venter er censureret, "
        "ikke udeladt",
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
        "no_data": "Nothing to draw in this run.",
        "suptitle": "boligmatch simulation: {run}; people still waiting are censored, not dropped",
    },
}


_PLURALS = {
    "da": {
        "rep": ("gentagelse", "gentagelser"),
        "muni": ("kommune", "kommuner"),
        "month": ("måned", "måneder"),
    },
    "en": {
        "rep": ("replication", "replications"),
        "muni": ("municipality", "municipalities"),
        "month": ("month", "months"),
    },
}


def run_title(replications: int, municipalities: int, months: int, *, lang: str = "da") -> str:
    """``"2 gentagelser, 1 kommune, 6 måneder"``: a run's size with correct plurals."""
    words = _PLURALS["en" if lang == "en" else "da"]

    def count(n: int, key: str) -> str:
        one, many = words[key]
        return f"{n} {one if n == 1 else many}"

    return ", ".join(
        (count(replications, "rep"), count(municipalities, "muni"), count(months, "month"))
    )


def _run_size(results: SimulationResults) -> tuple[int, int, int]:
    """Replications, municipalities and months of a run: from its meta, else its records."""
    meta, citizens = results.meta, results.citizens
    reps = meta.get("replications")
    if not reps:
        reps = int(citizens["replication"].nunique()) if len(citizens) else 0
    munis = len(meta.get("municipalities") or [])
    if not munis and len(citizens):
        munis = int(citizens["municipality"].nunique())
    months = meta.get("parameters", {}).get("months")
    if not months:
        m = results.months
        months = int(m["month"].nunique()) if len(m) else 0
    return int(reps), munis, int(months)


def _label(scenario: str, lang: str) -> str:
    """A scenario's label: its policy in words (``levers/greedy``: "…, ændrede håndtag")."""
    prefix, _, policy = scenario.rpartition("/")
    words = POLICY_LABELS[lang].get(policy, policy)
    if prefix == "levers":
        return f"{words}, {'changed levers' if lang == 'en' else 'ændrede håndtag'}"
    return f"{words} ({prefix})" if prefix else words


def simulation_png(
    results: SimulationResults, path: Path | None = None, *, lang: str = "da"
) -> bytes:
    """:func:`simulation_figure` as PNG bytes (also written to ``path`` when given)."""
    return _png(simulation_figure(results, lang=lang), path)


def simulation_figure(results: SimulationResults, *, lang: str = "da") -> Figure:
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
    if scenarios:
        wait_ax.legend(fontsize=8)
    queue_ax.set_xlabel(text["queue_x"])
    queue_ax.set_ylabel(text["queue_y"])
    queue_ax.set_title(text["queue_title"])
    if scenarios:
        queue_ax.legend(fontsize=8)
    if scenarios and len(results.vacancies):
        v = results.vacancies
        per_run = v.groupby("scenario")["vacancy_cost_dkk"].sum() / max(
            v["replication"].nunique(), 1
        )
        cost_ax.bar([_label(str(n), lang) for n in per_run.index], per_run.to_numpy() / 1e6)
        cost_ax.tick_params(axis="x", rotation=20)
        cost_ax.set_ylabel(text["cost_y"])
    else:
        _empty_panel(cost_ax, text["no_data"])
    if not scenarios:
        _empty_panel(wait_ax, text["no_data"])
        _empty_panel(queue_ax, text["no_data"])
    _format_axes(lang, wait_ax, queue_ax)
    _format_axes(lang, cost_ax, which="y")  # the x axis holds the policies' names
    cost_ax.set_title(text["cost_title"])
    fig.suptitle(
        text["suptitle"].format(run=run_title(*_run_size(results), lang=lang)),
        fontsize=10,
    )
    return fig
