"""Idempotency-Key for POSTs that create things: a retried request gets the first answer.

The first request with a key runs and its response (status, body, ETag/Location)
is stored in the same transaction as the change, keyed by (key, caller, route).
A replay with the same body returns the stored response; the same key with a
different body is a client error (422), because silently answering for another
request would hide a bug. The body is fingerprinted with a *keyed* hash, since a
case's body holds a CPR number and a plain hash of it could be brute-forced.

Stored answers are kept for ``idempotency_retention_hours`` (a setting, default 24):
long enough for any client's retries, short enough that the copies of created cases'
responses do not pile up. Expired ones are deleted whenever a key is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
    hashed). The stored record is written in the caller's transaction, so a failed
    creation leaves no record behind.
    """
    if key is None:
        model, headers = create()
        return JSONResponse(model.model_dump(mode="json"), status_code=status_code, headers=headers)
    route = route_of(request)
    request_hash = fingerprint(payload)
    purge_expired(session)
    stored = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.key == key,
            IdempotencyRecord.subject == principal.subject,
            IdempotencyRecord.route == route,
        )
    )
    if stored is not None:
        if not hmac.compare_digest(stored.request_hash, request_hash):
            raise ProblemError(
                422,
                "idempotency-key-reused",
                "Idempotency-Key reused",
                "This Idempotency-Key was used for a different request body.",
            )
        return JSONResponse(
            stored.response_body,
            status_code=stored.status_code,
            headers={**stored.response_headers, REPLAYED_HEADER: "true"},
        )
    model, headers = create()
    body = model.model_dump(mode="json")
    session.add(
        IdempotencyRecord(
            key=key,
            subject=principal.subject,
            route=route,
            request_hash=request_hash,
            status_code=status_code,
            response_body=body,
            response_headers={k: v for k, v in headers.items() if k.lower() in _KEPT_HEADERS},
        )
    )
    try:
        session.flush()
    except IntegrityError:
        raise ProblemError(
            409,
            "idempotency-key-in-use",
            "Idempotency-Key in use",
            "Another request with this Idempotency-Key is being processed; retry shortly.",
        ) from None
    return JSONResponse(body, status_code=status_code, headers=headers)
