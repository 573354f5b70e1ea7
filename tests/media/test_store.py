"""The media store contract, against both backends: a local folder and an S3-compatible bucket (moto's server).

Every write is visible only when complete, reads and ranges return what was written, a video's objects are
found and removed by an exact pattern, and crash leftovers are swept.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from sora2.media import MediaError, MediaNotFound, MediaStore, StoreUnavailable
from sora2.media.store.keys import reference_key, reference_name, spritesheet_key, thumbnail_key, video_key
from sora2.media.atomic import StagedFile
from sora2.media.store.local import LocalStore
from sora2.media.store.s3 import PART_SIZE, S3Store
from tests.fixtures.s3 import REGION


@pytest.fixture(params=["local", "s3"])
async def store(request, tmp_path: Path) -> AsyncIterator[MediaStore]:  # noqa: ANN001
    if request.param == "local":
        backend: MediaStore = LocalStore(tmp_path / "media")
    else:
        server, bucket = request.getfixturevalue("s3_server"), request.getfixturevalue("s3_bucket")
        backend = S3Store(bucket, "library/", scratch_dir=tmp_path / "scratch", endpoint_url=server.endpoint,
                          region=REGION, presign_seconds=120)
    await backend.start()
    yield backend
    await backend.close()


async def _keys(store: MediaStore, prefix: str = "") -> list[str]:
    return sorted([obj.key async for obj in store.list(prefix)])


async def _leftovers(store: MediaStore) -> list[str]:
    """Temp files of writes: in the library folder (local) or the scratch folder (S3)."""
    folder = store.root if isinstance(store, LocalStore) else store.scratch_dir  # type: ignore[union-attr]
    return sorted(p.name for p in folder.rglob("*") if p.is_file() and p.name.startswith(".tmp-"))


async def test_bytes_written_are_read_back_whole_and_by_range(store: MediaStore) -> None:
    data = bytes(range(256)) * 40
    await store.put_bytes(video_key("v1"), data)
    info = await store.stat(video_key("v1"))
    assert info is not None and info.size == len(data) and info.etag.startswith('"')
    assert await store.read_bytes(video_key("v1")) == data
    assert b"".join([c async for c in store.read_range(video_key("v1"), 1000, 300)]) == data[1000:1300]
    assert await store.checksum(video_key("v1")) == hashlib.md5(data).hexdigest()
    async with store.local_copy(video_key("v1")) as path:
        assert path.read_bytes() == data


async def test_a_staged_write_appears_only_when_its_block_succeeds(store: MediaStore) -> None:
    key = video_key("v1")
    async with store.stage(key) as staged:
        staged.write_bytes(b"downloaded and verified")
        assert await store.stat(key) is None and await _keys(store) == []  # nobody sees it yet
    assert await store.read_bytes(key) == b"downloaded and verified"
    assert await _leftovers(store) == []


async def test_a_failed_staged_write_leaves_nothing_and_the_old_object_intact(store: MediaStore) -> None:
    key = video_key("v1")
    await store.put_bytes(key, b"previous complete file")
    with pytest.raises(RuntimeError, match="failed verification"):
        async with store.stage(key) as staged:
            staged.write_bytes(b"half of the new")
            raise RuntimeError("failed verification")
    assert await store.read_bytes(key) == b"previous complete file"
    assert await _keys(store) == [key] and await _leftovers(store) == []


async def test_a_file_larger_than_a_part_goes_up_whole_in_parts(store: MediaStore, tmp_path: Path) -> None:
    source = tmp_path / "big.mp4"
    source.write_bytes(os.urandom(PART_SIZE + PART_SIZE // 2))
    await store.put_file(video_key("big"), source)
    stored = await store.stat(video_key("big"))
    assert stored is not None and stored.size == source.stat().st_size
    assert await store.checksum(video_key("big")) == hashlib.md5(source.read_bytes()).hexdigest()
    async with store.local_copy(video_key("big")) as copy:
        assert copy.read_bytes() == source.read_bytes()


async def test_missing_objects_say_so(store: MediaStore) -> None:
    assert await store.stat(video_key("nothing")) is None
    assert await store.checksum(video_key("nothing")) is None
    with pytest.raises(MediaNotFound):
        await store.read_bytes(video_key("nothing"))
    with pytest.raises(MediaNotFound):
        async with store.local_copy(video_key("nothing")):
            pass


@pytest.mark.parametrize("bad_key", ["videos/../x.mp4", "etc/passwd", "videos/", "videos/.tmp-a.part",
                                     "references/a/b.jpg", "/videos/a.mp4"])
async def test_keys_that_could_leave_the_library_are_refused(store: MediaStore, bad_key: str) -> None:
    with pytest.raises(MediaError, match="Invalid media key"):
        await store.put_bytes(bad_key, b"x")


async def test_a_videos_objects_are_listed_and_deleted_by_an_exact_pattern(store: MediaStore) -> None:
    for key, size in ((video_key("v1"), 1000), (thumbnail_key("v1"), 200), (spritesheet_key("v1"), 30),
                      (reference_key(reference_name("v1", "first")), 4),
                      (reference_key(reference_name("v1", "styleref", 10)), 5),
                      (reference_key(reference_name("v1", "styleref", 2)), 6), (video_key("v2"), 500),
                      # Another video whose id starts like v1's style references must not be swept up with v1.
                      (reference_key(reference_name("v1_styleref3x", "first")), 7)):
        await store.put_bytes(key, b"x" * size)
    assert [obj.key for obj in await store.video_objects("v1")] == [
        "videos/v1.mp4", "videos/v1_thumb.webp", "videos/v1_sprite.jpg", "references/v1_first.jpg",
        "references/v1_styleref2.jpg", "references/v1_styleref10.jpg"]
    assert await store.delete_video("v1") == 1000 + 200 + 30 + 4 + 5 + 6
    assert await store.video_objects("v1") == []
    assert await _keys(store) == ["references/v1_styleref3x_first.jpg", "videos/v2.mp4"]
    assert await store.delete_video("v1") == 0
    with pytest.raises(MediaError, match="Invalid video id"):
        await store.video_objects("../etc")


async def test_listing_takes_a_prefix_and_never_shows_a_write_in_progress(store: MediaStore) -> None:
    await store.put_bytes(video_key("a"), b"1")
    await store.put_bytes(reference_key("a_first.jpg"), b"2")
    async with store.stage(video_key("b")) as staged:
        staged.write_bytes(b"still downloading")
        assert await _keys(store) == ["references/a_first.jpg", "videos/a.mp4"]
        assert await _keys(store, "videos/") == ["videos/a.mp4"]
        assert await _keys(store, "references/a") == ["references/a_first.jpg"]
        assert await _keys(store, "videos/b") == []


async def test_locate_gives_a_path_on_disk_or_a_link_that_serves_the_object(store: MediaStore) -> None:
    await store.put_bytes(video_key("v1"), b"\x00\x00\x00\x18ftypmp42" + b"m" * 100)
    location = await store.locate(video_key("v1"), content_type="video/mp4", download_name="v1.mp4")
    if isinstance(store, LocalStore):
        assert location.url is None and location.path == store.root / "videos" / "v1.mp4"
        return
    assert location.path is None and 60 <= location.expires_in <= 120
    answer = httpx.get(location.url)
    assert answer.status_code == 200 and answer.content.startswith(b"\x00\x00\x00\x18ftyp")
    assert answer.headers["content-type"] == "video/mp4"
    assert answer.headers["content-disposition"] == 'attachment; filename="v1.mp4"'
    ranged = httpx.get(location.url, headers={"Range": "bytes=4-7"})
    assert ranged.status_code == 206 and ranged.content == b"ftyp"
    # The same link for a while: browsers cache the object under it.
    assert (await store.locate(video_key("v1"), content_type="video/mp4", download_name="v1.mp4")).url == location.url


async def test_cleanup_removes_crash_leftovers_and_keeps_complete_objects(store: MediaStore) -> None:
    await store.put_bytes(video_key("v1"), b"keep")
    if isinstance(store, LocalStore):
        (store.root / "videos" / ".tmp-abc123-v2.mp4.part").write_bytes(b"half a download")
        (store.root / "videos" / "v3.mp4.part").write_bytes(b"partial")
        (store.root / "references" / ".tmp-def456-v2_first.jpg.part").write_bytes(b"half an image")
        (store.root / "uploads" / "upload-1").write_bytes(b"stale upload")
        expected = 4
    else:
        (store.scratch_dir / ".tmp-abc123.part").write_bytes(b"half a download")  # type: ignore[union-attr]
        # An upload that a killed instance started and never finished or aborted.
        client = store._client  # type: ignore[union-attr]  # noqa: SLF001
        await client.create_multipart_upload(Bucket=store.bucket, Key="library/videos/v2.mp4")  # type: ignore[union-attr]
        expected = 2
    assert await store.cleanup_partials() == expected
    assert await store.cleanup_partials() == 0
    assert await _keys(store) == ["videos/v1.mp4"] and await _leftovers(store) == []
    if isinstance(store, S3Store):
        uploads = await store._client.list_multipart_uploads(Bucket=store.bucket)  # noqa: SLF001
        assert uploads.get("Uploads", []) == []


async def test_cleanup_with_an_age_spares_writes_in_progress(store: MediaStore) -> None:
    folder = store.root / "videos" if isinstance(store, LocalStore) else store.scratch_dir  # type: ignore[union-attr]
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / ".tmp-old-v1.mp4.part"
    old.write_bytes(b"left by a crash an hour ago")
    os.utime(old, (old.stat().st_atime - 7200, old.stat().st_mtime - 7200))
    async with store.stage(video_key("v2")) as staged:
        staged.write_bytes(b"downloading right now")
        assert await store.cleanup_partials(older_than_seconds=600) == 1
    assert await store.read_bytes(video_key("v2")) == b"downloading right now"
    assert not old.exists()


async def test_an_unreachable_or_missing_bucket_is_reported_at_start(s3_server, s3_bucket,  # noqa: ANN001
                                                                     tmp_path) -> None:
    from tests.fixtures.live import free_port

    nowhere = S3Store(s3_bucket, "", scratch_dir=tmp_path, endpoint_url=f"http://127.0.0.1:{free_port()}",
                      region=REGION)
    with pytest.raises(StoreUnavailable, match="Could not reach the bucket"):
        await nowhere.start()
    await nowhere.close()
    missing = S3Store("no-such-bucket-here", "", scratch_dir=tmp_path, endpoint_url=s3_server.endpoint,
                      region=REGION)
    with pytest.raises(StoreUnavailable, match=r"refused to reach the bucket \(404\).*s3://no-such-bucket-here/"):
        await missing.start()
    await missing.close()


async def test_a_failed_multipart_upload_is_aborted_and_leaves_nothing(s3_server, s3_bucket, tmp_path,
                                                                      monkeypatch) -> None:  # noqa: ANN001
    store = S3Store(s3_bucket, "lib", scratch_dir=tmp_path / "scratch", endpoint_url=s3_server.endpoint,
                    region=REGION)
    await store.start()
    try:
        real_upload_part, calls = store._client.upload_part, []  # noqa: SLF001

        async def dropped_on_second_part(**kwargs):  # noqa: ANN003, ANN202
            calls.append(kwargs["PartNumber"])
            if kwargs["PartNumber"] == 2:
                raise ConnectionResetError("connection dropped")
            return await real_upload_part(**kwargs)

        monkeypatch.setattr(store._client, "upload_part", dropped_on_second_part)  # noqa: SLF001
        source = tmp_path / "big.mp4"
        source.write_bytes(os.urandom(PART_SIZE + 1024))
        with pytest.raises(StoreUnavailable, match="upload a part"):
            async with store.stage(video_key("v1")) as staged:
                staged.write_bytes(source.read_bytes())
        assert calls == [1, 2]
        assert s3_server.keys(s3_bucket) == [] and await _leftovers(store) == []
        uploads = await store._client.list_multipart_uploads(Bucket=s3_bucket)  # noqa: SLF001
        assert uploads.get("Uploads", []) == []
    finally:
        await store.close()


def test_the_storage_url_picks_the_backend(tmp_path) -> None:  # noqa: ANN001
    from sora2.config import Settings
    from sora2.media import open_store

    settings = Settings(_env_file=None, data_dir=tmp_path / "data", s3_endpoint_url="http://127.0.0.1:9000")
    default = open_store(settings)
    assert isinstance(default, LocalStore) and default.root == tmp_path / "data" / "media"
    bucket = open_store(settings, "s3://media-bucket/studio/library/")
    assert isinstance(bucket, S3Store) and (bucket.bucket, bucket.prefix) == ("media-bucket", "studio/library/")
    assert bucket.addressing_style == "path" and bucket.description.startswith("s3://media-bucket/studio/library/")
    assert isinstance(open_store(settings, f"file://{tmp_path}/elsewhere"), LocalStore)
    assert open_store(settings, str(tmp_path / "x")).root == tmp_path / "x"  # type: ignore[union-attr]
    with pytest.raises(MediaError, match="names no bucket"):
        open_store(settings, "s3:///prefix")
    with pytest.raises(MediaError, match="Unknown storage URL"):
        open_store(settings, "gs://bucket")


async def test_an_instance_sweeps_its_own_crash_leftovers_at_once_and_others_only_when_old(tmp_path) -> None:
    # Two instances share the folder: B is downloading right now while A restarts after a crash.
    a, b = LocalStore(tmp_path / "media", owner="aaaa"), LocalStore(tmp_path / "media", owner="bbbb")
    await a.start()
    crashed = StagedFile(a.path(video_key("v1")), a.owner)
    crashed.create()  # A died before publishing: its temp file stays
    async with b.stage(video_key("v2")) as staged:
        staged.write_bytes(b"B's download in progress")
        assert await a.cleanup_partials(older_than_seconds=3600) == 1  # A's own leftover only
        assert [p.name for p in (tmp_path / "media" / "videos").iterdir()][0].startswith(".tmp-bbbb~")
    assert await b.read_bytes(video_key("v2")) == b"B's download in progress"
