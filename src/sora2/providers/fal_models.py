"""fal.ai's video models we offer: each a family of endpoints (text-to-video, image-to-video, first/last frame,
extend) with its inputs, from fal's model pages (`https://fal.ai/models/<endpoint>/llms.txt`, late 2026).

fal has no listing that describes video models the way OpenRouter's does, so this catalogue is ours; prices are
fal's list prices per second in USD (with audio where the model makes sound).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sora2.providers.base import ModelCapabilities
from sora2.providers.shapes import NAMING_RESOLUTION, nominal_size


@dataclass(frozen=True)
class FalModel:
    id: str  # the text-to-video endpoint, also the model id videos record
    name: str
    durations: tuple[str, ...]
    price_per_second: float
    aspect_ratios: tuple[str, ...] = ("16:9", "9:16")
    resolutions: tuple[str, ...] = ()
    duration_suffix: str = ""  # Veo takes "8s", the others "8"
    image_endpoint: str | None = None  # image-to-video
    image_field: str = "image_url"
    end_field: str | None = None  # the last frame, on the image-to-video endpoint
    frames_endpoint: str | None = None  # first/last frame to video (Veo)
    extend_endpoint: str | None = None  # continues a video of this model (takes its video_url)
    audio: bool = False
    audio_toggle: bool = False
    negative_prompt: bool = False
    seed: bool = False
    price_by_resolution: dict[str, float] = field(default_factory=dict)

    @property
    def frame_images(self) -> tuple[str, ...]:
        frames = ("first_frame",) if self.image_endpoint or self.frames_endpoint else ()
        return frames + (("last_frame",) if self.end_field or self.frames_endpoint else ())


def _veo(suffix: str, name: str, price: float, extend: bool = True) -> FalModel:
    base = "fal-ai/veo3.1" + suffix
    return FalModel(id=base, name=name, durations=("4", "6", "8"), price_per_second=price, duration_suffix="s",
                    resolutions=("720p", "1080p"), image_endpoint=f"{base}/image-to-video",
                    frames_endpoint=f"{base}/first-last-frame-to-video",
                    extend_endpoint=f"{base}/extend-video" if extend else None, audio=True, audio_toggle=True,
                    negative_prompt=True, seed=True)


def _kling(tier: str, price: float) -> FalModel:
    base = f"fal-ai/kling-video/v3/{tier}"
    return FalModel(id=f"{base}/text-to-video", name=f"Kling 3.0 {tier.title()}", durations=("5", "10"),
                    price_per_second=price, aspect_ratios=("16:9", "9:16", "1:1"),
                    image_endpoint=f"{base}/image-to-video", image_field="start_image_url",
                    end_field="end_image_url", audio=True, audio_toggle=True, negative_prompt=True)


CATALOGUE: tuple[FalModel, ...] = (
    _veo("", "Veo 3.1", 0.40),
    _veo("/fast", "Veo 3.1 Fast", 0.15),
    _veo("/lite", "Veo 3.1 Lite", 0.05, extend=False),
    _kling("pro", 0.14),
    _kling("standard", 0.084),
    FalModel(id="bytedance/seedance-2.0/text-to-video", name="Seedance 2.0", durations=("5", "10"),
             price_per_second=0.30, aspect_ratios=("16:9", "9:16", "1:1", "4:3", "3:4", "21:9"),
             resolutions=("480p", "720p", "1080p"), image_endpoint="bytedance/seedance-2.0/image-to-video",
             end_field="end_image_url", audio=True, audio_toggle=True, seed=True,
             price_by_resolution={"480p": 0.12, "720p": 0.30, "1080p": 0.68}),
    FalModel(id="wan/v2.6/text-to-video", name="Wan 2.6", durations=("5", "10"), price_per_second=0.10,
             aspect_ratios=("16:9", "9:16", "1:1"), resolutions=("720p", "1080p"),
             image_endpoint="wan/v2.6/image-to-video", negative_prompt=True, seed=True,
             price_by_resolution={"720p": 0.10, "1080p": 0.15}),
    FalModel(id="fal-ai/minimax/hailuo-02/standard/text-to-video", name="MiniMax Hailuo 02", durations=("6", "10"),
             price_per_second=0.045, aspect_ratios=("16:9",), resolutions=("768p",),
             image_endpoint="fal-ai/minimax/hailuo-02/standard/image-to-video", end_field="end_image_url"),
)
BY_ID = {model.id: model for model in CATALOGUE}


def capabilities(model: FalModel) -> ModelCapabilities:
    resolutions = model.resolutions or (NAMING_RESOLUTION,)
    sizes = tuple(dict.fromkeys(s for res in resolutions for r in model.aspect_ratios if (s := nominal_size(r, res))))
    ratio = "16:9" if "16:9" in model.aspect_ratios else model.aspect_ratios[0]
    resolution = ("720p" if "720p" in model.resolutions else model.resolutions[0]) if model.resolutions else None
    by_size = {}
    for size in sizes:
        res = next((r for r in model.resolutions for a in model.aspect_ratios if nominal_size(a, r) == size), None)
        by_size[size] = model.price_by_resolution.get(res or "", model.price_per_second)
    return ModelCapabilities(
        id=model.id, name=model.name, sizes=sizes, durations=model.durations,
        default_size=nominal_size(ratio, resolution or NAMING_RESOLUTION) or sizes[0],
        default_duration="8" if "8" in model.durations else model.durations[0], price_per_second=by_size,
        image_reference="first_frame" in model.frame_images, extend=model.extend_endpoint is not None,
        audio=model.audio, aspect_ratios=model.aspect_ratios, resolutions=model.resolutions,
        default_aspect_ratio=ratio, default_resolution=resolution,
        price_per_second_by_resolution=dict(model.price_by_resolution), frame_images=model.frame_images,
        seed=model.seed, negative_prompt=model.negative_prompt, audio_toggle=model.audio_toggle, exact_size=False)
