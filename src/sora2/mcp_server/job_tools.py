"""Tools that decide a job's fate: cancel it, make it again (retry / edit & retry / resubmit), or dismiss it."""

from __future__ import annotations

import uuid
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from pydantic import Field

import mcp.types as types
from sora2.mcp_server.backend import Backend
from sora2.mcp_server.schemas import CreateResult, VideoInfo

DECIDES = types.ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)
VideoId = Annotated[str, Field(description="The video's id")]


def register_job_tools(mcp: MCPServer, backend: Backend, created: callable) -> None:  # type: ignore[valid-type]
    @mcp.tool(annotations=DECIDES)
    async def cancel_video(ctx: Context, video_id: VideoId) -> VideoInfo:
        """Cancel a queued or running video. The provider job is stopped where its API can; `billing` and the
        message say whether anything was or may have been charged."""
        async with backend.session(ctx) as client:
            return VideoInfo.of(await client.cancel_video(video_id))

    @mcp.tool(annotations=DECIDES)
    async def retry_video(
        ctx: Context, video_id: VideoId,
        prompt: Annotated[str | None, Field(description="A changed prompt; default the old one")] = None,
        model: Annotated[str | None, Field(description="A changed model")] = None,
        size: Annotated[str | None, Field(description="A changed size, WIDTHxHEIGHT")] = None,
        seconds: Annotated[int | None, Field(description="A changed duration")] = None,
        idempotency_key: Annotated[str | None, Field(
            description="The same key returns the same new video if this call is repeated")] = None,
    ) -> CreateResult:
        """Make a failed, cancelled or unconfirmed video again, optionally with changed fields: a new paid job
        linked to the old one (its estimated_cost is what it will cost). Nothing is ever retried without this."""
        changes = {"prompt": prompt, "model": model, "size": size,
                   "seconds": str(seconds) if seconds is not None else None}
        async with backend.session(ctx) as client:
            record = await client.retry_video(video_id, changes,
                                              idempotency_key=idempotency_key or f"mcp-retry-{uuid.uuid4()}")
        return created(record)

    @mcp.tool(annotations=DECIDES)
    async def dismiss_video(ctx: Context, video_id: VideoId) -> VideoInfo:
        """Dismiss an unconfirmed video: the provider never confirmed it, so it may have been charged; nothing
        is resubmitted. (retry_video resubmits it instead.)"""
        async with backend.session(ctx) as client:
            return VideoInfo.of(await client.dismiss_video(video_id))
