"""The `sora2` commands that decide a job's fate: cancel, retry (and edit & retry), dismiss."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Annotated

import typer

from sora2.cli_client import (
    AsJson, AspectRatio, Model, Out, Resolution, Seconds, Size, Timeout, VideoId, Wait, Yes,
    DEFAULT_WAIT_SECONDS, _fail, _guard, _wait_and_download, _with_client,
)
from sora2.client import StudioClient
from sora2.client.display import echo_json, human_size, print_created

NewPrompt = Annotated[str | None, typer.Option("--prompt", help="A changed prompt (edit & retry)")]


def cancel(video_id: VideoId, as_json: AsJson = False) -> None:
    """Cancel a queued or running video; says what was or may have been charged."""
    video = _with_client(lambda c: c.cancel_video(video_id))
    if as_json:
        echo_json(video)
    else:
        typer.echo(f"cancelled {video_id}: {video.get('error_message')}")


def dismiss(video_id: VideoId) -> None:
    """Dismiss an unconfirmed video (it may have been charged); nothing is resubmitted."""
    video = _with_client(lambda c: c.dismiss_video(video_id))
    typer.echo(f"dismissed {video_id}: {video.get('error_message')}")


async def _estimate(client: StudioClient, video_id: str, changes: dict) -> tuple[dict, dict]:
    old = await client.get_video(video_id)
    fields = {"model": old.get("model"), "size": old.get("size"), "seconds": old.get("seconds")}
    if "model" not in changes:
        fields["provider"] = old.get("provider")
    if any(k in changes for k in ("aspect_ratio", "resolution", "model")):
        fields.pop("size")
    return old, await client.estimate({**fields, **changes})


def _confirm(old: dict, estimate: dict, yes: bool) -> None:
    cost = "nothing (emulated)" if estimate.get("emulated") else f"about ${estimate['cost']:.2f}"
    typer.echo(f"{old['id']} is {old.get('state', old.get('status'))}; a new {estimate['model']} "
               f"{estimate['size']} {estimate['seconds']}s video will cost {cost}.", err=True)
    if yes:
        return
    if not sys.stdin.isatty():
        _fail("refusing to start a paid job without confirmation; pass --yes")
    if not typer.confirm("Make it again?", default=False):
        _fail("not retried")


def retry(video_id: VideoId, prompt: NewPrompt = None, model: Model = None, size: Size = None,
          seconds: Seconds = None, aspect_ratio: AspectRatio = None, resolution: Resolution = None,
          yes: Yes = False, wait: Wait = False, out: Out = None, timeout: Timeout = DEFAULT_WAIT_SECONDS,
          as_json: AsJson = False) -> None:
    """Make a failed, cancelled or unconfirmed video again (options change its fields); shows the cost first."""
    changes = {k: v for k, v in (("prompt", prompt), ("model", model), ("size", size), ("seconds", seconds),
                                 ("aspect_ratio", aspect_ratio), ("resolution", resolution)) if v is not None}
    key = f"cli-retry-{uuid.uuid4()}"  # one new job even if this request is sent twice

    async def action(client: StudioClient) -> tuple[dict, Path | None]:
        old, estimate = await _estimate(client, video_id, changes)
        _confirm(old, estimate, yes)
        video = await client.retry_video(video_id, changes, idempotency_key=key)
        if not as_json:
            print_created(video)
        if not (wait or out):
            return video, None
        return await _wait_and_download(client, video, out, timeout, as_json)

    video, saved = _with_client(action)
    if as_json:
        echo_json(video)
    elif saved is not None:
        typer.echo(f"saved {saved} ({human_size(saved.stat().st_size)})")


def register(app: typer.Typer) -> None:
    for name, command in (("cancel", cancel), ("retry", retry), ("dismiss", dismiss)):
        app.command(name, rich_help_panel="Client (talks to a running server)")(_guard(command))
