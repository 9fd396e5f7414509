"""Idempotency-Key under real concurrency, across scopes, and when the first attempt fails.

Twenty clients send one creating request with one key at the same moment, each on
its own connection to a real uvicorn server, on SQLite and on PostgreSQL: all
twenty get the same answer (one made it, nineteen replay it: none gets 409), and
the database holds one case and one stored answer. The same person's key in
another municipality is another request, never the first municipality's answer. A
failed attempt leaves no claim behind; a claim left by a dead worker is taken over
after the lease; a retry that outwaits a live one gets 409 with ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

warnings.filterwarnings("ignore", message=".*httpx2.*")  # starlette's TestClient notice

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from allocation.models import CitizenCase, MatchRun  # noqa: E402
from api.app import create_app  # noqa: E402
from api.auth import Role, issue_token  # noqa: E402
from api.idempotency import REPLAYED_HEADER  # noqa: E402
from api.models import IdempotencyRecord  # noqa: E402
from kernel.db import utcnow  # noqa: E402
from kernel.settings import get_settings  # noqa: E402

CASES = "/api/v1/cases"
RUNS = "/api/v1/match-runs"
RACERS = 20


def _case_body(**changes: Any) -> dict[str, Any]:
    today = dt.date.today()
    body: dict[str, Any] = {
        "cpr": "1208921237",
        "situation": 7,
        "homeless_since": (today - dt.timedelta(days=200)).isoformat(),
        "registered_on": (today - dt.timedelta(days=30)).isoformat(),
        "household": {"adults": 1, "children": 0},
        "income": [{"kind": "kontanthjaelp", "monthly_dkk": 12064}],
        "support": "CTI",
    }
    return body | changes


def _bearer(municipality: str, subject: str = "anne@kommune.dk") -> dict[str, str]:
    token = issue_token(subject=subject, role=Role.staff, municipality_code=municipality)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def app(db_url: str) -> Iterator[FastAPI]:
    application = create_app(database_url=db_url)
    yield application
    application.state.engine.dispose()


def _count(app: FastAPI, model: type[Any]) -> int:
    with app.state.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=20)


def test_twenty_parallel_retries_get_one_answer_and_leave_one_record(
    app: FastAPI, server: str, backend: str
) -> None:
    headers = {**_bearer("461"), "Idempotency-Key": "storm-7f3a"}
    body = _case_body(case_ref="K-STORM-1")
    barrier = threading.Barrier(RACERS)
    answers: list[httpx.Response] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def post() -> None:
        try:
            with httpx.Client(base_url=server, timeout=120) as client:
                client.get("/health")  # connected before the start signal
                barrier.wait(timeout=30)
                response = client.post(CASES, json=body, headers=headers)
            with lock:
                answers.append(response)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=post) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert not errors, errors
    assert [a.status_code for a in answers] == [201] * RACERS, [a.text for a in answers]
    assert len({a.text for a in answers}) == 1  # twenty identical answers
    assert len({a.headers["location"] for a in answers}) == 1
    assert sum(a.headers.get(REPLAYED_HEADER) == "true" for a in answers) == RACERS - 1
    assert _count(app, CitizenCase) == 1
    with app.state.sessions() as session:
        (record,) = session.scalars(select(IdempotencyRecord)).all()
    assert (record.status_code, record.scope) == (201, "municipality:461")
    assert record.response_body == answers[0].json()


def test_the_same_persons_key_in_another_municipality_is_another_request(app: FastAPI) -> None:
    """A token for 101 never gets the run or case that the same key made for 461."""
    with TestClient(app) as client:
        key = {"Idempotency-Key": "same-key-everywhere"}
        odense = client.post(RUNS, json={}, headers={**_bearer("461"), **key})
        copenhagen = client.post(RUNS, json={}, headers={**_bearer("101"), **key})
        assert odense.status_code == copenhagen.status_code == 201, copenhagen.text
        assert REPLAYED_HEADER not in copenhagen.headers
        assert odense.json()["id"] != copenhagen.json()["id"]
        with app.state.sessions() as session:
            runs = {r.id: r.municipality_code for r in session.scalars(select(MatchRun))}
        assert runs == {odense.json()["id"]: "461", copenhagen.json()["id"]: "101"}
        # Odense's own retry still gets Odense's run.
        again = client.post(RUNS, json={}, headers={**_bearer("461"), **key})
        assert again.headers[REPLAYED_HEADER] == "true" and again.json() == odense.json()

        case_key = {"Idempotency-Key": "case-everywhere"}
        created = client.post(CASES, json=_case_body(), headers={**_bearer("461"), **case_key})
        assert created.status_code == 201, created.text
        elsewhere = client.post(CASES, json=_case_body(), headers={**_bearer("101"), **case_key})
        # The work ran for 101 and found the person's open case: no copy of Odense's case.
        assert elsewhere.status_code == 409, elsewhere.text
        assert elsewhere.json()["type"].endswith("/case-exists")
        assert created.json()["case_ref"] not in elsewhere.text
    assert _count(app, CitizenCase) == 1


def test_a_failed_attempt_releases_its_claim(app: FastAPI) -> None:
    with TestClient(app) as client:
        headers = {**_bearer("461"), "Idempotency-Key": "fails-first"}
        taken = client.post(CASES, json=_case_body(case_ref="K-1"), headers=_bearer("461"))
        assert taken.status_code == 201
        refused = client.post(
            CASES, json=_case_body(cpr="0101901234", case_ref="K-1"), headers=headers
        )
        assert refused.status_code == 409, refused.text
        assert _count(app, IdempotencyRecord) == 0  # no claim left waiting
        retried = client.post(
            CASES, json=_case_body(cpr="0101901234", case_ref="K-1"), headers=headers
        )
        assert retried.status_code == 409 and REPLAYED_HEADER not in retried.headers  # ran again


def test_a_dead_workers_claim_is_taken_over_and_a_live_one_waited_for(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A claim with no answer: within the lease a retry waits, then 409 + Retry-After;
    past the lease (the worker died) the retry does the work."""
    monkeypatch.setenv("BOLIGMATCH_IDEMPOTENCY_WAIT_SECONDS", "0.5")
    get_settings.cache_clear()
    try:
        headers = {**_bearer("461"), "Idempotency-Key": "orphan"}
        with TestClient(app) as client:  # a real record, to copy its route and body hash
            probe = client.post(RUNS, json={}, headers={**headers, "Idempotency-Key": "probe"})
            assert probe.status_code == 201
        with app.state.sessions() as session, session.begin():
            model = session.scalars(select(IdempotencyRecord)).one()
            session.add(  # the claim of a worker that died before answering
                IdempotencyRecord(
                    key="orphan",
                    subject=model.subject,
                    scope=model.scope,
                    route=model.route,
                    request_hash=model.request_hash,
                    status_code=None,
                    response_body=None,
                    response_headers={},
                )
            )
        with TestClient(app) as client:
            started = time.monotonic()
            busy = client.post(RUNS, json={}, headers=headers)
            assert busy.status_code == 409 and busy.headers["retry-after"].isdigit()
            assert 0.4 < time.monotonic() - started < 10
            lease = get_settings().idempotency_lease_seconds
            with app.state.sessions() as session, session.begin():
                session.execute(
                    update(IdempotencyRecord)
                    .where(IdempotencyRecord.key == "orphan")
                    .values(created_at=utcnow() - dt.timedelta(seconds=lease + 1))
                )
            taken_over = client.post(RUNS, json={}, headers=headers)
            assert taken_over.status_code == 201, taken_over.text
            replay = client.post(RUNS, json={}, headers=headers)
            assert replay.headers[REPLAYED_HEADER] == "true"
            assert replay.json() == taken_over.json()
        assert _count(app, IdempotencyRecord) == 2 and _count(app, MatchRun) == 2
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
