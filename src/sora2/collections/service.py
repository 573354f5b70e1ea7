"""Collection use cases. Others' collections and videos answer 404, never 403: their existence is not told."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.auth.principal import Principal
from sora2.collections.repository import CollectionRepository
from sora2.db.base import utcnow
from sora2.db.session import queue_event
from sora2.errors import BadRequest, Conflict, NotFound
from sora2.events import LibraryChanged
from sora2.models import Collection
from sora2.videos.repository import VideoRepository

MAX_NAME = 100
MAX_COLLECTIONS = 500
MAX_IDS = 200


def clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("A collection needs a name", code="invalid_name")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise BadRequest(f"A collection name has at most {MAX_NAME} characters", code="invalid_name")
    return name


def clean_ids(video_ids: object) -> list[str]:
    if not isinstance(video_ids, list) or not video_ids or not all(isinstance(v, str) for v in video_ids):
        raise BadRequest("video_ids must be a non-empty list of video ids", code="invalid_video_ids")
    if len(video_ids) > MAX_IDS:
        raise BadRequest(f"At most {MAX_IDS} videos at a time", code="too_many_videos")
    return list(dict.fromkeys(video_ids))


class CollectionService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = CollectionRepository(session)

    async def get_owned(self, user: Principal, collection_id: str) -> Collection:
        collection = await self.repo.get(collection_id)
        if collection is None or collection.user_id != user.id:
            raise NotFound("Collection not found")
        return collection

    async def create(self, user: Principal, name: object) -> Collection:
        name = clean_name(name)
        if await self.repo.count_for_user(user.id) >= MAX_COLLECTIONS:
            raise BadRequest(f"You already have {MAX_COLLECTIONS} collections", code="too_many_collections")
        await self._refuse_duplicate(user, name)
        now = utcnow()
        collection = Collection(id=str(uuid.uuid4()), user_id=user.id, name=name, created_at=now, updated_at=now)
        if not await self.repo.add(collection):
            raise _duplicate(name)
        return collection

    async def rename(self, user: Principal, collection_id: str, name: object) -> Collection:
        collection = await self.get_owned(user, collection_id)
        name = clean_name(name)
        if name.casefold() != collection.name.casefold():
            await self._refuse_duplicate(user, name)
        collection.name = name
        collection.updated_at = utcnow()
        await self.session.flush()
        return collection

    async def delete(self, user: Principal, collection_id: str) -> None:
        """The collection goes; its videos stay in the library."""
        collection = await self.get_owned(user, collection_id)
        await self.repo.delete(collection)
        queue_event(self.session, LibraryChanged(user_id=user.id))

    async def add_videos(self, user: Principal, collection_id: str, video_ids: object) -> tuple[Collection, int]:
        collection = await self.get_owned(user, collection_id)
        ids = clean_ids(video_ids)
        owned = {v.id for v in await VideoRepository(self.session).owned(user.id, ids)}
        missing = [vid for vid in ids if vid not in owned]
        if missing:
            raise NotFound(f"Video not found: {missing[0]}")
        added = await self.repo.add_videos(collection.id, ids)
        return collection, await self._changed(user, collection, added)

    async def remove_videos(self, user: Principal, collection_id: str,
                            video_ids: Sequence[str]) -> tuple[Collection, int]:
        collection = await self.get_owned(user, collection_id)
        removed = await self.repo.remove_videos(collection.id, clean_ids(list(video_ids)))
        return collection, await self._changed(user, collection, removed)

    async def _changed(self, user: Principal, collection: Collection, count: int) -> int:
        if count:
            collection.updated_at = utcnow()
            await self.session.flush()
            queue_event(self.session, LibraryChanged(user_id=user.id))  # filtered lists change
        return count

    async def _refuse_duplicate(self, user: Principal, name: str) -> None:
        if await self.repo.by_name(user.id, name) is not None:
            raise _duplicate(name)


def _duplicate(name: str) -> Conflict:
    return Conflict(f"You already have a collection named {name!r}", code="duplicate_name")
