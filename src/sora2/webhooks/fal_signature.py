"""fal's webhook signature: ED25519 over `request_id \\n user_id \\n timestamp \\n sha256hex(body)`, checked
against the public keys of fal's JWKS key set (SORA2_FAL_JWKS_URL), within ±300 s of the timestamp.

The key set is fetched once and cached; a signature no cached key verifies makes one refetch (at most once a
minute), so fal can rotate keys without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import time

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sora2.webhooks.signature import TOLERANCE_SECONDS, SignatureError

CACHE_SECONDS = 24 * 3600
REFETCH_AFTER_SECONDS = 60
HEADERS = ("x-fal-webhook-request-id", "x-fal-webhook-user-id", "x-fal-webhook-timestamp",
           "x-fal-webhook-signature")


def _keys(document: object) -> list[Ed25519PublicKey]:
    entries = document.get("keys") if isinstance(document, dict) else None
    keys = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("kty") == "OKP" and entry.get("crv") == "Ed25519":
            raw = str(entry.get("x", ""))
            try:
                keys.append(Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))))
            except ValueError:
                continue
    return keys


class JwksCache:
    def __init__(self, url: str, client: httpx.AsyncClient) -> None:
        self.url = url
        self.client = client
        self._keys: list[Ed25519PublicKey] = []
        self._fetched = 0.0

    async def _fetch(self) -> None:
        try:
            response = await self.client.get(self.url, timeout=10.0)
            response.raise_for_status()
            self._keys, self._fetched = _keys(response.json()), time.monotonic()
        except (httpx.HTTPError, ValueError) as exc:
            raise SignatureError(f"fal's key set could not be fetched ({type(exc).__name__})") from None

    async def keys(self, *, refresh: bool = False) -> list[Ed25519PublicKey]:
        age = time.monotonic() - self._fetched
        if not self._keys or age > CACHE_SECONDS or (refresh and age > REFETCH_AFTER_SECONDS):
            await self._fetch()
        return self._keys


def _verifies(keys: list[Ed25519PublicKey], signature: bytes, message: bytes) -> bool:
    for key in keys:
        try:
            key.verify(signature, message)
            return True
        except InvalidSignature:
            continue
    return False


async def verify(jwks: JwksCache, headers: httpx.Headers | dict, body: bytes, *, now: float | None = None) -> str:
    """The request id of a delivery whose signature is valid; raises SignatureError otherwise."""
    values = [headers.get(name) for name in HEADERS]
    if not all(values):
        raise SignatureError("missing fal signature headers")
    request_id, user_id, timestamp, signature_hex = (str(v) for v in values)
    if not timestamp.isdigit() or abs((time.time() if now is None else now) - int(timestamp)) > TOLERANCE_SECONDS:
        raise SignatureError("signature timestamp outside the tolerance")
    try:
        signature = bytes.fromhex(signature_hex)
    except ValueError:
        raise SignatureError("malformed signature") from None
    message = "\n".join((request_id, user_id, timestamp, hashlib.sha256(body).hexdigest())).encode()
    if _verifies(await jwks.keys(), signature, message) or _verifies(await jwks.keys(refresh=True), signature, message):
        return request_id
    raise SignatureError("signature mismatch")
