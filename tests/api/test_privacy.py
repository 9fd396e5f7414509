"""Personal data stays with the case's own municipality's staff.

Associations and planners never receive a citizen's name, CPR number or hash,
income, situation or any other case field; no response to anyone carries a CPR
number; logs never hold one; and the audit trail records no personal values.
"""

from __future__ import annotations

import json
import logging
import re
from io import StringIO

import pytest
from api_testkit import PRINCIPAL_ROLES, Api, api_routes, personal_data_in
from sqlalchemy import select
from test_access_matrix import ACCESS

from kernel.audit import AuditEvent
from kernel.logging import JsonFormatter, RedactCPR

NEW_CPR = "0304851234"  # a valid date (3 April 1985); not one of the generated citizens


def _case_body(cpr: str = NEW_CPR, name: str = "Jens Privatsen") -> dict[str, object]:
    return {
        "cpr": cpr,
        "name": name,
        "situation": 3,
        "homeless_since": "2026-03-01",
        "household": {"adults": 1, "children": 1},
        "income": [{"kind": "kontanthjaelp", "monthly_dkk": 12064}],
        "support": "ICM",
        "preferences": {"areas": ["Vollsmose"], "avoid_areas": ["Centrum"]},
    }


def _make_offers(api: Api) -> None:
    """If the offer workflow is mounted, send one offer so association views have content."""
    routes = set(api_routes(api.app))
    if ("POST", "/api/v1/match-runs") not in routes:
        return
    run = api.request("staff", "POST", "/api/v1/match-runs", json={"as_of": "2026-11-02"})
    if run.status_code != 201:
        return
    offers = api.request("staff", "GET", f"/api/v1/match-runs/{run.json()['id']}/offers")
    if offers.status_code == 200 and offers.json()["items"]:
        first = offers.json()["items"][0]
        api.request("staff", "POST", "/api/v1/offers", json={"offer_id": first["id"]})


def _path_values(api: Api, who: str) -> dict[str, str]:
    """Real ids for the path parameters an association or planner would use."""
    owner = api.key_association_id if who == "api_key" else api.association_id
    vacancies = api.own_vacancy_ids(owner)
    return {"vacancy_id": str(vacancies[0]) if vacancies else "1"}


@pytest.mark.parametrize("who", ["association", "api_key", "planner"])
def test_association_and_planner_responses_carry_no_personal_data(api: Api, who: str) -> None:
    role = PRINCIPAL_ROLES[who]
    if role == "association":
        _make_offers(api)
    values = _path_values(api, who)
    checked = 0
    for method, path in api_routes(api.app):
        if method != "GET" or role not in ACCESS.get((method, path), frozenset()):
            continue
        concrete = re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "1"), path)
        response = api.request(who, method, concrete)
        assert response.status_code < 500, (path, response.text)
        media_type = response.headers.get("content-type", "")
        if "json" in media_type:
            found = personal_data_in(response.json(), api.personal_values)
        elif media_type.startswith("text/"):  # e.g. CSV: no personal value in any cell
            found = [v for v in api.personal_values if v in response.text]
        else:  # images and other binary bodies cannot carry text fields
            found = []
        assert not found, f"{who} GET {concrete}: {found[:5]}"
        checked += 1
    if checked == 0:
        pytest.skip(f"no GET endpoint admits the {role} role yet")


def test_association_write_responses_carry_no_personal_data(api: Api) -> None:
    vacancy_id = api.own_vacancy_ids()[0]
    read = api.request("association", "GET", f"/api/v1/vacancies/{vacancy_id}")
    withdrawn = api.request(
        "association", "POST", f"/api/v1/vacancies/{vacancy_id}/withdraw",
        headers={"If-Match": read.headers["etag"]},
    )  # fmt: skip
    assert withdrawn.status_code == 200
    assert not personal_data_in(withdrawn.json(), api.personal_values)
    unit_id = withdrawn.json()["unit"]["id"]
    created = api.request(
        "association", "POST", "/api/v1/vacancies",
        json={"unit_id": unit_id, "available_from": "2026-12-01"},
    )  # fmt: skip
    assert created.status_code == 201
    assert not personal_data_in(created.json(), api.personal_values)


def test_cpr_is_never_returned_even_to_staff(api: Api) -> None:
    created = api.request("staff", "POST", "/api/v1/cases", json=_case_body())
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["birth_year"] == 1985
    assert case["name"] == "Jens Privatsen"
    texts = [created.text]
    texts.append(api.request("staff", "GET", f"/api/v1/cases/{case['id']}").text)
    texts.append(api.request("staff", "GET", "/api/v1/cases?limit=200").text)
    texts.append(api.request("staff", "POST", "/api/v1/cases", json=_case_body()).text)  # 409
    bad = _case_body(cpr="3204851234")  # 32 April: a CPR-shaped number with no valid date
    rejected = api.request("staff", "POST", "/api/v1/cases", json=bad)
    assert rejected.status_code == 422
    texts.append(rejected.text)
    for text in texts:
        for cpr in [NEW_CPR, "030485-1234", "3204851234", *api.cprs]:
            assert cpr not in text
        assert '"cpr' not in text


def test_second_active_case_for_the_same_person_is_409(api: Api) -> None:
    first = api.request("staff", "POST", "/api/v1/cases", json=_case_body(cpr="030485-1234"))
    assert first.status_code == 201
    again = api.request("staff_other", "POST", "/api/v1/cases", json=_case_body())
    assert again.status_code == 409
    assert again.json()["type"] == "https://boligmatch.dk/problems/case-exists"
    # once the first case is closed, the person may get a new one
    closed = api.request(
        "staff", "POST", f"/api/v1/cases/{first.json()['id']}/close", json={"reason": "moved_away"}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api.request("staff_other", "POST", "/api/v1/cases", json=_case_body()).status_code == 201


def test_other_municipality_sees_404_not_403(api: Api) -> None:
    listed = api.request("staff", "GET", "/api/v1/cases?limit=1").json()
    case_id = listed["items"][0]["id"]
    response = api.request("staff_other", "GET", f"/api/v1/cases/{case_id}")
    assert response.status_code == 404
    missing = api.request("staff_other", "GET", "/api/v1/cases/999999")
    assert response.json()["detail"] == missing.json()["detail"]  # indistinguishable
    patch = api.request(
        "staff_other", "PATCH", f"/api/v1/cases/{case_id}", json={}, headers={"If-Match": '"1"'}
    )
    assert patch.status_code == 404
    others = api.request("staff_other", "GET", "/api/v1/cases").json()
    assert others["total"] == 0 and others["items"] == []


def test_cpr_never_reaches_the_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # SQL and its parameters too
    try:
        api.request("staff", "POST", "/api/v1/cases", json=_case_body())
        api.request("staff", "POST", "/api/v1/cases", json=_case_body())  # 409
        api.request("staff", "POST", "/api/v1/cases", json=_case_body(cpr="3204851234"))  # 422
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    assert any(r.name == "boligmatch.requests" for r in caplog.records)
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for cpr in (NEW_CPR, "030485-1234", "3204851234"):
        assert cpr not in logged


def test_request_log_line_has_method_path_status_duration_subject(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="boligmatch.requests")
    api.request("staff", "GET", "/api/v1/cases?case_ref=C-461-00001")
    (record,) = [r for r in caplog.records if r.name == "boligmatch.requests"]
    line = json.loads(JsonFormatter().format(record))
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/cases"  # no query string
    assert line["status"] == 200
    assert line["subject"] == "staff-461"
    assert line["duration_ms"] >= 0


def test_redaction_filter_removes_cpr_shaped_numbers() -> None:
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactCPR())
    logger = logging.getLogger("boligmatch.test-redaction")
    logger.addHandler(handler)
    try:
        logger.warning("looked up %s and 0101901234", "010190-1234", extra={"note": "1102031234"})
        try:
            raise ValueError("bad cpr 2001851234")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "010190-1234" not in output and "0101901234" not in output
    assert "1102031234" not in output and "2001851234" not in output
    assert output.count("[redacted-cpr]") >= 4


def test_audit_trail_holds_no_personal_values(api: Api) -> None:
    created = api.request("staff", "POST", "/api/v1/cases", json=_case_body()).json()
    api.request(
        "staff", "PATCH", f"/api/v1/cases/{created['id']}",
        json={"name": "Jens Andetnavn", "income": [{"kind": "salary", "monthly_dkk": 20000}]},
        headers={"If-Match": f'"{created["version"]}"'},
    )  # fmt: skip
    with api.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "case")).all()
    assert [e.action for e in events] == ["case.create", "case.update"]
    assert events[1].after == {"version": 2, "changed": ["income", "name"]}
    dumped = json.dumps([[e.before, e.after] for e in events])
    for value in ("Jens", "20000", "12064", NEW_CPR, "030485"):
        assert value not in dumped
