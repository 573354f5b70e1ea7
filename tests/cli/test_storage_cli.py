"""`sora2 storage migrate|check`, run as an operator would: a local library made by the real app moves into a
bucket (moto's server), survives an interrupted run, and is then served from the bucket by the app."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from sora2.app import create_app
from tests.fixtures.media import png_bytes
from tests.fixtures.s3 import CREDENTIALS, REGION
from tests.videos.helpers import create_video, wait_for_video


def storage(settings, *args: str, **env: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SORA2_", "AWS_"))}
    base.update({"SORA2_DATA_DIR": str(settings.data_dir), "SORA2_DATABASE_URL": settings.database_url,
                 "COLUMNS": "120", **CREDENTIALS, **env})
    return subprocess.run([sys.executable, "-m", "sora2", "storage", *args], env=base, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
async def library(client, user_headers) -> list[dict]:
    """Two finished videos in the local folder, one made from a reference image: 7 objects."""
    files = {"input_reference": ("ref.png", png_bytes(300, 100), "image/png")}
    with_image = await client.post("/api/videos", data={"prompt": "a lighthouse", "size": "720x1280"},
                                   files=files, headers=user_headers)
    plain = await create_video(client, user_headers, size="720x1280")
    return [await wait_for_video(client, user_headers, v["id"]) for v in (with_image.json(), plain)]


async def test_migrate_copies_verifies_resumes_and_the_app_serves_from_the_bucket(settings, library, s3_server,
                                                                                  s3_bucket, user_headers):
    media = settings.data_dir / "media"
    (media / "videos" / ".tmp-1a2b-x.mp4.part").write_bytes(b"a crashed download: never copied")
    local_keys = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()
                        and not p.name.startswith(".tmp-"))
    assert len(local_keys) == 7
    target = f"s3://{s3_bucket}/library"
    s3 = {"SORA2_S3_ENDPOINT_URL": s3_server.endpoint, "SORA2_S3_REGION": REGION}

    first = storage(settings, "migrate", "--to", target, **s3)
    assert first.returncode == 0, first.stderr
    assert "copied 7 objects" in first.stdout and "0 failed" in first.stdout
    assert f"now set SORA2_STORAGE_URL={target}" in first.stdout
    assert s3_server.keys(s3_bucket) == [f"library/{key}" for key in local_keys]

    # As if the first run had been cut off: one object never arrived, another arrived damaged.
    client = s3_server.client()
    client.delete_object(Bucket=s3_bucket, Key=f"library/{local_keys[0]}")
    damaged = f"library/{local_keys[1]}"
    size = client.head_object(Bucket=s3_bucket, Key=damaged)["ContentLength"]
    client.put_object(Bucket=s3_bucket, Key=damaged, Body=b"\0" * size)
    again = storage(settings, "migrate", "--to", target, **s3)
    assert again.returncode == 0, again.stderr
    assert "copied 2 objects" in again.stdout and "5 already there" in again.stdout
    assert client.get_object(Bucket=s3_bucket, Key=damaged)["Body"].read() == (media / local_keys[1]).read_bytes()

    in_bucket = {"SORA2_STORAGE_URL": target, **s3}
    checked = storage(settings, "check", **in_bucket)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "7 objects, 2 videos: 0 missing, 0 orphaned" in checked.stdout

    # The app, pointed at the bucket, serves the migrated library.
    moved = create_app(settings.model_copy(update={"storage_url": target, "s3_endpoint_url": s3_server.endpoint,
                                                   "s3_region": REGION}))
    async with moved.fastapi.router.lifespan_context(moved.fastapi), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=moved), base_url="http://testserver") as http:
        for video in library:
            answer = await http.get(f"/api/videos/{video['id']}/content", headers=user_headers)
            assert answer.status_code == 307
            original = (media / "videos" / f"{video['id']}.mp4").read_bytes()
            assert httpx.get(answer.headers["location"]).content == original


async def test_check_reports_missing_and_orphaned_objects_and_can_remove_orphans(settings, library):
    media = settings.data_dir / "media"
    (media / "videos" / f"{library[1]['id']}_thumb.webp").unlink()
    (media / "videos" / "deleted-long-ago.mp4").write_bytes(b"no record points here")
    (media / "references" / "deleted-long-ago_first.jpg").write_bytes(b"nor here")

    young = storage(settings, "check")  # just written: could be a video being created right now
    assert young.returncode == 1 and "1 missing, 0 orphaned" in young.stdout and "2 still being written" in young.stdout
    found = storage(settings, "check", "--min-age", "0")
    assert found.returncode == 1, found.stdout
    assert "8 objects, 2 videos: 1 missing, 2 orphaned (29 B)" in found.stdout
    assert f"missing: videos/{library[1]['id']}_thumb.webp" in found.stdout
    assert "orphaned: videos/deleted-long-ago.mp4" in found.stdout
    removed = storage(settings, "check", "--min-age", "0", "--delete-orphans")
    assert "deleted: references/deleted-long-ago_first.jpg" in removed.stdout
    assert not (media / "videos" / "deleted-long-ago.mp4").exists()
    assert removed.returncode == 1  # the missing thumbnail is still missing


def test_an_unknown_store_url_is_a_clear_error(settings):
    answer = storage(settings, "migrate", "--to", "ftp://example/x")
    assert answer.returncode == 1 and "Unknown storage URL 'ftp://example/x'" in answer.stderr
