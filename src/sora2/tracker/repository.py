"""All SQL about provider-side tombstones (see models.provider_cleanup)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models import ProviderCleanup


class CleanupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *, video_id: str, provider: str, job_id: str | None, request: dict | None,
                  sent_at: datetime | None, due_at: datetime | None) -> ProviderCleanup:
        cleanup = ProviderCleanup(id=str(uuid.uuid4()), video_id=video_id, provider=provider, job_id=job_id,
                                  request=request, sent_at=sent_at, next_check_at=due_at)
        self.session.add(cleanup)
        await self.session.flush()
        return cleanup

    async def for_video(self, video_id: str) -> ProviderCleanup | None:
        stmt = select(ProviderCleanup).where(ProviderCleanup.video_id == video_id,
                                             ProviderCleanup.job_id.is_(None)).limit(1)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get(self, cleanup_id: str) -> ProviderCleanup | None:
        return await self.session.get(ProviderCleanup, cleanup_id)

    async def remove(self, cleanup: ProviderCleanup) -> None:
        await self.session.delete(cleanup)
        await self.session.flush()

    async def held_jobs(self, provider: str, job_ids: Sequence[str]) -> set[str]:
        if not job_ids:
            return set()
        stmt = select(ProviderCleanup.job_id).where(ProviderCleanup.provider == provider,
                                                    ProviderCleanup.job_id.in_(list(job_ids)))
        return set((await self.session.execute(stmt)).scalars().all())

    async def claim_due(self, now: datetime, owner: str, lease_until: datetime, limit: int) -> list[ProviderCleanup]:
        free = or_(ProviderCleanup.lease_until.is_(None), ProviderCleanup.lease_until < now,
                   ProviderCleanup.lease_owner == owner)
        due = (ProviderCleanup.next_check_at.is_not(None), ProviderCleanup.next_check_at <= now, free)
        ids = list((await self.session.execute(
            select(ProviderCleanup.id).where(*due).order_by(ProviderCleanup.next_check_at).limit(limit)))
            .scalars().all())
        if not ids:
            return []
        await self.session.execute(update(ProviderCleanup).where(ProviderCleanup.id.in_(ids), free).values(
            lease_owner=owner, lease_until=lease_until, next_check_at=lease_until))
        rows = await self.session.execute(select(ProviderCleanup).where(ProviderCleanup.id.in_(ids),
                                                                        ProviderCleanup.lease_owner == owner))
        return list(rows.scalars().all())

    async def renew_leases(self, owner: str, ids: Sequence[str], lease_until: datetime) -> None:
        await self.session.execute(update(ProviderCleanup).where(ProviderCleanup.lease_owner == owner,
                                                                 ProviderCleanup.id.in_(list(ids)))
                                   .values(lease_until=lease_until, next_check_at=lease_until))

    async def release_own_leases(self, owner: str, now: datetime) -> None:
        await self.session.execute(update(ProviderCleanup).where(ProviderCleanup.lease_owner == owner)
                                   .values(lease_owner=None, lease_until=None, next_check_at=now))

    async def prune_abandoned(self, before: datetime) -> int:
        """Tombstones nobody could settle (no job found, no webhook) are kept a while for a late webhook."""
        result = await self.session.execute(delete(ProviderCleanup).where(
            ProviderCleanup.next_check_at.is_(None), ProviderCleanup.created_at < before))
        return result.rowcount or 0
