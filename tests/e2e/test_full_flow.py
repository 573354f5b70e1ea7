"""Login → create (JSON and multipart) → live video_update events → completed MP4 → ranges → remix → continue
→ delete, against a real server process with the in-process emulator."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import av
import httpx
import pytest
import socketio

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD
from tests.fixtures.media import png_bytes

pytestmark = pytest.mark.e2e


class EventLog:
    def __init__(self) -> None:
        self.events: list[dict] = []
        self.changed = asyncio.Event()

    def add(self, payload: dict) -> None:
        self.events.append(payload)
        self.changed.set()

    def for_video(self, video_id: str) -> list[dict]:
        return [e for e in self.events if e["video_id"] == video_id]

    async def wait_until(self, predicate, timeout: float = 60.0) -> None:  # noqa: ANN001
        async def loop() -> None:
            while not predicate():
                self.changed.clear()
                await self.changed.wait()
        await asyncio.wait_for(loop(), timeout)


async def connect_socket(url: str, token: str, log: EventLog) -> socketio.AsyncClient:
    sio = socketio.AsyncClient(reconnection=False)
    sio.on("video_update", log.add)
    await sio.connect(url, auth={"token": token}, transports=["polling", "websocket"], wait_timeout=10)
    return sio


def completed(log: EventLog, video_id: str) -> bool:
    return any(e.get("updates", {}).get("download_state") == "done" for e in log.for_video(video_id))


async def test_full_flow_over_http_and_socketio(live_server):
    token = login_sync(live_server.url, "admin", ADMIN_PASSWORD)
    headers = {"Authorization": f"Bearer {token}"}
    log = EventLog()
    sio = await connect_socket(live_server.url, token, log)
    try:
        async with httpx.AsyncClient(base_url=live_server.url, headers=headers, timeout=30) as http:
            await _flow(http, log, Path(live_server.data_dir))
            # The original's clients put the token in the URL; it must never reach the log.
            async with httpx.AsyncClient(base_url=live_server.url) as bare:
                assert (await bare.get("/api/videos/nope/content", params={"token": token})).status_code == 404
    finally:
        await sio.disconnect()
    server_log = live_server.log_text()
    assert "GET /api/videos/nope/content" in server_log
    assert token not in server_log and ADMIN_PASSWORD not in server_log and "sig=" not in server_log


async def _flow(http: httpx.AsyncClient, log: EventLog, data_dir: Path) -> None:
    text = (await http.post("/api/videos", json={"prompt": "a paper boat on a pond", "seconds": "4",
                                                 "size": "1280x720"})).json()
    files = {"input_reference": ("ref.png", png_bytes(200, 200), "image/png")}
    image = (await http.post("/api/videos", data={"prompt": "the square starts to spin", "seconds": "4",
                                                  "size": "720x1280"}, files=files)).json()
    for video in (text, image):
        await log.wait_until(lambda v=video: completed(log, v["id"]))
        updates = [e["updates"] for e in log.for_video(video["id"])]
        progress = [u["progress"] for u in updates if "progress" in u]
        assert progress == sorted(progress) and progress[-1] == 100
        assert any(u.get("status") == "completed" for u in updates)
    record = (await http.get(f"/api/videos/{text['id']}")).json()
    body = (await http.get(f"/api/videos/{text['id']}/content")).content
    with av.open(io.BytesIO(body)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (1280, 720)
        assert abs(container.duration / av.time_base - 4.0) < 0.5
    ranged = await http.get(f"/api/videos/{text['id']}/content", headers={"Range": "bytes=-500"})
    assert ranged.status_code == 206 and ranged.content == body[-500:]
    thumb = await http.get(f"/api/videos/{text['id']}/content?variant=thumbnail")
    assert thumb.headers["content-type"] == "image/webp"
    assert record["emulated"] is True

    remix = (await http.post(f"/api/videos/{text['id']}/remix", json={"prompt": "at night"})).json()
    cont = (await http.post(f"/api/videos/{image['id']}/continue", json={"prompt": "it stops"})).json()
    for video in (remix, cont):
        await log.wait_until(lambda v=video: completed(log, v["id"]))
    assert (await http.get(f"/api/videos/{cont['id']}")).json()["continued_from"] == image["id"]

    media_dir = data_dir / "media"
    before = {p for p in media_dir.rglob("*") if p.is_file() and text["id"] in p.name}
    assert len(before) >= 3
    assert (await http.delete(f"/api/videos/{text['id']}")).json() == {"success": True}
    assert not any(p.exists() for p in before)


async def test_socket_requires_token_and_isolates_users(live_server, admin_token):
    refused = socketio.AsyncClient(reconnection=False)
    errors: list[object] = []
    refused.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await refused.connect(live_server.url, auth={"token": "forged"}, wait_timeout=5)
    assert errors == [{"message": "Authentication error"}]

    admin_headers = {"Authorization": f"Bearer {admin_token}"}
    httpx.post(f"{live_server.url}/api/admin/users", json={"username": "eve", "password": "eve-password"},
               headers=admin_headers).raise_for_status()
    eve_token = login_sync(live_server.url, "eve", "eve-password")
    admin_log, eve_log = EventLog(), EventLog()
    admin_sio = await connect_socket(live_server.url, admin_token, admin_log)
    eve_sio = await connect_socket(live_server.url, eve_token, eve_log)
    try:
        video = httpx.post(f"{live_server.url}/api/videos", json={"prompt": "private", "seconds": "4"},
                           headers=admin_headers).json()
        await admin_log.wait_until(lambda: completed(admin_log, video["id"]))
        # Eve asks for the admin's video explicitly: nothing comes back, and no broadcast reached her.
        await eve_sio.emit("request_video_status", {"video_id": video["id"]})
        await admin_sio.emit("request_video_status", {"video_id": video["id"]})
        await admin_log.wait_until(lambda: any("video" in e for e in admin_log.events), timeout=10)
        await asyncio.sleep(0.5)
        assert eve_log.events == []
        eve = {"Authorization": f"Bearer {eve_token}"}
        assert httpx.get(f"{live_server.url}/api/videos/{video['id']}/content", headers=eve).status_code == 403
    finally:
        await admin_sio.disconnect()
        await eve_sio.disconnect()
