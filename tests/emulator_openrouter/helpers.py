"""Helpers for the OpenRouter emulator tests: a served emulator driven by the official `openrouter` SDK,
images, polling, and a real webhook receiver."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import httpx
from openrouter import OpenRouter, components
from openrouter.utils import BackoffStrategy, RetryConfig
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sora2.emulator import EmulatorConfig
from sora2.emulator.openrouter import OpenRouterEmulator
from tests.emulator.helpers import serve

API_KEY = "sk-or-v1-emulator-test"
JOB_SECONDS = 1.0
FPS = 4
NO_RETRIES = RetryConfig("none", BackoffStrategy(1, 1, 1, 1), False)


def make_config(data_dir: Path, **overrides: Any) -> EmulatorConfig:
    return EmulatorConfig(**{"data_dir": data_dir, "job_seconds": JOB_SECONDS, "fps": FPS, "api_key": API_KEY,
                             **overrides})


def sdk_client(url: str, **options: Any) -> OpenRouter:
    """The official SDK pointed at the emulator, exactly as the adapter does it (retries off unless asked)."""
    return OpenRouter(**{"api_key": API_KEY, "server_url": f"{url}/api/v1", "retry_config": NO_RETRIES,
                         "timeout_ms": 20_000, **options})


@dataclass
class Running:
    """A started emulator served by uvicorn: the object, its URL, an SDK client and a plain HTTP client."""

    emulator: OpenRouterEmulator
    url: str
    sdk: OpenRouter
    http: httpx.AsyncClient

    @property
    def videos(self) -> Any:
        return self.sdk.video_generation

    async def faults(self, **knobs: Any) -> dict[str, Any]:
        response = await self.http.post("/_emulator/faults", json=knobs)
        assert response.status_code == 200, response.text
        return response.json()

    async def stats(self) -> dict[str, Any]:
        response = await self.http.get("/_emulator/stats")
        assert response.status_code == 200, response.text
        return response.json()

    async def webhooks_settled(self, timeout: float = 15.0) -> dict[str, Any]:
        """The stats once no webhook is waiting or in flight (counters are final then)."""
        deadline = time.monotonic() + timeout
        while (stats := await self.stats())["webhooks_pending"]:
            assert time.monotonic() < deadline, "webhooks still pending"
            await asyncio.sleep(0.05)
        return stats

    async def wait_for(self, job_id: str, statuses: tuple[str, ...] = ("completed", "failed"),
                       timeout: float = 20.0) -> components.VideoGenerationResponse:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = await self.videos.get_generation_async(job_id=job_id)
            if job.status in statuses:
                return job
            await asyncio.sleep(0.1)
        raise AssertionError(f"{job_id} did not reach {statuses} within {timeout}s")

    async def download(self, job_id: str, destination: Path) -> Path:
        response = await self.videos.get_video_content_async(job_id=job_id, index=0)
        try:
            assert response.status_code == 200 and response.headers["content-type"] == "video/mp4"
            destination.write_bytes(await response.aread())
        finally:
            await response.aclose()
        return destination


@contextlib.asynccontextmanager
async def running_emulator(config: EmulatorConfig, **options: Any) -> AsyncIterator[Running]:
    emulator = OpenRouterEmulator(config, **options)
    await emulator.start()
    try:
        async with serve(emulator.app) as url:
            sdk = sdk_client(url)
            http = httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=20)
            try:
                yield Running(emulator, url, sdk, http)
            finally:
                await http.aclose()
    finally:
        await emulator.stop()


def image_bytes(width: int, height: int, colour: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format=fmt)
    return buffer.getvalue()


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def frame_image(data: bytes, frame_type: str = "first_frame") -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": data_url(data)}, "frame_type": frame_type}


@dataclass(frozen=True)
class VideoFacts:
    width: int
    height: int
    seconds: float
    first_rgb: tuple[int, int, int]  # mean colour of the first and last frames
    last_rgb: tuple[int, int, int]


def probe(path: Path) -> VideoFacts:
    """What PyAV reads from the MP4: size, duration, and the colour of its first and last frames."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(stream)]
        seconds = (float(stream.duration * stream.time_base) if stream.duration
                   else float(container.duration / 1e6))
    mean = lambda array: tuple(int(value) for value in array.reshape(-1, 3).mean(axis=0))  # noqa: E731
    height, width = frames[0].shape[:2]
    return VideoFacts(width, height, seconds, mean(frames[0]), mean(frames[-1]))


def close_to(rgb: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected, strict=True))


@dataclass
class Receiver:
    """A real HTTP webhook receiver: records raw deliveries, and can fail the first `fail_first` of them."""

    fail_first: int = 0
    deliveries: list[tuple[httpx.Headers, bytes]] = field(default_factory=list)
    attempts: int = 0
    url: str = ""

    async def wait_for(self, count: int, timeout: float = 15.0) -> list[tuple[httpx.Headers, bytes]]:
        deadline = time.monotonic() + timeout
        while len(self.deliveries) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.deliveries)} of {count} webhooks arrived within {timeout}s")
            await asyncio.sleep(0.05)
        return self.deliveries

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            self.attempts += 1
            raw = await request.body()
            if self.attempts <= self.fail_first:
                return Response(status_code=500)
            self.deliveries.append((httpx.Headers(request.headers.raw), raw))
            return Response(status_code=204)
        return Starlette(routes=[Route("/hooks/openrouter", hook, methods=["POST"])])


@contextlib.asynccontextmanager
async def running_receiver(fail_first: int = 0) -> AsyncIterator[Receiver]:
    receiver = Receiver(fail_first=fail_first)
    async with serve(receiver.app()) as url:
        receiver.url = f"{url}/hooks/openrouter"
        yield receiver
