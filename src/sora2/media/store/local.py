"""The library in a local folder (the default): atomic writes (temp file, fsync, rename), files served by us."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio

from sora2.filemodes import private_dir
from sora2.media.atomic import StagedFile, atomic_write_bytes, is_partial_name, owned_partial_prefix
from sora2.media.store.base import Location, MediaNotFound, MediaStore, StoredObject
from sora2.media.store.keys import FOLDERS, checked_key, is_valid_key

CHUNK = 256 * 1024
UPLOADS = "uploads"  # scratch space for incoming files, swept like partial writes


class LocalStore(MediaStore):
    kind = "local"

    def __init__(self, root: Path, owner: str = "") -> None:
        """`owner` names this instance in its temp files, so its startup sweep can tell them from others'."""
        self.root = Path(root)
        self.owner = owner

    @property
    def description(self) -> str:
        return f"local folder {self.root.resolve()}"

    async def start(self) -> None:
        for folder in (*FOLDERS, UPLOADS):
            private_dir(self.root / folder)  # owner-only, whatever the umask

    def path(self, key: str) -> Path:
        return self.root / checked_key(key)

    # --- writing --------------------------------------------------------------------------------------

    @asynccontextmanager
    async def stage(self, key: str) -> AsyncIterator[Path]:
        staged = StagedFile(self.path(key), self.owner)
        temp = await asyncio.to_thread(staged.create)
        try:
            yield temp
        except BaseException:
            await asyncio.to_thread(staged.discard)
            raise
        await asyncio.to_thread(staged.publish)

    async def put_bytes(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(atomic_write_bytes, self.path(key), data, self.owner)

    async def put_file(self, key: str, source: Path) -> None:
        async with self.stage(key) as temp:
            await asyncio.to_thread(shutil.copyfile, source, temp)
            if temp.stat().st_size != Path(source).stat().st_size:
                raise OSError(f"copy of {source} into the library is incomplete")

    # --- reading --------------------------------------------------------------------------------------

    async def stat(self, key: str) -> StoredObject | None:
        return _stat(self.path(key), key)

    async def read_range(self, key: str, start: int, length: int) -> AsyncIterator[bytes]:
        try:
            handle = await anyio.open_file(self.path(key), "rb")
        except FileNotFoundError:
            raise MediaNotFound(f"{key} is not in the media store") from None
        try:
            await handle.seek(start)
            remaining = length
            while remaining > 0:
                chunk = await handle.read(min(CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
        finally:
            await handle.aclose()

    async def read_bytes(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self.path(key).read_bytes)
        except FileNotFoundError:
            raise MediaNotFound(f"{key} is not in the media store") from None

    @asynccontextmanager
    async def local_copy(self, key: str) -> AsyncIterator[Path]:
        path = self.path(key)
        if not path.is_file():
            raise MediaNotFound(f"{key} is not in the media store")
        yield path  # already on this disk: no copy

    async def locate(self, key: str, *, content_type: str | None = None,
                     download_name: str | None = None) -> Location:
        return Location(path=self.path(key))

    def local_path(self, key: str) -> Path | None:
        return self.path(key)

    async def checksum(self, key: str) -> str | None:
        path = self.path(key)
        return await asyncio.to_thread(_md5_of, path) if path.is_file() else None

    # --- listing and removing -------------------------------------------------------------------------

    async def list(self, prefix: str = "") -> AsyncIterator[StoredObject]:
        for folder in FOLDERS:
            if not (folder.startswith(prefix) or prefix.startswith(folder + "/")):
                continue
            name_prefix = prefix[len(folder) + 1:] if prefix.startswith(folder + "/") else ""
            entries = await asyncio.to_thread(_names, self.root / folder, name_prefix)
            for name in entries:
                info = _stat(self.root / folder / name, f"{folder}/{name}")  # None: deleted meanwhile
                if info is not None:
                    yield info

    async def delete(self, keys: Iterable[str]) -> None:
        paths = [self.path(key) for key in keys]
        await asyncio.to_thread(lambda: [path.unlink(missing_ok=True) for path in paths])

    async def cleanup_partials(self, older_than_seconds: float = 0.0) -> int:
        """This instance's own temp files go whatever their age (at startup none of its writes is running);
        anyone else's only when older than `older_than_seconds`, since several instances may share the folder."""
        return await asyncio.to_thread(self._cleanup, time.time() - older_than_seconds)

    def _cleanup(self, cutoff: float) -> int:
        own = owned_partial_prefix(self.owner) if self.owner else None
        removed = 0
        for folder in (*FOLDERS, UPLOADS):
            directory = self.root / folder
            if not directory.is_dir():
                continue
            for path in directory.iterdir():
                is_scratch = folder == UPLOADS or is_partial_name(path.name)
                mine = own is not None and path.name.startswith(own)
                if is_scratch and path.is_file() and (mine or _modified_before(path, cutoff)):
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed


def _names(directory: Path, prefix: str) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(entry.name for entry in os.scandir(directory)
                  if entry.name.startswith(prefix) and not is_partial_name(entry.name) and entry.is_file()
                  and is_valid_key(f"{directory.name}/{entry.name}"))


def _stat(path: Path, key: str) -> StoredObject | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    # nginx's ETag for the same file (hex mtime in seconds, hex size): a copy validates whether nginx
    # (X-Accel-Redirect) or this server sent it. Library files are written once, by rename.
    return StoredObject(key=key, size=stat.st_size, etag=f'"{int(stat.st_mtime):x}-{stat.st_size:x}"',
                        modified=stat.st_mtime)


def _md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _modified_before(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime <= cutoff
    except FileNotFoundError:
        return False
