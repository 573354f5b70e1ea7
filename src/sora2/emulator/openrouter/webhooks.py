"""Webhooks: the signed POST OpenRouter sends to a job's `callback_url` when the job reaches a terminal state.

At least once: a delivery that gets no 2xx answer is retried with exponential backoff; receivers deduplicate
on `X-OpenRouter-Idempotency-Key` (`<job_id>-<status>`), as OpenRouter tells them to.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger(__name__)
ATTEMPTS = 4
FIRST_BACKOFF_SECONDS = 0.25  # then 0.5, 1.0
TIMEOUT_SECONDS = 10.0
USER_AGENT = "OpenRouter-Webhooks/1.0 (sora2 emulator)"
IDEMPOTENCY_HEADER = "X-OpenRouter-Idempotency-Key"
SIGNATURE_HEADER = "X-OpenRouter-Signature"


def signature(secret: str, timestamp: int, raw_body: bytes) -> str:
    """`t=<unix>,v1=<hex HMAC-SHA256 of "<t>,<raw body>">`, the documented scheme."""
    digest = hmac.new(secret.encode(), f"{timestamp},".encode() + raw_body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class WebhookSender:
    def __init__(self, secret: str | None, transport: httpx.AsyncBaseTransport | None,
                 clock: Callable[[], float] = time.time) -> None:
        self.secret = secret
        self.transport = transport
        self.clock = clock
        self.sent = 0  # deliveries answered 2xx
        self.failed = 0  # attempts that got no 2xx answer (each retry counts)
        self.abandoned = 0  # events given up on after every attempt failed
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(transport=self.transport, timeout=TIMEOUT_SECONDS,
                                             follow_redirects=False)

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def headers(self, raw_body: bytes, idempotency_key: str) -> dict[str, str]:
        headers = {"content-type": "application/json", "user-agent": USER_AGENT,
                   IDEMPOTENCY_HEADER: idempotency_key}
        if self.secret:
            headers[SIGNATURE_HEADER] = signature(self.secret, int(self.clock()), raw_body)
        return headers

    async def deliver(self, url: str, event: dict[str, Any], idempotency_key: str) -> bool:
        """POSTs `event` until a 2xx answer or the attempts run out; True when it was delivered."""
        if self._client is None:
            raise RuntimeError("the webhook sender is not started")
        raw_body = json.dumps(event, separators=(",", ":")).encode()
        for attempt in range(ATTEMPTS):
            if attempt:
                await asyncio.sleep(FIRST_BACKOFF_SECONDS * 2 ** (attempt - 1))
            if await self._attempt(url, raw_body, idempotency_key):
                self.sent += 1
                return True
            self.failed += 1
        self.abandoned += 1
        log.warning("emulator: gave up delivering webhook %s to %s after %d attempts", idempotency_key, url,
                    ATTEMPTS)
        return False

    async def _attempt(self, url: str, raw_body: bytes, idempotency_key: str) -> bool:
        assert self._client is not None
        try:
            response = await self._client.post(url, content=raw_body,
                                               headers=self.headers(raw_body, idempotency_key))
        except Exception as exc:  # noqa: BLE001  transport errors, or an in-process receiver's exceptions
            log.info("emulator: webhook %s to %s failed: %s", idempotency_key, url, exc)
            return False
        return 200 <= response.status_code < 300
