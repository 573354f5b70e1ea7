"""image_url over HTTP: only public addresses, and the fetch connects to the address that was checked."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading

import httpx
import pytest
from mcp.server.mcpserver.exceptions import ToolError

from sora2.mcp_server import images
from tests.fixtures.media import png_bytes


@pytest.fixture
def picture_server():
    body, hosts = png_bytes(32, 32), []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hosts.append(self.headers["Host"])
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], body, hosts
    server.shutdown()


async def test_the_fetch_connects_to_the_checked_address_not_a_second_lookup(picture_server, monkeypatch):
    port, body, hosts = picture_server
    checked: list[str] = []

    async def resolved_once(host: str) -> str:
        checked.append(host)
        return "127.0.0.1"  # stands in for the public address the check approved

    monkeypatch.setattr(images, "_public_address", resolved_once)
    # `.invalid` never resolves: the image can only arrive if the connection goes to the checked address.
    url = f"http://pictures.invalid:{port}/kite.png"
    content, name = await images.load_image(path=None, url=url, data=None, local_files=False,
                                            fetch_private_urls=False)
    assert (content, name) == (body, "kite.png")
    assert checked == ["pictures.invalid"] and hosts == [f"pictures.invalid:{port}"]


async def test_a_host_with_any_non_public_address_is_refused(monkeypatch):
    async def mixed(self, host, port, **kwargs):  # noqa: ANN001, ANN003, ANN202
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0)) for address in ("93.184.216.34", "10.0.0.7")]

    monkeypatch.setattr(asyncio.get_running_loop().__class__, "getaddrinfo", mixed)
    with pytest.raises(ToolError, match="public address"):
        await images.load_image(path=None, url="https://mixed.example/a.png", data=None, local_files=False,
                                fetch_private_urls=False)


def test_https_keeps_the_host_name_for_tls_and_the_host_header():
    url, headers, extensions = images._pinned(httpx.URL("https://cdn.example:8443/a.png?v=2"), "2606:2800::1")  # noqa: SLF001
    assert str(url) == "https://[2606:2800::1]:8443/a.png?v=2"
    assert headers == {"Host": "cdn.example:8443"}
    assert extensions == {"sni_hostname": "cdn.example"}  # the certificate is checked against this name
