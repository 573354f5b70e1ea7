"""Short-lived signed media URLs, so pages and logs never carry a login token."""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache

CLOCK_SKEW_SECONDS = 300  # between instances that sign and verify each other's URLs


class MediaSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._key = hashlib.sha256(b"sora2-media-url:" + secret.encode()).digest()
        self._ttl = max(60, ttl_seconds)
        # Expiries move in TTL steps, so the same URL is asked for again and again: remember signatures.
        self._signature = lru_cache(maxsize=65536)(self._compute_signature)  # type: ignore[method-assign]

    def _compute_signature(self, video_id: str, variant: str, expires: int) -> str:
        message = f"{video_id}:{variant}:{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def sign(self, video_id: str, variant: str, now: float | None = None) -> str:
        expires, signature = self.signature(video_id, variant, now)
        return f"/api/media/{video_id}/{variant}?exp={expires}&sig={signature}"

    def signature(self, resource: str, variant: str, now: float | None = None) -> tuple[int, str]:
        """Expiry and signature for any resource name (a video id, or a digest naming several videos)."""
        # Expiry rounded up to a TTL boundary: the URL stays the same for a while, so browsers can cache it.
        now = time.time() if now is None else now
        expires = (int(now) // self._ttl + 2) * self._ttl
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
