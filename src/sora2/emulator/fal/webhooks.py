"""fal's webhooks: a POST to the request's `fal_webhook` URL once it finishes, signed with ED25519.

Headers X-Fal-Webhook-Request-Id, -User-Id, -Timestamp and -Signature (hex); the signed message is
`request_id \\n user_id \\n timestamp \\n sha256hex(body)`. Receivers check it against the public keys fal
publishes as a JWKS key set, which the emulator serves at /.well-known/jwks.json. The key pair persists in the
data dir, so a restarted emulator signs with the same key. At least once: failed deliveries are retried.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sora2.emulator.store import write_atomic

log = logging.getLogger(__name__)
ATTEMPTS = 4
FIRST_BACKOFF_SECONDS = 0.25
USER_ID = "emulator-user"
KEY_FILE = "webhook-signing-key.pem"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def message(request_id: str, user_id: str, timestamp: str, body: bytes) -> bytes:
    return "\n".join((request_id, user_id, timestamp, hashlib.sha256(body).hexdigest())).encode()


class Signer:
    def __init__(self, key: Ed25519PrivateKey) -> None:
        self.key = key

    @classmethod
    def load_or_create(cls, folder: Path) -> Signer:
        path = folder / KEY_FILE
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            assert isinstance(key, Ed25519PrivateKey)
            return cls(key)
        key = Ed25519PrivateKey.generate()
        write_atomic(path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
        path.chmod(0o600)
        return cls(key)

    def jwks(self) -> dict[str, Any]:
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw), "kid": hashlib.sha256(raw).hexdigest()[:16],
                          "use": "sig", "alg": "EdDSA"}]}

    def headers(self, request_id: str, body: bytes, timestamp: int) -> dict[str, str]:
        stamp = str(timestamp)
        signature = self.key.sign(message(request_id, USER_ID, stamp, body)).hex()
        return {"x-fal-webhook-request-id": request_id, "x-fal-webhook-user-id": USER_ID,
                "x-fal-webhook-timestamp": stamp, "x-fal-webhook-signature": signature}


class WebhookSender:
    def __init__(self, signer: Signer, transport: httpx.AsyncBaseTransport | None,
                 clock: Callable[[], float] = time.time) -> None:
        self.signer = signer
        self.transport = transport
        self.clock = clock
        self.sent = self.failed = self.abandoned = 0
        self.forge = False  # fault knob: sign with a key nobody published
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._client = self._client or httpx.AsyncClient(transport=self.transport, timeout=15.0)

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def deliver(self, url: str, request_id: str, event: dict[str, Any]) -> bool:
        assert self._client is not None, "the webhook sender is not started"
        body = json.dumps(event, separators=(",", ":")).encode()
        for attempt in range(ATTEMPTS):
            if attempt:
                await asyncio.sleep(FIRST_BACKOFF_SECONDS * 2 ** (attempt - 1))
            signer = Signer(Ed25519PrivateKey.generate()) if self.forge else self.signer
            headers = {"content-type": "application/json", **signer.headers(request_id, body, int(self.clock()))}
            try:
                response = await self._client.post(url, content=body, headers=headers)
                if 200 <= response.status_code < 300:
                    self.sent += 1
                    return True
            except Exception as exc:  # noqa: BLE001  transport errors, an in-process receiver's exceptions
                log.info("fal emulator: webhook for %s failed: %s", request_id, exc)
            self.failed += 1
        self.abandoned += 1
        return False
