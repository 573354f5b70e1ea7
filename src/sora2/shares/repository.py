"""All SQL about share links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import Collection, ShareLink, User, Video


class ShareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, link: ShareLink) -> ShareLink:
        self.session.add(link)
        await self.session.flush()
        return link

    async def get(self, share_id: str) -> ShareLink | None:
        return await self.session.get(ShareLink, share_id)

    async def by_token(self, token: str) -> ShareLink | None:
        stmt = select(ShareLink).where(ShareLink.token == token)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def listed(self, user_id: str | None) -> list[tuple[ShareLink, str, str | None, str | None]]:
        """Links (newest first) with the owner's name and what they point at: a prompt or a collection name."""
        stmt = (select(ShareLink, User.username, Video.prompt, Collection.name)
                .join(User, User.id == ShareLink.user_id)
                .outerjoin(Video, Video.id == ShareLink.video_id)
                .outerjoin(Collection, Collection.id == ShareLink.collection_id)
                .order_by(ShareLink.created_at.desc(), ShareLink.id))
        if user_id is not None:
            stmt = stmt.where(ShareLink.user_id == user_id)
        return [tuple(row) for row in (await self.session.execute(stmt)).all()]  # type: ignore[misc]

    async def count_active(self, user_id: str, now: datetime) -> int:
        stmt = select(func.count()).select_from(ShareLink).where(ShareLink.user_id == user_id,
                                                                 ShareLink.revoked_at.is_(None))
        return (await self.session.execute(stmt)).scalar_one()

    async def count_view(self, share_id: str, now: datetime) -> None:
        """One statement, so concurrent views never lose a count."""
        await self.session.execute(update(ShareLink).where(ShareLink.id == share_id)
                                   .values(view_count=ShareLink.view_count + 1, last_viewed_at=now))
