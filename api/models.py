"""Tables of the HTTP service itself: association API keys and idempotency records.

Only hashes of API keys are stored: a key is shown once when created (`boligmatch
api-key create`) and is looked up by its short, non-secret ``prefix``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db import Base, utcnow


class ApiKey(Base):
    """A housing association system's credential (``bm_<prefix>_<secret>``)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("housing_associations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), doc="SHA-256 (hex) of the whole key")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]


class IdempotencyRecord(Base):
    """The stored answer to a creating POST, replayed when its Idempotency-Key comes again."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("key", "subject", "route"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(120))
    route: Mapped[str] = mapped_column(String(200), doc="method and route template")
    request_hash: Mapped[str] = mapped_column(String(64), doc="keyed hash of the request body")
    status_code: Mapped[int]
    response_body: Mapped[dict[str, Any]]
    response_headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
