"""Outbound webhook use cases: endpoints (CRUD), fan-out of a finished video into the outbox, the delivery log
and resend. Services flush; the caller commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from sora2.auth.principal import Principal
from sora2.db.base import utcnow
from sora2.db.session import queue_event
from sora2.errors import BadRequest, Forbidden, NotFound
from sora2.events import WebhooksQueued
from sora2.models import OutboundDelivery, OutboundEndpoint, OutboundEvent
from sora2.models.outbound import PENDING
from sora2.outbound.payloads import EVENT_TYPES, event_payload, event_type, new_event_id
from sora2.outbound.repository import OutboundRepository
from sora2.outbound.signing import new_secret
from sora2.outbound.urls import UrlRefused, resolve
from sora2.users.repository import UserRepository
from sora2.videos.repository import VideoRepository

MAX_ENDPOINTS_PER_USER = 20


def _events(events: list[str] | None) -> list[str]:
    chosen = sorted(set(events or EVENT_TYPES))
    unknown = [e for e in chosen if e not in EVENT_TYPES]
    if unknown:
        raise BadRequest(f"Unknown event {unknown[0]!r}; choose from {', '.join(EVENT_TYPES)}", code="invalid_events")
    return chosen


class OutboundService:
    def __init__(self, session: AsyncSession, allow_private: bool = False) -> None:
        self.session = session
        self.repo = OutboundRepository(session)
        self.allow_private = allow_private

    # --- endpoints -------------------------------------------------------------------------------------

    async def _checked_url(self, url: str) -> str:
        try:
            await resolve(url, self.allow_private)
        except UrlRefused as exc:
            raise BadRequest(str(exc), code="url_not_allowed") from None
        return url

    async def create(self, user: Principal, url: str, events: list[str] | None, description: str,
                     instance_wide: bool) -> OutboundEndpoint:
        if instance_wide and not user.is_admin:
            raise Forbidden("Only admins can add instance-wide webhooks")
        if len(await self.repo.endpoints_of(user.id)) >= MAX_ENDPOINTS_PER_USER:
            raise BadRequest(f"At most {MAX_ENDPOINTS_PER_USER} webhook endpoints per user", code="too_many_endpoints")
        endpoint = OutboundEndpoint(id=f"ep_{uuid.uuid4().hex}", user_id=user.id, instance_wide=instance_wide,
                                    url=await self._checked_url(url.strip()), description=description.strip(),
                                    events=_events(events), secret=new_secret(), enabled=True, created_at=utcnow())
        await self.repo.add(endpoint)
        return endpoint

    async def owned(self, user: Principal, endpoint_id: str) -> OutboundEndpoint:
        """The caller's endpoint; an admin may also manage any instance-wide one."""
        endpoint = await self.repo.endpoint(endpoint_id)
        if endpoint is None or not (endpoint.user_id == user.id or (endpoint.instance_wide and user.is_admin)):
            raise NotFound("Webhook endpoint not found")
        return endpoint

    async def update(self, user: Principal, endpoint_id: str, *, url: str | None = None,
                     events: list[str] | None = None, description: str | None = None,
                     enabled: bool | None = None) -> OutboundEndpoint:
        endpoint = await self.owned(user, endpoint_id)
        if url is not None:
            endpoint.url = await self._checked_url(url.strip())
        if events is not None:
            endpoint.events = _events(events)
        if description is not None:
            endpoint.description = description.strip()
        if enabled is not None:
            endpoint.enabled = enabled
        await self.session.flush()
        return endpoint

    async def delete(self, user: Principal, endpoint_id: str) -> None:
        await self.repo.delete(await self.owned(user, endpoint_id))

    async def rotate_secret(self, user: Principal, endpoint_id: str) -> OutboundEndpoint:
        endpoint = await self.owned(user, endpoint_id)
        endpoint.secret = new_secret()
        await self.session.flush()
        return endpoint

    # --- delivery log ----------------------------------------------------------------------------------

    async def deliveries(self, user: Principal, endpoint_id: str, limit: int = 50) -> list:
        endpoint = await self.owned(user, endpoint_id)
        rows = await self.repo.deliveries_of(endpoint.id, limit)
        attempts = await self.repo.attempts_of([d.id for d, _ in rows])
        return [(delivery, event, attempts.get(delivery.id, [])) for delivery, event in rows]

    async def resend(self, user: Principal, delivery_id: str) -> OutboundDelivery:
        """Send again now, with the same webhook-id (and a fresh retry schedule should it fail)."""
        delivery = await self.repo.delivery(delivery_id)
        if delivery is None:
            raise NotFound("Delivery not found")
        await self.owned(user, delivery.endpoint_id)
        delivery.state, delivery.attempts, delivery.resend = PENDING, 0, True
        delivery.next_attempt_at = utcnow()
        await self.session.flush()
        queue_event(self.session, WebhooksQueued())
        return delivery

    # --- fan-out ---------------------------------------------------------------------------------------

    async def fan_out(self, video_id: str, public_url: str | None) -> int:
        """Write the event a finished video announces and one delivery per listening endpoint, once: the unique
        (video, type) key makes a second call (the sweep, another instance) a no-op. Returns deliveries made."""
        video = await VideoRepository(self.session).get(video_id)
        kind = event_type(video) if video is not None else None
        if video is None or kind is None:
            return 0
        endpoints = await self.repo.listening_to(video.user_id)
        if not endpoints or await self.repo.event_for(video.id, kind) is not None:
            return 0  # nobody listens (no outbox row either; the sweep skips such users too), or announced already
        now = utcnow()
        occurred = video.updated_at or now
        owner = await UserRepository(self.session).get(video.user_id)
        event = OutboundEvent(id=new_event_id(), type=kind, video_id=video.id, user_id=video.user_id, created_at=now,
                              payload=event_payload(video, kind, owner.username if owner else "", public_url, now))
        if not await self.repo.add_once(event):
            return 0
        made = 0
        for endpoint in endpoints:
            if kind not in (endpoint.events or []) or endpoint.created_at > occurred:
                continue  # another event, or an endpoint added after this happened
            made += await self.repo.add_once(OutboundDelivery(
                id=f"dlv_{uuid.uuid4().hex}", event_id=event.id, endpoint_id=endpoint.id, state=PENDING,
                attempts=0, next_attempt_at=now, created_at=now))
        return made

    async def unannounced(self, since: datetime, terminal: tuple[str, ...], limit: int = 200) -> list[str]:
        return await self.repo.unannounced_videos(since, terminal, limit)
