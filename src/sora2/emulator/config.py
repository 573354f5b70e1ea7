"""Emulator settings and the catalogue of models, sizes and durations the real `/v1/videos` accepted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SORA_2_MODELS = ("sora-2", "sora-2-2025-10-06", "sora-2-2025-12-08")
SORA_2_PRO_MODELS = ("sora-2-pro", "sora-2-pro-2025-10-06")
# Names gateways serve today (LiteLLM, relays): Veo 3.1 in the OpenAI shape, with Veo's durations.
VEO_SIZES = ("1280x720", "720x1280", "1920x1080", "1080x1920")
VEO_SECONDS = ("4", "6", "8")
GATEWAY_MODELS = ("veo-3.1", "veo-3.1-fast")
ALL_MODELS = SORA_2_MODELS + SORA_2_PRO_MODELS + GATEWAY_MODELS
LISTED_MODELS = ("sora-2", "sora-2-pro") + GATEWAY_MODELS  # what GET /v1/models lists
SORA_2_SIZES = ("720x1280", "1280x720")
SORA_2_PRO_SIZES = ("720x1280", "1280x720", "1024x1792", "1792x1024", "1080x1920", "1920x1080")
ALLOWED_SECONDS = ("4", "8", "12", "16", "20")
DEFAULT_MODEL = "sora-2"
DEFAULT_SECONDS = "4"
DEFAULT_SIZE = "720x1280"
VARIANTS = ("video", "thumbnail", "spritesheet")


def sizes_for_model(model: str) -> tuple[str, ...]:
    if model in GATEWAY_MODELS:
        return VEO_SIZES
    return SORA_2_PRO_SIZES if model in SORA_2_PRO_MODELS else SORA_2_SIZES


def seconds_for_model(model: str) -> tuple[str, ...]:
    return VEO_SECONDS if model in GATEWAY_MODELS else ALLOWED_SECONDS


def parse_size(size: str) -> tuple[int, int]:
    width, height = size.split("x")
    return int(width), int(height)


@dataclass
class EmulatorConfig:
    data_dir: Path  # jobs and rendered media persist here, so a restarted server finds its jobs
    job_seconds: float = 8.0  # wall-clock time from create to completed; progress rises during it
    api_key: str | None = None  # if set, require `Authorization: Bearer <api_key>`, else any non-empty bearer
    expires_after_seconds: float = 3600.0  # expires_at = completed_at + this
    fps: int = 24
    render_workers: int = 1

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if self.job_seconds <= 0:
            raise ValueError("job_seconds must be positive")
        if not 1 <= self.fps <= 60:
            raise ValueError("fps must be between 1 and 60")
        if self.render_workers < 1:
            raise ValueError("render_workers must be at least 1")

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"
