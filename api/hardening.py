"""Server hygiene around the whole app: a request body limit, security headers, local docs.

`install_hardening` wraps the finished middleware stack (outside even Starlette's error
middleware, so a 500 carries the headers too) in `HardeningMiddleware`:

- **Body limit**: a request whose ``Content-Length`` exceeds ``max_request_bytes`` is
  answered 413 before a byte of its body is read; a body without a length (chunked) is
  counted as it streams and refused at the first byte over the limit.
- **Headers on every response**: a Content-Security-Policy without inline scripts or
  styles and ``frame-ancestors 'none'`` (the pages keep their JavaScript and CSS in
  /static/web), ``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: same-origin``, HSTS in production, and ``Cache-Control: no-store``
  unless the route chose its own caching (only the static assets do): API answers and
  pages carry personal data.
- **/docs** is served from the Swagger UI files bundled in the ``swagger-ui-bundle-v2``
  wheel, with its start-up script as a file, so the page needs no CDN and no inline
  script and the same policy holds there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ProblemError
from kernel import messages
from kernel.settings import get_settings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"

DOCS_ASSETS_PATH = "/docs/assets"
_SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
_SWAGGER_FILES = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}


def security_headers(*, production: bool) -> list[tuple[str, str]]:
    """The headers every response carries (unless the route set its own value)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cache-Control", "no-store"),
    ]
    if production:  # HSTS over plain-HTTP development would pin localhost to HTTPS
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


class BodyTooLarge(StarletteHTTPException):
    """The request body passed the limit while streaming (answered 413 by api.errors)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413, detail=messages.detail("body_too_large", "en", _too_large_values(limit))
        )
        self.limit = limit


def _too_large_values(limit: int) -> dict[str, object]:
    """The values of the 413's detail ``body_too_large``: the limit in MB (Danish: 0,5)."""
    megabytes = f"{limit / 1_048_576:g}"
    return {"limit_mb": megabytes, "limit_mb_da": megabytes.replace(".", ",")}


class HardeningMiddleware:
    """Body size limit and security headers for every HTTP request (see module doc)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, production: bool) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.headers = security_headers(production=production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers.setdefault(name, value)
            await send(message)

        limit = self.max_body_bytes
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > limit:
            await self._refuse(scope, send_with_headers)  # before reading any of the body
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except BodyTooLarge:
            if started:  # raised outside a route, after an answer began: nothing to mend
                raise
            await self._refuse(scope, send_with_headers)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        response = _too_large(Request(scope, no_body), self.max_body_bytes)
        await response(scope, no_body, send)


def _too_large(request: Request, limit: int) -> Response:
    return ProblemError(
        413,
        "content-too-large",
        "Content Too Large",
        headers={"Connection": "close"},
        key="body_too_large",
        values=_too_large_values(limit),
    ).response(request)


async def _on_body_too_large(request: Request, exc: Exception) -> Response:
    """The limit was passed while a route read the body (FastAPI re-raises HTTP errors)."""
    assert isinstance(exc, BodyTooLarge)
    return _too_large(request, exc.limit)


def _swagger_page(title: str, openapi_url: str) -> str:
    """The Swagger UI page: local files only, its start-up script a file too (CSP)."""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} - API documentation</title>
  <link rel="stylesheet" href="{DOCS_ASSETS_PATH}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{DOCS_ASSETS_PATH}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
  <script src="{DOCS_ASSETS_PATH}/init.js"></script>
</body>
</html>
"""


_SWAGGER_INIT = """"use strict";
window.ui = SwaggerUIBundle({
  url: %s,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
});
"""


def install_local_docs(app: FastAPI) -> None:
    """Replace FastAPI's CDN-loaded /docs page by one served from the bundled files."""
    docs_url, openapi_url = app.docs_url, app.openapi_url
    if not docs_url or not openapi_url:
        return
    replaced = {docs_url, app.swagger_ui_oauth2_redirect_url}
    app.router.routes[:] = [
        route for route in app.router.routes if getattr(route, "path", None) not in replaced
    ]
    page = _swagger_page(app.title, openapi_url)
    init = _SWAGGER_INIT % json.dumps(openapi_url)

    @app.get(docs_url, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(DOCS_ASSETS_PATH + "/{name}", include_in_schema=False)
    def docs_asset(name: str) -> Response:
        cache = {"Cache-Control": "public, max-age=3600"}
        if name == "init.js":
            return Response(init, media_type="text/javascript; charset=utf-8", headers=cache)
        if name not in _SWAGGER_FILES:
            return Response(status_code=404)
        return FileResponse(_SWAGGER_DIR / name, media_type=_SWAGGER_FILES[name], headers=cache)


def install_hardening(app: FastAPI) -> None:
    """Local /docs, and `HardeningMiddleware` around everything the app will build."""
    settings = get_settings()
    install_local_docs(app)
    app.add_exception_handler(BodyTooLarge, _on_body_too_large)
    build: Callable[[], ASGIApp] = app.build_middleware_stack

    def build_hardened() -> ASGIApp:
        return HardeningMiddleware(
            build(),
            max_body_bytes=settings.max_request_bytes,
            production=settings.environment == "production",
        )

    app.build_middleware_stack = build_hardened  # type: ignore[method-assign]


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "BodyTooLarge",
    "HardeningMiddleware",
    "install_hardening",
    "security_headers",
]
