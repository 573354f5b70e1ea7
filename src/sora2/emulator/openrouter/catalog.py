"""The emulated video models: what `GET /api/v1/videos/models` lists and what a submit is checked against.

Capabilities follow OpenRouter's catalogue of 2026 (model slugs, discrete durations, resolution and
aspect-ratio sets); prices are plausible list prices per second of video, not quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# (resolution, aspect ratio) -> "WxH". Every size keeps width even and height a multiple of 2 (yuv420p).
SIZES: dict[tuple[str, str], str] = {
    ("480p", "16:9"): "854x480", ("480p", "9:16"): "480x854", ("480p", "1:1"): "480x480",
    ("480p", "4:3"): "640x480", ("480p", "3:4"): "480x640", ("480p", "21:9"): "1120x480",
    ("720p", "16:9"): "1280x720", ("720p", "9:16"): "720x1280", ("720p", "1:1"): "720x720",
    ("720p", "4:3"): "960x720", ("720p", "3:4"): "720x960", ("720p", "21:9"): "1680x720",
    ("768p", "16:9"): "1366x768", ("768p", "9:16"): "768x1366", ("768p", "1:1"): "768x768",
    ("1080p", "16:9"): "1920x1080", ("1080p", "9:16"): "1080x1920", ("1080p", "1:1"): "1080x1080",
    ("1080p", "4:3"): "1440x1080", ("1080p", "3:4"): "1080x1440", ("1080p", "21:9"): "2520x1080",
    ("4K", "16:9"): "3840x2160", ("4K", "9:16"): "2160x3840",
}
BASE_SKU = "per-video-second"


@dataclass(frozen=True)
class VideoModelSpec:
    id: str
    name: str
    created: int
    description: str
    durations: tuple[int, ...]
    resolutions: tuple[str, ...]
    aspect_ratios: tuple[str, ...]
    frame_images: tuple[str, ...]
    generate_audio: bool
    seed: bool
    passthrough: tuple[str, ...]
    pricing: dict[str, str]  # sku -> USD per second, as strings (the wire format)
    default_duration: int
    lists_sizes: bool = True  # False: `supported_sizes` is null and `size` is refused
    continuation: bool = False  # accepts `previous_job_id`
    hugging_face_id: str | None = None

    @property
    def default_resolution(self) -> str:
        return "720p" if "720p" in self.resolutions else self.resolutions[0]

    @property
    def default_aspect_ratio(self) -> str:
        return "16:9" if "16:9" in self.aspect_ratios else self.aspect_ratios[0]

    @property
    def sizes(self) -> tuple[str, ...] | None:
        if not self.lists_sizes:
            return None
        return tuple(SIZES[(resolution, ratio)]
                     for resolution in self.resolutions for ratio in self.aspect_ratios)

    def output_for_size(self, size: str) -> tuple[str, str]:
        """(resolution, aspect ratio) that give `size` on this model (the size must be one of `sizes`)."""
        for resolution in self.resolutions:
            for ratio in self.aspect_ratios:
                if SIZES[(resolution, ratio)] == size:
                    return resolution, ratio
        raise KeyError(size)

    def price_per_second(self, resolution: str) -> Decimal:
        return Decimal(self.pricing.get(f"{BASE_SKU}-{resolution.lower()}", self.pricing[BASE_SKU]))

    def cost(self, resolution: str, duration: int) -> float:
        return float(self.price_per_second(resolution) * duration)

    def to_json(self) -> dict[str, Any]:
        """One `VideoModel` as the SDK parses it (every required field present, nullable ones as null)."""
        return {
            "id": self.id, "canonical_slug": self.id, "name": self.name, "created": self.created,
            "description": self.description, "hugging_face_id": self.hugging_face_id,
            "supported_durations": list(self.durations), "supported_resolutions": list(self.resolutions),
            "supported_aspect_ratios": list(self.aspect_ratios),
            "supported_sizes": list(self.sizes) if self.sizes is not None else None,
            "supported_frame_images": list(self.frame_images), "generate_audio": self.generate_audio,
            "seed": self.seed, "creativity": None, "upscale_factor": None,
            "allowed_passthrough_parameters": list(self.passthrough), "pricing_skus": dict(self.pricing),
        }


MODELS: tuple[VideoModelSpec, ...] = (
    VideoModelSpec(
        id="google/veo-3.1", name="Google: Veo 3.1", created=1760486400,
        description="Google's flagship video model: native audio, first/last frame control, scene extension.",
        durations=(4, 6, 8), resolutions=("720p", "1080p", "4K"), aspect_ratios=("16:9", "9:16"),
        frame_images=("first_frame", "last_frame"), generate_audio=True, seed=True,
        passthrough=("negativePrompt", "personGeneration", "enhancePrompt"),
        pricing={"per-video-second": "0.40", "per-video-second-1080p": "0.40", "per-video-second-4k": "0.60"},
        default_duration=8, continuation=True),
    VideoModelSpec(
        id="google/veo-3.1-fast", name="Google: Veo 3.1 Fast", created=1760486400,
        description="A faster, cheaper Veo 3.1 for drafts and iteration, with native audio.",
        durations=(4, 6, 8), resolutions=("720p", "1080p"), aspect_ratios=("16:9", "9:16"),
        frame_images=("first_frame", "last_frame"), generate_audio=True, seed=True,
        passthrough=("negativePrompt", "personGeneration", "enhancePrompt"),
        pricing={"per-video-second": "0.10", "per-video-second-1080p": "0.15"},
        default_duration=8, continuation=True),
    VideoModelSpec(
        id="kwaivgi/kling-v3.0-pro", name="Kling: Kling v3.0 Pro", created=1770163200,
        description="Kuaishou's Kling 3.0 Pro: cinematic 1080p motion with synchronised sound.",
        durations=(5, 10), resolutions=("1080p",), aspect_ratios=("16:9", "9:16", "1:1"),
        frame_images=("first_frame",), generate_audio=True, seed=False,
        passthrough=("negative_prompt", "cfg_scale"),
        pricing={"per-video-second": "0.168"}, default_duration=5, lists_sizes=False, continuation=True),
    VideoModelSpec(
        id="bytedance/seedance-2.0", name="ByteDance: Seedance 2.0", created=1770768000,
        description="ByteDance Seedance 2.0: multi-shot text and image to video with audio.",
        durations=(4, 5, 8, 10, 12), resolutions=("480p", "720p", "1080p"),
        aspect_ratios=("16:9", "9:16", "1:1", "4:3", "3:4", "21:9"),
        frame_images=("first_frame",), generate_audio=True, seed=True,
        passthrough=("camera_fixed", "watermark"),
        pricing={"per-video-second": "0.10", "per-video-second-480p": "0.05",
                 "per-video-second-1080p": "0.22"},
        default_duration=5, continuation=True),
    VideoModelSpec(
        id="alibaba/wan-2.7", name="Alibaba: Wan 2.7", created=1774569600,
        description="Alibaba's open-weight Wan 2.7 text and image to video model.",
        durations=(5, 10), resolutions=("480p", "720p", "1080p"), aspect_ratios=("16:9", "9:16", "1:1"),
        frame_images=("first_frame",), generate_audio=True, seed=True,
        passthrough=("negative_prompt", "prompt_extend"),
        pricing={"per-video-second": "0.10", "per-video-second-480p": "0.05",
                 "per-video-second-1080p": "0.15"},
        default_duration=5, hugging_face_id="Wan-AI/Wan2.7-T2V"),
    VideoModelSpec(
        id="minimax/hailuo-2.3", name="MiniMax: Hailuo 2.3", created=1761523200,
        description="MiniMax Hailuo 2.3: expressive motion and physics at 768p and 1080p.",
        durations=(6, 10), resolutions=("768p", "1080p"), aspect_ratios=("16:9",),
        frame_images=("first_frame",), generate_audio=False, seed=False,
        passthrough=("prompt_optimizer",),
        pricing={"per-video-second": "0.045", "per-video-second-1080p": "0.08"}, default_duration=6),
)


def find_model(model_id: str) -> VideoModelSpec | None:
    return next((spec for spec in MODELS if spec.id == model_id), None)


def models_json() -> dict[str, Any]:
    return {"data": [spec.to_json() for spec in MODELS]}
