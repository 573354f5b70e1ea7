"""Sign-in throttling that slows an attacker down without locking anyone out.

Attempts are counted per (account, client address) and per address, each in a window that opens at its first
attempt (SORA2_LOGIN_WINDOW_SECONDS). An attempt is counted *before* the password is checked, so a burst of
parallel guesses cannot all slip under the limit:
- the pair's 2nd, 3rd, … attempt first waits 0.25 s, 0.5 s, 1 s, … (SORA2_LOGIN_DELAY_SECONDS, doubled, at most
  SORA2_LOGIN_DELAY_MAX_SECONDS);
- past SORA2_LOGIN_MAX_FAILURES (5) for the pair, or SORA2_LOGIN_ADDRESS_MAX_FAILURES (20) for the address, the
  attempt is refused with 429 and Retry-After until that window ends; a refused attempt is not counted.
A successful sign-in clears its pair and takes its own count back from the address. The account itself is never
locked: its owner, from any address that has not been failing, signs in at once.

Counts are shared by every instance: in Redis when SORA2_REDIS_URL is set (falling back to the database while
Redis does not answer), else in the database (table login_throttle).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from sora2.config import Settings
from sora2.db.base import utcnow
from sora2.db.session import SessionFactory
from sora2.errors import TooManyRequests
from sora2.models import LoginThrottle as ThrottleRow

log = logging.getLogger(__name__)


class CounterStore(Protocol):
    async def hit(self, key: str, window: float) -> tuple[int, float]:
        """Count one attempt: (attempts in the key's current window including this one, seconds it has left)."""

    async def undo(self, key: str) -> None:
        """Take one attempt back (never below zero, never opening a window)."""

    async def clear(self, key: str) -> None: ...


@dataclass(frozen=True)
class Attempt:
    """An admitted attempt: wait `delay` seconds, check the password, then report success or failure."""

    pair_key: str
    address_key: str
    delay: float


class LoginThrottle:
    def __init__(self, store: CounterStore, settings: Settings) -> None:
        self.store = store
        self.max_pair = settings.login_max_failures
        self.max_address = settings.login_address_max_failures
        self.window = float(settings.login_window_seconds)
        self.delay_base = settings.login_delay_seconds
        self.delay_max = settings.login_delay_max_seconds

    @staticmethod
    def keys(account: str, address: str) -> tuple[str, str]:
        # Hashed: attempted usernames are attacker-chosen text of any length.
        pair = hashlib.sha256(f"{account.lower()}\0{address}".encode()).hexdigest()[:40]
        return "pair:" + pair, "addr:" + hashlib.sha256(address.encode()).hexdigest()[:40]

    async def attempt(self, account: str, address: str) -> Attempt:
        """Admit an attempt or raise TooManyRequests; counts it as a failure until `succeeded` says otherwise."""
        pair_key, address_key = self.keys(account, address)
        pair_count, pair_left = await self.store.hit(pair_key, self.window)
        address_count, address_left = await self.store.hit(address_key, self.window)
        refused = [left for count, limit, left in ((pair_count, self.max_pair, pair_left),
                                                   (address_count, self.max_address, address_left))
                   if count > limit]
        if refused:
            await self.store.undo(pair_key)
            await self.store.undo(address_key)
            wait = max(1, math.ceil(max(refused)))
            raise TooManyRequests(f"Too many failed sign-ins from this address; try again in {wait} s",
                                  headers={"Retry-After": str(wait)})
        return Attempt(pair_key, address_key, self._delay(pair_count - 1))

    def _delay(self, earlier_attempts: int) -> float:
        if earlier_attempts <= 0 or self.delay_base <= 0:
            return 0.0
        return min(self.delay_max, self.delay_base * 2 ** (earlier_attempts - 1))

    async def succeeded(self, attempt: Attempt) -> None:
        await self.store.clear(attempt.pair_key)
        await self.store.undo(attempt.address_key)

    async def close(self) -> None:
        close = getattr(self.store, "close", None)
        if close is not None:
            await close()


class DatabaseCounters:
    """Counters in the login_throttle table: one atomic upsert per hit, in a transaction of its own (the request's
    own transaction rolls back when the password is wrong, and the count must stay)."""

    PRUNE_EVERY_SECONDS = 3600.0

    def __init__(self, sessions: SessionFactory, dialect: str) -> None:
        self.sessions = sessions
        self.insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self._pruned_at = time.monotonic()

    async def hit(self, key: str, window: float) -> tuple[int, float]:
        now = utcnow()
        expired = ThrottleRow.window_started_at <= now - timedelta(seconds=window)
        statement = self.insert(ThrottleRow).values(key=key, window_started_at=now, count=1)
        # `excluded` is the row just proposed: its time went through the column's UTC conversion already.
        statement = statement.on_conflict_do_update(index_elements=[ThrottleRow.key], set_={
            "count": case((expired, 1), else_=ThrottleRow.count + 1),
            "window_started_at": case((expired, statement.excluded.window_started_at),
                                      else_=ThrottleRow.window_started_at),
        }).returning(ThrottleRow.count, ThrottleRow.window_started_at)
        async with self.sessions.begin() as session:
            count, started = (await session.execute(statement)).one()
        return count, max(0.0, window - (now - started).total_seconds())

    async def undo(self, key: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(update(ThrottleRow).where(ThrottleRow.key == key, ThrottleRow.count > 0)
                                  .values(count=ThrottleRow.count - 1))

    async def clear(self, key: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(delete(ThrottleRow).where(ThrottleRow.key == key))
            if time.monotonic() - self._pruned_at > self.PRUNE_EVERY_SECONDS:
                # Rows whose window ended a day ago count nothing any more: an hourly sweep keeps the table small.
                self._pruned_at = time.monotonic()
                cutoff = utcnow() - timedelta(days=1)
                await session.execute(delete(ThrottleRow).where(ThrottleRow.window_started_at < cutoff))


# KEYS[1]: the counter. Decrement only an existing, positive counter: DECR on a missing key would create one
# without an expiry.
_UNDO = "if (tonumber(redis.call('get', KEYS[1]) or '0')) > 0 then return redis.call('decr', KEYS[1]) end return 0"


class RedisCounters:
    """Counters in Redis (INCR on a key that expires with its window). While Redis does not answer, the database
    counts instead: throttling must never be what stops a correct sign-in."""

    RETRY_AFTER_SECONDS = 15.0

    def __init__(self, url: str, prefix: str, fallback: DatabaseCounters) -> None:
        import redis.asyncio as redis

        self.client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.prefix = prefix
        self.fallback = fallback
        self._warned_at = 0.0
        self._away_until = 0.0  # after a failure Redis is left alone a while: no sign-in waits on its timeouts

    @property
    def _away(self) -> bool:
        return time.monotonic() < self._away_until

    def _failed(self, exc: Exception) -> None:
        self._away_until = time.monotonic() + self.RETRY_AFTER_SECONDS
        if time.monotonic() - self._warned_at > 60:
            self._warned_at = time.monotonic()
            log.warning("sign-in throttle: redis unavailable (%s); counting in the database", type(exc).__name__)

    async def hit(self, key: str, window: float) -> tuple[int, float]:
        if self._away:
            return await self.fallback.hit(key, window)
        name = self.prefix + key
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, px=int(window * 1000), nx=True).incr(name).pttl(name)
                _, count, ttl_ms = await pipe.execute()
            return int(count), max(0.0, ttl_ms / 1000)
        except Exception as exc:  # noqa: BLE001  any redis or connection error: count in the database
            self._failed(exc)
            return await self.fallback.hit(key, window)

    async def undo(self, key: str) -> None:
        if self._away:
            await self.fallback.undo(key)
            return
        try:
            await self.client.eval(_UNDO, 1, self.prefix + key)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            await self.fallback.undo(key)

    async def clear(self, key: str) -> None:
        try:
            if not self._away:
                await self.client.delete(self.prefix + key)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
        await self.fallback.clear(key)  # a count made while Redis was away must not outlive a success

    async def close(self) -> None:
        await self.client.aclose()


def build_throttle(settings: Settings, sessions: SessionFactory, dialect: str) -> LoginThrottle:
    database = DatabaseCounters(sessions, dialect)
    if settings.redis_url is None:
        return LoginThrottle(database, settings)
    store = RedisCounters(settings.redis_url.get_secret_value(), f"{settings.redis_channel}:throttle:", database)
    return LoginThrottle(store, settings)
