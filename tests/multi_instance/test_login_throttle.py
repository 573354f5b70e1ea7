"""The sign-in limit holds across instances when they share Redis, and still holds (in the database) while Redis
does not answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
from pydantic import SecretStr
from sqlalchemy import func, select

from sora2.app import create_app
from sora2.config import Settings
from sora2.models import LoginThrottle
from tests.conftest import ADMIN_PASSWORD

ADDRESS = "203.0.113.50"


@asynccontextmanager
async def instances(settings: Settings, count: int) -> AsyncIterator[list[tuple[object, httpx.AsyncClient]]]:
    async with AsyncExitStack() as stack:
        running = []
        for index in range(count):
            app = create_app(settings.model_copy(update={"instance_id": f"instance-{index}"}))
            await stack.enter_async_context(app.fastapi.router.lifespan_context(app.fastapi))
            transport = httpx.ASGITransport(app=app, client=(ADDRESS, 40000))
            http = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://t"))
            running.append((app, http))
        yield running


async def attempt(http: httpx.AsyncClient, password: str) -> int:
    return (await http.post("/api/auth/login", json={"username": "admin", "password": password})).status_code


async def throttle_rows(app) -> int:  # noqa: ANN001
    async with app.fastapi.state.ctx.sessions.begin() as session:
        return (await session.execute(select(func.count()).select_from(LoginThrottle))).scalar_one()


async def test_five_failures_per_window_hold_across_two_instances_sharing_redis(settings, redis_url, channel):
    shared = settings.model_copy(update={"redis_url": SecretStr(redis_url), "redis_channel": channel,
                                         "login_delay_seconds": 0.01})
    async with instances(shared, 2) as [(first_app, first), (_, second)]:
        for http in (first, second, first, second, first):
            assert await attempt(http, "wrong-password") == 401
        assert await attempt(second, ADMIN_PASSWORD) == 429
        assert await attempt(first, ADMIN_PASSWORD) == 429
        assert await throttle_rows(first_app) == 0  # counted in Redis, not in the database


async def test_without_redis_the_database_counts_and_correct_sign_ins_still_work(settings, channel):
    away = settings.model_copy(update={"redis_url": SecretStr("redis://127.0.0.1:1/0"), "redis_channel": channel,
                                       "login_delay_seconds": 0.01})
    async with instances(away, 1) as [(app, http)]:
        assert await attempt(http, ADMIN_PASSWORD) == 200
        for _ in range(5):
            assert await attempt(http, "wrong-password") == 401
        assert await throttle_rows(app) > 0
        assert await attempt(http, ADMIN_PASSWORD) == 429
