from __future__ import annotations

from pydantic import BaseModel

from sora2.providers.base import ModelCapabilities, ProviderInfo


class Features(BaseModel):
    image_reference: bool
    remix: bool
    extend: bool
    audio: bool


class ModelOut(BaseModel):
    id: str
    name: str
    sizes: list[str]
    durations: list[str]
    default_size: str
    default_duration: str
    features: Features
    price_per_second: dict[str, float]

    @classmethod
    def of(cls, m: ModelCapabilities) -> "ModelOut":
        return cls(id=m.id, name=m.name, sizes=list(m.sizes), durations=list(m.durations),
                   default_size=m.default_size, default_duration=m.default_duration,
                   features=Features(image_reference=m.image_reference, remix=m.remix, extend=m.extend,
                                     audio=m.audio),
                   price_per_second=m.price_per_second)


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
