"""A personal API token connects over a real Socket.IO client like a login token, and stops after revocation."""

from __future__ import annotations

import httpx
import pytest
import socketio

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD

pytestmark = pytest.mark.e2e


async def test_api_token_over_socketio_until_revoked(live_server):
    login = {"Authorization": f"Bearer {login_sync(live_server.url, 'admin', ADMIN_PASSWORD)}"}
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        created = (await http.post("/api/tokens", json={"name": "agent", "scopes": ["read"]}, headers=login)).json()
        updates: list[dict] = []
        sio = socketio.AsyncClient(reconnection=False)
        sio.on("video_update", updates.append)
        await sio.connect(live_server.url, auth={"token": created["token"]}, wait_timeout=10)
        try:
            video = (await http.post("/api/videos", json={"prompt": "socket token"}, headers=login)).json()
            await sio.emit("request_video_status", {"video_id": video["id"]})
            for _ in range(100):
                if any(u.get("video", {}).get("id") == video["id"] for u in updates):
                    break
                await sio.sleep(0.05)
            assert any(u.get("video", {}).get("id") == video["id"] for u in updates)
        finally:
            await sio.disconnect()
        assert (await http.delete(f"/api/tokens/{created['id']}", headers=login)).status_code == 200
        refused = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await refused.connect(live_server.url, auth={"token": created["token"]}, wait_timeout=5)
    assert created["token"] not in live_server.log_text()
