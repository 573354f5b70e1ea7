"""The media store interface: every byte of the library (videos, previews, reference images) goes through it.

Two backends implement it: `LocalStore` (a folder, the default) and `S3Store` (any S3-compatible object store).
Nothing outside `sora2.media` sees a path of the library; callers speak in keys (see `keys.py`).

Writes become visible only when complete: `stage(key)` hands out a local temp file to fill (a provider download,
an encoder's output) and publishes it when the block ends without error — a rename on a disk, an upload that
completes or leaves nothing in a bucket. Callers verify the file inside the block, so a file that fails
verification is never visible.

`locate(key)` says where a reader can fetch an object without us in the middle: a local path (for sendfile or a
proxy's X-Accel-Redirect) or a short-lived URL (a presigned S3 GET). `read_range` streams it through us.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path

from sora2.media.errors import MediaError
from sora2.media.store.keys import REFERENCES, VIDEOS, checked_id, video_sort_key


class MediaNotFound(MediaError):
    """The object is not in the store."""


class StoreUnavailable(MediaError):
    """The store could not be reached or refused the request (network, credentials, bucket); try again later."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    etag: str  # a strong validator, quoted as in an HTTP ETag header
    modified: float  # seconds since the epoch


@dataclass(frozen=True)
class Location:
    """Where a reader can fetch an object directly: exactly one of `path` (this machine's disk) or `url`
    (valid for `expires_in` seconds)."""

    path: Path | None = None
    url: str | None = None
    expires_in: int = 0


class MediaStore(ABC):
    kind: str  # "local" or "s3"

    @property
    @abstractmethod
    def description(self) -> str:
        """Where the library lives, for logs and the CLI (no credentials)."""

    async def start(self) -> None:
        """Open connections and check the store answers; called once by the app's lifespan."""

    async def close(self) -> None:
        """Release connections."""

    # --- writing --------------------------------------------------------------------------------------

    @abstractmethod
    def stage(self, key: str) -> AbstractAsyncContextManager[Path]:
        """`async with store.stage(key) as path:` fill and check `path`; `key` appears when the block succeeds."""

    @abstractmethod
    async def put_bytes(self, key: str, data: bytes) -> None:
        """Store a small object whole (an image)."""

    @abstractmethod
    async def put_file(self, key: str, source: Path) -> None:
        """Copy a local file into the store, verified (size, and the store's checksum where it has one)."""

    # --- reading --------------------------------------------------------------------------------------

    @abstractmethod
    async def stat(self, key: str) -> StoredObject | None:
        """The object's size and validator, or None when it is not there."""

    @abstractmethod
    def read_range(self, key: str, start: int, length: int) -> AsyncIterator[bytes]:
        """Stream `length` bytes from `start` (raises MediaNotFound when the object is missing)."""

    async def read_bytes(self, key: str) -> bytes:
        info = await self.stat(key)
        if info is None:
            raise MediaNotFound(f"{key} is not in the media store")
        return b"".join([chunk async for chunk in self.read_range(key, 0, info.size)])

    @abstractmethod
    def local_copy(self, key: str) -> AbstractAsyncContextManager[Path]:
        """`async with store.local_copy(key) as path:` a readable local file for decoders (frames, last frame);
        the object itself on a disk, a temp download from a bucket (removed afterwards)."""

    @abstractmethod
    async def locate(self, key: str, *, content_type: str | None = None,
                     download_name: str | None = None) -> Location:
        """Where a client can fetch the object without streaming it through this process."""

    def local_path(self, key: str) -> Path | None:
        """The object's file on this machine's disk, for sending it without a copy through Python; None when the
        store keeps it elsewhere."""
        return None

    @abstractmethod
    async def checksum(self, key: str) -> str | None:
        """The object's MD5 (hex) when the store knows it cheaply, else None."""

    # --- listing and removing -------------------------------------------------------------------------

    @abstractmethod
    def list(self, prefix: str = "") -> AsyncIterator[StoredObject]:
        """Every complete object whose key starts with `prefix` (never a write in progress)."""

    @abstractmethod
    async def delete(self, keys: Iterable[str]) -> None:
        """Remove the objects (objects already gone are no error)."""

    @abstractmethod
    async def cleanup_partials(self, older_than_seconds: float = 0.0) -> int:
        """Remove what interrupted writes left behind; returns how many. With several instances sharing the
        store, pass an age so writes in progress elsewhere survive."""

    # --- a video's objects ----------------------------------------------------------------------------

    async def video_objects(self, video_id: str) -> list[StoredObject]:
        """Every stored object of the video, in a stable order (style references by index)."""
        checked_id(video_id)
        own = re.compile(rf"{VIDEOS}/{re.escape(video_id)}(?:\.mp4|_thumb\.webp|_sprite\.jpg)"
                         rf"|{REFERENCES}/{re.escape(video_id)}_(?:first|last|styleref\d+)\.jpg")
        found = [obj for prefix in (f"{VIDEOS}/{video_id}", f"{REFERENCES}/{video_id}_")
                 async for obj in self.list(prefix) if own.fullmatch(obj.key)]
        return sorted(found, key=lambda obj: video_sort_key(obj.key))

    async def delete_video(self, video_id: str) -> int:
        """Remove every object of the video (an exact pattern: the id "a" never takes "a_styleref1x"'s files);
        returns the bytes freed."""
        objects = await self.video_objects(video_id)
        await self.delete(obj.key for obj in objects)
        return sum(obj.size for obj in objects)
