"""The admin dashboard over REST: usage for a period, the ledger as CSV, and any user's videos (read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from sora2.audit import record
from sora2.dashboard.schemas import UsageOut
from sora2.dashboard.service import DashboardService, Period
from sora2.deps import AdminUser, CtxDep, SessionDep
from sora2.errors import NotFound
from sora2.users.repository import UserRepository
from sora2.videos.listing import MAX_OFFSET
from sora2.videos.repository import VideoRepository
from sora2.videos.schemas import VideoList, VideoOut, video_out

router = APIRouter(prefix="/api/admin", tags=["dashboard"])
DayParam = Annotated[str | None, Query(description="YYYY-MM-DD (UTC)", max_length=10)]


async def _record_view(session, admin, action: str, owner_id: str, video_id: str | None) -> None:  # noqa: ANN001
    """Every admin look at someone's videos belongs in the audit log, in this transaction (found under the owner)."""
    owner = await UserRepository(session).get(owner_id)
    target = f"video:{video_id}" if video_id else f"user:{owner_id}"
    await record(session, admin, action, (target, owner.username if owner else None))


@router.get("/usage", response_model=UsageOut)
async def usage(_admin: AdminUser, session: SessionDep, start: DayParam = None, end: DayParam = None) -> UsageOut:
    """Spend and video counts per day, user, provider and model; job health per provider; storage per user.
    The period is whole UTC days from `start` to `end` inclusive (default: the last 30 days)."""
    return await DashboardService(session).usage(Period.parse(start, end))


@router.get("/usage/ledger.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "one row per video"}})
async def ledger(_admin: AdminUser, session: SessionDep, start: DayParam = None, end: DayParam = None) -> Response:
    """The per-video ledger of the period as CSV: who, when, provider, model, seconds, estimate, actual."""
    period = Period.parse(start, end)
    text = await DashboardService(session).ledger_csv(period)
    name = f"sora2-ledger-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/users/{user_id}/videos", response_model=VideoList)
async def user_videos(user_id: str, admin: AdminUser, ctx: CtxDep, session: SessionDep,
                      limit: Annotated[int, Query(ge=1, le=200)] = 50,
                      offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict:
    """One user's videos, newest first, for an admin to look at (read-only)."""
    user = await UserRepository(session).get(user_id)
    if user is None:
        raise NotFound("User not found")
    videos, total = await DashboardService(session).repo.videos_of(user.id, limit, offset)
    await _record_view(session, admin, "admin.videos.list", user.id, None)
    return {"videos": [video_out(v, ctx.signer) for v in videos], "limit": limit, "offset": offset, "total": total}


@router.get("/videos/{video_id}", response_model=VideoOut)
async def any_video(video_id: str, admin: AdminUser, ctx: CtxDep, session: SessionDep) -> dict:
    """Any user's video record, for an admin to look at (read-only)."""
    video = await VideoRepository(session).get(video_id)
    if video is None:
        raise NotFound("Video not found")
    await _record_view(session, admin, "admin.videos.view", video.user_id, video.id)
    return video_out(video, ctx.signer)
