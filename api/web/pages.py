"""Shared machinery of the web pages: templates, language, sign-in guard, error pages.

Every page handler calls :func:`guard` first, which returns the signed-in
:class:`~api.auth.Principal` when its role may open the page, or the response to
send instead (a redirect to the sign-in page, or a 403 page). Handlers then call
the same service functions as the API with that principal's scope, and
:func:`render` adds what every template needs (``t``, the language, the CSRF
token, the principal).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from api.auth import Principal, Role
from api.errors import ProblemError
from api.web.i18n import LANG_COOKIE, Lang, pick_lang, translator
from api.web.session import (
    CSRF_FIELD,
    csrf_ok,
    csrf_token,
    current_principal,
    persist_session_id,
)
from kernel.calendar import today as danish_today
from kernel.errors import DomainError
from kernel.formats import number

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))

START_PAGES: dict[Role, str] = {
    Role.staff: "/staff",
    Role.association: "/association",
    Role.planner: "/planner",
    Role.admin: "/planner",
}


def _kr(value: float | int | None) -> str:
    """Danish thousands separator, whole kroner: 12.064."""
    return "–" if value is None else number(value, "da")


def _num(value: float | int | None, digits: int = 1) -> str:
    """A figure with a decimal comma (Danish), or a dash when unknown or suppressed."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


templates.env.filters["kr"] = _kr
templates.env.filters["num"] = _num


def lang_of(request: Request) -> Lang:
    """The page language: ``?lang=``, then the cookie, then Danish."""
    return pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def lang_url(request: Request, lang: str) -> str:
    """This page's URL with ``lang`` switched (for the language links)."""
    params = dict(request.query_params)
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params)}"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    """A page with everything templates share; remembers ``?lang=`` in a cookie."""
    lang = lang_of(request)
    principal = current_principal(request)
    full: dict[str, Any] = {
        "t": translator(lang),
        "lang": lang,
        "lang_url": lambda code: lang_url(request, code),
        "principal": principal,
        "start_page": START_PAGES.get(principal.role) if principal else None,
        "csrf_field": CSRF_FIELD,
        "csrf": csrf_token(request),
        "today": danish_today(),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, full, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # pages may hold personal data
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    persist_session_id(request, response)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, samesite="strict", httponly=True, path="/")
    return response


def error_page(request: Request, status_code: int, message_key: str, detail: str = "") -> Response:
    """An HTML error page (the API answers problem+json; people get a page)."""
    return render(
        request,
        "error.html",
        {"message_key": message_key, "detail": detail},
        status_code=status_code,
    )


def refused_page(request: Request, error: DomainError) -> Response:
    """A refused action (conflict, not found, invalid) as an error page with the reason.

    The status is the one the API answers the same refusal with (``api.errors``).
    """
    status = ProblemError.from_domain(error).status
    return error_page(request, status, "error", problem_text(error, lang_of(request)))


def problem_text(error: DomainError, lang: Lang) -> str:
    """A refusal in the page's language: its title, then the detail when there is one."""
    title, detail = error.in_language(lang)
    return f"{title}: {detail}" if detail else title


def guard(request: Request, *roles: Role) -> Principal | Response:
    """The principal if signed in with one of ``roles``; else a redirect or a 403 page."""
    principal = current_principal(request)
    if principal is None:
        target = urlencode({"next": request.url.path})
        return RedirectResponse(f"/login?{target}", status_code=303)
    if principal.role not in roles:
        return error_page(request, 403, "forbidden")
    return principal


def guard_form(request: Request, csrf: str | None, *roles: Role) -> Principal | Response:
    """:func:`guard` for a submitted form: also a 403 page unless it carries this browser's
    CSRF token, so no page handler can forget the check."""
    principal = guard(request, *roles)
    if isinstance(principal, Response) or csrf_ok(request, csrf):
        return principal
    return error_page(request, 403, "csrf_failed")


def redirect(url: str) -> RedirectResponse:
    """Post/redirect/get: a 303 so a reload never re-submits a form."""
    return RedirectResponse(url, status_code=303)


@contextmanager
def transaction(request: Request) -> Iterator[Session]:
    """One transaction per page: reads through the workflow may expire overdue offers.

    Commits on success and rolls back on error, except that an allocation error
    marked ``persist`` (an overdue offer expired while answering it) commits first,
    exactly as the API does, so the expiry is not lost with the refused answer.
    """
    session: Session = request.app.state.sessions()
    try:
        yield session
    except DomainError as error:
        if error.persist:
            session.commit()
        else:
            session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    else:
        session.commit()
    finally:
        session.close()
