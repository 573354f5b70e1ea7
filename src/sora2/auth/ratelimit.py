"""Login throttling per username and per client address (sliding window of failures, in memory)."""

from __future__ import annotations

import time
from collections import defaultdict, deque


class LoginLimiter:
    def __init__(self, max_failures: int, window_seconds: float) -> None:
        self._max = max_failures
        self._window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _keys(self, username: str, address: str) -> tuple[str, str]:
        # Addresses get a larger budget: several people may share one NAT address.
        return f"user:{username.lower()}", f"addr:{address}"

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and stamps[0] <= now - self._window:
            stamps.popleft()
        return stamps

    def retry_after(self, username: str, address: str) -> int:
        """Seconds until another attempt is allowed, or 0 when allowed now."""
        now = time.monotonic()
        user_key, addr_key = self._keys(username, address)
        waits = []
        for key, limit in ((user_key, self._max), (addr_key, self._max * 4)):
            stamps = self._recent(key, now)
            if len(stamps) >= limit:
                waits.append(stamps[0] + self._window - now)
        return int(max(waits)) + 1 if waits else 0

    def record_failure(self, username: str, address: str) -> None:
        now = time.monotonic()
        for key in self._keys(username, address):
            self._failures[key].append(now)

    def record_success(self, username: str) -> None:
        self._failures.pop(self._keys(username, "")[0], None)
