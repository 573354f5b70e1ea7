"""Fetch a finished job's video into storage (temp file, fsync, rename), verify it, make its previews locally."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from sora2.media import MediaError, MediaStorage, make_spritesheet, make_thumbnail, verify_mp4
from sora2.providers.base import Provider, ProviderError

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


async def _fetch(provider: Provider, job_id: str, variant: str, storage: MediaStorage, path: Path) -> None:
    """Stream one provider asset into `path` atomically (the temp file vanishes on any failure)."""
    writer = storage.atomic_writer(path)
    sink = await asyncio.to_thread(writer.__enter__)
    try:
        await provider.download(job_id, variant, sink)  # type: ignore[arg-type]
    except BaseException as exc:
        await asyncio.to_thread(writer.__exit__, type(exc), exc, exc.__traceback__)
        raise
    await asyncio.to_thread(writer.__exit__, None, None, None)  # fsync + rename


def _as_download_error(exc: ProviderError) -> DownloadError:
    if exc.kind in ("not_found", "expired"):
        return DownloadError(f"The provider no longer has this video ({exc.message})", retryable=False, expired=True)
    if exc.kind == "rejected":
        return DownloadError(f"The provider refused the download: {exc.message}", retryable=False)
    return DownloadError(f"Download interrupted: {exc.message}", retryable=True, retry_after=exc.retry_after)


def _verify(path: Path, width: int, height: int, seconds: float | None, exact_size: bool):  # noqa: ANN202
    if exact_size:
        return verify_mp4(path, width, height, seconds)
    info = verify_mp4(path, None, None, seconds)
    if abs(info.width / info.height - width / height) > SHAPE_TOLERANCE * width / height:
        raise MediaError(f"video is {info.width}x{info.height}, expected the shape of {width}x{height}")
    return info


async def download_assets(provider: Provider, job_id: str, video_id: str, size: str, seconds: str,
                          storage: MediaStorage, *, exact_size: bool = True,
                          check_duration: bool = True) -> DownloadedAssets:
    """`exact_size=False`: the size is nominal (aspect ratio + resolution), so only its shape is checked."""
    width, height = (int(v) for v in size.lower().split("x"))
    video_path = storage.video_path(video_id)
    try:
        await _fetch(provider, job_id, "video", storage, video_path)
    except ProviderError as exc:
        raise _as_download_error(exc) from None
    try:
        info = await asyncio.to_thread(_verify, video_path, width, height,
                                       float(seconds) if check_duration else None, exact_size)
    except MediaError as exc:
        await asyncio.to_thread(video_path.unlink, True)
        raise DownloadError(f"Downloaded file failed verification: {exc}", retryable=True) from None
    sprite_path, thumb_path = storage.spritesheet_path(video_id), storage.thumbnail_path(video_id)
    # Previews are made here from the verified file rather than downloaded: the sprite sheet's tile geometry is
    # not in any provider contract, and a local thumbnail is a provider request fewer per video, made in parallel
    # with the sheet (so no later), and the same for every provider.
    _, sprite = await asyncio.gather(asyncio.to_thread(make_thumbnail, video_path, thumb_path),
                                     asyncio.to_thread(make_spritesheet, video_path, sprite_path))
    return DownloadedAssets(file_name=video_path.name, thumbnail_name=thumb_path.name,
                            spritesheet_name=sprite_path.name, sprite=sprite.as_dict(),
                            file_size=info.size_bytes, duration=info.duration_seconds, has_audio=info.has_audio)

