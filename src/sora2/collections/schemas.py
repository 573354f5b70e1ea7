from __future__ import annotations

from pydantic import BaseModel, Field


class CollectionIn(BaseModel):
    name: str = Field(description="1 to 100 characters, unique per user (ignoring case)")


class CollectionVideosIn(BaseModel):
    video_ids: list[str] = Field(description="Your videos' ids (at most 200)")


class CollectionOut(BaseModel):
    id: str
    name: str
    video_count: int
    created_at: int
    updated_at: int
    cover: str | None = Field(None, description="A signed thumbnail URL of the video added last, if any")
    contains: bool | None = Field(None, description="With ?video_id=: whether that video is in it")


class CollectionList(BaseModel):
    collections: list[CollectionOut]


class MembershipOut(BaseModel):
    collection: CollectionOut
    changed: int = Field(description="How many videos were added or removed")
