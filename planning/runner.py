"""Spread simulation tasks over an executor; seeds, summaries, Parquet and progress.

Replications × municipalities × scenarios are independent tasks
(:class:`planning.simulation.Task`). They run on any :class:`concurrent.futures.Executor`:

* a local process pool (:func:`executor` ``kind="process"``), the default of
  :func:`run_simulation`: no cluster to start, good for one machine;
* Dask (``distributed``): ``kind="dask"`` with a scheduler address for an existing
  cluster, or ``kind="dask-local"`` to start a local one (``n_workers``); the client's
  ``get_executor()`` is a standard executor, so the same code path runs;
* ``kind="serial"`` runs in the calling process (debugging, profiling).

Seeds: the run's root :class:`numpy.random.SeedSequence` (``seed``) is spawned once per
replication, and each replication's child once per municipality (all 98, in VIVE's
order, whichever are simulated), so a task's seed depends only on (seed, replication,
municipality) and every scenario of a replication shares it: common random numbers.
Results are collected in task order, never completion order, so they are identical
whichever executor ran them and however many workers it had.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from tqdm import tqdm

from kernel.reference import municipality_counts
from planning.model import ModelLevers
from planning.scenarios import Scenario, SimulationParameters
from planning.simulation import Task, TaskResult, month_starts, run_task
from synthetic.population import apportion

__all__ = [
    "ExecutorKind",
    "SchedulerUnreachable",
    "SimulationResults",
    "executor",
    "make_tasks",
    "run_simulation",
    "run_tasks",
    "summarise",
]

ExecutorKind = Literal["process", "dask", "dask-local", "serial"]

CONNECT_TIMEOUT_S = 5.0
"""Seconds to wait for a Dask scheduler before giving up with a clean error."""


class SchedulerUnreachable(ConnectionError):
    """The ``--scheduler`` address is malformed or no scheduler answers there in time."""


WITHIN_DAYS = 60
"""Odense's best cases go from shelter to own home within two months (DOMAIN.md 1): the
share housed within this many days is reported."""


def make_tasks(
    *,
    scenarios: Sequence[Scenario],
    params: SimulationParameters,
    replications: int,
    municipalities: Sequence[str] | None = None,
    seed: int = 2026,
    levers: ModelLevers | None = None,
) -> list[Task]:
    """The run's tasks, replication-major, then municipality (VIVE order), then scenario.

    Parameters
    ----------
    scenarios : sequence of Scenario
        Names must be unique.
    params : SimulationParameters
    replications : int
    municipalities : sequence of str, optional
        Codes to simulate; default all 98.
    seed : int
        Entropy of the root seed sequence.
    levers : ModelLevers, optional
        The behavioural model's assumptions (default :class:`ModelLevers`).
    """
    levers = levers or ModelLevers()
    if replications < 1:
        raise ValueError("replications must be at least 1")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names) or not names:
        raise ValueError(f"scenario names must be unique and non-empty: {names}")
    counts = municipality_counts()
    index = {m.code: i for i, m in enumerate(counts)}
    chosen = list(index) if municipalities is None else list(municipalities)
    unknown = [c for c in chosen if c not in index]
    if unknown:
        raise KeyError(f"unknown municipality codes: {', '.join(unknown)}")
    weights = np.array([m.homeless_2024 for m in counts], dtype=np.float64)
    extras = {s.name: apportion(s.extra_98e_homes, weights) for s in scenarios}
    root = np.random.SeedSequence(seed)
    tasks = []
    for r, rep_seq in enumerate(root.spawn(replications)):
        muni_seqs = rep_seq.spawn(len(counts))
        for code in sorted(chosen, key=index.__getitem__):
            for s in scenarios:
                tasks.append(
                    Task(
                        replication=r,
                        municipality=code,
                        scenario=s,
                        params=params,
                        seed=muni_seqs[index[code]],
                        extra_98e_homes=int(extras[s.name][index[code]]),
                        levers=levers,
                    )
                )
    return tasks


class _SerialExecutor(Executor):
    """Runs each task at submit time in the calling process."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the caller through the future
            future.set_exception(error)
        return future


@contextmanager
def executor(
    kind: ExecutorKind = "process",
    *,
    workers: int | None = None,
    address: str | None = None,
    processes: bool = True,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
) -> Iterator[Executor]:
    """An executor for :func:`run_tasks`, closed (and its cluster stopped) on exit.

    Parameters
    ----------
    kind : "process", "dask", "dask-local" or "serial"
    workers : int, optional
        Process-pool size or local Dask workers (default: the CPU count / 1 for Dask).
    address : str, optional
        Scheduler address for ``kind="dask"``, e.g. ``tcp://10.0.0.5:8786``.
    processes : bool
        Local Dask workers as processes (True) or threads in this process (False).
    connect_timeout_s : float [s]
        How long to try an existing scheduler before :class:`SchedulerUnreachable`
        (Dask's own default is 30 s and ends in a traceback).
    """
    if kind == "serial":
        yield _SerialExecutor()
    elif kind == "process":
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield pool
    elif kind in ("dask", "dask-local"):
        from distributed import Client, LocalCluster

        if kind == "dask":
            if not address:
                raise ValueError("kind='dask' needs a scheduler address")
            try:
                client = Client(address, timeout=connect_timeout_s)  # type: ignore[no-untyped-call]
            except Exception as error:  # any failure to connect: not a usable scheduler
                raise SchedulerUnreachable(
                    f"no Dask scheduler answers at {address!r} within {connect_timeout_s:g} s "
                    f"({type(error).__name__}: {str(error)[:200]})"
                ) from None
            with client:
                yield client.get_executor()  # type: ignore[no-untyped-call]
        else:
            with (
                LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=workers or 1,
                    threads_per_worker=1,
                    processes=processes,
                    dashboard_address=None,
                ) as cluster,
                Client(cluster) as client,  # type: ignore[no-untyped-call]
            ):
                yield client.get_executor()
    else:
        raise ValueError(f"unknown executor kind {kind!r}")


def run_tasks(tasks: Sequence[Task], pool: Executor, *, progress: bool = False) -> list[TaskResult]:
    """Run every task on ``pool``; results in task order (deterministic)."""
    futures = [pool.submit(run_task, task) for task in tasks]
    position = {id(f): i for i, f in enumerate(futures)}
    results: list[TaskResult | None] = [None] * len(futures)
    with tqdm(total=len(futures), disable=not progress, unit="task", desc="simulating") as bar:
        for future in as_completed(futures):
            results[position[id(future)]] = future.result()
            bar.update(1)
    return [r for r in results if r is not None]


@dataclass
class SimulationResults:
    """All tasks' records, concatenated in task order, and how they were made."""

    citizens: pd.DataFrame
    vacancies: pd.DataFrame
    months: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_tasks(cls, results: Sequence[TaskResult], meta: dict[str, Any]) -> SimulationResults:
        def cat(frames: list[pd.DataFrame]) -> pd.DataFrame:
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

        return cls(
            citizens=cat([r.citizens for r in results]),
            vacancies=cat([r.vacancies for r in results]),
            months=cat([r.months for r in results]),
            meta=meta,
        )

    def to_parquet(self, directory: Path) -> list[Path]:
        """Write ``citizens``, ``vacancies``, ``months`` Parquet files and ``run.json``."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in ("citizens", "vacancies", "months"):
            path = directory / f"{name}.parquet"
            getattr(self, name).to_parquet(path, index=False)
            paths.append(path)
        meta = directory / "run.json"
        meta.write_text(json.dumps(self.meta, indent=2, ensure_ascii=False) + "\n", "utf-8")
        return [*paths, meta]

    @classmethod
    def read_parquet(cls, directory: Path) -> SimulationResults:
        return cls(
            citizens=pd.read_parquet(directory / "citizens.parquet"),
            vacancies=pd.read_parquet(directory / "vacancies.parquet"),
            months=pd.read_parquet(directory / "months.parquet"),
            meta=json.loads((directory / "run.json").read_text("utf-8")),
        )

    def summary(self, by: Sequence[str] = ("scenario",)) -> pd.DataFrame:
        """:func:`summarise` of these results, with the horizon and follow-up of their run."""
        followup = int(self.meta.get("followup_days", 180))
        return summarise(self, by=by, followup_days=followup)


def _quantile(waits: np.ndarray, q: float) -> float:
    """The q-quantile with not-housed as +inf; NaN when it falls among the not housed."""
    if waits.size == 0:
        return math.nan
    value = float(np.quantile(waits, q, method="inverted_cdf"))
    return value if math.isfinite(value) else math.nan


def summarise(
    results: SimulationResults,
    *,
    by: Sequence[str] = ("scenario",),
    horizon_days: int | None = None,
    followup_days: int = 180,
) -> pd.DataFrame:
    """Time to home, queue and vacancy cost per group.

    Parameters
    ----------
    by : sequence of str
        Citizen columns to group by: any of ``scenario``, ``policy``, ``municipality``,
        ``replication``, ``age_band``, ``situation``, ``benefit_group``, ``cohort``. The
        vacancy figures are given when every column is also a vacancy column.
    horizon_days : int, optional
        Last day of the run (default: the ``months`` table's length in days from meta).
    followup_days : int [days]
        Percentiles use citizens registered at least this long before the end, counting
        those not housed as waiting forever (so a percentile that falls among them is
        NaN: "longer than the run shows").

    Returns
    -------
    DataFrame
        ``arrived``, ``housed``, ``removed``, ``share_housed``, ``median_days``,
        ``p90_days``, ``share_within_60_days`` [share of those registered ≥ 60 days before
        the end], ``mean_queue`` (per replication and municipality, summed over
        municipalities, averaged over months and replications; with ``scenario``/``policy``
        grouping only), ``vacancy_days``, ``vacancy_cost_dkk`` (per replication).
    """
    c = results.citizens
    if horizon_days is None:
        horizon_days = int(results.meta.get("horizon_days", 0))
    keys = list(by)
    wait = (c["housed_day"] - c["registered_day"]).to_numpy(dtype=np.float64)
    wait = np.where(np.isnan(wait), np.inf, wait)
    frame = c.assign(_wait=wait)
    rows = []
    for group_key, group in frame.groupby(keys, sort=True, observed=True):
        values = group_key if isinstance(group_key, tuple) else (group_key,)
        row: dict[str, Any] = dict(zip(keys, values, strict=True))
        waits = group["_wait"].to_numpy()
        followed = waits[group["registered_day"].to_numpy() <= horizon_days - followup_days]
        within_base = waits[group["registered_day"].to_numpy() <= horizon_days - WITHIN_DAYS]
        row.update(
            arrived=len(group),
            housed=int(np.isfinite(waits).sum()),
            removed=int(group["removed"].sum()),
            share_housed=float(np.isfinite(waits).mean()) if len(group) else math.nan,
            median_days=_quantile(followed, 0.5),
            p90_days=_quantile(followed, 0.9),
            share_within_60_days=(
                float((within_base <= WITHIN_DAYS).mean()) if within_base.size else math.nan
            ),
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    v = results.vacancies
    if len(out) and set(keys) <= set(v.columns) and len(v):
        reps_v = v.groupby(keys, observed=True)["replication"].nunique()
        agg = v.groupby(keys, observed=True)[["vacancy_days", "vacancy_cost_dkk"]].sum()
        agg = agg.div(reps_v, axis=0).reset_index()
        out = out.merge(agg, on=keys, how="left")
        months = results.months
        if set(keys) <= set(months.columns) and "municipality" not in keys:
            per_month = months.groupby([*keys, "replication", "month"], observed=True)[
                "queue"
            ].sum()
            mean_queue = per_month.groupby(keys, observed=True).mean().rename("mean_queue")
            out = out.merge(mean_queue.reset_index(), on=keys, how="left")
    return out


def run_simulation(
    *,
    scenarios: Sequence[Scenario],
    params: SimulationParameters,
    replications: int = 1,
    municipalities: Sequence[str] | None = None,
    seed: int = 2026,
    kind: ExecutorKind = "process",
    workers: int | None = None,
    address: str | None = None,
    processes: bool = True,
    progress: bool = False,
    levers: ModelLevers | None = None,
) -> SimulationResults:
    """Make the tasks, run them on the chosen executor and collect the results."""
    tasks = make_tasks(
        scenarios=scenarios,
        params=params,
        replications=replications,
        municipalities=municipalities,
        seed=seed,
        levers=levers,
    )
    with executor(kind, workers=workers, address=address, processes=processes) as pool:
        results = run_tasks(tasks, pool, progress=progress)
    horizon = month_starts(params)[-1]
    meta = {
        "format": "boligmatch.simulation/1",
        "seed": seed,
        "replications": replications,
        "municipalities": sorted({t.municipality for t in tasks}),
        "scenarios": [s.as_dict() for s in scenarios],
        "parameters": params.as_dict(),
        "model": tasks[0].levers.as_dict() if tasks else {},
        "horizon_days": horizon,
        "followup_days": params.followup_days,
        "tasks": len(tasks),
        "rounds": sum(r.rounds for r in results),
        "matcher_calls": sum(r.matcher_calls for r in results),
    }
    return SimulationResults.from_tasks(results, meta)
