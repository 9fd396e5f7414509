"""The web pages' router: sign-in, sign-out, static files, and each role's pages.

Included in the app with ``app.include_router(web_router)``; every route here is
left out of the OpenAPI schema (``include_in_schema=False``), so the API's
contract and its Schemathesis test see only ``/api/v1``.

Sign-in: people sign in at their organisation's identity provider with OpenID
Connect (``/login/oidc`` and its callback, :mod:`api.oidc`); the result is a
server-side session (:mod:`api.web.session`), revoked by ``/logout``. When OIDC is
not configured the sign-in page says so. Outside production, two development
conveniences exist as well: pasting a token (``boligmatch token``) or an API key,
checked with :mod:`api.auth` (the API's own code), and a demo form for a chosen
role. Sign-in attempts are rate-limited per client address (:mod:`api.ratelimit`).
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import math
from pathlib import Path
from typing import Annotated

import jwt
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from api import oidc
from api.auth import API_KEY_PREFIX, Principal, Role
from api.ratelimit import sign_in_wait
from api.web import association as association_pages
from api.web import association_units as association_unit_pages
from api.web import planner as planner_pages
from api.web import staff as staff_pages
from api.web import staff_cases as staff_case_pages
from api.web.i18n import translator
from api.web.pages import START_PAGES, error_page, guard, lang_of, redirect, render
from api.web.session import (
    AUTH_COOKIE,
    create_session,
    csrf_ok,
    current_principal,
    delete_cookie,
    development,
    principal_from_credential,
    renew_session_id,
    set_cookie,
    sign_in,
    sign_out,
)
from inventory import service as inventory
from kernel.settings import OidcSettings, get_settings

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"style.css": "text/css", "app.js": "text/javascript"}
DEMO_MUNICIPALITY = "461"
oidc_log = logging.getLogger("boligmatch.sign_in")


def demo_enabled() -> bool:
    """The demo sign-in exists only in development."""
    return development()


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths may be a redirect target after sign-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def _demo_choices(request: Request) -> list[tuple[str, str]]:
    t = translator(lang_of(request))
    choices = [(f"staff:{DEMO_MUNICIPALITY}", t("demo_staff", code=DEMO_MUNICIPALITY))]
    with request.app.state.sessions() as session:
        for assoc in inventory.list_associations(session, limit=8):
            choices.append((f"association:{assoc.id}", t("demo_association", name=assoc.name)))
    choices.append(("planner", t("demo_planner")))
    return choices


@router.get("/static/web/{name}")
def static_file(name: str) -> Response:
    """The pages' CSS and JavaScript (no CDN: the service must work offline)."""
    if name not in STATIC_FILES:
        return Response(status_code=404)
    return FileResponse(
        STATIC / name,
        media_type=STATIC_FILES[name],
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/")
def home(request: Request) -> Response:
    """Signed in: the role's start page; otherwise the sign-in page."""
    principal = current_principal(request)
    if principal is None:
        return redirect("/login")
    return redirect(START_PAGES[principal.role])


def _login_page(
    request: Request,
    *,
    next_url: str | None = None,
    token_error: str | None = None,
    sign_in_error: str | None = None,
    status_code: int | None = None,
) -> Response:
    return render(
        request,
        "login.html",
        {
            "next": _safe_next(next_url),
            "token_error": token_error,
            "sign_in_error": sign_in_error,
            "oidc": get_settings().oidc.configured,
            "token_paste": development(),
            "demo": demo_enabled(),
            "demo_choices": _demo_choices(request) if demo_enabled() else [],
        },
        status_code=status_code or (400 if token_error else 200),
    )


def _too_many(request: Request, wait: float) -> Response:
    """The sign-in page saying to wait, as 429 with ``Retry-After``."""
    response = _login_page(request, sign_in_error="sign_in_too_many", status_code=429)
    response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


def _throttled(request: Request) -> Response | None:
    """The 429 page if this address tried to sign in too often lately, else None."""
    wait = sign_in_wait(request)
    return _too_many(request, wait) if wait else None


def _oidc_config(request: Request) -> OidcSettings | Response:
    """The identity provider's settings, or the page saying it cannot be used now."""
    config = get_settings().oidc
    if not config.configured:
        return _login_page(request, sign_in_error="oidc_not_configured", status_code=404)
    return _throttled(request) or config


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    """The sign-in page: the organisation's identity provider (and, in development, a
    pasted token or the demo form)."""
    return _login_page(request, next_url=next)


def _signed_in(request: Request, principal: Principal, target: str, *, method: str) -> Response:
    response = redirect(target)
    sign_in(request, response, principal, method=method)
    return response


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Development only: sign in with a pasted token or API key, checked by the API's code."""
    if not development():
        return error_page(request, 404, "not_found")
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    refused = _throttled(request)
    if refused is not None:
        return refused
    credential = token.strip()
    if not credential:
        return _login_page(request, next_url=next, token_error="token_missing")
    principal = principal_from_credential(request, credential)
    if principal is None:
        return _login_page(request, next_url=next, token_error="token_invalid")
    target = _safe_next(next) or START_PAGES[principal.role]
    response = redirect(target)
    session_id = create_session(
        request.app.state.sessions,
        principal,
        method="token",
        expires_at=_token_expiry(credential),
    )
    set_cookie(request, response, AUTH_COOKIE, session_id)
    renew_session_id(request, response)
    return response


def _token_expiry(credential: str) -> dt.datetime | None:
    """A pasted JWT's own expiry (already verified), so the session does not outlive it."""
    if credential.startswith(API_KEY_PREFIX):
        return None
    exp = jwt.decode(credential, options={"verify_signature": False}).get("exp")
    return dt.datetime.fromtimestamp(exp, dt.UTC) if isinstance(exp, int | float) else None


@router.post("/login/demo")
def login_demo(
    request: Request, who: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""
) -> Response:
    """Development only: sign in as a chosen demo role (no token is involved)."""
    if not demo_enabled():
        return error_page(request, 404, "not_found")
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    kind, _, value = who.partition(":")
    if kind == "staff" and value:
        principal = Principal(f"demo-staff-{value}", Role.staff, municipality_code=value)
    elif kind == "association" and value.isdigit():
        principal = Principal(
            f"demo-association-{value}", Role.association, association_id=int(value)
        )
    elif kind == "planner":
        principal = Principal("demo-planner", Role.planner)
    else:
        return _login_page(request, token_error="token_invalid")
    if not _known_scope(request, principal):
        return _login_page(request, token_error="token_invalid")
    return _signed_in(request, principal, START_PAGES[principal.role], method="demo")


def _callback_url(request: Request) -> str:
    configured = get_settings().oidc.redirect_url
    return configured or str(request.url_for("oidc_callback"))


@router.get("/login/oidc")
def oidc_start(request: Request, next: str | None = None) -> Response:
    """Send the browser to the organisation's identity provider (code flow with PKCE)."""
    config = _oidc_config(request)
    if isinstance(config, Response):
        return config
    try:
        url, pending = oidc.begin(config, _callback_url(request), _safe_next(next))
    except (OSError, ValueError, RuntimeError):  # the provider does not answer (discovery)
        oidc_log.warning("the identity provider's metadata could not be read")
        return _login_page(request, sign_in_error="oidc_unavailable", status_code=503)
    response = RedirectResponse(url, status_code=303)
    set_cookie(
        request, response, oidc.PENDING_COOKIE, pending.seal(), max_age=oidc.PENDING_MINUTES * 60
    )
    return response


def _known_scope(request: Request, principal: Principal) -> bool:
    """The municipality or association the claims name exists here."""
    with request.app.state.sessions() as session:
        if principal.municipality_code is not None:
            return inventory.get_municipality(session, principal.municipality_code) is not None
        if principal.association_id is not None:
            scope = inventory.VacancyScope(association_id=principal.association_id)
            return inventory.get_association(session, scope=scope) is not None
    return True


@router.get("/login/oidc/callback", name="oidc_callback")
def oidc_callback(
    request: Request,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> Response:
    """The provider's answer: check state, exchange the code, map the claims, sign in."""
    config = _oidc_config(request)
    if isinstance(config, Response):
        return config
    pending = oidc.PendingLogin.unseal(request.cookies.get(oidc.PENDING_COOKIE))
    refusal: str | None = None
    principal: Principal | None = None
    if error:
        refusal = "oidc_denied"
    elif (
        pending is None
        or not code
        or not state
        or not hmac.compare_digest(state.encode(), pending.state.encode())
    ):
        refusal = "oidc_state"
    else:
        try:
            claims = oidc.finish(config, pending, code)
            vouched = oidc.principal_from_claims(claims, config)
            if not _known_scope(request, vouched):
                raise oidc.SignInRefused("oidc_unknown_scope")
            principal = vouched
        except oidc.SignInRefused as refused:
            refusal = refused.reason
            oidc_log.info("sign-in refused: %s", refused.reason)
        except OSError:
            refusal = "oidc_unavailable"
    if principal is None or pending is None:
        response = _login_page(request, sign_in_error=refusal or "oidc_failed", status_code=403)
    else:
        target = _safe_next(pending.next_url) or START_PAGES[principal.role]
        response = _signed_in(request, principal, target, method="oidc")
    delete_cookie(request, response, oidc.PENDING_COOKIE)  # one use only
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Revoke the session (its cookie is refused from now on) and start a new CSRF id."""
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    response = redirect("/login")
    sign_out(request, response)
    return response


router.include_router(staff_case_pages.router)  # first: /staff/cases/new before /{case_id}
router.include_router(staff_pages.router)
router.include_router(association_pages.router)
router.include_router(association_unit_pages.router)
router.include_router(planner_pages.router)

__all__ = ["guard", "router"]
