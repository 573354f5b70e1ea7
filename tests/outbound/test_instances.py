"""Durability and sharing: two instances on one database send each attempt once (leases), and a server killed
with SIGKILL mid-delivery sends it again after the restart with the same webhook-id."""

from __future__ import annotations

import asyncio
import re
import uuid
from contextlib import AsyncExitStack

import httpx
import pytest

from sora2.app import create_app
from sora2.db.base import utcnow
from sora2.models import Video
from tests.conftest import ADMIN_PASSWORD, login
from tests.fixtures.live import LiveServer
from tests.outbound.receiver import running_receiver
from tests.videos.helpers import create_video

VIDEOS = 12


async def _failed_videos(ctx, user_id: str, count: int) -> list[str]:  # noqa: ANN001
    """Finished (failed) jobs committed without their announcement, as if the process died right after commit."""
    ids = [str(uuid.uuid4()) for _ in range(count)]
    async with ctx.sessions.begin() as session:
        for video_id in ids:
            session.add(Video(id=video_id, user_id=user_id, provider="emulator", model="sora-2", prompt="p",
                              size="1280x720", seconds="4", status="failed", error_message="boom",
                              created_at=utcnow()))
    return ids


async def test_two_instances_never_send_the_same_attempt_twice(settings):
    # A generous timeout: on a loaded machine a slow answer would (rightly) be retried, which is a new attempt.
    shared = settings.model_copy(update={"webhooks_timeout_seconds": 20.0})
    apps = [create_app(shared.model_copy(update={"instance_id": f"instance-{name}"})) for name in "ab"]
    async with AsyncExitStack() as stack, running_receiver() as receiver:
        for app in apps:
            await stack.enter_async_context(app.fastapi.router.lifespan_context(app.fastapi))
        a, b = (app.fastapi.state.ctx for app in apps)
        http = await stack.enter_async_context(httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[0]),
                                                                 base_url="http://a"))
        headers = {"Authorization": f"Bearer {await login(http, 'admin', ADMIN_PASSWORD)}"}
        endpoint = (await http.post("/api/outbound-webhooks", json={"url": receiver.url}, headers=headers)).json()
        me = (await http.get("/api/auth/me", headers=headers)).json()["user"]["id"]
        await _failed_videos(a, me, VIDEOS)
        made = await asyncio.gather(a.outbound.sweep(), b.outbound.sweep())  # both find them; each event once
        assert sum(made) == VIDEOS
        got = await receiver.wait_for(VIDEOS)
        rows = await _settled(http, endpoint["id"], headers)
        await asyncio.sleep(1.0)  # anything sent twice would have arrived by now
        # Every request the receiver saw is one recorded attempt: none was sent by both instances.
        assert len(receiver.received) == sum(r["attempts"] for r in rows)
        assert [r["state"] for r in rows] == ["delivered"] * VIDEOS
        assert len({r.webhook_id for r in got}) == VIDEOS == len(rows)
        assert {r.verified(endpoint["secret"])["type"] for r in got} == {"video.failed"}


async def _settled(http: httpx.AsyncClient, endpoint_id: str, headers: dict | None = None) -> list[dict]:
    for _ in range(100):
        rows = (await http.get(f"/api/outbound-webhooks/{endpoint_id}/deliveries",
                               headers=headers)).json()["deliveries"]
        if rows and all(r["state"] != "pending" for r in rows):
            break
        await asyncio.sleep(0.1)
    return rows


@pytest.mark.e2e
async def test_a_sigkill_mid_delivery_resends_with_the_same_webhook_id(tmp_path):
    async with running_receiver("hang") as receiver:
        server = LiveServer(tmp_path / "data", env_overrides={
            "SORA2_WEBHOOKS_ALLOW_PRIVATE_URLS": "true", "SORA2_WEBHOOKS_TIMEOUT_SECONDS": "30"})
        await asyncio.to_thread(server.start)
        try:
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                headers = {"Authorization": f"Bearer {await login(http, 'admin', ADMIN_PASSWORD)}"}
                endpoint = (await http.post("/api/outbound-webhooks", json={"url": receiver.url},
                                            headers=headers)).json()
                await create_video(http, headers)
            [first] = await receiver.wait_for(1, timeout=60)  # the server is now waiting for our answer
            server.kill()
            await asyncio.to_thread(server.start)
            second = (await receiver.wait_for(2, timeout=60))[1]
            assert second.webhook_id == first.webhook_id
            assert second.verified(endpoint["secret"])["type"] == "video.completed"
            async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as http:
                rows = await _settled(http, endpoint["id"])
            assert [(r["webhook_id"], r["state"]) for r in rows] == [(first.webhook_id, "delivered")]
            # (At least ours: on PostgreSQL live servers share one database with earlier runs.)
            assert re.search(r"resending \d+ webhook deliveries cut off by the restart", server.log_text())
        finally:
            await asyncio.to_thread(server.stop)
