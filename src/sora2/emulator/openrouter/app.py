"""The OpenRouter flavor's ASGI app: `/api/v1/videos` (OpenRouter's video API) plus `/_emulator` knobs.

`OpenRouterEmulator.app` has no lifespan (Starlette does not run a mounted sub-app's lifespan): whoever mounts
it starts and stops the emulator. `create_openrouter_standalone_app` adds that lifespan for `sora2 emulator`.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from sora2.emulator.errors import EmulatorError
from sora2.emulator.openrouter.catalog import models_json
from sora2.emulator.openrouter.faults import injected_fault, stall
from sora2.emulator.wire import ResetResponse
from sora2.emulator.openrouter.validation import parse_submit
from sora2.emulator.openrouter.wire import (
    ApiError,
    bad_request,
    check_auth,
    error_response,
    json_response,
    read_json_object,
)

if TYPE_CHECKING:
    from sora2.emulator.openrouter.emulator import OpenRouterEmulator

Handler = Callable[[Request], Awaitable[Response]]
API_PREFIX = "/api/v1"


def api_base_url(request: Request) -> str:
    """`http://host:port[/mount]/api/v1` as this client reached us: polling and content URLs start with it."""
    return str(request.url.replace(path=f"{request.scope.get('root_path', '')}{API_PREFIX}", query=""))


def _api(emulator: OpenRouterEmulator, operation: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
    """Counts the call, checks auth, maybe injects a fault (before any state change), maps errors."""
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            emulator.requests[operation] += 1
            try:
                if auth:
                    check_auth(request, emulator.config.api_key)
                fault = await injected_fault(request, emulator.faults, operation, lambda: emulator.started)
                return fault if fault is not None else await handler(request)
            except ApiError as error:
                return error_response(error)
        return endpoint
    return decorate


def _content_index(request: Request) -> int:
    raw = request.query_params.get("index", "0")
    if not raw.isdigit():
        raise bad_request(f"Invalid index '{raw}': expected a non-negative integer")
    return int(raw)


def _video_routes(emulator: OpenRouterEmulator) -> list[Route]:
    @_api(emulator, "list_models", auth=False)
    async def list_models(request: Request) -> Response:
        """The video model catalogue (no key needed, as on openrouter.ai)."""
        return json_response(models_json())

    @_api(emulator, "create")
    async def submit(request: Request) -> Response:
        """Submit a video generation job: 202 with its id and polling URL."""
        request_body = parse_submit(await read_json_object(request))
        job = await emulator.submit(request_body, api_base_url(request))
        # The job exists now; its answer may still come late or never (the create-response knobs).
        await stall(request, emulator.faults.knobs.create_delay_seconds, lambda: emulator.started)
        if emulator.faults.draw_lost_response():
            return ResetResponse()
        return json_response(emulator.view(job, api_base_url(request)), status=202)

    @_api(emulator, "retrieve")
    async def poll(request: Request) -> Response:
        """Poll a job's status."""
        job = await emulator.get(request.path_params["job_id"])
        return json_response(emulator.view(job, api_base_url(request)))

    @_api(emulator, "content")
    async def content(request: Request) -> Response:
        """Stream a completed job's MP4."""
        path = await emulator.content_path(request.path_params["job_id"], _content_index(request))
        return FileResponse(path, media_type="video/mp4")

    return [
        Route(f"{API_PREFIX}/videos/models", list_models, methods=["GET"]),
        Route(f"{API_PREFIX}/videos", submit, methods=["POST"]),
        Route(f"{API_PREFIX}/videos/{{job_id}}", poll, methods=["GET"]),
        Route(f"{API_PREFIX}/videos/{{job_id}}/content", content, methods=["GET"]),
    ]


def _control(emulator: OpenRouterEmulator, handler: Handler) -> Handler:
    """Knobs are open unless an API key is configured; errors use the same envelope as the API."""
    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            if emulator.config.api_key is not None:
                check_auth(request, emulator.config.api_key)
            return await handler(request)
        except EmulatorError as error:
            return error_response(ApiError(error.status, error.message))
        except ApiError as error:
            return error_response(error)
    return endpoint


def _control_routes(emulator: OpenRouterEmulator) -> list[Route]:
    async def stats(request: Request) -> Response:
        return json_response(emulator.stats())

    async def get_faults(request: Request) -> Response:
        return json_response(emulator.faults.as_json())

    async def set_faults(request: Request) -> Response:
        emulator.faults.update(await read_json_object(request))
        return json_response(emulator.faults.as_json())

    async def reset_faults(request: Request) -> Response:
        emulator.faults.reset()
        return json_response(emulator.faults.as_json())

    async def cancel_job(request: Request) -> Response:
        job = await emulator.cancel(request.path_params["job_id"])
        return json_response(emulator.view(job, api_base_url(request)))

    async def expire_job(request: Request) -> Response:
        job = await emulator.expire(request.path_params["job_id"])
        return json_response(emulator.view(job, api_base_url(request)))

    routes = []
    # Also under /api/v1: a client whose base URL ends in /api/v1 reaches the knobs with the same base.
    for prefix in ("/_emulator", f"{API_PREFIX}/_emulator"):
        routes += [Route(f"{prefix}/{path}", _control(emulator, handler), methods=[method])
                   for path, handler, method in (
                       ("stats", stats, "GET"), ("faults", get_faults, "GET"), ("faults", set_faults, "POST"),
                       ("faults", reset_faults, "DELETE"), ("jobs/{job_id}/cancel", cancel_job, "POST"),
                       ("jobs/{job_id}/expire", expire_job, "POST"))]
    return routes


async def _unknown_route(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    message = "Not Found" if status == 404 else f"{request.method} is not allowed on {request.url.path}"
    return error_response(ApiError(status, message))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    return error_response(ApiError(500, "Internal Server Error"))


def build_app(emulator: OpenRouterEmulator,
              lifespan: Callable | None = None) -> Starlette:  # type: ignore[type-arg]
    return Starlette(routes=_video_routes(emulator) + _control_routes(emulator), lifespan=lifespan,
                     exception_handlers={HTTPException: _unknown_route, Exception: _unexpected_error})


def create_openrouter_standalone_app(emulator: OpenRouterEmulator) -> Starlette:
    """Routes plus a lifespan that starts and stops the emulator (`sora2 emulator --flavor openrouter`)."""
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await emulator.start()
        try:
            yield
        finally:
            await emulator.stop()

    app = build_app(emulator, lifespan)
    app.state.emulator = emulator
    return app
