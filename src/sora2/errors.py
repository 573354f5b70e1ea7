"""One error family and one JSON shape: {"error": "human message", "code": "machine_code"}."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "code": self.code}


class BadRequest(AppError):
    status_code, code = 400, "bad_request"


class Unauthorized(AppError):
    status_code, code = 401, "unauthorized"


class Forbidden(AppError):
    status_code, code = 403, "forbidden"


class NotFound(AppError):
    status_code, code = 404, "not_found"


class Conflict(AppError):
    status_code, code = 409, "conflict"


class PayloadTooLarge(AppError):
    status_code, code = 413, "payload_too_large"


class UnsupportedMediaType(AppError):
    status_code, code = 415, "unsupported_media_type"


class RangeNotSatisfiableError(AppError):
    status_code, code = 416, "range_not_satisfiable"


class Unprocessable(AppError):
    status_code, code = 422, "unprocessable"


class TooManyRequests(AppError):
    status_code, code = 429, "rate_limited"
