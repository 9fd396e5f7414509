"""Every error as ``application/problem+json`` (RFC 9457), from one place.

Domain services raise :mod:`kernel.errors` (no HTTP there); this module maps each kind
onto its one status. HTTP-only failures (authentication, headers) raise `ProblemError`
with a status. FastAPI's own errors (validation, unknown
routes, wrong methods, `HTTPException`) and database conflicts are translated by
the handlers installed with `install_problem_handlers`. An unexpected exception
becomes a bare 500 problem: its message may hold internals or personal data, so
it goes to the (CPR-redacted) log and never into the response.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DisconnectionError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kernel import messages
from kernel.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
    ProblemItem,
    conflict,
    not_found,
)

PROBLEM_BASE = "https://boligmatch.dk/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("boligmatch.api")

# Stable problem types for plain HTTP statuses (``type`` slugs, documented in /docs).
STATUS_SLUGS: dict[int, str] = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    413: "content-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    428: "precondition-required",
    500: "internal-error",
    503: "service-unavailable",
}


# The one mapping from the domain's error kinds to HTTP statuses.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    Forbidden: 403,
    PreconditionFailed: 412,
}


def request_language(request: Request) -> messages.Lang:
    """The language the caller's ``Accept-Language`` prefers (Danish unless English)."""
    return messages.pick_language(request.headers.get("accept-language"))


class ProblemError(Exception):
    """An HTTP-level failure (authentication, headers, limits) with its status.

    ``type_slug`` is appended to https://boligmatch.dk/problems/ and is part of the
    API contract. ``detail`` is shown to the caller and must never contain personal data.
    """

    def __init__(
        self,
        status: int,
        type_slug: str,
        title: str,
        detail: str | None = None,
        *,
        errors: Sequence[ProblemItem] | None = None,
        headers: Mapping[str, str] | None = None,
        key: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        if key is not None and detail is None:
            detail = messages.detail(key, "en", dict(values or {}))
        super().__init__(f"{status} {type_slug}: {detail or title}")
        self.status = status
        self.type_slug = type_slug
        self.title = title
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})
        self.key = key
        self.values = dict(values or {})

    def response(self, request: Request) -> JSONResponse:
        """This error as a problem document in the caller's language (``Accept-Language``).

        Danish unless the caller prefers English; ``Content-Language`` says which, and
        ``Vary`` tells caches that the answer depends on the header.
        """
        lang = request_language(request)
        title, detail = messages.localize(
            self.type_slug, self.title, self.detail, self.key, self.values, lang
        )
        body = Problem(
            type=PROBLEM_BASE + self.type_slug,
            title=title,
            status=self.status,
            detail=detail,
            instance=request.url.path,
            errors=self.errors,
        )
        return JSONResponse(
            body.model_dump(mode="json", exclude_none=True),
            status_code=self.status,
            headers={**self.headers, "Content-Language": lang, "Vary": "Accept-Language"},
            media_type=PROBLEM_MEDIA_TYPE,
        )

    @classmethod
    def from_domain(cls, error: DomainError) -> ProblemError:
        """The HTTP answer to a domain error: its status, and the current ETag on 412."""
        status = next(
            (code for kind, code in DOMAIN_STATUS.items() if isinstance(error, kind)), 400
        )
        headers = (
            {"ETag": f'"{error.current_version}"'}
            if isinstance(error, PreconditionFailed)
            else None
        )
        return cls(
            status,
            error.code,
            error.title,
            error.detail,
            errors=error.errors,
            headers=headers,
            key=error.key,
            values=error.values,
        )


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every 4xx and 5xx response."""

    type: str = Field(examples=[PROBLEM_BASE + "validation-error"])
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="the request path")
    errors: list[ProblemItem] | None = None


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return exc.response(request)


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return ProblemError.from_domain(exc).response(request)


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    if status == 400:
        # Only the framework raises a bare 400, for a body it cannot parse (bad JSON
        # bytes, broken multipart): one more invalid request, answered like validation.
        lang = request_language(request)
        problem = messages.field_problem("json_invalid", lang, {}, "not valid JSON or form data")
        return ProblemError(
            422,
            "validation-error",
            "Invalid request",
            key="body_unparsable",
            errors=[ProblemItem(field="body", problem=problem)],
        ).response(request)
    if detail == _title(status):
        detail = None
    return ProblemError(
        status,
        STATUS_SLUGS.get(status, f"http-{status}"),
        _title(status),
        detail,
        headers=exc.headers,
    ).response(request)


def _field(location: Sequence[Any]) -> str:
    return ".".join(str(part) for part in location)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 listing each invalid field; the rejected *input* is never echoed (it may be a CPR)."""
    assert isinstance(exc, RequestValidationError)
    lang = request_language(request)
    items = [
        ProblemItem(
            field=_field(error.get("loc", ())), problem=messages.validation_problem(error, lang)
        )
        for error in exc.errors()
    ]
    return ProblemError(
        422, "validation-error", "Invalid request", key="request_fields_invalid", errors=items
    ).response(request)


async def _on_stale_data(request: Request, exc: Exception) -> JSONResponse:
    """A concurrent writer changed the row first (optimistic locking lost the race)."""
    return ProblemError(
        412,
        "precondition-failed",
        "Precondition Failed",
        key="changed_by_someone_else",
    ).response(request)


async def _on_integrity_error(request: Request, exc: Exception) -> JSONResponse:
    """A database constraint refused the change; its message names values, so it is logged only."""
    log.warning("integrity error on %s %s", request.method, request.url.path, exc_info=exc)
    return ProblemError(
        409,
        "conflict",
        "Conflict",
        key="conflicts_with_state",
    ).response(request)


RETRY_AFTER_SECONDS = 10
# PostgreSQL's "deadlock detected" and "could not serialize": a lost race, not an outage.
_RACE_SQLSTATES = ("40P01", "40001")


async def _on_database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database does not answer (down, unreachable, file unreadable, pool exhausted).

    503 with ``Retry-After``: the request was fine and may simply be sent again later.
    Only the exception's type is logged; its message may hold connection details.
    """
    if isinstance(exc, OperationalError) and (
        getattr(exc.orig, "sqlstate", None) in _RACE_SQLSTATES
    ):
        return ProblemError(
            409,
            "conflict",
            "Conflict",
            key="race_lost",
        ).response(request)
    log.error(
        "database unavailable on %s %s: %s",
        request.method,
        request.url.path,
        type(getattr(exc, "orig", None) or exc).__name__,
    )
    return ProblemError(
        503,
        "service-unavailable",
        "Service Unavailable",
        key="database_unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    ).response(request)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return ProblemError(
        500,
        "internal-error",
        "Internal Server Error",
        key="internal_error",
    ).response(request)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` with a problem document."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StaleDataError, _on_stale_data)
    app.add_exception_handler(IntegrityError, _on_integrity_error)
    for outage in (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError):
        app.add_exception_handler(outage, _on_database_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting problem bodies for ``statuses``.

    FastAPI files them under ``application/json``; `problem_media_types` in the
    app's OpenAPI hook moves every error response to ``application/problem+json``.
    """
    return {status: {"model": Problem, "description": _title(status)} for status in statuses}


def problem_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Make the OpenAPI document truthful: every 4xx/5xx body is a `Problem` document."""
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": problem_ref}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = components["Problem"].pop("$defs", {})
    components.update(defs)
    return schema


__all__ = [
    "PROBLEM_BASE",
    "PROBLEM_MEDIA_TYPE",
    "Problem",
    "ProblemError",
    "ProblemItem",
    "conflict",
    "install_problem_handlers",
    "not_found",
    "problem_responses",
]
