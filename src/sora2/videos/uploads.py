"""Parsing POST /api/videos: multipart (with images), urlencoded or JSON, with upload limits."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from sora2.config import Settings
from sora2.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from sora2.http.bodies import checked_fields, read_body
from sora2.media import sniff_image_mime
from sora2.videos.service import CreateParams

IMAGE_FIELDS = ("input_reference", "first_frame")
LAST_FRAME_FIELD = "last_frame"
UNSUPPORTED_FILE_FIELDS = ("reference_images",)
# Optional create fields (strings in forms, typed in JSON); checked against the model in videos.options.
OPTION_FIELDS = ("aspect_ratio", "resolution", "seed", "negative_prompt", "generate_audio")
MULTIPART_OVERHEAD = 1024 * 1024


def _check_length(request: Request, settings: Settings) -> None:
    declared = request.headers.get("content-length")
    limit = settings.max_upload_bytes * settings.max_upload_files + MULTIPART_OVERHEAD
    if declared and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"Request body is larger than {limit // (1024 * 1024)} MB")


async def _read_image(upload: UploadFile, settings: Settings) -> bytes:
    data = await upload.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"Image {upload.filename!r} is larger than "
                              f"{settings.max_upload_bytes // (1024 * 1024)} MB")
    if not data:
        raise BadRequest(f"Image {upload.filename!r} is empty", code="invalid_image")
    if sniff_image_mime(data) is None:
        raise UnsupportedMediaType("The uploaded file is not an image (expected JPEG, PNG or WebP)")
    return data


async def _from_form(request: Request, settings: Settings) -> tuple[dict[str, Any], bytes | None, bytes | None]:
    try:
        form = await request.form(max_files=settings.max_upload_files, max_fields=100)
    except Exception as exc:  # noqa: BLE001  starlette raises several kinds for malformed multipart
        raise BadRequest(f"Malformed form data: {exc}", code="malformed_form") from None
    fields: dict[str, Any] = {}
    image = last = None
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if key in UNSUPPORTED_FILE_FIELDS:
                    raise BadRequest(f"{key} is not supported by the configured providers; use input_reference")
                if key == LAST_FRAME_FIELD:
                    last = last or await _read_image(value, settings)
                    continue
                if key not in IMAGE_FIELDS:
                    raise BadRequest(f"Unexpected file field {key!r}; use input_reference")
                if image is None:
                    image = await _read_image(value, settings)
            else:
                fields[key] = value
    finally:
        await form.close()
    return checked_fields(fields), image, last


async def read_create_params(request: Request, settings: Settings) -> CreateParams:
    _check_length(request, settings)
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        fields, image, last = await _from_form(request, settings)
    else:
        fields, image, last = await read_body(request), None, None
    if isinstance(fields.get("input_reference"), str) and fields["input_reference"]:
        raise BadRequest("input_reference must be an uploaded image file (multipart), not a string",
                         code="invalid_image")
    model = fields.get("model") or None
    size = fields.get("size") or None
    preset_id = fields.get("preset_id") or None
    for name, value in (("model", model), ("size", size), ("provider", fields.get("provider")),
                        ("preset_id", preset_id)):
        if value is not None and not isinstance(value, str):
            raise BadRequest(f"{name} must be a string", code=f"invalid_{name}")
    return CreateParams(
        prompt=fields.get("prompt"), model=model, size=size, seconds=fields.get("seconds"),
        provider=fields.get("provider") or None, image=image,
        image_fit=str(fields.get("image_fit") or "pad"),
        idempotency_key=request.headers.get("idempotency-key") or None, last_image=last, preset_id=preset_id,
        count=fields.get("count"), **{name: fields.get(name) for name in OPTION_FIELDS},
    )


_OPTIONS_SCHEMA = {
    "aspect_ratio": {"type": "string", "description": "e.g. 16:9, for models described by aspect ratio"},
    "resolution": {"type": "string", "description": "e.g. 720p, with aspect_ratio"},
    "seed": {"type": "integer"}, "negative_prompt": {"type": "string"},
    "generate_audio": {"type": "boolean", "description": "turn the model's sound on or off, where it allows"},
    "preset_id": {"type": "string", "description": "a preset: fills the fields not given, wraps the prompt"},
}
def create_openapi(extra: dict | None = None) -> dict:
    """The create request's documentation, with `extra` properties (the batch route's count)."""
    extra = extra or {}
    body = {"requestBody": {"required": True, "content": {
        kind: {"schema": {**media["schema"], "properties": {**media["schema"]["properties"], **extra}}}
        for kind, media in CREATE_OPENAPI["requestBody"]["content"].items()}}}
    return {**CREATE_OPENAPI, **body}


CREATE_OPENAPI = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["prompt"], "properties": {
        "prompt": {"type": "string"}, "model": {"type": "string"}, "size": {"type": "string"},
        "seconds": {"type": "string"}, "provider": {"type": "string"},
        "image_fit": {"type": "string", "enum": ["pad", "crop"]}, **_OPTIONS_SCHEMA,
        "input_reference": {"type": "string", "format": "binary"},
        "last_frame": {"type": "string", "format": "binary"}}}},
    "application/json": {"schema": {"type": "object", "required": ["prompt"], "properties": {
        "prompt": {"type": "string"}, "model": {"type": "string"}, "size": {"type": "string"},
        "seconds": {"type": "string"}, "provider": {"type": "string"}, **_OPTIONS_SCHEMA}}},
}}, "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string"},
                    "description": "Same key from the same user returns the same video; no second provider job."}]}
ESTIMATE_OPENAPI = {"requestBody": {"required": False, "content": {
    "application/json": CREATE_OPENAPI["requestBody"]["content"]["application/json"]}}}
