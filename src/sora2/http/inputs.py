"""The one boundary where request input is checked, before any route sees it.

JSON bodies are parsed once, with limits (size, nesting depth, digits in a number), and every string in them,
in the query string and in the path must be text the databases can store: no lone surrogates (SQLite, argon2
and asyncpg raise on them) and no NUL (PostgreSQL text cannot hold it). A bad input is a 400 `{"error"}` like
any other client error, so the keep-alive connection stays open (a 500 would close it).

Routes that read their body through `sora2.http.bodies.read_body` get the already parsed value; FastAPI's own body
parsing sees only bodies that passed.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_DEPTH = 32  # deeper than any body this API documents, far below the parser's recursion limit
MAX_NUMBER_DIGITS = 18  # every integer the API stores fits in 64 bits
MAX_IDEMPOTENCY_KEY = 255  # the column's width
PARSED_JSON = "sora2.parsed_json"  # scope key: the checked body, so routes do not parse it twice
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Verified against a signature over the raw bytes before they are parsed (with parse_json) by the route itself.
RAW_BODY_PREFIXES = ("/api/webhooks/",)


class InputError(ValueError):
    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (lone surrogate)"
    return None


def check_text(value: str, what: str) -> str:
    problem = text_problem(value)
    if problem:
        raise InputError(f"{what} {problem}", "invalid_text")
    return value


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise InputError(f"Number too long ({len(text)} digits; at most {MAX_NUMBER_DIGITS})", "invalid_number")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text) if len(text) <= 64 else math.inf
    if not math.isfinite(value):
        raise InputError("Number out of range", "invalid_number")
    return value


def _parse_constant(name: str) -> float:
    raise InputError(f"{name} is not a JSON number", "invalid_number")


def parse_json(raw: bytes | str) -> Any:
    """Parse and check a JSON document; raises InputError with a message fit for the client."""
    try:
        data = json.loads(raw, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"JSON body is nested too deeply (at most {MAX_DEPTH} levels)", "too_deep") from None
    except (ValueError, UnicodeDecodeError):
        raise InputError("Malformed JSON body", "malformed_json") from None
    _check_tree(data)
    return data


def _check_tree(data: Any) -> None:
    """Depth and text of every key and string, without recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            check_text(value, "A string in the JSON body")
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise InputError(f"JSON body is nested too deeply (at most {MAX_DEPTH} levels)", "too_deep")
            items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for key, item in items:
                if key is not None:
                    check_text(key, "A key in the JSON body")
                stack.append((item, depth + 1))


def check_request_line(scope: Scope, headers: dict[bytes, bytes]) -> None:
    """The path, the query string (as routes will see them decoded) and the headers stored as given."""
    check_text(scope.get("path", ""), "The URL path")
    if len(headers.get(b"idempotency-key", b"")) > MAX_IDEMPOTENCY_KEY:
        raise InputError(f"Idempotency-Key is longer than {MAX_IDEMPOTENCY_KEY} characters", "invalid_idempotency_key")
    query = scope.get("query_string", b"")
    if query:
        decoded = unquote_to_bytes(query.replace(b"+", b" "))
        if b"\x00" in decoded:
            raise InputError("The query string contains a NUL character", "invalid_text")


def _is_json(scope: Scope, headers: dict[bytes, bytes]) -> bool:
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if content_type == b"application/json" or content_type.endswith(b"+json"):
        return True
    # Without a content type, FastAPI and read_body both treat a body as JSON.
    return not content_type and (headers.get(b"content-length", b"0") != b"0"
                                 or b"transfer-encoding" in headers)


class InputGuard:
    """Pure ASGI: checks the request line of every HTTP request and the body of JSON ones (read whole, up to
    `max_json_bytes`, or `max_large_json_bytes` under the paths in `large_prefixes`), then replays it."""

    def __init__(self, app: ASGIApp, max_json_bytes: int, max_large_json_bytes: int,
                 large_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_large_json_bytes = max_large_json_bytes
        self.large_prefixes = large_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            headers = dict(scope.get("headers") or [])
            check_request_line(scope, headers)
            if (scope["method"] not in BODY_METHODS or scope["path"].startswith(RAW_BODY_PREFIXES)
                    or not _is_json(scope, headers)):
                await self.app(scope, receive, send)
                return
            body = await self._read(scope, headers, receive)
            if body:
                scope[PARSED_JSON] = parse_json(body)
        except InputError as exc:
            await _reject(send, exc)
            return
        await self.app(scope, _replay(body, receive), send)

    def _limit(self, path: str) -> int:
        return self.max_large_json_bytes if path.startswith(self.large_prefixes) else self.max_json_bytes

    async def _read(self, scope: Scope, headers: dict[bytes, bytes], receive: Receive) -> bytes:
        limit = self._limit(scope["path"])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and len(declared) < 20 and int(declared) > limit:
            raise _too_large(limit)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise InputError("The client went away", "disconnected")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _too_large(limit: int) -> InputError:
    return InputError(f"JSON body is larger than {limit // 1024} KiB", "payload_too_large", status=413)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: disconnect notices come from the server as usual

    return replay


async def _reject(send: Send, exc: InputError) -> None:
    body = json.dumps({"error": exc.message, "code": exc.code}).encode()
    await send({"type": "http.response.start", "status": exc.status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
