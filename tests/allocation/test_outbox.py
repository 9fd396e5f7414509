"""The outbox: written with the event, delivered by the worker to a real SMTP server.

aiosmtpd listens on a free loopback port; the tests check what arrived there. One
test stops the server in the middle of a batch: nothing is lost, the rest is retried
after the backoff, and every message arrives exactly once when the server is back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from aftercare_testkit import SmtpServer, first_sendable, set_contact
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from allocation import match_runs, outbox, workflow
from allocation.models import OutboxMessage, OutboxStatus
from allocation.outbox import DeliveryError, PrintChannel, SmtpChannel
from boligmatch.loading import load_world
from kernel.db import utcnow
from kernel.settings import NoticeSettings
from synthetic.population import generate

CODE = "461"
WORLD = generate(seed=461, n_citizens=30, n_vacancies=8, n_units=40)
TODAY = WORLD.as_of
STAFF = "staff:test"


@pytest.fixture
def smtp() -> SmtpServer:
    server = SmtpServer()
    server.start()
    yield server  # type: ignore[misc]
    server.stop()


def _settings(server: SmtpServer) -> NoticeSettings:
    return NoticeSettings(
        smtp_port=server.port, smtp_from="anvisning@odense.test", backoff_seconds=60
    )


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions() as s, s.begin():
        load_world(s, WORLD, cpr_secret="test-secret")
    return sessions


def test_offer_letter_is_mailed_to_the_contact_person(
    world: sessionmaker[Session], smtp: SmtpServer
) -> None:
    with world() as s, s.begin():
        run = match_runs.run_match(session=s, municipality_code=CODE, actor=STAFF, as_of=TODAY)
        offer = first_sendable(s, run)
        set_contact(s, offer.case_id, "kirsten@shelter.test")
        workflow.send_offer(session=s, offer_id=offer.id, actor=STAFF, today=TODAY)
        offer_id = offer.id
    # Written in the send's transaction, not delivered yet.
    with world() as s:
        queued = s.scalars(select(OutboxMessage).where(OutboxMessage.offer_id == offer_id)).all()
        assert [(m.kind, m.channel, m.status) for m in queued] == [
            ("offer_letter", "email", OutboxStatus.pending)
        ]
    assert smtp.inbox.messages == []
    settings = _settings(smtp)
    report = outbox.deliver_due(world, {"email": SmtpChannel(settings)}, settings)
    assert len(report.sent) == 1 and not report.retrying
    [mail] = smtp.inbox.to("kirsten@shelter.test")
    assert mail["Subject"].startswith("Tilbud om bolig:")
    assert mail["From"] == "anvisning@odense.test"
    parts = {p.get_content_type(): p for p in mail.walk()}
    pdf = parts["application/pdf"].get_payload(decode=True)
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    assert "senest" in parts["text/plain"].get_payload(decode=True).decode()
    with world() as s:
        message = s.get(OutboxMessage, report.sent[0])
        assert message is not None
        assert message.status == OutboxStatus.sent and message.attempts == 1
        assert message.sent_at is not None
    # A second run sends nothing again.
    assert outbox.deliver_due(world, {"email": SmtpChannel(settings)}, settings).sent == []


class StopsServerAfter:
    """The real SMTP channel, but the server is stopped after ``n`` deliveries."""

    name = "email"

    def __init__(self, inner: SmtpChannel, server: SmtpServer, n: int) -> None:
        self.inner, self.server, self.n, self.count = inner, server, n, 0

    def deliver(self, message: OutboxMessage) -> None:
        self.inner.deliver(message)
        self.count += 1
        if self.count == self.n:
            self.server.stop()


def test_server_down_mid_batch_loses_nothing_and_sends_each_once(
    sessions: sessionmaker[Session], smtp: SmtpServer
) -> None:
    with sessions() as s, s.begin():
        ids = [
            outbox.enqueue(
                s,
                kind="test",
                channel="email",
                recipient=f"r{i}@example.test",
                subject=f"besked {i}",
                body=f"nummer {i}",
            ).id
            for i in range(6)
        ]
    settings = _settings(smtp)
    start = utcnow()
    first = outbox.deliver_due(
        sessions, {"email": StopsServerAfter(SmtpChannel(settings), smtp, 2)}, settings, now=start
    )
    assert first.sent == ids[:2] and first.retrying == ids[2:] and not first.failed
    assert len(smtp.inbox.messages) == 2
    with sessions() as s:
        waiting = s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids[2:]))).all()
        assert all(m.status == OutboxStatus.pending and m.attempts == 1 for m in waiting)
        assert all("ConnectionRefusedError" in (m.last_error or "") for m in waiting)
        assert all(
            m.next_attempt_at.replace(tzinfo=dt.UTC) >= start + dt.timedelta(seconds=60)
            for m in waiting
        )
    # Before the backoff has passed nothing is tried; the server is still down anyway.
    assert (
        outbox.deliver_due(sessions, {"email": SmtpChannel(settings)}, settings, now=start).sent
        == []
    )
    # The server comes back on the same port; after the backoff everything is sent once.
    smtp.start()
    later = start + dt.timedelta(minutes=2)
    second = outbox.deliver_due(sessions, {"email": SmtpChannel(settings)}, settings, now=later)
    assert second.sent == ids[2:]
    subjects = sorted(m["Subject"] for m in smtp.inbox.messages)
    assert subjects == sorted(f"besked {i}" for i in range(6))  # each exactly once
    message_ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(set(message_ids)) == 6
    with sessions() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
        assert {m.status for m in rows} == {OutboxStatus.sent}


def test_backoff_doubles_and_gives_up_after_max_attempts(sessions: sessionmaker[Session]) -> None:
    settings = NoticeSettings(smtp_port=1, backoff_seconds=10, max_attempts=3)
    assert [outbox.backoff(n, settings).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]
    with sessions() as s, s.begin():
        message_id = outbox.enqueue(
            s, kind="test", channel="digital_post", recipient="x", subject="s", body="b"
        ).id
    now = utcnow()
    for attempt in range(3):
        report = outbox.deliver_due(sessions, {}, settings, now=now + dt.timedelta(hours=attempt))
    assert report.failed == [message_id]
    with sessions() as s:
        message = s.get(OutboxMessage, message_id)
        assert message is not None and message.status == OutboxStatus.failed
        assert message.attempts == 3 and "no channel 'digital_post'" in (message.last_error or "")
    # Staff can put it back; it is never deleted.
    with sessions() as s, s.begin():
        outbox.retry_failed(s, message_id)
    with sessions() as s:
        assert s.get_one(OutboxMessage, message_id).status == OutboxStatus.pending


def test_print_channel_writes_the_days_batch(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    with sessions() as s, s.begin():
        for i in range(3):
            outbox.enqueue(
                s, kind="notice", channel="print", recipient="Herberget", subject=f"S{i}", body="b"
            )
    channel = PrintChannel(tmp_path, day=TODAY)
    report = outbox.deliver_due(sessions, {"print": channel}, NoticeSettings())
    assert len(report.sent) == 3
    batch = channel.build_batch()
    assert batch is not None and batch.name == f"batch-{TODAY.isoformat()}.pdf"
    assert len(PdfReader(str(batch)).pages) == 3


def test_unreachable_server_is_a_delivery_error() -> None:
    from aftercare_testkit import free_port

    channel = SmtpChannel(NoticeSettings(smtp_port=free_port(), smtp_timeout_seconds=2))
    message = OutboxMessage(id=1, recipient="a@b.test", subject="s", body="b", kind="k")
    with pytest.raises(DeliveryError):
        channel.deliver(message)
