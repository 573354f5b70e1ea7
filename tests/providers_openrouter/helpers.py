"""Helpers for the OpenRouter adapter tests: the emulator on a real port, the adapter pointed at it, signing."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
from pydantic import SecretStr

from sora2.config import Settings
from sora2.providers.openrouter import OpenRouterProvider
from sora2.webhooks.signature import sign
from tests.emulator_openrouter.helpers import API_KEY

WEBHOOK_SECRET = "whsec-test-0123456789abcdef"
MODEL = "google/veo-3.1-fast"  # 4/6/8 s, 720p/1080p, 16:9/9:16, first+last frame, seed, audio, continuation


class LateBoundTransport(httpx.AsyncBaseTransport):
    """Delivers the emulator's webhooks into our app in-process; the app exists only after the emulator does."""

    def __init__(self) -> None:
        self.app: Any = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.app is None:
            raise httpx.ConnectError("no receiver yet", request=request)
        return await httpx.ASGITransport(app=self.app).handle_async_request(request)


def openrouter_settings(base: Settings, emulator_url: str, **overrides: Any) -> Settings:
    return base.model_copy(update={
        "openrouter_api_key": SecretStr(API_KEY), "openrouter_base_url": f"{emulator_url}/api/v1",
        "openrouter_timeout_seconds": 5.0, "openrouter_startup_timeout_seconds": 5.0, "mcp_enabled": False,
        **overrides})


def adapter(settings: Settings, **options: Any) -> OpenRouterProvider:
    provider = OpenRouterProvider.from_settings(settings, provider_id="openrouter")
    for name, value in options.items():
        setattr(provider, name, value)
    return provider


def signed(payload: dict[str, Any], *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None,
           key: str | None = None) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload, separators=(",", ":")).encode()
    job = payload.get("data", {})
    headers = {"content-type": "application/json", "X-OpenRouter-Signature": sign(secret, body, timestamp),
               "X-OpenRouter-Idempotency-Key": key or f"{job.get('id')}-{job.get('status')}"}
    return body, headers


def completed_event(job_id: str) -> dict[str, Any]:
    return {"type": "video.generation.completed", "created_at": "2026-11-24T20:00:00.000Z",
            "data": {"id": job_id, "status": "completed", "generation_id": "gen-1", "model": MODEL}}


async def until(predicate, timeout: float = 30.0, interval: float = 0.1):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
