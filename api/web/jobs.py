"""Background scenario comparisons for the planner pages.

A comparison of the matching policies takes seconds to minutes, far longer than a page
request should, so it runs on a one-worker thread pool held on ``app.state`` while the
page polls its status every second. It takes the options of ``boligmatch simulate``
that a planner varies (:class:`ScenarioRequest`) and follows that command's steps: the
tasks of :func:`planning.runner.make_tasks` run through :func:`planning.runner.run_tasks`
on an executor that counts finished tasks (the progress bar), and the outcome tables
are :func:`planning.outcomes.outcome_table`'s at the run's horizon. Jobs live in memory:
they are a planner's interactive what-if, not a record (``boligmatch simulate`` writes
Parquet for that), and a restart forgets them. At most :data:`MAX_JOBS` are kept,
oldest dropped first.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

log = logging.getLogger("boligmatch.web.jobs")

MAX_JOBS = 20

CHART_LOCK = threading.Lock()
"""matplotlib's pyplot (used by :mod:`planning.charts`) keeps global state: one chart at
a time across the request threads and the job thread."""


SCENARIO_LEVERS = (
    "allocation_share",
    "extra_98e_homes",
    "rent_reduction_dkk",
    "rent_reduction_share",
    "max_rent_share",
    "min_left_per_adult_dkk",
    "decline_rate",
    "max_refusals",
    "refusal_action",
)
"""The :class:`planning.scenarios.Scenario` levers the page offers (``boligmatch
simulate``'s options of the same names)."""


@dataclass(frozen=True)
class ScenarioRequest:
    """What a planner asked for: the ``boligmatch simulate`` options the page offers.

    ``levers`` holds values of :data:`SCENARIO_LEVERS`; a lever left out keeps the
    :class:`planning.scenarios.Scenario` default. As in the CLI, the policies run on the
    changed levers (named ``levers/<policy>``), and ``baseline`` adds the policies on the
    default levers to compare against.
    """

    municipalities: tuple[str, ...]
    months: int
    replications: int
    seed: int
    policies: tuple[str, ...] = ("optimiser", "greedy", "fcfs")
    yearly_factor: float = 2.5
    exit_mean_days: float = 365.25
    rounds_per_month: int = 2
    candidate_limit: int | None = None
    baseline: bool = False
    levers: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScenarioJob:
    """One comparison: its inputs, how far it got, and its results when done."""

    id: str
    owner: str
    request: ScenarioRequest
    state: str = "queued"  # queued → running → finished | failed
    done_tasks: int = 0
    total_tasks: int = 0
    pooled: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    outcomes_csv: str = ""
    png: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None

    @property
    def percent(self) -> int:
        if self.state == "finished":
            return 100
        return int(100 * self.done_tasks / self.total_tasks) if self.total_tasks else 0

    @property
    def scenario_names(self) -> list[str]:
        """The scenarios of the outcome tables, in the order they were run."""
        return [str(r["scenario"]) for r in self.pooled]

    @property
    def group_table(self) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
        """The per-group rows by (dimension, group), then by scenario: one page row each."""
        table: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        for row in self.groups:
            key = (str(row["dimension"]), str(row["group"]))
            table.setdefault(key, {})[str(row["scenario"])] = row
        return table

    @property
    def changed_levers(self) -> dict[str, Any]:
        """The levers that differ from their defaults (what this run tests)."""
        from planning.scenarios import Scenario

        default = Scenario()
        return {k: v for k, v in self.request.levers.items() if getattr(default, k) != v}


class _CountingExecutor(Executor):
    """Runs each task when submitted (in the job's thread) and reports progress."""

    def __init__(self, on_done: Callable[[], None]) -> None:
        self.on_done = on_done

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to run_tasks through the future
            future.set_exception(error)
        self.on_done()
        return future


def _clean(value: Any) -> Any:
    """NaN (a figure the run cannot show, or a suppressed cell) becomes None: a dash."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


def scenarios_of(request: ScenarioRequest) -> list[Any]:
    """The scenarios ``boligmatch simulate`` would build from the same options."""
    from planning.scenarios import Scenario

    levers = Scenario(name="levers", **request.levers)
    default = Scenario()
    changed = {k: v for k, v in levers.as_dict().items() if getattr(default, k) != v}
    changed.pop("name", None)
    base = Scenario(name="baseline") if not changed else levers
    scenarios = [base.with_policy(p) for p in request.policies]  # type: ignore[arg-type]
    if request.baseline and changed:
        scenarios = [Scenario().with_policy(p) for p in request.policies] + scenarios  # type: ignore[arg-type]
    return scenarios


def run_comparison(job: ScenarioJob) -> None:
    """Simulate the job's scenarios; fill in the outcome tables and the charts.

    The same steps as ``boligmatch simulate``: :func:`planning.runner.make_tasks`, run
    on this thread, :meth:`SimulationResults.from_tasks` with the run's meta, and
    :func:`planning.outcomes.outcome_table` at the horizon.
    """
    from planning.charts import simulation_png
    from planning.model import ModelLevers
    from planning.outcomes import outcome_table
    from planning.runner import SimulationResults, make_tasks, run_tasks
    from planning.scenarios import SimulationParameters
    from planning.simulation import month_starts

    job.state = "running"
    request = job.request
    try:
        params = SimulationParameters(
            months=request.months,
            rounds_per_month=request.rounds_per_month,
            candidate_limit=request.candidate_limit,
            yearly_factor=request.yearly_factor,
        )
        levers = ModelLevers(exit_mean_days=request.exit_mean_days)
        scenarios = scenarios_of(request)
        tasks = make_tasks(
            scenarios=scenarios,
            params=params,
            replications=request.replications,
            municipalities=list(request.municipalities),
            seed=request.seed,
            levers=levers,
        )
        job.total_tasks = len(tasks)

        def one_done() -> None:
            job.done_tasks += 1

        results = run_tasks(tasks, _CountingExecutor(one_done))
        horizon = month_starts(params)[-1]
        meta = {
            "format": "boligmatch.simulation/1",
            "seed": request.seed,
            "replications": request.replications,
            "municipalities": sorted({t.municipality for t in tasks}),
            "scenarios": [s.as_dict() for s in scenarios],
            "parameters": params.as_dict(),
            "model": levers.as_dict(),
            "horizon_days": horizon,
            "followup_days": params.followup_days,
            "tasks": len(tasks),
        }
        simulated = SimulationResults.from_tasks(results, meta)
        table = outcome_table(simulated.citizens, simulated.vacancies, end_day=horizon)
        job.outcomes_csv = table.to_csv(index=False)
        pooled_area = table[table["municipality"] == "all"]
        job.pooled = [
            {str(k): _clean(v) for k, v in record.items()}
            for record in pooled_area[pooled_area["dimension"] == "all"].to_dict("records")
        ]
        job.groups = [
            {str(k): _clean(v) for k, v in record.items()}
            for record in pooled_area[pooled_area["dimension"] != "all"].to_dict("records")
        ]
        with CHART_LOCK:
            job.png = {lang: simulation_png(simulated, lang=lang) for lang in ("da", "en")}
        job.state = "finished"
    except Exception as error:  # shown on the page; the traceback goes to the log
        log.exception("scenario job %s failed", job.id)
        job.error = f"{type(error).__name__}: {error}"
        job.state = "failed"


class ScenarioJobs:
    """The app's scenario jobs and the thread that runs them one at a time."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bm-scenario")
        self.jobs: OrderedDict[str, ScenarioJob] = OrderedDict()
        self.lock = threading.Lock()

    def start(self, *, owner: str, request: ScenarioRequest) -> ScenarioJob:
        job = ScenarioJob(id=uuid.uuid4().hex, owner=owner, request=request)
        with self.lock:
            self.jobs[job.id] = job
            while len(self.jobs) > MAX_JOBS:
                self.jobs.popitem(last=False)
        self.pool.submit(run_comparison, job)
        return job

    def recent(self) -> list[ScenarioJob]:
        """The kept jobs, newest first."""
        with self.lock:
            return list(reversed(self.jobs.values()))

    def get(self, job_id: str) -> ScenarioJob | None:
        with self.lock:
            return self.jobs.get(job_id)


_app_lock = threading.Lock()


def jobs_of(app: FastAPI) -> ScenarioJobs:
    """The app's job registry, created on first use (no change to the app factory)."""
    with _app_lock:
        registry = getattr(app.state, "web_scenario_jobs", None)
        if registry is None:
            registry = ScenarioJobs()
            app.state.web_scenario_jobs = registry
        return registry
