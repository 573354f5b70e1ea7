"""OpenRouter's webhook signature: `X-OpenRouter-Signature: t=<unix>,v1=<hex>`, v1 = HMAC-SHA256(secret, "t,body")."""

from __future__ import annotations

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """Why a delivery was refused, in words safe to log (never the secret, the signature or the body)."""


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for `body` (what the provider sends; tests and the emulator sign with it too)."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t},".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value.strip().lower())
    if timestamp is None or not signatures:
        raise SignatureError("malformed signature header")
    return timestamp, signatures


def verify(secret: str, header: str | None, body: bytes, *, now: float | None = None,
           tolerance: float = TOLERANCE_SECONDS) -> None:
    """Raises SignatureError unless `header` signs exactly `body` with `secret` within the time tolerance."""
    if not header:
        raise SignatureError("no signature header")
    timestamp, signatures = _parse(header)
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        raise SignatureError("signature timestamp outside the tolerance")
    expected = hmac.new(secret.encode(), f"{timestamp},".encode() + body, hashlib.sha256).hexdigest()
    # Every candidate is compared, so the time taken does not depend on which one (if any) matches.
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    if not any(matches):
        raise SignatureError("signature mismatch")
