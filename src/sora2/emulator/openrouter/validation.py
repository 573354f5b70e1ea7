"""Checks a `POST /api/v1/videos` body against the chosen model's capabilities.

Every refusal is a 400 whose message names the field and, where there is a set, the allowed values. Fields
the SDK can send but the emulator has no use for (`input_references`, `provider`, `trace`, `user`,
`session_id`) are checked for shape and otherwise accepted, as the real service does for models that ignore
them.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sora2.emulator.openrouter.catalog import MODELS, SIZES, VideoModelSpec, find_model
from sora2.emulator.openrouter.wire import bad_request

FRAME_TYPES = ("first_frame", "last_frame")
REFERENCE_TYPES = ("image_url", "audio_url", "video_url")
DATA_URL = re.compile(r"^data:image/(png|jpeg|jpg|webp);base64,(.*)$", re.DOTALL)
SIZE_FORMAT = re.compile(r"^(\d{2,5})x(\d{2,5})$")
MAX_SESSION_ID_CHARS = 256


@dataclass(frozen=True)
class FrameImage:
    frame_type: str
    data: bytes  # still encoded (png/jpeg/webp); decoded and fitted later, off the event loop
    field: str  # "frame_images[0]", for messages


@dataclass(frozen=True)
class SubmitRequest:
    spec: VideoModelSpec
    prompt: str | None
    duration: int | None  # None: the model default (or the previous job's)
    resolution: str | None
    aspect_ratio: str | None
    size: str | None
    frames: tuple[FrameImage, ...]
    previous_job_id: str | None
    callback_url: str | None
    seed: int | None
    generate_audio: bool | None


def _listing(values: Sequence[object]) -> str:
    return ", ".join(str(value) for value in values)


def _optional(body: dict[str, Any], name: str, kind: type | tuple[type, ...], described: str) -> Any:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) and kind is not bool:
        raise bad_request(f"Invalid {name}: expected {described}")
    if not isinstance(value, kind):
        raise bad_request(f"Invalid {name}: expected {described}")
    return value


def parse_submit(body: dict[str, Any]) -> SubmitRequest:
    spec = _model(body.get("model"))
    for name in ("creativity", "upscale_factor"):
        if body.get(name) is not None:
            raise bad_request(f"{name} is only supported by video upscaling models; {spec.id} is a video "
                              "generation model")
    frames = _frame_images(body.get("frame_images"), spec)
    _input_references(body.get("input_references"))
    prompt = _prompt(body.get("prompt"), any(frame.frame_type == "first_frame" for frame in frames))
    duration = _optional(body, "duration", int, "an integer number of seconds")
    if duration is not None and duration not in spec.durations:
        raise bad_request(f"Invalid duration {duration} for model {spec.id}: supported durations are "
                          f"{_listing(spec.durations)} (seconds)")
    _check_passthrough_shapes(body)
    return SubmitRequest(
        spec=spec, prompt=prompt, duration=duration,
        resolution=_choice(body, "resolution", spec.resolutions, spec.id),
        aspect_ratio=_choice(body, "aspect_ratio", spec.aspect_ratios, spec.id),
        size=_size(body, spec), frames=frames,
        previous_job_id=_optional(body, "previous_job_id", str, "a job id string"),
        callback_url=_callback_url(body.get("callback_url")),
        seed=_optional(body, "seed", int, "an integer"),
        generate_audio=_optional(body, "generate_audio", bool, "a boolean"))


def _model(value: Any) -> VideoModelSpec:
    if value is None:
        raise bad_request("model is required")
    if not isinstance(value, str):
        raise bad_request("Invalid model: expected a model slug string")
    spec = find_model(value)
    if spec is None:
        raise bad_request(f"Invalid model '{value}': it is not a video generation model. Available video "
                          f"models: {_listing(model.id for model in MODELS)}")
    return spec


def _prompt(value: Any, has_first_frame: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if has_first_frame:
            return None  # image-only generation
        raise bad_request("prompt is required (a non-empty string) unless a first_frame image is given")
    if not isinstance(value, str):
        raise bad_request("Invalid prompt: expected a string")
    return value


def _choice(body: dict[str, Any], name: str, allowed: tuple[str, ...], model: str) -> str | None:
    value = _optional(body, name, str, "a string")
    if value is not None and value not in allowed:
        raise bad_request(f"Invalid {name} '{value}' for model {model}: supported values are "
                          f"{_listing(allowed)}")
    return value


def _size(body: dict[str, Any], spec: VideoModelSpec) -> str | None:
    value = _optional(body, "size", str, 'a "WIDTHxHEIGHT" string')
    if value is None:
        return None
    if not SIZE_FORMAT.match(value):
        raise bad_request(f"Invalid size '{value}': expected WIDTHxHEIGHT, e.g. 1280x720")
    if spec.sizes is None:
        raise bad_request(f"size is not supported by model {spec.id}; use resolution "
                          f"({_listing(spec.resolutions)}) and aspect_ratio ({_listing(spec.aspect_ratios)})")
    if value not in spec.sizes:
        raise bad_request(f"Invalid size '{value}' for model {spec.id}: supported sizes are "
                          f"{_listing(spec.sizes)}")
    return value


def _callback_url(value: Any) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    # The real service requires https; the emulator also takes http so a local receiver can listen.
    if parts is None or parts.scheme not in ("https", "http") or not parts.netloc:
        raise bad_request("Invalid callback_url: expected an absolute HTTPS URL")
    return value


def _frame_images(value: Any, spec: VideoModelSpec) -> tuple[FrameImage, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise bad_request("Invalid frame_images: expected an array")
    frames: list[FrameImage] = []
    for index, item in enumerate(value):
        field = f"frame_images[{index}]"
        frame_type = item.get("frame_type") if isinstance(item, dict) else None
        if frame_type not in FRAME_TYPES:
            raise bad_request(f"Invalid {field}.frame_type: expected one of {_listing(FRAME_TYPES)}")
        if frame_type not in spec.frame_images:
            raise bad_request(f"{field}.frame_type '{frame_type}' is not supported by model {spec.id}: "
                              f"supported frame types are {_listing(spec.frame_images)}")
        if any(frame.frame_type == frame_type for frame in frames):
            raise bad_request(f"Invalid {field}: more than one {frame_type} image")
        frames.append(FrameImage(frame_type, _image_bytes(item, field), field))
    return tuple(frames)


def _image_bytes(item: dict[str, Any], field: str) -> bytes:
    image_url = item.get("image_url")
    url = image_url.get("url") if isinstance(image_url, dict) else None
    if item.get("type") != "image_url" or not isinstance(url, str):
        raise bad_request(f'Invalid {field}: expected {{"type": "image_url", "image_url": {{"url": ...}}, '
                          '"frame_type": ...}')
    if url.startswith(("https://", "http://")):
        raise bad_request(f"Invalid {field}.image_url.url: this emulator is offline and cannot fetch remote "
                          "images; send the image inline as a data:image/png;base64,... URL")
    match = DATA_URL.match(url)
    if match is None:
        raise bad_request(f"Invalid {field}.image_url.url: expected a data:image/(png|jpeg|webp);base64, URL")
    try:
        return base64.b64decode(match.group(2), validate=True)
    except (binascii.Error, ValueError):
        raise bad_request(f"Invalid {field}.image_url.url: the data URL is not valid base64") from None


def _input_references(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, list):
        raise bad_request("Invalid input_references: expected an array")
    for index, item in enumerate(value):
        kind = item.get("type") if isinstance(item, dict) else None
        if kind not in REFERENCE_TYPES or not isinstance(item.get(kind), dict):
            raise bad_request(f"Invalid input_references[{index}]: expected a part of type "
                              f"{_listing(REFERENCE_TYPES)} with its {{\"url\": ...}} object")


def _check_passthrough_shapes(body: dict[str, Any]) -> None:
    provider = body.get("provider")
    if provider is not None and (not isinstance(provider, dict)
                                 or not isinstance(provider.get("options", {}), dict)):
        raise bad_request("Invalid provider: expected {\"options\": {\"<provider slug>\": {...}}}")
    session_id = body.get("session_id")
    if session_id is not None and (not isinstance(session_id, str) or len(session_id) > MAX_SESSION_ID_CHARS):
        raise bad_request(f"Invalid session_id: expected a string of at most {MAX_SESSION_ID_CHARS} "
                          "characters")


def resolve_output(request: SubmitRequest, previous: tuple[str, str, str] | None) -> tuple[str, str, str]:
    """(resolution, aspect_ratio, size) of the clip. `size` wins; a continuation keeps the previous job's
    output unless the request names another; otherwise the model defaults fill the gaps."""
    spec = request.spec
    if request.size is not None:
        resolution, ratio = spec.output_for_size(request.size)
        return resolution, ratio, request.size
    if previous is not None and request.resolution is None and request.aspect_ratio is None:
        return previous
    resolution = request.resolution or spec.default_resolution
    ratio = request.aspect_ratio or spec.default_aspect_ratio
    return resolution, ratio, SIZES[(resolution, ratio)]
