"""Checking a create request's shape and generation options against the model, before anything is paid for.

A shape is an exact size ("1280x720"), or, for models described that way, an aspect ratio plus a resolution
("16:9", "720p") whose nominal size fills the seed's `size` field. Either spelling is accepted for such models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sora2.errors import BadRequest
from sora2.providers.base import ModelCapabilities
from sora2.providers.shapes import NAMING_RESOLUTION, nominal_size

MAX_NEGATIVE_PROMPT = 2_000
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Shape:
    size: str
    aspect_ratio: str | None = None
    resolution: str | None = None


def _allowed(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def _text(name: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string", code=f"invalid_{name}")
    return value.strip()


def resolve_shape(caps: ModelCapabilities, size: object, aspect_ratio: object, resolution: object) -> Shape:
    size, ratio, res = _text("size", size), _text("aspect_ratio", aspect_ratio), _text("resolution", resolution)
    if ratio is None and res is None:
        size = size or caps.default_size
        shape = caps.shape_of(size) if caps.aspect_ratios else None
        return Shape(size, *shape) if shape else Shape(size)  # the size itself is checked with the duration
    if not caps.aspect_ratios:
        raise BadRequest(f"{caps.id} is described by sizes, not aspect ratios and resolutions; use size. "
                         f"Allowed: {_allowed(caps.sizes)}", code="invalid_aspect_ratio")
    from_size = caps.shape_of(size) if size else None
    ratio = ratio or (from_size[0] if from_size else caps.default_aspect_ratio)
    if ratio not in caps.aspect_ratios:
        raise BadRequest(f"Aspect ratio {ratio!r} is not supported by {caps.id}. Allowed: "
                         f"{_allowed(caps.aspect_ratios)}", code="invalid_aspect_ratio")
    if caps.resolutions:
        res = res or (from_size[1] if from_size else caps.default_resolution)
        if res not in caps.resolutions:
            raise BadRequest(f"Resolution {res!r} is not supported by {caps.id}. Allowed: "
                             f"{_allowed(caps.resolutions)}", code="invalid_resolution")
    elif res is not None:
        raise BadRequest(f"{caps.id} takes no resolution; choose an aspect ratio only", code="invalid_resolution")
    nominal = nominal_size(ratio or "", res or NAMING_RESOLUTION)
    if nominal is None:
        raise BadRequest(f"Aspect ratio {ratio!r} at {res} has no known size", code="invalid_aspect_ratio")
    if size and size != nominal:
        raise BadRequest(f"Size {size!r} does not match aspect ratio {ratio} at {res or 'the default resolution'} "
                         f"({nominal}); send size or aspect_ratio and resolution", code="invalid_size")
    return Shape(nominal, ratio, res)


def _flag(value: object) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on", "false", "0", "no", "off"):
        return value.strip().lower() in ("true", "1", "yes", "on")
    raise BadRequest("generate_audio must be true or false", code="invalid_generate_audio")


def _seed(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadRequest("seed must be a whole number", code="invalid_seed")
    try:
        seed = int(value)
    except ValueError:
        raise BadRequest("seed must be a whole number", code="invalid_seed") from None
    if not 0 <= seed <= MAX_SEED:
        raise BadRequest(f"seed must be between 0 and {MAX_SEED}", code="invalid_seed")
    return seed


def generation_options(caps: ModelCapabilities, *, seed: object = None, negative_prompt: object = None,
                       generate_audio: object = None) -> dict[str, Any]:
    """The validated optional knobs, as GenerationRequest fields (only those given)."""
    options: dict[str, Any] = {}
    if (value := _seed(seed)) is not None:
        if not caps.seed:
            raise BadRequest(f"{caps.id} does not take a seed", code="invalid_seed")
        options["seed"] = value
    if (text := _text("negative_prompt", negative_prompt)) is not None:
        if not caps.negative_prompt:
            raise BadRequest(f"{caps.id} does not take a negative prompt", code="invalid_negative_prompt")
        if len(text) > MAX_NEGATIVE_PROMPT:
            raise BadRequest(f"negative_prompt is too long (at most {MAX_NEGATIVE_PROMPT} characters)",
                             code="invalid_negative_prompt")
        options["negative_prompt"] = text
    if (audio := _flag(generate_audio)) is not None:
        if audio and not caps.audio:
            raise BadRequest(f"{caps.id} makes no sound", code="invalid_generate_audio")
        if not audio and caps.audio and not caps.audio_toggle:
            raise BadRequest(f"{caps.id} always makes sound", code="invalid_generate_audio")
        if caps.audio_toggle:
            options["generate_audio"] = audio
    return options


def stored_options(shape: Shape, options: dict[str, Any]) -> dict[str, Any]:
    """What the tracker needs later to build the provider request (kept in provider_metadata["options"])."""
    stored = {"aspect_ratio": shape.aspect_ratio, "resolution": shape.resolution, **options}
    return {k: v for k, v in stored.items() if v is not None}
