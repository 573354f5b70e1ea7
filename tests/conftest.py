"""Shared fixtures: isolated settings and database per test, the real app with its lifespan, HTTP clients."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from sora2.app import create_app
from sora2.auth import passwords
from sora2.config import Settings

pytest_plugins = ["tests.fixtures.database", "tests.fixtures.media", "tests.fixtures.s3"]

ADMIN_PASSWORD = "admin-password-123"


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashes() -> Iterator[None]:
    """Argon2id at its lowest cost in this process: hashing at the real cost took a third of a second per user,
    minutes over the suite. Server processes keep the real cost (tests/auth/test_passwords.py checks it)."""
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1), BcryptHasher()))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", lambda: cheap)
        yield


@pytest.fixture
def settings(tmp_path: Path, migrated_database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        database_url=migrated_database_url,
        jwt_secret="test-secret-" + uuid.uuid4().hex,
        admin_password=ADMIN_PASSWORD,
        emulator_job_seconds=float(os.environ.get("SORA2_TEST_JOB_SECONDS", "1.5")),
        emulator_fps=8,
        poll_min_seconds=0.2,
        instance_id="test-instance",
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator:
    asgi = create_app(settings)
    api = asgi.fastapi
    async with api.router.lifespan_context(api):
        yield asgi


@pytest.fixture
def ctx(app):  # noqa: ANN001, ANN201
    return app.fastapi.state.ctx


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30) as http:
        yield http


async def login(client: httpx.AsyncClient, username: str, password: str) -> str:
    response = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.fixture
async def admin_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {await login(client, 'admin', ADMIN_PASSWORD)}"}


async def make_user(client: httpx.AsyncClient, admin_headers: dict[str, str], username: str,
                    password: str = "password-123") -> dict[str, str]:
    response = await client.post("/api/admin/users", json={"username": username, "password": password},
                                 headers=admin_headers)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {await login(client, username, password)}"}


@pytest.fixture
async def user_headers(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return await make_user(client, admin_headers, "alice")


@pytest.fixture
def emulator_headers(ctx) -> dict[str, str]:  # noqa: ANN001
    """The mounted emulator's control routes take only its generated key."""
    return {"Authorization": f"Bearer {ctx.extras['emulator'].config.api_key}"}
