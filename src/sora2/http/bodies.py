"""Request-body helpers for routes that accept JSON, urlencoded and multipart alike (as the original did)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from sora2.errors import AppError, BadRequest, UnsupportedMediaType
from sora2.http.inputs import PARSED_JSON, InputError, check_text, parse_json

M = TypeVar("M", bound=BaseModel)


async def read_body(request: Request) -> dict[str, Any]:
    """JSON object or form fields; an empty body is an empty dict. JSON was checked by sora2.http.inputs.InputGuard;
    form fields are checked here (a form cannot carry a lone surrogate, but it can carry a NUL)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("", "application/json") or content_type.endswith("+json"):
        data = request.scope.get(PARSED_JSON)
        if data is None:  # an app without the guard (or an empty body)
            raw = await request.body()
            data = _parse(raw) if raw else {}
        if not isinstance(data, dict):
            raise BadRequest("JSON body must be an object", code="malformed_json")
        return data
    if not await request.body():
        return {}
    if content_type == "application/x-www-form-urlencoded":
        form = await request.form()
        return checked_fields({key: value for key, value in form.items() if isinstance(value, str)})
    raise UnsupportedMediaType(f"Unsupported content type {content_type!r}; send JSON")


def _parse(raw: bytes) -> Any:
    try:
        return parse_json(raw)
    except InputError as exc:
        raise AppError(exc.message, code=exc.code, status_code=exc.status) from None


def checked_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Form fields whose names and text values the databases can store; else a 400."""
    try:
        for key, value in fields.items():
            check_text(key, "A form field name")
            if isinstance(value, str):
                check_text(value, f"Form field {key!r}")
    except InputError as exc:
        raise BadRequest(exc.message, code=exc.code) from None
    return fields


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
