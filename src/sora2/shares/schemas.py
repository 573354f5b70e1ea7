from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ShareState = Literal["active", "expired", "revoked"]


class ShareIn(BaseModel):
    video_id: str | None = Field(None, description="Share one video (completed)…")
    collection_id: str | None = Field(None, description="…or a whole collection (its finished videos)")
    show_prompt: bool = Field(False, description="Show the prompt on the share page")
    expires_in_days: int | None = Field(None, description="1 to 365; null: until revoked")
    title: str | None = Field(None, description="Shown on the page and in link previews (default: generic)")


class ShareOut(BaseModel):
    id: str
    url: str = Field(description="The public page, e.g. /s/<token> (relative to the server)")
    kind: Literal["video", "collection"]
    video_id: str | None
    collection_id: str | None
    target: str = Field(description="What is shared, in words: a prompt's start or a collection's name")
    title: str | None
    show_prompt: bool
    state: ShareState
    expires_at: int | None
    revoked_at: int | None
    view_count: int
    last_viewed_at: int | None
    created_at: int
    username: str | None = Field(None, description="The owner (admin lists only)")


class ShareList(BaseModel):
    shares: list[ShareOut]


class PublicMedia(BaseModel):
    video: str
    thumbnail: str | None


class PublicVideo(BaseModel):
    id: str
    prompt: str | None = Field(description="Only when the owner chose to show it")
    seconds: str
    size: str
    has_audio: bool
    simulated: bool
    media: PublicMedia


class PublicShareOut(BaseModel):
    kind: Literal["video", "collection"]
    title: str | None
    show_prompt: bool
    videos: list[PublicVideo]
    expires_at: int | None
