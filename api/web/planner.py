"""Pages for planners: the shortfall table with its chart, and scenario comparisons.

Planners see aggregates only. The table is :func:`planning.shortfall.shortfall`'s
report, which already hides small live counts (its ``suppressed`` list); this module
only sorts and draws it. Scenario comparisons run in the background
(:mod:`api.web.jobs`) and the page polls a small status fragment every second.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response

from api.auth import Principal, Role
from api.web.jobs import CHART_LOCK, jobs_of
from api.web.pages import error_page, guard, redirect, render, transaction
from api.web.session import csrf_ok
from kernel.reference import municipality_counts
from planning.schemas import ShortfallReport, ShortfallRow
from planning.shortfall import shortfall

router = APIRouter(prefix="/planner", include_in_schema=False)

#: Columns the table can be sorted by (``?sort=``), all fields of a ShortfallRow.
SORTABLE = (
    "code",
    "name",
    "region",
    "homeless_2022",
    "homeless_2024",
    "yearly_demand",
    "supply_per_year",
    "gap_per_year",
)
CHART_TOP = 20  # planning.charts.TOP_MUNICIPALITIES
LIMITS = {"months": (1, 60), "replications": (1, 5), "seed": (0, 1_000_000)}


def _planner(request: Request) -> Principal | Response:
    return guard(request, Role.planner, Role.admin)


def _report(request: Request) -> ShortfallReport:
    with transaction(request) as session:
        return shortfall(session)


def sort_rows(rows: list[ShortfallRow], key: str, descending: bool) -> list[ShortfallRow]:
    """Rows sorted by ``key``; unknown (suppressed) values always last."""
    known = [r for r in rows if getattr(r, key) is not None]
    unknown = [r for r in rows if getattr(r, key) is None]
    known.sort(key=lambda r: getattr(r, key), reverse=descending)
    return known + unknown


@router.get("")
def start(request: Request, sort: str = "gap_per_year", dir: str = "desc") -> Response:
    """The shortfall table for all 98 municipalities, sortable, with the chart."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    key = sort if sort in SORTABLE else "gap_per_year"
    descending = dir != "asc"
    report = _report(request)
    rows = sort_rows(list(report.municipalities), key, descending)
    return render(
        request,
        "planner_start.html",
        {
            "report": report,
            "rows": rows,
            "sort": key,
            "descending": descending,
            "columns": SORTABLE,
            "chart_top": CHART_TOP,
        },
    )


_chart_cache: OrderedDict[str, bytes] = OrderedDict()


def _chart_png(report: ShortfallReport) -> bytes:
    """The planners' shortfall chart, drawn by :func:`planning.charts.shortfall_png`.

    Drawing takes a second or more and the figures change only when the stock or the
    case list does, so the PNG is kept per report content (a few, newest kept).
    """
    from planning.charts import shortfall_png

    key = hashlib.sha256(report.model_dump_json().encode()).hexdigest()
    with CHART_LOCK:
        cached = _chart_cache.get(key)
        if cached is None:
            cached = _chart_cache[key] = shortfall_png(report)
            while len(_chart_cache) > 4:
                _chart_cache.popitem(last=False)
        return cached


@router.get("/shortfall.png")
def chart(request: Request) -> Response:
    """The chart of the shortfall table (PNG; the table is its text alternative)."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    return Response(
        _chart_png(_report(request)),
        media_type="image/png",
        headers={"Cache-Control": "no-store"},
    )


def _scenario_form(
    request: Request,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "planner_scenarios.html",
        {
            "values": values
            or {"municipality": "461", "months": 12, "replications": 1, "seed": 2026},
            "errors": errors or {},
            "limits": LIMITS,
            "municipalities": [(m.code, m.name) for m in municipality_counts()],
            "jobs": jobs_of(request.app).recent(),
        },
        status_code=status_code,
    )


@router.get("/scenarios")
def scenarios(request: Request) -> Response:
    """The form that starts a comparison of the three matching policies."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    return _scenario_form(request)


@router.post("/scenarios")
def start_scenario(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    municipality: Annotated[str, Form()] = "",
    months: Annotated[str, Form()] = "",
    replications: Annotated[str, Form()] = "",
    seed: Annotated[str, Form()] = "",
) -> Response:
    """Validate the form and start the comparison in the background."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    raw = {"months": months, "replications": replications, "seed": seed}
    values: dict[str, Any] = {"municipality": municipality, **raw}
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name, text in raw.items():
        lo, hi = LIMITS[name]
        try:
            number = int(text.strip())
        except ValueError:
            number = lo - 1
        if not lo <= number <= hi:
            errors[name] = f"{lo}-{hi}"
        numbers[name] = number
    if municipality not in {m.code for m in municipality_counts()}:
        errors["municipality"] = "required"
    if errors:
        return _scenario_form(request, values=values, errors=errors, status_code=422)
    job = jobs_of(request.app).start(
        owner=principal.subject,
        municipality=municipality,
        months=numbers["months"],
        replications=numbers["replications"],
        seed=numbers["seed"],
    )
    return redirect(f"/planner/scenarios/{job.id}")


def _job_page(request: Request, job_id: str, template: str) -> Response:
    """A job's page or its status fragment: the same guard and lookup, another template."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    job = jobs_of(request.app).get(job_id)
    if job is None:
        return error_page(request, 404, "job_not_found")
    return render(request, template, {"job": job})


@router.get("/scenarios/{job_id}")
def scenario_page(request: Request, job_id: str) -> Response:
    """A comparison: a progress bar while it runs, then the results table and the plot."""
    return _job_page(request, job_id, "planner_job.html")


@router.get("/scenarios/{job_id}/status")
def scenario_status(request: Request, job_id: str) -> Response:
    """The status fragment the page polls (it stops polling once the job is done)."""
    return _job_page(request, job_id, "_job_status.html")


@router.get("/scenarios/{job_id}/plot.png")
def scenario_plot(request: Request, job_id: str) -> Response:
    """The comparison's plot (PNG), once it is finished."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    job = jobs_of(request.app).get(job_id)
    if job is None or job.png is None:
        return Response(status_code=404)
    return Response(job.png, media_type="image/png", headers={"Cache-Control": "no-store"})


__all__ = ["router"]


# --- outcomes: from offer to a kept home (issue 15) -------------------------------------

OUTCOME_METRICS = (
    "days_to_offer",
    "days_to_accept",
    "days_to_move_in",
    "offers_per_letting",
    "housed_6m",
    "housed_12m",
)


def _municipality_code(value: str) -> str | None:
    return value if value.isdigit() and 3 <= len(value) <= 4 else None


@router.get("/outcomes")
def outcomes_page(request: Request, municipality: str = "461") -> Response:
    """Outcomes of one municipality: time to a home, refusals, still housed at 6/12 months."""
    from allocation.outcomes import ANCHOR, GROUPINGS, outcome_report

    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    code = _municipality_code(municipality)
    if code is None:
        return error_page(request, 422, "invalid_value")
    with transaction(request) as session:
        rows = outcome_report(session, code)
    table: dict[tuple[str, str], dict[str, Any]] = OrderedDict()
    refusals: dict[str, Any] = {}
    for row in rows:
        if row.metric.startswith("refusal_rate:"):
            if row.grouping == "all":
                refusals[row.metric.split(":", 1)[1]] = row
            continue
        table.setdefault((row.grouping, row.group), {})[row.metric] = row
    return render(
        request,
        "planner_outcomes.html",
        {
            "code": code,
            "table": table,
            "refusals": refusals,
            "metrics": OUTCOME_METRICS,
            "groupings": GROUPINGS,
            "anchor": ANCHOR,
        },
    )


@router.get("/outcomes.csv")
def outcomes_csv(request: Request, municipality: str = "461") -> Response:
    """The outcome report as CSV (suppressed figures empty; no personal data)."""
    from allocation.outcomes import outcome_report, rows_csv

    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    code = _municipality_code(municipality)
    if code is None:
        return error_page(request, 422, "invalid_value")
    with transaction(request) as session:
        text = rows_csv(outcome_report(session, code))
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="outcomes-{code}.csv"'},
    )
