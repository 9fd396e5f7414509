"""The audit trail's one write path: who changed what, in the caller's transaction.

Keeping it a single function means every state change records the same shape of
event, and it commits or rolls back together with the change it describes.
``before``/``after`` must hold no personal data (no name, CPR hash, income or
situation): callers pass only the fields that changed state.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, Session, mapped_column

from kernel.db import Base, utcnow


class AuditEvent(Base):
    """Append-only record of who changed what and when (triggers refuse UPDATE/DELETE)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event to ``session`` (flushed by the caller's transaction)."""
    event = AuditEvent(
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=_plain(before),
        after=_plain(after),
    )
    session.add(event)
    return event


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON-ready copy: dates as ISO strings, enums as their values."""
    if values is None:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dt.date | dt.datetime):
            out[key] = value.isoformat()
        elif isinstance(value, Enum):
            out[key] = value.value
        elif isinstance(value, dict):
            out[key] = _plain(value)
        else:
            out[key] = value
    return out
