"""Outbound webhooks over REST: each user's endpoints, admins' instance-wide ones, the delivery log, resend."""

from __future__ import annotations

from fastapi import APIRouter

from sora2.deps import AdminUser, CtxDep, CurrentUser, SessionDep
from sora2.outbound.schemas import DeliveriesOut, DeliveryOut, EndpointIn, EndpointOut, EndpointPatch, EndpointsOut
from sora2.outbound.service import OutboundService
from sora2.users.schemas import SuccessMessage

router = APIRouter(prefix="/api", tags=["outbound webhooks"])


def _service(ctx: CtxDep, session: SessionDep) -> OutboundService:
    return OutboundService(session, ctx.settings.webhooks_allow_private_urls)


@router.get("/outbound-webhooks", response_model=EndpointsOut)
async def list_endpoints(user: CurrentUser, ctx: CtxDep, session: SessionDep) -> EndpointsOut:
    """The caller's webhook endpoints (an admin's instance-wide ones included)."""
    endpoints = await _service(ctx, session).repo.endpoints_of(user.id)
    return EndpointsOut(endpoints=[EndpointOut.of(e) for e in endpoints])


@router.post("/outbound-webhooks", response_model=EndpointOut, status_code=201)
async def create_endpoint(body: EndpointIn, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> EndpointOut:
    """Register an https endpoint for video.completed / video.failed / video.cancelled. Private and loopback
    addresses are refused (400 `url_not_allowed`) unless the server allows them."""
    endpoint = await _service(ctx, session).create(user, body.url, body.events, body.description,
                                                   body.instance_wide)
    return EndpointOut.of(endpoint)


@router.patch("/outbound-webhooks/{endpoint_id}", response_model=EndpointOut)
async def update_endpoint(endpoint_id: str, body: EndpointPatch, user: CurrentUser, ctx: CtxDep,
                          session: SessionDep) -> EndpointOut:
    """Change an endpoint's URL, events or description, or pause it (enabled: false)."""
    endpoint = await _service(ctx, session).update(user, endpoint_id, url=body.url, events=body.events,
                                                   description=body.description, enabled=body.enabled)
    return EndpointOut.of(endpoint)


@router.delete("/outbound-webhooks/{endpoint_id}", response_model=SuccessMessage)
async def delete_endpoint(endpoint_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> SuccessMessage:
    """Remove an endpoint and its delivery log."""
    await _service(ctx, session).delete(user, endpoint_id)
    return SuccessMessage(message="Webhook endpoint removed")


@router.post("/outbound-webhooks/{endpoint_id}/rotate-secret", response_model=EndpointOut)
async def rotate_secret(endpoint_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> EndpointOut:
    """Replace the endpoint's signing secret; deliveries from now on are signed with the new one."""
    return EndpointOut.of(await _service(ctx, session).rotate_secret(user, endpoint_id))


@router.get("/outbound-webhooks/{endpoint_id}/deliveries", response_model=DeliveriesOut)
async def deliveries(endpoint_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> DeliveriesOut:
    """The endpoint's latest 50 deliveries with their attempts, newest first."""
    rows = await _service(ctx, session).deliveries(user, endpoint_id)
    return DeliveriesOut(deliveries=[DeliveryOut.of(d, e, a) for d, e, a in rows])


@router.post("/outbound-webhooks/deliveries/{delivery_id}/resend", response_model=SuccessMessage)
async def resend(delivery_id: str, user: CurrentUser, ctx: CtxDep, session: SessionDep) -> SuccessMessage:
    """Send a delivery again now, with the same webhook-id."""
    await _service(ctx, session).resend(user, delivery_id)  # wakes this instance's dispatcher after the commit
    return SuccessMessage(message="Delivery queued")


@router.get("/admin/outbound-webhooks", response_model=EndpointsOut)
async def instance_endpoints(_admin: AdminUser, ctx: CtxDep, session: SessionDep) -> EndpointsOut:
    """Every instance-wide endpoint, whichever admin added it (admin only)."""
    endpoints = await _service(ctx, session).repo.instance_endpoints()
    return EndpointsOut(endpoints=[EndpointOut.of(e) for e in endpoints])
