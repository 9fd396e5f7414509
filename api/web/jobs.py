"""Background scenario comparisons for the planner pages.

A comparison of the three matching policies takes seconds to minutes, far longer
than a page request should, so it runs on a one-worker thread pool held on
``app.state`` while the page polls its status every second. The simulation itself is
:mod:`planning.runner`'s: its tasks (:func:`planning.runner.make_tasks`) run through
:func:`planning.runner.run_tasks` on an executor that counts finished tasks, which is
what the progress bar shows. Jobs live in memory: they are a planner's interactive
what-if, not a record (``boligmatch simulate`` writes Parquet for that), and a
restart forgets them. At most :data:`MAX_JOBS` are kept, oldest dropped first.
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


@dataclass
class ScenarioJob:
    """One comparison: its inputs, how far it got, and its results when done."""

    id: str
    owner: str
    municipality: str
    months: int
    replications: int
    seed: int
    state: str = "queued"  # queued → running → finished | failed
    done_tasks: int = 0
    total_tasks: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    png: bytes | None = None
    error: str | None = None

    @property
    def percent(self) -> int:
        if self.state == "finished":
            return 100
        return int(100 * self.done_tasks / self.total_tasks) if self.total_tasks else 0


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
    """NaN (a percentile among those not housed) becomes None, shown as a dash."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def run_comparison(job: ScenarioJob) -> None:
    """Simulate the three policies for the job's municipality; fill in rows and the plot."""
    from planning.charts import simulation_png
    from planning.runner import SimulationResults, make_tasks, run_tasks
    from planning.scenarios import SimulationParameters, policy_comparison
    from planning.simulation import month_starts

    job.state = "running"
    try:
        params = SimulationParameters(months=job.months)
        tasks = make_tasks(
            scenarios=policy_comparison(),
            params=params,
            replications=job.replications,
            municipalities=[job.municipality],
            seed=job.seed,
        )
        job.total_tasks = len(tasks)

        def one_done() -> None:
            job.done_tasks += 1

        results = run_tasks(tasks, _CountingExecutor(one_done))
        meta = {"horizon_days": month_starts(params)[-1], "followup_days": params.followup_days}
        simulated = SimulationResults.from_tasks(results, meta)
        summary = simulated.summary()
        job.rows = [
            {str(key): _clean(value) for key, value in record.items()}
            for record in summary.to_dict(orient="records")
        ]
        with CHART_LOCK:
            job.png = simulation_png(simulated)
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

    def start(
        self, *, owner: str, municipality: str, months: int, replications: int, seed: int
    ) -> ScenarioJob:
        job = ScenarioJob(
            id=uuid.uuid4().hex,
            owner=owner,
            municipality=municipality,
            months=months,
            replications=replications,
            seed=seed,
        )
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
