"""Socket.IO's origin check behind reverse proxies, in process: a trusted proxy's forwarded scheme and host are
believed (also when it drops the port, as `Host $host` does, or the scheme), anyone else's are not."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from sora2.app import create_app
from sora2.http.proxy import ForwardedHeaders

NGINX = ("127.0.0.1", 40000)  # loopback: trusted by default
STRANGER = ("203.0.113.9", 40000)  # a documentation address: never trusted unless configured


@pytest.fixture
async def app(settings) -> AsyncIterator:  # noqa: ANN001
    asgi = create_app(settings.model_copy(update={"forwarded_allow_ips": "127.0.0.1,::1"}))
    async with asgi.fastapi.router.lifespan_context(asgi.fastapi):
        yield asgi


async def _handshake(app, peer: tuple[str, int], host: str, origin: str, **headers: str) -> int:  # noqa: ANN001
    transport = httpx.ASGITransport(app=app, client=peer)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as http:
        answer = await http.get("/socket.io/?EIO=4&transport=polling",
                                headers={"Host": host, "Origin": origin, **headers})
    return answer.status_code


@pytest.mark.parametrize(("origin", "host", "headers", "allowed"), [
    # The original's nginx: `Host $host` (no port), no X-Forwarded-Proto on /socket.io, HTTP or HTTPS.
    ("http://studio.example:8080", "studio.example", {}, True),
    ("https://studio.example", "studio.example", {}, True),
    ("https://studio.example:8443", "studio.example", {"X-Forwarded-For": "198.51.100.7"}, True),
    # Ours: `Host $http_host` (port kept) and X-Forwarded-Proto.
    ("https://studio.example:8443", "studio.example:8443", {"X-Forwarded-Proto": "https"}, True),
    ("http://studio.example:8443", "studio.example:8443", {"X-Forwarded-Proto": "https"}, False),
    ("https://studio.example:9999", "studio.example:8443", {"X-Forwarded-Proto": "https"}, False),
    ("https://studio.example", "127.0.0.1:3000", {"X-Forwarded-Host": "studio.example",
                                                  "X-Forwarded-Proto": "https"}, True),
    ("https://evil.example", "studio.example", {}, False),
    ("https://studio.example.evil.example", "studio.example", {}, False),
    ("null", "studio.example", {}, False),
])
async def test_through_a_trusted_proxy(app, origin, host, headers, allowed):  # noqa: ANN001
    assert (await _handshake(app, NGINX, host, origin, **headers) == 200) is allowed


@pytest.mark.parametrize(("origin", "host", "headers", "allowed"), [
    ("http://studio.example", "studio.example", {}, True),  # plain same origin
    ("http://studio.example:8080", "studio.example", {}, False),  # no proxy vouches for the missing port
    ("https://studio.example", "studio.example", {"X-Forwarded-Proto": "https"}, False),
    ("https://studio.example", "other.example", {"X-Forwarded-Host": "studio.example",
                                                 "X-Forwarded-Proto": "https"}, False),
    ("http://localhost:5173", "studio.example", {}, True),  # SORA2_CORS_ORIGINS still apply
])
async def test_from_an_untrusted_peer_forwarded_headers_count_for_nothing(app, origin, host, headers,  # noqa: ANN001
                                                                          allowed):
    assert (await _handshake(app, STRANGER, host, origin, **headers) == 200) is allowed


async def test_a_configured_proxy_network_is_trusted(settings):  # noqa: ANN001
    asgi = create_app(settings.model_copy(update={"forwarded_allow_ips": "203.0.113.0/24"}))
    async with asgi.fastapi.router.lifespan_context(asgi.fastapi):
        assert await _handshake(asgi, STRANGER, "studio.example", "https://studio.example") == 200
        assert await _handshake(asgi, NGINX, "studio.example", "https://studio.example") != 200


async def test_the_client_address_and_scheme_come_from_a_trusted_proxy_only():
    seen: list[dict] = []

    async def app(scope, receive, send):  # noqa: ANN001, ANN202
        seen.append(scope)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    wrapped = ForwardedHeaders(app, "127.0.0.1")
    headers = {"X-Forwarded-For": "198.51.100.7, 127.0.0.1", "X-Forwarded-Proto": "https"}
    for peer in (NGINX, STRANGER):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=wrapped, client=peer),
                                     base_url="http://studio.example") as http:
            await http.get("/", headers=headers)
    trusted, untrusted = seen
    assert (trusted["client"][0], trusted["scheme"], trusted["sora2.proxied"]) == ("198.51.100.7", "https", True)
    assert (untrusted["client"][0], untrusted["scheme"], untrusted["sora2.proxied"]) == ("203.0.113.9", "http", False)
