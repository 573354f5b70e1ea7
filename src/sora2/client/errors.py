"""Errors raised by the REST client: one type for every failed call, with the server's own message."""

from __future__ import annotations

import httpx


class ApiError(Exception):
    """A failed call: `status` is the HTTP status (0 when no answer came), `message` the server's own text."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ApiError(status={self.status}, message={self.message!r}, code={self.code!r})"


class ServerUnreachable(ApiError):
    """No HTTP answer at all: connection refused, DNS failure, timeout, TLS error."""

    def __init__(self, base_url: str, reason: str) -> None:
        super().__init__(0, f"Cannot reach the server at {base_url}: {reason}", "unreachable")
        self.base_url = base_url
        self.reason = reason


def error_from_response(response: httpx.Response) -> ApiError:
    """The server's `{"error": ..., "code": ...}` as an ApiError; a readable fallback for anything else."""
    message, code = None, None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        raw = body.get("error", body.get("detail", body.get("message")))
        message = raw if isinstance(raw, str) else None
        code = body.get("code") if isinstance(body.get("code"), str) else None
    if not message:  # not our server's shape (a proxy's HTML page, say): the status line says enough
        message = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    return ApiError(response.status_code, message, code)


def describe_transport_error(exc: httpx.TransportError) -> str:
    """A short, token-free reason for a failed connection (httpx messages hold no headers)."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    cause: BaseException | None = exc
    while cause is not None:  # the OS's reason is at the bottom of the chain
        if isinstance(cause, ConnectionRefusedError) or "connection refused" in str(cause).lower():
            return "connection refused (is the server running?)"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__ or cause.__context__
    return str(exc) or type(exc).__name__
