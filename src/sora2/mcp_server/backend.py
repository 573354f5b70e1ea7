"""Where the MCP tools send their REST calls: this process's own app (HTTP transport) or a remote server (stdio)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import httpx
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from sora2.auth.bearer import bearer_value
from sora2.client.errors import ApiError
from sora2.client.studio import StudioClient

INTERNAL_BASE = "http://sora2.internal"


@asynccontextmanager
async def _as_tool_errors() -> AsyncIterator[None]:
    """REST failures reach the agent as tool errors carrying the REST API's own message."""
    try:
        yield
    except ApiError as exc:
        raise ToolError(exc.message) from None


class Backend(Protocol):
    local_files: bool  # may the tools read and write paths on this machine?
    fetch_private_urls: bool  # may image_url point at loopback or private networks?

    def session(self, ctx: Context) -> Any: ...  # async context manager yielding a StudioClient

    def absolute_url(self, ctx: Context, path: str) -> str: ...


def _bearer(ctx: Context) -> str | None:
    return bearer_value((ctx.headers or {}).get("authorization"))


class InProcessBackend:
    """For `/mcp`: each tool call re-presents the caller's bearer token to the REST app through an in-memory
    transport, so a token revoked mid-session fails on its next call."""

    local_files = False

    def __init__(self, api: Any, public_url: str | None, fetch_private_urls: bool = False) -> None:
        self._transport = httpx.ASGITransport(app=api, client=("127.0.0.1", 0))
        self._public_url = public_url.rstrip("/") if public_url else None
        self.fetch_private_urls = fetch_private_urls

    @asynccontextmanager
    async def session(self, ctx: Context) -> AsyncIterator[StudioClient]:
        async with _as_tool_errors(), StudioClient(INTERNAL_BASE, _bearer(ctx), transport=self._transport) as client:
            yield client

    def absolute_url(self, ctx: Context, path: str) -> str:
        if self._public_url:
            return self._public_url + path
        headers = ctx.headers or {}
        scheme = headers.get("x-forwarded-proto", "http").split(",")[0].strip()
        host = headers.get("x-forwarded-host", headers.get("host", "localhost")).split(",")[0].strip()
        return f"{scheme}://{host}{path}"


class RemoteBackend:
    """For `sora2 mcp` over stdio: a running server at `url`, with one personal token."""

    local_files = True
    fetch_private_urls = True  # the fetch happens on the user's own machine, with the user's own reach

    def __init__(self, url: str, token: str) -> None:
        self._client = StudioClient(url, token, timeout=120.0)

    @asynccontextmanager
    async def session(self, ctx: Context) -> AsyncIterator[StudioClient]:
        async with _as_tool_errors():
            yield self._client

    def absolute_url(self, ctx: Context, path: str) -> str:
        return self._client.base_url + path

    async def close(self) -> None:
        await self._client.close()
