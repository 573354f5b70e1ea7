"""The tools and resources an agent sees. Each tool is a thin, typed layer over one or two REST calls."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Literal

import mcp.types as types
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from pydantic import Field

from sora2.client.studio import is_terminal
from sora2.client.transfer import default_filename
from sora2.mcp_server.backend import Backend
from sora2.mcp_server.images import load_image
from sora2.mcp_server.job_tools import register_job_tools
from sora2.mcp_server.schemas import (
    CostStats, CreateResult, DeleteResult, DownloadResult, ModelsResult, VariationsResult, VideoInfo, VideoList,
    WaitResult, as_seconds,
)
from sora2.mcp_server.server import StudioMCPServer, tidy_descriptions
from sora2.mcp_server.library_tools import register_library_tools

MAX_WAIT_SECONDS = 45  # below common MCP client timeouts (60 s): agents call again to keep waiting
WAIT_POLL_SECONDS = 0.5
INSTRUCTIONS = """Sora2 Platform makes short AI videos. Typical flow: list_models → create_video → wait_for_video
(call again while done is false) → get_video_frames to look at the result → download_video. remix_video and
continue_video build on a completed video; cancel_video stops one, retry_video makes a failed or cancelled one
again. Videos made by the provider "emulator" are simulated offline renders."""

READ_ONLY = types.ToolAnnotations(read_only_hint=True, open_world_hint=False)
CREATES = types.ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)

VideoId = Annotated[str, Field(description="The video's id, as returned by create_video or list_videos")]
Orientation = Literal["landscape", "portrait", "square"]


def _created(record: dict) -> CreateResult:
    return CreateResult(id=record["id"], status=record["status"], model=record["model"], size=record["size"],
                        seconds=as_seconds(record["seconds"]), provider=record.get("provider"),
                        emulated=bool(record.get("emulated")), estimated_cost=record.get("cost") or 0.0,
                        batch_id=record.get("batch_id"))


async def _preset_id(client, preset: str | None) -> str | None:  # noqa: ANN001
    if not preset:
        return None
    presets = (await client.presets())["presets"]
    found = next((p["id"] for p in presets if preset in (p["id"], p["name"])), None)
    if found is None:
        raise ToolError(f"No preset {preset!r}; call list_presets for the names")
    return found


def _shape(width: int, height: int) -> str:
    return "landscape" if width > height else "portrait" if height > width else "square"


def _pick_shape(models: dict, provider: str | None, model: str | None, orientation: Orientation) -> dict[str, str]:
    """The size (or aspect ratio) of the wanted orientation that the chosen model offers."""
    candidates = [p for p in models["providers"] if provider in (None, p["id"])]
    wanted = model or (models.get("default_model") if provider in (None, models.get("default_provider")) else None)
    caps = next((m for p in candidates for m in p["models"] if wanted in (None, m["id"])), None)
    if caps is None:
        return {}  # the REST API names the allowed models
    for ratio in caps.get("aspect_ratios") or []:
        w, _, h = ratio.partition(":")
        if w.isdigit() and h.isdigit() and _shape(int(w), int(h)) == orientation:
            return {"aspect_ratio": ratio}
    for size in caps.get("sizes") or []:
        w, _, h = size.partition("x")
        if w.isdigit() and h.isdigit() and _shape(int(w), int(h)) == orientation:
            return {"size": size}
    raise ToolError(f"Model {caps['id']} offers no {orientation} size; sizes: {', '.join(caps.get('sizes') or [])}")


def build_server(backend: Backend) -> StudioMCPServer:
    mcp = StudioMCPServer("sora2", title="Sora2 Platform", instructions=INSTRUCTIONS, version="0.1.0")

    @mcp.tool(annotations=READ_ONLY)
    async def list_models(ctx: Context) -> ModelsResult:
        """The configured video providers and their models: sizes or aspect ratios and resolutions, durations,
        features (image reference, remix, extend, audio) and price per second in USD."""
        async with backend.session(ctx) as client:
            return ModelsResult.model_validate(await client.providers())

    @mcp.tool(annotations=CREATES)
    async def create_video(
        ctx: Context,
        prompt: Annotated[str, Field(description="What the video shows: subject, action, setting, camera, light")],
        model: Annotated[str | None, Field(description="A model id from list_models; default: the server's")] = None,
        provider: Annotated[str | None, Field(description="A provider id from list_models")] = None,
        size: Annotated[str | None, Field(description="WIDTHxHEIGHT, e.g. 1280x720 (see list_models)")] = None,
        orientation: Annotated[Orientation | None, Field(description="Pick a size by shape instead of size")] = None,
        seconds: Annotated[int | None, Field(description="Duration; one of the model's durations")] = None,
        aspect_ratio: Annotated[str | None, Field(description="e.g. 16:9, for models described by ratio")] = None,
        resolution: Annotated[str | None, Field(description="e.g. 720p, for models described by ratio")] = None,
        image_path: Annotated[str | None, Field(description="Local image file as the first frame (stdio only)")] = None,
        image_url: Annotated[str | None, Field(description="http(s) URL of an image to use as the first frame")] = None,
        image_base64: Annotated[str | None, Field(description="Base64 (or data: URL) image as the first frame")] = None,
        preset: Annotated[str | None, Field(description="A preset's name or id (list_presets): fills the "
                                                        "settings not given and adds its prompt style")] = None,
        idempotency_key: Annotated[str | None, Field(description="Any unique string; calling again with the same "
                                                                 "key returns the same video, never a second job",
                                                     max_length=255)] = None,
    ) -> CreateResult:
        """Start generating a video from a prompt and an optional reference image (the image is fitted to the
        size and becomes the first frame). Returns at once with the id, status and estimated cost; follow it with
        wait_for_video. Pass an idempotency_key so a retried call cannot pay for a second video."""
        image = await load_image(path=image_path, url=image_url, data=image_base64, local_files=backend.local_files,
                                 fetch_private_urls=backend.fetch_private_urls)
        async with backend.session(ctx) as client:
            extra = {"aspect_ratio": aspect_ratio, "resolution": resolution,
                     "preset_id": await _preset_id(client, preset)}
            if orientation and not size and not aspect_ratio:
                extra.update(_pick_shape(await client.providers(), provider, model, orientation))
            size = extra.pop("size", size)
            record = await client.create_video(
                prompt, model=model, size=size, seconds=seconds, provider=provider,
                image=image[0] if image else None, image_filename=image[1] if image else "reference.png",
                extra={k: v for k, v in extra.items() if v is not None}, idempotency_key=idempotency_key)
        return _created(record)

    @mcp.tool(annotations=CREATES)
    async def create_variations(
        ctx: Context,
        prompt: Annotated[str, Field(description="What the videos show")],
        count: Annotated[int, Field(ge=1, le=4, description="How many variations, 1 to 4")] = 2,
        model: Annotated[str | None, Field(description="A model id from list_models")] = None,
        size: Annotated[str | None, Field(description="WIDTHxHEIGHT, e.g. 1280x720")] = None,
        seconds: Annotated[int | None, Field(description="Duration; one of the model's durations")] = None,
        preset: Annotated[str | None, Field(description="A preset's name or id (list_presets)")] = None,
        idempotency_key: Annotated[str | None, Field(description="Calling again with the same key returns the "
                                                                 "same videos", max_length=200)] = None,
    ) -> VariationsResult:
        """Start several variations of one prompt to compare: each is its own job (and costs its own estimate),
        all share a batch_id (list_videos with batch_id shows them together)."""
        async with backend.session(ctx) as client:
            batch = await client.create_variations(prompt, count, model=model, size=size, seconds=seconds,
                                                   preset_id=await _preset_id(client, preset),
                                                   idempotency_key=idempotency_key)
        return VariationsResult(batch_id=batch["batch_id"], videos=[_created(v) for v in batch["videos"]],
                                estimated_total=batch["estimated_total"])

    @mcp.tool(annotations=READ_ONLY)
    async def get_video(ctx: Context, video_id: VideoId) -> VideoInfo:
        """One video's status, progress, parameters, costs and lineage."""
        async with backend.session(ctx) as client:
            return VideoInfo.of(await client.get_video(video_id))

    @mcp.tool(annotations=READ_ONLY)
    async def list_videos(
        ctx: Context,
        status: Annotated[Literal["queued", "in_progress", "completed", "failed"] | None,
                          Field(description="Only videos in this state")] = None,
        model: Annotated[str | None, Field(description="Only videos of this model")] = None,
        query: Annotated[str | None, Field(description="Words the prompt contains")] = None,
        limit: Annotated[int, Field(ge=1, le=100, description="Page size")] = 20,
        offset: Annotated[int, Field(ge=0, description="How many to skip")] = 0,
        favourites_only: Annotated[bool, Field(description="Only starred videos")] = False,
        collection_id: Annotated[str | None, Field(description="Only videos in this collection")] = None,
        batch_id: Annotated[str | None, Field(description="Only the variations of this batch")] = None,
        sort: Annotated[Literal["newest", "oldest", "duration", "cost"], Field(description="Order")] = "newest",
        date_from: Annotated[str | None, Field(description="Made on or after this day, YYYY-MM-DD")] = None,
        date_to: Annotated[str | None, Field(description="Made on or before this day, YYYY-MM-DD")] = None,
    ) -> VideoList:
        """Your videos, with filters (status, model, words, star, collection, batch, dates), sort and paging."""
        async with backend.session(ctx) as client:
            page = await client.list_videos(limit=limit, offset=offset, status=status, model=model, q=query,
                                            favourite=True if favourites_only else None, collection=collection_id,
                                            batch=batch_id, sort=sort, date_from=date_from, date_to=date_to)
        return VideoList(videos=[VideoInfo.of(v) for v in page["videos"]], total=page.get("total"),
                         limit=page["limit"], offset=page["offset"])

    @mcp.tool(annotations=READ_ONLY)
    async def wait_for_video(
        ctx: Context, video_id: VideoId,
        timeout_seconds: Annotated[int, Field(ge=1, le=MAX_WAIT_SECONDS,
                                              description=f"At most {MAX_WAIT_SECONDS} s per call")] = 40,
    ) -> WaitResult:
        """Wait until the video is finished (completed and downloaded, or failed), at most ~45 s per call so no
        client times out. If done is false, call it again to keep waiting; progress is reported meanwhile."""
        started = time.monotonic()

        async def report(video: dict) -> None:
            await ctx.report_progress(video.get("progress") or 0, 100, f"{video['status']} {video.get('progress')}%")

        async with backend.session(ctx) as client:
            video = await client.wait_for_video(video_id, timeout=min(timeout_seconds, MAX_WAIT_SECONDS),
                                                on_update=report, poll_interval=WAIT_POLL_SECONDS)
        done = is_terminal(video)
        info = VideoInfo.of(video)
        if not done:
            message = f"Still {info.status} ({info.progress}%); call wait_for_video again to keep waiting."
        elif info.status == "failed":
            what = {"cancelled": "was cancelled", "unconfirmed": "is unconfirmed (it may have been charged; "
                    "retry_video resubmits it, dismiss_video accepts it)"}.get(info.state, "failed")
            message = f"The video {what}: {info.error_message or 'no reason given'}"
        elif info.download_state == "done":
            message = "Ready. Use get_video_frames to look at it or download_video to fetch the MP4."
        else:
            message = f"Generated, but the download is {info.download_state}: {video.get('download_error') or ''}"
        return WaitResult(done=done, video=info, waited_seconds=round(time.monotonic() - started, 2),
                          message=message.strip())

    @mcp.tool(annotations=CREATES)
    async def remix_video(
        ctx: Context, video_id: VideoId,
        prompt: Annotated[str, Field(description="The change to make, e.g. 'same scene at night'")],
    ) -> CreateResult:
        """Make a new video from a completed one with a changed prompt (where the provider can remix)."""
        async with backend.session(ctx) as client:
            return _created(await client.remix_video(video_id, prompt))

    @mcp.tool(annotations=CREATES)
    async def continue_video(
        ctx: Context, video_id: VideoId,
        prompt: Annotated[str, Field(description="What happens next")],
        model: Annotated[str | None, Field(description="Model for the new clip; default the source's")] = None,
        seconds: Annotated[int | None, Field(description="Duration of the new clip")] = None,
    ) -> CreateResult:
        """Continue a completed video: a new clip that starts where it ends (native extension where the provider
        has it, else its last frame as the first frame)."""
        async with backend.session(ctx) as client:
            return _created(await client.continue_video(video_id, prompt, model=model, seconds=seconds))

    @mcp.tool(annotations=READ_ONLY)
    async def get_video_frames(
        ctx: Context, video_id: VideoId,
        count: Annotated[int, Field(ge=1, le=10, description="How many frames, spread over the clip")] = 3,
    ) -> types.CallToolResult:
        """A few frames of a completed video as JPEG images (the last one is the final frame), so you can see
        what was made."""
        async with backend.session(ctx) as client:
            shots = await client.screenshots(video_id, count)
        frames = shots["frames"]
        content: list = [types.TextContent(type="text", text=f"{len(frames)} frames of video {video_id}: "
                                                             f"{shots.get('prompt', '')}")]
        content += [types.ImageContent(type="image", data=f["data"], mime_type="image/jpeg") for f in frames]
        return types.CallToolResult(content=content, structured_content={
            "video_id": video_id, "frame_count": len(frames),
            "frames": [{"frame_number": f["frame_number"], "is_final_frame": f["is_final_frame"]} for f in frames]})

    @mcp.tool(annotations=types.ToolAnnotations(read_only_hint=True, open_world_hint=False))
    async def download_video(
        ctx: Context, video_id: VideoId,
        path: Annotated[str | None, Field(description="stdio only: a file or folder to write to (default: the "
                                                       "current folder, <id>.mp4)")] = None,
        variant: Annotated[Literal["video", "thumbnail", "spritesheet"], Field(description="Which file")] = "video",
    ) -> DownloadResult:
        """Get a completed video's MP4 (or thumbnail / sprite sheet). The local stdio server writes it to a path;
        over HTTP you get a short-lived signed URL that needs no token."""
        async with backend.session(ctx) as client:
            if backend.local_files:
                target = Path(path).expanduser() if path else Path.cwd() / default_filename(video_id, variant)
                written = await client.download(video_id, target, variant=variant)
                return DownloadResult(video_id=video_id, path=str(written.resolve()), bytes=written.stat().st_size,
                                      variant=variant)
            if path:
                raise ToolError("path works only with the local stdio server; over HTTP you get a signed URL")
            video = await client.get_video(video_id)
        signed = (video.get("media") or {}).get(variant)
        if video["status"] != "completed" or not signed:
            raise ToolError(f"Video {video_id} has no {variant} yet (status {video['status']}, "
                            f"download {video.get('download_state')})")
        return DownloadResult(video_id=video_id, url=backend.absolute_url(ctx, signed), variant=variant)

    @mcp.tool(annotations=types.ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=False))
    async def delete_video(ctx: Context, video_id: VideoId) -> DeleteResult:
        """Delete a video and all its files. This cannot be undone."""
        async with backend.session(ctx) as client:
            result = await client.delete_video(video_id)
        return DeleteResult(success=bool(result.get("success")), video_id=video_id)

    @mcp.tool(annotations=READ_ONLY)
    async def get_cost_stats(ctx: Context) -> CostStats:
        """What your videos cost in USD, the estimate and what was actually charged told apart (simulated
        emulator videos are $0), and the whole platform's figures for admins."""
        async with backend.session(ctx) as client:
            return CostStats.model_validate(await client.cost_stats())

    register_job_tools(mcp, backend, _created)
    register_library_tools(mcp, backend)

    @mcp.resource("sora2://videos/{video_id}", name="video", mime_type="application/json",
                  description="A video's metadata (the same as get_video)")
    async def video_resource(video_id: str, ctx: Context) -> str:
        try:
            async with backend.session(ctx) as client:
                return VideoInfo.of(await client.get_video(video_id)).model_dump_json()
        except ToolError as exc:
            raise ResourceError(str(exc)) from None

    @mcp.resource("sora2://videos/{video_id}/thumbnail", name="thumbnail", mime_type="image/webp",
                  description="A completed video's thumbnail image")
    async def thumbnail_resource(video_id: str, ctx: Context) -> bytes:
        try:
            async with backend.session(ctx) as client:
                return await client.content(video_id, "thumbnail")
        except ToolError as exc:
            raise ResourceError(str(exc)) from None

    tidy_descriptions(mcp)
    return mcp

