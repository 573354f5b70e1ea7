"""Helpers for the emulator tests: serving an app with uvicorn, SDK clients, images, polling."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from openai import AsyncOpenAI
from PIL import Image

from sora2.emulator import EmulatorConfig, EmulatorService, create_emulator_app

API_KEY = "sk-emulator-test-key"
JOB_SECONDS = 1.0
FPS = 8


@contextlib.asynccontextmanager
async def serve(app: Any, lifespan: str = "off") -> AsyncIterator[str]:
    """Runs `app` on 127.0.0.1 with a kernel-chosen port; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan=lifespan, log_level="critical",
                                          access_log=False))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Emulator:
    """A running emulator: its service (for restarts), its base URL, an SDK client and a plain HTTP client."""

    service: EmulatorService
    url: str
    client: AsyncOpenAI
    http: httpx.AsyncClient

    async def faults(self, **knobs: Any) -> dict[str, Any]:
        response = await self.http.post("/_emulator/faults", json=knobs)
        assert response.status_code == 200, response.text
        return response.json()

    async def stats(self) -> dict[str, Any]:
        response = await self.http.get("/_emulator/stats")
        assert response.status_code == 200, response.text
        return response.json()


def make_config(data_dir: Path, **overrides: Any) -> EmulatorConfig:
    return EmulatorConfig(**{"data_dir": data_dir, "job_seconds": JOB_SECONDS, "fps": FPS, "api_key": API_KEY,
                             **overrides})


def sdk_client(base_url: str, **options: Any) -> AsyncOpenAI:
    return AsyncOpenAI(**{"base_url": f"{base_url}/v1", "api_key": API_KEY, "max_retries": 0, "timeout": 20,
                          **options})


@contextlib.asynccontextmanager
async def running_emulator(config: EmulatorConfig) -> AsyncIterator[Emulator]:
    service = EmulatorService(config)
    await service.start()
    try:
        async with serve(create_emulator_app(service)) as url:
            client = sdk_client(url)
            http = httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=20)
            try:
                yield Emulator(service, url, client, http)
            finally:
                await client.close()
                await http.aclose()
    finally:
        await service.stop()


def image_bytes(width: int, height: int, colour: tuple[int, int, int] = (200, 40, 40), fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format=fmt)
    return buffer.getvalue()


async def wait_for(client: AsyncOpenAI, video_id: str, statuses: tuple[str, ...] = ("completed", "failed"),
                   timeout: float = 20.0, on_poll: Callable[[Any], None] | None = None) -> Any:
    """Polls retrieve until the video reaches one of `statuses` (raises after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        video = await client.videos.retrieve(video_id)
        if on_poll is not None:
            on_poll(video)
        if video.status in statuses:
            return video
        await asyncio.sleep(0.1)
    raise AssertionError(f"{video_id} did not reach {statuses} within {timeout}s")

