"""Idempotency-Key for POSTs that create things: a retried request gets the first answer.

A key is *claimed before the work*: a row keyed by (key, caller, caller's scope,
route) is inserted and committed on its own, so exactly one request wins the
insert. That request does the work and fills the answer (status, body, ETag and
Location) into the same row in the work's own transaction, so the answer and the
change commit together. Every parallel or later request with the key finds the
row: once it holds an answer, that answer is replayed; while it is still being
worked on, the retry waits (``idempotency_wait_seconds``) and then replays it.
If the work fails, the claim is released and a waiting retry does the work itself.
Only a retry that outwaits the whole wait gets 409 with ``Retry-After``; a claim
left behind by a crashed process is taken over after ``idempotency_lease_seconds``.

The scope is the caller's municipality or association: the same person's token
for another municipality is another caller, and never gets the first one's case.
The same key with a different body is a client error (422), because silently
answering for another request would hide a bug. The body is fingerprinted with a
*keyed* hash, since a case's body holds a CPR number and a plain hash of it could
be brute-forced.

Stored answers are kept for ``idempotency_retention_hours`` (default 24): long
enough for any client's retries, short enough that copies of created cases'
responses do not pile up. Expired ones are deleted whenever a key is claimed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import delete, event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from api.auth import Principal
from api.errors import ProblemError
from api.models import IdempotencyRecord
from kernel.db import utcnow
from kernel.settings import get_settings

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="A unique string per intended creation (e.g. a UUID); retries reuse it",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
    ),
]

REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("etag", "location")
_POLL_START, _POLL_MAX = 0.02, 0.25  # seconds between looks at a claim being worked on


def fingerprint(payload: Any) -> str:
    """Keyed SHA-256 of the canonical JSON of a request's payload."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    secret = get_settings().cpr_hash_secret.encode()
    return hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()


def route_of(request: Request) -> str:
    """``METHOD /route/template`` (not the concrete path, so ids do not split keys)."""
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    return f"{request.method} {path}"


def purge_expired(session: Session, *, now: dt.datetime | None = None) -> int:
    """Delete the stored answers older than the retention; how many were deleted."""
    hours = get_settings().idempotency_retention_hours
    cutoff = (now or utcnow()) - dt.timedelta(hours=hours)
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class _Claim:
    key: str
    subject: str
    scope: str
    route: str
    request_hash: str


@dataclass(frozen=True)
class _Stored:
    status_code: int
    body: dict[str, Any]
    headers: dict[str, Any]


def _find(session: Session, claim: _Claim) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.key == claim.key,
            IdempotencyRecord.subject == claim.subject,
            IdempotencyRecord.scope == claim.scope,
            IdempotencyRecord.route == claim.route,
        )
    )


def _try_insert(sessions: sessionmaker[Session], claim: _Claim) -> int | None:
    """Insert the claim in a transaction of its own: its id if this request won it."""
    try:
        with sessions() as session, session.begin():
            record = IdempotencyRecord(
                key=claim.key,
                subject=claim.subject,
                scope=claim.scope,
                route=claim.route,
                request_hash=claim.request_hash,
                status_code=None,
                response_body=None,
                response_headers={},
            )
            session.add(record)
            session.flush()
            return record.id
    except IntegrityError:
        return None


def _claim_or_stored(sessions: sessionmaker[Session], claim: _Claim) -> int | _Stored:
    """Win the claim (its record id) or get the stored answer, waiting while it is made."""
    settings = get_settings()
    with sessions() as session, session.begin():
        purge_expired(session)
    deadline = time.monotonic() + settings.idempotency_wait_seconds
    pause = _POLL_START
    while True:
        record_id = _try_insert(sessions, claim)
        if record_id is not None:
            return record_id
        with sessions() as session, session.begin():
            record = _find(session, claim)
            if record is not None:
                if not hmac.compare_digest(record.request_hash, claim.request_hash):
                    raise ProblemError(
                        422,
                        "idempotency-key-reused",
                        "Idempotency-Key reused",
                        key="idempotency_key_reused",
                    )
                if record.status_code is not None and record.response_body is not None:
                    return _Stored(
                        record.status_code, record.response_body, record.response_headers
                    )
                lease = dt.timedelta(seconds=settings.idempotency_lease_seconds)
                claimed_at = record.created_at
                if claimed_at.tzinfo is None:  # SQLite hands back naive UTC
                    claimed_at = claimed_at.replace(tzinfo=dt.UTC)
                if claimed_at < utcnow() - lease:  # its worker died: take it over
                    taken = session.execute(
                        update(IdempotencyRecord)
                        .where(
                            IdempotencyRecord.id == record.id,
                            IdempotencyRecord.created_at == record.created_at,
                        )
                        .values(created_at=utcnow()),
                        execution_options={"synchronize_session": False},
                    )
                    if getattr(taken, "rowcount", 0) == 1:
                        return record.id
        # Released between our insert and our look, or still being worked on: wait.
        if time.monotonic() > deadline:
            retry = max(1, round(settings.idempotency_wait_seconds))
            raise ProblemError(
                409,
                "idempotency-key-in-use",
                "Idempotency-Key in use",
                key="idempotency_key_in_use",
                headers={"Retry-After": str(retry)},
            )
        time.sleep(pause)
        pause = min(_POLL_MAX, pause * 1.5)


def _release(sessions: sessionmaker[Session], record_id: int) -> None:
    """Give an unanswered claim up, so a waiting or later retry does the work."""
    with sessions() as session, session.begin():
        session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.id == record_id, IdempotencyRecord.status_code.is_(None)
            ),
            execution_options={"synchronize_session": False},
        )


def _release_unless_committed(
    session: Session, sessions: sessionmaker[Session], record_id: int
) -> None:
    """Release the claim when the request's transaction ends without committing the answer.

    Released only after that transaction has ended, because on SQLite a second
    connection cannot write while the request's transaction holds the write lock.
    """
    committed = ended = False

    def after_commit(_session: Session) -> None:
        nonlocal committed
        committed = True

    def after_end(_session: Session, transaction: SessionTransaction) -> None:
        nonlocal ended
        if ended or transaction.parent is not None:
            return  # done already, or a savepoint inside the request's transaction
        ended = True  # (listeners cannot be removed while they are being called)
        if not committed:
            _release(sessions, record_id)

    if not session.in_transaction():
        _release(sessions, record_id)
        return
    event.listen(session, "after_commit", after_commit)
    event.listen(session, "after_transaction_end", after_end)


def idempotent(
    session: Session,
    *,
    request: Request,
    principal: Principal,
    key: str | None,
    payload: Any,
    status_code: int,
    create: Callable[[], tuple[BaseModel, dict[str, str]]],
) -> JSONResponse:
    """Run ``create`` once per key; ``create`` returns the response model and headers.

    Without a key, ``create`` simply runs (and the payload, up to a 5 MB upload, is not
    hashed). With one, the claim is taken (or the stored answer replayed) first; the
    answer is written into the claim in the caller's transaction, so a failed creation
    leaves no answer behind and its claim is released.
    """
    if key is None:
        model, headers = create()
        return JSONResponse(model.model_dump(mode="json"), status_code=status_code, headers=headers)
    sessions: sessionmaker[Session] = request.app.state.sessions
    claim = _Claim(key, principal.subject, principal.scope, route_of(request), fingerprint(payload))
    won = _claim_or_stored(sessions, claim)
    if isinstance(won, _Stored):
        return JSONResponse(
            won.body, status_code=won.status_code, headers={**won.headers, REPLAYED_HEADER: "true"}
        )
    try:
        model, headers = create()
        body = model.model_dump(mode="json")
        session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == won)
            .values(
                status_code=status_code,
                response_body=body,
                response_headers={k: v for k, v in headers.items() if k.lower() in _KEPT_HEADERS},
            ),
            execution_options={"synchronize_session": False},
        )
        session.flush()
    finally:
        # Whatever happened, the claim is released unless the answer gets committed.
        _release_unless_committed(session, sessions, won)
    return JSONResponse(body, status_code=status_code, headers=headers)
