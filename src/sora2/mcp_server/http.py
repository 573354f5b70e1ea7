"""`/mcp` on the main server: streamable HTTP, a bearer token on every request, Host/Origin checks on."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import Receive, Scope, Send

from sora2.auth.resolve import resolve_principal
from sora2.config import Settings
from sora2.errors import AppError
from sora2.mcp_server.backend import InProcessBackend
from sora2.mcp_server.tools import build_server

MCP_PATH = "/mcp"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def transport_security(settings: Settings) -> TransportSecuritySettings:
    """Localhost, the public URL's host and any configured hosts; `*` switches the check off."""
    if "*" in settings.mcp_allowed_hosts:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    hosts = [h for local in LOCAL_HOSTS for h in (local, f"{local}:*")] + list(settings.mcp_allowed_hosts)
    origins = [f"http://{local}:*" for local in LOCAL_HOSTS] + [f"http://{local}" for local in LOCAL_HOSTS]
    origins += list(settings.cors_origins)
    if settings.public_url:
        public = urlsplit(settings.public_url)
        hosts.append(public.netloc)
        origins.append(f"{public.scheme}://{public.netloc}")
    origins += [f"{scheme}://{h}" for h in settings.mcp_allowed_hosts for scheme in ("http", "https")]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts,
                                     allowed_origins=origins)


class McpEndpoint:
    """The ASGI app behind the `/mcp` route. The bearer check happens before the MCP SDK sees the request; tools
    then present the same token to the REST API on every call."""

    def __init__(self, api: Any, settings: Settings) -> None:
        self._api = api
        backend = InProcessBackend(api, settings.public_url, fetch_private_urls=settings.mcp_allow_private_urls)
        self.server = build_server(backend)
        # Stateless (the default): no session lives in this process, so a balancer may send each request to
        # any instance.
        self._app = self.server.streamable_http_app(streamable_http_path=MCP_PATH,
                                                    transport_security=transport_security(settings),
                                                    stateless_http=settings.mcp_stateless)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Runs the session manager for the app's lifetime (a routed app gets no lifespan of its own). Its task
        group lives in a task of its own, so the lifespan may be entered and left from different tasks."""
        started, stopping = asyncio.Event(), asyncio.Event()

        async def run() -> None:
            async with self.server.session_manager.run():
                started.set()
                await stopping.wait()

        task = asyncio.create_task(run(), name="mcp-sessions")
        ready = asyncio.create_task(started.wait())
        await asyncio.wait([task, ready], return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if task.done():
            task.result()  # raises what stopped it
        try:
            yield
        finally:
            stopping.set()
            await task

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        token = header[len("Bearer "):].strip() if header.startswith("Bearer ") else None
        try:
            await resolve_principal(self._api.state.ctx, token)
        except AppError as exc:
            await _deny(send, exc)
            return
        if scope.get("path") == MCP_PATH + "/":
            scope = {**scope, "path": MCP_PATH, "raw_path": MCP_PATH.encode()}
        await self._app(scope, receive, send)


async def _deny(send: Send, exc: AppError) -> None:
    body = json.dumps(exc.body()).encode()
    await send({"type": "http.response.start", "status": exc.status_code, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", b'Bearer realm="sora2"')]})
    await send({"type": "http.response.body", "body": body})
