"""`sora2 mcp`: the MCP server over stdio for a local agent, talking to a running Sora2 server.

It uses the server's REST API (SORA2_URL + SORA2_TOKEN, or what `sora2 login` stored) rather than opening the data
directory itself: the server's tracker owns the jobs, so a second process on the same files could not move them
along, and permissions stay enforced in one place.
"""

from __future__ import annotations

import sys

from sora2.client.credentials import CredentialsError, resolve
from sora2.client.errors import ApiError
from sora2.mcp_server.backend import RemoteBackend
from sora2.mcp_server.tools import build_server


class StdioSetupError(Exception):
    pass


async def serve_stdio() -> None:
    try:
        credentials = resolve()
    except CredentialsError as exc:
        raise StdioSetupError(str(exc)) from None
    if not credentials.url or not credentials.token:
        raise StdioSetupError("No server to talk to: run `sora2 login URL` first, or set SORA2_URL and SORA2_TOKEN")
    backend = RemoteBackend(credentials.url, credentials.token)
    try:
        async with backend.session(None) as client:  # type: ignore[arg-type]
            user = (await client.me())["user"]
        print(f"sora2 mcp: serving {user['username']}'s studio at {credentials.url} over stdio", file=sys.stderr)
        await build_server(backend).run_stdio_async()
    except ApiError as exc:
        raise StdioSetupError(f"{credentials.url}: {exc.message}") from None
    finally:
        await backend.close()
