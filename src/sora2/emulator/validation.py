"""Checks a create/remix request the way the real API did, with the same messages (openai-videos.md §13)."""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

from sora2.emulator.config import (
    ALL_MODELS,
    DEFAULT_MODEL,
    DEFAULT_SECONDS,
    DEFAULT_SIZE,
    parse_size,
    seconds_for_model,
    sizes_for_model,
)
from sora2.emulator.errors import (
    EmulatorError,
    invalid_type,
    invalid_value,
    missing_parameter,
    quoted_choices,
    unknown_parameter,
)

CREATE_FIELDS = ("prompt", "model", "seconds", "size", "input_reference", "characters")
REMIX_FIELDS = ("prompt",)
MAX_PROMPT_CHARS = 32000
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class FileField:
    """A multipart part that carried a filename (an upload), as opposed to a plain form value."""

    def __init__(self, data: bytes, content_type: str | None) -> None:
        self.data = data
        self.content_type = content_type


@dataclass(frozen=True)
class CreateParams:
    prompt: str
    model: str
    seconds: str
    size: str
    reference: bytes | None = None  # validated image bytes (jpeg/png/webp) of exactly `size` pixels


def reject_unknown_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for name in fields:
        if name not in allowed:
            raise unknown_parameter(name)


def validate_prompt(value: Any) -> str:
    if value is None:
        raise missing_parameter("prompt")
    if not isinstance(value, str):
        raise invalid_type("prompt", "a string", "a file" if isinstance(value, FileField) else value)
    if not value.strip():
        raise EmulatorError(400, "Invalid 'prompt': string too short. Expected a string with minimum length 1, "
                                 "but got an empty string instead.", param="prompt", code="string_below_min_length")
    if len(value) > MAX_PROMPT_CHARS:
        raise EmulatorError(400, f"Invalid 'prompt': string too long. Expected a string with maximum length "
                                 f"{MAX_PROMPT_CHARS}, but got a string with length {len(value)} instead.",
                            param="prompt", code="string_above_max_length")
    return value


def _string_choice(param: str, value: Any, default: str, allowed: tuple[str, ...]) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        expected = "one of " + quoted_choices(allowed, "or") if param == "seconds" else "a string"
        raise invalid_type(param, expected, value)
    if value not in allowed:
        raise invalid_value(param, value, allowed)
    return value


def validate_create(fields: dict[str, Any]) -> CreateParams:
    """Validates everything but the reference image (that needs decoding: see `validate_reference`)."""
    reject_unknown_fields(fields, CREATE_FIELDS)
    prompt = validate_prompt(fields.get("prompt"))
    model = _string_choice("model", fields.get("model"), DEFAULT_MODEL, ALL_MODELS)
    seconds = _string_choice("seconds", fields.get("seconds"), DEFAULT_SECONDS, seconds_for_model(model))
    size = _string_choice("size", fields.get("size"), DEFAULT_SIZE, sizes_for_model(model))
    return CreateParams(prompt=prompt, model=model, seconds=seconds, size=size)


def reference_bytes(value: Any, from_json: bool) -> bytes | None:
    """The raw image bytes of `input_reference`, from a multipart upload or a JSON `{"image_url": data-URL}`."""
    if value is None:
        return None
    if isinstance(value, FileField):
        return value.data
    if not from_json or not isinstance(value, dict):
        raise invalid_type("input_reference", "an object" if from_json else "a file", value)
    return _bytes_from_reference_object(value)


def _bytes_from_reference_object(value: dict[str, Any]) -> bytes:
    keys = [key for key in ("image_url", "file_id") if value.get(key) is not None]
    if len(keys) != 1 or set(value) - {"image_url", "file_id"}:
        raise EmulatorError(400, "Invalid 'input_reference': provide exactly one of image_url or file_id.",
                            param="input_reference", code="invalid_value")
    if keys[0] == "file_id":
        raise EmulatorError(404, f"No such File object: {value['file_id']}", param="input_reference.file_id",
                            code="not_found")
    url = value["image_url"]
    if not isinstance(url, str):
        raise invalid_type("input_reference.image_url", "a string", url)
    if not url.startswith("data:") or ";base64," not in url:
        # The emulator is offline: only inline data URLs can be honoured.
        raise EmulatorError(400, "Invalid 'input_reference.image_url': expected a base64-encoded data URL "
                                 "(this emulator cannot fetch remote URLs).",
                            param="input_reference.image_url", code="invalid_value")
    try:
        return base64.b64decode(url.split(";base64,", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise EmulatorError(400, "Invalid 'input_reference.image_url': the data URL is not valid base64.",
                            param="input_reference.image_url", code="invalid_value") from None


def validate_reference(data: bytes, size: str) -> bytes:
    """Decodes the image fully (CPU: call it in a thread) and checks its format and exact pixel size."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            image.load()
            pixel_size = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _unsupported_image() from None
    if image_format not in IMAGE_FORMATS:
        raise _unsupported_image()
    if pixel_size != parse_size(size):
        raise EmulatorError(400, "Inpaint image must match the requested width and height")
    return data


def _unsupported_image() -> EmulatorError:
    return EmulatorError(400, "Invalid file format for 'input_reference'. Supported formats are: "
                              f"{quoted_choices(list(IMAGE_FORMATS.values()), 'and')}.",
                         param="input_reference", code="invalid_image_format")
