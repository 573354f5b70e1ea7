"""The token of an `Authorization: Bearer <token>` header: REST, Socket.IO, MCP and /metrics read it alike."""

from __future__ import annotations

BEARER = "Bearer "  # the original's exact, case-sensitive prefix


def bearer_value(authorization: str) -> str | None:
    """The token of a Bearer header, or None for any other scheme."""
    return authorization[len(BEARER):].strip() if authorization.startswith(BEARER) else None
