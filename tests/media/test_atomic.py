"""Crash-safe writes on a disk: AtomicWriter (a file handle) and StagedFile (a temp file filled by name)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sora2.media import atomic_write_bytes, atomic_writer
from sora2.media.atomic import StagedFile, is_partial_name


def _names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_atomic_writer_publishes_the_file_only_when_the_block_succeeds(tmp_path: Path) -> None:
    target = tmp_path / "v1.mp4"
    with atomic_writer(target) as file:
        file.write(b"part one ")
        assert not target.exists()  # readers never see a half-written file
        file.write(b"part two")
    assert target.read_bytes() == b"part one part two"
    assert _names(tmp_path) == ["v1.mp4"]


def test_atomic_writer_leaves_no_temp_file_and_the_old_file_intact_on_error(tmp_path: Path) -> None:
    target = tmp_path / "v1.mp4"
    atomic_write_bytes(target, b"previous complete file")
    with pytest.raises(RuntimeError, match="connection dropped"):
        with atomic_writer(target) as file:
            file.write(b"half of the new")
            raise RuntimeError("connection dropped")
    assert target.read_bytes() == b"previous complete file"
    assert _names(tmp_path) == ["v1.mp4"]


def test_atomic_writer_can_be_entered_and_exited_on_different_threads(tmp_path: Path) -> None:
    target = tmp_path / "v1.mp4"
    writer = atomic_writer(target)
    handles = []
    enter = threading.Thread(target=lambda: handles.append(writer.__enter__()))
    enter.start()
    enter.join()
    handles[0].write(b"streamed")
    leave = threading.Thread(target=writer.__exit__, args=(None, None, None))
    leave.start()
    leave.join()
    assert target.read_bytes() == b"streamed"


def test_atomic_write_bytes_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "file.bin"
    atomic_write_bytes(target, b"data")
    assert target.read_bytes() == b"data"
    assert _names(target.parent) == ["file.bin"]


def test_a_staged_file_is_filled_by_name_and_published_by_rename(tmp_path: Path) -> None:
    target = tmp_path / "videos" / "v1.mp4"
    staged = StagedFile(target)
    temp = staged.create()
    assert temp.parent == target.parent and is_partial_name(temp.name)  # same folder: the rename is atomic
    temp.write_bytes(b"written by an encoder")
    assert not target.exists()
    staged.publish()
    assert target.read_bytes() == b"written by an encoder" and _names(target.parent) == ["v1.mp4"]


def test_a_discarded_staged_file_leaves_nothing(tmp_path: Path) -> None:
    staged = StagedFile(tmp_path / "v1.mp4")
    staged.create().write_bytes(b"failed verification")
    staged.discard()
    assert _names(tmp_path) == []
