"""The FastAPI application: routers, problem+json errors, request logs, health checks.

`create_app` builds a self-contained app on one database (tests build one per
database URL); ``boligmatch serve`` runs it with uvicorn. Everything but
``/health``, ``/health/ready``, ``/docs`` and ``/openapi.json`` lives under
``/api/v1`` and needs credentials (CONTRACT.md section 5).
"""

from __future__ import annotations

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
from api.routes import cases, match_runs, offers, planning, vacancies
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
            "The database does not answer.",
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


def create_app(*, database_url: str | None = None) -> FastAPI:
    """The app on ``database_url`` (default: settings); engine and sessions on ``app.state``."""
    url = database_url or get_settings().database_url
    engine = make_engine(url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
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
            app.openapi_schema = problem_media_types(_document_rate_limits(FastAPI.openapi(app)))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    install_hardening(app)  # body limit, security headers, local /docs (api/hardening.py)
    return app


__all__ = ["API_PREFIX", "ROUTERS", "create_app"]
