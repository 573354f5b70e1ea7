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

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        temp_name = f"{TEMP_PREFIX}{secrets.token_hex(6)}-{self.path.name}{PARTIAL_SUFFIX}"
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


def atomic_writer(path: Path) -> AtomicWriter:
    return AtomicWriter(path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with AtomicWriter(path) as file:
        file.write(data)
