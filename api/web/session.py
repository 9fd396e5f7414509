"""Who is signed in to the web pages, and protection of their forms against CSRF.

Sign-in stores the credential the API accepts (a JWT from ``boligmatch token`` or a
housing association's ``bm_`` API key) in an HttpOnly, SameSite=Strict cookie, and
every page resolves it with the API's own functions in :mod:`api.auth`. So a page and
the API always agree on who the caller is and what role and scope they have.

CSRF protection (synchronizer token): every browser gets a random session id in an
HttpOnly, SameSite=Strict cookie (``bm_sid``, renewed at sign-in and sign-out). Each
form carries ``HMAC(secret, sid)`` in a hidden ``csrf`` field, and every POST must
present the value matching its cookie. A cross-site page can neither read the cookie
nor compute the HMAC; SameSite=Strict keeps the browser from sending the cookies on a
cross-site POST in the first place, and a POST whose ``Origin`` header names another
host is refused as well (defence in depth).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

from api.auth import (
    API_KEY_PREFIX,
    Principal,
    principal_from_api_key,
    principal_from_token,
)
from api.errors import ProblemError
from kernel.settings import get_settings

AUTH_COOKIE = "bm_auth"
SID_COOKIE = "bm_sid"
CSRF_FIELD = "csrf"


def _secure(request: Request) -> bool:
    """Mark cookies Secure when the page was served over HTTPS (not on local HTTP)."""
    return request.url.scheme == "https"


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """A session cookie (no Max-Age: it ends with the browser), HttpOnly and SameSite=Strict."""
    response.set_cookie(
        name, value, httponly=True, samesite="strict", secure=_secure(request), path="/"
    )


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
    """The signed-in caller, checked again on every request (an expired token signs out)."""
    cached: Principal | None = getattr(request.state, "web_principal", None)
    if cached is not None:
        return cached
    credential = request.cookies.get(AUTH_COOKIE)
    if not credential:
        return None
    principal = principal_from_credential(request, credential)
    if principal is not None:
        request.state.web_principal = principal
        request.state.principal = principal  # the request log names the subject
    return principal


def session_id(request: Request) -> str:
    """This browser's random session id; a new one is made (and set later) when missing."""
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
    """Set the session id cookie if this request had to make one."""
    new_sid = getattr(request.state, "new_sid", None)
    if new_sid:
        set_cookie(request, response, SID_COOKIE, new_sid)


def renew_session_id(request: Request, response: Response) -> None:
    """A fresh session id at sign-in and sign-out, so an old form token stops working."""
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
