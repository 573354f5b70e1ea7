"""Request-body helpers for routes that accept JSON, urlencoded and multipart alike (as the original did)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from sora2.errors import BadRequest, UnsupportedMediaType

M = TypeVar("M", bound=BaseModel)


async def read_body(request: Request) -> dict[str, Any]:
    """JSON object or form fields; an empty body is an empty dict."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if not raw:
        return {}
    if content_type in ("", "application/json") or content_type.endswith("+json"):
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("Malformed JSON body", code="malformed_json") from None
        if not isinstance(data, dict):
            raise BadRequest("JSON body must be an object", code="malformed_json")
        return data
    if content_type == "application/x-www-form-urlencoded":
        form = await request.form()
        return {key: value for key, value in form.items() if isinstance(value, str)}
    raise UnsupportedMediaType(f"Unsupported content type {content_type!r}; send JSON")


def _openapi(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {"requestBody": {"required": False, "content": {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema},
    }}}


async def read_model(request: Request, model: type[M]) -> M:
    try:
        return model.model_validate(await read_body(request))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise BadRequest(f"Invalid value for {field}: {first['msg']}", code="invalid_field") from None


read_model.openapi = _openapi  # type: ignore[attr-defined]
