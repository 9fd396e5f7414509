"""Protocol hygiene of the allocation endpoints (issue 13): every list is paged, changes
need a strong ETag, and reading personal data leaves a record of who read what when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kernel.audit import AuditEvent

C = "/api/v1/cases"


def _events(api: Any, action: str) -> list[AuditEvent]:
    with api.sessions() as s:
        return list(
            s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def _run_offers(api: Any) -> dict[str, Any]:
    run = api.request("staff", "POST", "/api/v1/match-runs", json={})
    assert run.status_code == 201, run.text
    body: dict[str, Any] = run.json()
    return body


def test_every_offer_list_is_paged(api: Any) -> None:
    run = _run_offers(api)
    whole = api.request("staff", "GET", "/api/v1/offers", params={"limit": 200}).json()
    assert whole["total"] == len(whole["items"]) > 4
    first = api.request("staff", "GET", "/api/v1/offers", params={"limit": 3}).json()
    second = api.request("staff", "GET", "/api/v1/offers", params={"limit": 3, "offset": 3}).json()
    assert (first["total"], first["limit"], first["offset"]) == (whole["total"], 3, 0)
    assert [o["id"] for o in first["items"] + second["items"]] == [
        o["id"] for o in whole["items"][:6]
    ]
    default = api.request("staff", "GET", "/api/v1/offers").json()
    assert default["limit"] == 50 and len(default["items"]) == min(50, whole["total"])
    of_run = api.request(
        "staff", "GET", f"/api/v1/match-runs/{run['id']}/offers", params={"limit": 2}
    ).json()
    assert len(of_run["items"]) == 2 and of_run["total"] == whole["total"]
    for path in ("/api/v1/offers", f"/api/v1/match-runs/{run['id']}/offers"):
        for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}):
            assert api.request("staff", "GET", path, params=bad).status_code == 422
    listed = api.request("association", "GET", "/api/v1/association/offers").json()
    assert set(listed) == {"items", "total", "limit", "offset"}
    assert (
        api.request(
            "association", "GET", "/api/v1/association/offers", params={"limit": 0}
        ).status_code
        == 422
    )


def test_changes_need_a_strong_etag(api: Any) -> None:
    _run_offers(api)
    offer = api.request("staff", "GET", "/api/v1/offers", params={"limit": 1}).json()["items"][0]
    sent = api.request("staff", "POST", "/api/v1/offers", json={"offer_id": offer["id"]})
    assert sent.status_code == 201, sent.text
    tag = sent.headers["etag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    path = f"/api/v1/offers/{offer['id']}/accept"
    weak = api.request("staff", "POST", path, headers={"If-Match": f"W/{tag}"})
    assert weak.status_code == 412, weak.text
    assert weak.headers["content-type"].startswith("application/problem+json")
    strong = api.request("staff", "POST", path, headers={"If-Match": tag})
    assert strong.status_code == 200, strong.text
    # The same rule on vacancies and cases.
    case = api.request("staff", "GET", C, params={"limit": 1}).json()["items"][0]
    patch = api.request(
        "staff",
        "PATCH",
        f"{C}/{case['id']}",
        json={"situation": 2},
        headers={"If-Match": f'W/"{case["version"]}"'},
    )
    assert patch.status_code == 412


def test_reading_a_case_is_recorded(api: Any) -> None:
    page = api.request("staff", "GET", C, params={"limit": 5}).json()
    ids = [c["id"] for c in page["items"]]
    listed = _events(api, "case.list")
    assert len(listed) == 1
    assert listed[0].actor == "staff-461" and listed[0].entity_id == "461"
    assert listed[0].after == {"case_ids": ids, "total": page["total"]}

    response = api.request("staff", "GET", f"{C}/{ids[0]}")
    assert response.status_code == 200
    read = _events(api, "case.read")
    assert [(e.actor, e.entity, e.entity_id) for e in read] == [("staff-461", "case", str(ids[0]))]
    assert read[0].at is not None
    # No personal data in the record: the ids only.
    assert read[0].before is None and read[0].after is None
    # A refused read (another municipality's case) reads nothing and records nothing.
    assert api.request("staff_other", "GET", f"{C}/{ids[1]}").status_code == 404
    assert len(_events(api, "case.read")) == 1
