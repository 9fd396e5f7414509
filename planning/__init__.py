"""Planning: shortfall per municipality and rent band, scenario simulation, and the runner.

* :mod:`planning.shortfall` — demand, affordable supply with a municipal allocation right,
  gap and years to clear (``boligmatch shortfall``, ``GET /api/v1/planning/shortfall``);
* :mod:`planning.simulation`, :mod:`planning.scenarios` — month-by-month scenarios with
  the matcher's policies on common random numbers (``boligmatch simulate``);
* :mod:`planning.runner` — tasks on a process pool or Dask, seeds, Parquet, summaries;
* :mod:`planning.charts` — PNG charts for reports.
"""
