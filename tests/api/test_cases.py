"""Citizens' cases through HTTP: create, read, search, update with If-Match, close."""

from __future__ import annotations

from typing import Any

from api_testkit import Api
from sqlalchemy import select

from allocation.models import CitizenCase

C = "/api/v1/cases"


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cpr": "1208921237",
        "case_ref": "K-2026-77",
        "situation": 7,
        "homeless_since": "2026-05-01",
        "registered_on": "2026-10-01",
        "deadline": "2026-12-10",
        "household": {"adults": 1, "children": 2},
        "income": [
            {"kind": "kontanthjaelp", "monthly_dkk": 12064},
            {"kind": "other", "monthly_dkk": 1092},
        ],
        "support": "CTI",
        "needs": {"wheelchair": False, "ground_floor": True, "pets": True},
        "preferences": {"areas": ["Korup", "Tarup"], "avoid_areas": ["Vollsmose"]},
        "kontanthjaelp_since": "2026-01-15",
    }
    return body | changes


def test_create_read_and_search(api: Api) -> None:
    created = api.request("staff", "POST", C, json=_body())
    assert created.status_code == 201, created.text
    case = created.json()
    assert created.headers["location"] == f"{C}/{case['id']}"
    assert case["birth_year"] == 1992 and case["municipality_code"] == "461"
    assert case["household"] == {"adults": 1, "children": 2}
    assert case["preferences"] == {"areas": ["Korup", "Tarup"], "avoid_areas": ["Vollsmose"]}
    assert case["kontanthjaelp_6_months"] is True  # since January 2026
    assert case["status"] == "active" and case["version"] == 1 and case["refused_offers"] == 0
    read = api.request("staff", "GET", f"{C}/{case['id']}")
    assert read.json() == case and read.headers["etag"] == '"1"'
    found = api.request("staff", "GET", f"{C}?case_ref=K-2026-77").json()
    assert found["total"] == 1 and found["items"][0]["id"] == case["id"]
    loaded = api.request("staff", "GET", f"{C}?case_ref={api.world.citizens[0].id}").json()
    assert loaded["total"] == 1 and loaded["items"][0]["case_ref"] == api.world.citizens[0].id
    assert api.request("staff", "GET", f"{C}?case_ref=nobody").json()["total"] == 0
    with api.sessions() as session:
        stored = session.scalars(select(CitizenCase).where(CitizenCase.id == case["id"])).one()
    assert stored.cpr_hash != "1208921237" and len(stored.cpr_hash) == 64
    assert "1208921237" not in str(vars(stored))


def test_list_is_paginated_in_a_stable_order(api: Api) -> None:
    first = api.request("staff", "GET", f"{C}?limit=7").json()
    second = api.request("staff", "GET", f"{C}?limit=7&offset=7").json()
    assert first["total"] == second["total"] == len(api.world.citizens)
    ids = [c["id"] for c in first["items"] + second["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 14
    active = api.request("staff", "GET", f"{C}?status=active&limit=200").json()
    assert all(c["status"] == "active" for c in active["items"])


def test_invalid_cases_are_422_problems(api: Api) -> None:
    for changes, field in [
        ({"cpr": "12089212"}, "body.cpr"),
        ({"cpr": "3113921237"}, "body.cpr"),
        ({"situation": 10}, "body.situation"),
        ({"homeless_since": "2026-11-01", "registered_on": "2026-10-01"}, "body.homeless_since"),
        ({"preferences": {"areas": ["Korup"], "avoid_areas": ["Korup"]}}, "body.preferences"),
        ({"unknown": 1}, "body.unknown"),
    ]:
        response = api.request("staff", "POST", C, json=_body(**changes))
        assert response.status_code == 422, (changes, response.text)
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert problem["type"] == "https://boligmatch.dk/problems/validation-error"
        assert any(e["field"].startswith(field) for e in problem["errors"]), problem
        assert "1208921237" not in response.text and "3113921237" not in response.text


def test_update_needs_the_current_version(api: Api) -> None:
    case = api.request("staff", "POST", C, json=_body()).json()
    path = f"{C}/{case['id']}"
    change = {"situation": 3, "deadline": None, "income": [{"kind": "salary", "monthly_dkk": 9000}]}
    assert api.request("staff", "PATCH", path, json=change).status_code == 428
    stale = api.request("staff", "PATCH", path, json=change, headers={"If-Match": '"9"'})
    assert stale.status_code == 412 and stale.headers["etag"] == '"1"'
    ok = api.request("staff", "PATCH", path, json=change, headers={"If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    updated = ok.json()
    assert updated["version"] == 2 and ok.headers["etag"] == '"2"'
    assert updated["situation"] == 3 and updated["deadline"] is None
    assert updated["income"] == [{"kind": "salary", "monthly_dkk": 9000.0, "person": 0}]
    assert updated["preferences"] == case["preferences"]  # untouched
    prefs = {"preferences": {"areas": ["Tarup", "Korup"], "avoid_areas": []}}
    # If-Match compares strongly (RFC 9110 13.1.1): a weak tag never matches, even the current.
    weak = api.request("staff", "PATCH", path, json=prefs, headers={"If-Match": 'W/"2"'})
    assert weak.status_code == 412 and "W/" in weak.json()["detail"]
    again = api.request("staff", "PATCH", path, json=prefs, headers={"If-Match": '"2"'})
    assert again.status_code == 200 and again.json()["preferences"] == prefs["preferences"]
    assert (
        api.request("staff", "PATCH", path, json=prefs, headers={"If-Match": '"2"'}).status_code
        == 412
    )


def test_close_with_a_reason(api: Api) -> None:
    case = api.request("staff", "POST", C, json=_body()).json()
    path = f"{C}/{case['id']}/close"
    bad = api.request("staff", "POST", path, json={"reason": "bored"})
    assert bad.status_code == 422
    stale = api.request(
        "staff", "POST", path, json={"reason": "housed"}, headers={"If-Match": '"5"'}
    )
    assert stale.status_code == 412
    closed = api.request("staff", "POST", path, json={"reason": "housed_elsewhere"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api.request("staff", "POST", path, json={"reason": "housed"}).status_code == 409
    patch = api.request(
        "staff", "PATCH", f"{C}/{case['id']}", json={"situation": 1}, headers={"If-Match": '"2"'}
    )
    assert patch.status_code == 409
    assert patch.json()["type"] == "https://boligmatch.dk/problems/case-not-active"


def test_idempotent_case_creation(api: Api) -> None:
    key = {"Idempotency-Key": "case-create-1"}
    first = api.request("staff", "POST", C, json=_body(), headers=key)
    replay = api.request("staff", "POST", C, json=_body(), headers=key)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    changed = api.request("staff", "POST", C, json=_body(situation=2), headers=key)
    assert changed.status_code == 422
    assert api.request("staff", "GET", f"{C}?case_ref=K-2026-77").json()["total"] == 1
