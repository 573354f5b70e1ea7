"""Fetch a finished job's video into the media store, verify it, make its previews locally.

The video streams into a staged local file (never whole in memory), is verified there, and only then becomes
visible in the store (a rename on disk, a completed upload to a bucket); a file that fails verification never
shows up under its key.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sora2.media import MediaError, MediaStore
from sora2.media.store.keys import name_of, spritesheet_key, thumbnail_key, video_key
from sora2.providers.base import Provider, ProviderError

if TYPE_CHECKING:
    from sora2.media import SpriteInfo

SHAPE_TOLERANCE = 0.05  # 864x496 is "480p 16:9" too


class DownloadError(Exception):
    def __init__(self, message: str, *, retryable: bool, expired: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.expired = expired
        self.retry_after = retry_after


@dataclass
class DownloadedAssets:
    file_name: str
    thumbnail_name: str
    spritesheet_name: str
    sprite: dict
    file_size: int
    duration: float
    has_audio: bool


async def _fetch(provider: Provider, job_id: str, variant: str, path: Path) -> None:
    """Stream one provider asset into the staged file `path`."""
    sink = await asyncio.to_thread(open, path, "wb")
    try:
        await provider.download(job_id, variant, sink)  # type: ignore[arg-type]
    finally:
        await asyncio.to_thread(sink.close)


def _as_download_error(exc: ProviderError) -> DownloadError:
    if exc.kind in ("not_found", "expired"):
        return DownloadError(f"The provider no longer has this video ({exc.message})", retryable=False, expired=True)
    if exc.kind == "rejected":
        return DownloadError(f"The provider refused the download: {exc.message}", retryable=False)
    return DownloadError(f"Download interrupted: {exc.message}", retryable=True, retry_after=exc.retry_after)


def _verify(path: Path, width: int, height: int, seconds: float | None, exact_size: bool):  # noqa: ANN202
    from sora2.media import verify_mp4  # PyAV loads with the first download, not at start (sora2.media)

    if exact_size:
        return verify_mp4(path, width, height, seconds)
    info = verify_mp4(path, None, None, seconds)
    if abs(info.width / info.height - width / height) > SHAPE_TOLERANCE * width / height:
        raise MediaError(f"video is {info.width}x{info.height}, expected the shape of {width}x{height}")
    return info


async def download_assets(provider: Provider, job_id: str, video_id: str, size: str, seconds: str,
                          store: MediaStore, *, exact_size: bool = True,
                          check_duration: bool = True) -> DownloadedAssets:
    """`exact_size=False`: the size is nominal (aspect ratio + resolution), so only its shape is checked."""
    width, height = (int(v) for v in size.lower().split("x"))
    expected_seconds = float(seconds) if check_duration else None
    try:
        async with store.stage(video_key(video_id)) as staged:  # visible only if this block succeeds
            try:
                await _fetch(provider, job_id, "video", staged)
            except ProviderError as exc:
                raise _as_download_error(exc) from None
            try:
                info = await asyncio.to_thread(_verify, staged, width, height, expected_seconds, exact_size)
            except MediaError as exc:
                raise DownloadError(f"Downloaded file failed verification: {exc}", retryable=True) from None
            sprite = await _store_previews(staged, video_id, store)
    except MediaError as exc:  # the store could not take the files (StoreUnavailable): try again later
        raise DownloadError(f"Could not store the video: {exc}", retryable=True) from None
    return DownloadedAssets(file_name=name_of(video_key(video_id)), thumbnail_name=name_of(thumbnail_key(video_id)),
                            spritesheet_name=name_of(spritesheet_key(video_id)), sprite=sprite.as_dict(),
                            file_size=info.size_bytes, duration=info.duration_seconds, has_audio=info.has_audio)


async def _store_previews(video: Path, video_id: str, store: MediaStore) -> SpriteInfo:
    """Previews are made here from the verified file rather than downloaded: the sprite sheet's tile geometry is
    not in any provider contract, and a local thumbnail is a provider request fewer per video, made in parallel
    with the sheet (so no later), and the same for every provider."""
    from sora2.media import spritesheet_bytes, thumbnail_bytes

    thumbnail, (sheet, sprite) = await asyncio.gather(asyncio.to_thread(thumbnail_bytes, video),
                                                      asyncio.to_thread(spritesheet_bytes, video))
    await asyncio.gather(store.put_bytes(thumbnail_key(video_id), thumbnail),
                         store.put_bytes(spritesheet_key(video_id), sheet))
    return sprite
