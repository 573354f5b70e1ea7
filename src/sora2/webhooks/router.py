"""POST /api/webhooks/openrouter and /api/webhooks/fal: signed job notifications from the providers."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.responses import Response

from sora2.deps import CtxDep, SessionDep
from sora2.errors import BadRequest, PayloadTooLarge, Unauthorized
from sora2.http.inputs import InputError, parse_json
from sora2.providers.registry import OPENROUTER_ID
from sora2.webhooks.fal_signature import JwksCache
from sora2.webhooks.fal_signature import verify as verify_fal
from sora2.webhooks.service import WebhookService
from sora2.webhooks.signature import SignatureError, verify

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])
MAX_BODY = 1024 * 1024
RESPONSES = {204: {"description": "Accepted (also for replays and jobs this server does not know)"},
             401: {"description": "Missing, invalid or stale signature, or no secret configured"}}


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY:
        raise PayloadTooLarge("Webhook body is too large")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise PayloadTooLarge("Webhook body is too large")
    return body


@router.post("/openrouter", status_code=204, response_class=Response, responses=RESPONSES)
async def openrouter_webhook(request: Request, ctx: CtxDep, session: SessionDep) -> Response:
    """OpenRouter job notifications: HMAC-verified, deduplicated; the tracker then polls the job at once."""
    body = await _body(request)  # the raw bytes: the signature covers them exactly
    secret = ctx.settings.openrouter_webhook_secret
    if secret is None:
        log.warning("rejected an OpenRouter webhook: SORA2_OPENROUTER_WEBHOOK_SECRET is not set")
        raise Unauthorized("Webhook signatures are not configured on this server", code="webhook_not_configured")
    try:
        verify(secret.get_secret_value(), request.headers.get("x-openrouter-signature"), body)
    except SignatureError as exc:
        log.warning("rejected an OpenRouter webhook: %s", exc)
        raise Unauthorized("Invalid webhook signature", code="bad_signature") from None
    try:
        payload = parse_json(body)  # with the same limits as every other body, after the signature is checked
    except InputError as exc:
        raise BadRequest(f"Webhook body is not usable JSON: {exc.message}", code="invalid_webhook") from None
    outcome = await WebhookService(session).job_finished(
        OPENROUTER_ID, payload, request.headers.get("x-openrouter-idempotency-key"),
        request.query_params.get("video"))
    if outcome.video_id and ctx.tracker is not None:
        ctx.tracker.nudge(outcome.video_id)
    return Response(status_code=204)


def _jwks(ctx) -> JwksCache:  # noqa: ANN001
    """One cached key set per instance (fetched on the first delivery, not at startup)."""
    cache = ctx.extras.get("fal_jwks")
    if cache is None:
        import httpx

        cache = ctx.extras["fal_jwks"] = JwksCache(ctx.settings.fal_jwks_url, httpx.AsyncClient())
    return cache


@router.post("/fal", status_code=204, response_class=Response, responses=RESPONSES)
async def fal_webhook(request: Request, ctx: CtxDep, session: SessionDep, video: str | None = None) -> Response:
    """fal.ai request notifications: ED25519-verified against fal's JWKS key set, deduplicated; the tracker then
    polls the request at once. `video` is our video id, which the webhook URL carries."""
    body = await _body(request)
    try:
        request_id = await verify_fal(_jwks(ctx), request.headers, body)
    except SignatureError as exc:
        log.warning("rejected a fal webhook: %s", exc)
        raise Unauthorized("Invalid webhook signature", code="bad_signature") from None
    try:
        payload = parse_json(body)  # with the same limits as every other body, after the signature is checked
    except InputError as exc:
        raise BadRequest(f"Webhook body is not usable JSON: {exc.message}", code="invalid_webhook") from None
    if not isinstance(payload, dict) or payload.get("request_id") != request_id:
        raise BadRequest("Webhook body does not name the signed request", code="invalid_webhook")
    outcome = await WebhookService(session).fal_request_finished(request_id, str(payload.get("status")), video)
    if outcome.video_id and ctx.tracker is not None:
        ctx.tracker.nudge(outcome.video_id)
    return Response(status_code=204)
