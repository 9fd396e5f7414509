"""The FastAPI application: routers, problem+json errors, request logs, health checks.

`create_app` builds a self-contained app on one database (tests build one per
database URL); ``boligmatch serve`` runs it with uvicorn. Everything but
``/health``, ``/health/ready``, ``/docs`` and ``/openapi.json`` lives under
``/api/v1`` and needs credentials (CONTRACT.md section 5).
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import (
    RETRY_AFTER_SECONDS,
    ProblemError,
    install_problem_handlers,
    problem_media_types,
    problem_responses,
)
from api.hardening import install_hardening
from api.ratelimit import WRITE_METHODS, RateLimiter
from api.routes import cases, letters, match_runs, offers, planning, vacancies
from api.web import routes as web_pages
from kernel.db import make_engine, session_factory
from kernel.settings import get_settings

API_PREFIX = "/api/v1"

# The API's routers, mounted under /api/v1. Add a router with one line here.
ROUTERS: tuple[APIRouter, ...] = (
    vacancies.router,
    cases.router,
    match_runs.router,
    offers.router,
    offers.association_router,
    planning.router,
    letters.router,
)

request_log = logging.getLogger("boligmatch.requests")


class RequestLogMiddleware:
    """One structured log line per HTTP request: method, path, status, duration, subject.

    The path is logged without its query string, and the subject is the
    authenticated principal's (never a name or CPR number).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            principal = scope.get("state", {}).get("principal")
            request_log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "subject": getattr(principal, "subject", None),
                },
            )


class Health(BaseModel):
    status: str


health_router = APIRouter(tags=["health"])


@health_router.get("/health", response_model=Health)
def health() -> Health:
    """Liveness: the process answers (no database, no credentials)."""
    return Health(status="ok")


_NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {
        **problem_responses(503)[503],
        "headers": {
            "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
        },
    }
}


@health_router.get("/health/ready", response_model=Health, responses=_NOT_READY)
def ready(request: Request) -> Health:
    """Readiness: the database answers ``SELECT 1`` (503 problem with Retry-After otherwise)."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        logging.getLogger("boligmatch.api").warning("database not ready: %s", type(exc).__name__)
        raise ProblemError(
            503,
            "service-unavailable",
            "Service Unavailable",
            key="database_not_answering",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ) from None
    return Health(status="ok")


def _document_rate_limits(schema: dict[str, Any]) -> dict[str, Any]:
    """Every changing operation may answer 429 (:mod:`api.ratelimit`): say so in OpenAPI."""
    too_many = {
        "description": "Too many changing requests from this credential; see Retry-After.",
        "headers": {
            "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
        },
    }
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method.upper() in WRITE_METHODS:
                operation.setdefault("responses", {}).setdefault("429", too_many)
    return schema


# OpenAPI links (3.1 section 4.8.20): how an answer's values feed the next request, so a
# client (and Schemathesis' stateful tests) can follow create -> read -> change. Keyed by
# (path, method, status); each link names its target as (path, method) and its parameters
# as runtime expressions. ``If-Match`` takes the ``ETag`` of the answer that led there.
_ID, _ETAG, _FIRST_ID = "$response.body#/id", "$response.header.ETag", "$response.body#/items/0/id"
_V, _C, _R, _O = (
    "/api/v1/vacancies/{vacancy_id}",
    "/api/v1/cases/{case_id}",
    "/api/v1/match-runs/{run_id}",
    "/api/v1/offers/{offer_id}",
)
_Link = tuple[str, str, dict[str, str], dict[str, str] | None]
LINKS: dict[tuple[str, str, str], dict[str, _Link]] = {
    ("/api/v1/vacancies", "post", "201"): {
        "ReadVacancy": (_V, "get", {"vacancy_id": _ID}, None),
        "ChangeVacancy": (_V, "patch", {"vacancy_id": _ID, "If-Match": _ETAG}, None),
        "WithdrawVacancy": (f"{_V}/withdraw", "post", {"vacancy_id": _ID, "If-Match": _ETAG}, None),
    },
    (_V, "get", "200"): {
        "ChangeVacancy": (_V, "patch", {"vacancy_id": _ID, "If-Match": _ETAG}, None),
        "WithdrawVacancy": (f"{_V}/withdraw", "post", {"vacancy_id": _ID, "If-Match": _ETAG}, None),
    },
    ("/api/v1/cases", "post", "201"): {
        "ReadCase": (_C, "get", {"case_id": _ID}, None),
        "ChangeCase": (_C, "patch", {"case_id": _ID, "If-Match": _ETAG}, None),
        "CloseCase": (f"{_C}/close", "post", {"case_id": _ID, "If-Match": _ETAG}, None),
    },
    (_C, "get", "200"): {
        "ChangeCase": (_C, "patch", {"case_id": _ID, "If-Match": _ETAG}, None),
        "CloseCase": (f"{_C}/close", "post", {"case_id": _ID, "If-Match": _ETAG}, None),
    },
    ("/api/v1/cases", "get", "200"): {
        "ReadFirstCase": (_C, "get", {"case_id": _FIRST_ID}, None),
    },
    ("/api/v1/match-runs", "post", "201"): {
        "ReadRun": (_R, "get", {"run_id": _ID}, None),
        "ReadRunOffers": (f"{_R}/offers", "get", {"run_id": _ID}, None),
        "ExplainRunPair": (f"{_R}/explain", "get", {"run_id": _ID}, None),
    },
    (f"{_R}/offers", "get", "200"): {
        "SendFirstOffer": ("/api/v1/offers", "post", {}, {"offer_id": _FIRST_ID}),
        "ReadFirstOffer": (_O, "get", {"offer_id": _FIRST_ID}, None),
    },
    ("/api/v1/offers", "get", "200"): {
        "SendFirstOffer": ("/api/v1/offers", "post", {}, {"offer_id": _FIRST_ID}),
        "ReadFirstOffer": (_O, "get", {"offer_id": _FIRST_ID}, None),
    },
    ("/api/v1/offers", "post", "201"): {
        "ReadOffer": (_O, "get", {"offer_id": _ID}, None),
        "AcceptOffer": (f"{_O}/accept", "post", {"offer_id": _ID, "If-Match": _ETAG}, None),
        "DeclineOffer": (f"{_O}/decline", "post", {"offer_id": _ID, "If-Match": _ETAG}, None),
    },
    (_O, "get", "200"): {
        "AcceptOffer": (f"{_O}/accept", "post", {"offer_id": _ID, "If-Match": _ETAG}, None),
        "DeclineOffer": (f"{_O}/decline", "post", {"offer_id": _ID, "If-Match": _ETAG}, None),
    },
}


def _document_links(schema: dict[str, Any]) -> dict[str, Any]:
    """Add :data:`LINKS` to the responses they start from (by the targets' operationIds)."""
    paths = schema.get("paths", {})
    for (path, method, status), links in LINKS.items():
        response = paths[path][method]["responses"][status]
        documented = response.setdefault("links", {})
        for name, (target, target_method, parameters, body) in links.items():
            link: dict[str, Any] = {"operationId": paths[target][target_method]["operationId"]}
            if parameters:
                link["parameters"] = dict(parameters)
            if body is not None:
                link["requestBody"] = dict(body)
            documented[name] = link
    return schema


# Body rules pydantic checks in a model validator, which its JSON Schema cannot show:
# stated here so the published schema accepts exactly what the API accepts.
_ONE_OF: dict[str, list[dict[str, Any]]] = {
    # api.routes.offers.OfferSend._one_form: a proposal by offer_id, or a chosen pair.
    "OfferSend": [
        {
            "required": ["offer_id"],
            "properties": {
                "offer_id": {"type": "integer"},
                "vacancy_id": {"type": "null"},
                "case_id": {"type": "null"},
                "case_ref": {"type": "null"},
            },
        },
        {
            "required": ["vacancy_id"],
            "properties": {"offer_id": {"type": "null"}, "vacancy_id": {"type": "integer"}},
            "anyOf": [
                {"required": ["case_id"], "properties": {"case_id": {"type": "integer"}}},
                {"required": ["case_ref"], "properties": {"case_ref": {"type": "string"}}},
            ],
        },
    ],
}


def _document_body_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """Add :data:`_ONE_OF` to the component schemas they belong to, and mark ``If-Match``
    required where a request without it is refused (428, api.deps.expected_version).

    The header is optional to FastAPI so that its absence answers 428 Precondition
    Required (RFC 6585 section 3) rather than a generic 422; the schema says what the
    API demands.
    """
    components = schema.get("components", {}).get("schemas", {})
    for name, forms in _ONE_OF.items():
        components[name]["oneOf"] = forms
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if "428" not in operation.get("responses", {}):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "header" and parameter["name"] == "If-Match":
                    parameter["required"] = True
    return schema


def create_app(*, database_url: str | None = None) -> FastAPI:
    """The app on ``database_url`` (default: settings); engine and sessions on ``app.state``."""
    url = database_url or get_settings().database_url
    engine = make_engine(url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Everything imported and built so far lives as long as the server: moved out of
        # the collector's sight, a full collection scans only what requests make (it
        # scanned the libraries' hundreds of thousands of objects too, a pause of tens of
        # milliseconds in a request's tail latency). Moved back at shutdown.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            engine.dispose()

    app = FastAPI(
        title="boligmatch",
        version="1.0.0",
        summary="Housing First matching of homeless citizens and vacant homes.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.rate_limiter = RateLimiter()  # per process: see api/ratelimit.py
    install_problem_handlers(app)
    app.add_middleware(RequestLogMiddleware)
    app.include_router(health_router)
    app.include_router(web_pages.router)  # server-rendered pages (api/web), not in OpenAPI
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = _document_rate_limits(FastAPI.openapi(app))
            schema = _document_body_rules(problem_media_types(schema))
            app.openapi_schema = _document_links(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    install_hardening(app)  # body limit, security headers, local /docs (api/hardening.py)
    return app


__all__ = ["API_PREFIX", "ROUTERS", "create_app"]
