"""Short-lived signed media URLs, so pages and logs never carry a login token."""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache


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

    def verify(self, video_id: str, variant: str, expires: str | None, signature: str | None) -> bool:
        if not expires or not signature or not expires.isdigit():
            return False
        if int(expires) < time.time():
            return False
        return hmac.compare_digest(self._signature(video_id, variant, int(expires)), signature)
