"""The whole video life with the library in an S3-compatible bucket (moto's server): nothing on the local disk,
media answered by a redirect to a short-lived link (default) or streamed with ranges (SORA2_S3_DELIVERY=proxy),
frames read from the bucket, and delete freeing the objects."""

from __future__ import annotations

import base64
import io
from urllib.parse import urlsplit

import av
import httpx
import pytest
from PIL import Image

from sora2.config import Settings
from tests.fixtures.media import png_bytes
from tests.videos.helpers import create_video, wait_for_video

PREFIX = "library"


@pytest.fixture
def delivery() -> str:
    return "redirect"


@pytest.fixture
def settings(settings: Settings, s3_server, s3_bucket, delivery) -> Settings:  # noqa: ANN001
    return settings.model_copy(update={
        "storage_url": f"s3://{s3_bucket}/{PREFIX}", "s3_endpoint_url": s3_server.endpoint, "s3_region": "us-east-1",
        "s3_delivery": delivery, "s3_presign_seconds": 300})


async def _completed_with_reference(client: httpx.AsyncClient, headers: dict) -> dict:
    files = {"input_reference": ("ref.png", png_bytes(300, 100), "image/png")}
    data = {"prompt": "a lighthouse at dusk", "seconds": "4", "size": "720x1280"}
    response = await client.post("/api/videos", data=data, files=files, headers=headers)
    assert response.status_code == 200, response.text
    done = await wait_for_video(client, headers, response.json()["id"])
    assert done["status"] == "completed" and done["download_state"] == "done", done
    return done


def _objects(video_id: str) -> set[str]:
    return {f"{PREFIX}/videos/{video_id}.mp4", f"{PREFIX}/videos/{video_id}_thumb.webp",
            f"{PREFIX}/videos/{video_id}_sprite.jpg", f"{PREFIX}/references/{video_id}_first.jpg"}


async def test_media_live_in_the_bucket_and_are_served_by_short_lived_links(client, user_headers, settings,
                                                                             s3_server, s3_bucket):
    video = await _completed_with_reference(client, user_headers)
    assert set(s3_server.keys(s3_bucket)) == _objects(video["id"])
    local = settings.data_dir / "media"
    assert not local.exists() or not any(p.is_file() for p in local.rglob("*"))  # no shared disk needed

    answer = await client.get(f"/api/videos/{video['id']}/content", headers=user_headers)
    assert answer.status_code == 307 and answer.headers["location"].startswith(s3_server.endpoint + "/")
    assert answer.headers["cache-control"] == "private, max-age=150"
    mp4 = httpx.get(answer.headers["location"])
    assert mp4.status_code == 200 and mp4.headers["content-type"] == "video/mp4"
    with av.open(io.BytesIO(mp4.content)) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (720, 1280)

    token = user_headers["Authorization"].removeprefix("Bearer ")
    # The original's ?token= route and our signed URLs both lead to the same object.
    for path in (f"/api/videos/{video['id']}/content?token={token}&variant=thumbnail", video["media"]["thumbnail"]):
        redirect = await client.get(path)
        assert redirect.status_code == 307, path
        thumb = httpx.get(redirect.headers["location"])
        assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/webp"
        assert thumb.content[8:12] == b"WEBP"
    download = await client.get(f"{video['media']['video']}&download=true")
    saved = httpx.get(download.headers["location"])
    assert saved.headers["content-disposition"] == f'attachment; filename="{video["id"]}.mp4"'
    assert saved.content == mp4.content


async def test_frames_references_and_continue_read_from_the_bucket(client, user_headers, s3_server, s3_bucket):
    video = await _completed_with_reference(client, user_headers)
    shots = (await client.get(f"/api/videos/{video['id']}/screenshots?count=2", headers=user_headers)).json()
    assert [f["is_final_frame"] for f in shots["frames"]] == [False, True]
    assert Image.open(io.BytesIO(base64.b64decode(shots["frames"][1]["data"]))).size == (720, 1280)
    refs = (await client.get(f"/api/videos/{video['id']}/reference-images", headers=user_headers)).json()
    assert [i["filename"] for i in refs["images"]] == [f"{video['id']}_first.jpg"]

    cont = await client.post(f"/api/videos/{video['id']}/continue", json={"prompt": "the light goes out"},
                             headers=user_headers)
    assert cont.status_code == 200, cont.text
    assert cont.json()["has_input_reference"] is True  # the last frame, taken from the bucket's copy
    done = await wait_for_video(client, user_headers, cont.json()["id"])
    assert done["status"] == "completed" and done["download_state"] == "done", done
    assert _objects(done["id"]) <= set(s3_server.keys(s3_bucket))

    for record in (video, done):
        assert (await client.delete(f"/api/videos/{record['id']}", headers=user_headers)).status_code == 200
    assert s3_server.keys(s3_bucket) == []  # delete frees the objects


@pytest.mark.parametrize("delivery", ["proxy"])
async def test_proxied_delivery_streams_with_ranges_and_validators(client, user_headers, delivery):
    video = await create_video(client, user_headers, size="720x1280")
    video = await wait_for_video(client, user_headers, video["id"])
    url = f"/api/videos/{video['id']}/content"
    full = await client.get(url, headers=user_headers)
    assert full.status_code == 200 and full.headers["content-type"] == "video/mp4"
    assert int(full.headers["content-length"]) == len(full.content) > 1000
    etag = full.headers["etag"]
    ranged = await client.get(url, headers={**user_headers, "Range": "bytes=-500"})
    assert ranged.status_code == 206 and ranged.content == full.content[-500:]
    size = len(full.content)
    assert ranged.headers["content-range"] == f"bytes {size - 500}-{size - 1}/{size}"
    assert (await client.get(url, headers={**user_headers, "If-None-Match": etag})).status_code == 304
    head = await client.head(video["media"]["video"])
    assert head.status_code == 200 and head.headers["content-length"] == str(len(full.content))
    unsatisfiable = await client.get(url, headers={**user_headers, "Range": f"bytes={len(full.content)}-"})
    assert unsatisfiable.status_code == 416


async def test_a_store_that_stops_answering_is_a_503_not_a_500(client, user_headers, s3_server, s3_bucket):
    video = await create_video(client, user_headers, size="720x1280")
    video = await wait_for_video(client, user_headers, video["id"])
    s3_server.remove_bucket(s3_bucket)  # the bucket is gone
    answer = await client.get(f"/api/videos/{video['id']}/screenshots", headers=user_headers)
    assert answer.status_code == 503 and answer.json()["code"] == "storage_unavailable"
    assert answer.headers["retry-after"] == "5"
    assert urlsplit(s3_server.endpoint).netloc not in answer.text  # where the store lives stays private
