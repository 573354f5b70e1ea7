"""Typed outputs of the organising tools: stars, collections, presets, share links, bulk actions, ZIPs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StarResult(BaseModel):
    video_id: str
    favourite: bool


class CollectionInfo(BaseModel):
    id: str
    name: str
    video_count: int
    contains: bool | None = Field(None, description="With video_id: whether that video is in it")


class CollectionsResult(BaseModel):
    collections: list[CollectionInfo]


class MembershipResult(BaseModel):
    collection: CollectionInfo
    changed: int = Field(description="How many videos were added or removed")


class PresetInfo(BaseModel):
    model_config = ConfigDict(extra="allow")  # the settings it fixes (model, size, seconds, …)

    id: str
    name: str
    shared: bool
    prompt_prefix: str | None = None
    prompt_suffix: str | None = None


class PresetsResult(BaseModel):
    presets: list[PresetInfo]


class ShareInfo(BaseModel):
    id: str
    url: str = Field(description="The public page: anyone with it can watch, no account needed")
    kind: str
    target: str
    state: str = Field(description="active, expired or revoked")
    show_prompt: bool
    expires_at: int | None = None
    view_count: int = 0


class SharesResult(BaseModel):
    shares: list[ShareInfo]


class BulkResult(BaseModel):
    action: str
    done: list[str]
    not_found: list[str] = Field(description="Ids that are not among your videos")


class ZipResult(BaseModel):
    count: int = Field(description="MP4s in the archive")
    bytes: int
    skipped: list[str] = Field(description="Videos left out: not finished or not stored yet")
    path: str | None = Field(None, description="Where the ZIP was written (stdio server)")
    url: str | None = Field(None, description="A short-lived signed URL of the ZIP, no token needed (HTTP server)")
