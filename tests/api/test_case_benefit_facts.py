"""Issue 12: staff record a case's money facts; they reach the matcher's problem document."""

from __future__ import annotations

from typing import Any

from api_testkit import Api
from sqlalchemy import select

from allocation.models import CitizenCase
from allocation.problem_builder import citizen_document
from matcher import problem as mp

C = "/api/v1/cases"
FACTS = {
    "church_member": True,
    "mobility_impaired": True,
    "doegnhjaelp": False,
    "seniorpension": True,
    "foertidspension_before_2003": False,
}


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cpr": "1208921237",
        "case_ref": "K-2026-88",
        "situation": 3,
        "homeless_since": "2026-05-01",
        "household": {"adults": 2, "children": 1},
        "income": [
            {"kind": "kontanthjaelp", "monthly_dkk": 12064},
            {"kind": "salary", "monthly_dkk": 9000, "person": 1},
            {"kind": "boerne_og_ungeydelse", "monthly_dkk": 1114},
        ],
    }
    return body | changes


def test_money_facts_are_recorded_and_reach_the_problem_document(api: Api) -> None:
    created = api.request("staff", "POST", C, json=_body(benefit_facts=FACTS))
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["benefit_facts"] == FACTS
    assert case["income"][1] == {"kind": "salary", "monthly_dkk": 9000.0, "person": 1}
    assert case["income"][2]["kind"] == "boerne_og_ungeydelse"
    with api.sessions() as session:
        stored = session.scalars(select(CitizenCase).where(CitizenCase.id == case["id"])).one()
        document = citizen_document(stored)
    assert {name: document[name] for name in FACTS} == FACTS  # type: ignore[literal-required]
    assert document["income"][1] == {"kind": "salary", "monthly_dkk": 9000.0, "person": 1}
    citizen = mp.Citizen.model_validate(document)
    assert citizen.church_member and citizen.mobility_impaired and citizen.seniorpension

    changed = api.request(
        "staff",
        "PATCH",
        f"{C}/{case['id']}",
        json={"benefit_facts": {"doegnhjaelp": True}},
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["benefit_facts"] == {
        "church_member": False,
        "mobility_impaired": False,
        "doegnhjaelp": True,
        "seniorpension": False,
        "foertidspension_before_2003": False,
    }


def test_defaults_are_false_and_an_item_of_a_missing_adult_is_refused(api: Api) -> None:
    plain = api.request("staff", "POST", C, json=_body(household={"adults": 2, "children": 0}))
    assert plain.status_code == 201, plain.text
    assert set(plain.json()["benefit_facts"].values()) == {False}
    bad = api.request(
        "staff",
        "POST",
        C,
        json=_body(
            cpr="0101901234",
            case_ref="K-2026-89",
            household={"adults": 1, "children": 0},
        ),
    )
    assert bad.status_code == 422, bad.text
    assert "person 1" in bad.text
