"""A priced provider that never submits: the OpenAI-shaped one with no concurrency, so every accepted job stays
queued and holds its reservation for as long as a test looks (sora-2, 4 s, 1280x720: $0.40 each)."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from sora2.config import Settings
from tests.conftest import make_user

PRICE = 0.40  # sora-2 at $0.10 per second, 4 seconds
JOB = {"prompt": "a lighthouse in fog", "model": "sora-2", "seconds": "4", "size": "1280x720"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={
        "openai_base_url": "http://127.0.0.1:9/v1", "openai_api_key": SecretStr("unused"), "openai_concurrency": 0,
        "emulator_enabled": False, "mcp_enabled": False})


@pytest.fixture
async def alice(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return await make_user(client, admin_headers, "alice")


async def user_id(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    return (await client.get("/api/auth/me", headers=headers)).json()["user"]["id"]


async def set_budget(client: httpx.AsyncClient, admin_headers: dict[str, str], user: str | None, amount: float,
                     **extra) -> dict:
    path = "/api/admin/budgets/instance" if user is None else f"/api/admin/users/{user}/budget"
    response = await client.put(path, json={"amount": amount, **extra}, headers=admin_headers)
    assert response.status_code == 200, response.text
    return response.json()


async def create(client: httpx.AsyncClient, headers: dict[str, str], **fields) -> httpx.Response:
    return await client.post("/api/videos", json={**JOB, **fields}, headers=headers)
