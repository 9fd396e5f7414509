"""The scenario simulation: accounting, levers, common random numbers, executors."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kernel.reference import municipality_counts
from planning.model import ModelLevers, decline_probability
from planning.runner import (
    SimulationResults,
    make_tasks,
    run_simulation,
    run_tasks,
    summarise,
)
from planning.scenarios import Scenario, SimulationParameters, policy_comparison
from planning.simulation import Task, _Run, almene_stock, child_seed, match_fcfs, run_task

SMALL = SimulationParameters(months=4, rounds_per_month=2, template_pool=48)
CODE = "329"  # Ringsted: VIVE 2024 count 19
FANOE = "563"  # Fanø: VIVE 2024 count 1


def _task(scenario: Scenario, code: str = CODE, params: SimulationParameters = SMALL) -> Task:
    return Task(0, code, scenario, params, np.random.SeedSequence(7))


def test_a_task_accounts_for_every_citizen_and_home() -> None:
    result = run_task(_task(Scenario()))
    c, v, m = result.citizens, result.vacancies, result.months
    housed = c["housed_day"].notna()
    assert housed.sum() > 0
    assert (c.loc[housed, "housed_day"] >= c.loc[housed, "registered_day"]).all()
    let = v[v["outcome"] == "let"]
    assert len(let) == housed.sum() == m["housed"].sum() == m["vacancies_let"].sum()
    assert (v["vacancy_days"] >= 0).all()
    assert (let["end_day"] >= let["available_day"]).all()
    passed = v[v["outcome"] == "passed_on"]
    assert (passed["vacancy_days"] == SMALL.pass_on_days).all()
    back = v[v["outcome"] == "handed_back"]
    assert len(back) and (back["vacancy_days"] < SMALL.pass_on_days + 16).all()
    # the initial queue is VIVE's 2024 count
    ringsted = next(x for x in municipality_counts() if x.code == CODE)
    assert (c["cohort"] == "initial").sum() == ringsted.homeless_2024 == 19
    assert m["arrivals"].sum() == len(c)
    left = c["left_day"].notna()
    assert not (left & housed).any()
    assert m["left"].sum() == left.sum()
    assert m["queue"].iloc[-1] == (~housed & ~c["removed"] & ~left).sum()
    # the starting list registered on past days, not all on day 0
    initial = c[c["cohort"] == "initial"]["registered_day"]
    assert (initial <= 0).all() and initial.nunique() > 5
    assert m["vacancies_new"].sum() == len(v)
    assert set(c["benefit_group"]) <= {
        "kh_under_30",
        "kh_30_plus",
        "foertidspension",
        "folkepension",
        "other",
    }


def test_same_task_same_result() -> None:
    first, again = run_task(_task(Scenario())), run_task(_task(Scenario()))
    pd.testing.assert_frame_equal(first.citizens, again.citizens)
    pd.testing.assert_frame_equal(first.vacancies, again.vacancies)


def test_policies_share_arrivals_and_vacancies() -> None:
    results = [run_task(_task(s)) for s in policy_comparison()]
    arrivals = [r.citizens[["registered_day", "age_band", "situation", "cohort"]] for r in results]
    homes = [r.vacancies[["available_day", "kind", "rent_dkk", "source"]] for r in results]
    for other in arrivals[1:]:
        pd.testing.assert_frame_equal(arrivals[0], other)
    for other in homes[1:]:
        pd.testing.assert_frame_equal(homes[0], other)
    assert {r.citizens["policy"].iloc[0] for r in results} == {"optimiser", "greedy", "fcfs"}


def test_a_larger_allocation_share_adds_vacancies_and_keeps_the_others() -> None:
    quarter = run_task(_task(Scenario(allocation_share=0.25))).vacancies
    half = run_task(_task(Scenario(allocation_share=0.5))).vacancies
    key = ["available_day", "kind", "rent_dkk"]
    small = Counter(map(tuple, quarter[key].to_numpy().tolist()))
    large = Counter(map(tuple, half[key].to_numpy().tolist()))
    assert len(half) > len(quarter)
    assert not small - large  # every quarter-share letting is also a half-share letting


def test_extra_98e_homes_are_cheap_and_counted() -> None:
    task = replace(_task(Scenario(extra_98e_homes=20)), extra_98e_homes=20)
    assert (
        make_tasks(
            scenarios=[Scenario(extra_98e_homes=5989)],
            params=SMALL,
            replications=1,
            municipalities=[CODE],
        )[0].extra_98e_homes
        == 19
    )  # apportioned by VIVE's 2024 count
    v = run_task(task).vacancies
    extra = v[v["source"] == "98e"]
    assert len(extra) >= 20
    assert (extra["rent_dkk"] <= 3500).all()
    assert (extra["kind"] == "family").all()


def test_rent_reduction_lever_lowers_some_rents() -> None:
    base = run_task(_task(Scenario())).vacancies
    cut = run_task(_task(Scenario(rent_reduction_dkk=1414, rent_reduction_share=1.0))).vacancies
    assert len(base) == len(cut)
    lowered = base["rent_dkk"].to_numpy() - cut["rent_dkk"].to_numpy()
    assert set(np.round(lowered[lowered > 0], 6)) == {1414.0}
    assert (lowered >= 0).all()


def test_refusal_policy_remove() -> None:
    always = Scenario(decline_rate=1.0, max_refusals=1, refusal_action="remove")
    c = run_task(_task(always)).citizens
    assert c["housed_day"].notna().sum() == 0
    assert (c.loc[c["removed"], "refusals"] == 2).all()
    assert c["removed"].sum() > 0
    never = run_task(_task(Scenario(decline_rate=0.0))).citizens
    assert never["refusals"].sum() == 0 and not never["removed"].any()


def test_a_municipality_with_almost_nobody() -> None:
    result = run_task(_task(Scenario(), code=FANOE))
    assert len(result.months) == SMALL.months
    laesoe = next(m for m in municipality_counts() if m.code == "825")  # count 0, no rate
    assert laesoe.per_1000_2024 is None
    assert almene_stock(laesoe, SMALL) == pytest.approx(1800 * SMALL.almene_per_inhabitant)
    quiet = run_task(_task(Scenario(), code="825"))
    assert len(quiet.citizens) == quiet.months["arrivals"].sum() == 0
    # nobody on the list can take a home: each goes back at the first round it is free
    # (rounds are at most 16 days apart), not after pass_on_days
    v = quiet.vacancies
    closed = v[v["outcome"] != "open"]
    assert len(closed) and (closed["outcome"] == "handed_back").all()
    assert (closed["vacancy_days"] <= 16).all()


def test_seeds_depend_on_replication_and_municipality_only() -> None:
    everyone = make_tasks(scenarios=policy_comparison(), params=SMALL, replications=2, seed=5)
    some = make_tasks(
        scenarios=[Scenario()], params=SMALL, replications=2, municipalities=["461"], seed=5
    )
    assert len(everyone) == 2 * 98 * 3
    odense = [t for t in everyone if t.municipality == "461"]
    for task in some:
        same = [t for t in odense if t.replication == task.replication]
        assert {t.seed.spawn_key for t in same} == {task.seed.spawn_key}
    assert len({t.seed.spawn_key for t in everyone}) == 2 * 98
    root = np.random.SeedSequence(5)
    expected = root.spawn(2)[1].spawn(98)[0]
    assert everyone[98 * 3].seed.spawn_key == expected.spawn_key
    assert child_seed(expected, 3).spawn_key == (*expected.spawn_key, 3)


def test_summary_percentiles_count_the_not_housed_as_waiting() -> None:
    citizens = pd.DataFrame(
        {
            "replication": 0,
            "scenario": "s",
            "registered_day": [0, 0, 0, 0, 0, 100],
            "housed_day": [10.0, 20.0, 30.0, 90.0, np.nan, 110.0],
            "removed": False,
        }
    )
    results = SimulationResults(citizens, pd.DataFrame(), pd.DataFrame(), {"horizon_days": 200})
    row = summarise(results, by=("scenario",), followup_days=150).iloc[0]
    # followed: registered by day 50 -> waits 10, 20, 30, 90, inf
    assert row["median_days"] == 30
    assert np.isnan(row["p90_days"])  # falls among the not housed
    # within 60 days: the five registered by day 140 and the sixth (day 100 <= 140)
    assert row["share_within_60_days"] == pytest.approx(4 / 6)
    assert row["housed"] == 5 and row["arrived"] == 6


def test_parquet_round_trip(tmp_path: Path) -> None:
    results = run_simulation(
        scenarios=[Scenario()], params=SMALL, municipalities=[FANOE], kind="serial"
    )
    results.to_parquet(tmp_path)
    back = SimulationResults.read_parquet(tmp_path)
    pd.testing.assert_frame_equal(results.citizens, back.citizens)
    pd.testing.assert_frame_equal(results.months, back.months)
    assert back.meta["horizon_days"] == 120  # Jan-Apr 2027


@pytest.mark.slow
def test_process_pool_and_dask_give_identical_results() -> None:
    tasks = make_tasks(
        scenarios=policy_comparison(),
        params=SimulationParameters(months=2, rounds_per_month=1, template_pool=32),
        replications=1,
        municipalities=[CODE, FANOE],
        seed=11,
    )
    from planning.runner import executor

    with executor("process", workers=2) as pool:
        on_pool = run_tasks(tasks, pool)
    with executor("dask-local", workers=2, processes=False) as dask:
        on_dask = run_tasks(tasks, dask)
    assert [r.key for r in on_pool] == [r.key for r in on_dask] == [t.key for t in tasks]
    for a, b in zip(on_pool, on_dask, strict=True):
        pd.testing.assert_frame_equal(a.citizens, b.citizens)
        pd.testing.assert_frame_equal(a.vacancies, b.vacancies)
        pd.testing.assert_frame_equal(a.months, b.months)
    serial = run_task(tasks[0])
    pd.testing.assert_frame_equal(serial.citizens, on_dask[0].citizens)


def test_an_existing_dask_cluster_by_address() -> None:
    from distributed import LocalCluster

    from planning.runner import executor

    task = _task(Scenario(), code=FANOE)
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        executor("dask", address=cluster.scheduler_address) as dask,
    ):
        (remote,) = run_tasks([task], dask)
    pd.testing.assert_frame_equal(remote.citizens, run_task(task).citizens)


def test_every_policy_sees_the_same_arrivals_exits_vacancies_and_refusal_draws() -> None:
    """Common random numbers: only the policy's choices differ between the runs."""
    params = replace(SMALL, months=6)
    runs = [_Run(Task(0, "461", s, params, np.random.SeedSequence(3))) for s in policy_comparison()]
    first = runs[0]
    for other in runs[1:]:
        assert [(x.template, x.arrival, x.exit_day, x.support_days) for x in other.persons] == [
            (x.template, x.arrival, x.exit_day, x.support_days) for x in first.persons
        ]
        for a, b in zip(first.persons, other.persons, strict=True):
            np.testing.assert_array_equal(a.declines, b.declines)
        assert [(h.template, h.available, h.announce, h.reduction_dkk) for h in other.homes] == [
            (h.template, h.available, h.announce, h.reduction_dkk) for h in first.homes
        ]
        assert [(t.areas, t.free, t.releases) for t in other.teams] == [
            (t.areas, t.free, t.releases) for t in first.teams
        ]
    results = [r.run() for r in runs]
    # the policies chose differently on those same draws
    housed = {tuple(r.citizens["housed_day"].fillna(-1).tolist()) for r in results}
    assert len(housed) > 1


def test_a_short_run_draws_the_start_of_a_long_one() -> None:
    """Draws are per month: a longer horizon does not change the first months' people."""
    short = run_task(_task(Scenario(), params=replace(SMALL, months=3))).citizens
    long = run_task(_task(Scenario(), params=replace(SMALL, months=6))).citizens
    columns = ["registered_day", "situation", "age_band", "support", "cohort"]
    early = long[long["registered_day"] < short["registered_day"].max() + 1][columns]
    pd.testing.assert_frame_equal(short[columns], early.reset_index(drop=True))


def test_inflow_is_the_prevalence_minus_the_counted_and_people_leave() -> None:
    params = replace(SMALL, months=24, rounds_per_month=1)
    c = run_task(Task(0, "461", Scenario(), params, np.random.SeedSequence(1))).citizens
    arrivals = (c["cohort"] == "arrival").sum()
    expected = (2.5 - 1) * 95 * 2  # Odense's count 95, two years
    assert abs(arrivals - expected) < 4 * np.sqrt(expected)
    # exits: mean about a year, the same clock whatever happens
    assert c["left_day"].notna().sum() > 0
    levers = ModelLevers()
    assert levers.initial_wait_mean(2.5) == pytest.approx(365.25 / 1.5)
    lettings = levers.lettings_per_year(1000)
    assert "transitional" not in lettings
    assert lettings["family"] == pytest.approx(1000 * 0.62 * 0.104)  # LBF 2019
    assert lettings["youth"] == pytest.approx(1000 * 0.14 * 0.399)


def test_fit_lowers_refusals() -> None:
    levers = ModelLevers()
    fits = decline_probability(
        0.15, levers, outside_areas=False, km_from_place=0.0, room_misfit=0, no_support=False
    )
    assert float(fits) == pytest.approx(0.15)
    worse = [
        dict(outside_areas=True, km_from_place=0.0, room_misfit=0, no_support=False),
        dict(outside_areas=False, km_from_place=4.0, room_misfit=0, no_support=False),
        dict(outside_areas=False, km_from_place=0.0, room_misfit=2, no_support=False),
        dict(outside_areas=False, km_from_place=0.0, room_misfit=0, no_support=True),
    ]
    for misfit in worse:
        assert float(decline_probability(0.15, levers, **misfit)) > 0.15  # type: ignore[arg-type]
    assert float(decline_probability(0.0, levers, **worse[0])) == 0.0  # type: ignore[arg-type]
    # in a run: refusals of offers that miss the citizen's areas are more frequent
    flat = ModelLevers(area_logit=0, per_km_logit=0, per_room_logit=0, no_support_logit=0)
    task = Task(0, "461", Scenario(), replace(SMALL, months=12), np.random.SeedSequence(2))
    fitted = run_task(task).citizens["refusals"].sum()
    unfitted = run_task(replace(task, levers=flat)).citizens["refusals"].sum()
    assert fitted > unfitted


def test_fcfs_has_an_urgency_track() -> None:
    """A family registered later goes before a single registered earlier; then order."""
    from matcher.problem import parse_problem
    from matcher.scoring import score_problem

    def citizen(cid: str, registered: str, children: int) -> dict[str, object]:
        return {
            "id": cid,
            "municipality_code": "461",
            "birth_year": 1990,
            "household": {"adults": 1, "children": children},
            "income": [{"kind": "salary", "monthly_dkk": 40000.0}],
            "situation": 3,
            "homeless_since": registered,
            "registered_on": registered,
        }

    home = {
        "id": "V1",
        "municipality_code": "461",
        "area": "Centrum",
        "lat": 55.4,
        "lon": 10.39,
        "kind": "family",
        "rooms": 2,
        "size_m2": 60.0,
        "rent_dkk": 5000.0,
        "utilities_dkk": 800.0,
        "allocation": "municipal",
        "available_from": "2026-12-01",
        "department": "D1",
    }
    document = {
        "format": "boligmatch.problem/1",
        "as_of": "2026-11-02",
        "citizens": [citizen("C1", "2025-01-01", 0), citizen("C2", "2026-06-01", 1)],
        "vacancies": [home],
    }
    scored = score_problem(parse_problem(document))
    (pair,) = match_fcfs(scored)
    assert scored.cols.citizen_ids[pair[0]] == "C2"
    document["citizens"] = [citizen("C1", "2025-01-01", 0), citizen("C2", "2026-06-01", 0)]
    scored = score_problem(parse_problem(document))
    (pair,) = match_fcfs(scored)
    assert scored.cols.citizen_ids[pair[0]] == "C1"


def test_a_wrong_scheduler_address_fails_cleanly_within_seconds() -> None:
    import re
    import time

    from typer.testing import CliRunner

    from boligmatch.cli import _register, app
    from planning.runner import SchedulerUnreachable, executor

    _register()
    start = time.perf_counter()
    for address in ("tcp://127.0.0.1:9", "nonsense"):
        with (
            pytest.raises(SchedulerUnreachable, match=re.escape(address)),
            executor("dask", address=address, connect_timeout_s=2),
        ):
            pass
    assert time.perf_counter() - start < 10
    start = time.perf_counter()
    run = CliRunner().invoke(
        app, ["simulate", "-m", "563", "--months", "1", "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert run.exit_code != 0
    assert "no Dask scheduler answers" in run.stderr and "Traceback" not in run.output
    assert time.perf_counter() - start < 15


def test_the_longest_acceptable_wait_is_a_lever_of_the_optimiser() -> None:
    """The lever reaches the matcher's weights; it changes who waits, not the arrivals."""
    levers = Scenario(overdue_after_months=1)
    weights = levers.matcher_policy().weights
    assert weights is not None and weights.overdue_after_months == 1
    assert Scenario().matcher_policy().weights is None
    with pytest.raises(ValueError, match="overdue_after_months"):
        Scenario(overdue_after_months=0)
    params = replace(SMALL, months=8)
    plain, limited = (
        run_task(_task(Scenario(), params=params)),
        run_task(_task(levers, params=params)),
    )
    pd.testing.assert_series_equal(
        plain.citizens["registered_day"], limited.citizens["registered_day"]
    )

    # With a one-month limit nearly everyone waiting is overdue, so waiting time decides
    # more of the order: those housed had waited longer on average.
    def waited(result: object) -> float:
        c = result.citizens  # type: ignore[attr-defined]
        housed = c["housed_day"].notna()
        return float((c.loc[housed, "housed_day"] - c.loc[housed, "registered_day"]).mean())

    assert waited(limited) > waited(plain)


def test_the_shortlist_judges_affordability_as_the_matcher_does() -> None:
    """The simulation's affordability shortlist is the matcher's rule on the same
    templates: money left after tax in the municipality, the housing-benefit income,
    and § 14 stk. 4 for municipally allocated homes (issue 12)."""
    from matcher.rules import affordability
    from planning.simulation import _Home, _static_feasibility

    run = _Run(_task(Scenario(), code="101", params=replace(SMALL, template_pool=96)))
    run._static, run._template_cols = _static_feasibility(run.templates, run.anchor, run.policy)
    cols = run._template_cols
    homes = [
        _Home(no=t, template=t, source="template", announce=0, available=0,
              reduction_dkk=float(cols.reduction[t]), reduction_until=None)
        for t in range(len(run.templates.units))
    ]  # fmt: skip
    shortlist = run._affordable_templates(homes)
    n_c = cols.n_citizens
    for home, allowed in zip(homes, shortlist, strict=True):
        ci = np.arange(n_c, dtype=np.int64)
        vi = np.full(n_c, home.template, dtype=np.int64)
        matcher = np.asarray(affordability(cols, ci, vi), dtype=np.bool_)
        assert np.array_equal(allowed, matcher), home.template
    # the templates hold households whose gross income would pass and whose income after
    # tax does not: the shortlist is stricter than a gross-income one
    assert not np.array_equal(cols.disposable, np.round(cols.income))
