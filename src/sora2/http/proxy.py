"""Behind a reverse proxy: what a trusted proxy forwards (client address, scheme, host) is believed, what anyone
else sends is not.

`SORA2_FORWARDED_ALLOW_IPS` names the trusted proxies (default loopback, as uvicorn's --forwarded-allow-ips).
For their requests uvicorn's ProxyHeadersMiddleware sets the client address from X-Forwarded-For and the scheme
from X-Forwarded-Proto, and the request is marked as proxied, so the Socket.IO origin check can compare the
page's origin with the host the browser asked the proxy for.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

PROXIED = "sora2.proxied"  # scope key: the request came from a trusted proxy
DEFAULT_PORTS = {"http": 80, "https": 443}


class ForwardedHeaders:
    """Pure ASGI, around the whole app (REST, Socket.IO and MCP alike)."""

    def __init__(self, app: ASGIApp, trusted: str) -> None:
        self._inner = ProxyHeadersMiddleware(app, trusted_hosts=trusted)  # type: ignore[arg-type]
        self._trusted = self._inner.trusted_hosts  # the same parsed list, so both agree on who is trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            scope[PROXIED] = bool(client) and client[0] in self._trusted
        await self._inner(scope, receive, send)  # type: ignore[arg-type]


def _origin(origin: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(origin)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            return None
        return parts.scheme, parts.hostname.lower(), parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        return None


def _host(value: str) -> tuple[str, int | None] | None:
    try:
        parts = urlsplit(f"//{value.strip()}")
        return (parts.hostname.lower(), parts.port) if parts.hostname else None
    except ValueError:
        return None


def same_origin(origin: str, environ: dict) -> bool:
    """Whether a page at `origin` is this server's own, as the browser addressed it.

    Direct requests: scheme, host and port must all match. Through a trusted proxy the host is the one it
    forwards (X-Forwarded-Host, else Host), and two common configurations lose information that is then not
    required: `proxy_set_header Host $host` drops the port, and a location without X-Forwarded-Proto hides the
    browser's scheme (the original's nginx config does both for /socket.io)."""
    page = _origin(origin)
    scope = environ.get("asgi.scope") or {}
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    if page is None:
        return False
    if not scope.get(PROXIED):
        host = _host(environ.get("HTTP_HOST", ""))
        return host is not None and page == (scheme, host[0], host[1] or DEFAULT_PORTS[scheme])
    forwarded = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[0] or environ.get("HTTP_HOST", "")
    host = _host(forwarded)
    if host is None or page[1] != host[0]:
        return False
    if "HTTP_X_FORWARDED_PROTO" in environ and page[0] != scheme:
        return False
    return host[1] is None or page[2] == host[1]
