"""Tables of the HTTP service itself: API keys, idempotency records, web sessions.

Only hashes of API keys and of web session ids are stored: a key is shown once when
created (`boligmatch api-key create`) and is looked up by its short, non-secret
``prefix``; a session id lives only in the browser's cookie.
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
    """A claimed Idempotency-Key and, once the work is done, its stored answer.

    The row is inserted (claimed) before the work, in its own transaction, so a
    parallel retry finds it and waits; ``status_code`` stays NULL until the work's
    transaction fills in the answer. ``scope`` is the caller's municipality or
    association, so one person's key in one municipality never answers for another.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("key", "subject", "scope", "route"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(120))
    scope: Mapped[str] = mapped_column(
        String(40), server_default="", doc="municipality:<code>, association:<id> or empty"
    )
    route: Mapped[str] = mapped_column(String(200), doc="method and route template")
    request_hash: Mapped[str] = mapped_column(String(64), doc="keyed hash of the request body")
    status_code: Mapped[int | None] = mapped_column(doc="NULL while the first request works")
    response_body: Mapped[dict[str, Any] | None]
    response_headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random id, this row what it stands for.

    Only the SHA-256 of the id is stored, so the table cannot be used to sign in. A
    session is refused after ``expires_at`` or once ``revoked_at`` is set (sign-out).
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True, doc="SHA-256 of the cookie")
    subject: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(24))
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    association_id: Mapped[int | None]
    method: Mapped[str] = mapped_column(String(16), doc="oidc, token or demo")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    revoked_at: Mapped[dt.datetime | None]
