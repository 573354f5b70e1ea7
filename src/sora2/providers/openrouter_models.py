"""OpenRouter model discovery: `GET /api/v1/videos/models` → ModelCapabilities, cached on disk.

The cache (`data/providers/openrouter-models.json`) holds the raw listing, so a restart without network still
offers the models it knew, and a better conversion applies to cached data as well.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sora2.providers.base import ModelCapabilities
from sora2.providers.shapes import NAMING_RESOLUTION, nominal_size

log = logging.getLogger(__name__)

PRICE_SKU = "per-video-second"
# Models that continue a finished job natively through previous_job_id. The listing does not say which do;
# OpenRouter documents continuation for Veo 3.1 (SORA2_OPENROUTER_EXTEND_MODELS changes the list).
EXTEND_MODEL_PREFIXES = ("google/veo-3.1",)
_NEGATIVE_PROMPT_NAMES = {"negativeprompt", "negative_prompt"}


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values) if isinstance(values, list) else ()


def _prefer(options: tuple[str, ...], preferred: str) -> str | None:
    return preferred if preferred in options else (options[0] if options else None)


def _prices(skus: Any, resolutions: tuple[str, ...]) -> tuple[float | None, dict[str, float]]:
    """{"per-video-second": "0.50", "per-video-second-1080p": "0.75"} → (0.50, {"1080p": 0.75, ...})."""
    if not isinstance(skus, dict):
        return None, {}
    parsed: dict[str, float] = {}
    for key, value in skus.items():
        try:
            parsed[str(key).lower()] = float(value)
        except (TypeError, ValueError):
            continue
    base = parsed.get(PRICE_SKU)
    by_resolution = {}
    for resolution in resolutions:
        rate = parsed.get(f"{PRICE_SKU}-{resolution.lower()}", base)
        if rate is not None:
            by_resolution[resolution] = rate
    return base, by_resolution


def _shape_fields(model: dict[str, Any]) -> dict[str, Any] | None:
    ratios = _strings(model.get("supported_aspect_ratios"))
    resolutions = _strings(model.get("supported_resolutions"))
    explicit = _strings(model.get("supported_sizes"))
    if not ratios:
        if not explicit:
            return None
        return {"sizes": explicit, "aspect_ratios": (), "resolutions": (), "default_aspect_ratio": None,
                "default_resolution": None, "default_size": _prefer(explicit, "1280x720"), "exact_size": True}
    nominal = [nominal_size(r, res) for res in (resolutions or (NAMING_RESOLUTION,)) for r in ratios]
    sizes = tuple(dict.fromkeys([s for s in nominal if s] + list(explicit)))
    if not sizes:
        return None
    default_ratio, default_resolution = _prefer(ratios, "16:9"), _prefer(resolutions, "720p")
    default_size = nominal_size(default_ratio or "", default_resolution or NAMING_RESOLUTION) or sizes[0]
    return {"sizes": sizes, "aspect_ratios": ratios, "resolutions": resolutions,
            "default_aspect_ratio": default_ratio, "default_resolution": default_resolution,
            "default_size": default_size, "exact_size": False}


def capabilities_from_listing(model: dict[str, Any],
                              extend_prefixes: tuple[str, ...] = EXTEND_MODEL_PREFIXES) -> ModelCapabilities | None:
    """One entry of the listing; None for what is not a generation model we can describe (upscalers, no shape)."""
    model_id = model.get("id")
    if not isinstance(model_id, str) or model.get("upscale_factor") or model.get("creativity"):
        return None
    durations = tuple(str(d) for d in sorted({int(d) for d in model.get("supported_durations") or []
                                              if isinstance(d, int | float)}))
    shape = _shape_fields(model)
    if not durations or shape is None:
        log.info("OpenRouter model %s lists no durations or shapes; not offered", model_id)
        return None
    base, by_resolution = _prices(model.get("pricing_skus"), shape["resolutions"])
    price_by_size = {}
    for size in shape["sizes"]:
        resolution = next((r for r in shape["resolutions"] for a in shape["aspect_ratios"]
                           if nominal_size(a, r) == size), None)
        rate = by_resolution.get(resolution, base) if resolution else base
        if rate is not None:
            price_by_size[size] = rate
    frames = _strings(model.get("supported_frame_images"))
    passthrough = {str(p).lower() for p in model.get("allowed_passthrough_parameters") or []}
    audio = bool(model.get("generate_audio"))
    return ModelCapabilities(
        id=model_id, name=str(model.get("name") or model_id), durations=durations,
        default_duration=_prefer(durations, "8") or durations[0], price_per_second=price_by_size,
        price_per_second_by_resolution=by_resolution, image_reference="first_frame" in frames,
        remix=False, extend=model_id.startswith(extend_prefixes), audio=audio, audio_toggle=audio,
        frame_images=frames, seed=bool(model.get("seed")),
        negative_prompt=bool(passthrough & _NEGATIVE_PROMPT_NAMES), **shape,
    )


def negative_prompt_parameter(model: dict[str, Any]) -> str | None:
    """The exact passthrough name the model takes a negative prompt under (e.g. negativePrompt)."""
    return next((str(p) for p in model.get("allowed_passthrough_parameters") or []
                 if str(p).lower() in _NEGATIVE_PROMPT_NAMES), None)


def models_from_listing(listing: list[dict[str, Any]],
                        extend_prefixes: tuple[str, ...] = EXTEND_MODEL_PREFIXES) -> tuple[ModelCapabilities, ...]:
    models = (capabilities_from_listing(m, extend_prefixes) for m in listing if isinstance(m, dict))
    return tuple(m for m in models if m is not None)


class ListingCache:
    """The last good listing on disk (written atomically; a torn or foreign file reads as no cache)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> list[dict[str, Any]] | None:
        try:
            document = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        data = document.get("data") if isinstance(document, dict) else None
        return data if isinstance(data, list) else None

    def save(self, listing: list[dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"fetched_at": int(time.time()), "data": listing}, separators=(",", ":"))
        fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w") as file:
                file.write(body)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
