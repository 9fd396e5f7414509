"""Twenty simultaneous answers to one sent offer against a real server on PostgreSQL.

A home carries one sent offer at a time (the database enforces it), so the race that
matters is on that one offer: twenty threads, each with its own HTTP connection, wait
at a barrier and then answer at once through a real uvicorn server: all twenty
accepting (double submits from several staff screens), and half accepting, half
declining. Exactly one answer may win; the other nineteen must get a clean 409
problem, and the database must show the one outcome consistently (offer, home,
case, refusal count, audit trail), nothing lost and nothing duplicated.

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

from allocation.models import CaseStatus, CitizenCase, Offer, OfferStatus
from api.app import create_app
from api.auth import Role, issue_token
from api.routes.allocation_common import today
from boligmatch.loading import load_world
from inventory.models import Unit, Vacancy, VacancyStatus
from kernel.audit import AuditEvent
from kernel.db import make_engine, session_factory
from synthetic.population import generate

RACERS = 20


@pytest.fixture
def server(db_url: str, backend: str) -> Iterator[str]:
    """A real uvicorn server on a free local port, serving the app on ``db_url``.

    The SQLite instance is skipped (a copied file, cheap): the race needs row locks.
    """
    if backend != "postgresql":
        pytest.skip("the concurrent-answer race needs PostgreSQL's row locks")
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


@pytest.mark.parametrize("decliners", [0, RACERS // 2], ids=["all-accept", "half-decline"])
def test_twenty_simultaneous_answers_to_one_offer(db_url: str, server: str, decliners: int) -> None:
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    world = generate(seed=7, n_citizens=5, n_vacancies=4, n_units=20)
    with sessions() as s, s.begin():
        load_world(s, world, cpr_secret="concurrency-test-secret")
    with sessions() as s, s.begin():
        vacancy = s.scalars(
            select(Vacancy)
            .join(Unit, Unit.id == Vacancy.unit_id)
            .where(Unit.allocation_municipality_code == "461")
            .order_by(Vacancy.id)
        ).first()
        case = s.scalars(select(CitizenCase).order_by(CitizenCase.id)).first()
        assert vacancy is not None and case is not None
        vacancy.status = VacancyStatus.offered
        offer = Offer(
            vacancy_id=vacancy.id,
            case_id=case.id,
            rank=1,
            status=OfferStatus.sent,
            sent_at=dt.datetime.now(dt.UTC),
            answer_deadline=today() + dt.timedelta(days=5),
        )
        s.add(offer)
        s.flush()
        vacancy_id, case_id, offer_id = vacancy.id, case.id, offer.id
        refusals_before = case.refused_offers

    token = issue_token(subject="staff-461", role=Role.staff, municipality_code="461")
    barrier = threading.Barrier(RACERS)
    results: dict[int, httpx.Response] = {}
    errors: list[BaseException] = []

    def answer(racer: int) -> None:
        try:
            with httpx.Client(
                base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=60
            ) as client:
                client.get("/health")  # open the connection before the start signal
                barrier.wait(timeout=30)
                if racer >= decliners:
                    results[racer] = client.post(f"/api/v1/offers/{offer_id}/accept")
                else:
                    results[racer] = client.post(
                        f"/api/v1/offers/{offer_id}/decline", json={"reason": "other"}
                    )
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(RACERS)]
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
    accepted = winner >= decliners

    with sessions() as s:
        rows = list(s.scalars(select(Offer).where(Offer.vacancy_id == vacancy_id)))
        mine = [o for o in rows if o.id == offer_id]
        assert len(mine) == 1  # nothing lost
        assert mine[0].status == (OfferStatus.accepted if accepted else OfferStatus.declined)
        assert sum(o.status == OfferStatus.accepted for o in rows) == (1 if accepted else 0)
        vacancy_row = s.get(Vacancy, vacancy_id)
        case_row = s.get(CitizenCase, case_id)
        assert vacancy_row is not None and case_row is not None
        if accepted:
            assert vacancy_row.status == VacancyStatus.let
            assert case_row.status == CaseStatus.housed
            assert case_row.refused_offers == refusals_before
        else:
            assert vacancy_row.status != VacancyStatus.let
            assert case_row.refused_offers == refusals_before + 1
        events = Counter(
            s.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.entity_id == str(offer_id),
                    AuditEvent.action.in_(["offer.accept", "offer.decline"]),
                )
            )
        )
        assert events == {("offer.accept" if accepted else "offer.decline"): 1}
        let_events = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "vacancy.let", AuditEvent.entity_id == str(vacancy_id))
        )
        assert let_events == (1 if accepted else 0)
    engine.dispose()
