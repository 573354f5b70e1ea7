"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import hmac
import time

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.responses import JSONResponse, Response

from sora2.auth.bearer import bearer_value
from sora2.deps import CtxDep
from sora2.errors import Unauthorized
from sora2.videos.repository import VideoRepository

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict:
    """The original's health route."""
    return {"status": "ok", "timestamp": int(time.time() * 1000)}


@router.get("/healthz")
async def healthz() -> dict:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(ctx: CtxDep) -> Response:
    """Readiness: the database answers and the tracker runs; `events` tells whether other instances are heard."""
    try:
        async with ctx.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        return JSONResponse({"status": "unavailable", "error": f"database: {type(exc).__name__}"}, 503)
    tracker_ok = ctx.tracker is not None
    # Redis down is not a reason to take the instance out of the load balancer (every instance would go at once):
    # it still serves correctly, without its caches, but its sockets miss other instances' updates meanwhile.
    events = "local" if ctx.fanout is None else ctx.fanout.state
    return JSONResponse({"status": "ok" if tracker_ok else "starting", "tracker": tracker_ok, "events": events},
                        200 if tracker_ok else 503)


def _metrics_allowed(expected: str | None, authorization: str | None) -> bool:
    if expected is None:
        return True
    given = bearer_value(authorization) or ""
    return hmac.compare_digest(given.encode(), expected.encode())


@router.get("/metrics", response_class=Response, responses={401: {"description": "SORA2_METRICS_TOKEN is set "
                                                                               "and was not given"}})
async def metrics(request: Request, ctx: CtxDep) -> Response:
    """Prometheus metrics: jobs by status, provider requests and errors, downloads, latency. With
    SORA2_METRICS_TOKEN set, only for `Authorization: Bearer <that token>`."""
    token = ctx.settings.metrics_token
    if not _metrics_allowed(token.get_secret_value() if token else None, request.headers.get("authorization")):
        raise Unauthorized("This server's metrics need its metrics token", code="metrics_token_required",
                           headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    async with ctx.sessions.begin() as session:
        counts = await VideoRepository(session).counts_by_status()
    for status in ("queued", "in_progress", "completed", "failed"):
        ctx.metrics.jobs.labels(status).set(counts.get(status, 0))
    return Response(generate_latest(ctx.metrics.registry), media_type=CONTENT_TYPE_LATEST)
