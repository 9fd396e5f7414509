"""Shared parts of the aftercare tests: a real SMTP server on loopback and a world.

The SMTP server is aiosmtpd's ``Controller`` on a free port of 127.0.0.1; every
message it receives is kept (parsed) so tests check what really arrived.
"""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from allocation.models import CitizenCase, MatchRun, Offer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server received."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


class SmtpServer:
    """A real SMTP server that a test can stop and start again on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def first_sendable(s: Session, run: MatchRun) -> Offer:
    """The rank-1 proposal of the run's first home."""
    offer = s.scalar(
        select(Offer).where(Offer.match_run_id == run.id, Offer.rank == 1).order_by(Offer.id)
    )
    assert offer is not None
    return offer


def set_contact(s: Session, case_id: int, email_address: str | None, **extra: Any) -> None:
    case = s.get(CitizenCase, case_id)
    assert case is not None
    case.contact_name = "Kirsten Kontakt"
    case.contact_organisation = "Forsorgshjemmet Vejen"
    case.contact_email = email_address
    for key, value in extra.items():
        setattr(case, key, value)
