"""Requests and answers the way openrouter.ai handles them: error envelopes, bearer auth, the body cap."""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

MAX_BODY_BYTES = 50 * 1024 * 1024  # OpenRouter refuses larger submissions with 413
NO_AUTH_MESSAGE = "No auth credentials found"
BAD_KEY_MESSAGE = "User not found."


class ApiError(Exception):
    """An error answer: `{"error": {"code", "message", "metadata"}}` with `code` as the HTTP status."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None,
                 metadata: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.metadata = metadata

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.status, "message": self.message, "metadata": self.metadata}}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def error_response(error: ApiError) -> JSONResponse:
    return json_response(error.body(), error.status, error.headers)


def check_auth(request: Request, api_key: str | None) -> None:
    """`Authorization: Bearer <key>`: the configured key when there is one, else any non-empty key."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, NO_AUTH_MESSAGE)
    if api_key is not None and not secrets.compare_digest(token.encode(), api_key.encode()):
        raise ApiError(401, BAD_KEY_MESSAGE)


async def read_json_object(request: Request, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The JSON body as a dict; 413 above `limit` bytes.

    The real service refuses on `Content-Length` before reading. The emulator still drains the body first
    (keeping none of it), because answering while the client is still sending makes the server close the
    connection under it, and the client would see a reset instead of the 413.
    """
    declared = request.headers.get("content-length")
    too_large = declared is not None and declared.isdigit() and int(declared) > limit
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            too_large = True
        if not too_large:
            chunks.append(chunk)
    if too_large:
        raise ApiError(413, f"Request body too large: {received} bytes; the limit is {limit} bytes (50 MiB). "
                            "Pass large images as https:// URLs instead of data URLs.")
    try:
        body = json.loads(b"".join(chunks) or b"null")
    except ValueError:
        raise bad_request("Invalid JSON in request body") from None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    return body
