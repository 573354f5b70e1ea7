"""Cached list responses per user, dropped whenever that user's library changes.

Listing is the hottest read (every page load, every client refresh) while libraries change rarely by
comparison; each committed change publishes an event that bumps the owner's version, so a cached page is
never served after the data behind it changed. With several instances the events arrive over Redis; while that
link is down the cache is suspended (see sora2.events_redis), because invalidations may be missed.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from collections.abc import Hashable


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
