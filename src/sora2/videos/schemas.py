"""The video record as clients see it: the original's snake_case DB shape plus our additions."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from sora2.db.base import epoch
from sora2.videos.money import charged_amount, is_simulated
from sora2.videos.signing import MediaSigner
from sora2.videos.states import billing, compat_status, is_terminal, public_state

__all__ = ["is_terminal", "video_out"]


class MediaUrls(BaseModel):
    video: str | None = None
    thumbnail: str | None = None
    spritesheet: str | None = None
    reference: str | None = None


class VideoOut(BaseModel):
    id: str
    user_id: str
    # Our provider id; the original's clients get "sora" or "veo" here instead (see provider_id, docs/api.md).
    provider: str
    provider_id: str | None = None  # always our provider id, whoever asks
    provider_video_id: str | None
    openai_video_id: str | None
    prompt: str
    model: str
    size: str
    seconds: str
    # The original's four values (queued, in_progress, completed, failed); cancelled and unconfirmed read as failed.
    status: str
    # Ours: queued | confirming | in_progress | completed | failed | cancelled | unconfirmed (see docs/api.md).
    state: str
    # none | possible | charged: whether a provider may have charged for this job (see docs/api.md).
    billing: str
    progress: int
    created_at: int
    completed_at: int | None
    file_path: str | None
    thumbnail_path: str | None
    error_message: str | None
    has_input_reference: bool
    has_audio: bool
    reference_image_paths: str | None
    provider_metadata: str | None = None
    remix_of: str | None
    continued_from: str | None
    retry_of: str | None = None
    cost: float = Field(description="The estimate: the provider's list price for this shape and duration (USD)")
    actual_cost: float | None = Field(description="What the provider reported charging, when it reports it")
    charged: float = Field(0.0, description="What counts as spent (USD): 0 when simulated or never accepted by a "
                                            "provider; else actual_cost, or the estimate once finished")
    emulated: bool = Field(description="Made by the built-in emulator: simulated, never charged")
    download_state: str | None
    download_error: str | None
    expires_at: int | None
    # Running jobs: when the tracker expects the provider to finish (epoch seconds), so a client can move the
    # progress bar between readings; null when unknown or no longer running. Not in the original's records.
    estimated_completion_at: int | None = None
    # The model id the request named when another model stood in for it (the original's ids; docs/providers.md).
    requested_model: str | None = None
    media: MediaUrls | None
    sprite: dict[str, Any] | None
    favourite: bool = False
    batch_id: str | None = Field(None, description="Variations submitted together share this id")
    options: dict[str, Any] | None = Field(None, description="The optional create fields it was made with: "
                                                             "aspect_ratio, resolution, seed, negative_prompt, "
                                                             "generate_audio")


def media_urls(video, signer: MediaSigner) -> dict[str, str | None] | None:  # noqa: ANN001
    urls = {
        "video": signer.sign(video.id, "video") if video.file_name else None,
        "thumbnail": signer.sign(video.id, "thumbnail") if video.thumbnail_name else None,
        "spritesheet": signer.sign(video.id, "spritesheet") if video.spritesheet_name else None,
        "reference": signer.sign(video.id, "reference") if video.reference_images else None,
    }
    return urls if any(urls.values()) else None


def video_out(video, signer: MediaSigner) -> dict[str, Any]:  # noqa: ANN001
    """The record as a plain dict (the list route serialises thousands of these; VideoOut documents the shape).

    `video` is a Video or a row with the same attribute names. Server paths stay private: file names only;
    thumbnail_path must be truthy when a thumbnail exists, because the original frontend shows thumbnails only then.
    """
    references = video.reference_images
    state = public_state(video)
    return {
        "id": video.id, "user_id": video.user_id, "provider": video.provider, "provider_id": video.provider,
        "provider_video_id": video.provider_video_id, "openai_video_id": video.provider_video_id,
        "prompt": video.prompt, "model": video.model, "size": video.size, "seconds": video.seconds,
        "status": compat_status(state), "state": state, "billing": billing(video), "progress": video.progress,
        "created_at": epoch(video.created_at) or 0,
        "completed_at": epoch(video.completed_at), "file_path": video.file_name,
        "thumbnail_path": video.thumbnail_name, "error_message": video.error_message,
        "has_input_reference": video.has_input_reference, "has_audio": video.has_audio,
        "reference_image_paths": json.dumps(references) if references else None, "provider_metadata": None,
        "remix_of": video.remix_of, "continued_from": video.continued_from, "retry_of": video.retry_of,
        "cost": video.cost, "actual_cost": video.actual_cost, "charged": charged_amount(video),
        "emulated": is_simulated(video), "download_state": video.download_state,
        "download_error": video.download_error, "expires_at": epoch(video.expires_at),
        "estimated_completion_at": epoch(video.expected_at) if state in ("queued", "in_progress") else None,
        "requested_model": video.requested_model,
        "media": media_urls(video, signer), "sprite": video.sprite,
        "favourite": bool(video.favourite), "batch_id": video.batch_id,
        "options": (video.provider_metadata or {}).get("options") or None,
    }



class VideoList(BaseModel):
    videos: list[VideoOut]
    limit: int
    offset: int
    total: int


class UnconfirmedList(BaseModel):
    videos: list[VideoOut]


class CostStats(BaseModel):
    user_total: float = Field(description="What your videos were charged (USD); the same as user_charged")
    user_count: int = Field(description="Your completed videos")
    platform_total: float
    platform_count: int
    user_estimated: float = Field(0.0, description="The sum of your videos' estimates (USD)")
    user_charged: float = Field(0.0, description="The sum of what your videos were charged (USD)")
    user_videos: int = Field(0, description="All your videos, whatever their status")
    user_simulated: int = Field(0, description="How many of them the emulator made (charged $0)")
    platform_estimated: float = 0.0
    platform_charged: float = 0.0


class CheckStatusOut(BaseModel):
    message: str
    video: VideoOut | None


class SuccessOut(BaseModel):
    success: bool = True


class Lineage(BaseModel):
    parent: VideoOut | None
    children: list[VideoOut]


class RemixIn(BaseModel):
    prompt: Any = None


class ContinueIn(BaseModel):
    prompt: Any = None
    model: str | None = None
    seconds: str | int | None = None


class RetryIn(BaseModel):
    """Fields to change for an edit & retry; those left out keep the old video's values."""

    prompt: Any = None
    model: str | None = None
    size: str | None = None
    seconds: str | int | None = None
    aspect_ratio: str | None = None
    resolution: str | None = None
    seed: int | None = None
    negative_prompt: str | None = None
    generate_audio: bool | None = None


class Estimate(BaseModel):
    cost: float  # USD, our estimate from the provider's published prices (0 for the emulator)
    provider: str
    model: str
    size: str
    seconds: str
    emulated: bool


class Frame(BaseModel):
    frame_number: int
    is_final_frame: bool
    data: str


class Screenshots(BaseModel):
    video_id: str
    prompt: str
    frame_count: int
    frames: list[Frame]


class ReferenceImage(BaseModel):
    index: int
    filename: str
    data: str
    mimeType: str  # noqa: N815  (the original's field name)


class ReferenceImages(BaseModel):
    images: list[ReferenceImage]
