"""Serving the built SPA at `/` with an index.html fallback for deep links."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from starlette.responses import FileResponse, HTMLResponse, Response

from sora2.errors import NotFound

DIST_DIR = Path(__file__).parent / "web" / "dist"
RESERVED_PREFIXES = ("api/", "socket.io", "emulator/", "mcp")

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Sora2 Platform</title>
<body style="font-family:sans-serif;background:#121212;color:#eee;padding:2rem">
<h1>Sora2 Platform</h1><p>The API is running, but the web UI has not been built.
Run <code>make run</code> (or <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>).</p>
<p>API documentation: <a style="color:#8ab4f8" href="/api/docs">/api/docs</a></p></body>"""


def mount_spa(app: FastAPI, dist_dir: Path = DIST_DIR) -> None:
    root = dist_dir.resolve()

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def spa(path: str, request: Request) -> Response:
        if path.startswith(RESERVED_PREFIXES):
            raise NotFound(f"Cannot {request.method} /{path}")
        index = root / "index.html"
        if not index.exists():
            return HTMLResponse(NOT_BUILT)
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            immutable = path.startswith("assets/")  # hashed file names never change
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(candidate, headers={"Cache-Control": cache})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
