"""Typed tool outputs: compact views of the REST records, so agents read what matters."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def as_seconds(value: object) -> int | float | str:
    """The record's seconds ("8") as the number a tool takes (seconds in = seconds out)."""
    text = str(value)
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


class VideoInfo(BaseModel):
    id: str
    status: str = Field(description="queued, in_progress, completed or failed (the original's four values)")
    state: str = Field("", description="queued, confirming, in_progress, completed, failed, cancelled or "
                                       "unconfirmed (a create the provider never confirmed: may have been charged)")
    billing: str = Field("", description="none (no provider accepted it), possible (outcome unknown) or charged")
    progress: int = 0
    prompt: str
    model: str
    size: str
    seconds: int | float | str = Field(description="Duration in seconds")
    provider: str | None = None
    emulated: bool = Field(False, description="True when made by the built-in offline emulator: simulated, $0")
    estimated_cost: float = Field(0.0, description="USD, the estimate from the provider's price list")
    charged_cost: float = Field(0.0, description="USD actually charged: 0 when simulated or never accepted by "
                                                 "the provider; else the provider's figure, or the estimate once "
                                                 "finished")
    actual_cost: float | None = Field(None, description="USD, as billed by the provider, when it reports it")
    favourite: bool = False
    batch_id: str | None = Field(None, description="Shared by variations created together")
    error_message: str | None = None
    download_state: str | None = Field(None, description="pending, done, failed or expired (the local MP4)")
    remix_of: str | None = None
    continued_from: str | None = None
    retry_of: str | None = None
    created_at: int | None = None
    completed_at: int | None = None

    @classmethod
    def of(cls, record: dict[str, Any]) -> "VideoInfo":
        fields = {k: record.get(k) for k in cls.model_fields if k in record and record.get(k) is not None}
        fields["seconds"] = as_seconds(record.get("seconds"))
        return cls(**fields, estimated_cost=record.get("cost") or 0.0, charged_cost=record.get("charged") or 0.0)


class CreateResult(BaseModel):
    id: str
    status: str
    model: str
    size: str
    seconds: int | float | str
    provider: str | None = None
    emulated: bool = False
    estimated_cost: float = Field(description="USD; 0 for the emulator (simulated)")
    batch_id: str | None = None
    next_step: str = "Call wait_for_video with this id to follow it."


class VariationsResult(BaseModel):
    batch_id: str
    videos: list[CreateResult]
    estimated_total: float = Field(description="USD for all the variations together")
    next_step: str = "Call wait_for_video with each id, or list_videos with this batch_id."


class VideoList(BaseModel):
    videos: list[VideoInfo]
    total: int | None = None
    limit: int
    offset: int


class WaitResult(BaseModel):
    done: bool = Field(description="True when nothing more will happen: completed and downloaded, or failed")
    video: VideoInfo
    waited_seconds: float
    message: str


class ModelInfo(BaseModel):
    model_config = ConfigDict(extra="allow")  # providers may describe more (aspect ratios, resolutions, ...)

    id: str
    name: str
    sizes: list[str] = []
    durations: list[str] = []
    default_size: str | None = None
    default_duration: str | None = None
    features: dict[str, bool] = {}
    price_per_second: dict[str, float] = {}


class ProviderModels(BaseModel):
    id: str
    name: str
    emulated: bool = False
    models: list[ModelInfo]


class ModelsResult(BaseModel):
    providers: list[ProviderModels]
    default_provider: str | None = None
    default_model: str | None = None


class DownloadResult(BaseModel):
    video_id: str
    path: str | None = Field(None, description="Where the file was written (stdio server)")
    url: str | None = Field(None, description="A short-lived signed URL that needs no token (HTTP server)")
    bytes: int | None = None
    variant: str = "video"


class DeleteResult(BaseModel):
    success: bool
    video_id: str


class CostStats(BaseModel):
    user_total: float = Field(description="USD charged for your videos (the same as user_charged)")
    user_count: int = Field(description="Your completed videos")
    platform_total: float = Field(description="All users (admins); your own figures otherwise")
    platform_count: int
    user_estimated: float = Field(0.0, description="USD: the sum of your videos' estimates")
    user_charged: float = Field(0.0, description="USD: what your videos were actually charged")
    user_videos: int = Field(0, description="All your videos")
    user_simulated: int = Field(0, description="Videos the emulator made (never charged)")
