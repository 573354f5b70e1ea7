"""Socket.IO: token auth on connect, one room per user, bus events → `video_update` (the original's contract)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import socketio

from sora2.auth.resolve import resolve_principal
from sora2.context import AppContext
from sora2.errors import AppError
from sora2.http.proxy import same_origin
from sora2.events import BudgetNoticeRaised, UserChanged, VideoUpdated
from sora2.http.inputs import text_problem
from sora2.videos.repository import VideoRepository
from sora2.videos.schemas import video_out

log = logging.getLogger(__name__)
AUTH_ERROR = "Authentication error"


ADMINS_ROOM = "admins"  # budget notices go to every admin online


def user_room(user_id: str) -> str:
    return f"user_{user_id}"


def origin_checker(cors_origins: list[str]) -> Callable[[str | None, dict], bool]:
    """Same-origin pages (the SPA this server serves, also behind a trusted proxy) plus the configured origins."""
    allowed = set(cors_origins)

    def check(origin: str | None, environ: dict) -> bool:
        return origin is None or origin in allowed or same_origin(origin, environ)

    return check


def create_socket_server(cors_origins: list[str], get_ctx: Callable[[], AppContext]) -> socketio.AsyncServer:
    sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins=origin_checker(cors_origins), logger=False,
                               engineio_logger=False)

    @sio.event
    async def connect(sid: str, environ: dict, auth: object = None) -> None:
        # Only the CONNECT packet's auth payload is read, as in the original; it is never logged.
        token = auth.get("token") if isinstance(auth, dict) else None
        if not isinstance(token, str) or not token:
            raise socketio.exceptions.ConnectionRefusedError(AUTH_ERROR)
        ctx = get_ctx()
        try:
            user = await resolve_principal(ctx, token)
        except AppError:
            raise socketio.exceptions.ConnectionRefusedError(AUTH_ERROR) from None
        # The token stays in this process's memory so the connection can be checked again when the user's
        # credentials change (see bridge_events).
        await sio.save_session(sid, {"user_id": user.id, "token": token})
        await sio.enter_room(sid, user_room(user.id))
        if user.is_admin:
            await sio.enter_room(sid, ADMINS_ROOM)

    @sio.event
    async def request_video_status(sid: str, data: object = None) -> None:
        video_id = data.get("video_id") if isinstance(data, dict) else None
        if not isinstance(video_id, str) or len(video_id) > 64 or text_problem(video_id):
            return  # no video has such an id, and the database could not even be asked (NUL, lone surrogate)
        user_id = (await sio.get_session(sid)).get("user_id")
        ctx = get_ctx()
        async with ctx.sessions.begin() as session:
            video = await VideoRepository(session).get(video_id)
            if video is None or video.user_id != user_id:
                return  # as in the original: nothing is sent for unknown or foreign videos
            record = video_out(video, ctx.signer)
        await sio.emit("video_update", {"video_id": video_id, "video": record}, to=sid)

    return sio


def bridge_events(sio: socketio.AsyncServer, ctx: AppContext) -> None:
    """Forward committed video changes to their owner's room only; when a user's account or tokens change,
    close that user's connections whose token no longer signs in (disabled, password changed, token revoked)."""

    async def forward(event: object) -> None:
        if isinstance(event, VideoUpdated):
            await sio.emit("video_update", {"video_id": event.video_id, "updates": event.updates},
                           room=user_room(event.user_id))
        elif isinstance(event, UserChanged):
            await _drop_signed_out(sio, ctx, event.user_id)
        elif isinstance(event, BudgetNoticeRaised):
            await sio.emit("budget_notice", event.model_dump(), room=ADMINS_ROOM)

    ctx.bus.subscribe(forward)


async def _drop_signed_out(sio: socketio.AsyncServer, ctx: AppContext, user_id: str) -> None:
    for sid, _ in list(sio.manager.get_participants("/", user_room(user_id))):
        token = (await sio.get_session(sid)).get("token")
        try:
            principal = await resolve_principal(ctx, token)
        except AppError:
            await sio.disconnect(sid)
            continue
        if not principal.is_admin:
            await sio.leave_room(sid, ADMINS_ROOM)
