"""A sliding-window request limit per key (in memory, per instance), for public routes such as share links."""

from __future__ import annotations

import time
from collections import OrderedDict, deque


class WindowLimiter:
    def __init__(self, limit: int, window_seconds: float, max_keys: int = 10_000) -> None:
        self._limit = max(1, limit)
        self._window = window_seconds
        self._max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def hit(self, key: str) -> int:
        """Count one request; 0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        stamps = self._hits.setdefault(key, deque())
        self._hits.move_to_end(key)
        while stamps and stamps[0] <= now - self._window:
            stamps.popleft()
        if len(stamps) >= self._limit:
            return int(stamps[0] + self._window - now) + 1
        stamps.append(now)
        if len(self._hits) > self._max_keys:  # forget the quietest keys first: memory stays bounded
            self._hits.popitem(last=False)
        return 0
