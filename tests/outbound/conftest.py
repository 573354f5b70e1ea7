"""Outbound webhook tests: the real app (emulator inside) delivering to a real local receiver, so loopback is
allowed here, with a retry schedule of fractions of a second instead of a day."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sora2.config import Settings
from tests.outbound.receiver import Receiver, running_receiver

FAST_RETRIES = [0.2, 0.2, 0.2]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhooks_allow_private_urls": True, "webhooks_retry_schedule": FAST_RETRIES,
                                       "webhooks_timeout_seconds": 1.0, "mcp_enabled": False})


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running


async def add_endpoint(client, headers: dict, url: str, **fields) -> dict:  # noqa: ANN001
    response = await client.post("/api/outbound-webhooks", json={"url": url, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def deliveries(client, headers: dict, endpoint_id: str) -> list[dict]:  # noqa: ANN001
    response = await client.get(f"/api/outbound-webhooks/{endpoint_id}/deliveries", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["deliveries"]
