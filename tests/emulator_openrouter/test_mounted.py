"""Mounted in-process under a prefix (as a host app would), reached by the SDK through an ASGI transport."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from openrouter import OpenRouter
from starlette.applications import Starlette
from starlette.routing import Mount

from sora2.emulator.openrouter import OpenRouterEmulator
from tests.emulator_openrouter.helpers import API_KEY, NO_RETRIES, make_config


async def test_round_trip_under_a_mount_prefix(data_dir: Path):
    emulator = OpenRouterEmulator(make_config(data_dir))
    await emulator.start()
    outer = Starlette(routes=[Mount("/emulator/openrouter", app=emulator.app)])
    base = "http://main.internal/emulator/openrouter/api/v1"
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=outer), follow_redirects=True)
    client = OpenRouter(api_key=API_KEY, server_url=base, async_client=http, retry_config=NO_RETRIES)
    try:
        job = await client.video_generation.generate_async(model="google/veo-3.1-fast", prompt="mounted",
                                                           duration=4)
        assert job.polling_url == f"{base}/videos/{job.id}"
        videos = client.video_generation
        while (polled := await videos.get_generation_async(job_id=job.id)).status != "completed":
            assert polled.status in ("pending", "in_progress")
            await asyncio.sleep(0.05)
        assert polled.unsigned_urls == [f"{base}/videos/{job.id}/content?index=0"]
        content = await http.get(polled.unsigned_urls[0], headers={"Authorization": f"Bearer {API_KEY}"})
        assert content.status_code == 200 and content.content[4:8] == b"ftyp"
        assert emulator.stats()["requests"]["content"] == 1
    finally:
        await http.aclose()
        await emulator.stop()
