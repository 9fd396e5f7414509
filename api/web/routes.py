"""The web pages' router: sign-in, sign-out, static files, and each role's pages.

Included in the app with ``app.include_router(web_router)``; every route here is
left out of the OpenAPI schema (``include_in_schema=False``), so the API's
contract and its Schemathesis test see only ``/api/v1``.

Sign-in: paste a token or API key issued by an administrator; it is checked with
:mod:`api.auth` (the API's own code) and kept in an HttpOnly, SameSite=Strict
cookie. Only when ``BOLIGMATCH_ENVIRONMENT`` is ``development`` or ``test`` is a
demo form offered that issues a token for a chosen role (a development
convenience; it does not exist in production).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse

from api.auth import Role, issue_token
from api.web import association as association_pages
from api.web import association_units as association_unit_pages
from api.web import planner as planner_pages
from api.web import staff as staff_pages
from api.web.i18n import translator
from api.web.pages import START_PAGES, error_page, guard, lang_of, redirect, render
from api.web.session import (
    AUTH_COOKIE,
    csrf_ok,
    current_principal,
    principal_from_credential,
    renew_session_id,
    set_cookie,
)
from inventory import service as inventory
from kernel.settings import get_settings

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"style.css": "text/css", "app.js": "text/javascript"}
DEMO_MUNICIPALITY = "461"


def demo_enabled() -> bool:
    """The demo sign-in exists only in development and test environments."""
    return get_settings().environment in ("development", "test")


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
    request: Request, *, next_url: str | None = None, token_error: str | None = None
) -> Response:
    return render(
        request,
        "login.html",
        {
            "next": _safe_next(next_url),
            "token_error": token_error,
            "demo": demo_enabled(),
            "demo_choices": _demo_choices(request) if demo_enabled() else [],
        },
        status_code=400 if token_error else 200,
    )


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    """The sign-in page (paste a token; the demo form in development)."""
    return _login_page(request, next_url=next)


def _signed_in(request: Request, credential: str, target: str) -> Response:
    response = redirect(target)
    set_cookie(request, response, AUTH_COOKIE, credential)
    renew_session_id(request, response)
    return response


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the pasted key with the API's code; keep it in a cookie if it is valid."""
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    credential = token.strip()
    if not credential:
        return _login_page(request, next_url=next, token_error="token_missing")
    principal = principal_from_credential(request, credential)
    if principal is None:
        return _login_page(request, next_url=next, token_error="token_invalid")
    return _signed_in(request, credential, _safe_next(next) or START_PAGES[principal.role])


@router.post("/login/demo")
def login_demo(
    request: Request, who: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""
) -> Response:
    """Development only: issue a token for the chosen role with :func:`api.auth.issue_token`."""
    if not demo_enabled():
        return error_page(request, 404, "not_found")
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    kind, _, value = who.partition(":")
    if kind == "staff" and value:
        token = issue_token(subject=f"demo-staff-{value}", role=Role.staff, municipality_code=value)
    elif kind == "association" and value.isdigit():
        token = issue_token(
            subject=f"demo-association-{value}",
            role=Role.association,
            association_id=int(value),
        )
    elif kind == "planner":
        token = issue_token(subject="demo-planner", role=Role.planner)
    else:
        return _login_page(request, token_error="token_invalid")
    principal = principal_from_credential(request, token)
    assert principal is not None
    return _signed_in(request, token, START_PAGES[principal.role])


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Forget the credential and start a new session id."""
    if not csrf_ok(request, csrf):
        return error_page(request, 403, "csrf_failed")
    response = redirect("/login")
    response.delete_cookie(AUTH_COOKIE, path="/")
    renew_session_id(request, response)
    return response


router.include_router(staff_pages.router)
router.include_router(association_pages.router)
router.include_router(association_unit_pages.router)
router.include_router(planner_pages.router)

__all__ = ["guard", "router"]
