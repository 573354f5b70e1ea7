"""An optional reference image for create_video: from a local path (stdio only), a URL or base64."""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import socket
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from mcp.server.mcpserver.exceptions import ToolError

MAX_IMAGE_BYTES = 10 * 1024 * 1024


async def load_image(*, path: str | None, url: str | None, data: str | None, local_files: bool,
                     fetch_private_urls: bool) -> tuple[bytes, str] | None:
    given = [name for name, value in (("image_path", path), ("image_url", url), ("image_base64", data)) if value]
    if not given:
        return None
    if len(given) > 1:
        raise ToolError(f"Give only one of image_path, image_url, image_base64 (got {', '.join(given)})")
    if path:
        return _from_path(path, local_files)
    if url:
        return await _from_url(url, fetch_private_urls)
    return _from_base64(data or ""), "reference"


def _checked_size(content: bytes) -> bytes:
    if len(content) > MAX_IMAGE_BYTES:
        raise ToolError(f"The image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    if not content:
        raise ToolError("The image is empty")
    return content


def _from_path(raw: str, local_files: bool) -> tuple[bytes, str]:
    if not local_files:
        raise ToolError("image_path works only with the local stdio server (`sora2 mcp`); "
                        "over HTTP send image_url or image_base64")
    path = Path(raw).expanduser()
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise ToolError(f"The image is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
        return _checked_size(path.read_bytes()), path.name
    except OSError as exc:
        raise ToolError(f"Cannot read image_path {raw!r}: {exc.strerror or exc}") from None


def _from_base64(data: str) -> bytes:
    if data.startswith("data:") and "," in data:
        data = data.split(",", 1)[1]
    try:
        return _checked_size(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError):
        raise ToolError("image_base64 is not valid base64") from None


async def _public_address(host: str) -> str:
    """The address to connect to for `host`: every address it resolves to must be public (not loopback, private,
    link-local or otherwise non-global), and the fetch then goes to the one checked here, so a second lookup
    cannot return another (DNS rebinding)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        raise ToolError(f"Cannot resolve the image_url host {host!r}") from None
    addresses = [info[4][0].split("%")[0] for info in infos]
    if not addresses or not all(ipaddress.ip_address(a).is_global for a in addresses):
        raise ToolError("image_url must point at a public address; for a local file use image_base64")
    return addresses[0]


def _pinned(url: httpx.URL, address: str) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """The request for `url`, connecting to `address`: the Host header, TLS server name and certificate check
    still name the URL's host."""
    host_header = url.host if url.port is None else f"{url.host}:{url.port}"
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return url.copy_with(host=address), {"Host": host_header}, extensions


async def _from_url(url: str, fetch_private_urls: bool) -> tuple[bytes, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ToolError("image_url must be an http:// or https:// URL")
    target, headers, extensions = httpx.URL(url), {}, {}
    if not fetch_private_urls:
        target, headers, extensions = _pinned(target, await _public_address(parts.hostname))
    try:
        # No redirects: each hop would need the same address check.
        async with httpx.AsyncClient(timeout=20.0, follow_redirects=False) as http, \
                http.stream("GET", target, headers=headers, extensions=extensions) as response:
            if response.is_redirect:
                raise ToolError("image_url answered with a redirect; give the final URL")
            if not response.is_success:
                raise ToolError(f"Fetching image_url failed with HTTP {response.status_code}")
            content = bytearray()
            async for chunk in response.aiter_bytes():
                content += chunk
                if len(content) > MAX_IMAGE_BYTES:
                    _checked_size(bytes(content))
    except httpx.HTTPError as exc:
        raise ToolError(f"Fetching image_url failed: {exc.__class__.__name__}") from None
    return _checked_size(bytes(content)), Path(parts.path).name or "reference"
