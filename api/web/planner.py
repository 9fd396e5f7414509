"""Pages for planners: the shortfall table by municipality and benefit group with its
charts and CSV exports, and scenario comparisons with the simulated outcome tables.

Planners see aggregates only. The table is :func:`planning.shortfall.shortfall`'s
report, which already hides small live counts (its ``suppressed`` list). A municipality
with no homes in the database has no known supply: its supply, gap and years to clear
are *missing* (shown as "–" with the legend "mangler data", empty in the CSV and named
in its ``missing`` column), never 0. Scenario comparisons run in the background
(:mod:`api.web.jobs`) and the page polls a small status fragment every second.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.auth import Principal, Role
from api.web.i18n import translator
from api.web.jobs import CHART_LOCK, SCENARIO_LEVERS, ScenarioRequest, jobs_of
from api.web.pages import error_page, guard, lang_of, redirect, render, transaction
from api.web.session import csrf_ok
from kernel.reference import municipality_counts
from planning.schemas import GroupShortfall, ShortfallReport, ShortfallRow
from planning.shortfall import flat_rows, shortfall

router = APIRouter(prefix="/planner", include_in_schema=False)

#: Columns the table can be sorted by (``?sort=``): fields of a ShortfallRow.
SORTABLE = (
    "code",
    "name",
    "region",
    "homeless_2022",
    "homeless_2024",
    "demand_source",
    "yearly_demand",
    "supply_per_year",
    "gap_per_year",
)
CHART_TOP = 20  # planning.charts.TOP_MUNICIPALITIES

STOCK_FIELDS = ("supply_per_year", "gap_per_year", "municipal_right_units", "affordable_units")
"""Figures that need the municipality's homes in the database (missing without them)."""


def _planner(request: Request) -> Principal | Response:
    return guard(request, Role.planner, Role.admin)


def _report(request: Request) -> ShortfallReport:
    with transaction(request) as session:
        return shortfall(session)


def has_stock(row: ShortfallRow) -> bool:
    """Whether the database holds the municipality's homes (else supply is unknown)."""
    return row.stock_units > 0


@dataclass(frozen=True)
class TableRow:
    """One line of the page's table: a ShortfallRow with missing figures as None."""

    row: ShortfallRow
    supply_per_year: float | None
    gap_per_year: float | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


def table_rows(report: ShortfallReport) -> list[TableRow]:
    """The report's rows with supply and gap None where the homes are not in the system."""
    return [
        TableRow(
            r,
            r.supply_per_year if has_stock(r) else None,
            r.gap_per_year if has_stock(r) else None,
        )
        for r in report.municipalities
    ]


def sort_rows(rows: list[TableRow], key: str, descending: bool) -> list[TableRow]:
    """Rows sorted by ``key``; unknown (missing or suppressed) values always last."""
    known = [r for r in rows if getattr(r, key) is not None]
    unknown = [r for r in rows if getattr(r, key) is None]
    known.sort(key=lambda r: getattr(r, key), reverse=descending)
    return known + unknown


def _chosen_row(report: ShortfallReport, code: str | None) -> ShortfallRow | None:
    """The municipality of the benefit-group section: the asked one, else the one with
    the largest demand among those with homes in the system, else the largest demand."""
    rows = report.municipalities
    if code:
        for r in rows:
            if r.code == code:
                return r
    with_stock = [r for r in rows if has_stock(r)] or list(rows)
    return max(with_stock, key=lambda r: r.yearly_demand or 0.0, default=None)


@dataclass(frozen=True)
class GroupLine:
    """One benefit group's line, missing figures None."""

    group: GroupShortfall
    affordable_units: int | None
    municipal_right_units: int | None
    supply_per_year: float | None
    gap_per_year: float | None
    years_to_clear: list[float | None]


def group_lines(row: ShortfallRow) -> list[GroupLine]:
    known = has_stock(row)
    return [
        GroupLine(
            g,
            g.affordable_units if known else None,
            g.municipal_right_units if known else None,
            g.supply_per_year if known else None,
            g.gap_per_year if known else None,
            [s.years_to_clear if known else None for s in g.shares],
        )
        for g in row.groups
    ]


@router.get("")
def start(
    request: Request, sort: str = "gap_per_year", dir: str = "desc", municipality: str = ""
) -> Response:
    """The shortfall table for all 98 municipalities, sortable, by benefit group, charts."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    key = sort if sort in SORTABLE else "gap_per_year"
    descending = dir != "asc"
    report = _report(request)
    rows = table_rows(report)
    known = [r for r in rows if r.supply_per_year is not None]
    chosen = _chosen_row(report, municipality)
    return render(
        request,
        "planner_start.html",
        {
            "report": report,
            "rows": sort_rows(rows, key, descending),
            "sort": key,
            "descending": descending,
            "columns": SORTABLE,
            "chart_top": CHART_TOP,
            "with_data": len(known),
            "supply_total": sum(r.supply_per_year or 0.0 for r in known) if known else None,
            "gap_total": sum(r.gap_per_year or 0.0 for r in known if r.gap_per_year is not None)
            if any(r.gap_per_year is not None for r in known)
            else None,
            "chosen": chosen,
            "groups": group_lines(chosen) if chosen else [],
            "all_municipalities": sorted(
                ((r.code, r.name) for r in report.municipalities), key=lambda x: x[1]
            ),
        },
    )


# --- CSV ------------------------------------------------------------------------------------


def csv_response(
    lang: str, filename: str, header: list[str], rows: Iterable[Mapping[str, object]]
) -> Response:
    """A CSV download in the page's language.

    Danish: semicolons, decimal comma and a byte-order mark, so that Danish Excel opens
    it as it is; English: commas and decimal points. Missing and suppressed figures are
    empty cells, never 0.
    """
    danish = lang == "da"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if danish else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells = []
        for name in header:
            value = row.get(name)
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append(str(value).lower())
            elif isinstance(value, float):
                text = f"{round(value, 4):g}" if abs(value) < 1e15 else str(value)
                cells.append(text.replace(".", ",") if danish else text)
            else:
                cells.append(str(value))
        writer.writerow(cells)
    body = ("\ufeff" if danish else "") + buffer.getvalue()
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


_STOCK_COLUMN = re.compile(
    r"^(supply_per_year|gap_per_year|municipal_right_units|affordable_units|"
    r"years_to_clear_.*|supply_per_year_.*|.*_municipal_right_units|.*_supply_per_year|"
    r".*_gap_per_year)$"
)


def shortfall_csv_rows(report: ShortfallReport) -> tuple[list[str], list[dict[str, object]]]:
    """:func:`planning.shortfall.flat_rows` with figures that need the homes emptied
    where the municipality has none in the system, and named in a ``missing`` column."""
    out = []
    for row, flat in zip(report.municipalities, flat_rows(report), strict=True):
        missing = []
        if not has_stock(row):
            for name in list(flat):
                if _STOCK_COLUMN.match(name):
                    flat[name] = None
                    missing.append(name)
        flat["missing"] = ";".join(missing)
        out.append(flat)
    header = list(out[0]) if out else ["code"]
    return header, out


@router.get("/shortfall.csv")
def shortfall_csv(request: Request) -> Response:
    """The municipalities' table as CSV, every benefit group's columns included."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    header, rows = shortfall_csv_rows(_report(request))
    return csv_response(lang_of(request), "boligmangel.csv", header, rows)


GROUP_COLUMNS = (
    "code",
    "group",
    "label",
    "demand_source",
    "monthly_income_dkk",
    "affordable_units",
    "municipal_right_units",
    "supply_per_year",
    "demand_per_year",
    "queue",
    "gap_per_year",
)


@router.get("/groups.csv")
def groups_csv(request: Request, municipality: str = "") -> Response:
    """One municipality's benefit-group table as CSV (missing figures empty)."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    report = _report(request)
    row = _chosen_row(report, municipality)
    if row is None or (municipality and row.code != municipality):
        return error_page(request, 404, "not_found")
    shares = report.parameters.allocation_shares
    share_names = [f"years_to_clear_{s * 100:g}pct" for s in shares]
    lines = []
    for line in group_lines(row):
        g = line.group
        record: dict[str, object] = {
            "code": row.code,
            "group": g.group,
            "label": g.label,
            "demand_source": row.demand_source,
            "monthly_income_dkk": g.monthly_income_dkk,
            "affordable_units": line.affordable_units,
            "municipal_right_units": line.municipal_right_units,
            "supply_per_year": line.supply_per_year,
            "demand_per_year": g.demand_per_year,
            "queue": g.queue,
            "gap_per_year": line.gap_per_year,
        }
        record.update(zip(share_names, line.years_to_clear, strict=True))
        lines.append(record)
    return csv_response(
        lang_of(request),
        f"boligmangel-grupper-{row.code}.csv",
        [*GROUP_COLUMNS, *share_names],
        lines,
    )


# --- charts ---------------------------------------------------------------------------------

_chart_cache: OrderedDict[str, bytes] = OrderedDict()


def _chart_png(report: ShortfallReport, lang: str) -> bytes:
    """The planners' shortfall chart, drawn by :func:`planning.charts.shortfall_png`.

    Drawing takes a second or more and the figures change only when the stock or the
    case list does, so the PNG is kept per report content and language (a few, newest
    kept).
    """
    from planning.charts import shortfall_png

    key = hashlib.sha256((lang + report.model_dump_json()).encode()).hexdigest()
    with CHART_LOCK:
        cached = _chart_cache.get(key)
        if cached is None:
            cached = _chart_cache[key] = shortfall_png(report, lang=lang)
            while len(_chart_cache) > 8:
                _chart_cache.popitem(last=False)
        return cached


@router.get("/shortfall.png")
def chart(request: Request, municipality: str = "") -> Response:
    """The chart of the shortfall table, or of one municipality's benefit groups (PNG;
    the tables are its text alternative). Labels in the page's language."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    report = _report(request)
    if municipality:
        row = _chosen_row(report, municipality)
        if row is None or row.code != municipality:
            return Response(status_code=404)
        report = report.model_copy(update={"municipalities": [row]})
    return Response(
        _chart_png(report, lang_of(request)),
        media_type="image/png",
        headers={"Cache-Control": "no-store"},
    )


# --- scenarios ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One number of the scenario form: its kind, limits and default (the CLI's)."""

    name: str
    kind: type
    lo: float
    hi: float
    default: float | int | None
    section: str  # "run", "model" or "levers"
    optional: bool = False


def _lever_default(name: str) -> Any:
    from planning.scenarios import Scenario

    return getattr(Scenario(), name)


FIELDS: tuple[Field, ...] = (
    Field("months", int, 1, 60, 12, "run"),
    Field("replications", int, 1, 10, 1, "run"),
    Field("seed", int, 0, 1_000_000, 2026, "run"),
    Field("yearly_factor", float, 1.0, 10.0, 2.5, "model"),
    Field("exit_mean_days", float, 30.0, 3650.0, 365.25, "model"),
    Field("rounds_per_month", int, 1, 8, 2, "model"),
    Field("allocation_share", float, 0.01, 1.0, _lever_default("allocation_share"), "levers"),
    Field("extra_98e_homes", int, 0, 100_000, _lever_default("extra_98e_homes"), "levers"),
    Field(
        "rent_reduction_dkk", float, 0.0, 10_000.0, _lever_default("rent_reduction_dkk"), "levers"
    ),
    Field(
        "rent_reduction_share", float, 0.0, 1.0, _lever_default("rent_reduction_share"), "levers"
    ),
    Field("max_rent_share", float, 0.05, 1.0, _lever_default("max_rent_share"), "levers"),
    Field(
        "min_left_per_adult_dkk", int, 0, 30_000, _lever_default("min_left_per_adult_dkk"), "levers"
    ),
    Field("decline_rate", float, 0.0, 1.0, _lever_default("decline_rate"), "levers"),
    Field("max_refusals", int, 0, 20, _lever_default("max_refusals"), "levers"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
REFUSAL_ACTIONS = ("remove", "review", "none")
MAX_MUNICIPALITIES = 10
"""A web comparison runs in the server's one background thread: up to this many
municipalities (``boligmatch simulate`` runs any number on a process pool or Dask)."""
POLICIES = ("optimiser", "greedy", "fcfs")

_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_number(text: str, kind: type) -> float | None:
    """A number as a Danish planner types it: "0,25", "1.000", "2.5"; None if not one."""
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS.match(text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    if kind is int and not value.is_integer():
        return None
    return value


def _show(value: Any) -> str:
    """A default in the form in Danish notation (decimal comma)."""
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return "" if value is None else str(value)


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = {f.name: _show(f.default) for f in FIELDS}
    values.update(
        municipalities=["461"],
        policies=list(POLICIES),
        refusal_action=_lever_default("refusal_action"),
        candidate_limit="",
        baseline=False,
    )
    return values


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
            "values": values or _defaults(),
            "errors": errors or {},
            "fields": FIELDS,
            "policies": POLICIES,
            "refusal_actions": REFUSAL_ACTIONS,
            "max_municipalities": MAX_MUNICIPALITIES,
            "municipalities": [(m.code, m.name) for m in municipality_counts()],
            "names": {m.code: m.name for m in municipality_counts()},
            "jobs": jobs_of(request.app).recent(),
        },
        status_code=status_code,
    )


@router.get("/scenarios")
def scenarios(request: Request) -> Response:
    """The form that starts a comparison of the matching policies with chosen levers."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    return _scenario_form(request)


def parse_scenario_form(
    form: FormData,
) -> tuple[dict[str, Any], dict[str, str], ScenarioRequest | None]:
    """The form's values (to show again), its errors by field, and the request if valid."""
    values: dict[str, Any] = {f.name: str(form.get(f.name, "") or "") for f in FIELDS}
    values["municipalities"] = [str(v) for v in form.getlist("municipality")]
    values["policies"] = [str(v) for v in form.getlist("policy")]
    values["refusal_action"] = str(form.get("refusal_action", "") or "")
    values["candidate_limit"] = str(form.get("candidate_limit", "") or "")
    values["baseline"] = form.get("baseline") == "on"
    errors: dict[str, str] = {}
    numbers: dict[str, Any] = {}
    for f in FIELDS:
        number = parse_number(values[f.name], f.kind)
        if number is None or not f.lo <= number <= f.hi:
            errors[f.name] = "must_be_int" if f.kind is int else "planner_must_be_number"
        else:
            numbers[f.name] = int(number) if f.kind is int else number
    candidate_limit = None
    if values["candidate_limit"].strip():
        number = parse_number(values["candidate_limit"], int)
        if number is None or not 1 <= number <= 100_000:
            errors["candidate_limit"] = "must_be_int"
        else:
            candidate_limit = int(number)
    known = {m.code for m in municipality_counts()}
    chosen = values["municipalities"]
    if not chosen or any(c not in known for c in chosen) or len(chosen) > MAX_MUNICIPALITIES:
        errors["municipality"] = "choose_municipalities"
    policies = values["policies"]
    if not policies or any(p not in POLICIES for p in policies):
        errors["policy"] = "planner_choose_one"
    if values["refusal_action"] not in REFUSAL_ACTIONS:
        errors["refusal_action"] = "planner_choose_one"
    if errors:
        return values, errors, None
    request = ScenarioRequest(
        municipalities=tuple(dict.fromkeys(chosen)),
        months=numbers["months"],
        replications=numbers["replications"],
        seed=numbers["seed"],
        policies=tuple(p for p in POLICIES if p in policies),
        yearly_factor=numbers["yearly_factor"],
        exit_mean_days=numbers["exit_mean_days"],
        rounds_per_month=numbers["rounds_per_month"],
        candidate_limit=candidate_limit,
        baseline=bool(values["baseline"]),
        levers={
            **{name: numbers[name] for name in SCENARIO_LEVERS if name in numbers},
            "refusal_action": values["refusal_action"],
        },
    )
    return values, errors, request


def _start_scenario(request: Request, form: FormData) -> Response:
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    if not csrf_ok(request, str(form.get("csrf", "") or "")):
        return error_page(request, 403, "csrf_failed")
    values, errors, scenario = parse_scenario_form(form)
    if scenario is None:
        return _scenario_form(request, values=values, errors=errors, status_code=422)
    job = jobs_of(request.app).start(owner=principal.subject, request=scenario)
    return redirect(f"/planner/scenarios/{job.id}")


@router.post("/scenarios")
async def start_scenario(request: Request) -> Response:
    """Validate the form and start the comparison in the background."""
    form = await request.form()
    return await run_in_threadpool(_start_scenario, request, form)


def scenario_label(t: Callable[..., str]) -> Callable[[str], str]:
    """``"levers/greedy"`` → ``"prioriteret liste (grådig), ændrede håndtag"``."""

    def label(name: str) -> str:
        prefix, _, policy = str(name).rpartition("/")
        words = t(f"policy_{policy}") if policy in POLICIES else policy
        if prefix == "levers":
            return f"{words}, {t('with_levers')}"
        return f"{words} ({prefix})" if prefix else words

    return label


def group_label(t: Callable[..., str]) -> Callable[[str, str], str]:
    """A group value of the outcome table in the page's words (situation 5 → "…")."""

    def label(dimension: str, group: str) -> str:
        if dimension == "all":
            return t("dim_all")
        if dimension == "situation":
            return f"{group}: {t(f'situation_{group}')}"
        if dimension == "children":
            return t(group) if group in ("yes", "no") else group
        if dimension == "support":
            words = t(f"support_{group}")
            return group if words == f"support_{group}" else words
        if dimension == "income_type":
            return t(f"income_{group}")
        return group

    return label


def _job_page(request: Request, job_id: str, template: str) -> Response:
    """A job's page or its status fragment: the same guard and lookup, another template."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    job = jobs_of(request.app).get(job_id)
    if job is None:
        return error_page(request, 404, "job_not_found")

    t = translator(lang_of(request))
    return render(
        request,
        template,
        {
            "job": job,
            "names": {m.code: m.name for m in municipality_counts()},
            "scenario_label": scenario_label(t),
            "group_label": group_label(t),
            "dimensions": ("situation", "age_band", "children", "support", "income_type"),
        },
    )


@router.get("/scenarios/{job_id}")
def scenario_page(request: Request, job_id: str) -> Response:
    """A comparison: a progress bar while it runs, then the outcome tables and the plot."""
    return _job_page(request, job_id, "planner_job.html")


@router.get("/scenarios/{job_id}/status")
def scenario_status(request: Request, job_id: str) -> Response:
    """The status fragment the page polls (it stops polling once the job is done)."""
    return _job_page(request, job_id, "planner_job_status.html")


@router.get("/scenarios/{job_id}/plot.png")
def scenario_plot(request: Request, job_id: str) -> Response:
    """The comparison's survival curves and queue (PNG, page language), once finished."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    job = jobs_of(request.app).get(job_id)
    png = None if job is None else job.png.get(lang_of(request))
    if png is None:
        return Response(status_code=404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


POOLED_COLUMNS = (
    "scenario",
    "replications",
    "n",
    "housed",
    "left",
    "still_waiting",
    "median_days",
    "median_days_lo",
    "median_days_hi",
    "p90_days",
    "p90_days_lo",
    "p90_days_hi",
    "rmst365_days",
    "rmst365_days_lo",
    "rmst365_days_hi",
    "housed_3m",
    "housed_12m",
    "housed_12m_lo",
    "housed_12m_hi",
    "refusals",
    "lettings_per_year",
    "vacancy_days",
)
GROUP_OUTCOME_COLUMNS = (
    "scenario",
    "dimension",
    "group",
    "suppressed",
    "n",
    "median_days",
    "median_days_lo",
    "median_days_hi",
    "p90_days",
    "rmst365_days",
    "housed_3m",
    "housed_12m",
    "housed_12m_lo",
    "housed_12m_hi",
    "still_waiting",
)


@router.get("/scenarios/{job_id}/{table}.csv")
def scenario_csv(request: Request, job_id: str, table: str) -> Response:
    """A finished comparison's tables as CSV: ``pooled`` and ``groups`` as shown,
    ``outcomes`` the whole :func:`planning.outcomes.outcome_table` (per municipality)."""
    principal = _planner(request)
    if isinstance(principal, Response):
        return principal
    job = jobs_of(request.app).get(job_id)
    if job is None or job.state != "finished" or table not in ("pooled", "groups", "outcomes"):
        return Response(status_code=404)
    lang = lang_of(request)
    if table == "outcomes":
        rows = list(csv.DictReader(io.StringIO(job.outcomes_csv)))
        typed = [{k: _typed(v) for k, v in r.items()} for r in rows]
        header = list(rows[0]) if rows else ["scenario"]
        return csv_response(lang, f"udfald-{job.id[:8]}.csv", header, typed)
    if table == "pooled":
        return csv_response(
            lang, f"udfald-politik-{job.id[:8]}.csv", list(POOLED_COLUMNS), job.pooled
        )
    return csv_response(
        lang, f"udfald-grupper-{job.id[:8]}.csv", list(GROUP_OUTCOME_COLUMNS), job.groups
    )


def _typed(text: str) -> object:
    """A pandas CSV cell back to a value (empty = missing) for :func:`csv_response`."""
    if text == "":
        return None
    if text in ("True", "False"):
        return text == "True"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


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
            "group_label": group_label(translator(lang_of(request))),
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
