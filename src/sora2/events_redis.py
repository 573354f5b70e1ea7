"""Several instances behind one load balancer: committed events fan out over Redis pub/sub (SORA2_REDIS_URL).

Each instance publishes its own VideoUpdated, UserChanged, LibraryChanged, JobsChanged and ProvidersChanged to one
channel and hands the other instances' to its local subscribers (Socket.IO rooms, caches, the tracker's wake-up,
the provider reload), without sending them on again. Any other event stays local.

Pub/sub keeps no history, so whenever this instance is not subscribed it may miss invalidations: `on_sync(False)`
tells the app to empty and suspend its caches, `on_sync(True)` (each time the subscription is confirmed) to empty
them once more and use them again. Publishing happens in a background task: a commit never waits for Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import redis.asyncio as redis
from pydantic import BaseModel, ValidationError
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from sora2.events import (
    BudgetNoticeRaised, EventBus, JobsChanged, LibraryChanged, ProvidersChanged, UserChanged, VideoUpdated,
)

log = logging.getLogger(__name__)

SHARED_EVENTS: dict[str, type[BaseModel]] = {
    cls.__name__: cls for cls in (VideoUpdated, UserChanged, LibraryChanged, JobsChanged, ProvidersChanged,
                                  BudgetNoticeRaised)}
RESYNC = "Resync"  # "I dropped events you never saw": receivers empty their caches
MAX_PENDING = 10_000  # events waiting for Redis; beyond this the oldest are dropped and a Resync is sent
BATCH = 200
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0
PING_EVERY = 5.0  # a quiet subscription is pinged; silence for 3× this means the connection is dead
WARN_EVERY = 300.0  # while Redis stays unreachable, repeat the warning this often (debug in between)
DRAIN_ON_STOP = 1.0

OnSync = Callable[[bool], None]


def encode(event: BaseModel, origin: str) -> str | None:
    """The channel message for an event other instances should see, or None for one that stays local."""
    name = type(event).__name__
    if SHARED_EVENTS.get(name) is not type(event):
        return None
    return json.dumps({"origin": origin, "type": name, "data": event.model_dump(mode="json")},
                      separators=(",", ":"))


def decode(raw: bytes | str, origin: str) -> BaseModel | str | None:
    """The event another instance sent, RESYNC, or None for this instance's own, unknown or malformed messages."""
    try:
        message = json.loads(raw)
        if message["origin"] == origin:
            return None
        name = message["type"]
        if name == RESYNC:
            return RESYNC
        return SHARED_EVENTS[name].model_validate(message.get("data") or {})
    except (ValueError, TypeError, KeyError, AttributeError, ValidationError) as exc:
        log.debug("ignored an event message (%s): %.200r", type(exc).__name__, raw)
        return None


def redacted(url: str) -> str:
    """The URL for logs: scheme, host, port and database only — never credentials or query (which may hold one)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "<unparsable redis url>"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}{parts.path}"


def _secrets_in(url: str) -> list[str]:
    try:
        parts = urlsplit(url)
        found = [parts.password or "", *parse_qs(parts.query).get("password", [])]
    except ValueError:
        return []
    return [s for value in found if value for s in {value, unquote(value)}]


def backoff(failures: int) -> float:
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, failures - 1)) * random.uniform(0.5, 1.0)


class RedisFanout:
    def __init__(self, url: str, channel: str, instance_id: str, bus: EventBus, on_sync: OnSync) -> None:
        # Unique per process even if two instances were given the same SORA2_INSTANCE_ID: dropping the other
        # process's events as "our own" would silently break it.
        self.origin = f"{instance_id}#{secrets.token_hex(4)}"
        self.channel = channel
        self.where = redacted(url)
        self.subscribed = False
        self._url, self._bus, self._on_sync = url, bus, on_sync
        self._secrets = _secrets_in(url)
        self._client: redis.Redis | None = None
        self._pending: deque[BaseModel] = deque()
        self._in_flight = 0
        self._lost = False
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._warned: dict[str, float] = {}
        self._subscribe_failures = 0

    @property
    def state(self) -> str:
        return "ok" if self.subscribed else "degraded"

    @property
    def backlog(self) -> int:
        """This instance's events not yet handed to Redis."""
        return len(self._pending) + self._in_flight

    async def start(self) -> None:
        try:
            # Retries are ours (with backoff, and with the caches suspended meanwhile), not the client's.
            self._client = redis.from_url(self._url, retry=Retry(NoBackoff(), 0), socket_connect_timeout=5,
                                          socket_timeout=10, socket_keepalive=True)
        except ValueError as exc:  # redis-py's messages name the problem, never the URL
            raise ValueError(f"SORA2_REDIS_URL: {exc}") from None
        self._on_sync(False)  # until the subscription is confirmed, other instances' invalidations may be missed
        self._bus.subscribe(self._send, remote=False)
        self._tasks = [asyncio.create_task(self._subscribe_forever(), name="sora2-events-subscribe"),
                       asyncio.create_task(self._publish_forever(), name="sora2-events-publish")]
        log.info("events fan out over %s, channel %r, as %s", self.where, self.channel, self.origin)

    async def stop(self) -> None:
        deadline = time.monotonic() + DRAIN_ON_STOP
        while self.subscribed and self.backlog and time.monotonic() < deadline:
            await asyncio.sleep(0.01)  # the last events of this instance (e.g. the tracker's) still go out
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    # --- publishing --------------------------------------------------------------------------------------

    def _send(self, event: Any) -> None:
        """Bus subscriber (this instance's events only): queue and return at once; the commit never waits."""
        if type(event).__name__ not in SHARED_EVENTS:
            return
        if len(self._pending) >= MAX_PENDING:
            self._pending.popleft()
            self._lost = True
        self._pending.append(event)
        self._wake.set()

    def _encode(self, event: BaseModel) -> str | None:
        try:
            return encode(event, self.origin)
        except Exception:  # one unserialisable event must not stop the others
            log.exception("could not encode %s for other instances", type(event).__name__)
            return None

    async def _publish_forever(self) -> None:
        failures = 0
        while True:
            if not self._pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = [self._pending.popleft() for _ in range(min(BATCH, len(self._pending)))]
            resync, self._lost = self._lost, False
            self._in_flight = len(batch)
            try:
                await self._publish(batch, resync)
            except Exception as exc:  # noqa: BLE001  (Redis or anything unforeseen: the task lives on)
                self._pending.extendleft(reversed(batch))  # kept, in order, until Redis answers again
                self._lost = self._lost or resync
                failures += 1
                self._warn("publish", exc)
            else:
                failures = 0
                self._warned.pop("publish", None)
            finally:
                self._in_flight = 0
            if failures:
                await asyncio.sleep(backoff(failures))

    async def _publish(self, batch: list[BaseModel], resync: bool) -> None:
        assert self._client is not None
        async with self._client.pipeline(transaction=False) as pipe:
            if resync:
                pipe.publish(self.channel, json.dumps({"origin": self.origin, "type": RESYNC}))
            for payload in filter(None, map(self._encode, batch)):
                pipe.publish(self.channel, payload)
            await pipe.execute()

    # --- subscribing -------------------------------------------------------------------------------------

    async def _subscribe_forever(self) -> None:
        assert self._client is not None
        while True:
            pubsub = self._client.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                await self._listen(pubsub)
            except Exception as exc:  # noqa: BLE001  (anything: never stay "subscribed" while deaf)
                self._set_subscribed(False)
                self._subscribe_failures += 1
                self._warn("subscribe", exc)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()
            await asyncio.sleep(backoff(self._subscribe_failures))

    async def _listen(self, pubsub: Any) -> None:
        loop = asyncio.get_running_loop()
        heard = loop.time()
        while True:
            message = await pubsub.get_message(timeout=PING_EVERY)
            now = loop.time()
            if message is None:
                if now - heard > 3 * PING_EVERY:
                    raise RedisConnectionError("no answer to PING")
                if now - heard >= PING_EVERY:
                    await pubsub.ping()
                continue
            heard = now
            if message["type"] == "subscribe":
                self._set_subscribed(True)  # also after a reconnect: whatever was missed meanwhile is dropped
            elif message["type"] == "message":
                self._deliver(message["data"])

    def _deliver(self, raw: bytes) -> None:
        event = decode(raw, self.origin)
        if isinstance(event, str):  # RESYNC
            self._on_sync(True)
        elif isinstance(event, BaseModel):
            self._bus.publish(event, remote=True)

    def _set_subscribed(self, subscribed: bool) -> None:
        if subscribed:
            self._on_sync(True)
            self._subscribe_failures = 0
            if self._warned.pop("subscribe", None) is not None:
                log.info("events: subscribed to %s again; caches are back in use", self.where)
        elif self.subscribed:
            self._on_sync(False)
        self.subscribed = subscribed

    def _warn(self, what: str, exc: BaseException) -> None:
        """Warn when Redis first fails and then every WARN_EVERY seconds; the URL's secrets never appear."""
        if not isinstance(exc, RedisError | OSError):
            log.error("events: unexpected %s while trying to %s", type(exc).__name__, what, exc_info=exc)
        text = f"{type(exc).__name__}: {exc}"
        for secret in self._secrets:
            text = text.replace(secret, "***")
        now = time.monotonic()
        last = self._warned.get(what)
        if last is not None and now - last < WARN_EVERY:
            log.debug("events: %s to %s failed again (%s)", what, self.where, text)
            return
        self._warned[what] = now
        consequence = ("list and principal caches are off until it is back" if what == "subscribe"
                       else "events are kept for other instances until it is back")
        log.warning("events: cannot %s to %s (%s); retrying with backoff, %s", what, self.where, text, consequence)
