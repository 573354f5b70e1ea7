"""Request and response shapes of the library routes: variations, stars, bulk actions, ZIP downloads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from sora2.videos.schemas import VideoOut


class BatchOut(BaseModel):
    batch_id: str
    videos: list[VideoOut]
    estimated_total: float = Field(description="The sum of the variations' estimates (USD)")


class BulkIn(BaseModel):
    action: str = Field(description="delete, favourite, unfavourite, add_to_collection or remove_from_collection")
    video_ids: Any = Field(description="Your videos' ids (at most 200)")
    collection_id: str | None = Field(None, description="For add_to_collection and remove_from_collection")


class BulkOut(BaseModel):
    action: str
    done: list[str] = Field(description="The ids the action was applied to")
    not_found: list[str] = Field(description="Ids that are not among your videos")


class ArchiveIn(BaseModel):
    video_ids: Any = Field(description="Your videos' ids (at most 100)")


class ArchiveOut(BaseModel):
    url: str = Field(description="A short-lived signed URL of the ZIP (needs no token); GET it to download")
    count: int = Field(description="How many MP4s the archive holds")
    bytes: int = Field(description="The archive's exact size")
    skipped: list[str] = Field(description="Selected videos left out because they have no stored MP4 yet")
