from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from sora2.db.base import epoch
from sora2.models import OutboundAttempt, OutboundDelivery, OutboundEndpoint, OutboundEvent

EventType = Literal["video.completed", "video.failed", "video.cancelled"]


class EndpointIn(BaseModel):
    url: str = Field(max_length=2000, description="https:// URL that receives the events")
    events: list[EventType] | None = Field(None, description="default: every event")
    description: str = Field("", max_length=200)
    instance_wide: bool = Field(False, description="admins only: hear every user's videos")


class EndpointPatch(BaseModel):
    url: str | None = Field(None, max_length=2000)
    events: list[EventType] | None = None
    description: str | None = Field(None, max_length=200)
    enabled: bool | None = None


class EndpointOut(BaseModel):
    id: str
    user_id: str
    url: str
    description: str
    events: list[str]
    instance_wide: bool
    enabled: bool
    secret: str = Field(description="whsec_…: verify each delivery's webhook-signature with it")
    created_at: int

    @classmethod
    def of(cls, endpoint: OutboundEndpoint) -> EndpointOut:
        return cls(id=endpoint.id, user_id=endpoint.user_id, url=endpoint.url, description=endpoint.description,
                   events=list(endpoint.events or []), instance_wide=endpoint.instance_wide,
                   enabled=endpoint.enabled, secret=endpoint.secret, created_at=epoch(endpoint.created_at) or 0)


class EndpointsOut(BaseModel):
    endpoints: list[EndpointOut]


class AttemptOut(BaseModel):
    attempted_at: int
    status_code: int | None
    error: str | None
    duration_ms: int
    manual: bool


class DeliveryOut(BaseModel):
    id: str
    webhook_id: str = Field(description="the event's id, sent as webhook-id with every attempt")
    event_type: str
    video_id: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: int | None
    delivered_at: int | None
    created_at: int
    log: list[AttemptOut] = Field(description="the latest attempts, newest first")

    @classmethod
    def of(cls, delivery: OutboundDelivery, event: OutboundEvent, attempts: list[OutboundAttempt]) -> DeliveryOut:
        return cls(id=delivery.id, webhook_id=event.id, event_type=event.type, video_id=event.video_id,
                   state=delivery.state, attempts=delivery.attempts, last_status=delivery.last_status,
                   last_error=delivery.last_error,
                   next_attempt_at=epoch(delivery.next_attempt_at) if delivery.state == "pending" else None,
                   delivered_at=epoch(delivery.delivered_at), created_at=epoch(delivery.created_at) or 0,
                   log=[AttemptOut(attempted_at=epoch(a.attempted_at) or 0, status_code=a.status_code, error=a.error,
                                   duration_ms=a.duration_ms, manual=a.manual) for a in attempts])


class DeliveriesOut(BaseModel):
    deliveries: list[DeliveryOut]
