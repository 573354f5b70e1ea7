"""The emulator's ASGI apps: `/v1/videos` routes (OpenAI contract) plus `/_emulator` stats and fault knobs.

`create_emulator_app` has no lifespan (Starlette does not run a mounted sub-app's lifespan): whoever mounts it
starts and stops the service. `create_standalone_app` adds that lifespan for `sora2 emulator`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from sora2.emulator.config import LISTED_MODELS, EmulatorConfig
from sora2.emulator.errors import EmulatorError
from sora2.emulator.jobs import Job
from sora2.emulator.service import EmulatorService
from sora2.emulator.store import MEDIA_TYPES
from sora2.emulator.validation import (
    REMIX_FIELDS,
    reference_bytes,
    reject_unknown_fields,
    validate_create,
    validate_prompt,
    validate_reference,
)
from sora2.emulator.wire import (
    ResetResponse,
    check_auth,
    content_variant,
    error_response,
    idempotency_key,
    json_response,
    list_query,
    read_fields,
    request_id,
)

Handler = Callable[[Request], Awaitable[Response]]
DISCONNECT_CHECK_SECONDS = 0.1


def _video_response(service: EmulatorService, job: Job, replayed: bool = False) -> Response:
    headers = {}
    hint = service.poll_hint_ms(job)
    if hint is not None:
        headers["openai-poll-after-ms"] = str(hint)
    if replayed:
        headers["idempotent-replayed"] = "true"
    return json_response(service.view(job), headers=headers)


async def _stall(request: Request, service: EmulatorService, seconds: float) -> None:
    """Sleeps like a hung upstream, but gives up early once the client left or the service stops."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline and service.started:
        if await request.is_disconnected():
            return
        await asyncio.sleep(min(DISCONNECT_CHECK_SECONDS, max(0.0, deadline - asyncio.get_running_loop().time())))


async def _injected_fault(request: Request, service: EmulatorService, operation: str) -> Response | None:
    kind = service.faults.draw_request_fault(operation)
    knobs = service.faults.settings
    if kind == "429":
        wait = knobs.retry_after_seconds
        message = ("Rate limit reached for videos on requests per min (RPM): Limit 25, Used 25, Requested 1. "
                   f"Please try again in {wait:g}s. "
                   "Visit https://platform.openai.com/account/rate-limits to learn more.")
        return error_response(EmulatorError(
            429, message, type="requests", code="rate_limit_exceeded",
            headers={"retry-after": str(max(1, math.ceil(wait))), "retry-after-ms": str(int(wait * 1000))}))
    if kind == "500":
        return error_response(EmulatorError(
            500, "The server had an error while processing your request. Sorry about that!", type="server_error"))
    if kind == "timeout":
        await _stall(request, service, knobs.timeout_seconds)
        return error_response(EmulatorError(504, "Request timed out.", type="server_error", code="timeout"))
    if kind == "reset":
        return ResetResponse()
    return None


def _honoured_key(request: Request, service: EmulatorService) -> str | None:
    return idempotency_key(request) if service.faults.settings.honour_idempotency else None


async def _created_answer(request: Request, service: EmulatorService, job: Job, replayed: bool) -> Response:
    """A new job exists now; its answer may still come late or never (the create-response knobs). A replay is
    answered at once: it is how a client finds out what happened."""
    if not replayed:
        await _stall(request, service, service.faults.settings.create_delay_seconds)
        if service.faults.draw_lost_response():
            return ResetResponse()
    return _video_response(service, job, replayed)


def _v1(service: EmulatorService, operation: str) -> Callable[[Handler], Handler]:
    """Counts the call, checks auth, maybe injects a fault (before any state change), maps errors to envelopes."""
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            service.requests[operation] += 1
            try:
                check_auth(request, service.config.api_key)
                fault = await _injected_fault(request, service, operation)
                return fault if fault is not None else await handler(request)
            except EmulatorError as error:
                return error_response(error)
        return endpoint
    return decorate


def _control(service: EmulatorService, handler: Handler) -> Handler:
    """Stats and knobs are open unless an API key is configured: with "any bearer" auth a check would add nothing."""
    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            if service.config.api_key is not None:
                check_auth(request, service.config.api_key)
            return await handler(request)
        except EmulatorError as error:
            return error_response(error)
    return endpoint


def _video_routes(service: EmulatorService) -> list[Route]:
    @_v1(service, "create")
    async def create_video(request: Request) -> Response:
        fields, from_json = await read_fields(request)
        params = validate_create(fields)
        reference = reference_bytes(fields.get("input_reference"), from_json)
        if reference is not None:
            reference = await asyncio.to_thread(validate_reference, reference, params.size)
        job, replayed = await service.create(dataclasses.replace(params, reference=reference),
                                             _honoured_key(request, service))
        return await _created_answer(request, service, job, replayed)

    @_v1(service, "retrieve")
    async def retrieve_video(request: Request) -> Response:
        return _video_response(service, await service.get(request.path_params["video_id"]))

    @_v1(service, "list")
    async def list_models(request: Request) -> Response:
        """The models this emulator serves, as a gateway lists them (GET /v1/models)."""
        return json_response({"object": "list", "data": [
            {"id": model, "object": "model", "created": 1759708800, "owned_by": "sora2-emulator"}
            for model in LISTED_MODELS]})

    @_v1(service, "list")
    async def list_videos(request: Request) -> Response:
        after, limit, order = list_query(request)
        jobs, has_more = await service.list(after, limit, order)
        now = service.now()
        return json_response({"object": "list", "data": [service.view(job, now) for job in jobs],
                              "first_id": jobs[0].id if jobs else None, "last_id": jobs[-1].id if jobs else None,
                              "has_more": has_more})

    @_v1(service, "delete")
    async def delete_video(request: Request) -> Response:
        job = await service.delete(request.path_params["video_id"])
        return json_response({"id": job.id, "deleted": True, "object": "video.deleted"})

    @_v1(service, "content")
    async def video_content(request: Request) -> Response:
        variant = content_variant(request)
        path = await service.content_path(request.path_params["video_id"], variant)
        if not path.exists():  # deleted or expired between the status check and now
            raise EmulatorError(404, "The video's content is no longer available.", param="video_id",
                                code="not_found")
        return FileResponse(path, media_type=MEDIA_TYPES[variant], headers={"x-request-id": request_id()})

    @_v1(service, "remix")
    async def remix_video(request: Request) -> Response:
        fields, _ = await read_fields(request)
        reject_unknown_fields(fields, REMIX_FIELDS)
        prompt = validate_prompt(fields.get("prompt"))
        job, replayed = await service.remix(request.path_params["video_id"], prompt,
                                            _honoured_key(request, service))
        return await _created_answer(request, service, job, replayed)

    return [
        Route("/v1/models", list_models, methods=["GET"]),
        Route("/v1/videos", create_video, methods=["POST"]),
        Route("/v1/videos", list_videos, methods=["GET"]),
        Route("/v1/videos/{video_id}", retrieve_video, methods=["GET"]),
        Route("/v1/videos/{video_id}", delete_video, methods=["DELETE"]),
        Route("/v1/videos/{video_id}/content", video_content, methods=["GET"]),
        Route("/v1/videos/{video_id}/remix", remix_video, methods=["POST"]),
    ]


def _control_routes(service: EmulatorService) -> list[Route]:
    async def stats(request: Request) -> Response:
        return json_response(service.stats())

    async def get_faults(request: Request) -> Response:
        return json_response(service.faults.as_json())

    async def set_faults(request: Request) -> Response:
        try:
            patch = await request.json()
        except ValueError:
            raise EmulatorError(400, "Expected a JSON object of fault knobs.") from None
        service.faults.update(patch)
        return json_response(service.faults.as_json())

    async def reset_faults(request: Request) -> Response:
        service.faults.reset()
        return json_response(service.faults.as_json())

    routes = []
    # Also under /v1: clients whose base URL ends in /v1 reach the knobs with the same client.
    for prefix in ("/_emulator", "/v1/_emulator"):
        routes += [Route(f"{prefix}/stats", _control(service, stats), methods=["GET"]),
                   Route(f"{prefix}/faults", _control(service, get_faults), methods=["GET"]),
                   Route(f"{prefix}/faults", _control(service, set_faults), methods=["POST"]),
                   Route(f"{prefix}/faults", _control(service, reset_faults), methods=["DELETE"])]
    return routes


async def _unknown_route(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    return error_response(EmulatorError(status, f"Invalid URL ({request.method} {request.url.path})"))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    return error_response(EmulatorError(500, "The server had an error while processing your request. "
                                             "Sorry about that!", type="server_error"))


def _build(service: EmulatorService, lifespan: Callable | None = None) -> Starlette:  # type: ignore[type-arg]
    return Starlette(routes=_video_routes(service) + _control_routes(service), lifespan=lifespan,
                     exception_handlers={HTTPException: _unknown_route, Exception: _unexpected_error})


def create_emulator_app(service: EmulatorService) -> Starlette:
    """The routes, without a lifespan: the caller runs `service.start()` / `service.stop()`."""
    return _build(service)


def create_standalone_app(config: EmulatorConfig) -> Starlette:
    """The same routes plus a lifespan that owns the service (for `sora2 emulator`)."""
    service = EmulatorService(config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = _build(service, lifespan)
    app.state.emulator = service
    return app
