"""A transactional outbox: notices are rows written with their event, sent by a worker.

Why: an offer must reach the citizen even when the mail server is down. A service
never talks to SMTP inside a request; it calls :func:`enqueue` in the transaction
that changes the offer, so the message exists exactly when the event does. The
worker (``boligmatch send-notices``, from cron) calls :func:`deliver_due`: each due
message is locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers never
take the same one), handed to its channel, and marked ``sent`` in its own
transaction; a failure records the error and the next attempt after an exponential
backoff. After ``max_attempts`` a message stays ``failed`` (never deleted) for staff
to see. Delivery is at least once: if the database commit after a successful send
fails, the message is sent again; e-mails carry a stable ``Message-ID`` so a
receiver can drop the duplicate.

Channels implement :class:`Channel`. Two exist: :class:`SmtpChannel` (e-mail to the
case's contact person or an association) and :class:`PrintChannel` (a folder of PDFs
per day, merged into one batch to print). Digital Post and SMS are **not**
implemented: a message for a channel the worker was not given fails with "no channel"
and is retried, so adding one is a class with ``name`` and ``deliver``.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from allocation.models import OutboxMessage, OutboxStatus
from kernel.db import utcnow
from kernel.settings import NoticeSettings

EMAIL = "email"
PRINT = "print"


class DeliveryError(Exception):
    """A channel could not deliver; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    """One way to reach a person: deliver a message or raise :class:`DeliveryError`."""

    name: str

    def deliver(self, message: OutboxMessage) -> None: ...


def enqueue(
    session: Session,
    *,
    kind: str,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    attachment: bytes | None = None,
    attachment_name: str | None = None,
    municipality_code: str | None = None,
    case_id: int | None = None,
    offer_id: int | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (due at once)."""
    message = OutboxMessage(
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        attachment=attachment,
        attachment_name=attachment_name,
        municipality_code=municipality_code,
        case_id=case_id,
        offer_id=offer_id,
        status=OutboxStatus.pending,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def backoff(attempts: int, settings: NoticeSettings) -> dt.timedelta:
    """Delay before the next attempt after ``attempts`` failures: doubling, capped."""
    seconds = settings.backoff_seconds * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.max_backoff_seconds))


# --- channels ----------------------------------------------------------------------


class SmtpChannel:
    """E-mail over SMTP (``smtplib``), with the PDF attached when there is one."""

    name = EMAIL

    def __init__(self, settings: NoticeSettings) -> None:
        self.settings = settings

    def email(self, message: OutboxMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.settings.smtp_from
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = f"<outbox-{message.id}@boligmatch>"
        mail.set_content(message.body)
        if message.attachment is not None:
            mail.add_attachment(
                message.attachment,
                maintype="application",
                subtype="pdf",
                filename=message.attachment_name or f"besked-{message.id}.pdf",
            )
        return mail

    def deliver(self, message: OutboxMessage) -> None:
        s = self.settings
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                smtp.send_message(self.email(message))
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise DeliveryError(
                f"recipient refused ({codes})", permanent=all(c >= 500 for c in codes)
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from None


class PrintChannel:
    """A folder of PDFs per day (``<folder>/<YYYY-MM-DD>/``), merged into one batch.

    For citizens without an e-mail route: staff print the day's batch and hand the
    letters over through the shelter or support worker.
    """

    name = PRINT

    def __init__(self, folder: Path, *, day: dt.date) -> None:
        self.folder = folder
        self.day = day

    @property
    def day_folder(self) -> Path:
        return self.folder / self.day.isoformat()

    def deliver(self, message: OutboxMessage) -> None:
        pdf = message.attachment or _text_pdf(message.subject, message.body)
        try:
            self.day_folder.mkdir(parents=True, exist_ok=True)
            target = self.day_folder / f"{message.id:08d}-{message.kind}.pdf"
            target.write_bytes(pdf)
        except OSError as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from None

    def build_batch(self) -> Path | None:
        """Merge the day's PDFs into ``batch-<day>.pdf`` (None when there are none)."""
        from pypdf import PdfWriter

        parts = sorted(p for p in self.day_folder.glob("*.pdf") if not p.name.startswith("batch"))
        if not parts:
            return None
        writer = PdfWriter()
        for part in parts:
            writer.append(str(part))
        target = self.day_folder / f"batch-{self.day.isoformat()}.pdf"
        with target.open("wb") as out:
            writer.write(out)
        return target


def _text_pdf(subject: str, body: str) -> bytes:
    """A plain notice (no letter attached) as a printable PDF."""
    from html import escape

    from allocation.letters import render_pdf

    html = (
        '<!doctype html><html lang="da"><head><meta charset="utf-8">'
        "<style>body{font-family:'DejaVu Sans',sans-serif;font-size:11pt}</style></head>"
        f"<body><h1>{escape(subject)}</h1><pre style='white-space:pre-wrap;font-family:inherit'>"
        f"{escape(body)}</pre></body></html>"
    )
    return render_pdf(html)


# --- the worker --------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one run of :func:`deliver_due` did (message ids)."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def due_ids(session: Session, now: dt.datetime, limit: int) -> list[int]:
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.pending)
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def deliver_due(
    sessions: sessionmaker[Session],
    channels: Mapping[str, Channel],
    settings: NoticeSettings,
    *,
    now: dt.datetime | None = None,
    limit: int = 500,
) -> DeliveryReport:
    """Deliver every due pending message, one transaction per message.

    A message is committed as ``sent`` right after its channel took it, so a crash
    or a dead server midway loses nothing: what was not marked sent is tried again.
    """
    now = now or utcnow()
    report = DeliveryReport()
    with sessions() as session:
        ids = due_ids(session, now, limit)
    for message_id in ids:
        with sessions() as session, session.begin():
            message = session.scalar(
                select(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .where(OutboxMessage.status == OutboxStatus.pending)
                .with_for_update(skip_locked=True)
            )
            if message is None:  # another worker has it, or it is done
                continue
            channel = channels.get(message.channel)
            message.attempts += 1
            try:
                if channel is None:
                    raise DeliveryError(f"no channel {message.channel!r} is configured")
                channel.deliver(message)
            except DeliveryError as error:
                message.last_error = str(error)[:500]
                if error.permanent or message.attempts >= settings.max_attempts:
                    message.status = OutboxStatus.failed
                    report.failed.append(message.id)
                else:
                    message.next_attempt_at = now + backoff(message.attempts, settings)
                    report.retrying.append(message.id)
            else:
                message.status = OutboxStatus.sent
                message.sent_at = utcnow()
                message.last_error = None
                report.sent.append(message.id)
    return report


def retry_failed(session: Session, message_id: int) -> None:
    """Put a failed message back in the queue (staff, after fixing an address)."""
    message = session.get(OutboxMessage, message_id)
    if message is not None and message.status == OutboxStatus.failed:
        message.status = OutboxStatus.pending
        message.attempts = 0
        message.next_attempt_at = utcnow()


def counts(session: Session) -> dict[str, int]:
    """Messages per status (for the command's summary and monitoring)."""
    rows = session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    return {status.value: int(n) for status, n in rows}
