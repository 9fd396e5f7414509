"""Outcome metrics on hand-made histories, checked against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from planning.outcomes import kaplan_meier, outcome_table, wait_records


def test_kaplan_meier_with_censoring_by_hand() -> None:
    # waits 10 (housed), 20 (censored), 30 (housed), 40 (housed), 50 (censored)
    curve = kaplan_meier(
        np.array([10.0, 20.0, 30.0, 40.0, 50.0]), np.array([True, False, True, True, False])
    )
    # S(10) = 4/5; S(30) = 4/5 * 2/3 (risk set 30, 40, 50); S(40) = that * 1/2
    s10, s30, s40 = 0.8, 0.8 * 2 / 3, 0.8 * 2 / 3 * 0.5
    assert curve.at(5) == 1.0
    assert curve.at(10) == pytest.approx(s10)
    assert curve.at(35) == pytest.approx(s30)
    assert curve.at(365) == pytest.approx(s40)
    assert curve.quantile(0.5) == 40  # the first time S <= 0.5
    assert math.isnan(curve.quantile(0.9))  # S never reaches 0.1: longer than the run
    # area under S up to 365: 10 x 1 + 20 x 0.8 + 10 x 0.533 + 325 x 0.267
    assert curve.restricted_mean(365) == pytest.approx(10 + 20 * s10 + 10 * s30 + 325 * s40)
    # dropping the censored would give a median of 30; counting them as waiting
    # forever would give 40 with p90 undefined: KM is neither by construction
    naive = kaplan_meier(np.array([10.0, 30.0, 40.0]), np.array([True, True, True]))
    assert naive.quantile(0.5) == 30


def test_kaplan_meier_delayed_entry_by_hand() -> None:
    # A: entry 0, housed at 10; B: on the list 15 days before day 0, housed at 20;
    # C: entry 0, censored at 12; D: entry 0, housed at 30
    duration = np.array([10.0, 20.0, 12.0, 30.0])
    event = np.array([True, True, False, True])
    entry = np.array([0.0, 15.0, 0.0, 0.0])
    curve = kaplan_meier(duration, event, entry)
    # t=10: at risk A, C, D (B enters at 15) -> 2/3; t=20: B, D -> 1/3; t=30: D -> 0
    assert curve.at(10) == pytest.approx(2 / 3)
    assert curve.at(20) == pytest.approx(1 / 3)
    assert curve.at(30) == 0.0
    assert curve.quantile(0.5) == 20
    without_entry = kaplan_meier(duration, event)
    assert without_entry.at(10) == pytest.approx(3 / 4)  # B wrongly at risk from 0


def _citizens(rows: list[tuple[int, int, float, float, float]], **extra: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["replication", "registered_day", "housed_day", "left_day", "removed_day"]
    )
    return frame.assign(
        scenario="s",
        municipality="101",
        situation=1,
        age_band="18-29",
        children=False,
        support="none",
        income_type="kontanthjaelp",
        offers=1,
        refusals=0,
        supported=False,
        **extra,
    )


NAN = math.nan


def test_wait_records_censor_exits_horizon_and_late_arrivals() -> None:
    c = _citizens(
        [
            (0, -30, 20.0, NAN, NAN),  # starting list, housed on day 20: waited 50, entry 30
            (0, 10, NAN, 40.0, NAN),  # left on day 40: censored at 30
            (0, 10, NAN, NAN, 25.0),  # removed on day 25: censored at 15
            (0, 50, 150.0, NAN, NAN),  # housed after the end (100): still waiting at 50
            (0, 120, NAN, NAN, NAN),  # registered after the end: not counted
            (0, 60, NAN, 200.0, NAN),  # leaves after the end: still waiting at 40
        ]
    )
    r = wait_records(c, end_day=100)
    assert r["duration"].tolist() == [50, 30, 15, 50, 40]
    assert r["event"].tolist() == [True, False, False, False, False]
    assert r["entry"].tolist() == [30, 0, 0, 0, 0]
    assert r["outcome"].tolist() == ["housed", "left", "removed", "waiting", "waiting"]
    assert r["open_wait"].dropna().tolist() == [50, 40]


def test_outcome_table_means_intervals_and_suppression() -> None:
    # two replications of five citizens each, all registered on day 0, end day 400
    rep0 = [(0, 0, d, NAN, NAN) for d in (10.0, 20.0, 30.0, 40.0, 50.0)]  # median 30
    rep1 = [(1, 0, d, NAN, NAN) for d in (50.0, 60.0, 70.0, 80.0, 90.0)]  # median 70
    c = _citizens(rep0 + rep1)
    c.loc[[0, 5], "situation"] = 2  # one per replication in situation 2: suppressed
    vacancies = pd.DataFrame(
        {
            "replication": [0, 0, 1],
            "scenario": "s",
            "municipality": "101",
            "available_day": [0, 100, 0],
            "end_day": [10, 500, 30],
            "outcome": ["let", "open", "let"],
        }
    )
    table = outcome_table(c, vacancies, end_day=400)
    everyone = table[(table["municipality"] == "all") & (table["dimension"] == "all")].iloc[0]
    assert everyone["median_days"] == 50  # mean of 30 and 70
    half = 12.706204736 * math.sqrt(((30 - 50) ** 2 + (70 - 50) ** 2) / 1) / math.sqrt(2)
    assert everyone["median_days_lo"] == pytest.approx(50 - half)
    assert everyone["median_days_hi"] == pytest.approx(50 + half)
    assert everyone["housed_3m"] == 1.0  # everyone within 91 days
    assert everyone["housed_12m"] == 1.0
    # restricted mean of a fully observed sample is its mean wait: 30 and 70
    assert everyone["rmst365_days"] == pytest.approx(50)
    assert everyone["n"] == 5 and everyone["housed"] == 5
    assert everyone["longest_wait_days"] == pytest.approx((50 + 90) / 2)
    # vacancy days: rep 0: 10 + (400 - 100) = 310, rep 1: 30 -> mean 170
    assert everyone["vacancy_days"] == pytest.approx(170)
    assert everyone["lettings_per_year"] == pytest.approx(1 / (400 / 365.25))
    rows = table[(table["municipality"] == "all") & (table["dimension"] == "situation")]
    small = rows[rows["group"] == "2"].iloc[0]
    assert bool(small["suppressed"]) and math.isnan(small["median_days"])
    four = rows[rows["group"] == "1"].iloc[0]  # 4 a replication: under 5, suppressed too
    assert bool(four["suppressed"]) and math.isnan(four["n"])
    five = table[(table["municipality"] == "all") & (table["dimension"] == "children")].iloc[0]
    assert five["group"] == "no" and not bool(five["suppressed"]) and five["n"] == 5
    # the municipality's own block equals the pooled one here (one municipality)
    own = table[(table["municipality"] == "101") & (table["dimension"] == "all")].iloc[0]
    assert own["median_days"] == everyone["median_days"]


def test_a_median_not_reached_in_one_replication_is_not_averaged_away() -> None:
    rep0 = [(0, 0, d, NAN, NAN) for d in (10.0, 20.0, 30.0, 40.0, 50.0)]
    rep1 = [(1, 0, NAN, NAN, NAN) for _ in range(5)]  # nobody housed by the end
    table = outcome_table(_citizens(rep0 + rep1), None, end_day=100)
    row = table[(table["municipality"] == "all") & (table["dimension"] == "all")].iloc[0]
    assert math.isnan(row["median_days"])
    # restricted mean: rep 0 = 30, rep 1 = 100 (everyone waits the whole 100 days
    # observed, then is censored: S = 1 up to 100, and 365 is past the data, so S stays 1)
    assert row["rmst365_days"] == pytest.approx((30 + 365) / 2)
    assert row["still_waiting"] == pytest.approx(2.5)
