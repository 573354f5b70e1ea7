from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.live import ADMIN_PASSWORD, LiveServer


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "data").start()
    yield server
    server.stop()


def login_sync(base_url: str, username: str, password: str) -> str:
    response = httpx.post(f"{base_url}/api/auth/login", json={"username": username, "password": password})
    response.raise_for_status()
    return response.json()["token"]


@pytest.fixture
def admin_token(live_server) -> str:
    return login_sync(live_server.url, "admin", ADMIN_PASSWORD)
