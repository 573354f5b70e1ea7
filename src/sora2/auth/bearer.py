"""The token of an `Authorization: Bearer <token>` header: REST, Socket.IO, MCP and /metrics read it alike."""

from __future__ import annotations

BEARER = "Bearer "  # the original's exact, case-sensitive prefix


def bearer_value(authorization: str | None) -> str | None:
    """The token of a Bearer header, or None for no header or any other scheme."""
    return authorization[len(BEARER):].strip() if authorization and authorization.startswith(BEARER) else None
