"""All SQL about collections and their members."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import Collection, CollectionVideo, Video


class CollectionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, collection: Collection) -> bool:
        """Insert; False when the user already has a collection of exactly that name (a concurrent create)."""
        try:
            async with self.session.begin_nested():  # a savepoint: a conflict must not doom the transaction
                self.session.add(collection)
                await self.session.flush()
            return True
        except IntegrityError:
            return False

    async def get(self, collection_id: str) -> Collection | None:
        return await self.session.get(Collection, collection_id)

    async def by_name(self, user_id: str, name: str) -> Collection | None:
        """Case-insensitive for every alphabet: compared here, as SQLite's lower() folds ASCII letters only."""
        wanted = name.casefold()
        return next((c for c in await self.list_for_user(user_id) if c.name.casefold() == wanted), None)

    async def list_for_user(self, user_id: str) -> list[Collection]:
        stmt = select(Collection).where(Collection.user_id == user_id).order_by(func.lower(Collection.name))
        return list((await self.session.execute(stmt)).scalars().all())

    async def count_for_user(self, user_id: str) -> int:
        stmt = select(func.count()).select_from(Collection).where(Collection.user_id == user_id)
        return (await self.session.execute(stmt)).scalar_one()

    async def delete(self, collection: Collection) -> None:
        await self.session.delete(collection)
        await self.session.flush()

    async def video_counts(self, collection_ids: Sequence[str]) -> dict[str, int]:
        if not collection_ids:
            return {}
        stmt = (select(CollectionVideo.collection_id, func.count()).where(
            CollectionVideo.collection_id.in_(list(collection_ids))).group_by(CollectionVideo.collection_id))
        return {cid: count for cid, count in (await self.session.execute(stmt)).all()}

    async def covers(self, collection_ids: Sequence[str]) -> dict[str, str]:
        """The video whose thumbnail stands for each collection: the one added last that has a thumbnail."""
        if not collection_ids:
            return {}
        ranked = (select(CollectionVideo.collection_id, CollectionVideo.video_id, func.row_number().over(
            partition_by=CollectionVideo.collection_id,
            order_by=(CollectionVideo.added_at.desc(), CollectionVideo.video_id)).label("rank"))
            .join(Video, Video.id == CollectionVideo.video_id)
            .where(CollectionVideo.collection_id.in_(list(collection_ids)), Video.thumbnail_name.is_not(None))
            .subquery())
        stmt = select(ranked.c.collection_id, ranked.c.video_id).where(ranked.c.rank == 1)
        return {cid: vid for cid, vid in (await self.session.execute(stmt)).all()}

    async def containing(self, video_id: str, collection_ids: Sequence[str]) -> set[str]:
        if not collection_ids:
            return set()
        stmt = select(CollectionVideo.collection_id).where(
            CollectionVideo.video_id == video_id, CollectionVideo.collection_id.in_(list(collection_ids)))
        return set((await self.session.execute(stmt)).scalars().all())

    async def add_videos(self, collection_id: str, video_ids: Sequence[str]) -> int:
        """Add the videos not yet in the collection; how many were new."""
        present = set((await self.session.execute(select(CollectionVideo.video_id).where(
            CollectionVideo.collection_id == collection_id, CollectionVideo.video_id.in_(list(video_ids))))
        ).scalars().all())
        new = [vid for vid in dict.fromkeys(video_ids) if vid not in present]
        self.session.add_all(CollectionVideo(collection_id=collection_id, video_id=vid) for vid in new)
        await self.session.flush()
        return len(new)

    async def remove_videos(self, collection_id: str, video_ids: Sequence[str]) -> int:
        result = await self.session.execute(delete(CollectionVideo).where(
            CollectionVideo.collection_id == collection_id, CollectionVideo.video_id.in_(list(video_ids))))
        return result.rowcount or 0

    async def member_videos(self, collection_id: str, limit: int = 500) -> list[Video]:
        stmt = (select(Video).join(CollectionVideo, CollectionVideo.video_id == Video.id)
                .where(CollectionVideo.collection_id == collection_id)
                .order_by(CollectionVideo.added_at.desc(), Video.id).limit(limit))
        return list((await self.session.execute(stmt)).scalars().all())
