"""Tools that organise and share: stars, collections, presets, share links, bulk actions, ZIP downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import mcp.types as types
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from sora2.mcp_server.backend import Backend
from sora2.mcp_server.library_schemas import (
    BulkResult, CollectionInfo, CollectionsResult, MembershipResult, PresetsResult, ShareInfo, SharesResult,
    StarResult, ZipResult,
)

READ_ONLY = types.ToolAnnotations(read_only_hint=True, open_world_hint=False)
CHANGES = types.ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                open_world_hint=False)
VideoIds = Annotated[list[str], Field(min_length=1, max_length=100, description="Video ids (list_videos)")]
CollectionId = Annotated[str, Field(description="A collection id from list_collections")]


def _collection(record: dict) -> CollectionInfo:
    return CollectionInfo(**{k: record.get(k) for k in CollectionInfo.model_fields if k in record})


def _share(backend: Backend, ctx: Context, record: dict) -> ShareInfo:
    fields = {k: record.get(k) for k in ShareInfo.model_fields if k in record}
    return ShareInfo(**{**fields, "url": backend.absolute_url(ctx, record["url"])})


def register_library_tools(mcp: MCPServer, backend: Backend) -> None:  # noqa: C901  (one closure per tool)
    @mcp.tool(annotations=CHANGES)
    async def star_video(ctx: Context, video_id: Annotated[str, Field(description="The video's id")],
                         favourite: Annotated[bool, Field(description="false takes the star off")] = True,
                         ) -> StarResult:
        """Star a video as a favourite (or take the star off); list_videos with favourites_only finds them."""
        async with backend.session(ctx) as client:
            record = await client.set_favourite(video_id, favourite)
        return StarResult(video_id=record["id"], favourite=record["favourite"])

    @mcp.tool(annotations=READ_ONLY)
    async def list_collections(
        ctx: Context, video_id: Annotated[str | None, Field(description="Also say which hold this video")] = None,
    ) -> CollectionsResult:
        """Your collections (projects, boards) with their video counts."""
        async with backend.session(ctx) as client:
            found = await client.collections(video_id)
        return CollectionsResult(collections=[_collection(c) for c in found["collections"]])

    @mcp.tool(annotations=types.ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False))
    async def create_collection(ctx: Context, name: Annotated[str, Field(min_length=1, max_length=100)],
                                ) -> CollectionInfo:
        """Create an empty collection (names are unique per user)."""
        async with backend.session(ctx) as client:
            return _collection(await client.create_collection(name))

    @mcp.tool(annotations=CHANGES)
    async def add_to_collection(ctx: Context, collection_id: CollectionId, video_ids: VideoIds) -> MembershipResult:
        """Put videos into a collection (a video can be in several)."""
        async with backend.session(ctx) as client:
            result = await client.add_to_collection(collection_id, video_ids)
        return MembershipResult(collection=_collection(result["collection"]), changed=result["changed"])

    @mcp.tool(annotations=CHANGES)
    async def remove_from_collection(ctx: Context, collection_id: CollectionId,
                                     video_id: Annotated[str, Field(description="The video to take out")],
                                     ) -> MembershipResult:
        """Take a video out of a collection; the video itself stays in your library."""
        async with backend.session(ctx) as client:
            result = await client.remove_from_collection(collection_id, video_id)
        return MembershipResult(collection=_collection(result["collection"]), changed=result["changed"])

    @mcp.tool(annotations=READ_ONLY)
    async def list_presets(ctx: Context) -> PresetsResult:
        """Saved settings you can pass to create_video as preset: the shared ones and your own, each with the
        model, shape, duration and prompt style it fixes."""
        async with backend.session(ctx) as client:
            found = await client.presets()
        return PresetsResult.model_validate({"presets": [{k: v for k, v in p.items() if v is not None}
                                                         for p in found["presets"]]})

    @mcp.tool(annotations=types.ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True))
    async def share(
        ctx: Context,
        video_id: Annotated[str | None, Field(description="A finished video to share…")] = None,
        collection_id: Annotated[str | None, Field(description="…or a whole collection")] = None,
        show_prompt: Annotated[bool, Field(description="Show the prompt on the page")] = False,
        expires_in_days: Annotated[int | None, Field(ge=1, le=365, description="Default: until revoked")] = None,
    ) -> ShareInfo:
        """Make a public, read-only link anyone can open without an account. It shows only the video(s) and,
        if chosen, the prompt. Revoke it with revoke_share."""
        async with backend.session(ctx) as client:
            record = await client.create_share(video_id=video_id, collection_id=collection_id,
                                               show_prompt=show_prompt, expires_in_days=expires_in_days)
        return _share(backend, ctx, record)

    @mcp.tool(annotations=READ_ONLY)
    async def list_shares(ctx: Context) -> SharesResult:
        """Your share links with their state and view counts."""
        async with backend.session(ctx) as client:
            found = await client.shares()
        return SharesResult(shares=[_share(backend, ctx, s) for s in found["shares"]])

    @mcp.tool(annotations=types.ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=False))
    async def revoke_share(ctx: Context, share_id: Annotated[str, Field(description="From share or list_shares")],
                           ) -> ShareInfo:
        """Revoke a share link: it stops working at once."""
        async with backend.session(ctx) as client:
            await client.revoke_share(share_id)
            found = await client.shares()
        return _share(backend, ctx, next(s for s in found["shares"] if s["id"] == share_id))

    @mcp.tool(annotations=types.ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=False))
    async def bulk_videos(
        ctx: Context,
        action: Literal["delete", "favourite", "unfavourite", "add_to_collection", "remove_from_collection"],
        video_ids: VideoIds,
        collection_id: Annotated[str | None, Field(description="For the collection actions")] = None,
    ) -> BulkResult:
        """Apply one action to several videos at once. delete cannot be undone."""
        async with backend.session(ctx) as client:
            return BulkResult.model_validate(await client.bulk(action, video_ids, collection_id))

    @mcp.tool(annotations=READ_ONLY)
    async def download_videos_zip(
        ctx: Context, video_ids: VideoIds,
        path: Annotated[str | None, Field(description="stdio only: a .zip file or a folder to write to")] = None,
    ) -> ZipResult:
        """Several finished videos as one ZIP of their MP4s. Over HTTP you get a short-lived signed URL; the
        local stdio server writes the file."""
        async with backend.session(ctx) as client:
            prepared = await client.prepare_archive(video_ids)
            result = ZipResult(count=prepared["count"], bytes=prepared["bytes"], skipped=prepared["skipped"])
            if not backend.local_files:
                if path:
                    raise ToolError("path works only with the local stdio server; over HTTP you get a signed URL")
                return result.model_copy(update={"url": backend.absolute_url(ctx, prepared["url"])})
            target = Path(path).expanduser() if path else Path.cwd()
            if target.is_dir():
                target = target / f"sora2-videos-{prepared['count']}.zip"
            written = await client.download_url(prepared["url"], target)
        return result.model_copy(update={"path": str(written.resolve())})
