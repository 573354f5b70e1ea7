from __future__ import annotations

import io

import av
import pytest

from tests.conftest import make_user
from tests.videos.helpers import create_video, wait_for_video


@pytest.fixture
async def completed(client, user_headers) -> dict:
    video = await create_video(client, user_headers, seconds="4", size="720x1280")
    return await wait_for_video(client, user_headers, video["id"])


async def test_video_completes_with_verified_files(client, user_headers, completed, ctx):
    assert completed["status"] == "completed" and completed["progress"] == 100
    assert completed["download_state"] == "done"
    assert completed["thumbnail_path"] and completed["file_path"] == f"{completed['id']}.mp4"
    assert "/" not in completed["file_path"]  # server paths stay private
    assert completed["sprite"]["columns"] >= 1
    assert completed["has_audio"] is False  # what the file holds: the emulator renders no audio track
    response = await client.get(f"/api/videos/{completed['id']}/content", headers=user_headers)
    assert response.status_code == 200 and response.headers["content-type"] == "video/mp4"
    with av.open(io.BytesIO(response.content)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (720, 1280)
        assert abs(float(container.duration / av.time_base) - 4.0) < 0.5


async def test_thumbnail_and_spritesheet_variants(client, user_headers, completed):
    base = f"/api/videos/{completed['id']}/content"
    thumb = await client.get(base, params={"variant": "thumbnail"}, headers=user_headers)
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/webp"
    assert thumb.content[:4] == b"RIFF" and thumb.content[8:12] == b"WEBP"
    sprite = await client.get(base, params={"variant": "spritesheet"}, headers=user_headers)
    assert sprite.headers["content-type"] == "image/jpeg" and sprite.content[:2] == b"\xff\xd8"
    bad = await client.get(base, params={"variant": "poster"}, headers=user_headers)
    assert bad.status_code == 400


async def test_ranges_suffix_open_and_unsatisfiable(client, user_headers, completed):
    url = f"/api/videos/{completed['id']}/content"
    full = (await client.get(url, headers=user_headers)).content
    size = len(full)
    suffix = await client.get(url, headers={**user_headers, "Range": "bytes=-500"})
    assert suffix.status_code == 206 and suffix.content == full[-500:]
    assert suffix.headers["content-range"] == f"bytes {size - 500}-{size - 1}/{size}"
    opened = await client.get(url, headers={**user_headers, "Range": "bytes=100-"})
    assert opened.status_code == 206 and opened.content == full[100:]
    middle = await client.get(url, headers={**user_headers, "Range": "bytes=10-19"})
    assert middle.content == full[10:20] and middle.headers["content-length"] == "10"
    past = await client.get(url, headers={**user_headers, "Range": "bytes=0-99999999"})
    assert past.status_code == 206 and int(past.headers["content-length"]) == size
    for bad in ("bytes=abc", "bytes=100-50", f"bytes={size + 10}-"):
        response = await client.get(url, headers={**user_headers, "Range": bad})
        assert response.status_code == 416, bad
        assert response.headers["content-range"] == f"bytes */{size}"
        assert "error" in response.json()
    assert (await client.get("/healthz")).status_code == 200


async def test_etag_allows_conditional_requests(client, user_headers, completed):
    url = f"/api/videos/{completed['id']}/content"
    first = await client.get(url, headers=user_headers)
    again = await client.get(url, headers={**user_headers, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


async def test_query_token_works_on_content_only(client, user_headers, completed):
    token = user_headers["Authorization"].split()[1]
    response = await client.get(f"/api/videos/{completed['id']}/content?variant=thumbnail&token={token}")
    assert response.status_code == 200


async def test_signed_media_urls_work_without_token_and_reject_tampering(client, completed):
    url = completed["media"]["video"]
    assert "token" not in url and "sig=" in url
    assert (await client.get(url, headers={"Range": "bytes=0-9"})).status_code == 206
    tampered = url.replace("/video?", "/thumbnail?")
    assert (await client.get(tampered)).status_code == 403


async def test_other_users_cannot_reach_the_video(client, admin_headers, user_headers, completed):
    bob = await make_user(client, admin_headers, "bob")
    vid = completed["id"]
    assert (await client.get(f"/api/videos/{vid}", headers=bob)).status_code == 403
    assert (await client.get(f"/api/videos/{vid}/content", headers=bob)).status_code == 403
    assert (await client.post(f"/api/videos/{vid}/remix", json={"prompt": "x"}, headers=bob)).status_code == 403
    assert (await client.post(f"/api/videos/{vid}/continue", json={"prompt": "x"}, headers=bob)).status_code == 403
    assert (await client.delete(f"/api/videos/{vid}", headers=bob)).status_code == 404
    assert (await client.get("/api/videos", headers=bob)).json()["videos"] == []
    assert (await client.get("/api/videos/nope", headers=bob)).status_code == 404


async def test_remix_and_continue_make_linked_videos(client, user_headers, completed):
    remix = await client.post(f"/api/videos/{completed['id']}/remix", json={"prompt": "now at night"},
                              headers=user_headers)
    assert remix.status_code == 200, remix.text
    assert remix.json()["remix_of"] == completed["id"]
    cont = await client.post(f"/api/videos/{completed['id']}/continue", json={"prompt": "the kite lands"},
                             headers=user_headers)
    assert cont.status_code == 200, cont.text
    assert cont.json()["continued_from"] == completed["id"] and cont.json()["has_input_reference"] is True
    for video in (remix.json(), cont.json()):
        done = await wait_for_video(client, user_headers, video["id"])
        assert done["status"] == "completed", done
    lineage = (await client.get(f"/api/videos/{completed['id']}/lineage", headers=user_headers)).json()
    assert {c["id"] for c in lineage["children"]} == {remix.json()["id"], cont.json()["id"]}
    child = (await client.get(f"/api/videos/{remix.json()['id']}/lineage", headers=user_headers)).json()
    assert child["parent"]["id"] == completed["id"]


async def test_remix_of_unfinished_video_is_400(client, user_headers):
    video = await create_video(client, user_headers)
    response = await client.post(f"/api/videos/{video['id']}/remix", json={"prompt": "x"}, headers=user_headers)
    assert response.status_code == 400 and response.json()["error"] == "Original video must be completed"
    missing = await client.post("/api/videos/nope/remix", json={"prompt": "x"}, headers=user_headers)
    assert missing.status_code == 404


async def test_delete_removes_every_file(client, user_headers, completed, ctx):
    files = await ctx.storage.video_objects(completed["id"])
    assert len(files) >= 3
    response = await client.delete(f"/api/videos/{completed['id']}", headers=user_headers)
    assert response.json() == {"success": True}
    assert [await ctx.storage.stat(obj.key) for obj in files] == [None] * len(files)
    assert (await client.get(f"/api/videos/{completed['id']}", headers=user_headers)).status_code == 404


async def test_screenshots_and_check_status(client, user_headers, completed):
    shots = (await client.get(f"/api/videos/{completed['id']}/screenshots?count=3", headers=user_headers)).json()
    assert shots["frame_count"] == 3 and [f["is_final_frame"] for f in shots["frames"]] == [False, False, True]
    check = (await client.post(f"/api/videos/{completed['id']}/check-status", headers=user_headers)).json()
    assert check["message"] == "Status check triggered" and check["video"]["status"] == "completed"


async def test_list_paging_filters_and_cost_stats(client, user_headers, completed):
    await create_video(client, user_headers, prompt="a blue whale")
    page = (await client.get("/api/videos?limit=1&offset=0", headers=user_headers)).json()
    assert page["limit"] == 1 and page["total"] == 2 and page["videos"][0]["prompt"] == "a blue whale"
    assert (await client.get("/api/videos?q=WHALE", headers=user_headers)).json()["total"] == 1
    assert (await client.get("/api/videos?status=completed", headers=user_headers)).json()["total"] == 1
    assert (await client.get("/api/videos?limit=-1", headers=user_headers)).json()["limit"] == 50
    assert (await client.get("/api/videos?limit=abc", headers=user_headers)).status_code == 400
    stats = (await client.get("/api/videos/stats/costs", headers=user_headers)).json()
    # The emulator's videos are simulated: nothing is estimated or charged, and the totals say so.
    assert stats["user_total"] == stats["user_charged"] == completed["charged"] == 0.0 and stats["user_count"] == 1
    assert stats["user_videos"] == 2 and stats["user_simulated"] == 2
    assert {"user_total", "user_count", "platform_total", "platform_count"} <= set(stats)
