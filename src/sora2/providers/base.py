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
    extend: bool = False
    audio: bool = False

    def price(self, size: str, seconds: str) -> float:
        rate = self.price_per_second.get(size, max(self.price_per_second.values(), default=0.0))
        return round(rate * int(seconds), 2)


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    name: str
    models: tuple[ModelCapabilities, ...]
    emulated: bool = False
    concurrency: int = 4
    # The provider deduplicates creates by Idempotency-Key, so an ambiguous create can be retried safely.
    idempotent_create: bool = False
    variants: tuple[Variant, ...] = ("video", "thumbnail", "spritesheet")

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


ErrorKind = Literal["rate_limited", "transient", "network", "rejected", "not_found", "expired"]


class ProviderError(Exception):
    """A provider call failed. `kind` decides what the tracker does next.

    rate_limited / transient: the provider definitely did nothing; retry later.
    network: the outcome is unknown (timeout, reset); retry only where that cannot duplicate a paid job.
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
