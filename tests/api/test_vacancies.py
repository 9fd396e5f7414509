"""Vacancy endpoints through HTTP: scoping, filters, If-Match, import, idempotency, audit."""

from __future__ import annotations

import csv
import io
from typing import Any

from api_testkit import Api, personal_data_in
from sqlalchemy import func, select

from inventory.models import Department, Unit, Vacancy
from kernel.audit import AuditEvent

V = "/api/v1/vacancies"


def _all(api: Api, who: str, query: str = "") -> dict[str, Any]:
    response = api.request(who, "GET", f"{V}?limit=200{query}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _vacancy_count(api: Api) -> int:
    with api.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Vacancy)) or 0)


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _row(api: Api, unit_ref: str, **changes: Any) -> dict[str, Any]:
    with api.sessions() as session:
        department = session.scalars(
            select(Department).where(Department.association_id == api.association_id)
        ).first()
        assert department is not None
        number = department.number
    row = {
        "association": api.association_name,
        "department": number,
        "unit_ref": unit_ref,
        "municipality_code": "461",
        "address": "Testvej 1",
        "lat": "55.40",
        "lon": "10.39",
        "area": "Vollsmose",
        "kind": "family",
        "rooms": "2",
        "size_m2": "60",
        "floor": "1",
        "elevator": "no",
        "wheelchair": "no",
        "pets_allowed": "yes",
        "rent_dkk": "4200",
        "utilities_dkk": "700",
        "deposit_dkk": "12000",
        "allocation": "municipal",
        "available_from": "2026-12-15",
    }
    return row | changes


def test_each_role_sees_its_own_scope(api: Api) -> None:
    staff = _all(api, "staff")
    assert staff["total"] == len(api.world.vacancies) == 12
    assert {v["unit"]["municipality_code"] for v in staff["items"]} == {"461"}
    assert _all(api, "staff_other")["total"] == 0
    own = _all(api, "association")
    assert own["total"] >= 1
    assert {v["unit"]["association_id"] for v in own["items"]} == {api.association_id}
    keyed = _all(api, "api_key")
    assert {v["unit"]["association_id"] for v in keyed["items"]} <= {api.key_association_id}
    assert own["total"] + keyed["total"] <= staff["total"]
    other = keyed["items"][0]["id"] if keyed["items"] else None
    if other is not None:  # another association's vacancy does not exist for you
        assert api.request("association", "GET", f"{V}/{other}").status_code == 404
    assert api.request("staff_other", "GET", f"{V}/{own['items'][0]['id']}").status_code == 404


def test_pagination_is_stable_and_complete(api: Api) -> None:
    everything = _all(api, "staff")["items"]
    keys = [(v["available_from"], v["id"]) for v in everything]
    assert keys == sorted(keys)
    pages = []
    for offset in range(0, 12, 5):
        page = api.request("staff", "GET", f"{V}?limit=5&offset={offset}").json()
        assert page["total"] == 12 and page["limit"] == 5 and page["offset"] == offset
        pages += page["items"]
    assert [v["id"] for v in pages] == [v["id"] for v in everything]
    assert api.request("staff", "GET", f"{V}?limit=0").status_code == 422
    assert api.request("staff", "GET", f"{V}?limit=201").status_code == 422


def test_filters_select_exactly_the_matching_vacancies(api: Api) -> None:
    everything = _all(api, "staff")["items"]
    some = everything[len(everything) // 2]
    rents = sorted(v["unit"]["rent_dkk"] - v["unit"]["rent_reduction_dkk"] for v in everything)
    cap = rents[len(rents) // 2]
    cases: list[tuple[str, Any]] = [
        (f"&kind={some['unit']['kind']}", lambda v: v["unit"]["kind"] == some["unit"]["kind"]),
        (f"&area={some['unit']['area']}", lambda v: v["unit"]["area"] == some["unit"]["area"]),
        (
            f"&max_rent_dkk={cap}",
            lambda v: v["unit"]["rent_dkk"] - v["unit"]["rent_reduction_dkk"] <= cap,
        ),
        (
            f"&available_before={some['available_from']}",
            lambda v: v["available_from"] < some["available_from"],
        ),
        ("&status=open", lambda v: v["status"] == "open"),
        ("&status=withdrawn", lambda v: v["status"] == "withdrawn"),
    ]
    for query, keep in cases:
        expected = [v["id"] for v in everything if keep(v)]
        got = _all(api, "staff", query)
        assert [v["id"] for v in got["items"]] == expected, query
        assert got["total"] == len(expected)
    assert api.request("staff", "GET", f"{V}?status=sold").status_code == 422


def test_update_needs_if_match_and_refuses_stale_versions(api: Api) -> None:
    vacancy_id = api.own_vacancy_ids()[0]
    read = api.request("association", "GET", f"{V}/{vacancy_id}")
    assert read.status_code == 200
    version = read.json()["version"]
    assert read.headers["etag"] == f'"{version}"'
    change = {"rent_dkk": 4321.0, "available_from": "2027-01-01"}

    missing = api.request("association", "PATCH", f"{V}/{vacancy_id}", json=change)
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == "https://boligmatch.dk/problems/precondition-required"

    stale = api.request(
        "association", "PATCH", f"{V}/{vacancy_id}", json=change,
        headers={"If-Match": f'"{version + 7}"'},
    )  # fmt: skip
    assert stale.status_code == 412
    assert stale.headers["etag"] == f'"{version}"'

    ok = api.request(
        "association", "PATCH", f"{V}/{vacancy_id}", json=change,
        headers={"If-Match": read.headers["etag"]},
    )  # fmt: skip
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["version"] == version + 1 and ok.headers["etag"] == f'"{version + 1}"'
    assert body["unit"]["rent_dkk"] == 4321.0 and body["available_from"] == "2027-01-01"

    again = api.request(
        "association", "PATCH", f"{V}/{vacancy_id}", json={"rent_dkk": 1.0},
        headers={"If-Match": read.headers["etag"]},
    )  # fmt: skip
    assert again.status_code == 412  # the first read's version is gone
    assert api.request("association", "GET", f"{V}/{vacancy_id}").json()["unit"]["rent_dkk"] == 4321

    with api.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "vacancy.update")
        ).one()
    assert event.actor == "assoc-user" and event.entity_id == str(vacancy_id)
    assert event.before == {"rent_dkk": read.json()["unit"]["rent_dkk"], "available_from":
                            read.json()["available_from"], "version": version}  # fmt: skip
    assert event.after == {"rent_dkk": 4321.0, "available_from": "2027-01-01",
                           "version": version + 1}  # fmt: skip


def test_reduction_above_rent_is_refused(api: Api) -> None:
    vacancy_id = api.own_vacancy_ids()[0]
    etag = api.request("association", "GET", f"{V}/{vacancy_id}").headers["etag"]
    response = api.request(
        "association", "PATCH", f"{V}/{vacancy_id}",
        json={"rent_dkk": 1000, "rent_reduction_dkk": 2000}, headers={"If-Match": etag},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.rent_reduction_dkk"


def test_withdraw_only_from_open_then_a_new_vacancy_for_the_unit(api: Api) -> None:
    vacancy_id = api.own_vacancy_ids()[0]
    withdrawn = api.request("association", "POST", f"{V}/{vacancy_id}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = api.request("association", "POST", f"{V}/{vacancy_id}/withdraw")
    assert again.status_code == 409
    assert again.json()["type"] == "https://boligmatch.dk/problems/vacancy-not-open"
    patch = api.request(
        "association", "PATCH", f"{V}/{vacancy_id}", json={"rent_dkk": 1},
        headers={"If-Match": withdrawn.headers["etag"]},
    )  # fmt: skip
    assert patch.status_code == 409

    unit_id = withdrawn.json()["unit"]["id"]
    body = {"unit_id": unit_id, "available_from": "2027-02-01"}
    created = api.request("association", "POST", V, json=body)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{V}/{created.json()['id']}"
    assert created.headers["etag"] == '"1"'
    duplicate = api.request("association", "POST", V, json=body)
    assert duplicate.status_code == 409
    assert duplicate.json()["type"] == "https://boligmatch.dk/problems/vacancy-exists"
    with api.sessions() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["vacancy.withdraw", "vacancy.create"]


def test_create_a_new_unit_with_its_vacancy(api: Api) -> None:
    with api.sessions() as session:
        own = session.scalar(
            select(Department.id).where(Department.association_id == api.association_id)
        )
        foreign = session.scalar(
            select(Department.id).where(Department.association_id != api.association_id)
        )
    unit = {
        "department_id": own, "unit_ref": "NEW-1", "address": "Nyvej 3", "lat": 55.39,
        "lon": 10.38, "kind": "youth", "rooms": 1, "size_m2": 30, "floor": 0,
        "elevator": False, "wheelchair": True, "pets_allowed": False, "rent_dkk": 3200,
        "utilities_dkk": 500, "deposit_dkk": 9000, "allocation": "municipal",
    }  # fmt: skip
    response = api.request(
        "association", "POST", V, json={"unit": unit, "available_from": "2026-12-01"}
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["unit"]["unit_ref"] == "NEW-1" and made["unit"]["area"]  # placed by lat/lon
    assert made["unit"]["allocation_municipality_code"] == "461"
    assert not personal_data_in(made, api.personal_values)
    # staff of 461 now see it; the unit cannot be created twice
    assert api.request("staff", "GET", f"{V}/{made['id']}").status_code == 200
    twice = api.request(
        "association", "POST", V, json={"unit": unit, "available_from": "2027-01-01"}
    )
    assert twice.status_code == 409
    # another association's department is not yours
    foreign_unit = unit | {"department_id": foreign, "unit_ref": "NEW-2"}
    refused = api.request(
        "association", "POST", V, json={"unit": foreign_unit, "available_from": "2026-12-01"}
    )
    assert refused.status_code == 422
    both = api.request(
        "association", "POST", V, json={"unit_id": 1, "unit": unit, "available_from": "2026-12-01"}
    )
    assert both.status_code == 422
    assert both.headers["content-type"] == "application/problem+json"
    assert both.json()["errors"][0]["problem"]


def test_idempotency_key_replays_the_first_answer(api: Api) -> None:
    vacancy_id = api.own_vacancy_ids()[0]
    unit_id = api.request("association", "POST", f"{V}/{vacancy_id}/withdraw").json()["unit"]["id"]
    body = {"unit_id": unit_id, "available_from": "2027-03-01"}
    key = {"Idempotency-Key": "7d1c8a1e-create-once"}
    first = api.request("association", "POST", V, json=body, headers=key)
    assert first.status_code == 201
    count = _vacancy_count(api)
    replay = api.request("association", "POST", V, json=body, headers=key)
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["etag"] == first.headers["etag"]
    assert replay.headers["location"] == first.headers["location"]
    assert replay.headers["idempotent-replayed"] == "true"
    assert _vacancy_count(api) == count
    other_body = api.request(
        "association", "POST", V, json=body | {"available_from": "2027-04-01"}, headers=key
    )
    assert other_body.status_code == 422
    assert other_body.json()["type"] == "https://boligmatch.dk/problems/idempotency-key-reused"
    # keys are per caller: the same key from another caller is a new request
    fresh = api.request("api_key", "POST", V, json=body, headers=key)
    assert fresh.status_code == 422  # the unit is not the API key association's
    assert _vacancy_count(api) == count


def test_import_is_all_or_nothing(api: Api) -> None:
    before = _vacancy_count(api)
    good = [_row(api, "IMP-1"), _row(api, "IMP-2", kind="youth", rooms="1")]
    bad = [*good, _row(api, "IMP-3", rent_dkk="-5", available_from="someday")]
    rejected = api.request(
        "association", "POST", f"{V}/import", files={"file": ("list.csv", _csv(bad), "text/csv")}
    )
    assert rejected.status_code == 422
    problem = rejected.json()
    assert problem["type"] == "https://boligmatch.dk/problems/import-failed"
    assert {(e["row"], e["column"]) for e in problem["errors"]} == {
        (4, "rent_dkk"),
        (4, "available_from"),
    }
    assert _vacancy_count(api) == before

    foreign = [*good, _row(api, "IMP-9", association="Someone Else")]
    refused = api.request(
        "association", "POST", f"{V}/import",
        files={"file": ("list.csv", _csv(foreign), "text/csv")},
    )  # fmt: skip
    assert refused.status_code == 422
    assert [(e["row"], e["column"]) for e in refused.json()["errors"]] == [(4, "association")]
    assert _vacancy_count(api) == before

    accepted = api.request(
        "association", "POST", f"{V}/import", files={"file": ("list.csv", _csv(good), "text/csv")}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {
        "rows": 2, "units_created": 2, "units_updated": 0,
        "vacancies_created": 2, "vacancies_updated": 0,
    }  # fmt: skip
    assert _vacancy_count(api) == before + 2
    with api.sessions() as session:
        refs = set(
            session.scalars(select(Unit.unit_ref).where(Unit.unit_ref.in_(["IMP-1", "IMP-2"])))
        )
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "vacancy.import")
        ).one()
    assert refs == {"IMP-1", "IMP-2"}
    assert event.actor == "assoc-user" and event.after and event.after["rows"] == 2

    not_a_list = api.request(
        "association",
        "POST",
        f"{V}/import",
        files={"file": ("list.pdf", b"%PDF", "application/pdf")},
    )
    assert not_a_list.status_code == 422
    assert not_a_list.json()["errors"][0]["problem"].startswith("unsupported file type")
