"""`/mcp` on the main server: streamable HTTP, a bearer token on every request, Host/Origin checks on."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections import OrderedDict
from contextlib import asynccontextmanager
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import Message, Receive, Scope, Send

from sora2.auth.bearer import bearer_value
from sora2.auth.resolve import resolve_principal
from sora2.config import Settings
from sora2.errors import AppError, NotFound
from sora2.mcp_server.backend import InProcessBackend
from sora2.mcp_server.lazy import MCP_PATH
from sora2.mcp_server.tools import build_server

SESSION_HEADER = b"mcp-session-id"
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
        self.sessions = SessionOwners()

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
        headers = dict(scope.get("headers") or [])
        header = headers.get(b"authorization", b"").decode("latin-1")
        token = bearer_value(header)
        try:
            principal = await resolve_principal(self._api.state.ctx, token)
        except AppError as exc:
            await _deny(send, exc)
            return
        if scope.get("path") == MCP_PATH + "/":
            scope = {**scope, "path": MCP_PATH, "raw_path": MCP_PATH.encode()}
        session_id = headers.get(SESSION_HEADER, b"").decode("latin-1")
        if session_id:
            if not self.sessions.owned_by(session_id, principal.id):
                await _deny(send, NotFound("Session not found", code="session_not_found"), challenge=False)
                return
            if scope.get("method") == "DELETE":
                send = self.sessions.forget_on_success(session_id, send)
        else:
            send = self.sessions.bind_new(principal.id, send)
        await self._app(scope, receive, send)


async def _deny(send: Send, exc: AppError, challenge: bool = True) -> None:
    body = json.dumps(exc.body()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if challenge:
        headers.append((b"www-authenticate", b'Bearer realm="sora2"'))
    await send({"type": "http.response.start", "status": exc.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SessionOwners:
    """Which user opened each MCP session. The SDK knows sessions only by id, so without this anyone who learnt
    an id could use or end another user's session. A request naming a session that is not the caller's gets the
    same 404 as an unknown one (ids cannot be probed); one that opens a session binds it to the caller."""

    MAX_SESSIONS = 10_000  # the oldest bindings go first; their sessions then answer 404 and clients start anew

    def __init__(self) -> None:
        self._owners: OrderedDict[str, str] = OrderedDict()

    def owned_by(self, session_id: str, user_id: str) -> bool:
        owner = self._owners.get(session_id)
        if owner is not None:
            self._owners.move_to_end(session_id)
        return owner is not None and hmac.compare_digest(owner, user_id)

    def bind_new(self, user_id: str, send: Send) -> Send:
        async def binding_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                session_id = dict(message.get("headers") or []).get(SESSION_HEADER)
                if session_id:
                    self._owners[session_id.decode("latin-1")] = user_id
                    while len(self._owners) > self.MAX_SESSIONS:
                        self._owners.popitem(last=False)
            await send(message)

        return binding_send

    def forget_on_success(self, session_id: str, send: Send) -> Send:
        async def forgetting_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 300:
                self._owners.pop(session_id, None)
            await send(message)

        return forgetting_send
