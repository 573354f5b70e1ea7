"""The fal flavor's ASGI app: the queue API (submit, status, result, cancel), the output files ("CDN"), the JWKS
key set, and `/_emulator` knobs. Errors are fal's `{"detail": ...}` with the HTTP status.

`FalEmulator.app` has no lifespan (a mounted sub-app's lifespan does not run); `create_fal_standalone_app` adds one.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from sora2.emulator.errors import EmulatorError
from sora2.emulator.fal.catalog import ENDPOINTS
from sora2.emulator.fal.jobs import outcome_at, status_view
from sora2.emulator.fal.validation import InputError, parse_submit
from sora2.emulator.wire import ResetResponse

if TYPE_CHECKING:
    from sora2.emulator.fal.emulator import FalEmulator

Handler = Callable[[Request], Awaitable[Response]]
MAX_BODY = 50 * 1024 * 1024


class FalError(Exception):
    def __init__(self, status: int, detail: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(str(detail))
        self.status, self.detail, self.headers = status, detail, headers or {}


def _answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"x-fal-request-id": secrets.token_hex(8), **(headers or {})})


def _check_key(request: Request, key: str | None) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "key" or not token.strip():
        raise FalError(401, "No credentials provided: use 'Authorization: Key <FAL_KEY>'")
    if key is not None and not secrets.compare_digest(token.strip().encode(), key.encode()):
        raise FalError(401, "Invalid API key")


async def _fault(request: Request, emulator: FalEmulator, operation: str) -> Response | None:
    kind = emulator.faults.draw_request_fault(operation)
    knobs = emulator.faults.settings
    if kind == "429":
        wait = str(max(1, math.ceil(knobs.retry_after_seconds)))
        return _answer({"detail": "Rate limit exceeded. Concurrent request limit reached."}, 429, {"retry-after": wait})
    if kind in ("500", "503"):
        return _answer({"detail": "Internal server error" if kind == "500" else "Service unavailable"}, int(kind))
    if kind == "timeout":
        deadline = asyncio.get_running_loop().time() + knobs.timeout_seconds
        while asyncio.get_running_loop().time() < deadline and emulator.started:
            if await request.is_disconnected():
                break
            await asyncio.sleep(0.1)
        return _answer({"detail": "Gateway timeout"}, 504)
    if kind == "reset":
        return ResetResponse()
    return None


def _api(emulator: FalEmulator, operation: str) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            emulator.requests[operation] += 1
            try:
                _check_key(request, emulator.config.api_key)
                return await _fault(request, emulator, operation) or await handler(request)
            except FalError as error:
                return _answer({"detail": error.detail}, error.status, error.headers)
            except InputError as error:
                return _answer({"detail": error.detail}, 422)
        return endpoint
    return decorate


def _base(request: Request) -> str:
    return str(request.url.replace(path=request.scope.get("root_path", ""), query="")).rstrip("/")


def _job(emulator: FalEmulator, request: Request):  # noqa: ANN202
    from sora2.emulator.fal.emulator import RequestNotFound

    params = request.path_params
    try:
        return emulator.get(f"{params['owner']}/{params['alias']}", params["request_id"])
    except RequestNotFound:
        raise FalError(404, f"Request {params['request_id']} not found") from None


def _queue_routes(emulator: FalEmulator) -> list[Route]:
    from sora2.emulator.fal.emulator import RequestNotFound

    @_api(emulator, "submit")
    async def submit(request: Request) -> Response:
        endpoint = ENDPOINTS.get(request.path_params["endpoint"].strip("/"))
        if endpoint is None:
            raise FalError(404, f"Application '{request.path_params['endpoint']}' not found")
        raw = await request.body()
        if len(raw) > MAX_BODY:
            raise FalError(413, "Request body too large")
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            raise FalError(400, "Invalid JSON body") from None
        if not isinstance(body, dict):
            raise FalError(422, [{"loc": ["body"], "msg": "Input should be an object", "type": "dict_type"}])
        try:
            job = await emulator.submit(endpoint, parse_submit(endpoint, body), _base(request),
                                        request.query_params.get("fal_webhook"))
        except RequestNotFound:
            raise InputError("video_url", "The video to extend is not available") from None
        urls = f"{_base(request)}/{job.app}/requests/{job.id}"
        return _answer({"request_id": job.id, "gateway_request_id": job.gateway_request_id, "status": "IN_QUEUE",
                        "queue_position": 0, "response_url": urls, "status_url": f"{urls}/status",
                        "cancel_url": f"{urls}/cancel"})

    @_api(emulator, "status")
    async def status(request: Request) -> Response:
        with_logs = request.query_params.get("logs", "").lower() in ("1", "true")
        return _answer(status_view(_job(emulator, request), emulator.now(), with_logs))

    @_api(emulator, "result")
    async def result(request: Request) -> Response:
        job = _job(emulator, request)
        outcome = outcome_at(job, emulator.now())
        if outcome is None:
            raise FalError(400, "Request is still in progress")
        if outcome == "ERROR":
            event = emulator.webhook_event(job, outcome)
            raise FalError(422, event["payload"]["detail"])
        return _answer(emulator.result(job))

    @_api(emulator, "cancel")
    async def cancel(request: Request) -> Response:
        job = _job(emulator, request)
        if not await emulator.cancel(job):
            return _answer({"status": "ALREADY_COMPLETED"}, 400)
        return _answer({"status": "CANCELLATION_REQUESTED"}, 202)

    async def files(request: Request) -> Response:
        emulator.requests["files"] += 1
        fault = await _fault(request, emulator, "files")
        if fault is not None:
            return fault
        path = emulator.video_path(request.path_params["request_id"])
        if path is None:
            return _answer({"detail": "File not found"}, 404)
        return FileResponse(path, media_type="video/mp4")

    async def jwks(request: Request) -> Response:
        assert emulator.signer is not None
        return _answer(emulator.signer.jwks())

    requests = "/{owner}/{alias}/requests/{request_id}"
    return [Route("/.well-known/jwks.json", jwks, methods=["GET"]),
            Route("/files/{request_id}/video.mp4", files, methods=["GET"]),
            Route(f"{requests}/status", status, methods=["GET"]),
            Route(f"{requests}/cancel", cancel, methods=["PUT"]),
            Route(requests, result, methods=["GET"]),
            *_control_routes(emulator),
            Route("/{endpoint:path}", submit, methods=["POST"])]


def _control_routes(emulator: FalEmulator) -> list[Route]:
    def control(handler: Callable[[Request], Awaitable[Any]]) -> Handler:
        async def endpoint(request: Request) -> Response:
            try:
                if emulator.config.api_key is not None:
                    _check_key(request, emulator.config.api_key)
                return _answer(await handler(request))
            except FalError as error:
                return _answer({"detail": error.detail}, error.status)
            except EmulatorError as error:
                return _answer({"detail": error.message}, error.status)
        return endpoint

    async def stats(request: Request) -> Any:
        return emulator.stats()

    async def get_faults(request: Request) -> Any:
        return emulator.faults.as_json()

    async def set_faults(request: Request) -> Any:
        emulator.faults.update(await request.json())
        return emulator.faults.as_json()

    async def reset_faults(request: Request) -> Any:
        emulator.faults.reset()
        return emulator.faults.as_json()

    return [Route("/_emulator/stats", control(stats), methods=["GET"]),
            Route("/_emulator/faults", control(get_faults), methods=["GET"]),
            Route("/_emulator/faults", control(set_faults), methods=["POST"]),
            Route("/_emulator/faults", control(reset_faults), methods=["DELETE"])]


async def _unknown(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    return _answer({"detail": "Not Found" if status == 404 else "Method not allowed"}, status)


def build_app(emulator: FalEmulator, lifespan: Callable | None = None) -> Starlette:  # type: ignore[type-arg]
    return Starlette(routes=_queue_routes(emulator), lifespan=lifespan, exception_handlers={HTTPException: _unknown})


def create_fal_standalone_app(emulator: FalEmulator) -> Starlette:
    """Routes plus a lifespan that starts and stops the emulator (`sora2 emulator --flavor fal`)."""
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
