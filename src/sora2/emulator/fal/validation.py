"""Checking a submit against its endpoint: fal answers bad input with 422 and a pydantic-style `detail` list."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from sora2.emulator.fal.catalog import EXTEND, FRAMES, Endpoint
from sora2.providers.shapes import nominal_size

FILE_URL = re.compile(r"/files/([0-9a-f-]{36})/video\.mp4$")


class InputError(Exception):
    """422: `detail` lists what is wrong, as fal's (pydantic) validation does."""

    def __init__(self, field: str, message: str, kind: str = "value_error") -> None:
        super().__init__(message)
        self.detail = [{"loc": ["body", field], "msg": message, "type": kind}]


@dataclass(frozen=True)
class SubmitInput:
    prompt: str
    seconds: int
    width: int
    height: int
    first: bytes | None = None
    last: bytes | None = None
    previous: str | None = None  # the request an extension continues


def _choice(body: dict[str, Any], field: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(field, default)
    if value not in allowed:
        raise InputError(field, f"Input should be {' or '.join(repr(a) for a in allowed)}", "literal_error")
    return value


def _image(body: dict[str, Any], field: str, required: bool) -> bytes | None:
    value = body.get(field)
    if value is None:
        if required:
            raise InputError(field, "Field required", "missing")
        return None
    if not isinstance(value, str) or not value.startswith("data:") or ";base64," not in value:
        raise InputError(field, "This emulator is offline: pass the image as a base64 data URI")
    try:
        return base64.b64decode(value.split(";base64,", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise InputError(field, "The data URI is not valid base64") from None


def parse_submit(endpoint: Endpoint, body: dict[str, Any]) -> SubmitInput:
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise InputError("prompt", "Field required" if prompt is None else "String should have at least 1 character",
                         "missing" if prompt is None else "string_too_short")
    duration = _choice(body, "duration", endpoint.durations, endpoint.default_duration)
    ratio = _choice(body, "aspect_ratio", endpoint.aspect_ratios, endpoint.aspect_ratios[0])
    resolution = _choice(body, "resolution", endpoint.resolutions, "720p" if "720p" in endpoint.resolutions
                         else endpoint.resolutions[0])
    width, height = (int(x) for x in (nominal_size(ratio, resolution) or "1280x720").split("x"))
    if "generate_audio" in body and not isinstance(body["generate_audio"], bool):
        raise InputError("generate_audio", "Input should be a valid boolean", "bool_type")
    previous = None
    first = last = None
    if endpoint.kind == EXTEND:
        url = body.get("video_url")
        match = FILE_URL.search(url) if isinstance(url, str) else None
        if match is None:
            raise InputError("video_url", "Field required" if url is None else "Expected a video this emulator made")
        previous = match.group(1)
    elif endpoint.first_field:
        first = _image(body, endpoint.first_field, required=True)
        if endpoint.last_field:
            last = _image(body, endpoint.last_field, required=endpoint.kind == FRAMES)
    return SubmitInput(prompt=prompt, seconds=int(duration.rstrip("s")), width=width, height=height, first=first,
                       last=last, previous=previous)
