"""Probes at the API: values the matcher would refuse, Unicode-digit CPR numbers and CPR
numbers in free text are all stopped at the door (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import Probe
from sqlalchemy import select
from sqlalchemy.orm import Session

from allocation import workflow
from allocation.cpr import cpr_hash, normalise
from allocation.models import CitizenCase
from kernel.errors import Invalid
from kernel.settings import get_settings
from matcher import bounds
from matcher.problem import Vacancy as MatcherVacancy

V = "/api/v1/vacancies"


def _unit(department_id: int, **changes: Any) -> dict[str, Any]:
    unit = {
        "department_id": department_id,
        "unit_ref": "SEC-1",
        "address": "Probevej 1, 5000 Odense C",
        "lat": 55.40,
        "lon": 10.39,
        "area": "Centrum",
        "kind": "family",
        "rooms": 2,
        "size_m2": 55.0,
        "floor": 1,
        "elevator": False,
        "wheelchair": False,
        "pets_allowed": True,
        "rent_dkk": 5200.0,
        "utilities_dkk": 600.0,
        "deposit_dkk": 15000.0,
        "allocation": "municipal",
    }
    return {**unit, **changes}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("floor", -2),
        ("floor", 10**20),
        ("floor", bounds.FLOOR_MAX + 1),
        ("rent_dkk", 1e300),
        ("size_m2", 1e300),
        ("deposit_dkk", 1e20),
        ("rooms", bounds.ROOMS_MAX + 1),
        ("address", "A" * (bounds.ADDRESS_MAX + 1)),
        ("unit_ref", "R" * (bounds.REF_MAX + 1)),
        ("allocation_municipality_code", "٤٦١"),  # Arabic-Indic digits are not a code
    ],
)
def test_values_the_matcher_would_refuse_are_refused_by_the_api(
    probe: Probe, field: str, value: object
) -> None:
    body = {"unit": _unit(probe.department_id, **{field: value}), "available_from": "2026-12-01"}
    answer = probe.request("association", "POST", V, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert any(field in item["field"] for item in answer.json()["errors"]), answer.json()


def test_the_edges_the_api_accepts_the_matcher_accepts(probe: Probe) -> None:
    edges = {"floor": bounds.FLOOR_MIN, "rooms": bounds.ROOMS_MAX, "rent_dkk": bounds.DKK_MAX}
    body = {"unit": _unit(probe.department_id, **edges), "available_from": "2026-12-01"}
    answer = probe.request("association", "POST", V, json=body)
    assert answer.status_code == 201, answer.text
    unit = answer.json()["unit"]
    MatcherVacancy.model_validate(
        {
            "id": "v1",
            "municipality_code": "461",
            "area": unit["area"],
            "lat": unit["lat"],
            "lon": unit["lon"],
            "kind": unit["kind"],
            "rooms": unit["rooms"],
            "size_m2": unit["size_m2"],
            "rent_dkk": unit["rent_dkk"],
            "utilities_dkk": unit["utilities_dkk"],
            "deposit_dkk": unit["deposit_dkk"],
            "allocation": unit["allocation"],
            "floor": unit["floor"],
            "available_from": "2026-12-01",
            "department": "x/1",
        }
    )


def _case(cpr: str, **changes: Any) -> dict[str, Any]:
    return {"cpr": cpr, "situation": 2, "homeless_since": "2025-01-15", **changes}


FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("script", [FULL_WIDTH, ARABIC_INDIC])
def test_unicode_digit_cpr_finds_the_existing_case(probe: Probe, script: dict[int, str]) -> None:
    existing = probe.world.citizens[0].cpr.replace("-", "")
    typed = f"{existing[:6]}-{existing[6:]}".translate(script)
    assert typed != f"{existing[:6]}-{existing[6:]}"
    assert normalise(typed) == existing
    answer = probe.request("staff", "POST", "/api/v1/cases", json=_case(typed))
    assert answer.status_code == 409, answer.text
    assert answer.json()["type"].endswith("/case-exists")
    secret = get_settings().cpr_hash_secret
    assert cpr_hash(typed, secret) == cpr_hash(existing, secret)


def test_a_new_unicode_digit_cpr_is_stored_as_the_ascii_hash(probe: Probe) -> None:
    cpr = "0101901234"
    answer = probe.request("staff", "POST", "/api/v1/cases", json=_case(cpr.translate(FULL_WIDTH)))
    assert answer.status_code == 201, answer.text
    with probe.app.state.sessions() as session:
        stored = session.scalar(
            select(CitizenCase.cpr_hash).where(CitizenCase.id == answer.json()["id"])
        )
    assert stored == cpr_hash(cpr, get_settings().cpr_hash_secret)
    again = probe.request("staff", "POST", "/api/v1/cases", json=_case("010190-1234"))
    assert again.status_code == 409


CPR_SHAPED = ["120588-4321", "1205884321", "tlf. 120588 4321", "１２０５８８－４３２１"]


@pytest.mark.parametrize("text", CPR_SHAPED)
def test_cpr_shaped_free_text_is_refused_in_a_case(probe: Probe, text: str) -> None:
    answer = probe.request("staff", "POST", "/api/v1/cases", json=_case("0101901234", name=text))
    assert answer.status_code == 422, answer.text
    assert [i["field"] for i in answer.json()["errors"]] == ["body.name"]
    assert text not in answer.text


@pytest.mark.parametrize("text", CPR_SHAPED)
def test_cpr_shaped_decline_notes_are_refused(probe: Probe, text: str) -> None:
    answer = probe.request(
        "staff", "POST", "/api/v1/offers/1/decline", json={"reason": "other", "note": text}
    )
    assert answer.status_code == 422, answer.text
    assert [i["field"] for i in answer.json()["errors"]] == ["body.note"]
    # the web form's path (no pydantic model) applies the same rule in the workflow
    with Session(probe.app.state.engine) as session, pytest.raises(Invalid) as refused:
        workflow.decline_offer(
            session=session,
            offer_id=1,
            actor="staff-461",
            today=dt.date(2026, 12, 1),
            reason="other",
            note=text,
        )
    assert [e.field for e in refused.value.errors or []] == ["note"]


def test_ordinary_notes_with_numbers_pass(probe: Probe) -> None:
    answer = probe.request(
        "staff",
        "POST",
        "/api/v1/cases",
        json=_case("0101901234", name="Ring 12345678 efter kl. 10"),
    )
    assert answer.status_code == 201, answer.text
