"""Who is signed in to the web pages, and protection of their forms against CSRF.

Sessions are server-side. Signing in (OpenID Connect, see :mod:`api.oidc`; in
development also a pasted token or the demo form) makes a random 256-bit session
id; the browser keeps it in the ``bm_auth`` cookie and the ``web_sessions`` table
keeps its SHA-256 with who it stands for (subject, role, municipality or
association), when it was made and when it expires. Every request looks the row up
again, so a session is refused at once after sign-out (``revoked_at``) or expiry.
No token or key is ever kept in a cookie.

Cookies are HttpOnly and SameSite=Lax (Lax, not Strict: the identity provider
sends the browser back to the callback from another site, and the redirect that
follows must carry the new session), and ``Secure`` always outside development
(in development only when the page is served over HTTPS, so plain local HTTP
works).

CSRF protection (synchronizer token): every browser gets a random id in the
``bm_sid`` cookie (renewed at sign-in and sign-out). Each form carries
``HMAC(secret, sid)`` in a hidden ``csrf`` field, and every POST must present the
value matching its cookie. A cross-site page can neither read the cookie nor compute
the HMAC, and a POST whose ``Origin`` header names another host is refused as well.
Changing requests (POSTs) are counted per session by :mod:`api.ratelimit`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.auth import (
    API_KEY_PREFIX,
    Principal,
    Role,
    principal_from_api_key,
    principal_from_token,
)
from api.errors import ProblemError
from api.models import WebSession
from api.ratelimit import check_write
from kernel.db import utcnow
from kernel.settings import get_settings

AUTH_COOKIE = "bm_auth"
SID_COOKIE = "bm_sid"
CSRF_FIELD = "csrf"
SESSION_ID_BYTES = 32  # 256 bits


def development() -> bool:
    """Development conveniences (token paste, demo sign-in, cookies without Secure) apply."""
    return get_settings().environment != "production"


def _secure(request: Request) -> bool:
    """Secure cookies always outside development; in development only over HTTPS."""
    return not development() or request.url.scheme == "https"


def set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None = None
) -> None:
    """A cookie for the pages: HttpOnly, SameSite=Lax, Secure outside development."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def delete_cookie(request: Request, response: Response, name: str) -> None:
    """Remove a cookie set by :func:`set_cookie` (same attributes, so browsers match it)."""
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=_secure(request))


# --- server-side sessions -----------------------------------------------------------------


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def create_session(
    sessions: sessionmaker[Session],
    principal: Principal,
    *,
    method: str,
    expires_at: dt.datetime | None = None,
) -> str:
    """Store a new session for ``principal``; return its id (for the cookie only).

    It lasts ``web_session_minutes``, or less when ``expires_at`` (e.g. a pasted
    token's own expiry) comes sooner.
    """
    now = utcnow()
    ends = now + dt.timedelta(minutes=get_settings().web_session_minutes)
    if expires_at is not None:
        ends = min(ends, expires_at)
    session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
    with sessions() as session, session.begin():
        session.add(
            WebSession(
                id_hash=_hash(session_id),
                subject=principal.subject,
                role=principal.role.value,
                municipality_code=principal.municipality_code,
                association_id=principal.association_id,
                method=method,
                created_at=now,
                expires_at=ends,
            )
        )
    return session_id


def principal_of_session(sessions: sessionmaker[Session], session_id: str) -> Principal | None:
    """The principal a session id stands for, or None if unknown, revoked or expired."""
    if not session_id or len(session_id) > 128:
        return None
    with sessions() as session:
        row = session.scalar(select(WebSession).where(WebSession.id_hash == _hash(session_id)))
    if row is None or row.revoked_at is not None:
        return None
    expires = row.expires_at
    if expires.tzinfo is None:  # SQLite hands back naive UTC
        expires = expires.replace(tzinfo=dt.UTC)
    if expires <= utcnow():
        return None
    return Principal(
        subject=row.subject,
        role=Role(row.role),
        municipality_code=row.municipality_code,
        association_id=row.association_id,
    )


def revoke_session(sessions: sessionmaker[Session], session_id: str) -> bool:
    """Revoke a session now (sign-out); True if it was active."""
    with sessions() as session, session.begin():
        result = session.execute(
            update(WebSession)
            .where(WebSession.id_hash == _hash(session_id), WebSession.revoked_at.is_(None))
            .values(revoked_at=utcnow()),
            execution_options={"synchronize_session": False},
        )
    return bool(getattr(result, "rowcount", 0))


def revoke_sessions_of(session: Session, subject: str) -> int:
    """Revoke every active session of ``subject`` (an operator's ``boligmatch sessions``)."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.subject == subject, WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def sign_in(request: Request, response: Response, principal: Principal, *, method: str) -> None:
    """Start a session for ``principal`` on ``response`` (and a fresh CSRF id)."""
    session_id = create_session(request.app.state.sessions, principal, method=method)
    set_cookie(request, response, AUTH_COOKIE, session_id)
    renew_session_id(request, response)


def sign_out(request: Request, response: Response) -> None:
    """Revoke this browser's session and forget its cookie."""
    session_id = request.cookies.get(AUTH_COOKIE)
    if session_id:
        revoke_session(request.app.state.sessions, session_id)
    delete_cookie(request, response, AUTH_COOKIE)
    renew_session_id(request, response)


def principal_from_credential(request: Request, credential: str) -> Principal | None:
    """The caller a pasted token or API key stands for, or None if the API would refuse it."""
    credential = credential.strip()
    if not credential:
        return None
    try:
        if credential.startswith(API_KEY_PREFIX):
            return principal_from_api_key(request.app.state.sessions, credential)
        return principal_from_token(credential)
    except ProblemError:
        return None


def current_principal(request: Request) -> Principal | None:
    """The signed-in caller, checked against the session table on every request.

    A POST by a signed-in caller is counted against the write limit of the session
    (429 problem when over it).
    """
    cached: Principal | None = getattr(request.state, "web_principal", None)
    if cached is not None:
        return cached
    session_id = request.cookies.get(AUTH_COOKIE)
    if not session_id:
        return None
    principal = principal_of_session(request.app.state.sessions, session_id)
    if principal is not None:
        request.state.web_principal = principal
        request.state.principal = principal  # the request log names the subject
        check_write(request, f"session:{_hash(session_id)[:32]}")
    return principal


# --- CSRF -----------------------------------------------------------------------------------


def session_id(request: Request) -> str:
    """This browser's random CSRF id; a new one is made (and set later) when missing."""
    sid = request.cookies.get(SID_COOKIE) or getattr(request.state, "new_sid", None)
    if not sid:
        sid = secrets.token_urlsafe(24)
        request.state.new_sid = sid
    return sid


def csrf_token(request: Request) -> str:
    """The hidden-field value for forms on this browser's pages."""
    key = get_settings().jwt_secret.encode()
    return hmac.new(key, b"csrf:" + session_id(request).encode(), hashlib.sha256).hexdigest()


def persist_session_id(request: Request, response: Response) -> None:
    """Set the CSRF id cookie if this request had to make one."""
    new_sid = getattr(request.state, "new_sid", None)
    if new_sid:
        set_cookie(request, response, SID_COOKIE, new_sid)


def renew_session_id(request: Request, response: Response) -> None:
    """A fresh CSRF id at sign-in and sign-out, so an old form token stops working."""
    sid = secrets.token_urlsafe(24)
    request.state.new_sid = sid
    set_cookie(request, response, SID_COOKIE, sid)


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """True if a POST carries this browser's CSRF token and, if sent, a same-host Origin."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        return False
    if not request.cookies.get(SID_COOKIE) or not submitted:
        return False
    return hmac.compare_digest(submitted, csrf_token(request))
