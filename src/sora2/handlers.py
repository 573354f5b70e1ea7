"""The one error shape for every failure, and access logging that never records query strings."""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from sora2.errors import AppError

log = logging.getLogger("sora2.http")


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if not errors:
        return 400, "Invalid request"
    first = errors[0]
    if first.get("type") == "json_invalid":
        return 400, "Malformed JSON body"
    location = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return 422, f"Invalid value for {location or 'request'}: {first.get('msg')}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_request: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)

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


def install_access_log(app: FastAPI) -> None:
    @app.middleware("http")
    async def access_log(request: Request, call_next):  # noqa: ANN001, ANN202
        started = time.perf_counter()
        response = await call_next(request)
        elapsed = time.perf_counter() - started
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        ctx = getattr(request.app.state, "ctx", None)
        if ctx is not None:
            ctx.metrics.request_latency.labels(request.method, template).observe(elapsed)
        # The path only: query strings may carry tokens (?token=, signed URLs).
        log.info("%s %s %d %.1fms", request.method, request.url.path, response.status_code, elapsed * 1000)
        return response
