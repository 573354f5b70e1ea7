"""MediaStorage: the on-disk layout, atomic writes, deleting a video's files, sweeping crash leftovers."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from sora2.media import MediaError, MediaStorage, atomic_write_bytes


@pytest.fixture
def storage(tmp_path: Path) -> MediaStorage:
    storage = MediaStorage(tmp_path / "media")
    storage.ensure_dirs()
    return storage


def _names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_layout_uses_the_names_the_original_frontend_recognises(storage: MediaStorage) -> None:
    root = storage.root
    assert storage.video_path("v1") == root / "videos" / "v1.mp4"
    assert storage.thumbnail_path("v1") == root / "videos" / "v1_thumb.webp"
    assert storage.spritesheet_path("v1") == root / "videos" / "v1_sprite.jpg"
    assert storage.reference_path("v1", "first") == root / "references" / "v1_first.jpg"
    assert storage.reference_path("v1", "last") == root / "references" / "v1_last.jpg"
    assert storage.reference_path("v1", "styleref", 2) == root / "references" / "v1_styleref2.jpg"
    assert storage.references_dir == root / "references" and storage.videos_dir == root / "videos"
    assert storage.videos_dir.is_dir() and storage.references_dir.is_dir() and storage.uploads_dir.is_dir()


@pytest.mark.parametrize("bad_id", ["../etc", "a/b", "", "x.mp4", "a\\b", "é"])
def test_ids_that_could_leave_the_folder_are_refused(storage: MediaStorage, bad_id: str) -> None:
    with pytest.raises(MediaError, match="Invalid video id"):
        storage.video_path(bad_id)


def test_unknown_reference_kind_is_refused(storage: MediaStorage) -> None:
    with pytest.raises(MediaError, match="first, last or styleref"):
        storage.reference_path("v1", "middle")  # type: ignore[arg-type]


def test_files_for_lists_existing_files_only_and_not_a_lookalike_id(storage: MediaStorage) -> None:
    storage.atomic_write_bytes(storage.video_path("v1"), b"mp4")
    storage.atomic_write_bytes(storage.reference_path("v1", "first"), b"jpg")
    storage.atomic_write_bytes(storage.reference_path("v1", "styleref", 10), b"jpg")
    storage.atomic_write_bytes(storage.reference_path("v1", "styleref", 2), b"jpg")
    # Another video whose id starts like v1's style references must not be swept up with v1.
    storage.atomic_write_bytes(storage.reference_path("v1_styleref3x", "first"), b"other")
    assert [path.name for path in storage.files_for("v1")] == [
        "v1.mp4", "v1_first.jpg", "v1_styleref2.jpg", "v1_styleref10.jpg"]
    assert storage.files_for("nothing-here") == []


def test_delete_video_files_frees_their_bytes_and_leaves_other_videos(storage: MediaStorage) -> None:
    storage.atomic_write_bytes(storage.video_path("v1"), b"x" * 1000)
    storage.atomic_write_bytes(storage.thumbnail_path("v1"), b"x" * 200)
    storage.atomic_write_bytes(storage.spritesheet_path("v1"), b"x" * 30)
    storage.atomic_write_bytes(storage.reference_path("v1", "last"), b"x" * 4)
    storage.atomic_write_bytes(storage.video_path("v2"), b"y" * 500)
    assert storage.delete_video_files("v1") == 1234
    assert storage.files_for("v1") == []
    assert storage.video_path("v2").read_bytes() == b"y" * 500
    assert storage.delete_video_files("v1") == 0


def test_atomic_writer_publishes_the_file_only_when_the_block_succeeds(storage: MediaStorage) -> None:
    target = storage.video_path("v1")
    with storage.atomic_writer(target) as file:
        file.write(b"part one ")
        assert not target.exists()  # readers never see a half-written file
        file.write(b"part two")
    assert target.read_bytes() == b"part one part two"
    assert _names(storage.videos_dir) == ["v1.mp4"]


def test_atomic_writer_leaves_no_temp_file_and_the_old_file_intact_on_error(storage: MediaStorage) -> None:
    target = storage.video_path("v1")
    storage.atomic_write_bytes(target, b"previous complete file")
    with pytest.raises(RuntimeError, match="connection dropped"):
        with storage.atomic_writer(target) as file:
            file.write(b"half of the new")
            raise RuntimeError("connection dropped")
    assert target.read_bytes() == b"previous complete file"
    assert _names(storage.videos_dir) == ["v1.mp4"]


def test_atomic_writer_can_be_entered_and_exited_on_different_threads(storage: MediaStorage) -> None:
    # The tracker runs __enter__ and __exit__ through asyncio.to_thread, i.e. possibly on two worker threads.
    target = storage.video_path("v1")
    writer = storage.atomic_writer(target)
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


def test_cleanup_partials_removes_crash_leftovers_and_keeps_real_files(storage: MediaStorage) -> None:
    storage.atomic_write_bytes(storage.video_path("v1"), b"keep")
    storage.atomic_write_bytes(storage.reference_path("v1", "first"), b"keep")
    (storage.videos_dir / ".tmp-abc123-v2.mp4.part").write_bytes(b"half a download")
    (storage.videos_dir / "v3.mp4.part").write_bytes(b"partial")
    (storage.references_dir / ".tmp-def456-v2_first.jpg.part").write_bytes(b"half an image")
    (storage.uploads_dir / "upload-1").write_bytes(b"stale upload")
    assert storage.cleanup_partials() == 4
    assert _names(storage.videos_dir) == ["v1.mp4"]
    assert _names(storage.references_dir) == ["v1_first.jpg"]
    assert _names(storage.uploads_dir) == []
    assert storage.cleanup_partials() == 0


def test_cleanup_partials_with_an_age_spares_writes_in_progress(storage: MediaStorage) -> None:
    old = storage.videos_dir / ".tmp-old-v1.mp4.part"
    old.write_bytes(b"left by a crash an hour ago")
    os.utime(old, (old.stat().st_atime - 3600, old.stat().st_mtime - 3600))
    with storage.atomic_writer(storage.video_path("v2")) as file:
        file.write(b"downloading right now")
        assert storage.cleanup_partials(older_than_seconds=600) == 1
    assert storage.video_path("v2").read_bytes() == b"downloading right now"
    assert not old.exists()


def test_a_crash_mid_write_leaves_only_a_file_cleanup_recognises(storage: MediaStorage) -> None:
    writer = storage.atomic_writer(storage.video_path("v1"))
    file = writer.__enter__()
    file.write(b"the process dies here")
    file.close()  # no __exit__: as if the process had been killed
    assert storage.cleanup_partials() == 1
    assert _names(storage.videos_dir) == []


def test_an_instance_sweeps_its_own_crash_leftovers_at_once_and_others_only_when_old(tmp_path) -> None:
    # Two instances share the folder: B is downloading right now while A restarts after a crash.
    a, b = MediaStorage(tmp_path / "media", owner="aaaa"), MediaStorage(tmp_path / "media", owner="bbbb")
    a.ensure_dirs()
    crashed = a.atomic_writer(a.video_path("v1"))
    crashed.__enter__().close()  # A died mid-write: no __exit__
    with b.atomic_writer(b.video_path("v2")) as file:
        file.write(b"B's download in progress")
        assert a.cleanup_partials(older_than_seconds=3600) == 1  # A's own leftover only
        assert [p.name for p in a.videos_dir.iterdir()][0].startswith(".tmp-bbbb~")
    assert b.video_path("v2").read_bytes() == b"B's download in progress"
