"""Share-link use cases: create (owner), revoke (owner or admin), open (anyone holding the link).

A link that is unknown, revoked or past its expiry is "not found" to the public, from the moment it changes:
every public request reads the link's row again (no cache), so revoking takes effect on the next request.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.auth.principal import Principal
from sora2.collections.repository import CollectionRepository
from sora2.collections.service import CollectionService
from sora2.db.base import utcnow
from sora2.errors import BadRequest, NotFound
from sora2.models import ShareLink, Video
from sora2.models.video import COMPLETED, DL_DONE
from sora2.shares.repository import ShareRepository
from sora2.shares.schemas import ShareIn, ShareState
from sora2.videos.repository import VideoRepository

MAX_ACTIVE_LINKS = 500
MAX_EXPIRY_DAYS = 365
MAX_TITLE = 120


def share_state(link: ShareLink, now: datetime) -> ShareState:
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at is not None and link.expires_at <= now:
        return "expired"
    return "active"


def playable(video: Video) -> bool:
    return video.status == COMPLETED and video.download_state == DL_DONE and bool(video.file_name)


class ShareService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = ShareRepository(session)

    async def create(self, user: Principal, body: ShareIn) -> ShareLink:
        if bool(body.video_id) == bool(body.collection_id):
            raise BadRequest("Share either a video_id or a collection_id", code="invalid_target")
        if body.expires_in_days is not None and not 1 <= body.expires_in_days <= MAX_EXPIRY_DAYS:
            raise BadRequest(f"expires_in_days must be from 1 to {MAX_EXPIRY_DAYS}, or null", code="invalid_expiry")
        title = (body.title or "").strip() or None
        if title and len(title) > MAX_TITLE:
            raise BadRequest(f"A title has at most {MAX_TITLE} characters", code="invalid_title")
        now = utcnow()
        if await self.repo.count_active(user.id, now) >= MAX_ACTIVE_LINKS:
            raise BadRequest(f"You already have {MAX_ACTIVE_LINKS} share links; revoke some first",
                             code="too_many_links")
        if body.video_id:
            video = await VideoRepository(self.session).get(body.video_id)
            if video is None or video.user_id != user.id:
                raise NotFound("Video not found")
            if not playable(video):
                raise BadRequest("Only a finished, stored video can be shared", code="not_ready")
        else:
            await CollectionService(self.session).get_owned(user, body.collection_id or "")
        expires = now + timedelta(days=body.expires_in_days) if body.expires_in_days else None
        return await self.repo.add(ShareLink(
            id=str(uuid.uuid4()), token=secrets.token_urlsafe(24), user_id=user.id, video_id=body.video_id or None,
            collection_id=body.collection_id or None, title=title, show_prompt=body.show_prompt, expires_at=expires,
            created_at=now, updated_at=now))

    async def revoke(self, user: Principal, share_id: str, *, as_admin: bool = False) -> ShareLink:
        link = await self.repo.get(share_id)
        if link is None or (link.user_id != user.id and not as_admin):
            raise NotFound("Share link not found")
        if link.revoked_at is None:
            link.revoked_at = link.updated_at = utcnow()
            await self.session.flush()
        return link

    async def open(self, token: str) -> ShareLink:
        """The live link behind a token, or NotFound (unknown, revoked, expired: all alike to the public)."""
        link = await self.repo.by_token(token) if token else None
        if link is None or share_state(link, utcnow()) != "active":
            raise NotFound("This share link does not exist or is no longer shared")
        return link

    async def videos(self, link: ShareLink) -> list[Video]:
        """What the link shows now: its video, or its collection's finished videos (newest additions first)."""
        if link.video_id:
            video = await VideoRepository(self.session).get(link.video_id)
            return [video] if video is not None and playable(video) else []
        members = await CollectionRepository(self.session).member_videos(link.collection_id or "")
        return [v for v in members if playable(v)]

    async def shared_video(self, token: str, video_id: str) -> tuple[ShareLink, Video]:
        """One video the link shows (media requests come often, with ranges: membership is one lookup)."""
        link = await self.open(token)
        if link.video_id:
            shown = video_id == link.video_id
        else:
            shown = bool(await CollectionRepository(self.session).containing(video_id, [link.collection_id or ""]))
        video = await VideoRepository(self.session).get(video_id) if shown else None
        if video is None or not playable(video):
            raise NotFound("Video not found")
        return link, video

    async def count_view(self, link: ShareLink) -> None:
        await self.repo.count_view(link.id, utcnow())
