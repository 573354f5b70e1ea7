"""Where a webhook may go: HTTPS to public addresses only (no server-side request forgery), unless an admin
allowed private and loopback addresses (SORA2_WEBHOOKS_ALLOW_PRIVATE_URLS, e.g. for receivers on the same host,
which may then use plain http). Checked when an endpoint is saved and again, pinned, at every delivery."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

MAX_URL = 2000


class UrlRefused(Exception):
    """Why a URL may not receive webhooks, in words for the person who entered it."""


@dataclass(frozen=True)
class Target:
    """A checked request target: connect to `url` (the address checked), naming the real host in Host/SNI."""

    url: httpx.URL
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def check_shape(url: str, allow_private: bool) -> None:
    """What can be checked without DNS: scheme, host, no credentials, a literal address's kind."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise UrlRefused("Enter the endpoint's URL (at most 2000 characters)")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UrlRefused("The endpoint must be an https:// URL")
    if parts.username or parts.password:
        raise UrlRefused("Put no user name or password in the URL; deliveries are signed instead")
    if parts.scheme == "http" and not allow_private:
        raise UrlRefused("The endpoint must use https://")
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    if not allow_private and not address.is_global:
        raise UrlRefused("Private, loopback and link-local addresses are not allowed for webhooks")


async def resolve(url: str, allow_private: bool) -> Target:
    """The target to send to. Without allow_private, every address the host resolves to must be public and the
    request then goes to the one checked here, so a second lookup cannot swap it (DNS rebinding)."""
    check_shape(url, allow_private)
    target = httpx.URL(url)
    if allow_private:
        return Target(target)
    host = target.host
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, target.port or 443, type=socket.SOCK_STREAM)
    except OSError:
        raise UrlRefused(f"Cannot resolve the host {host!r}") from None
    addresses = [info[4][0].split("%")[0] for info in infos]
    if not addresses or not all(ipaddress.ip_address(a).is_global for a in addresses):
        raise UrlRefused("The host resolves to a private, loopback or link-local address; webhooks may not go "
                         "there")
    host_header = host if target.port is None else f"{host}:{target.port}"
    return Target(target.copy_with(host=addresses[0]), {"Host": host_header}, {"sni_hostname": host})
