"""An open Socket.IO connection closes when the sign-in behind it ends: a password change, a revoked API token."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import socketio

from tests.e2e.conftest import login_sync
from tests.fixtures.live import ADMIN_PASSWORD

pytestmark = pytest.mark.e2e


async def connected(url: str, token: str) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, auth={"token": token}, wait_timeout=10)
    return client


async def closed(client: socketio.AsyncClient, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if not client.connected:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_connections_close_when_their_sign_in_ends(live_server):
    url = live_server.url
    laptop = login_sync(url, "admin", ADMIN_PASSWORD)
    phone = login_sync(url, "admin", ADMIN_PASSWORD)
    async with httpx.AsyncClient(base_url=url, timeout=30, headers={"Authorization": f"Bearer {laptop}"}) as http:
        token = (await http.post("/api/tokens", json={"name": "agent"})).json()
        kept, ended, agent = (await connected(url, laptop), await connected(url, phone),
                              await connected(url, token["token"]))
        try:
            changed = await http.post("/api/admin/change-password",
                                      json={"currentPassword": ADMIN_PASSWORD, "newPassword": "another-pass-789"})
            assert changed.status_code == 200, changed.text
            assert await closed(ended)
            assert (await http.delete(f"/api/tokens/{token['id']}")).status_code == 200
            assert await closed(agent)
            assert kept.connected  # the session that changed the password goes on
        finally:
            for client in (kept, ended, agent):
                if client.connected:
                    await client.disconnect()
