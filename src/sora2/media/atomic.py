"""Crash-safe file writes: a temp file in the target's folder, fsync, os.replace, fsync of the folder.

A reader therefore sees either the old file or the complete new one, never a half-written file, and a crash
leaves only a temp file whose name `is_partial_name` recognises, so startup can sweep it away.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

TEMP_PREFIX = ".tmp-"
PARTIAL_SUFFIX = ".part"


def owned_partial_prefix(owner: str) -> str:
    """How the temp files of one writer (an instance) start: it may sweep its own at once after a crash, while
    other instances' in a shared folder are left until they are old."""
    return f"{TEMP_PREFIX}{owner}~" if owner else TEMP_PREFIX


def is_partial_name(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) or name.endswith(PARTIAL_SUFFIX)


def _fsync_dir(directory: Path) -> None:
    # The rename lives in the directory entry; without this a power cut can undo it. Some filesystems refuse
    # to fsync a directory: the file is already in place by then, so that must not turn into a failed write.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AtomicWriter:
    """Context manager yielding a binary file; `path` appears only if the block finishes without error.

    __enter__ and __exit__ may run on different threads (callers wrap each in asyncio.to_thread).
    """

    def __init__(self, path: Path, owner: str = "") -> None:
        """`owner` tags the temp file's name with the writer (see `owned_partial_prefix`)."""
        self.path = Path(path)
        temp_name = f"{owned_partial_prefix(owner)}{secrets.token_hex(6)}-{self.path.name}{PARTIAL_SUFFIX}"
        self.temp_path = self.path.with_name(temp_name)
        self._file: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # owner-only media
        self._file = os.fdopen(fd, "wb")
        return self._file

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._file is not None, "AtomicWriter exited without being entered"
        if exc_type is not None:
            self._discard()
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self.temp_path, self.path)
        except BaseException:
            self._discard()
            raise
        _fsync_dir(self.path.parent)

    def _discard(self) -> None:
        assert self._file is not None
        self._file.close()
        self.temp_path.unlink(missing_ok=True)


class StagedFile:
    """A temp file beside `path` that a caller fills by name (a download, an encoder), then `publish`es.

    Until `publish`, readers see the old file or none; `discard` (or a crash, which the sweep cleans) leaves
    nothing behind. The temp file lives in the target's folder, so the rename is atomic. `owner` tags its name as
    AtomicWriter's does.
    """

    def __init__(self, path: Path, owner: str = "") -> None:
        self.path = Path(path)
        self.temp_path = self.path.with_name(
            f"{owned_partial_prefix(owner)}{secrets.token_hex(6)}-{self.path.name}{PARTIAL_SUFFIX}")

    def create(self) -> Path:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(self.temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # owner-only media
        return self.temp_path

    def publish(self) -> None:
        try:
            fd = os.open(self.temp_path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(self.temp_path, self.path)
        except BaseException:
            self.discard()
            raise
        _fsync_dir(self.path.parent)

    def discard(self) -> None:
        self.temp_path.unlink(missing_ok=True)


def atomic_writer(path: Path, owner: str = "") -> AtomicWriter:
    return AtomicWriter(path, owner)


def atomic_write_bytes(path: Path, data: bytes, owner: str = "") -> None:
    with AtomicWriter(path, owner) as file:
        file.write(data)
