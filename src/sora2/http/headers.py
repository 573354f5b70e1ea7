"""Security headers as a pure-ASGI layer: a few constant byte pairs appended to each response start.

Every response says `nosniff` and sends no Referer onwards (signed media URLs carry their signature in the query).
HTML responses add a Content-Security-Policy that the built web UI passes (scripts from this origin only, plus
the inline theme script of index.html by its hash; no framing), and the API docs page gets the looser policy
Swagger UI needs (its CDN and inline start-up script).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALL_RESPONSES = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"))
DOCS_PATH = "/api/docs"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_COMMON = ("object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def inline_script_hashes(index_html: Path) -> list[str]:
    """CSP sources for the inline scripts of the built index.html (none when the UI is not built)."""
    try:
        html = index_html.read_bytes()
    except OSError:
        return []
    return [f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
            for m in _INLINE_SCRIPT.finditer(html)]


def spa_policy(script_hashes: list[str], media_origins: list[str] = ()) -> str:
    """`media_origins`: where images and videos may also come from (a bucket serving presigned links)."""
    scripts = " ".join(["'self'", *script_hashes])
    images = " ".join(["'self'", "data:", "blob:", *media_origins])
    media = " ".join(["'self'", "blob:", *media_origins])
    # Styles: Vuetify injects its theme as a <style> element at run time, so inline styles stay allowed.
    return (f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src {images}; "
            f"media-src {media}; font-src 'self' data:; connect-src 'self'; manifest-src 'self'; "
            "worker-src 'self'; " + _COMMON)


DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
               "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
               "connect-src 'self'; " + _COMMON)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, index_html: Path, media_origins: list[str] = ()) -> None:
        self.app = app
        spa = spa_policy(inline_script_hashes(index_html), media_origins).encode()
        html = ((b"content-security-policy", spa), (b"x-frame-options", b"DENY"))
        docs = ((b"content-security-policy", DOCS_POLICY.encode()), (b"x-frame-options", b"DENY"))
        self._plain = list(ALL_RESPONSES)
        self._html = self._plain + list(html)
        self._docs = self._plain + list(docs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        html_headers = self._docs if scope["path"] == DOCS_PATH else self._html

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                is_html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                headers.extend(html_headers if is_html else self._plain)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
