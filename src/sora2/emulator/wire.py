"""Reading requests and writing responses the way api.openai.com did: bodies, auth, headers, error envelopes."""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from sora2.emulator.config import VARIANTS
from sora2.emulator.errors import EmulatorError, invalid_value
from sora2.emulator.service import LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT
from sora2.emulator.validation import FileField

MAX_IDEMPOTENCY_KEY_CHARS = 255
JSON_PARSE_ERROR = ("We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
                    "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
                    "valid JSON. If you have trouble figuring out how to fix this, please contact us through our "
                    "help center at help.openai.com.)")
NO_KEY_MESSAGE = ("You didn't provide an API key. You need to provide your API key in an Authorization header using "
                  "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank "
                  "username) if you're accessing the API from your browser and are prompted for a username and "
                  "password. You can obtain an API key from https://platform.openai.com/account/api-keys.")


def request_id() -> str:
    return f"req_{secrets.token_hex(16)}"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"x-request-id": request_id(), **(headers or {})})


def error_response(error: EmulatorError) -> JSONResponse:
    return json_response(error.body(), error.status, error.headers)


def check_auth(request: Request, api_key: str | None) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise EmulatorError(401, NO_KEY_MESSAGE)
    if api_key is not None and not secrets.compare_digest(token.encode(), api_key.encode()):
        shown = f"{token[:3]}{'*' * 10}{token[-4:]}" if len(token) > 8 else "*" * len(token)
        raise EmulatorError(401, f"Incorrect API key provided: {shown}. You can find your API key at "
                                 "https://platform.openai.com/account/api-keys.", code="invalid_api_key")


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not 0 < len(key) <= MAX_IDEMPOTENCY_KEY_CHARS:
        raise EmulatorError(400, f"Invalid 'Idempotency-Key': expected 1 to {MAX_IDEMPOTENCY_KEY_CHARS} "
                                 "characters.", param="Idempotency-Key")
    return key


async def read_fields(request: Request) -> tuple[dict[str, Any], bool]:
    """The body as a dict of fields and whether it was JSON. Uploads become `FileField`s."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return await _read_form(request), False
    raw = await request.body()
    if not raw.strip():
        return {}, True
    try:
        body = json.loads(raw)
    except ValueError:
        raise EmulatorError(400, JSON_PARSE_ERROR) from None
    if not isinstance(body, dict):
        raise EmulatorError(400, JSON_PARSE_ERROR)
    return body, True


async def _read_form(request: Request) -> dict[str, Any]:
    try:
        form = await request.form()
    except Exception as exc:  # noqa: BLE001  python-multipart raises several types for a malformed body
        raise EmulatorError(400, f"Could not parse the multipart form body: {exc}") from None
    fields: dict[str, Any] = {}
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                fields[name] = FileField(await value.read(), value.content_type)
            else:
                fields[name] = value
    finally:
        await form.close()
    return fields


def list_query(request: Request) -> tuple[str | None, int, str]:
    params = request.query_params
    order = params.get("order", "desc")
    if order not in ("asc", "desc"):
        raise invalid_value("order", order, ("asc", "desc"))
    raw_limit = params.get("limit", str(LIST_DEFAULT_LIMIT))
    try:
        limit = int(raw_limit)
    except ValueError:
        raise EmulatorError(400, f"Invalid 'limit': expected an integer, but got '{raw_limit}' instead.",
                            param="limit", code="invalid_type") from None
    if not 1 <= limit <= LIST_MAX_LIMIT:
        raise EmulatorError(400, f"Invalid 'limit': expected a value between 1 and {LIST_MAX_LIMIT}, but got "
                                 f"{limit} instead.", param="limit", code="invalid_value")
    return params.get("after") or None, limit, order


def content_variant(request: Request) -> str:
    variant = request.query_params.get("variant", "video")
    if variant not in VARIANTS:
        raise invalid_value("variant", variant, VARIANTS)
    return variant


class InjectedConnectionReset(ConnectionResetError):
    """Raised on purpose after the response started, so the server drops the connection mid-answer."""


class ResetResponse(Response):
    """Starts a 200 answer, sends a fragment of it, then fails: the client sees a truncated, dropped response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
        await send({"type": "http.response.body", "body": b'{"id": "video_', "more_body": True})
        raise InjectedConnectionReset("emulator fault: connection reset")
