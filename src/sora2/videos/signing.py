"""Short-lived signed media URLs, so pages and logs never carry a login token."""

from __future__ import annotations

import hashlib
import hmac
import time

CLOCK_SKEW_SECONDS = 300  # between instances that sign and verify each other's URLs
REMEMBERED = 65536  # signatures and URLs kept: a list page signs up to 4 per video, again on every cache miss


class MediaSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._key = hashlib.sha256(b"sora2-media-url:" + secret.encode()).digest()
        self._ttl = max(60, ttl_seconds)
        # Expiries move in TTL steps, so the same URL is asked for again and again: remember signatures and URLs
        # (a dict lookup, where an HMAC and the formatting cost several microseconds per URL).
        self._signatures: dict[tuple[str, str, int], str] = {}
        self._urls: dict[tuple[str, str, int], str] = {}

    def _signature(self, video_id: str, variant: str, expires: int) -> str:
        key = (video_id, variant, expires)
        signature = self._signatures.get(key)
        if signature is None:
            message = f"{video_id}:{variant}:{expires}".encode()
            signature = hmac.digest(self._key, message, "sha256").hex()[:32]
            _remember(self._signatures, key, signature)
        return signature

    def sign(self, video_id: str, variant: str, now: float | None = None) -> str:
        expires = self._expiry(now)
        key = (video_id, variant, expires)
        url = self._urls.get(key)
        if url is None:
            url = f"/api/media/{video_id}/{variant}?exp={expires}&sig={self._signature(video_id, variant, expires)}"
            _remember(self._urls, key, url)
        return url

    def _expiry(self, now: float | None) -> int:
        # Rounded up to a TTL boundary: the URL stays the same for a while, so browsers can cache it.
        return (int(time.time() if now is None else now) // self._ttl + 2) * self._ttl

    def signature(self, resource: str, variant: str, now: float | None = None) -> tuple[int, str]:
        """Expiry and signature for any resource name (a video id, or a digest naming several videos)."""
        expires = self._expiry(now)
        return expires, self._signature(resource, variant, expires)

    @property
    def max_lifetime(self) -> int:
        """The longest a URL signed here can be valid: `sign` never sets an expiry further out than this."""
        return 2 * self._ttl

    def verify(self, video_id: str, variant: str, expires: str | None, signature: str | None,
               now: float | None = None) -> bool:
        """A valid signature on an expiry that is neither past nor further away than any URL this server makes
        (a leaked signing key, or a URL signed by an old configuration, cannot mint links that last for years)."""
        if not expires or not signature or not (expires.isascii() and expires.isdigit()) or len(expires) > 12:
            return False
        now = time.time() if now is None else now
        if not now <= int(expires) <= now + self.max_lifetime + CLOCK_SKEW_SECONDS:
            return False
        return hmac.compare_digest(self._signature(video_id, variant, int(expires)), signature)


def _remember(memory: dict, key: tuple, value: str) -> None:
    if len(memory) >= REMEMBERED:
        memory.clear()  # a new TTL window makes every old entry useless anyway
    memory[key] = value
