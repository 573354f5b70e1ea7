"""A real webhook receiver on a local port: it records every request and answers from a script of replies
(a status code, or "hang" to stall past the sender's timeout); verification uses the Standard Webhooks
reference library."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.emulator.helpers import serve

HANG_SECONDS = 120.0


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def verified(self, secret: str) -> dict:
        """The payload, after the reference library checked the signature (raises WebhookVerificationError)."""
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class Receiver:
    replies: list[int | str] = field(default_factory=list)  # consumed in order; 200 once empty
    received: list[Received] = field(default_factory=list)
    url: str = ""
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)  # ends every hang (at shutdown)

    async def handle(self, request: Request) -> Response:
        self.received.append(Received(dict(request.headers), await request.body(), time.monotonic()))
        self.changed.set()
        reply = self.replies.pop(0) if self.replies else 200
        if reply == "hang":
            try:
                await asyncio.wait_for(self.release.wait(), HANG_SECONDS)
            except TimeoutError:
                pass
            reply = 200
        return Response(b"ok" if reply == 200 else b"nope", status_code=int(reply))

    async def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"received {len(self.received)} of {count} deliveries"
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                pass
        return self.received


@asynccontextmanager
async def running_receiver(*replies: int | str) -> AsyncIterator[Receiver]:
    receiver = Receiver(list(replies))
    app = Starlette(routes=[Route("/hook", receiver.handle, methods=["POST"])])
    async with serve(app) as url:
        receiver.url = f"{url}/hook"
        try:
            yield receiver
        finally:
            receiver.release.set()
