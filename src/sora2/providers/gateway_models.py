"""A gateway's models: ids from its `/v1/models`, capabilities from the operator's model table, else from the
model's family (families.py), else conservative defaults with a warning.

The model table maps a model id to any of: name, family, sizes, aspect_ratios, resolutions, durations,
image_reference, remix, audio, price_per_second, price_per_second_by_resolution (see docs/providers.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sora2.providers.base import ModelCapabilities
from sora2.providers.families import CONSERVATIVE, FAMILIES, family_of, price_of
from sora2.providers.shapes import NAMING_RESOLUTION, nominal_size

VIDEO_MODE = "video_generation"  # LiteLLM marks video models so in /v1/models and /model/info
TABLE_FIELDS = {"name": str, "family": str, "sizes": list, "aspect_ratios": list, "resolutions": list,
                "durations": list, "image_reference": bool, "remix": bool, "audio": bool,
                "price_per_second": (int, float), "price_per_second_by_resolution": dict}


class ModelTableError(ValueError):
    """The operator's model table is malformed; the message says where."""


@dataclass(frozen=True)
class Described:
    capabilities: ModelCapabilities
    warning: str | None = None  # set when the model got conservative defaults


def _check_entry(model_id: str, entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ModelTableError(f"model table: {model_id!r} must map to an object")
    for key, value in entry.items():
        expected = TABLE_FIELDS.get(key)
        if expected is None:
            raise ModelTableError(f"model table: {model_id!r} has an unknown field {key!r}; known: "
                                  f"{', '.join(sorted(TABLE_FIELDS))}")
        if not isinstance(value, expected) or isinstance(value, bool) and expected == (int, float):
            raise ModelTableError(f"model table: {model_id!r}.{key} has the wrong type")
    if "family" in entry and entry["family"] not in {f.key for f in FAMILIES}:
        raise ModelTableError(f"model table: {model_id!r}.family must be one of "
                              f"{', '.join(f.key for f in FAMILIES)}")
    return entry


def parse_table(raw: Any) -> dict[str, dict[str, Any]]:
    """A validated model table from parsed JSON (`{"model-id": {...}}`)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ModelTableError("model table: expected a JSON object keyed by model id")
    return {str(model_id): _check_entry(str(model_id), entry) for model_id, entry in raw.items()}


def load_table_file(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None:
        return {}
    try:
        return parse_table(json.loads(Path(path).read_text()))
    except OSError as exc:
        raise ModelTableError(f"model table {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ModelTableError(f"model table {path}: not JSON ({exc.msg} at line {exc.lineno})") from None


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def _prefer(options: tuple[str, ...], preferred: str) -> str:
    return preferred if preferred in options else options[0]


def _shape(fields: dict[str, Any]) -> dict[str, Any]:
    ratios, resolutions = _strings(fields.get("aspect_ratios")), _strings(fields.get("resolutions"))
    if not ratios:
        sizes = _strings(fields.get("sizes")) or CONSERVATIVE["sizes"]
        return {"sizes": sizes, "default_size": _prefer(sizes, "1280x720")}
    nominal = [nominal_size(r, res) for res in (resolutions or (NAMING_RESOLUTION,)) for r in ratios]
    sizes = tuple(dict.fromkeys(s for s in nominal if s))
    if not sizes:
        raise ModelTableError(f"model table: no known size for aspect ratios {ratios} at {resolutions}")
    ratio = _prefer(ratios, "16:9")
    resolution = _prefer(resolutions, "720p") if resolutions else None
    return {"sizes": sizes, "aspect_ratios": ratios, "resolutions": resolutions, "default_aspect_ratio": ratio,
            "default_resolution": resolution, "exact_size": False,
            "default_size": nominal_size(ratio, resolution or NAMING_RESOLUTION) or sizes[0]}


def _prices(fields: dict[str, Any], shape: dict[str, Any], rate: float) -> dict[str, Any]:
    by_resolution = {str(k): float(v) for k, v in (fields.get("price_per_second_by_resolution") or {}).items()}
    by_size = {size: rate for size in shape["sizes"]}
    by_size.update({k: v for k, v in (fields.get("price_by_size") or {}).items() if k in by_size})
    if by_resolution:
        for resolution in shape.get("resolutions", ()):
            for ratio in shape.get("aspect_ratios", ()):
                size = nominal_size(ratio, resolution)
                if size in by_size and resolution in by_resolution:
                    by_size[size] = by_resolution[resolution]
    return {"price_per_second": by_size if rate or by_resolution else {},
            "price_per_second_by_resolution": by_resolution}


def describe(model_id: str, entry: dict[str, Any] | None = None, *, remix: bool = True) -> Described:
    """Capabilities for one gateway model (entry: its row of the operator's model table, if any)."""
    entry = entry or {}
    family = next((f for f in FAMILIES if f.key == entry.get("family")), None) or family_of(model_id)
    fields: dict[str, Any] = dict(family.fields) if family else dict(CONSERVATIVE)
    if family:
        fields.setdefault("image_reference", True)
    fields.update(entry)
    durations = _strings(fields.get("durations")) or CONSERVATIVE["durations"]
    shape = _shape(fields)
    rate = float(entry.get("price_per_second", price_of(family, model_id) if family else 0.0))
    image = bool(fields.get("image_reference"))
    capabilities = ModelCapabilities(
        id=model_id, name=str(entry.get("name") or _display_name(model_id, family)), durations=durations,
        default_duration=_prefer(durations, "8"), image_reference=image,
        remix=bool(fields.get("remix")) and remix, extend=False, audio=bool(fields.get("audio")),
        frame_images=("first_frame",) if image else (), **shape, **_prices(fields, shape, rate))
    warning = None
    if family is None and not entry:
        warning = (f"unknown model {model_id!r}: conservative defaults (sizes {', '.join(shape['sizes'])}; "
                   f"{' or '.join(durations)} s; no image reference; price unknown). Describe it in the model "
                   "table to offer more.")
    return Described(capabilities, warning)


def _display_name(model_id: str, family: Any) -> str:
    if family is None:
        return model_id
    return model_id if family.name.lower().replace(" ", "-") in model_id.lower() else f"{model_id} ({family.name})"


def video_model_ids(listing: Any, table: dict[str, dict[str, Any]]) -> list[str]:
    """The ids of a `/v1/models` answer that are video models: marked `mode: video_generation` (LiteLLM), in the
    operator's table, or of a known video family. Gateways list chat models too; those are left out."""
    data = listing.get("data") if isinstance(listing, dict) else None
    entries = [m for m in data if isinstance(m, dict) and isinstance(m.get("id"), str)] if isinstance(data, list) else []
    chosen = []
    for model in entries:
        model_id, mode = model["id"], model.get("mode")
        if model_id in table or mode == VIDEO_MODE or (mode is None and family_of(model_id) is not None):
            chosen.append(model_id)
    return list(dict.fromkeys(chosen))
