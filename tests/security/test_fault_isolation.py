"""Fault isolation: a stored row the matcher cannot use is left out of the run with its
reason, and the rest of the municipality is planned (SQLite and PostgreSQL).

The bad rows are written with plain SQL, around the API's bounds, as rows stored
before the bounds existed would be.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from conftest import Probe
from sqlalchemy import text

from allocation.match_runs import solve_plan
from allocation.problem_builder import ProblemDocument
from api.auth import Role, issue_token
from kernel.db import make_engine
from kernel.errors import Invalid

RUNS = "/api/v1/match-runs"


def _spoil(db_url: str) -> tuple[str, str, str]:
    """Store floor -2 on one open home, rent 1e300 on another and 50 adults on one case;
    return (the first home's id, the second's, the case's case_ref)."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            homes = conn.execute(
                text(
                    "SELECT v.id, v.unit_id FROM vacancies v JOIN units u ON u.id = v.unit_id "
                    "WHERE v.status = 'open' AND u.allocation_municipality_code = '461' "
                    "ORDER BY v.id"
                )
            ).all()
            cases = conn.execute(
                text(
                    "SELECT case_ref FROM citizen_cases "
                    "WHERE municipality_code = '461' AND status = 'active' ORDER BY case_ref"
                )
            ).all()
            assert len(homes) >= 3 and len(cases) >= 2  # something is left to plan
            (floor_home, floor_unit), (rent_home, rent_unit) = homes[0], homes[1]
            conn.execute(text("UPDATE units SET floor = -2 WHERE id = :id"), {"id": floor_unit})
            conn.execute(
                text("UPDATE units SET rent_dkk = 1e300 WHERE id = :id"), {"id": rent_unit}
            )
            conn.execute(
                text("UPDATE citizen_cases SET adults = 50 WHERE case_ref = :ref"),
                {"ref": cases[0].case_ref},
            )
            return str(floor_home), str(rent_home), str(cases[0].case_ref)
    finally:
        engine.dispose()


def _reasons(run: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    return {
        (item["kind"], item["id"]): {reason["field"] for reason in item["reasons"]}
        for item in run["left_out"]
    }


def test_unusable_rows_are_left_out_with_their_reason_and_the_rest_is_planned(
    probe: Probe,
) -> None:
    floor_home, rent_home, case_ref = _spoil(probe.db_url)
    vacancies = probe.request("staff", "GET", "/api/v1/vacancies?status=open&limit=100").json()
    open_homes = {str(v["id"]) for v in vacancies["items"]}

    answer = probe.request("staff", "POST", RUNS, json={})
    assert answer.status_code == 201, answer.text
    run = answer.json()
    assert _reasons(run) == {
        ("vacancy", floor_home): {"floor"},
        ("vacancy", rent_home): {"rent_dkk"},
        ("citizen", case_ref): {"household.adults"},
    }
    problems = " ".join(r["problem"] for item in run["left_out"] for r in item["reasons"])
    assert "-1" in problems and "1e+300" in problems  # the bound and the stored value
    # The rest of the municipality is planned: every usable home and case was in the run.
    assert run["vacancies"] == len(open_homes - {floor_home, rent_home})
    assert run["housed"] >= 1
    planned = {a["vacancy"] for a in run["assignments"]} | {
        a["citizen"] for a in run["assignments"]
    }
    assert not planned & {floor_home, rent_home, case_ref}

    # The stored run says the same, and the offers are only for usable homes.
    stored = probe.request("staff", "GET", f"{RUNS}/{run['id']}").json()
    assert stored["left_out"] == run["left_out"]
    offers = probe.request("staff", "GET", f"{RUNS}/{run['id']}/offers?limit=100").json()
    assert offers["total"] >= 1
    assert not {str(o["vacancy_id"]) for o in offers["items"]} & {floor_home, rent_home}

    # A second run is not blocked either (before isolation every run answered 422).
    again = probe.request("staff", "POST", RUNS, json={})
    assert again.status_code == 201 and _reasons(again.json()) == _reasons(run)


def test_the_staff_run_page_lists_what_was_left_out(probe: Probe) -> None:
    floor_home, _, case_ref = _spoil(probe.db_url)
    run_id = probe.request("staff", "POST", RUNS, json={}).json()["id"]
    client = probe.client
    login = client.get("/login")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', login.text)
    assert csrf is not None
    token = probe.headers["staff"]["Authorization"].removeprefix("Bearer ")
    signed_in = client.post(
        "/login", data={"token": token, "csrf": csrf.group(1)}, follow_redirects=False
    )
    assert signed_in.status_code == 303, signed_in.text
    page = client.get(f"/staff/runs/{run_id}")
    assert page.status_code == 200
    assert "Udeladt af kørslen" in page.text
    section = page.text[page.text.index('id="left-out"') :]
    assert f'data-kind="vacancy" data-id="{floor_home}"' in section
    assert f'data-kind="citizen" data-id="{case_ref}"' in section
    assert "floor:" in section and "household.adults:" in section


def test_a_bad_request_is_still_refused(probe: Probe) -> None:
    """Isolation is for stored rows: weights the client sent are the client's to fix."""
    _spoil(probe.db_url)
    answer = probe.request("staff", "POST", RUNS, json={"weights": {"no_such_weight": 1}})
    assert answer.status_code == 422, answer.text
    assert any("weights" in item["field"] for item in answer.json()["errors"])


# --- the isolation itself, without a database ------------------------------------------

CITIZEN: dict[str, Any] = {
    "id": "c1",
    "municipality_code": "461",
    "birth_year": 1980,
    "household": {"adults": 1, "children": 0},
    "income": [{"kind": "kontanthjaelp", "monthly_dkk": 12000.0}],
    "situation": 2,
    "homeless_since": "2025-01-01",
    "registered_on": "2025-02-01",
    "deadline": None,
    "support": "none",
    "needs": {"wheelchair": False, "ground_floor": False, "pets": False},
    "preferences": {"areas": [], "avoid_areas": []},
    "wealth_dkk": 0.0,
    "kontanthjaelp_since": None,
}
VACANCY: dict[str, Any] = {
    "id": "v1",
    "municipality_code": "461",
    "area": "Centrum",
    "lat": 55.4,
    "lon": 10.39,
    "kind": "family",
    "rooms": 1,
    "size_m2": 40.0,
    "rent_dkk": 3000.0,
    "utilities_dkk": 300.0,
    "rent_reduction_dkk": 0.0,
    "rent_reduction_until": None,
    "deposit_dkk": 0.0,
    "allocation": "municipal",
    "wheelchair": False,
    "floor": 0,
    "elevator": False,
    "pets_allowed": False,
    "available_from": "2026-01-01",
    "department": "A/1",
    "listed_area": False,
}


def _problem(**changes: Any) -> ProblemDocument:
    document: dict[str, Any] = {
        "format": "boligmatch.problem/1",
        "as_of": "2026-03-01",
        "citizens": [copy.deepcopy(CITIZEN), {**copy.deepcopy(CITIZEN), "id": "c2"}],
        "vacancies": [
            copy.deepcopy(VACANCY),
            {**VACANCY, "id": "v2", "floor": -2},
            # Valid field by field; only the document-wide check refuses it (a second round).
            {**VACANCY, "id": "v3", "rent_reduction_dkk": 5000.0},
            {**VACANCY, "id": "v4", "size_m2": float("nan")},
        ],
    }
    document.update(changes)
    return document  # type: ignore[return-value]


def test_rows_found_in_later_rounds_are_left_out_too() -> None:
    problem = _problem()
    problem["citizens"][1]["situation"] = 12
    plan = solve_plan(problem)
    left_out = {(item["kind"], item["id"]): item["reasons"] for item in plan.left_out}
    assert set(left_out) == {
        ("vacancy", "v2"),
        ("vacancy", "v3"),
        ("vacancy", "v4"),
        ("citizen", "c2"),
    }
    assert [r["field"] for r in left_out[("vacancy", "v3")]] == ["rent_reduction_dkk"]
    assert [c["id"] for c in plan.problem["citizens"]] == ["c1"]
    assert [v["id"] for v in plan.problem["vacancies"]] == ["v1"]
    assert [(a["citizen"], a["vacancy"]) for a in plan.result["assignments"]] == [("c1", "v1")]


def test_a_clean_problem_leaves_nothing_out() -> None:
    problem = _problem(vacancies=[VACANCY])
    plan = solve_plan(problem)
    assert plan.left_out == () and plan.problem == problem


@pytest.mark.parametrize("weights", [{"no_such_weight": 1}, {"housed": "many"}])
def test_a_document_level_problem_is_not_blamed_on_rows(weights: dict[str, Any]) -> None:
    with pytest.raises(Invalid) as caught:
        solve_plan(_problem(weights=weights))
    assert all(item.field.startswith("weights") for item in caught.value.errors)


def test_a_stored_huge_rent_does_not_break_the_planners_figures(probe: Probe) -> None:
    """The 1e300 rent of one home once made the shortfall of all 98 municipalities a 500."""
    _spoil(probe.db_url)
    token = issue_token(subject="planner", role=Role.planner)
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/planning/shortfall", "/api/v1/planning/shortfall.csv"):
        answer = probe.client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.text[:500])
    report = probe.client.get("/api/v1/planning/shortfall", headers=headers).json()
    assert len(report["municipalities"]) == 98
