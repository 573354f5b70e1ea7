"""The fal emulator on a real port, the adapter (fal-client) pointed at it, and webhook helpers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from sora2.config import Settings
from sora2.emulator import EmulatorConfig
from sora2.emulator.fal import FalEmulator
from sora2.providers.fal import FalProvider
from sora2.providers.specs import ProviderSpec
from tests.emulator.helpers import serve

FAL_KEY = "fal-key-id:fal-key-secret-for-tests"
VEO = "fal-ai/veo3.1/fast"
KLING = "fal-ai/kling-video/v3/pro/text-to-video"


@dataclass
class RunningFal:
    emulator: FalEmulator
    url: str
    http: httpx.AsyncClient

    async def faults(self, **knobs: Any) -> dict[str, Any]:
        response = await self.http.post("/_emulator/faults", json=knobs)
        assert response.status_code == 200, response.text
        return response.json()

    async def stats(self) -> dict[str, Any]:
        return (await self.http.get("/_emulator/stats")).json()

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/.well-known/jwks.json"


@contextlib.asynccontextmanager
async def running_fal(data_dir: Path, webhook_transport: httpx.AsyncBaseTransport | None = None,
                      job_seconds: float = 1.0) -> AsyncIterator[RunningFal]:
    emulator = FalEmulator(EmulatorConfig(data_dir=data_dir, job_seconds=job_seconds, fps=4, api_key=FAL_KEY),
                           webhook_transport=webhook_transport)
    await emulator.start()
    try:
        async with serve(emulator.app) as url:
            async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Key {FAL_KEY}"},
                                         timeout=20) as http:
                yield RunningFal(emulator, url, http)
    finally:
        await emulator.stop()


def fal_settings(base: Settings, fal: RunningFal, **overrides: Any) -> Settings:
    return base.model_copy(update={"fal_key": SecretStr(FAL_KEY), "fal_queue_url": fal.url,
                                   "fal_jwks_url": fal.jwks_url, "fal_timeout_seconds": 10.0, "mcp_enabled": False,
                                   **overrides})


def adapter(settings: Settings, key: str = FAL_KEY) -> FalProvider:
    spec = ProviderSpec(id="fal", kind="fal", name="fal.ai", source="environment", base_url=settings.fal_queue_url,
                        api_key=key)
    return FalProvider.from_spec(spec, settings)
