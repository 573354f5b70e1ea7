"""The Redis fan-out in process: message encoding, own messages ignored, delivery without re-broadcast, and what
happens to the caches when the subscription breaks and comes back (against a private redis-server)."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel
import redis.asyncio as redis
from pydantic import SecretStr

from sora2.app import create_app
from sora2.events import EventBus, JobsChanged, LibraryChanged, UserChanged, VideoUpdated
from sora2.events_redis import RESYNC, RedisFanout, decode, encode, redacted
from tests.fixtures.live import ADMIN_PASSWORD
from tests.multi_instance.conftest import RedisServer

SHARED = [VideoUpdated(user_id="u1", video_id="v1", updates={"progress": 42, "status": "in_progress"}, terminal=False),
          UserChanged(user_id="u1"), LibraryChanged(user_id="u1"), JobsChanged()]


@pytest.mark.parametrize("event", SHARED, ids=lambda e: type(e).__name__)
def test_shared_events_round_trip_between_instances(event):
    raw = encode(event, "host-a:3000#1")
    assert json.loads(raw) == {"origin": "host-a:3000#1", "type": type(event).__name__, "data": event.model_dump()}
    assert decode(raw, "host-b:3000#2") == event
    assert decode(raw.encode(), "host-b:3000#2") == event  # as redis-py hands it over
    assert decode(raw, "host-a:3000#1") is None  # our own, back from the channel


class LocalOnly(BaseModel):
    """An event type the fan-out does not share (every instance-local event is like it)."""

    note: str


def test_unshared_events_stay_local_and_bad_messages_are_ignored(caplog):
    assert encode(LocalOnly(note="x"), "a") is None
    caplog.set_level(logging.DEBUG, logger="sora2.events_redis")
    for raw in (b"not json", b"[1, 2]", b"{}", b'{"origin": "a"}',
                b'{"origin": "a", "type": "LocalOnly", "data": {"note": "x"}}',
                b'{"origin": "a", "type": "__class__", "data": {}}',
                b'{"origin": "a", "type": "UserChanged", "data": {"user_id": 7}}',
                b'{"origin": "a", "type": "VideoUpdated", "data": {"user_id": "u"}}', b"\xff\xfe"):
        assert decode(raw, "b") is None, raw
    assert len([r for r in caplog.records if r.message.startswith("ignored an event message")]) == 9
    assert decode(json.dumps({"origin": "a", "type": RESYNC}), "b") == RESYNC


def test_logged_urls_carry_no_credentials():
    assert redacted("redis://:s3cret@cache.internal:6380/2") == "redis://cache.internal:6380/2"
    assert redacted("rediss://user:s3cret@[::1]:6379/0?password=s3cret") == "rediss://[::1]:6379/0"
    assert redacted("unix://:s3cret@/run/redis.sock?db=1") == "unix:///run/redis.sock"


class Instance:
    """An event bus with a fan-out, recording what its local subscribers receive and its cache switch."""

    def __init__(self, url: str, channel: str, name: str) -> None:
        self.bus = EventBus()
        self.received: list[object] = []
        self.trusted: list[bool] = []
        self.bus.subscribe(self.received.append)
        self.fanout = RedisFanout(url, channel, name, self.bus, self.trusted.append)


async def eventually(predicate, timeout: float = 5.0) -> None:  # noqa: ANN001
    async def loop() -> None:
        while not predicate():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(loop(), timeout)


async def test_events_reach_other_instances_once_and_are_not_sent_on(redis_url, channel):
    # Same instance id on purpose: a misconfigured pair must still hear each other.
    a, b = Instance(redis_url, channel, "same-id"), Instance(redis_url, channel, "same-id")
    for instance in (a, b):
        await instance.fanout.start()
    try:
        await eventually(lambda: a.fanout.subscribed and b.fanout.subscribed)
        assert a.trusted == b.trusted == [False, True]  # caches off until subscribed, then emptied and on
        deleted = LocalOnly(note="stays here")
        for event in (*SHARED, deleted):
            a.bus.publish(event)
        await eventually(lambda: len(b.received) == len(SHARED))
        await asyncio.sleep(0.2)  # room for an echo or a re-broadcast, which must not come
        assert b.received == SHARED
        assert a.received == [*SHARED, deleted]  # only its own, each once
    finally:
        await a.fanout.stop()
        await b.fanout.stop()


@pytest.fixture
def private_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


async def test_a_broken_subscription_suspends_the_caches_until_it_is_back(private_redis, channel, caplog):
    caplog.set_level(logging.INFO, logger="sora2.events_redis")
    instance = Instance(private_redis.url, channel, "host:1")
    await instance.fanout.start()
    try:
        await eventually(lambda: instance.fanout.state == "ok")
        private_redis.stop()
        await eventually(lambda: instance.fanout.state == "degraded")
        assert instance.trusted == [False, True, False]
        instance.bus.publish(LibraryChanged(user_id="u1"))
        await asyncio.sleep(0.1)
        assert instance.fanout.backlog == 1  # kept while Redis is away
        private_redis.start()
        await eventually(lambda: instance.fanout.state == "ok", timeout=10)
        await eventually(lambda: instance.fanout.backlog == 0, timeout=10)
        assert instance.trusted == [False, True, False, True]  # emptied once more when subscribed again
        listener = Instance(private_redis.url, channel, "host:2")
        await listener.fanout.start()
        try:
            await eventually(lambda: listener.fanout.subscribed)
            instance.bus.publish(UserChanged(user_id="u2"))
            await eventually(lambda: UserChanged(user_id="u2") in listener.received)
        finally:
            await listener.fanout.stop()
    finally:
        await instance.fanout.stop()
    assert "subscribed to redis://127.0.0.1" in caplog.text and "again" in caplog.text


def test_without_a_redis_url_no_fanout_is_loaded_or_started(tmp_path: Path):
    # (python-socketio itself imports the redis package when it is installed; our fan-out stays unloaded.)
    script = textwrap.dedent(f"""
        import asyncio, sys
        from sora2.app import create_app
        from sora2.config import Settings
        settings = Settings(_env_file=None, data_dir={str(tmp_path / 'data')!r}, admin_password="admin-password-1",
                            jwt_secret={"fanout-" + uuid.uuid4().hex!r}, redis_url="")
        asgi = create_app(settings)
        async def run():
            async with asgi.fastapi.router.lifespan_context(asgi.fastapi):
                assert asgi.fastapi.state.ctx.fanout is None
        asyncio.run(run())
        assert "sora2.events_redis" not in sys.modules, "the fan-out was imported"
    """)
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def test_settings_take_an_empty_url_as_unset():
    from sora2.config import Settings

    assert Settings(_env_file=None, redis_url="").redis_url is None
    url = Settings(_env_file=None, redis_url="redis://:pw@h:6379/0").redis_url
    assert isinstance(url, SecretStr) and "pw" not in repr(url)


async def _sign_in(asgi) -> tuple[str, dict[str, str]]:  # noqa: ANN001
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://testserver") as client:
        body = (await client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})).json()
    return body["user"]["id"], {"Authorization": f"Bearer {body['token']}"}


async def test_the_app_trusts_its_caches_only_while_subscribed(settings, redis_url, channel):
    asgi = create_app(settings.model_copy(update={"redis_url": SecretStr(redis_url), "redis_channel": channel}))
    api = asgi.fastapi
    async with api.router.lifespan_context(api):
        ctx = api.state.ctx
        await eventually(lambda: ctx.fanout.subscribed)
        assert not ctx.list_cache.suspended and not ctx.principals.suspended
        user_id, headers = await _sign_in(asgi)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://testserver") as client:
            assert (await client.get("/readyz")).json()["events"] == "ok"
            assert (await client.get("/api/videos", headers=headers)).status_code == 200
        assert ctx.principals.get(user_id) is not None
        version = ctx.list_cache.version(user_id)
        # Another instance's messages, as it would send them.
        async with redis.from_url(redis_url) as other:
            for event in (UserChanged(user_id=user_id), LibraryChanged(user_id=user_id)):
                await other.publish(channel, encode(event, "elsewhere:3000#1"))
        await eventually(lambda: ctx.list_cache.version(user_id) != version)
        assert ctx.principals.get(user_id) is None


async def test_the_app_keeps_its_caches_off_while_redis_is_unreachable(settings):
    asgi = create_app(settings.model_copy(update={"redis_url": SecretStr("redis://127.0.0.1:1/0")}))
    api = asgi.fastapi
    async with api.router.lifespan_context(api):
        ctx = api.state.ctx
        assert ctx.list_cache.suspended and ctx.principals.suspended
        user_id, headers = await _sign_in(asgi)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://testserver") as client:
            for _ in range(2):
                assert (await client.get("/api/videos", headers=headers)).status_code == 200
            ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["events"] == "degraded"
        # Served, but nothing was kept: another instance's changes could not be heard.
        ctx.list_cache.suspended = ctx.principals.suspended = False
        assert ctx.principals.get(user_id) is None
        assert ctx.list_cache.get(user_id, (50, 0, None, None, None)) is None
