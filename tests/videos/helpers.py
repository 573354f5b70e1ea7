from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

import httpx


async def wait_for_video(client: httpx.AsyncClient, headers: dict, video_id: str,
                         done: Callable[[dict], bool] | None = None, timeout: float = 60.0) -> dict:
    done = done or (lambda v: v["status"] in ("completed", "failed") and v["download_state"] != "pending")
    deadline = time.monotonic() + timeout
    while True:
        video = (await client.get(f"/api/videos/{video_id}", headers=headers)).json()
        if done(video):
            return video
        if time.monotonic() > deadline:
            raise AssertionError(f"video {video_id} did not finish: {video}")
        await asyncio.sleep(0.2)


async def create_video(client: httpx.AsyncClient, headers: dict, **fields) -> dict:
    body = {"prompt": "a red kite over green hills", "seconds": "4", "size": "1280x720", **fields}
    response = await client.post("/api/videos", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def video_with_bytes(client: httpx.AsyncClient, headers: dict, ctx, size: int) -> tuple[dict, bytes]:  # noqa: ANN001
    """A completed video whose stored MP4 is replaced by `size` known bytes (the media routes do not decode)."""
    video = await wait_for_video(client, headers, (await create_video(client, headers, seconds="4"))["id"])
    data = os.urandom(size)
    ctx.storage.local_path(f"videos/{video['id']}.mp4").write_bytes(data)
    return video, data
