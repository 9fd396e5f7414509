"""Planner endpoints: the shortfall table as JSON, CSV and a chart.

Planners (and admins) only: they see aggregates, never a case (DOMAIN.md section 2).
The figures are those of ``boligmatch shortfall`` (:func:`planning.shortfall.shortfall`),
with small counts from live case data suppressed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.auth import PlannerUser
from api.deps import SessionDep
from api.errors import not_found, problem_responses
from planning.schemas import ShortfallReport
from planning.shortfall import ShortfallParameters, shortfall, to_csv

router = APIRouter(
    prefix="/planning",
    tags=["planning"],
    responses=problem_responses(401, 403, 404, 422),
)

MunicipalityQuery = Annotated[
    str | None,
    Query(pattern=r"^[0-9]{3}$", description="One municipality code, e.g. 461; default all 98."),
]
AsOfQuery = Annotated[dt.date | None, Query(description="Day of the table; default today.")]


def _report(
    session: SessionDep, municipality: str | None, as_of: dt.date | None
) -> ShortfallReport:
    params = ShortfallParameters(as_of=as_of or dt.date.today())
    try:
        return shortfall(session, municipality=municipality, params=params)
    except KeyError:
        raise not_found("municipality") from None


@router.get("/shortfall", response_model=ShortfallReport, summary="Shortfall table (JSON)")
def get_shortfall(
    session: SessionDep,
    _planner: PlannerUser,
    municipality: MunicipalityQuery = None,
    as_of: AsOfQuery = None,
) -> ShortfallReport:
    """The ``boligmatch shortfall --json`` document: VIVE counts, demand, supply, gap."""
    return _report(session, municipality, as_of)


@router.get(
    "/shortfall.csv",
    response_class=Response,
    summary="Shortfall table (CSV)",
    responses={200: {"content": {"text/csv": {}}}},
)
def get_shortfall_csv(
    session: SessionDep,
    _planner: PlannerUser,
    municipality: MunicipalityQuery = None,
    as_of: AsOfQuery = None,
) -> Response:
    """The table as CSV, one row per municipality (suppressed figures empty)."""
    report = _report(session, municipality, as_of)
    return Response(
        to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="shortfall.csv"'},
    )


@router.get(
    "/shortfall.png",
    response_class=Response,
    summary="Shortfall chart (PNG)",
    responses={200: {"content": {"image/png": {}}}},
)
def get_shortfall_png(
    session: SessionDep,
    _planner: PlannerUser,
    municipality: MunicipalityQuery = None,
    as_of: AsOfQuery = None,
) -> Response:
    """Demand against supply and years to clear the queue, for a report."""
    from planning.charts import shortfall_png

    return Response(shortfall_png(_report(session, municipality, as_of)), media_type="image/png")
