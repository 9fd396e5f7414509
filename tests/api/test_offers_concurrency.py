"""Twenty simultaneous accepts for one home against a real server on PostgreSQL.

Normally a home carries one sent offer at a time, so the race is staged directly in
the database: twenty citizens each hold a sent offer of the same home. Twenty
threads, each with its own HTTP connection, wait at a barrier and then accept at
once through a real uvicorn server. Exactly one may win; the other nineteen must get
a clean 409 problem, and the database must show one accepted offer, nineteen
withdrawn ones, one let and one housed, nothing lost and nothing duplicated.

SQLite has a single writer, so the race cannot happen there; this test runs only
when PostgreSQL is configured (BOLIGMATCH_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from allocation.models import AuditEvent, CaseStatus, CitizenCase, Offer, OfferStatus
from api.app import create_app
from api.auth import Role, issue_token
from api.routes.allocation_common import today
from boligmatch.db import make_engine, session_factory
from boligmatch.generator import generate
from boligmatch.loading import load_world
from inventory.models import Unit, Vacancy, VacancyStatus

RACERS = 20


@pytest.fixture
def server(db_url: str, backend: str) -> Iterator[str]:
    """A real uvicorn server on a free local port, serving the app on ``db_url``.

    The SQLite instance is skipped (a copied file, cheap): the race needs row locks.
    """
    if backend != "postgresql":
        pytest.skip("the concurrent-accept race needs PostgreSQL's row locks")
    app = create_app(database_url=db_url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", limit_concurrency=100)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = time.monotonic()
    while not instance.started:
        assert thread.is_alive() and time.monotonic() - started < 30, "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=30)
        sock.close()


def test_twenty_simultaneous_accepts_for_one_home(db_url: str, server: str) -> None:
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    world = generate(seed=7, n_citizens=RACERS + 5, n_vacancies=4, n_units=20)
    with sessions() as s, s.begin():
        load_world(s, world, cpr_secret="concurrency-test-secret")
    with sessions() as s, s.begin():
        vacancy = s.scalars(
            select(Vacancy)
            .join(Unit, Unit.id == Vacancy.unit_id)
            .where(Unit.allocation_municipality_code == "461")
            .order_by(Vacancy.id)
        ).first()
        assert vacancy is not None
        cases = list(s.scalars(select(CitizenCase).order_by(CitizenCase.id).limit(RACERS)))
        assert len(cases) == RACERS
        vacancy.status = VacancyStatus.offered
        offers = [
            Offer(
                vacancy_id=vacancy.id,
                case_id=case.id,
                rank=rank,
                status=OfferStatus.sent,
                sent_at=dt.datetime.now(dt.UTC),
                answer_deadline=today() + dt.timedelta(days=5),
            )
            for rank, case in enumerate(cases, start=1)
        ]
        s.add_all(offers)
        s.flush()
        vacancy_id = vacancy.id
        offer_ids = [o.id for o in offers]
        case_ids = [c.id for c in cases]

    token = issue_token(subject="staff-461", role=Role.staff, municipality_code="461")
    barrier = threading.Barrier(RACERS)
    results: dict[int, httpx.Response] = {}
    errors: list[BaseException] = []

    def accept(offer_id: int) -> None:
        try:
            with httpx.Client(
                base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=60
            ) as client:
                client.get("/health")  # open the connection before the start signal
                barrier.wait(timeout=30)
                results[offer_id] = client.post(f"/api/v1/offers/{offer_id}/accept")
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)

    threads = [threading.Thread(target=accept, args=(i,)) for i in offer_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(results) == RACERS

    statuses = Counter(r.status_code for r in results.values())
    assert statuses == {200: 1, 409: RACERS - 1}, {
        i: (r.status_code, r.text[:200]) for i, r in results.items()
    }
    for response in results.values():
        if response.status_code == 409:
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["status"] == 409
    winner = next(i for i, r in results.items() if r.status_code == 200)

    with sessions() as s:
        rows = {o.id: o for o in s.scalars(select(Offer).where(Offer.vacancy_id == vacancy_id))}
        assert set(rows) == set(offer_ids)  # nothing lost, nothing added
        assert Counter(o.status for o in rows.values()) == {
            OfferStatus.accepted: 1,
            OfferStatus.withdrawn: RACERS - 1,
        }
        assert rows[winner].status == OfferStatus.accepted
        vacancy_row = s.get(Vacancy, vacancy_id)
        assert vacancy_row is not None and vacancy_row.status == VacancyStatus.let
        case_status = Counter(
            s.scalars(select(CitizenCase.status).where(CitizenCase.id.in_(case_ids)))
        )
        assert case_status == {CaseStatus.housed: 1, CaseStatus.active: RACERS - 1}
        let_events = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "vacancy.let", AuditEvent.entity_id == str(vacancy_id))
        )
        accept_events = s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "offer.accept")
        )
        assert (let_events, accept_events) == (1, 1)
    engine.dispose()
