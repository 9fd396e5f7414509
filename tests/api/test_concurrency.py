"""Optimistic concurrency under real parallel requests (PostgreSQL; SQLite serialises writers).

Twenty clients read the same version of a vacancy and PATCH it at the same moment
through a real uvicorn server: exactly one wins, the other nineteen get 412, and
the version moves by exactly one.
"""

from __future__ import annotations

import threading

import httpx
import pytest
from api_testkit import Api, running_server

CLIENTS = 20


def test_twenty_simultaneous_patches_one_wins(api: Api) -> None:
    if api.backend != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers")
    vacancy_id = api.own_vacancy_ids()[0]
    read = api.request("association", "GET", f"/api/v1/vacancies/{vacancy_id}")
    version = read.json()["version"]
    headers = api.headers("association", **{"If-Match": read.headers["etag"]})
    start = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    lock = threading.Lock()

    def patch(base_url: str, number: int) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            start.wait()
            response = client.patch(
                f"/api/v1/vacancies/{vacancy_id}",
                json={"rent_dkk": 5000 + number},
                headers=headers,
            )
        with lock:
            statuses.append(response.status_code)

    with running_server(api.app) as base_url:
        threads = [threading.Thread(target=patch, args=(base_url, n)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(statuses) == [200] + [412] * (CLIENTS - 1)
    final = api.request("association", "GET", f"/api/v1/vacancies/{vacancy_id}").json()
    assert final["version"] == version + 1


def test_simultaneous_retries_with_one_idempotency_key_create_once(api: Api) -> None:
    """Ten copies of one creating request at once: one vacancy; the rest replay it or get 409."""
    if api.backend != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers")
    vacancy_id = api.own_vacancy_ids()[0]
    withdrawn = api.request("association", "POST", f"/api/v1/vacancies/{vacancy_id}/withdraw")
    body = {"unit_id": withdrawn.json()["unit"]["id"], "available_from": "2027-01-02"}
    headers = api.headers("association", **{"Idempotency-Key": "retry-storm-1"})
    copies = 10
    start = threading.Barrier(copies)
    answers: list[tuple[int, dict[str, object]]] = []
    lock = threading.Lock()

    def post(base_url: str) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            start.wait()
            response = client.post("/api/v1/vacancies", json=body, headers=headers)
        with lock:
            answers.append((response.status_code, response.json()))

    with running_server(api.app) as base_url:
        threads = [threading.Thread(target=post, args=(base_url,)) for _ in range(copies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    created = [answer for status, answer in answers if status == 201]
    assert created and all(answer == created[0] for answer in created)
    assert all(status in (201, 409) for status, _ in answers), answers
    listed = api.request("association", "GET", "/api/v1/vacancies?status=open&limit=200").json()
    assert [v["id"] for v in listed["items"] if v["unit"]["id"] == body["unit_id"]] == [
        created[0]["id"]
    ]
