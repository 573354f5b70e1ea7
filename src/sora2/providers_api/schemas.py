from __future__ import annotations

from pydantic import BaseModel

from sora2.providers.base import ModelCapabilities, ProviderInfo


class Features(BaseModel):
    image_reference: bool
    remix: bool
    extend: bool
    audio: bool
    audio_toggle: bool = False  # generate_audio may turn the sound on or off
    last_frame: bool = False  # a last_frame image may pin the final frame
    seed: bool = False
    negative_prompt: bool = False


class ModelOut(BaseModel):
    id: str
    name: str
    sizes: list[str]
    durations: list[str]
    default_size: str
    default_duration: str
    features: Features
    price_per_second: dict[str, float]
    # Models described by aspect ratio + resolution (empty for size-only models); `sizes` then lists the
    # nominal size of each combination, so clients that know only `size` keep working.
    aspect_ratios: list[str] = []
    resolutions: list[str] = []
    default_aspect_ratio: str | None = None
    default_resolution: str | None = None
    price_per_second_by_resolution: dict[str, float] = {}
    frame_images: list[str] = []

    @classmethod
    def of(cls, m: ModelCapabilities) -> "ModelOut":
        return cls(id=m.id, name=m.name, sizes=list(m.sizes), durations=list(m.durations),
                   default_size=m.default_size, default_duration=m.default_duration,
                   features=Features(image_reference=m.image_reference, remix=m.remix, extend=m.extend,
                                     audio=m.audio, audio_toggle=m.audio_toggle,
                                     last_frame="last_frame" in m.frame_images, seed=m.seed,
                                     negative_prompt=m.negative_prompt),
                   price_per_second=m.price_per_second, aspect_ratios=list(m.aspect_ratios),
                   resolutions=list(m.resolutions), default_aspect_ratio=m.default_aspect_ratio,
                   default_resolution=m.default_resolution,
                   price_per_second_by_resolution=m.price_per_second_by_resolution,
                   frame_images=list(m.frame_images))


class ProviderOut(BaseModel):
    id: str
    name: str
    emulated: bool
    concurrency: int
    models: list[ModelOut]

    @classmethod
    def of(cls, info: ProviderInfo) -> "ProviderOut":
        return cls(id=info.id, name=info.name, emulated=info.emulated, concurrency=info.concurrency,
                   models=[ModelOut.of(m) for m in info.models])


class ProvidersOut(BaseModel):
    providers: list[ProviderOut]
    default_provider: str | None
    default_model: str | None
