"""A real server process with the emulator, personal tokens, and MCP client sessions over both transports."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from tests.fixtures.live import ADMIN_PASSWORD, LiveServer


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("mcp") / "data").start()
    yield server
    server.stop()


def password_login(url: str, username: str, password: str) -> dict[str, str]:
    response = httpx.post(f"{url}/api/auth/login", json={"username": username, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def new_token(url: str, login: dict[str, str], name: str = "agent", scopes: list[str] | None = None) -> dict:
    response = httpx.post(f"{url}/api/tokens", json={"name": name, "scopes": scopes or ["read", "write"]},
                          headers=login)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
def admin_login(live_server) -> dict[str, str]:
    return password_login(live_server.url, "admin", ADMIN_PASSWORD)


@pytest.fixture(scope="module")
def token(live_server, admin_login) -> str:
    return new_token(live_server.url, admin_login)["token"]


@asynccontextmanager
async def http_session(url: str, token: str | None, **headers: str) -> AsyncIterator[ClientSession]:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=120)) as http, \
            streamable_http_client(f"{url}/mcp", http_client=http) as (read, write), \
            ClientSession(read, write) as session:
        await session.initialize()
        yield session


@asynccontextmanager
async def stdio_session(url: str, token: str, config_dir: Path, cwd: Path) -> AsyncIterator[ClientSession]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SORA2_")}
    env.update({"SORA2_URL": url, "SORA2_TOKEN": token, "SORA2_CONFIG_DIR": str(config_dir)})
    params = StdioServerParameters(command=sys.executable, args=["-m", "sora2", "mcp"], env=env, cwd=str(cwd))
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def structured(result) -> dict:  # noqa: ANN001
    assert not result.is_error, result.content
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)


def error_text(result) -> str:  # noqa: ANN001
    assert result.is_error, result
    return " ".join(getattr(c, "text", "") for c in result.content)


async def wait_done(session: ClientSession, video_id: str, rounds: int = 10) -> dict:
    for _ in range(rounds):
        waited = structured(await session.call_tool("wait_for_video", {"video_id": video_id, "timeout_seconds": 20}))
        if waited["done"]:
            return waited
    raise AssertionError(f"video {video_id} did not finish")
