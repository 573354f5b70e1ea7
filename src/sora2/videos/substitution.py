"""Requests from the original's clients, made to fit the model their model id stands in for.

When one of the original's model ids is served by another model (providers.aliases), the request's size and
duration were chosen for the original model: they are moved to the nearest ones the stand-in offers, and options
it does not take are dropped. What changed is recorded on the video (`provider_metadata["substitution"]`,
shown as `requested_model`), never silently.
"""

from __future__ import annotations

from typing import Any

from sora2.providers.base import ModelCapabilities
from sora2.providers.shapes import size_ratio


def _number(value: object) -> float | None:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return None


def nearest_duration(caps: ModelCapabilities, seconds: object) -> str:
    wanted = _number(seconds)
    if wanted is None or str(seconds).strip() in caps.durations:
        return str(seconds).strip() if wanted is not None else caps.default_duration
    # Nearest; on a tie the longer one (the user asked for at least that much).
    return min(caps.durations, key=lambda d: (abs(float(d) - wanted), -float(d)))


def _pixels(size: str) -> int:
    width, _, height = size.lower().partition("x")
    return int(width) * int(height) if width.isdigit() and height.isdigit() else 0


def nearest_size(caps: ModelCapabilities, size: object) -> str:
    if not isinstance(size, str) or size in caps.sizes:
        return size if isinstance(size, str) and size else caps.default_size
    ratio = size_ratio(size)
    if ratio is None:
        return caps.default_size
    landscape = ratio >= 1
    pool = [s for s in caps.sizes if ((size_ratio(s) or 1) >= 1) == landscape] or list(caps.sizes)
    return min(pool, key=lambda s: (abs(_pixels(s) - _pixels(size)), abs((size_ratio(s) or 1) - ratio)))


def fitted_request(caps: ModelCapabilities, requested_model: str, size: object, seconds: object,
                   options: dict[str, Any]) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """(size, seconds, kept options, record of what changed) for a request aliased to `caps`."""
    new_size, new_seconds = nearest_size(caps, size), nearest_duration(caps, seconds)
    record: dict[str, Any] = {"model": [requested_model, caps.id]}
    if isinstance(size, str) and size and size != new_size:
        record["size"] = [size, new_size]
    if seconds not in (None, "") and str(seconds).strip() != new_seconds:
        record["seconds"] = [str(seconds), new_seconds]
    supported = {"seed": caps.seed, "negative_prompt": caps.negative_prompt,
                 "generate_audio": caps.audio_toggle, "aspect_ratio": bool(caps.aspect_ratios),
                 "resolution": bool(caps.resolutions)}
    kept = {k: v for k, v in options.items() if v in (None, "") or supported.get(k, True)}
    dropped = sorted(k for k in options if k not in kept)
    if dropped:
        record["dropped"] = dropped
    return new_size, new_seconds, kept, record
