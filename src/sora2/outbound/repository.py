"""All SQL about outbound webhooks: endpoints, the event outbox, leased deliveries and the attempt log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sora2.models.video import SUBMIT_UNCONFIRMED
from sora2.models import OutboundAttempt, OutboundDelivery, OutboundEndpoint, OutboundEvent, Video
from sora2.models.outbound import PENDING


def _lease_free(now: datetime):  # noqa: ANN202
    """Nobody is sending it, or whoever was has run out of time (an instance reclaims its own at startup)."""
    return or_(OutboundDelivery.lease_until.is_(None), OutboundDelivery.lease_until < now)


class OutboundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- endpoints -----------------------------------------------------------------------------------

    async def endpoint(self, endpoint_id: str) -> OutboundEndpoint | None:
        return await self.session.get(OutboundEndpoint, endpoint_id)

    async def endpoints_of(self, user_id: str) -> Sequence[OutboundEndpoint]:
        stmt = (select(OutboundEndpoint).where(OutboundEndpoint.user_id == user_id)
                .order_by(OutboundEndpoint.created_at, OutboundEndpoint.id))
        return (await self.session.execute(stmt)).scalars().all()

    async def instance_endpoints(self) -> Sequence[OutboundEndpoint]:
        stmt = (select(OutboundEndpoint).where(OutboundEndpoint.instance_wide.is_(True))
                .order_by(OutboundEndpoint.created_at, OutboundEndpoint.id))
        return (await self.session.execute(stmt)).scalars().all()

    async def add(self, row: object) -> None:
        self.session.add(row)
        await self.session.flush()

    async def delete(self, row: object) -> None:
        await self.session.delete(row)
        await self.session.flush()

    async def listening_to(self, user_id: str) -> Sequence[OutboundEndpoint]:
        """Enabled endpoints that hear about this user's videos: their own and every instance-wide one."""
        stmt = select(OutboundEndpoint).where(
            OutboundEndpoint.enabled.is_(True),
            or_(OutboundEndpoint.user_id == user_id, OutboundEndpoint.instance_wide.is_(True)))
        return (await self.session.execute(stmt)).scalars().all()

    async def any_enabled_endpoint(self) -> bool:
        stmt = select(exists().where(OutboundEndpoint.enabled.is_(True)))
        return bool((await self.session.execute(stmt)).scalar())

    # --- the outbox ----------------------------------------------------------------------------------

    async def event_for(self, video_id: str, event_type: str) -> OutboundEvent | None:
        stmt = select(OutboundEvent).where(OutboundEvent.video_id == video_id, OutboundEvent.type == event_type)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def add_once(self, row: object) -> bool:
        """Insert; False when a unique key says it exists already (another instance, or the sweep, was first)."""
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def unannounced_videos(self, since: datetime, terminal: Sequence[str], limit: int) -> list[str]:
        """Finished videos made since `since` with no event yet whose owner (or anyone, for instance-wide
        endpoints) has an enabled endpoint: what a crash between commit and fan-out left behind."""
        listened = or_(
            exists().where(OutboundEndpoint.enabled.is_(True), OutboundEndpoint.instance_wide.is_(True)),
            Video.user_id.in_(select(OutboundEndpoint.user_id).where(OutboundEndpoint.enabled.is_(True))))
        stmt = (select(Video.id).where(
            Video.created_at >= since, Video.status.in_(terminal), listened,
            Video.submit_state != SUBMIT_UNCONFIRMED,  # announces nothing until its owner decides
            ~exists().where(OutboundEvent.video_id == Video.id)).order_by(Video.created_at).limit(limit))
        return list((await self.session.execute(stmt)).scalars().all())

    # --- deliveries ----------------------------------------------------------------------------------

    async def claim_due(self, now: datetime, owner: str, lease_until: datetime, limit: int) -> list[Row]:
        """Lease due deliveries and return what sending needs: (delivery id, attempts, resend, event id, type,
        payload, endpoint url, secret, enabled)."""
        due = and_(OutboundDelivery.state == PENDING, OutboundDelivery.next_attempt_at <= now, _lease_free(now))
        ids = list((await self.session.execute(
            select(OutboundDelivery.id).where(due).order_by(OutboundDelivery.next_attempt_at).limit(limit)))
            .scalars().all())
        if not ids:
            return []
        # The whole condition again, not just the lease: between the SELECT and this UPDATE another instance may
        # have sent the delivery and released it (acknowledged, so free of leases, but no longer due).
        await self.session.execute(
            update(OutboundDelivery).where(OutboundDelivery.id.in_(ids), due)
            .values(lease_owner=owner, lease_until=lease_until, next_attempt_at=lease_until)
            .execution_options(synchronize_session=False))
        stmt = (select(OutboundDelivery.id, OutboundDelivery.attempts, OutboundDelivery.resend, OutboundEvent.id,
                       OutboundEvent.type, OutboundEvent.payload, OutboundEndpoint.url, OutboundEndpoint.secret,
                       OutboundEndpoint.enabled)
                .join(OutboundEvent, OutboundEvent.id == OutboundDelivery.event_id)
                .join(OutboundEndpoint, OutboundEndpoint.id == OutboundDelivery.endpoint_id)
                .where(OutboundDelivery.id.in_(ids), OutboundDelivery.lease_owner == owner,
                       OutboundDelivery.lease_until == lease_until))  # ours from this claim, not an older one
        return list((await self.session.execute(stmt)).all())

    async def finish_leased(self, delivery_id: str, owner: str, values: dict) -> bool:
        """Write an attempt's outcome and give the lease up; False when the lease was lost meanwhile."""
        stmt = (update(OutboundDelivery)
                .where(OutboundDelivery.id == delivery_id, OutboundDelivery.lease_owner == owner)
                .values(lease_owner=None, lease_until=None, **values).execution_options(synchronize_session=False))
        return (await self.session.execute(stmt)).rowcount == 1

    async def release_own_leases(self, owner: str, now: datetime) -> int:
        """After a restart: sends this instance had in flight died with it; they are due again now."""
        stmt = (update(OutboundDelivery).where(OutboundDelivery.lease_owner == owner,
                                               OutboundDelivery.state == PENDING)
                .values(lease_owner=None, lease_until=None, next_attempt_at=now))
        return (await self.session.execute(stmt)).rowcount or 0

    async def next_due_at(self) -> datetime | None:
        stmt = select(func.min(OutboundDelivery.next_attempt_at)).where(OutboundDelivery.state == PENDING)
        return (await self.session.execute(stmt)).scalar_one()

    async def delivery(self, delivery_id: str) -> OutboundDelivery | None:
        return await self.session.get(OutboundDelivery, delivery_id)

    async def deliveries_of(self, endpoint_id: str, limit: int) -> list[tuple[OutboundDelivery, OutboundEvent]]:
        stmt = (select(OutboundDelivery, OutboundEvent).join(OutboundEvent,
                                                             OutboundEvent.id == OutboundDelivery.event_id)
                .where(OutboundDelivery.endpoint_id == endpoint_id)
                .order_by(OutboundDelivery.created_at.desc(), OutboundDelivery.id.desc()).limit(limit))
        return [(d, e) for d, e in (await self.session.execute(stmt)).all()]

    async def attempts_of(self, delivery_ids: list[str], per_delivery: int = 10) -> dict[str, list[OutboundAttempt]]:
        if not delivery_ids:
            return {}
        stmt = (select(OutboundAttempt).where(OutboundAttempt.delivery_id.in_(delivery_ids))
                .order_by(OutboundAttempt.attempted_at.desc(), OutboundAttempt.id.desc()))
        grouped: dict[str, list[OutboundAttempt]] = {}
        for attempt in (await self.session.execute(stmt)).scalars():
            rows = grouped.setdefault(attempt.delivery_id, [])
            if len(rows) < per_delivery:
                rows.append(attempt)
        return grouped
