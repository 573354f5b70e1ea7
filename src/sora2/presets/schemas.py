from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from sora2.db.base import epoch
from sora2.models import Preset

SETTING_FIELDS = ("provider", "model", "size", "seconds", "aspect_ratio", "resolution", "seed", "negative_prompt",
                  "generate_audio")


class PresetIn(BaseModel):
    name: Any = Field(None, description="1 to 80 characters")
    shared: bool | None = Field(None, description="Offered to every user (admins only)")
    provider: Any = None
    model: Any = Field(None, description="Needed when any of the shape, duration or option fields is given")
    size: Any = None
    seconds: Any = None
    aspect_ratio: Any = None
    resolution: Any = None
    seed: Any = None
    negative_prompt: Any = None
    generate_audio: Any = None
    prompt_prefix: Any = Field(None, description="Put before the prompt, e.g. 'Cinematic 35 mm film look.'")
    prompt_suffix: Any = Field(None, description="Put after the prompt")


class PresetOut(BaseModel):
    id: str
    name: str
    shared: bool
    editable: bool = Field(description="Whether you may change or delete it")
    provider: str | None = None
    model: str | None = None
    size: str | None = None
    seconds: str | None = None
    aspect_ratio: str | None = None
    resolution: str | None = None
    seed: int | None = None
    negative_prompt: str | None = None
    generate_audio: bool | None = None
    prompt_prefix: str | None = None
    prompt_suffix: str | None = None
    created_at: int
    updated_at: int

    @classmethod
    def of(cls, preset: Preset, editable: bool) -> "PresetOut":
        return cls(id=preset.id, name=preset.name, shared=preset.shared, editable=editable,
                   prompt_prefix=preset.prompt_prefix, prompt_suffix=preset.prompt_suffix,
                   created_at=epoch(preset.created_at) or 0, updated_at=epoch(preset.updated_at) or 0,
                   **{k: v for k, v in (preset.settings or {}).items() if k in SETTING_FIELDS})


class PresetList(BaseModel):
    presets: list[PresetOut]
