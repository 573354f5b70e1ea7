"""The provider protocol: capabilities, and create/get/download plus optional remix/extend/cancel/delete."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Literal, Protocol

ProviderStatus = Literal["queued", "in_progress", "completed", "failed", "cancelled", "expired"]
TERMINAL_PROVIDER_STATUSES = frozenset({"completed", "failed", "cancelled", "expired"})
Variant = Literal["video", "thumbnail", "spritesheet"]


@dataclass(frozen=True)
class ModelCapabilities:
    id: str
    name: str
    sizes: tuple[str, ...]
    durations: tuple[str, ...]
    default_size: str
    default_duration: str
    price_per_second: dict[str, float]  # by size, USD
    image_reference: bool = True
    remix: bool = False
    extend: bool = False  # continues a video natively (GenerationRequest.previous_job_id), not from its last frame
    audio: bool = False
    # Models described by aspect ratio + resolution (sizes then hold the nominal size of each combination).
    aspect_ratios: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()
    default_aspect_ratio: str | None = None
    default_resolution: str | None = None
    price_per_second_by_resolution: dict[str, float] = field(default_factory=dict)  # USD
    frame_images: tuple[str, ...] = ()  # "first_frame", "last_frame": which frames an image can pin
    seed: bool = False
    negative_prompt: bool = False
    audio_toggle: bool = False  # the caller may turn the model's audio on or off
    # Whether the delivered file has exactly the requested size (False: only its shape, e.g. 864x496 for 480p).
    exact_size: bool = True

    def price(self, size: str, seconds: str, resolution: str | None = None) -> float:
        if resolution and resolution in self.price_per_second_by_resolution:
            return round(self.price_per_second_by_resolution[resolution] * int(seconds), 2)
        rate = self.price_per_second.get(size, max(self.price_per_second.values(), default=0.0))
        return round(rate * int(seconds), 2)

    def shape_of(self, size: str) -> tuple[str, str | None] | None:
        """The (aspect ratio, resolution) whose nominal size is `size`, for models described that way."""
        from sora2.providers.shapes import NAMING_RESOLUTION, nominal_size

        return next(((ratio, res) for res in (self.resolutions or (None,)) for ratio in self.aspect_ratios
                     if nominal_size(ratio, res or NAMING_RESOLUTION) == size), None)


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    name: str
    models: tuple[ModelCapabilities, ...]
    emulated: bool = False
    concurrency: int = 4
    # The provider deduplicates creates by Idempotency-Key, so an ambiguous create can be retried safely.
    idempotent_create: bool = False
    request_timeout: float = 60.0  # seconds: how long one of our calls to it may take before we give up

    def model(self, model_id: str) -> ModelCapabilities | None:
        return next((m for m in self.models if m.id == model_id), None)


@dataclass
class GenerationRequest:
    model: str
    prompt: str
    size: str
    seconds: str
    image_jpeg: bytes | None = None  # already fitted to exactly `size`
    idempotency_key: str | None = None
    aspect_ratio: str | None = None  # with resolution, for models described that way (size is then nominal)
    resolution: str | None = None
    last_frame_jpeg: bytes | None = None
    generate_audio: bool | None = None  # None: the model's default
    seed: int | None = None
    negative_prompt: str | None = None
    previous_job_id: str | None = None  # continue this provider job natively (models with `extend`)
    remix_of_job: str | None = None  # a remix of this provider job (sent through `remix`; `find` matches on it)
    video_id: str | None = None  # our video's id, for providers whose webhook URL carries it (`?video=<id>`)


@dataclass
class JobStatus:
    job_id: str
    status: ProviderStatus
    progress: int = 0
    error_message: str | None = None
    expires_at: datetime | None = None
    poll_after_seconds: float | None = None  # provider's hint for the next poll
    actual_cost: float | None = None
    metadata: dict = field(default_factory=dict)
    took_at_most: float | None = None  # seconds: a finished job's duration at the provider, bounded from above


ErrorKind = Literal["unreachable", "rate_limited", "transient", "network", "rejected", "not_found", "expired"]
# Gateway answers that mean "I gave up waiting for the upstream", not "nothing happened": after a create they leave
# the outcome unknown, exactly like a dropped connection.
AMBIGUOUS_HTTP_STATUSES = frozenset({408, 499, 502, 504, 520, 522, 524})


class ProviderError(Exception):
    """A provider call failed. `kind` decides what the tracker does next.

    unreachable: no byte of the request left (connection refused, DNS, connect timeout); retry freely.
    rate_limited / transient: the provider answered that it did nothing; retry later.
    network: the outcome is unknown (timeout, reset, a gateway timeout); a create in that state is reconciled,
    never simply resent.
    rejected: the request itself is wrong; do not retry. not_found / expired: the job or asset is gone.
    """

    def __init__(self, kind: ErrorKind, message: str, *, status_code: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status_code = status_code
        self.retry_after = retry_after


class Provider(Protocol):
    info: ProviderInfo

    async def create(self, request: GenerationRequest) -> JobStatus: ...

    async def get(self, job_id: str) -> JobStatus: ...

    async def download(self, job_id: str, variant: Variant, sink: IO[bytes]) -> None: ...

    async def remix(self, job_id: str, prompt: str, idempotency_key: str | None) -> JobStatus: ...

    async def delete(self, job_id: str) -> None: ...

    async def close(self) -> None: ...

    # Optional methods (the tracker checks with `getattr`):
    # `async def start(self) -> None` runs in the app's lifespan before the tracker starts (e.g. to discover
    # models); ProviderRegistry.start calls it where present.
    # `async def cancel(self, job_id: str) -> None` stops a job at the provider where its API can; raises
    # ProviderError("rejected", …) when the job can no longer be cancelled. Without it, cancelling deletes the job.
    # `async def find(self, request: GenerationRequest, sent_after: datetime) -> list[JobStatus]` reconciles a
    # create whose answer was lost: the jobs the provider made for exactly this request since about `sent_after`,
    # oldest first. The tracker adopts the first one no other row holds (identical requests get one job each).
