"""The `sora2` client commands that organise and share videos: star, unstar, share."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from sora2 import cli_client as cli
from sora2.client import StudioClient, normalize_base_url

async def preset_id(client: StudioClient, name: str | None) -> str | None:
    if not name:
        return None
    presets = (await client.presets())["presets"]
    found = [p for p in presets if name in (p["id"], p["name"])] or \
        [p for p in presets if p["name"].lower() == name.lower()]
    if not found:
        cli._fail(f"no preset named {name!r}; yours: {', '.join(p['name'] for p in presets) or 'none'}")
    return found[0]["id"]


def out_path(out: str | None) -> Path | None:
    """`--out dir/` (or an existing folder) means a folder, made when missing; anything else is a file."""
    if not out:
        return None
    path = Path(out).expanduser()
    if out.endswith(("/", "\\")) or path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
    return path


async def collection_id(client: StudioClient, name: str | None) -> str | None:
    if not name:
        return None
    collections = (await client.collections())["collections"]
    found = [c for c in collections if name == c["id"] or c["name"].lower() == name.lower()]
    if not found:
        cli._fail(f"no collection named {name!r}; yours: {', '.join(c['name'] for c in collections) or 'none'}")
    return found[0]["id"]


VideoId = Annotated[str, typer.Argument(help="Video id, or a unique start of one (as `sora2 list` shows)")]


def star(video_id: VideoId) -> None:
    """Star a video (a favourite; `sora2 list --favourites`)."""
    _set_star(video_id, True)


def unstar(video_id: VideoId) -> None:
    """Take the star off a video."""
    _set_star(video_id, False)


def _set_star(video_id: str, on: bool) -> None:
    async def action(client: StudioClient) -> dict:
        return await client.set_favourite(await client.resolve_id(video_id), on)

    video = cli._with_client(action)
    typer.echo(f"{'starred' if on else 'unstarred'} {video['id']}")


ShowPrompt = Annotated[bool, typer.Option("--show-prompt", help="Show the prompt on the share page")]
Expires = Annotated[int | None, typer.Option("--expires-in-days", min=1, max=365, help="Default: until revoked")]


def share(video_id: VideoId, show_prompt: ShowPrompt = False, expires_in_days: Expires = None) -> None:
    """Make a public, read-only link to a finished video (revoke it in the web studio's Settings)."""
    creds = cli._current_credentials()

    async def action(client: StudioClient) -> dict:
        return await client.create_share(video_id=await client.resolve_id(video_id), show_prompt=show_prompt,
                                         expires_in_days=expires_in_days)

    link = cli._with_client(action, creds)
    expiry = f" (expires {_when_day(link['expires_at'])})" if link.get("expires_at") else ""
    typer.echo(f"{normalize_base_url(creds.url or '')}{link['url']}{expiry}")


def _when_day(epoch: int) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d")
