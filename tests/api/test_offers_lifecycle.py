"""The offer life cycle through real HTTP, on SQLite and PostgreSQL.

Match run → send → decline → the next proposal excludes the declined pair → send →
accept: the home is let, the citizen housed, every other open offer withdrawn, an
audit row for each step. Plus expiry and re-offer, the invalid transitions (409
problems), scoping (another municipality gets 404) and the association's
citizen-free view.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select, update

from allocation.models import CaseStatus, CitizenCase, Offer, OfferStatus
from api.routes.allocation_common import today
from inventory.models import Department, Unit, Vacancy, VacancyStatus
from kernel.audit import AuditEvent

PROBLEM_JSON = "application/problem+json"


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["type"].endswith("/" + slug), body
    return body


def _run(api: Any, **headers: str) -> dict[str, Any]:
    response = api.request("staff", "POST", "/api/v1/match-runs", json={}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _ranked_offers(api: Any, run_id: int) -> dict[int, list[dict[str, Any]]]:
    response = api.request("staff", "GET", f"/api/v1/match-runs/{run_id}/offers?limit=200")
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"]), "one page holds the whole run here"
    by_vacancy: dict[int, list[dict[str, Any]]] = {}
    for offer in page["items"]:
        by_vacancy.setdefault(offer["vacancy_id"], []).append(offer)
    return by_vacancy


def _send(api: Any, offer_id: int) -> dict[str, Any]:
    response = api.request("staff", "POST", "/api/v1/offers", json={"offer_id": offer_id})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "sent"
    return body


def _audit(api: Any, action: str, entity_id: int) -> int:
    with api.sessions() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == action, AuditEvent.entity_id == str(entity_id))
            )
            or 0
        )


def test_whole_life_cycle(api: Any) -> None:
    # A plan; a retried request with the same Idempotency-Key gets the same run back.
    run = _run(api, **{"Idempotency-Key": "plan-1"})
    again = _run(api, **{"Idempotency-Key": "plan-1"})
    assert again["id"] == run["id"]
    assert run["status"] == "OPTIMAL" and run["assignments"] and run["purpose"] == "match"
    fetched = api.request("staff", "GET", f"/api/v1/match-runs/{run['id']}").json()
    assert fetched["assignments"] == run["assignments"]

    ranked = _ranked_offers(api, run["id"])
    vacancy_id, candidates = next((v, c) for v, c in ranked.items() if len(c) >= 2)
    first = candidates[0]
    assert [c["rank"] for c in candidates] == list(range(1, len(candidates) + 1))
    assert first["why"] and first["status"] == "proposed"
    assigned = {(a["vacancy"], a["citizen"]) for a in run["assignments"]}
    assert (str(vacancy_id), first["case_ref"]) in assigned

    # Send the plan's choice: the home is offered, the deadline set by the policy.
    sent = _send(api, first["id"])
    assert sent["answer_deadline"] == (today() + dt.timedelta(days=5)).isoformat()
    # Decline: counted, the home opens, the next citizen (not the same one) is proposed.
    response = api.request(
        "staff",
        "POST",
        f"/api/v1/offers/{first['id']}/decline",
        json={"reason": "wrong_area", "note": "far from her support network"},
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["offer"]["status"] == "declined"
    assert answer["offer"]["decline_reason"] == "wrong_area"
    assert answer["refusal"] == {
        "refused_offers": 1,
        "max_refusals": 2,
        "action": "none",
        "review_required": False,
    }
    nxt = answer["next_offer"]
    assert nxt is not None and nxt["vacancy_id"] == vacancy_id
    assert nxt["case_ref"] != first["case_ref"] and nxt["status"] == "proposed"
    # The re-plan is a run of its own that excludes the declined pair, and says so.
    replan = api.request("staff", "GET", f"/api/v1/match-runs/{nxt['match_run_id']}").json()
    assert replan["purpose"] == "propose_next"
    assert [first["case_ref"], str(vacancy_id)] in replan["excluded_pairs"]
    why = api.request(
        "staff",
        "GET",
        f"/api/v1/match-runs/{nxt['match_run_id']}/explain",
        params={"citizen": first["case_ref"], "vacancy": str(vacancy_id)},
    ).json()
    assert why["excluded"] is True and why["feasible"] is False and why["reasons"]

    # Send the next one; it is accepted.
    _send(api, nxt["id"])
    response = api.request("staff", "POST", f"/api/v1/offers/{nxt['id']}/accept")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"
    assert response.headers["etag"] == f'"{response.json()["version"]}"'

    with api.sessions() as s:
        vacancy = s.get(Vacancy, vacancy_id)
        housed = s.get(CitizenCase, nxt["case_id"])
        declined = s.get(CitizenCase, first["case_id"])
        assert vacancy is not None and housed is not None and declined is not None
        assert vacancy.status == VacancyStatus.let
        assert housed.status == CaseStatus.housed
        assert (declined.status, declined.refused_offers) == (CaseStatus.active, 1)
        still_open = s.scalars(
            select(Offer).where(
                Offer.status.in_([OfferStatus.proposed, OfferStatus.sent]),
                (Offer.vacancy_id == vacancy_id) | (Offer.case_id == nxt["case_id"]),
            )
        ).all()
        assert still_open == []
        assert s.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.vacancy_id == vacancy_id, Offer.status == OfferStatus.withdrawn)
        )
    for action, entity_id in [
        ("match_run.create", run["id"]),
        ("offer.send", first["id"]),
        ("vacancy.offered", vacancy_id),
        ("offer.decline", first["id"]),
        ("case.refusal", first["case_id"]),
        ("vacancy.open", vacancy_id),
        ("match_run.create", nxt["match_run_id"]),
        ("offer.send", nxt["id"]),
        ("offer.accept", nxt["id"]),
        ("vacancy.let", vacancy_id),
        ("case.housed", nxt["case_id"]),
    ]:
        assert _audit(api, action, entity_id) == (2 if action == "vacancy.offered" else 1), action

    # Invalid transitions are 409 problems with clear titles.
    twice = _problem(
        api.request("staff", "POST", f"/api/v1/offers/{nxt['id']}/accept"),
        409,
        "offer-already-accepted",
    )
    assert twice["title"] == "Tilbuddet er allerede taget imod"
    _problem(
        api.request(
            "staff", "POST", f"/api/v1/offers/{nxt['id']}/decline", json={"reason": "other"}
        ),
        409,
        "offer-already-accepted",
    )
    _problem(
        api.request("staff", "POST", f"/api/v1/offers/{first['id']}/accept"),
        409,
        "offer-declined",
    )
    _problem(
        api.request("staff", "POST", "/api/v1/offers", json={"offer_id": candidates[1]["id"]}),
        409,
        "offer-withdrawn",
    )


def test_expiry_on_read_and_reoffer(api: Any) -> None:
    run = _run(api)
    ranked = _ranked_offers(api, run["id"])
    vacancy_id, candidates = next((v, c) for v, c in ranked.items() if len(c) >= 2)
    offer = _send(api, candidates[0]["id"])
    # The citizen did not answer: the deadline passed yesterday.
    with api.sessions() as s, s.begin():
        s.execute(
            update(Offer)
            .where(Offer.id == offer["id"])
            .values(answer_deadline=today() - dt.timedelta(days=1))
        )
    response = api.request("staff", "GET", f"/api/v1/offers/{offer['id']}")
    assert response.status_code == 200 and response.json()["status"] == "expired"
    expired = _problem(
        api.request("staff", "POST", f"/api/v1/offers/{offer['id']}/accept"),
        409,
        "offer-expired",
    )
    assert expired["title"] == "Svarfristen er udløbet"
    proposed = api.request(
        "staff",
        "GET",
        "/api/v1/offers",
        params={"vacancy_id": vacancy_id, "status": "proposed"},
    ).json()["items"]
    assert proposed and all(p["case_ref"] != offer["case_ref"] for p in proposed)
    assert min(p["rank"] for p in proposed) == 1
    # The re-offer can be sent: the home is open again.
    _send(api, next(p for p in proposed if p["rank"] == 1)["id"])
    assert _audit(api, "offer.expire", offer["id"]) == 1


def test_late_answers_stale_versions_and_bad_requests(api: Any) -> None:
    """An accept after the deadline is refused and the expiry kept; If-Match is checked;
    bad weights, reasons and send bodies are 422 problems naming the field."""
    run = _run(api)
    ranked = list(_ranked_offers(api, run["id"]).values())
    first = ranked[0][0]
    offer = _send(api, first["id"])
    with api.sessions() as s, s.begin():
        s.execute(
            update(Offer)
            .where(Offer.id == offer["id"])
            .values(answer_deadline=today() - dt.timedelta(days=1))
        )
    _problem(
        api.request("staff", "POST", f"/api/v1/offers/{offer['id']}/accept"),
        409,
        "offer-expired",
    )
    with api.sessions() as s:
        row = s.get(Offer, offer["id"])
        vacancy = s.get(Vacancy, offer["vacancy_id"])
        assert row is not None and vacancy is not None
        assert row.status == OfferStatus.expired  # kept although the request failed
        assert vacancy.status == VacancyStatus.open
    other = next(c[0] for c in ranked[1:] if c[0]["case_id"] != first["case_id"])
    sent = _send(api, other["id"])
    stale = f'"{sent["version"] - 1}"'
    _problem(
        api.request(
            "staff", "POST", f"/api/v1/offers/{sent['id']}/accept", headers={"If-Match": stale}
        ),
        412,
        "precondition-failed",
    )
    current = api.request("staff", "GET", f"/api/v1/offers/{sent['id']}").headers["etag"]
    response = api.request(
        "staff", "POST", f"/api/v1/offers/{sent['id']}/accept", headers={"If-Match": current}
    )
    assert response.status_code == 200, response.text
    bad_weights = api.request(
        "staff", "POST", "/api/v1/match-runs", json={"weights": {"situation": "lots"}}
    )
    body = _problem(bad_weights, 422, "invalid-problem")
    assert body["errors"] and body["errors"][0]["field"].startswith("weights")
    _problem(
        api.request(
            "staff", "POST", f"/api/v1/offers/{sent['id']}/decline", json={"reason": "meh"}
        ),
        422,
        "validation-error",
    )
    _problem(
        api.request("staff", "POST", "/api/v1/offers", json={"offer_id": 1, "vacancy_id": 2}),
        422,
        "validation-error",
    )


def test_staff_may_send_a_chosen_feasible_pair_only(api: Any) -> None:
    run = _run(api)
    with api.sessions() as s:
        refs = {c.case_ref: c.id for c in s.scalars(select(CitizenCase))}
    # Ask the run which pairs are ruled out, and try to send one anyway.
    explained = [
        api.request(
            "staff",
            "GET",
            f"/api/v1/match-runs/{run['id']}/explain",
            params={"citizen": u["citizen"], "vacancy": str(v)},
        ).json()
        for u in run["unmatched"][:3]
        for v in sorted({a["vacancy"] for a in run["assignments"]})[:4]
    ]
    ruled_out = next(e for e in explained if not e["feasible"])
    # The name for the same question answers the same.
    why_not = api.request(
        "staff",
        "GET",
        f"/api/v1/match-runs/{run['id']}/why-not",
        params={"citizen": ruled_out["citizen"], "vacancy": ruled_out["vacancy"]},
    )
    assert why_not.status_code == 200 and why_not.json() == ruled_out
    body = _problem(
        api.request(
            "staff",
            "POST",
            "/api/v1/offers",
            json={"vacancy_id": int(ruled_out["vacancy"]), "case_ref": ruled_out["citizen"]},
        ),
        422,
        "pair-infeasible",
    )
    assert body["errors"] and [e["problem"] for e in body["errors"]] == ruled_out["reasons"]
    # A feasible pair the plan did not choose can be sent.
    alternate = next(
        c for offers in _ranked_offers(api, run["id"]).values() for c in offers if c["rank"] == 2
    )
    response = api.request(
        "staff",
        "POST",
        "/api/v1/offers",
        json={"vacancy_id": alternate["vacancy_id"], "case_id": refs[alternate["case_ref"]]},
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "sent" and response.json()["id"] == alternate["id"]


def test_who_sees_what(api: Any) -> None:
    """Only staff plan and answer, only for their own municipality (others get 404);
    associations see the status of offers on their own homes and nothing of citizens."""
    _problem(api.request(None, "POST", "/api/v1/match-runs", json={}), 401, "unauthorized")
    _problem(api.request("association", "POST", "/api/v1/match-runs", json={}), 403, "forbidden")
    _problem(api.request("planner", "GET", "/api/v1/offers"), 403, "forbidden")
    run = _run(api)
    offer_id = next(iter(_ranked_offers(api, run["id"]).values()))[0]["id"]
    # Another municipality's staff see nothing of it: 404 like a missing id.
    for path in (
        f"/api/v1/match-runs/{run['id']}",
        f"/api/v1/match-runs/{run['id']}/offers",
        f"/api/v1/offers/{offer_id}",
    ):
        _problem(
            api.request("staff_other", "GET", path),
            404,
            "match-run-not-found" if "match-runs" in path else "offer-not-found",
        )
    _problem(
        api.request("staff_other", "POST", f"/api/v1/offers/{offer_id}/accept"),
        404,
        "offer-not-found",
    )
    assert api.request("staff_other", "GET", "/api/v1/offers").json()["items"] == []
    assert api.request("staff_other", "GET", "/api/v1/match-runs").json()["total"] == 0
    # The association's view of the same plan.
    with api.sessions() as s:
        own = set(
            s.scalars(
                select(Vacancy.id)
                .join(Unit, Unit.id == Vacancy.unit_id)
                .join(Department, Department.id == Unit.department_id)
                .where(Department.association_id == api.association_id)
            )
        )
    ranked = _ranked_offers(api, run["id"])
    mine = [c[0] for v, c in ranked.items() if v in own]
    theirs = [c[0] for v, c in ranked.items() if v not in own]
    assert mine, "the association token's association owns a planned home"
    sent = [_send(api, o["id"]) for o in mine[:1] + theirs[:1]]
    response = api.request("association", "GET", "/api/v1/association/offers")
    assert response.status_code == 200, response.text
    rows = response.json()["items"]
    assert [r["offer_id"] for r in rows] == [sent[0]["id"]]
    assert set(rows[0]) == {
        "offer_id",
        "vacancy_id",
        "unit_ref",
        "department",
        "status",
        "sent_at",
        "answer_deadline",
        "answered_at",
    }
    text = json.dumps(rows)
    assert sent[0]["case_ref"] not in text and "case" not in text
    assert all(cpr not in text for cpr in api.cprs)
    # Staff endpoints stay closed to associations.
    _problem(api.request("association", "GET", "/api/v1/offers"), 403, "forbidden")
    _problem(api.request("staff", "GET", "/api/v1/association/offers"), 403, "forbidden")


def test_closing_a_case_or_withdrawing_a_home_withdraws_its_open_offers(api: Any) -> None:
    run = _run(api)
    ranked = _ranked_offers(api, run["id"])
    vacancy_id, candidates = next((v, c) for v, c in ranked.items() if c)
    sent = _send(api, candidates[0]["id"])
    with api.sessions() as s:
        case_id = s.scalar(select(Offer.case_id).where(Offer.id == sent["id"]))
    response = api.request(
        "staff", "POST", f"/api/v1/cases/{case_id}/close", json={"reason": "moved_away"}
    )
    assert response.status_code == 200, response.text
    with api.sessions() as s:
        statuses = set(s.scalars(select(Offer.status).where(Offer.case_id == case_id)))
        home = s.get(Vacancy, vacancy_id)
        assert home is not None and home.status == VacancyStatus.open  # given back
    assert statuses == {OfferStatus.withdrawn}
    assert _audit(api, "offer.withdraw", sent["id"]) == 1

    # The association withdraws one of its open homes that has proposals on it.
    with api.sessions() as s:
        own = s.scalar(
            select(Offer.vacancy_id)
            .join(Vacancy, Vacancy.id == Offer.vacancy_id)
            .join(Unit)
            .join(Department)
            .where(
                Department.association_id == api.association_id,
                Offer.status == OfferStatus.proposed,
                Vacancy.status == VacancyStatus.open,
            )
            .limit(1)
        )
    assert own is not None, "the generated world gives the association a proposal"
    response = api.request("association", "POST", f"/api/v1/vacancies/{own}/withdraw")
    assert response.status_code == 200, response.text
    with api.sessions() as s:
        left = set(s.scalars(select(Offer.status).where(Offer.vacancy_id == own)))
    assert left == {OfferStatus.withdrawn}


def test_match_runs_are_listed_newest_first_with_their_counts(api: Any) -> None:
    first = _run(api)
    second = _run(api, **{"Idempotency-Key": "list-test-second-run"})
    listed = api.request("staff", "GET", "/api/v1/match-runs").json()
    assert listed["total"] == 2
    assert [r["id"] for r in listed["items"]] == [second["id"], first["id"]]
    for item, run in zip(listed["items"], (second, first), strict=True):
        assert item["housed"] == len(run["assignments"]) > 0
        assert item["unmatched_citizens"] == len(run["unmatched"])
        for field in ("status", "objective", "citizens", "vacancies", "created_by", "purpose"):
            assert item[field] == run[field]
        assert "assignments" not in item  # the plan itself is read by id
    page = api.request("staff", "GET", "/api/v1/match-runs?limit=1&offset=1").json()
    assert [r["id"] for r in page["items"]] == [first["id"]]
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)
    _problem(api.request("staff", "GET", "/api/v1/match-runs?limit=0"), 422, "validation-error")
