"""`/mcp` without the MCP SDK at start: the SDK (≈ 55 MB resident) loads with the first request to `/mcp`.

A server whose users never connect an agent never pays for it; the first agent request waits for the import once
(a fraction of a second), and every later one goes straight to the endpoint.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.types import Receive, Scope, Send

from sora2.config import Settings

if TYPE_CHECKING:
    from sora2.mcp_server.http import McpEndpoint

MCP_PATH = "/mcp"


class LazyMcpEndpoint:
    def __init__(self, api: Any, settings: Settings) -> None:
        self._api = api
        self._settings = settings
        self._endpoint: McpEndpoint | None = None
        self._loading = asyncio.Lock()
        self._running = AsyncExitStack()

    async def _load(self) -> McpEndpoint:
        async with self._loading:
            if self._endpoint is None:
                from sora2.mcp_server.http import McpEndpoint

                endpoint = McpEndpoint(self._api, self._settings)
                await self._running.enter_async_context(endpoint.running())  # its own task: any task may stop it
                self._endpoint = endpoint
        return self._endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self._endpoint or await self._load()
        await endpoint(scope, receive, send)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """For the app's lifespan: stops the session manager if a request started it."""
        try:
            yield
        finally:
            await self._running.aclose()
