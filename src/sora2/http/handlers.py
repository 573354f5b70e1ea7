"""The one error shape for every failure, and access logging that never records query strings."""

from __future__ import annotations

import logging
import time
from typing import NamedTuple

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sora2.errors import AppError
from sora2.media.store.base import StoreUnavailable

log = logging.getLogger("sora2.http")


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if not errors:
        return 400, "Invalid request"
    first = errors[0]
    if first.get("type") == "json_invalid":
        return 400, "Malformed JSON body"
    loc = first.get("loc", ())
    location = ".".join(str(p) for p in loc if p != "body")
    # A query, path or header value the API documents a type or range for is bad input (400); 422 stays for
    # bodies that are valid JSON but not the documented shape.
    status = 400 if loc and loc[0] in ("query", "path", "header") else 422
    return status, f"Invalid value for {location or 'request'}: {first.get('msg')}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(_request: Request, exc: StoreUnavailable) -> JSONResponse:
        log.warning("media store: %s", exc.message)
        return JSONResponse({"error": "Media storage is unavailable; try again shortly", "code": "storage_unavailable"},
                            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = _validation_message(exc)
        return JSONResponse({"error": message, "code": "invalid_request"}, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "Request failed"
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse({"error": "Internal server error", "code": "internal"}, status_code=500)


class AnsweredRoute(NamedTuple):
    """What a pure-ASGI shortcut in front of the routes puts in `scope["route"]` when it answers: the template of
    the route it answered for, so the latency metric counts both answers under one label (not "unmatched")."""

    path: str


class AccessLogMiddleware:
    """Pure ASGI (no per-request task or body buffering): path-only access log plus latency metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            elapsed = time.perf_counter() - started
            template = getattr(scope.get("route"), "path", "unmatched")
            ctx = getattr(scope["app"].state, "ctx", None) if "app" in scope else None
            if ctx is not None:
                ctx.metrics.request_latency.labels(scope["method"], template).observe(elapsed)
            # The path only: query strings may carry tokens (?token=, signed URLs).
            log.info("%s %s %d %.1fms", scope["method"], scope["path"], status, elapsed * 1000)
