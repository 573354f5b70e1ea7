"""Cached list responses per user, dropped whenever that user's library changes.

Listing is the hottest read (every page load, every client refresh) while libraries change rarely by
comparison; each committed change publishes an event that bumps the owner's version, so a cached page is
never served after the data behind it changed. With several instances the events arrive over Redis; while that
link is down the cache is suspended (see sora2.events_redis), because invalidations may be missed.

A miss is built once per instance (single flight): requests that miss the same page of the same library version
while it is being built wait for that build instead of running the query again, so a change in a busy library
costs one query, not one per request in flight. The build runs as a task of its own, so a waiting client that
goes away cancels nobody else's answer.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable


class ListCache:
    def __init__(self, window_seconds: int, max_entries: int = 2048) -> None:
        self._window = max(1, window_seconds)
        self._max = max_entries
        # Versions come from one clock, so clear() can outdate every user's pages (and pages being built) at once.
        self._clock = itertools.count(1)
        self._floor = 0
        self.stamp = 0  # the latest version handed out: whatever was read after it is at least that fresh
        self._versions: dict[str, int] = {}
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self.suspended = False  # nothing is served or stored while set
        self._building: dict[tuple, asyncio.Task[bytes]] = {}

    def _key(self, user_id: str, params: tuple) -> tuple:
        # Signed media URLs inside a page are valid per time window: a new window means a new page.
        window = int(time.time()) // self._window
        return user_id, self.version(user_id), window, params

    def get(self, user_id: str, params: tuple) -> bytes | None:
        if self._max == 0 or self.suspended:
            return None
        key = self._key(user_id, params)
        page = self._pages.get(key)
        if page is not None:
            self._pages.move_to_end(key)
        return page

    async def get_or_build(self, user_id: str, params: tuple, build: Callable[[], Awaitable[bytes]]) -> bytes:
        """The cached page, or the one being built for this library version, or a new build of it."""
        page = self.get(user_id, params)
        if page is not None:
            return page
        if self._max == 0 or self.suspended:
            return await build()  # no cache: every request reads for itself
        version = self.version(user_id)
        key = (user_id, version, params)
        task = self._building.get(key)
        if task is None:
            task = asyncio.ensure_future(self._build(user_id, params, version, build))
            self._building[key] = task
            task.add_done_callback(lambda _: self._building.pop(key, None))
        return await asyncio.shield(task)

    async def _build(self, user_id: str, params: tuple, version: int, build: Callable[[], Awaitable[bytes]]) -> bytes:
        page = await build()
        self.put(user_id, params, version, page)
        return page

    def put(self, user_id: str, params: tuple, version: int, body: bytes) -> None:
        if self._max == 0 or self.suspended or self.version(user_id) != version:
            return  # the library changed while this page was being built
        self._pages[self._key(user_id, params)] = body
        if len(self._pages) > self._max:
            self._pages.popitem(last=False)

    def version(self, user_id: str) -> int:
        return max(self._versions.get(user_id, 0), self._floor)

    def invalidate(self, user_id: str) -> None:
        self._versions[user_id] = self.stamp = next(self._clock)

    def clear(self) -> None:
        """Forget every page, including pages whose queries are running now (their put is refused)."""
        self._floor = self.stamp = next(self._clock)
        self._pages.clear()
