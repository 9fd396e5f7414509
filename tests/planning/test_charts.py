"""The planners' charts: Danish labels and number formats by default, English by choice,
missing data drawn as missing (never a 0 bar, never an empty panel), and a simulation
title that states the run's real size in correct plurals."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from planning.charts import (
    danish_number,
    run_title,
    shortfall_figure,
    shortfall_png,
    simulation_figure,
    simulation_png,
)
from planning.runner import SimulationResults, run_simulation
from planning.scenarios import Scenario, SimulationParameters
from planning.schemas import ShortfallReport
from planning.shortfall import shortfall


@pytest.fixture
def figures() -> Iterator[list[Figure]]:
    """Figures a test draws, closed afterwards (pyplot keeps them otherwise)."""
    made: list[Figure] = []
    yield made
    for fig in made:
        plt.close(fig)


def _texts(fig: Figure) -> list[str]:
    fig.canvas.draw()
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return [t for t in out if t]


def _with_stock(report: ShortfallReport) -> ShortfallReport:
    """Odense's VIVE row as if its homes were in the system (supply known)."""
    row = report.municipalities[0]
    groups = [
        g.model_copy(
            update={
                "supply_per_year": 10.0 + i,
                "shares": [
                    s.model_copy(update={"years_to_clear": 0.5 + 0.25 * i}) for s in g.shares
                ],
            }
        )
        for i, g in enumerate(row.groups)
    ]
    row = row.model_copy(update={"stock_units": 1200, "supply_per_year": 40.0, "groups": groups})
    return report.model_copy(update={"municipalities": [row]})


def test_danish_numbers() -> None:
    assert danish_number(3467.5, 1) == "3.467,5"
    assert danish_number(1234567) == "1.234.567"
    assert danish_number(0.25, 2) == "0,25"


def test_national_chart_names_rows_and_sources_and_never_draws_missing_supply(
    figures: list[Figure],
) -> None:
    report = shortfall(None)  # VIVE counts only: no homes anywhere, so no supply
    fig = shortfall_figure(report)
    figures.append(fig)
    texts = _texts(fig)
    left, right = fig.axes
    names = [t.get_text() for t in left.get_yticklabels()]
    assert names[0] == "København (VIVE)" and len(names) == 20
    assert texts.count(" mangler data") == 20  # each missing supply bar says so
    assert all(p.get_width() != 0 for p in left.patches)  # no 0 bar for missing
    # Demand ticks in Danish: thousands with a dot.
    ticks = [t.get_text() for t in left.get_xticklabels()]
    assert "1.000" in ticks or "2.000" in ticks, ticks
    # The years panel has nothing to draw: it says so instead of showing empty axes.
    assert not right.axison
    assert any("Ingen data at tegne: udbuddet mangler" in t for t in texts)
    assert any("Ministeriets spørgsmål" in t for t in texts)
    assert not any("demand" in t or "municipalities" in t for t in texts)


def test_one_municipality_by_benefit_group_in_both_languages(figures: list[Figure]) -> None:
    report = _with_stock(shortfall(None, municipality="461"))
    da = shortfall_figure(report)
    en = shortfall_figure(report, lang="en")
    figures += [da, en]
    da_texts, en_texts = _texts(da), _texts(en)
    assert [t.get_text() for t in da.axes[0].get_yticklabels()] == [
        "kontanthjælp under 30 år",
        "kontanthjælp 30 år og derover",
        "førtidspension",
        "folkepension",
    ]
    assert "Odense (461): efterspørgsel fra VIVE-tælling" in da_texts
    assert "25 % af de betalelige udlejninger" in da_texts
    da_years = [x.get_text() for x in da.axes[1].get_xticklabels()]
    en_years = [x.get_text() for x in en.axes[1].get_xticklabels()]
    assert "0,2" in da_years and "0.2" in en_years, (da_years, en_years)
    assert "Odense (461): demand from VIVE count" in en_texts
    assert "25% of affordable lettings" in en_texts
    assert "social assistance under 30" in en_texts
    assert all(ax.axison for ax in da.axes)  # both panels have data


def test_no_homes_in_the_system_means_missing_supply_not_zero(figures: list[Figure]) -> None:
    report = shortfall(None, municipality="101")
    fig = shortfall_figure(report)
    figures.append(fig)
    texts = _texts(fig)
    assert texts.count(" mangler data") == 4  # every group's supply
    assert not fig.axes[1].axison  # years to clear: nothing, and it says so
    assert shortfall_png(report).startswith(b"\x89PNG")


def test_run_title_uses_real_numbers_and_plurals() -> None:
    assert run_title(1, 1, 1) == "1 gentagelse, 1 kommune, 1 måned"
    assert run_title(2, 98, 24) == "2 gentagelser, 98 kommuner, 24 måneder"
    assert run_title(1, 2, 6, lang="en") == "1 replication, 2 municipalities, 6 months"


def test_simulation_chart_title_states_the_run(figures: list[Figure]) -> None:
    results = run_simulation(
        scenarios=[Scenario().with_policy("optimiser"), Scenario().with_policy("fcfs")],
        params=SimulationParameters(months=2),
        replications=2,
        municipalities=["741"],
        seed=3,
        kind="serial",
    )
    fig = simulation_figure(results)
    figures.append(fig)
    title = fig.texts[0].get_text()
    assert "2 gentagelser, 1 kommune, 2 måneder" in title and "?" not in title
    texts = _texts(fig)
    assert "boligmatch-optimering" in texts and "først til mølle med hastespor" in texts
    # Without the run's meta (e.g. records read back without run.json) the numbers
    # come from the records, not "?" and 0.
    bare = SimulationResults(results.citizens, results.vacancies, results.months, meta={})
    fig2 = simulation_figure(bare, lang="en")
    figures.append(fig2)
    assert "2 replications, 1 municipality, 2 months" in fig2.texts[0].get_text()
    assert simulation_png(results).startswith(b"\x89PNG")
