"""Async client for the studio's REST API (the `sora2` CLI and the MCP server are built on it)."""

from sora2.client.errors import ApiError, ServerUnreachable
from sora2.client.studio import StudioClient, is_terminal, normalize_base_url
from sora2.client.transfer import default_filename

__all__ = ["ApiError", "ServerUnreachable", "StudioClient", "default_filename", "is_terminal",
           "normalize_base_url"]
