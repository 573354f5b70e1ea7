"""Streaming a response body to disk: a temp file beside the target, fsync, then an atomic rename."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

# on_progress(received_bytes, total_bytes_or_None)
ProgressCallback = Callable[[int, int | None], Awaitable[None] | None]
EXTENSIONS = {"video": ".mp4", "thumbnail": ".webp", "spritesheet": ".jpg"}
CHUNK = 256 * 1024


def default_filename(video_id: str, variant: str = "video") -> str:
    suffix = "" if variant == "video" else f".{variant}"
    return f"{video_id}{suffix}{EXTENSIONS.get(variant, '.bin')}"


def _total(response: httpx.Response) -> int | None:
    length = response.headers.get("content-length", "")
    return int(length) if length.isdigit() else None


async def _report(on_progress: ProgressCallback | None, received: int, total: int | None) -> None:
    if on_progress is not None:
        result = on_progress(received, total)
        if isinstance(result, Awaitable):
            await result


def _finish(handle, tmp: str, dest: Path) -> None:  # noqa: ANN001
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()
    os.replace(tmp, dest)


async def stream_to_file(response: httpx.Response, dest: Path, on_progress: ProgressCallback | None) -> None:
    """Write the body to `dest`; a partial download never appears under the final name."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = str(dest.parent / f".{dest.name}.{secrets.token_hex(4)}.part")
    # os.open with 0o666 (not mkstemp's 0o600): the finished file gets the user's usual umask permissions.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    handle = os.fdopen(fd, "wb")
    total, received = _total(response), 0
    try:
        await _report(on_progress, 0, total)
        async for chunk in response.aiter_bytes(CHUNK):
            handle.write(chunk)
            received += len(chunk)
            await _report(on_progress, received, total)
        await asyncio.to_thread(_finish, handle, tmp, dest)
    except BaseException:
        handle.close()
        Path(tmp).unlink(missing_ok=True)
        raise
